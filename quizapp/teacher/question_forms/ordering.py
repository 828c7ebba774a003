"""The form for ordering questions."""

from __future__ import annotations

from wtforms import FieldList, FormField, SubmitField

from quizapp.teacher.question_forms.base import (
    EntryList,
    QuestionForm,
    TextEntry,
    text_prefill,
    text_value,
)


class OrderingForm(QuestionForm):
    """Items to put in order; list them in the correct order."""

    type_name = "ordering"
    type_label = "Ordering"
    entry_lists = (EntryList("items", "add_item", "Item", text_value, text_prefill),)
    items = FieldList(FormField(TextEntry), min_entries=3)
    add_item = SubmitField("Add item")
