"""Forms for classes, accounts and the quiz builder."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

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
from wtforms.utils import unset_value
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from quizapp.domain.bank import MAX_SECTIONS
from quizapp.services.quizzes import QuizSpec, RuleSpec
from quizapp.services.student_deletion import POLICY_CHOICES

DIFFICULTY_LABELS = {"1": "Easy", "2": "Medium", "3": "Hard"}
# Keyed by the service's GRADING_METHODS and FEEDBACK_TIMINGS (a test keeps them equal).
GRADING_LABELS = {
    "highest": "Highest attempt",
    "last": "Last attempt",
    "first": "First attempt",
    "average": "Average of attempts",
}
FEEDBACK_LABELS = {
    "after_submit": "After the quiz is submitted",
    "immediate": "After each question (the learner checks each answer)",
}


class ClassForm(FlaskForm):
    """A new class."""

    name = StringField("Class name", validators=[DataRequired(), Length(max=120)])
    submit = SubmitField("Create class")


class DeletedStudentDataForm(FlaskForm):
    """What the class does with a student's attempts when the student deletes their account."""

    # The use case checks the value, with a message naming it (a tampered form).
    policy = SelectField(
        "When a student deletes their account",
        choices=POLICY_CHOICES,
        validate_choice=False,
    )
    submit = SubmitField("Save")


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


# The builder shows one rule row per section and one for "all sections", so no page of
# ours sends more than this. Rows past it are not read (3,000 rows took 22.6 s), and the
# form says how many were sent.
MAX_RULE_ROWS = MAX_SECTIONS + 1


class RuleRows(FieldList):
    """The rule rows, read up to ``max_entries``; more is an error saying how many came."""

    sent = 0

    def process(self, formdata: Any, data: Any = unset_value, extra_filters: Any = None) -> None:
        """Count the rows sent before the list reads (at most ``max_entries`` of) them."""
        self.sent = len(set(self._extract_indices(self.name, formdata))) if formdata else 0
        super().process(formdata, data, extra_filters)

    def validate(self, form: Any, extra_validators: Any = ()) -> bool:
        """The rows' own checks, then the row limit."""
        valid = bool(super().validate(form, extra_validators))
        limit = self.max_entries or 0
        if self.sent > limit:
            self.errors.append(
                f"The form sent {self.sent:,} rule rows; a quiz has at most {limit:,} "
                "(one per section and one for all sections). Reload the page and try again."
            )
            return False
        return valid


class QuizForm(FlaskForm):
    """The quiz builder: title, class, rules and settings."""

    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    # The use case checks the class is the teacher's (its choices come from it).
    class_id = SelectField("Class", validators=[DataRequired()], validate_choice=False)
    rules = RuleRows(FormField(RuleEntryForm), max_entries=MAX_RULE_ROWS)
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
    keys_in_practice = BooleanField(
        "Let practice show the answers of this quiz's questions while it is open",
        description="Left unticked, students of the class who practise a question this quiz "
        "may draw learn whether they were right, but see the answer and the explanation only "
        "once the quiz closes.",
    )
    opens_at = DateTimeLocalField("Opens (UTC)", validators=[Optional()])
    closes_at = DateTimeLocalField("Closes (UTC)", validators=[Optional()])
    extra_time = TextAreaField(
        "Extra time",
        validators=[Optional(), Length(max=10_000)],
        description="One student per line: their email, then the extra minutes, "
        "e.g. sam@example.org 15",
    )
    submit = SubmitField("Save quiz")

    def set_rule_rows(self, section_ids: Sequence[int | None], rules: Sequence[RuleSpec]) -> None:
        """One rule row per section (None: "all sections"), filled from ``rules``."""
        existing = {rule.section_id: rule for rule in rules}
        while self.rules.entries:
            self.rules.pop_entry()
        for section_id in section_ids:
            rule = existing.get(section_id)
            self.rules.append_entry(
                {
                    "section_id": "" if section_id is None else str(section_id),
                    "question_count": rule.question_count if rule else 0,
                    "difficulties": [str(d) for d in rule.difficulties] if rule else [],
                }
            )

    @classmethod
    def from_quiz(cls, quiz: QuizSpec, section_ids: Sequence[int | None]) -> QuizForm:
        """The builder filled with a saved quiz (datetimes shown in UTC, without a zone)."""
        form = cls(
            formdata=None,
            title=quiz.title,
            class_id=str(quiz.class_id),
            time_limit_minutes=(quiz.time_limit_seconds // 60) if quiz.time_limit_seconds else None,
            attempts_allowed=quiz.attempts_allowed,
            grading_method=quiz.grading_method,
            feedback_timing=quiz.feedback_timing,
            shuffle_choices=quiz.shuffle_choices,
            keys_in_practice=quiz.keys_in_practice,
            opens_at=_naive(quiz.opens_at),
            closes_at=_naive(quiz.closes_at),
            extra_time=quiz.extra_time,
        )
        form.set_rule_rows(section_ids, quiz.rules)
        return form

    def to_spec(self) -> QuizSpec:
        """What the teacher asked for, as plain values (call after validating)."""
        return QuizSpec(
            title=self.title.data or "",
            class_id=_int_or_none(self.class_id.data),
            rules=tuple(
                RuleSpec(
                    question_count=count,
                    section_id=_section_id(entry.form.section_id.data or ""),
                    difficulties=tuple(int(d) for d in entry.form.difficulties.data or []),
                )
                for entry in self.rules.entries
                if (count := entry.form.question_count.data or 0) > 0
            ),
            time_limit_seconds=(self.time_limit_minutes.data or 0) * 60 or None,
            attempts_allowed=self.attempts_allowed.data or None,
            grading_method=self.grading_method.data,
            feedback_timing=self.feedback_timing.data,
            shuffle_choices=bool(self.shuffle_choices.data),
            keys_in_practice=bool(self.keys_in_practice.data),
            opens_at=_utc(self.opens_at.data),
            closes_at=_utc(self.closes_at.data),
            extra_time=self.extra_time.data or "",
        )


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    # The form's datetime-local fields are entered in UTC (their labels say so).
    return value.replace(tzinfo=dt.UTC) if value else None


def _naive(value: dt.datetime | None) -> dt.datetime | None:
    return value.replace(tzinfo=None) if value else None


def _int_or_none(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _section_id(raw: str) -> int | None:
    # Empty: all sections. Anything but digits cannot be a section: -1 names none, so the
    # use case refuses the form as it refuses another article's section.
    if not raw:
        return None
    return int(raw) if raw.isdigit() else -1
