"""Moodle XML import and export: sample files, mapping rules, refusals, safety, round trips."""

from __future__ import annotations

import contextlib
import dataclasses
import re
import string
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from quizapp.domain.bank import read_bank
from quizapp.domain.interchange import InterchangeError
from quizapp.domain.interchange.moodle_xml import (
    MOODLE_FRACTIONS,
    dump_moodle_xml,
    html_to_text,
    parse_moodle_xml,
)
from quizapp.domain.questions import Question, QuestionInvalid, question_from_mapping

ROOT = Path(__file__).resolve().parents[3]
DATA = ROOT / "tests" / "data" / "interchange" / "moodle-xml"


def read(name: str) -> bytes:
    return (DATA / name).read_bytes()


def problems_of(data: bytes | str, path: str = "quiz.xml") -> list[str]:
    with pytest.raises(InterchangeError) as caught:
        parse_moodle_xml(data, path)
    return [str(problem) for problem in caught.value.problems]


def quiz(*questions: str) -> str:
    return '<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n' + "\n".join(questions) + "\n</quiz>\n"


def question(qtype: str, body: str, *, name: str = "Q", prompt: str = "Pick one.") -> str:
    return (
        f'<question type="{qtype}"><name><text>{name}</text></name>'
        f'<questiontext format="html"><text>{prompt}</text></questiontext>{body}</question>'
    )


def answer(fraction: str, text: str) -> str:
    return f'<answer fraction="{fraction}" format="html"><text>{text}</text></answer>'


def without_unportable(q: Question) -> Question:
    """What Moodle XML carries: everything but evidence and difficulty."""
    return dataclasses.replace(q, evidence=None, further_evidence=(), difficulty=2)


# ------------------------------------------------------------------------ valid sample


EXPECTED_EVERY_TYPE = [
    {
        "id": "border-length",
        "type": "single",
        "prompt": "How long is the border that **China** and *Russia* share?",
        "choices": [
            {"text": "About 2,600 miles", "correct": True},
            {"text": "About 600 miles", "correct": False, "feedback": "Far too short."},
            {
                "text": "About 12,000 miles",
                "fraction": -0.3333333,
                "feedback": "That is longer than the equator & then some.",
            },
        ],
        "explanation": "The introduction gives about **2,600 miles**.",
        "tags": ["recall", "geography", "Eurasia/Asia relations"],
    },
    {
        "id": "brics-members",
        "type": "multiple",
        "prompt": "Which countries joined the BRICS as of 2024? Select all that apply.",
        # Moodle's key: India costs 100%, Mexico nothing (not the formula's 50% each).
        "choices": [
            {"text": "Egypt", "fraction": 0.3333333},
            {"text": "Iran", "fraction": 0.3333333},
            {"text": "Ethiopia", "fraction": 0.3333333},
            {"text": "India", "fraction": -1, "feedback": "India is a *founding* member."},
            {"text": "Mexico", "fraction": 0},
        ],
        "points": 2,
        "tags": ["Eurasia/Asia relations"],
    },
    {
        "id": "treaty-allies",
        "type": "true_false",
        "prompt": "China and Russia are formal treaty allies.",
        "answer": False,
        "feedback_true": "No: they are not bound to defend each other.",
        "feedback_false": "Right.",
        "explanation": "They have no alliance treaty.",
        "tags": ["Eurasia/Asia relations"],
    },
    {
        "id": "no-limits",
        "type": "short",
        "prompt": (
            "What two-word phrase did Xi and Putin use for their partnership?\n"
            "Give the exact words."
        ),
        # \* is a literal star, as in Moodle; the 0% catch-all keeps its feedback.
        "answers": [
            "no limits",
            "no \\* limits",
            {"text": "*", "fraction": 0, "feedback": "Look for the phrase in quotation marks."},
        ],
        "case_sensitive": True,
        "tags": ["Economics"],
    },
    {
        "id": "trade-2023",
        "type": "numeric",
        "prompt": "How much was China-Russia trade in 2023, in *billions* of US dollars?",
        "answer": 240,
        "tolerance": 5,
        "units": [
            {"unit": "billion US dollars", "multiplier": 1},
            {"unit": "million US dollars", "multiplier": 1000},
        ],
        "explanation": "It reached an all-time high of $240 billion.",
        "points": 3,
        "tags": ["Economics"],
    },
    {
        "id": "who-said-what",
        "type": "matching",
        "prompt": "Match each speaker with the words the article attributes to them.",
        "pairs": [
            {"left": "Xi Jinping, about Putin", "right": "best friend and colleague"},
            {"left": "Vladimir Putin, about Xi", "right": "dear friend"},
            {
                "left": "Michael McCaul, about the alliance",
                "right": "the most large-scale threat since World War II",
            },
        ],
        "tags": ["Economics"],
    },
    {
        "id": "chronology",
        "type": "ordering",
        "prompt": "Put these events in order, earliest first.",
        "items": [
            "The BRICS holds its first summit",
            'Xi and Putin declare a partnership with "no limits"',
            "Russia invades Ukraine",
        ],
        # The file's <gradingtype>ABSOLUTE_POSITION</gradingtype>, kept (issue 11).
        "grading": "absolute_position",
        "explanation": (
            "BRICS summit in 2009, the Xi-Putin meeting in February 2022, then the invasion."
        ),
        "points": 2,
        "tags": ["timeline", "Economics"],
    },
]


