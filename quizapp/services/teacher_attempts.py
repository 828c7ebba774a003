"""A quiz's attempts as its teacher sees them: the list on the quiz page, and one attempt."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import joinedload

from quizapp.extensions import db
from quizapp.models import Attempt
from quizapp.services.attempts import attempt_query, finalise_expired_attempts


def quiz_attempts(quiz_id: int, *, now: dt.datetime, grace: dt.timedelta) -> list[Attempt]:
    """Every attempt at the quiz with its student, newest first (expired ones finalised)."""
    finalise_expired_attempts(quiz_id=quiz_id, now=now, grace=grace)
    return list(
        db.session.execute(
            db.select(Attempt)
            .options(joinedload(Attempt.student))
            .where(Attempt.quiz_id == quiz_id)
            .order_by(Attempt.started_at.desc())
        ).scalars()
    )


def teacher_attempt(quiz_id: int, attempt_id: int) -> Attempt | None:
    """One attempt at the quiz, loaded for the review page."""
    return db.session.execute(
        attempt_query()
        .options(joinedload(Attempt.student))
        .where(Attempt.id == attempt_id, Attempt.quiz_id == quiz_id)
    ).scalar_one_or_none()
