"""Per-answer feedback: ``Question.feedback_for(response)`` for every type, and
``answer_feedback`` over stored answers, which the review page shows."""

from __future__ import annotations

import pytest

from quizapp.domain.answers import answer_feedback
from quizapp.domain.interchange.gift import parse_gift
from quizapp.domain.interchange.moodle_xml import parse_moodle_xml
from quizapp.domain.questions import Question, question_from_mapping


def question(type_name: str, **fields: object) -> Question:
    return question_from_mapping({"id": "q", "type": type_name, "prompt": "?", **fields})


SINGLE = question(
    "single",
    choices=[
        {"text": "Moscow", "correct": True, "feedback": "Yes, the capital."},
        {"text": "Kyiv", "correct": False, "feedback": "That is Ukraine's capital."},
        {"text": "Minsk", "correct": False},
        {"text": "Kazan", "fraction": 0.5, "feedback": "A big city, not the capital."},
    ],
)
MULTIPLE = question(
    "multiple",
    choices=[
        {"text": "Oil", "correct": True, "feedback": "Oil is the largest part."},
        {"text": "Gas", "correct": True},
        {"text": "Cars", "correct": False, "feedback": "Cars go the other way."},
        {"text": "Phones", "correct": False, "feedback": "Phones go the other way too."},
    ],
)
# The statement is false: feedback_true is what a learner who answered true reads.
TRUE_FALSE = question(
    "true_false",
    answer=False,
    feedback_true="No: China delayed it.",
    feedback_false="Right: China delayed it.",
)
TRUE_FALSE_ONE_SIDED = question("true_false", answer=True, feedback_false="It is true.")
SHORT = question(
    "short",
    answers=[
        {"text": "Power of Siberia 2", "feedback": "Exactly."},
        "Power of Siberia II",
        {"text": "Power of Siberia", "fraction": 0.5, "feedback": "Which one?"},
        {"text": "*", "fraction": 0, "feedback": "Look for the pipeline's name."},
    ],
)
NUMERIC = question(
    "numeric",
    answers=[
        {"value": 240, "feedback": "The record."},
        {"value": 240, "tolerance": 20, "fraction": 0.5, "feedback": "Close."},
        {"value": 76.4, "fraction": 0, "feedback": "That is China's imports in 2022."},
    ],
    unit="billion US dollars",
)
NUMERIC_PLAIN = question("numeric", answer=3, unit="%")
MATCHING = question(
    "matching",
    pairs=[{"left": "a", "right": "1"}, {"left": "b", "right": "2"}],
)
ORDERING = question("ordering", items=["first", "second", "third"])

