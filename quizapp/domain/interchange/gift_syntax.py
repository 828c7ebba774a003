"""GIFT's syntax: reading a question's text with escapes and positions, weights, numbers,
text formats, and the escaping used when writing.

``quizapp.domain.interchange.gift`` reads and writes whole files; each question type
reads and writes its own answer block with these tools (its ``read_gift`` and
``gift_answer_block``), so this module knows no question type.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from quizapp.domain.grades import PERCENTAGE_TEXTS
from quizapp.domain.interchange import InterchangeProblem
from quizapp.domain.interchange.moodle_xml_syntax import html_to_text

Position = tuple[int, int]  # 1-based (line, column) in the imported file

# Moodle's grade options (question_bank::fraction_options_full), in percent, as written.
_WEIGHT_TEXTS = PERCENTAGE_TEXTS
MOODLE_WEIGHTS = tuple(float(text) for text in _WEIGHT_TEXTS)
# Moodle's match_grade_options accepts a fraction within 0.00001 of an option.
WEIGHT_SLACK = 0.001
WEIGHT_TEXT = dict(zip(MOODLE_WEIGHTS, _WEIGHT_TEXTS, strict=True))
_WEIGHT_LIST = ", ".join(_WEIGHT_TEXTS)

TEXT_FORMATS = ("moodle", "html", "plain", "markdown")
ESCAPABLE = frozenset(":#={}~\\")
TRUE_FALSE_KEYWORDS = {"T": True, "TRUE": True, "F": False, "FALSE": False}
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


class GiftSource:
    """One question's lines joined as Moodle joins them, with GIFT escapes resolved.

    Each line is stripped, comment lines are left out, and the lines are joined with
    ``\\n``. ``text[i]`` is a character of the result, ``escaped[i]`` says whether it came
    from an escape (and so is never syntax), ``where[i]`` is its place in the file.
    """

    def __init__(self, lines: Sequence[tuple[int, str]]) -> None:
        chars: list[str] = []
        self.escaped: list[bool] = []
        self.where: list[Position] = []
        end: Position = (lines[0][0], 1) if lines else (1, 1)
        for index, (number, line) in enumerate(lines):
            if index:
                chars.append("\n")
                self.escaped.append(False)
                self.where.append(end)
            content = line.strip()
            offset = len(line) - len(line.lstrip())
            if "\\" not in content:
                # No escapes (most lines): take the line whole, not character by character.
                chars.append(content)
                self.escaped.extend([False] * len(content))
                self.where.extend([(number, offset + i) for i in range(1, len(content) + 1)])
                end = (number, offset + len(content) + 1)
                continue
            i = 0
            while i < len(content):
                char, column = content[i], offset + i + 1
                following = content[i + 1] if i + 1 < len(content) else ""
                if char == "\\" and following and (following in ESCAPABLE or following == "n"):
                    chars.append("\n" if following == "n" else following)
                    self.escaped.append(True)
                    i += 2
                else:
                    chars.append(char)
                    self.escaped.append(False)
                    i += 1
                self.where.append((number, column))
            end = (number, offset + len(content) + 1)
        self.text = "".join(chars)
        self.end = end

    def span(self) -> GiftSpan:
        """The whole question."""
        return GiftSpan(self, 0, len(self.text))


@dataclass(frozen=True)
class GiftSpan:
    """A slice of a question's source; searches only ever match unescaped characters."""

    source: GiftSource
    start: int
    stop: int

    @property
    def raw(self) -> str:
        """The characters of the span, escapes resolved."""
        return self.source.text[self.start : self.stop]

    @property
    def position(self) -> Position:
        """Where the span starts in the file (its end, when it is empty)."""
        if self.start < len(self.source.where):
            return self.source.where[self.start]
        return self.source.end

    def at(self, index: int) -> Position:
        """Where the character at absolute ``index`` sits in the file."""
        return self.source.where[index] if index < len(self.source.where) else self.source.end

    def literal(self) -> str:
        """The text of the span, stripped."""
        return self.raw.strip()

    def is_empty(self) -> bool:
        """True when the span holds nothing but whitespace."""
        return not self.raw.strip()

    def _plain(self, index: int, length: int) -> bool:
        return not any(self.source.escaped[index : index + length])

    def find(self, needle: str, begin: int | None = None) -> int:
        """Absolute index of the first unescaped ``needle`` from ``begin``, or -1."""
        text, i = self.source.text, self.start if begin is None else begin
        while True:
            i = text.find(needle, i, self.stop)
            if i < 0 or self._plain(i, len(needle)):
                return i
            i += 1

    def rfind(self, needle: str) -> int:
        """Absolute index of the last unescaped ``needle``, or -1."""
        text, end = self.source.text, self.stop
        while True:
            i = text.rfind(needle, self.start, end)
            if i < 0 or self._plain(i, len(needle)):
                return i
            end = i + len(needle) - 1

    def startswith(self, needle: str) -> bool:
        """True when the span starts with an unescaped ``needle``."""
        return self.raw.startswith(needle) and self._plain(self.start, len(needle))

    def sub(self, start: int, stop: int | None = None) -> GiftSpan:
        """The part of this span between absolute indices ``start`` and ``stop``."""
        return GiftSpan(self.source, start, self.stop if stop is None else stop)

    def lstrip(self) -> GiftSpan:
        """The span without unescaped whitespace at its start."""
        text, start = self.source.text, self.start
        while start < self.stop and text[start].isspace() and not self.source.escaped[start]:
            start += 1
        return GiftSpan(self.source, start, self.stop)

    def strip(self) -> GiftSpan:
        """The span without unescaped whitespace at either end."""
        text, start, stop = self.source.text, self.lstrip().start, self.stop
        while stop > start and text[stop - 1].isspace() and not self.source.escaped[stop - 1]:
            stop -= 1
        return GiftSpan(self.source, start, stop)

    def split_at(self, markers: str) -> tuple[GiftSpan, list[tuple[str, GiftSpan]]]:
        """Split before every unescaped character of ``markers``.

        Returns the text before the first marker and, for each marker, the marker and the
        text that follows it up to the next one.
        """
        cuts = [
            i
            for i in range(self.start, self.stop)
            if self.source.text[i] in markers and not self.source.escaped[i]
        ]
        head = self.sub(self.start, cuts[0] if cuts else self.stop)
        parts = [
            (self.source.text[cut], self.sub(cut + 1, cuts[n + 1] if n + 1 < len(cuts) else None))
            for n, cut in enumerate(cuts)
        ]
        return head, parts

    def partition(self, separator: str) -> tuple[GiftSpan, GiftSpan | None]:
        """Split at the first unescaped ``separator``; the second part is None without one."""
        i = self.find(separator)
        if i < 0:
            return self, None
        return self.sub(self.start, i), self.sub(i + len(separator))


