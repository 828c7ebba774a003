"""Moodle XML ``numerical`` questions with several answers, partial credit, feedback and
units with multipliers: read, written, and what is refused (and why)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizapp.domain.grades import MOODLE_GRADES
from quizapp.domain.interchange import InterchangeError
from quizapp.domain.interchange.moodle_xml import dump_moodle_xml, parse_moodle_xml
from quizapp.domain.question_types import Numeric
from quizapp.domain.question_types.numeric import NumericAnswer, NumericUnit


def numerical(body: str, name: str = "Q") -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<quiz><question type="numerical">'
        f"<name><text>{name}</text></name>"
        '<questiontext format="html"><text>How far?</text></questiontext>'
        f"{body}</question></quiz>\n"
    )


def answer(fraction: str, value: str, tolerance: str = "0", feedback: str = "") -> str:
    return (
        f'<answer fraction="{fraction}" format="moodle_auto_format"><text>{value}</text>'
        f'<feedback format="html"><text>{feedback}</text></feedback>'
        f"<tolerance>{tolerance}</tolerance></answer>"
    )


def units(*pairs: tuple[str, str]) -> str:
    listed = "".join(
        f"<unit><multiplier>{multiplier}</multiplier><unit_name>{name}</unit_name></unit>"
        for name, multiplier in pairs
    )
    return f"<units>{listed}</units>"


def read_one(body: str) -> Numeric:
    (question,) = parse_moodle_xml(numerical(body), "quiz.xml")
    assert isinstance(question, Numeric)
    return question


def problems_of(body: str) -> list[str]:
    with pytest.raises(InterchangeError) as caught:
        parse_moodle_xml(numerical(body, name="Odd"), "quiz.xml")
    return [str(problem) for problem in caught.value.problems]


def test_every_answer_is_read_in_order_with_its_grade_tolerance_and_feedback() -> None:
    question = read_one(
        answer("100", "2000", "1", "<![CDATA[<p>Yes, <b>2 km</b>.</p>]]>")
        + answer("50", "2000", "100", "Close.")
        + answer("0", "5000", feedback="That is the other road.")
        + answer("33.33333", "1.9e3", "200")
        + answer("0", "*", feedback="Check the map.")
    )
    assert question.to_mapping()["answers"] == [
        {"value": 2000, "tolerance": 1, "feedback": "Yes, **2 km**."},
        {"value": 2000, "tolerance": 100, "fraction": 0.5, "feedback": "Close."},
        {"value": 5000, "fraction": 0, "feedback": "That is the other road."},
        {"value": 1900, "tolerance": 200, "fraction": 0.3333333},
    ]
    assert question.grade("2050") == 0.5
    assert question.grade("1750") == pytest.approx(1 / 3)


def test_units_are_read_with_their_multipliers_the_base_unit_first() -> None:
    question = read_one(
        answer("100", "2000", "1") + units(("km", "0.001"), ("m", "1"), ("", "5"), ("cm", "100"))
    )
    assert question.to_mapping()["units"] == [
        {"unit": "m", "multiplier": 1},
        {"unit": "km", "multiplier": 0.001},
        {"unit": "cm", "multiplier": 100},
    ]
    assert question.grade("2 km") == 1.0
    assert question.grade("200000 cm") == 1.0


@pytest.mark.parametrize(
    "options",
    [
        "<unitgradingtype>0</unitgradingtype><unitpenalty>0.1</unitpenalty>",
        "<unitgradingtype>1</unitgradingtype><unitpenalty>0</unitpenalty>",
        "<unitgradingtype>2</unitgradingtype><unitpenalty>0.0000000</unitpenalty>",
        "<unitsleft>0</unitsleft>",
        "",
    ],
)
def test_unit_options_that_change_nothing_are_accepted(options: str) -> None:
    question = read_one(answer("100", "5") + units(("m", "1")) + options)
    assert question.to_mapping()["unit"] == "m"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            answer("50", "5") + answer("0", "6"),
            ["a numerical question needs an <answer> worth 100%"],
        ),
        (
            answer("100", "5") + answer("100", "*"),
            ["not imported: <answer> 2 '*' accepts any number as right"],
        ),
        (
            answer("100", "5")
            + units(("m", "1"))
            + "<unitgradingtype>2</unitgradingtype><unitpenalty>0.25</unitpenalty>",
            [
                "not imported: <unitgradingtype> 2 takes 25% (<unitpenalty>) off a response "
                "without its unit or with an unknown one, and our numeric questions take the "
                "unit as optional"
            ],
        ),
        (
            answer("100", "5") + units(("$", "1")) + "<unitsleft>1</unitsleft>",
            [
                "not imported: <unitsleft> puts the unit before the number, and our numeric "
                "questions read the unit after it"
            ],
        ),
        (
            answer("100", "5") + units(("km", "1000"), ("mm", "0.001")),
            [
                "not imported: none of its <units> has multiplier 1, so the answer's own unit is "
                "unknown"
            ],
        ),
        (
            answer("100", "5") + units(("m", "1"), ("km", "-1"), ("cm", "lots")),
            [
                "<unit> 2: <multiplier> '-1' must be a number greater than 0",
                "<unit> 3: <multiplier> 'lots' must be a number greater than 0",
            ],
        ),
        (
            answer("100", "5") + units(("m", "1"), ("km", "0.001"), ("KM", "0.001")),
            ["<unit> 3: unit 'km' repeats <unit> 2"],
        ),
        (
            answer("100", "5") + answer("45", "6"),
            ["<answer> 2: fraction '45' is not one of Moodle's grades"],
        ),
    ],
)
def test_what_we_cannot_honour_is_refused_saying_what_and_where(
    body: str, expected: list[str]
) -> None:
    problems = problems_of(body)
    assert len(problems) == len(expected), problems
    for problem, fragment in zip(problems, expected, strict=True):
        assert problem.startswith("quiz.xml: question 1 (Odd): "), problem
        assert fragment in problem, problem


def test_several_answers_and_units_are_written_and_read_back() -> None:
    question = Numeric(
        id="trade",
        prompt="How much?",
        answers=(
            NumericAnswer(value=240, tolerance=5, feedback="Right."),
            NumericAnswer(value=240, tolerance=40, fraction=1 / 3, feedback="Roughly."),
            NumericAnswer(value=0, fraction=0, feedback="It is not zero."),
        ),
        units=(
            NumericUnit(unit="billion US dollars"),
            NumericUnit(unit="million US dollars", multiplier=1000),
        ),
    )
    text = dump_moodle_xml([question])
    assert '<answer fraction="33.33333" format="moodle_auto_format">' in text
    assert "<multiplier>1000</multiplier>" in text
    assert "<unit_name>million US dollars</unit_name>" in text
    assert "<unitgradingtype>0</unitgradingtype>" in text
    assert "<showunits>0</showunits>" in text
    assert parse_moodle_xml(text, "back.xml") == [question]


@given(
    answers=st.lists(
        st.builds(
            NumericAnswer,
            value=st.floats(-1e12, 1e12, allow_nan=False),
            tolerance=st.floats(0, 1e6, allow_nan=False),
            fraction=st.sampled_from((*MOODLE_GRADES, 0.0, -1 / 3)),
            feedback=st.sampled_from(("", "Yes.", "<b>not bold</b> & *kept*", "50% off")),
        ),
        max_size=4,
    ),
    multipliers=st.lists(st.sampled_from((0.001, 0.5, 12.0, 1000.0, 1e-9)), max_size=3),
)
def test_any_answers_and_units_survive_a_round_trip(
    answers: list[NumericAnswer], multipliers: list[float]
) -> None:
    question = Numeric(
        id="n",
        prompt="How many?",
        answers=(*answers, NumericAnswer(value=7, tolerance=0.5)),
        units=tuple(
            NumericUnit(unit=f"unit {index}", multiplier=multiplier)
            for index, multiplier in enumerate([1.0, *multipliers])
        ),
    )
    assert parse_moodle_xml(dump_moodle_xml([question]), "back.xml") == [question]
