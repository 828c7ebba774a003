"""Tests for quizapp.domain.stats: Moodle's item analysis on plain lists of marks."""

import math
import random
import statistics
from collections import Counter
from decimal import Decimal

import pytest

import quizapp.stats
from quizapp.domain.stats import (
    ALPHA_NEEDS_TWO_ATTEMPTS,
    ALPHA_NEEDS_TWO_QUESTIONS,
    ALPHA_NEEDS_VARYING_TOTALS,
    ALPHA_NOT_ALL_QUESTIONS_SEEN,
    ItemAnalysis,
    QuestionStats,
    TestStats,
    item_analysis,
    item_analysis_of_counts,
)

# Five attempts at three questions worth 1, 1 and 2 marks; every figure below is worked out
# by hand in the comments.
#
#          Q1  Q2  Q3   total
#   A       1   1   2     4
#   B       1   0   1     2
#   C       0   1   0     1
#   D       0   0   0     0
#   E       1   0   2     3
EXAMPLE_MARKS = [[1, 1, 2], [1, 0, 1], [0, 1, 0], [0, 0, 0], [1, 0, 2]]
EXAMPLE_MAX = [1, 1, 2]

# Totals 4, 2, 1, 0, 3: mean 10/5 = 2, median 2, deviations 2, 0, -1, -2, 1.
#   Σd² = 4+0+1+4+1 = 10, var = 10/4 = 2.5, sd = √2.5
#   Σd³ = 8+0-1-8+1 = 0, so skewness 0
#   Σd⁴ = 16+0+1+16+1 = 34; m2 = 10/5 = 2, m4 = 34/5 = 6.8, k2 = 2.5
#   k4 = 5²·(6·6.8 - 3·4·2²)/(4·3·2) = 25·(40.8 - 48)/24 = -7.5, kurtosis = -7.5/2.5² = -1.2
#
# Q1: x = 1,1,0,0,1 (mean .6, deviations .4,.4,-.6,-.6,.4)
#   Σdx² = 3·.16 + 2·.36 = 1.2, var = .3, sd = √.3 / 1
#   rest = total - x = 3,1,1,0,2 (mean 1.4, deviations 1.6,-.4,-.4,-1.4,.6)
#   Σdr² = 2.56+.16+.16+1.96+.36 = 5.2; Σdx·dr = .64-.16+.24+.84+.24 = 1.8
#   discrimination = 1.8/√(1.2·5.2) = 1.8/√6.24
#   sorted dx -.6,-.6,.4,.4,.4 by sorted dr -1.4,-.4,-.4,.6,1.6:
#   .84+.24-.16+.24+.64 = 1.8, so efficiency = 1.8/1.8 = 1 (rest ranks the same way)
#   cov(x, total) = (Σdx² + Σdx·dr)/4 = (1.2+1.8)/4 = .75
# Q2: x = 1,0,1,0,0 (mean .4, deviations .6,-.4,.6,-.4,-.4), Σdx² = 1.2, var = .3
#   rest = 3,2,0,0,3 (mean 1.6, deviations 1.4,.4,-1.6,-1.6,1.4), Σdr² = 9.2
#   Σdx·dr = .84-.16-.96+.64-.56 = -.2; discrimination = -.2/√(1.2·9.2) = -.2/√11.04
#   sorted: -.4,-.4,-.4,.6,.6 by -1.6,-1.6,.4,1.4,1.4 = .64+.64-.16+.84+.84 = 2.8
#   efficiency = -.2/2.8 = -1/14; cov(x, total) = (1.2-.2)/4 = .25
# Q3 (max 2): x = 2,1,0,0,2 (mean 1, deviations 1,0,-1,-1,1), Σdx² = 4, var = 1, sd = 1/2
#   rest = 2,1,1,0,1 (mean 1, deviations 1,0,0,-1,0), Σdr² = 2, Σdx·dr = 1+1 = 2
#   discrimination = 2/√(4·2) = 1/√2
#   sorted: -1,-1,0,1,1 by -1,0,0,0,1 = 1+1 = 2, efficiency = 2/2 = 1
#   cov(x, total) = (4+2)/4 = 1.5
# Effective weights: √.75, √.25, √1.5 over their sum √.75 + .5 + √1.5.
# Alpha = 3/2·(1 - (.3+.3+1)/2.5) = 1.5·(1 - .64) = .54, error ratio √.46, SEM √2.5·√.46.
ROOTS = math.sqrt(0.75) + 0.5 + math.sqrt(1.5)
EXPECTED_QUESTIONS = [
    # n, facility, sd, discrimination, efficiency, effective weight, intended weight
    (5, 0.6, math.sqrt(0.3), 1.8 / math.sqrt(6.24), 1.0, math.sqrt(0.75) / ROOTS, 0.25),
    (5, 0.4, math.sqrt(0.3), -0.2 / math.sqrt(11.04), -1 / 14, 0.5 / ROOTS, 0.25),
    (5, 0.5, 0.5, 1 / math.sqrt(2), 1.0, math.sqrt(1.5) / ROOTS, 0.5),
]


