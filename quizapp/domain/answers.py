"""A learner's answer on its way from the HTML form to storage, to grading and to review.

Three shapes of an answer:

* the *form*: the submitted fields, name -> list of values (like werkzeug's
  ``MultiDict.to_dict(flat=False)``); the field names are fixed because templates use them;
* the *stored answer*: JSON-serialisable, in bank indices, None when unanswered; it is
  what the autosave endpoint sends back as ``{"answer": ...}``;
* the *response*: what ``Question.grade`` takes (docs/bank-format.md).

Each question type has one format class in a registry keyed by the bank's type name, as
question types themselves do, so no code here switches on type names.

=============  =============================  ==========================================
type           form fields                    stored answer
=============  =============================  ==========================================
single         ``answer`` = bank index        int
true_false     ``answer`` = "true"/"false"    bool
multiple       ``answer`` several times       sorted list of unique ints
short          ``answer`` text (max 500)      the text as typed
numeric        ``answer`` text (max 100)      the text as typed
matching       ``match-<left>`` = right / ""  {"<left>": right} of the chosen ones
ordering       ``position-<item>`` = 1.. / "" {"<item>": position} of the chosen ones
=============  =============================  ==========================================
"""

from __future__ import annotations

import abc
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Generic, TypeVar

from quizapp.domain.questions import (
    Matching,
    MultipleChoice,
    Numeric,
    Ordering,
    Question,
    ShortAnswer,
    SingleChoice,
    TrueFalse,
)

__all__ = [
    "NO_ANSWER",
    "NUMERIC_LIMIT",
    "SHORT_LIMIT",
    "AnswerRejected",
    "describe_answer",
    "describe_key",
    "is_answered",
    "is_complete",
    "read_answer",
    "response_for_grading",
    "validate_stored",
]

NO_ANSWER = "No answer"
SHORT_LIMIT = 500
NUMERIC_LIMIT = 100

_NOT_A_CHOICE = "That choice is not one of this question's options."
_NOT_AN_ITEM = "That item is not one of this question's items."
_SENT_TWICE = "Only one answer can be chosen here, but several arrived."
_WRONG_SHAPE = "This answer is not in the form this question expects."
_NOT_TRUE_FALSE = "That answer is neither True nor False."
_CONTROL_CHARACTER = "Your answer contains an invisible control character; please retype it."

# Our templates write indices without signs, spaces or leading zeros; anything else was
# not produced by the page. Nine digits keeps int() away from huge inputs.
_FORM_INT = re.compile(r"0|[1-9][0-9]{0,8}")
# A text input cannot produce these; tab and line breaks may come from pasting.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class AnswerRejected(ValueError):
    """A tampered or invalid submission; the message tells the learner what is wrong."""


# ----------------------------------------------------------------------- reading helpers


def _values(form: Mapping[str, Sequence[str]], name: str) -> list[str]:
    """All values of a field; a bare string counts as one value, not as its characters."""
    values = form.get(name)
    if values is None:
        return []
    if isinstance(values, str):
        values = [values]
    result = list(values)
    if not all(isinstance(value, str) for value in result):
        raise AnswerRejected(_WRONG_SHAPE)
    return result


def _one(form: Mapping[str, Sequence[str]], name: str) -> str | None:
    """The single value of a field, None when absent or empty; a repeated field is rejected."""
    values = _values(form, name)
    if len(values) > 1:
        raise AnswerRejected(_SENT_TWICE)
    return values[0] if values and values[0] != "" else None


def _form_int(text: str) -> int | None:
    return int(text) if _FORM_INT.fullmatch(text) else None


def _form_index(text: str, count: int, message: str) -> int:
    """A bank index written by our templates, or AnswerRejected with ``message``."""
    value = _form_int(text)
    if value is None or value >= count:
        raise AnswerRejected(message)
    return value


