"""The form for short-answer questions."""

from __future__ import annotations

from typing import Any

from wtforms import BooleanField, FieldList, FormField, SubmitField

from quizapp.domain.question_types import Question, ShortAnswer
from quizapp.teacher.question_forms.base import (
    EntryList,
    QuestionForm,
    TextEntry,
    text_prefill,
    text_value,
)


class ShortAnswerForm(QuestionForm):
    """A typed answer, right when it matches one of the accepted answers."""

    type_name = "short"
    type_label = "Short answer"
    entry_lists = (EntryList("answers", "add_answer", "Accepted answer", text_value, text_prefill),)
    answers = FieldList(FormField(TextEntry), min_entries=1)
    add_answer = SubmitField("Add answer")
    case_sensitive = BooleanField("Case sensitive")

    @classmethod
    def specific_prefill(cls, question: Question) -> dict[str, Any]:
        """Whether case matters."""
        assert isinstance(question, ShortAnswer)
        return {"case_sensitive": question.case_sensitive}

    def specific_mapping(self) -> dict[str, object]:
        """``case_sensitive`` as ticked."""
        return {"case_sensitive": bool(self.case_sensitive.data)}