def approx_or_none(expected: float | None) -> object:
    """``pytest.approx`` of a number, or None itself, so tables can mix the two."""
    return None if expected is None else pytest.approx(expected, abs=1e-12)


def assert_question(actual: QuestionStats, expected: tuple) -> None:
    n, facility, sd, discrimination, efficiency, effective, intended = expected
    assert actual.n == n
    assert actual.facility == approx_or_none(facility)
    assert actual.sd == approx_or_none(sd)
    assert actual.discrimination_index == approx_or_none(discrimination)
    assert actual.discriminative_efficiency == approx_or_none(efficiency)
    assert actual.effective_weight == approx_or_none(effective)
    assert actual.intended_weight == approx_or_none(intended)


@pytest.mark.parametrize("index", range(3))
def test_worked_example_questions(index: int) -> None:
    result = item_analysis(EXAMPLE_MARKS, EXAMPLE_MAX)
    assert_question(result.questions[index], EXPECTED_QUESTIONS[index])


def test_worked_example_test() -> None:
    test = item_analysis(EXAMPLE_MARKS, EXAMPLE_MAX).test
    assert test.n == 5
    assert test.mean == pytest.approx(2.0)
    assert test.median == pytest.approx(2.0)
    assert test.sd == pytest.approx(math.sqrt(2.5))
    assert test.skewness == pytest.approx(0.0, abs=1e-12)
    assert test.kurtosis == pytest.approx(-1.2)
    assert test.alpha == pytest.approx(0.54)
    assert test.error_ratio == pytest.approx(math.sqrt(0.46))
    assert test.sem == pytest.approx(math.sqrt(2.5) * math.sqrt(0.46))
    assert test.all_questions_seen is True
    assert test.alpha_reason is None


def test_worked_example_agrees_with_the_statistics_module() -> None:
    result = item_analysis(EXAMPLE_MARKS, EXAMPLE_MAX)
    totals = [sum(row) for row in EXAMPLE_MARKS]
    for q, (stats, top) in enumerate(zip(result.questions, EXAMPLE_MAX, strict=True)):
        column = [row[q] for row in EXAMPLE_MARKS]
        rest = [total - mark for total, mark in zip(totals, column, strict=True)]
        assert stats.facility == pytest.approx(statistics.fmean(column) / top)
        assert stats.sd == pytest.approx(statistics.stdev(column) / top)
        assert stats.discrimination_index == pytest.approx(statistics.correlation(column, rest))
    assert result.test.mean == pytest.approx(statistics.fmean(totals))
    assert result.test.median == statistics.median(totals)
    assert result.test.sd == pytest.approx(statistics.stdev(totals))
    # Cronbach's alpha written out with sample variances.
    item_variances = math.fsum(
        statistics.variance([row[q] for row in EXAMPLE_MARKS]) for q in range(3)
    )
    assert result.test.alpha == pytest.approx(
        1.5 * (1 - item_variances / statistics.variance(totals))
    )


