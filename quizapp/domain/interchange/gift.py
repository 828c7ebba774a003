"""GIFT, Moodle's plain-text question format: import (:func:`parse_gift`) and export
(:func:`dump_gift`).

The reading follows Moodle's own importer (question/format/gift/format.php): questions
are separated by blank lines, whole-line ``//`` comments are dropped (Moodle's
``// [tag:...]`` and ``// [id:...]`` markers in them are read), ``$CATEGORY:`` switches
the category, ``::title::`` names a question, one ``{...}`` block holds the answers and
``####`` the general feedback. Where Moodle guesses silently (a choice block with no
right answer, a number that is not a number, an unclosed brace) we stop with a problem
that says where and what was expected. docs/interchange-gift.md lists every mapping rule.

Export writes what this importer (and Moodle's) reads back as the same question, as far
as GIFT can say it: points, difficulty, evidence, numeric units and case sensitivity have
no GIFT syntax, and ordering questions have no GIFT form (they are written as a comment).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from quizapp.domain.interchange import (
    InterchangeError,
    InterchangeProblem,
    decode_text,
    unique_id,
)
from quizapp.domain.interchange.moodle_xml import html_to_text
from quizapp.domain.questions import (
    Matching,
    MultipleChoice,
    Numeric,
    Ordering,
    Question,
    QuestionInvalid,
    ShortAnswer,
    SingleChoice,
    TrueFalse,
    question_from_mapping,
)

__all__ = ["dump_gift", "parse_gift"]

Position = tuple[int, int]  # 1-based (line, column) in the imported file

# Moodle's grade options (question_bank::fraction_options_full), in percent, as written.
_WEIGHT_TEXTS = (
    "100",
    "90",
    "83.33333",
    "80",
    "75",
    "70",
    "66.66667",
    "60",
    "50",
    "40",
    "33.33333",
    "30",
    "25",
    "20",
    "16.66667",
    "14.28571",
    "12.5",
    "11.11111",
    "10",
    "5",
)
_MOODLE_WEIGHTS = tuple(float(text) for text in _WEIGHT_TEXTS)
# Moodle's match_grade_options accepts a fraction within 0.00001 of an option.
_WEIGHT_SLACK = 0.001
_WEIGHT_TEXT = dict(zip(_MOODLE_WEIGHTS, _WEIGHT_TEXTS, strict=True))
_WEIGHT_LIST = ", ".join(_WEIGHT_TEXTS)

_FORMATS = ("moodle", "html", "plain", "markdown")
_ESCAPABLE = frozenset(":#={}~\\")
_BLANK = "_____"
_TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_CATEGORY = "$CATEGORY:"
# One Moodle tag or idnumber marker in a comment; "\]" is a "]" inside it.
_MARKER = re.compile(r"\[(tag|id):((?:\\[\\\]]|\\|[^\\\]\x00-\x1f\x7f])*)\]")
_MARKER_ESCAPE = re.compile(r"\\([\\\]])")
_CONTEXT_SEGMENT = re.compile(r"\$\w+\$")
_BANK_ID = re.compile(r"[a-z0-9-]+")


# ------------------------------------------------------------------------------- reading


class _Source:
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
            i = 0
            while i < len(content):
                char, column = content[i], offset + i + 1
                following = content[i + 1] if i + 1 < len(content) else ""
                if char == "\\" and following and (following in _ESCAPABLE or following == "n"):
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

    def span(self) -> _Span:
        """The whole question."""
        return _Span(self, 0, len(self.text))


@dataclass(frozen=True)
class _Span:
    """A slice of a question's source; searches only ever match unescaped characters."""

    source: _Source
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

    def sub(self, start: int, stop: int | None = None) -> _Span:
        """The part of this span between absolute indices ``start`` and ``stop``."""
        return _Span(self.source, start, self.stop if stop is None else stop)

    def lstrip(self) -> _Span:
        """The span without unescaped whitespace at its start."""
        text, start = self.source.text, self.start
        while start < self.stop and text[start].isspace() and not self.source.escaped[start]:
            start += 1
        return _Span(self.source, start, self.stop)

    def strip(self) -> _Span:
        """The span without unescaped whitespace at either end."""
        text, start, stop = self.source.text, self.lstrip().start, self.stop
        while stop > start and text[stop - 1].isspace() and not self.source.escaped[stop - 1]:
            stop -= 1
        return _Span(self.source, start, stop)

    def split_at(self, markers: str) -> tuple[_Span, list[tuple[str, _Span]]]:
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

    def partition(self, separator: str) -> tuple[_Span, _Span | None]:
        """Split at the first unescaped ``separator``; the second part is None without one."""
        i = self.find(separator)
        if i < 0:
            return self, None
        return self.sub(self.start, i), self.sub(i + len(separator))


