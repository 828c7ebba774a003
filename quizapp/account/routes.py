"""The account page: change name, email and password; sign out other browsers."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, session, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from quizapp.account.forms import PasswordForm, ProfileForm
from quizapp.forms import EmptyForm
from quizapp.security import LOGIN_SESSION_KEY
from quizapp.services.accounts import (
    account_page,
    change_password,
    change_profile,
    log_out_everywhere_else,
)
from quizapp.services.users import AccountError

blueprint = Blueprint("account", __name__, url_prefix="/account")


@blueprint.before_request
@login_required
def _signed_in_only() -> None:
    """Every page here is about the signed-in account."""


def _show_error(form: FlaskForm, error: AccountError) -> None:
    form[error.field].errors.append(str(error))


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
