"""Forms for writing questions: one form class per question type on a shared base.

A form turns what the teacher typed into a bank-format mapping (``to_mapping``), and the
domain's validation problems, located by paths such as ``("choices", 2, "text")``, are
put back on the matching fields (``show_problems``). Lists of entries (choices, accepted
answers, pairs, items) grow and shrink with "Add ..." and "Remove" submit buttons, so
authoring works without JavaScript.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    Field,
    FieldList,
    FloatField,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from quizapp.domain.item_health import HEALTH_FLAGS
from quizapp.domain.questions import QUESTION_TYPES, FieldProblem
from quizapp.domain.questions import Question as DomainQuestion

__all__ = [
    "QUESTION_FORMS",
    "TYPE_LABELS",
    "BankFilterForm",
    "ChooseTypeForm",
    "QuestionForm",
    "show_problems",
]

# How the type select names each type, in the order it offers them.
TYPE_LABELS = {
    "single": "Single choice",
    "multiple": "Multiple choice",
    "true_false": "True or false",
    "short": "Short answer",
    "numeric": "Numeric",
    "matching": "Matching",
    "ordering": "Ordering",
}
DIFFICULTY_LABELS = {"1": "1 – easy", "2": "2 – medium", "3": "3 – hard"}
# A new question has no bank id until it is saved (the service derives one from the
# prompt); the domain still wants a valid id to check the rest.
NEW_BANK_ID = "new-question"
# "Add ..." stops here: plenty for any real question.
MAX_ENTRIES = 30
TEXT_LIMIT = 2000


class NumberField(FloatField):
    """A float input that shows whole numbers without ".0" (points: 1, not 1.0)."""

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])
        if self.data is None:
            return ""
        text = repr(float(self.data))
        return text[:-2] if text.endswith(".0") else text


# ------------------------------------------------------------------------- entry sub-forms
# Entries sit in FieldList(FormField(...)): plain wtforms.Form, since a FlaskForm would
# want a CSRF token of its own in every entry.


class ChoiceEntry(Form):
    """One option of a single- or multiple-choice question."""

    text = StringField("Text", validators=[Length(max=TEXT_LIMIT)])
    correct = BooleanField("Correct")
    feedback = StringField("Feedback", validators=[Length(max=TEXT_LIMIT)])
    remove = SubmitField("Remove")


class TextEntry(Form):
    """One accepted answer or one item to order."""

    text = StringField("Text", validators=[Length(max=TEXT_LIMIT)])
    remove = SubmitField("Remove")


class PairEntry(Form):
    """One left/right pair of a matching question."""

    left = StringField("Left", validators=[Length(max=TEXT_LIMIT)])
    right = StringField("Right", validators=[Length(max=TEXT_LIMIT)])
    remove = SubmitField("Remove")


@dataclass(frozen=True)
class EntryList:
    """A growable list of entries on a form, named as the bank format names it.

    ``value`` turns one entry's data into its bank-format value, or None when the entry
    is blank (blank entries are left out, so an unused "Add" row is harmless).
    ``label`` is what one entry is called on the page ("Choice", "Pair", ...).
    """

    name: str
    add_button: str
    label: str
    value: Callable[[dict[str, Any]], object | None]
    prefill: Callable[[object], dict[str, Any]]
    text_field: str = "text"


def _blank(*values: object) -> bool:
    return all(not (v.strip() if isinstance(v, str) else v) for v in values)


def _choice_value(data: dict[str, Any]) -> object | None:
    if _blank(data.get("text"), data.get("feedback"), data.get("correct")):
        return None
    choice: dict[str, object] = {"correct": bool(data.get("correct"))}
    for key in ("text", "feedback"):
        if not _blank(data.get(key)):
            choice[key] = data[key]
    return choice


def _text_value(data: dict[str, Any]) -> object | None:
    return None if _blank(data.get("text")) else data["text"]


def _pair_value(data: dict[str, Any]) -> object | None:
    if _blank(data.get("left"), data.get("right")):
        return None
    return {key: data[key] for key in ("left", "right") if not _blank(data.get(key))}


def _choice_prefill(choice: Any) -> dict[str, Any]:
    return {"text": choice.text, "correct": choice.correct, "feedback": choice.feedback}


def _text_prefill(text: Any) -> dict[str, Any]:
    return {"text": text}


def _pair_prefill(pair: Any) -> dict[str, Any]:
    return {"left": pair.left, "right": pair.right}


# ----------------------------------------------------------------------------- base form


class QuestionForm(FlaskForm):
    """Fields every question type has; subclasses add their own and a ``type_name``."""

    type_name: ClassVar[str]
    entry_lists: ClassVar[tuple[EntryList, ...]] = ()

    section = SelectField("Section", coerce=int, validate_choice=False)
    prompt = TextAreaField(
        "Prompt",
        validators=[Length(max=TEXT_LIMIT)],
        description="Plain text; *emphasis* and [links](https://example.org) in Markdown.",
    )
    evidence = TextAreaField(
        "Evidence",
        validators=[Length(max=TEXT_LIMIT)],
        description="A verbatim quote from the section that supports the answer.",
    )
    explanation = TextAreaField(
        "Explanation",
        validators=[Length(max=TEXT_LIMIT)],
        description="Shown after answering: why the answer is right.",
    )
    difficulty = SelectField("Difficulty", choices=DIFFICULTY_LABELS, default="2", coerce=int)
    points = NumberField(
        "Points",
        default=1,
        validators=[Optional()],
        description="The question's weight; 1 unless it should count more.",
    )
    tags = StringField(
        "Tags",
        validators=[Length(max=500)],
        description="Comma-separated, e.g. trade, energy.",
    )
    # The version the teacher started from, to notice someone else's save in between.
    based_on_version = HiddenField()
    submit = SubmitField("Save question")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.general_errors: list[str] = []
        self.list_errors: dict[str, list[str]] = {entries.name: [] for entries in self.entry_lists}
        # For each entry list: the form index of each entry kept in the mapping, so a
        # domain path's index (blank entries skipped) finds its form entry.
        self._kept: dict[str, list[int]] = {}

    # ------------------------------------------------------------------ choices and data

    def set_sections(self, sections: Sequence[Any]) -> None:
        """Offer the article's sections (objects with ``id`` and ``title``), in order."""
        self.section.choices = [SelectChoice(str(s.id), s.title) for s in sections]

    @classmethod
    def prefill(cls, question: DomainQuestion, section_id: int, version: int) -> dict[str, Any]:
        """The form data showing ``question`` for editing (pass as ``data=``)."""
        data: dict[str, Any] = {
            "section": section_id,
            "prompt": question.prompt,
            "evidence": question.evidence or "",
            "explanation": question.explanation or "",
            "difficulty": question.difficulty,
            "points": question.points,
            "tags": ", ".join(question.tags),
            "based_on_version": str(version),
        }
        for entries in cls.entry_lists:
            data[entries.name] = [entries.prefill(v) for v in getattr(question, entries.name)]
        data.update(cls.specific_prefill(question))
        return data

    @classmethod
    def specific_prefill(cls, question: DomainQuestion) -> dict[str, Any]:
        """Form data for the type's fields that are not entry lists."""
        return {}

    def to_mapping(self, bank_id: str = NEW_BANK_ID) -> dict[str, object]:
        """The bank-format mapping of what was typed; blank optional fields are left out.

        Values are passed on as typed (the domain validates and strips them), so a
        mistake is reported by the same rules as in the bank files.
        """
        mapping: dict[str, object] = {"id": bank_id, "type": self.type_name}
        for name in ("prompt", "evidence", "explanation"):
            value = self[name].data
            if not _blank(value):
                mapping[name] = value
        if self.difficulty.data is not None:
            mapping["difficulty"] = self.difficulty.data
        if self.points.data is not None:
            mapping["points"] = self.points.data
        tags = [tag.strip() for tag in (self.tags.data or "").split(",") if tag.strip()]
        if tags:
            mapping["tags"] = tags
        for entries in self.entry_lists:
            kept: list[int] = []
            values: list[object] = []
            for index, entry in enumerate(self[entries.name].entries):
                value = entries.value(entry.form.data)
                if value is not None:
                    kept.append(index)
                    values.append(value)
            self._kept[entries.name] = kept
            mapping[entries.name] = values
        mapping.update(self.specific_mapping())
        return mapping

    def specific_mapping(self) -> dict[str, object]:
        """The type's fields that are not entry lists, in bank format."""
        return {}

    # ------------------------------------------------------------- add and remove buttons

    def apply_entry_buttons(self) -> bool:
        """Carry out an "Add ..." or "Remove" button press; True when one was pressed.

        The other entries keep what was typed in them.
        """
        for entries in self.entry_lists:
            field_list: FieldList = self[entries.name]
            for index, entry in enumerate(field_list.entries):
                if entry.form.remove.data:
                    field_list.pop_entry(index)
                    if not field_list.entries:
                        field_list.append_entry()
                    return True
            if self[entries.add_button].data:
                if len(field_list.entries) >= MAX_ENTRIES:
                    self.list_errors[entries.name].append(
                        f"A question can have at most {MAX_ENTRIES} {entries.label.lower()}s."
                    )
                else:
                    field_list.append_entry()
                return True
        return False

    # ------------------------------------------------------------------------- problems

    def field_for(self, path: Sequence[str | int]) -> Field | None:
        """The form field a domain problem path points at, or None for the whole list."""
        if not path:
            return None
        head = path[0]
        entries = next((e for e in self.entry_lists if e.name == head), None)
        if entries is not None:
            if len(path) < 2 or not isinstance(path[1], int):
                return None
            kept = self._kept.get(entries.name, [])
            if not 0 <= path[1] < len(kept):
                return None
            entry_form = self[entries.name].entries[kept[path[1]]].form
            name = path[2] if len(path) > 2 else entries.text_field
            return entry_form._fields.get(str(name))
        if head in self._fields and head not in ("csrf_token", "submit", "based_on_version"):
            return self[head]
        return None


