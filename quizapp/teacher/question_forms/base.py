"""What every question form shares: the common fields, entry lists and problem display.

A form turns what the teacher typed into a bank-format mapping (``to_mapping``), and the
domain's validation problems, located by paths such as ``("choices", 2, "text")``, are
put back on the matching fields (``show_problems``). Lists of entries (choices, accepted
answers, pairs, items) grow and shrink with "Add ..." and "Remove" submit buttons, so
authoring works without JavaScript.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    Field,
    FieldList,
    FloatField,
    Form,
    HiddenField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional, ValidationError

from quizapp.domain.grades import MOODLE_GRADES, fraction_text, percentage_text
from quizapp.domain.questions import FieldProblem
from quizapp.domain.questions import Question as DomainQuestion

__all__ = [
    "CHOICES",
    "TEXT_LIMIT",
    "ChoiceEntry",
    "EntryList",
    "NumberField",
    "PairEntry",
    "QuestionForm",
    "TextEntry",
    "is_blank",
    "show_problems",
]

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


# Moodle's grades, best first, then the penalties: a choice's share of the marks. The
# blank option leaves the choice to its "Correct" box, so a question without partial
# credit edits as before.
GRADE_OPTIONS: list[SelectChoice] = [
    SelectChoice("", "—"),
    *(SelectChoice(fraction_text(g), f"{percentage_text(g)}%") for g in MOODLE_GRADES),
    SelectChoice("0", "0%"),
    *(SelectChoice(fraction_text(-g), f"{percentage_text(-g)}%") for g in reversed(MOODLE_GRADES)),
]


class ChoiceEntry(Form):
    """One option of a single- or multiple-choice question."""

    text = StringField("Text", validators=[Length(max=TEXT_LIMIT)])
    correct = BooleanField("Correct")
    # Named as the bank names it, so the domain's problems about it land on this select.
    fraction = SelectField("Grade", choices=GRADE_OPTIONS, default="")
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


def is_blank(*values: object) -> bool:
    return all(not (v.strip() if isinstance(v, str) else v) for v in values)


def choice_value(data: dict[str, Any]) -> object | None:
    fraction = data.get("fraction") or ""
    if is_blank(data.get("text"), data.get("feedback"), data.get("correct"), fraction):
        return None
    choice: dict[str, object] = {}
    # A grade replaces the tick; a tick with a grade is passed on so the domain names it.
    if fraction:
        choice["fraction"] = float(fraction)
    if not fraction or data.get("correct"):
        choice["correct"] = bool(data.get("correct"))
    for key in ("text", "feedback"):
        if not is_blank(data.get(key)):
            choice[key] = data[key]
    return choice


def text_value(data: dict[str, Any]) -> object | None:
    return None if is_blank(data.get("text")) else data["text"]


def pair_value(data: dict[str, Any]) -> object | None:
    if is_blank(data.get("left"), data.get("right")):
        return None
    return {key: data[key] for key in ("left", "right") if not is_blank(data.get(key))}


def choice_prefill(choice: Any) -> dict[str, Any]:
    graded = choice.fraction is not None
    return {
        "text": choice.text,
        "correct": choice.correct and not graded,
        "fraction": fraction_text(choice.fraction) if graded else "",
        "feedback": choice.feedback,
    }


def text_prefill(text: Any) -> dict[str, Any]:
    return {"text": text}


def pair_prefill(pair: Any) -> dict[str, Any]:
    return {"left": pair.left, "right": pair.right}


CHOICES = EntryList("choices", "add_choice", "Choice", choice_value, choice_prefill)


# ----------------------------------------------------------------------------- base form


class QuestionForm(FlaskForm):
    """Fields every question type has; subclasses add their own and a ``type_name``."""

    type_name: ClassVar[str]
    #: How the type select and the bank browser name the type.
    type_label: ClassVar[str]
    entry_lists: ClassVar[tuple[EntryList, ...]] = ()

    section = SelectField("Section", coerce=int, validate_choice=False)
    prompt = TextAreaField(
        "Prompt",
        validators=[Length(max=TEXT_LIMIT)],
        description="Plain text; *emphasis* and [links](https://example.org) in Markdown.",
    )
    image = FileField(
        "Add an image to the prompt",
        description="PNG, JPEG, GIF or WebP, at most 2 MB; added after the prompt's text when "
        "you save. In the prompt it reads ![what it shows](media:…): move it or remove it there.",
    )
    image_alt = StringField(
        "What the image shows",
        validators=[Length(max=TEXT_LIMIT)],
        description="Required with an image: screen readers read it, and it shows when the "
        "image cannot load.",
    )
    evidence = TextAreaField(
        "Evidence",
        validators=[Length(max=TEXT_LIMIT)],
        description="A verbatim quote from the section that supports the answer.",
    )
    further_evidence = TextAreaField(
        "More evidence",
        validators=[Length(max=TEXT_LIMIT)],
        description="Optional: more verbatim quotes, one per line, each from any section of "
        "this article (quote 2, 3, …), when the answer connects two passages.",
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
            "further_evidence": "\n".join(question.further_evidence),
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
            if not is_blank(value):
                mapping[name] = value
        further = self.further_quotes()
        if further and "evidence" in mapping:
            # One quote stays one string, as in the bank files.
            mapping["evidence"] = [mapping["evidence"], *further]
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

    def further_quotes(self) -> list[str]:
        """The further evidence quotes typed, one per non-blank line."""
        lines = (self.further_evidence.data or "").splitlines()
        return [line for line in lines if line.strip()]

    def validate_further_evidence(self, field: Field) -> None:
        if self.further_quotes() and is_blank(self.evidence.data):
            raise ValidationError(
                "Write the first quote, from the question's section, under Evidence first."
            )

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
        if head == "evidence" and len(path) > 1 and isinstance(path[1], int) and path[1] > 0:
            # Quotes after the first are typed one per line under "More evidence".
            return self.further_evidence
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
