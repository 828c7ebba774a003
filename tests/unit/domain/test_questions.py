"""Tests for quizapp.domain.questions: grading table, parse_number, validation, round trip."""

import math

import pytest

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
    build_registry,
    parse_number,
)
from quizapp.domain.questions import (
    QUESTION_TYPES,
    FieldProblem,
    Question,
    QuestionInvalid,
    question_from_mapping,
)

SINGLE = SingleChoice(
    id="single",
    prompt="Pick one.",
    choices=(
        Choice(text="a", correct=False),
        Choice(text="b", correct=True),
        Choice(text="c", correct=False),
    ),
)
# Correct: 0 and 1; wrong: 2 and 3.
MULTIPLE = MultipleChoice(
    id="multiple",
    prompt="Select all that apply.",
    choices=(
        Choice(text="a", correct=True),
        Choice(text="b", correct=True),
        Choice(text="c", correct=False),
        Choice(text="d", correct=False),
    ),
)
IS_TRUE = TrueFalse(id="is-true", prompt="True?", answer=True)
IS_FALSE = TrueFalse(id="is-false", prompt="False?", answer=False)
SHORT = ShortAnswer(
    id="short",
    prompt="Name it.",
    answers=("Belt and Road Initiative", "BRI", "China's rise", "2009-2010"),
)
SHORT_CASED = ShortAnswer(
    id="short-cased", prompt="Name it.", answers=("BRI",), case_sensitive=True
)
EXACT = Numeric(id="exact", prompt="How much?", answer=1234.5)
BILLIONS = Numeric(id="billions", prompt="How much?", answer=240, tolerance=5, unit="billion")
PERCENT = Numeric(id="percent", prompt="What share, in percent?", answer=26)
FLOATY = Numeric(id="floaty", prompt="0.1 + 0.2?", answer=0.3)
MATCHING = Matching(
    id="matching",
    prompt="Match.",
    pairs=(Pair(left="a", right="1"), Pair(left="b", right="2"), Pair(left="c", right="3")),
)
ORDERING = Ordering(id="ordering", prompt="Order.", items=("w", "x", "y", "z"))