def show_problems(form: QuestionForm, problems: Iterable[FieldProblem]) -> None:
    """Put each domain problem on the field its path names.

    A problem about a whole entry list (too few choices, none correct) goes to that
    list's fieldset; one about nothing in particular to the form's general errors. A field
    that already shows an error from the form itself (a number that did not parse) keeps
    only that one, since the domain's would merely restate it.
    """
    added: set[int] = set()
    for problem in problems:
        target = form.field_for(problem.path)
        if target is not None:
            if target.errors and id(target) not in added:
                continue
            added.add(id(target))
            target.errors = [*target.errors, problem.message]
            continue
        head = problem.path[0] if problem.path else None
        entries = next((e for e in form.entry_lists if e.name == head), None)
        if entries is not None:
            form.list_errors[entries.name].append(problem.message)
        else:
            form.general_errors.append(problem.message)


# ------------------------------------------------------------------------- the registry

QUESTION_FORMS: dict[str, type[QuestionForm]] = {}
_F = TypeVar("_F", bound=type[QuestionForm])


def register(cls: _F) -> _F:
    """Class decorator adding a form to ``QUESTION_FORMS`` under its type name."""
    if cls.type_name not in QUESTION_TYPES:
        raise ValueError(f"no question type {cls.type_name!r} to write a form for")
    QUESTION_FORMS[cls.type_name] = cls
    return cls


