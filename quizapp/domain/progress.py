"""Scores, quiz grades and per-section mastery, computed from plain numbers.

A *fraction* is a question's grade, 0..1 of its points (see docs/bank-format.md). The
services read fractions, points and attempt scores from the database and pass them here.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

__all__ = [
    "GRADING_METHODS",
    "SectionProgress",
    "mastery",
    "outcome",
    "quiz_result",
    "score",
    "section_progress",
]

# Sums and means of fractions such as 1/3 pick up binary noise (0.30000000000000004);
# nine decimals removes it while keeping every digit a teacher could care about.
_DECIMALS = 9
# A fraction this close to 0 or 1 is float noise around a whole result, not a partial one.
_EPSILON = 1e-9


def _tidy(value: float) -> float:
    """Round away float noise; ``+ 0.0`` turns a -0.0 from rounding into 0.0."""
    return round(value, _DECIMALS) + 0.0


def mastery(question_ids: Sequence[int], latest_fraction: Mapping[int, float]) -> float:
    """The mean of the learner's latest fraction on each of a section's questions.

    Questions the learner has not answered yet count as 0, so mastery only reaches 1.0
    when every question of the section was last answered correctly. A section without
    questions has mastery 0.0. A question id listed twice counts once.
    """
    unique = list(dict.fromkeys(question_ids))
    if not unique:
        return 0.0
    return _tidy(math.fsum(latest_fraction.get(qid, 0.0) for qid in unique) / len(unique))


@dataclass(frozen=True)
class SectionProgress:
    """What a learner's progress page shows for one section.

    ``answered`` counts the section's questions answered at least once, ``due`` those
    whose review is due now, and ``mastery`` is :func:`mastery` of the section.
    """

    section_id: int
    title: str
    question_count: int
    answered: int
    due: int
    mastery: float


def section_progress(
    section_id: int,
    title: str,
    question_ids: Sequence[int],
    latest_fraction: Mapping[int, float],
    due_question_ids: Collection[int] = frozenset(),
) -> SectionProgress:
    """Build a section's :class:`SectionProgress` from its question ids and the learner's data.

    ``latest_fraction`` maps question id -> the learner's latest fraction (any questions,
    not only this section's); ``due_question_ids`` holds the ids whose review is due.
    """
    unique = list(dict.fromkeys(question_ids))
    return SectionProgress(
        section_id=section_id,
        title=title,
        question_count=len(unique),
        answered=sum(1 for qid in unique if qid in latest_fraction),
        due=sum(1 for qid in unique if qid in due_question_ids),
        mastery=mastery(unique, latest_fraction),
    )


def _average(scores: Sequence[float]) -> float:
    return math.fsum(scores) / len(scores)


# The values of GradingMethod in quizapp/models/quizzes.py, spelled out because the domain
# layer may not import models; a StrEnum member is a str, so it works as a key here.
GRADING_METHODS = ("highest", "last", "first", "average")


def quiz_result(attempts: Sequence[tuple[float, float]], method: str) -> tuple[float, float] | None:
    """A learner's grade for a quiz and what it is out of, from the same attempt(s).

    ``attempts`` holds ``(score, max score)`` of each finished attempt in the order they
    were started (attempts may draw questions worth different points). "highest" takes the
    attempt with the highest score (the first of equals), "first" and "last" that
    attempt, "average" the mean score out of the mean maximum. None without
    attempts; ValueError for an unknown method.
    """
    if method not in GRADING_METHODS:
        known = ", ".join(GRADING_METHODS)
        raise ValueError(f"unknown grading method {method!r}; known methods: {known}")
    if not attempts:
        return None
    if method == "average":
        return (
            _tidy(_average([s for s, _ in attempts])),
            _tidy(_average([m for _, m in attempts])),
        )
    if method == "highest":
        chosen = max(attempts, key=lambda a: a[0])
    else:
        chosen = attempts[-1] if method == "last" else attempts[0]
    return _tidy(chosen[0]), _tidy(chosen[1])


def score(marks: Sequence[tuple[float, float]]) -> tuple[float, float]:
    """Total an attempt: ``(sum of points x fraction, sum of points)``.

    ``marks`` holds ``(points, fraction)`` per question. Both totals are rounded to nine
    decimals, which removes float noise (2.9999999999999996 -> 3.0) without rounding
    away real partial credit such as 1/3 of a point.
    """
    earned = math.fsum(points * fraction for points, fraction in marks)
    possible = math.fsum(points for points, _ in marks)
    return _tidy(earned), _tidy(possible)


def outcome(fraction: float | None) -> str:
    """Name a question's result: "correct", "partially correct" or "incorrect".

    None (not graded, not answered) is "incorrect". Fractions within 1e-9 of 0 or 1 are
    treated as 0 or 1, since sums like 1/3 + 1/3 + 1/3 rarely land exactly. Raises
    ValueError for NaN and for values outside 0..1, which no grader produces.
    """
    if fraction is None:
        return "incorrect"
    if math.isnan(fraction) or not -_EPSILON <= fraction <= 1 + _EPSILON:
        raise ValueError(f"a fraction must be between 0 and 1, not {fraction!r}")
    if fraction >= 1 - _EPSILON:
        return "correct"
    if fraction <= _EPSILON:
        return "incorrect"
    return "partially correct"
