"""GIFT import and export (quizapp.domain.interchange.gift).

Sample files live in tests/data/interchange/gift/: valid/ covers every construct Moodle
documents and a file as Moodle exports it; invalid/ holds one file per kind of mistake.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from quizapp.domain.bank import read_bank
from quizapp.domain.interchange import InterchangeError
from quizapp.domain.interchange.gift import dump_gift, parse_gift
from quizapp.domain.question_types import (
    Choice,
    Matching,
    MultipleChoice,
    Numeric,
    Ordering,
    Pair,
    ShortAnswer,
    SingleChoice,
    TrueFalse,
)
from quizapp.domain.questions import Question, QuestionInvalid, question_from_mapping

ROOT = Path(__file__).resolve().parents[3]
DATA = ROOT / "tests" / "data" / "interchange" / "gift"
# What GIFT cannot carry (docs/interchange-gift.md): compared nowhere after a round trip.
NOT_CARRIED = ("evidence", "difficulty", "points", "unit", "units", "case_sensitive")


def carried(question: Question) -> dict[str, object]:
    """The part of a question GIFT carries: everything but NOT_CARRIED."""
    mapping = question.to_mapping()
    for name in NOT_CARRIED:
        mapping.pop(name, None)
    return mapping


def parse_one(text: str) -> dict[str, object]:
    (question,) = parse_gift(text, "test.gift")
    return question.to_mapping()


def problems_of(data: str | bytes) -> list[tuple[int | None, int | None, str]]:
    with pytest.raises(InterchangeError) as caught:
        parse_gift(data, "test.gift")
    return [(p.line, p.column, p.message) for p in caught.value.problems]


# ---------------------------------------------------------------------------- valid files

VALID = {
    "docs-examples.gift": [
        {
            "id": "grants-tomb",
            "type": "single",
            "prompt": "Who's buried in Grant's tomb?",
            "choices": [
                {"text": "Grant", "correct": False},
                {"text": "Jefferson", "correct": False},
                {"text": "no one", "correct": True},
            ],
        },
        {
            "id": "missing-word",
            "type": "single",
            "prompt": "Grant is _____ in Grant's tomb.",
            "choices": [
                {"text": "buried", "correct": False},
                {"text": "entombed", "correct": True},
                {"text": "living", "correct": False},
            ],
        },
        {
            "id": "grant-tf",
            "type": "true_false",
            "prompt": "Grant is buried in Grant's tomb.",
            "answer": False,
        },
        {
            "id": "sun-tf",
            "type": "true_false",
            "prompt": "The sun rises in the east.",
            "answer": True,
        },
        {
            "id": "moon-tf",
            "type": "true_false",
            "prompt": "The moon is made of cheese.",
            "answer": False,
            # {FALSE#first#second}: the first is for the wrong answer (choosing true).
            "feedback_true": "Wrong: it is rock.",
            "feedback_false": "Right: no cheese.",
            "explanation": "Apollo brought back rock, not cheese.",
        },
        {
            "id": "mars-tf",
            "type": "true_false",
            "prompt": "Mars is the fourth planet from the Sun.",
            "answer": True,
            "feedback_true": "Yes.",
            "feedback_false": "It is the fourth.",
        },
        {
            "id": "two-plus-two",
            "type": "short",
            "prompt": "Two plus two equals _____.",
            "answers": ["four", "4"],
        },
        {
            "id": "short-with-feedback",
            "type": "short",
            "prompt": "Who's buried in Grant's tomb?",
            "answers": [
                {"text": "no one", "feedback": "Correct!"},
                {"text": "nobody", "feedback": "Also right."},
                {
                    "text": "Grant",
                    "fraction": 0.5,
                    "feedback": "Half credit: he is buried there, with his wife.",
                },
                {"text": "Jefferson", "fraction": 0, "feedback": "He is not buried there."},
            ],
        },
        {
            "id": "grant-born",
            "type": "numeric",
            "prompt": "When was Ulysses S. Grant born?",
            "answer": 1822,
            "tolerance": 5,
        },
        {
            "id": "pi",
            "type": "numeric",
            "prompt": "What is the value of pi (to 3 decimal places)?",
            "answer": 3.1415,
            "tolerance": 0.0005,
        },
        {
            "id": "several-numeric",
            "type": "numeric",
            "prompt": "When was Ulysses S. Grant born?",
            "answers": [
                {"value": 1822, "feedback": "Correct! Full credit."},
                {
                    "value": 1822,
                    "tolerance": 2,
                    "fraction": 0.5,
                    "feedback": "He was born in 1822. Half credit for being close.",
                },
            ],
        },
        {
            "id": "capitals",
            "type": "matching",
            "prompt": "Match the following countries with their corresponding capitals.",
            "pairs": [
                {"left": "Canada", "right": "Ottawa"},
                {"left": "Italy", "right": "Rome"},
                {"left": "Japan", "right": "Tokyo"},
                {"left": "India", "right": "New Delhi"},
            ],
            "explanation": "It's good to know the capitals.",
        },
        {
            "id": "grants-family",
            "type": "multiple",
            "prompt": "What two people are entombed in Grant's tomb?",
            # Moodle's key: -100% each (not the right/wrong formula's -50%).
            "choices": [
                {"text": "No one", "fraction": -1},
                {"text": "Grant", "fraction": 0.5},
                {"text": "Grant's wife", "fraction": 0.5},
                {"text": "Grant's father", "fraction": -1},
            ],
        },
        {
            "id": "feedback-everywhere",
            "type": "single",
            "prompt": "What's the answer to this multiple-choice question?",
            "choices": [
                {
                    "text": "wrong answer",
                    "correct": False,
                    "feedback": "feedback comment on the wrong answer",
                },
                {
                    "text": "another wrong answer",
                    "correct": False,
                    "feedback": "feedback comment on this wrong answer",
                },
                {"text": "right answer", "correct": True, "feedback": "Very good!"},
            ],
            "explanation": "General feedback for everyone.",
        },
        {
            "id": "escapes",
            "type": "single",
            "prompt": "Which sum equals 5? In set notation {5}, ratio 5:1.",
            "choices": [
                {"text": "= 2 + 2", "correct": False},
                {"text": "= 2 + 3", "correct": True},
                {"text": "= 2 + 4 # not this one", "correct": False},
            ],
        },
        {
            "id": "backslash",
            "type": "short",
            "prompt": "Which character starts a GIFT escape, as in \\{?",
            "answers": ["backslash", "\\"],
        },
        {
            "id": "line-break",
            "type": "true_false",
            "prompt": "First line\nsecond line.",
            "answer": True,
        },
        {
            "id": "markdown",
            "type": "true_false",
            "prompt": "Is **Ottawa** the capital of _Canada_?",
            "answer": True,
        },
    ],
    "categories-and-tags.gift": [
        {
            "id": "treaty",
            "type": "true_false",
            "prompt": "China and Russia are formal treaty allies.",
            "answer": False,
            "feedback_true": "They have no treaty of alliance.",
            "feedback_false": "Right: they are partners, not treaty allies.",
            "tags": ["alliance", "recall", "China: Russia"],
        },
        {
            "id": "cr-02",  # no title: the Moodle idnumber names it
            "type": "numeric",
            "prompt": "How many times had Xi and Putin met by early 2024?",
            "answer": 42,
            "tags": ["China: Russia"],
        },
        {
            "id": "pipeline",
            "type": "single",
            "prompt": "Which pipeline would carry Russian gas to China through Mongolia?",
            "choices": [
                {"text": "Power of Siberia 2", "correct": True},
                {"text": "Nord Stream", "correct": False},
                {"text": "Druzhba", "correct": False},
            ],
            # The category tag "Trade/Energy" is already there, so it is not repeated.
            "tags": ["Trade/Energy", "pipes ] and valves"],
        },
        {
            "id": "untagged",
            "type": "true_false",
            "prompt": "Moscow is the capital of Russia.",
            "answer": True,
        },
        {
            "id": "untagged-2",
            "type": "true_false",
            "prompt": "Beijing is the capital of China.",
            "answer": True,
        },
    ],
    "formats.gift": [
        {"id": "plain", "type": "true_false", "prompt": "Is 2*3*4 equal to 24?", "answer": True},
        {
            "id": "auto-format-with-html",
            "type": "true_false",
            "prompt": "Is **bold** & *italic* text allowed?\nIt is.",
            "answer": True,
        },
        {
            "id": "auto-format-on-two-lines",
            "type": "true_false",
            "prompt": "Line one of the question\nline two of the question",
            "answer": True,
        },
        {
            "id": "html",
            "type": "true_false",
            "prompt": "Water boils at *100 °C*.\n\nAt sea level.",
            "answer": True,
        },
        {
            "id": "html-answers",
            "type": "single",
            "prompt": "Pick the **noble** gas.",
            "choices": [
                {"text": "Neon", "correct": True, "feedback": "Yes, **neon**."},
                {"text": "Oxygen <reactive>", "correct": False},
                {"text": "*Chlorine*", "correct": False},
            ],
        },
        {
            "id": "unknown-prefix",
            "type": "true_false",
            "prompt": "[Note] This prefix is not a format, so it stays.",
            "answer": True,
        },
    ],
    "moodle-export.gift": [
        {
            "id": "cell-membrane",
            "type": "true_false",
            "prompt": "The cell membrane is **selectively** permeable.",
            "answer": True,
            "feedback_true": "Correct.",
            "feedback_false": "It lets some molecules through and not others.",
            "explanation": "Membranes let some molecules through and not others.",
            # Moodle's automatic "Default for ..." category gives no tag.
            "tags": ["cells"],
        },
        {
            "id": "organelle",
            "type": "single",
            "prompt": "Which organelle makes most of the cell's ATP?",
            "choices": [
                {"text": "Mitochondrion", "correct": True, "feedback": "Yes."},
                {"text": "Ribosome", "correct": False, "feedback": "Ribosomes make proteins."},
                {"text": "Nucleus", "correct": False},
            ],
            "explanation": "The mitochondrion is the powerhouse of the cell.",
        },
        {
            "id": "chromosomes",
            "type": "numeric",
            "prompt": "How many chromosomes does a human body cell have?",
            "answer": 46,
        },
        {
            "id": "photosynthesis-gas",
            "type": "short",
            "prompt": "Which gas do plants take in for photosynthesis?",
            "answers": [
                "carbon dioxide",
                "CO2",
                {"text": "oxygen", "fraction": 0, "feedback": "Oxygen is given off."},
            ],
        },
        {
            "id": "organelle-jobs",
            "type": "matching",
            "prompt": "Match each organelle to its job.",
            "pairs": [
                {"left": "Ribosome", "right": "makes proteins"},
                {"left": "Mitochondrion", "right": "releases energy"},
                {"left": "Nucleus", "right": "holds the DNA"},
            ],
        },
        {
            "id": "plant-cells",
            "type": "multiple",
            "prompt": "Which are found in plant cells but not in animal cells?",
            # Moodle's key: -100% each (not the right/wrong formula's -50%).
            "choices": [
                {"text": "Cell wall", "fraction": 0.5},
                {"text": "Chloroplast", "fraction": 0.5},
                {"text": "Nucleus", "fraction": -1},
                {"text": "Mitochondrion", "fraction": -1},
            ],
        },
        {
            "id": "ratio",
            "type": "single",
            "prompt": "Water is H2O: what is the ratio of hydrogen to oxygen atoms?",
            "choices": [
                {"text": "2:1", "correct": True},
                {"text": "1:2", "correct": False},
                {"text": "1:1", "correct": False},
            ],
        },
    ],
}


def test_every_valid_sample_has_expectations() -> None:
    assert sorted(path.name for path in (DATA / "valid").iterdir()) == sorted(VALID)


@pytest.mark.parametrize("name", sorted(VALID))
def test_valid_sample_imports_as_expected(name: str) -> None:
    questions = parse_gift((DATA / "valid" / name).read_bytes(), name)
    assert [question.to_mapping() for question in questions] == VALID[name]


# -------------------------------------------------------------------------- invalid files

WEIGHTS = "100, 90, 83.33333, 80, 75, 70, 66.66667, 60, 50, 40, 33.33333, 30, 25, 20"
INVALID = {
    "unclosed-brace.gift": [(4, 44, "this '{' opens an answer block that is never closed")],
    "one-answer.gift": [(1, 42, "needs at least two answers; found 1")],
    "numeric-not-a-number.gift": [
        (2, 50, "expected a number, found 'abc'"),
        (4, 45, "expected a number, found 'ten'"),
    ],
    "weight-not-allowed.gift": [
        (line, 6, f"weight 33.3% is not one of Moodle's grades: expected one of {WEIGHTS}")
        for line in (2, 3, 4)
    ],
    "no-right-answer.gift": [(2, 38, "this choice block has no right answer")],
    "unknown-construct.gift": [
        # {Rome} is a short answer, as in Moodle; {true} is taken for a mistyped {TRUE}.
        (3, 45, "{true} is not a true/false answer: write {T} or {TRUE}"),
    ],
    "essay.gift": [(1, 67, "essay questions are not supported: question 'Essay'")],
    "description.gift": [(2, 10, "description questions are not supported: question 'Intro'")],
    "cloze.gift": [(1, 68, "cloze (embedded answers) questions are not supported")],
    "partial-multiple.gift": [(1, 38, "the positive grades add up to 90% (70% + 20%)")],
    "category-not-alone.gift": [(2, 1, "expected a blank line after the $CATEGORY line")],
    "title-unclosed.gift": [(1, 1, "question title opened with '::' is never closed")],
    "stray-braces.gift": [
        (1, 35, "'}' closes an answer block that was never opened"),
        (3, 37, "unexpected '{' inside the answer block opened at line 3, column 23"),
    ],
    "not-utf8.gift": [(5, 17, "not UTF-8: byte 0xe9 cannot be decoded")],
    "numeric-problems.gift": [
        (1, 51, "the range 5..1 runs backwards"),
        (3, 39, "the tolerance -1 must not be negative"),
        (5, 85, "weight 45% is not one of Moodle's grades"),
        (7, 53, "no full-credit answer"),
    ],
    "matching-problems.gift": [
        (3, 6, "expected 'left -> right' in a matching block, found 'Cat meow'"),
        (7, 5, "expected '=' before 'Cow'"),
    ],
    "invalid-fields.gift": [
        (4, 6, "choice text 'Venus' repeats"),
        (7, 13, "prompt must not contain raw HTML"),
        (9, 34, "answer 1 (line 9, column 34) '.' has nothing to match"),
    ],
    "short-without-full-credit.gift": [(1, 62, "no full-credit answer")],
    "empty.gift": [(1, None, "no questions found")],
    "html-image.gift": [(2, 8, "this text shows an image, and GIFT cannot carry the image's file")],
    "many-problems.gift": [
        (2, 40, "weight 15% is not one of Moodle's grades"),
        (4, 40, "expected a number, found 'eight'"),
        (8, 31, "this '{' opens an answer block that is never closed"),
    ],
}


def test_every_invalid_sample_has_expectations() -> None:
    assert sorted(path.name for path in (DATA / "invalid").iterdir()) == sorted(INVALID)


@pytest.mark.parametrize("name", sorted(INVALID))
def test_invalid_sample_reports_every_problem_where_it_is(name: str) -> None:
    with pytest.raises(InterchangeError) as caught:
        parse_gift((DATA / "invalid" / name).read_bytes(), name)
    found = caught.value.problems
    assert [(p.line, p.column) for p in found] == [(line, col) for line, col, _ in INVALID[name]]
    for problem, (_, _, fragment) in zip(found, INVALID[name], strict=True):
        assert fragment in problem.message
        assert problem.path == name
    # str() is what a teacher sees: file:line:column: message.
    line, column, _ = INVALID[name][0]
    assert str(found[0]).startswith(f"{name}:{line}" + (f":{column}" if column else ""))


# ------------------------------------------------------------------ constructs, one by one

CONSTRUCTS = [
    # true/false: {T#feedback when wrong#feedback when right} as Moodle reads it
    ("Q{T#no#yes}", {"answer": True, "feedback_true": "yes", "feedback_false": "no"}),
    ("Q{F#no#yes}", {"answer": False, "feedback_true": "no", "feedback_false": "yes"}),
    ("Q{TRUE##only right}", {"answer": True, "feedback_true": "only right"}),
    ("Q{FALSE#only wrong}", {"answer": False, "feedback_true": "only wrong"}),
    ("Q{T####why}", {"answer": True, "explanation": "why"}),
    # choices
    (
        "Q{=a ~b}",
        {
            "type": "single",
            "choices": [{"text": "a", "correct": True}, {"text": "b", "correct": False}],
        },
    ),
    ("Q{=a ~%-50%b ~%0%c}", {"type": "single"}),
    (
        "Q{~%100%a ~b}",
        {
            "type": "multiple",
            # Moodle's key: b costs nothing (the right/wrong formula would take 100%).
            "choices": [{"text": "a", "fraction": 1}, {"text": "b", "fraction": 0}],
        },
    ),
    ("Q{~%33.33333%a ~%33.333%b ~%33.3333%c ~%-100%d}", {"type": "multiple"}),
    ("Q{~%25%a ~%25%b ~%25%c ~%25%d ~e}", {"type": "multiple"}),
    ("Q{~%50%a ~%50%b ~%-10%c ~%-10%d}", {"type": "multiple"}),
    (
        "Q{=[plain]%50% off ~[markdown]%20% off}",
        {
            "choices": [
                {"text": "%50% off", "correct": True},
                {"text": "%20% off", "correct": False},
            ]
        },
    ),
    ("Q{=%a ~b}", {"choices": [{"text": "%a", "correct": True}, {"text": "b", "correct": False}]}),
    # short answers: weights and feedback kept; a negative weight earns what 0% does
    ("Q{=a}", {"type": "short", "answers": ["a"]}),
    (
        "Q{=%100%a =%50%b =%0%c =%-100%d =e#fine}",
        {
            "answers": [
                "a",
                {"text": "b", "fraction": 0.5},
                {"text": "c", "fraction": 0},
                {"text": "d", "fraction": 0},
                {"text": "e", "feedback": "fine"},
            ]
        },
    ),
    ("Q{=[plain]a =[html]<b>b</b>}", {"answers": ["a", "<b>b</b>"]}),
    # numbers
    ("Q{#42}", {"type": "numeric", "answer": 42}),
    ("Q{#-1.5e3:0.5}", {"answer": -1500, "tolerance": 0.5}),
    ("Q{#1..5}", {"answer": 3, "tolerance": 2}),
    ("Q{#-5..-1}", {"answer": -3, "tolerance": 2}),
    (
        "Q{# 3.14 : 0.01 #close enough}",
        {"answers": [{"value": 3.14, "tolerance": 0.01, "feedback": "close enough"}]},
    ),
    (
        "Q{#=2:0 =%50%2:1}",
        {"answers": [{"value": 2}, {"value": 2, "tolerance": 1, "fraction": 0.5}]},
    ),
    (
        "Q{#=2:1 =2.5:1}",
        {"answers": [{"value": 2, "tolerance": 1}, {"value": 2.5, "tolerance": 1}]},
    ),
    ("Q{#=2 =2}", {"answers": [{"value": 2}, {"value": 2}]}),
    ("Q{#42 ~#Count again.}", {"answer": 42}),
    ("Q{#.5}", {"answer": 0.5}),
    # matching: '->' splits at the first arrow
    (
        "Q{=a -> b =c -> d}",
        {"type": "matching", "pairs": [{"left": "a", "right": "b"}, {"left": "c", "right": "d"}]},
    ),
    (
        "Q{=a -> b -> c =d->e}",
        {"pairs": [{"left": "a", "right": "b -> c"}, {"left": "d", "right": "e"}]},
    ),
    # the prompt
    (
        "::T::Grant is {=entombed ~buried} in Grant's tomb.",
        {"prompt": "Grant is _____ in Grant's tomb."},
    ),
    ("{=Paris ~Rome} is the capital of France.", {"prompt": "_____ is the capital of France."}),
    ("::T::[html]A&amp;B <br/>C{T}", {"prompt": "A&B\nC"}),
    ("::T::[moodle]a<br>b{T}", {"prompt": "a\nb"}),
    # HTML goes through the Moodle XML converter: Markdown characters escaped, links kept,
    # a "<" that would open a tag defused
    ("::T::[html]2*3 &lt;b&gt;{T}", {"prompt": "2\\*3 < b>"}),
    (
        '::T::[html]See <a href\\="https://example.org">this</a>.{T}',
        {"prompt": "See [this](https://example.org)."},
    ),
    ("::T::Typed 2*3 < 4 stays.{T}", {"prompt": "Typed 2*3 < 4 stays."}),
    ("::T::Plain a < b, stays.{T}", {"prompt": "Plain a < b, stays."}),
    ("::T::Ends with a colon\\:{T}", {"prompt": "Ends with a colon:"}),
    ("::T::  Spaces   inside   stay.  {T}", {"prompt": "Spaces   inside   stay."}),
    ("::T::Inline // is not a comment.{T}", {"prompt": "Inline // is not a comment."}),
    ("::T::Q\n// a comment line inside\n{T}", {"prompt": "Q"}),
    ("::T::Unknown escape \\q stays.{T}", {"prompt": "Unknown escape \\q stays."}),
    (
        "::T::Escaped \\\\n is a backslash and n.{T}",
        {"prompt": "Escaped \\n is a backslash and n."},
    ),
]


@pytest.mark.parametrize(("text", "expected"), CONSTRUCTS)
def test_construct_maps_as_documented(text: str, expected: dict[str, object]) -> None:
    mapping = parse_one(text)
    assert {key: mapping.get(key) for key in expected} == expected


IDS = [
    ("::Grant's tomb::Q{T}", "grants-tomb"),
    ("::already-a-bank-id--kept::Q{T}", "already-a-bank-id--kept"),
    ("// [id:CR 7]\nQ{T}", "cr-7"),
    ("// [id:CR 7]\n::Title wins::Q{T}", "title-wins"),
    (
        "Who wrote the Iliad and the Odyssey, and when?{=Homer}",
        "who-wrote-the-iliad-and-the-odyssey-and",
    ),
    ("::::Empty title falls back to the prompt{T}", "empty-title-falls-back-to-the-prompt"),
    ("::Ünïcödé \\: title::Q{T}", "unicode-title"),
    ("::!!!::Q{T}", "question"),
]


@pytest.mark.parametrize(("text", "expected"), IDS)
def test_question_id_comes_from_the_title(text: str, expected: str) -> None:
    assert parse_one(text)["id"] == expected


def test_repeated_titles_get_distinct_ids() -> None:
    questions = parse_gift("::Q::A{T}\n\n::Q::B{T}\n\n::q::C{T}", "test.gift")
    assert [question.id for question in questions] == ["q", "q-2", "q-3"]


CATEGORIES = [
    ("$course$/top/China: Russia", ("China: Russia",)),
    ("$course$/top/History/Cold War", ("Cold War",)),
    ("$course$/top/Default for POL 201", ()),
    ("$course$/top/Trade//Energy", ("Trade/Energy",)),
    ("Plain name", ("Plain name",)),
    ("$course$/top", ()),
    ("$system$", ()),
    ("top", ()),
]


@pytest.mark.parametrize(("category", "tags"), CATEGORIES)
def test_category_gives_its_last_segment_as_a_tag(category: str, tags: tuple[str, ...]) -> None:
    text = f"$CATEGORY: {category}\n\n::A::First.{{T}}\n\n::B::Second.{{F}}"
    questions = parse_gift(text, "test.gift")
    assert [question.tags for question in questions] == [tags, tags]


def test_a_later_category_replaces_the_earlier_one() -> None:
    text = "Before.{T}\n\n$CATEGORY: $course$/top/A\n\nIn A.{T}\n\n$CATEGORY: B\n\nIn B.{T}"
    assert [q.tags for q in parse_gift(text, "test.gift")] == [(), ("A",), ("B",)]


def test_empty_category_is_a_problem() -> None:
    assert problems_of("$CATEGORY:\n\nQ{T}") == [
        (1, 1, "expected a category after $CATEGORY:, e.g. $CATEGORY: $course$/top/Geography")
    ]


MORE_PROBLEMS = [
    ("Q{=a =%50%b ~c}", (1, 7, "a weight goes after '~'")),
    ("Q{~%abc%a =b}", (1, 4, "'%abc%' is not a weight")),
    ("Q{~%150%a =b}", (1, 4, "weight 150% is not one of Moodle's grades")),
    ("Q{a ~b =c}", (1, 3, "expected '=' or '~' before 'a'")),
    ("Q{#}", (1, 4, "expected a number after '#'")),
    ("Q{####only feedback}", (1, 2, "essay questions are not supported")),
    ("Q{#1e999}", (1, 4, "expected a number, found '1e999'")),
    ("Q{#inf}", (1, 4, "expected a number, found 'inf'")),
    ("Q{#..5}", (1, 4, "expected a number, found '..5'")),
    ("Q{#1:2:3}", (1, 4, "expected a number, found '2:3'")),
    ("Q{=a -> b}", (1, 3, "pairs needs at least 2 entries, found 1")),
    ("Q{=a -> b =a -> c}", (1, 12, "left 'a' repeats the left side of pair 1 (line 1, column 4)")),
]


@pytest.mark.parametrize(("text", "expected"), MORE_PROBLEMS)
def test_problem_says_where_and_what(text: str, expected: tuple[int, int, str]) -> None:
    (found,) = problems_of(text)
    assert found[:2] == expected[:2]
    assert expected[2] in found[2]


def test_duplicate_prompts_are_fine_ids_differ() -> None:
    questions = parse_gift("Q{=Paris}\n\nQ{=Rome}", "test.gift")
    assert [question.id for question in questions] == ["q", "q-2"]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"\xef\xbb\xbfQ{T}", None),
        ("\ufeffQ{T}", None),
        (b"Q{T}\r\n\r\nR{F}", None),
        (b"Q{T}\n\n\xc3", (3, 1, "not UTF-8: byte 0xc3 cannot be decoded")),
        (b"\xff\xfeQ\x00{\x00", (1, 1, "not UTF-8: byte 0xff")),
        ("Q{T}\ud800", (1, 5, "not UTF-8: the text holds a lone surrogate character")),
        (None, (None, None, "expected the bytes or text of a file, not NoneType")),
        (42, (None, None, "expected the bytes or text of a file, not int")),
    ],
)
def test_encodings(data: object, expected: tuple[int | None, int | None, str] | None) -> None:
    if expected is None:
        assert parse_gift(data, "test.gift")  # type: ignore[arg-type]
    else:
        (found,) = problems_of(data)  # type: ignore[arg-type]
        assert found[:2] == expected[:2]
        assert found[2].startswith(expected[2])


# -------------------------------------------------------------------------------- export

TF = TrueFalse(
    id="tf",
    prompt="Is it true?",
    answer=False,
    feedback_true="No: it is false.",
    feedback_false="Right.",
    explanation="Because.",
    tags=("recall", "a]b"),
)
EXPORTS = [
    (
        TF,
        "// [tag:recall] [tag:a\\]b]\n"
        "::tf::[markdown]Is it true?{FALSE#No\\: it is false.#Right.####Because.}\n",
    ),
    (TrueFalse(id="t", prompt="Sure?", answer=True), "::t::[markdown]Sure?{TRUE}\n"),
    (
        TrueFalse(id="t", prompt="Sure?", answer=True, feedback_true="Yes"),
        "::t::[markdown]Sure?{TRUE##Yes}\n",
    ),
    (
        SingleChoice(
            id="s",
            prompt="Pick {one}:",
            choices=(
                Choice(text="a = b", correct=True, feedback="#1"),
                Choice(text="~c", correct=False),
                Choice(text="[html] not a format", correct=False),
                Choice(text="%50% not a weight", correct=False),
            ),
        ),
        "::s::[markdown]Pick \\{one\\}\\:{\n"
        "\t=a \\= b#\\#1\n"
        "\t~\\~c\n"
        "\t~[markdown][html] not a format\n"
        "\t~[markdown]%50% not a weight\n"
        "}\n",
    ),
    (
        MultipleChoice(
            id="m",
            prompt="Pick all.",
            choices=(
                Choice(text="a", correct=True),
                Choice(text="b", correct=True),
                Choice(text="c", correct=True),
                Choice(text="d", correct=False, feedback="No."),
            ),
        ),
        "::m::[markdown]Pick all.{\n"
        "\t~%33.33333%a\n\t~%33.33333%b\n\t~%33.33333%c\n\t~%-100%d#No.\n}\n",
    ),
    (
        ShortAnswer(id="sa", prompt="Name\nit.", answers=("C:\\", "T"), explanation="x"),
        "::sa::[markdown]Name\\nit.{\n\t=C\\:\\\\\n\t=T\n\t####x\n}\n",
    ),
    (
        Numeric(id="n", prompt="How many?", answer=2600, tolerance=0.5, unit="miles"),
        "::n::[markdown]How many?{#2600:0.5}\n",
    ),
    (Numeric(id="n", prompt="Tiny?", answer=1e-20), "::n::[markdown]Tiny?{#1e-20}\n"),
    (
        Matching(
            id="mt",
            prompt="Match.",
            pairs=(Pair(left="[x]", right="[y] -> z"), Pair(left="a-", right=">b")),
        ),
        "::mt::[markdown]Match.{\n\t=[markdown][x] -> [y] -> z\n\t=a- -> >b\n}\n",
    ),
]


@pytest.mark.parametrize(("question", "expected"), EXPORTS)
def test_export_writes_moodle_gift(question: Question, expected: str) -> None:
    written = dump_gift([question])
    assert written.endswith("\n\n" + expected)
    (back,) = parse_gift(written, "export.gift")
    assert carried(back) == carried(question)


# GIFT writes ordering questions (qtype_ordering's block) unless an item would read as a
# comment line.
ORDERING = Ordering(id="steps", prompt="Order\nthese.", items=("first", "//second", "third"))
SKIPPED = [
    (ORDERING, "the item '//second' starts with '//', which GIFT reads as a comment line"),
    (
        Matching(
            id="arrow",
            prompt="M",
            pairs=(Pair(left="a -> b", right="c"), Pair(left="d", right="e")),
        ),
        "the left item 'a -> b' contains '->', which GIFT cannot escape",
    ),
    (
        ShortAnswer(id="arrow", prompt="S", answers=("x->y",)),
        "the answer 'x->y' contains '->'",
    ),
    (
        MultipleChoice(
            id="eleven",
            prompt="M",
            choices=tuple(Choice(text=str(n), correct=n < 11) for n in range(12)),
        ),
        "11 right choices would each need 9.0909%, which is not one of Moodle's grades",
    ),
]


@pytest.mark.parametrize(("question", "reason"), SKIPPED)
def test_question_without_a_gift_form_is_written_as_a_comment(
    question: Question, reason: str
) -> None:
    keep = TrueFalse(id="keep", prompt="Kept?", answer=True)
    written = dump_gift([question, keep])
    assert f"// Not exported: {question.type_name} question {question.id!r}: {reason}" in written
    assert [q.id for q in parse_gift(written, "export.gift")] == ["keep"]


def test_ordering_comment_lists_the_items_in_order() -> None:
    written = dump_gift([ORDERING])
    assert "// Prompt: Order these.\n// 1. first\n// 2. //second\n// 3. third\n" in written


@pytest.mark.parametrize(("right", "wrong"), [(r, w) for r in range(1, 5) for w in range(1, 5)])
def test_exported_weights_make_moodle_grade_like_us(right: int, wrong: int) -> None:
    choices = [Choice(text=f"right {n}", correct=True) for n in range(right)]
    choices += [Choice(text=f"wrong {n}", correct=False) for n in range(wrong)]
    question = MultipleChoice(id="m", prompt="M", choices=tuple(choices))
    weights = [float(w) for w in re.findall(r"~%(-?[0-9.]+)%", dump_gift([question]))]
    for picked in itertools.chain.from_iterable(
        itertools.combinations(range(len(choices)), size) for size in range(1, len(choices) + 1)
    ):
        # Moodle: the chosen answers' weights added up, clamped to 0..1.
        moodle = min(1.0, max(0.0, sum(weights[i] for i in picked) / 100))
        assert moodle == pytest.approx(question.grade(list(picked)), abs=1e-6)


def test_multiple_choice_penalty_uses_the_nearest_moodle_grade() -> None:
    wrong = [Choice(text=f"wrong {n}", correct=False) for n in range(12)]
    choices = (Choice(text="right", correct=True), *wrong)
    question = MultipleChoice(id="m", prompt="M", choices=choices)
    written = dump_gift([question])
    assert "\t~%100%right\n\t~%-10%wrong 0\n" in written  # 100/12 is not a grade; 10 is nearest
    (back,) = parse_gift(written, "export.gift")
    # The file means Moodle's grading, and that is what comes back: -10% per wrong choice.
    assert [choice.credit for choice in back.choices] == [1.0] + [-0.1] * 12


def test_export_category_comes_back_as_a_tag() -> None:
    question = TrueFalse(id="q", prompt="Q?", answer=True, tags=("recall",))
    written = dump_gift([question], category="$course$/top/China: Russia")
    assert "\n$CATEGORY: $course$/top/China: Russia\n\n" in written
    (back,) = parse_gift(written, "export.gift")
    assert back.tags == ("recall", "China: Russia")


@pytest.mark.parametrize("category", ["", "   ", "two\nlines", "tab\there"])
def test_export_refuses_a_category_that_is_not_one_line(category: str) -> None:
    with pytest.raises(ValueError, match="category must be one non-empty line"):
        dump_gift([], category=category)


def test_export_of_nothing_imports_as_no_questions() -> None:
    (problem,) = problems_of(dump_gift([]))
    assert problem[2].startswith("no questions found")


def test_the_whole_shipped_bank_survives_export_and_import() -> None:
    questions = [q for bank in read_bank(ROOT / "questions") for q in bank.questions()]
    back = parse_gift(dump_gift(questions), "bank.gift")
    # Every question comes back, in order, ordering questions included.
    assert len(back) == len(questions) > 50
    assert [carried(q) for q in back] == [carried(q) for q in questions]


# ------------------------------------------------------------------------ property tests

# Pieces that mean something in GIFT, so random texts hit every escape and guard.
GIFT_BITS = (
    "\\", "\\\\", "\\n", "#", "####", "=", "~", "{", "}", ":", "::", "->", "-", ">",
    "[html]", "[plain]", "[markdown]", "[moodle]", "[", "]", "%", "%50%", "%-25%",
    "//", "$CATEGORY:", "T", "TRUE", "_____", "[tag:x]", "&amp;", "*", " ", "\n", "\t",
)  # fmt: skip
CHARS = st.characters(exclude_categories=("Cs", "Cc"))
TEXT = st.lists(
    st.one_of(st.sampled_from(GIFT_BITS), st.text(CHARS, min_size=1, max_size=5)),
    min_size=1,
    max_size=6,
).map("".join)
# Tags go into a comment line, which cannot hold line breaks or control characters.
TAG = st.lists(
    st.one_of(st.sampled_from(("]", "\\", "[", "[tag:", " ")), st.text(CHARS, max_size=4)),
    min_size=1,
    max_size=4,
).map("".join)
IDS_ST = st.from_regex(r"[a-z0-9-]{1,70}", fullmatch=True)


@st.composite
def questions(draw: st.DrawFn) -> Question:
    """Any valid question GIFT can express, through question_from_mapping."""
    kind = draw(
        st.sampled_from(("single", "multiple", "true_false", "short", "numeric", "matching"))
    )
    mapping: dict[str, object] = {
        "id": draw(IDS_ST),
        "type": kind,
        "prompt": draw(TEXT),
        "points": draw(st.sampled_from((1, 2, 0.5))),
        "difficulty": draw(st.sampled_from((1, 2, 3))),
        "tags": draw(st.lists(TAG.map(str.strip).filter(bool), max_size=3, unique=True)),
    }
    if draw(st.booleans()):
        mapping["explanation"] = draw(TEXT)
    feedback = st.one_of(st.none(), TEXT)
    if kind in ("single", "multiple"):
        texts = draw(st.lists(TEXT, min_size=2, max_size=6, unique_by=str.strip))
        if kind == "single":
            right = {draw(st.integers(0, len(texts) - 1))}
        else:
            right = set(draw(st.sets(st.integers(0, len(texts) - 1), min_size=1)))
            assume(len(right) < len(texts))
        choices = []
        for index, text in enumerate(texts):
            choice: dict[str, object] = {"text": text, "correct": index in right}
            if (note := draw(feedback)) is not None:
                choice["feedback"] = note
            choices.append(choice)
        mapping["choices"] = choices
    elif kind == "true_false":
        mapping["answer"] = draw(st.booleans())
        for name in ("feedback_true", "feedback_false"):
            if (note := draw(feedback)) is not None:
                mapping[name] = note
    elif kind == "short":
        answers = draw(st.lists(TEXT, min_size=1, max_size=4))
        assume(not any("->" in answer for answer in answers))
        mapping["answers"] = answers
        mapping["case_sensitive"] = draw(st.booleans())
    elif kind == "numeric":
        mapping["answer"] = draw(st.floats(allow_nan=False, allow_infinity=False))
        mapping["tolerance"] = draw(st.floats(min_value=0, allow_infinity=False))
    else:
        lefts = draw(st.lists(TEXT, min_size=2, max_size=4, unique_by=str.strip))
        size = len(lefts)
        rights = draw(st.lists(TEXT, min_size=size, max_size=size, unique_by=str.strip))
        assume(not any("->" in left for left in lefts))
        mapping["pairs"] = [{"left": a, "right": b} for a, b in zip(lefts, rights, strict=True)]
    try:
        return question_from_mapping(mapping)
    except QuestionInvalid:
        assume(False)
        raise


@settings(max_examples=150, deadline=None)
@given(st.lists(questions(), min_size=1, max_size=4, unique_by=lambda q: q.id))
def test_export_then_import_gives_the_same_questions(originals: list[Question]) -> None:
    back = parse_gift(dump_gift(originals), "roundtrip.gift")
    assert [carried(q) for q in back] == [carried(q) for q in originals]


def never_raises_anything_but_interchange_error(data: str | bytes) -> None:
    try:
        questions = parse_gift(data, "fuzz.gift")
    except InterchangeError as error:
        assert error.problems
        assert all(problem.path == "fuzz.gift" for problem in error.problems)
    else:
        assert questions
        assert all(isinstance(question, Question) for question in questions)


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes_only_ever_raise_interchange_error(data: bytes) -> None:
    never_raises_anything_but_interchange_error(data)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300))
def test_random_text_only_ever_raises_interchange_error(data: str) -> None:
    never_raises_anything_but_interchange_error(data)


GIFTISH = st.lists(
    st.one_of(
        st.sampled_from((*GIFT_BITS, "\n\n", "{T}", "{#", "..", "%100%", "::t::", "$CATEGORY: a")),
        st.text(st.sampled_from("ab1.-% <>&;"), max_size=4),
    ),
    max_size=40,
).map("".join)


@settings(max_examples=150, deadline=None)
@given(GIFTISH)
def test_random_gift_like_text_only_ever_raises_interchange_error(data: str) -> None:
    never_raises_anything_but_interchange_error(data)
