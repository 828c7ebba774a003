"""Moodle's partial credit in single- and multiple-choice questions: the bank's
``fraction`` per choice, its validation, grading, the canonical mapping and the key."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizapp.domain.grades import MOODLE_GRADES
from quizapp.domain.question_types import Choice, MultipleChoice, SingleChoice
from quizapp.domain.questions import QuestionInvalid, question_from_mapping


def single(*choices: dict[str, object]) -> SingleChoice:
    question = question_from_mapping(
        {"id": "s", "type": "single", "prompt": "Pick one.", "choices": list(choices)}
    )
    assert isinstance(question, SingleChoice)
    return question


def multiple(*choices: dict[str, object]) -> MultipleChoice:
    question = question_from_mapping(
        {"id": "m", "type": "multiple", "prompt": "Pick all.", "choices": list(choices)}
    )
    assert isinstance(question, MultipleChoice)
    return question


def right(text: str) -> dict[str, object]:
    return {"text": text, "correct": True}


def wrong(text: str) -> dict[str, object]:
    return {"text": text, "correct": False}


def worth(text: str, fraction: object) -> dict[str, object]:
    return {"text": text, "fraction": fraction}


# ----------------------------------------------------------------------------- grading

SINGLE_PARTIAL = single(right("a"), worth("b", 0.5), worth("c", -0.25), wrong("d"))
SINGLE_TWO_RIGHT = single(right("a"), right("b"), wrong("c"))
SINGLE_THIRD = single(worth("a", 1 / 3), worth("b", 1), worth("c", -1))

SINGLE_GRADES = [
    (SINGLE_PARTIAL, 0, 1.0, "full marks"),
    (SINGLE_PARTIAL, 1, 0.5, "half marks"),
    (SINGLE_PARTIAL, 2, 0.0, "a negative fraction counts 0 for the question"),
    (SINGLE_PARTIAL, 3, 0.0, "wrong"),
    (SINGLE_PARTIAL, "1", 0.5, "digits as a form sends them"),
    (SINGLE_PARTIAL, 4, 0.0, "out of range"),
    (SINGLE_PARTIAL, None, 0.0, "unanswered"),
    (SINGLE_PARTIAL, True, 0.0, "a boolean is not an index"),
    (SINGLE_TWO_RIGHT, 0, 1.0, "first of two right choices"),
    (SINGLE_TWO_RIGHT, 1, 1.0, "second of two right choices"),
    (SINGLE_TWO_RIGHT, 2, 0.0, "the wrong one"),
    (SINGLE_THIRD, 0, 1 / 3, "a third, exact"),
    (SINGLE_THIRD, 1, 1.0, "fraction 1 is full marks"),
    (SINGLE_THIRD, 2, 0.0, "-100% counts 0"),
]


@pytest.mark.parametrize(
    ("question", "response", "expected"),
    [pytest.param(q, r, e, id=label) for q, r, e, label in SINGLE_GRADES],
)
def test_single_choice_grades_the_chosen_fraction(
    question: SingleChoice, response: object, expected: float
) -> None:
    assert question.grade(response) == pytest.approx(expected)


MULTIPLE_WEIGHTED = multiple(
    worth("a", 0.5), worth("b", 0.3), worth("c", 0.2), worth("d", -1), worth("e", 0)
)
MULTIPLE_THIRDS = multiple(
    worth("a", 1 / 3), worth("b", 1 / 3), worth("c", 1 / 3), worth("d", -0.5)
)
# Today's form: right/wrong, graded by the formula (unchanged).
MULTIPLE_OLD = multiple(right("a"), right("b"), wrong("c"), wrong("d"))
MULTIPLE_ALL_RIGHT = multiple(right("a"), right("b"), right("c"))

MULTIPLE_GRADES = [
    (MULTIPLE_WEIGHTED, [0, 1, 2], 1.0, "every positive choice"),
    (MULTIPLE_WEIGHTED, [0], 0.5, "one weighted choice"),
    (MULTIPLE_WEIGHTED, [1, 2], 0.5, "two smaller ones"),
    (MULTIPLE_WEIGHTED, [0, 1, 2, 4], 1.0, "a zero choice costs nothing"),
    (MULTIPLE_WEIGHTED, [0, 1, 2, 3], 0.0, "a -100% choice takes everything"),
    (MULTIPLE_WEIGHTED, [0, 3], 0.0, "clamped at 0, not -0.5"),
    (MULTIPLE_WEIGHTED, [3], 0.0, "only the penalty"),
    (MULTIPLE_WEIGHTED, [0, 0, 0], 0.5, "duplicates count once"),
    (MULTIPLE_WEIGHTED, [], 0.0, "nothing chosen"),
    (MULTIPLE_WEIGHTED, [0, 9], 0.0, "an index out of range spoils the response"),
    (MULTIPLE_WEIGHTED, "0", 0.0, "not a list"),
    (MULTIPLE_THIRDS, [0, 1, 2], 1.0, "three thirds add up to exactly 1"),
    (MULTIPLE_THIRDS, [0, 1, 2, 3], 0.5, "1 - 0.5"),
    (MULTIPLE_THIRDS, [0, 3], 0.0, "a third - a half is clamped"),
    (MULTIPLE_OLD, [0, 1], 1.0, "old form: both right"),
    (MULTIPLE_OLD, [0], 0.5, "old form: one of two right"),
    (MULTIPLE_OLD, [0, 1, 2], 0.5, "old form: one wrong of two costs half"),
    (MULTIPLE_OLD, [0, 2], 0.0, "old form: half - half"),
    (MULTIPLE_OLD, [0, 1, 2, 3], 0.0, "old form: everything ticked"),
    (MULTIPLE_ALL_RIGHT, [0, 1, 2], 1.0, "every choice right: all of them"),
    (MULTIPLE_ALL_RIGHT, [1], 1 / 3, "every choice right: a third each, no penalty"),
]


@pytest.mark.parametrize(
    ("question", "response", "expected"),
    [pytest.param(q, r, e, id=label) for q, r, e, label in MULTIPLE_GRADES],
)
def test_multiple_choice_grades_as_moodle_or_as_before(
    question: MultipleChoice, response: object, expected: float
) -> None:
    assert question.grade(response) == pytest.approx(expected)


# ------------------------------------------------------------------ canonical mapping


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        (worth("a", 1), right("a")),
        (worth("a", 0), wrong("a")),
        (worth("a", 0.5), worth("a", 0.5)),
        (worth("a", 0.3333), worth("a", 0.3333333)),
        (worth("a", -0.25), worth("a", -0.25)),
        ({**worth("a", 0.5), "feedback": "Half."}, {**worth("a", 0.5), "feedback": "Half."}),
    ],
)
def test_a_single_choice_is_written_with_correct_unless_it_is_worth_a_share(
    written: dict[str, object], canonical: dict[str, object]
) -> None:
    question = single(written, right("z"))
    assert question.to_mapping()["choices"] == [canonical, right("z")]
    assert question_from_mapping(question.to_mapping()) == question


def test_a_fractional_multiple_question_writes_every_fraction_even_1_and_0() -> None:
    question = multiple(worth("a", 1), worth("b", 0), worth("c", -0.5))
    assert question.to_mapping()["choices"] == [worth("a", 1), worth("b", 0), worth("c", -0.5)]
    assert question_from_mapping(question.to_mapping()) == question


def test_a_question_without_fractions_keeps_todays_mapping() -> None:
    mapping = {
        "id": "m",
        "type": "multiple",
        "prompt": "Pick all.",
        "choices": [right("a"), {**wrong("b"), "feedback": "No."}, wrong("c")],
    }
    assert question_from_mapping(mapping).to_mapping() == mapping


def test_a_choice_is_correct_exactly_when_its_fraction_is_positive() -> None:
    with pytest.raises(ValueError, match="correct must say whether fraction > 0"):
        Choice(text="a", correct=False, fraction=0.5)
    assert [c.correct for c in MULTIPLE_WEIGHTED.choices] == [True, True, True, False, False]


# ---------------------------------------------------------------------------- the key


@pytest.mark.parametrize(
    ("question", "key"),
    [
        (SINGLE_PARTIAL, "a; b (50%)"),
        (SINGLE_TWO_RIGHT, "a; b"),
        (SINGLE_THIRD, "a (33.33333%); b"),
        (MULTIPLE_WEIGHTED, "a (50%); b (30%); c (20%)"),
        (MULTIPLE_OLD, "a; b"),
        (MULTIPLE_ALL_RIGHT, "a; b; c"),
    ],
)
def test_the_key_shows_partial_choices_with_their_share(
    question: SingleChoice | MultipleChoice, key: str
) -> None:
    assert question.describe_key() == key


# ------------------------------------------------------------------------- validation

INVALID = [
    (
        "single none worth full marks",
        "single",
        [worth("a", 0.5), wrong("b")],
        ("choices",),
        "at least one choice must be correct (worth full marks); the best is worth 50%",
    ),
    (
        "single nothing positive",
        "single",
        [wrong("a"), worth("b", -0.5)],
        ("choices",),
        "at least one choice must be correct (worth full marks); none is",
    ),
    (
        "both correct and fraction",
        "single",
        [{"text": "a", "correct": True, "fraction": 1}, wrong("b")],
        ("choices", 0, "fraction"),
        "choices[0] gives both correct and fraction; give one",
    ),
    (
        "fraction not a Moodle grade",
        "single",
        [right("a"), worth("b", 0.45)],
        ("choices", 1, "fraction"),
        "choices[1].fraction 0.45 is not one of Moodle's grades",
    ),
    (
        "fraction above 1",
        "multiple",
        [worth("a", 1.5), worth("b", 0)],
        ("choices", 0, "fraction"),
        "choices[0].fraction 1.5 is not one of Moodle's grades",
    ),
    (
        "fraction as text",
        "single",
        [right("a"), worth("b", "50%")],
        ("choices", 1, "fraction"),
        "choices[1].fraction must be a number such as 0.5",
    ),
    (
        "multiple positives short of 1",
        "multiple",
        [worth("a", 0.5), worth("b", 0.3), worth("c", -1)],
        ("choices",),
        "the positive fractions add up to 0.8 (80%); they must add up to 1",
    ),
    (
        "multiple positives over 1",
        "multiple",
        [worth("a", 0.5), worth("b", 0.75)],
        ("choices",),
        "the positive fractions add up to 1.25 (125%); they must add up to 1",
    ),
    (
        "multiple mixes fractions and correct",
        "multiple",
        [worth("a", 1), wrong("b")],
        ("choices", 1, "correct"),
        "choices[1] has no fraction: when one choice gives a fraction, every choice must",
    ),
    (
        "multiple old form with nothing right",
        "multiple",
        [wrong("a"), wrong("b")],
        ("choices",),
        "at least one choice must be correct; none is",
    ),
]


@pytest.mark.parametrize(
    ("qtype", "choices", "path", "message"),
    [pytest.param(t, c, p, m, id=label) for label, t, c, p, m in INVALID],
)
def test_invalid_fractions_are_reported_where_they_are(
    qtype: str, choices: list[dict[str, object]], path: tuple[object, ...], message: str
) -> None:
    with pytest.raises(QuestionInvalid) as caught:
        question_from_mapping({"id": "q", "type": qtype, "prompt": "P", "choices": choices})
    found = [(p.path, p.message) for p in caught.value.problems]
    assert any(p == path and message in m for p, m in found), found


def test_positive_fractions_within_a_thousandth_of_1_are_accepted() -> None:
    question = multiple(worth("a", 0.3333), worth("b", 0.3333), worth("c", 0.3333))
    assert question.grade([0, 1, 2]) == pytest.approx(1.0)


# ------------------------------------------------------------------------- properties

# Grades that are multiples of 5%: any remainder of 100% can be filled with them.
_TWENTIETHS = sorted({round(g * 20) for g in MOODLE_GRADES if abs(g * 20 - round(g * 20)) < 1e-9})
_EQUAL_SHARES = [n for n in range(1, 21) if any(abs(1 / n - g) < 1e-9 for g in MOODLE_GRADES)]


@st.composite
def positive_fractions(draw: st.DrawFn) -> list[float]:
    """Moodle grades adding up to 1: multiples of 5%, or n equal shares (thirds, ...)."""
    if draw(st.booleans()):
        count = draw(st.sampled_from([n for n in _EQUAL_SHARES if n <= 8]))
        return [1 / count] * count
    remaining, parts = 20, []
    while remaining:
        part = draw(st.sampled_from([p for p in _TWENTIETHS if p <= remaining]))
        parts.append(part / 20)
        remaining -= part
    return parts


@st.composite
def fractional_multiple(draw: st.DrawFn) -> MultipleChoice:
    positive = draw(positive_fractions())
    others = draw(st.lists(st.sampled_from([0.0, *(-g for g in MOODLE_GRADES)]), max_size=4))
    fractions = draw(st.permutations([*positive, *others]))
    if len(fractions) < 2:
        fractions = [*fractions, 0.0]
    return multiple(*(worth(f"choice {i}", f) for i, f in enumerate(fractions)))


@settings(max_examples=150, deadline=None)
@given(fractional_multiple())
def test_choosing_exactly_the_positive_choices_grades_1(question: MultipleChoice) -> None:
    positive = [i for i, choice in enumerate(question.choices) if choice.credit > 0]
    assert question.grade(positive) == pytest.approx(1.0)


@settings(max_examples=150, deadline=None)
@given(fractional_multiple(), st.data())
def test_every_response_grades_within_0_and_1(
    question: MultipleChoice, data: st.DataObject
) -> None:
    indices = range(len(question.choices))
    picked = data.draw(st.lists(st.sampled_from(indices), max_size=len(question.choices)))
    assert 0.0 <= question.grade(picked) <= 1.0


@settings(max_examples=100, deadline=None)
@given(fractional_multiple(), st.data())
def test_a_fractional_question_survives_its_bank_mapping(
    question: MultipleChoice, data: st.DataObject
) -> None:
    back = question_from_mapping(question.to_mapping())
    assert back == question
    indices = range(len(question.choices))
    for _ in range(10):
        picked = data.draw(st.lists(st.sampled_from(indices), max_size=len(question.choices)))
        assert back.grade(picked) == question.grade(picked)