def test_public_module_reexports_the_domain_api() -> None:
    assert quizapp.stats.item_analysis is item_analysis
    assert quizapp.stats.ItemAnalysis is ItemAnalysis
    assert quizapp.stats.QuestionStats is QuestionStats
    assert quizapp.stats.TestStats is TestStats
    assert set(quizapp.stats.__all__) == {
        "ItemAnalysis",
        "QuestionStats",
        "TestStats",
        "item_analysis",
    }


def test_results_are_frozen() -> None:
    result = item_analysis(EXAMPLE_MARKS, EXAMPLE_MAX)
    assert isinstance(result.questions, tuple)
    with pytest.raises(AttributeError):
        result.test.mean = 0.0  # type: ignore[misc]


def test_skewness_and_kurtosis_of_a_skewed_distribution() -> None:
    # Totals 0,0,0,1: mean .25, deviations -.25 (three times) and .75.
    #   Σd² = 3·.0625 + .5625 = .75, Σd³ = 3·(-.015625) + .421875 = .375,
    #   Σd⁴ = 3·.00390625 + .31640625 = .328125
    #   m2 = .1875, m3 = .09375, m4 = .08203125; k2 = .75/3 = .25
    #   k3 = 16·.09375/(3·2) = .25, skewness = .25/.25^1.5 = 2
    #   k4 = 16·(5·.08203125 - 3·3·.1875²)/(3·2·1) = 16·.09375/6 = .25, kurtosis = .25/.0625 = 4
    test = item_analysis([[0], [0], [0], [1]], [1]).test
    assert test.skewness == pytest.approx(2.0)
    assert test.kurtosis == pytest.approx(4.0)


@pytest.mark.parametrize(
    ("totals", "skewness_defined", "kurtosis_defined"),
    [
        ([1, 2], False, False),  # two attempts: k3 divides by n - 2
        ([1, 2, 4], True, False),  # three: k4 divides by n - 3
        ([1, 2, 4, 8], True, True),
        ([3, 3, 3, 3], False, False),  # k2 = 0
    ],
)
def test_skewness_and_kurtosis_need_enough_varied_attempts(
    totals: list[int], skewness_defined: bool, kurtosis_defined: bool
) -> None:
    test = item_analysis([[t] for t in totals], [10]).test
    assert (test.skewness is not None) is skewness_defined
    assert (test.kurtosis is not None) is kurtosis_defined


def test_all_correct_and_all_wrong_questions() -> None:
    # Q1 always right, Q2 always wrong, Q3 varies: 1,0,1,0 (mean .5, Σdx² = 1, var 1/3).
    # Totals are Q3 + 1, so the rest of the test is 1 for every attempt in Q3's case.
    marks = [[1, 0, 1], [1, 0, 0], [1, 0, 1], [1, 0, 0]]
    result = item_analysis(marks, [1, 1, 1])
    third = 1 / 3
    table = [
        # n, facility, sd, discrimination, efficiency, effective weight, intended weight
        (4, 1.0, 0.0, None, None, 0.0, third),  # cov with total 0: weight 0, not None
        (4, 0.0, 0.0, None, None, 0.0, third),
        (4, 0.5, math.sqrt(third), None, None, 1.0, third),  # constant rest: no correlation
    ]
    for stats, expected in zip(result.questions, table, strict=True):
        assert_question(stats, expected)
    # Σ var = 0 + 0 + 1/3 = var(total), so alpha = 3/2·(1 - 1) = 0 and the error ratio is 1.
    assert result.test.alpha == pytest.approx(0.0, abs=1e-12)
    assert result.test.error_ratio == pytest.approx(1.0)
    assert result.test.sem == pytest.approx(result.test.sd)


def test_every_question_constant_gives_no_weights_and_no_alpha() -> None:
    result = item_analysis([[1, 0], [1, 0], [1, 0]], [1, 1])
    assert [q.effective_weight for q in result.questions] == [None, None]
    assert [q.discrimination_index for q in result.questions] == [None, None]
    assert result.test.sd == 0.0
    assert result.test.skewness is None
    assert result.test.alpha is None
    assert result.test.alpha_reason == ALPHA_NEEDS_VARYING_TOTALS