GRADING = [
    # single: 1 if the correct one, else 0
    (SINGLE, 1, 1.0, "right"),
    (SINGLE, 0, 0.0, "wrong"),
    (SINGLE, 3, 0.0, "out of range"),
    (SINGLE, -1, 0.0, "negative"),
    (SINGLE, True, 0.0, "bool is not an index"),
    (SINGLE, None, 0.0, "missing"),
    (SINGLE, "1", 1.0, "digit string from a form"),
    (SINGLE, " 1 ", 1.0, "digit string with spaces"),
    (SINGLE, "-1", 0.0, "negative string"),
    (SINGLE, "b", 0.0, "garbage string"),
    (SINGLE, 1.0, 0.0, "float"),
    (SINGLE, [1], 0.0, "list"),
    (SINGLE, "9" * 5000, 0.0, "huge digit string"),
    # multiple: max(0, chosen-correct/all-correct - chosen-wrong/all-wrong)
    (MULTIPLE, [0, 1], 1.0, "all right"),
    (MULTIPLE, [0], 0.5, "partial"),
    (MULTIPLE, [0, 1, 2], 0.5, "right plus wrong penalty"),
    (MULTIPLE, [0, 2, 3], 0.0, "clamped at zero"),
    (MULTIPLE, [2], 0.0, "only wrong"),
    (MULTIPLE, [0, 0, 1, 1], 1.0, "duplicates count once"),
    (MULTIPLE, [], 0.0, "empty"),
    (MULTIPLE, [0, 4], 0.0, "out of range makes it malformed"),
    (MULTIPLE, [0, -1], 0.0, "negative makes it malformed"),
    (MULTIPLE, [0, True], 0.0, "bool entry"),
    (MULTIPLE, ["0", "1"], 1.0, "digit strings"),
    (MULTIPLE, (0, 1), 1.0, "tuple"),
    (MULTIPLE, {0, 1}, 1.0, "set"),
    (MULTIPLE, "01", 0.0, "string is not a list"),
    (MULTIPLE, 0, 0.0, "int is not a list"),
    (MULTIPLE, {0: 1}, 0.0, "mapping is not a list"),
    (MULTIPLE, None, 0.0, "missing"),
    # true_false: 1 if equal
    (IS_TRUE, True, 1.0, "true right"),
    (IS_TRUE, False, 0.0, "true wrong"),
    (IS_FALSE, False, 1.0, "false right"),
    (IS_FALSE, True, 0.0, "false wrong"),
    (IS_TRUE, "true", 1.0, "string true"),
    (IS_TRUE, " TRUE ", 1.0, "string case-insensitive"),
    (IS_FALSE, "False", 1.0, "string false"),
    (IS_FALSE, "true", 0.0, "string wrong"),
    (IS_TRUE, "yes", 0.0, "other string"),
    (IS_TRUE, 1, 0.0, "1 is not True"),
    (IS_FALSE, 0, 0.0, "0 is not False"),
    (IS_TRUE, None, 0.0, "missing"),
    # short: normalised equality
    (SHORT, "BRI", 1.0, "exact"),
    (SHORT, "bri", 1.0, "case folding"),
    (SHORT, "belt and road initiative", 1.0, "case folding long"),
    (SHORT, "  Belt   and\tRoad\nInitiative ", 1.0, "internal whitespace"),
    (SHORT, "China\u2019s rise", 1.0, "curly apostrophe vs straight"),
    (SHORT, "2009\u20132010", 1.0, "en dash"),
    (SHORT, "2009\u20142010", 1.0, "em dash"),
    (SHORT, "BRI.", 1.0, "trailing period"),
    (SHORT, "BRI,", 1.0, "trailing comma"),
    (SHORT, "BRI .,", 1.0, "several trailing marks"),
    (SHORT, "B.R.I", 0.0, "inner periods are kept"),
    (SHORT, "BRI!", 0.0, "other punctuation"),
    (SHORT, "Belt Road Initiative", 0.0, "different words"),
    (SHORT, "", 0.0, "empty"),
    (SHORT, ".", 0.0, "only punctuation"),
    (SHORT, None, 0.0, "missing"),
    (SHORT, 5, 0.0, "non-string"),
    (SHORT, ["BRI"], 0.0, "list"),
    (SHORT_CASED, "BRI", 1.0, "case sensitive right"),
    (SHORT_CASED, "bri", 0.0, "case sensitive wrong case"),
    (SHORT_CASED, " BRI. ", 1.0, "case sensitive still trims"),
    # numeric: 1 if abs(value - answer) <= tolerance
    (EXACT, 1234.5, 1.0, "exact float"),
    (EXACT, "1,234.5", 1.0, "thousands separator"),
    (EXACT, "1234.50", 1.0, "trailing zero"),
    (EXACT, 1234, 0.0, "zero tolerance"),
    (EXACT, "1,2345", 0.0, "bad grouping"),
    (BILLIONS, 240, 1.0, "int"),
    (BILLIONS, 244.9, 1.0, "within tolerance"),
    (BILLIONS, 245, 1.0, "tolerance boundary"),
    (BILLIONS, 235, 1.0, "lower boundary"),
    (BILLIONS, 245.01, 0.0, "outside tolerance"),
    (BILLIONS, 234, 0.0, "outside below"),
    (BILLIONS, "$240", 1.0, "currency"),
    (BILLIONS, "240 billion", 1.0, "unit"),
    (BILLIONS, "240 Billions", 1.0, "plural unit any case"),
    (BILLIONS, "240billion", 1.0, "unit without space"),
    (BILLIONS, "$240 billion", 1.0, "currency and unit"),
    (BILLIONS, "240 million", 0.0, "other unit"),
    (BILLIONS, "1,2", 0.0, "bad grouping"),
    (BILLIONS, "1e999", 0.0, "overflow"),
    (BILLIONS, "NaN", 0.0, "nan string"),
    (BILLIONS, "inf", 0.0, "inf string"),
    (BILLIONS, math.nan, 0.0, "nan float"),
    (BILLIONS, math.inf, 0.0, "inf float"),
    (BILLIONS, 10**400, 0.0, "int too big for float"),
    (BILLIONS, "", 0.0, "empty"),
    (BILLIONS, None, 0.0, "missing"),
    (BILLIONS, True, 0.0, "bool is not a number"),
    (BILLIONS, [240], 0.0, "list"),
    (PERCENT, "26%", 1.0, "percent sign"),
    (PERCENT, "26 %", 1.0, "percent sign with space"),
    (PERCENT, 26, 1.0, "bare number"),
    (PERCENT, "0.26", 0.0, "percent is not a fraction"),
    (FLOATY, 0.1 + 0.2, 1.0, "float noise"),
    (FLOATY, "0.30000001", 0.0, "beyond float noise"),
    # matching: correct pairs / all pairs
    (MATCHING, {0: 0, 1: 1, 2: 2}, 1.0, "all"),
    (MATCHING, {0: 0, 1: 2, 2: 1}, 1 / 3, "partial"),
    (MATCHING, {0: 0}, 1 / 3, "missing keys are wrong"),
    (MATCHING, {"0": "0", "1": "1", "2": "2"}, 1.0, "string keys and values"),
    (MATCHING, {0: 0, 1: 1, 2: 3}, 0.0, "foreign value"),
    (MATCHING, {0: 0, 5: 1}, 0.0, "foreign key"),
    (MATCHING, {0: 0, "0": 1}, 0.0, "same key twice"),
    (MATCHING, {0: True, 1: 1, 2: 2}, 0.0, "bool value"),
    (MATCHING, {"a": 0}, 0.0, "non-digit key"),
    (MATCHING, {}, 0.0, "empty"),
    (MATCHING, [0, 1, 2], 0.0, "list is not a mapping"),
    (MATCHING, None, 0.0, "missing"),
    # ordering: kept adjacent pairs / (items - 1)
    (ORDERING, [0, 1, 2, 3], 1.0, "perfect"),
    (ORDERING, (0, 1, 2, 3), 1.0, "tuple"),
    (ORDERING, ["0", "1", "2", "3"], 1.0, "digit strings"),
    (ORDERING, [3, 2, 1, 0], 0.0, "reversed"),
    (ORDERING, [1, 2, 3, 0], 2 / 3, "first item moved to the end"),
    (ORDERING, [0, 2, 1, 3], 0.0, "middle pair swapped breaks every pair"),
    (ORDERING, [2, 3, 0, 1], 2 / 3, "halves swapped"),
    (ORDERING, [0, 1, 2, 4], 0.0, "non-permutation"),
    (ORDERING, [0, 1, 1, 3], 0.0, "duplicates"),
    (ORDERING, [0, 1, 2], 0.0, "too short"),
    (ORDERING, [0, 1, 2, 3, 0], 0.0, "too long"),
    (ORDERING, {0, 1, 2, 3}, 0.0, "set has no order"),
    (ORDERING, "0123", 0.0, "string"),
    (ORDERING, None, 0.0, "missing"),
]


