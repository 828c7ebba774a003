"""Spaced repetition: when a learner should see a question again, using FSRS.

A :class:`CardState` mirrors the stored columns of a review card; the scheduling itself is
the ``fsrs`` package's. Every datetime going in must be timezone-aware; everything coming
out is in UTC.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from types import MappingProxyType

from fsrs import Card, Rating, Scheduler, State

from quizapp.domain.progress import outcome

__all__ = ["RATING_FOR_FRACTION", "CardState", "is_due", "new_card", "rating_for", "review"]


@dataclass(frozen=True)
class CardState:
    """One learner's FSRS card for one question, as the database stores it.

    ``state`` is an ``fsrs.State`` value (1 Learning, 2 Review, 3 Relearning); ``step``
    is the learning step (None in Review); ``stability`` and ``difficulty`` are None until
    the first review.
    """

    state: int
    step: int | None
    stability: float | None
    difficulty: float | None
    due: datetime
    last_review: datetime | None


# Keyed by progress.outcome() so "right", "partial" and "wrong" mean the same thing here
# as on the review page. Easy is never used: a graded answer cannot tell "easy" from "good".
RATING_FOR_FRACTION: Mapping[str, Rating] = MappingProxyType(
    {
        "incorrect": Rating.Again,
        "partially correct": Rating.Hard,
        "correct": Rating.Good,
    }
)

# Fuzzing spreads due dates randomly; without it the same answers always give the same
# schedule, which the tests and a rebuilt history rely on.
_SCHEDULER = Scheduler(enable_fuzzing=False)
# fsrs makes up an id from the clock (and sleeps 1 ms) when given none; we never use it.
_UNUSED_CARD_ID = 0


def rating_for(fraction: float) -> Rating:
    """The FSRS rating for a graded answer: wrong -> Again, partial -> Hard, right -> Good.

    Raises ValueError for NaN or a fraction outside 0..1.
    """
    return RATING_FOR_FRACTION[outcome(fraction)]


def _utc(value: datetime, name: str) -> datetime:
    """Convert an aware datetime to UTC; a naive one is a bug in the caller."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got the naive datetime {value}")
    return value.astimezone(UTC)


def new_card(now: datetime) -> CardState:
    """A card for a question the learner has never reviewed, due at ``now``."""
    return _from_fsrs(Card(card_id=_UNUSED_CARD_ID, due=_utc(now, "now")))


def review(card: CardState | None, fraction: float, now: datetime) -> CardState:
    """Apply one graded answer to a card and return the rescheduled card.

    ``card`` None means the question was never reviewed: a new card is created at
    ``now`` first. ``fraction`` is the answer's grade (0..1), turned into a rating by
    :func:`rating_for`. Raises ValueError for naive datetimes or an invalid fraction.
    """
    now = _utc(now, "now")
    rating = rating_for(fraction)
    current = card if card is not None else new_card(now)
    updated, _log = _SCHEDULER.review_card(_to_fsrs(current), rating, now)
    return _from_fsrs(updated)


def is_due(card: CardState, now: datetime) -> bool:
    """True when the card's review is due at ``now`` (or overdue)."""
    return _utc(card.due, "due") <= _utc(now, "now")


def _to_fsrs(card: CardState) -> Card:
    last_review = card.last_review
    return Card(
        card_id=_UNUSED_CARD_ID,
        state=State(card.state),
        step=card.step,
        stability=card.stability,
        difficulty=card.difficulty,
        due=_utc(card.due, "due"),
        last_review=None if last_review is None else _utc(last_review, "last_review"),
    )


def _from_fsrs(card: Card) -> CardState:
    return CardState(
        state=int(card.state),
        step=card.step,
        stability=card.stability,
        difficulty=card.difficulty,
        due=card.due,
        last_review=card.last_review,
    )
