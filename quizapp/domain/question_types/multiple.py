"""Multiple choice: select all that apply.

Either no choice gives a ``fraction`` and the grade is right/wrong shares with a penalty
for wrong picks, or every choice gives one (Moodle's grades, negatives included; the
positive ones add up to 1) and the grade is the sum of the chosen choices' fractions,
clamped to 0..1, as Moodle grades it.

Form: ``answer`` once per ticked choice (bank indices). Stored: the sorted unique ints.
GIFT: ``{~%50%right ~%-100%wrong}``. Moodle XML: ``multichoice`` with ``<single>false``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar

from quizapp.domain.grades import FRACTION_SLACK, fraction_text, percentage_text
from quizapp.domain.interchange.gift_syntax import WEIGHT_TEXT, exact_weight, nearest_weight
from quizapp.domain.interchange.moodle_xml_syntax import nearest_share, share
from quizapp.domain.question_types.answer_fields import (
    NOT_A_CHOICE,
    WRONG_SHAPE,
    AnswerRejected,
    AnswerTokens,
    form_values,
    json_index,
)
from quizapp.domain.question_types.base import Checker, FieldProblem, field_label, read_indices
from quizapp.domain.question_types.choices import ChoiceQuestion, parse_choices

__all__ = ["MultipleChoice"]


@dataclass(frozen=True, kw_only=True)
class MultipleChoice(ChoiceQuestion):
    """Select all that apply. Response: a list (or set) of chosen indices."""

    type_name: ClassVar[str] = "multiple"

    @classmethod
    def parse_fields(
        cls, data: Mapping[str, object]
    ) -> tuple[dict[str, object], list[FieldProblem]]:
        """Validate ``choices``: at least one correct; with fractions, every choice has one
        and the positive ones add up to 1."""
        check = Checker()
        choices, complete = parse_choices(check, data)
        if not (complete and choices):
            return {"choices": choices}, check.problems
        if any(choice.fraction is not None for choice in choices):
            missing = [i for i, choice in enumerate(choices) if choice.fraction is None]
            for index in missing:
                check.add(
                    ("choices", index, "correct"),
                    f"{field_label(('choices', index))} has no fraction: when one choice "
                    "gives a fraction, every choice must (fraction: 0 for a choice worth "
                    "nothing)",
                )
            positive = [c.credit for c in choices if c.credit > 0]
            total = sum(positive)
            if not missing and abs(total - 1) > FRACTION_SLACK:
                check.add(
                    ("choices",),
                    f"the positive fractions add up to {fraction_text(total)} "
                    f"({percentage_text(total)}%); they must add up to 1",
                )
        elif not any(choice.correct for choice in choices):
            check.add(("choices",), "at least one choice must be correct; none is")
        return {"choices": choices}, check.problems

    @property
    def fractional(self) -> bool:
        """Whether the choices give fractions (Moodle's grading) rather than right/wrong."""
        return any(choice.fraction is not None for choice in self.choices)

    def grade(self, response: object) -> float:
        """With fractions: the chosen ones added up, clamped to 0..1. Without:
        max(0, chosen-correct/all-correct - chosen-wrong/all-wrong). Duplicates count once.
        """
        if not isinstance(response, list | tuple | set | frozenset):
            return 0.0
        chosen = read_indices(response, len(self.choices))
        if not chosen:
            return 0.0
        picked = set(chosen)
        if self.fractional:
            total = sum(self.choices[i].credit for i in picked)
            return min(1.0, max(0.0, total))
        correct = {i for i, choice in enumerate(self.choices) if choice.correct}
        wrong = set(range(len(self.choices))) - correct
        if not correct:
            return 0.0
        gain = len(picked & correct) / len(correct)
        # Every choice may be right (Moodle allows it): no penalty then.
        penalty = len(picked & wrong) / len(wrong) if wrong else 0.0
        return max(0.0, gain - penalty)

    def feedback_for(self, response: object) -> tuple[str, ...]:
        """The feedback of each chosen choice that has one, in bank order, each once."""
        if not isinstance(response, list | tuple | set | frozenset):
            return ()
        chosen = read_indices(response, len(self.choices))
        if chosen is None:  # malformed: it grades 0 and says nothing, as grading does
            return ()
        picked = [self.choices[i] for i in sorted(set(chosen))]
        return tuple(choice.feedback for choice in picked if choice.feedback)

    def read_form(
        self, form: Mapping[str, Sequence[str]], tokens: AnswerTokens
    ) -> list[int] | None:
        """Every ticked choice's token from the repeated ``answer`` field, as bank indices."""
        # Empty values are skipped: a template may send one so the field always exists.
        chosen = {tokens.index_of(v, NOT_A_CHOICE) for v in form_values(form, "answer") if v}
        return sorted(chosen) or None

    def check_stored(self, stored: object) -> list[int] | None:
        """A stored list of indices, sorted and without repeats."""
        if not isinstance(stored, list | tuple):
            raise AnswerRejected(WRONG_SHAPE)
        count = len(self.choices)
        return sorted({json_index(value, count, NOT_A_CHOICE) for value in stored}) or None

    def describe_stored(self, stored: list[int]) -> str:
        """The ticked choices' texts."""
        return self.choice_texts(stored)

    def gift_problem(self) -> str | None:
        """Fractions are Moodle's grades already; right/wrong needs a grade for the share."""
        if self.fractional:
            return None
        right = sum(choice.correct for choice in self.choices)
        if right == 0:
            return "a multiple-answer question needs a right choice"
        if exact_weight(right) is None:
            return (
                f"{right} right choices would each need {100 / right:.5g}%, which is not "
                "one of Moodle's grades"
            )
        return None

    def gift_answer_lines(self) -> list[str]:
        """``~%share%`` per choice: its fraction, or right and wrong shares."""
        if self.fractional:
            return [
                self.gift_choice_line(f"~%{percentage_text(c.credit)}%" if c.credit else "~", c)
                for c in self.choices
            ]
        right = sum(choice.correct for choice in self.choices)
        wrong = len(self.choices) - right
        gain = WEIGHT_TEXT[exact_weight(right) or 100.0]
        # -100/wrong makes Moodle's sum of weights equal our grading formula; when it is
        # not a Moodle grade (11-19 or over 20 wrong choices) the nearest one is written,
        # and the file then means Moodle's grading, not ours.
        loss = WEIGHT_TEXT[nearest_weight(100 / wrong)] if wrong else ""
        return [
            self.gift_choice_line(f"~%{gain}%" if c.correct else f"~%-{loss}%", c)
            for c in self.choices
        ]

    def moodle_xml_grades(self, problems: list[str]) -> list[float] | None:
        """Fractions as they are; otherwise right choices share 100% equally and each
        wrong one costs 1/wrong of it."""
        if self.fractional:
            return [choice.credit * 100 for choice in self.choices]
        right = sum(choice.correct for choice in self.choices)
        wrong = len(self.choices) - right
        right_share = share(right) if right else None
        if right_share is None:
            problems.append(
                f"{right} right choices cannot each be worth an equal share of 100% in "
                f"Moodle (it has no grade for 1/{right}); Moodle can split 100% among "
                "1-10 or 20 right choices"
            )
            return None
        # -1/wrong per wrong choice makes Moodle's sum-and-clamp equal our grading formula.
        wrong_share = -nearest_share(wrong) if wrong else 0.0
        return [right_share if c.correct else wrong_share for c in self.choices]
