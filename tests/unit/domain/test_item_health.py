"""Tests for quizapp.domain.item_health: the bank browser's flags and the report's warnings."""

from __future__ import annotations

import pytest

from quizapp.domain.item_health import (
    HEALTH_FLAGS,
    MIN_RESPONSES,
    TOO_EASY_ABOVE,
    TOO_HARD_BELOW,
    Distractors,
    bank_flags,
    counted_distractors,
    distractors,
    health_flags,
    thirds,
)
from quizapp.domain.questions import question_from_mapping
from quizapp.domain.stats import QuestionStats

EVIDENCE = "Dutch traders brought it first."


def choice_question(type_name: str = "single", evidence: str | None = EVIDENCE):
    """Three options; the first is the key (the second too for multiple choice)."""
    mapping: dict[str, object] = {
        "id": "q",
        "type": type_name,
        "prompt": "Who brought tea to Europe first?",
        "choices": [
            {"text": "Dutch traders", "correct": True},
            {"text": "Portuguese monks", "correct": type_name == "multiple"},
            {"text": "Venetian glassmakers", "correct": False},
        ],
    }
    if evidence is not None:
        mapping["evidence"] = evidence
    return question_from_mapping(mapping, require_evidence=False)


def short_question():
    return question_from_mapping(
        {"id": "s", "type": "short", "prompt": "Who?", "answers": ["Dutch"], "evidence": EVIDENCE}
    )


def stats(
    facility: float | None = 0.5,
    discrimination: float | None = 0.5,
    efficiency: float | None = 0.5,
) -> QuestionStats:
    return QuestionStats(
        n=10,
        facility=facility,
        sd=0.3,
        discrimination_index=discrimination,
        discriminative_efficiency=efficiency,
        effective_weight=0.5,
        intended_weight=0.5,
    )


# ------------------------------------------------------------------------------ constants


def test_the_thresholds_are_defined_once_with_their_values() -> None:
    assert (TOO_EASY_ABOVE, TOO_HARD_BELOW, MIN_RESPONSES) == (0.9, 0.2, 5)
    assert HEALTH_FLAGS == ("no evidence", "stale evidence", "retired", "too easy", "too hard")


# ----------------------------------------------------------------------------- bank_flags


@pytest.mark.parametrize(
    ("state", "responses", "mean", "flags"),
    [
        ({}, 0, None, ()),
        ({"has_evidence": False}, 0, None, ("no evidence",)),
        ({"evidence_stale": True}, 0, None, ("stale evidence",)),
        ({"retired": True}, 0, None, ("retired",)),
        (
            {"has_evidence": False, "evidence_stale": True, "retired": True},
            5,
            1.0,
            ("no evidence", "stale evidence", "retired", "too easy"),
        ),
        ({}, 5, 0.91, ("too easy",)),
        ({}, 5, 0.9, ()),  # the threshold itself is not "too easy"
        ({}, 5, 0.2, ()),  # nor "too hard"
        ({}, 5, 0.19, ("too hard",)),
        ({}, 5, 0.0, ("too hard",)),
        ({}, 4, 1.0, ()),  # too few responses to judge
        ({}, 4, 0.0, ()),
        ({}, 50, None, ()),  # no graded response has a mean
    ],
)
def test_bank_flags(
    state: dict[str, bool], responses: int, mean: float | None, flags: tuple[str, ...]
) -> None:
    arguments = {"has_evidence": True, "evidence_stale": False, "retired": False, **state}
    assert bank_flags(**arguments, responses=responses, mean_fraction=mean) == flags


# --------------------------------------------------------------------------------- thirds


