"""The form for numeric questions."""

from __future__ import annotations

from typing import Any

from wtforms import StringField
from wtforms.validators import InputRequired, Length, Optional

from quizapp.domain.question_types import Numeric, Question
from quizapp.teacher.question_forms.base import NumberField, QuestionForm, is_blank


class NumericForm(QuestionForm):
    """A number, right within an absolute tolerance."""

    type_name = "numeric"
    type_label = "Numeric"
    answer = NumberField("Answer", validators=[InputRequired("Enter the answer as a number.")])
    tolerance = NumberField(
        "Tolerance",
        validators=[Optional()],
        description="How far off an answer may be and still count (0 when left empty).",
    )
    unit = StringField(
        "Unit",
        validators=[Length(max=100)],
        description="Shown after the answer box, e.g. billion US dollars.",
    )

    @classmethod
    def specific_prefill(cls, question: Question) -> dict[str, Any]:
        """The answer, tolerance and unit."""
        assert isinstance(question, Numeric)
        return {
            "answer": question.answer,
            "tolerance": question.tolerance,
            "unit": question.unit or "",
        }

    def specific_mapping(self) -> dict[str, object]:
        """The numbers that parsed and the unit when one was typed."""
        mapping: dict[str, object] = {}
        for name in ("answer", "tolerance"):
            if self[name].data is not None:
                mapping[name] = self[name].data
        if not is_blank(self.unit.data):
            mapping["unit"] = self.unit.data
        return mapping
