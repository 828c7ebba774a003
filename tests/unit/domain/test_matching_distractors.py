"""Matching with distractors and shared rights (quizapp.domain.question_types.matching).

The options offered for every left item are the distinct rights in pair order, then the
distractors; stored answers and responses index them. A question without distractors or
shared rights offers option i = pair i's right, so answers stored before both existed
keep their meaning and their grade.
"""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizapp.domain.answers import describe_answer, read_answer, validate_stored
from quizapp.domain.question_types import Matching, Pair
from quizapp.domain.question_types.answer_fields import AnswerRejected, AnswerTokens
from quizapp.domain.questions import QuestionInvalid, question_from_mapping

ANIMALS = Matching(
    id="animals",
    prompt="Match each animal to its class.",
    pairs=(
        Pair(left="cat", right="mammal"),
        Pair(left="snake", right="reptile"),
        Pair(left="dog", right="mammal"),
    ),
    distractors=("bird", "fish"),
)
# As every matching question was before distractors: distinct rights, none extra.
CAPITALS = Matching(
    id="capitals",
    prompt="Match.",
    pairs=(
        Pair(left="France", right="Paris"),
        Pair(left="Italy", right="Rome"),
        Pair(left="Spain", right="Madrid"),
    ),
)


def mapping(**fields: object) -> dict[str, object]:
    return {"id": "m", "type": "matching", "prompt": "Match.", **fields}


PAIRS = [{"left": "cat", "right": "mammal"}, {"left": "snake", "right": "reptile"}]


# ---------------------------------------------------------------------------- the options


@pytest.mark.parametrize(
    ("question", "options", "key"),
    [
        (ANIMALS, ("mammal", "reptile", "bird", "fish"), (0, 1, 0)),
        (CAPITALS, ("Paris", "Rome", "Madrid"), (0, 1, 2)),
        (
            Matching(
                id="x",
                prompt="x",
                pairs=(Pair(left="a", right="1"), Pair(left="b", right="1")),
                distractors=("2",),
            ),
            ("1", "2"),
            (0, 0),
        ),
    ],
    ids=["shared-and-distractors", "old-style", "all-share-one-right"],
)
def test_options_are_the_distinct_rights_then_the_distractors(
    question: Matching, options: tuple[str, ...], key: tuple[int, ...]
) -> None:
    assert question.right_options == options
    assert question.key_options() == key
    assert question.shuffled_count() == len(options)


# -------------------------------------------------------------------------------- grading

GRADES = [
    # (response {left: option}, grade)
    ({0: 0, 1: 1, 2: 0}, 1.0),  # both mammals share option 0
    ({2: 0, 0: 0, 1: 1}, 1.0),  # key order does not matter
    ({"0": "0", "1": "1", "2": "0"}, 1.0),  # as a form sends digits
    ({0: 0, 1: 1, 2: 2}, 2 / 3),  # dog -> bird (a distractor)
    ({0: 3, 1: 2, 2: 3}, 0.0),  # only distractors
    ({0: 0}, 1 / 3),  # partial answer
    ({}, 0.0),
    ({0: 4}, 0.0),  # option out of range
    ({3: 0}, 0.0),  # left out of range
    ({0: 0, "0": 0}, 0.0),  # two answers for one left
    ({0: True}, 0.0),
    ([0, 1, 0], 0.0),
    (None, 0.0),
]


@pytest.mark.parametrize(("response", "grade"), GRADES)
def test_grade_counts_lefts_given_their_right_text(response: object, grade: float) -> None:
    assert ANIMALS.grade(response) == pytest.approx(grade)


# Stored answers of attempts made before distractors existed: {"<left>": pair index}.
OLD_STORED = [
    ({"0": 0, "1": 1, "2": 2}, 1.0, "France → Paris; Italy → Rome; Spain → Madrid"),
    ({"0": 1, "1": 0, "2": 2}, 1 / 3, "France → Rome; Italy → Paris; Spain → Madrid"),
    ({"0": 2}, 0.0, "France → Madrid; Italy → (no answer); Spain → (no answer)"),
    ({"1": 1, "2": 0}, 1 / 3, "France → (no answer); Italy → Rome; Spain → Paris"),
]


