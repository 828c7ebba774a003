"""GIFT numeric blocks with several answers, weights, ranges and per-answer feedback
(Moodle's qformat_gift syntax: ``{#=value:tolerance#feedback =%50%min..max}``)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizapp.domain.grades import MOODLE_GRADES
from quizapp.domain.interchange import InterchangeError
from quizapp.domain.interchange.gift import dump_gift, parse_gift
from quizapp.domain.question_types import Numeric
from quizapp.domain.question_types.numeric import NumericAnswer, NumericUnit
from quizapp.domain.questions import question_from_mapping


def read_one(text: str) -> Numeric:
    (question,) = parse_gift(text, "test.gift")
    assert isinstance(question, Numeric)
    return question


def problems_of(text: str) -> list[tuple[int | None, int | None, str]]:
    with pytest.raises(InterchangeError) as caught:
        parse_gift(text, "test.gift")
    return [(p.line, p.column, p.message) for p in caught.value.problems]


@pytest.mark.parametrize(
    ("text", "answers"),
    [
        (
            "Q{#3.14:0.01 =%50%3:0.5}",
            [{"value": 3.14, "tolerance": 0.01}, {"value": 3, "tolerance": 0.5, "fraction": 0.5}],
        ),
        (
            "Q{#=1..5 =%50%0..10}",
            [{"value": 3, "tolerance": 2}, {"value": 5, "tolerance": 5, "fraction": 0.5}],
        ),
        (
            "Q{#=2#Yes. =%0%3#Three is a common slip.}",
            [
                {"value": 2, "feedback": "Yes."},
                {"value": 3, "fraction": 0, "feedback": "Three is a common slip."},
            ],
        ),
        (
            "Q{#\n=%100%46:0#Right\\: 46.\n=%33.33333%48:2\n=%-50%0\n}",
            [
                {"value": 46, "feedback": "Right: 46."},
                {"value": 48, "tolerance": 2, "fraction": 0.3333333},
                {"value": 0, "fraction": -0.5},
            ],
        ),
        (
            "Q{#=%50%10:5 =10}",
            [{"value": 10, "tolerance": 5, "fraction": 0.5}, {"value": 10}],
        ),
    ],
)
def test_every_answer_is_read_in_order_with_its_weight_and_feedback(
    text: str, answers: list[dict[str, object]]
) -> None:
    assert read_one(text).to_mapping()["answers"] == answers


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Q{#=%100%46:0#}", {"answer": 46}),
        ("Q{#=%100%46:0#[html]<p></p>}", {"answer": 46}),
        ("Q{#46 ~#Count again.}", {"answer": 46}),
        ("Q{#=%100%1..3}", {"answer": 2, "tolerance": 1}),
    ],
)
def test_one_full_credit_answer_without_feedback_is_todays_form(
    text: str, expected: dict[str, object]
) -> None:
    mapping = read_one(text).to_mapping()
    assert {key: mapping.get(key) for key in ("answer", "tolerance", "answers")} == {
        "answer": None,
        "tolerance": None,
        "answers": None,
        **expected,
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Q{#=%50%365}", (1, 4, "no full-credit answer")),
        ("Q{#=%50%365 =%0%366}", (1, 4, "no full-credit answer")),
        ("Q{#=2 =%45%7}", (1, 8, "weight 45% is not one of Moodle's grades")),
        ("Q{#=2 =%50%5..1}", (1, 12, "the range 5..1 runs backwards")),
        ("Q{#=2 =%50%5:-1}", (1, 12, "the tolerance -1 must not be negative")),
        ("Q{#=2 =%50%five#Spelled out}", (1, 12, "expected a number, found 'five'")),
    ],
)
def test_a_mistake_in_a_block_of_several_answers_is_placed(
    text: str, expected: tuple[int, int, str]
) -> None:
    (found,) = problems_of(text)
    assert found[:2] == expected[:2], found
    assert expected[2] in found[2], found


GRANT = question_from_mapping(
    {
        "id": "grant",
        "type": "numeric",
        "prompt": "When was Ulysses S. Grant born?",
        "answers": [
            {"value": 1822, "feedback": "Right."},
            {
                "value": 1822,
                "tolerance": 2,
                "fraction": 0.5,
                "feedback": "%Close: {within} #2 = ok",
            },
            {"value": 1900, "tolerance": 50, "fraction": 0},
        ],
        "explanation": "He was born in 1822.",
    }
)


def test_several_answers_are_written_one_per_line_and_read_back() -> None:
    text = dump_gift([GRANT])
    assert text.endswith(
        "::grant::[markdown]When was Ulysses S. Grant born?{#\n"
        "\t=1822#Right.\n"
        "\t=%50%1822:2#[markdown]%Close\\: \\{within\\} \\#2 \\= ok\n"
        "\t=%0%1900:50\n"
        "\t####He was born in 1822.\n"
        "}\n"
    )
    assert parse_gift(text, "back.gift") == [GRANT]


def test_one_answer_stays_on_one_line() -> None:
    question = Numeric(id="n", prompt="How many?", answer=2600, tolerance=0.5)
    assert dump_gift([question]).endswith("::n::[markdown]How many?{#2600:0.5}\n")


def test_units_are_left_out_of_gift() -> None:
    question = Numeric(
        id="n",
        prompt="How far?",
        answer=2,
        units=(NumericUnit(unit="km"), NumericUnit(unit="m", multiplier=1000)),
    )
    (back,) = parse_gift(dump_gift([question]), "back.gift")
    assert back == Numeric(id="n", prompt="How far?", answer=2)


answer_lists = st.lists(
    st.builds(
        NumericAnswer,
        value=st.floats(-1e12, 1e12, allow_nan=False),
        tolerance=st.floats(0, 1e6, allow_nan=False),
        fraction=st.sampled_from((*MOODLE_GRADES, 0.0, -0.5)),
        feedback=st.sampled_from(("", "Yes.", "50% = half: #ok", "{x} ~ y", "[b] c")),
    ),
    min_size=1,
    max_size=5,
).map(lambda answers: (NumericAnswer(value=1.5), *answers))


@given(answers=answer_lists, full_first=st.booleans())
def test_any_answers_survive_a_round_trip(
    answers: tuple[NumericAnswer, ...], full_first: bool
) -> None:
    ordered = answers if full_first else (*answers[1:], answers[0])
    question = Numeric(id="n", prompt="How many?", answers=ordered)
    assert parse_gift(dump_gift([question]), "back.gift") == [question]