def test_questions_not_seen_by_every_attempt() -> None:
    # Q3 was drawn for four of six attempts only.
    marks = [
        [1, 1, 1],
        [1, 0, None],
        [0, 1, 0],
        [0, 0, None],
        [1, 1, 0],
        [0, 0, 1],
    ]
    result = item_analysis(marks, [1, 1, 1])
    totals = [sum(m for m in row if m is not None) for row in marks]
    seen = [i for i, row in enumerate(marks) if row[2] is not None]
    column = [marks[i][2] for i in seen]
    rest = [totals[i] - marks[i][2] for i in seen]

    q3 = result.questions[2]
    assert q3.n == 4
    assert q3.facility == pytest.approx(0.5)  # (1+0+0+1)/4
    assert q3.sd == pytest.approx(statistics.stdev(column))
    assert q3.discrimination_index == pytest.approx(statistics.correlation(column, rest))
    assert [q.n for q in result.questions] == [6, 6, 4]

    test = result.test
    assert test.n == 6
    assert test.mean == pytest.approx(statistics.fmean(totals))  # every attempt counts
    assert test.sd == pytest.approx(statistics.stdev(totals))
    assert test.all_questions_seen is False
    assert (test.alpha, test.error_ratio, test.sem) == (None, None, None)
    assert test.alpha_reason == ALPHA_NOT_ALL_QUESTIONS_SEEN


def test_question_seen_by_one_attempt_has_only_a_facility() -> None:
    result = item_analysis([[1, 0.5], [0, None], [1, None]], [1, 1])
    assert_question(result.questions[1], (1, 0.5, None, None, None, None, 0.5))


def test_question_seen_by_no_attempt() -> None:
    result = item_analysis([[1, None], [0, None]], [1, 1])
    assert_question(result.questions[1], (0, None, None, None, None, None, 0.5))


@pytest.mark.parametrize(
    ("column", "facility"),
    [
        ([0.5, 1.0, 0.0, 0.5], 0.5),
        ([1 / 3, 2 / 3, 1.0, 0.0], 0.5),
        ([1 / 3, 1 / 3, 1 / 3, 2 / 3], 5 / 12),  # (1/3·3 + 2/3)/4 = (5/3)/4
        ([0.1, 0.2, 0.3, 0.7], 0.325),
    ],
)
def test_fractional_marks(column: list[float], facility: float) -> None:
    other = [1.0, 0.0, 1.0, 0.5]
    marks = [[x, y] for x, y in zip(column, other, strict=True)]
    result = item_analysis(marks, [1, 1])
    first = result.questions[0]
    assert first.facility == pytest.approx(facility)
    assert first.sd == pytest.approx(statistics.stdev(column))
    assert first.discrimination_index == pytest.approx(statistics.correlation(column, other))
    assert result.test.mean == pytest.approx(
        statistics.fmean([x + y for x, y in zip(column, other, strict=True)])
    )


def test_fractional_marks_on_a_bigger_scale() -> None:
    # Half marks out of 3: facility (1.5 + 3 + 0.5)/3 attempts/3 points = 5/9.
    result = item_analysis([[1.5], [3.0], [0.5]], [3])
    assert result.questions[0].facility == pytest.approx(5 / 9)
    assert result.questions[0].sd == pytest.approx(statistics.stdev([1.5, 3.0, 0.5]) / 3)


def test_a_rest_equal_up_to_float_noise_counts_as_constant() -> None:
    # Q1's rest of the test is 0.1 + 0.2 for every attempt, but total - mark comes back as
    # 0.3 or 0.30000000000000004 depending on the mark: that is noise, not spread.
    marks = [[0.1, 0.1, 0.2], [0.2, 0.1, 0.2], [1 / 3, 0.1, 0.2], [0.7, 0.1, 0.2]]
    first = item_analysis(marks, [1, 1, 1]).questions[0]
    assert first.discrimination_index is None
    assert first.discriminative_efficiency is None
    assert first.effective_weight == pytest.approx(1.0)


def test_marks_within_noise_of_a_bound_are_accepted_and_pulled_onto_it() -> None:
    result = item_analysis([[1 + 1e-10], [-1e-10]], [1])
    assert result.questions[0].facility == 0.5
    assert result.test.mean == 0.5


