"""GIFT choice blocks with Moodle's partial credit: weights in single-answer blocks,
several '=' answers, unequal multiple-answer weights; import, export and round trips."""

from __future__ import annotations

import itertools
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizapp.domain.interchange import InterchangeError
from quizapp.domain.interchange.gift import dump_gift, parse_gift
from quizapp.domain.question_types import MultipleChoice, SingleChoice
from quizapp.domain.questions import Question, question_from_mapping


def parse_one(text: str) -> dict[str, object]:
    (question,) = parse_gift(text, "test.gift")
    return question.to_mapping()


def problems_of(text: str) -> list[tuple[int | None, int | None, str]]:
    with pytest.raises(InterchangeError) as caught:
        parse_gift(text, "test.gift")
    return [(p.line, p.column, p.message) for p in caught.value.problems]


def moodle_grade(weights: list[float], picked: tuple[int, ...]) -> float:
    """How Moodle grades a multiple-answer response: the weights added up, clamped."""
    return min(1.0, max(0.0, sum(weights[i] for i in picked) / 100))


# ------------------------------------------------------------------------------ import

IMPORTS = [
    (
        "Q{~%50%a ~%-25%b =c}",
        "single",
        [
            {"text": "a", "fraction": 0.5},
            {"text": "b", "fraction": -0.25},
            {"text": "c", "correct": True},
        ],
    ),
    (
        "Q{=a =b ~c}",  # Moodle: single answer, both '=' worth 100%
        "single",
        [
            {"text": "a", "correct": True},
            {"text": "b", "correct": True},
            {"text": "c", "correct": False},
        ],
    ),
    (
        "Q{=a ~%33.33333%b ~%-100%c ~%0%d}",
        "single",
        [
            {"text": "a", "correct": True},
            {"text": "b", "fraction": 0.3333333},
            {"text": "c", "fraction": -1},
            {"text": "d", "correct": False},
        ],
    ),
    (
        "Q{=a ~%100%b}",
        "single",
        [{"text": "a", "correct": True}, {"text": "b", "correct": True}],
    ),
    (
        "Q{~%33.33333%a ~%33.33333%b ~%33.33333%c ~%-100%d}",  # the formula's own weights
        "multiple",
        [
            {"text": "a", "correct": True},
            {"text": "b", "correct": True},
            {"text": "c", "correct": True},
            {"text": "d", "correct": False},
        ],
    ),
    (
        "Q{~%50%a ~%30%b ~%20%c ~%-100%d}",
        "multiple",
        [
            {"text": "a", "fraction": 0.5},
            {"text": "b", "fraction": 0.3},
            {"text": "c", "fraction": 0.2},
            {"text": "d", "fraction": -1},
        ],
    ),
    (
        "Q{~%50%a ~%50%b ~c ~d}",  # wrong answers that cost nothing in Moodle
        "multiple",
        [
            {"text": "a", "fraction": 0.5},
            {"text": "b", "fraction": 0.5},
            {"text": "c", "fraction": 0},
            {"text": "d", "fraction": 0},
        ],
    ),
    (
        "Q{~%50%a ~%50%b}",  # every answer right: Moodle accepts it
        "multiple",
        [{"text": "a", "correct": True}, {"text": "b", "correct": True}],
    ),
    (
        "Q{~%50%a#Half. ~%50%b ~%-50%c#No. ~%-50%d}",
        "multiple",
        [
            {"text": "a", "correct": True, "feedback": "Half."},
            {"text": "b", "correct": True},
            {"text": "c", "correct": False, "feedback": "No."},
            {"text": "d", "correct": False},
        ],
    ),
]


@pytest.mark.parametrize(("gift", "qtype", "choices"), IMPORTS)
def test_a_choice_block_imports_with_moodles_key(
    gift: str, qtype: str, choices: list[dict[str, object]]
) -> None:
    mapping = parse_one(gift)
    assert mapping["type"] == qtype
    assert mapping["choices"] == choices


@pytest.mark.parametrize(
    ("gift", "fragment"),
    [
        ("Q{~%50%a ~%30%b ~c}", "the positive grades add up to 80% (50% + 30%)"),
        ("Q{~%50%a ~%75%b ~%-100%c}", "the positive grades add up to 125% (50% + 75%)"),
        ("Q{~a ~%-50%b}", "this choice block has no right answer"),
    ],
)
def test_weights_moodle_would_refuse_are_reported_at_the_block(gift: str, fragment: str) -> None:
    ((line, column, message),) = problems_of(gift)
    assert (line, column) == (1, 2)
    assert fragment in message


def test_a_weight_after_equals_is_still_a_mistake() -> None:
    ((line, column, message),) = problems_of("Q{=%50%a ~b}")
    assert (line, column) == (1, 4)
    assert "a weight goes after '~'" in message