class _Refused(Exception):
    """Stops reading one question; the problem has been recorded."""


@dataclass
class _Text:
    """A text field read from GIFT: its value after format conversion and its place."""

    value: str
    where: Position


class _QuestionReader:
    """Reads one question chunk into a bank mapping, recording problems as it goes."""

    def __init__(self, path: str, problems: list[InterchangeProblem]) -> None:
        self.path = path
        self.problems = problems
        self.name: str | None = None
        self.failed = False
        self.where: dict[tuple[str | int, ...], Position] = {}
        self.format = "moodle"

    # -- problems

    def problem(self, where: Position, message: str) -> None:
        """Record a problem at ``where`` and mark the question as failed."""
        self.failed = True
        self.problems.append(
            InterchangeProblem(
                path=self.path, message=message, line=where[0], column=where[1], name=self.name
            )
        )

    def refuse(self, where: Position, message: str) -> _Refused:
        """Record a problem that makes the rest of the question unreadable."""
        self.problem(where, message)
        return _Refused()

    def label(self) -> str:
        """How messages name the question."""
        return f"question {self.name!r}" if self.name else "this question"

    # -- texts

    def text(self, span: _Span) -> _Text:
        """Read a text that may start with a [format] prefix and convert it to our text."""
        value, fmt = self.formatted(span.strip(), self.format)
        where = span.strip().position
        return _Text(self.convert(value.raw, fmt, where), where)

    def convert(self, text: str, fmt: str, where: Position) -> str:
        """Our text for ``text`` in ``fmt``; an image in HTML is a problem."""
        if _is_html(text, fmt) and _IMAGE.search(text):
            self.problem(
                where,
                "this text shows an image, and our questions cannot hold images; describe "
                "it in words or remove it first",
            )
        return _convert(text, fmt)

    def formatted(self, span: _Span, default: str) -> tuple[_Span, str]:
        """Split off a leading ``[html]``/``[moodle]``/``[plain]``/``[markdown]`` prefix."""
        if span.startswith("["):
            close = span.source.text.find("]", span.start, span.stop)
            name = span.source.text[span.start + 1 : close] if close > 0 else ""
            if name in _FORMATS:
                return span.sub(close + 1), name
        return span, default

    # -- the question

    def read(self, title: _Span | None, body: _Span) -> dict[str, object] | None:
        """Read the question text and its answer block; None when it was refused."""
        try:
            return self._read(title, body)
        except _Refused:
            return None

    def _read(self, title: _Span | None, body: _Span) -> dict[str, object] | None:
        open_at = body.find("{")
        close_at = body.find("}")
        if close_at >= 0 and (open_at < 0 or close_at < open_at):
            raise self.refuse(
                body.at(close_at),
                "'}' closes an answer block that was never opened (write \\} for a literal brace)",
            )
        if open_at < 0:
            raise self.refuse(
                body.position,
                f"type not supported: description ({self.label()} has no answer block "
                "{...}; GIFT text without answers is a Moodle description, which QuizApp "
                "does not import)",
            )
        if close_at < 0:
            raise self.refuse(
                body.at(open_at),
                "this '{' opens an answer block that is never closed: expected '}' before "
                "the blank line that ends the question",
            )
        nested = body.find("{", open_at + 1)
        if 0 <= nested < close_at:
            line, column = body.at(open_at)
            raise self.refuse(
                body.at(nested),
                f"unexpected '{{' inside the answer block opened at line {line}, column "
                f"{column}: expected '}}' first (write \\{{ for a literal brace)",
            )
        extra = min(
            (i for i in (body.find("{", close_at + 1), body.find("}", close_at + 1)) if i >= 0),
            default=-1,
        )
        if extra >= 0:
            raise self.refuse(
                body.at(extra),
                "type not supported: cloze (a second answer block; a GIFT question has "
                "one block, several blanks need Moodle's embedded-answers type, which "
                "QuizApp does not import)",
            )

        block = body.sub(open_at + 1, close_at)
        before, after = body.sub(body.start, open_at), body.sub(close_at + 1)
        prompt_span, self.format = self.formatted(before.lstrip(), "moodle")
        prompt = prompt_span.raw
        if not after.is_empty():
            # Missing-word form: the answers stood mid-sentence, so the blank goes there,
            # keeping the spaces around it.
            prompt = f"{prompt}{_BLANK}{after.raw}"
        mapping: dict[str, object] = {"prompt": self.convert(prompt, self.format, body.position)}
        self.where[("prompt",)] = body.position
        if title is not None:
            self.where[("id",)] = title.position

        feedback_at = block.rfind("####")
        answers = block.strip()
        if feedback_at >= 0:
            explanation = self.text(block.sub(feedback_at + 4))
            if explanation.value:
                mapping["explanation"] = explanation.value
                self.where[("explanation",)] = block.at(feedback_at)
            answers = block.sub(block.start, feedback_at).strip()

        open_where = body.at(open_at)
        if answers.is_empty():
            raise self.refuse(
                open_where,
                f"type not supported: essay ({self.label()} has an empty answer block; "
                "QuizApp does not import essay questions)",
            )
        if answers.startswith("#"):
            mapping.update(self.numeric(answers.sub(answers.start + 1)))
        elif answers.find("~") >= 0:
            mapping.update(self.choices(answers, open_where))
        elif answers.find("=") >= 0 and answers.find("->") >= 0:
            mapping.update(self.matching(answers))
        else:
            keyword, _ = answers.partition("#")
            if keyword.literal() in _TRUE_FALSE:
                mapping.update(self.true_false(answers))
            elif answers.startswith("="):
                mapping.update(self.short(answers))
            else:
                raise self.refuse(answers.position, _unknown_block(answers.literal()))
        return None if self.failed else mapping

    # -- answer blocks

    def weight(self, span: _Span) -> tuple[float | None, _Span]:
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
        number = _number(written)
        if number is None:
            # Recorded, not raised: the other answers of the block are still checked.
            self.problem(
                span.position,
                f"'%{written}%' is not a weight: expected a percentage such as %50% or "
                "%-25% (to start an answer with a literal %, put [plain] before it)",
            )
            return 0.0, rest
        for allowed in _MOODLE_WEIGHTS:
            for candidate in (allowed, -allowed):
                if abs(number - candidate) < _WEIGHT_SLACK:
                    return candidate, rest
        if abs(number) < _WEIGHT_SLACK:
            return 0.0, rest
        self.problem(
            span.position,
            f"weight {written}% is not one of Moodle's grades: expected one of "
            f"{_WEIGHT_LIST} or 0, or one of their negatives",
        )
        return 0.0, rest

    def choices(self, answers: _Span, open_where: Position) -> dict[str, object]:
        """A block with ``~``: single choice (one ``=``) or multiple answers (weights)."""
        head, parts = answers.split_at("=~")
        if not head.is_empty():
            raise self.refuse(
                head.strip().position,
                f"expected '=' or '~' before {head.literal()!r} (each answer starts with "
                "= when right or ~ when wrong)",
            )
        if len(parts) < 2:
            raise self.refuse(
                open_where,
                f"a multiple-choice block needs at least two answers; found {len(parts)}",
            )
        entries: list[tuple[float, _Text, _Text, Position]] = []
        for marker, part in parts:
            where = part.strip().position
            if marker == "=":
                weight, rest = self.weight(part)
                if weight is not None:
                    self.problem(
                        where,
                        "a weight goes after '~' (~%50%answer); '=' already marks the "
                        "answer as 100% right",
                    )
                weight = 100.0
            else:
                weight, rest = self.weight(part)
                weight = 0.0 if weight is None else weight
            text, feedback = rest.partition("#")
            entries.append(
                (
                    weight,
                    self.text(text),
                    self.text(feedback) if feedback is not None else _Text("", where),
                    where,
                )
            )
        if self.failed:
            raise _Refused()
        single = any(marker == "=" for marker, _ in parts)
        weights = [weight for weight, *_ in entries]
        positive = [weight for weight in weights if weight > 0]
        partial = [(weight, text) for weight, text, _, _ in entries if 0 < weight < 100]
        if single and partial:
            weight, text = partial[0]
            raise self.refuse(
                text.where,
                f"answer {text.value!r} gives {_WEIGHT_TEXT.get(weight, weight)}% credit: "
                "a QuizApp single-choice question is right or wrong, so partial credit "
                "next to an '=' answer has no QuizApp form",
            )
        if single:
            right = [text.value for weight, text, _, _ in entries if weight == 100]
            if len(right) > 1:
                raise self.refuse(
                    open_where,
                    f"{len(right)} answers are fully right ({', '.join(map(repr, right))}): "
                    "a QuizApp single-choice question has exactly one right answer",
                )
        elif not positive:
            raise self.refuse(
                open_where,
                "this choice block has no right answer: mark the right answer with '=', or "
                "give the right answers of a multiple-answer question positive weights "
                "such as ~%50% (Moodle would import it with no right answer)",
            )
        elif len(set(positive)) > 1 or abs(sum(positive) - 100) > len(positive) * _WEIGHT_SLACK:
            shown = ", ".join(f"{_WEIGHT_TEXT.get(w, w)}%" for w in positive)
            raise self.refuse(
                open_where,
                f"partial-credit weights ({shown}) have no QuizApp form: a multiple-answer "
                "question gives every right choice the same share, adding up to 100% "
                "(e.g. two right choices at ~%50%)",
            )
        choices = []
        for index, (weight, text, feedback, where) in enumerate(entries):
            choice: dict[str, object] = {"text": text.value, "correct": weight > 0}
            if feedback.value:
                choice["feedback"] = feedback.value
                self.where[("choices", index, "feedback")] = feedback.where
            self.where[("choices", index)] = where
            choices.append(choice)
        self.where[("choices",)] = open_where
        return {"type": "single" if single else "multiple", "choices": choices}

    def true_false(self, answers: _Span) -> dict[str, object]:
        """``{T}``/``{TRUE}``/``{F}``/``{FALSE}`` with ``#wrong-answer#right-answer`` feedback."""
        keyword, rest = answers.partition("#")
        answer = _TRUE_FALSE[keyword.literal()]
        wrong = right = None
        if rest is not None:
            wrong_span, right_span = rest.partition("#")
            wrong = self.text(wrong_span)
            right = self.text(right_span) if right_span is not None else None
        # Moodle: the first feedback is shown for the wrong answer, the second for the right.
        chosen_true, chosen_false = (right, wrong) if answer else (wrong, right)
        mapping: dict[str, object] = {"type": "true_false", "answer": answer}
        for name, feedback in (("feedback_true", chosen_true), ("feedback_false", chosen_false)):
            if feedback is not None and feedback.value:
                mapping[name] = feedback.value
                self.where[(name,)] = feedback.where
        self.where[("answer",)] = answers.position
        return mapping

    def short(self, answers: _Span) -> dict[str, object]:
        """``{=a =b}``: the 100% answers are accepted, other weights are dropped."""
        _, parts = answers.split_at("=")
        accepted: list[str] = []
        for _, part in parts:
            weight, rest = self.weight(part)
            text, _ = rest.partition("#")
            if weight is None or weight == 100:
                self.where[("answers", len(accepted))] = part.strip().position
                accepted.append(self.formatted(text.strip(), self.format)[0].literal())
        if self.failed:
            raise _Refused()
        if not accepted:
            raise self.refuse(
                answers.position,
                "no full-credit answer: a QuizApp short answer is right or wrong, so at "
                "least one answer must be written =answer (or =%100%answer)",
            )
        self.where[("answers",)] = answers.position
        return {"type": "short", "answers": accepted}

    def numeric(self, answers: _Span) -> dict[str, object]:
        """``{#3.14:0.01}``, ``{#1..5}`` or ``{#=2:0 =%50%2:1}``; 100% answers are kept."""
        rights, _ = answers.partition("~")  # "~#..." is feedback for any other answer
        head, parts = rights.split_at("=")
        pieces = ([head] if not head.is_empty() else []) + [part for _, part in parts]
        if not pieces:
            raise self.refuse(answers.position, "expected a number after '#', e.g. {#3.14:0.01}")
        rights: list[tuple[float, float, Position]] = []
        for piece in pieces:
            weight, rest = self.weight(piece)
            value, _ = rest.partition("#")
            answer = self.numeric_answer(value.literal(), value.strip().position)
            if answer is not None and (weight is None or weight == 100):
                rights.append((*answer, value.strip().position))
        if self.failed:
            raise _Refused()
        if not rights:
            raise self.refuse(
                answers.position,
                "no full-credit answer: write the right number without a weight or with "
                "=%100%, e.g. {#=2:0 =%50%2:1}",
            )
        answer, tolerance, where = rights[0]
        if len({(a, t) for a, t, _ in rights}) > 1:
            answer, tolerance = self.merge(rights, answers.position)
        if not (math.isfinite(answer) and math.isfinite(tolerance)):
            raise self.refuse(where, "the answer is too large to be a number we can store")
        self.where[("answer",)] = where
        self.where[("tolerance",)] = where
        return {"type": "numeric", "answer": answer, "tolerance": tolerance}

    def merge(
        self, rights: list[tuple[float, float, Position]], where: Position
    ) -> tuple[float, float]:
        """One answer and tolerance covering several overlapping full-credit answers."""
        spans = sorted((answer - tolerance, answer + tolerance) for answer, tolerance, _ in rights)
        low, high = spans[0]
        for next_low, next_high in spans[1:]:
            if next_low > high:
                raise self.refuse(
                    where,
                    f"full-credit answers {_format_number((low + high) / 2)} and "
                    f"{_format_number((next_low + next_high) / 2)} do not overlap: a QuizApp "
                    "numeric question has one answer with a tolerance",
                )
            high = max(high, next_high)
        return (low + high) / 2, (high - low) / 2

    def numeric_answer(self, written: str, where: Position) -> tuple[float, float] | None:
        """Read ``a``, ``a:tolerance`` or ``min..max`` as (answer, tolerance)."""
        if written.find("..") > 0:
            low_text, high_text = written.split("..", 1)
            low, high = self.number(low_text, where), self.number(high_text, where)
            if low is None or high is None:
                return None
            if low > high:
                self.problem(where, f"the range {written} runs backwards: expected min..max")
                return None
            # Decimal keeps {#3.141..3.142} at 3.1415 ± 0.0005 instead of binary noise.
            low_exact, high_exact = Decimal(low_text.strip()), Decimal(high_text.strip())
            return float((low_exact + high_exact) / 2), float((high_exact - low_exact) / 2)
        if written.find(":") > 0:
            answer_text, tolerance_text = written.split(":", 1)
            answer, tolerance = self.number(answer_text, where), self.number(tolerance_text, where)
            if answer is None or tolerance is None:
                return None
            if tolerance < 0:
                self.problem(where, f"the tolerance {tolerance_text.strip()} must not be negative")
                return None
            return answer, tolerance
        answer = self.number(written, where)
        return None if answer is None else (answer, 0.0)

    def number(self, written: str, where: Position) -> float | None:
        """A number as GIFT writes it, or None after recording a problem."""
        value = _number(written.strip())
        if value is None:
            self.problem(
                where,
                f"expected a number, found {written.strip()!r} (numeric answers are "
                "written {#3.14}, {#3.14:0.01} or {#1..5})",
            )
        return value

    def matching(self, answers: _Span) -> dict[str, object]:
        """``{=left -> right ...}``; pairs with an empty left (Moodle's distractors) are dropped."""
        head, parts = answers.split_at("=")
        if not head.is_empty():
            raise self.refuse(
                head.strip().position,
                f"expected '=' before {head.literal()!r} (matching pairs are written "
                "=left -> right)",
            )
        pairs: list[dict[str, object]] = []
        for _, part in parts:
            left, right = part.partition("->")
            if right is None:
                raise self.refuse(
                    part.strip().position,
                    f"expected 'left -> right' in a matching block, found {part.literal()!r}",
                )
            left_text = self.text(left)
            if not left_text.value:
                raise self.refuse(
                    part.strip().position,
                    f"'= -> {right.literal()}' is an extra wrong answer (a distractor), which "
                    "our matching questions do not have: each right item pairs with exactly "
                    "one left item",
                )
            self.where[("pairs", len(pairs))] = part.strip().position
            pairs.append({"left": left_text.value, "right": right.literal()})
        self.where[("pairs",)] = answers.position
        return {"type": "matching", "pairs": pairs}