@pytest.mark.parametrize(
    ("question", "response", "expected"),
    [pytest.param(q, r, e, id=f"{q.type_name}-{label}") for q, r, e, label in GRADING],
)
def test_grade(question: Question, response: object, expected: float) -> None:
    grade = question.grade(response)
    assert isinstance(grade, float)
    assert grade == pytest.approx(expected)


ALL_GRADED = [SINGLE, MULTIPLE, IS_TRUE, SHORT, EXACT, BILLIONS, MATCHING, ORDERING]
GARBAGE = [
    object(),
    b"1",
    1.5,
    -7,
    10**400,
    math.nan,
    [[]],
    [None],
    {"a": []},
    {None: None},
    (),
    frozenset({1.5}),
    "\x00",
    "\u0661",
    Ellipsis,
]


@pytest.mark.parametrize("question", ALL_GRADED, ids=lambda q: q.id)
@pytest.mark.parametrize("response", GARBAGE, ids=repr)
def test_grade_never_raises(question: Question, response: object) -> None:
    assert question.grade(response) == 0.0


@pytest.mark.parametrize(
    ("text", "unit", "expected"),
    [
        ("42", None, 42.0),
        ("+42", None, 42.0),
        ("-42", None, -42.0),
        ("\u221242", None, -42.0),
        ("3.25", None, 3.25),
        (".5", None, 0.5),
        ("12.", None, 12.0),
        ("1,234", None, 1234.0),
        ("1,234.5", None, 1234.5),
        ("12,345,678", None, 12345678.0),
        ("1234567", None, 1234567.0),
        ("1,2", None, None),
        ("12,34", None, None),
        ("1,2345", None, None),
        (",123", None, None),
        ("1,,234", None, None),
        ("1e3", None, 1000.0),
        ("2.5E-2", None, 0.025),
        ("$240", None, 240.0),
        ("\u20ac1,000", None, 1000.0),
        ("\u00a3 3.50", None, 3.5),
        ("-$5", None, -5.0),
        ("26%", None, 26.0),
        ("26 %", None, 26.0),
        ("240 billion", "billion", 240.0),
        ("240 BILLION", "billion", 240.0),
        ("240 billions", "billion", 240.0),
        ("2 kilometre", "kilometres", 2.0),
        ("5,600 square  miles", "Square Miles", 5600.0),
        # Part of a multi-word unit is enough: students type "240 billion".
        ("240 billion", "billion US dollars", 240.0),
        ("$240 billion", "billion US dollars", 240.0),
        ("240 billion US dollars", "billion US dollars", 240.0),
        ("240 billion dollar", "billion US dollars", 240.0),
        ("240 bn", "billion US dollars", 240.0),
        ("240 billion euros", "billion US dollars", None),
        ("1,2345", None, None),
        ("240 billion", None, None),
        ("240 million", "billion", 0.24),
        ("billion", "billion", None),
        ("1e999", None, None),
        ("-1e999", None, None),
        ("NaN", None, None),
        ("nan", None, None),
        ("inf", None, None),
        ("Infinity", None, None),
        ("", None, None),
        ("   ", None, None),
        ("forty", None, None),
        ("4 2", None, None),
        ("0x1F", None, None),
        ("1_000", None, None),
    ],
)
def test_parse_number(text: str, unit: str | None, expected: float | None) -> None:
    assert parse_number(text, unit) == expected