@pytest.mark.parametrize(
    ("totals", "groups"),
    [
        ([], []),
        ([5.0], [0]),
        ([1.0, 2.0], [1, 0]),
        ([3.0, 2.0, 1.0], [0, 1, 2]),
        ([1.0, 2.0, 3.0], [2, 1, 0]),
        ([6, 5, 4, 3, 2, 1], [0, 0, 1, 1, 2, 2]),
        ([1, 6, 2, 5, 3, 4], [2, 0, 2, 0, 1, 1]),
        ([4, 3, 2, 1], [0, 0, 1, 2]),
        ([7, 7, 7], [0, 1, 2]),  # ties keep their order
        (list(range(9, 0, -1)), [0, 0, 0, 1, 1, 1, 2, 2, 2]),
    ],
)
def test_thirds(totals: list[float], groups: list[int]) -> None:
    assert thirds(totals) == groups


# ---------------------------------------------------------------------------- distractors


@pytest.mark.parametrize(
    ("type_name", "answers", "groups", "options"),
    [
        # Nobody answered: every share is 0.
        ("single", [], [], [(0, 0, 0, 0), (0, 0, 0, 0), (0, 0, 0, 0)]),
        # One attempt per third: top picked the key, middle a distractor, bottom nothing.
        (
            "single",
            [(0, 0), (1, 1), (2, None)],
            [0, 1, 2],
            [(1, 0, 0, 1 / 3), (0, 1, 0, 1 / 3), (0, 0, 0, 0)],
        ),
        # Two top attempts split between two options; malformed answers choose nothing.
        (
            "single",
            [(0, 0), (1, 2), (2, "2"), (3, 7)],
            [0, 0, 2, 2],
            [(0.5, 0, 0, 0.25), (0, 0, 0, 0), (0.5, 0, 0, 0.25)],
        ),
        # Multiple choice: each chosen index counts, so shares may sum past 1.
        (
            "multiple",
            [(0, [0, 1]), (1, [1]), (2, [])],
            [0, 1, 2],
            [(1, 0, 0, 1 / 3), (1, 1, 0, 2 / 3), (0, 0, 0, 0)],
        ),
    ],
)
def test_distractors_share_of_each_third_per_option(
    type_name: str,
    answers: list[tuple[int, object]],
    groups: list[int],
    options: list[tuple[float, float, float, float]],
) -> None:
    question = choice_question(type_name)
    table = distractors(question, answers, groups)

    assert table is not None
    assert [(text, key) for text, key, *_ in table.options] == [
        (c.text, c.correct) for c in question.choices
    ]
    assert [option[2:] for option in table.options] == [pytest.approx(row) for row in options]


@pytest.mark.parametrize(
    ("type_name", "choices", "grades"),
    [
        # Partial credit: each option shows its grade, so a 50% choice is not a plain "key".
        (
            "single",
            [
                {"text": "A", "fraction": 1},
                {"text": "B", "fraction": 0.5},
                {"text": "C", "correct": False},
            ],
            ("100%", "50%", "0%"),
        ),
        (
            "multiple",
            [
                {"text": "A", "fraction": 0.5},
                {"text": "B", "fraction": 0.5},
                {"text": "C", "fraction": -0.25},
            ],
            ("50%", "50%", "-25%"),
        ),
        # Without fractions the table says key or not, as before.
        ("single", [{"text": "A", "correct": True}, {"text": "B", "correct": False}], ()),
    ],
)  # fmt: skip
def test_distractors_show_each_options_grade_when_the_question_gives_partial_credit(
    type_name: str, choices: list[dict[str, object]], grades: tuple[str, ...]
) -> None:
    question = question_from_mapping(
        {"id": "q", "type": type_name, "prompt": "Which?", "choices": choices},
        require_evidence=False,
    )

    table = distractors(question, [(0, 1)], [0])

    assert table is not None and table.grades == grades


def test_distractors_are_only_for_choice_questions() -> None:
    assert distractors(short_question(), [(0, "Dutch")], [0]) is None
    assert counted_distractors(short_question(), [(0, "Dutch", 3)]) is None


