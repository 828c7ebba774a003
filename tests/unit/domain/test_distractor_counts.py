"""Tests for the counts a distractor table carries next to its shares (for the downloads)."""

from __future__ import annotations

import pytest

from quizapp.domain.item_health import counted_distractors, distractors
from quizapp.domain.questions import question_from_mapping


def _question(type_name: str, choices: list[dict[str, object]]):
    return question_from_mapping(
        {"id": "q", "type": type_name, "prompt": "Which?", "choices": choices},
        require_evidence=False,
    )


KEYED = [
    {"text": "A", "correct": True},
    {"text": "B", "correct": False},
    {"text": "C", "correct": False},
]
GRADED = [
    {"text": "A", "fraction": 1},
    {"text": "B", "fraction": 0.5},
    {"text": "C", "fraction": -0.25},
]


@pytest.mark.parametrize(
    ("type_name", "answers", "chosen", "seen"),
    [
        # Every attempt chose one option: the counts add up to the attempts.
        ("single", [0, 0, 1, 2, 0], (3, 1, 1), 5),
        # Unanswered and malformed answers choose nothing but are seen.
        ("single", [0, None, "junk", 7, 1], (1, 1, 0), 5),
        # Multiple choice: one attempt may choose several options.
        ("multiple", [[0, 1], [1], [], [0, 2]], (2, 2, 1), 4),
        ("single", [], (0, 0, 0), 0),
    ],
)
def test_the_table_counts_who_chose_each_option_and_who_saw_the_question(
    type_name: str, answers: list[object], chosen: tuple[int, ...], seen: int
) -> None:
    question = _question(type_name, KEYED)
    groups = [attempt % 3 for attempt in range(len(answers))]

    table = distractors(question, list(enumerate(answers)), groups)

    assert table is not None
    assert (table.chosen, table.seen) == (chosen, seen)
    everyone = [option[5] for option in table.options]
    assert everyone == [pytest.approx(c / seen) if seen else 0.0 for c in chosen]


def test_counted_answers_are_counted_as_often_as_they_were_given() -> None:
    question = _question("single", KEYED)

    table = counted_distractors(question, [(0, 0, 40), (1, 1, 7), (2, None, 3), (2, 2, 50)])

    assert table is not None
    assert (table.chosen, table.seen) == ((40, 7, 50), 100)


@pytest.mark.parametrize(
    ("choices", "credits", "grades"),
    [
        (GRADED, (1.0, 0.5, -0.25), ("100%", "50%", "-25%")),
        (KEYED, (), ()),  # key or not: no grades to show
    ],
)
def test_credits_are_the_grades_as_numbers(
    choices: list[dict[str, object]], credits: tuple[float, ...], grades: tuple[str, ...]
) -> None:
    table = distractors(_question("single", choices), [(0, 1)], [0])

    assert table is not None
    assert (table.credits, table.grades) == (credits, grades)
