"""Reading answers from HTML forms and JSON: the helpers every answer format uses.

The field names are fixed because the templates use them; indices are the bank's. See
``quizapp.domain.answers`` for the three shapes of an answer (form, stored, response).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

__all__ = [
    "NOT_AN_ITEM",
    "NOT_A_CHOICE",
    "NOT_TRUE_FALSE",
    "WRONG_SHAPE",
    "AnswerRejected",
    "AnswerTokens",
    "answer_tokens",
    "check_text_answer",
    "form_index",
    "form_int",
    "form_value",
    "form_values",
    "index_mapping",
    "json_index",
    "json_key",
    "prefixed_fields",
    "read_text_answer",
    "typed_text",
]

NOT_A_CHOICE = "That choice is not one of this question's options."
NOT_AN_ITEM = "That item is not one of this question's items."
SENT_TWICE = "Only one answer can be chosen here, but several arrived."
WRONG_SHAPE = "This answer is not in the form this question expects."
NOT_TRUE_FALSE = "That answer is neither True nor False."
CONTROL_CHARACTER = "Your answer contains an invisible control character; please retype it."

# Our templates write indices without signs, spaces or leading zeros; anything else was
# not produced by the page. Nine digits keeps int() away from huge inputs.
_FORM_INT = re.compile(r"0|[1-9][0-9]{0,8}")
# A text input cannot produce these; tab and line breaks may come from pasting.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class AnswerRejected(ValueError):
    """A tampered or invalid submission; the message tells the learner what is wrong."""


# ------------------------------------------------------------------------- answer tokens


@dataclass(frozen=True)
class AnswerTokens:
    """The opaque values a question page submits for its parts, in bank order.

    ``values[i]`` stands for the part with bank index ``i`` (a choice, a match target,
    an item to order). Pages never show bank indices, which would give the key away
    (the bank lists the right choice, pair and order); the server maps tokens back.
    """

    values: tuple[str, ...]

    @classmethod
    def bank_order(cls, count: int) -> AnswerTokens:
        """Tokens that are the bank indices themselves ("0", "1", ...), for pages that may
        show the key anyway (a teacher's preview) and for tests of the forms."""
        return cls(tuple(str(index) for index in range(count)))

    def index_of(self, token: str, message: str) -> int:
        """The bank index a submitted token stands for; AnswerRejected with ``message``."""
        try:
            return self.values.index(token)
        except ValueError:
            raise AnswerRejected(message) from None


def answer_tokens(key: bytes, position: int, count: int) -> AnswerTokens:
    """``count`` distinct tokens for the question at ``position`` of an attempt.

    Each token is an HMAC of the position and the bank index under ``key`` (secret, one
    per attempt), so without the key a token says nothing about the index it stands for,
    and the same attempt always gets the same tokens (a reload, two tabs).
    """
    values: list[str] = []
    for index in range(count):
        salt = 0
        while True:
            message = f"{position}:{index}:{salt}".encode()
            digest = hmac.new(key, message, hashlib.sha256).digest()
            token = base64.b32encode(digest[:10]).decode().lower()
            # Distinct within the question, or a submitted token would be ambiguous.
            if token not in values:
                break
            salt += 1
        values.append(token)
    return AnswerTokens(tuple(values))


# ----------------------------------------------------------------------- reading helpers


def form_values(form: Mapping[str, Sequence[str]], name: str) -> list[str]:
    """All values of a field; a bare string counts as one value, not as its characters."""
    values = form.get(name)
    if values is None:
        return []
    if isinstance(values, str):
        values = [values]
    result = list(values)
    if not all(isinstance(value, str) for value in result):
        raise AnswerRejected(WRONG_SHAPE)
    return result


def form_value(form: Mapping[str, Sequence[str]], name: str) -> str | None:
    """The single value of a field, None when absent or empty; a repeated field is rejected."""
    values = form_values(form, name)
    if len(values) > 1:
        raise AnswerRejected(SENT_TWICE)
    return values[0] if values and values[0] != "" else None


def form_int(text: str) -> int | None:
    return int(text) if _FORM_INT.fullmatch(text) else None


def form_index(text: str, count: int, message: str) -> int:
    """A bank index written by our templates, or AnswerRejected with ``message``."""
    value = form_int(text)
    if value is None or value >= count:
        raise AnswerRejected(message)
    return value


def json_index(value: object, count: int, message: str) -> int:
    """A bank index from JSON: a real int in range (True is not 1, 1.0 is not 1)."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < count:
        raise AnswerRejected(message)
    return value


def json_key(key: object, count: int, message: str) -> int:
    """A bank index used as a JSON object key, which JSON always writes as a string."""
    if not isinstance(key, str):
        raise AnswerRejected(message)
    return form_index(key, count, message)


def typed_text(value: str, limit: int) -> str | None:
    """Check typed text: too long or control characters are rejected; blank is unanswered."""
    if len(value) > limit:
        raise AnswerRejected(f"Your answer is longer than {limit} characters.")
    if _CONTROL.search(value):
        raise AnswerRejected(CONTROL_CHARACTER)
    return value if value.strip() else None


def prefixed_fields(form: Mapping[str, Sequence[str]], prefix: str) -> list[tuple[str, str | None]]:
    """(name suffix, single value) of every field whose name starts with ``prefix``."""
    return [
        (name[len(prefix) :], form_value(form, name)) for name in form if name.startswith(prefix)
    ]


def index_mapping(
    stored: object,
    count: int,
    key_message: str,
    read_value: Callable[[object], int],
) -> dict[str, int] | None:
    """Check a stored {"<bank index>": int} mapping; normalise key order; {} is unanswered."""
    if not isinstance(stored, Mapping):
        raise AnswerRejected(WRONG_SHAPE)
    chosen = {json_key(key, count, key_message): read_value(value) for key, value in stored.items()}
    return {str(key): chosen[key] for key in sorted(chosen)} or None


def read_text_answer(form: Mapping[str, Sequence[str]], limit: int) -> str | None:
    """A typed answer from the ``answer`` field, kept exactly as typed; None when blank."""
    text = form_value(form, "answer")
    return None if text is None else typed_text(text, limit)


def check_text_answer(stored: object, limit: int) -> str | None:
    """A stored typed answer: text within ``limit``; None when blank."""
    if not isinstance(stored, str):
        raise AnswerRejected(WRONG_SHAPE)
    return typed_text(stored, limit)
