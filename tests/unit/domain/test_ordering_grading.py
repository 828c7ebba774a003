"""Ordering questions graded by each of qtype_ordering's grading types (issue 11).

Every expected grade below was worked by hand for six items A..F (correct order 0..5)
from qtype_ordering's ``grade_response``; the comments show the count.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizapp.domain.question_types import Ordering
from quizapp.domain.question_types.ordering import DEFAULT_GRADING, GRADINGS
from quizapp.domain.questions import QuestionInvalid, question_from_mapping

SIX = ("A", "B", "C", "D", "E", "F")

IDENTITY = [0, 1, 2, 3, 4, 5]
REVERSED = [5, 4, 3, 2, 1, 0]
FIRST_TWO_SWAPPED = [1, 0, 2, 3, 4, 5]
LAST_MOVED_FIRST = [5, 0, 1, 2, 3, 4]
MIDDLE_PAIR_SWAPPED = [0, 1, 2, 4, 3, 5]
HALVES_SWAPPED = [3, 4, 5, 0, 1, 2]
INTERLEAVED = [0, 2, 4, 1, 3, 5]

# (order, grading, grade, how it counts)
GRADES = [
    # Absolute position: items in their own place / 6.
    (IDENTITY, "absolute_position", 1, "6/6"),
    (REVERSED, "absolute_position", 0, "0/6: with six items none stays"),
    (FIRST_TWO_SWAPPED, "absolute_position", 4 / 6, "C..F"),
    (LAST_MOVED_FIRST, "absolute_position", 0, "every item shifted"),
    (MIDDLE_PAIR_SWAPPED, "absolute_position", 4 / 6, "A, B, C, F"),
    (HALVES_SWAPPED, "absolute_position", 0, "none"),
    (INTERLEAVED, "absolute_position", 2 / 6, "A and F"),
    # All or nothing.
    (IDENTITY, "all_or_nothing", 1, "all right"),
    (FIRST_TWO_SWAPPED, "all_or_nothing", 0, "one swap is enough to lose all"),
    (MIDDLE_PAIR_SWAPPED, "all_or_nothing", 0, ""),
    # Next item, last excluded: A-B, B-C, C-D, D-E, E-F kept / 5.
    (IDENTITY, "relative_next_exclude_last", 1, "5/5"),
    (REVERSED, "relative_next_exclude_last", 0, "0/5"),
    (FIRST_TWO_SWAPPED, "relative_next_exclude_last", 3 / 5, "C-D, D-E, E-F"),
    (LAST_MOVED_FIRST, "relative_next_exclude_last", 4 / 5, "all but E-F"),
    (MIDDLE_PAIR_SWAPPED, "relative_next_exclude_last", 2 / 5, "A-B, B-C"),
    (HALVES_SWAPPED, "relative_next_exclude_last", 4 / 5, "all but C-D"),
    (INTERLEAVED, "relative_next_exclude_last", 0, "no item followed by its next"),
    # Next item, last included: the five pairs plus "F is last" / 6.
    (IDENTITY, "relative_next_include_last", 1, "6/6"),
    (REVERSED, "relative_next_include_last", 0, "A is last"),
    (FIRST_TWO_SWAPPED, "relative_next_include_last", 4 / 6, "3 pairs + F last"),
    (LAST_MOVED_FIRST, "relative_next_include_last", 4 / 6, "4 pairs, E last"),
    (MIDDLE_PAIR_SWAPPED, "relative_next_include_last", 3 / 6, "2 pairs + F last"),
    (HALVES_SWAPPED, "relative_next_include_last", 4 / 6, "4 pairs, C last"),
    (INTERLEAVED, "relative_next_include_last", 1 / 6, "only F last"),
    # One previous and next: each item's neighbour before and after ("none" at an end) / 12.
    (IDENTITY, "relative_one_previous_and_next", 1, "12/12"),
    (REVERSED, "relative_one_previous_and_next", 0, "every neighbour on the wrong side"),
    (FIRST_TWO_SWAPPED, "relative_one_previous_and_next", 7 / 12, "A 0, B 0, C 1, D..F 2"),
    (LAST_MOVED_FIRST, "relative_one_previous_and_next", 8 / 12, "F 0, A 1, B..D 2, E 1"),
    (MIDDLE_PAIR_SWAPPED, "relative_one_previous_and_next", 6 / 12, "A 2, B 2, C 1, F 1"),
    (HALVES_SWAPPED, "relative_one_previous_and_next", 8 / 12, "D 1, E 2, F 1, A 1, B 2, C 1"),
    (INTERLEAVED, "relative_one_previous_and_next", 2 / 12, "A starts, F ends"),
    # All previous and next: the 15 pairs of items in the right relative order / 15.
    (IDENTITY, "relative_all_previous_and_next", 1, "15/15"),
    (REVERSED, "relative_all_previous_and_next", 0, "every pair inverted"),
    (FIRST_TWO_SWAPPED, "relative_all_previous_and_next", 14 / 15, "A-B inverted"),
    (LAST_MOVED_FIRST, "relative_all_previous_and_next", 10 / 15, "the 5 pairs with F"),
    (MIDDLE_PAIR_SWAPPED, "relative_all_previous_and_next", 14 / 15, "D-E inverted"),
    (HALVES_SWAPPED, "relative_all_previous_and_next", 6 / 15, "9 pairs across inverted"),
    (INTERLEAVED, "relative_all_previous_and_next", 12 / 15, "B-C, B-E, D-E inverted"),
    # Longest ordered subset (gaps allowed) / 6; a single item scores 0.
    (IDENTITY, "longest_ordered_subset", 1, "6"),
    (REVERSED, "longest_ordered_subset", 0, "1 item only: 0"),
    (FIRST_TWO_SWAPPED, "longest_ordered_subset", 5 / 6, "B C D E F"),
    (LAST_MOVED_FIRST, "longest_ordered_subset", 5 / 6, "A..E"),
    (MIDDLE_PAIR_SWAPPED, "longest_ordered_subset", 5 / 6, "A B C E F"),
    (HALVES_SWAPPED, "longest_ordered_subset", 3 / 6, "D E F"),
    (INTERLEAVED, "longest_ordered_subset", 4 / 6, "A C E F"),
    # Longest contiguous subset: consecutive items of the key in order / 6.
    (IDENTITY, "longest_contiguous_subset", 1, "6"),
    (REVERSED, "longest_contiguous_subset", 0, "1 item only: 0"),
    (FIRST_TWO_SWAPPED, "longest_contiguous_subset", 5 / 6, "B..F"),
    (LAST_MOVED_FIRST, "longest_contiguous_subset", 5 / 6, "A..E"),
    (MIDDLE_PAIR_SWAPPED, "longest_contiguous_subset", 4 / 6, "A..D (D after C, not next)"),
    (HALVES_SWAPPED, "longest_contiguous_subset", 3 / 6, "A..C or D..F"),
    (INTERLEAVED, "longest_contiguous_subset", 2 / 6, "A B, C D or E F"),
    # Relative to correct: each item 5 - distance (never below 0) / 30.
    (IDENTITY, "relative_to_correct", 1, "30/30"),
    (REVERSED, "relative_to_correct", 12 / 30, "distances 5 3 1 1 3 5: 0+2+4+4+2+0"),
    (FIRST_TWO_SWAPPED, "relative_to_correct", 28 / 30, "A, B one off"),
    (LAST_MOVED_FIRST, "relative_to_correct", 20 / 30, "A..E one off, F five off"),
    (HALVES_SWAPPED, "relative_to_correct", 12 / 30, "each three off: 2 x 6"),
    (INTERLEAVED, "relative_to_correct", 24 / 30, "5+3+4+4+3+5"),
]


def six(grading: str) -> Ordering:
    return Ordering(id="six", prompt="Order them.", items=SIX, grading=grading)


@pytest.mark.parametrize(
    ("order", "grading", "grade"),
    [pytest.param(o, g, v, id=f"{g}-{o}-{why}") for o, g, v, why in GRADES],
)
def test_each_grading_type_scores_as_qtype_ordering(
    order: list[int], grading: str, grade: float
) -> None:
    assert six(grading).grade(order) == pytest.approx(grade, abs=1e-9)


def test_the_table_covers_every_grading_type() -> None:
    assert {grading for _, grading, _, _ in GRADES} == set(GRADINGS)


def test_the_default_is_kept_adjacent_pairs() -> None:
    question = Ordering(id="six", prompt="Order them.", items=SIX)
    assert question.grading == DEFAULT_GRADING == "relative_next_exclude_last"
    assert question.grade(FIRST_TWO_SWAPPED) == pytest.approx(0.6)


@pytest.mark.parametrize("grading", list(GRADINGS))
@pytest.mark.parametrize(
    "response",
    [[0, 1, 2, 3, 4], [0, 0, 1, 2, 3, 4], [0, 1, 2, 3, 4, 6], "012345", None, [0, 1, 2, 3, 4, 5.5]],
)
def test_anything_but_a_full_order_grades_zero(grading: str, response: object) -> None:
    assert six(grading).grade(response) == 0


# ------------------------------------------------------------------------ properties

ORDERS = st.integers(min_value=3, max_value=9).flatmap(
    lambda count: st.permutations(list(range(count)))
)


def ordering(count: int, grading: str) -> Ordering:
    items = tuple(f"item {i}" for i in range(count))
    return Ordering(id="o", prompt="Order them.", items=items, grading=grading)


@settings(max_examples=200, deadline=None)
@given(ORDERS, st.sampled_from(list(GRADINGS)))
def test_every_grade_is_a_fraction_and_the_key_grades_one(order: list[int], grading: str) -> None:
    question = ordering(len(order), grading)
    assert 0 <= question.grade(order) <= 1
    assert question.grade(sorted(order)) == 1


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=3, max_value=12))
def test_the_reverse_order(count: int) -> None:
    """Reversed, nothing is kept, except the middle item of an odd count for absolute
    position and the near-middle items for closeness."""
    backwards = list(range(count))[::-1]
    for grading in GRADINGS:
        grade = ordering(count, grading).grade(backwards)
        if grading == "absolute_position":
            assert grade == pytest.approx(count % 2 / count)
        elif grading == "relative_to_correct":
            assert 0 < grade < 1
        else:
            assert grade == 0, grading


@settings(max_examples=200, deadline=None)
@given(ORDERS)
def test_the_grading_types_relate_as_their_definitions_say(order: list[int]) -> None:
    count = len(order)
    grade = {grading: ordering(count, grading).grade(order) for grading in GRADINGS}
    right = order == sorted(order)
    assert grade["all_or_nothing"] == (1 if right else 0)
    # Places are whole items, and one misplaced item needs a second.
    assert round(grade["absolute_position"] * count) != count - 1
    # Gaps allowed: the ordered run is never shorter than the unbroken one.
    assert grade["longest_ordered_subset"] >= grade["longest_contiguous_subset"]
    # A pair is in the right order in the order or in its reverse, never both.
    reverse = ordering(count, "relative_all_previous_and_next").grade(order[::-1])
    assert grade["relative_all_previous_and_next"] + reverse == pytest.approx(1)
    # Including the last item adds one check to the n - 1 pairs.
    kept = grade["relative_next_exclude_last"] * (count - 1)
    last = 1 if order[-1] == count - 1 else 0
    assert grade["relative_next_include_last"] == pytest.approx((kept + last) / count)
    # Only the key earns full marks, under every type.
    assert (max(grade.values()) == 1) == right


# ------------------------------------------------------------------------ the bank field


BASE = {"id": "o", "type": "ordering", "prompt": "Order them.", "items": list(SIX)}


@pytest.mark.parametrize("grading", list(GRADINGS))
def test_the_bank_field_round_trips_and_the_default_is_left_out(grading: str) -> None:
    question = question_from_mapping({**BASE, "grading": grading})
    assert isinstance(question, Ordering)
    assert question.grading == grading
    mapping = question.to_mapping()
    assert ("grading" in mapping) == (grading != DEFAULT_GRADING)
    assert question_from_mapping(mapping) == question


def test_a_file_without_grading_reads_as_before() -> None:
    question = question_from_mapping(BASE)
    assert question.to_mapping() == BASE


@pytest.mark.parametrize(
    "value", ["ABSOLUTE_POSITION", "absolute", "", 3, True, ["absolute_position"]]
)
def test_an_unknown_grading_is_refused_listing_the_allowed_ones(value: object) -> None:
    with pytest.raises(QuestionInvalid) as refused:
        question_from_mapping({**BASE, "grading": value})
    (problem,) = refused.value.problems
    assert problem.path == ("grading",)
    assert f"grading {value!r} is not a grading type" in problem.message
    for name in GRADINGS:
        assert name in problem.message
