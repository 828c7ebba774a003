"""Forms for accounts."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, Field, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, ValidationError

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