def _unknown_block(written: str) -> str:
    if written.casefold() in {"t", "true", "f", "false"}:
        return (
            f"{{{written}}} is not a true/false answer: write {{T}} or {{TRUE}}, {{F}} or "
            "{FALSE} in capitals (Moodle reads anything else as a short answer)"
        )
    shown = written if len(written) <= 40 else written[:37] + "..."
    return (
        f"unknown answer block {{{shown}}}: expected {{T}} or {{F}}, choices =right "
        "~wrong, short answers =answer, a number #3.14 or pairs =left -> right"
    )


def _number(text: str) -> float | None:
    if not _NUMBER.fullmatch(text):
        return None
    value = float(text)
    return value if math.isfinite(value) else None


# --------------------------------------------------------------------------- text formats

_HTML_HINT = re.compile(r"<[A-Za-z/!]|&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z]+);")
_IMAGE = re.compile(r"<img\b", re.IGNORECASE)


def _is_html(text: str, fmt: str) -> bool:
    """Whether Moodle would render the text as HTML.

    [html] always is. Moodle's auto-format (the GIFT default) is HTML in which a line break
    counts as <br>; hand-written GIFT rarely holds any markup, so only text that does is
    converted and plain typing (a * b, 2 < 3) is kept exactly as written.
    """
    return fmt == "html" or (fmt == "moodle" and bool(_HTML_HINT.search(text)))


