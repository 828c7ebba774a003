"""Single choice: pick one choice; exactly one is correct.

Form: ``answer`` = the chosen choice's bank index. Stored: that int. Response: the same.
GIFT: ``{=right ~wrong}``. Moodle XML: ``multichoice`` with ``<single>true``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar

from quizapp.domain.question_types.answer_fields import (
    NOT_A_CHOICE,
    AnswerTokens,
    form_value,
    json_index,
)
from quizapp.domain.question_types.base import Checker, FieldProblem, read_index
from quizapp.domain.question_types.choices import ChoiceQuestion, parse_choices

__all__ = ["SingleChoice"]


@dataclass(frozen=True, kw_only=True)
class SingleChoice(ChoiceQuestion):
    """Pick one choice; exactly one is correct. Response: the chosen index in bank order."""

    type_name: ClassVar[str] = "single"
    moodle_qtypes_read: ClassVar[tuple[str, ...]] = ("multichoice",)
    gift_read_order: ClassVar[int | None] = 20

    @classmethod
    def parse_fields(
        cls, data: Mapping[str, object]
    ) -> tuple[dict[str, object], list[FieldProblem]]:
        """Validate ``choices``: at least two, exactly one marked correct."""
        check = Checker()
        choices, complete = parse_choices(check, data)
        marked = sum(choice.correct for choice in choices)
        if complete and marked != 1:
            check.add(
                ("choices",),
                f"exactly one choice must be correct; {marked} are marked correct",
            )
        return {"choices": choices}, check.problems

    def grade(self, response: object) -> float:
        """1.0 for the index of the correct choice, otherwise 0.0."""
        index = read_index(response, len(self.choices))
        return 1.0 if index is not None and self.choices[index].correct else 0.0

    def read_form(self, form: Mapping[str, Sequence[str]], tokens: AnswerTokens) -> int | None:
        """The chosen choice's token from ``answer``, as its bank index."""
        text = form_value(form, "answer")
        return None if text is None else tokens.index_of(text, NOT_A_CHOICE)

    def check_stored(self, stored: object) -> int:
        """A stored index: a real int in range."""
        return json_index(stored, len(self.choices), NOT_A_CHOICE)

    def describe_stored(self, stored: int) -> str:
        """The chosen choice's text."""
        return self.choices[stored].text

    def gift_problem(self) -> str | None:
        """Every single-choice question has a GIFT form."""
        return None

    def gift_answer_lines(self) -> list[str]:
        """``=right`` and ``~wrong`` lines, each with its feedback."""
        return [self.gift_choice_line("=" if c.correct else "~", c) for c in self.choices]

    def moodle_xml_grades(self, problems: list[str]) -> tuple[float, float]:
        """The right choice is worth 100%, the others nothing."""
        return 100.0, 0.0
