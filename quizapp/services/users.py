"""Creating accounts, checking passwords, and making accounts teachers (admins only)."""

from __future__ import annotations

import datetime as dt
import re

from werkzeug.security import check_password_hash, generate_password_hash

from quizapp.domain.accounts import normalise_email, password_problem
from quizapp.extensions import db
from quizapp.models import Role, User
from quizapp.services.concurrent_writes import dialect_insert
from quizapp.services.unit_of_work import unit_of_work

__all__ = [
    "AccountError",
    "authenticate",
    "check_password",
    "create_user",
    "email_problem",
    "name_problem",
    "normalise_email",
    "promote_to_teacher",
    "sign_up_student",
]

# Deliberately loose: a real check is the confirmation e-mail, not a regex.
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class AccountError(ValueError):
    """A reason an account cannot be created or changed, worded for its owner.

    ``field`` names the form field the message belongs next to.
    """

    def __init__(self, message: str, *, field: str = "email") -> None:
        super().__init__(message)
        self.field = field


def email_problem(email: str) -> str | None:
    """What is wrong with an already normalised email address, or None."""
    if not EMAIL_PATTERN.match(email):
        return f"'{email}' is not an email address"
    if len(email) > 254:
        return "the email address is longer than 254 characters"
    return None


def name_problem(name: str) -> str | None:
    """What is wrong with an already trimmed name, or None."""
    if not name:
        return "the name is empty"
    if len(name) > 120:
        return "the name is longer than 120 characters"
    return None


def create_user(email: str, password: str, *, role: Role, name: str, now: dt.datetime) -> User:
    """Create an account with a hashed password; raises ``AccountError`` on bad input."""
    email = normalise_email(email)
    name = name.strip()
    for field, problem in (
        ("email", email_problem(email)),
        ("name", name_problem(name)),
        ("password", password_problem(password, email=email, name=name)),
    ):
        if problem:
            raise AccountError(problem, field=field)
    exists = AccountError(f"an account with the email {email} already exists")
    if db.session.execute(db.select(User.id).where(User.email == email)).first():
        raise exists
    # A double-submitted sign-up sends two of these at once; both passed the look above.
    # ON CONFLICT DO NOTHING lets the database pick the first: the second gets no row
    # back and the same message as a sign-up for an email already taken (never a 500).
    insert = (
        dialect_insert(User)
        .values(
            email=email,
            name=name,
            password_hash=generate_password_hash(password),
            role=role,
            created_at=now,
        )
        .on_conflict_do_nothing(index_elements=["email"])
        .returning(User)
    )
    with unit_of_work() as session:
        user: User | None = session.scalars(insert).one_or_none()
        if user is None:
            raise exists
    return user


def sign_up_student(email: str, password: str, *, name: str, now: dt.datetime) -> User:
    """A new student account (anyone may sign up; teachers are promoted by an admin)."""
    return create_user(email, password, role=Role.STUDENT, name=name, now=now)


def authenticate(email: str, password: str) -> User | None:
    """The account with this email and password, or None (never says which was wrong)."""
    # A deleted account's scrubbed row (kept for anonymised attempts) never logs in.
    user = db.session.execute(
        db.select(User).where(User.email == normalise_email(email), User.deleted_at.is_(None))
    ).scalar_one_or_none()
    if user is None:
        # Hash anyway so a missing account takes as long as a wrong password.
        check_password_hash(_DUMMY_HASH, password)
        return None
    return user if check_password_hash(user.password_hash, password) else None


_DUMMY_HASH = generate_password_hash("not a real password")


def check_password(user: User, password: str) -> bool:
    """True when ``password`` is the account's password."""
    return check_password_hash(user.password_hash, password)


def promote_to_teacher(email: str, *, admin_id: int) -> User:
    """Make the account with ``email`` a teacher, as the admin ``admin_id`` asked.

    Raises ``AccountError`` when ``admin_id`` is not an admin's account (only admins may
    make teachers), when no account has the email, or when it already teaches (a teacher
    or an admin).
    """
    admin = db.session.get(User, admin_id)
    if admin is None or not admin.is_admin:
        raise AccountError("Only an admin can make an account a teacher.")
    user = db.session.execute(
        db.select(User).where(User.email == normalise_email(email))
    ).scalar_one_or_none()
    if user is None:
        raise AccountError(f"No account has the email {normalise_email(email)}.")
    if user.is_teacher:
        raise AccountError(f"{user.email} is already a teacher.")
    with unit_of_work():
        user.role = Role.TEACHER
    return user