FEEDBACK = [
    # (question, response as grade() takes it, feedback, why)
    (SINGLE, 0, ("Yes, the capital.",), "the right choice's feedback"),
    (SINGLE, 1, ("That is Ukraine's capital.",), "a wrong choice's feedback"),
    (SINGLE, 2, (), "a choice without feedback"),
    (SINGLE, 3, ("A big city, not the capital.",), "a partial-credit choice's feedback"),
    (SINGLE, "1", ("That is Ukraine's capital.",), "the index as a form sends it"),
    (SINGLE, 4, (), "an index out of range"),
    (SINGLE, -1, (), "a negative index"),
    (SINGLE, True, (), "a bool is no index"),
    (SINGLE, None, (), "unanswered"),
    (MULTIPLE, [0, 1], ("Oil is the largest part.",), "a choice without feedback adds none"),
    (
        MULTIPLE,
        [3, 2, 0],
        ("Oil is the largest part.", "Cars go the other way.", "Phones go the other way too."),
        "each chosen choice's feedback, in bank order",
    ),
    (MULTIPLE, [2, 2], ("Cars go the other way.",), "a choice chosen twice counts once"),
    (MULTIPLE, [1], (), "one choice without feedback"),
    (MULTIPLE, [], (), "nothing chosen"),
    (MULTIPLE, [0, 9], (), "a malformed response grades 0 and says nothing"),
    (MULTIPLE, 0, (), "not a list"),
    (MULTIPLE, None, (), "unanswered"),
    (TRUE_FALSE, True, ("No: China delayed it.",), "answered true: feedback_true"),
    (TRUE_FALSE, False, ("Right: China delayed it.",), "answered false: feedback_false"),
    (TRUE_FALSE, "true", ("No: China delayed it.",), "the form's text"),
    (TRUE_FALSE, 1, (), "1 is not a boolean"),
    (TRUE_FALSE, None, (), "unanswered"),
    (TRUE_FALSE_ONE_SIDED, True, (), "the answer given has no feedback"),
    (TRUE_FALSE_ONE_SIDED, False, ("It is true.",), "the other answer has"),
    (SHORT, "power of siberia 2", ("Exactly.",), "matched as grading matches"),
    (SHORT, "Power of Siberia II", (), "a plain answer has no feedback"),
    (SHORT, "Power of Siberia", ("Which one?",), "a partial answer's feedback"),
    (SHORT, "Nord Stream", ("Look for the pipeline's name.",), "the catch-all's feedback"),
    (SHORT, "", (), "blank matches nothing, not even *"),
    (SHORT, None, (), "unanswered"),
    (SHORT, 2, (), "not text"),
    (NUMERIC, "240", ("The record.",), "the exact answer"),
    (NUMERIC, "250 billion US dollars", ("Close.",), "the first range holding it, with unit"),
    (NUMERIC, "76.4", ("That is China's imports in 2022.",), "a wrong answer's feedback"),
    (NUMERIC, "500", (), "no answer holds it"),
    (NUMERIC, "many", (), "not a number"),
    (NUMERIC, None, (), "unanswered"),
    (NUMERIC_PLAIN, "3", (), "the answer form carries no feedback"),
    (MATCHING, {0: 0, 1: 1}, (), "matching has no per-answer feedback"),
    (ORDERING, [0, 1, 2], (), "ordering has no per-answer feedback"),
]


@pytest.mark.parametrize(
    ("question", "response", "feedback"),
    [row[:3] for row in FEEDBACK],
    ids=[f"{row[0].type_name}: {row[3]}" for row in FEEDBACK],
)
def test_feedback_for_the_response(
    question: Question, response: object, feedback: tuple[str, ...]
) -> None:
    assert question.feedback_for(response) == feedback


STORED = [
    # (question, stored answer, feedback): the review reads stored answers
    (SINGLE, 1, ("That is Ukraine's capital.",)),
    (SINGLE, None, ()),
    (SINGLE, 7, ()),  # malformed in the database: treated as unanswered
    (MULTIPLE, [2, 0], ("Oil is the largest part.", "Cars go the other way.")),
    (TRUE_FALSE, True, ("No: China delayed it.",)),
    (TRUE_FALSE, "true", ()),  # stored answers are real bools
    (SHORT, "Power of Siberia", ("Which one?",)),
    (NUMERIC, "245", ("Close.",)),
    (MATCHING, {"0": 1, "1": 0}, ()),
    (ORDERING, {"0": 1, "1": 2, "2": 3}, ()),
]


@pytest.mark.parametrize(("question", "stored", "feedback"), STORED)
def test_answer_feedback_reads_the_stored_answer(
    question: Question, stored: object, feedback: tuple[str, ...]
) -> None:
    assert answer_feedback(question, stored) == feedback


def test_gift_true_false_feedback_goes_to_the_answer_that_earns_it() -> None:
    # GIFT: the first feedback is for the wrong answer, the second for the right one.
    (read,) = parse_gift("Moscow is in Asia.{FALSE#Most of it is in Europe.#Right.}", "q.gift")
    assert read.feedback_for(True) == ("Most of it is in Europe.",)
    assert read.feedback_for(False) == ("Right.",)


def test_moodle_xml_true_false_feedback_belongs_to_its_answer() -> None:
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?><quiz><question type="truefalse">'
        "<name><text>Asia</text></name><questiontext><text>Moscow is in Asia.</text>"
        '</questiontext><answer fraction="0"><text>true</text>'
        "<feedback><text>Most of it is in Europe.</text></feedback></answer>"
        '<answer fraction="100"><text>false</text>'
        "<feedback><text>Right.</text></feedback></answer></question></quiz>"
    )
    (read,) = parse_moodle_xml(xml, "q.xml")
    assert read.feedback_for(True) == ("Most of it is in Europe.",)
    assert read.feedback_for(False) == ("Right.",)
