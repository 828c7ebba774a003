"""Drawing an attempt's questions from a quiz's rules, and the order each question shows.

Randomness is injected: callers pass a ``random.Random`` seeded from the attempt's stored
seed, so the same seed rebuilds the same attempt.

How rules are filled: every rule has a *pool* (the candidates it matches). Rules are
filled most-constrained first (smallest pool first), each taking its free candidates with
the lowest rank, random among equal ranks. When pools are nested or disjoint, as a section
and "all sections" are, that greedy fill is optimal, so a rule for all sections never
starves a section rule. Difficulty filters can make pools overlap without nesting; when a
rule then finds nothing free, questions are moved between rules along an augmenting path
(bipartite matching), so a set of rules is only reported impossible when no draw at all
could satisfy it.
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from quizapp.domain.question_types.base import Question

__all__ = [
    "NO_RULES",
    "Candidate",
    "DrawRule",
    "RulesImpossible",
    "check_rules",
    "display_order",
    "draw",
    "shuffle_plan",
]

NO_RULES = "a quiz needs at least one rule"


@dataclass(frozen=True)
class Candidate:
    """A question a quiz may draw, with what the rules filter on.

    ``rank`` orders the draw, lower first; the caller computes it. For assessments it is
    how many times this learner has seen the question ("least seen first", as Moodle
    does); for practice 0 = due for review, 1 = unseen, 2 = the rest.
    """

    question_id: int
    section_id: int
    difficulty: int
    rank: int = 0


@dataclass(frozen=True)
class DrawRule:
    """Draw ``count`` questions from one section (None = all sections).

    ``difficulties`` limits the draw to those difficulties (empty = any). ``label`` names
    the rule in messages, e.g. "Section 'What are their economic ties?', difficulty 1-2";
    without one, messages say "Rule 2".
    """

    count: int
    section_id: int | None = None
    difficulties: frozenset[int] = frozenset()
    label: str = ""

    def matches(self, candidate: Candidate) -> bool:
        """True when ``candidate`` belongs to this rule's pool."""
        in_section = self.section_id is None or candidate.section_id == self.section_id
        return in_section and (not self.difficulties or candidate.difficulty in self.difficulties)


class RulesImpossible(ValueError):
    """The rules cannot be satisfied by the candidates; ``problems`` says why, per rule."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems: tuple[str, ...] = tuple(problems)
        super().__init__("; ".join(self.problems))


def check_rules(rules: Sequence[DrawRule], candidates: Sequence[Candidate]) -> list[str]:
    """Every reason the rules cannot be drawn from the candidates; empty when they can.

    Reports a quiz without rules, rules asking for fewer than one question, and rules
    left short of questions, naming the rule, how many it asks for and how many are
    available. An empty result guarantees :func:`draw` succeeds with any ``Random``.
    Raises ValueError when a question id appears in two candidates.
    """
    # Feasibility does not depend on the tie-break, so a fixed one keeps messages stable.
    _, problems = _fill(rules, candidates, {c.question_id: c.question_id for c in candidates})
    return problems


def draw(
    rules: Sequence[DrawRule], candidates: Sequence[Candidate], rng: random.Random
) -> list[int]:
    """Draw an attempt's question ids; no question is drawn twice.

    The result lists each rule's questions in the rules' given order, and within a rule
    by rank, then at random. The same ``rng`` state gives the same list. Raises
    :class:`RulesImpossible` (with every problem :func:`check_rules` would report) when
    the rules cannot be satisfied, and ValueError for duplicate candidate ids.
    """
    _require_unique(candidates)
    # One draw per candidate, in the given order, fixes every tie-break for this seed.
    tiebreak = {c.question_id: rng.random() for c in candidates}
    drawn, problems = _fill(rules, candidates, tiebreak)
    if problems:
        raise RulesImpossible(problems)
    return [c.question_id for rule_questions in drawn for c in rule_questions]


def _require_unique(candidates: Sequence[Candidate]) -> None:
    seen: set[int] = set()
    for candidate in candidates:
        if candidate.question_id in seen:
            raise ValueError(f"question {candidate.question_id} is a candidate twice")
        seen.add(candidate.question_id)


def _fill(
    rules: Sequence[DrawRule],
    candidates: Sequence[Candidate],
    tiebreak: Mapping[int, float],
) -> tuple[list[list[Candidate]], list[str]]:
    """Assign candidates to rules; return each rule's questions and the problems found."""
    _require_unique(candidates)
    if not rules:
        return [], [NO_RULES]

    def preference(candidate: Candidate) -> tuple[int, float]:
        return candidate.rank, tiebreak[candidate.question_id]

    pools = [sorted(filter(rule.matches, candidates), key=preference) for rule in rules]
    problems: dict[int, str] = {}
    for index, rule in enumerate(rules):
        if rule.count < 1:
            problems[index] = (
                f"{_name(rule, index)}: asks for {rule.count} questions; "
                "a rule must ask for at least 1 question"
            )

    holder: dict[int, int] = {}  # question id -> index of the rule that took it
    held = [0] * len(rules)
    # sorted() is stable, so rules with pools of equal size keep their given order.
    for index in sorted(range(len(rules)), key=lambda i: len(pools[i])):
        if index in problems:
            continue
        count = rules[index].count
        while held[index] < count and _take_one(index, pools, holder):
            held[index] += 1
        if held[index] < count:
            problems[index] = _shortage(
                _name(rules[index], index), count, len(pools[index]), held[index]
            )

    by_id = {c.question_id: c for c in candidates}
    drawn: list[list[Candidate]] = [[] for _ in rules]
    for question_id, index in holder.items():
        drawn[index].append(by_id[question_id])
    for rule_questions in drawn:
        rule_questions.sort(key=preference)
    return drawn, [problems[index] for index in sorted(problems)]