def _convert(text: str, fmt: str) -> str:
    """Our text for a GIFT text in ``fmt``, converted like Moodle XML's HTML when it is HTML."""
    if not _is_html(text, fmt):
        return text.strip()
    if fmt == "moodle":
        text = text.replace("\n", "<br>")
    return html_to_text(text)


# ------------------------------------------------------------------------------- parsing


def _chunks(text: str) -> list[list[tuple[int, str]]]:
    """Split into questions at blank lines, as Moodle does; lines keep their numbers."""
    chunks: list[list[tuple[int, str]]] = []
    current: list[tuple[int, str]] = []
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for number, line in enumerate(lines, start=1):
        if line.strip():
            current.append((number, line))
        elif current:
            chunks.append(current)
            current = []
    if current:
        chunks.append(current)
    return chunks


def _markers(
    comments: Sequence[tuple[int, str]],
) -> tuple[list[tuple[str, Position]], str | None]:
    """Moodle's ``[tag:...]`` and ``[id:...]`` markers in a question's comment lines."""
    tags: list[tuple[str, Position]] = []
    idnumber: str | None = None
    for number, comment in comments:
        for match in _MARKER.finditer(comment):
            value = _MARKER_ESCAPE.sub(r"\1", match[2]).strip()
            if match[1] == "tag" and value:
                tags.append((value, (number, match.start() + 1)))
            elif match[1] == "id" and value and idnumber is None:
                idnumber = value
    return tags, idnumber