# ------------------------------------------------------------------------------ validation

DELETE = object()

BASES: dict[str, dict[str, object]] = {
    "single": {
        "id": "q1",
        "type": "single",
        "prompt": "Pick one.",
        "choices": [{"text": "a", "correct": True}, {"text": "b", "correct": False}],
    },
    "multiple": {
        "id": "q1",
        "type": "multiple",
        "prompt": "Select all that apply.",
        "choices": [{"text": "a", "correct": True}, {"text": "b", "correct": False}],
    },
    "true_false": {"id": "q1", "type": "true_false", "prompt": "True?", "answer": True},
    "short": {"id": "q1", "type": "short", "prompt": "Name it.", "answers": ["BRI"]},
    "numeric": {"id": "q1", "type": "numeric", "prompt": "How much?", "answer": 240},
    "matching": {
        "id": "q1",
        "type": "matching",
        "prompt": "Match.",
        "pairs": [{"left": "a", "right": "1"}, {"left": "b", "right": "2"}],
    },
    "ordering": {"id": "q1", "type": "ordering", "prompt": "Order.", "items": ["x", "y", "z"]},
}


def changed(type_name: str, **changes: object) -> dict[str, object]:
    data = dict(BASES[type_name])
    for key, value in changes.items():
        if value is DELETE:
            del data[key]
        else:
            data[key] = value
    return data


