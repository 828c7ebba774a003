"""What every question type shares: the base class, field checking and problems.

A question type is one frozen dataclass, in its own module of this package, subclassing
:class:`Question`. The class holds everything about the type that does not depend on the
web or the database: its bank fields and their validation (``parse_fields``), grading
(``grade``), the answer format (how a form is read, how a stored answer is checked,
described and graded), the order its parts may be shown in, and its GIFT and Moodle XML
mapping. The registry in ``quizapp.domain.question_types`` is built from those modules,
so nothing else switches on type names. docs/adding-a-question-type.md is the recipe.

Grading follows the table in docs/bank-format.md and never raises: a missing, malformed
or wrongly typed response grades 0.0.
"""

from __future__ import annotations

import abc
import dataclasses
import datetime
import difflib
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, SupportsFloat

from quizapp.domain.grades import ALLOWED_PERCENTAGES_TEXT, FRACTION_SLACK, moodle_grade
from quizapp.domain.question_types.answer_fields import AnswerTokens

if TYPE_CHECKING:
    from quizapp.domain.interchange.gift_syntax import GiftReader, GiftSpan
    from quizapp.domain.interchange.moodle_xml_syntax import XmlReader

__all__ = [
    "COMMON_FIELDS",
    "Checker",
    "FieldProblem",
    "FormatUnsupported",
    "Question",
    "QuestionInvalid",
    "finite_float",
    "is_number",
    "plain_number",
    "read_index",
    "read_indices",
]

Path = tuple[str | int, ...]


@dataclass(frozen=True, kw_only=True)
class FieldProblem:
    """One thing wrong with a question mapping.

    ``path`` locates the offending value inside the mapping, e.g. ``("choices", 2,
    "correct")``; ``()`` means the question as a whole.
    """

    path: Path
    message: str


class FormatUnsupported(LookupError):
    """A question type has no form in an interchange format; the message names both."""


class QuestionInvalid(ValueError):
    """Raised by :func:`question_from_mapping` with every problem found, not just the first."""

    def __init__(self, problems: Iterable[FieldProblem]) -> None:
        self.problems: tuple[FieldProblem, ...] = tuple(problems)
        super().__init__("; ".join(problem.message for problem in self.problems))


# --------------------------------------------------------------------------- reading fields

_MISSING = object()