def _category_tag(category: str) -> str | None:
    """The tag a ``$CATEGORY:`` path gives: its last segment ("//" is a literal "/")."""
    segments = re.split(r"(?<!/)/(?!/)", category)
    last = segments[-1].replace("//", "/").strip()
    if not last or last == "top" or _CONTEXT_SEGMENT.fullmatch(last):
        return None
    # Moodle's automatic per-course category says nothing about the subject.
    return None if last.startswith("Default for ") else last


def parse_gift(text_or_bytes: str | bytes, path: str) -> list[Question]:
    """Read a GIFT file into questions, all or nothing.

    ``path`` names the file in problems. Every problem found in the file is collected
    and raised as one :class:`InterchangeError` (each with line and column); no
    question is returned unless the whole file is valid. Nothing else is ever raised.
    Question ids come from ``::title::`` (else a ``[id:...]`` comment marker, else the
    prompt), made unique within the file; tags come from ``[tag:...]`` comment markers
    and from the last segment of the current ``$CATEGORY:``.
    """
    text = decode_text(text_or_bytes, path)
    problems: list[InterchangeProblem] = []
    questions: list[Question] = []
    taken: set[str] = set()
    category: str | None = None
    for chunk in _chunks(text):
        comments = [(number, line) for number, line in chunk if line.strip().startswith("//")]
        body = [(number, line) for number, line in chunk if not line.strip().startswith("//")]
        if not body:
            continue
        first_line, first = body[0]
        if first.strip().startswith(_CATEGORY):
            column = len(first) - len(first.lstrip()) + 1
            if len(body) > 1:
                problems.append(
                    InterchangeProblem(
                        path=path,
                        line=body[1][0],
                        column=len(body[1][1]) - len(body[1][1].lstrip()) + 1,
                        message="expected a blank line after the $CATEGORY line (Moodle "
                        "would read this line as part of the category name)",
                    )
                )
                continue
            name = first.strip()[len(_CATEGORY) :].strip()
            if not name:
                problems.append(
                    InterchangeProblem(
                        path=path,
                        line=first_line,
                        column=column,
                        message="expected a category after $CATEGORY:, "
                        "e.g. $CATEGORY: $course$/top/Geography",
                    )
                )
                continue
            category = _category_tag(name)
            continue
        question = _read_question(path, _Source(body), comments, category, taken, problems)
        if question is not None:
            questions.append(question)
    if not questions and not problems:
        problems.append(
            InterchangeProblem(
                path=path,
                line=1,
                message="no questions found: a GIFT question is text followed by an answer "
                "block, e.g. 'Water boils at 100 °C at sea level.{T}'",
            )
        )
    if problems:
        raise InterchangeError(problems)
    return questions


