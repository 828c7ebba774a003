"""The readers refuse a file with too many questions before reading any of them."""

from __future__ import annotations

import pytest

from quizapp.domain.interchange import FileRefused, InterchangeError
from quizapp.domain.interchange.aiken import parse_aiken
from quizapp.domain.interchange.gift import MAX_QUESTION_CHARACTERS, parse_gift
from quizapp.domain.interchange.moodle_xml import parse_moodle_xml

GIFT = """\
// A comment block is not a question.

$CATEGORY: $course$/top/Geography

// [tag:rivers]
::a::The Nile is in Africa.{T}

::b::The Rhine is in Asia.{F}
"""
AIKEN = """\
Which is a river?
A) Nile
B) Alps
ANSWER: A

Which is a mountain?
A) Rhine
B) Alps
ANSWER: B
"""
XML = (
    '<?xml version="1.0"?><quiz><question type="category"><category><text>$course$/top/G'
    "</text></category></question>"
    + '<question type="truefalse"><name><text>w{n}</text></name><questiontext><text>W {n}.'
    '</text></questiontext><answer fraction="100"><text>true</text></answer>'
    '<answer fraction="0"><text>false</text></answer></question>' * 2 + "</quiz>"
)


def refusal(parse, data: str, limit: int) -> str:
    with pytest.raises(FileRefused) as raised:
        parse(data, "f", max_questions=limit)
    (problem,) = raised.value.problems
    return str(problem)


@pytest.mark.parametrize(
    "parse, data", [(parse_gift, GIFT), (parse_aiken, AIKEN), (parse_moodle_xml, XML)]
)
def test_a_file_at_the_limit_is_read_and_one_over_is_refused_with_its_count(parse, data) -> None:
    assert len(parse(data, "f", max_questions=2)) == 2
    assert len(parse(data, "f")) == 2

    assert refusal(parse, data, 1) == (
        "f: the file holds 2 questions; one import takes at most 1: split it into several files"
    )


def test_gift_counts_blocks_even_when_they_are_broken() -> None:
    broken = "\n\n".join("::x::Pick one.{~only}" for _ in range(5))
    assert "holds 5 questions" in refusal(parse_gift, broken, 4)
    with pytest.raises(InterchangeError) as raised:
        parse_gift(broken, "f", max_questions=5)
    assert len(raised.value.problems) == 5
    assert not isinstance(raised.value, FileRefused)


def test_aiken_refuses_more_lines_than_the_limit_of_questions_can_have() -> None:
    junk = "A) a\n" * (2 * 28 + 1)

    assert refusal(parse_aiken, junk, 2) == (
        "f: the file has 57 lines; 2 questions (the most one import takes) have at most 56: "
        "split it into several files"
    )


def test_aiken_counts_question_lines_as_well_as_answer_lines() -> None:
    assert "holds 3 questions" in refusal(parse_aiken, "One?\nTwo?\nThree?\n", 2)


def test_a_gift_block_over_the_size_limit_is_reported_without_being_read() -> None:
    huge = "::big::" + "word " * (MAX_QUESTION_CHARACTERS // 5) + "{T}\n\n::ok::Fine.{T}\n"

    with pytest.raises(InterchangeError) as raised:
        parse_gift(huge, "f")

    (problem,) = raised.value.problems
    assert str(problem) == (
        f"f:1: this question is {len(huge.splitlines()[0]):,} characters long; a question may "
        f"be at most {MAX_QUESTION_CHARACTERS:,} (is a blank line missing between two "
        "questions?)"
    )