def field_label(path: Path) -> str:
    """Render a path as the author would look for it: ``choices[2].correct``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text or "question"


def is_number(value: object) -> bool:
    # bool is an int subclass, but `points: true` is an authoring mistake, not 1 point.
    return isinstance(value, int | float) and not isinstance(value, bool)


def _yaml_typed_hint(value: object) -> str:
    """Explain how YAML turned what the author meant as text into another type."""
    if isinstance(value, bool):
        spelled = "true" if value else "false"
        return (
            f"YAML read it as the boolean {spelled} (unquoted yes/no/on/off/true/false "
            "are booleans); put the text in quotes"
        )
    if is_number(value):
        return f'YAML read it as the number {value}; put it in quotes, e.g. "{value}"'
    if isinstance(value, datetime.date):
        return f'YAML read it as the date {value}; put it in quotes, e.g. "{value}"'
    return f"got {kind_of(value)}"


def kind_of(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "a boolean"
    if is_number(value):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    return type(value).__name__


class Checker:
    """Reads raw values while collecting problems, so one pass reports every mistake.

    Each reader returns the cleaned value, or None when the value is missing or invalid
    (after recording why); callers only build a question when no problem was recorded.
    YAML null counts as missing, which is what an author writing ``explanation:`` means.
    """

    def __init__(self) -> None:
        self.problems: list[FieldProblem] = []

    def add(self, path: Path, message: str) -> None:
        self.problems.append(FieldProblem(path=path, message=message))

    def raw(self, data: Mapping[str, object], key: str, path: Path, *, required: bool) -> object:
        value = data.get(key)
        if value is None:
            if required:
                self.add(path, f"missing required field '{field_label(path)}'")
            return _MISSING
        return value

    def text(
        self, data: Mapping[str, object], key: str, *, prefix: Path = (), required: bool = True
    ) -> str | None:
        path = (*prefix, key)
        value = self.raw(data, key, path, required=required)
        return None if value is _MISSING else self.text_value(value, path)

    def text_value(self, value: object, path: Path) -> str | None:
        if not isinstance(value, str):
            self.add(path, f"{field_label(path)} must be text; {_yaml_typed_hint(value)}")
            return None
        stripped = value.strip()
        if not stripped:
            self.add(path, f"{field_label(path)} must not be empty")
            return None
        return stripped

    def boolean(
        self, data: Mapping[str, object], key: str, *, prefix: Path = (), required: bool = True
    ) -> bool | None:
        path = (*prefix, key)
        value = self.raw(data, key, path, required=required)
        if value is _MISSING:
            return None
        if not isinstance(value, bool):
            # A quoted "true" is text to YAML; graders rely on a real bool.
            self.add(path, f"{field_label(path)} must be true or false (unquoted), not {value!r}")
            return None
        return value

    def number(
        self,
        data: Mapping[str, object],
        key: str,
        *,
        prefix: Path = (),
        required: bool = True,
        minimum: float | None = None,
        exclusive: bool = False,
    ) -> float | None:
        path: Path = (*prefix, key)
        value = self.raw(data, key, path, required=required)
        if value is _MISSING:
            return None
        if isinstance(value, str):
            self.add(
                path, f"{field_label(path)} must be a number written without quotes, not {value!r}"
            )
            return None
        if not is_number(value):
            self.add(path, f"{field_label(path)} must be a number, not {kind_of(value)}")
            return None
        number = finite_float(value)
        if number is None:
            self.add(path, f"{field_label(path)} must be a finite number, not {value!r}")
            return None
        if minimum is not None and (number <= minimum if exclusive else number < minimum):
            relation = "greater than" if exclusive else "at least"
            self.add(path, f"{field_label(path)} must be {relation} {minimum:g}, not {value!r}")
            return None
        return number

    def fraction_value(self, value: object, path: Path) -> float | None:
        """A grade written as a fraction of the question's marks (``0.5``, ``-0.25``) that
        is one of Moodle's grades (``quizapp.domain.grades``), returned exact."""
        if isinstance(value, bool) or not is_number(value):
            self.add(
                path, f"{field_label(path)} must be a number such as 0.5; {_yaml_typed_hint(value)}"
            )
            return None
        number = finite_float(value)
        grade = None if number is None or abs(number) > 1 + FRACTION_SLACK else moodle_grade(number)
        if grade is None:
            self.add(
                path,
                f"{field_label(path)} {value!r} is not one of Moodle's grades: write a fraction "
                f"of the marks between -1 and 1 whose percentage is {ALLOWED_PERCENTAGES_TEXT} "
                "(0.3333 is a third)",
            )
        return grade

    def entries(self, data: Mapping[str, object], key: str, *, minimum: int) -> list[object]:
        """Return the list under ``key``, recording a problem if it is absent or too short."""
        path: Path = (key,)
        value = self.raw(data, key, path, required=True)
        if value is _MISSING:
            return []
        if not isinstance(value, list | tuple):
            self.add(path, f"{field_label(path)} must be a list, not {kind_of(value)}")
            return []
        if len(value) < minimum:
            self.add(
                path, f"{field_label(path)} needs at least {minimum} entries, found {len(value)}"
            )
        return list(value)

    def record(
        self, value: object, path: Path, allowed: tuple[str, ...]
    ) -> Mapping[str, object] | None:
        """Check that a list entry is a mapping with only ``allowed`` keys."""
        if not isinstance(value, Mapping):
            keys = ", ".join(allowed)
            self.add(
                path, f"{field_label(path)} must be a mapping with {keys}, not {kind_of(value)}"
            )
            return None
        self.unknown_keys(value, path, allowed)
        return value

    def unknown_keys(
        self, data: Mapping[Any, object], prefix: Path, allowed: Iterable[str]
    ) -> None:
        known = list(allowed)
        for key in data:
            if isinstance(key, str) and key in known:
                continue
            name = str(key)
            message = f"unknown field '{name}'"
            if prefix:
                message += f" in {field_label(prefix)}"
            guess = difflib.get_close_matches(name, known, n=1)
            if guess:
                message += f" (did you mean '{guess[0]}'?)"
            self.add((*prefix, name), message)

    def unique(self, values: list[tuple[Path, str | None]], what: str) -> None:
        """Flag the second and later occurrences of the same text."""
        seen: dict[str, Path] = {}
        for path, value in values:
            if value is None:
                continue
            if value in seen:
                self.add(path, f"{what} {value!r} repeats {field_label(seen[value])}")
            else:
                seen[value] = path


def finite_float(value: object) -> float | None:
    try:
        number = float(value) if isinstance(value, str | SupportsFloat) else math.nan
    except (TypeError, ValueError, OverflowError):
        return None
    return number if math.isfinite(number) else None


def plain_number(value: float) -> int | float:
    """Write integral numbers without ".0", as an author would."""
    # Beyond 2**53 floats are not exact integers; keep them as floats (1e+300, not 300 digits).
    return int(value) if float(value).is_integer() and abs(value) < 2**53 else value


# ------------------------------------------------------------------------- response parsing

_DIGITS = re.compile(r"[0-9]{1,9}")


