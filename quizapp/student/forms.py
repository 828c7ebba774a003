"""Student forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from quizapp.models import Article
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

    section = SelectField("Section", validators=[InputRequired()])
    question_count = IntegerField(
        "Number of questions",
        default=5,
        validators=[
            InputRequired(message="Say how many questions you want."),
            NumberRange(min=1, max=MAX_PRACTICE_QUESTIONS),
        ],
    )
    submit = SubmitField("Start practice")

    def set_sections(self, articles: list[Article]) -> None:
        """Offer "All sections" and each section, grouped by article.

        Values are ``article-<id>`` (all sections of it) or ``section-<id>``.
        """
        self.section.choices = [
            choice
            for article in articles
            for choice in [
                SelectChoice(f"article-{article.id}", "All sections", optgroup=article.title),
                *(
                    SelectChoice(f"section-{s.id}", s.title, optgroup=article.title)
                    for s in article.sections
                ),
            ]
        ]


class StartQuizForm(FlaskForm):
    """A POST-only "Start quiz" button."""

    submit = SubmitField("Start quiz")


class SubmitAttemptForm(FlaskForm):
    """The final "Submit quiz" confirmation."""

    submit = SubmitField("Submit quiz")
