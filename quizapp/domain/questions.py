"""Question types: validation from bank mappings, export back to mappings, and grading.

Each question type is one frozen dataclass registered in ``QUESTION_TYPES`` under the name
the bank files use. A type knows how to read and check its own fields (``parse_fields``)
and how to grade a learner's response (``grade``); nothing else in the code base switches
on type names, so adding a type means adding one class here.

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
from typing import ClassVar, TypeVar

from quizapp.domain.text import normalise_quote

__all__ = [
    "QUESTION_TYPES",
    "Choice",
    "FieldProblem",
    "Matching",
    "MultipleChoice",
    "Numeric",
    "Ordering",
    "Pair",
    "Question",
    "QuestionInvalid",
    "ShortAnswer",
    "SingleChoice",
    "TrueFalse",
    "parse_number",
    "question_from_mapping",
    "register",
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


class QuestionInvalid(ValueError):
    """Raised by :func:`question_from_mapping` with every problem found, not just the first."""

    def __init__(self, problems: Iterable[FieldProblem]) -> None:
        self.problems: tuple[FieldProblem, ...] = tuple(problems)
        super().__init__("; ".join(problem.message for problem in self.problems))


@dataclass(frozen=True, kw_only=True)
class Choice:
    """An answer option of a single- or multiple-choice question."""

    text: str
    correct: bool
    feedback: str = ""


@dataclass(frozen=True, kw_only=True)
class Pair:
    """A left/right pair of a matching question; the bank lists pairs already matched."""

    left: str
    right: str


# --------------------------------------------------------------------------- reading fields

_MISSING = object()


def _label(path: Path) -> str:
    """Render a path as the author would look for it: ``choices[2].correct``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text or "question"


def _is_number(value: object) -> bool:
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
    if _is_number(value):
        return f'YAML read it as the number {value}; put it in quotes, e.g. "{value}"'
    if isinstance(value, datetime.date):
        return f'YAML read it as the date {value}; put it in quotes, e.g. "{value}"'
    return f"got {_kind(value)}"


