"""The form for ordering questions."""

from __future__ import annotations

from typing import Any

from wtforms import FieldList, FormField, SelectField, SubmitField
from wtforms.fields.choices import SelectChoice

from quizapp.domain.question_types import Ordering, Question
from quizapp.domain.question_types.ordering import DEFAULT_GRADING, GRADINGS
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
    grading = SelectField(
        "How it is graded",
        choices=[SelectChoice(name, grading.label) for name, grading in GRADINGS.items()],
        default=DEFAULT_GRADING,
        description="What earns part of the marks when the order is not quite right.",
    )

    @classmethod
    def specific_prefill(cls, question: Question) -> dict[str, Any]:
        """The question's grading type."""
        assert isinstance(question, Ordering)
        return {"grading": question.grading}

    def specific_mapping(self) -> dict[str, object]:
        """``grading`` as chosen (the default too: the bank leaves it out on writing)."""
        return {"grading": self.grading.data or DEFAULT_GRADING}
