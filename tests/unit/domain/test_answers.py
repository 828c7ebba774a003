"""Tests for quizapp.domain.answers: form -> stored answer -> response, and descriptions."""

import json

import pytest

from quizapp.domain.answers import (
    NO_ANSWER,
    AnswerRejected,
    describe_answer,
    describe_key,
    is_answered,
    is_complete,
    read_answer,
    response_for_grading,
    validate_stored,
)
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
from quizapp.domain.question_types.answer_fields import AnswerTokens, answer_tokens
from quizapp.domain.questions import Question

SINGLE = SingleChoice(
    id="single",
    prompt="Pick one.",
    choices=(
        Choice(text="Allies", correct=False),
        Choice(text="Partners", correct=True),
        Choice(text="Rivals", correct=False),
    ),
)
MULTIPLE = MultipleChoice(
    id="multiple",
    prompt="Select all that apply.",
    choices=(
        Choice(text="Oil", correct=True),
        Choice(text="Gas", correct=True),
        Choice(text="Grain", correct=False),
        Choice(text="Cars", correct=False),
    ),
)
TRUE_FALSE = TrueFalse(id="tf", prompt="True?", answer=False)
SHORT = ShortAnswer(id="short", prompt="Name it.", answers=("Belt and Road Initiative", "BRI"))
SHORT_ONE = ShortAnswer(id="short-one", prompt="Name it.", answers=("Moscow",))
NUMERIC = Numeric(id="numeric", prompt="How much?", answer=240, tolerance=5, unit="billion")
NUMERIC_EXACT = Numeric(id="numeric-exact", prompt="How much?", answer=1234.5)
MATCHING = Matching(
    id="matching",
    prompt="Match.",
    pairs=(
        Pair(left="Putin", right="Russia"),
        Pair(left="Xi", right="China"),
        Pair(left="Modi", right="India"),
    ),
)
ORDERING = Ordering(id="ordering", prompt="Order.", items=("first", "second", "third", "fourth"))


def bank_order(question: Question) -> AnswerTokens:
    # The tables write parts by bank index; the page's tokens are tested separately.
    return AnswerTokens.bank_order(question.shuffled_count())


CSRF = {"csrf_token": ["abc"], "action": ["save"]}


# ---------------------------------------------------------------------------- read_answer


