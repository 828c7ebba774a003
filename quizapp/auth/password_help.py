"""Password help: "Forgot your password?" (an emailed link) and the reset form (a code)."""

from __future__ import annotations

import logging

from flask import current_app, flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from quizapp.auth.forms import ForgotForm, ResetForm
from quizapp.auth.password_help_limits import forgot_limits, reset_limits
from quizapp.auth.routes import blueprint
from quizapp.clock import utcnow
from quizapp.mail import MailNotConfigured, MailSettings, mail_configured, send_mail_in_background
from quizapp.services.password_resets import redeem_reset_code, request_reset_by_email
from quizapp.services.users import AccountError

logger = logging.getLogger(__name__)


def _reset_link(token: str) -> str:
    # MAIL_BASE_URL pins the site's address: from the request alone, a forged Host header
    # would put another site (which then learns the token) in the emailed link.
    base = current_app.config.get("MAIL_BASE_URL")
    if base:
        return f"{str(base).rstrip('/')}{url_for('auth.reset_with_code', code=token)}"
    return url_for("auth.reset_with_code", code=token, _external=True)


def _send(to: str, subject: str, body: str) -> None:
    try:
        settings = MailSettings.from_config(current_app.config)
    except MailNotConfigured:
        logger.exception("cannot send a password reset link")
        return
    send_mail_in_background(settings, to, subject, body)


def _sent_message() -> str:
    minutes = current_app.config["PASSWORD_RESET_LINK_MINUTES"]
    return (
        f"If an account uses that address, we have sent it a link. It works for {minutes} minutes."
    )


@blueprint.route("/forgot", methods=["GET", "POST"])
@forgot_limits
def forgot() -> str | Response:
    """Ask for a link by email; the answer is the same whether or not the address has an
    account. Without mail, the page says whom to ask for a code."""
    if not mail_configured(current_app.config):
        return render_template("auth/forgot.html", form=None)
    form = ForgotForm()
    if form.validate_on_submit():
        request_reset_by_email(
            form.email.data or "", now=utcnow(), link_for=_reset_link, send=_send
        )
        flash(_sent_message(), "info")
        return redirect(url_for("auth.forgot"))
    return render_template("auth/forgot.html", form=form)


@blueprint.route("/reset", methods=["GET", "POST"])
@reset_limits
def reset() -> str | Response:
    """Set a new password with a one-time code; every browser of the account is signed out."""
    form = ResetForm()
    if form.validate_on_submit():
        try:
            redeem_reset_code(form.code.data or "", form.new_password.data or "", now=utcnow())
        except AccountError as error:
            form[error.field].errors.append(str(error))
        else:
            flash("Your new password is set. Log in with it.", "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form)


@blueprint.get("/reset/<code>")
def reset_with_code(code: str) -> str:
    """The reset form with the code of a link filled in."""
    return render_template("auth/reset.html", form=ResetForm(data={"code": code}))