@pytest.mark.parametrize("type_name", ["single", "multiple"])
def test_counted_answers_give_the_table_of_the_same_answers_listed_one_by_one(
    type_name: str,
) -> None:
    question = choice_question(type_name)
    stored: list[object] = [0, 1, 2, [0, 1], [1], [], None, "junk", 7]
    answers = [(attempt, stored[attempt % len(stored)]) for attempt in range(40)]
    groups = [attempt * 7 % 3 for attempt in range(40)]
    counts: dict[tuple[int, int], int] = {}  # (third, index into stored) -> attempts
    for attempt in range(40):
        key = (groups[attempt], attempt % len(stored))
        counts[key] = counts.get(key, 0) + 1

    counted = counted_distractors(
        question, [(group, stored[index], count) for (group, index), count in counts.items()]
    )

    assert counted == distractors(question, answers, groups)


# --------------------------------------------------------------------------- health_flags


def _table(*options: tuple[str, bool, float, float]) -> Distractors:
    # (text, key, top third's share, everyone's share); middle and bottom do not matter.
    return Distractors(
        [(text, key, top, 0.0, 0.0, everyone) for text, key, top, everyone in options]
    )


@pytest.mark.parametrize(
    ("figures", "expected"),
    [
        ({}, []),
        ({"facility": None, "discrimination": None, "efficiency": None}, []),
        (
            {"facility": 0.95},
            ["Too easy: 95% of the marks were scored (over 90%)."],
        ),
        ({"facility": 0.9}, []),  # the threshold itself is fine
        (
            {"facility": 0.1},
            ["Too hard: only 10% of the marks were scored (under 20%)."],
        ),
        ({"facility": 0.2}, []),
        (
            {"discrimination": -0.3},
            [
                "Negative discrimination (-30%): stronger students did worse on it — check "
                "the key, it may be wrong."
            ],
        ),
        (
            {"discrimination": 0.1},
            [
                "Weak discrimination (10%, under 20%): it barely tells stronger from weaker "
                "students."
            ],
        ),
        ({"discrimination": 0.2}, []),
        ({"efficiency": 0.1}, ["Low discriminative efficiency (10%, under 15%)."]),
        ({"efficiency": 0.15}, []),
        ({"efficiency": -0.1}, []),  # a negative efficiency is not "low"
        # With a negative index, the efficiency says nothing new.
        (
            {"discrimination": -0.3, "efficiency": 0.1},
            [
                "Negative discrimination (-30%): stronger students did worse on it — check "
                "the key, it may be wrong."
            ],
        ),
    ],
)
def test_health_flags_from_the_figures(
    figures: dict[str, float | None], expected: list[str]
) -> None:
    assert health_flags(stats(**figures), short_question(), None) == expected


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        (_table(("Dutch", True, 0.6, 0.5), ("Monks", False, 0.4, 0.5)), []),
        (
            _table(("Dutch", True, 0.3, 0.5), ("Monks", False, 0.7, 0.5)),
            ["The top third chose the distractor “Monks” (70%) more often than the key (30%)."],
        ),
        (
            _table(("Dutch", True, 1.0, 1.0), ("Monks", False, 0.0, 0.0)),
            ["Nobody chose the distractor “Monks”: it does no work."],
        ),
        # The key itself is never flagged, however rarely chosen.
        (_table(("Dutch", True, 0.0, 0.0), ("Monks", False, 0.0, 0.1)), []),
        # With two keys, a distractor is compared with the more popular one.
        (
            _table(("A", True, 0.2, 0.3), ("B", True, 0.5, 0.4), ("C", False, 0.4, 0.3)),
            [],
        ),
    ],
)
def test_health_flags_from_the_distractor_table(table: Distractors, expected: list[str]) -> None:
    assert health_flags(stats(), short_question(), table) == expected


def test_health_flags_say_when_there_is_no_evidence() -> None:
    question = choice_question(evidence=None)

    assert health_flags(stats(facility=0.95), question, None) == [
        "Too easy: 95% of the marks were scored (over 90%).",
        "No evidence: students cannot be pointed back to the passage.",
    ]
