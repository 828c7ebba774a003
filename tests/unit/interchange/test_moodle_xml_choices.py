"""Moodle XML ``multichoice`` with Moodle's per-answer fractions: single answer with
partial, negative and several full-marks answers; multiple answers with unequal shares."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from quizapp.domain.interchange import InterchangeError
from quizapp.domain.interchange.moodle_xml import dump_moodle_xml, parse_moodle_xml
from quizapp.domain.questions import Question, question_from_mapping


def multichoice(single: str, *answers: tuple[str, str], extra: str = "") -> str:
    body = f"<single>{single}</single>{extra}" + "".join(
        f'<answer fraction="{fraction}" format="html"><text>{text}</text>'
        f"<feedback><text>{'Why ' + text if text == 'b' else ''}</text></feedback></answer>"
        for fraction, text in answers
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<quiz><question type="multichoice">'
        "<name><text>Q</text></name>"
        f'<questiontext format="html"><text>Pick.</text></questiontext>{body}'
        "</question></quiz>\n"
    )


def problems_of(text: str) -> list[str]:
    with pytest.raises(InterchangeError) as caught:
        parse_moodle_xml(text, "quiz.xml")
    return [str(problem) for problem in caught.value.problems]


IMPORTS = [
    (
        "true",
        [("100", "a"), ("50", "b"), ("-25", "c"), ("0", "d")],
        "single",
        [
            {"text": "a", "correct": True},
            {"text": "b", "fraction": 0.5, "feedback": "Why b"},
            {"text": "c", "fraction": -0.25},
            {"text": "d", "correct": False},
        ],
    ),
    (
        "true",
        [("100", "a"), ("100", "b"), ("33.33333", "c")],
        "single",
        [
            {"text": "a", "correct": True},
            {"text": "b", "correct": True, "feedback": "Why b"},
            {"text": "c", "fraction": 0.3333333},
        ],
    ),
    (
        "false",
        [("50", "a"), ("30", "b"), ("20", "c"), ("-100", "d")],
        "multiple",
        [
            {"text": "a", "fraction": 0.5},
            {"text": "b", "fraction": 0.3, "feedback": "Why b"},
            {"text": "c", "fraction": 0.2},
            {"text": "d", "fraction": -1},
        ],
    ),
    (
        "false",
        [("33.33333", "a"), ("33.33333", "b"), ("33.33333", "c"), ("-100", "d")],
        "multiple",
        [
            {"text": "a", "correct": True},
            {"text": "b", "correct": True, "feedback": "Why b"},
            {"text": "c", "correct": True},
            {"text": "d", "correct": False},
        ],
    ),
    (
        "false",
        [("50", "a"), ("50", "b")],  # every answer right
        "multiple",
        [{"text": "a", "correct": True}, {"text": "b", "correct": True, "feedback": "Why b"}],
    ),
    (
        "false",
        [("100", "a"), ("0", "b"), ("-50", "c")],
        "multiple",
        [
            {"text": "a", "fraction": 1},
            {"text": "b", "fraction": 0, "feedback": "Why b"},
            {"text": "c", "fraction": -0.5},
        ],
    ),
]


@pytest.mark.parametrize(("single", "answers", "qtype", "choices"), IMPORTS)
def test_multichoice_imports_with_moodles_fractions(
    single: str, answers: list[tuple[str, str]], qtype: str, choices: list[dict[str, object]]
) -> None:
    (question,) = parse_moodle_xml(multichoice(single, *answers), "quiz.xml")
    mapping = question.to_mapping()
    assert mapping["type"] == qtype
    assert mapping["choices"] == choices


def test_shuffle_and_numbering_are_ignored_as_before() -> None:
    answers = [("100", "a"), ("50", "b")]
    extra = "<shuffleanswers>0</shuffleanswers><answernumbering>123</answernumbering>"
    (with_them,) = parse_moodle_xml(multichoice("true", *answers, extra=extra), "quiz.xml")
    (without,) = parse_moodle_xml(multichoice("true", *answers), "quiz.xml")
    assert with_them == without


@pytest.mark.parametrize(
    ("single", "answers", "fragment"),
    [
        (
            "false",
            [("50", "a"), ("30", "b"), ("0", "c")],
            "not imported: the positive grades add up to 80% (50% + 30%)",
        ),
        (
            "true",
            [("50", "a"), ("0", "b")],
            "not imported: no answer is worth 100% (the best is worth 50%)",
        ),
        ("false", [("0", "a"), ("-50", "b")], "not imported: no answer has a positive fraction"),
    ],
)
def test_fractions_moodle_would_refuse_are_reported(
    single: str, answers: list[tuple[str, str]], fragment: str
) -> None:
    (problem,) = problems_of(multichoice(single, *answers))
    assert problem.startswith("quiz.xml: question 1 (Q): ")
    assert fragment in problem


def test_a_bad_fraction_names_its_answer() -> None:
    (problem,) = problems_of(multichoice("false", ("50", "a"), ("45", "b")))
    assert "<answer> 2: fraction '45' is not one of Moodle's grades" in problem


# ------------------------------------------------------------------------------ export


def question(qtype: str, *choices: dict[str, object]) -> Question:
    return question_from_mapping(
        {"id": "q", "type": qtype, "prompt": "Pick.", "choices": list(choices)}
    )


EXPORTS = [
    (
        question(
            "single",
            {"text": "a", "correct": True},
            {"text": "b", "fraction": 0.5, "feedback": "Half."},
            {"text": "c", "fraction": -1 / 3},
            {"text": "d", "correct": True},
        ),
        "true",
        ["100", "50", "-33.33333", "100"],
    ),
    (
        question(
            "multiple",
            {"text": "a", "fraction": 0.5},
            {"text": "b", "fraction": 1 / 3},
            {"text": "c", "fraction": 1 / 6},
            {"text": "d", "fraction": -0.25},
            {"text": "e", "fraction": 0},
        ),
        "false",
        ["50", "33.33333", "16.66667", "-25", "0"],
    ),
    (
        question(
            "multiple",
            {"text": "a", "correct": True},
            {"text": "b", "correct": True},
            {"text": "c", "correct": True},
        ),
        "false",
        ["33.33333", "33.33333", "33.33333"],
    ),
    (
        question(
            "multiple",
            {"text": "a", "correct": True},
            {"text": "b", "correct": False},
            {"text": "c", "correct": False},
        ),
        "false",
        ["100", "-50", "-50"],
    ),
]


@pytest.mark.parametrize(("original", "single", "fractions"), EXPORTS)
def test_export_writes_each_choices_fraction_and_reads_back_the_same(
    original: Question, single: str, fractions: list[str]
) -> None:
    written = dump_moodle_xml([original])
    (element,) = ET.fromstring(written).findall("question")
    assert element.findtext("single") == single
    assert element.findtext("shuffleanswers") == "true"
    assert element.findtext("answernumbering") == "abc"
    assert [a.get("fraction") for a in element.findall("answer")] == fractions
    (back,) = parse_moodle_xml(written, "quiz.xml")
    assert back == original
