"""A number typed with a scale word or currency is read in the question's unit, and a
wrong magnitude stays wrong ("240 million" is not 240 billion)."""

from __future__ import annotations

import pytest

from quizapp.domain.question_types import Numeric, parse_number
from quizapp.domain.question_types.numeric import NumericUnit

BILLION_USD = "billion US dollars"


@pytest.mark.parametrize(
    ("text", "unit", "expected"),
    [
        # The unit's own scale, typed in every usual way.
        ("240 billion", BILLION_USD, 240.0),
        ("$240 billion", BILLION_USD, 240.0),
        ("240 bn", BILLION_USD, 240.0),
        ("240bn", BILLION_USD, 240.0),
        ("240 BN", BILLION_USD, 240.0),
        ("240b", BILLION_USD, 240.0),
        ("$240bn", BILLION_USD, 240.0),
        ("240 bn USD", BILLION_USD, 240.0),
        ("240 bn US dollars", BILLION_USD, 240.0),
        ("240 billion dollars", BILLION_USD, 240.0),
        # Another scale is converted, so the magnitude decides.
        ("240 million", BILLION_USD, 0.24),
        ("240 mn", BILLION_USD, 0.24),
        ("240m", BILLION_USD, 0.24),
        ("240,000 million", BILLION_USD, 240.0),
        ("0.24 trillion", BILLION_USD, 240.0),
        ("0.24 tn", BILLION_USD, 240.0),
        ("240 thousand", BILLION_USD, 0.00024),
        ("240 trillion", BILLION_USD, 240000.0),
        # A unit without a scale: the scale word multiplies.
        ("2.6 thousand", "miles", 2600.0),
        ("2.6k miles", "miles", 2600.0),
        ("2.6 thousand miles", "miles", 2600.0),
        # Words that are neither a scale nor the unit's: unreadable, as before.
        ("240 bn euros", BILLION_USD, None),
        ("240 bn miles", BILLION_USD, None),
        ("240 dollars bn", BILLION_USD, None),
        ("240 zillion", BILLION_USD, None),
        ("240 bn USD", "billion euros", None),
        # A currency written "US$", a unit joined by a hyphen.
        ("US$240 billion", BILLION_USD, 240.0),
        ("us$ 240bn", BILLION_USD, 240.0),
        ("12-point", "points", 12.0),
        ("2,600-mile", "miles", 2600.0),
        ("2.6k-mile", "miles", None),
        ("12-", "points", None),
        ("US240", BILLION_USD, None),
        # No unit: a bare number only, as before.
        ("240 bn", None, None),
        ("240 billion", None, None),
    ],
)
def test_parse_number_reads_scale_words_in_the_unit(
    text: str, unit: str | None, expected: float | None
) -> None:
    value = parse_number(text, unit)
    if expected is None:
        assert value is None
    else:
        assert value == pytest.approx(expected)


RECORD_TRADE = Numeric(id="record-trade", prompt="Record trade?", answer=240, unit=BILLION_USD)


@pytest.mark.parametrize(
    ("response", "grade"),
    [
        ("240", 1.0),
        ("$240 billion", 1.0),
        ("240 bn", 1.0),
        ("240bn", 1.0),
        ("240 billion US dollars", 1.0),
        ("0.24 trillion", 1.0),
        ("240 million", 0.0),
        ("240 thousand", 0.0),
        ("240 trillion", 0.0),
        ("240 bn euros", 0.0),
    ],
)
def test_a_wrong_magnitude_is_graded_wrong(response: str, grade: float) -> None:
    assert RECORD_TRADE.grade(response) == grade


def test_units_list_applies_the_scale_before_the_multiplier() -> None:
    # Base unit billion US dollars; "million US dollars" counts 1000 to one of them.
    question = Numeric(
        id="record-trade-units",
        prompt="Record trade?",
        answer=240,
        units=(
            NumericUnit(unit=BILLION_USD),
            NumericUnit(unit="million US dollars", multiplier=1000),
        ),
    )
    assert question.grade("240 bn") == 1.0
    assert question.grade("240000 million US dollars") == 1.0
    assert question.grade("240 million US dollars") == 0.0


def test_a_unit_named_like_a_scale_word_is_the_unit_first() -> None:
    # "m" is the metre here, not a million.
    question = Numeric(
        id="length",
        prompt="Length?",
        answer=2,
        units=(NumericUnit(unit="m"), NumericUnit(unit="km", multiplier=0.001)),
    )
    assert question.read_response("2 m") == 2.0
    assert question.read_response("2 km") == 2000.0