def _kind(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "a boolean"
    if _is_number(value):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    return type(value).__name__


class _Checker:
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
                self.add(path, f"missing required field '{_label(path)}'")
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
            self.add(path, f"{_label(path)} must be text; {_yaml_typed_hint(value)}")
            return None
        stripped = value.strip()
        if not stripped:
            self.add(path, f"{_label(path)} must not be empty")
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
            self.add(path, f"{_label(path)} must be true or false (unquoted), not {value!r}")
            return None
        return value

    def number(
        self,
        data: Mapping[str, object],
        key: str,
        *,
        required: bool = True,
        minimum: float | None = None,
        exclusive: bool = False,
    ) -> float | None:
        path: Path = (key,)
        value = self.raw(data, key, path, required=required)
        if value is _MISSING:
            return None
        if isinstance(value, str):
            self.add(path, f"{_label(path)} must be a number written without quotes, not {value!r}")
            return None
        if not _is_number(value):
            self.add(path, f"{_label(path)} must be a number, not {_kind(value)}")
            return None
        number = _finite_float(value)
        if number is None:
            self.add(path, f"{_label(path)} must be a finite number, not {value!r}")
            return None
        if minimum is not None and (number <= minimum if exclusive else number < minimum):
            relation = "greater than" if exclusive else "at least"
            self.add(path, f"{_label(path)} must be {relation} {minimum:g}, not {value!r}")
            return None
        return number

    def entries(self, data: Mapping[str, object], key: str, *, minimum: int) -> list[object]:
        """Return the list under ``key``, recording a problem if it is absent or too short."""
        path: Path = (key,)
        value = self.raw(data, key, path, required=True)
        if value is _MISSING:
            return []
        if not isinstance(value, list | tuple):
            self.add(path, f"{_label(path)} must be a list, not {_kind(value)}")
            return []
        if len(value) < minimum:
            self.add(path, f"{_label(path)} needs at least {minimum} entries, found {len(value)}")
        return list(value)

    def record(
        self, value: object, path: Path, allowed: tuple[str, ...]
    ) -> Mapping[str, object] | None:
        """Check that a list entry is a mapping with only ``allowed`` keys."""
        if not isinstance(value, Mapping):
            keys = ", ".join(allowed)
            self.add(path, f"{_label(path)} must be a mapping with {keys}, not {_kind(value)}")
            return None
        self.unknown_keys(value, path, allowed)
        return value

    def unknown_keys(
        self, data: Mapping[object, object], prefix: Path, allowed: Iterable[str]
    ) -> None:
        known = list(allowed)
        for key in data:
            if isinstance(key, str) and key in known:
                continue
            name = str(key)
            message = f"unknown field '{name}'"
            if prefix:
                message += f" in {_label(prefix)}"
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
                self.add(path, f"{what} {value!r} repeats {_label(seen[value])}")
            else:
                seen[value] = path


def _finite_float(value: object) -> float | None:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        return None
    return number if math.isfinite(number) else None


def _plain_number(value: float) -> int | float:
    """Write integral numbers without ".0", as an author would."""
    # Beyond 2**53 floats are not exact integers; keep them as floats (1e+300, not 300 digits).
    return int(value) if float(value).is_integer() and abs(value) < 2**53 else value


# ------------------------------------------------------------------------- response parsing

_DIGITS = re.compile(r"[0-9]{1,9}")


def _index(value: object, count: int) -> int | None:
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


def _indices(values: Iterable[object], count: int) -> list[int] | None:
    """Read every index, or None if any one is malformed (the whole response is then 0)."""
    result = []
    for value in values:
        index = _index(value, count)
        if index is None:
            return None
        result.append(index)
    return result


# ------------------------------------------------------------------------------ base class

_Q = TypeVar("_Q", bound="type[Question]")
QUESTION_TYPES: dict[str, type[Question]] = {}

_COMMON_FIELDS = (
    "id",
    "type",
    "prompt",
    "evidence",
    "explanation",
    "difficulty",
    "points",
    "tags",
)
_ID = re.compile(r"[a-z0-9-]+")
# Anything that could open an HTML tag, comment or doctype; "a < b" stays legal.
_HTML = re.compile(r"<[A-Za-z/!]")


def register(cls: _Q) -> _Q:
    """Class decorator adding a question type to ``QUESTION_TYPES`` under its ``type_name``."""
    name = cls.type_name
    if name in QUESTION_TYPES:
        raise ValueError(f"question type {name!r} is registered twice")
    QUESTION_TYPES[name] = cls
    return cls


@dataclass(frozen=True, kw_only=True)
class Question(abc.ABC):
    """Fields common to every question type; subclasses add their own fields and grading."""

    type_name: ClassVar[str]

    id: str
    prompt: str
    evidence: str | None = None
    explanation: str | None = None
    difficulty: int = 2
    points: float = 1.0
    tags: tuple[str, ...] = ()

    @classmethod
    def specific_fields(cls) -> tuple[str, ...]:
        """Names of this type's own fields, in the order the bank files list them."""
        return tuple(f.name for f in dataclasses.fields(cls) if f.name not in _COMMON_FIELDS)

    @classmethod
    @abc.abstractmethod
    def parse_fields(
        cls, data: Mapping[str, object]
    ) -> tuple[dict[str, object], list[FieldProblem]]:
        """Validate this type's own fields of a bank mapping.

        Returns the constructor arguments for those fields and the problems found; the
        arguments are only used when there are no problems.
        """

    @abc.abstractmethod
    def grade(self, response: object) -> float:
        """Grade a response as a fraction 0..1 of the points; never raises."""

    def to_mapping(self) -> dict[str, object]:
        """Return the bank-format mapping, leaving out fields that hold their default.

        ``question_from_mapping(q.to_mapping()) == q`` holds for every valid question.
        """
        mapping: dict[str, object] = {"id": self.id, "type": self.type_name, "prompt": self.prompt}
        for name in self.specific_fields():
            _put(mapping, self, name)
        for name in ("evidence", "explanation", "difficulty", "points", "tags"):
            _put(mapping, self, name)
        return mapping


def _put(mapping: dict[str, object], obj: object, name: str) -> None:
    field = next(f for f in dataclasses.fields(obj) if f.name == name)  # type: ignore[arg-type]
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
        return _plain_number(value)
    return value


def question_from_mapping(
    data: Mapping[str, object], *, require_evidence: bool = False
) -> Question:
    """Build a question from a bank-format mapping, checking it against the contract.

    Raises :class:`QuestionInvalid` listing every problem found. ``require_evidence``
    makes ``evidence`` and ``explanation`` mandatory, which is the rule for files in
    ``questions/``. Text values are stripped.
    """
    check = _Checker()
    if not isinstance(data, Mapping):
        check.add((), f"a question must be a mapping of fields, not {_kind(data)}")
        raise QuestionInvalid(check.problems)

    common: dict[str, object] = {}
    question_id = check.text(data, "id")
    if question_id is not None and not _ID.fullmatch(question_id):
        check.add(
            ("id",),
            f"id {question_id!r} may only use lower-case letters a-z, digits and '-'",
        )
    common["id"] = question_id

    cls: type[Question] | None = None
    type_name = check.text(data, "type")
    if type_name is not None:
        cls = QUESTION_TYPES.get(type_name)
        if cls is None:
            known = ", ".join(QUESTION_TYPES)
            check.add(("type",), f"unknown type {type_name!r}; known types: {known}")

    prompt = check.text(data, "prompt")
    if prompt is not None:
        tag = _HTML.search(prompt)
        if tag:
            check.add(
                ("prompt",),
                "prompt must not contain raw HTML (found "
                f"{prompt[tag.start() : tag.start() + 10]!r}); use Markdown instead",
            )
    common["prompt"] = prompt
    common["evidence"] = check.text(data, "evidence", required=require_evidence)
    common["explanation"] = check.text(data, "explanation", required=require_evidence)

    difficulty = data.get("difficulty")
    if difficulty is not None:
        if difficulty in (1, 2, 3) and not isinstance(difficulty, bool | float):
            common["difficulty"] = difficulty
        else:
            check.add(("difficulty",), f"difficulty must be 1, 2 or 3, not {difficulty!r}")

    points = check.number(data, "points", required=False, minimum=0, exclusive=True)
    if points is not None:
        common["points"] = points

    if data.get("tags") is not None:
        raw_tags = check.entries(data, "tags", minimum=0)
        tags = [check.text_value(tag, ("tags", i)) for i, tag in enumerate(raw_tags)]
        common["tags"] = tuple(tag for tag in tags if tag is not None)

    if cls is None:
        # Without a known type a typo cannot be told from a type-specific field, so
        # unknown fields are only reported once the type is right.
        raise QuestionInvalid(check.problems)

    check.unknown_keys(data, (), (*_COMMON_FIELDS, *cls.specific_fields()))
    specific, specific_problems = cls.parse_fields(data)
    check.problems.extend(specific_problems)
    if check.problems:
        raise QuestionInvalid(check.problems)
    arguments = {key: value for key, value in common.items() if value is not None}
    return cls(**arguments, **specific)


# ------------------------------------------------------------------------- the seven types


def _parse_choices(check: _Checker, data: Mapping[str, object]) -> tuple[tuple[Choice, ...], bool]:
    """Read ``choices``; the flag says whether every entry was valid.

    Counting correct choices only makes sense when all of them could be read, otherwise
    the count would blame the author for a choice we had to skip.
    """
    choices: list[Choice] = []
    texts: list[tuple[Path, str | None]] = []
    for i, entry in enumerate(check.entries(data, "choices", minimum=2)):
        path: Path = ("choices", i)
        record = check.record(entry, path, ("text", "correct", "feedback"))
        if record is None:
            continue
        text = check.text(record, "text", prefix=path)
        correct = check.boolean(record, "correct", prefix=path)
        feedback = check.text(record, "feedback", prefix=path, required=False)
        texts.append(((*path, "text"), text))
        if text is not None and correct is not None:
            choices.append(Choice(text=text, correct=correct, feedback=feedback or ""))
    check.unique(texts, "choice text")
    entries = data.get("choices")
    complete = isinstance(entries, list | tuple) and len(choices) == len(entries)
    return tuple(choices), complete


@register
@dataclass(frozen=True, kw_only=True)
class SingleChoice(Question):
    """Pick one choice; exactly one is correct. Response: the chosen index in bank order."""

    type_name: ClassVar[str] = "single"
    choices: tuple[Choice, ...]

    @classmethod
    def parse_fields(
        cls, data: Mapping[str, object]
    ) -> tuple[dict[str, object], list[FieldProblem]]:
        """Validate ``choices``: at least two, exactly one marked correct."""
        check = _Checker()
        choices, complete = _parse_choices(check, data)
        marked = sum(choice.correct for choice in choices)
        if complete and marked != 1:
            check.add(
                ("choices",),
                f"exactly one choice must be correct; {marked} are marked correct",
            )
        return {"choices": choices}, check.problems

    def grade(self, response: object) -> float:
        """1.0 for the index of the correct choice, otherwise 0.0."""
        index = _index(response, len(self.choices))
        return 1.0 if index is not None and self.choices[index].correct else 0.0


@register
@dataclass(frozen=True, kw_only=True)
class MultipleChoice(Question):
    """Select all that apply. Response: a list (or set) of chosen indices."""

    type_name: ClassVar[str] = "multiple"
    choices: tuple[Choice, ...]

    @classmethod
    def parse_fields(
        cls, data: Mapping[str, object]
    ) -> tuple[dict[str, object], list[FieldProblem]]:
        """Validate ``choices``: at least one correct and at least one wrong."""
        check = _Checker()
        choices, complete = _parse_choices(check, data)
        if complete and choices:
            marked = sum(choice.correct for choice in choices)
            if marked == 0:
                check.add(("choices",), "at least one choice must be correct; none is")
            elif marked == len(choices):
                check.add(("choices",), "at least one choice must be wrong; all are correct")
        return {"choices": choices}, check.problems

    def grade(self, response: object) -> float:
        """max(0, chosen-correct/all-correct - chosen-wrong/all-wrong); duplicates count once."""
        if not isinstance(response, list | tuple | set | frozenset):
            return 0.0
        chosen = _indices(response, len(self.choices))
        if not chosen:
            return 0.0
        picked = set(chosen)
        correct = {i for i, choice in enumerate(self.choices) if choice.correct}
        wrong = set(range(len(self.choices))) - correct
        if not correct:
            return 0.0
        gain = len(picked & correct) / len(correct)
        # A question built without validation could have no wrong choice; no penalty then.
        penalty = len(picked & wrong) / len(wrong) if wrong else 0.0
        return max(0.0, gain - penalty)


@register
@dataclass(frozen=True, kw_only=True)
class TrueFalse(Question):
    """A statement that is true or false. Response: a bool, or "true"/"false" from a form."""

    type_name: ClassVar[str] = "true_false"
    answer: bool
    feedback_true: str = ""
    feedback_false: str = ""

    @classmethod
    def parse_fields(
        cls, data: Mapping[str, object]
    ) -> tuple[dict[str, object], list[FieldProblem]]:
        """Validate ``answer`` (a real boolean) and the optional feedback texts."""
        check = _Checker()
        fields: dict[str, object] = {"answer": check.boolean(data, "answer")}
        for name in ("feedback_true", "feedback_false"):
            feedback = check.text(data, name, required=False)
            if feedback is not None:
                fields[name] = feedback
        return fields, check.problems

    def grade(self, response: object) -> float:
        """1.0 when the response equals the answer; 1 and 0 are not booleans."""
        if isinstance(response, str):
            response = {"true": True, "false": False}.get(response.strip().casefold())
        if not isinstance(response, bool):
            return 0.0
        return 1.0 if response == self.answer else 0.0


def _normalise_answer(text: str, case_sensitive: bool) -> str:
    text = normalise_quote(text)
    while text.endswith((".", ",")):
        text = text[:-1].rstrip()
    return text if case_sensitive else text.casefold()


@register
@dataclass(frozen=True, kw_only=True)
class ShortAnswer(Question):
    """A typed answer compared with the accepted answers after normalisation."""

    type_name: ClassVar[str] = "short"
    answers: tuple[str, ...]
    case_sensitive: bool = False

    @classmethod
    def parse_fields(
        cls, data: Mapping[str, object]
    ) -> tuple[dict[str, object], list[FieldProblem]]:
        """Validate ``answers`` (non-empty list of text) and ``case_sensitive``."""
        check = _Checker()
        answers = []
        for i, value in enumerate(check.entries(data, "answers", minimum=1)):
            answer = check.text_value(value, ("answers", i))
            if answer is not None and not _normalise_answer(answer, True):
                # Only punctuation: it would match an empty response.
                check.add(("answers", i), f"answers[{i}] {answer!r} has nothing to match")
            elif answer is not None:
                answers.append(answer)
        fields: dict[str, object] = {"answers": tuple(answers)}
        case_sensitive = check.boolean(data, "case_sensitive", required=False)
        if case_sensitive is not None:
            fields["case_sensitive"] = case_sensitive
        return fields, check.problems

    def grade(self, response: object) -> float:
        """1.0 if the response equals an accepted answer after normalisation, else 0.0."""
        if not isinstance(response, str):
            return 0.0
        given = _normalise_answer(response, self.case_sensitive)
        if not given:
            return 0.0
        accepted = {_normalise_answer(answer, self.case_sensitive) for answer in self.answers}
        return 1.0 if given in accepted else 0.0


_NUMBER = re.compile(
    r"""
    (?P<sign>[+-])?
    (?:[$€£]\s*)?
    (?P<digits>
        (?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]*)?   # 1,234.5  1234  12.
        |\.[0-9]+                                         # .5
    )
    (?P<exponent>[eE][+-]?[0-9]+)?
    (?:\s*%)?
    """,
    re.VERBOSE,
)


def _is_unit_word(word: str, unit_words: Sequence[str]) -> bool:
    return any(word in (u, u + "s") or word + "s" == u for u in unit_words)


def parse_number(text: str, unit: str | None = None) -> float | None:
    """Parse a typed number such as "1,234.5", "-3e2", "$240", "26%" or "240 billion".

    Accepts an optional sign, a currency symbol ($ € £) before the number, thousands
    separators only in proper groups of three, decimals, an exponent, a trailing "%",
    and words of ``unit`` after the number (case-insensitive, singular or plural), so
    with the unit "billion US dollars" both "240 billion" and "240 billion US dollars"
    parse. "26%" is 26, not 0.26: prompts ask for the figure in the unit they name.
    Returns None for anything else, and for NaN or infinite values.
    """
    if not isinstance(text, str):
        return None
    cleaned = " ".join(normalise_quote(text).split()).casefold()
    match = _NUMBER.match(cleaned)
    if match is None:
        return None
    rest = cleaned[match.end() :].split()
    if rest:
        unit_words = (unit or "").casefold().split()
        if not all(_is_unit_word(word, unit_words) for word in rest):
            return None
    literal = (match["sign"] or "") + match["digits"].replace(",", "") + (match["exponent"] or "")
    return _finite_float(literal)


@register
@dataclass(frozen=True, kw_only=True)
class Numeric(Question):
    """A number, right within an absolute tolerance; the unit may be typed after it."""

    type_name: ClassVar[str] = "numeric"
    answer: float
    tolerance: float = 0.0
    unit: str | None = None

    @classmethod
    def parse_fields(
        cls, data: Mapping[str, object]
    ) -> tuple[dict[str, object], list[FieldProblem]]:
        """Validate ``answer`` (finite number), ``tolerance`` (>= 0) and ``unit`` (text)."""
        check = _Checker()
        fields: dict[str, object] = {"answer": check.number(data, "answer")}
        tolerance = check.number(data, "tolerance", required=False, minimum=0)
        if tolerance is not None:
            fields["tolerance"] = tolerance
        unit = check.text(data, "unit", required=False)
        if unit is not None:
            fields["unit"] = unit
        return fields, check.problems

    def grade(self, response: object) -> float:
        """1.0 if abs(value - answer) <= tolerance, else 0.0."""
        if isinstance(response, str):
            value = parse_number(response, self.unit)
        elif _is_number(response):
            value = _finite_float(response)
        else:
            value = None
        if value is None:
            return 0.0
        # Typed decimals are rarely exact in binary; forgive the last few bits.
        slack = 1e-9 * max(1.0, abs(self.answer))
        return 1.0 if abs(value - self.answer) <= self.tolerance + slack else 0.0


@register
@dataclass(frozen=True, kw_only=True)
class Matching(Question):
    """Match each left item to its right item; the bank lists the pairs already matched."""

    type_name: ClassVar[str] = "matching"
    pairs: tuple[Pair, ...]

    @classmethod
    def parse_fields(
        cls, data: Mapping[str, object]
    ) -> tuple[dict[str, object], list[FieldProblem]]:
        """Validate ``pairs``: at least two, lefts unique, rights unique."""
        check = _Checker()
        pairs = []
        lefts: list[tuple[Path, str | None]] = []
        rights: list[tuple[Path, str | None]] = []
        for i, entry in enumerate(check.entries(data, "pairs", minimum=2)):
            path: Path = ("pairs", i)
            record = check.record(entry, path, ("left", "right"))
            if record is None:
                continue
            left = check.text(record, "left", prefix=path)
            right = check.text(record, "right", prefix=path)
            lefts.append(((*path, "left"), left))
            rights.append(((*path, "right"), right))
            if left is not None and right is not None:
                pairs.append(Pair(left=left, right=right))
        check.unique(lefts, "left")
        check.unique(rights, "right")
        return {"pairs": tuple(pairs)}, check.problems

    def grade(self, response: object) -> float:
        """Correct pairs / all pairs; response maps left index -> right index."""
        if not isinstance(response, Mapping):
            return 0.0
        count = len(self.pairs)
        chosen: dict[int, int] = {}
        for key, value in response.items():
            left, right = _index(key, count), _index(value, count)
            # "0" and 0 both present would be two answers for one left item.
            if left is None or right is None or left in chosen:
                return 0.0
            chosen[left] = right
        if not count:
            return 0.0
        return sum(1 for left, right in chosen.items() if left == right) / count


@register
@dataclass(frozen=True, kw_only=True)
class Ordering(Question):
    """Put items in order; ``items`` lists them in the correct order."""

    type_name: ClassVar[str] = "ordering"
    items: tuple[str, ...]

    @classmethod
    def parse_fields(
        cls, data: Mapping[str, object]
    ) -> tuple[dict[str, object], list[FieldProblem]]:
        """Validate ``items``: at least three distinct texts."""
        check = _Checker()
        items: list[tuple[Path, str | None]] = [
            (("items", i), check.text_value(value, ("items", i)))
            for i, value in enumerate(check.entries(data, "items", minimum=3))
        ]
        check.unique(items, "item")
        return {"items": tuple(item for _, item in items if item is not None)}, check.problems

    def grade(self, response: object) -> float:
        """Kept adjacent pairs / (items - 1); the response must be a permutation of indices."""
        count = len(self.items)
        if not isinstance(response, list | tuple) or count < 2:
            return 0.0
        order = _indices(response, count)
        if order is None or sorted(order) != list(range(count)):
            return 0.0
        position = {item: place for place, item in enumerate(order)}
        kept = sum(1 for i in range(count - 1) if position[i + 1] == position[i] + 1)
        return kept / (count - 1)
