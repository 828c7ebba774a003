"""A question's difficulty from how students did on it (``flask bank calibrate``).

Facility is Moodle's facility index: the mean fraction of the marks students got, 0..1.
It is counted over each student's first graded attempt at an assessment (later attempts
have seen the question before). The rubric, in docs/item-writing.md ("Difficulty"):
facility above ``EASY_ABOVE`` is 1 (easy), below ``HARD_BELOW`` is 3 (hard), otherwise 2.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

EASY = 1
MEDIUM = 2
HARD = 3
# Moodle calls 81-89% "fairly easy" and above; 66-80% is its "easy", but guessing lifts a
# true/false question to 50% and a four-choice one to 25% on its own, so only a
# facility above 0.8 makes a question easy here.
EASY_ABOVE = 0.8
# Below 0.4 is Moodle's "difficult" (21-34%) and harder, plus its lower "moderately
# difficult" band, where a choice question is little better than a guess.
HARD_BELOW = 0.4
DEFAULT_MIN_ATTEMPTS = 30


def facility(fractions: Sequence[float]) -> float:
    """The mean fraction of the marks; ValueError when there is none."""
    if not fractions:
        raise ValueError("facility needs at least one graded answer")
    return math.fsum(fractions) / len(fractions)


def difficulty_for(facility_index: float) -> int:
    """The difficulty the rubric gives a facility (0..1): 1 above 0.8, 3 below 0.4, else 2."""
    if facility_index > EASY_ABOVE:
        return EASY
    if facility_index < HARD_BELOW:
        return HARD
    return MEDIUM


@dataclass(frozen=True)
class Finding:
    """What the data says about one question: its facility over ``answers`` first
    attempts, and the difficulty the rubric gives it (None when there are too few)."""

    current: int
    facility: float
    answers: int
    suggested: int | None

    @property
    def changes(self) -> bool:
        """True when there is enough data and it disagrees with the current difficulty."""
        return self.suggested is not None and self.suggested != self.current


def finding(current: int, fractions: Sequence[float], min_attempts: int) -> Finding:
    """The finding for a question of difficulty ``current`` with these first-attempt
    fractions; fewer than ``min_attempts`` of them suggest nothing."""
    if min_attempts < 1:
        raise ValueError("min_attempts must be at least 1")
    index = facility(fractions) if fractions else 0.0
    enough = len(fractions) >= min_attempts
    return Finding(current, index, len(fractions), difficulty_for(index) if enough else None)
