"""Item analysis of a quiz's attempts: how each question and the whole test performed.

The figures and their definitions are Moodle's ("Quiz statistics calculations",
docs.moodle.org/dev/Quiz_statistics_calculations), computed from plain numbers: one row of
per-question marks per attempt, ``None`` where the attempt did not include the question.
Every figure is a fraction (0..1, or signed), never a percentage, and ``None`` where it is
undefined (too few attempts, no spread to measure). Variances are sample variances
(divided by n - 1), as in Moodle.

The figures are computed from *counted* observations: for each question, how many
attempts scored each (mark, attempt total) pair, and how many attempts reached each total.
A large quiz has few distinct pairs (marks and totals repeat), so a report can have the
database count them (``item_analysis_of_counts``) instead of reading every response; rows
of marks (``item_analysis``) are counted first. Sums are ``math.fsum`` over every
observation (a value counted c times is summed c times), which is exactly rounded and so
independent of order: both entry points give the same figures, bit for bit.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from numbers import Real

__all__ = [
    "ALPHA_NEEDS_TWO_ATTEMPTS",
    "ALPHA_NEEDS_TWO_QUESTIONS",
    "ALPHA_NEEDS_VARYING_TOTALS",
    "ALPHA_NOT_ALL_QUESTIONS_SEEN",
    "ItemAnalysis",
    "QuestionStats",
    "TestStats",
    "item_analysis",
    "item_analysis_of_counts",
]

# Why alpha (and so the error ratio and SEM) is missing, in words the report page can show.
ALPHA_NEEDS_TWO_ATTEMPTS = "Reliability needs at least two attempts."
ALPHA_NOT_ALL_QUESTIONS_SEEN = (
    "Reliability is not calculated because attempts drew different questions: it needs "
    "every attempt to have seen every question."
)
ALPHA_NEEDS_TWO_QUESTIONS = "Reliability needs at least two questions."
ALPHA_NEEDS_VARYING_TOTALS = "Reliability is undefined because every attempt has the same total."

# Marks stored as fractions of points (1/3, 0.1) come back with binary noise, so a mark this
# far past a bound is still in range, and values this close together count as equal.
_EPSILON = 1e-9


@dataclass(frozen=True)
class QuestionStats:
    """Item statistics of one question, over the attempts that saw it.

    - ``n``: attempts that saw the question.
    - ``facility``: mean mark / max mark (needs n >= 1).
    - ``sd``: sample standard deviation of the mark / max mark.
    - ``discrimination_index``: Pearson correlation between the question's mark and the
      rest of the test (the attempt's total minus this mark), -1..1.
    - ``discriminative_efficiency``: that covariance over the largest one the two sets of
      marks allow (both sorted and paired by rank); at most 1, and it can fall below -1.
    - ``effective_weight``: the question's share of the spread of totals, sqrt(cov(mark,
      total)) over the sum of those roots across questions; ``None`` when the covariance
      is negative. The defined weights sum to 1.
    - ``intended_weight``: max mark / sum of all max marks.

    Every figure but ``facility`` and ``intended_weight`` needs n >= 2; the two correlation
    figures are also ``None`` when the mark or the rest of the test does not vary.
    """

    n: int
    facility: float | None
    sd: float | None
    discrimination_index: float | None
    discriminative_efficiency: float | None
    effective_weight: float | None
    intended_weight: float


@dataclass(frozen=True)
class TestStats:
    """Statistics of the attempts' totals (a total is the sum of the attempt's marks).

    ``mean``, ``median``, ``sd``, ``skewness`` and ``kurtosis`` are in marks, over all
    ``n`` attempts; skewness and kurtosis come from k-statistics (Moodle's formulas) and
    need 3 and 4 attempts. ``alpha`` is Cronbach's alpha (Moodle's coefficient of internal
    consistency), ``error_ratio`` is sqrt(1 - alpha) and ``sem`` is sd * error_ratio. Those
    three need every attempt to have seen every question (``all_questions_seen``); when
    they are ``None``, ``alpha_reason`` says why in a sentence fit to show a teacher.
    """

    # A class named Test* would otherwise be collected by pytest wherever a test imports it.
    __test__ = False

    n: int
    mean: float | None
    median: float | None
    sd: float | None
    skewness: float | None
    kurtosis: float | None
    alpha: float | None
    error_ratio: float | None
    sem: float | None
    all_questions_seen: bool
    alpha_reason: str | None


@dataclass(frozen=True)
class ItemAnalysis:
    """The result of :func:`item_analysis`: one entry per question, in order, and the test."""

    questions: tuple[QuestionStats, ...]
    test: TestStats


def item_analysis(
    marks: Sequence[Sequence[float | None]], max_marks: Sequence[float]
) -> ItemAnalysis:
    """Moodle's item analysis of a quiz's attempts.

    ``marks`` holds one row per attempt, each with one mark per question (in the question's
    points, 0..max), or ``None`` where the attempt did not include that question (a quiz
    drawn at random). ``max_marks`` holds each question's maximum mark.

    Raises ``ValueError`` when a row's length differs from ``len(max_marks)``, a max mark is
    not a positive finite number, or a mark is NaN or outside 0..its max (give or take 1e-9
    of float noise); ``TypeError`` when a mark or max mark is not a number (or ``None``).
    """
    maxima = _checked_max_marks(max_marks)
    cells, totals = _count_attempts(marks, maxima)
    return _analysis(cells, totals, maxima)


def item_analysis_of_counts(
    cells: Sequence[Mapping[tuple[float, float], int]],
    totals: Mapping[float, int],
    max_marks: Sequence[float],
) -> ItemAnalysis:
    """:func:`item_analysis` of counted observations instead of rows of marks.

    ``cells[q]`` maps each (mark on question q, that attempt's total) pair to the number of
    attempts that scored it; ``totals`` maps each attempt total to the number of attempts
    with it, every attempt counted (also those that saw none of the questions). Every
    attempt saw every question when each question's count equals the number of attempts.

    Raises ``ValueError`` when ``cells`` and ``max_marks`` differ in length, a max mark is
    not a positive finite number, a mark is NaN or outside 0..its max (give or take 1e-9),
    a total is not finite, a count is not a positive integer, or a question counts more
    attempts than ``totals`` does; ``TypeError`` when a mark, total or max mark is not a
    number.
    """
    maxima = _checked_max_marks(max_marks)
    if len(cells) != len(maxima):
        raise ValueError(f"cells has {len(cells)} questions, expected {len(maxima)} (max_marks)")
    checked_totals: Counter[float] = Counter()
    for total, count in totals.items():
        value = _as_float(total, f"totals key {total!r}")
        if not math.isfinite(value):
            raise ValueError(f"totals key {total!r} is not a finite number")
        checked_totals[value] += _checked_count(count, f"totals[{total!r}]")
    attempts = sum(checked_totals.values())
    checked_cells: list[Counter[tuple[float, float]]] = []
    for q, (column, top) in enumerate(zip(cells, maxima, strict=True)):
        counted: Counter[tuple[float, float]] = Counter()
        for (mark, total), count in column.items():
            where = f"cells[{q}][{mark!r}, {total!r}]"
            value = _checked_mark(mark, top, where)
            total_value = _as_float(total, where)
            if not math.isfinite(total_value):
                raise ValueError(f"{where}: the total {total!r} is not a finite number")
            counted[value, total_value] += _checked_count(count, where)
        if sum(counted.values()) > attempts:
            raise ValueError(
                f"cells[{q}] counts {sum(counted.values())} attempts, more than the "
                f"{attempts} in totals"
            )
        checked_cells.append(counted)
    return _analysis(checked_cells, checked_totals, maxima)


def _analysis(
    cells: list[Counter[tuple[float, float]]], totals: Counter[float], maxima: list[float]
) -> ItemAnalysis:
    """The analysis of checked, counted observations (see ``item_analysis_of_counts``)."""
    sum_of_maxima = math.fsum(maxima)
    partials = [_question_figures(column, top) for column, top in zip(cells, maxima, strict=True)]
    # Questions whose marks move against the total get no effective weight, as in Moodle;
    # the rest share 1 in proportion to the root of their covariance with the total.
    roots = [
        math.sqrt(p.cov_total) for p in partials if p.cov_total is not None and p.cov_total >= 0
    ]
    sum_of_roots = math.fsum(roots)
    questions = tuple(
        QuestionStats(
            n=p.n,
            facility=p.facility,
            sd=p.sd,
            discrimination_index=p.discrimination_index,
            discriminative_efficiency=p.discriminative_efficiency,
            effective_weight=(
                math.sqrt(p.cov_total) / sum_of_roots
                if p.cov_total is not None and p.cov_total >= 0 and sum_of_roots > 0
                else None
            ),
            intended_weight=top / sum_of_maxima,
        )
        for p, top in zip(partials, maxima, strict=True)
    )
    attempts = sum(totals.values())
    all_seen = all(p.n == attempts for p in partials)
    variances = [p.variance for p in partials]
    return ItemAnalysis(questions=questions, test=_test_stats(totals, variances, all_seen))


@dataclass(frozen=True)
class _QuestionFigures:
    """What one pass over a question's column yields, before effective weights are known."""

    n: int
    facility: float | None
    sd: float | None
    discrimination_index: float | None
    discriminative_efficiency: float | None
    variance: float | None
    cov_total: float | None


def _checked_max_marks(max_marks: Sequence[float]) -> list[float]:
    """The max marks as floats, each checked to be a positive finite number."""
    maxima = []
    for q, top in enumerate(max_marks):
        value = _as_float(top, f"max_marks[{q}]")
        if not (0 < value < math.inf):  # also false for NaN
            raise ValueError(f"max_marks[{q}] must be a positive finite number, got {top!r}")
        maxima.append(value)
    return maxima


def _as_float(value: object, where: str) -> float:
    """``value`` as a float; ints, floats and Decimals (SQL NUMERIC columns) are accepted."""
    if type(value) is float:  # the common case, kept cheap for large quizzes
        return value
    # bool is an int, but True as a mark is a caller's bug, not one point.
    if isinstance(value, bool) or not isinstance(value, Real | Decimal):
        raise TypeError(f"{where} must be a number, got {value!r}")
    return float(value)


def _checked_mark(mark: object, top: float, where: str) -> float:
    """``mark`` as a float in 0..top; noise within 1e-9 past a bound is pulled onto it."""
    value = _as_float(mark, where)
    if not (-_EPSILON <= value <= top + _EPSILON):  # also false for NaN
        if math.isnan(value):
            raise ValueError(f"{where} is NaN")
        raise ValueError(f"{where} = {value!r} is outside 0..{top:g}")
    # Pull noise onto the bound so a facility never reads 1.0000000001.
    return min(max(value, 0.0), top)


def _checked_count(count: object, where: str) -> int:
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise ValueError(f"{where}: a count must be a positive integer, got {count!r}")
    return count


def _count_attempts(
    marks: Sequence[Sequence[float | None]], maxima: list[float]
) -> tuple[list[Counter[tuple[float, float]]], Counter[float]]:
    """Validate the rows and count them as ``item_analysis_of_counts`` takes them."""
    count = len(maxima)
    cells: list[Counter[tuple[float, float]]] = [Counter() for _ in maxima]
    totals: Counter[float] = Counter()
    for i, attempt in enumerate(marks):
        if len(attempt) != count:
            raise ValueError(
                f"marks[{i}] has {len(attempt)} marks, expected {count} (one per question)"
            )
        seen = [
            (q, _checked_mark(mark, top, f"marks[{i}][{q}]"))
            for q, (mark, top) in enumerate(zip(attempt, maxima, strict=True))
            if mark is not None
        ]
        total = math.fsum(value for _, value in seen)
        totals[total] += 1
        for q, value in seen:
            cells[q][value, total] += 1
    return cells, totals


def _each(counted: Iterable[tuple[float, int]]) -> list[float]:
    """Every observation of (value, count) pairs: each value repeated count times.

    Summing these with ``math.fsum`` gives exactly the sum of the individual observations
    (the repetition runs in C, so a million observations cost milliseconds).
    """
    values: list[float] = []
    for value, count in counted:
        values += [value] * count
    return values


def _deviations(counts: Mapping[float, int]) -> tuple[float, dict[float, float]]:
    """The mean of the counted values and each distinct value's deviation from it."""
    mean = math.fsum(_each(counts.items())) / sum(counts.values())
    if max(counts) - min(counts) <= _EPSILON:
        # Equal up to float noise (say, rests of the test summed from 1/3s in another
        # order): exact zeros stop a constant column showing a spurious spread, a
        # correlation out of noise, or a tiny negative covariance that would void its weight.
        return mean, dict.fromkeys(counts, 0.0)
    return mean, {value: value - mean for value in counts}


def _ranked_products(
    dx: Mapping[float, float],
    x_counts: Mapping[float, int],
    dr: Mapping[float, float],
    r_counts: Mapping[float, int],
) -> float:
    """Σ sorted(dx)·sorted(dr) over every observation: both columns paired by rank.

    Both sorted columns are runs of equal values, so they are merged run by run.
    """
    xs = sorted((dx[value], count) for value, count in x_counts.items())
    rs = sorted((dr[value], count) for value, count in r_counts.items())
    products: list[tuple[float, int]] = []
    i = j = 0
    left_x, left_r = xs[0][1], rs[0][1]
    while i < len(xs) and j < len(rs):
        run = min(left_x, left_r)
        products.append((xs[i][0] * rs[j][0], run))
        left_x -= run
        left_r -= run
        if not left_x:
            i += 1
            left_x = xs[i][1] if i < len(xs) else 0
        if not left_r:
            j += 1
            left_r = rs[j][1] if j < len(rs) else 0
    return math.fsum(_each(products))


def _question_figures(cells: Counter[tuple[float, float]], top: float) -> _QuestionFigures:
    """Item figures of one question from its counted (mark, attempt total) pairs."""
    n = sum(cells.values())
    if n < 2:
        facility = next(iter(cells))[0] / top if n else None
        return _QuestionFigures(n, facility, None, None, None, None, None)

    x_counts: Counter[float] = Counter()
    r_counts: Counter[float] = Counter()
    for (x, total), count in cells.items():
        x_counts[x] += count
        r_counts[total - x] += count
    mean, dx = _deviations(x_counts)
    _, dr = _deviations(r_counts)
    sxx = math.fsum(_each((dx[x] * dx[x], count) for x, count in x_counts.items()))
    srr = math.fsum(_each((dr[r] * dr[r], count) for r, count in r_counts.items()))
    sxr = math.fsum(_each((dx[x] * dr[total - x], count) for (x, total), count in cells.items()))

    discrimination = None
    if sxx > 0 and srr > 0:
        # Clamped because rounding can push a perfect correlation a hair past ±1.
        discrimination = max(-1.0, min(1.0, sxr / math.sqrt(sxx * srr)))

    # Deviations sort in the same order as the marks, and pairing both columns by rank gives
    # the largest covariance these two sets of values allow (rearrangement inequality).
    sxr_max = _ranked_products(dx, x_counts, dr, r_counts)
    efficiency = min(1.0, sxr / sxr_max) if sxr_max > 0 else None

    return _QuestionFigures(
        n=n,
        facility=mean / top,
        sd=math.sqrt(sxx / (n - 1)) / top,
        discrimination_index=discrimination,
        discriminative_efficiency=efficiency,
        variance=sxx / (n - 1),
        # total = mark + rest, so cov(mark, total) = var(mark) + cov(mark, rest).
        cov_total=(sxx + sxr) / (n - 1),
    )


def _test_stats(totals: Counter[float], variances: list[float | None], all_seen: bool) -> TestStats:
    """Whole-test figures from the counted attempt totals and each question's mark variance."""
    n = sum(totals.values())
    mean = median = sd = skewness = kurtosis = None
    variance = None
    if n:
        mean, deviations = _deviations(totals)
        median = statistics.median(sorted(_each(totals.items())))
    if n >= 2:
        # Each distinct total's d², d³ (as d²·d) and d⁴ (as d²·d²), counted as often as it occurs.
        squares = {total: d * d for total, d in deviations.items()}
        s2 = math.fsum(_each((squares[t], count) for t, count in totals.items()))
        variance = s2 / (n - 1)
        sd = math.sqrt(variance)
        # k-statistics, as Moodle computes them: m2..m4 are central moments over n.
        k2 = variance
        if n >= 3 and k2 > 0:
            cubes = ((squares[t] * deviations[t], count) for t, count in totals.items())
            m3 = math.fsum(_each(cubes)) / n
            k3 = n * n * m3 / ((n - 1) * (n - 2))
            skewness = k3 / k2**1.5
        if n >= 4 and k2 > 0:
            m2 = s2 / n
            fourths = ((squares[t] * squares[t], count) for t, count in totals.items())
            m4 = math.fsum(_each(fourths)) / n
            k4 = n * n * ((n + 1) * m4 - 3 * (n - 1) * m2 * m2) / ((n - 1) * (n - 2) * (n - 3))
            kurtosis = k4 / (k2 * k2)

    alpha = error_ratio = sem = None
    count = len(variances)
    if n < 2:
        reason = ALPHA_NEEDS_TWO_ATTEMPTS
    elif not all_seen:
        reason = ALPHA_NOT_ALL_QUESTIONS_SEEN
    elif count < 2:
        reason = ALPHA_NEEDS_TWO_QUESTIONS
    elif not variance:
        reason = ALPHA_NEEDS_VARYING_TOTALS
    else:
        reason = None
        # Every question was seen by all n >= 2 attempts, so every variance is defined.
        sum_of_variances = math.fsum(v for v in variances if v is not None)
        # alpha <= 1 in exact arithmetic (var of a sum <= P·Σ var); clamp rounding past it
        # so the square root below stays real.
        alpha = min(1.0, count / (count - 1) * (1 - sum_of_variances / variance))
        error_ratio = math.sqrt(1 - alpha)
        sem = None if sd is None else sd * error_ratio

    return TestStats(
        n=n,
        mean=mean,
        median=median,
        sd=sd,
        skewness=skewness,
        kurtosis=kurtosis,
        alpha=alpha,
        error_ratio=error_ratio,
        sem=sem,
        all_questions_seen=all_seen,
        alpha_reason=reason,
    )
