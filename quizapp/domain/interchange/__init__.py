"""Question interchange formats: GIFT, Moodle XML and Aiken.

Each format module reads text question by question (``read_*``: a :class:`ReadResult`
with the questions it can take and, for every other one, where it is and why it was
skipped) and writes domain questions back; ``parse_*`` is the all-or-nothing form (any
problem means no questions). Problems say where: ``file:line[:column]`` for the
line-based formats, the question's position and name for XML, and name the parts of a
question in the file's own terms ("the 2nd pair's right side"), never as field paths.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from quizapp.domain.text import slugify

if TYPE_CHECKING:
    from quizapp.domain.question_types import Question

__all__ = [
    "FileRefused",
    "InterchangeError",
    "InterchangeProblem",
    "ItemNamer",
    "ReadQuestion",
    "ReadResult",
    "SkippedQuestion",
    "decode_text",
    "in_plain_words",
    "ordinal",
    "refuse_question_count",
    "unique_id",
]


@dataclass(frozen=True, kw_only=True)
class InterchangeProblem:
    """One thing wrong with an imported file, located as precisely as the format allows."""

    path: str
    message: str
    line: int | None = None
    column: int | None = None
    # XML: the question's 1-based position in the file and its name, when it has one.
    position: int | None = None
    name: str | None = None

    def __str__(self) -> str:
        if self.line is not None:
            where = f"{self.path}:{self.line}" + (f":{self.column}" if self.column else "")
        elif self.position is not None:
            where = f"{self.path}: question {self.position}" + (
                f" ({self.name})" if self.name else ""
            )
        else:
            where = self.path
        return f"{where}: {self.message}"


class InterchangeError(ValueError):
    """Raised with every problem found; nothing from the file is used."""

    def __init__(self, problems: Iterable[InterchangeProblem]) -> None:
        self.problems: tuple[InterchangeProblem, ...] = tuple(problems)
        super().__init__(self.problems)

    def __str__(self) -> str:
        # Built when asked: a broken file can hold 200,000 problems nobody prints whole.
        return "\n".join(str(problem) for problem in self.problems)


class FileRefused(InterchangeError):
    """The file as a whole is over a limit (its size, its number of questions)."""


@dataclass(frozen=True)
class ReadQuestion:
    """A question of the file that can be imported.

    ``names`` are the bank ids the file's own names for it give, in order: its title or
    ``<name>`` (which is also its id), then its Moodle id number. Empty when the file
    names it neither way (its id then comes from the prompt). A re-import finds the
    question it imported before by these.
    """

    question: Question
    names: tuple[str, ...] = ()


@dataclass(frozen=True)
class SkippedQuestion:
    """A question (or a stray piece of the file) that cannot be imported, and why."""

    problems: tuple[InterchangeProblem, ...]

    def __str__(self) -> str:
        return "; ".join(str(problem) for problem in self.problems)


@dataclass(frozen=True)
class ReadResult:
    """What a reader took from a file: the questions it can import and those it skipped."""

    questions: tuple[ReadQuestion, ...]
    skipped: tuple[SkippedQuestion, ...]

    @property
    def problems(self) -> tuple[InterchangeProblem, ...]:
        """Every problem of every skipped question, in file order."""
        return tuple(problem for skipped in self.skipped for problem in skipped.problems)

    def all_or_nothing(self) -> list[Question]:
        """The questions, or :class:`InterchangeError` with every problem if any was skipped."""
        if self.skipped:
            raise InterchangeError(self.problems)
        return [read.question for read in self.questions]


def ordinal(number: int) -> str:
    """1st, 2nd, 3rd, 4th, ... 11th, 12th, 13th, ... 21st."""
    if 10 <= number % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


# Our field paths ("pairs[0].right", "choices[2]") as a teacher reads them.
_FIELD_PATH = re.compile(r"\b([a-z_]+)\[(\d+)\](?:\.([a-z_]+))?")
_ITEM_WORDS = {
    "choices": "choice",
    "answers": "answer",
    "pairs": "pair",
    "items": "item",
    "units": "unit",
    "distractors": "extra answer",
    "tags": "tag",
}
_PART_WORDS = {
    "text": "text",
    "left": "left side",
    "right": "right side",
    "fraction": "grade",
    "correct": "mark",
    "feedback": "feedback",
    "value": "value",
    "tolerance": "tolerance",
    "unit": "unit",
    "multiplier": "multiplier",
}

# How a format names a field path itself: ("choices", 0, "text") -> "option A"; None
# when the format has no name of its own for it (the plain words are used then).
ItemNamer = Callable[[str, int, str | None], str | None]


def in_plain_words(message: str, name_item: ItemNamer | None = None) -> str:
    """``message`` with our field paths replaced by words: "pairs[0].right" becomes "the
    1st pair's right side", or the format's own name for it (``name_item``)."""

    def words(match: re.Match[str]) -> str:
        field, index, part = match[1], int(match[2]), match[3]
        own = name_item(field, index, part) if name_item is not None else None
        if own is not None:
            return own
        item = _ITEM_WORDS.get(field, field.replace("_", " "))
        named = f"the {ordinal(index + 1)} {item}"
        if part is None:
            return named
        return f"{named}'s {_PART_WORDS.get(part, part.replace('_', ' '))}"

    return _FIELD_PATH.sub(words, message)


def refuse_question_count(path: str, count: int, limit: int | None) -> None:
    """Raise :class:`FileRefused` when the file holds more than ``limit`` questions.

    The parsers count questions cheaply (blocks, elements, ANSWER lines) before reading
    any, so a huge file is refused in a moment instead of being read whole first.
    """
    if limit is not None and count > limit:
        message = (
            f"the file holds {count:,} questions; one import takes at most {limit:,}: "
            "split it into several files"
        )
        raise FileRefused([InterchangeProblem(path=path, message=message)])


def unique_id(base: str, taken: set[str]) -> str:
    """A bank id (``[a-z0-9-]+``) from ``base``, made unique against ``taken`` and added to it."""
    stem = (slugify(base)[:60].strip("-") or "question").lower()
    candidate, n = stem, 2
    while candidate in taken:
        candidate, n = f"{stem}-{n}", n + 1
    taken.add(candidate)
    return candidate


def decode_text(data: bytes | str, path: str) -> str:
    """The file's text without a byte-order mark; refuse anything that is not UTF-8.

    The problem names the line and column where decoding stopped, and the byte.
    """
    if isinstance(data, str):
        try:
            data.encode("utf-8")
        except UnicodeEncodeError as error:
            line = data.count("\n", 0, error.start) + 1
            column = error.start - (data.rfind("\n", 0, error.start) + 1) + 1
            message = "not UTF-8: the text holds a lone surrogate character, not valid Unicode"
            problem = InterchangeProblem(path=path, message=message, line=line, column=column)
            raise InterchangeError([problem]) from None
        return data.removeprefix("\ufeff")
    if not isinstance(data, bytes | bytearray | memoryview):
        message = f"expected the bytes or text of a file, not {type(data).__name__}"
        raise InterchangeError([InterchangeProblem(path=path, message=message)])
    raw = bytes(data)
    try:
        return raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as error:
        start = error.start
        line = raw.count(b"\n", 0, start) + 1
        line_start = raw.rfind(b"\n", 0, start) + 1
        column = len(raw[line_start:start].decode("utf-8", errors="replace")) + 1
        hint = " (it looks like UTF-16)" if raw[:2] in (b"\xff\xfe", b"\xfe\xff") else ""
        message = (
            f"not UTF-8: byte 0x{raw[start]:02x} cannot be decoded ({error.reason}){hint}; "
            "save the file as UTF-8"
        )
        problem = InterchangeProblem(path=path, message=message, line=line, column=column)
        raise InterchangeError([problem]) from None
