"""Forms for classes, accounts and the quiz builder."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    EmailField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from quizapp.models import FeedbackTiming, GradingMethod

DIFFICULTY_LABELS = {"1": "Easy", "2": "Medium", "3": "Hard"}
GRADING_LABELS = {
    GradingMethod.HIGHEST.value: "Highest attempt",
    GradingMethod.LAST.value: "Last attempt",
    GradingMethod.FIRST.value: "First attempt",
    GradingMethod.AVERAGE.value: "Average of attempts",
}
FEEDBACK_LABELS = {
    FeedbackTiming.AFTER_SUBMIT.value: "After the quiz is submitted",
    FeedbackTiming.IMMEDIATE.value: "After each question (the learner checks each answer)",
}


class ClassForm(FlaskForm):
    """A new class."""

    name = StringField("Class name", validators=[DataRequired(), Length(max=120)])
    submit = SubmitField("Create class")


class PromoteForm(FlaskForm):
    """Make an existing account a teacher."""

    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    submit = SubmitField("Make teacher")


class CheckboxesField(SelectMultipleField):
    """Several checkboxes in a list (WTForms' select-multiple shown as checkboxes)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class RuleEntryForm(Form):
    """How many questions to draw from one section (or from all sections)."""

    section_id = HiddenField()
    question_count = IntegerField(
        "Questions", default=0, validators=[Optional(), NumberRange(min=0, max=200)]
    )
    difficulties = CheckboxesField("Difficulties (none ticked: any)", choices=DIFFICULTY_LABELS)


class QuizForm(FlaskForm):
    """The quiz builder: title, class, rules and settings."""

    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    class_id = SelectField("Class", validators=[DataRequired()])
    rules = FieldList(FormField(RuleEntryForm))
    time_limit_minutes = IntegerField(
        "Time limit (minutes)",
        validators=[Optional(), NumberRange(min=1, max=24 * 60)],
        description="Leave empty for no limit.",
    )
    attempts_allowed = IntegerField(
        "Attempts allowed",
        validators=[Optional(), NumberRange(min=1, max=100)],
        description="Leave empty for unlimited attempts.",
    )
    grading_method = SelectField("Grading method", choices=GRADING_LABELS)
    feedback_timing = SelectField("Feedback", choices=FEEDBACK_LABELS)
    shuffle_choices = BooleanField("Shuffle the order of choices", default=True)
    opens_at = DateTimeLocalField("Opens (UTC)", validators=[Optional()])
    closes_at = DateTimeLocalField("Closes (UTC)", validators=[Optional()])
    extra_time = TextAreaField(
        "Extra time",
        validators=[Optional(), Length(max=10_000)],
        description="One student per line: their email, then the extra minutes, "
        "e.g. sam@example.org 15",
    )
    submit = SubmitField("Save quiz")
