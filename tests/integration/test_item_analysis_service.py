"""quizapp.services.item_analysis against a real database, and its histogram."""

from __future__ import annotations

import pytest

from quizapp.services import item_analysis
from tests.factories import (
    ECONOMY,
    create_assessment,
    section_rule,
)
from tests.integration.report_support import School, scored

# ------------------------------------------------------------------------------- histogram


@pytest.mark.parametrize(
    ("scores", "bins"),
    [
        ([], [0] * 10),
        ([(0, 10)], [1, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
        ([(10, 10)], [0, 0, 0, 0, 0, 0, 0, 0, 0, 1]),  # 100% is in the last bin
        ([(9.99, 10)], [0, 0, 0, 0, 0, 0, 0, 0, 0, 1]),
        ([(1, 10)], [0, 1, 0, 0, 0, 0, 0, 0, 0, 0]),  # a boundary opens the next bin
        ([(0.99, 10)], [1, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
        ([(3, 10), (7, 10), (6, 10)], [0, 0, 0, 1, 0, 0, 1, 1, 0, 0]),
        ([(1, 3), (2, 3)], [0, 0, 0, 1, 0, 0, 1, 0, 0, 0]),
        ([(0, 0)], [1, 0, 0, 0, 0, 0, 0, 0, 0, 0]),  # no maximum: counted as 0%
        ([(5, 10)] * 4, [0, 0, 0, 0, 0, 4, 0, 0, 0, 0]),
    ],
)
def test_histogram_bins(scores: list[tuple[float, float]], bins: list[int]) -> None:
    assert item_analysis.histogram(scores) == bins


def test_histogram_puts_every_whole_percentage_in_its_tenth() -> None:
    for maximum in (1, 3, 7, 10, 40, 100):
        for score in range(maximum + 1):
            counts = item_analysis.histogram([(score, maximum)])
            assert counts.index(1) == min(9, score * 10 // maximum), (score, maximum)


# ------------------------------------------------------------------------- which attempts


@pytest.mark.parametrize(
    ("which", "scores"),
    [
        ("first", [1.0, 3.0]),
        ("last", [2.0, 3.0]),
        ("highest", [4.0, 3.0]),
        ("all", [1.0, 4.0, 2.0, 3.0]),
    ],
)
def test_quiz_analysis_counts_the_attempts_chosen(
    school: School, which: str, scores: list[float]
) -> None:
    quiz = create_assessment(
        school.teacher,
        school.school_class,
        school.article,
        rules=[section_rule(school.article, ECONOMY, 2)],
    )
    for minutes, score in [(10, 1), (20, 4), (30, 2)]:
        scored(quiz, school.ada, score, minutes=minutes)
    scored(quiz, school.bob, 3, minutes=5)

    report = item_analysis.quiz_analysis(quiz.id, which)

    assert report.attempts == len(scores)
    assert sorted(s for s, _ in report.scores) == sorted(scores)


def test_quiz_analysis_rejects_an_unknown_selection(school: School) -> None:
    with pytest.raises(ValueError, match="which must be one of"):
        item_analysis.quiz_analysis(1, "best")
