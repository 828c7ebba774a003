"""Forms for accounts."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, Field, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from quizapp.domain.accounts import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, password_problem

NEW_PASSWORD_HINT = (
    f"At least {MIN_PASSWORD_LENGTH} characters. A few unrelated words make a good one; "
    "common passwords and your name or email are refused."
)


def new_password_field(label: str = "Password") -> PasswordField:
    """A field for choosing a password; the form checks it with ``check_new_password``."""
    return PasswordField(label, validators=[DataRequired()], description=NEW_PASSWORD_HINT)


def check_new_password(field: Field, *, email: str, name: str) -> None:
    """Raise the rule a new password breaks (shown next to its field)."""
    problem = password_problem(field.data or "", email=email, name=name)
    if problem:
        raise ValidationError(problem)


class SignupForm(FlaskForm):
    """A new student account."""

    name = StringField("Name", validators=[DataRequired(), Length(max=120)])
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    password = new_password_field()
    submit = SubmitField("Create account")

    def validate_password(self, field: Field) -> None:
        """The password rules, which know the name and email typed with it."""
        check_new_password(field, email=self.email.data or "", name=self.name.data or "")


class LoginForm(FlaskForm):
    """Email and password."""

    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    password = PasswordField(
        "Password", validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)]
    )
    submit = SubmitField("Log in")


class ForgotForm(FlaskForm):
    """The address to send a reset link to."""

    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    submit = SubmitField("Send me a link")


class ResetForm(FlaskForm):
    """A one-time code (or an emailed link's token) and the new password, typed twice.

    The password rules need the account, which only the code identifies: the service
    checks them and its message goes next to the new password.
    """

    code = StringField(
        "Reset code",
        validators=[DataRequired(), Length(max=200)],
        description="The code your teacher gave you, like KQ7M-3XPD-WF9R.",
    )
    new_password = new_password_field("New password")
    repeat_password = PasswordField(
        "New password again",
        validators=[DataRequired(), EqualTo("new_password", message="The two passwords differ.")],
    )
    submit = SubmitField("Set new password")