def choices(*entries: tuple[str, object]) -> list[dict[str, object]]:
    return [{"text": text, "correct": correct} for text, correct in entries]


INVALID = [
    ("missing id", changed("single", id=DELETE), ("id",), "missing required field 'id'"),
    ("bad id", changed("single", id="Q 1"), ("id",), "id 'Q 1' may only use"),
    ("numeric id", changed("single", id=12), ("id",), "id must be text; YAML read it as"),
    ("missing type", changed("single", type=DELETE), ("type",), "missing required field"),
    (
        "unknown type",
        changed("single", type="essay"),
        ("type",),
        "unknown type 'essay'; known types: single, multiple, true_false, short, numeric, "
        "matching, ordering",
    ),
    (
        "unknown field",
        changed("single", explaination="why"),
        ("explaination",),
        "unknown field 'explaination' (did you mean 'explanation'?)",
    ),
    ("missing prompt", changed("single", prompt=DELETE), ("prompt",), "missing required field"),
    ("empty prompt", changed("single", prompt="   "), ("prompt",), "prompt must not be empty"),
    ("prompt not text", changed("single", prompt=["a"]), ("prompt",), "prompt must be text"),
    ("html tag", changed("single", prompt="Is <b>this</b> it?"), ("prompt",), "prompt must not"),
    ("html close tag", changed("single", prompt="x </p>"), ("prompt",), "raw HTML"),
    ("html comment", changed("single", prompt="<!-- x --> y"), ("prompt",), "raw HTML"),
    ("difficulty 4", changed("single", difficulty=4), ("difficulty",), "must be 1, 2 or 3"),
    ("difficulty 0", changed("single", difficulty=0), ("difficulty",), "must be 1, 2 or 3"),
    ("difficulty bool", changed("single", difficulty=True), ("difficulty",), "1, 2 or 3"),
    ("difficulty text", changed("single", difficulty="2"), ("difficulty",), "1, 2 or 3"),
    ("difficulty float", changed("single", difficulty=2.0), ("difficulty",), "1, 2 or 3"),
    ("points 0", changed("single", points=0), ("points",), "points must be greater than 0"),
    ("points negative", changed("single", points=-1), ("points",), "greater than 0"),
    ("points bool", changed("single", points=True), ("points",), "must be a number"),
    ("points text", changed("single", points="2"), ("points",), "without quotes"),
    ("points inf", changed("single", points=math.inf), ("points",), "must be a finite number"),
    ("tags text", changed("single", tags="x"), ("tags",), "tags must be a list"),
    ("tag empty", changed("single", tags=["ok", " "]), ("tags", 1), "tags[1] must not be empty"),
    ("tag number", changed("single", tags=[1]), ("tags", 0), "put it in quotes"),
    ("evidence number", changed("single", evidence=5), ("evidence",), "evidence must be text"),
    ("explanation empty", changed("single", explanation=""), ("explanation",), "must not be"),
    # single
    (
        "one choice",
        changed("single", choices=choices(("a", True))),
        ("choices",),
        "choices needs at least 2 entries, found 1",
    ),
    (
        "none correct",
        changed("single", choices=choices(("a", False), ("b", False))),
        ("choices",),
        "at least one choice must be correct (worth full marks); none is",
    ),
    ("choices text", changed("single", choices="a, b"), ("choices",), "must be a list"),
    ("choices missing", changed("single", choices=DELETE), ("choices",), "missing required"),
    (
        "choice text empty",
        changed("single", choices=choices(("", True), ("b", False))),
        ("choices", 0, "text"),
        "choices[0].text must not be empty",
    ),
    (
        "choice text number",
        changed("single", choices=choices((1, True), ("b", False))),
        ("choices", 0, "text"),
        "choices[0].text must be text; YAML read it as the number 1",
    ),
    (
        "correct as string",
        changed("single", choices=choices(("a", True), ("b", "no"))),
        ("choices", 1, "correct"),
        "choices[1].correct must be true or false",
    ),
    (
        "correct as int",
        changed("single", choices=choices(("a", True), ("b", 0))),
        ("choices", 1, "correct"),
        "must be true or false",
    ),
    (
        "correct missing",
        changed("single", choices=[{"text": "a", "correct": True}, {"text": "b"}]),
        ("choices", 1, "correct"),
        "missing required field 'choices[1].correct'",
    ),
    (
        "choice not a mapping",
        changed("single", choices=["a", {"text": "b", "correct": True}]),
        ("choices", 0),
        "choices[0] must be a mapping",
    ),
    (
        "choice unknown key",
        changed("single", choices=[{"text": "a", "correct": True, "feedbak": "x"}, "b"]),
        ("choices", 0, "feedbak"),
        "unknown field 'feedbak' in choices[0] (did you mean 'feedback'?)",
    ),
    (
        "duplicate choice",
        changed("single", choices=choices(("a", True), ("a", False))),
        ("choices", 1, "text"),
        "choice text 'a' repeats choices[0].text",
    ),
    # multiple
    (
        "multiple none correct",
        changed("multiple", choices=choices(("a", False), ("b", False))),
        ("choices",),
        "at least one choice must be correct",
    ),
    # true_false
    (
        "answer as string",
        changed("true_false", answer="true"),
        ("answer",),
        "answer must be true or false",
    ),
    ("answer missing", changed("true_false", answer=DELETE), ("answer",), "missing required"),
    (
        "feedback number",
        changed("true_false", feedback_true=3),
        ("feedback_true",),
        "feedback_true must be text",
    ),
    # short
    ("no answers", changed("short", answers=[]), ("answers",), "at least 1 entries, found 0"),
    ("answers text", changed("short", answers="BRI"), ("answers",), "answers must be a list"),
    (
        "answer read as bool",
        changed("short", answers=["yes", False]),
        ("answers", 1),
        "answers[1] must be text; YAML read it as the boolean false",
    ),
    (
        "answer read as number",
        changed("short", answers=[1]),
        ("answers", 0),
        'answers[0] must be text; YAML read it as the number 1; put it in quotes, e.g. "1"',
    ),
    ("answer empty", changed("short", answers=["ok", " "]), ("answers", 1), "must not be empty"),
    ("answer only dots", changed("short", answers=["..."]), ("answers", 0), "nothing to match"),
    (
        "case_sensitive text",
        changed("short", case_sensitive="no"),
        ("case_sensitive",),
        "case_sensitive must be true or false",
    ),
    # numeric
    ("answer quoted", changed("numeric", answer="240"), ("answer",), "without quotes"),
    ("answer nan", changed("numeric", answer=math.nan), ("answer",), "finite number"),
    ("answer bool", changed("numeric", answer=True), ("answer",), "answer must be a number"),
    ("answer missing", changed("numeric", answer=DELETE), ("answer",), "missing required"),
    ("tolerance negative", changed("numeric", tolerance=-1), ("tolerance",), "at least 0"),
    ("unit empty", changed("numeric", unit=""), ("unit",), "unit must not be empty"),
    # matching
    (
        "one pair",
        changed("matching", pairs=[{"left": "a", "right": "1"}]),
        ("pairs",),
        "pairs needs at least 2 entries",
    ),
    (
        "left repeated",
        changed("matching", pairs=[{"left": "a", "right": "1"}, {"left": "a", "right": "2"}]),
        ("pairs", 1, "left"),
        "left 'a' repeats pairs[0].left",
    ),
    (
        # Rights may repeat (as in Moodle), but one answer for every left is no question.
        "one answer only",
        changed("matching", pairs=[{"left": "a", "right": "1"}, {"left": "b", "right": "1"}]),
        ("pairs",),
        "every pair has the right '1' and there is no distractor",
    ),
    (
        "right missing",
        changed("matching", pairs=[{"left": "a"}, {"left": "b", "right": "2"}]),
        ("pairs", 0, "right"),
        "missing required field 'pairs[0].right'",
    ),
    # ordering
    ("two items", changed("ordering", items=["x", "y"]), ("items",), "at least 3 entries"),
    ("item repeated", changed("ordering", items=["x", "y", "x"]), ("items", 2), "item 'x'"),
    ("item number", changed("ordering", items=["x", 2020, "z"]), ("items", 1), "quotes"),
]