def test_the_sample_export_imports_every_type_in_order() -> None:
    questions = parse_moodle_xml(read("valid/every-type.xml"), "every-type.xml")
    assert [q.to_mapping() for q in questions] == EXPECTED_EVERY_TYPE


def test_text_input_reads_like_bytes_and_a_bom_is_ignored() -> None:
    data = read("valid/every-type.xml")
    from_text = parse_moodle_xml(data.decode("utf-8"), "every-type.xml")
    with_bom = parse_moodle_xml(b"\xef\xbb\xbf" + data, "every-type.xml")
    assert from_text == with_bom == parse_moodle_xml(data, "every-type.xml")


# ---------------------------------------------------------------------- invalid samples

# (file, [(where, fragment)]): every problem, in order; "where" is what follows "file:".
INVALID_FILES = [
    (
        "billion-laughs.xml",
        [("2", "declares a DTD or entities (DTDForbidden)")],
    ),
    (
        "external-entity.xml",
        [("2", "declares a DTD or entities (DTDForbidden)")],
    ),
    ("malformed.xml", [("8:20", "malformed XML: not well-formed (invalid token)")]),
    ("not-utf8.xml", [("8:48", "not UTF-8: byte 0xa0 cannot be decoded")]),
    ("wrong-root.xml", [("1", "expected <quiz> as the root element, found <questestinterop>")]),
    (
        "unknown-type.xml",
        [
            (" question 1 (Map question)", "unknown question type 'hotspot'; expected one of"),
            (" question 2 (No type)", "<question> has no type; expected one of category"),
        ],
    ),
    (
        "unsupported-types.xml",
        [
            (" question 1 (Alliance essay)", "essay questions are not supported: it is graded"),
            (" question 2 (Reading note)", "description questions are not supported: it"),
            (" question 3 (Gap fill)", "cloze (embedded answers) questions are not"),
            (" question 4 (Embedded answers)", "embedded answers (cloze, multianswer) questions"),
            (" question 5 (Growth rate)", "calculated questions are not supported: its"),
            (" question 6 (Random matching)", "random short-answer matching questions are not"),
        ],
    ),
    (
        "fraction-not-allowed.xml",
        [
            (" question 1 (Odd weights)", "<answer> 1: fraction '45' is not one of Moodle's"),
            (" question 1 (Odd weights)", "<answer> 2: fraction '55' is not one of Moodle's"),
            (" question 1 (Odd weights)", "<answer> 3: fraction '33.333' is not one of"),
            (" question 1 (Odd weights)", "<answer> 4: fraction 'lots' is not a number"),
        ],
    ),
    (
        "numerical-not-a-number.xml",
        [
            (" question 1 (Meetings)", "<answer> 1: 'forty-two' is not a number; expected"),
            (" question 1 (Meetings)", "<tolerance> 'about one' must be a number of at least 0"),
        ],
    ),
    (
        "multichoice-one-answer.xml",
        [(" question 1 (Lonely choice)", "needs at least two <answer> elements, found 1")],
    ),
    (
        "single-choice-refusals.xml",
        [
            (
                " question 1 (Partial credit only)",
                "not imported: no answer is worth 100% (the best is worth 50%)",
            ),
            (" question 2 (No right answer)", "not imported: no answer is worth 100%"),
        ],
    ),
    (
        "multiple-unequal-weights.xml",
        [(" question 1 (Weighted choices)", "the positive grades add up to 90% (50% + 30% + 10%)")],
    ),
    (
        "shortanswer-refusals.xml",
        [
            # Questions 1 (partial credit) and 2 (a wildcard) are imported now.
            (" question 3 (Nothing right)", "needs an <answer> worth 100%"),
            (" question 3 (Nothing right)", "<usecase> must be true or false"),
        ],
    ),
    (
        "numerical-refusals.xml",
        [
            (" question 1 (Anything goes)", "<answer> 1 '*' accepts any number as right"),
            (" question 2 (Scaled units)", "<tolerance> '-5' must be a number of at least 0"),
            (" question 2 (Scaled units)", "none of its <units> has multiplier 1"),
            (" question 3 (Graded units)", "<unitgradingtype> 1 takes 10% (<unitpenalty>) off"),
            (" question 4 (Unit first)", "<unitsleft> puts the unit before the number"),
        ],
    ),
    (
        "matching-refusals.xml",
        # Question 1 imports: a <subquestion> with empty text is a distractor.
        [(" question 2 (Single pair)", "needs at least two <subquestion> elements, found 1")],
    ),
    (
        "ordering-two-items.xml",
        [(" question 1 (Short order)", "need at least three items (<answer> elements), found 2")],
    ),
    ("image.xml", [(" question 1 (Map)", "<questiontext> shows an image")]),
    (
        "validation-errors.xml",
        [
            (" question 1 (Same choice twice)", "<defaultgrade> '0' must be a number greater"),
            (" question 1 (Same choice twice)", "<questiontext>: prompt must not contain raw"),
            (
                " question 1 (Same choice twice)",
                "<answer> 2: choice text 'China' repeats <answer> 1",
            ),
            (" question 2 (Yes or no)", "<questiontext> is empty; a question needs a prompt"),
            (" question 2 (Yes or no)", "one with the text 'true' and one with 'false'"),
            (" question 3 (Unescaped HTML)", "<questiontext> holds the element <p> inside"),
        ],
    ),
    (
        "some-good-some-bad.xml",
        [
            (" question 3 (Reflection)", "essay questions are not supported"),
            (" question 4 (Veto year)", "<answer> 1: 'two thousand four' is not a number"),
        ],
    ),
]


