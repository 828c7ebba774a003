"""Question interchange formats: GIFT, Moodle XML and Aiken.

Each format module parses text into domain questions (all or nothing: any problem means
no questions) and writes domain questions back. Problems say where: ``file:line[:column]``
for the line-based formats, the question's position and name for XML.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from quizapp.domain.text import slugify

__all__ = [
    "FileRefused",
    "InterchangeError",
    "InterchangeProblem",
    "decode_text",
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
