"""The student dashboard, and the two forms on it (join a class, start practice).

Each use case is one unit of work that returns plain view models; a form that fails
returns the dashboard to show again with the reason, so its page still asks one service.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import joinedload, selectinload

from quizapp.domain.progress import quiz_result
from quizapp.extensions import db
from quizapp.models import Article, Attempt, AttemptState, Quiz
from quizapp.services.attempt_views import AttemptStarted
from quizapp.services.attempts import AttemptError, finalise_expired_attempts
from quizapp.services.classes import ClassError, classes_of, enrol_with_code
from quizapp.services.practice import start_practice
from quizapp.services.progress import (
    FinishedAttempt,
    attempt_history,
    due_count,
    finished_attempt,
    submitted_attempts,
)
from quizapp.services.quizzes import quizzes_for_student


@dataclass(frozen=True)
class OpenAttempt:
    """An attempt the student can resume."""

    id: int
    quiz_title: str
    started_at: dt.datetime


@dataclass(frozen=True)
class ClassQuiz:
    """A published quiz of one of the student's classes, with where the student stands."""

    id: int
    title: str
    time_limit_seconds: int | None
    attempts_allowed: int | None
    closes_at: dt.datetime | None
    grading_method: str
    attempts_used: int
    grade: float | None
    max_score: float | None
    has_open_attempt: bool


@dataclass(frozen=True)
class ClassMembership:
    """A class the student is in, and who teaches it."""

    name: str
    teacher_name: str


@dataclass(frozen=True)
class PracticeChoice:
    """One option of the practice form: a whole article or one of its sections."""

    value: str
    label: str
    article_title: str


@dataclass(frozen=True)
class StudentDashboard:
    """Reviews due, unfinished attempts, class quizzes with grades, classes, recent results."""

    due: int
    open_attempts: tuple[OpenAttempt, ...]
    quizzes: tuple[ClassQuiz, ...]
    classes: tuple[ClassMembership, ...]
    recent: tuple[FinishedAttempt, ...]
    practice_choices: tuple[PracticeChoice, ...]


@dataclass(frozen=True)
class ClassJoined:
    """The student is (now, or already) in the class."""

    class_name: str


@dataclass(frozen=True)
class DashboardAgain:
    """A dashboard form failed: show the dashboard again, with the problem for ``field``."""

    dashboard: StudentDashboard
    field: str | None = None
    message: str | None = None


def student_dashboard(
    student_id: int, *, now: dt.datetime, grace: dt.timedelta
) -> StudentDashboard:
    """The dashboard's data; attempts whose time ran out are finalised first (one commit)."""
    return _dashboard(student_id, now=now, grace=grace)


def join_class_by_code(
    student_id: int, code: str | None, *, now: dt.datetime, grace: dt.timedelta
) -> ClassJoined | DashboardAgain:
    """Enrol the student with a class code, or say why not with the dashboard to show.

    ``code`` None (the form was invalid) just shows the dashboard again.
    """
    if code is None:
        return DashboardAgain(_dashboard(student_id, now=now, grace=grace))
    try:
        return ClassJoined(enrol_with_code(student_id, code, now=now).name)
    except ClassError as error:
        return DashboardAgain(_dashboard(student_id, now=now, grace=grace), "code", str(error))