@pytest.mark.parametrize(("name", "expected"), INVALID_FILES, ids=[f for f, _ in INVALID_FILES])
def test_an_invalid_file_reports_every_problem_where_it_is(
    name: str, expected: list[tuple[str, str]]
) -> None:
    problems = problems_of(read(f"invalid/{name}"), name)
    assert len(problems) == len(expected), problems
    for problem, (where, fragment) in zip(problems, expected, strict=True):
        assert problem.startswith(f"{name}:{where}: "), problem
        assert fragment in problem, problem


def test_every_invalid_sample_is_covered_by_the_table() -> None:
    on_disk = {path.name for path in (DATA / "invalid").iterdir()}
    assert on_disk == {name for name, _ in INVALID_FILES}


def test_a_problem_names_the_position_among_all_question_elements() -> None:
    with pytest.raises(InterchangeError) as caught:
        parse_moodle_xml(read("invalid/some-good-some-bad.xml"), "x.xml")
    essay = caught.value.problems[0]
    # The category pseudo-question counts: the essay is the third <question> element.
    assert (essay.position, essay.name, essay.line) == (3, "Reflection", None)


def test_an_entity_bomb_is_refused_in_well_under_a_second() -> None:
    levels = "".join(
        f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 30)
    )  # 10**29 characters if anything expanded it
    bomb = f'<?xml version="1.0"?><!DOCTYPE quiz [<!ENTITY l0 "lol">{levels}]><quiz>&l29;</quiz>'
    start = time.perf_counter()
    problems = problems_of(bomb)
    assert time.perf_counter() - start < 0.5
    assert "DTD" in problems[0]


