"""Who may see what, and the HTTP headers every response carries."""

from __future__ import annotations

import functools
from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar, cast
from urllib.parse import urlsplit

from flask import Flask, Response, abort, g, redirect, request, session, url_for
from flask_login import current_user
from sqlalchemy import Select, bindparam
from werkzeug.wrappers import Response as WerkzeugResponse

from quizapp.extensions import db, login_manager
from quizapp.models import TEACHING_ROLES, LoginSession, Role, SignedInUser, User
from quizapp.services.login_sessions import token_hash

P = ParamSpec("P")
R = TypeVar("R")

# No inline script or style anywhere: everything comes from /static.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)


def safe_next_path(target: str | None) -> str | None:
    """Return ``target`` if it is a path on this site, else None (no open redirects)."""
    if not target or "\\" in target or any(ord(ch) < 32 for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def role_required(*roles: Role) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Anonymous visitors go to the login page; users with none of ``roles`` get a 403."""
    allowed = frozenset(roles)

    def decorator(view: Callable[P, R]) -> Callable[P, R]:
        @wraps(view)
        def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
            if not current_user.is_authenticated:
                return cast(R, login_manager.unauthorized())
            if current_user.role not in allowed:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


student_required = role_required(Role.STUDENT)
# Admins are teachers too: every teacher page is theirs as well.
teacher_required = role_required(*TEACHING_ROLES)
admin_required = role_required(Role.ADMIN)


# The Flask session key holding the login session's token (see services/login_sessions).
LOGIN_SESSION_KEY = "login_session"
# Pages a user whose password must change may still open.
_OPEN_UNTIL_PASSWORD_CHANGED = frozenset({"static", "account.password", "auth.logout"})


@functools.cache
def _signed_in_user_query() -> Select[int, str, Role, bool]:
    # Built once per worker: every request runs it, and building it cost more than running.
    return (
        db.select(User.id, User.name, User.role, User.must_change_password)
        .join(LoginSession, LoginSession.user_id == User.id)
        .where(User.id == bindparam("user_id"), LoginSession.token_hash == bindparam("token"))
    )


def _load_user(user_id: str) -> SignedInUser | None:
    """The session's user as one row of plain values: no ORM object to build or expire.

    The cookie must also hold a login session the server still has: logging out, a
    password change or "log out everywhere else" deleted the rows of the cookies they end.
    Run on the session's connection (its transaction), past the ORM's execution layer,
    which would only pass the row through.
    """
    token = session.get(LOGIN_SESSION_KEY)
    if not user_id.isdigit() or not isinstance(token, str):
        return None
    query, params = _signed_in_user_query(), {"user_id": int(user_id), "token": token_hash(token)}
    found = db.session.connection().execute(query, params).one_or_none()
    return SignedInUser(*found) if found else None


def _insist_on_a_new_password() -> WerkzeugResponse | None:
    # Only requests that carry a login pay for the look-up.
    if request.endpoint in _OPEN_UNTIL_PASSWORD_CHANGED or "_user_id" not in session:
        return None
    if current_user.is_authenticated and current_user.must_change_password:
        return redirect(url_for("account.password"))
    return None


def _redirect_to_login() -> WerkzeugResponse:
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def _set_security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    # A signed-in page may hold grades or answers: a shared school computer's browser
    # must not keep it for the next person (nor a proxy for anyone).
    signed_in = g.get("_login_user")
    if signed_in is not None and signed_in.is_authenticated:
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def init_app(app: Flask) -> None:
    """Wire the login manager and the response headers."""
    login_manager.user_loader(_load_user)
    login_manager.unauthorized_handler(_redirect_to_login)
    login_manager.session_protection = "strong"
    app.before_request(_insist_on_a_new_password)
    app.after_request(_set_security_headers)
