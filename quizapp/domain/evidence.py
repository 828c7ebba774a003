"""Where a question's evidence quotes must be found (docs/bank-format.md).

The first quote must occur in the question's own section; each further quote may occur
in any section of the same article, so one question can connect two sections. Quotes
are compared with the evidence normalisation of :mod:`quizapp.domain.text`; each
section is normalised once per :class:`EvidenceSearch`, however many quotes it checks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from quizapp.domain.text import closest_passage, normalise_quote

__all__ = ["EvidenceSearch", "MissingQuote", "TextSection"]


class TextSection(Protocol):
    """A section as the search needs it (the bank's sections and the stored ones)."""

    @property
    def title(self) -> str: ...

    @property
    def body(self) -> str: ...


@dataclass(frozen=True)
class MissingQuote:
    """A quote not found where it must be, with the passage that looks most like it.

    ``index`` is the quote's place among the question's quotes (0: the first);
    ``numbered`` says whether the question has several, so a message names the quote by
    its number ("evidence quote 2") only when that tells the author something.
    ``section_title`` is the question's own section for the first quote and None for a
    further quote, which was looked for in the whole article.
    """

    index: int
    numbered: bool
    section_title: str | None
    passage: str

    @property
    def number(self) -> int:
        """The quote's number as an author counts: 1 for the first."""
        return self.index + 1

    @property
    def where(self) -> str:
        """Where the quote was looked for, in words."""
        if self.section_title is None:
            return "any section of the article"
        return f"section '{self.section_title}'"


SectionT = TypeVar("SectionT", bound=TextSection)


class EvidenceSearch(Generic[SectionT]):
    """Looks for questions' quotes in an article's sections, normalising each section once."""

    def __init__(self, article: Sequence[SectionT]) -> None:
        self._article = article
        # Normalised texts by id() of the section object; sections are kept alive above.
        self._texts: dict[int, str] = {}

    def _text(self, section: TextSection) -> str:
        text = self._texts.get(id(section))
        if text is None:
            text = self._texts[id(section)] = normalise_quote(section.body)
        return text

    def in_section(self, quote: str, section: TextSection) -> bool:
        """Whether ``quote`` occurs in ``section``."""
        needle = normalise_quote(quote)
        return bool(needle) and needle in self._text(section)

    def section_of(self, quote: str, own: SectionT) -> SectionT | None:
        """The section that holds ``quote``: ``own`` when it does, else the first of the
        article's, else None."""
        if self.in_section(quote, own):
            return own
        return next((s for s in self._article if self.in_section(quote, s)), None)

    def missing(self, quotes: Sequence[str], own: SectionT) -> list[MissingQuote]:
        """The quotes of a question in section ``own`` not found where they must be, in
        order (none: all found)."""
        numbered = len(quotes) > 1
        misses = []
        for index, quote in enumerate(quotes):
            if index == 0:
                if not self.in_section(quote, own):
                    passage = closest_passage(own.body, quote)
                    misses.append(MissingQuote(0, numbered, own.title, passage))
            elif self.section_of(quote, own) is None:
                whole = "\n\n".join(section.body for section in self._article)
                misses.append(MissingQuote(index, True, None, closest_passage(whole, quote)))
        return misses

    def stale(self, quotes: Sequence[str], own: SectionT) -> bool:
        """Whether any quote is no longer where it must be (what an article edit checks)."""
        if not quotes:
            return False
        if not self.in_section(quotes[0], own):
            return True
        return any(self.section_of(quote, own) is None for quote in quotes[1:])