def practise(
    student_id: int,
    choice: str | None,
    question_count: int,
    *,
    now: dt.datetime,
    grace: dt.timedelta,
    rng: random.Random | None = None,
) -> AttemptStarted | DashboardAgain:
    """Start practice on ``choice`` (``article-<id>`` or ``section-<id>``, as offered).

    The practice quiz and its attempt are one unit of work (see ``start_practice``).
    ``choice`` None (the form was invalid) just shows the dashboard again.
    """
    if choice is None:
        return DashboardAgain(_dashboard(student_id, now=now, grace=grace))
    kind, _, raw_id = choice.partition("-")
    if choice not in {c.value for c in _practice_choices()} or not raw_id.isdigit():
        # The same words as a select field's own check: the value was not one offered.
        field, message = "section", "Not a valid choice."
    else:
        try:
            attempt = start_practice(
                student_id,
                article_id=int(raw_id) if kind == "article" else None,
                section_id=int(raw_id) if kind == "section" else None,
                question_count=question_count,
                now=now,
                grace=grace,
                rng=rng,
            )
        except AttemptError as error:
            field, message = "question_count", str(error)
        else:
            return AttemptStarted(attempt.id)
    return DashboardAgain(_dashboard(student_id, now=now, grace=grace), field, message)


def _dashboard(student_id: int, *, now: dt.datetime, grace: dt.timedelta) -> StudentDashboard:
    finalise_expired_attempts(student_id, now=now, grace=grace)
    quizzes = quizzes_for_student(student_id)
    finished = submitted_attempts(student_id, [quiz.id for quiz in quizzes])
    open_attempts = list(
        db.session.execute(
            db.select(Attempt)
            .options(joinedload(Attempt.quiz))
            .where(Attempt.student_id == student_id, Attempt.state == AttemptState.IN_PROGRESS)
            .order_by(Attempt.started_at.desc())
        ).scalars()
    )
    summaries = [(quiz, quiz_summary(quiz, finished, open_attempts)) for quiz in quizzes]
    return StudentDashboard(
        due=due_count(student_id, now=now),
        open_attempts=tuple(OpenAttempt(a.id, a.quiz.title, a.started_at) for a in open_attempts),
        quizzes=tuple(
            ClassQuiz(
                id=quiz.id,
                title=quiz.title,
                time_limit_seconds=quiz.time_limit_seconds,
                attempts_allowed=quiz.attempts_allowed,
                closes_at=quiz.closes_at,
                grading_method=quiz.grading_method.value,
                attempts_used=summary.attempts_used,
                grade=summary.grade,
                max_score=summary.max_score,
                has_open_attempt=summary.open_attempt is not None,
            )
            for quiz, summary in summaries
        ),
        classes=tuple(ClassMembership(c.name, c.teacher.name) for c in classes_of(student_id)),
        recent=tuple(finished_attempt(a) for a in attempt_history(student_id, limit=5)),
        practice_choices=_practice_choices(),
    )


def _practice_choices() -> tuple[PracticeChoice, ...]:
    """ "All sections" and each section, grouped by article (by title)."""
    articles = db.session.execute(
        db.select(Article).options(selectinload(Article.sections)).order_by(Article.title)
    ).scalars()
    return tuple(
        choice
        for article in articles
        for choice in (
            PracticeChoice(f"article-{article.id}", "All sections", article.title),
            *(PracticeChoice(f"section-{s.id}", s.title, article.title) for s in article.sections),
        )
    )


@dataclass(frozen=True)
class QuizSummary:
    """Where a student stands on one quiz."""

    attempts_used: int
    grade: float | None
    max_score: float | None
    open_attempt: Attempt | None


def quiz_summary(
    quiz: Quiz, history: Sequence[Attempt], open_attempts: Sequence[Attempt]
) -> QuizSummary:
    """The student's grade by the quiz's grading method, from already-loaded attempts."""
    finished = sorted(
        (a for a in history if a.quiz_id == quiz.id and a.score is not None),
        key=lambda a: a.started_at,
    )
    open_attempt = next((a for a in open_attempts if a.quiz_id == quiz.id), None)
    # The grade and what it is out of come from the same attempt(s).
    result = quiz_result(
        [(a.score or 0.0, a.max_score or 0.0) for a in finished], quiz.grading_method.value
    )
    return QuizSummary(
        attempts_used=len(finished) + (1 if open_attempt else 0),
        grade=result[0] if result else None,
        max_score=result[1] if result else None,
        open_attempt=open_attempt,
    )