@pytest.mark.parametrize(
    ("data", "path", "message"),
    [pytest.param(data, path, message, id=label) for label, data, path, message in INVALID],
)
def test_validation_problem(data: dict[str, object], path: tuple, message: str) -> None:
    with pytest.raises(QuestionInvalid) as caught:
        question_from_mapping(data)
    found = [p for p in caught.value.problems if p.path == path]
    assert found, caught.value.problems
    assert any(message in p.message for p in found), found


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("evidence", "missing required field 'evidence'"),
        ("explanation", "missing required field 'explanation'"),
    ],
)
def test_require_evidence(field: str, message: str) -> None:
    data = changed("single", evidence="quote", explanation="why")
    del data[field]
    assert question_from_mapping(data).id == "q1"
    with pytest.raises(QuestionInvalid) as caught:
        question_from_mapping(data, require_evidence=True)
    assert caught.value.problems == (FieldProblem(path=(field,), message=message),)


@pytest.mark.parametrize("data", [["id", "q1"], "q1", None, 3])
def test_non_mapping_is_one_problem(data: object) -> None:
    with pytest.raises(QuestionInvalid) as caught:
        question_from_mapping(data)  # type: ignore[arg-type]
    assert [p.path for p in caught.value.problems] == [()]


def test_every_problem_is_reported() -> None:
    data = {
        "id": "Bad Id",
        "type": "single",
        "prompt": "<em>hi</em>",
        "explaination": "typo",
        "difficulty": 9,
        "points": -2,
        "tags": [""],
        "choices": [{"text": "a", "correct": "yes"}, {"text": "", "correct": True}],
    }
    with pytest.raises(QuestionInvalid) as caught:
        question_from_mapping(data, require_evidence=True)
    paths = [problem.path for problem in caught.value.problems]
    assert sorted(map(str, paths)) == sorted(
        map(
            str,
            [
                ("id",),
                ("prompt",),
                ("evidence",),
                ("explanation",),
                ("difficulty",),
                ("points",),
                ("tags", 0),
                ("explaination",),
                ("choices", 0, "correct"),
                ("choices", 1, "text"),
            ],
        )
    )
    assert "Bad Id" in str(caught.value)