def test_an_external_entity_is_never_read() -> None:
    problems = problems_of(read("invalid/external-entity.xml"))
    assert all("root:" not in problem for problem in problems)


def test_text_with_a_lone_surrogate_is_not_utf8() -> None:
    assert problems_of("<quiz>\n\ud800</quiz>") == [
        "quiz.xml:2:1: not UTF-8: the text holds a lone surrogate character, not valid Unicode"
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "quiz.xml:1:1: malformed XML: no element found"),
        ("<quiz>\n  <question>\n</quiz>", "quiz.xml:3:3: malformed XML: mismatched tag"),
        (
            "<quiz><question type='truefalse'>&nbsp;</question></quiz>",
            "quiz.xml:1:34: malformed XML: undefined entity (HTML entities such as &nbsp; "
            "only work inside <![CDATA[ ... ]]>)",
        ),
        ("<quiz/><quiz/>", "quiz.xml:1:8: malformed XML: junk after document element"),
    ],
)
def test_malformed_xml_is_reported_with_the_parsers_line_and_column(
    text: str, expected: str
) -> None:
    assert problems_of(text) == [expected]


@pytest.mark.parametrize(
    ("qtype", "body", "fragment"),
    [
        (
            "truefalse",
            answer("100", "true") + answer("100", "false"),
            "needs one answer worth 100 and the other worth 0, found true 100 and false 100",
        ),
        (
            "truefalse",
            answer("100", "true"),
            "needs two <answer> elements, one with the text 'true' and one with 'false'",
        ),
        (
            "multichoice",
            "<single>false</single>" + answer("0", "a") + answer("-50", "b"),
            "no answer has a positive fraction",
        ),
        (
            "multichoice",
            "<single>perhaps</single>" + answer("100", "a") + answer("0", "b"),
            "<single> must be true or false (or 1 or 0), not 'perhaps'",
        ),
        (
            "numerical",
            answer("0", "5"),
            "a numerical question needs an <answer> worth 100%",
        ),
    ],
)
def test_a_question_moodle_would_not_grade_sensibly_is_an_error(
    qtype: str, body: str, fragment: str
) -> None:
    (problem,) = problems_of(quiz(question(qtype, body, name="Odd")))
    assert problem.startswith("quiz.xml: question 1 (Odd): ")
    assert fragment in problem


# ------------------------------------------------------------------------ mapping rules


@pytest.mark.parametrize(
    "fraction",
    [
        *(f"-{value:.5f}" for value in MOODLE_FRACTIONS if value),
        "-33.333333333",
        "-50.0000000",
        "0.0000000",
        "-0",
    ],
)
def test_every_negative_moodle_grade_marks_a_wrong_choice(fraction: str) -> None:
    body = "<single>true</single>" + answer("100.0000000", "Yes") + answer(fraction, "No")
    (q,) = parse_moodle_xml(quiz(question("multichoice", body)), "q.xml")
    yes, no = q.to_mapping()["choices"]
    assert yes == {"text": "Yes", "correct": True}
    # A negative grade is kept as Moodle's fraction (it comes back on export); zero is wrong.
    grade = float(fraction or 0) / 100
    assert no == (
        {"text": "No", "correct": False}
        if grade == 0
        else {"text": "No", "fraction": pytest.approx(grade, abs=1e-6)}
    )
    assert q.grade(1) == 0.0


@pytest.mark.parametrize("fraction", ["45", "33.333", "-33.3333", "101", "1e400", "nan", ""])
def test_a_fraction_moodle_does_not_offer_is_an_error(fraction: str) -> None:
    body = "<single>true</single>" + answer("100", "Yes") + answer(fraction, "No")
    (problem,) = problems_of(quiz(question("multichoice", body, name="Odd")))
    assert problem.startswith("quiz.xml: question 1 (Odd): <answer> 2: fraction ")


