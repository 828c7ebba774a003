"""GIFT and Moodle XML for matching distractors and shared rights, and for ordering
questions in qtype_ordering's GIFT block (docs/interchange-gift.md,
docs/interchange-moodle-xml.md)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from quizapp.domain.interchange import InterchangeError
from quizapp.domain.interchange.gift import dump_gift, parse_gift
from quizapp.domain.interchange.moodle_xml import dump_moodle_xml, parse_moodle_xml
from quizapp.domain.question_types import Matching, Ordering, Pair
from quizapp.domain.question_types.ordering import MOODLE_SETTINGS
from quizapp.domain.questions import Question, QuestionInvalid, question_from_mapping
from tests.unit.interchange.test_gift import TEXT, carried
from tests.unit.interchange.test_gift import problems_of as gift_problems
from tests.unit.interchange.test_moodle_xml import problems_of as xml_problems
from tests.unit.interchange.test_moodle_xml import question as xml_question
from tests.unit.interchange.test_moodle_xml import quiz, without_unportable

ROOT = Path(__file__).resolve().parents[3]
DATA = ROOT / "tests" / "data" / "interchange" / "matching-ordering"

ANIMALS = Matching(
    id="animals",
    prompt="Match each animal to its class.",
    pairs=(
        Pair(left="cat", right="mammal"),
        Pair(left="dog", right="mammal"),
        Pair(left="snake", right="reptile"),
    ),
    distractors=("bird", "fish"),
)
PLANETS = Ordering(
    id="planets",
    prompt="Order the planets from the Sun.",
    items=("Mercury", "Venus", "Earth", "Mars"),
    explanation="Mercury is closest.",
)


def gift_mappings(text: str) -> list[dict[str, object]]:
    return [question.to_mapping() for question in parse_gift(text, "test.gift")]


def xml_subquestion(left: str, right: str) -> str:
    answer = f"<answer><text>{right}</text></answer>"
    return f'<subquestion format="html"><text>{left}</text>{answer}</subquestion>'


# ------------------------------------------------------------------------ matching: GIFT


def test_moodles_gift_distractor_imports_as_an_extra_answer() -> None:
    (question,) = parse_gift((DATA / "matching-distractor.gift").read_bytes(), "m.gift")
    assert question.to_mapping() == {
        "id": "organelle-jobs",
        "type": "matching",
        "prompt": "Match each organelle to its job.",
        "pairs": [
            {"left": "Ribosome", "right": "makes proteins"},
            {"left": "Mitochondrion", "right": "releases energy"},
        ],
        "distractors": ["stores starch"],
    }


GIFT_MATCHING = [
    (
        "shared right and a distractor",
        "Q{=cat -> mammal =dog -> mammal = -> reptile}",
        [{"left": "cat", "right": "mammal"}, {"left": "dog", "right": "mammal"}],
        ["reptile"],
    ),
    (
        "distractors anywhere in the block",
        "Q{\n= -> bird\n=cat -> mammal\n=  ->  fish \n=snake -> reptile\n}",
        [{"left": "cat", "right": "mammal"}, {"left": "snake", "right": "reptile"}],
        ["bird", "fish"],
    ),
    (
        # Moodle offers each distinct text once: these add nothing and are left out.
        "distractors repeating a right or each other",
        "Q{=cat -> mammal =snake -> reptile = -> mammal = -> bird = -> bird}",
        [{"left": "cat", "right": "mammal"}, {"left": "snake", "right": "reptile"}],
        ["bird"],
    ),
    (
        "escaped distractor",
        "Q{=a -> 1 =b -> 2 = -> 3 \\= three \\{x\\}}",
        [{"left": "a", "right": "1"}, {"left": "b", "right": "2"}],
        ["3 = three {x}"],
    ),
]


@pytest.mark.parametrize(
    ("text", "pairs", "distractors"),
    [pytest.param(t, p, d, id=label) for label, t, p, d in GIFT_MATCHING],
)
def test_gift_matching_reads_pairs_and_distractors(
    text: str, pairs: list[dict[str, str]], distractors: list[str]
) -> None:
    (mapping,) = gift_mappings(text)
    assert mapping["pairs"] == pairs
    assert mapping.get("distractors", []) == distractors


GIFT_MATCHING_PROBLEMS = [
    ("Q{=a -> 1 = -> }", (1, 13, "expected text on either side of '->'")),
    ("Q{= -> x = -> y}", (1, 3, "pairs needs at least 2 entries, found 0")),
    ("Q{=a -> 1 =a -> 1 = -> 2}", (1, 12, "left 'a' repeats")),
    ("Q{=a -> 1\n=b -> 1}", (1, 3, "every pair has the right '1' and there is no distractor")),
]


@pytest.mark.parametrize(("text", "expected"), GIFT_MATCHING_PROBLEMS)
def test_gift_matching_problems_say_where_and_what(
    text: str, expected: tuple[int, int, str]
) -> None:
    (found,) = gift_problems(text)
    assert found[:2] == expected[:2]
    assert expected[2] in found[2]


def test_gift_export_writes_distractors_with_an_empty_left() -> None:
    written = dump_gift([ANIMALS])
    assert written.endswith(
        "::animals::[markdown]Match each animal to its class.{\n"
        "\t=cat -> mammal\n\t=dog -> mammal\n\t=snake -> reptile\n"
        "\t= -> bird\n\t= -> fish\n}\n"
    )
    assert parse_gift(written, "export.gift") == [ANIMALS]


# ---------------------------------------------------------------------- matching: XML


def test_xml_subquestions_without_text_are_distractors() -> None:
    text = quiz(
        xml_question(
            "matching",
            xml_subquestion("cat", "mammal")
            + xml_subquestion("", "bird")
            + xml_subquestion("dog", "mammal")
            + xml_subquestion("", "")  # Moodle skips an empty subquestion
            + xml_subquestion("snake", "reptile")
            + xml_subquestion("", "reptile")  # adds nothing in Moodle either
            + xml_subquestion("", "bird")
            + xml_subquestion("", "fish"),
            name="Animals",
            prompt="Match each animal to its class.",
        )
    )
    (question,) = parse_moodle_xml(text, "animals.xml")
    assert isinstance(question, Matching)
    assert question.pairs == ANIMALS.pairs
    assert question.distractors == ("bird", "fish")


def test_xml_export_writes_a_subquestion_with_empty_text_per_distractor() -> None:
    written = dump_moodle_xml([ANIMALS])
    subquestions = written.split("<subquestion ")[1:]
    assert [part.split("<text>")[1].split("</text>")[0] for part in subquestions] == [
        "cat",
        "dog",
        "snake",
        "",
        "",
    ]
    assert [part.split("<text>")[2].split("</text>")[0] for part in subquestions] == [
        "mammal",
        "mammal",
        "reptile",
        "bird",
        "fish",
    ]
    assert parse_moodle_xml(written, "export.xml") == [ANIMALS]


XML_MATCHING_PROBLEMS = [
    (
        xml_subquestion("cat", "mammal") + xml_subquestion("", "bird"),
        "needs at least two <subquestion> elements, found 1 with question text (the others "
        "are distractors)",
    ),
    (
        xml_subquestion("cat", "mammal") + xml_subquestion("dog", "mammal"),
        "every pair has the right 'mammal' and there is no distractor",
    ),
    (
        xml_subquestion("cat", "mammal") + xml_subquestion("dog", ""),
        "<subquestion> 2: <subquestion> 2 must not be empty",
    ),
]


@pytest.mark.parametrize(("body", "message"), XML_MATCHING_PROBLEMS)
def test_xml_matching_problems_name_the_subquestion(body: str, message: str) -> None:
    (problem,) = xml_problems(quiz(xml_question("matching", body, name="M")))
    assert message in problem
    assert "pairs[" not in problem and "distractors[" not in problem


# ---------------------------------------------------------------------- matching: round trips


@st.composite
def matchings(draw: st.DrawFn) -> Question:
    """Matching questions with shared rights and distractors, in texts full of GIFT syntax."""
    lefts = draw(st.lists(TEXT, min_size=2, max_size=4, unique_by=str.strip))
    assume(not any("->" in left for left in lefts))
    rights = draw(st.lists(TEXT, min_size=1, max_size=len(lefts)))
    pairs = [{"left": left, "right": draw(st.sampled_from(rights))} for left in lefts]
    mapping = {
        "id": "m",
        "type": "matching",
        "prompt": draw(TEXT),
        "pairs": pairs,
        "distractors": draw(st.lists(TEXT, max_size=3)),
    }
    try:
        return question_from_mapping(mapping)
    except QuestionInvalid:
        assume(False)
        raise


@settings(max_examples=150, deadline=None)
@given(matchings())
def test_matching_survives_gift_and_xml(original: Question) -> None:
    (from_gift,) = parse_gift(dump_gift([original]), "m.gift")
    assert carried(from_gift) == carried(original)
    (from_xml,) = parse_moodle_xml(dump_moodle_xml([original]), "m.xml")
    assert from_xml == without_unportable(original)


# ------------------------------------------------------------------------ ordering: GIFT

PLANETS_ITEMS = ["Mercury", "Venus", "Earth", "Mars"]

GIFT_ORDERING = [
    (
        "as qtype_ordering writes it",
        "::Planets::[html]Order the planets from the Sun.{>4 ALL VERTICAL "
        "RELATIVE_NEXT_EXCLUDE_LAST SHOW none\nMercury\nVenus\nEarth\nMars\n}",
    ),
    # Settings the plugin had no value for are written as nothing between the spaces.
    ("empty settings", "Planets{>4     none\nMercury\nVenus\nEarth\nMars\n}"),
    ("no settings", "Planets{>4\nMercury\nVenus\nEarth\nMars}"),
    (
        "before numbering styles",
        "Planets{>4 ALL VERTICAL RELATIVE SHOW\nMercury\nVenus\nEarth\nMars}",
    ),
    # Moodle's other settings read: the grading type is kept, every item is shown.
    (
        "a subset and other grading",
        "Planets{>2 RANDOM HORIZONTAL ABSOLUTE_POSITION HIDE 123\nMercury\nVenus\nEarth\nMars}",
    ),
    ("short spellings", "Planets{> 4 EXACT H REL 0\n  Mercury\n\tVenus  \nEarth\nMars}"),
    (
        "general feedback",
        "Planets{>4 ALL\nMercury\nVenus\nEarth\nMars\n####Mercury is closest.}",
    ),
]


@pytest.mark.parametrize("text", [pytest.param(text, id=label) for label, text in GIFT_ORDERING])
def test_gift_ordering_block_reads_the_items_in_order(text: str) -> None:
    (mapping,) = gift_mappings(text)
    assert mapping["type"] == "ordering"
    assert mapping["items"] == PLANETS_ITEMS


def test_gift_ordering_items_keep_what_other_blocks_would_read_as_syntax() -> None:
    (mapping,) = gift_mappings(
        "Steps{>3 ALL VERTICAL RELATIVE_NEXT_EXCLUDE_LAST SHOW none\n"
        "x = 1\nthen ~ and -> arrows\na \\{brace\\} and a \\# hash\n}"
    )
    assert mapping["items"] == ["x = 1", "then ~ and -> arrows", "a {brace} and a # hash"]


GIFT_ORDERING_PROBLEMS = [
    ("Q{>ALL\nA\nB\nC}", (1, 3, "expected the number of items after '>'")),
    ("Q{>\nA\nB\nC}", (1, 3, "expected the number of items after '>'")),
    (
        "Q{>3 ALL SIDEWAYS\nA\nB\nC}",
        (1, 3, "'SIDEWAYS' is not one of qtype_ordering's settings on the line '>3 ALL SIDEWAYS'"),
    ),
    # Settings go in the plugin's order, in capitals; an item on the header line is refused.
    ("Q{>3 VERTICAL ALL\nA\nB\nC}", (1, 3, "'ALL' is not one of qtype_ordering's settings")),
    ("Q{>3 all\nA\nB\nC}", (1, 3, "'all' is not one of qtype_ordering's settings")),
    ("Q{>3 Apple\nBanana\nCherry}", (1, 3, "put each item on a line of its own")),
    ("Q{>2 ALL\nA\nB}", (1, 3, "items needs at least 3 entries, found 2")),
    ("Q{>3 ALL\nA\nB\nA}", (4, 1, "item 'A' repeats")),
]


@pytest.mark.parametrize(("text", "expected"), GIFT_ORDERING_PROBLEMS)
def test_gift_ordering_problems_say_where_and_what(
    text: str, expected: tuple[int, int, str]
) -> None:
    (found,) = gift_problems(text)
    assert found[:2] == expected[:2]
    assert expected[2] in found[2]


def test_gift_export_writes_qtype_orderings_block() -> None:
    written = dump_gift([PLANETS])
    assert written.endswith(
        "::planets::[markdown]Order the planets from the Sun.{\n"
        "\t>4 ALL VERTICAL RELATIVE_NEXT_EXCLUDE_LAST SHOW none\n"
        "\tMercury\n\tVenus\n\tEarth\n\tMars\n"
        "\t####Mercury is closest.\n}\n"
    )
    assert parse_gift(written, "export.gift") == [PLANETS]


def test_gift_export_escapes_only_what_would_break_the_block() -> None:
    steps = Ordering(
        id="steps",
        prompt="Order.",
        items=("x = 1 ~ y: z -> w", "a {b} c", "back\\slash", "hash #### mark", "two\nlines"),
    )
    written = dump_gift([steps])
    assert (
        "\tx = 1 ~ y: z -> w\n\ta \\{b\\} c\n\tback\\\\slash\n\thash \\#\\#\\#\\# mark\n"
        "\ttwo\\nlines\n}" in written
    )
    assert parse_gift(written, "export.gift") == [steps]


# -------------------------------------------------------------- ordering: GIFT and XML agree


def test_gift_and_xml_state_the_same_moodle_settings() -> None:
    gift_header = dump_gift([PLANETS]).split("{\n\t", 1)[1].split("\n", 1)[0]
    assert gift_header == ">4 " + " ".join(MOODLE_SETTINGS.values())
    xml = dump_moodle_xml([PLANETS])
    for name, value in {**MOODLE_SETTINGS, "selectcount": "4"}.items():
        assert f"<{name}>{value}</{name}>" in xml


def test_gift_and_xml_read_moodles_settings_alike() -> None:
    """Both take the grading type, ignore a subset selection, and keep the file order."""
    settings_xml = (
        "<layouttype>HORIZONTAL</layouttype><selecttype>RANDOM</selecttype>"
        "<selectcount>2</selectcount><gradingtype>ABSOLUTE_POSITION</gradingtype>"
        "<showgrading>HIDE</showgrading><numberingstyle>123</numberingstyle>"
    )
    answers = "".join(
        f'<answer fraction="{n}" format="html"><text>{item}</text></answer>'
        for n, item in enumerate(PLANETS_ITEMS, 1)
    )
    xml = quiz(
        xml_question("ordering", settings_xml + answers, name="planets", prompt=PLANETS.prompt)
    )
    gift = (
        "::planets::[html]Order the planets from the Sun.{>2 RANDOM HORIZONTAL "
        "ABSOLUTE_POSITION HIDE 123\nMercury\nVenus\nEarth\nMars\n}"
    )
    (from_xml,) = parse_moodle_xml(xml, "planets.xml")
    (from_gift,) = parse_gift(gift, "planets.gift")
    assert from_xml == from_gift
    assert from_gift.to_mapping() == {
        "id": "planets",
        "type": "ordering",
        "prompt": PLANETS.prompt,
        "items": PLANETS_ITEMS,
        "grading": "absolute_position",
    }


@st.composite
def orderings(draw: st.DrawFn) -> Question:
    """Ordering questions whose items hold GIFT syntax of every kind."""
    items = draw(st.lists(TEXT, min_size=3, max_size=6, unique_by=str.strip))
    mapping = {"id": "o", "type": "ordering", "prompt": draw(TEXT), "items": items}
    if draw(st.booleans()):
        mapping["explanation"] = draw(TEXT)
    try:
        question = question_from_mapping(mapping)
    except QuestionInvalid:
        assume(False)
        raise
    assume(question.gift_problem() is None)
    return question


@settings(max_examples=150, deadline=None)
@given(orderings())
def test_ordering_survives_gift_and_xml_alike(original: Question) -> None:
    (from_gift,) = parse_gift(dump_gift([original]), "o.gift")
    (from_xml,) = parse_moodle_xml(dump_moodle_xml([original]), "o.xml")
    assert carried(from_gift) == carried(original)
    assert from_xml == without_unportable(original)
    assert carried(from_gift) == carried(from_xml)


def test_an_item_starting_with_two_slashes_is_not_exported_to_gift() -> None:
    comment = Ordering(id="paths", prompt="Order.", items=("/a", "//b", "c"))
    written = dump_gift([comment])
    assert "// Not exported: ordering question 'paths': the item '//b' starts with '//'" in written
    with pytest.raises(InterchangeError):
        parse_gift(written, "export.gift")
