"""An attempt deleted between being loaded and being locked (a teacher's "Remove data",
or the student deleting the account in another tab) is a NotFound, never a 500; a batch
of expired attempts goes on without it."""

from __future__ import annotations

import datetime as dt

import pytest
from flask import Flask

from quizapp.extensions import db
from quizapp.models import Attempt, AttemptState
from quizapp.services import attempts as attempt_service
from quizapp.services.attempts import finalise_expired_attempts, submit_attempt
from quizapp.services.errors import NotFound
from quizapp.services.student_deletion import delete_attempts
from tests.factories import (
    ECONOMY,
    GRACE,
    NOW,
    create_assessment,
    create_class,
    create_student,
    create_teacher,
    enrol,
    load_article,
    start,
)


def _quiz_and_student(**settings: object):
    teacher = create_teacher()
    student = create_student()
    school_class = create_class(teacher)
    enrol(student, school_class)
    return create_assessment(teacher, school_class, load_article((ECONOMY,)), **settings), student


def _delete_elsewhere(app: Flask, attempt_id: int) -> None:
    """Delete the attempt in another session, as another worker's request would."""
    with app.app_context():
        delete_attempts([attempt_id])
        db.session.commit()


def test_submitting_an_attempt_deleted_since_it_was_loaded_is_not_found(
    app_context: Flask,
) -> None:
    quiz, student = _quiz_and_student()
    attempt = start(quiz, student)
    attempt_id = attempt.id
    _delete_elsewhere(app_context, attempt_id)

    with pytest.raises(NotFound, match="This attempt no longer exists"):
        submit_attempt(attempt, now=NOW)
    db.session.rollback()
    assert db.session.get(Attempt, attempt_id) is None


def test_finalising_expired_attempts_skips_one_deleted_meanwhile(
    app_context: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    quiz, ada = _quiz_and_student(time_limit_seconds=600)
    bob = create_student("bob@example.com", "Bob Student")
    enrol(bob, quiz.school_class)
    kept, gone = start(quiz, ada).id, start(quiz, bob).id
    is_expired = attempt_service.is_expired

    def deleting_one_while_listing(attempt: Attempt, now: dt.datetime, grace: dt.timedelta):
        # The list is read, then the other attempt goes before its turn to be locked.
        if attempt.id == kept:
            delete_attempts([gone])
        return is_expired(attempt, now, grace)

    monkeypatch.setattr(attempt_service, "is_expired", deleting_one_while_listing)

    later = NOW + dt.timedelta(hours=1)
    finalise_expired_attempts(quiz_id=quiz.id, now=later, grace=GRACE)

    assert db.session.get(Attempt, gone) is None
    assert db.session.get(Attempt, kept).state is AttemptState.SUBMITTED
