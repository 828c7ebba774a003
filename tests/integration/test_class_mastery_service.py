"""quizapp.services.class_mastery against a real database."""

from __future__ import annotations

import pytest

from quizapp.extensions import db
from quizapp.models import Question, ReviewCard, User
from quizapp.services import class_mastery, gradebook
from tests.factories import (
    ECONOMY,
    MILITARY,
    NOW,
)
from tests.integration.report_support import School

# --------------------------------------------------------------------------------- mastery


def _card(student: User, question_id: int, fraction: float | None) -> None:
    db.session.add(
        ReviewCard(
            student_id=student.id,
            question_id=question_id,
            state=2,
            due_at=NOW,
            last_review_at=NOW,
            last_fraction=fraction,
            review_count=1,
        )
    )


def test_class_mastery_is_the_mean_last_fraction_over_live_questions(school: School) -> None:
    def ids(slug: str) -> list[int]:
        section_id = next(s.id for s in school.article.sections if s.slug == slug)
        return list(
            db.session.scalars(
                db.select(Question.id)
                .where(Question.section_id == section_id)
                .order_by(Question.id)
            )
        )

    economy, military = ids(ECONOMY), ids(MILITARY)
    ada_cards = {
        economy[0]: 1.0,
        economy[1]: 0.5,
        economy[2]: 0.25,
        economy[3]: 1.0,
        military[0]: 0.75,
    }
    for question_id, fraction in ada_cards.items():
        _card(school.ada, question_id, fraction)
    _card(school.bob, economy[0], None)  # reviewed but never graded: counts as 0
    db.session.get(Question, economy[3]).retired_at = NOW
    db.session.commit()

    grid = class_mastery.class_mastery(school.school_class)

    assert [s.slug for s in grid.sections] == [ECONOMY, MILITARY]
    got = {student.name: values for student, values in grid.rows}
    live_economy = [q for q in economy if q != economy[3]]

    def expected(cards: dict[int, float], questions: list[int]) -> float:
        return sum(cards.get(q, 0.0) for q in questions) / len(questions)

    assert got["Ada Lovelace"] == pytest.approx(
        [expected(ada_cards, live_economy), expected(ada_cards, military)], abs=1e-9
    )
    # Economy: 10 live of 11; military: 12 questions.
    assert got["Ada Lovelace"] == pytest.approx([1.75 / 10, 0.75 / 12], abs=1e-9)
    assert got["Bob Student"] == [0.0, 0.0]
    assert got["Cy Student"] == [0.0, 0.0]


def test_a_page_of_the_grid_shows_its_students_by_name(
    school: School, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(gradebook, "STUDENTS_PER_PAGE", 2)
    section_id = next(s.id for s in school.article.sections if s.slug == MILITARY)
    question_id = db.session.scalars(
        db.select(Question.id).where(Question.section_id == section_id).order_by(Question.id)
    ).first()
    _card(school.cy, question_id, 1.0)
    db.session.commit()

    first = class_mastery.class_mastery(school.school_class, page=1)
    second = class_mastery.class_mastery(school.school_class, page=2)

    assert [student.name for student, _ in first.rows] == ["Ada Lovelace", "Bob Student"]
    assert [student.name for student, _ in second.rows] == ["Cy Student"]
    assert second.rows[0][1][[s.slug for s in second.sections].index(MILITARY)] > 0
    assert (first.paging.number, first.paging.pages, second.paging.first) == (1, 2, 3)
    assert len(class_mastery.class_mastery(school.school_class).rows) == 3
