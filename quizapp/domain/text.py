"""Text helpers shared by the bank loader and the graders.

Everything here is pure string work: the evidence normalisation defined in
docs/bank-format.md, locating the passage an author probably meant to quote, and slugs.
"""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher

__all__ = ["closest_passage", "contains_quote", "normalise_quote", "quote_span", "slugify"]

_QUOTE_TABLE = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
    }
)
_WHITESPACE = re.compile(r"\s+")


def normalise_quote(text: str) -> str:
    """Normalise text the way evidence quotes are compared (docs/bank-format.md).

    NFKC, curly single/double quotes and primes to straight ones, the dash family and the
    minus sign to "-", whitespace runs to one space, ends stripped. Case is kept.
    """
    # Map before NFKC as well as after: NFKC would turn a double prime into two single
    # primes (one quote too many), and it can produce U+2010 from the non-breaking hyphen.
    text = text.translate(_QUOTE_TABLE)
    text = unicodedata.normalize("NFKC", text).translate(_QUOTE_TABLE)
    return _WHITESPACE.sub(" ", text).strip()


def contains_quote(section_text: str, quote: str) -> bool:
    """Tell whether ``quote`` occurs verbatim in ``section_text`` after normalisation."""
    needle = normalise_quote(quote)
    return bool(needle) and needle in normalise_quote(section_text)


def quote_span(section_text: str, quote: str) -> tuple[int, int] | None:
    """Where ``quote`` sits in ``section_text``, as (start, end) offsets of the original text.

    Matching uses the evidence normalisation, so a straight-quoted quote finds the curly
    original; the span covers the original characters, ready to be highlighted.
    """
    needle = normalise_quote(quote)
    if not needle:
        return None
    normalised: list[str] = []
    origin: list[int] = []  # origin[k] = index in section_text of normalised[k]
    for index, char in enumerate(section_text):
        for mapped in normalise_quote(char) if not char.isspace() else " ":
            if mapped == " " and (not normalised or normalised[-1] == " "):
                continue
            normalised.append(mapped)
            origin.append(index)
    found = "".join(normalised).find(needle)
    if found < 0:
        return None
    return origin[found], origin[found + len(needle) - 1] + 1


# A sentence ends at ., !, ? or an ellipsis (optionally followed by closing quotes or
# brackets) before whitespace; a newline always ends one, so table rows and headings
# stay separate passages.
_BOUNDARY = re.compile(r"[.!?\u2026]+[\"'\u201d\u2019)\]]*(?=\s)|\n")
_DEFAULT_WIDTH = 300
# Longer windows than this never look like one quote, and they make the search quadratic.
_MAX_WINDOW_SENTENCES = 8


def _sentence_spans(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        spans.append((start, match.end()))
        start = match.end()
    spans.append((start, len(text)))
    trimmed = []
    for begin, end in spans:
        chunk = text[begin:end]
        if chunk.strip():
            lead = len(chunk) - len(chunk.lstrip())
            trail = len(chunk) - len(chunk.rstrip())
            trimmed.append((begin + lead, end - trail))
    return trimmed


def _comparable(text: str) -> str:
    return normalise_quote(text).casefold()


def closest_passage(section_text: str, quote: str, *, width: int | None = None) -> str:
    """Return the passage of ``section_text`` that looks most like ``quote``.

    Candidates are runs of whole sentences of about the quote's length in words. The best
    one is the one covering most of the quote (difflib matching on normalised, case-folded
    text), ties going to the tighter passage. The result is the original wording with
    whitespace collapsed (so it fits on one error-message line), cut around the matching
    part to at most ``width`` characters (default 300) with "..." marking cuts.
    """
    limit = _DEFAULT_WIDTH if width is None else max(width, 1)
    spans = _sentence_spans(section_text)
    if not spans:
        return ""
    needle = _comparable(quote)
    quote_words = max(len(needle.split()), 1)

    best: tuple[float, float] = (-1.0, -1.0)
    best_span = spans[0]
    for i, (begin, _) in enumerate(spans):
        words = 0
        for j in range(i, min(i + _MAX_WINDOW_SENTENCES, len(spans))):
            end = spans[j][1]
            words += len(section_text[spans[j][0] : end].split())
            candidate = _comparable(section_text[begin:end])
            matcher = SequenceMatcher(None, needle, candidate, autojunk=False)
            matched = sum(block.size for block in matcher.get_matching_blocks())
            # Coverage of the quote first: a long sentence holding the quote beats a
            # short unrelated one that merely has a similar length.
            score = (matched / max(len(needle), 1), matcher.ratio())
            if score > best:
                best, best_span = score, (begin, end)
            if words >= quote_words:
                break

    passage = _WHITESPACE.sub(" ", section_text[best_span[0] : best_span[1]]).strip()
    return _cut_around(passage, quote, limit)


def _cut_around(passage: str, quote: str, limit: int) -> str:
    if len(passage) <= limit:
        return passage
    # Centre the excerpt on the longest stretch the quote shares with the passage, so the
    # author sees the part they most likely meant.
    folded = passage.casefold()
    needle = _comparable(quote)
    matcher = SequenceMatcher(None, needle, folded, autojunk=False)
    block = matcher.find_longest_match(0, len(needle), 0, len(folded))
    centre = block.b + block.size // 2 if block.size else 0
    start = max(0, min(centre - limit // 2, len(passage) - limit))
    end = start + limit
    if start > 0:
        space = passage.find(" ", start)
        start = space + 1 if 0 <= space < end else start
    if end < len(passage):
        space = passage.rfind(" ", start, end)
        end = space if space > start else end
    excerpt = passage[start:end].strip()
    prefix = "..." if start > 0 else ""
    suffix = "..." if end < len(passage) else ""
    return f"{prefix}{excerpt}{suffix}"


_APOSTROPHES = re.compile("['\u2019\u2018\u02bc]")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def slugify(title: str) -> str:
    """Turn a title into a slug: lower-case ASCII words joined by "-".

    Accents are dropped ("é" -> "e"), apostrophes vanish without splitting a word
    ("China\u2019s" -> "chinas"), every other run of punctuation, spaces or non-ASCII letters
    becomes one "-", and "-" is stripped from both ends. May return "" for a title with
    no ASCII letters or digits; callers treat that as an error.
    """
    decomposed = unicodedata.normalize("NFKD", title)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    bare = _APOSTROPHES.sub("", bare).casefold()
    return _NON_ALNUM.sub("-", bare).strip("-")
