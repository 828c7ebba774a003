"""Short answers with partial credit, feedback and Moodle's ``*`` wildcard (``\\*`` a star):
grading, the bank format's entries and their messages, descriptions."""

from __future__ import annotations

import textwrap

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from quizapp.domain.bank import BankError, Section, dump_questions, parse_questions
from quizapp.domain.question_types.short import (
    ExpectedAnswer,
    ShortAnswer,
    escape_wildcards,
    matches,
)
from quizapp.domain.questions import QuestionInvalid, question_from_mapping


def short(*answers: object, case_sensitive: bool = False) -> ShortAnswer:
    question = question_from_mapping(
        {
            "id": "q",
            "type": "short",
            "prompt": "?",
            "answers": list(answers),
            "case_sensitive": case_sensitive,
        }
    )
    assert isinstance(question, ShortAnswer)
    return question


# ------------------------------------------------------------------------------- matching

MATCHES = [
    # (answer, response, case_sensitive, matches?, why)
    ("Par*", "Paris", False, True, "wildcard at the end"),
    ("Par*", "Par", False, True, "a wildcard matches nothing too"),
    ("Par*", "Pa", False, False, "the literal part must be there"),
    ("Par*", "xParis", False, False, "no wildcard at the start"),
    ("*ris", "Paris", False, True, "wildcard at the start"),
    ("*ris", "ris", False, True, "a leading wildcard matches nothing too"),
    ("*ris", "Parisian", False, False, "no wildcard at the end"),
    ("P*s", "Paris", False, True, "wildcard in the middle"),
    ("P*s", "Ps", False, True, "a middle wildcard matches nothing too"),
    ("P*s", "Pa", False, False, "the end is missing"),
    ("a*b*c", "a1b2c", False, True, "several wildcards"),
    ("a*b*c", "acb", False, False, "several wildcards keep their order"),
    ("a*b*a", "aba", False, True, "pieces may not overlap, and do not here"),
    ("a*a", "a", False, False, "pieces may not overlap"),
    ("a**b", "axyzb", False, True, "a run of stars is one wildcard"),
    ("*", "anything at all", False, True, "a lone star matches any response"),
    ("*", "", False, False, "an empty response matches nothing"),
    ("*", " . ", False, False, "a response of punctuation only matches nothing"),
    ("a\\*b", "a*b", False, True, "\\* is a literal star"),
    ("a\\*b", "axb", False, False, "\\* is not a wildcard"),
    ("a\\**", "a*xyz", False, True, "a literal star, then a wildcard"),
    ("\\*", "*", False, True, "a lone literal star"),
    ("2+2=?", "2+2=?", False, True, "regex metacharacters are literal"),
    ("2+2=?", "22=", False, False, "+ and ? are no quantifiers"),
    ("(a|b).[c]", "(a|b).[c]", False, True, "groups, dots and classes are literal"),
    ("(a|b).[c]", "a", False, False, "| is no alternative"),
    ("a.b", "axb", False, False, "a dot is a dot"),
    ("^x$", "^x$", False, True, "anchors are literal"),
    ("c:\\d*", "C:\\dir", False, True, "a backslash before a letter is a backslash"),
    ("Paris*", "PARISIAN", False, True, "case folding around a wildcard"),
    ("Paris*", "PARISIAN", True, False, "case sensitive around a wildcard"),
    ("Paris*", "Parisian", True, True, "case sensitive, right case"),
    ("straße*", "STRASSE here", False, True, "full case folding"),
    ("Belt and Road*", "  belt   and road initiative ", False, True, "whitespace collapsed"),
    ("Paris *", "Paris", False, False, "a space before the wildcard must be typed"),
    ("Paris *", "Paris, France", False, False, "the space comes right after Paris"),
    ("Paris *", "Paris France", False, True, "a space and any word"),
    ("* Paris", "Paris", False, False, "a space after the wildcard must be typed"),
    ("China\u2019s *", "China's rise", False, True, "curly quotes normalised in pieces"),
    ("2009\u2013*", "2009-2010", False, True, "dashes normalised in pieces"),
    ("*ris", "Paris.", False, True, "a final full stop is dropped as without wildcards"),
    ("P*s.", "Paris", False, True, "the answer's final full stop is dropped too"),
    ("a.*", "a.", False, True, "a final wildcard swallows the final full stop"),
    ("a.*", "a.b", False, True, "the dot is literal before the wildcard"),
    ("a.*", "ab", False, False, "the dot must be typed"),
    ("BRI", "bri.", False, True, "answers without wildcards as before"),
    ("B.R.I", "BRI", False, False, "inner full stops are kept"),
]


@pytest.mark.parametrize(
    ("answer", "response", "case_sensitive", "expected", "why"),
    MATCHES,
    ids=[row[-1] for row in MATCHES],
)
def test_an_answer_matches_the_responses_moodle_would_match(
    answer: str, response: str, case_sensitive: bool, expected: bool, why: str
) -> None:
    assert matches(answer, response, case_sensitive) is expected, why


