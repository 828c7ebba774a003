"""Deleting a student's data: the student's own account, or their data in one class.

A student deletes their account; what happens to their attempts in each class is the
class's ``deleted_student_data`` choice, made by its teacher: 'anonymise' keeps them in
the class's reports under "Deleted student <id>", 'remove' deletes them. A teacher may
also delete one student's attempts in their class. Each is one unit of work that takes
the write lock first (SQLite) and deletes rows child first, so the foreign keys hold on
SQLite and PostgreSQL alike. docs/student-data.md is the account for people.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from quizapp.extensions import db
from quizapp.models import (
    Attempt,
    AttemptMarks,
    AttemptQuestion,
    DeletedStudentData,
    Enrolment,
    ExtraTime,
    LoginSession,
    PasswordReset,
    Quiz,
    QuizRule,
    Response,
    ReviewCard,
    SchoolClass,
    User,
)
from quizapp.services.classes import require_owned_class
from quizapp.services.concurrent_writes import take_write_lock
from quizapp.services.errors import NotFound
from quizapp.services.student_data import StudentDataPage, require_student, student_data_page
from quizapp.services.unit_of_work import unit_of_work
from quizapp.services.users import normalise_email

# No password hashes to this: werkzeug's check needs "method$salt$hash" and refuses it.
UNUSABLE_PASSWORD_HASH = "!deleted-account"
# The .invalid top-level domain is reserved (RFC 2606): no one receives mail there, and
# sign-up refuses an address without a dot after the @.
DELETED_EMAIL_DOMAIN = "invalid"

POLICY_CHOICES = {
    DeletedStudentData.ANONYMISE.value: "Keep their attempts, under an anonymous name",
    DeletedStudentData.REMOVE.value: "Delete their attempts",
}


def deleted_student_name(student_id: int) -> str:
    """The name a deleted student's kept attempts show in reports."""
    return f"Deleted student {student_id}"


def deleted_student_email(student_id: int) -> str:
    """The scrubbed row's email: unique, and not an address anyone can sign up with."""
    return f"deleted-{student_id}@{DELETED_EMAIL_DOMAIN}"


# ------------------------------------------------------------------- the student's own


@dataclass(frozen=True)
class AccountDeleted:
    """The account is gone: how many attempts stay anonymised and how many were deleted."""

    anonymised_attempts: int
    deleted_attempts: int


@dataclass(frozen=True)
class DeletionRefused:
    """Nothing was deleted: the page to show again, with the reason for the email field
    (empty when the form itself was refused, e.g. an expired token)."""

    page: StudentDataPage
    message: str


def delete_student_account(
    student_id: int, typed_email: str | None, *, now: dt.datetime
) -> AccountDeleted | DeletionRefused:
    """Delete the student's account once they typed its email (None: the form was refused).

    Attempts in classes whose choice is 'anonymise' stay, pointing at the account's row,
    scrubbed (name "Deleted student <id>", an unusable email and password, ``deleted_at``);
    every other attempt (other classes, practice, quizzes in no class) is deleted with its
    questions and responses, as are the review cards, extra time, the student's practice
    quizzes and the enrolments of classes that keep nothing. With nothing kept, the row
    is deleted too. Teachers and admins get :class:`NotFound`.
    """
    student = require_student(student_id)
    if typed_email is None:
        return DeletionRefused(student_data_page(student_id), "")
    if normalise_email(typed_email) != student.email:
        return DeletionRefused(
            student_data_page(student_id),
            "That is not this account's email address; type it exactly as shown above.",
        )
    with unit_of_work() as session:
        take_write_lock()
        # Lock the row (PostgreSQL) so two deletions of one account run one after the
        # other; the second finds it gone or scrubbed.
        locked = session.execute(
            db.select(User.deleted_at).where(User.id == student_id).with_for_update()
        ).one_or_none()
        if locked is None or locked.deleted_at is not None:
            raise NotFound("There is no such student account.")
        session.refresh(student)
        return _delete_account(student, now=now)


