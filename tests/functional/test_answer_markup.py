"""The page never carries the key: answering from the markup alone scores at chance.

Each round a student sits a quiz of the whole bank; for every choice, matching and ordering
question the page's HTML is read (never its words) and answered by rules that once found
the key in the values: the lowest value, the first or the last option, the value equal to
the index, ``match-i`` -> option ``i``, ``position-i`` -> ``i + 1``. The answers are read
back by the same function the server uses (``read_answer`` with the attempt's tokens) and
graded. Each rule must do no better than random guessing on the same questions.

More rounds: QUIZAPP_TEST_MARKUP_ROUNDS (default 4, about 120 questions per rule).
"""

from __future__ import annotations

import os
import random
import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser

from flask import Flask

from quizapp.domain.answers import read_answer, response_for_grading
from quizapp.domain.question_types import Question
from quizapp.domain.question_types.answer_fields import AnswerTokens
from tests.factories import (
    create_assessment,
    create_class,
    create_student,
    create_teacher,
    enrol,
    items_of,
    load_article,
    logged_in_client,
    section_rule,
    start,
)

ROUNDS = int(os.environ.get("QUIZAPP_TEST_MARKUP_ROUNDS", "4"))
GUESSES = 40
# Keys once sat in the values; a rule that still found them would score near 1.
MARGIN = 0.1
KINDS = ("single", "multiple", "matching", "ordering")


@dataclass
class Markup:
    """The answer controls of a question page, in document order, attributes only."""

    inputs: list[dict[str, str]] = field(default_factory=list)
    selects: list[tuple[dict[str, str], list[str]]] = field(default_factory=list)


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.markup = Markup()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "input" and values.get("name") == "answer":
            self.markup.inputs.append(values)
        elif tag == "select":
            self.markup.selects.append((values, []))
        elif tag == "option" and self.markup.selects and values.get("value"):
            self.markup.selects[-1][1].append(values["value"])


def read_markup(html: str) -> Markup:
    reader = _Reader()
    reader.feed(html)
    return reader.markup


Form = dict[str, list[str]]
Rule = Callable[[str, Markup], Form]


def _pick(kind: str, values: list[str]) -> Form:
    return {"answer": values[:1] if kind == "single" else values}


def _positions(markup: Markup, names: list[str]) -> Form:
    return {name: [str(place)] for place, name in enumerate(names, start=1)}


def _number(text: str) -> int | None:
    return int(text) if text.isdigit() else None


def lowest_value(kind: str, markup: Markup) -> Form:
    if kind in ("single", "multiple"):
        return _pick(kind, sorted(i["value"] for i in markup.inputs)[:1])
    if kind == "matching":
        return {attrs["name"]: [min(options)] for attrs, options in markup.selects}
    names = sorted(attrs["name"] for attrs, _ in markup.selects)
    return _positions(markup, names)


def first_option(kind: str, markup: Markup) -> Form:
    if kind in ("single", "multiple"):
        return _pick(kind, [markup.inputs[0]["value"]])
    if kind == "matching":
        return {attrs["name"]: options[:1] for attrs, options in markup.selects}
    return _positions(markup, [attrs["name"] for attrs, _ in markup.selects])


def last_option(kind: str, markup: Markup) -> Form:
    if kind in ("single", "multiple"):
        return _pick(kind, [markup.inputs[-1]["value"]])
    if kind == "matching":
        return {attrs["name"]: options[-1:] for attrs, options in markup.selects}
    return _positions(markup, [attrs["name"] for attrs, _ in reversed(markup.selects)])


def value_equal_to_index(kind: str, markup: Markup) -> Form:
    """The choice whose value is "0" (the key's bank index in the shipped bank)."""
    if kind in ("single", "multiple"):
        return _pick(kind, [i["value"] for i in markup.inputs if i["value"] == "0"])
    return match_i_to_i(kind, markup) if kind == "matching" else position_i_to_next(kind, markup)


def match_i_to_i(kind: str, markup: Markup) -> Form:
    """Left ``match-i`` gets the option whose value is ``i``, else the i-th option shown."""
    if kind != "matching":
        return first_option(kind, markup)
    form: Form = {}
    for attrs, options in markup.selects:
        left = _number(attrs["name"].partition("-")[2]) or 0
        form[attrs["name"]] = [str(left)] if str(left) in options else options[left : left + 1]
    return form


