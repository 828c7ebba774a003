"""Sign up, log in, log out."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_limiter import RateLimitExceeded
from flask_login import UserMixin, current_user, login_user, logout_user
from werkzeug.wrappers import Response

from quizapp.auth.forms import LoginForm, SignupForm
from quizapp.auth.login_limits import (
    forget_refused_logins,
    login_limits,
    too_many_refused_logins,
)
from quizapp.auth.password_help_limits import (
    PASSWORD_HELP_ENDPOINTS,
    too_many_password_help_requests,
)
from quizapp.clock import utcnow
from quizapp.forms import EmptyForm
from quizapp.security import LOGIN_SESSION_KEY, safe_next_path
from quizapp.services.login_sessions import end_login_session, open_login_session
from quizapp.services.users import AccountError, authenticate, sign_up_student

blueprint = Blueprint("auth", __name__)


def _too_many_requests(error: RateLimitExceeded) -> tuple[str | Response, int]:
    if request.endpoint in PASSWORD_HELP_ENDPOINTS:
        return too_many_password_help_requests(error)
    return too_many_refused_logins(error)


blueprint.register_error_handler(RateLimitExceeded, _too_many_requests)


def _home_for(user: UserMixin) -> str:
    return url_for("teacher.dashboard") if user.is_teacher else url_for("student.dashboard")


def _start_session(user: UserMixin) -> None:
    # A fresh session on every login: nothing from before survives (session fixation).
    session.clear()
    login_user(user)
    lifetime = current_app.permanent_session_lifetime
    session[LOGIN_SESSION_KEY] = open_login_session(user.id, now=utcnow(), lifetime=lifetime)


@blueprint.route("/signup", methods=["GET", "POST"])
def signup() -> str | Response:
    """Create a student account and log in."""
    form = SignupForm()
    if form.validate_on_submit():
        try:
            user = sign_up_student(
                form.email.data or "",
                form.password.data or "",
                name=form.name.data or "",
                now=utcnow(),
            )
        except AccountError as error:
            form[error.field].errors.append(str(error))
        else:
            _start_session(user)
            flash(f"Welcome, {user.name}. Your account is ready.", "success")
            return redirect(url_for("student.dashboard"))
    return render_template("auth/signup.html", form=form)


@blueprint.route("/login", methods=["GET", "POST"])
@login_limits
def login() -> str | Response:
    """Log in with email and password; go on to ``next`` when it is one of our pages."""
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data or "", form.password.data or "")
        if user is None:
            form.password.errors.append("That email and password do not match an account.")
        else:
            _start_session(user)
            forget_refused_logins()
            return redirect(safe_next_path(request.args.get("next")) or _home_for(user))
    return render_template("auth/login.html", form=form)


@blueprint.post("/logout")
def logout() -> Response:
    """Log out (POST with a CSRF token, so another site cannot log you out)."""
    if EmptyForm().validate_on_submit() and current_user.is_authenticated:
        # The server forgets the session too, so a copy of the cookie is worth nothing.
        end_login_session(session.get(LOGIN_SESSION_KEY))
        logout_user()
        session.clear()
        flash("You are logged out.", "info")
    return redirect(url_for("articles.index"))


# "Forgot your password?" and the reset form register their routes on ``blueprint``.
from quizapp.auth import password_help  # noqa: E402, F401
