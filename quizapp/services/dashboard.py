"""Everything the student dashboard shows, gathered in one call."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import joinedload

from quizapp.extensions import db
from quizapp.models import Attempt, AttemptState, Quiz, SchoolClass
from quizapp.services.attempts import QuizSummary, finalise_expired_attempts, quiz_summary
from quizapp.services.classes import classes_of
from quizapp.services.progress import (
    attempt_history,
    due_count,
    submitted_attempts,
)
from quizapp.services.quizzes import quizzes_for_student


@dataclass(frozen=True)
class StudentDashboard:
    """Reviews due, unfinished attempts, class quizzes with grades, classes, recent results."""

    due: int
    open_attempts: list[Attempt]
    quizzes: list[tuple[Quiz, QuizSummary]]
    classes: list[SchoolClass]
    recent: list[Attempt]


def student_dashboard(
    student_id: int, *, now: dt.datetime, grace: dt.timedelta
) -> StudentDashboard:
    """The dashboard's data; attempts whose time ran out are finalised first."""
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
    return StudentDashboard(
        due=due_count(student_id, now=now),
        open_attempts=open_attempts,
        quizzes=[(quiz, quiz_summary(quiz, finished, open_attempts)) for quiz in quizzes],
        classes=classes_of(student_id),
        recent=attempt_history(student_id, limit=5),
    )
