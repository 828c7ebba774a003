"""quizapp.services.reports against a real database, and its small pure helpers."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass

import pytest
from flask import Flask

from quizapp.extensions import db
from quizapp.models import (
    Article,
    Attempt,
    GradingMethod,
    Question,
    QuizKind,
    ReviewCard,
    SchoolClass,
    User,
)
from quizapp.services import reports
from quizapp.services.attempts import submit_attempt
from quizapp.services.classes import remove_student
from quizapp.services.quizzes import QuizSettings, create_quiz
from tests.factories import (
    ECONOMY,
    MILITARY,
    NOW,
    create_assessment,
    create_class,
    create_student,
    create_teacher,
    enrol,
    load_article,
    section_rule,
    start,
)

# ------------------------------------------------------------------------------- safe_cell


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("Ada Lovelace", "Ada Lovelace"),
        ("a=b+c", "a=b+c"),  # only a leading sign makes a formula
        ("ada@example.com", "ada@example.com"),
        ("'quoted", "'quoted"),
        ("", ""),
        (None, ""),
        (0, "0"),
        (42, "42"),
        (2.5, "2.5"),
        ("Zoë", "Zoë"),
    ],
)
def test_safe_cell(value: object, cell: str) -> None:
    assert reports.safe_cell(value) == cell


# ------------------------------------------------------------------------------- histogram


@pytest.mark.parametrize(
    ("scores", "bins"),
    [
        ([], [0] * 10),
        ([(0, 10)], [1, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
        ([(10, 10)], [0, 0, 0, 0, 0, 0, 0, 0, 0, 1]),  # 100% is in the last bin
        ([(9.99, 10)], [0, 0, 0, 0, 0, 0, 0, 0, 0, 1]),
        ([(1, 10)], [0, 1, 0, 0, 0, 0, 0, 0, 0, 0]),  # a boundary opens the next bin
        ([(0.99, 10)], [1, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
        ([(3, 10), (7, 10), (6, 10)], [0, 0, 0, 1, 0, 0, 1, 1, 0, 0]),
        ([(1, 3), (2, 3)], [0, 0, 0, 1, 0, 0, 1, 0, 0, 0]),
        ([(0, 0)], [1, 0, 0, 0, 0, 0, 0, 0, 0, 0]),  # no maximum: counted as 0%
        ([(5, 10)] * 4, [0, 0, 0, 0, 0, 4, 0, 0, 0, 0]),
    ],
)
def test_histogram_bins(scores: list[tuple[float, float]], bins: list[int]) -> None:
    assert reports.histogram(scores) == bins


def test_histogram_puts_every_whole_percentage_in_its_tenth() -> None:
    for maximum in (1, 3, 7, 10, 40, 100):
        for score in range(maximum + 1):
            counts = reports.histogram([(score, maximum)])
            assert counts.index(1) == min(9, score * 10 // maximum), (score, maximum)


# ---------------------------------------------------------------------------------- thirds


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
    assert reports._thirds(totals) == groups


# ------------------------------------------------------------------------------- gradebook


@dataclass
class School:
    article: Article
    teacher: User
    school_class: SchoolClass
    ada: User
    bob: User
    cy: User


@pytest.fixture
def school(app_context: Flask) -> School:
    article = load_article((ECONOMY, MILITARY))
    teacher = create_teacher()
    school_class = create_class(teacher)
    ada = create_student("ada@example.com", "Ada Lovelace")
    bob = create_student("bob@example.com", "Bob Student")
    cy = create_student("cy@example.com", "Cy Student")
    for student in (ada, bob, cy):
        enrol(student, school_class)
    return School(article, teacher, school_class, ada, bob, cy)


def _scored(quiz, student: User, score: float, *, minutes: int, max_score: float = 4) -> Attempt:
    """A submitted attempt started ``minutes`` after NOW, its score then set to ``score``."""
    now = NOW + dt.timedelta(minutes=minutes)
    attempt = start(quiz, student, now=now, seed=minutes + 1)
    submit_attempt(attempt, now=now + dt.timedelta(minutes=1))
    attempt.score, attempt.max_score = score, max_score
    db.session.commit()
    return attempt


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
    _scored(quiz, school.ada, 4, minutes=20)
    _scored(quiz, school.ada, 2, minutes=30)
    first = _scored(quiz, school.ada, 3, minutes=10)
    first.started_at = NOW - dt.timedelta(minutes=5)
    first.score = 1
    db.session.commit()
    start(quiz, school.ada, now=NOW + dt.timedelta(hours=1), seed=99)  # in progress: ignored

    book = reports.gradebook(school.school_class)

    cells = {row.student.email: row.cells[quiz.id] for row in book.rows}
    assert cells["ada@example.com"].grade == pytest.approx(grade, abs=1e-9)
    assert (cells["ada@example.com"].max_score, cells["ada@example.com"].attempts) == (4, 3)
    assert cells["bob@example.com"] == reports.GradeCell(grade=None, max_score=None, attempts=0)


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
    _scored(first, dee, 4, minutes=1)
    remove_student(school.school_class, dee.id, now=NOW)

    book = reports.gradebook(school.school_class)

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
    _scored(quiz, school.ada, 3, minutes=1)
    _scored(quiz, school.bob, 1, minutes=2)

    book = reports.gradebook(
        school.school_class,
        sort=f"quiz-{quiz.id}" if sort == "quiz" else sort,
        descending=descending,
    )

    assert [row.student.name.split()[0] for row in book.rows] == order


def test_gradebook_csv_neutralises_every_cell(school: School) -> None:
    quiz = create_assessment(
        school.teacher,
        school.school_class,
        school.article,
        rules=[section_rule(school.article, ECONOMY, 1)],
        title="@quiz",
    )
    school.bob.name = "-Bob"
    db.session.commit()
    _scored(quiz, school.bob, 2.5, minutes=1)

    rows = list(
        csv.reader(io.StringIO(reports.gradebook_csv(reports.gradebook(school.school_class))))
    )

    assert rows == [
        ["Student", "Email", "'@quiz"],
        ["'-Bob", "bob@example.com", "2.5 / 4"],
        ["Ada Lovelace", "ada@example.com", ""],
        ["Cy Student", "cy@example.com", ""],
    ]


# ------------------------------------------------------------------------- which attempts


@pytest.mark.parametrize(
    ("which", "scores"),
    [
        ("first", [1.0, 3.0]),
        ("last", [2.0, 3.0]),
        ("highest", [4.0, 3.0]),
        ("all", [1.0, 4.0, 2.0, 3.0]),
    ],
)
def test_quiz_analysis_counts_the_attempts_chosen(
    school: School, which: str, scores: list[float]
) -> None:
    quiz = create_assessment(
        school.teacher,
        school.school_class,
        school.article,
        rules=[section_rule(school.article, ECONOMY, 2)],
    )
    for minutes, score in [(10, 1), (20, 4), (30, 2)]:
        _scored(quiz, school.ada, score, minutes=minutes)
    _scored(quiz, school.bob, 3, minutes=5)

    report = reports.quiz_analysis(quiz.id, which)

    assert report.attempts == len(scores)
    assert sorted(s for s, _ in report.scores) == sorted(scores)


def test_quiz_analysis_rejects_an_unknown_selection(school: School) -> None:
    with pytest.raises(ValueError, match="which must be one of"):
        reports.quiz_analysis(1, "best")


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

    grid = reports.class_mastery(school.school_class)

    assert [s.slug for s in grid.sections] == [ECONOMY, MILITARY]
    got = {student.name: values for student, values in grid.rows}
    live_economy = [q for q in economy if q != economy[3]]

    def expected(cards: dict[int, float], questions: list[int]) -> float:
        return sum(cards.get(q, 0.0) for q in questions) / len(questions)

    assert got["Ada Lovelace"] == pytest.approx(
        [expected(ada_cards, live_economy), expected(ada_cards, military)], abs=1e-9
    )
    assert got["Ada Lovelace"] == pytest.approx([1.75 / 10, 0.75 / 11], abs=1e-9)
    assert got["Bob Student"] == [0.0, 0.0]
    assert got["Cy Student"] == [0.0, 0.0]
