"""Aiken import: sample files, every error with its line and column, properties."""

from __future__ import annotations

import contextlib
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizapp.domain.interchange import InterchangeError
from quizapp.domain.interchange.aiken import literal_text, parse_aiken

DATA = Path(__file__).resolve().parents[2] / "data" / "interchange" / "aiken"


def read(name: str) -> bytes:
    return (DATA / name).read_bytes()


def problems_of(data: bytes | str, path: str = "quiz.txt") -> list[str]:
    with pytest.raises(InterchangeError) as caught:
        parse_aiken(data, path)
    return [str(problem) for problem in caught.value.problems]


def summary(data: bytes | str) -> list[tuple[str, str, list[str], str]]:
    """(id, prompt, choice texts, right choice) per question: all Aiken can say."""
    result = []
    for question in parse_aiken(data, "quiz.txt"):
        mapping = question.to_mapping()
        assert mapping["type"] == "single"
        assert set(mapping) == {"id", "type", "prompt", "choices"}
        texts = [choice["text"] for choice in mapping["choices"]]
        right = next(choice["text"] for choice in mapping["choices"] if choice["correct"])
        result.append((question.id, question.prompt, texts, right))
    return result


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "china-russia.txt",
            [
                (
                    "which-organization-did-china-and-russia-found-with-four-cent",
                    "Which organization did China and Russia found with four Central Asian "
                    "states in 2001?",
                    [
                        "The Shanghai Cooperation Organization",
                        "The Collective Security Treaty Organization",
                        "The Eurasian Economic Union",
                        "The BRICS",
                    ],
                    "The Shanghai Cooperation Organization",
                ),
                (
                    "how-long-is-the-border-that-china-and-russia-share",
                    "How long is the border that China and Russia share?",
                    ["About 600 miles", "About 2,600 miles", "About 12,000 miles"],
                    "About 2,600 miles",
                ),
                (
                    "what-did-xi-jinping-call-putin-in-2019",
                    "What did Xi Jinping call Putin in 2019?",
                    ['"best friend and colleague"', '"an old rival"'],
                    '"best friend and colleague"',
                ),
                (
                    "which-country-buys-the-most-russian-oil-according-to-the-art",
                    "Which country buys the most Russian oil, according to the article's "
                    "economic section?",
                    ["India", "Turkey", "China"],
                    "China",
                ),
            ],
        ),
        (
            "windows-line-endings.txt",
            [
                (
                    "which-currency-settles-most-china-russia-trade-today",
                    "Which currency settles most China-Russia trade today?",
                    ["The US dollar", "The euro", "The yuan and the ruble"],
                    "The yuan and the ruble",
                ),
                (
                    "what-year-did-russia-invade-ukraine",
                    "What year did Russia invade Ukraine?",
                    ["2014", "2022"],
                    "2022",
                ),
            ],
        ),
    ],
)
def test_a_valid_file_gives_single_choice_questions(name: str, expected: list[tuple]) -> None:
    assert summary(read(f"valid/{name}")) == expected


def test_text_bytes_a_bom_and_old_mac_line_ends_read_alike() -> None:
    data = read("valid/windows-line-endings.txt")
    assert (
        summary(data)
        == summary(data.decode("utf-8"))
        == summary(b"\xef\xbb\xbf" + data)
        == summary(data.replace(b"\r\n", b"\r"))
    )


INVALID_FILES = [
    (
        "too-few-options.txt",
        ["3:1: the question on line 1 needs at least two options ('A) ...', 'B) ...'), found 1"],
    ),
    (
        "missing-answer.txt",
        [
            "1:1: the question has no ANSWER line; after its options add e.g. 'ANSWER: A'",
            "10:1: the question has no ANSWER line; after its options add e.g. 'ANSWER: A'",
        ],
    ),
    ("missing-letter.txt", ["4:8: missing ANSWER letter; write e.g. 'ANSWER: B'"]),
    (
        "unknown-letter.txt",
        [
            "5:9: unknown ANSWER letter 'E'; the options of the question on line 1 are A-C",
            "10:9: unknown ANSWER letter '2'; the options of the question on line 7 are A-B",
        ],
    ),
    (
        "out-of-sequence.txt",
        [
            "3:1: option C is out of sequence: expected option B of the question on line 1",
            "4:1: option D is out of sequence: expected option C of the question on line 1",
        ],
    ),
    (
        "text-after-answer.txt",
        [
            "5:10: text after the ANSWER letter: ', B'; the line must be just 'ANSWER: A' "
            "(an Aiken question has exactly one right option)"
        ],
    ),
    (
        "option-before-question.txt",
        [
            "1:1: option A comes before any question; a question starts with its text on one "
            "line, then its options",
            "2:1: option B comes before any question; a question starts with its text on one "
            "line, then its options",
            "3:1: ANSWER line without a question before it",
        ],
    ),
    (
        "two-line-question.txt",
        [
            "2:1: the question on line 1 must be on one line; expected its options ('A) ...') "
            "here, found more text"
        ],
    ),
    (
        "validation.txt",
        [
            "8:4: choice text 'Moscow' repeats option A",
        ],
    ),
    (
        "not-utf8.txt",
        [
            "1:36: not UTF-8: byte 0xa0 cannot be decoded (invalid start byte); "
            "save the file as UTF-8"
        ],
    ),
]