def _delete_account(student: User, *, now: dt.datetime) -> AccountDeleted:
    rows = db.session.execute(
        db.select(Attempt.id, Quiz.class_id, SchoolClass.deleted_student_data)
        .join(Quiz, Quiz.id == Attempt.quiz_id)
        .outerjoin(SchoolClass, SchoolClass.id == Quiz.class_id)
        .where(Attempt.student_id == student.id)
    ).all()
    kept = [(a, c) for a, c, policy in rows if policy is DeletedStudentData.ANONYMISE]
    dropped = [a for a, _, policy in rows if policy is not DeletedStudentData.ANONYMISE]
    delete_attempts(dropped)
    db.session.execute(
        db.delete(ReviewCard)
        .where(ReviewCard.student_id == student.id)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        db.delete(ExtraTime)
        .where(ExtraTime.student_id == student.id)
        .execution_options(synchronize_session=False)
    )
    _delete_practice_quizzes(student.id)
    # Every browser still signed in to the account is signed out with it, and no reset
    # code or link issued before can give the scrubbed row a password again.
    for signed_in_or_resettable in (LoginSession, PasswordReset):
        db.session.execute(
            db.delete(signed_in_or_resettable)
            .where(signed_in_or_resettable.user_id == student.id)
            .execution_options(synchronize_session=False)
        )
    keeping_classes = sorted({class_id for _, class_id in kept})
    # Classes that keep attempts keep the enrolment as it was, so their gradebook (which
    # lists current students) still shows the grades, under the anonymous name.
    db.session.execute(
        db.delete(Enrolment)
        .where(Enrolment.student_id == student.id, Enrolment.class_id.not_in(keeping_classes))
        .execution_options(synchronize_session=False)
    )
    if kept:
        student.name = deleted_student_name(student.id)
        student.email = deleted_student_email(student.id)
        student.password_hash = UNUSABLE_PASSWORD_HASH
        student.deleted_at = now
    else:
        db.session.execute(
            db.delete(User)
            .where(User.id == student.id)
            .execution_options(synchronize_session=False)
        )
        db.session.expunge(student)
    return AccountDeleted(anonymised_attempts=len(kept), deleted_attempts=len(dropped))


def _delete_practice_quizzes(student_id: int) -> None:
    """The quizzes the student made to practise (their attempts are deleted already)."""
    owned = db.select(Quiz.id).where(Quiz.owner_id == student_id).scalar_subquery()
    for statement in (
        db.delete(QuizRule).where(QuizRule.quiz_id.in_(owned)),
        db.delete(ExtraTime).where(ExtraTime.quiz_id.in_(owned)),
        db.delete(Quiz).where(Quiz.owner_id == student_id),
    ):
        db.session.execute(statement.execution_options(synchronize_session=False))


def delete_attempts(attempt_ids: Collection[int]) -> None:
    """Delete these attempts with their questions, responses and marks (children first)."""
    if not attempt_ids:
        return
    ids = sorted(attempt_ids)
    # First the lock every save and submission takes first (the attempt rows, in id
    # order): they wait for the deletion and then find the attempt gone, rather than
    # holding an attempt while waiting for its responses (a deadlock on PostgreSQL).
    db.session.execute(
        db.select(Attempt.id).where(Attempt.id.in_(ids)).order_by(Attempt.id).with_for_update()
    )
    drawn = db.select(AttemptQuestion.id).where(AttemptQuestion.attempt_id.in_(ids))
    for statement in (
        db.delete(Response).where(Response.attempt_question_id.in_(drawn.scalar_subquery())),
        db.delete(AttemptQuestion).where(AttemptQuestion.attempt_id.in_(ids)),
        db.delete(AttemptMarks).where(AttemptMarks.attempt_id.in_(ids)),
        db.delete(Attempt).where(Attempt.id.in_(ids)),
    ):
        db.session.execute(statement.execution_options(synchronize_session=False))


# ------------------------------------------------------------------ the teacher's class


@dataclass(frozen=True)
class StudentDataRemoval:
    """The confirmation page: whose attempts in which class would be deleted."""

    class_id: int
    class_name: str
    student_id: int
    student_name: str
    student_email: str
    attempts: int


@dataclass(frozen=True)
class StudentDataRemoved:
    """Done: the student's attempts in the class are deleted and they are off its roster."""

    student_name: str
    attempts: int