def _json_index(value: object, count: int, message: str) -> int:
    """A bank index from JSON: a real int in range (True is not 1, 1.0 is not 1)."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < count:
        raise AnswerRejected(message)
    return value


def _json_key(key: object, count: int, message: str) -> int:
    """A bank index used as a JSON object key, which JSON always writes as a string."""
    if not isinstance(key, str):
        raise AnswerRejected(message)
    return _form_index(key, count, message)


def _text(value: str, limit: int) -> str | None:
    """Check typed text: too long or control characters are rejected; blank is unanswered."""
    if len(value) > limit:
        raise AnswerRejected(f"Your answer is longer than {limit} characters.")
    if _CONTROL.search(value):
        raise AnswerRejected(_CONTROL_CHARACTER)
    return value if value.strip() else None


def _prefixed(form: Mapping[str, Sequence[str]], prefix: str) -> list[tuple[str, str | None]]:
    """(name suffix, single value) of every field whose name starts with ``prefix``."""
    return [(name[len(prefix) :], _one(form, name)) for name in form if name.startswith(prefix)]


def _index_mapping(
    stored: object,
    count: int,
    key_message: str,
    read_value: Callable[[object], int],
) -> dict[str, int] | None:
    """Check a stored {"<bank index>": int} mapping; normalise key order; {} is unanswered."""
    if not isinstance(stored, Mapping):
        raise AnswerRejected(_WRONG_SHAPE)
    chosen = {
        _json_key(key, count, key_message): read_value(value) for key, value in stored.items()
    }
    return {str(key): chosen[key] for key in sorted(chosen)} or None


# ---------------------------------------------------------------------- the type formats

Q = TypeVar("Q", bound=Question)


class _Format(abc.ABC, Generic[Q]):
    """How one question type's answer is read, checked, graded and described.

    Methods other than ``read`` and ``validate`` receive a stored answer that already
    passed ``validate`` and is not None.
    """

    @abc.abstractmethod
    def read(self, question: Q, form: Mapping[str, Sequence[str]]) -> object | None:
        """Parse the form fields into the stored answer, None when unanswered."""

    @abc.abstractmethod
    def validate(self, question: Q, stored: object) -> object | None:
        """Check a non-None stored answer from JSON; return it normalised."""

    def response(self, question: Q, stored: Any) -> object:
        """The response ``question.grade`` expects; most types store exactly that."""
        return stored

    def complete(self, question: Q, stored: Any) -> bool:
        """Whether every part of the question has an answer; one-part types always do."""
        return True

    @abc.abstractmethod
    def describe(self, question: Q, stored: Any) -> str:
        """The stored answer as plain text for the review page."""

    @abc.abstractmethod
    def key(self, question: Q) -> str:
        """The right answer as plain text for the review page."""


_FORMATS: dict[str, _Format[Any]] = {}


def _register(question_class: type[Q]) -> Callable[[type[_Format[Q]]], type[_Format[Q]]]:
    """Class decorator: use this format for ``question_class``'s answers."""

    def decorate(format_class: type[_Format[Q]]) -> type[_Format[Q]]:
        _FORMATS[question_class.type_name] = format_class()
        return format_class

    return decorate


def _format(question: Question) -> _Format[Any]:
    try:
        return _FORMATS[question.type_name]
    except KeyError:
        raise LookupError(f"no answer format for question type {question.type_name!r}") from None


def _choice_texts(question: SingleChoice | MultipleChoice, indices: Sequence[int]) -> str:
    return "; ".join(question.choices[i].text for i in indices)


def _correct_choices(question: SingleChoice | MultipleChoice) -> str:
    return _choice_texts(question, [i for i, c in enumerate(question.choices) if c.correct])


@_register(SingleChoice)
class _SingleFormat(_Format[SingleChoice]):
    def read(self, question: SingleChoice, form: Mapping[str, Sequence[str]]) -> int | None:
        text = _one(form, "answer")
        return None if text is None else _form_index(text, len(question.choices), _NOT_A_CHOICE)

    def validate(self, question: SingleChoice, stored: object) -> int:
        return _json_index(stored, len(question.choices), _NOT_A_CHOICE)

    def describe(self, question: SingleChoice, stored: int) -> str:
        return question.choices[stored].text

    def key(self, question: SingleChoice) -> str:
        return _correct_choices(question)


@_register(MultipleChoice)
class _MultipleFormat(_Format[MultipleChoice]):
    def read(self, question: MultipleChoice, form: Mapping[str, Sequence[str]]) -> list[int] | None:
        count = len(question.choices)
        # Empty values are skipped: a template may send one so the field always exists.
        chosen = {_form_index(v, count, _NOT_A_CHOICE) for v in _values(form, "answer") if v}
        return sorted(chosen) or None

    def validate(self, question: MultipleChoice, stored: object) -> list[int] | None:
        if not isinstance(stored, list | tuple):
            raise AnswerRejected(_WRONG_SHAPE)
        count = len(question.choices)
        return sorted({_json_index(value, count, _NOT_A_CHOICE) for value in stored}) or None

    def describe(self, question: MultipleChoice, stored: list[int]) -> str:
        return _choice_texts(question, stored)

    def key(self, question: MultipleChoice) -> str:
        return _correct_choices(question)


