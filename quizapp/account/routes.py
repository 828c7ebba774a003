"""The account page: change name, email and password; sign out other browsers."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, g, redirect, render_template, session, url_for
from flask_limiter import RateLimitExceeded
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from quizapp.account.forms import PasswordForm, ProfileForm
from quizapp.auth.login_limits import too_many_refused_logins
from quizapp.forms import EmptyForm
from quizapp.rate_limit import limiter
from quizapp.security import LOGIN_SESSION_KEY
from quizapp.services.accounts import (
    account_page,
    change_password,
    change_profile,
    log_out_everywhere_else,
)
from quizapp.services.users import AccountError

blueprint = Blueprint("account", __name__, url_prefix="/account")
blueprint.register_error_handler(RateLimitExceeded, too_many_refused_logins)

CURRENT_PASSWORD_MESSAGE = (
    "The current password was refused too many times, so changes to this account are "
    "paused. Logging in and everything else still work."
)


def _current_password_refused(_response: Response) -> bool:
    return bool(g.get("current_password_refused"))


# Someone at a computer left signed in must not be able to guess the owner's password
# through these forms: refused current passwords are counted per account.
current_password_limit = limiter.limit(
    lambda: current_app.config["CURRENT_PASSWORD_LIMIT"],
    key_func=lambda: f"account-{current_user.id}",
    methods=["POST"],
    deduct_when=_current_password_refused,
    scope="current-password",
    error_message=CURRENT_PASSWORD_MESSAGE,
)


@blueprint.before_request
@login_required
def _signed_in_only() -> None:
    """Every page here is about the signed-in account."""


def _show_error(form: FlaskForm, error: AccountError) -> None:
    form[error.field].errors.append(str(error))
    if error.field == "current_password":
        g.current_password_refused = True


def _render_account(profile: ProfileForm) -> str:
    page = account_page(current_user.id)
    return render_template("account/account.html", page=page, profile=profile)


@blueprint.get("/")
def account() -> str:
    """The account page: the profile form filled in, and the signed-in browsers."""
    page = account_page(current_user.id)
    profile = ProfileForm(data={"name": page.name, "email": page.email})
    return render_template("account/account.html", page=page, profile=profile)


@blueprint.post("/profile")
@current_password_limit
def profile() -> str | Response:
    """Change name and email (the current password confirms it)."""
    form = ProfileForm()
    if form.validate_on_submit():
        try:
            change_profile(
                current_user.id,
                name=form.name.data or "",
                email=form.email.data or "",
                current_password=form.current_password.data or "",
            )
        except AccountError as error:
            _show_error(form, error)
        else:
            flash("Your name and email are saved.", "success")
            return redirect(url_for("account.account"))
    return _render_account(form)


@blueprint.route("/password", methods=["GET", "POST"])
@current_password_limit
def password() -> str | Response:
    """Change the password; every other browser signed in to the account is signed out."""
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            ended = change_password(
                current_user.id,
                current_password=form.current_password.data or "",
                new_password=form.new_password.data or "",
                keep_token=session.get(LOGIN_SESSION_KEY),
            )
        except AccountError as error:
            _show_error(form, error)
        else:
            flash(f"Your password is changed. {_signed_out(ended)}", "success")
            return redirect(url_for("account.account"))
    return render_template("account/password.html", form=form, page=account_page(current_user.id))


@blueprint.post("/log-out-elsewhere")
def log_out_elsewhere() -> Response:
    """Sign out every other browser (a phone left signed in, a school computer)."""
    if EmptyForm().validate_on_submit():
        ended = log_out_everywhere_else(current_user.id, keep_token=session.get(LOGIN_SESSION_KEY))
        flash(_signed_out(ended), "info")
    return redirect(url_for("account.account"))


def _signed_out(count: int) -> str:
    if count == 0:
        return "No other browser was signed in."
    return f"{count} other browser{'s were' if count > 1 else ' was'} signed out."