@pytest.mark.parametrize(
    ("fractions", "correct"),
    [
        (["50", "50", "-100"], [True, True, False]),
        (["33.33333", "33.33333", "33.33333", "-100"], [True, True, True, False]),
        (["14.28571"] * 7 + ["-50", "-50"], [True] * 7 + [False, False]),
        (["100", "-50", "-50"], [True, False, False]),
        (["50", "50"], [True, True]),
    ],
)
def test_equal_shares_of_100_percent_become_a_multiple_choice_question(
    fractions: list[str], correct: list[bool]
) -> None:
    body = "<single>false</single>" + "".join(
        answer(fraction, f"Choice {i}") for i, fraction in enumerate(fractions)
    )
    (q,) = parse_moodle_xml(quiz(question("multichoice", body)), "q.xml")
    assert q.type_name == "multiple"
    assert [choice["correct"] for choice in q.to_mapping()["choices"]] == correct


@pytest.mark.parametrize(
    ("category", "tag"),
    [
        ("$course$/top/Default for POL 201/Eurasia", "Eurasia"),
        ("$course$/top/Trade//Sanctions", "Trade/Sanctions"),
        ("$system$/top/Physics/Optics", "Optics"),
        ("Old style", "Old style"),
        ("$course$/top", None),
        ("$course$/top/Default for POL 201", None),
        ("", None),
    ],
)
def test_a_category_tags_the_questions_that_follow_with_its_last_segment(
    category: str, tag: str | None
) -> None:
    tf = question(
        "truefalse", answer("100", "true") + answer("0", "false"), prompt="Russia is big."
    )
    text = quiz(
        f'<question type="category"><category><text>{category}</text></category></question>',
        tf,
    )
    (q,) = parse_moodle_xml(text, "q.xml")
    assert q.tags == ((tag,) if tag else ())


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ('<p dir="ltr" style="text-align: left;">Plain <b>bold</b>.<br></p>', "Plain **bold**."),
        ("<p>One</p><p>Two<br>lines</p>", "One\n\nTwo\nlines"),
        ("<strong> spaced </strong>word", "**spaced** word"),
        ("<em>it</em><i>al</i>", "*it**al*"),
        ("<b></b>empty", "empty"),
        ("Tom &amp; Jerry&nbsp;&lt;3 &eacute;t&eacute;", "Tom & Jerry <3 été"),
        ("2*3 = 6 and snake_case [x]", "2\\*3 = 6 and snake\\_case \\[x\\]"),
        ("&amp;amp; stays", "\\&amp; stays"),
        ('<a href="https://cfr.org/x y">CFR</a>', "[CFR](https://cfr.org/x%20y)"),
        ('<a href="javascript:alert(1)">click</a>', "click"),
        ('<a href="https://x.org/a(b)<script>">x</a>', "[x](https://x.org/a%28b%29%3Cscript%3E)"),
        ("<ul><li>one</li><li>two</li></ul>", "one\n\ntwo"),
        ("<span>a</span>   <span>b</span>\n c", "a b c"),
        ("&lt;b&gt;bold&lt;/b&gt;", "< b>bold< /b>"),
    ],
)
def test_html_becomes_text_with_markdown_emphasis(html: str, text: str) -> None:
    assert html_to_text(html) == text


@pytest.mark.parametrize(
    "payload",
    [
        "<script>alert(1)</script>Hi",
        "<img src=x onerror=alert(1)>Hi",
        "<p onclick='alert(1)' onerror=alert(1)>Hi</p>",
        "<svg onload=alert(1)><b onerror=alert(1)>Hi</b></svg>",
        '<a href="javascript:alert(1)" onmouseover="alert(1)">Hi</a>',
        "<noscript><img src=x onerror=alert(1)></noscript>Hi",
        "<style>*{x:expression(alert(1))}</style>Hi",
        "<iframe srcdoc='<script>alert(1)</script>'></iframe>Hi",
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>Hi",
        "<!-- <script>alert(1)</script> -->Hi",
        "&lt;script&gt;alert(1)&lt;/script&gt;Hi",
    ],
)
def test_nothing_that_could_run_script_survives(payload: str) -> None:
    text = html_to_text(payload)
    assert "<script" not in text
    assert "onerror" not in text
    assert "javascript:" not in text
    assert not re.search(r"<[A-Za-z/!]", text)


