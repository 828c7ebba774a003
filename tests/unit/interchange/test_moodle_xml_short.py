"""Moodle XML ``shortanswer``: partial fractions, per-answer feedback and the ``*``
wildcard (``\\*`` a literal star) read and written as Moodle does; GIFT says the same."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from quizapp.domain.grades import MOODLE_GRADES
from quizapp.domain.interchange import InterchangeError
from quizapp.domain.interchange.gift import parse_gift
from quizapp.domain.interchange.moodle_xml import dump_moodle_xml, parse_moodle_xml
from quizapp.domain.question_types.short import ShortAnswer
from quizapp.domain.questions import QuestionInvalid, question_from_mapping


def shortanswer(*answers: str, usecase: str = "0", name: str = "Capital") -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n<question type="shortanswer">'
        f"<name><text>{name}</text></name>"
        '<questiontext format="html"><text>Capital of France?</text></questiontext>'
        f"<usecase>{usecase}</usecase>{''.join(answers)}</question>\n</quiz>\n"
    )


def answer(fraction: str, text: str, feedback: str | None = None) -> str:
    written = f'<answer fraction="{fraction}" format="moodle_auto_format"><text>{text}</text>'
    if feedback is not None:
        written += f'<feedback format="html"><text><![CDATA[{feedback}]]></text></feedback>'
    return written + "</answer>"


def read_one(xml: str) -> ShortAnswer:
    (question,) = parse_moodle_xml(xml, "quiz.xml")
    assert isinstance(question, ShortAnswer)
    return question


def problems_of(xml: str) -> list[str]:
    with pytest.raises(InterchangeError) as caught:
        parse_moodle_xml(xml, "quiz.xml")
    return [str(problem) for problem in caught.value.problems]


READ = [
    ([answer("100", "Paris")], ["Paris"]),
    (
        [
            answer("100", "Paris", "<p>Yes!</p>"),
            answer("50", "France", "The <b>country</b>."),
            answer("0", "*", "Think of the capital."),
        ],
        [
            {"text": "Paris", "feedback": "Yes!"},
            {"text": "France", "fraction": 0.5, "feedback": "The **country**."},
            {"text": "*", "fraction": 0, "feedback": "Think of the capital."},
        ],
    ),
    (
        [answer("100", "P*"), answer("33.33333", "F*")],
        ["P*", {"text": "F*", "fraction": 0.3333333}],
    ),
    ([answer("100", "a\\*b")], ["a\\*b"]),
    ([answer("100", "x"), answer("-50", "y")], ["x", {"text": "y", "fraction": 0}]),
    ([answer("100", "x", "")], ["x"]),
]  # fmt: skip


@pytest.mark.parametrize(("answers", "expected"), READ)
def test_every_answer_is_read_with_its_fraction_and_feedback(
    answers: list[str], expected: list[object]
) -> None:
    assert read_one(shortanswer(*answers)).to_mapping()["answers"] == expected


def test_usecase_and_grading_follow_moodle() -> None:
    question = read_one(shortanswer(answer("100", "Paris*"), answer("50", "France"), usecase="1"))
    assert question.case_sensitive
    assert question.grade("Parisian") == 1.0
    assert question.grade("paris") == 0.0
    assert question.grade("France") == 0.5


@pytest.mark.parametrize(
    ("answers", "problem"),
    [
        (
            [answer("50", "France")],
            "quiz.xml: question 1 (Capital): a shortanswer question needs an <answer> worth 100%",
        ),
        (
            [answer("100", "Paris"), answer("45", "France")],
            "quiz.xml: question 1 (Capital): <answer> 2: fraction '45' is not one of Moodle's",
        ),
        (
            [answer("100", "Paris"), answer("0", "")],
            "quiz.xml: question 1 (Capital): <answer> 2 has no text (Moodle would drop it)",
        ),
        (
            [answer("100", "**")],
            "quiz.xml: question 1 (Capital): <answer> 1: the answer '**' accepts every "
            "response for full marks",
        ),
        (
            [answer("100", "Paris"), answer("50", ".")],
            "quiz.xml: question 1 (Capital): <answer> 2: <answer> 2 '.' has nothing to match",
        ),
    ],
)
def test_a_bad_answer_is_named_in_moodle_s_terms(answers: list[str], problem: str) -> None:
    (found,) = problems_of(shortanswer(*answers))
    assert found.startswith(problem)


PARIS = question_from_mapping(
    {
        "id": "capital",
        "type": "short",
        "prompt": "Capital of France?",
        "answers": [
            {"text": "France", "fraction": 0.5, "feedback": "That is the country."},
            "Paris",
            {"text": "a\\*b", "fraction": 1 / 3},
            {"text": "*", "fraction": 0, "feedback": "Think of the capital."},
        ],
        "case_sensitive": True,
    }
)


def test_export_writes_every_answer_in_order_with_moodle_s_fractions() -> None:
    (element,) = ET.fromstring(dump_moodle_xml([PARIS])).findall("question")
    assert element.get("type") == "shortanswer"
    assert element.findtext("usecase") == "1"
    written = [
        (a.get("fraction"), a.findtext("text"), a.findtext("feedback/text"))
        for a in element.findall("answer")
    ]
    assert written == [
        ("50", "France", "That is the country."),
        ("100", "Paris", ""),
        ("33.33333", "a\\*b", ""),
        ("0", "*", "Think of the capital."),
    ]


def test_export_then_import_grades_every_response_the_same() -> None:
    (back,) = parse_moodle_xml(dump_moodle_xml([PARIS]), "back.xml")
    assert isinstance(back, ShortAnswer)
    for response in ("Paris", "paris", "France", "a*b", "axb", "Rome"):
        assert back.grade(response) == PARIS.grade(response), response
        assert back.feedback_for(response) == PARIS.feedback_for(response), response


GIFT_AND_XML = [
    ("Q{=Paris =%50%France#The country. =%0%*#No.}", [
        answer("100", "Paris"), answer("50", "France", "The country."), answer("0", "*", "No."),
    ]),
    ("Q{Paris =%33.33333%Fr*}", [answer("100", "Paris"), answer("33.33333", "Fr*")]),
    ("Q{=a\\*b =%-25%c}", [answer("100", "a\\*b"), answer("-25", "c")]),
]  # fmt: skip


@pytest.mark.parametrize(("gift", "xml_answers"), GIFT_AND_XML)
def test_gift_and_moodle_xml_read_the_same_answers(gift: str, xml_answers: list[str]) -> None:
    (from_gift,) = parse_gift(gift, "q.gift")
    from_xml = read_one(shortanswer(*xml_answers))
    assert from_gift.to_mapping()["answers"] == from_xml.to_mapping()["answers"]


TEXTS = st.text(
    st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from("*\\&<>]]>"),
    min_size=1,
    max_size=12,
)


@st.composite
def short_answers(draw: st.DrawFn) -> ShortAnswer:
    """Short answers with grades and feedback, in any order (the export keeps it)."""
    texts = draw(st.lists(TEXTS, min_size=1, max_size=4))
    entries: list[tuple[float, dict[str, object]]] = []
    for index, text in enumerate(texts):
        fraction = 1.0 if index == 0 else draw(st.sampled_from((0.0, *MOODLE_GRADES)))
        entry: dict[str, object] = {"text": text, "fraction": fraction}
        if draw(st.booleans()):
            entry["feedback"] = draw(TEXTS)
        entries.append((fraction, entry))
    mapping = {
        "id": "q",
        "type": "short",
        "prompt": "Say it.",
        "answers": [entry for _, entry in entries],
        "case_sensitive": draw(st.booleans()),
    }
    try:
        question = question_from_mapping(mapping)
    except QuestionInvalid:
        assume(False)
        raise
    assert isinstance(question, ShortAnswer)
    return question


@settings(max_examples=200, deadline=None)
@given(short_answers())
def test_any_short_answer_survives_export_and_import(question: ShortAnswer) -> None:
    (back,) = parse_moodle_xml(dump_moodle_xml([question]), "roundtrip.xml")
    assert back == question