def _read_question(
    path: str,
    source: _Source,
    comments: Sequence[tuple[int, str]],
    category: str | None,
    taken: set[str],
    problems: list[InterchangeProblem],
) -> Question | None:
    """One question from its chunk, or None after recording why it cannot be imported."""
    reader = _QuestionReader(path, problems)
    span = source.span().strip()
    title: _Span | None = None
    if span.startswith("::"):
        close = span.find("::", span.start + 2)
        if close < 0:
            reader.problem(
                span.position,
                "the question title opened with '::' is never closed: expected '::' after "
                "the title (write \\: for a literal colon)",
            )
            return None
        title = span.sub(span.start + 2, close)
        reader.name = title.literal() or None
        span = span.sub(close + 2).strip()
    if reader.name is None:
        words = span.literal().split()
        reader.name = " ".join(words[:8])[:60] or None
    mapping = reader.read(title, span)
    if mapping is None:
        return None

    marked, idnumber = _markers(comments)
    if category is not None:
        marked.append((category, span.position))
    tags: dict[str, Position] = {}
    for tag, where in marked:
        tags.setdefault(tag, where)
    if tags:
        mapping["tags"] = list(tags)
        for index, where in enumerate(tags.values()):
            reader.where[("tags", index)] = where
    mapping["id"] = _question_id(
        title.literal() if title is not None else "", idnumber, str(mapping["prompt"]), taken
    )
    try:
        return question_from_mapping(mapping, require_evidence=False)
    except QuestionInvalid as invalid:
        for field_problem in invalid.problems:
            where = _closest(reader.where, field_problem.path, span.position)
            reader.problem(where, field_problem.message)
        return None


