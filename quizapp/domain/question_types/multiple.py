"""Multiple choice: select all that apply, graded with a penalty for wrong picks.

Form: ``answer`` once per ticked choice (bank indices). Stored: the sorted unique ints.
GIFT: ``{~%50%right ~%-100%wrong}``. Moodle XML: ``multichoice`` with ``<single>false``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar

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
from quizapp.domain.question_types.base import Checker, FieldProblem, read_indices
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
        """Validate ``choices``: at least one correct and at least one wrong."""
        check = Checker()
        choices, complete = parse_choices(check, data)
        if complete and choices:
            marked = sum(choice.correct for choice in choices)
            if marked == 0:
                check.add(("choices",), "at least one choice must be correct; none is")
            elif marked == len(choices):
                check.add(("choices",), "at least one choice must be wrong; all are correct")
        return {"choices": choices}, check.problems

    def grade(self, response: object) -> float:
        """max(0, chosen-correct/all-correct - chosen-wrong/all-wrong); duplicates count once."""
        if not isinstance(response, list | tuple | set | frozenset):
            return 0.0
        chosen = read_indices(response, len(self.choices))
        if not chosen:
            return 0.0
        picked = set(chosen)
        correct = {i for i, choice in enumerate(self.choices) if choice.correct}
        wrong = set(range(len(self.choices))) - correct
        if not correct:
            return 0.0
        gain = len(picked & correct) / len(correct)
        # A question built without validation could have no wrong choice; no penalty then.
        penalty = len(picked & wrong) / len(wrong) if wrong else 0.0
        return max(0.0, gain - penalty)

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
        """GIFT needs right and wrong choices, and an equal share that Moodle can grade."""
        right = sum(choice.correct for choice in self.choices)
        if right in (0, len(self.choices)):
            return "a multiple-answer question needs right and wrong choices"
        if exact_weight(right) is None:
            return (
                f"{right} right choices would each need {100 / right:.5g}%, which is not "
                "one of Moodle's grades"
            )
        return None

    def gift_answer_lines(self) -> list[str]:
        """``~%share%right`` and ``~%-loss%wrong`` lines."""
        right = sum(choice.correct for choice in self.choices)
        wrong = len(self.choices) - right
        gain = WEIGHT_TEXT[exact_weight(right) or 100.0]
        # -100/wrong makes Moodle's sum of weights equal our grading formula; when it is
        # not a Moodle grade the nearest one is used (our import reads any negative weight
        # as "wrong", so the question still comes back the same).
        loss = WEIGHT_TEXT[nearest_weight(100 / wrong)]
        return [
            self.gift_choice_line(f"~%{gain}%" if c.correct else f"~%-{loss}%", c)
            for c in self.choices
        ]

    def moodle_xml_grades(self, problems: list[str]) -> tuple[float, float] | None:
        """Right choices share 100% equally; each wrong one costs 1/wrong of it."""
        right = sum(choice.correct for choice in self.choices)
        wrong = len(self.choices) - right
        right_share = share(right)
        if right_share is None:
            problems.append(
                f"{right} right choices cannot each be worth an equal share of 100% in "
                f"Moodle (it has no grade for 1/{right}); Moodle can split 100% among "
                "1-10 or 20 right choices"
            )
            return None
        # -1/wrong per wrong choice makes Moodle's sum-and-clamp equal our grading formula.
        return right_share, -nearest_share(wrong)
