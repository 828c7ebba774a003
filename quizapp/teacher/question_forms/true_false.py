"""The form for true/false questions."""

from __future__ import annotations

from typing import Any

from wtforms import RadioField, StringField
from wtforms.validators import Length

from quizapp.domain.question_types import Question, TrueFalse
from quizapp.teacher.question_forms.base import TEXT_LIMIT, QuestionForm, is_blank


class TrueFalseForm(QuestionForm):
    """A statement that is true or false, with feedback for each answer."""

    type_name = "true_false"
    type_label = "True or false"
    answer = RadioField("Answer", choices={"true": "True", "false": "False"}, validate_choice=False)
    feedback_true = StringField(
        "Feedback for a learner who answers True", validators=[Length(max=TEXT_LIMIT)]
    )
    feedback_false = StringField(
        "Feedback for a learner who answers False", validators=[Length(max=TEXT_LIMIT)]
    )

    @classmethod
    def specific_prefill(cls, question: Question) -> dict[str, Any]:
        """The answer as "true"/"false" and both feedback texts."""
        assert isinstance(question, TrueFalse)
        return {
            "answer": "true" if question.answer else "false",
            "feedback_true": question.feedback_true,
            "feedback_false": question.feedback_false,
        }

    def specific_mapping(self) -> dict[str, object]:
        """``answer`` (when one was picked) and the feedback texts that were typed."""
        mapping: dict[str, object] = {}
        answer = {"true": True, "false": False}.get(self.answer.data or "")
        if answer is not None:
            mapping["answer"] = answer
        for name in ("feedback_true", "feedback_false"):
            if not is_blank(self[name].data):
                mapping[name] = self[name].data
        return mapping