def test_many_wildcards_against_a_long_response_do_not_backtrack() -> None:
    # A regex would try every split of 500 characters among 20 wildcards.
    assert not matches("*a" * 20 + "b", "a" * 500)
    assert matches("*a" * 20 + "*", "a" * 500)


# ------------------------------------------------------------------------------- grading

PARIS = short(
    "Paris",
    "paris*",
    {"text": "France", "fraction": 0.5, "feedback": "That is the country."},
    {"text": "Fr*", "fraction": 0.25},
    {"text": "*", "fraction": 0, "feedback": "Think of the capital."},
)

GRADES = [
    (PARIS, "Paris", 1.0, ""),
    (PARIS, "PARISIAN", 1.0, ""),
    (PARIS, "France", 0.5, "That is the country."),
    (PARIS, "france.", 0.5, "That is the country."),
    (PARIS, "Franc", 0.25, ""),
    (PARIS, "Lyon", 0.0, "Think of the capital."),
    (PARIS, "", 0.0, ""),
    (PARIS, None, 0.0, ""),
    (PARIS, ["Paris"], 0.0, ""),
    # The first matching answer counts, as in Moodle, even when a later one is worth more.
    (short({"text": "P*", "fraction": 0.5}, "Paris"), "Paris", 0.5, ""),
    (short("Paris", {"text": "P*", "fraction": 0.5}), "Paris", 1.0, ""),
    (short({"text": "P*", "fraction": 0.5, "feedback": "close"}, "Paris"), "Pau", 0.5, "close"),
    # Of two full-marks answers, the first one's feedback.
    (short("x", {"text": "a*", "feedback": "1"}, {"text": "*b", "feedback": "2"}), "ab", 1.0, "1"),
    (short("Paris", case_sensitive=True), "paris", 0.0, ""),
    (short("Paris", {"text": "paris", "fraction": 0.5}, case_sensitive=True), "paris", 0.5, ""),
    (short("a\\*"), "a*", 1.0, ""),
    (short("a\\*"), "ab", 0.0, ""),
]  # fmt: skip


@pytest.mark.parametrize(("question", "response", "grade", "feedback"), GRADES)
def test_the_first_matching_answer_gives_the_grade_and_its_feedback(
    question: ShortAnswer, response: object, grade: float, feedback: str
) -> None:
    assert question.grade(response) == grade
    assert question.feedback_for(response) == ((feedback,) if feedback else ())


def test_plain_answers_are_full_marks_answers() -> None:
    assert ShortAnswer(id="q", prompt="?", answers=("a",)).answers == (ExpectedAnswer(text="a"),)
    assert ShortAnswer(id="q", prompt="?", answers=("a",)) == short("a")


# ------------------------------------------------------------------------ property tests

PLAIN_TEXT = st.text(
    st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from("*\\.,  ?+[]()"),
    min_size=1,
    max_size=30,
)


@settings(max_examples=300, deadline=None)
@given(PLAIN_TEXT, st.booleans())
def test_any_text_with_its_stars_escaped_matches_itself(text: str, case_sensitive: bool) -> None:
    answer = escape_wildcards(text)
    try:
        question = short(answer, case_sensitive=case_sensitive)
    except QuestionInvalid:
        assume(False)  # only punctuation: nothing to match
        raise
    assert question.grade(text) == 1.0


@settings(max_examples=300, deadline=None)
@given(
    st.text(st.characters(whitelist_categories=("L", "N")), min_size=1, max_size=8),
    st.text(max_size=20),
    st.text(st.characters(whitelist_categories=("L", "N")), min_size=1, max_size=8),
)
def test_a_wildcard_answer_matches_its_ends_around_anything(
    start: str, middle: str, end: str
) -> None:
    answer = f"{escape_wildcards(start)}*{escape_wildcards(end)}"
    response = start + middle.replace("\n", " ").replace("\r", " ") + end
    assert matches(answer, response, case_sensitive=True)
    assert matches(answer, start + end, case_sensitive=True)


# --------------------------------------------------------------------------- bank format


def test_partial_answers_round_trip_through_the_bank_mapping() -> None:
    assert PARIS.to_mapping()["answers"] == [
        "Paris",
        "paris*",
        {"text": "France", "fraction": 0.5, "feedback": "That is the country."},
        {"text": "Fr*", "fraction": 0.25},
        {"text": "*", "fraction": 0, "feedback": "Think of the capital."},
    ]
    assert question_from_mapping(PARIS.to_mapping()) == PARIS


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ({"text": "Paris"}, "Paris"),
        ({"text": "Paris", "fraction": 1}, "Paris"),
        ({"text": "Paris", "fraction": 1.0, "feedback": "Y"}, {"text": "Paris", "feedback": "Y"}),
        ({"text": "x", "fraction": 0.3333}, {"text": "x", "fraction": 0.3333333}),
        ({"text": "x", "fraction": 0.0}, {"text": "x", "fraction": 0}),
    ],
)  # fmt: skip
def test_the_canonical_form_is_plain_text_unless_there_is_more_to_say(
    written: object, canonical: object
) -> None:
    question = short("full", written)
    assert question.to_mapping()["answers"] == ["full", canonical]
    assert question_from_mapping(question.to_mapping()) == question


