"""Moodle's grades: the fractions of a question's marks an answer may earn.

Moodle offers a fixed list (``question_bank::fraction_options_full``): 100%, 90%, 83.333%,
... 5%, 0 and their negatives. The bank format, the authoring forms, GIFT (``%50%``) and
Moodle XML (``fraction="50"``) all take one of these, so a partially right answer means
the same in every place and survives a round trip through Moodle.
"""

from __future__ import annotations

# The positive grades as exact fractions of 1; files write them rounded (33.33333%).
MOODLE_GRADES: tuple[float, ...] = (
    1.0, 0.9, 5 / 6, 0.8, 0.75, 0.7, 2 / 3, 0.6, 0.5, 0.4, 1 / 3, 0.3, 0.25, 0.2, 1 / 6,
    1 / 7, 0.125, 1 / 9, 0.1, 0.05,
)  # fmt: skip
MOODLE_PERCENTAGES: tuple[float, ...] = tuple(grade * 100 for grade in MOODLE_GRADES)
# How the percentages are written: Moodle's XML and GIFT carry five decimals.
PERCENTAGE_TEXTS: tuple[str, ...] = (
    "100", "90", "83.33333", "80", "75", "70", "66.66667", "60", "50", "40", "33.33333",
    "30", "25", "20", "16.66667", "14.28571", "12.5", "11.11111", "10", "5",
)  # fmt: skip
ALLOWED_PERCENTAGES_TEXT = ", ".join(PERCENTAGE_TEXTS) + ", 0 or one of these negated"
# A written fraction within this much (of 1) of a grade is that grade: 0.333 is a third,
# 0.1667 a sixth. Two grades of the list are never closer than 0.011 to each other.
FRACTION_SLACK = 0.001


def moodle_grade(fraction: float) -> float | None:
    """The Moodle grade ``fraction`` (of 1, -1..1) stands for, exact; None when it is not
    one (nor 0)."""
    if abs(fraction) < FRACTION_SLACK:
        return 0.0
    for grade in MOODLE_GRADES:
        if abs(abs(fraction) - grade) < FRACTION_SLACK:
            return grade if fraction > 0 else -grade
    return None


def percentage_text(fraction: float) -> str:
    """A grade (of 1) as Moodle writes it in percent: ``0.5`` -> ``50``, a third ->
    ``33.33333``."""
    text = f"{fraction * 100:.5f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def fraction_text(fraction: float) -> str:
    """A grade (of 1) as the bank format writes it: ``0.5``, ``0.3333333``, ``-0.25``."""
    text = f"{fraction:.7f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