@pytest.mark.parametrize(
    ("question", "form", "expected"),
    [
        # single: the chosen choice's bank index
        (SINGLE, {"answer": ["1"]}, 1),
        (SINGLE, {"answer": ["0"], **CSRF}, 0),
        (SINGLE, {}, None),
        (SINGLE, CSRF, None),
        (SINGLE, {"answer": []}, None),
        (SINGLE, {"answer": [""]}, None),
        (SINGLE, {"answer": "2"}, 2),  # a bare string is one value, not characters
        (SINGLE, {"match-0": ["1"]}, None),  # another type's fields are ignored
        # true_false
        (TRUE_FALSE, {"answer": ["true"]}, True),
        (TRUE_FALSE, {"answer": ["false"]}, False),
        (TRUE_FALSE, {"answer": [""]}, None),
        (TRUE_FALSE, {}, None),
        # multiple: sorted unique indices; none chosen is unanswered
        (MULTIPLE, {"answer": ["2", "0"]}, [0, 2]),
        (MULTIPLE, {"answer": ["3"]}, [3]),
        (MULTIPLE, {"answer": ["1", "1"]}, [1]),
        (MULTIPLE, {"answer": ["", "1"]}, [1]),
        (MULTIPLE, {"answer": [""]}, None),
        (MULTIPLE, {"answer": []}, None),
        (MULTIPLE, CSRF, None),
        # short: as typed, blank is unanswered
        (SHORT, {"answer": ["  BRI. "]}, "  BRI. "),
        (SHORT, {"answer": ["Belt\tand Road"]}, "Belt\tand Road"),
        (SHORT, {"answer": ["   "]}, None),
        (SHORT, {"answer": ["\u00a0"]}, None),
        (SHORT, {"answer": [""]}, None),
        (SHORT, {}, None),
        (SHORT, {"answer": ["x" * 500]}, "x" * 500),
        # numeric: as typed, parsed only when graded
        (NUMERIC, {"answer": ["$240 billion"]}, "$240 billion"),
        (NUMERIC, {"answer": ["about 240"]}, "about 240"),
        (NUMERIC, {"answer": [" "]}, None),
        (NUMERIC, {"answer": ["9" * 100]}, "9" * 100),
        # matching: the chosen ones only
        (MATCHING, {"match-0": ["2"], "match-1": [""], "match-2": ["0"]}, {"0": 2, "2": 0}),
        (
            MATCHING,
            {"match-2": ["2"], "match-0": ["0"], "match-1": ["1"]},
            {"0": 0, "1": 1, "2": 2},
        ),
        (MATCHING, {"match-0": ["1"], "match-1": ["1"]}, {"0": 1, "1": 1}),
        (MATCHING, {"match-0": [""], "match-1": [""], "match-2": [""]}, None),
        (MATCHING, {"answer": ["1"], **CSRF}, None),
        # ordering: 1-based positions of the chosen ones
        (ORDERING, {"position-0": ["2"], "position-1": ["1"]}, {"0": 2, "1": 1}),
        (
            ORDERING,
            {"position-3": ["1"], "position-2": ["2"], "position-1": ["3"], "position-0": ["4"]},
            {"0": 4, "1": 3, "2": 2, "3": 1},
        ),
        (ORDERING, {"position-0": ["1"], "position-1": ["1"]}, {"0": 1, "1": 1}),
        (ORDERING, {"position-0": [""], "position-1": []}, None),
        (ORDERING, CSRF, None),
    ],
)
def test_read_answer(question: Question, form: dict, expected: object) -> None:
    stored = read_answer(question, form, bank_order(question))
    assert stored == expected
    assert type(stored) is type(expected)
    # What the form gives is exactly what the autosave may send back as JSON.
    assert validate_stored(question, json.loads(json.dumps(stored))) == expected


CHOICE = "That choice is not one of this question's options."
ITEM = "That item is not one of this question's items."
TWICE = "Only one answer can be chosen here, but several arrived."


@pytest.mark.parametrize(
    ("question", "form", "message"),
    [
        (SINGLE, {"answer": ["3"]}, CHOICE),
        (SINGLE, {"answer": ["-1"]}, CHOICE),
        (SINGLE, {"answer": ["01"]}, CHOICE),
        (SINGLE, {"answer": [" 1"]}, CHOICE),
        (SINGLE, {"answer": ["Partners"]}, CHOICE),
        (SINGLE, {"answer": ["9" * 5000]}, CHOICE),
        (SINGLE, {"answer": ["0", "1"]}, TWICE),
        (SINGLE, {"answer": [1]}, "This answer is not in the form this question expects."),
        (TRUE_FALSE, {"answer": ["yes"]}, "That answer is neither True nor False."),
        (TRUE_FALSE, {"answer": ["True"]}, "That answer is neither True nor False."),
        (TRUE_FALSE, {"answer": ["true", "false"]}, TWICE),
        (MULTIPLE, {"answer": ["0", "4"]}, CHOICE),
        (MULTIPLE, {"answer": ["x"]}, CHOICE),
        (SHORT, {"answer": ["x" * 501]}, "Your answer is longer than 500 characters."),
        (SHORT, {"answer": [" " * 501]}, "Your answer is longer than 500 characters."),
        (SHORT, {"answer": ["a", "b"]}, TWICE),
        (SHORT, {"answer": ["a\x00b"]}, "invisible control character"),
        (NUMERIC, {"answer": ["9" * 101]}, "Your answer is longer than 100 characters."),
        (MATCHING, {"match-0": ["3"]}, CHOICE),
        (MATCHING, {"match-0": ["Russia"]}, CHOICE),
        (MATCHING, {"match-3": ["0"]}, ITEM),
        (MATCHING, {"match-x": ["0"]}, ITEM),
        (MATCHING, {"match-": [""]}, ITEM),
        (MATCHING, {"match-0": ["0", "1"]}, TWICE),
        (ORDERING, {"position-0": ["7"]}, "Position 7 does not exist: this question has 4 items."),
        (ORDERING, {"position-0": ["0"]}, "Position 0 does not exist: this question has 4 items."),
        (ORDERING, {"position-0": ["first"]}, "Choose a position from 1 to 4."),
        (ORDERING, {"position-0": ["-1"]}, "Choose a position from 1 to 4."),
        (ORDERING, {"position-4": ["1"]}, ITEM),
        (ORDERING, {"position-0": ["1", "2"]}, TWICE),
    ],
)
def test_read_answer_rejects(question: Question, form: dict, message: str) -> None:
    with pytest.raises(AnswerRejected, match=message.replace(".", r"\.")):
        read_answer(question, form, bank_order(question))


