"""The readers take what they can: each question that cannot be imported is skipped with
where it is and why, in the file's own terms, and the others are read."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from quizapp.domain.interchange import (
    InterchangeError,
    ReadResult,
    in_plain_words,
    ordinal,
)
from quizapp.domain.interchange.aiken import read_aiken
from quizapp.domain.interchange.gift import read_gift
from quizapp.domain.interchange.moodle_xml import read_moodle_xml
from quizapp.rendering import markdown_inline

DATA = Path(__file__).parents[2] / "data" / "interchange"
Reader = Callable[..., ReadResult]
READERS: dict[str, Reader] = {"gift": read_gift, "moodle-xml": read_moodle_xml, "aiken": read_aiken}

GIFT = """\
::good::Sweden is in Europe.{T}

::bad weight::Which is a prime number?{=7 ~%35%11 ~8}

// [id:ID-7]
::kept::Pick the ocean.{=Pacific ~Alps}

Pick one.{~only}

::Essay::Write about it.{}

Unnamed but fine.{F}
"""


def xml(*questions: str) -> bytes:
    return ("<quiz>" + "".join(questions) + "</quiz>").encode()


def true_false(name: str, prompt: str, idnumber: str = "") -> str:
    number = f"<idnumber>{idnumber}</idnumber>" if idnumber else ""
    return (
        f'<question type="truefalse"><name><text>{name}</text></name>{number}'
        f"<questiontext><text>{prompt}</text></questiontext>"
        '<answer fraction="100"><text>true</text></answer>'
        '<answer fraction="0"><text>false</text></answer></question>'
    )


def test_gift_reads_the_good_questions_and_skips_each_broken_one_with_line_and_column() -> None:
    result = read_gift(GIFT, "quiz.gift")

    assert [read.question.id for read in result.questions] == ["good", "kept", "unnamed-but-fine"]
    assert [str(skipped).split(": ", 1)[0] for skipped in result.skipped] == [
        "quiz.gift:3:44",
        "quiz.gift:8:10",
        "quiz.gift:10:25",
    ]
    assert "essay questions are not supported" in str(result.skipped[2])


@pytest.mark.parametrize(
    ("source", "names"),
    [
        ("::Capital city::Paris?{T}", ("capital-city",)),
        ("// [id:FR-1]\n::Capital::Paris?{T}", ("capital", "fr-1")),
        ("// [id:FR-1]\nParis?{T}", ("fr-1",)),
        ("Paris is the capital?{T}", ()),
    ],
)
def test_gift_names_a_question_by_its_title_then_its_id_number(
    source: str, names: tuple[str, ...]
) -> None:
    (read,) = read_gift(source, "quiz.gift").questions
    assert read.names == names


def test_moodle_xml_skips_each_broken_question_naming_its_position_and_name() -> None:
    result = read_moodle_xml(
        (DATA / "moodle-xml/invalid/some-good-some-bad.xml").read_bytes(), "q.xml"
    )

    assert [read.question.id for read in result.questions] == ["fine-question"]
    assert [str(skipped) for skipped in result.skipped] == [
        "q.xml: question 3 (Reflection): essay questions are not supported: it is graded by "
        "hand; our questions are graded automatically",
        "q.xml: question 4 (Veto year): <answer> 1: 'two thousand four' is not a number; "
        "expected a number such as 42, -3.5 or 6.02e23",
    ]


@pytest.mark.parametrize(
    ("name", "idnumber", "names"),
    [
        ("wet", "", ("wet",)),
        ("Wet water", "wet", ("wet-water", "wet")),
        ("", "wet", ("wet",)),
        ("", "", ()),
    ],
)
def test_moodle_xml_names_a_question_by_name_then_idnumber(
    name: str, idnumber: str, names: tuple[str, ...]
) -> None:
    (read,) = read_moodle_xml(xml(true_false(name, "Water is wet.", idnumber)), "q.xml").questions
    assert read.names == names


def test_aiken_skips_each_broken_question_with_every_problem_and_its_line() -> None:
    text = (
        "Good?\nA) yes\nB) no\nANSWER: A\n\n"
        "Two lines\nstill the question\nA) x\nB) y\nANSWER: C\n\n"
        "A) stray\n\n"
        "Also good?\nA) yes\nB) no\nANSWER: B\n"
    )

    result = read_aiken(text, "q.txt")

    assert [read.question.prompt for read in result.questions] == ["Good?", "Also good?"]
    assert [[p.line for p in skipped.problems] for skipped in result.skipped] == [[7, 10], [12]]
    assert "unknown ANSWER letter 'C'" in str(result.skipped[0])
    assert "option A comes before any question" in str(result.skipped[1])


@pytest.mark.parametrize(
    ("written", "shown"),
    [
        ("Which tag makes text <b>bold</b>?", "Which tag makes text &lt;b&gt;bold&lt;/b&gt;?"),
        ("Is 2 < 3 and 3 > 2?", "Is 2 &lt; 3 and 3 &gt; 2?"),
        ("What does &amp; stand for?", "What does &amp;amp; stand for?"),
        ("<!-- a comment -->", "&lt;!-- a comment --&gt;"),
        (
            "*not emphasis in Moodle, but kept as written*",
            "<em>not emphasis in Moodle, but kept as written</em>",
        ),
    ],
)
def test_aiken_text_with_html_is_shown_as_written(written: str, shown: str) -> None:
    """Moodle escapes Aiken text: markup is shown, never obeyed, stripped or refused."""
    (read,) = read_aiken(f"{written}\nA) <i>one</i>\nB) two\nANSWER: A\n", "q.txt").questions

    assert str(markdown_inline(read.question.prompt)) == shown
    assert str(markdown_inline(read.question.choices[0].text)) == "&lt;i&gt;one&lt;/i&gt;"


@pytest.mark.parametrize(
    ("reader", "source", "type_name"),
    [
        ("gift", "::E::Write.{}", "essay"),
        ("gift", "::D::Only text here.", "description"),
        ("gift", "::C::One {=a} and two {=b}.", "cloze (embedded answers)"),
        (
            "moodle-xml",
            xml('<question type="essay"><name><text>E</text></name></question>'),
            "essay",
        ),
        (
            "moodle-xml",
            xml('<question type="multianswer"/>'),
            "embedded answers (cloze, multianswer)",
        ),
        ("moodle-xml", xml('<question type="calculated"/>'), "calculated"),
        ("moodle-xml", xml('<question type="calculatedsimple"/>'), "simple calculated"),
        ("moodle-xml", xml('<question type="calculatedmulti"/>'), "calculated multichoice"),
        ("moodle-xml", xml('<question type="ddwtos"/>'), "drag and drop into text (ddwtos)"),
        ("moodle-xml", xml('<question type="gapselect"/>'), "select missing words (gapselect)"),
        ("moodle-xml", xml('<question type="ddimageortext"/>'), "drag and drop onto image"),
        ("moodle-xml", xml('<question type="ddmarker"/>'), "drag and drop markers (ddmarker)"),
        ("moodle-xml", xml('<question type="description"/>'), "description"),
    ],
)
def test_a_type_we_refuse_is_named_in_the_skip_reason(
    reader: str, source: str | bytes, type_name: str
) -> None:
    (skipped,) = READERS[reader](source, "f").skipped
    assert f"{type_name}" in str(skipped)
    assert "questions are not supported: " in str(skipped)


# Broken questions whose problems come from our validation, which speaks of field paths.
BROKEN = {
    "gift": """\