def test_a_third_is_exact_after_reading() -> None:
    (_, third) = short("full", {"text": "x", "fraction": 0.3333333}).answers
    assert third.fraction == 1 / 3


PROBLEMS = [
    (
        [{"text": "France", "fraction": 0.5}],
        ("answers",),
        "answers needs at least one answer worth full marks (plain text, or fraction: 1); "
        "found only 'France' 50%",
    ),
    (
        ["Paris", {"text": "France", "fraction": 0.45}],
        ("answers", 1, "fraction"),
        "answers[1].fraction 0.45 is not one of Moodle's grades",
    ),
    (
        ["Paris", {"text": "France", "fraction": -0.5}],
        ("answers", 1, "fraction"),
        "answers[1].fraction -0.5 is negative: a short answer earns 0 to 1 of the marks",
    ),
    (
        ["Paris", {"text": "France", "fraction": "half"}],
        ("answers", 1, "fraction"),
        "answers[1].fraction must be a number such as 0.5",
    ),
    (["Paris", {"fraction": 0.5}], ("answers", 1, "text"), "missing required field 'answers[1]"),
    (
        ["Paris", {"text": "France", "grade": 0.5}],
        ("answers", 1, "grade"),
        "unknown field 'grade' in answers[1]",
    ),
    (["Paris", {"text": "France", "feedback": 3}], ("answers", 1, "feedback"), "must be text"),
    (["Paris", ["France"]], ("answers", 1), "answers[1] must be text; got a list"),
    (["*"], ("answers", 0), "the answer '*' accepts every response for full marks"),
    (["Paris", {"text": "**", "fraction": 1}], ("answers", 1), "accepts every response"),
    (["Paris", {"text": "..", "fraction": 0.5}], ("answers", 1), "answers[1].text '..' has"),
]  # fmt: skip


@pytest.mark.parametrize(("answers", "path", "message"), PROBLEMS)
def test_bad_entries_are_named_in_the_bank_s_terms(
    answers: list[object], path: tuple[object, ...], message: str
) -> None:
    with pytest.raises(QuestionInvalid) as caught:
        short(*answers)
    (problem,) = caught.value.problems
    assert problem.path == path
    assert message in problem.message


def test_a_catch_all_below_full_marks_is_fine() -> None:
    assert short("Paris", {"text": "*", "fraction": 0}).grade("Rome") == 0.0


SECTION = Section(slug="s", title="S", position=0, body="Paris is the capital.", line=1)


def test_a_bank_file_names_the_line_of_a_bad_fraction_and_writes_back_unchanged() -> None:
    text = textwrap.dedent(
        """\
        - id: capital
          type: short
          prompt: Name the capital of France.
          answers:
            - Paris
            - text: France
              fraction: 0.5
              feedback: That is the country.
            - text: '*'
              fraction: 0
              feedback: Think of the capital.
        """
    )
    (question,) = parse_questions(text, "s.yaml", SECTION, require_evidence=False)
    assert dump_questions([question]) == text
    with pytest.raises(BankError) as caught:
        parse_questions(
            text.replace("fraction: 0.5", "fraction: 0.55"),
            "s.yaml",
            SECTION,
            require_evidence=False,
        )
    (problem,) = caught.value.problems
    assert problem.line == 7
    assert "answers[1].fraction 0.55 is not one of Moodle's grades" in problem.message


# -------------------------------------------------------------------------- descriptions


@pytest.mark.parametrize(
    ("question", "key"),
    [
        (short("Paris"), "Paris"),
        (short("Paris", "paris*"), "Paris (also accepted: paris*)"),
        (PARIS, "Paris (also accepted: paris*; 'France' for 50%; 'Fr*' for 25%)"),
        (short({"text": "France", "fraction": 0.5}, "Paris"), "Paris ('France' for 50%)"),
        (short("Paris", {"text": "x", "fraction": 1 / 3}), "Paris ('x' for 33.33%)"),
    ],
)
def test_the_key_shows_the_full_marks_answers_then_the_partial_ones(
    question: ShortAnswer, key: str
) -> None:
    assert question.describe_key() == key


def test_best_first_keeps_bank_order_among_equals() -> None:
    question = short({"text": "c", "fraction": 0.5}, "a", {"text": "d", "fraction": 0}, "b")
    assert [entry.text for entry in question.best_first()] == ["a", "b", "c", "d"]