_CHOICES = EntryList("choices", "add_choice", "Choice", _choice_value, _choice_prefill)


@register
class SingleChoiceForm(QuestionForm):
    """Pick one: exactly one choice is marked correct."""

    type_name = "single"
    entry_lists = (_CHOICES,)
    choices = FieldList(FormField(ChoiceEntry), min_entries=4)
    add_choice = SubmitField("Add choice")


@register
class MultipleChoiceForm(QuestionForm):
    """Select all that apply: at least one choice correct and one wrong."""

    type_name = "multiple"
    entry_lists = (_CHOICES,)
    choices = FieldList(FormField(ChoiceEntry), min_entries=4)
    add_choice = SubmitField("Add choice")


@register
class TrueFalseForm(QuestionForm):
    """A statement that is true or false, with feedback for each answer."""

    type_name = "true_false"
    answer = RadioField("Answer", choices={"true": "True", "false": "False"}, validate_choice=False)
    feedback_true = StringField(
        "Feedback for a learner who answers True", validators=[Length(max=TEXT_LIMIT)]
    )
    feedback_false = StringField(
        "Feedback for a learner who answers False", validators=[Length(max=TEXT_LIMIT)]
    )

    @classmethod
    def specific_prefill(cls, question: DomainQuestion) -> dict[str, Any]:
        return {
            "answer": "true" if question.answer else "false",  # type: ignore[attr-defined]
            "feedback_true": question.feedback_true,  # type: ignore[attr-defined]
            "feedback_false": question.feedback_false,  # type: ignore[attr-defined]
        }

    def specific_mapping(self) -> dict[str, object]:
        mapping: dict[str, object] = {}
        answer = {"true": True, "false": False}.get(self.answer.data or "")
        if answer is not None:
            mapping["answer"] = answer
        for name in ("feedback_true", "feedback_false"):
            if not _blank(self[name].data):
                mapping[name] = self[name].data
        return mapping


