"""Password help: one-time codes a teacher gives a student, and links sent by email.

A code or link's token is shown once, to whoever asked for it; the table keeps only its
SHA-256. Redeeming it is one conditional UPDATE (``used_at`` still empty, not expired), so
of two redemptions racing each other exactly one wins.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import ColumnElement, and_, delete, select, update

from quizapp.domain.accounts import normalise_email, password_problem
from quizapp.domain.reset_codes import format_code, new_code, reset_key
from quizapp.extensions import db
from quizapp.models import Enrolment, PasswordReset, Role, SchoolClass, User
from quizapp.services.accounts import reset_password
from quizapp.services.concurrent_writes import take_write_lock
from quizapp.services.errors import NotFound
from quizapp.services.unit_of_work import unit_of_work
from quizapp.services.users import AccountError

INVALID_CODE = (
    "This code is not valid: it may be mistyped, expired or already used. "
    "Ask your teacher for a new one."
)
NOT_YOUR_STUDENT = "No such student in your classes."
EMAIL_SUBJECT = "Set a new QuizApp password"

# What the mail function is given: the address, the subject and the plain-text body.
SendMail = Callable[[str, str, str], object]


@dataclass(frozen=True)
class IssuedCode:
    """A code just issued: shown once, then only its hash is kept."""

    code: str
    name: str
    email: str
    expires_at: dt.datetime


def code_hash(key: str) -> str:
    """What the table stores for a code or token (see ``domain.reset_codes.reset_key``)."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def code_lifetime() -> dt.timedelta:
    """How long a teacher's (or an admin's) code works: QUIZAPP_PASSWORD_RESET_CODE_HOURS."""
    return dt.timedelta(hours=current_app.config["PASSWORD_RESET_CODE_HOURS"])


def link_lifetime_minutes() -> int:
    """How long an emailed link works: QUIZAPP_PASSWORD_RESET_LINK_MINUTES."""
    return int(current_app.config["PASSWORD_RESET_LINK_MINUTES"])


def _store_code(
    user_id: int, key: str, *, issued_by: int | None, now: dt.datetime, lifetime: dt.timedelta
) -> dt.datetime:
    """Replace the account's unused codes (or, for a link, its unused links) with ``key``."""
    earlier = [PasswordReset.user_id == user_id, PasswordReset.used_at.is_(None)]
    if issued_by is None:
        # A link asked for by email must not cancel a code a teacher gave: anyone may ask.
        earlier.append(PasswordReset.issued_by_id.is_(None))
    expires_at = now + lifetime
    with unit_of_work() as session:
        session.execute(delete(PasswordReset).where(*earlier))
        session.add(
            PasswordReset(
                user_id=user_id,
                code_hash=code_hash(key),
                issued_by_id=issued_by,
                created_at=now,
                expires_at=expires_at,
            )
        )
    return expires_at


def issue_reset_code(
    student_id: int, *, teacher_id: int, now: dt.datetime, class_id: int | None = None
) -> IssuedCode:
    """A new one-time code for a student enrolled now in one of the teacher's classes.

    ``class_id`` narrows it to that class. The student's earlier unused codes stop
    working. Anyone else (not a student, removed from the class, another teacher's
    student) is ``NotFound``: a teacher cannot take over an account they do not teach.
    """
    query = (
        select(User.name, User.email)
        .join(Enrolment, Enrolment.student_id == User.id)
        .join(SchoolClass, SchoolClass.id == Enrolment.class_id)
        .where(
            User.id == student_id,
            User.role == Role.STUDENT,
            # A deleted student's scrubbed row (kept for anonymised attempts) is no one's.
            User.deleted_at.is_(None),
            SchoolClass.teacher_id == teacher_id,
            Enrolment.removed_at.is_(None),
        )
        .limit(1)
    )
    if class_id is not None:
        query = query.where(SchoolClass.id == class_id)
    student = db.session.execute(query).first()
    if student is None:
        raise NotFound(NOT_YOUR_STUDENT)
    code = new_code()
    expires_at = _store_code(
        student_id, code, issued_by=teacher_id, now=now, lifetime=code_lifetime()
    )
    return IssuedCode(format_code(code), student.name, student.email, expires_at)


