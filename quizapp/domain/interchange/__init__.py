"""Question interchange formats: GIFT, Moodle XML and Aiken.

Each format module parses text into domain questions (all or nothing: any problem means
no questions) and writes domain questions back. Problems say where: ``file:line[:column]``
for the line-based formats, the question's position and name for XML.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from quizapp.domain.text import slugify

__all__ = ["InterchangeError", "InterchangeProblem", "unique_id"]


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
        super().__init__("\n".join(str(problem) for problem in self.problems))


def unique_id(base: str, taken: set[str]) -> str:
    """A bank id (``[a-z0-9-]+``) from ``base``, made unique against ``taken`` and added to it."""
    stem = (slugify(base)[:60].strip("-") or "question").lower()
    candidate, n = stem, 2
    while candidate in taken:
        candidate, n = f"{stem}-{n}", n + 1
    taken.add(candidate)
    return candidate