def read_index(value: object, count: int) -> int | None:
    """Read one bank-order index from a response: an int, or digits as HTML forms send them."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        text = value.strip()
        # Nine digits is far beyond any choice list and keeps int() away from huge inputs.
        if not _DIGITS.fullmatch(text):
            return None
        value = int(text)
    if isinstance(value, int) and 0 <= value < count:
        return value
    return None


def read_indices(values: Iterable[object], count: int) -> list[int] | None:
    """Read every index, or None if any one is malformed (the whole response is then 0)."""
    result = []
    for value in values:
        index = read_index(value, count)
        if index is None:
            return None
        result.append(index)
    return result


# ------------------------------------------------------------------------------ base class

COMMON_FIELDS = (
    "id",
    "type",
    "prompt",
    "evidence",
    "explanation",
    "difficulty",
    "points",
    "tags",
)

# Fields of every question that the bank spells differently: the quotes after the first
# are written in ``evidence`` (a list), so they are no field of their own.
_FIELDS_NOT_IN_BANK = ("further_evidence",)

# Which elements of a Moodle XML question our list fields came from, for messages.
XmlSources = dict[str, list[str]]


@dataclass(frozen=True, kw_only=True)
class Question(abc.ABC):
    """Fields common to every question type; subclasses add their own fields and behaviour.

    A subclass sets ``type_name`` (the bank's name for it) and implements the abstract
    methods; the class attributes below describe how its parts are shown and how it maps
    to GIFT and Moodle XML, with defaults meaning "nothing to shuffle" and "no form in
    that format".
    """

    type_name: ClassVar[str]
    #: The field whose entries are shown in a shuffleable order (None: nothing to shuffle).
    shuffled_field: ClassVar[str | None] = None
    #: True when the bank order of those entries IS the answer, so it must never be shown.
    avoid_identity_order: ClassVar[bool] = False
    #: Moodle's name for the type when exporting to Moodle XML (None: cannot be exported).
    moodle_qtype: ClassVar[str | None] = None
    #: Moodle XML question types this class reads (a shared reader may pick a sibling type).
    moodle_qtypes_read: ClassVar[tuple[str, ...]] = ()
    #: When several types could read a GIFT answer block, lower goes first (None: never).
    gift_read_order: ClassVar[int | None] = None

    id: str
    prompt: str
    #: The first evidence quote, found in the question's own section.
    evidence: str | None = None
    #: The quotes after the first, each found somewhere in the same article.
    further_evidence: tuple[str, ...] = ()
    explanation: str | None = None
    difficulty: int = 2
    points: float = 1.0
    tags: tuple[str, ...] = ()

    @property
    def evidence_quotes(self) -> tuple[str, ...]:
        """Every evidence quote, the one from the question's own section first."""
        if self.evidence is None:
            return ()
        return (self.evidence, *self.further_evidence)

    # -- bank fields

    @classmethod
    def specific_fields(cls) -> tuple[str, ...]:
        """Names of this type's own fields, in the order the bank files list them."""
        return tuple(
            f.name
            for f in dataclasses.fields(cls)
            if f.name not in COMMON_FIELDS and f.name not in _FIELDS_NOT_IN_BANK
        )

    @classmethod
    @abc.abstractmethod
    def parse_fields(
        cls, data: Mapping[str, object]
    ) -> tuple[dict[str, object], list[FieldProblem]]:
        """Validate this type's own fields of a bank mapping.

        Returns the constructor arguments for those fields and the problems found; the
        arguments are only used when there are no problems.
        """

    def to_mapping(self) -> dict[str, object]:
        """Return the bank-format mapping, leaving out fields that hold their default.

        ``question_from_mapping(q.to_mapping()) == q`` holds for every valid question.
        """
        mapping: dict[str, object] = {"id": self.id, "type": self.type_name, "prompt": self.prompt}
        for name in self.specific_fields():
            _put(mapping, self, name)
        for name in ("evidence", "explanation", "difficulty", "points", "tags"):
            _put(mapping, self, name)
        if self.further_evidence:
            # One quote is written as one string, as before lists were allowed.
            mapping["evidence"] = list(self.evidence_quotes)
        return mapping

    # -- grading

    @abc.abstractmethod
    def grade(self, response: object) -> float:
        """Grade a response as a fraction 0..1 of the points; never raises."""

    def feedback_for(self, response: object) -> tuple[str, ...]:
        """The feedback the author wrote for this response (Markdown), in bank order.

        ``response`` has the shape :meth:`grade` takes; like grading it never raises.
        Empty when the type has no per-answer feedback, the response is missing or
        malformed, or its answer carries none.
        """
        return ()

    # -- the answer format (quizapp.domain.answers is the API over these)

    @abc.abstractmethod
    def read_form(self, form: Mapping[str, Sequence[str]], tokens: AnswerTokens) -> object | None:
        """Parse the form fields into the stored answer, None when unanswered.

        Parts the page lists (choices, match targets, items) arrive as ``tokens``, never
        as bank indices. Raises
        :class:`~quizapp.domain.question_types.answer_fields.AnswerRejected` for values
        the page cannot have produced.
        """

    def form_carries_answer(self, form: Mapping[str, Sequence[str]]) -> bool:
        """Whether the form has any of the fields this type's answer is read from.

        A form without them (an empty or cut-off body) says nothing about the answer, so
        it must not be taken for "unanswered" and erase a saved one.
        """
        return "answer" in form

    @abc.abstractmethod
    def check_stored(self, stored: object) -> object | None:
        """Check a non-None stored answer that arrived as JSON; return it normalised."""

    def stored_to_response(self, stored: Any) -> object:
        """The response :meth:`grade` expects for a checked stored answer."""
        return stored

    def stored_is_complete(self, stored: Any) -> bool:
        """Whether a checked stored answer answers every part; one-part types always do."""
        return True

    @abc.abstractmethod
    def describe_stored(self, stored: Any) -> str:
        """A checked stored answer as plain text for the review page."""

    @abc.abstractmethod
    def describe_key(self) -> str:
        """The right answer as plain text for the review page."""

    # -- display order

    def shuffled_count(self) -> int:
        """How many entries are shown in a shuffleable order (0: nothing to shuffle)."""
        field = self.shuffled_field
        return 0 if field is None else len(getattr(self, field))

    # -- GIFT

    def gift_problem(self) -> str | None:
        """Why this question cannot be written as GIFT, or None when it can."""
        return f"GIFT has no form for the {self.type_name} question type"

    def gift_skipped_lines(self) -> list[str]:
        """Extra comment lines describing the question when it is not exported to GIFT."""
        return []

    def gift_answer_lines(self) -> list[str]:
        """The lines of the GIFT answer block (one per answer), for types that use lines.

        The export asks only when :meth:`gift_problem` is None; types with a one-line
        block override :meth:`gift_answer_block` instead. A type with no GIFT form raises
        :class:`FormatUnsupported` (the default) with the reason.
        """
        raise FormatUnsupported(
            self.gift_problem() or f"GIFT has no form for the {self.type_name} question type"
        )

    def gift_answer_block(self, general_feedback: str) -> str:
        """The whole ``{...}`` answer block, ending with ``general_feedback`` (``####...``)."""
        lines = self.gift_answer_lines()
        if general_feedback:
            lines.append(general_feedback)
        return "{\n" + "".join(f"\t{line}\n" for line in lines) + "}"

    @classmethod
    def gift_reads(cls, answers: GiftSpan) -> bool:
        """Whether a GIFT answer block (without its general feedback) is this type's."""
        return False

    @classmethod
    def read_gift(cls, reader: GiftReader, answers: GiftSpan) -> dict[str, object]:
        """The type-specific bank fields (``type`` included) of a GIFT answer block.

        The import asks only a type whose :meth:`gift_reads` claimed the block; a type
        with no GIFT form raises :class:`FormatUnsupported` (the default).
        """
        raise FormatUnsupported(f"GIFT has no form for the {cls.type_name} question type")

    # -- Moodle XML

    def moodle_xml_body(self, problems: list[str]) -> str:
        """The type-specific elements of a Moodle XML ``<question>`` of :attr:`moodle_qtype`.

        Reasons this question cannot be exported go into ``problems``; a type with no
        Moodle XML form raises :class:`FormatUnsupported` (the default), which the export
        reports by the type's name.
        """
        raise FormatUnsupported(f"Moodle XML has no form for the {self.type_name} question type")

    @classmethod
    def read_moodle_xml(cls, reader: XmlReader, mapping: dict[str, object]) -> XmlSources:
        """Fill the type-specific fields (``type`` included) of ``mapping`` from XML.

        Returns the names of the Moodle elements that list fields came from, so
        validation problems can point at them. The import asks only the type that lists
        the question's Moodle type in :attr:`moodle_qtypes_read`.
        """
        raise FormatUnsupported(f"Moodle XML has no form for the {cls.type_name} question type")


def _put(mapping: dict[str, object], obj: Any, name: str) -> None:
    field = next(f for f in dataclasses.fields(obj) if f.name == name)
    value = getattr(obj, name)
    if field.default is not dataclasses.MISSING and value == field.default:
        return
    mapping[name] = _plain(value)


def _plain(value: object) -> object:
    """Convert field values to what YAML should show: lists, plain mappings, tidy numbers."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        nested: dict[str, object] = {}
        for f in dataclasses.fields(value):
            _put(nested, value, f.name)
        return nested
    if isinstance(value, tuple | list):
        return [_plain(item) for item in value]
    if isinstance(value, float):
        return plain_number(value)
    return value
