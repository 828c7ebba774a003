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


def current_student_refs(class_id: int) -> list[StudentRef]:
    """The class's students who have not been removed, by name (plain columns)."""
    return [
        StudentRef(id=student_id, name=name, email=email)
        for student_id, name, email in db.session.execute(
            db.select(User.id, User.name, User.email)
            .join(Enrolment, Enrolment.student_id == User.id)
            .where(Enrolment.class_id == class_id, Enrolment.removed_at.is_(None))
            .order_by(User.name, User.email, User.id)
        )
    ]


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
class Paging:
    """Which students of the class a report page shows: ``first``..``last`` of ``students``.

    ``number`` is the page (1-based) of ``pages``; an empty class has one empty page.
    """

    number: int
    pages: int
    first: int
    last: int
    students: int


# Students per report page: a class of thousands would otherwise make a page of megabytes
# that takes seconds to render (and nobody reads).
STUDENTS_PER_PAGE = 100


def paging(students: int, page: int | None) -> Paging:
    """Page ``page`` of ``students``, ``STUDENTS_PER_PAGE`` a page (clamped to the pages
    there are); None: every student on one page."""
    if page is None:
        return Paging(1, 1, min(1, students), students, students)
    size = STUDENTS_PER_PAGE
    pages = max(1, -(-students // size))
    number = min(max(page, 1), pages)
    first = (number - 1) * size
    return Paging(number, pages, min(first + 1, students), min(first + size, students), students)


@dataclass(frozen=True)
class Gradebook:
    """Students x quizzes for one class (the rows of one page of students)."""

    school_class: ClassRef
    quizzes: list[QuizColumn]
    rows: list[GradebookRow]
    paging: Paging


def class_gradebook(
    class_id: int,
    *,
    teacher_id: int,
    sort: str = "name",
    descending: bool = False,
    page: int = 1,
) -> Gradebook:
    """The gradebook page's use case: the teacher's class (else :class:`NotFound`), graded.

    Shows one page of ``STUDENTS_PER_PAGE`` students, in the order ``sort`` gives.
    """
    return gradebook(
        require_owned_class(class_id, teacher_id), sort=sort, descending=descending, page=page
    )


def gradebook(
    school_class: SchoolClass,
    *,
    sort: str = "name",
    descending: bool = False,
    page: int | None = None,
) -> Gradebook:
    """Grades of the class's current students on its quizzes (3 queries).

    ``sort`` is "name" or "quiz-<id>"; students without a grade sort last either way.
    ``page`` (1-based) keeps one page of ``STUDENTS_PER_PAGE`` students of that order;
    None keeps every student.
    """
    with cyclic_gc_paused():
        return _gradebook(school_class, sort=sort, descending=descending, page=page)


def _gradebook(
    school_class: SchoolClass, *, sort: str, descending: bool, page: int | None
) -> Gradebook:
    quizzes = list(
        db.session.execute(
            db.select(Quiz.id, Quiz.title, Quiz.grading_method)
            .where(Quiz.class_id == school_class.id, Quiz.kind == QuizKind.ASSESSMENT)
            .order_by(Quiz.created_at, Quiz.id)
        ).all()
    )
    students = current_student_refs(school_class.id)
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
    if sort.startswith("quiz-") and sort[5:].isdigit():
        # Every student's grade on that quiz orders them (an unknown quiz grades nobody);
        # the other quizzes' grades are worked out only for the page shown.
        quiz_id = int(sort[5:])
        method = {q.id: q.grading_method.value for q in quizzes}.get(quiz_id)
        grade_of = {}
        if method is not None:
            for student in students:
                result = quiz_result(scores.get((student.id, quiz_id), []), method)
                if result is not None:
                    grade_of[student.id] = result[0]
        graded = [s for s in students if s.id in grade_of]
        ungraded = [s for s in students if s.id not in grade_of]
        graded.sort(key=lambda s: grade_of[s.id], reverse=descending)
        students = graded + ungraded
    elif descending:
        students.reverse()
    shown = paging(len(students), page)
    rows = []
    for student in students[shown.first - 1 : shown.last]:
        cells = {}
        for quiz_id, _, grading_method in quizzes:
            taken = scores.get((student.id, quiz_id), [])
            result = quiz_result(taken, grading_method.value)
            cells[quiz_id] = GradeCell(
                grade=result[0] if result else None,
                max_score=result[1] if result else None,
                attempts=len(taken),
            )
        rows.append(GradebookRow(student, cells))
    return Gradebook(
        ClassRef(id=school_class.id, name=school_class.name),
        [QuizColumn(id=quiz_id, title=title) for quiz_id, title, _ in quizzes],
        rows,
        shown,
    )
