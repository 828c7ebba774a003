"""Moodle's grades: snapping written fractions, writing them back, and the bank's reader."""

from __future__ import annotations

import pytest

from quizapp.domain.grades import (
    MOODLE_GRADES,
    fraction_text,
    moodle_grade,
    percentage_text,
)
from quizapp.domain.question_types.base import Checker


@pytest.mark.parametrize(
    ("written", "grade"),
    [
        (1, 1.0),
        (1.0, 1.0),
        (0.5, 0.5),
        (0.3333, 1 / 3),
        (0.33333, 1 / 3),
        (-0.3333, -1 / 3),
        (0.1667, 1 / 6),
        (0.142857, 1 / 7),
        (0.125, 0.125),
        (0.05, 0.05),
        (0, 0.0),
        (-0.0004, 0.0),
        (-1, -1.0),
        (0.35, None),  # not on the list
        (0.33, None),  # too far from a third
        (0.95, None),
        (1.5, None),
    ],
)
def test_a_written_fraction_is_the_moodle_grade_it_stands_for(
    written: float, grade: float | None
) -> None:
    assert moodle_grade(written) == grade


def test_every_grade_reads_back_from_its_five_decimal_text() -> None:
    for grade in MOODLE_GRADES:
        text = percentage_text(grade)
        assert moodle_grade(float(text) / 100) == grade, text
        assert moodle_grade(float(fraction_text(grade))) == grade


@pytest.mark.parametrize(
    ("fraction", "percent", "bank"),
    [
        (1.0, "100", "1"),
        (1 / 3, "33.33333", "0.3333333"),
        (-0.25, "-25", "-0.25"),
        (0.0, "0", "0"),
        (-0.0, "0", "0"),
        (1 / 7, "14.28571", "0.1428571"),
    ],
)
def test_grades_are_written_as_moodle_and_the_bank_write_them(
    fraction: float, percent: str, bank: str
) -> None:
    assert (percentage_text(fraction), fraction_text(fraction)) == (percent, bank)


@pytest.mark.parametrize(
    ("value", "grade", "problem"),
    [
        (0.5, 0.5, None),
        (-0.3333, -1 / 3, None),
        (1, 1.0, None),
        ("0.5", None, "must be a number such as 0.5"),
        (True, None, "must be a number such as 0.5"),
        (0.35, None, "0.35 is not one of Moodle's grades"),
        (2, None, "2 is not one of Moodle's grades"),
        (float("nan"), None, "is not one of Moodle's grades"),
    ],
)
def test_the_bank_reads_a_fraction_only_from_moodles_list(
    value: object, grade: float | None, problem: str | None
) -> None:
    check = Checker()

    assert check.fraction_value(value, ("choices", 0, "fraction")) == grade
    messages = [p.message for p in check.problems]
    if problem is None:
        assert messages == []
    else:
        assert len(messages) == 1 and problem in messages[0], messages
        assert messages[0].startswith("choices[0].fraction")
