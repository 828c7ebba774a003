"""Numeric questions with several answers, partial credit, feedback and units with
multipliers: the bank form, grading (Moodle's qtype_numerical rules), the key's text."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizapp.domain.question_types import Numeric
from quizapp.domain.question_types.numeric import NumericAnswer, NumericUnit
from quizapp.domain.questions import QuestionInvalid, question_from_mapping


def numeric(**fields: object) -> Numeric:
    question = question_from_mapping(
        {"id": "n", "type": "numeric", "prompt": "How many?", **fields}
    )
    assert isinstance(question, Numeric)
    return question


# Moodle's own example of several answers: the first answer whose range holds the
# response decides, so the exact answer must come before the wider half-credit one.
GRANT = numeric(
    answers=[
        {"value": 1822, "feedback": "Right."},
        {"value": 1822, "tolerance": 2, "fraction": 0.5, "feedback": "Close."},
        {"value": 1900, "tolerance": 50, "fraction": 0, "feedback": "Too late."},
    ]
)
# The wider answer first: it shadows the exact one, as it does in Moodle.
SHADOWED = numeric(
    answers=[
        {"value": 10, "tolerance": 5, "fraction": 0.5},
        {"value": 10},
    ]
)
# Base unit m; km has multiplier 0.001 (1 m = 0.001 km) and cm 100, as Moodle defines them.
LENGTH = numeric(
    answer=2000,
    tolerance=1,
    units=[
        {"unit": "m", "multiplier": 1},
        {"unit": "km", "multiplier": 0.001},
        {"unit": "cm", "multiplier": 100},
    ],
)
TRADE = numeric(
    answers=[{"value": 240, "tolerance": 5}, {"value": 240, "tolerance": 40, "fraction": 1 / 3}],
    units=[
        {"unit": "billion US dollars"},
        {"unit": "million US dollars", "multiplier": 1000},
    ],
)
NEGATIVE = numeric(answers=[{"value": 1}, {"value": 2, "fraction": -0.5}])


@pytest.mark.parametrize(
    ("question", "response", "grade"),
    [
        (GRANT, "1822", 1.0),
        (GRANT, 1822, 1.0),
        (GRANT, "1823", 0.5),
        (GRANT, "1820", 0.5),
        (GRANT, "1824.5", 0.0),
        (GRANT, "1899", 0.0),
        (GRANT, "1,822", 1.0),
        (GRANT, "one", 0.0),
        (GRANT, None, 0.0),
        (SHADOWED, "10", 0.5),
        (SHADOWED, "15", 0.5),
        (SHADOWED, "16", 0.0),
        (LENGTH, "2000", 1.0),
        (LENGTH, "2000 m", 1.0),
        (LENGTH, "2 km", 1.0),
        (LENGTH, "2KM", 1.0),
        (LENGTH, "2.0005 km", 1.0),
        (LENGTH, "2.002 km", 0.0),
        (LENGTH, "200000 cm", 1.0),
        (LENGTH, "2000 km", 0.0),
        (LENGTH, "2 miles", 0.0),
        (LENGTH, "2", 0.0),
        (TRADE, "240", 1.0),
        (TRADE, "$240 billion", 1.0),
        (TRADE, "240 billion US dollars", 1.0),
        (TRADE, "240,000 million", 1.0),
        (TRADE, "250,000 million US dollars", pytest.approx(1 / 3)),
        (TRADE, "260", pytest.approx(1 / 3)),
        (TRADE, "290", 0.0),
        (NEGATIVE, "1", 1.0),
        (NEGATIVE, "2", 0.0),
    ],
)
def test_the_first_answer_holding_the_response_gives_its_grade(
    question: Numeric, response: object, grade: float
) -> None:
    assert question.grade(response) == grade


@pytest.mark.parametrize(
    ("response", "feedback"),
    [("1822", "Right."), ("1821", "Close."), ("1880", "Too late."), ("3000", ""), ("?", "")],
)
def test_the_matched_answer_gives_its_feedback(response: str, feedback: str) -> None:
    assert GRANT.feedback_for(response) == ((feedback,) if feedback else ())


def test_a_unit_given_in_full_wins_over_one_it_is_part_of() -> None:
    question = numeric(
        answer=5,
        units=[{"unit": "square km"}, {"unit": "km", "multiplier": 0.5}],
    )
    assert question.read_response("10 km") == 20
    assert question.read_response("5 square km") == 5
    assert question.read_response("5 square") == 5


# ------------------------------------------------------------------------ properties


@given(
    value=st.floats(-1e9, 1e9, allow_nan=False),
    tolerance=st.floats(0, 1e6, allow_nan=False),
    offset=st.floats(-1, 1, allow_nan=False),
)
def test_a_value_inside_a_full_credit_tolerance_grades_one(
    value: float, tolerance: float, offset: float
) -> None:
    question = Numeric(
        id="n",
        prompt="?",
        answers=(
            NumericAnswer(value=value, tolerance=tolerance),
            NumericAnswer(value=value, tolerance=tolerance * 2 + 1, fraction=0.5),
        ),
    )
    assert question.grade(value + offset * tolerance) == 1.0


@given(
    base=st.floats(-1e6, 1e6, allow_nan=False),
    multiplier=st.sampled_from((0.001, 0.01, 0.5, 2.0, 100.0, 1000.0, 1e6)),
)
def test_a_number_typed_in_another_unit_is_divided_by_its_multiplier(
    base: float, multiplier: float
) -> None:
    question = Numeric(
        id="n",
        prompt="?",
        answer=base,
        units=(NumericUnit(unit="m"), NumericUnit(unit="other", multiplier=multiplier)),
    )
    typed = base * multiplier
    assert question.read_response(f"{typed!r} other") == pytest.approx(typed / multiplier)
    assert question.grade(f"{typed!r} other") == 1.0
    assert question.grade(f"{base!r} m") == 1.0


# ------------------------------------------------------------------------ the bank form


def test_one_answer_worth_full_marks_is_written_in_todays_form() -> None:
    question = numeric(answers=[{"value": 240, "tolerance": 5}], units=[{"unit": "billion"}])
    assert question == Numeric(id="n", prompt="How many?", answer=240, tolerance=5, unit="billion")
    mapping = question.to_mapping()
    assert mapping == {
        "id": "n",
        "type": "numeric",
        "prompt": "How many?",
        "answer": 240,
        "tolerance": 5,
        "unit": "billion",
    }
    assert list(mapping) == ["id", "type", "prompt", "answer", "tolerance", "unit"]


def test_several_answers_and_units_are_written_as_lists_and_read_back() -> None:
    mapping = TRADE.to_mapping()
    assert mapping["answers"] == [
        {"value": 240, "tolerance": 5},
        {"value": 240, "tolerance": 40, "fraction": 0.3333333},
    ]
    assert mapping["units"] == [
        {"unit": "billion US dollars", "multiplier": 1},
        {"unit": "million US dollars", "multiplier": 1000},
    ]
    assert "answer" not in mapping and "unit" not in mapping
    assert question_from_mapping(mapping) == TRADE
    assert question_from_mapping(GRANT.to_mapping()) == GRANT


def test_feedback_alone_keeps_the_answers_list() -> None:
    question = numeric(answers=[{"value": 3, "feedback": "Yes."}])
    assert question.to_mapping()["answers"] == [{"value": 3, "feedback": "Yes."}]
    assert (question.answer, question.tolerance, question.unit) == (3, 0, None)


def test_the_old_fields_repeat_the_first_full_credit_answer_and_the_base_unit() -> None:
    assert (TRADE.answer, TRADE.tolerance, TRADE.unit) == (240, 5, "billion US dollars")
    assert (SHADOWED.answer, SHADOWED.tolerance) == (10, 0)


def test_building_with_both_forms_that_disagree_is_refused() -> None:
    with pytest.raises(ValueError, match="disagree"):
        Numeric(id="n", prompt="?", answer=3, answers=(NumericAnswer(value=4),))
    with pytest.raises(ValueError, match="disagrees"):
        Numeric(id="n", prompt="?", answer=3, unit="m", units=(NumericUnit(unit="km"),))
    with pytest.raises(TypeError, match="needs answer or answers"):
        Numeric(id="n", prompt="?")


BASE = {"id": "n", "type": "numeric", "prompt": "How many?"}


@pytest.mark.parametrize(
    ("fields", "path", "message"),
    [
        (
            {"answer": 1, "answers": [{"value": 1}]},
            ("answer",),
            "'answer' and 'answers' are two ways to give the answer",
        ),
        (
            {"tolerance": 1, "answers": [{"value": 1}]},
            ("tolerance",),
            "'tolerance' and 'answers' are two ways",
        ),
        ({"answers": []}, ("answers",), "answers needs at least 1 entries, found 0"),
        ({"answers": 5}, ("answers",), "answers must be a list, not a number"),
        ({"answers": [5]}, ("answers", 0), "answers[0] must be a mapping with value"),
        ({"answers": [{"tolerance": 1}]}, ("answers", 0, "value"), "'answers[0].value'"),
        (
            {"answers": [{"value": "3"}]},
            ("answers", 0, "value"),
            "answers[0].value must be a number written without quotes, not '3'",
        ),
        (
            {"answers": [{"value": True}]},
            ("answers", 0, "value"),
            "answers[0].value must be a number, not a boolean",
        ),
        (
            {"answers": [{"value": math.inf}]},
            ("answers", 0, "value"),
            "answers[0].value must be a finite number, not inf",
        ),
        (
            {"answers": [{"value": 1}, {"value": 2, "tolerance": -1}]},
            ("answers", 1, "tolerance"),
            "answers[1].tolerance must be at least 0, not -1",
        ),
        (
            {"answers": [{"value": 1}, {"value": 2, "fraction": 0.45}]},
            ("answers", 1, "fraction"),
            "answers[1].fraction 0.45 is not one of Moodle's grades",
        ),
        (
            {"answers": [{"value": 1, "fraction": 0.5}, {"value": 2, "fraction": 0}]},
            ("answers",),
            "no answer is worth full marks (they are worth 50%, 0%)",
        ),
        (
            {"answers": [{"value": 1, "feedback": ""}]},
            ("answers", 0, "feedback"),
            "answers[0].feedback must not be empty",
        ),
        (
            {"answers": [{"value": 1, "grade": 1}]},
            ("answers", 0, "grade"),
            "unknown field 'grade' in answers[0]",
        ),
        (
            {"answer": 1, "unit": "m", "units": [{"unit": "m"}]},
            ("unit",),
            "'unit' and 'units' are two ways to give the unit",
        ),
        ({"answer": 1, "units": []}, ("units",), "units needs at least 1 entries"),
        (
            {"answer": 1, "units": [{"unit": "km", "multiplier": 0.001}]},
            ("units", 0, "multiplier"),
            "units[0].multiplier must be 1, not 0.001: the first unit is the one the answers",
        ),
        (
            {"answer": 1, "units": [{"unit": "m"}, {"unit": "km", "multiplier": 0}]},
            ("units", 1, "multiplier"),
            "units[1].multiplier must be greater than 0, not 0",
        ),
        (
            {"answer": 1, "units": [{"unit": "m"}, {"multiplier": 2}]},
            ("units", 1, "unit"),
            "missing required field 'units[1].unit'",
        ),
        (
            {"answer": 1, "units": [{"unit": "m"}, {"unit": "M", "multiplier": 2}]},
            ("units", 1, "unit"),
            "unit 'm' repeats units[0].unit",
        ),
        (
            {"answer": 1, "units": [{"unit": "m", "factor": 1}]},
            ("units", 0, "factor"),
            "unknown field 'factor' in units[0]",
        ),
        ({}, ("answer",), "missing required field 'answer'"),
    ],
)
def test_a_mistake_is_named_where_it_is(
    fields: dict[str, object], path: tuple[object, ...], message: str
) -> None:
    with pytest.raises(QuestionInvalid) as caught:
        question_from_mapping({**BASE, **fields})
    found = [p.message for p in caught.value.problems if p.path == path]
    assert any(message in text for text in found), caught.value.problems


# ------------------------------------------------------------------------ the key


@pytest.mark.parametrize(
    ("question", "key"),
    [
        (numeric(answer=240, tolerance=5, unit="billion"), "240 ± 5 billion"),
        (
            GRANT,
            "1822 (100%); 1822 ± 2 (50%); 1900 ± 50 (0%)",
        ),
        (LENGTH, "2000 ± 1 m; also in km (multiplier 0.001), cm (multiplier 100)"),
        (
            TRADE,
            "240 ± 5 billion US dollars (100%); 240 ± 40 billion US dollars (33.33333%); "
            "also in million US dollars (multiplier 1000)",
        ),
    ],
)
def test_the_key_lists_answers_with_their_shares_and_the_units(question: Numeric, key: str) -> None:
    assert question.describe_key() == key
