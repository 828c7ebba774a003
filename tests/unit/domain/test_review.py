"""Tests for quizapp.domain.review: ratings from grades and FSRS scheduling."""

import math
from datetime import UTC, datetime, timedelta, timezone

import pytest
from fsrs import Rating, State

from quizapp.domain.review import (
    RATING_FOR_FRACTION,
    CardState,
    is_due,
    new_card,
    rating_for,
    review,
)

NOW = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("fraction", "rating"),
    [
        (0.0, Rating.Again),
        (1e-12, Rating.Again),  # float noise around 0 is still wrong
        (0.01, Rating.Hard),
        (0.5, Rating.Hard),
        (2 / 3, Rating.Hard),
        (0.999, Rating.Hard),
        (1 - 1e-12, Rating.Good),  # float noise around 1 is still right
        (1.0, Rating.Good),
        (1 / 3 + 1 / 3 + 1 / 3, Rating.Good),
    ],
)
def test_rating_for(fraction: float, rating: Rating) -> None:
    assert rating_for(fraction) == rating


@pytest.mark.parametrize("fraction", [-0.5, 1.5, math.nan])
def test_rating_for_rejects_impossible_fractions(fraction: float) -> None:
    with pytest.raises(ValueError, match="between 0 and 1"):
        rating_for(fraction)


def test_rating_table_never_rates_easy() -> None:
    assert set(RATING_FOR_FRACTION.values()) == {Rating.Again, Rating.Hard, Rating.Good}


def test_new_card_is_due_now_and_learning() -> None:
    card = new_card(NOW)
    assert card == CardState(
        state=State.Learning, step=0, stability=None, difficulty=None, due=NOW, last_review=None
    )
    assert is_due(card, NOW)


@pytest.mark.parametrize(
    ("card", "fraction", "state"),
    [
        (None, 0.0, State.Learning),
        (new_card(NOW), 0.0, State.Learning),
        # A card already in review that is answered wrong goes back to relearning.
        (
            CardState(
                state=State.Review,
                step=None,
                stability=10.0,
                difficulty=5.0,
                due=NOW,
                last_review=NOW - timedelta(days=10),
            ),
            0.0,
            State.Relearning,
        ),
    ],
)
def test_wrong_answer_comes_back_within_a_day(
    card: CardState | None, fraction: float, state: State
) -> None:
    after = review(card, fraction, NOW)
    assert after.state == state
    assert NOW < after.due <= NOW + timedelta(days=1)
    assert after.last_review == NOW


def test_right_answers_make_the_interval_grow() -> None:
    card, now, intervals = None, NOW, []
    for _ in range(6):
        card = review(card, 1.0, now)
        intervals.append(card.due - now)
        now = card.due
    assert card.state == State.Review
    assert intervals == sorted(intervals)
    assert intervals[-1] > intervals[2] > timedelta(days=1)


def test_partial_is_rated_hard_and_scheduled_sooner_than_right() -> None:
    reviewed = CardState(
        state=State.Review,
        step=None,
        stability=10.0,
        difficulty=5.0,
        due=NOW,
        last_review=NOW - timedelta(days=10),
    )
    partial, right = review(reviewed, 0.5, NOW), review(reviewed, 1.0, NOW)
    assert partial.state == right.state == State.Review
    assert NOW < partial.due < right.due


def test_review_is_reproducible() -> None:
    def history() -> list[CardState]:
        card, now, cards = None, NOW, []
        for fraction in (1.0, 0.0, 0.5, 1.0, 1.0):
            card = review(card, fraction, now)
            cards.append(card)
            now = card.due + timedelta(hours=3)
        return cards

    assert history() == history()


def test_times_come_back_in_utc() -> None:
    paris = timezone(timedelta(hours=1))
    card = review(None, 1.0, NOW.astimezone(paris))
    assert card.last_review == NOW
    assert card.due.tzinfo == UTC
    again = review(card, 1.0, card.due.astimezone(paris))
    assert again.last_review is not None and again.last_review.tzinfo == UTC


@pytest.mark.parametrize(
    ("due", "now", "expected"),
    [
        (NOW, NOW, True),
        (NOW, NOW + timedelta(seconds=1), True),
        (NOW + timedelta(seconds=1), NOW, False),
        (NOW, NOW.astimezone(timezone(timedelta(hours=-5))), True),
    ],
)
def test_is_due(due: datetime, now: datetime, expected: bool) -> None:
    card = CardState(
        state=State.Review, step=None, stability=3.0, difficulty=5.0, due=due, last_review=None
    )
    assert is_due(card, now) is expected


def test_naive_datetimes_are_refused() -> None:
    naive = datetime(2025, 3, 1, 9, 30)
    with pytest.raises(ValueError, match="timezone-aware"):
        new_card(naive)
    with pytest.raises(ValueError, match="timezone-aware"):
        review(None, 1.0, naive)
    with pytest.raises(ValueError, match="timezone-aware"):
        is_due(new_card(NOW), naive)