def test_a_scripted_prompt_imports_as_its_text() -> None:
    prompt = (
        "<![CDATA[<p>Is Moscow the capital?<script>alert(1)</script>"
        "<b onmouseover=alert(1)>Really</b>?</p>]]>"
    )
    body = answer("100", "true") + answer("0", "false")
    (q,) = parse_moodle_xml(quiz(question("truefalse", body, prompt=prompt)), "q.xml")
    assert q.prompt == "Is Moscow the capital?**Really**?"
    assert "<script>alert(1)</script>" not in dump_moodle_xml([q])
    assert "onerror=" not in q.prompt and "onmouseover" not in q.prompt


def test_points_explanation_names_and_duplicate_names_map_to_our_fields() -> None:
    tf = answer("100", "true") + answer("0", "false")
    text = quiz(
        question("truefalse", tf + "<defaultgrade>2.5000000</defaultgrade>", name="Allies?"),
        question("truefalse", tf, name="Allies?"),
        question("truefalse", tf, name="", prompt="Is the border 2,600 miles long?"),
    )
    questions = parse_moodle_xml(text, "q.xml")
    assert [q.id for q in questions] == ["allies", "allies-2", "is-the-border-2-600-miles-long"]
    assert [q.points for q in questions] == [2.5, 1.0, 1.0]


# ------------------------------------------------------------------------------ export


def one_of_each_type() -> list[Question]:
    mappings = [
        {
            "id": "single-one",
            "type": "single",
            "prompt": "Pick *one*",
            "choices": [
                {"text": "Right", "correct": True, "feedback": "Yes & more"},
                {"text": "Wrong", "correct": False},
            ],
        },
        {
            "id": "multiple-one",
            "type": "multiple",
            "prompt": "Pick some",
            "choices": [
                {"text": "a", "correct": True},
                {"text": "b", "correct": True},
                {"text": "c", "correct": True},
                {"text": "d", "correct": False},
                {"text": "e", "correct": False},
            ],
        },
        {"id": "tf-one", "type": "true_false", "prompt": "True?", "answer": True},
        {"id": "short-one", "type": "short", "prompt": "Say", "answers": ["a*b"]},
        {"id": "num-one", "type": "numeric", "prompt": "N?", "answer": 2.5, "unit": "km"},
        {
            "id": "match-one",
            "type": "matching",
            "prompt": "Match",
            "pairs": [{"left": "x", "right": "1"}, {"left": "y", "right": "2"}],
        },
        {"id": "order-one", "type": "ordering", "prompt": "Order", "items": ["1", "2", "3"]},
    ]
    return [question_from_mapping(mapping) for mapping in mappings]


@pytest.mark.parametrize(
    ("index", "qtype", "checks"),
    [
        (0, "multichoice", {"single": "true", "answer/@fraction": ["100", "0"]}),
        (
            1,
            "multichoice",
            {
                "single": "false",
                "answer/@fraction": ["33.33333"] * 3 + ["-50", "-50"],
            },
        ),
        (2, "truefalse", {"answer/text": ["true", "false"], "answer/@fraction": ["100", "0"]}),
        (3, "shortanswer", {"usecase": "0", "answer/text": ["a*b"]}),
        (4, "numerical", {"answer/text": ["2.5"], "units/unit/unit_name": ["km"]}),
        (5, "matching", {"subquestion/text": ["x", "y"], "subquestion/answer/text": ["1", "2"]}),
        (
            6,
            "ordering",
            {"gradingtype": "RELATIVE_NEXT_EXCLUDE_LAST", "answer/text": ["1", "2", "3"]},
        ),
    ],
)
def test_each_type_is_written_as_moodle_writes_it(
    index: int, qtype: str, checks: dict[str, object]
) -> None:
    root = ET.fromstring(dump_moodle_xml(one_of_each_type()))
    element = root.findall("question")[index]
    assert element.get("type") == qtype
    assert element.findtext("name/text") == one_of_each_type()[index].id
    assert element.find("questiontext").get("format") == "markdown"
    for path, expected in checks.items():
        if path.endswith("/@fraction"):
            found: object = [a.get("fraction") for a in element.findall(path.split("/@")[0])]
        elif isinstance(expected, list):
            found = [e.text for e in element.findall(path)]
        else:
            found = element.findtext(path)
        assert found == expected, path


