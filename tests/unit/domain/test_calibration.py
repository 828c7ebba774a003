"""Difficulty from facility (quizapp.domain.calibration): the rubric's bands and edges,
and the minimum number of first attempts."""

from __future__ import annotations

import pytest

from quizapp.domain.calibration import difficulty_for, facility, finding

BANDS = [
    # (facility, difficulty, why)
    (1.0, 1, "everyone right"),
    (0.81, 1, "just above 0.8"),
    (0.8, 2, "0.8 itself is medium"),
    (0.6, 2, "middle"),
    (0.4, 2, "0.4 itself is medium"),
    (0.39, 3, "just below 0.4"),
    (0.0, 3, "everyone wrong"),
]


@pytest.mark.parametrize(("facility_index", "expected", "why"), BANDS)
def test_difficulty_for_facility(facility_index: float, expected: int, why: str) -> None:
    assert difficulty_for(facility_index) == expected, why


FACILITIES = [
    # (fractions, facility)
    ([1.0], 1.0),
    ([1.0, 0.0], 0.5),
    ([0.5, 0.25, 0.25, 0.0], 0.25),
    ([0.1] * 10, 0.1),  # fsum: exactly 0.1, not 0.09999999999999999
]


@pytest.mark.parametrize(("fractions", "expected"), FACILITIES)
def test_facility_is_the_mean_fraction(fractions: list[float], expected: float) -> None:
    assert facility(fractions) == expected


def test_facility_of_nothing_is_an_error() -> None:
    with pytest.raises(ValueError, match="at least one"):
        facility([])


FINDINGS = [
    # (current, fractions, min_attempts, suggested, changes, why)
    (2, [1.0] * 30, 30, 1, True, "enough, easy"),
    (2, [1.0] * 29, 30, None, False, "one short of the minimum"),
    (1, [1.0] * 30, 30, 1, False, "already right"),
    (1, [0.0] * 5 + [1.0] * 5, 10, 2, True, "facility 0.5 at the minimum"),
    (3, [], 30, None, False, "no data"),
    (2, [0.0], 1, 3, True, "a minimum of one"),
]


@pytest.mark.parametrize(
    ("current", "fractions", "min_attempts", "suggested", "changes", "why"), FINDINGS
)
def test_finding(
    current: int,
    fractions: list[float],
    min_attempts: int,
    suggested: int | None,
    changes: bool,
    why: str,
) -> None:
    found = finding(current, fractions, min_attempts)
    assert (found.suggested, found.changes, found.answers) == (
        suggested,
        changes,
        len(fractions),
    ), why


def test_a_minimum_below_one_is_an_error() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        finding(2, [1.0], 0)