def test_decimal_and_int_marks_are_accepted() -> None:
    result = item_analysis([[Decimal("0.5"), 1], [Decimal("1"), 0]], [Decimal("1"), 1])
    assert [q.facility for q in result.questions] == [0.75, 0.5]


def test_single_attempt() -> None:
    result = item_analysis([[1, 0.5, 0]], [1, 1, 2])
    assert [q.facility for q in result.questions] == [1.0, 0.5, 0.0]
    for q in result.questions:
        assert (q.n, q.sd, q.discrimination_index) == (1, None, None)
        assert (q.discriminative_efficiency, q.effective_weight) == (None, None)
    assert [q.intended_weight for q in result.questions] == [0.25, 0.25, 0.5]
    assert result.test == TestStats(
        n=1,
        mean=1.5,
        median=1.5,
        sd=None,
        skewness=None,
        kurtosis=None,
        alpha=None,
        error_ratio=None,
        sem=None,
        all_questions_seen=True,
        alpha_reason=ALPHA_NEEDS_TWO_ATTEMPTS,
    )


def test_no_attempts() -> None:
    result = item_analysis([], [1, 3])
    assert result.questions == (
        QuestionStats(0, None, None, None, None, None, 0.25),
        QuestionStats(0, None, None, None, None, None, 0.75),
    )
    assert result.test == TestStats(
        n=0,
        mean=None,
        median=None,
        sd=None,
        skewness=None,
        kurtosis=None,
        alpha=None,
        error_ratio=None,
        sem=None,
        all_questions_seen=True,
        alpha_reason=ALPHA_NEEDS_TWO_ATTEMPTS,
    )


def test_one_question_has_no_alpha() -> None:
    test = item_analysis([[0], [1], [1]], [1]).test
    assert test.alpha is None
    assert test.alpha_reason == ALPHA_NEEDS_TWO_QUESTIONS


def test_negative_alpha_gives_an_error_ratio_above_one() -> None:
    # Q1 = 1,0,1,0 (var 1/3), Q2 = 0,1,0,0 (var 1/4), totals 1,1,1,0 (var .75/3 = 1/4).
    # alpha = 2·(1 - (1/3 + 1/4)/(1/4)) = 2·(1 - 7/3) = -8/3; error ratio = √(1 + 8/3).
    test = item_analysis([[1, 0], [0, 1], [1, 0], [0, 0]], [1, 1]).test
    assert test.alpha == pytest.approx(-8 / 3)
    assert test.error_ratio == pytest.approx(math.sqrt(11 / 3))
    assert test.sem == pytest.approx(0.5 * math.sqrt(11 / 3))


def test_effective_weights_of_non_negative_covariance_questions_sum_to_one() -> None:
    # Q3 is answered right only by the weakest attempt with a non-zero total:
    # x = 0,0,1,0 (deviations -.25,-.25,.75,-.25), totals 2,2,1,0 (deviations .75,.75,-.25,-1.25)
    # Σ products = -.1875·3 + .3125 = -.25 < 0, so Q3 gets no effective weight.
    marks = [[1, 1, 0], [1, 1, 0], [0, 0, 1], [0, 0, 0]]
    weights = [q.effective_weight for q in item_analysis(marks, [1, 1, 1]).questions]
    assert weights[2] is None
    assert math.fsum(w for w in weights if w is not None) == pytest.approx(1.0)


def test_effective_weights_sum_to_one_on_random_data() -> None:
    rng = random.Random(7)
    marks = [[rng.choice([0, 0.5, 1]) * top for top in (1, 2, 3, 4)] for _ in range(50)]
    weights = [q.effective_weight for q in item_analysis(marks, [1, 2, 3, 4]).questions]
    assert math.fsum(w for w in weights if w is not None) == pytest.approx(1.0)