_TRUE_FALSE = {"true": True, "false": False}


@_register(TrueFalse)
class _TrueFalseFormat(_Format[TrueFalse]):
    def read(self, question: TrueFalse, form: Mapping[str, Sequence[str]]) -> bool | None:
        text = _one(form, "answer")
        if text is None:
            return None
        if text not in _TRUE_FALSE:
            raise AnswerRejected(_NOT_TRUE_FALSE)
        return _TRUE_FALSE[text]

    def validate(self, question: TrueFalse, stored: object) -> bool:
        if not isinstance(stored, bool):
            raise AnswerRejected(_NOT_TRUE_FALSE)
        return stored

    def describe(self, question: TrueFalse, stored: bool) -> str:
        return str(stored)

    def key(self, question: TrueFalse) -> str:
        return str(question.answer)


class _TextFormat(_Format[Q]):
    """Typed answers, kept exactly as typed: grading normalises, the review shows the original."""

    limit: int

    def read(self, question: Q, form: Mapping[str, Sequence[str]]) -> str | None:
        text = _one(form, "answer")
        return None if text is None else _text(text, self.limit)

    def validate(self, question: Q, stored: object) -> str | None:
        if not isinstance(stored, str):
            raise AnswerRejected(_WRONG_SHAPE)
        return _text(stored, self.limit)

    def describe(self, question: Q, stored: str) -> str:
        return stored


@_register(ShortAnswer)
class _ShortFormat(_TextFormat[ShortAnswer]):
    limit = SHORT_LIMIT

    def key(self, question: ShortAnswer) -> str:
        first, *others = question.answers
        return f"{first} (also accepted: {'; '.join(others)})" if others else first


def _number(value: float) -> str:
    """Write a number as an author would: 240, not 240.0."""
    # Beyond 2**53 floats are not exact integers; keep them as floats (1e+300).
    return str(int(value)) if float(value).is_integer() and abs(value) < 2**53 else repr(value)


@_register(Numeric)
class _NumericFormat(_TextFormat[Numeric]):
    # Numbers are stored as typed too: "$240 billion" is a fine answer that the grader
    # parses, and an unparseable one is wrong, not a tampered submission.
    limit = NUMERIC_LIMIT

    def key(self, question: Numeric) -> str:
        text = _number(question.answer)
        if question.tolerance:
            text += f" ± {_number(question.tolerance)}"
        return f"{text} {question.unit}" if question.unit else text


@_register(Matching)
class _MatchingFormat(_Format[Matching]):
    def read(self, question: Matching, form: Mapping[str, Sequence[str]]) -> dict[str, int] | None:
        count = len(question.pairs)
        chosen: dict[int, int] = {}
        for suffix, value in _prefixed(form, "match-"):
            left = _form_index(suffix, count, _NOT_AN_ITEM)
            if value is not None:
                chosen[left] = _form_index(value, count, _NOT_A_CHOICE)
        return {str(left): chosen[left] for left in sorted(chosen)} or None

    def validate(self, question: Matching, stored: object) -> dict[str, int] | None:
        count = len(question.pairs)
        return _index_mapping(
            stored, count, _NOT_AN_ITEM, lambda value: _json_index(value, count, _NOT_A_CHOICE)
        )

    def response(self, question: Matching, stored: dict[str, int]) -> dict[int, int]:
        return {int(left): right for left, right in stored.items()}

    def complete(self, question: Matching, stored: dict[str, int]) -> bool:
        return len(stored) == len(question.pairs)

    def describe(self, question: Matching, stored: dict[str, int]) -> str:
        parts = []
        for left, pair in enumerate(question.pairs):
            right = stored.get(str(left))
            chosen = "(no answer)" if right is None else question.pairs[right].right
            parts.append(f"{pair.left} → {chosen}")
        return "; ".join(parts)

    def key(self, question: Matching) -> str:
        return "; ".join(f"{pair.left} → {pair.right}" for pair in question.pairs)


def _position(position: object, count: int) -> int:
    """Check a 1-based position: an int (True is not 1) from 1 to ``count``."""
    if isinstance(position, bool) or not isinstance(position, int):
        raise AnswerRejected(f"Choose a position from 1 to {count}.")
    if not 1 <= position <= count:
        raise AnswerRejected(
            f"Position {position} does not exist: this question has {count} items."
        )
    return position


