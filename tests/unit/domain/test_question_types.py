"""The registry of question types: every type has every part, in its own module.

A new type that forgets a part (grading, the answer format, the shuffle plan, GIFT or
Moodle XML) fails here; one sample per type keeps the checks concrete.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping, Sequence

import pytest

from quizapp.domain.answers import describe_answer, describe_key, read_answer, validate_stored
from quizapp.domain.generate import shuffle_plan
from quizapp.domain.interchange import InterchangeError
from quizapp.domain.interchange.gift import dump_gift, parse_gift
from quizapp.domain.interchange.moodle_xml import dump_moodle_xml, parse_moodle_xml
from quizapp.domain.question_types import (
    QUESTION_TYPES,
    FieldProblem,
    Question,
    UnknownQuestionType,
    question_type,
)
from quizapp.domain.question_types.answer_fields import AnswerTokens
from quizapp.domain.question_types.base import FormatUnsupported
from quizapp.domain.questions import question_from_mapping

# One valid question per type, and a form that answers it fully right.
SAMPLES: dict[str, tuple[dict[str, object], dict[str, list[str]]]] = {
    "single": (
        {
            "choices": [
                {"text": "Beijing", "correct": True},
                {"text": "Moscow", "correct": False},
            ]
        },
        {"answer": ["0"]},
    ),
    "multiple": (
        {
            "choices": [
                {"text": "oil", "correct": True},
                {"text": "gas", "correct": True},
                {"text": "tea", "correct": False},
                {"text": "silk", "correct": False},
            ]
        },
        {"answer": ["0", "1"]},
    ),
    "true_false": ({"answer": True}, {"answer": ["true"]}),
    "short": ({"answers": ["Xi Jinping", "Xi"]}, {"answer": ["xi jinping"]}),
    "numeric": ({"answer": 240, "tolerance": 5}, {"answer": ["242"]}),
    "matching": (
        {"pairs": [{"left": "2001", "right": "treaty"}, {"left": "2022", "right": "war"}]},
        {"match-0": ["0"], "match-1": ["1"]},
    ),
    "ordering": (
        {"items": ["first", "second", "third"]},
        {"position-0": ["1"], "position-1": ["2"], "position-2": ["3"]},
    ),
}

TYPE_NAMES = sorted(QUESTION_TYPES)


def sample(type_name: str) -> Question:
    fields, _ = SAMPLES[type_name]
    return question_from_mapping(
        {"id": f"sample-{type_name.replace('_', '-')}", "type": type_name, "prompt": "Q?", **fields}
    )


def test_every_registered_type_has_a_sample() -> None:
    assert set(SAMPLES) == set(QUESTION_TYPES)


@pytest.mark.parametrize("type_name", TYPE_NAMES)
def test_type_lives_in_its_own_module_and_is_complete(type_name: str) -> None:
    cls = QUESTION_TYPES[type_name]
    assert cls.type_name == type_name
    assert cls.__module__ == f"quizapp.domain.question_types.{type_name}"
    assert not inspect.isabstract(cls), f"{cls.__name__} leaves abstract methods"


@pytest.mark.parametrize("type_name", TYPE_NAMES)
def test_answer_format_reads_checks_grades_and_describes(type_name: str) -> None:
    question = sample(type_name)
    _, right_form = SAMPLES[type_name]
    tokens = AnswerTokens.bank_order(question.shuffled_count())
    stored = read_answer(question, right_form, tokens)
    assert stored is not None
    assert validate_stored(question, stored) == stored
    assert question.grade(question.stored_to_response(stored)) == 1.0
    assert question.stored_is_complete(stored)
    assert describe_answer(question, stored)
    assert describe_key(question)
    assert read_answer(question, {}, tokens) is None


@pytest.mark.parametrize("type_name", TYPE_NAMES)
def test_shuffle_plan_names_a_field_of_the_type(type_name: str) -> None:
    cls = QUESTION_TYPES[type_name]
    assert cls.shuffled_field is None or cls.shuffled_field in cls.specific_fields()
    size, avoid_identity = shuffle_plan(sample(type_name))
    assert size == (
        0 if cls.shuffled_field is None else len(getattr(sample(type_name), cls.shuffled_field))
    )
    assert not avoid_identity or size


@pytest.mark.parametrize("type_name", TYPE_NAMES)
def test_gift_writes_and_reads_the_type_or_says_why_not(type_name: str) -> None:
    question = sample(type_name)
    reason = question.gift_problem()
    written = dump_gift([question])
    if reason is not None:
        assert QUESTION_TYPES[type_name].gift_read_order is None
        assert f"Not exported: {type_name} question" in written
        assert reason in written
        return
    (back,) = parse_gift(written, "sample.gift")
    assert back.type_name == type_name
    assert back.describe_key() == question.describe_key()


@pytest.mark.parametrize("type_name", TYPE_NAMES)
def test_moodle_xml_writes_and_reads_the_type(type_name: str) -> None:
    cls = QUESTION_TYPES[type_name]
    assert cls.moodle_qtype is not None
    readers = [
        other for other in QUESTION_TYPES.values() if cls.moodle_qtype in other.moodle_qtypes_read
    ]
    assert len(readers) == 1, f"exactly one type reads Moodle's {cls.moodle_qtype!r}"
    question = sample(type_name)
    (back,) = parse_moodle_xml(dump_moodle_xml([question]), "sample.xml")
    assert back == question


@pytest.mark.parametrize(
    ("name", "expected"),
    [("single", "single"), ("ordering", "ordering")],
)
def test_question_type_looks_up_by_name(name: str, expected: str) -> None:
    assert question_type(name).type_name == expected


@pytest.mark.parametrize("name", ["essay", "", "Single", "single "])
def test_unknown_type_names_every_known_one(name: str) -> None:
    with pytest.raises(UnknownQuestionType, match="known types: single, multiple"):
        question_type(name)


class Essay(Question):
    """A type with no interchange forms, to check what the formats say about it."""

    type_name = "essay"

    @classmethod
    def parse_fields(
        cls, data: Mapping[str, object]
    ) -> tuple[dict[str, object], list[FieldProblem]]:
        return {}, []

    def grade(self, response: object) -> float:
        return 0.0

    def read_form(self, form: Mapping[str, Sequence[str]], tokens: AnswerTokens) -> None:
        return None

    def check_stored(self, stored: object) -> None:
        return None

    def describe_stored(self, stored: object) -> str:
        return ""

    def describe_key(self) -> str:
        return ""


ESSAY = Essay(id="essay-1", prompt="Discuss.")


def test_gift_and_xml_say_which_type_they_cannot_export() -> None:
    assert "GIFT has no form for the essay question type" in dump_gift([ESSAY])
    with pytest.raises(
        InterchangeError, match="Moodle XML has no form for the essay question type"
    ):
        dump_moodle_xml([ESSAY])


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: ESSAY.gift_answer_block(""), "GIFT has no form for the essay question type"),
        (lambda: Essay.read_gift(None, None), "GIFT has no form for the essay question type"),  # type: ignore[arg-type]
        (lambda: ESSAY.moodle_xml_body([]), "Moodle XML has no form for the essay question type"),
        (
            lambda: Essay.read_moodle_xml(None, {}),  # type: ignore[arg-type]
            "Moodle XML has no form for the essay question type",
        ),
    ],
)
def test_a_type_asked_for_a_format_it_has_no_form_in_says_so(
    call: Callable[[], object], message: str
) -> None:
    with pytest.raises(FormatUnsupported, match=message):
        call()