@pytest.mark.parametrize(("stored", "grade", "described"), OLD_STORED)
def test_answers_stored_before_distractors_grade_and_read_the_same(
    stored: dict[str, int], grade: float, described: str
) -> None:
    checked = validate_stored(CAPITALS, stored)
    assert checked == stored
    # The grade of the rule before distractors: a left is right when it chose its own index.
    before = sum(1 for left, right in stored.items() if int(left) == right) / 3
    assert CAPITALS.grade(CAPITALS.stored_to_response(checked)) == pytest.approx(before)
    assert before == pytest.approx(grade)
    assert describe_answer(CAPITALS, checked) == described


def test_an_old_question_read_from_its_mapping_is_unchanged_and_writes_no_distractors() -> None:
    old = {
        "id": "capitals",
        "type": "matching",
        "prompt": "Match.",
        "pairs": [{"left": p.left, "right": p.right} for p in CAPITALS.pairs],
    }
    question = question_from_mapping(old)
    assert question == CAPITALS
    assert question.to_mapping() == old


@pytest.mark.parametrize(
    ("stored", "message"),
    [
        ({"0": 4}, "That choice is not one of this question's options."),
        ({"3": 0}, "That item is not one of this question's items."),
        ({"0": "1"}, "That choice is not one of this question's options."),
        ([0, 1], "This answer is not in the form this question expects."),
    ],
)
def test_stored_answers_index_the_options(stored: object, message: str) -> None:
    with pytest.raises(AnswerRejected, match=message):
        validate_stored(ANIMALS, stored)


def test_a_distractor_can_be_stored_and_is_described_by_its_text() -> None:
    stored = validate_stored(ANIMALS, {"0": 3, "1": 1, "2": 0})
    assert stored == {"0": 3, "1": 1, "2": 0}
    assert describe_answer(ANIMALS, stored) == "cat → fish; snake → reptile; dog → mammal"


def test_the_form_reads_one_token_per_option() -> None:
    tokens = AnswerTokens(("t-mammal", "t-reptile", "t-bird", "t-fish"))
    form = {"match-0": ["t-mammal"], "match-1": ["t-fish"], "match-2": ["t-mammal"]}
    stored = read_answer(ANIMALS, form, tokens)
    assert stored == {"0": 0, "1": 3, "2": 0}
    assert ANIMALS.grade(ANIMALS.stored_to_response(stored)) == pytest.approx(2 / 3)
    with pytest.raises(AnswerRejected):
        read_answer(ANIMALS, {"match-0": ["t-other"]}, tokens)


# ----------------------------------------------------------------------------- validation

VALID = [
    ("no distractors", mapping(pairs=PAIRS), ()),
    ("empty distractors", mapping(pairs=PAIRS, distractors=[]), ()),
    ("distractors", mapping(pairs=PAIRS, distractors=["bird", " fish "]), ("bird", "fish")),
    (
        "shared right",
        mapping(pairs=[*PAIRS, {"left": "dog", "right": "mammal"}]),
        (),
    ),
    (
        "one shared right and a distractor",
        mapping(
            pairs=[{"left": "cat", "right": "mammal"}, {"left": "dog", "right": "mammal"}],
            distractors=["reptile"],
        ),
        ("reptile",),
    ),
]


@pytest.mark.parametrize(
    ("data", "distractors"),
    [pytest.param(data, distractors, id=label) for label, data, distractors in VALID],
)
def test_valid_mappings(data: dict[str, object], distractors: tuple[str, ...]) -> None:
    question = question_from_mapping(data)
    assert isinstance(question, Matching)
    assert question.distractors == distractors
    assert question_from_mapping(question.to_mapping()) == question
    assert ("distractors" in question.to_mapping()) == bool(distractors)