def issue_admin_reset_code(email: str, *, now: dt.datetime) -> IssuedCode:
    """A one-time code for any account, for an admin at the command line.

    Raises ``AccountError`` when no account has the email.
    """
    address = normalise_email(email)
    user = db.session.execute(
        select(User.id, User.name, User.email).where(
            User.email == address, User.deleted_at.is_(None)
        )
    ).first()
    if user is None:
        raise AccountError(f"No account has the email {address}.")
    code = new_code()
    expires_at = _store_code(user.id, code, issued_by=None, now=now, lifetime=code_lifetime())
    return IssuedCode(format_code(code), user.name, user.email, expires_at)


def _usable(hashed: str, now: dt.datetime) -> ColumnElement[bool]:
    return and_(
        PasswordReset.code_hash == hashed,
        PasswordReset.used_at.is_(None),
        PasswordReset.expires_at > now,
    )


def redeem_reset_code(code: str, new_password: str, *, now: dt.datetime) -> int:
    """Set the password of the code's account, signing out all its browsers; its id.

    Raises ``AccountError`` with field ``code`` for an unknown, expired or used code (one
    message for all three), and with field ``new_password`` for a refused password, which
    leaves the code usable. The code is spent by a conditional UPDATE in the same
    transaction as the new password: of two redemptions at once, one finds it spent.
    """
    hashed = code_hash(reset_key(code))
    with unit_of_work() as session:
        take_write_lock()
        user = session.execute(
            select(User.email, User.name)
            .join(PasswordReset, PasswordReset.user_id == User.id)
            .where(_usable(hashed, now))
        ).first()
        if user is None:
            raise AccountError(INVALID_CODE, field="code")
        problem = password_problem(new_password, email=user.email, name=user.name)
        if problem:
            raise AccountError(problem, field="new_password")
        spent = session.execute(
            update(PasswordReset)
            .where(_usable(hashed, now))
            .values(used_at=now)
            .returning(PasswordReset.user_id)
            .execution_options(synchronize_session=False)
        ).scalar_one_or_none()
        if spent is None:
            raise AccountError(INVALID_CODE, field="code")
        # Any other code or link of the account is void once it has a new password.
        session.execute(
            delete(PasswordReset).where(
                PasswordReset.user_id == spent, PasswordReset.used_at.is_(None)
            )
        )
        reset_password(spent, new_password)
    return int(spent)


def _email_body(name: str, link: str, minutes: int) -> str:
    return (
        f"Hello {name},\n\n"
        "Someone, we hope you, asked to set a new password for your QuizApp account.\n"
        f"Open this link within {minutes} minutes to choose one:\n\n"
        f"{link}\n\n"
        "The link works once. If you did not ask, ignore this email: your password stays "
        "as it is.\n"
    )


def request_reset_by_email(
    email: str, *, now: dt.datetime, link_for: Callable[[str], str], send: SendMail
) -> None:
    """Email a one-time link to the account with this address, if there is one.

    Returns nothing either way, so the page cannot tell whether the address has an
    account. ``link_for`` turns a token into the absolute link; ``send`` sends the
    message (``quizapp.mail`` sends it in the background, failures logged).
    """
    address = normalise_email(email)
    user = db.session.execute(
        select(User.id, User.name, User.email).where(
            User.email == address, User.deleted_at.is_(None)
        )
    ).first()
    if user is None:
        return
    token = secrets.token_urlsafe(32)
    minutes = link_lifetime_minutes()
    _store_code(user.id, token, issued_by=None, now=now, lifetime=dt.timedelta(minutes=minutes))
    send(user.email, EMAIL_SUBJECT, _email_body(user.name, link_for(token), minutes))
