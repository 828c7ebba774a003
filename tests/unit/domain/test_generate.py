"""Tests for quizapp.domain.generate: drawing by rules, display orders, shuffle plans."""

import itertools
import random
from collections import Counter

import pytest

from quizapp.domain.generate import (
    NO_RULES,
    Candidate,
    DrawRule,
    RulesImpossible,
    check_rules,
    display_order,
    draw,
    shuffle_plan,
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


def pool(section_id: int, ids: range, difficulty: int = 2, rank: int = 0) -> list[Candidate]:
    """Candidates with the given ids, all in one section."""
    return [Candidate(i, section_id, difficulty, rank) for i in ids]


# Section 1: ids 10-13 (difficulty 1, 1, 2, 3); section 2: ids 20-24 (difficulty 2).
BANK = [
    Candidate(10, 1, 1),
    Candidate(11, 1, 1),
    Candidate(12, 1, 2),
    Candidate(13, 1, 3),
    *pool(2, range(20, 25)),
]


def section_of(question_id: int) -> int:
    return next(c.section_id for c in BANK if c.question_id == question_id)


# ---------------------------------------------------------------------------- check_rules


@pytest.mark.parametrize(
    ("rules", "candidates", "expected"),
    [
        ([DrawRule(4, section_id=1)], BANK, []),
        ([DrawRule(9)], BANK, []),
        ([DrawRule(2, section_id=1, difficulties=frozenset({1}))], BANK, []),
        ([DrawRule(4, section_id=1), DrawRule(5, section_id=2)], BANK, []),
        ([DrawRule(4, section_id=1), DrawRule(5)], BANK, []),
        ([], BANK, [NO_RULES]),
        ([], [], [NO_RULES]),
        (
            [DrawRule(5, section_id=1, label="Economic ties")],
            BANK,
            ["Economic ties: asks for 5 questions but only 4 are available"],
        ),
        (
            [DrawRule(2, section_id=1, difficulties=frozenset({3}), label="Hard ones")],
            BANK,
            ["Hard ones: asks for 2 questions but only 1 is available"],
        ),
        (
            [DrawRule(1, section_id=3, label="Empty section")],
            BANK,
            ["Empty section: asks for 1 question but none are available"],
        ),
        (
            [DrawRule(4, section_id=1, label="Ties"), DrawRule(6, label="Everything")],
            BANK,
            [
                "Everything: asks for 6 questions but only 5 are available "
                "(after the other rules took theirs)"
            ],
        ),
        (
            # The section rule's pool is smaller, so it is filled first and the shortage is
            # reported for the rule that asks for everything, whatever the given order.
            [DrawRule(6, label="Everything"), DrawRule(4, section_id=1, label="Ties")],
            BANK,
            [
                "Everything: asks for 6 questions but only 5 are available "
                "(after the other rules took theirs)"
            ],
        ),
        (
            [DrawRule(4, section_id=1), DrawRule(12)],
            BANK,
            [
                "Rule 2: asks for 12 questions but only 9 are in its pool, "
                "and only 5 are left after the other rules took theirs"
            ],
        ),
        (
            [DrawRule(4, section_id=1), DrawRule(5, section_id=2), DrawRule(1)],
            BANK,
            [
                "Rule 3: asks for 1 question but none are available "
                "(after the other rules took theirs)"
            ],
        ),
        (
            [DrawRule(0, label="Zero"), DrawRule(-2)],
            BANK,
            [
                "Zero: asks for 0 questions; a rule must ask for at least 1 question",
                "Rule 2: asks for -2 questions; a rule must ask for at least 1 question",
            ],
        ),
        (
            # Every problem is reported, in the rules' order.
            [DrawRule(7, section_id=2, label="B"), DrawRule(0, label="A")],
            BANK,
            [
                "B: asks for 7 questions but only 5 are available",
                "A: asks for 0 questions; a rule must ask for at least 1 question",
            ],
        ),
        ([DrawRule(1)], [], ["Rule 1: asks for 1 question but none are available"]),
    ],
)
def test_check_rules(
    rules: list[DrawRule], candidates: list[Candidate], expected: list[str]
) -> None:
    assert check_rules(rules, candidates) == expected


def test_duplicate_candidates_are_a_caller_bug() -> None:
    twice = [Candidate(1, 1, 2), Candidate(1, 2, 2)]
    with pytest.raises(ValueError, match="question 1 is a candidate twice"):
        check_rules([DrawRule(1)], twice)
    with pytest.raises(ValueError, match="question 1 is a candidate twice"):
        draw([DrawRule(1)], twice, random.Random(1))


# ----------------------------------------------------------------------------------- draw


@pytest.mark.parametrize("seed", range(20))
def test_all_sections_rule_never_starves_a_section_rule(seed: int) -> None:
    rules = [DrawRule(5, label="all"), DrawRule(4, section_id=1)]
    drawn = draw(rules, BANK, random.Random(seed))
    assert len(drawn) == len(set(drawn)) == 9
    # Output follows the rules' given order: the "all" rule's five come first.
    assert sorted(drawn[5:]) == [10, 11, 12, 13]
    assert sorted(drawn[:5]) == [20, 21, 22, 23, 24]


@pytest.mark.parametrize(
    ("rules", "sections"),
    [
        ([DrawRule(2, section_id=1), DrawRule(3, section_id=2)], [1, 1, 2, 2, 2]),
        ([DrawRule(3, section_id=2), DrawRule(1, section_id=1)], [2, 2, 2, 1]),
        ([DrawRule(1, section_id=1, difficulties=frozenset({3}))], [1]),
    ],
)
def test_each_rule_draws_from_its_pool_in_given_order(
    rules: list[DrawRule], sections: list[int]
) -> None:
    drawn = draw(rules, BANK, random.Random(7))
    assert [section_of(q) for q in drawn] == sections


def test_difficulty_filter() -> None:
    drawn = draw([DrawRule(2, section_id=1, difficulties=frozenset({1}))], BANK, random.Random(3))
    assert sorted(drawn) == [10, 11]


def test_overlapping_pools_are_solved_by_moving_questions() -> None:
    # Difficulty filters make pools overlap without nesting. X and W are filled first
    # (smaller pools) and each takes its preferred question, 1 and 2; Y then needs 1 as
    # well, so X moves to 2 and W to 5 along an augmenting path.
    candidates = [
        Candidate(1, section_id=1, difficulty=1, rank=0),
        Candidate(2, section_id=1, difficulty=2, rank=1),
        Candidate(3, section_id=2, difficulty=1, rank=0),
        Candidate(4, section_id=2, difficulty=1, rank=0),
        Candidate(5, section_id=3, difficulty=2, rank=2),
    ]
    rules = [
        DrawRule(1, section_id=1, label="X"),  # pool {1, 2}
        DrawRule(1, difficulties=frozenset({2}), label="W"),  # pool {2, 5}
        DrawRule(3, difficulties=frozenset({1}), label="Y"),  # pool {1, 3, 4}
    ]
    assert check_rules(rules, candidates) == []
    for seed in range(20):
        drawn = draw(rules, candidates, random.Random(seed))
        assert drawn[:2] == [2, 5]
        assert sorted(drawn[2:]) == [1, 3, 4]


def test_greedy_fill_is_kept_when_nothing_needs_moving() -> None:
    # With nested pools each rule keeps its most preferred questions.
    candidates = [
        Candidate(1, 1, 2, rank=0),
        Candidate(2, 1, 2, rank=1),
        Candidate(3, 2, 2, rank=0),
    ]
    assert draw([DrawRule(1), DrawRule(1, section_id=1)], candidates, random.Random(1)) == [3, 1]


def test_lowest_rank_first_then_random() -> None:
    candidates = [
        *pool(1, range(0, 5), rank=2),
        *pool(1, range(5, 8), rank=1),
        *pool(1, range(8, 10), rank=0),
    ]
    seen_first = set()
    for seed in range(40):
        drawn = draw([DrawRule(6)], candidates, random.Random(seed))
        assert sorted(drawn[:2]) == [8, 9]
        assert sorted(drawn[2:5]) == [5, 6, 7]
        assert drawn[5] in range(0, 5)
        seen_first.add(drawn[0])
    # Ties are broken at random, not by id.
    assert seen_first == {8, 9}


def test_every_question_of_the_lowest_rank_gets_drawn_sometimes() -> None:
    candidates = pool(1, range(10))
    counts = Counter(
        q for seed in range(200) for q in draw([DrawRule(3)], candidates, random.Random(seed))
    )
    assert set(counts) == set(range(10))


def test_same_seed_same_draw_different_seed_different_draw() -> None:
    candidates = pool(1, range(30))
    rules = [DrawRule(10)]
    first = draw(rules, candidates, random.Random(42))
    assert draw(rules, candidates, random.Random(42)) == first
    others = {tuple(draw(rules, candidates, random.Random(seed))) for seed in range(10)}
    assert len(others) > 1


def test_draw_raises_with_every_problem() -> None:
    rules = [DrawRule(5, section_id=1, label="Ties"), DrawRule(0, label="Zero")]
    with pytest.raises(RulesImpossible) as raised:
        draw(rules, BANK, random.Random(1))
    assert raised.value.problems == tuple(check_rules(rules, BANK))
    assert len(raised.value.problems) == 2
    assert isinstance(raised.value, ValueError)
    assert "Ties: asks for 5 questions" in str(raised.value)


def test_draw_without_rules_raises() -> None:
    with pytest.raises(RulesImpossible) as raised:
        draw([], BANK, random.Random(1))
    assert raised.value.problems == (NO_RULES,)


@pytest.mark.parametrize("seed", range(200))
def test_check_rules_agrees_with_draw_on_random_banks(seed: int) -> None:
    rng = random.Random(seed)
    candidates = [
        Candidate(q, rng.randint(1, 3), rng.randint(1, 3), rng.randint(0, 2)) for q in range(12)
    ]
    rules = [
        DrawRule(
            rng.randint(1, 4),
            section_id=rng.choice([None, 1, 2, 3]),
            difficulties=frozenset(rng.sample([1, 2, 3], rng.randint(0, 2))),
        )
        for _ in range(rng.randint(1, 4))
    ]
    feasible = _hall_feasible(rules, candidates)
    assert (check_rules(rules, candidates) == []) == feasible
    if feasible:
        drawn = draw(rules, candidates, random.Random(seed))
        assert len(drawn) == len(set(drawn)) == sum(rule.count for rule in rules)
        start = 0
        by_id = {c.question_id: c for c in candidates}
        for rule in rules:
            assert all(rule.matches(by_id[q]) for q in drawn[start : start + rule.count])
            start += rule.count
    else:
        with pytest.raises(RulesImpossible):
            draw(rules, candidates, random.Random(seed))


def _hall_feasible(rules: list[DrawRule], candidates: list[Candidate]) -> bool:
    """Hall's theorem: every set of rules needs at least as many questions as it asks for."""
    for size in range(1, len(rules) + 1):
        for group in itertools.combinations(rules, size):
            matching = {c.question_id for c in candidates if any(r.matches(c) for r in group)}
            if len(matching) < sum(rule.count for rule in group):
                return False
    return True


# -------------------------------------------------------------------------- display_order


@pytest.mark.parametrize(
    ("size", "shuffle", "avoid_identity"),
    [
        (0, True, False),
        (0, True, True),
        (1, True, True),
        (1, False, False),
        (2, True, True),
        (3, True, False),
        (5, True, True),
        (5, False, False),
    ],
)
def test_display_order_is_a_permutation(size: int, shuffle: bool, avoid_identity: bool) -> None:
    for seed in range(20):
        order = display_order(
            size, random.Random(seed), shuffle=shuffle, avoid_identity=avoid_identity
        )
        assert sorted(order) == list(range(size))


@pytest.mark.parametrize("size", [0, 1, 2, 6])
def test_display_order_without_shuffle_is_identity(size: int) -> None:
    assert display_order(size, random.Random(1), shuffle=False) == list(range(size))


@pytest.mark.parametrize(("size", "shuffle"), [(2, True), (3, True), (2, False), (4, False)])
def test_avoid_identity_never_returns_identity(size: int, shuffle: bool) -> None:
    orders = {
        tuple(display_order(size, random.Random(seed), shuffle=shuffle, avoid_identity=True))
        for seed in range(200)
    }
    assert tuple(range(size)) not in orders
    # Every other order still occurs: rejection sampling, not a fixed rotation.
    assert len(orders) == len(list(itertools.permutations(range(size)))) - 1


def test_shuffle_reaches_identity_too_when_allowed() -> None:
    orders = {tuple(display_order(2, random.Random(seed), shuffle=True)) for seed in range(50)}
    assert orders == {(0, 1), (1, 0)}


def test_display_order_is_reproducible() -> None:
    first = display_order(8, random.Random(5), shuffle=True)
    assert display_order(8, random.Random(5), shuffle=True) == first


def test_display_order_rejects_negative_size() -> None:
    with pytest.raises(ValueError, match="size"):
        display_order(-1, random.Random(1), shuffle=True)


# ---------------------------------------------------------------------------- shuffle_plan

CHOICES = (
    Choice(text="a", correct=True),
    Choice(text="b", correct=False),
    Choice(text="c", correct=False),
)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        (SingleChoice(id="s", prompt="?", choices=CHOICES), (3, False)),
        (MultipleChoice(id="m", prompt="?", choices=CHOICES[:2]), (2, False)),
        (
            Matching(
                id="p", prompt="?", pairs=(Pair(left="a", right="1"), Pair(left="b", right="2"))
            ),
            (2, False),
        ),
        (Ordering(id="o", prompt="?", items=("w", "x", "y", "z")), (4, True)),
        (TrueFalse(id="t", prompt="?", answer=True), (0, False)),
        (ShortAnswer(id="a", prompt="?", answers=("x",)), (0, False)),
        (Numeric(id="n", prompt="?", answer=1.0), (0, False)),
    ],
)
def test_shuffle_plan(question: object, expected: tuple[int, bool]) -> None:
    assert shuffle_plan(question) == expected  # type: ignore[arg-type]
