"""People who use QuizApp."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from typing import Protocol

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, false
from sqlalchemy.orm import Mapped, mapped_column

from quizapp.clock import utcnow
from quizapp.database import enum_type
from quizapp.extensions import Model


class Role(enum.StrEnum):
    """What a user may do: students take quizzes, teachers build and review them.

    Admins are teachers who may also make other accounts teachers.
    """

    STUDENT = "student"
    TEACHER = "teacher"
    ADMIN = "admin"


# The roles that may use every teacher page.
TEACHING_ROLES = frozenset({Role.TEACHER, Role.ADMIN})


class _HasRole(Protocol):
    @property
    def role(self) -> Role: ...


class RoleChecks:
    """What a role allows, for an account and for the signed-in user alike."""

    @property
    def is_teacher(self: _HasRole) -> bool:
        """True for teachers and admins (an admin can do everything a teacher can)."""
        return self.role in TEACHING_ROLES

    @property
    def is_admin(self: _HasRole) -> bool:
        """True for admins, who may also make accounts teachers."""
        return self.role is Role.ADMIN

    @property
    def is_student(self: _HasRole) -> bool:
        """True for students."""
        return self.role is Role.STUDENT


@dataclass(frozen=True)
class SignedInUser(RoleChecks, UserMixin):
    """The user a request acts for (``current_user``): the account's id, name and role,
    read as one row on each request. Pages that change an account load the ``User``."""

    id: int
    name: str
    role: Role
    # Set for a password someone else chose: every page but the password form redirects.
    must_change_password: bool = False


class User(RoleChecks, UserMixin, Model):
    """An account. Emails are stored lower-cased, so they are unique case-insensitively."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(enum_type(Role))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Set when a student deleted their account and the row stays, scrubbed, for attempts
    # their classes keep anonymised (services/student_deletion.py); it never logs in again.
    deleted_at: Mapped[dt.datetime | None]

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email} {self.role.value}>"


class LoginSession(Model):
    """One signed-in browser. The cookie carries a random token; the row its SHA-256.

    A request whose row is gone is signed out: that is how logging out, a password change
    and "log out everywhere else" reach cookies that were copied or left on another computer.
    """

    __tablename__ = "login_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime]


class PasswordReset(Model):
    """A one-time code (from a teacher) or emailed link that lets its account set a password.

    Only the SHA-256 of the code is stored: the code is shown once, to whoever asked for it.
    ``used_at`` is set by the redemption that wins; later ones find it set.
    """

    __tablename__ = "password_resets"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The teacher who issued the code; None for an emailed link (or a teacher since deleted).
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime]
    expires_at: Mapped[dt.datetime]
    used_at: Mapped[dt.datetime | None]