@pytest.mark.parametrize(
    "marks",
    [
        # Q1 and the rest (Q2) rise together, with ties.
        [[0, 0], [0, 1], [1, 1], [1, 2]],
        # Q1 is a monotone but non-linear function of the rest: r = 0,1,4,9 for x = 0..3.
        [[0, 0], [1, 1], [2, 4], [3, 9]],
        # Fractional marks, attempts listed out of order.
        [[0.5, 3], [0, 0], [1 / 3, 2], [1, 9]],
    ],
)
def test_discriminative_efficiency_is_one_when_co_monotone(marks: list[list[float]]) -> None:
    first = item_analysis(marks, [3, 9]).questions[0]
    assert first.discriminative_efficiency == pytest.approx(1.0)
    assert first.discrimination_index is not None and first.discrimination_index > 0


def test_discriminative_efficiency_can_fall_below_minus_one() -> None:
    # x = 0,0,0,1 against rest (= Q2) 1,1,1,0: the one right answer meets the lowest rest.
    # dx = -.25,-.25,-.25,.75; dr = .25,.25,.25,-.75 (mean .75)
    # Σ dx·dr = 3·(-.0625) - .5625 = -.75; Σdx² = Σdr² = .75, so discrimination = -1
    # sorted: -.25·-.75 + 2·(-.25·.25) + .75·.25 = .1875 - .125 + .1875 = .25
    # efficiency = -.75/.25 = -3: the lowest possible covariance is not -(the highest).
    first = item_analysis([[0, 1], [0, 1], [0, 1], [1, 0]], [1, 1]).questions[0]
    assert first.discriminative_efficiency == pytest.approx(-3.0)
    assert first.discrimination_index == pytest.approx(-1.0)