def test_unknown_type_does_not_flag_its_fields() -> None:
    with pytest.raises(QuestionInvalid) as caught:
        question_from_mapping(changed("single", type="essay"))
    assert [p.path for p in caught.value.problems] == [("type",)]


@pytest.mark.parametrize(
    "prompt", ["Is 3 < 4?", "a <= b", "Use *emphasis* and [links](https://example.org)"]
)
def test_prompt_without_html_is_fine(prompt: str) -> None:
    assert question_from_mapping(changed("single", prompt=prompt)).prompt == prompt


def test_strings_are_stripped_and_nulls_are_absent() -> None:
    data = {
        "id": " q1 ",
        "type": "single",
        "prompt": "  Pick one.\n",
        "choices": [
            {"text": " a ", "correct": True, "feedback": " yes "},
            {"text": "b", "correct": False, "feedback": None},
        ],
        "evidence": " quote ",
        "explanation": None,
        "tags": [" t "],
    }
    question = question_from_mapping(data)
    assert question == SingleChoice(
        id="q1",
        prompt="Pick one.",
        choices=(Choice(text="a", correct=True, feedback="yes"), Choice(text="b", correct=False)),
        evidence="quote",
        tags=("t",),
    )


ROUND_TRIP = [
    SingleChoice(
        id="single",
        prompt="Pick one.",
        choices=(
            Choice(text="a", correct=False, feedback="Not a."),
            Choice(text="b", correct=True),
        ),
        evidence="quote",
        explanation="why",
        difficulty=3,
        points=2.5,
        tags=("x", "y"),
    ),
    MultipleChoice(
        id="multiple",
        prompt="Select all that apply.",
        choices=(Choice(text="a", correct=True), Choice(text="b", correct=False)),
        points=3,
    ),
    TrueFalse(id="tf", prompt="True?", answer=False, feedback_true="No.", feedback_false="Yes."),
    ShortAnswer(
        id="short", prompt="Name it.", answers=("BRI", "Belt and Road"), case_sensitive=True
    ),
    Numeric(id="numeric", prompt="How much?", answer=76.4, tolerance=0.05, unit="billion"),
    Numeric(id="numeric-int", prompt="How much?", answer=240),
    Matching(
        id="matching",
        prompt="Match.",
        pairs=(Pair(left="a", right="1"), Pair(left="b", right="2")),
        difficulty=1,
    ),
    Ordering(id="ordering", prompt="Order.", items=("x", "y", "z"), explanation="Multi\nline."),
]


