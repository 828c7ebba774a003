"""Managing one's own account: name, email, password, and the browsers signed in to it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from werkzeug.security import generate_password_hash

from quizapp.domain.accounts import normalise_email, password_problem
from quizapp.extensions import db
from quizapp.models import Role, User
from quizapp.services.errors import NotFound
from quizapp.services.login_sessions import count_login_sessions, end_other_login_sessions
from quizapp.services.unit_of_work import unit_of_work
from quizapp.services.users import AccountError, check_password, email_problem, name_problem

WRONG_CURRENT_PASSWORD = "That is not your current password."


@dataclass(frozen=True)
class AccountPage:
    """What the account page shows."""

    name: str
    email: str
    role: Role
    signed_in_browsers: int
    must_change_password: bool


def _account(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("No such account.")
    return user


def account_page(user_id: int) -> AccountPage:
    """The account page's view model."""
    user = _account(user_id)
    return AccountPage(
        name=user.name,
        email=user.email,
        role=user.role,
        signed_in_browsers=count_login_sessions(user_id),
        must_change_password=user.must_change_password,
    )


def change_profile(user_id: int, *, name: str, email: str, current_password: str) -> None:
    """Change the account's name and email; the current password confirms it is its owner.

    Raises ``AccountError`` with the field at fault. The email's uniqueness is the
    database's to guard: two accounts moving to one address at once get one refusal.
    """
    user = _account(user_id)
    if not check_password(user, current_password):
        raise AccountError(WRONG_CURRENT_PASSWORD, field="current_password")
    email, name = normalise_email(email), name.strip()
    for field, problem in (("name", name_problem(name)), ("email", email_problem(email))):
        if problem:
            raise AccountError(problem, field=field)
    try:
        with unit_of_work():
            user.name, user.email = name, email
    except IntegrityError:
        raise AccountError(f"an account with the email {email} already exists") from None


def _store_new_password(user: User, new_password: str) -> None:
    problem = password_problem(new_password, email=user.email, name=user.name)
    if problem:
        raise AccountError(problem, field="new_password")
    user.password_hash = generate_password_hash(new_password)
    user.must_change_password = False


def change_password(
    user_id: int, *, current_password: str, new_password: str, keep_token: str | None
) -> int:
    """Replace the password and sign out every other browser; returns how many.

    ``keep_token`` is the login session making the change, which stays signed in.
    Raises ``AccountError`` for a wrong current password or a refused new one.
    """
    user = _account(user_id)
    if not check_password(user, current_password):
        raise AccountError(WRONG_CURRENT_PASSWORD, field="current_password")
    if current_password == new_password:
        raise AccountError(
            "Choose a password different from the current one.", field="new_password"
        )
    with unit_of_work():
        _store_new_password(user, new_password)
    return end_other_login_sessions(user_id, keep_token=keep_token)


def reset_password(user_id: int, new_password: str) -> None:
    """Set a password chosen through a reset code or link, and sign out every browser.

    The caller has proved the right to it (a one-time code); no current password is asked.
    Raises ``AccountError`` for a refused password.
    """
    user = _account(user_id)
    with unit_of_work():
        _store_new_password(user, new_password)
    end_other_login_sessions(user_id, keep_token=None)


def log_out_everywhere_else(user_id: int, *, keep_token: str | None) -> int:
    """Sign out every browser of the account but this one; returns how many."""
    return end_other_login_sessions(user_id, keep_token=keep_token)
