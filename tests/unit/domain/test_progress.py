"""Tests for quizapp.domain.progress: mastery, quiz grades, scores and outcomes."""

import math

import pytest

from quizapp.domain.progress import (
    GRADING_METHODS,
    SectionProgress,
    mastery,
    outcome,
    quiz_result,
    score,
    section_progress,
)


@pytest.mark.parametrize(
    ("question_ids", "latest", "expected"),
    [
        ([], {}, 0.0),
        ([], {1: 1.0}, 0.0),
        ([1, 2], {}, 0.0),
        ([1, 2], {1: 1.0, 2: 1.0}, 1.0),
        ([1, 2], {1: 1.0}, 0.5),  # unseen counts 0
        ([1, 2, 3], {1: 1.0, 2: 0.5, 3: 0.0}, 0.5),
        ([1, 2, 3], {1: 0.1, 2: 0.1, 3: 0.1}, 0.1),
        ([1], {1: 1.0, 9: 0.0}, 1.0),  # other sections' questions do not count
        ([1, 1, 2], {1: 1.0}, 0.5),  # an id listed twice counts once
    ],
)
def test_mastery(question_ids: list[int], latest: dict[int, float], expected: float) -> None:
    assert mastery(question_ids, latest) == expected


def test_section_progress() -> None:
    progress = section_progress(
        7, "Economic ties", [1, 2, 3, 4], {1: 1.0, 2: 0.5, 9: 1.0}, due_question_ids={2, 9}
    )
    assert progress == SectionProgress(
        section_id=7,
        title="Economic ties",
        question_count=4,
        answered=2,
        due=1,
        mastery=0.375,
    )


def test_section_progress_of_an_empty_section() -> None:
    assert section_progress(1, "Intro", [], {}) == SectionProgress(1, "Intro", 0, 0, 0, 0.0)


@pytest.mark.parametrize(
    ("attempts", "method", "expected"),
    [
        ([(3.0, 10.0), (5.0, 10.0), (4.0, 10.0)], "highest", (5.0, 10.0)),
        ([(3.0, 10.0), (5.0, 10.0), (4.0, 10.0)], "last", (4.0, 10.0)),
        ([(3.0, 10.0), (5.0, 10.0), (4.0, 10.0)], "first", (3.0, 10.0)),
        ([(3.0, 10.0), (5.0, 10.0), (4.0, 10.0)], "average", (4.0, 10.0)),
        ([(0.1, 1.0), (0.2, 1.0)], "average", (0.15, 1.0)),
        ([(1.0, 3.0), (1.0, 3.0), (2.0, 3.0)], "average", (1.333333333, 3.0)),
        # Attempts drawing questions worth different points: grade and maximum come from
        # the same attempt (once shown as "3.33 / 3": one attempt's grade, another's max).
        ([(3.33, 5.0), (3.0, 3.0)], "highest", (3.33, 5.0)),
        ([(3.0, 3.0), (3.33, 5.0)], "last", (3.33, 5.0)),
        ([(2.0, 4.0), (3.0, 3.0)], "average", (2.5, 3.5)),
        ([(2.0, 4.0), (2.0, 2.0)], "highest", (2.0, 4.0)),  # equal scores: the first
        ([(7.5, 10.0)], "highest", (7.5, 10.0)),
        ([(7.5, 10.0)], "first", (7.5, 10.0)),
        ([(0.0, 0.0), (0.0, 2.0)], "highest", (0.0, 0.0)),
        ([(2, 3)], "highest", (2.0, 3.0)),  # ints are fine, floats come back
        ([], "highest", None),
        ([], "last", None),
        ([], "first", None),
        ([], "average", None),
    ],
)
def test_quiz_result(
    attempts: list[tuple[float, float]], method: str, expected: tuple[float, float] | None
) -> None:
    result = quiz_result(attempts, method)
    assert result == expected
    if result is not None:
        assert all(isinstance(value, float) for value in result)


@pytest.mark.parametrize("method", ["best", "HIGHEST", "", "mean"])
def test_quiz_result_rejects_unknown_methods(method: str) -> None:
    with pytest.raises(ValueError, match="unknown grading method"):
        quiz_result([(1.0, 1.0)], method)
    with pytest.raises(ValueError, match="unknown grading method"):
        quiz_result([], method)


def test_grading_methods_are_moodles_four() -> None:
    assert list(GRADING_METHODS) == ["highest", "last", "first", "average"]


@pytest.mark.parametrize(
    ("marks", "expected"),
    [
        ([], (0.0, 0.0)),
        ([(1.0, 1.0), (2.0, 0.5), (1.0, 0.0)], (2.0, 4.0)),
        ([(1.0, 1 / 3)] * 3, (1.0, 3.0)),  # 0.333.. x 3 is noise-free 1.0
        ([(0.1, 1.0)] * 3, (0.3, 0.3)),  # 0.1 + 0.1 + 0.1 is not 0.30000000000000004
        ([(1.0, 1 / 3)], (0.333333333, 1.0)),  # partial credit keeps its digits
        ([(2.5, 2 / 3)], (1.666666667, 2.5)),
        ([(3, 1.0), (2, 0.0)], (3.0, 5.0)),
    ],
)
def test_score(marks: list[tuple[float, float]], expected: tuple[float, float]) -> None:
    assert score(marks) == expected


def test_score_is_never_negative_zero() -> None:
    earned, possible = score([(1.0, -0.0)])
    assert math.copysign(1.0, earned) == 1.0
    assert possible == 1.0


@pytest.mark.parametrize(
    ("fraction", "expected"),
    [
        (None, "incorrect"),
        (0.0, "incorrect"),
        (1e-12, "incorrect"),
        (0.001, "partially correct"),
        (0.5, "partially correct"),
        (0.999, "partially correct"),
        (1 - 1e-12, "correct"),
        (1.0, "correct"),
        (0.1 + 0.2 + 0.7, "correct"),
    ],
)
def test_outcome(fraction: float | None, expected: str) -> None:
    assert outcome(fraction) == expected


@pytest.mark.parametrize("fraction", [-0.1, 1.1, math.nan, math.inf])
def test_outcome_rejects_impossible_fractions(fraction: float) -> None:
    with pytest.raises(ValueError, match="between 0 and 1"):
        outcome(fraction)