::dup::Pick.{=Venus ~Venus ~Mars}

::pairs::Match.{=a -> x =a -> y =b -> z}

::short::Say.{=. =ok}

::empty::Pick.{= ~b}

::num::N?{#1:-1}
""",
    "moodle-xml": xml(
        '<question type="matching"><name><text>m</text></name><questiontext><text>M</text>'
        "</questiontext><subquestion><text>a</text><answer><text>x</text></answer></subquestion>"
        "<subquestion><text>a</text><answer><text>y</text></answer></subquestion>"
        "<subquestion><text>b</text><answer><text>z</text></answer></subquestion></question>",
        '<question type="multichoice"><name><text>c</text></name><questiontext><text>C</text>'
        '</questiontext><single>true</single><answer fraction="100"><text>x</text></answer>'
        '<answer fraction="0"><text>x</text></answer></question>',
        '<question type="ordering"><name><text>o</text></name><questiontext><text>O</text>'
        "</questiontext><answer><text>x</text></answer><answer><text>x</text></answer>"
        "<answer><text>y</text></answer></question>",
    ).decode(),
    "aiken": "Q?\nA) x\nB) x\nANSWER: A\n\nR?\nA) \nB) y\nANSWER: B\n",
}


def _invalid_files() -> list[tuple[str, Path]]:
    return [
        (reader, path)
        for reader in READERS
        for path in sorted((DATA / reader / "invalid").iterdir())
    ]


@pytest.mark.parametrize(
    ("reader", "path"), _invalid_files(), ids=lambda v: str(getattr(v, "name", v))
)
def test_no_message_of_a_broken_sample_file_names_a_field_path(reader: str, path: Path) -> None:
    try:
        messages = [str(p) for p in READERS[reader](path.read_bytes(), path.name).problems]
    except InterchangeError as error:
        messages = [str(p) for p in error.problems]
    assert messages
    for message in messages:
        assert not re.search(r"[0-9]\]", message), message


@pytest.mark.parametrize("reader", list(BROKEN))
def test_validation_problems_name_the_parts_in_the_files_own_terms(reader: str) -> None:
    result = READERS[reader](BROKEN[reader], "f")

    messages = [str(problem) for problem in result.problems]
    assert len(result.skipped) >= 2
    for message in messages:
        assert not re.search(r"[0-9]\]|\]\.", message), message


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("right 'x' repeats pairs[0].right", "right 'x' repeats the 1st pair's right side"),
        ("choices[2].text must not be empty", "the 3rd choice's text must not be empty"),
        ("answers[10] is empty", "the 11th answer is empty"),
        ("items[21] and items[22].text", "the 22nd item and the 23rd item's text"),
        ("no path here [sic]", "no path here [sic]"),
    ],
)
def test_field_paths_become_plain_words(message: str, expected: str) -> None:
    assert in_plain_words(message) == expected


@pytest.mark.parametrize(
    ("number", "text"),
    [(1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (11, "11th"), (12, "12th"), (13, "13th"),
     (21, "21st"), (102, "102nd"), (111, "111th")],
)  # fmt: skip
def test_ordinals(number: int, text: str) -> None:
    assert ordinal(number) == text
