"""The forms around question writing: choosing a type, and the bank browser's filters."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, NumberRange, Optional

from quizapp.domain.item_health import HEALTH_FLAGS
from quizapp.teacher.question_forms.base import DIFFICULTY_LABELS
from quizapp.teacher.question_forms.registry import TYPE_LABELS

__all__ = ["BankFilterForm", "ChooseTypeForm"]


def _optional_int(value: object) -> int | None:
    # "" is the "any" option of a filter; plain int() would fail on it while rendering.
    return None if value in ("", None) else int(str(value))


class ChooseTypeForm(FlaskForm):
    """Step one of a new question: its type and article (a GET form)."""

    class Meta:
        csrf = False  # a GET form that changes nothing

    type = SelectField(
        "Type",
        choices=[SelectChoice(name, label) for name, label in TYPE_LABELS.items()],
    )
    article = SelectField("Article", coerce=_optional_int)
    submit = SubmitField("Continue")

    def set_articles(self, articles: Sequence[Any]) -> None:
        """Offer the articles (objects with ``id`` and ``title``)."""
        self.article.choices = [SelectChoice(str(a.id), a.title) for a in articles]


class BankFilterForm(FlaskForm):
    """The bank browser's filters, read from the query string."""

    class Meta:
        csrf = False  # a GET form that changes nothing

    article = SelectField("Article", coerce=_optional_int, validators=[Optional()])
    section = SelectField("Section", coerce=_optional_int, validators=[Optional()])
    type = SelectField(
        "Type",
        validators=[Optional()],
        choices=[
            SelectChoice("", "Any type"),
            *(SelectChoice(name, label) for name, label in TYPE_LABELS.items()),
        ],
    )
    difficulty = SelectField(
        "Difficulty",
        coerce=_optional_int,
        validators=[Optional()],
        choices=[
            SelectChoice("", "Any difficulty"),
            *(SelectChoice(k, v) for k, v in DIFFICULTY_LABELS.items()),
        ],
    )
    tag = StringField("Tag", validators=[Optional(), Length(max=100)])
    health = SelectField(
        "Health",
        validators=[Optional()],
        choices=[SelectChoice("", "Any"), *(SelectChoice(f, f.capitalize()) for f in HEALTH_FLAGS)],
    )
    q = StringField("Search prompts", validators=[Optional(), Length(max=200)])
    page = IntegerField("Page", validators=[Optional(), NumberRange(min=1)])
    submit = SubmitField("Filter")

    def set_articles(self, articles: Sequence[Any]) -> None:
        """Offer the articles and their sections (grouped by article)."""
        self.article.choices = [
            SelectChoice("", "All articles"),
            *(SelectChoice(str(a.id), a.title) for a in articles),
        ]
        self.section.choices = [
            SelectChoice("", "All sections"),
            *(
                SelectChoice(str(s.id), s.title, optgroup=a.title)
                for a in articles
                for s in a.sections
            ),
        ]

    def filters(self) -> dict[str, Any]:
        """The valid filters as ``bank_page`` arguments; an invalid one is dropped."""
        self.validate()

        def valid(name: str) -> Any:
            field = self[name]
            return None if field.errors or field.data in ("", None) else field.data

        return {
            "article_id": valid("article"),
            "section_id": valid("section"),
            "type": valid("type"),
            "difficulty": valid("difficulty"),
            "tag": valid("tag"),
            "health": valid("health"),
            "search": valid("q"),
            "page": valid("page") or 1,
        }
