"""Creating accounts, and making accounts teachers (admins only)."""

from __future__ import annotations

import datetime as dt
import re

from werkzeug.security import check_password_hash, generate_password_hash

from quizapp.extensions import db
from quizapp.models import Role, User
from quizapp.services.concurrent_writes import dialect_insert
from quizapp.services.unit_of_work import unit_of_work

MIN_PASSWORD_LENGTH = 10
# Deliberately loose: a real check is the confirmation e-mail, not a regex.
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class AccountError(ValueError):
    """A reason an account cannot be created, worded for the person creating it."""


def normalise_email(email: str) -> str:
    """Emails compare case-insensitively; store them trimmed and lower-cased."""
    return email.strip().lower()


def create_user(email: str, password: str, *, role: Role, name: str, now: dt.datetime) -> User:
    """Create an account with a hashed password; raises ``AccountError`` on bad input."""
    email = normalise_email(email)
    name = name.strip()
    if not EMAIL_PATTERN.match(email):
        raise AccountError(f"'{email}' is not an email address")
    if len(email) > 254:
        raise AccountError("the email address is longer than 254 characters")
    if not name:
        raise AccountError("the name is empty")
    if len(name) > 120:
        raise AccountError("the name is longer than 120 characters")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
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
    user = db.session.execute(
        db.select(User).where(User.email == normalise_email(email))
    ).scalar_one_or_none()
    if user is None:
        # Hash anyway so a missing account takes as long as a wrong password.
        check_password_hash(_DUMMY_HASH, password)
        return None
    return user if check_password_hash(user.password_hash, password) else None


_DUMMY_HASH = generate_password_hash("not a real password")


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