class Refused(Exception):
    """Stops reading one question; the problem has been recorded."""


@dataclass
class GiftText:
    """A text field read from GIFT: its value after format conversion and its place."""

    value: str
    where: Position


class GiftReader:
    """Reads one question chunk into a bank mapping, recording problems as it goes."""

    def __init__(self, path: str, problems: list[InterchangeProblem]) -> None:
        self.path = path
        self.problems = problems
        self.name: str | None = None
        self.failed = False
        self.where: dict[tuple[str | int, ...], Position] = {}
        self.format = "moodle"
        # Where the answer block's '{' stands: messages about the block as a whole point here.
        self.open_where: Position = (1, 1)

    # -- problems

    def problem(self, where: Position, message: str) -> None:
        """Record a problem at ``where`` and mark the question as failed."""
        self.failed = True
        self.problems.append(
            InterchangeProblem(
                path=self.path, message=message, line=where[0], column=where[1], name=self.name
            )
        )

    def refuse(self, where: Position, message: str) -> Refused:
        """Record a problem that makes the rest of the question unreadable."""
        self.problem(where, message)
        return Refused()

    def label(self) -> str:
        """How messages name the question."""
        return f"question {self.name!r}" if self.name else "this question"

    # -- texts

    def text(self, span: GiftSpan) -> GiftText:
        """Read a text that may start with a [format] prefix and convert it to our text."""
        value, fmt = self.formatted(span.strip(), self.format)
        where = span.strip().position
        return GiftText(self.convert(value.raw, fmt, where), where)

    def convert(self, text: str, fmt: str, where: Position) -> str:
        """Our text for ``text`` in ``fmt``; an image in HTML is a problem."""
        if _is_html(text, fmt) and _IMAGE.search(text):
            self.problem(
                where,
                "this text shows an image, and GIFT cannot carry the image's file; describe "
                "it in words, or import the question as Moodle XML, which carries its images",
            )
        return convert_text(text, fmt)

    def formatted(self, span: GiftSpan, default: str) -> tuple[GiftSpan, str]:
        """Split off a leading ``[html]``/``[moodle]``/``[plain]``/``[markdown]`` prefix."""
        if span.startswith("["):
            close = span.source.text.find("]", span.start, span.stop)
            name = span.source.text[span.start + 1 : close] if close > 0 else ""
            if name in TEXT_FORMATS:
                return span.sub(close + 1), name
        return span, default

    def weight(self, span: GiftSpan) -> tuple[float | None, GiftSpan]:
        """Read a leading ``%50%`` weight; returns (None, span) when there is none."""
        span = span.strip()
        if not span.startswith("%"):
            return None, span
        close = span.source.text.find("%", span.start + 1, span.stop)
        if close < 0:
            # Moodle reads a lone "%" as text, and so do we.
            return None, span
        written = span.source.text[span.start + 1 : close].strip()
        rest = span.sub(close + 1)
        number = gift_number(written)
        if number is None:
            # Recorded, not raised: the other answers of the block are still checked.
            self.problem(
                span.position,
                f"'%{written}%' is not a weight: expected a percentage such as %50% or "
                "%-25% (to start an answer with a literal %, put [plain] before it)",
            )
            return 0.0, rest
        for allowed in MOODLE_WEIGHTS:
            for candidate in (allowed, -allowed):
                if abs(number - candidate) < WEIGHT_SLACK:
                    return candidate, rest
        if abs(number) < WEIGHT_SLACK:
            return 0.0, rest
        self.problem(
            span.position,
            f"weight {written}% is not one of Moodle's grades: expected one of "
            f"{_WEIGHT_LIST} or 0, or one of their negatives",
        )
        return 0.0, rest

    def number(self, written: str, where: Position) -> float | None:
        """A number as GIFT writes it, or None after recording a problem."""
        value = gift_number(written.strip())
        if value is None:
            self.problem(
                where,
                f"expected a number, found {written.strip()!r} (numeric answers are "
                "written {#3.14}, {#3.14:0.01} or {#1..5})",
            )
        return value


