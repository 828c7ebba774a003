"""The form for short-answer questions."""

from __future__ import annotations

from typing import Any

from wtforms import BooleanField, FieldList, Form, FormField, SelectField, StringField, SubmitField
from wtforms.validators import Length

from quizapp.domain.grades import MOODLE_GRADES, percentage_text
from quizapp.domain.question_types import Question, ShortAnswer
from quizapp.domain.question_types.short import ExpectedAnswer
from quizapp.teacher.question_forms.base import TEXT_LIMIT, EntryList, QuestionForm, is_blank

FULL_MARKS = percentage_text(1.0)
# Moodle's grades for a short answer: full marks down to none (a catch-all for feedback).
GRADE_CHOICES = {
    **{percentage_text(grade): f"{grade * 100:.4g}%" for grade in MOODLE_GRADES},
    "0": "0% (feedback only)",
}


class ExpectedAnswerEntry(Form):
    """One expected answer: its text, the grade it earns and optional feedback."""

    text = StringField("Text", validators=[Length(max=TEXT_LIMIT)])
    fraction = SelectField("Grade", choices=GRADE_CHOICES, default=FULL_MARKS)
    feedback = StringField("Feedback", validators=[Length(max=TEXT_LIMIT)])
    remove = SubmitField("Remove")


def expected_answer_value(data: dict[str, Any]) -> object | None:
    """Plain text for a full-marks answer without feedback (the bank's short form)."""
    if is_blank(data.get("text"), data.get("feedback")):
        return None
    grade = data.get("fraction") or FULL_MARKS
    if grade == FULL_MARKS and is_blank(data.get("feedback")):
        return data["text"]
    # A value the select never offers goes on as typed: the form and the domain refuse it.
    value: dict[str, object] = {"fraction": float(grade) / 100 if grade in GRADE_CHOICES else grade}
    for key in ("text", "feedback"):
        if not is_blank(data.get(key)):
            value[key] = data[key]
    return value


def expected_answer_prefill(entry: Any) -> dict[str, Any]:
    assert isinstance(entry, ExpectedAnswer)
    return {
        "text": entry.text,
        "fraction": percentage_text(entry.fraction),
        "feedback": entry.feedback,
    }


class ShortAnswerForm(QuestionForm):
    """A typed answer, graded by the best expected answer it matches."""

    type_name = "short"
    type_label = "Short answer"
    entry_lists = (
        EntryList(
            "answers", "add_answer", "Answer", expected_answer_value, expected_answer_prefill
        ),
    )
    answers = FieldList(FormField(ExpectedAnswerEntry), min_entries=1)
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