def test_answer_rejected_is_a_value_error() -> None:
    assert issubclass(AnswerRejected, ValueError)


# ------------------------------------------------------------------------- validate_stored


@pytest.mark.parametrize(
    ("question", "stored", "expected"),
    [
        (SINGLE, None, None),
        (SINGLE, 2, 2),
        (TRUE_FALSE, True, True),
        (TRUE_FALSE, False, False),
        (MULTIPLE, [3, 0, 3], [0, 3]),
        (MULTIPLE, [], None),
        (SHORT, " BRI ", " BRI "),
        (SHORT, "  ", None),
        (NUMERIC, "240", "240"),
        (MATCHING, {"2": 0, "0": 1}, {"0": 1, "2": 0}),
        (MATCHING, {}, None),
        (ORDERING, {"3": 1, "0": 4}, {"0": 4, "3": 1}),
        (ORDERING, {}, None),
    ],
)
def test_validate_stored(question: Question, stored: object, expected: object) -> None:
    assert validate_stored(question, stored) == expected


@pytest.mark.parametrize(
    ("question", "stored"),
    [
        (SINGLE, True),
        (SINGLE, 1.0),
        (SINGLE, "1"),
        (SINGLE, 3),
        (SINGLE, -1),
        (SINGLE, [1]),
        (TRUE_FALSE, 1),
        (TRUE_FALSE, "true"),
        (MULTIPLE, 1),
        (MULTIPLE, "01"),
        (MULTIPLE, [0, True]),
        (MULTIPLE, [0, 1.0]),
        (MULTIPLE, ["0"]),
        (MULTIPLE, [4]),
        (MULTIPLE, {"0": 1}),
        (SHORT, 5),
        (SHORT, ["BRI"]),
        (SHORT, "x" * 501),
        (NUMERIC, 240),
        (NUMERIC, 240.0),
        (NUMERIC, "1" * 101),
        (MATCHING, [0, 1, 2]),
        (MATCHING, {"0": True}),
        (MATCHING, {"0": 1.0}),
        (MATCHING, {"0": "1"}),
        (MATCHING, {"0": 3}),
        (MATCHING, {"3": 0}),
        (MATCHING, {"01": 0}),
        (MATCHING, {0: 0}),
        (ORDERING, {"0": 0}),
        (ORDERING, {"0": 5}),
        (ORDERING, {"0": True}),
        (ORDERING, {"0": 1.0}),
        (ORDERING, {"0": "1"}),
        (ORDERING, {"4": 1}),
        (ORDERING, [0, 1, 2, 3]),
    ],
)
def test_validate_stored_rejects(question: Question, stored: object) -> None:
    with pytest.raises(AnswerRejected):
        validate_stored(question, stored)


# -------------------------------------------------------------------- response_for_grading


