"""Student forms."""

from __future__ import annotations

from collections.abc import Iterable

from flask_wtf import FlaskForm
from wtforms import EmailField, IntegerField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from quizapp.services.dashboard import PracticeChoice
from quizapp.services.practice import MAX_PRACTICE_QUESTIONS


class JoinClassForm(FlaskForm):
    """The join code a teacher gives out."""

    code = StringField(
        "Class code",
        validators=[DataRequired(), Length(max=20)],
        description="8 letters and digits, from your teacher.",
    )
    submit = SubmitField("Join class")


class PracticeForm(FlaskForm):
    """Which section to practise, and how many questions."""

    # The practice use case checks the value against what it offers (the choices come
    # from it, after the form is read), with the same "Not a valid choice." message.
    section = SelectField("Section", validators=[InputRequired()], validate_choice=False)
    question_count = IntegerField(
        "Number of questions",
        default=5,
        validators=[
            InputRequired(message="Say how many questions you want."),
            NumberRange(min=1, max=MAX_PRACTICE_QUESTIONS),
        ],
    )
    submit = SubmitField("Start practice")

    def set_choices(self, choices: Iterable[PracticeChoice]) -> None:
        """Offer "All sections" and each section, grouped by article.

        Values are ``article-<id>`` (all sections of it) or ``section-<id>``.
        """
        self.section.choices = [
            SelectChoice(c.value, c.label, optgroup=c.article_title) for c in choices
        ]


class StartQuizForm(FlaskForm):
    """A POST-only "Start quiz" button."""

    submit = SubmitField("Start quiz")


class SubmitAttemptForm(FlaskForm):
    """The final "Submit quiz" confirmation."""

    submit = SubmitField("Submit quiz")


class DeleteAccountForm(FlaskForm):
    """Deleting the account: the student types their email to confirm."""

    email = EmailField(
        "Your email address",
        validators=[
            DataRequired(message="Type your email address to confirm."),
            Length(max=254, message="An email address has at most 254 characters."),
        ],
        description="Type the email address of this account to confirm.",
    )
    submit = SubmitField("Delete my account")