@register
class ShortAnswerForm(QuestionForm):
    """A typed answer, right when it matches one of the accepted answers."""

    type_name = "short"
    entry_lists = (
        EntryList("answers", "add_answer", "Accepted answer", _text_value, _text_prefill),
    )
    answers = FieldList(FormField(TextEntry), min_entries=1)
    add_answer = SubmitField("Add answer")
    case_sensitive = BooleanField("Case sensitive")

    @classmethod
    def specific_prefill(cls, question: DomainQuestion) -> dict[str, Any]:
        return {"case_sensitive": question.case_sensitive}  # type: ignore[attr-defined]

    def specific_mapping(self) -> dict[str, object]:
        return {"case_sensitive": bool(self.case_sensitive.data)}


@register
class NumericForm(QuestionForm):
    """A number, right within an absolute tolerance."""

    type_name = "numeric"
    answer = NumberField("Answer", validators=[InputRequired("Enter the answer as a number.")])
    tolerance = NumberField(
        "Tolerance",
        validators=[Optional()],
        description="How far off an answer may be and still count (0 when left empty).",
    )
    unit = StringField(
        "Unit",
        validators=[Length(max=100)],
        description="Shown after the answer box, e.g. billion US dollars.",
    )

    @classmethod
    def specific_prefill(cls, question: DomainQuestion) -> dict[str, Any]:
        return {
            "answer": question.answer,  # type: ignore[attr-defined]
            "tolerance": question.tolerance,  # type: ignore[attr-defined]
            "unit": question.unit or "",  # type: ignore[attr-defined]
        }

    def specific_mapping(self) -> dict[str, object]:
        mapping: dict[str, object] = {}
        for name in ("answer", "tolerance"):
            if self[name].data is not None:
                mapping[name] = self[name].data
        if not _blank(self.unit.data):
            mapping["unit"] = self.unit.data
        return mapping


@register
class MatchingForm(QuestionForm):
    """Pairs to match; each left side is listed with its right side."""

    type_name = "matching"
    entry_lists = (
        EntryList("pairs", "add_pair", "Pair", _pair_value, _pair_prefill, text_field="left"),
    )
    pairs = FieldList(FormField(PairEntry), min_entries=3)
    add_pair = SubmitField("Add pair")


@register
class OrderingForm(QuestionForm):
    """Items to put in order; list them in the correct order."""

    type_name = "ordering"
    entry_lists = (EntryList("items", "add_item", "Item", _text_value, _text_prefill),)
    items = FieldList(FormField(TextEntry), min_entries=3)
    add_item = SubmitField("Add item")


# ------------------------------------------------------------------- choosing and browsing


def _optional_int(value: object) -> int | None:
    # "" is the "any" option of a filter; plain int() would fail on it while rendering.
    return None if value in ("", None) else int(value)  # type: ignore[call-overload]


class ChooseTypeForm(FlaskForm):
    """Step one of a new question: its type and article (a GET form)."""

    class Meta:
        csrf = False  # a GET form that changes nothing

    type = SelectField(
        "Type",
        choices=[SelectChoice(name, TYPE_LABELS.get(name, name)) for name in QUESTION_FORMS],
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
            *(SelectChoice(n, TYPE_LABELS.get(n, n)) for n in QUESTION_FORMS),
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