@pytest.mark.parametrize(
    ("question", "stored", "expected", "fraction"),
    [
        (SINGLE, 1, 1, 1.0),
        (SINGLE, None, None, 0.0),
        (SINGLE, "1", None, 0.0),  # malformed stored answers grade 0
        (MULTIPLE, [0, 1], [0, 1], 1.0),
        (MULTIPLE, [], None, 0.0),
        (TRUE_FALSE, False, False, 1.0),
        (TRUE_FALSE, True, True, 0.0),
        (SHORT, " bri. ", " bri. ", 1.0),
        (NUMERIC, "$243 billion", "$243 billion", 1.0),
        (MATCHING, {"0": 0, "1": 1, "2": 2}, {0: 0, 1: 1, 2: 2}, 1.0),
        (MATCHING, {"0": 0, "1": 2}, {0: 0, 1: 2}, 1 / 3),
        (ORDERING, {"0": 1, "1": 2, "2": 3, "3": 4}, [0, 1, 2, 3], 1.0),
        (ORDERING, {"0": 4, "1": 3, "2": 2, "3": 1}, [3, 2, 1, 0], 0.0),
        (ORDERING, {"1": 1, "2": 2, "3": 3, "0": 4}, [1, 2, 3, 0], 2 / 3),
        (ORDERING, {"0": 1, "1": 2, "2": 3}, None, 0.0),  # one item unplaced
        (ORDERING, {"0": 1, "1": 1, "2": 3, "3": 4}, None, 0.0),  # two items in one place
        (ORDERING, None, None, 0.0),
    ],
)
def test_response_for_grading(
    question: Question, stored: object, expected: object, fraction: float
) -> None:
    response = response_for_grading(question, stored)
    assert response == expected
    assert question.grade(response) == pytest.approx(fraction)


# --------------------------------------------------------------- is_answered / is_complete


@pytest.mark.parametrize(
    ("question", "stored", "answered", "complete"),
    [
        (SINGLE, None, False, False),
        (SINGLE, 0, True, True),
        (SINGLE, 7, False, False),
        (TRUE_FALSE, False, True, True),
        (MULTIPLE, [], False, False),
        (MULTIPLE, [2], True, True),
        (SHORT, "", False, False),
        (SHORT, " \t", False, False),
        (SHORT, "x", True, True),
        (NUMERIC, "0", True, True),
        (MATCHING, {}, False, False),
        (MATCHING, {"1": 0}, True, False),
        (MATCHING, {"0": 0, "1": 0, "2": 0}, True, True),
        (ORDERING, {"0": 1}, True, False),
        (ORDERING, {"0": 1, "1": 1, "2": 1, "3": 1}, True, True),
    ],
)
def test_is_answered_and_complete(
    question: Question, stored: object, answered: bool, complete: bool
) -> None:
    assert is_answered(question, stored) is answered
    assert is_complete(question, stored) is complete


# -------------------------------------------------------------------------- descriptions


