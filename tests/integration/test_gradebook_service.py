"""quizapp.services.gradebook against a real database."""

from __future__ import annotations

import datetime as dt

import pytest

from quizapp.extensions import db
from quizapp.models import GradingMethod, QuizKind
from quizapp.services import gradebook
from quizapp.services.classes import remove_student
from quizapp.services.quizzes import QuizSettings, create_quiz
from tests.factories import (
    ECONOMY,
    NOW,
    create_assessment,
    create_class,
    create_student,
    enrol,
    section_rule,
    start,
)
from tests.integration.report_support import School, scored


@pytest.mark.parametrize(
    ("method", "grade"),
    [
        (GradingMethod.HIGHEST, 4.0),
        (GradingMethod.LAST, 2.0),
        (GradingMethod.FIRST, 1.0),
        (GradingMethod.AVERAGE, 2.333333333),
    ],
)
def test_gradebook_grades_by_the_quizs_method(
    school: School, method: GradingMethod, grade: float
) -> None:
    quiz = create_assessment(
        school.teacher,
        school.school_class,
        school.article,
        rules=[section_rule(school.article, ECONOMY, 1)],
        grading_method=method,
    )
    # Started out of id order: the grade follows the order the attempts were started.
    scored(quiz, school.ada, 4, minutes=20)
    scored(quiz, school.ada, 2, minutes=30)
    first = scored(quiz, school.ada, 3, minutes=10)
    first.started_at = NOW - dt.timedelta(minutes=5)
    first.score = 1
    db.session.commit()
    start(quiz, school.ada, now=NOW + dt.timedelta(hours=1), seed=99)  # in progress: ignored

    book = gradebook.gradebook(school.school_class)

    cells = {row.student.email: row.cells[quiz.id] for row in book.rows}
    assert cells["ada@example.com"].grade == pytest.approx(grade, abs=1e-9)
    assert (cells["ada@example.com"].max_score, cells["ada@example.com"].attempts) == (4, 3)
    assert cells["bob@example.com"] == gradebook.GradeCell(grade=None, max_score=None, attempts=0)


def test_gradebook_rows_and_columns(school: School) -> None:
    other_class = create_class(school.teacher, "Another class")
    enrol(school.ada, other_class)
    rule = [section_rule(school.article, ECONOMY, 1)]
    first = create_assessment(
        school.teacher, school.school_class, school.article, rules=rule, title="B first"
    )
    second = create_assessment(
        school.teacher, school.school_class, school.article, rules=rule, title="A second",
        now=NOW + dt.timedelta(minutes=1),
    )  # fmt: skip
    create_assessment(school.teacher, other_class, school.article, rules=rule, title="Elsewhere")
    create_quiz(
        owner_id=school.ada.id,
        article_id=school.article.id,
        title="Practice",
        kind=QuizKind.PRACTICE,
        rules=rule,
        settings=QuizSettings(),
        now=NOW,
        publish=True,
    )
    dee = create_student("dee@example.com", "Dee Removed")
    enrol(dee, school.school_class)
    scored(first, dee, 4, minutes=1)
    remove_student(school.school_class, dee.id, now=NOW)

    book = gradebook.gradebook(school.school_class)

    assert [q.title for q in book.quizzes] == ["B first", "A second"]
    assert [q.id for q in book.quizzes] == [first.id, second.id]
    assert [row.student.name for row in book.rows] == ["Ada Lovelace", "Bob Student", "Cy Student"]


@pytest.mark.parametrize(
    ("sort", "descending", "order"),
    [
        ("name", False, ["Ada", "Bob", "Cy"]),
        ("name", True, ["Cy", "Bob", "Ada"]),
        ("quiz", False, ["Bob", "Ada", "Cy"]),
        ("quiz", True, ["Ada", "Bob", "Cy"]),  # ungraded last both ways
        ("quiz-0", False, ["Ada", "Bob", "Cy"]),  # an unknown quiz: name order
        ("nonsense", False, ["Ada", "Bob", "Cy"]),
    ],
)
def test_gradebook_sorting(school: School, sort: str, descending: bool, order: list[str]) -> None:
    quiz = create_assessment(
        school.teacher,
        school.school_class,
        school.article,
        rules=[section_rule(school.article, ECONOMY, 1)],
    )
    scored(quiz, school.ada, 3, minutes=1)
    scored(quiz, school.bob, 1, minutes=2)

    book = gradebook.gradebook(
        school.school_class,
        sort=f"quiz-{quiz.id}" if sort == "quiz" else sort,
        descending=descending,
    )

    assert [row.student.name.split()[0] for row in book.rows] == order


# ------------------------------------------------------------------------------- paging


@pytest.mark.parametrize(
    ("students", "page", "expected"),
    [
        (0, 1, gradebook.Paging(1, 1, 0, 0, 0)),
        (0, None, gradebook.Paging(1, 1, 0, 0, 0)),
        (5, None, gradebook.Paging(1, 1, 1, 5, 5)),
        (5, 1, gradebook.Paging(1, 3, 1, 2, 5)),
        (5, 3, gradebook.Paging(3, 3, 5, 5, 5)),
        (5, 9, gradebook.Paging(3, 3, 5, 5, 5)),  # past the end: the last page
        (5, -2, gradebook.Paging(1, 3, 1, 2, 5)),
        (4, 2, gradebook.Paging(2, 2, 3, 4, 4)),
    ],
)
def test_paging(
    monkeypatch: pytest.MonkeyPatch, students: int, page: int | None, expected: gradebook.Paging
) -> None:
    monkeypatch.setattr(gradebook, "STUDENTS_PER_PAGE", 2)
    assert gradebook.paging(students, page) == expected


def test_a_page_of_the_gradebook_shows_its_students_in_the_order_of_all(
    school: School, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(gradebook, "STUDENTS_PER_PAGE", 2)
    quiz = create_assessment(
        school.teacher,
        school.school_class,
        school.article,
        rules=[section_rule(school.article, ECONOMY, 1)],
    )
    scored(quiz, school.ada, 1, minutes=1)
    scored(quiz, school.cy, 3, minutes=2)

    def names(page: int | None = None, sort: str = "name", descending: bool = False) -> list[str]:
        book = gradebook.gradebook(school.school_class, sort=sort, descending=descending, page=page)
        return [row.student.name.split()[0] for row in book.rows]

    assert names(page=1) == ["Ada", "Bob"]
    assert names(page=2) == ["Cy"]
    assert names() == ["Ada", "Bob", "Cy"]  # no page: everyone (the CSV download)
    sort = f"quiz-{quiz.id}"
    assert names(sort=sort, descending=True, page=1) == ["Cy", "Ada"]
    assert names(sort=sort, descending=True, page=2) == ["Bob"]  # ungraded last
    book = gradebook.gradebook(school.school_class, page=2)
    assert book.paging == gradebook.Paging(2, 2, 3, 3, 3)
    assert book.rows[0].cells[quiz.id].grade == 3.0