def position_i_to_next(kind: str, markup: Markup) -> Form:
    """``position-i`` gets ``i + 1``; names that are not numbers are taken in name order."""
    if kind != "ordering":
        return first_option(kind, markup)
    names = [attrs["name"] for attrs, _ in markup.selects]
    numbered = {name: _number(name.partition("-")[2]) for name in names}
    if all(n is not None for n in numbered.values()):
        return {name: [str((n or 0) + 1)] for name, n in numbered.items()}
    return _positions(markup, sorted(names))


RULES: dict[str, Rule] = {
    "lowest value": lowest_value,
    "first option": first_option,
    "last option": last_option,
    "value equal to index": value_equal_to_index,
    "match-i -> i": match_i_to_i,
    "position-i -> i+1": position_i_to_next,
}


def random_guess(kind: str, markup: Markup, rng: random.Random) -> Form:
    """A guess that uses the markup only to know what can be chosen."""
    if kind == "single":
        return _pick(kind, [rng.choice(markup.inputs)["value"]])
    if kind == "multiple":
        values = [i["value"] for i in markup.inputs]
        return _pick(kind, rng.sample(values, rng.randint(1, len(values))))
    if kind == "matching":
        return {attrs["name"]: [rng.choice(options)] for attrs, options in markup.selects}
    names = [attrs["name"] for attrs, _ in markup.selects]
    rng.shuffle(names)
    return _positions(markup, names)


@dataclass(frozen=True)
class Shown:
    """One question of an attempt: where it is, what it is, its page's tokens."""

    position: int
    question: Question
    tokens: AnswerTokens


def score(item: Shown, form: Form) -> float:
    """The grade the server gives this form: the same token mapping, the same grading."""
    stored = read_answer(item.question, form, item.tokens)
    return item.question.grade(response_for_grading(item.question, stored))


def test_answering_from_the_markup_alone_scores_at_chance(app: Flask) -> None:
    with app.app_context():
        article = load_article()
        teacher = create_teacher()
        school_class = create_class(teacher)
        quiz = create_assessment(
            teacher,
            school_class,
            article,
            rules=[section_rule(article, s.slug) for s in article.sections],
            title="The whole bank",
        )
        rounds = []
        for number in range(ROUNDS):
            student = create_student(f"s{number}@example.com", f"Student {number}")
            enrol(student, school_class)
            attempt = start(quiz, student, seed=number + 1)
            shown = [Shown(i.row.position, i.question, i.tokens) for i in items_of(attempt)]
            rounds.append((student.email, attempt.id, shown))

    rng = random.Random(7)
    by_rule: dict[str, list[float]] = {name: [] for name in RULES}
    chance: list[float] = []
    per_kind: dict[str, list[float]] = {kind: [] for kind in KINDS}
    for email, attempt_id, items in rounds:
        client = logged_in_client(app, email)
        for item in items:
            kind = item.question.type_name
            if kind not in KINDS:
                continue
            url = f"/student/attempts/{attempt_id}/questions/{item.position}"
            markup = read_markup(client.get(url).get_data(as_text=True))
            assert markup.inputs or markup.selects, url
            for name, rule in RULES.items():
                by_rule[name].append(score(item, rule(kind, markup)))
            guess = statistics.fmean(
                score(item, random_guess(kind, markup, rng)) for _ in range(GUESSES)
            )
            chance.append(guess)
            per_kind[kind].append(score(item, lowest_value(kind, markup)) - guess)

    assert len(chance) >= 25 * ROUNDS
    baseline = statistics.fmean(chance)
    means = {name: statistics.fmean(scores) for name, scores in by_rule.items()}
    assert {name: m for name, m in means.items() if m > baseline + MARGIN} == {}, (
        f"chance {baseline:.2f}: {means}"
    )
    # Type by type too, with the margin a smaller sample needs.
    excess = {kind: statistics.fmean(d) for kind, d in per_kind.items() if d}
    assert {kind: e for kind, e in excess.items() if e > 2 * MARGIN} == {}, excess