@pytest.mark.parametrize(
    ("question", "stored", "expected"),
    [
        (SINGLE, 1, "Partners"),
        (SINGLE, None, NO_ANSWER),
        (MULTIPLE, [0, 2], "Oil; Grain"),
        (MULTIPLE, [], NO_ANSWER),
        (TRUE_FALSE, True, "True"),
        (TRUE_FALSE, False, "False"),
        (SHORT, "  bri ", "  bri "),
        (SHORT, "   ", NO_ANSWER),
        (NUMERIC, "$240", "$240"),
        (MATCHING, {"0": 0, "1": 2, "2": 1}, "Putin → Russia; Xi → India; Modi → China"),
        (MATCHING, {"2": 2}, "Putin → (no answer); Xi → (no answer); Modi → India"),
        (MATCHING, None, NO_ANSWER),
        (ORDERING, {"0": 1, "1": 2, "2": 3, "3": 4}, "1. first; 2. second; 3. third; 4. fourth"),
        (ORDERING, {"3": 1, "2": 2, "1": 3, "0": 4}, "1. fourth; 2. third; 3. second; 4. first"),
        # Unplaced items are listed alphabetically: bank order would reveal the answer.
        (
            ORDERING,
            {"2": 1},
            "1. third; (not placed) first; (not placed) fourth; (not placed) second",
        ),
        (
            ORDERING,
            {"1": 2, "0": 2},
            "2. first; 2. second; (not placed) fourth; (not placed) third",
        ),
        (ORDERING, {}, NO_ANSWER),
        (SINGLE, "garbage", NO_ANSWER),
    ],
)
def test_describe_answer(question: Question, stored: object, expected: str) -> None:
    assert describe_answer(question, stored) == expected


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        (SINGLE, "Partners"),
        (MULTIPLE, "Oil; Gas"),
        (TRUE_FALSE, "False"),
        (SHORT, "Belt and Road Initiative (also accepted: BRI)"),
        (SHORT_ONE, "Moscow"),
        (
            ShortAnswer(id="s", prompt="?", answers=("a", "b", "c")),
            "a (also accepted: b; c)",
        ),
        (NUMERIC, "240 ± 5 billion"),
        (NUMERIC_EXACT, "1234.5"),
        (Numeric(id="n", prompt="?", answer=26.0, unit="%"), "26 %"),
        (Numeric(id="n", prompt="?", answer=0.5, tolerance=0.05), "0.5 ± 0.05"),
        (MATCHING, "Putin → Russia; Xi → China; Modi → India"),
        (ORDERING, "1. first; 2. second; 3. third; 4. fourth"),
    ],
)
def test_describe_key(question: Question, expected: str) -> None:
    assert describe_key(question) == expected


# ------------------------------------------------------------------------- answer tokens


def test_answer_tokens_are_distinct_stable_and_keyed() -> None:
    tokens = answer_tokens(b"key", 3, 6).values
    assert len(set(tokens)) == 6
    assert answer_tokens(b"key", 3, 6).values == tokens
    assert not set(tokens) & set(answer_tokens(b"other key", 3, 6).values)
    assert not set(tokens) & set(answer_tokens(b"key", 4, 6).values)
    assert all(token.isalnum() and token.islower() and len(token) == 16 for token in tokens)


@pytest.mark.parametrize("count", [0, 1, 2, 30])
def test_answer_tokens_count(count: int) -> None:
    assert len(answer_tokens(b"k", 1, count).values) == count


@pytest.mark.parametrize(
    ("question", "form_of", "expected"),
    [
        (SINGLE, lambda t: {"answer": [t[2]]}, 2),
        (MULTIPLE, lambda t: {"answer": [t[3], t[0]]}, [0, 3]),
        (MATCHING, lambda t: {"match-0": [t[1]], "match-1": [t[0]]}, {"0": 1, "1": 0}),
        (
            ORDERING,
            lambda t: {f"position-{t[2]}": ["1"], f"position-{t[0]}": ["3"]},
            {"0": 3, "2": 1},
        ),
    ],
)
def test_read_answer_maps_tokens_back_to_bank_indices(
    question: Question, form_of: object, expected: object
) -> None:
    tokens = answer_tokens(b"attempt key", 5, question.shuffled_count())
    assert read_answer(question, form_of(tokens.values), tokens) == expected  # type: ignore[operator]


@pytest.mark.parametrize(
    ("question", "form", "message"),
    [
        (SINGLE, {"answer": ["0"]}, "not one of this question's options"),
        (MULTIPLE, {"answer": ["1"]}, "not one of this question's options"),
        (MATCHING, {"match-0": ["0"]}, "not one of this question's options"),
        (ORDERING, {"position-0": ["1"]}, "not one of this question's items"),
    ],
)
def test_bank_indices_are_not_accepted_where_tokens_are_expected(
    question: Question, form: dict, message: str
) -> None:
    tokens = answer_tokens(b"attempt key", 1, question.shuffled_count())
    with pytest.raises(AnswerRejected, match=message):
        read_answer(question, form, tokens)
