"""Forms of the account pages."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length

from quizapp.auth.forms import new_password_field
from quizapp.domain.accounts import MAX_PASSWORD_LENGTH


def current_password_field() -> PasswordField:
    """The password the account has now, asked before any change to it."""
    return PasswordField(
        "Current password", validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)]
    )


class ProfileForm(FlaskForm):
    """Name and email."""

    name = StringField("Name", validators=[DataRequired(), Length(max=120)])
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    current_password = current_password_field()
    submit = SubmitField("Save name and email")


class PasswordForm(FlaskForm):
    """A new password, typed twice."""

    current_password = current_password_field()
    new_password = new_password_field("New password")
    repeat_password = PasswordField(
        "New password again",
        validators=[DataRequired(), EqualTo("new_password", message="The two passwords differ.")],
    )
    submit = SubmitField("Change password")