def test_a_category_goes_first_and_comes_back_as_a_tag() -> None:
    questions = one_of_each_type()
    text = dump_moodle_xml(questions, category="Politics/China")
    assert "<text>$course$/top/Politics/China</text>" in text
    back = parse_moodle_xml(text, "q.xml")
    assert [q.tags for q in back] == [("China",)] * len(questions)


@pytest.mark.parametrize(
    ("mapping", "fragment"),
    [
        (
            {
                "type": "multiple",
                "choices": [{"text": str(i), "correct": i < 11} for i in range(12)],
            },
            "11 right choices cannot each be worth an equal share",
        ),
        (
            {"type": "true_false", "answer": True, "explanation": "bell \x07 here"},
            "control character",
        ),
    ],
)
def test_what_moodle_xml_cannot_carry_is_refused_on_export(
    mapping: dict[str, object], fragment: str
) -> None:
    q = question_from_mapping({"id": "odd-one", "prompt": "Odd", **mapping})
    with pytest.raises(InterchangeError) as caught:
        dump_moodle_xml([one_of_each_type()[0], q])
    (problem,) = caught.value.problems
    assert str(problem).startswith("Moodle XML export: question 2 (odd-one): cannot export: ")
    assert fragment in str(problem)


def test_the_whole_shipped_bank_survives_export_and_import() -> None:
    questions = [q for bank in read_bank(ROOT / "questions") for q in bank.questions()]
    back = parse_moodle_xml(dump_moodle_xml(questions), "bank.xml")
    assert back == [without_unportable(q) for q in questions]


# --------------------------------------------------------------------------- properties

# Every character XML 1.0 can carry, with the ones markup must escape made frequent.
_XML_UNSAFE = "&<>\"']]>*\\_`[]\r\n\t"
_chars = st.characters(
    codec="utf-8",
    exclude_categories=("Cs",),
    exclude_characters="".join(map(chr, [*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20)]))
    + "\ufffe\uffff",
)
texts = (
    st.text(st.one_of(_chars, st.sampled_from(_XML_UNSAFE)), min_size=1, max_size=30)
    .map(str.strip)
    .filter(bool)
)
prompts = texts.filter(lambda text: not re.search(r"<[A-Za-z/!]", text))
ids = st.from_regex(r"[a-z0-9]{1,8}(-[a-z0-9]{1,8}){0,3}", fullmatch=True)
numbers = st.floats(allow_nan=False, allow_infinity=False)


@st.composite
def specific_fields(draw: st.DrawFn) -> dict[str, object]:
    qtype = draw(
        st.sampled_from(
            ["single", "multiple", "true_false", "short", "numeric", "matching", "ordering"]
        )
    )
    if qtype in ("single", "multiple"):
        choice_texts = draw(st.lists(texts, min_size=2, max_size=8, unique=True))
        right = (
            {draw(st.integers(0, len(choice_texts) - 1))}
            if qtype == "single"
            else set(
                draw(
                    st.lists(
                        st.integers(0, len(choice_texts) - 1),
                        min_size=1,
                        max_size=len(choice_texts) - 1,
                        unique=True,
                    )
                )
            )
        )
        choices = []
        for i, text in enumerate(choice_texts):
            choice: dict[str, object] = {"text": text, "correct": i in right}
            feedback = draw(st.none() | texts)
            if feedback:
                choice["feedback"] = feedback
            choices.append(choice)
        return {"type": qtype, "choices": choices}
    if qtype == "true_false":
        fields: dict[str, object] = {"type": qtype, "answer": draw(st.booleans())}
        for name in ("feedback_true", "feedback_false"):
            feedback = draw(st.none() | texts)
            if feedback:
                fields[name] = feedback
        return fields
    if qtype == "short":
        return {
            "type": qtype,
            "answers": draw(st.lists(texts, min_size=1, max_size=4)),
            "case_sensitive": draw(st.booleans()),
        }
    if qtype == "numeric":
        fields = {
            "type": qtype,
            "answer": draw(numbers),
            "tolerance": draw(st.floats(min_value=0, allow_infinity=False)),
        }
        unit = draw(st.none() | texts)
        if unit:
            fields["unit"] = unit
        return fields
    if qtype == "matching":
        lefts = draw(st.lists(texts, min_size=2, max_size=5, unique=True))
        rights = draw(st.lists(texts, min_size=len(lefts), max_size=len(lefts), unique=True))
        pairs = [{"left": left, "right": right} for left, right in zip(lefts, rights, strict=True)]
        return {"type": qtype, "pairs": pairs}
    return {"type": qtype, "items": draw(st.lists(texts, min_size=3, max_size=6, unique=True))}