def _question_id(title: str, idnumber: str | None, prompt: str, taken: set[str]) -> str:
    """The bank id: the title (kept as is when it already is a bank id), else the
    Moodle idnumber, else the prompt's first words; unique within the file."""
    if _BANK_ID.fullmatch(title) and title not in taken:
        # Our own exports write the id as the title; slugifying could change it ("a--b").
        taken.add(title)
        return title
    return unique_id(title or idnumber or " ".join(prompt.split()[:8]), taken)


def _closest(
    where: dict[tuple[str | int, ...], Position], path: tuple[str | int, ...], default: Position
) -> Position:
    for length in range(len(path), 0, -1):
        if path[:length] in where:
            return where[path[:length]]
    return default


# ------------------------------------------------------------------------------- writing

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
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")


def _escape(text: str) -> str:
    """GIFT-escape a text so every character reads back as itself."""
    return text.replace("\r\n", "\n").replace("\r", "\n").translate(_ESCAPES)


def _text(text: str) -> str:
    """An escaped answer or feedback text, protected from being read as syntax.

    A leading "[" could be taken for a format and a leading "%" for a weight; an explicit
    [markdown] (the format our texts are in) in front keeps both literal.
    """
    escaped = _escape(text)
    return f"[markdown]{escaped}" if text.startswith(("[", "%")) else escaped


def _format_number(value: float) -> str:
    """The shortest text that reads back as exactly ``value`` (42, not 42.0)."""
    value = float(value)
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def _nearest_weight(share: float) -> float:
    return min(_MOODLE_WEIGHTS, key=lambda weight: abs(weight - share))


def _exact_weight(count: int) -> float | None:
    share = 100 / count
    weight = _nearest_weight(share)
    return weight if abs(weight - share) < _WEIGHT_SLACK else None


def _unexportable(question: Question) -> str | None:
    """Why a question cannot be written as GIFT, or None when it can."""
    if isinstance(question, Ordering):
        return "GIFT has no ordering question type"
    if isinstance(question, Matching):
        for pair in question.pairs:
            if "->" in pair.left:
                return f"the left item {pair.left!r} contains '->', which GIFT cannot escape"
    if isinstance(question, ShortAnswer):
        for answer in question.answers:
            if "->" in answer:
                return (
                    f"the answer {answer!r} contains '->', which would turn the block into "
                    "a matching question"
                )
    if isinstance(question, MultipleChoice):
        right = sum(choice.correct for choice in question.choices)
        if right in (0, len(question.choices)):
            return "a multiple-answer question needs right and wrong choices"
        if _exact_weight(right) is None:
            return (
                f"{right} right choices would each need {100 / right:.5g}%, which is not "
                "one of Moodle's grades"
            )
    if not isinstance(
        question, SingleChoice | MultipleChoice | TrueFalse | ShortAnswer | Numeric | Matching
    ):
        return f"GIFT has no form for the {question.type_name} question type"
    return None