# ------------------------------------------------------------------------------ export


def single(*choices: dict[str, object]) -> Question:
    return question_from_mapping(
        {"id": "s", "type": "single", "prompt": "Pick.", "choices": list(choices)}
    )


def multiple(*choices: dict[str, object]) -> Question:
    return question_from_mapping(
        {"id": "m", "type": "multiple", "prompt": "Pick all.", "choices": list(choices)}
    )


EXPORTS = [
    (
        single(
            {"text": "a", "correct": True},
            {"text": "b", "fraction": 0.5, "feedback": "Half."},
            {"text": "c", "fraction": -1 / 3},
            {"text": "d", "correct": False},
        ),
        "\t=a\n\t~%50%b#Half.\n\t~%-33.33333%c\n\t~d\n",
    ),
    (
        single({"text": "a", "correct": True}, {"text": "b", "correct": True}),
        "\t=a\n\t~%100%b\n",  # '=a =b' would be a short answer
    ),
    (
        multiple(
            {"text": "a", "fraction": 0.5},
            {"text": "b", "fraction": 0.3},
            {"text": "c", "fraction": 0.2},
            {"text": "d", "fraction": -1},
            {"text": "e", "fraction": 0},
        ),
        "\t~%50%a\n\t~%30%b\n\t~%20%c\n\t~%-100%d\n\t~e\n",
    ),
    (
        multiple({"text": "a", "correct": True}, {"text": "b", "correct": True}),
        "\t~%50%a\n\t~%50%b\n",
    ),
]


@pytest.mark.parametrize(("question", "lines"), EXPORTS)
def test_export_writes_moodles_weights_and_reads_back_the_same(
    question: Question, lines: str
) -> None:
    written = dump_gift([question])
    assert "{\n" + lines + "}\n" in written
    (back,) = parse_gift(written, "export.gift")
    assert back == question


def test_a_fractional_question_with_the_formulas_weights_comes_back_without_fractions() -> None:
    question = multiple(
        {"text": "a", "fraction": 0.5},
        {"text": "b", "fraction": 0.5},
        {"text": "c", "fraction": -1},
    )
    (back,) = parse_gift(dump_gift([question]), "export.gift")
    assert isinstance(back, MultipleChoice)
    assert back.to_mapping()["choices"] == [
        {"text": "a", "correct": True},
        {"text": "b", "correct": True},
        {"text": "c", "correct": False},
    ]
    for size in range(4):
        for picked in itertools.combinations(range(3), size):
            assert back.grade(list(picked)) == pytest.approx(question.grade(list(picked)))


# -------------------------------------------------------------------------- properties

_GRADES = [1.0, 0.9, 0.8, 0.75, 0.7, 0.6, 0.5, 0.4, 0.3, 0.25, 0.2, 0.1, 0.05]


@st.composite
def weighted_multiple(draw: st.DrawFn) -> MultipleChoice:
    """A fractional multiple-choice question whose positive fractions add up to 1."""
    remaining, fractions = 1.0, []
    while remaining > 1e-9:
        grade = draw(st.sampled_from([g for g in _GRADES if g <= remaining + 1e-9]))
        fractions.append(grade)
        remaining = round(remaining - grade, 9)
    fractions += draw(st.lists(st.sampled_from([0.0, -0.25, -0.5, -1.0]), max_size=3))
    fractions = draw(st.permutations(fractions))
    if len(fractions) < 2:
        fractions.append(-1.0)
    question = multiple(*({"text": f"choice {i}", "fraction": f} for i, f in enumerate(fractions)))
    assert isinstance(question, MultipleChoice)
    return question


@settings(max_examples=60, deadline=None)
@given(weighted_multiple(), st.data())
def test_moodle_grades_our_export_as_we_grade_it(
    question: MultipleChoice, data: st.DataObject
) -> None:
    written = dump_gift([question])
    weights = [float(w) if w else 0.0 for w in re.findall(r"\t~(?:%(-?[0-9.]+)%)?", written)]
    (back,) = parse_gift(written, "export.gift")
    indices = range(len(question.choices))
    for _ in range(8):
        picked = tuple(data.draw(st.sets(st.sampled_from(indices))))
        expected = question.grade(list(picked))
        assert moodle_grade(weights, picked) == pytest.approx(expected, abs=1e-6)
        assert back.grade(list(picked)) == pytest.approx(expected, abs=1e-9)


def test_a_single_choice_block_keeps_its_weights_in_a_round_trip() -> None:
    question = single(
        {"text": "a", "correct": True},
        {"text": "b", "fraction": 1 / 7},
        {"text": "c", "fraction": -5 / 6},
    )
    (back,) = parse_gift(dump_gift([question]), "export.gift")
    assert isinstance(back, SingleChoice)
    assert [c.credit for c in back.choices] == [1.0, 1 / 7, -5 / 6]
