"""The form for numeric questions: answers tried in order, and the units they may be typed in."""

from __future__ import annotations

from typing import Any

from wtforms import FieldList, Form, FormField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from quizapp.domain.grades import MOODLE_GRADES, fraction_text, percentage_text
from quizapp.domain.question_types.numeric import NumericAnswer, NumericUnit
from quizapp.teacher.question_forms.base import (
    NEW_BANK_ID,
    TEXT_LIMIT,
    EntryList,
    NumberField,
    QuestionForm,
    is_blank,
)

# Moodle's grades as its numerical form offers them: 100% down to 5%, none, then the
# negatives (they earn nothing here: a question's grade is never below 0).
GRADE_CHOICES = [
    *(SelectChoice(fraction_text(g), f"{percentage_text(g)}%") for g in MOODLE_GRADES),
    SelectChoice("0", "None"),
    *(SelectChoice(fraction_text(-g), f"-{percentage_text(g)}%") for g in MOODLE_GRADES),
]
FULL_MARKS = fraction_text(1.0)


class NumericAnswerEntry(Form):
    """One answer: its value, tolerance, grade and feedback."""

    value = NumberField("Answer", validators=[Optional()])
    tolerance = NumberField(
        "Tolerance",
        validators=[Optional()],
        description="How far off a response may be and still match (0 when left empty).",
    )
    fraction = SelectField("Grade", choices=GRADE_CHOICES, default=FULL_MARKS)
    feedback = StringField("Feedback", validators=[Length(max=TEXT_LIMIT)])
    remove = SubmitField("Remove")


class UnitEntry(Form):
    """One unit a response may be typed in, with its multiplier."""

    unit = StringField("Unit", validators=[Length(max=100)])
    multiplier = NumberField(
        "Multiplier",
        validators=[Optional()],
        description="How many of this unit make one of the first unit (1 when left empty).",
    )
    remove = SubmitField("Remove")


def _grade(written: str | None) -> object:
    """The chosen grade as a number; anything the select cannot send goes on as typed, for
    the domain to name."""
    try:
        return float(written or FULL_MARKS)
    except ValueError:
        return written


def answer_value(data: dict[str, Any]) -> object | None:
    if is_blank(data.get("value"), data.get("tolerance"), data.get("feedback")):
        return None
    answer: dict[str, object] = {"fraction": _grade(data.get("fraction"))}
    for key in ("value", "tolerance"):
        if data.get(key) is not None:
            answer[key] = data[key]
    if not is_blank(data.get("feedback")):
        answer["feedback"] = data["feedback"]
    return answer


def answer_prefill(answer: Any) -> dict[str, Any]:
    assert isinstance(answer, NumericAnswer)
    return {
        "value": answer.value,
        "tolerance": answer.tolerance,
        "fraction": fraction_text(answer.fraction),
        "feedback": answer.feedback,
    }


def unit_value(data: dict[str, Any]) -> object | None:
    if is_blank(data.get("unit"), data.get("multiplier")):
        return None
    unit: dict[str, object] = {}
    if not is_blank(data.get("unit")):
        unit["unit"] = data["unit"]
    if data.get("multiplier") is not None:
        unit["multiplier"] = data["multiplier"]
    return unit


def unit_prefill(unit: Any) -> dict[str, Any]:
    assert isinstance(unit, NumericUnit)
    return {"unit": unit.unit, "multiplier": unit.multiplier}


class NumericForm(QuestionForm):
    """A number, graded by the first answer whose tolerance holds it."""

    type_name = "numeric"
    type_label = "Numeric"
    entry_lists = (
        EntryList("answers", "add_answer", "Answer", answer_value, answer_prefill, "value"),
        EntryList("units", "add_unit", "Unit", unit_value, unit_prefill, "unit"),
    )
    answers = FieldList(FormField(NumericAnswerEntry), min_entries=1)
    add_answer = SubmitField("Add answer")
    units = FieldList(FormField(UnitEntry), min_entries=1)
    add_unit = SubmitField("Add unit")

    def to_mapping(self, bank_id: str = NEW_BANK_ID) -> dict[str, object]:
        """As every form's, without ``units`` when none was typed (units are optional)."""
        mapping = super().to_mapping(bank_id)
        if not mapping.get("units"):
            mapping.pop("units", None)
        return mapping