@pytest.mark.parametrize(
    ("marks", "max_marks", "error", "message"),
    [
        ([[1, 0]], [1], ValueError, r"marks\[0\] has 2 marks, expected 1"),
        ([[1], [1, 0]], [1], ValueError, r"marks\[1\] has 2 marks"),
        ([[0]], [0], ValueError, r"max_marks\[0\] must be a positive finite number"),
        ([[0]], [-1], ValueError, r"max_marks\[0\] must be a positive"),
        ([[0]], [math.nan], ValueError, r"max_marks\[0\] must be a positive"),
        ([[0]], [math.inf], ValueError, r"max_marks\[0\] must be a positive"),
        ([[1, -0.1]], [1, 1], ValueError, r"marks\[0\]\[1\] = -0.1 is outside 0..1"),
        ([[0, 2.5]], [1, 2], ValueError, r"marks\[0\]\[1\] = 2.5 is outside 0..2"),
        ([[1 + 1e-6]], [1], ValueError, r"outside 0..1"),
        ([[0], [math.nan]], [1], ValueError, r"marks\[1\]\[0\] is NaN"),
        ([[math.inf]], [1], ValueError, r"outside"),
        ([["1"]], [1], TypeError, r"marks\[0\]\[0\] must be a number"),
        ([[True]], [1], TypeError, r"must be a number"),
        ([[1]], ["1"], TypeError, r"max_marks\[0\] must be a number"),
    ],
)
def test_invalid_input(marks: list, max_marks: list, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        item_analysis(marks, max_marks)


def test_ten_thousand_attempts_of_twenty_questions() -> None:
    rng = random.Random(2024)
    maxima = [rng.choice([1, 2, 3]) for _ in range(20)]
    marks = []
    for _ in range(10_000):
        ability = rng.random()
        marks.append(
            [
                None if rng.random() < 0.1 else top * (rng.random() < 0.2 + 0.6 * ability)
                for top in maxima
            ]
        )
    result = item_analysis(marks, maxima)
    assert len(result.questions) == 20
    assert result.test.n == 10_000
    assert all(8_500 < q.n < 9_500 for q in result.questions)
    assert all(
        q.discrimination_index is not None and q.discrimination_index > 0 for q in result.questions
    )
    assert result.test.alpha_reason == ALPHA_NOT_ALL_QUESTIONS_SEEN


# ------------------------------------------------------------------- counted observations


def _counted(marks: list[list[float | None]]) -> tuple[list[Counter], Counter]:
    """The rows as item_analysis_of_counts takes them: (mark, total) pairs and totals."""
    cells: list[Counter] = [Counter() for _ in marks[0]] if marks else []
    totals: Counter = Counter()
    for row in marks:
        total = math.fsum(m for m in row if m is not None)
        totals[total] += 1
        for q, mark in enumerate(row):
            if mark is not None:
                cells[q][mark, total] += 1
    return cells, totals


def test_counts_of_the_worked_example_give_its_figures() -> None:
    # A: (1, 4), B: (1, 2), C: (0, 1), D: (0, 0), E: (1, 3) for Q1, and so on.
    cells = [
        {(1, 4): 1, (1, 2): 1, (0, 1): 1, (0, 0): 1, (1, 3): 1},
        {(1, 4): 1, (0, 2): 1, (1, 1): 1, (0, 0): 1, (0, 3): 1},
        {(2, 4): 1, (1, 2): 1, (0, 1): 1, (0, 0): 1, (2, 3): 1},
    ]
    totals = {4: 1, 2: 1, 1: 1, 0: 1, 3: 1}

    result = item_analysis_of_counts(cells, totals, EXAMPLE_MAX)

    assert result == item_analysis(EXAMPLE_MARKS, EXAMPLE_MAX)


def test_repeated_attempts_counted_once_give_the_same_floats_as_listed_one_by_one() -> None:
    rng = random.Random(11)
    maxima = [1, 2, 0.5, 3]
    for _ in range(40):
        marks = [
            [
                None if rng.random() < 0.1 else top * rng.choice([0, 1, 1 / 3, 0.5, 0.1, 1])
                for top in maxima
            ]
            for _ in range(rng.randint(2, 60))
        ]
        cells, totals = _counted(marks)
        assert item_analysis_of_counts(cells, totals, maxima) == item_analysis(marks, maxima)


def test_counts_with_no_attempts_and_with_attempts_that_saw_nothing() -> None:
    assert item_analysis_of_counts([{}, {}], {}, [1, 3]) == item_analysis([], [1, 3])
    # Two attempts saw no question (total 0); one saw Q1 only.
    counted = item_analysis_of_counts([{(1, 1): 1}], {0: 2, 1: 1}, [1])
    assert counted == item_analysis([[None], [None], [1]], [1])
    assert counted.test.alpha_reason == ALPHA_NOT_ALL_QUESTIONS_SEEN


@pytest.mark.parametrize(
    ("cells", "totals", "max_marks", "error", "message"),
    [
        ([{}], {}, [1, 1], ValueError, r"cells has 1 questions, expected 2"),
        ([{(1, 1): 0}], {1: 1}, [1], ValueError, r"cells\[0\]\[1, 1\]: a count must be a positive"),
        ([{(1, 1): 1.5}], {1: 1}, [1], ValueError, r"a count must be a positive integer"),
        ([{(1, 1): True}], {1: 1}, [1], ValueError, r"a count must be a positive integer"),
        ([{(1, 1): 1}], {1: -1}, [1], ValueError, r"totals\[1\]: a count must be a positive"),
        ([{(2, 2): 1}], {2: 1}, [1], ValueError, r"cells\[0\]\[2, 2\] = 2.0 is outside 0..1"),
        ([{(math.nan, 0): 1}], {0: 1}, [1], ValueError, r"is NaN"),
        ([{(1, math.inf): 1}], {1: 1}, [1], ValueError, r"the total inf is not a finite number"),
        ([{(1, 1): 1}], {math.nan: 1}, [1], ValueError, r"totals key nan is not a finite"),
        ([{(1, 1): 3}], {1: 2}, [1], ValueError, r"cells\[0\] counts 3 attempts, more than the 2"),
        ([{("1", 1): 1}], {1: 1}, [1], TypeError, r"must be a number"),
        ([{(1, 1): 1}], {1: 1}, [0], ValueError, r"max_marks\[0\] must be a positive"),
    ],
)
def test_invalid_counts(
    cells: list, totals: dict, max_marks: list, error: type, message: str
) -> None:
    with pytest.raises(error, match=message):
        item_analysis_of_counts(cells, totals, max_marks)
