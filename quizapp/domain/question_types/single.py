"""Single choice: pick one choice; at least one is worth full marks.

A choice is ``correct`` (worth 1 or 0) or gives a ``fraction`` of the marks, one of
Moodle's grades, negatives included; several choices may be worth 1.

Form: ``answer`` = the chosen choice's bank index. Stored: that int. Response: the same.
GIFT: ``{=right ~%50%half ~wrong}``. Moodle XML: ``multichoice`` with ``<single>true``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar

from quizapp.domain.grades import percentage_text
from quizapp.domain.question_types.answer_fields import (
    NOT_A_CHOICE,
    AnswerTokens,
    form_value,
    json_index,
)
from quizapp.domain.question_types.base import Checker, FieldProblem, read_index
from quizapp.domain.question_types.choices import Choice, ChoiceQuestion, parse_choices

__all__ = ["SingleChoice"]


def whole(choice: Choice) -> Choice:
    """The choice with ``fraction: 1`` or ``0`` written as ``correct`` (the canonical form)."""
    if choice.fraction in (0.0, 1.0):
        return dataclasses.replace(choice, fraction=None)
    return choice


@dataclass(frozen=True, kw_only=True)
class SingleChoice(ChoiceQuestion):
    """Pick one choice. Response: the chosen index in bank order."""

    type_name: ClassVar[str] = "single"
    moodle_qtypes_read: ClassVar[tuple[str, ...]] = ("multichoice",)
    gift_read_order: ClassVar[int | None] = 20

    @classmethod
    def parse_fields(
        cls, data: Mapping[str, object]
    ) -> tuple[dict[str, object], list[FieldProblem]]:
        """Validate ``choices``: at least two, at least one worth full marks."""
        check = Checker()
        choices, complete = parse_choices(check, data)
        choices = tuple(whole(choice) for choice in choices)
        if complete and choices and not any(choice.credit == 1 for choice in choices):
            best = max(choice.credit for choice in choices)
            check.add(
                ("choices",),
                "at least one choice must be correct (worth full marks); none is"
                if best <= 0
                else f"at least one choice must be correct (worth full marks); the best is worth "
                f"{percentage_text(best)}%",
            )
        return {"choices": choices}, check.problems

    def grade(self, response: object) -> float:
        """The chosen choice's credit; a negative one counts 0 (the question never goes
        below 0)."""
        index = read_index(response, len(self.choices))
        return 0.0 if index is None else max(0.0, self.choices[index].credit)

    def feedback_for(self, response: object) -> tuple[str, ...]:
        """The chosen choice's feedback, if it has one."""
        index = read_index(response, len(self.choices))
        feedback = "" if index is None else self.choices[index].feedback
        return (feedback,) if feedback else ()

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
        """``=`` for a choice worth full marks, ``~`` for none, ``~%50%`` for a share.

        A block needs a ``~`` to be read as choices, so when every choice is worth full
        marks the later ones are written ``~%100%`` (Moodle reads that as 100% too).
        """
        lines = []
        for index, choice in enumerate(self.choices):
            if choice.credit == 1:
                marker = "~%100%" if index and all(c.credit == 1 for c in self.choices) else "="
            elif choice.credit == 0:
                marker = "~"
            else:
                marker = f"~%{percentage_text(choice.credit)}%"
            lines.append(self.gift_choice_line(marker, choice))
        return lines

    def moodle_xml_grades(self, problems: list[str]) -> list[float]:
        """Each choice's credit in percent."""
        return [choice.credit * 100 for choice in self.choices]