@_register(Ordering)
class _OrderingFormat(_Format[Ordering]):
    def read(self, question: Ordering, form: Mapping[str, Sequence[str]]) -> dict[str, int] | None:
        count = len(question.items)
        chosen: dict[int, int] = {}
        for suffix, value in _prefixed(form, "position-"):
            item = _form_index(suffix, count, _NOT_AN_ITEM)
            if value is not None:
                chosen[item] = _position(_form_int(value), count)
        return {str(item): chosen[item] for item in sorted(chosen)} or None

    def validate(self, question: Ordering, stored: object) -> dict[str, int] | None:
        count = len(question.items)
        return _index_mapping(stored, count, _NOT_AN_ITEM, lambda value: _position(value, count))

    def response(self, question: Ordering, stored: dict[str, int]) -> list[int] | None:
        # Grading needs a full order: positions 1..n each used once. Anything else
        # (an item left unplaced, two items in one place) grades 0, as a missing answer.
        if sorted(stored.values()) != list(range(1, len(question.items) + 1)):
            return None
        return [int(item) for item, _ in sorted(stored.items(), key=lambda entry: entry[1])]

    def complete(self, question: Ordering, stored: dict[str, int]) -> bool:
        return len(stored) == len(question.items)

    def describe(self, question: Ordering, stored: dict[str, int]) -> str:
        placed = sorted((position, int(item)) for item, position in stored.items())
        parts = [f"{position}. {question.items[item]}" for position, item in placed]
        # Bank order is the correct order, so listing unplaced items in it would reveal
        # the answer on a review page that hides the key; alphabetical reveals nothing.
        unplaced = [text for i, text in enumerate(question.items) if str(i) not in stored]
        parts += [f"(not placed) {text}" for text in sorted(unplaced, key=str.casefold)]
        return "; ".join(parts)

    def key(self, question: Ordering) -> str:
        return "; ".join(f"{place}. {item}" for place, item in enumerate(question.items, 1))


# ------------------------------------------------------------------------------ the API


def read_answer(question: Question, form: Mapping[str, Sequence[str]]) -> object | None:
    """Parse a submitted form into the stored answer; None when the question is unanswered.

    ``form`` maps field names to lists of values. Fields that do not belong to the
    question's type (csrf_token, buttons) are ignored. Raises :class:`AnswerRejected`
    for values the page cannot have produced (an index out of range, a field sent twice
    where one is expected) and for text over the length limit.
    """
    return _format(question).read(question, form)


def validate_stored(question: Question, stored: object) -> object | None:
    """Check an answer that arrived as JSON in stored form; return it normalised.

    Unanswered forms (None, an empty list or mapping, blank text) come back as None.
    Raises :class:`AnswerRejected` for the wrong shape: bools or floats where indices are
    expected, strings for indices, indices out of range, text over the limit.
    """
    if stored is None:
        return None
    return _format(question).validate(question, stored)


def _readable(question: Question, stored: object | None) -> object | None:
    """The stored answer normalised, or None when it is missing or malformed.

    Answers in the database passed validation when saved; a malformed one can only come
    from a bug or a hand edit, and it is treated like a missing answer (grades 0),
    never an error page.
    """
    try:
        return validate_stored(question, stored)
    except AnswerRejected:
        return None


def response_for_grading(question: Question, stored: object | None) -> object:
    """Convert a stored answer to the response ``question.grade`` expects.

    Matching becomes {left int: right int}; ordering becomes the list of item indices in
    the chosen order, but only when the positions are exactly 1..n, each used once,
    otherwise None. None (unanswered or malformed) stays None and grades 0.
    """
    answer = _readable(question, stored)
    return None if answer is None else _format(question).response(question, answer)


def is_answered(question: Question, stored: object | None) -> bool:
    """True when the learner gave an answer; for matching and ordering one choice counts."""
    return _readable(question, stored) is not None


def is_complete(question: Question, stored: object | None) -> bool:
    """True when every part is answered: each left matched, each item placed."""
    answer = _readable(question, stored)
    return answer is not None and _format(question).complete(question, answer)


def describe_answer(question: Question, stored: object | None) -> str:
    """The learner's answer as plain text for the review page; "No answer" when none."""
    answer = _readable(question, stored)
    return NO_ANSWER if answer is None else _format(question).describe(question, answer)


def describe_key(question: Question) -> str:
    """The right answer as plain text for the review page."""
    return _format(question).key(question)
