"""The grading type of ordering questions in GIFT and Moodle XML (issue 11): read from
qtype_ordering's ``<gradingtype>`` and GIFT header, written back, the two formats agreeing
(docs/interchange-gift.md, docs/interchange-moodle-xml.md)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizapp.domain.interchange.gift import dump_gift, parse_gift
from quizapp.domain.interchange.moodle_xml import dump_moodle_xml, parse_moodle_xml
from quizapp.domain.question_types import Ordering
from quizapp.domain.question_types.ordering import DEFAULT_GRADING, GRADINGS
from tests.unit.interchange.test_gift import problems_of as gift_problems
from tests.unit.interchange.test_moodle_xml import problems_of as xml_problems
from tests.unit.interchange.test_moodle_xml import question as xml_question
from tests.unit.interchange.test_moodle_xml import quiz

REAL = Path(__file__).resolve().parents[2] / "data" / "interchange" / "real" / "moodle-ordering"
ITEMS = ("Mercury", "Venus", "Earth", "Mars")
# Items holding what other GIFT blocks read as syntax.
ITEM_TEXTS = ["a", "b c", "x = 1", "d -> e", "~f", "g#h", "{i}"]

# qtype_ordering's words for each grading type (its set_options_for_import).
MOODLE_WORDS = [
    ("RELATIVE_NEXT_EXCLUDE_LAST", "relative_next_exclude_last"),
    ("RELATIVE", "relative_next_exclude_last"),
    ("REL", "relative_next_exclude_last"),
    ("ABSOLUTE_POSITION", "absolute_position"),
    ("ABSOLUTE", "absolute_position"),
    ("ABS", "absolute_position"),
    ("ALL_OR_NOTHING", "all_or_nothing"),
    ("RELATIVE_NEXT_INCLUDE_LAST", "relative_next_include_last"),
    ("RELATIVE_ONE_PREVIOUS_AND_NEXT", "relative_one_previous_and_next"),
    ("RELATIVE_ALL_PREVIOUS_AND_NEXT", "relative_all_previous_and_next"),
    ("LONGEST_ORDERED_SUBSET", "longest_ordered_subset"),
    ("LONGEST_CONTIGUOUS_SUBSET", "longest_contiguous_subset"),
    ("RELATIVE_TO_CORRECT", "relative_to_correct"),
]


def xml_ordering(settings_xml: str) -> str:
    answers = "".join(
        f'<answer fraction="{n}" format="html"><text>{item}</text></answer>'
        for n, item in enumerate(ITEMS, 1)
    )
    return quiz(xml_question("ordering", settings_xml + answers, name="planets"))


def read_xml(settings_xml: str) -> Ordering:
    (question,) = parse_moodle_xml(xml_ordering(settings_xml), "planets.xml")
    assert isinstance(question, Ordering)
    assert question.items == ITEMS
    return question


def read_gift(header: str) -> Ordering:
    (question,) = parse_gift(f"::planets::Order.{{{header}\n" + "\n".join(ITEMS) + "\n}", "p.gift")
    assert isinstance(question, Ordering)
    assert question.items == ITEMS
    return question


# ------------------------------------------------------------------------ reading


@pytest.mark.parametrize(("word", "grading"), MOODLE_WORDS)
def test_xml_reads_the_gradingtype(word: str, grading: str) -> None:
    assert read_xml(f"<selecttype>ALL</selecttype><gradingtype>{word}</gradingtype>").grading == (
        grading
    )


@pytest.mark.parametrize(
    ("settings_xml", "grading"),
    [
        # qtype_ordering upper-cases the word and trims spaces.
        ("<gradingtype> absolute_position </gradingtype>", "absolute_position"),
        ("<gradingtype>All_Or_Nothing</gradingtype>", "all_or_nothing"),
        # Absent or empty: its default.
        ("", DEFAULT_GRADING),
        ("<gradingtype></gradingtype>", DEFAULT_GRADING),
        ("<gradingtype/>", DEFAULT_GRADING),
    ],
)
def test_xml_reads_the_gradingtype_as_qtype_ordering_does(settings_xml: str, grading: str) -> None:
    assert read_xml(settings_xml).grading == grading


def test_xml_refuses_a_gradingtype_qtype_ordering_does_not_know() -> None:
    (problem,) = xml_problems(xml_ordering("<gradingtype>BY_HEIGHT</gradingtype>"))
    assert "<gradingtype> 'BY_HEIGHT' is not one of qtype_ordering's grading types" in problem
    assert "ABSOLUTE_POSITION" in problem and "LONGEST_CONTIGUOUS_SUBSET" in problem


@pytest.mark.parametrize(("word", "grading"), MOODLE_WORDS)
def test_gift_reads_the_grading_word_of_the_header(word: str, grading: str) -> None:
    assert read_gift(f">4 ALL VERTICAL {word} SHOW none").grading == grading


@pytest.mark.parametrize(
    ("header", "grading"),
    [
        (">4 ABSOLUTE_POSITION", "absolute_position"),
        (">4 ALL ALL_OR_NOTHING", "all_or_nothing"),
        (">4 RANDOM H LONGEST_ORDERED_SUBSET HIDE 123", "longest_ordered_subset"),
        # REL first is the select type (qtype_ordering reads it so), not the grading.
        (">4 REL", DEFAULT_GRADING),
        (">4 ALL VERTICAL", DEFAULT_GRADING),
        (">4", DEFAULT_GRADING),
        (">4     none", DEFAULT_GRADING),
    ],
)
def test_gift_reads_the_grading_word_wherever_the_header_has_it(header: str, grading: str) -> None:
    assert read_gift(header).grading == grading


def test_gift_refuses_a_misspelt_grading_word() -> None:
    (found,) = gift_problems("Q{>3 ALL VERTICAL ABSOLUTE_POSITON\nA\nB\nC}")
    assert found[:2] == (1, 3)
    assert "'ABSOLUTE_POSITON' is not one of qtype_ordering's settings" in found[2]


@pytest.mark.parametrize(
    "name",
    ["testquestion.moodle.xml", "testoldquestion.moodle.xml"],
)
def test_moodles_own_absolute_position_files_keep_their_grading(name: str) -> None:
    (question,) = parse_moodle_xml((REAL / name).read_bytes(), name)
    assert isinstance(question, Ordering)
    assert question.grading == "absolute_position"
    # One swap of the first two of six items: four in place.
    assert question.grade([1, 0, 2, 3, 4, 5]) == pytest.approx(4 / 6)


# ------------------------------------------------------------------------ writing


@pytest.mark.parametrize("grading", list(GRADINGS))
def test_both_exports_state_the_grading_type(grading: str) -> None:
    question = Ordering(id="planets", prompt="Order.", items=ITEMS, grading=grading)
    word = GRADINGS[grading].moodle
    assert f"\t>4 ALL VERTICAL {word} SHOW none\n" in dump_gift([question])
    assert f"<gradingtype>{word}</gradingtype>" in dump_moodle_xml([question])


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(list(GRADINGS)),
    st.lists(
        st.sampled_from(["a", "b c", "x = 1", "d -> e", "~f", "g#h"]), min_size=3, unique=True
    ),
)
def test_the_grading_survives_gift_and_xml_alike(grading: str, items: list[str]) -> None:
    original = Ordering(id="o", prompt="Order them.", items=tuple(items), grading=grading)
    (from_gift,) = parse_gift(dump_gift([original]), "o.gift")
    (from_xml,) = parse_moodle_xml(dump_moodle_xml([original]), "o.xml")
    assert from_xml == original
    assert from_gift == original
    assert from_gift.to_mapping().get("grading") == from_xml.to_mapping().get("grading")
