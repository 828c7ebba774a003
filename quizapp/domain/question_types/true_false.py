"""True/false: a statement that is true or false.

Form: ``answer`` = "true" / "false". Stored: a bool. Response: a bool (or the form text).
GIFT: ``{T}`` / ``{FALSE}`` with ``#wrong-answer#right-answer`` feedback. Moodle XML:
``truefalse``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar

from quizapp.domain.interchange.gift_syntax import (
    TRUE_FALSE_KEYWORDS,
    GiftReader,
    GiftSpan,
    escape_text,
)
from quizapp.domain.interchange.moodle_xml_syntax import (
    XmlReader,
    answer_element,
    number_text,
    raw_text,
)
from quizapp.domain.question_types.answer_fields import (
    NOT_TRUE_FALSE,
    AnswerRejected,
    AnswerTokens,
    form_value,
)
from quizapp.domain.question_types.base import Checker, FieldProblem, Question, XmlSources

__all__ = ["TrueFalse"]

_FORM_VALUES = {"true": True, "false": False}


@dataclass(frozen=True, kw_only=True)
class TrueFalse(Question):
    """A statement that is true or false. Response: a bool, or "true"/"false" from a form."""

    type_name: ClassVar[str] = "true_false"
    moodle_qtype: ClassVar[str | None] = "truefalse"
    moodle_qtypes_read: ClassVar[tuple[str, ...]] = ("truefalse",)
    gift_read_order: ClassVar[int | None] = 40

    answer: bool
    feedback_true: str = ""
    feedback_false: str = ""

    @classmethod
    def parse_fields(
        cls, data: Mapping[str, object]
    ) -> tuple[dict[str, object], list[FieldProblem]]:
        """Validate ``answer`` (a real boolean) and the optional feedback texts."""
        check = Checker()
        fields: dict[str, object] = {"answer": check.boolean(data, "answer")}
        for name in ("feedback_true", "feedback_false"):
            feedback = check.text(data, name, required=False)
            if feedback is not None:
                fields[name] = feedback
        return fields, check.problems

    def grade(self, response: object) -> float:
        """1.0 when the response equals the answer; 1 and 0 are not booleans."""
        if isinstance(response, str):
            response = _FORM_VALUES.get(response.strip().casefold())
        if not isinstance(response, bool):
            return 0.0
        return 1.0 if response == self.answer else 0.0

    def feedback_for(self, response: object) -> tuple[str, ...]:
        """``feedback_true`` for a learner who answered true, ``feedback_false`` for false:
        each is the feedback of that answer, as in Moodle's truefalse ``<answer>``."""
        if isinstance(response, str):
            response = _FORM_VALUES.get(response.strip().casefold())
        if not isinstance(response, bool):
            return ()
        feedback = self.feedback_true if response else self.feedback_false
        return (feedback,) if feedback else ()

    # -- the answer format

    def read_form(self, form: Mapping[str, Sequence[str]], tokens: AnswerTokens) -> bool | None:
        """``answer`` = "true" or "false"."""
        text = form_value(form, "answer")
        if text is None:
            return None
        if text not in _FORM_VALUES:
            raise AnswerRejected(NOT_TRUE_FALSE)
        return _FORM_VALUES[text]

    def check_stored(self, stored: object) -> bool:
        """A stored answer must be a real bool."""
        if not isinstance(stored, bool):
            raise AnswerRejected(NOT_TRUE_FALSE)
        return stored

    def describe_stored(self, stored: bool) -> str:
        """ "True" or "False"."""
        return str(stored)

    def describe_key(self) -> str:
        """ "True" or "False"."""
        return str(self.answer)

    # -- GIFT

    def gift_problem(self) -> str | None:
        """Every true/false question has a GIFT form."""
        return None

    def gift_answer_block(self, general_feedback: str) -> str:
        """``{TRUE#feedback for the wrong answer#feedback for the right one}`` on one line."""
        right, wrong = (
            (self.feedback_true, self.feedback_false)
            if self.answer
            else (self.feedback_false, self.feedback_true)
        )
        block = "TRUE" if self.answer else "FALSE"
        if wrong or right:
            block += "#" + (escape_text(wrong) if wrong else "")
        if right:
            block += "#" + escape_text(right)
        return "{" + block + general_feedback + "}"

    @classmethod
    def gift_reads(cls, answers: GiftSpan) -> bool:
        """``T``, ``TRUE``, ``F`` or ``FALSE`` before any feedback."""
        keyword, _ = answers.partition("#")
        return keyword.literal() in TRUE_FALSE_KEYWORDS

    @classmethod
    def read_gift(cls, reader: GiftReader, answers: GiftSpan) -> dict[str, object]:
        """``{T}``/``{TRUE}``/``{F}``/``{FALSE}`` with ``#wrong-answer#right-answer`` feedback."""
        keyword, rest = answers.partition("#")
        answer = TRUE_FALSE_KEYWORDS[keyword.literal()]
        wrong = right = None
        if rest is not None:
            wrong_span, right_span = rest.partition("#")
            wrong = reader.text(wrong_span)
            right = reader.text(right_span) if right_span is not None else None
        # Moodle: the first feedback is shown for the wrong answer, the second for the right.
        chosen_true, chosen_false = (right, wrong) if answer else (wrong, right)
        mapping: dict[str, object] = {"type": cls.type_name, "answer": answer}
        for name, feedback in (("feedback_true", chosen_true), ("feedback_false", chosen_false)):
            if feedback is not None and feedback.value:
                mapping[name] = feedback.value
                reader.where[(name,)] = feedback.where
        reader.where[("answer",)] = answers.position
        return mapping

    # -- Moodle XML

    def moodle_xml_body(self, problems: list[str]) -> str:
        """A 'true' and a 'false' ``<answer>``, the right one worth 100."""
        body = ""
        for value, feedback in ((True, self.feedback_true), (False, self.feedback_false)):
            grade = "100" if value == self.answer else "0"
            word = "true" if value else "false"
            body += answer_element(grade, word, text_format="moodle_auto_format", feedback=feedback)
        return body

    @classmethod
    def read_moodle_xml(cls, reader: XmlReader, mapping: dict[str, object]) -> XmlSources:
        """Two answers, 'true' and 'false', one worth 100 and the other 0."""
        answers = reader.element.findall("answer")
        by_value: dict[bool, tuple[float | None, str]] = {}
        for i, answer in enumerate(answers, 1):
            word = raw_text(answer).strip().lower()
            if word not in ("true", "false") or (word == "true") in by_value:
                by_value.clear()
                break
            fraction = reader.fraction(answer, i)
            feedback = reader.rich_text(answer.find("feedback"), f"<answer> {i} <feedback>")
            by_value[word == "true"] = (fraction, feedback)
        if len(answers) != 2 or len(by_value) != 2:
            reader.problem(
                "a truefalse question needs two <answer> elements, one with the text 'true' "
                "and one with 'false'"
            )
            return {}
        (true_fraction, feedback_true), (false_fraction, feedback_false) = (
            by_value[True],
            by_value[False],
        )
        if true_fraction is None or false_fraction is None:
            return {}
        if sorted((true_fraction, false_fraction)) != [0.0, 100.0]:
            reader.problem(
                "a truefalse question needs one answer worth 100 and the other worth 0, found "
                f"true {number_text(round(true_fraction, 5))} and "
                f"false {number_text(round(false_fraction, 5))}"
            )
            return {}
        mapping["type"] = cls.type_name
        mapping["answer"] = true_fraction == 100
        if feedback_true:
            mapping["feedback_true"] = feedback_true
        if feedback_false:
            mapping["feedback_false"] = feedback_false
        return {}