@st.composite
def questions(draw: st.DrawFn) -> Question:
    mapping = {
        "id": draw(ids),
        "prompt": draw(prompts),
        "difficulty": draw(st.sampled_from([1, 2, 3])),
        "points": draw(st.floats(min_value=0, exclude_min=True, allow_infinity=False)),
        "tags": draw(st.lists(texts, max_size=3)),
        **draw(specific_fields()),
    }
    explanation = draw(st.none() | texts)
    if explanation:
        mapping["explanation"] = explanation
    try:
        return question_from_mapping(mapping)
    except QuestionInvalid:
        # e.g. a short answer made only of punctuation; rare, so rejecting is cheap.
        assume(False)
        raise


@settings(max_examples=150, deadline=None)
@given(st.lists(questions(), min_size=1, max_size=4, unique_by=lambda q: q.id))
def test_export_then_import_gives_back_the_same_questions(generated: list[Question]) -> None:
    back = parse_moodle_xml(dump_moodle_xml(generated), "round-trip.xml")
    assert back == [without_unportable(q) for q in generated]


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=300) | st.text(max_size=300).map(lambda t: "<quiz>" + t))
def test_random_input_only_ever_raises_interchange_error(data: bytes | str) -> None:
    with contextlib.suppress(InterchangeError):
        parse_moodle_xml(data, "random.xml")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_TAGS = [
    "name", "questiontext", "generalfeedback", "defaultgrade", "answer", "single", "usecase",
    "subquestion", "units", "unit", "unit_name", "multiplier", "tolerance", "tags", "tag",
    "feedback", "category", "text", "file",
]  # fmt: skip
_ATTRIBUTES = [
    "", ' fraction="100"', ' fraction="50"', ' fraction="-33.33333"', ' fraction="x"',
    ' format="html"', ' format="markdown"', ' format="moodle_auto_format"',
]  # fmt: skip
_CONTENT = st.sampled_from(
    ["", "true", "false", "1", "0", "*", "3.5", "-1", "x\\*", "<p>Hi <b>x</b></p>", "<img>"]
) | st.text(string.printable, max_size=12)
_elements = st.recursive(
    st.builds(
        lambda tag, attribute, text: f"<{tag}{attribute}>{_escape(text)}</{tag}>",
        st.sampled_from(_TAGS),
        st.sampled_from(_ATTRIBUTES),
        _CONTENT,
    ),
    lambda children: st.builds(
        lambda tag, attribute, kids: f"<{tag}{attribute}>{''.join(kids)}</{tag}>",
        st.sampled_from(_TAGS),
        st.sampled_from(_ATTRIBUTES),
        st.lists(children, max_size=4),
    ),
    max_leaves=12,
)
_CONVERTED_TYPES = ["multichoice", "truefalse", "shortanswer", "numerical", "matching", "ordering"]
_junk_questions = st.builds(
    lambda qtype, children: f'<question type="{qtype}">{"".join(children)}</question>',
    st.sampled_from([*_CONVERTED_TYPES, "category", "essay", "", "weird"]),
    st.lists(_elements, max_size=8),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(_junk_questions, max_size=4))
def test_random_moodle_shaped_xml_only_ever_raises_interchange_error(parts: list[str]) -> None:
    with contextlib.suppress(InterchangeError):
        parse_moodle_xml(quiz(*parts), "junk.xml")