def _take_one(start: int, pools: Sequence[Sequence[Candidate]], holder: dict[int, int]) -> bool:
    """Give rule ``start`` one more question; False when no assignment can.

    A breadth-first search for an augmenting path: rule ``start`` looks through its
    pool in preference order and takes the first free question. If all are taken, a
    rule holding one of them may give it up for another free question of its own pool,
    and so on. Because ``start`` scans its whole pool before the search goes deeper,
    it always gets its most preferred free question when there is one, which is the
    plain greedy fill; moving questions only happens when greedy would fail.
    """
    reached_from: dict[int, int] = {}  # question id -> rule whose pool led to it
    gives_up: dict[int, int] = {}  # rule -> the question it hands to the previous rule
    queue = deque([start])
    while queue:
        rule = queue.popleft()
        for candidate in pools[rule]:
            question_id = candidate.question_id
            if question_id in reached_from:
                continue
            reached_from[question_id] = rule
            owner = holder.get(question_id)
            if owner is None:
                # Walk the path back: each rule takes the question it reached and hands
                # the one it held to the rule before it, until ``start`` gains one.
                while True:
                    taker = reached_from[question_id]
                    holder[question_id] = taker
                    if taker == start:
                        return True
                    question_id = gives_up[taker]
            if owner != start and owner not in gives_up:
                gives_up[owner] = question_id
                queue.append(owner)
    return False


def _name(rule: DrawRule, index: int) -> str:
    return rule.label or f"Rule {index + 1}"


def _questions(count: int) -> str:
    return f"{count} question" if count == 1 else f"{count} questions"


def _available(count: int, what: str = "available") -> str:
    if count == 0:
        return f"none are {what}"
    return f"only {count} {'is' if count == 1 else 'are'} {what}"


def _shortage(name: str, count: int, pool: int, got: int) -> str:
    """Explain a rule left short: its pool is too small, or other rules took its questions."""
    asks = f"{name}: asks for {_questions(count)} but"
    if got == pool:
        return f"{asks} {_available(pool)}"
    if pool >= count:
        return f"{asks} {_available(got)} (after the other rules took theirs)"
    return (
        f"{asks} {_available(pool, 'in its pool')}, "
        f"and {_available(got, 'left')} after the other rules took theirs"
    )


def display_order(
    size: int, rng: random.Random, *, shuffle: bool, avoid_identity: bool = False
) -> list[int]:
    """The order to show a question's parts in, as a permutation of ``range(size)``.

    Without ``shuffle`` the parts keep their bank order. ``avoid_identity`` (for ordering
    questions, where the bank order IS the answer) guarantees a non-identity order for
    ``size >= 2``, and takes precedence over ``shuffle=False``: showing the items in the
    correct order would give the answer away whatever the quiz's shuffle setting.
    Raises ValueError for a negative size.
    """
    if size < 0:
        raise ValueError(f"size must be at least 0, not {size}")
    identity = list(range(size))
    if size < 2 or not (shuffle or avoid_identity):
        return identity
    order = list(identity)
    while True:
        rng.shuffle(order)
        # Rejection keeps every non-identity order equally likely; it fails at most
        # half the time (size 2), so the loop ends quickly.
        if not (avoid_identity and order == identity):
            return order


def shuffle_plan(question: Question) -> tuple[int, bool]:
    """How many parts ``question`` shows in a shuffleable order, and whether to avoid identity.

    Feed the result to :func:`display_order`. Types with nothing to shuffle give
    ``(0, False)``. Each type declares its plan (``Question.shuffled_field`` and
    ``Question.avoid_identity_order``).
    """
    return question.shuffled_count(), question.avoid_identity_order