def _comment(text: str) -> str:
    return "// " + " ".join(_CONTROL.sub(" ", text).split())


def _skipped(question: Question, reason: str) -> list[str]:
    lines = [
        _comment(f"Not exported: {question.type_name} question {question.id!r}: {reason}."),
        _comment(f"Prompt: {question.prompt}"),
    ]
    if isinstance(question, Ordering):
        lines += [_comment(f"{n}. {item}") for n, item in enumerate(question.items, start=1)]
    return lines


def _tag(tag: str) -> str:
    value = _CONTROL.sub(" ", tag).replace("\\", "\\\\").replace("]", "\\]")
    return f"[tag:{value}]"


def _general_feedback(question: Question) -> str:
    return f"####{_text(question.explanation)}" if question.explanation else ""


def _answer_block(question: Question) -> str:
    feedback = _general_feedback(question)
    if isinstance(question, TrueFalse):
        right, wrong = (
            (question.feedback_true, question.feedback_false)
            if question.answer
            else (question.feedback_false, question.feedback_true)
        )
        block = "TRUE" if question.answer else "FALSE"
        if wrong or right:
            block += "#" + (_text(wrong) if wrong else "")
        if right:
            block += "#" + _text(right)
        return "{" + block + feedback + "}"
    if isinstance(question, Numeric):
        value = _format_number(question.answer)
        if question.tolerance:
            value += ":" + _format_number(question.tolerance)
        return "{#" + value + feedback + "}"
    lines: list[str] = []
    if isinstance(question, SingleChoice):
        for choice in question.choices:
            line = ("=" if choice.correct else "~") + _text(choice.text)
            lines.append(line + (f"#{_text(choice.feedback)}" if choice.feedback else ""))
    elif isinstance(question, MultipleChoice):
        right = sum(choice.correct for choice in question.choices)
        wrong = len(question.choices) - right
        gain = _WEIGHT_TEXT[_exact_weight(right) or 100.0]
        # -100/wrong makes Moodle's sum of weights equal our grading formula; when it is
        # not a Moodle grade the nearest one is used (our import reads any negative weight
        # as "wrong", so the question still comes back the same).
        loss = _WEIGHT_TEXT[_nearest_weight(100 / wrong)]
        for choice in question.choices:
            weight = f"~%{gain}%" if choice.correct else f"~%-{loss}%"
            line = weight + _text(choice.text)
            lines.append(line + (f"#{_text(choice.feedback)}" if choice.feedback else ""))
    elif isinstance(question, ShortAnswer):
        lines = [f"={_text(answer)}" for answer in question.answers]
    elif isinstance(question, Matching):
        lines = [f"={_text(pair.left)} -> {_escape(pair.right)}" for pair in question.pairs]
    if feedback:
        lines.append(feedback)
    return "{\n" + "".join(f"\t{line}\n" for line in lines) + "}"


def dump_gift(questions: Sequence[Question], *, category: str | None = None) -> str:
    """Write questions as a GIFT file that :func:`parse_gift` and Moodle read back.

    ``category`` is a Moodle category path (e.g. ``$course$/top/China and Russia``),
    written as a ``$CATEGORY:`` line before the questions; on import its last segment
    becomes a tag. The question id becomes the ``::title::``, tags become Moodle's
    ``// [tag:...]`` comment markers, the explanation the general feedback. Questions
    GIFT cannot express (ordering questions, and the few cases listed in
    docs/interchange-gift.md) are written as comments saying why, so Moodle and our
    importer skip them. Raises ValueError for a category that is not one line of text.
    """
    out = [_comment(f"Exported from QuizApp: {len(questions)} questions in Moodle GIFT format")]
    out.append("")
    if category is not None:
        if not category.strip() or _CONTROL.search(category):
            raise ValueError("category must be one non-empty line of text")
        out += [f"{_CATEGORY} {category.strip()}", ""]
    for question in questions:
        reason = _unexportable(question)
        if reason is not None:
            out += [*_skipped(question, reason), ""]
            continue
        if question.tags:
            out.append("// " + " ".join(_tag(tag) for tag in question.tags))
        prompt = f"::{question.id}::[markdown]{_escape(question.prompt)}"
        out += [prompt + _answer_block(question), ""]
    return "\n".join(out)