def gift_number(text: str) -> float | None:
    if not _NUMBER.fullmatch(text):
        return None
    value = float(text)
    return value if math.isfinite(value) else None


_HTML_HINT = re.compile(r"<[A-Za-z/!]|&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z]+);")
_IMAGE = re.compile(r"<img\b", re.IGNORECASE)


def _is_html(text: str, fmt: str) -> bool:
    """Whether Moodle would render the text as HTML.

    [html] always is. Moodle's auto-format (the GIFT default) is HTML in which a line break
    counts as <br>; hand-written GIFT rarely holds any markup, so only text that does is
    converted and plain typing (a * b, 2 < 3) is kept exactly as written.
    """
    return fmt == "html" or (fmt == "moodle" and bool(_HTML_HINT.search(text)))


def convert_text(text: str, fmt: str) -> str:
    """Our text for a GIFT text in ``fmt``, converted like Moodle XML's HTML when it is HTML."""
    if not _is_html(text, fmt):
        return text.strip()
    if fmt == "moodle":
        text = text.replace("\n", "<br>")
    return html_to_text(text)


# --------------------------------------------------------------------------- writing

_ESCAPES = str.maketrans(
    {
        "\\": "\\\\",
        "#": "\\#",
        "=": "\\=",
        "~": "\\~",
        "{": "\\{",
        "}": "\\}",
        ":": "\\:",
        "\n": "\\n",
    }
)
CONTROL = re.compile(r"[\x00-\x1f\x7f]+")


def escape(text: str) -> str:
    """GIFT-escape a text so every character reads back as itself."""
    return text.replace("\r\n", "\n").replace("\r", "\n").translate(_ESCAPES)


def escape_text(text: str) -> str:
    """An escaped answer or feedback text, protected from being read as syntax.

    A leading "[" could be taken for a format and a leading "%" for a weight; an explicit
    [markdown] (the format our texts are in) in front keeps both literal.
    """
    escaped = escape(text)
    return f"[markdown]{escaped}" if text.startswith(("[", "%")) else escaped


def format_number(value: float) -> str:
    """The shortest text that reads back as exactly ``value`` (42, not 42.0)."""
    value = float(value)
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def nearest_weight(share: float) -> float:
    return min(MOODLE_WEIGHTS, key=lambda weight: abs(weight - share))


def exact_weight(count: int) -> float | None:
    share = 100 / count
    weight = nearest_weight(share)
    return weight if abs(weight - share) < WEIGHT_SLACK else None
