"""The form for multiple-choice questions."""

from __future__ import annotations

from wtforms import FieldList, FormField, SubmitField

from quizapp.teacher.question_forms.base import CHOICES, ChoiceEntry, QuestionForm


class MultipleChoiceForm(QuestionForm):
    """Select all that apply: choices ticked correct, or a grade for every choice."""

    type_name = "multiple"
    type_label = "Multiple choice"
    entry_lists = (CHOICES,)
    choices = FieldList(FormField(ChoiceEntry), min_entries=4)
    add_choice = SubmitField("Add choice")