def _class_enrolment(teacher_id: int, class_id: int, student_id: int) -> tuple[SchoolClass, User]:
    school_class = require_owned_class(class_id, teacher_id)
    student = db.session.execute(
        db.select(User)
        .join(Enrolment, Enrolment.student_id == User.id)
        .where(Enrolment.class_id == school_class.id, Enrolment.student_id == student_id)
    ).scalar_one_or_none()
    if student is None:
        raise NotFound("That student was never in this class.")
    return school_class, student


def _class_attempt_ids(class_id: int, student_id: int) -> list[int]:
    return list(
        db.session.scalars(
            db.select(Attempt.id)
            .join(Quiz, Quiz.id == Attempt.quiz_id)
            .where(Quiz.class_id == class_id, Attempt.student_id == student_id)
        )
    )


def student_data_removal(teacher_id: int, class_id: int, student_id: int) -> StudentDataRemoval:
    """What removing the student's data from the teacher's class would delete.

    Another teacher's class, or a student never enrolled in it, is :class:`NotFound`.
    """
    school_class, student = _class_enrolment(teacher_id, class_id, student_id)
    return StudentDataRemoval(
        class_id=school_class.id,
        class_name=school_class.name,
        student_id=student.id,
        student_name=student.name,
        student_email=student.email,
        attempts=len(_class_attempt_ids(school_class.id, student.id)),
    )


def remove_student_data(
    teacher_id: int, class_id: int, student_id: int, *, confirmed: bool, now: dt.datetime
) -> StudentDataRemoved | None:
    """Delete the student's attempts at the class's quizzes and end their enrolment.

    Nothing changes unless ``confirmed`` (None back); the class must be the teacher's and
    the student enrolled in it (ever), else :class:`NotFound`. The student's account and
    their other data stay; an account already deleted by its student that no longer has
    any attempt is deleted now, as it would have been then.
    """
    school_class, student = _class_enrolment(teacher_id, class_id, student_id)
    if not confirmed:
        return None
    name = student.name
    with unit_of_work():
        take_write_lock()
        attempt_ids = _class_attempt_ids(school_class.id, student.id)
        delete_attempts(attempt_ids)
        class_quizzes = db.select(Quiz.id).where(Quiz.class_id == school_class.id)
        db.session.execute(
            db.delete(ExtraTime)
            .where(ExtraTime.student_id == student.id, ExtraTime.quiz_id.in_(class_quizzes))
            .execution_options(synchronize_session=False)
        )
        if student.deleted_at is not None and not _has_attempts(student.id):
            db.session.execute(
                db.delete(Enrolment)
                .where(Enrolment.student_id == student.id)
                .execution_options(synchronize_session=False)
            )
            db.session.execute(
                db.delete(User)
                .where(User.id == student.id)
                .execution_options(synchronize_session=False)
            )
            db.session.expunge(student)
        else:
            db.session.execute(
                db.update(Enrolment)
                .where(
                    Enrolment.class_id == school_class.id,
                    Enrolment.student_id == student.id,
                    Enrolment.removed_at.is_(None),
                )
                .values(removed_at=now)
                .execution_options(synchronize_session=False)
            )
    return StudentDataRemoved(student_name=name, attempts=len(attempt_ids))


def _has_attempts(student_id: int) -> bool:
    return (
        db.session.execute(db.select(Attempt.id).where(Attempt.student_id == student_id)).first()
        is not None
    )


def change_deleted_student_data(teacher_id: int, class_id: int, choice: str | None) -> str | None:
    """Set what the teacher's class does with a deleted student's attempts; says what went
    wrong (None: done). ``choice`` is None when the form was refused. Another teacher's
    class is :class:`NotFound`. Attempts already anonymised or deleted stay as they are."""
    school_class = require_owned_class(class_id, teacher_id)
    if choice is None:
        return "The form expired or was not filled in; please choose again."
    if choice not in POLICY_CHOICES:
        return f"'{choice}' is not one of the choices for a deleted student's attempts."
    with unit_of_work():
        school_class.deleted_student_data = DeletedStudentData(choice)
    return None