@pytest.mark.parametrize(("name", "expected"), INVALID_FILES, ids=[n for n, _ in INVALID_FILES])
def test_an_invalid_file_reports_every_problem_at_file_line_column(
    name: str, expected: list[str]
) -> None:
    assert problems_of(read(f"invalid/{name}"), name) == [f"{name}:{e}" for e in expected]


def test_every_invalid_sample_is_covered_by_the_table() -> None:
    on_disk = {path.name for path in (DATA / "invalid").iterdir()}
    assert on_disk == {name for name, _ in INVALID_FILES}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Moodle accepts options without the space and a lower-case letter after ANSWER.
        ("Q?\nA)x\nB)y\nanswer: b\n", [("q", "Q?", ["x", "y"], "y")]),
        ("Q?\n\n  A. x\n\n  B. y\n\nANSWER:A", [("q", "Q?", ["x", "y"], "x")]),
        ("", []),
        ("\n\n   \n", []),
    ],
)
def test_layout_moodle_accepts_is_accepted(text: str, expected: list[tuple]) -> None:
    assert summary(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Q?\nA) x\nB) y\nANSWER: A B\n", "4:11: text after the ANSWER letter: 'B'"),
        ("Q?\nA) x\nB) y\nANSWER: AB\n", "4:10: text after the ANSWER letter: 'B'"),
        ("Q?\nB) x\nC) y\nANSWER: B\n", "2:1: option B is out of sequence: expected option A"),
        ("Q?\nA) x\nA) y\nANSWER: A\n", "3:1: option A is out of sequence: expected option B"),
        ("Q?\nA) x\nB)\nANSWER: A\n", "3:3: option B must not be empty"),
        ("Q?\nANSWER: A\n", "2:1: the question on line 1 needs at least two options"),
        ("Q?\nA) x\nB) y\n", "1:1: the question has no ANSWER line"),
    ],
)
def test_each_mistake_is_reported_where_it_is(text: str, expected: str) -> None:
    assert problems_of(text)[0].startswith(f"quiz.txt:{expected}")


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("Q?\nA) x\ud800\n", "quiz.txt:2:5: not UTF-8: the text holds a lone surrogate"),
        (
            "Q?\nA) x\n".encode("utf-16"),
            "quiz.txt:1:1: not UTF-8: byte 0xff cannot be decoded (invalid start byte) "
            "(it looks like UTF-16)",
        ),
    ],
)
def test_text_that_is_not_utf8_is_reported_where_decoding_fails(
    data: bytes | str, expected: str
) -> None:
    (problem,) = problems_of(data)
    assert problem.startswith(expected)


def test_the_same_question_twice_gets_two_ids() -> None:
    text = "Capital?\nA) Moscow\nB) Kyiv\nANSWER: A\n\nCapital?\nA) Beijing\nB) Kyiv\nANSWER: A"
    assert [row[0] for row in summary(text)] == ["capital", "capital-2"]


# --------------------------------------------------------------------------- properties

_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_line_text = (
    st.text(
        st.characters(codec="utf-8", exclude_categories=("Cs",), exclude_characters="\r\n"),
        min_size=1,
        max_size=40,
    )
    .map(str.strip)
    .filter(bool)
)
# A prompt must not read as an option or ANSWER line; HTML in it is kept as characters.
_prompts = _line_text.filter(
    lambda text: not re.match(r"[A-Z][.)]|answer\s*:", text, re.IGNORECASE)
)


@st.composite
def aiken_questions(draw: st.DrawFn) -> tuple[str, list[str], int, str]:
    options = draw(st.lists(_line_text, min_size=2, max_size=8, unique=True))
    right = draw(st.integers(0, len(options) - 1))
    separator = draw(st.sampled_from([") ", ". ", ")"]))
    return draw(_prompts), options, right, separator


@settings(max_examples=150, deadline=None)
@given(
    st.lists(aiken_questions(), min_size=1, max_size=5),
    st.sampled_from(["\n", "\r\n", "\r"]),
    st.sampled_from(["", "\n", "\n\n  \n"]),
)
def test_any_well_formed_aiken_file_gives_back_its_questions(
    generated: list[tuple[str, list[str], int, str]], newline: str, gap: str
) -> None:
    lines: list[str] = []
    for prompt, options, right, separator in generated:
        lines.append(prompt)
        lines.extend(f"{_LETTERS[i]}{separator}{text}" for i, text in enumerate(options))
        lines.append(f"ANSWER: {_LETTERS[right]}{gap}")
    text = "\n".join(lines).replace("\n", newline)
    assert [(prompt, texts, right) for _, prompt, texts, right in summary(text)] == [
        (literal_text(prompt), options, options[right]) for prompt, options, right, _ in generated
    ]


_shaped_lines = st.one_of(
    st.text(max_size=20),
    st.builds(lambda letter, text: f"{letter}) {text}", st.sampled_from("ABCDZa"), st.text()),
    st.builds(lambda text: f"ANSWER: {text}", st.text(max_size=3)),
    st.just(""),
)


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=300) | st.text(max_size=300) | st.lists(_shaped_lines).map("\n".join))
def test_random_input_only_ever_raises_interchange_error(data: bytes | str) -> None:
    with contextlib.suppress(InterchangeError):
        parse_aiken(data, "random.txt")