@pytest.mark.parametrize("question", ROUND_TRIP, ids=lambda q: q.id)
def test_round_trip(question: Question) -> None:
    assert question_from_mapping(question.to_mapping()) == question


def test_to_mapping_order_and_defaults() -> None:
    mapping = ROUND_TRIP[0].to_mapping()
    assert list(mapping) == [
        "id",
        "type",
        "prompt",
        "choices",
        "evidence",
        "explanation",
        "difficulty",
        "points",
        "tags",
    ]
    assert mapping["choices"] == [
        {"text": "a", "correct": False, "feedback": "Not a."},
        {"text": "b", "correct": True},
    ]
    assert mapping["tags"] == ["x", "y"]
    assert ROUND_TRIP[1].to_mapping()["points"] == 3
    assert isinstance(ROUND_TRIP[1].to_mapping()["points"], int)
    assert ROUND_TRIP[5].to_mapping() == {
        "id": "numeric-int",
        "type": "numeric",
        "prompt": "How much?",
        "answer": 240,
    }
    assert SHORT.to_mapping() == {
        "id": "short",
        "type": "short",
        "prompt": "Name it.",
        "answers": ["Belt and Road Initiative", "BRI", "China's rise", "2009-2010"],
    }


def test_registry_has_the_seven_types() -> None:
    assert set(QUESTION_TYPES) == {
        "single",
        "multiple",
        "true_false",
        "short",
        "numeric",
        "matching",
        "ordering",
    }
    for name, cls in QUESTION_TYPES.items():
        assert cls.type_name == name
    assert {type(q) for q in ROUND_TRIP} == set(QUESTION_TYPES.values())


def test_registry_refuses_a_second_class_for_a_name() -> None:
    class Impostor(SingleChoice):
        pass

    with pytest.raises(ValueError, match="registered twice"):
        build_registry((SingleChoice, Impostor))
    assert QUESTION_TYPES["single"] is SingleChoice


def test_question_invalid_is_a_value_error() -> None:
    error = QuestionInvalid([FieldProblem(path=("id",), message="bad")])
    assert isinstance(error, ValueError)
    assert error.problems == (FieldProblem(path=("id",), message="bad"),)