INVALID = [
    (
        "distractor equal to a right",
        mapping(pairs=PAIRS, distractors=["bird", "reptile"]),
        ("distractors", 1),
        "distractor 'reptile' is already the right of pairs[1].right: a distractor must "
        "match no left item (remove it, or change its text)",
    ),
    (
        "distractor equal to a shared right",
        mapping(pairs=[*PAIRS, {"left": "dog", "right": "mammal"}], distractors=["mammal"]),
        ("distractors", 0),
        "distractor 'mammal' is already the right of pairs[0].right",
    ),
    (
        "distractor repeated",
        mapping(pairs=PAIRS, distractors=["bird", "fish", "bird"]),
        ("distractors", 2),
        "distractor 'bird' repeats distractors[0]",
    ),
    (
        "distractor empty",
        mapping(pairs=PAIRS, distractors=["  "]),
        ("distractors", 0),
        "distractors[0] must not be empty",
    ),
    (
        "distractor a number",
        mapping(pairs=PAIRS, distractors=[1066]),
        ("distractors", 0),
        'YAML read it as the number 1066; put it in quotes, e.g. "1066"',
    ),
    (
        "distractors not a list",
        mapping(pairs=PAIRS, distractors="bird"),
        ("distractors",),
        "distractors must be a list of texts, not text",
    ),
    (
        "one answer for every left",
        mapping(pairs=[{"left": "a", "right": "1"}, {"left": "b", "right": "1"}]),
        ("pairs",),
        "every pair has the right '1' and there is no distractor: give at least two "
        "different answers to choose from",
    ),
    (
        "left still unique",
        mapping(pairs=[{"left": "a", "right": "1"}, {"left": "a", "right": "2"}]),
        ("pairs", 1, "left"),
        "left 'a' repeats pairs[0].left",
    ),
    (
        "unknown key in a pair",
        mapping(pairs=[{"left": "a", "right": "1", "distractor": "x"}, PAIRS[0]]),
        ("pairs", 0, "distractor"),
        "unknown field 'distractor' in pairs[0]",
    ),
]


@pytest.mark.parametrize(
    ("data", "path", "message"),
    [pytest.param(data, path, message, id=label) for label, data, path, message in INVALID],
)
def test_validation_problems_say_what_and_where(
    data: dict[str, object], path: tuple[str | int, ...], message: str
) -> None:
    with pytest.raises(QuestionInvalid) as caught:
        question_from_mapping(data)
    found = [problem.message for problem in caught.value.problems if problem.path == path]
    assert found, caught.value.problems
    assert message in found[0]


def test_the_key_describes_the_pairs() -> None:
    assert ANIMALS.describe_key() == "cat → mammal; snake → reptile; dog → mammal"


# ------------------------------------------------------------------------- property test

WORDS = st.text(st.characters(exclude_categories=("Cs", "Cc")), min_size=1, max_size=8).map(
    str.strip
)


@st.composite
def matchings(draw: st.DrawFn) -> Matching:
    """A valid matching question: unique lefts, rights that may repeat, any distractors."""
    lefts = draw(st.lists(WORDS.filter(bool), min_size=2, max_size=6, unique=True))
    rights = draw(st.lists(WORDS.filter(bool), min_size=1, max_size=len(lefts)))
    pairs = [
        {"left": left, "right": rights[draw(st.integers(0, len(rights) - 1))]} for left in lefts
    ]
    used = {pair["right"] for pair in pairs}
    distractors = draw(
        st.lists(WORDS.filter(lambda w: bool(w) and w not in used), max_size=5, unique=True)
    )
    if len(used) + len(distractors) < 2:
        distractors.append(draw(WORDS.filter(lambda w: bool(w) and w not in used)))
    question = question_from_mapping(mapping(pairs=pairs, distractors=distractors))
    assert isinstance(question, Matching)
    return question


@settings(max_examples=200, deadline=None)
@given(matchings(), st.randoms(use_true_random=False))
def test_every_left_matched_to_its_own_right_grades_1_whatever_the_distractors(
    question: Matching, rng: random.Random
) -> None:
    options = question.right_options
    response = {left: options.index(pair.right) for left, pair in enumerate(question.pairs)}
    assert question.grade(response) == 1.0
    # Through the page's tokens and the stored form too, the lefts in any order.
    tokens = AnswerTokens(tuple(f"token-{i}" for i in range(question.shuffled_count())))
    lefts = list(response)
    rng.shuffle(lefts)
    form = {f"match-{left}": [tokens.values[response[left]]] for left in lefts}
    stored = read_answer(question, form, tokens)
    assert stored is not None and question.stored_is_complete(stored)
    assert question.grade(question.stored_to_response(stored)) == 1.0
    # Choosing any distractor for one left loses exactly that left.
    for distractor in question.distractors:
        wrong = {**response, 0: options.index(distractor)}
        assert question.grade(wrong) == pytest.approx(1 - 1 / len(question.pairs))
