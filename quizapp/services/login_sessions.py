"""Signed-in browsers, kept by the server so that any of them can be signed out.

The cookie carries a random token; the database keeps only its SHA-256, so a copy of the
table opens no session. A request is signed in while its row exists.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import delete, func, select

from quizapp.extensions import db
from quizapp.models import LoginSession
from quizapp.services.unit_of_work import unit_of_work


def token_hash(token: str) -> str:
    """What the table stores for a session token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def open_login_session(user_id: int, *, now: dt.datetime, lifetime: dt.timedelta) -> str:
    """A new session for ``user_id``: returns the token for the cookie.

    Rows older than ``lifetime`` (the cookie's own limit) can no longer be used, so the
    account's stale ones are swept here rather than by a scheduled job.
    """
    token = secrets.token_urlsafe(32)
    with unit_of_work() as session:
        session.execute(
            delete(LoginSession).where(
                LoginSession.user_id == user_id, LoginSession.created_at < now - lifetime
            )
        )
        session.add(LoginSession(token_hash=token_hash(token), user_id=user_id, created_at=now))
    return token


def end_login_session(token: str | None) -> None:
    """Sign out the browser holding ``token`` (nothing happens for an unknown token)."""
    if not token:
        return
    with unit_of_work() as session:
        session.execute(delete(LoginSession).where(LoginSession.token_hash == token_hash(token)))


def end_other_login_sessions(user_id: int, *, keep_token: str | None) -> int:
    """Sign out every browser of ``user_id`` except the one holding ``keep_token``.

    ``keep_token`` None signs out all of them. Returns how many were signed out.
    """
    statement = delete(LoginSession).where(LoginSession.user_id == user_id)
    if keep_token:
        statement = statement.where(LoginSession.token_hash != token_hash(keep_token))
    with unit_of_work() as session:
        result = session.execute(statement)
    return int(getattr(result, "rowcount", 0) or 0)


def count_login_sessions(user_id: int) -> int:
    """How many browsers are signed in to the account."""
    query = select(func.count()).select_from(LoginSession).where(LoginSession.user_id == user_id)
    return int(db.session.scalar(query) or 0)
