"""The gradebook: each current student's grade on each of a class's quizzes.

Reads plain columns in a fixed number of queries; the grade by each quiz's grading method
is the domain's (``quizapp.domain.progress.quiz_result``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from quizapp.domain.progress import quiz_result
from quizapp.extensions import db
from quizapp.gc_pause import cyclic_gc_paused
from quizapp.models import Attempt, AttemptState, Enrolment, Quiz, QuizKind, SchoolClass, User
from quizapp.services.classes import require_owned_class


def current_students(class_id: int) -> list[User]:
    """The class's students who have not been removed, by name."""
    return list(
        db.session.execute(
            db.select(User)
            .join(Enrolment, Enrolment.student_id == User.id)
            .where(Enrolment.class_id == class_id, Enrolment.removed_at.is_(None))
            .order_by(User.name, User.email)
        ).scalars()
    )


@dataclass(frozen=True)
class ClassRef:
    """A class as a report names it."""

    id: int
    name: str


@dataclass(frozen=True)
class StudentRef:
    """A student as a report names them."""

    id: int
    name: str
    email: str


def student_ref(student: User) -> StudentRef:
    """The plain view of a student row."""
    return StudentRef(id=student.id, name=student.name, email=student.email)


@dataclass(frozen=True)
class QuizColumn:
    """A quiz as a gradebook column."""

    id: int
    title: str


@dataclass(frozen=True)
class GradeCell:
    """A student's grade on one quiz by its grading method, out of ``max_score``."""

    grade: float | None
    max_score: float | None
    attempts: int


@dataclass(frozen=True)
class GradebookRow:
    """One student's line."""

    student: StudentRef
    cells: dict[int, GradeCell]


@dataclass(frozen=True)
class Gradebook:
    """Students x quizzes for one class."""

    school_class: ClassRef
    quizzes: list[QuizColumn]
    rows: list[GradebookRow]


def class_gradebook(
    class_id: int, *, teacher_id: int, sort: str = "name", descending: bool = False
) -> Gradebook:
    """The gradebook page's use case: the teacher's class (else :class:`NotFound`), graded."""
    return gradebook(require_owned_class(class_id, teacher_id), sort=sort, descending=descending)


def gradebook(
    school_class: SchoolClass, *, sort: str = "name", descending: bool = False
) -> Gradebook:
    """Grades of the class's current students on its quizzes (3 queries).

    ``sort`` is "name" or "quiz-<id>"; students without a grade sort last either way.
    """
    with cyclic_gc_paused():
        return _gradebook(school_class, sort=sort, descending=descending)


def _gradebook(school_class: SchoolClass, *, sort: str, descending: bool) -> Gradebook:
    quizzes = list(
        db.session.execute(
            db.select(Quiz.id, Quiz.title, Quiz.grading_method)
            .where(Quiz.class_id == school_class.id, Quiz.kind == QuizKind.ASSESSMENT)
            .order_by(Quiz.created_at, Quiz.id)
        ).all()
    )
    students = current_students(school_class.id)
    scores: dict[tuple[int, int], list[tuple[float, float]]] = defaultdict(list)
    if quizzes:
        for student_id, quiz_id, score, max_score in db.session.execute(
            db.select(Attempt.student_id, Attempt.quiz_id, Attempt.score, Attempt.max_score)
            .where(
                Attempt.quiz_id.in_([q.id for q in quizzes]),
                Attempt.state == AttemptState.SUBMITTED,
            )
            .order_by(Attempt.started_at, Attempt.id)
        ):
            scores[(student_id, quiz_id)].append((score or 0.0, max_score or 0.0))
    rows = []
    for student in students:
        cells = {}
        for quiz_id, _, grading_method in quizzes:
            taken = scores.get((student.id, quiz_id), [])
            result = quiz_result(taken, grading_method.value)
            cells[quiz_id] = GradeCell(
                grade=result[0] if result else None,
                max_score=result[1] if result else None,
                attempts=len(taken),
            )
        rows.append(GradebookRow(student_ref(student), cells))
    if sort.startswith("quiz-") and sort[5:].isdigit():
        quiz_id = int(sort[5:])
        grade_of = {
            id(row): cell.grade
            for row in rows
            if (cell := row.cells.get(quiz_id)) is not None and cell.grade is not None
        }
        graded = [r for r in rows if id(r) in grade_of]
        ungraded = [r for r in rows if id(r) not in grade_of]
        graded.sort(key=lambda r: grade_of[id(r)], reverse=descending)
        rows = graded + ungraded
    elif descending:
        rows.reverse()
    return Gradebook(
        ClassRef(id=school_class.id, name=school_class.name),
        [QuizColumn(id=quiz_id, title=title) for quiz_id, title, _ in quizzes],
        rows,
    )
