"""Question health: the warnings the bank browser and the item-analysis report show.

Both pages judge a question by the same thresholds, so they are defined once here, on
plain values: counts, fractions, item statistics and the domain question.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from quizapp.domain.grades import percentage_text
from quizapp.domain.question_types import ChoiceQuestion
from quizapp.domain.questions import Question as DomainQuestion
from quizapp.domain.stats import QuestionStats

__all__ = [
    "HEALTH_FLAGS",
    "MIN_RESPONSES",
    "TOO_EASY_ABOVE",
    "TOO_HARD_BELOW",
    "WEAK_DISCRIMINATION",
    "WEAK_EFFICIENCY",
    "Distractors",
    "bank_flags",
    "counted_distractors",
    "distractors",
    "health_flags",
    "thirds",
]

# Health flags in the order the bank browser shows them.
HEALTH_FLAGS = ("no evidence", "stale evidence", "retired", "too easy", "too hard")
# Fewer graded responses than this say little about a question's difficulty.
MIN_RESPONSES = 5
# A question is too easy above this share of the marks scored, too hard below that one.
TOO_EASY_ABOVE = 0.9
TOO_HARD_BELOW = 0.2
# Below these a question barely tells stronger from weaker students.
WEAK_DISCRIMINATION = 0.2
WEAK_EFFICIENCY = 0.15


def bank_flags(
    *,
    has_evidence: bool,
    evidence_stale: bool,
    retired: bool,
    responses: int,
    mean_fraction: float | None,
) -> tuple[str, ...]:
    """The bank browser's flags for one question, in ``HEALTH_FLAGS`` order.

    "too easy" and "too hard" need at least ``MIN_RESPONSES`` graded responses, whose mean
    fraction lies strictly above ``TOO_EASY_ABOVE`` or below ``TOO_HARD_BELOW``.
    """
    flags = []
    if not has_evidence:
        flags.append("no evidence")
    if evidence_stale:
        flags.append("stale evidence")
    if retired:
        flags.append("retired")
    if responses >= MIN_RESPONSES and mean_fraction is not None:
        if mean_fraction > TOO_EASY_ABOVE:
            flags.append("too easy")
        elif mean_fraction < TOO_HARD_BELOW:
            flags.append("too hard")
    return tuple(flags)


def thirds(totals: Sequence[float]) -> list[int]:
    """0 for the top third by total, 1 for the middle, 2 for the bottom (ties by order)."""
    order = sorted(range(len(totals)), key=lambda i: totals[i], reverse=True)
    size = len(totals)
    group = [0] * size
    for rank, index in enumerate(order):
        group[index] = min(2, rank * 3 // size)
    return group


@dataclass(frozen=True)
class Distractors:
    """Share of the top, middle and bottom thirds choosing each option of a choice question.

    ``grades`` holds each option's grade as a percentage ("50%", "-25%") when the question
    gives its choices Moodle's partial credit, so the table shows more than "key or not";
    it is empty otherwise, and so is ``credits``, the same grades as numbers (0.5, -0.25).
    ``chosen`` counts the attempts choosing each option and ``seen`` the attempts the shares
    are of (those that saw the question, answered or not), for a download's counts.
    """

    options: list[tuple[str, bool, float, float, float, float]]  # text, key, top, mid, bottom, all
    grades: tuple[str, ...] = ()
    credits: tuple[float, ...] = ()
    chosen: tuple[int, ...] = ()
    seen: int = 0


def distractors(
    question: DomainQuestion, answers: Sequence[tuple[int, object]], groups: Sequence[int]
) -> Distractors | None:
    """Who chose each option of a choice question, by third of the class; None otherwise.

    ``answers`` holds (attempt index, stored answer) pairs: an option index, or a list of
    them for multiple choice; anything else (no answer, a malformed one) chooses nothing
    but still counts as seen. ``groups`` maps each attempt index to its third (``thirds``).
    """
    return counted_distractors(
        question, [(groups[attempt], answer, 1) for attempt, answer in answers]
    )


def counted_distractors(
    question: DomainQuestion, answers: Iterable[tuple[int, object, int]]
) -> Distractors | None:
    """:func:`distractors` from counted answers: (third, stored answer, how many attempts).

    The third is 0 (top), 1 (middle) or 2 (bottom), as ``thirds`` numbers them; a report
    can have the database count the answers instead of reading each one.
    """
    if not isinstance(question, ChoiceQuestion):
        return None
    chosen_by_group: list[defaultdict[int, int]] = [defaultdict(int) for _ in range(3)]
    seen_by_group = [0, 0, 0]
    for group, answer, count in answers:
        seen_by_group[group] += count
        picked = answer if isinstance(answer, list) else [answer]
        for index in picked:
            if isinstance(index, int):
                chosen_by_group[group][index] += count

    def share(group: int, index: int) -> float:
        return chosen_by_group[group][index] / seen_by_group[group] if seen_by_group[group] else 0.0

    total_seen = sum(seen_by_group)
    chosen = tuple(
        sum(chosen_by_group[g][index] for g in range(3)) for index in range(len(question.choices))
    )
    options = [
        (
            choice.text,
            choice.correct,
            share(0, index),
            share(1, index),
            share(2, index),
            chosen[index] / total_seen if total_seen else 0.0,
        )
        for index, choice in enumerate(question.choices)
    ]
    graded = any(choice.fraction is not None for choice in question.choices)
    credits = tuple(c.credit for c in question.choices) if graded else ()
    return Distractors(
        options,
        grades=tuple(f"{percentage_text(credit)}%" for credit in credits),
        credits=credits,
        chosen=chosen,
        seen=total_seen,
    )


def health_flags(
    stats: QuestionStats, question: DomainQuestion, choices: Distractors | None
) -> list[str]:
    """Plain-language warnings about one question of an item analysis, each with its reason."""
    flags = []
    if stats.facility is not None and stats.facility > TOO_EASY_ABOVE:
        flags.append(
            f"Too easy: {stats.facility:.0%} of the marks were scored (over {TOO_EASY_ABOVE:.0%})."
        )
    if stats.facility is not None and stats.facility < TOO_HARD_BELOW:
        flags.append(
            f"Too hard: only {stats.facility:.0%} of the marks were scored "
            f"(under {TOO_HARD_BELOW:.0%})."
        )
    index = stats.discrimination_index
    if index is not None and index < 0:
        flags.append(
            f"Negative discrimination ({index:.0%}): stronger students did worse on it — "
            "check the key, it may be wrong."
        )
    elif index is not None and index < WEAK_DISCRIMINATION:
        flags.append(
            f"Weak discrimination ({index:.0%}, under {WEAK_DISCRIMINATION:.0%}): it barely "
            "tells stronger from weaker students."
        )
    efficiency = stats.discriminative_efficiency
    if efficiency is not None and 0 <= efficiency < WEAK_EFFICIENCY and (index or 0) >= 0:
        flags.append(
            f"Low discriminative efficiency ({efficiency:.0%}, under {WEAK_EFFICIENCY:.0%})."
        )
    if choices is not None:
        key_top = max((top for _, key, top, _, _, _ in choices.options if key), default=0.0)
        for text, key, top, _, _, everyone in choices.options:
            if not key and top > key_top:
                flags.append(
                    f"The top third chose the distractor “{text}” ({top:.0%}) more often than "
                    f"the key ({key_top:.0%})."
                )
            if not key and everyone == 0:
                flags.append(f"Nobody chose the distractor “{text}”: it does no work.")
    if not question.evidence:
        flags.append("No evidence: students cannot be pointed back to the passage.")
    return flags
