"""Short answer: a typed answer compared with the expected answers after normalisation.

Each expected answer earns a grade (a Moodle grade, 1 unless said otherwise) and may carry
feedback; ``*`` in an answer matches any text, including none, and ``\\*`` is a literal
star, as in Moodle. The response earns the grade of the first answer, in order, that it
matches (Moodle's rule), so exports keep the order.

Form: ``answer`` text (at most 500 characters). Stored: the text as typed. Response: the
same. GIFT: ``{=answer =%50%partly#feedback}``. Moodle XML: ``shortanswer``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar

from quizapp.domain.grades import fraction_text, percentage_text
from quizapp.domain.interchange.gift_syntax import (
    TRUE_FALSE_KEYWORDS,
    GiftReader,
    GiftSpan,
    Refused,
    escape_text,
)
from quizapp.domain.interchange.moodle_xml_syntax import (
    XmlReader,
    answer_element,
    raw_text,
)
from quizapp.domain.question_types.answer_fields import (
    AnswerTokens,
    check_text_answer,
    read_text_answer,
)
from quizapp.domain.question_types.base import (
    Checker,
    FieldProblem,
    Question,
    XmlSources,
    field_label,
    plain_number,
)
from quizapp.domain.text import normalise_quote

__all__ = ["SHORT_LIMIT", "ExpectedAnswer", "ShortAnswer", "escape_wildcards", "matches"]

SHORT_LIMIT = 500
# A run of stars not preceded by a backslash is one wildcard (Moodle's rule: ** is *).
_WILDCARD = re.compile(r"(?<!\\)\*+")
_ENTRY_KEYS = ("text", "fraction", "feedback")


@dataclass(frozen=True, kw_only=True)
class ExpectedAnswer:
    """An answer the author expects: its text (``*`` a wildcard, ``\\*`` a star), the
    fraction of the marks it earns, and the feedback for a learner who typed it."""

    text: str
    fraction: float = 1.0
    feedback: str = ""

    def bank_value(self) -> object:
        """The bank's form: plain text for a full-marks answer without feedback."""
        if self.fraction == 1 and not self.feedback:
            return self.text
        value: dict[str, object] = {"text": self.text}
        if self.fraction != 1:
            value["fraction"] = plain_number(float(fraction_text(self.fraction)))
        if self.feedback:
            value["feedback"] = self.feedback
        return value


def escape_wildcards(text: str) -> str:
    """An answer that matches ``text`` itself, stars included (each written ``\\*``)."""
    return text.replace("*", "\\*")


def _drop_final_marks(text: str) -> str:
    while text.endswith((".", ",")):
        text = text[:-1].rstrip()
    return text


def _normalise(text: str, case_sensitive: bool) -> str:
    text = normalise_quote(text)
    return text if case_sensitive else text.casefold()


@functools.lru_cache(maxsize=4096)
def _pieces(answer: str, case_sensitive: bool) -> tuple[str, ...]:
    """The normalised literal pieces between the answer's wildcards (one: no wildcard).

    Each piece is normalised like a response, except that a space next to a wildcard is
    kept: ``Paris *`` needs a word after "Paris", ``Paris*`` does not. The final ``.`` and
    ``,`` are dropped from the last piece, as from a response.
    """
    bits = [bit.replace("\\*", "*") for bit in _WILDCARD.split(answer)]
    last = len(bits) - 1
    pieces = []
    for index, bit in enumerate(bits):
        piece = normalise_quote(bit)
        if index == last:
            piece = _drop_final_marks(piece)
        piece = piece if case_sensitive else piece.casefold()
        if piece:
            if index > 0 and bit[:1].isspace():
                piece = " " + piece
            if index < last and bit[-1:].isspace():
                piece += " "
        elif bit and 0 < index < last:
            piece = " "  # only spaces between two wildcards
        pieces.append(piece)
    return tuple(pieces)


def _matches_pieces(pieces: tuple[str, ...], text: str) -> bool:
    if len(pieces) == 1:
        return text == pieces[0]
    # Leftmost placement of each middle piece is optimal for '*'-only patterns, so this
    # never backtracks (a regex could, exponentially, on answers with many stars).
    first, *middle, final = pieces
    if len(text) < len(first) + len(final) or not text.startswith(first):
        return False
    if not text.endswith(final):
        return False
    position, end = len(first), len(text) - len(final)
    for piece in middle:
        found = text.find(piece, position, end)
        if found < 0:
            return False
        position = found + len(piece)
    return True


def matches(answer: str, response: str, case_sensitive: bool = False) -> bool:
    """Whether ``response`` matches the expected ``answer`` (wildcards included).

    Both are normalised as docs/bank-format.md says; an empty response matches nothing.
    """
    given = _normalise(response, case_sensitive)
    if not _drop_final_marks(given):
        return False
    pieces = _pieces(answer, case_sensitive)
    # A final wildcard swallows a final full stop; otherwise it is dropped, as ever.
    return _matches_pieces(pieces, given if pieces[-1] == "" else _drop_final_marks(given))


def _has_wildcard(text: str) -> bool:
    return bool(_WILDCARD.search(text))


def _percent(fraction: float) -> str:
    return f"{fraction * 100:.4g}%"


def _entry_problem(text: str, fraction: float, label: str) -> str | None:
    """Why an answer cannot be used, or None."""
    if not any(_pieces(text, True)):
        if not _has_wildcard(text):
            # Only punctuation: it would match an empty response.
            return f"{label} {text!r} has nothing to match"
        if fraction == 1:
            return (
                f"the answer {text!r} accepts every response for full marks; give it a lower "
                "fraction (a catch-all for feedback usually has fraction: 0), or write \\* "
                "for a literal star"
            )
    return None


@dataclass(frozen=True, kw_only=True)
class ShortAnswer(Question):
    """A typed answer, graded by the first expected answer it matches."""

    type_name: ClassVar[str] = "short"
    moodle_qtype: ClassVar[str | None] = "shortanswer"
    moodle_qtypes_read: ClassVar[tuple[str, ...]] = ("shortanswer",)
    gift_read_order: ClassVar[int | None] = 50

    answers: tuple[ExpectedAnswer, ...]
    case_sensitive: bool = False

    def __post_init__(self) -> None:
        # Plain text is an answer worth full marks, as in the bank format.
        entries = tuple(
            ExpectedAnswer(text=entry) if isinstance(entry, str) else entry
            for entry in self.answers
        )
        object.__setattr__(self, "answers", entries)

    @classmethod
    def parse_fields(
        cls, data: Mapping[str, object]
    ) -> tuple[dict[str, object], list[FieldProblem]]:
        """Validate ``answers`` (text, or ``{text, fraction?, feedback?}``, at least one worth
        1) and ``case_sensitive``."""
        check = Checker()
        answers: list[ExpectedAnswer] = []
        entries = check.entries(data, "answers", minimum=1)
        for i, value in enumerate(entries):
            entry = _parse_entry(check, value, i)
            if entry is not None:
                answers.append(entry)
        if len(answers) == len(entries) and entries and all(a.fraction < 1 for a in answers):
            shown = ", ".join(f"{a.text!r} {_percent(a.fraction)}" for a in answers)
            check.add(
                ("answers",),
                "answers needs at least one answer worth full marks (plain text, or "
                f"fraction: 1); found only {shown}",
            )
        fields: dict[str, object] = {"answers": tuple(answers)}
        case_sensitive = check.boolean(data, "case_sensitive", required=False)
        if case_sensitive is not None:
            fields["case_sensitive"] = case_sensitive
        return fields, check.problems

    def to_mapping(self) -> dict[str, object]:
        """The bank mapping; an answer worth 1 without feedback is written as plain text."""
        mapping = super().to_mapping()
        mapping["answers"] = [entry.bank_value() for entry in self.answers]
        return mapping

    # -- grading

    def first_match(self, response: object) -> ExpectedAnswer | None:
        """The first answer, in order, that the response matches, or None: Moodle's
        ``qtype_shortanswer`` grades by it, so a file from Moodle grades the same here."""
        if not isinstance(response, str):
            return None
        for entry in self.answers:
            if matches(entry.text, response, self.case_sensitive):
                return entry
        return None

    def grade(self, response: object) -> float:
        """The fraction of the first answer the response matches, clamped to 0..1."""
        matched = self.first_match(response)
        return 0.0 if matched is None else min(1.0, max(0.0, matched.fraction))

    def feedback_for(self, response: object) -> tuple[str, ...]:
        """The feedback of the answer that graded the response, if it has one."""
        matched = self.first_match(response)
        return () if matched is None or not matched.feedback else (matched.feedback,)

    # -- the answer format: kept exactly as typed; grading normalises, the review shows it

    def read_form(self, form: Mapping[str, Sequence[str]], tokens: AnswerTokens) -> str | None:
        """The typed ``answer``."""
        return read_text_answer(form, SHORT_LIMIT)

    def check_stored(self, stored: object) -> str | None:
        """Stored text within the length limit."""
        return check_text_answer(stored, SHORT_LIMIT)

    def describe_stored(self, stored: str) -> str:
        """The answer as typed."""
        return stored

    def describe_key(self) -> str:
        """The first full-marks answer, then the others and the partly right ones with their
        share: ``Paris (also accepted: paris*; 'France' for 50%)``."""
        full = [entry.text for entry in self.answers if entry.fraction == 1]
        first, others = full[0], full[1:]
        notes = [f"also accepted: {'; '.join(others)}"] if others else []
        notes += [
            f"{entry.text!r} for {_percent(entry.fraction)}"
            for entry in self.best_first()
            if 0 < entry.fraction < 1
        ]
        return f"{first} ({'; '.join(notes)})" if notes else first

    def best_first(self) -> list[ExpectedAnswer]:
        """The answers by grade, best first, in bank order among equals (for the key)."""
        return sorted(self.answers, key=lambda entry: -entry.fraction)

    # -- GIFT

    def gift_problem(self) -> str | None:
        """An answer or feedback with '->' would read back as a matching question."""
        for entry in self.answers:
            for part, text in (("answer", entry.text), ("feedback", entry.feedback)):
                if "->" in text:
                    return (
                        f"the {part} {text!r} contains '->', which would turn the block "
                        "into a matching question"
                    )
        return None

    def gift_answer_lines(self) -> list[str]:
        """``=answer``, ``=%50%answer``, each with ``#feedback``, in order (Moodle grades by
        the first match, as we do)."""
        lines = []
        for entry in self.answers:
            weight = "" if entry.fraction == 1 else f"%{percentage_text(entry.fraction)}%"
            line = f"={weight}{escape_text(entry.text)}"
            lines.append(line + (f"#{escape_text(entry.feedback)}" if entry.feedback else ""))
        return lines

    @classmethod
    def gift_reads(cls, answers: GiftSpan) -> bool:
        """What no other type claimed, as in Moodle; but a lower-case ``{true}`` is taken
        for a mistyped true/false question, not for the short answer "true"."""
        keyword, _ = answers.partition("#")
        return keyword.literal().upper() not in TRUE_FALSE_KEYWORDS

    @classmethod
    def read_gift(cls, reader: GiftReader, answers: GiftSpan) -> dict[str, object]:
        """``{=a =%50%b#feedback}``: an answer without a weight is worth 100%, as in Moodle,
        and text before the first ``=`` (``{Paris}``) is an answer too."""
        head, parts = answers.split_at("=")
        spans = ([head] if not head.is_empty() else []) + [part for _, part in parts]
        entries: list[ExpectedAnswer] = []
        full = False
        for index, span in enumerate(spans):
            where = span.strip().position
            weight, rest = reader.weight(span)
            text_span, feedback_span = rest.partition("#")
            text = reader.formatted(text_span.strip(), reader.format)[0].literal()
            if not text:
                reader.problem(where, "an answer has no text (Moodle would drop it): remove it")
            # Moodle offers no negative grade for short answers; below 0 earns what 0 does.
            fraction = 1.0 if weight is None else max(0.0, weight / 100)
            full = full or fraction == 1
            feedback = reader.text(feedback_span).value if feedback_span is not None else ""
            reader.where[("answers", index)] = where
            if feedback_span is not None:
                reader.where[("answers", index, "feedback")] = feedback_span.strip().position
            entries.append(ExpectedAnswer(text=text, fraction=fraction, feedback=feedback))
        if reader.failed:
            raise Refused()
        if not full:
            raise reader.refuse(
                answers.position,
                "no full-credit answer: at least one short answer must be worth 100% "
                "(written =answer or =%100%answer)",
            )
        reader.where[("answers",)] = answers.position
        return {"type": cls.type_name, "answers": [entry.bank_value() for entry in entries]}

    # -- Moodle XML

    def moodle_xml_body(self, problems: list[str]) -> str:
        """``<usecase>`` and one ``<answer>`` per expected answer, in order (Moodle
        grades by the first match); ``*`` and ``\\*`` mean in Moodle what they mean here."""
        body = f"    <usecase>{1 if self.case_sensitive else 0}</usecase>\n"
        for entry in self.answers:
            body += answer_element(
                percentage_text(entry.fraction),
                entry.text,
                text_format="moodle_auto_format",
                feedback=entry.feedback,
            )
        return body

    @classmethod
    def read_moodle_xml(cls, reader: XmlReader, mapping: dict[str, object]) -> XmlSources:
        """Every ``<answer>`` with its fraction and feedback; a negative fraction counts as
        0 (Moodle's short answers offer none, and the grade never goes below 0)."""
        before = len(reader.problems)
        entries: list[ExpectedAnswer] = []
        sources: list[str] = []
        full = False
        for i, answer in enumerate(reader.element.findall("answer"), 1):
            percent = reader.fraction(answer, i)
            feedback = reader.rich_text(answer.find("feedback"), f"<answer> {i} <feedback>")
            if percent is None:
                continue
            fraction = max(0.0, percent / 100)
            full = full or percent == 100
            text = raw_text(answer).strip()
            if not text:
                reader.problem(f"<answer> {i} has no text (Moodle would drop it): remove it")
                continue
            entries.append(ExpectedAnswer(text=text, fraction=fraction, feedback=feedback))
            sources.append(f"<answer> {i}")
        if not full and len(reader.problems) == before:
            reader.problem("a shortanswer question needs an <answer> worth 100%")
        mapping["type"] = cls.type_name
        mapping["answers"] = [entry.bank_value() for entry in entries]
        case = reader.boolean("usecase", False)
        if case is not None:
            mapping["case_sensitive"] = case
        return {"answers": sources}


def _parse_entry(check: Checker, value: object, index: int) -> ExpectedAnswer | None:
    """One entry of ``answers``: text worth 1, or ``{text, fraction?, feedback?}``."""
    path = ("answers", index)
    if isinstance(value, str) or not isinstance(value, Mapping):
        text = check.text_value(value, path)
        fraction, feedback = 1.0, ""
        label = field_label(path)
    else:
        record = check.record(value, path, _ENTRY_KEYS)
        if record is None:
            return None
        text = check.text(record, "text", prefix=path)
        feedback = check.text(record, "feedback", prefix=path, required=False) or ""
        fraction = 1.0
        if record.get("fraction") is not None:
            read = check.fraction_value(record["fraction"], (*path, "fraction"))
            if read is not None and read < 0:
                check.add(
                    (*path, "fraction"),
                    f"{field_label((*path, 'fraction'))} {record['fraction']!r} is negative: "
                    "a short answer earns 0 to 1 of the marks (Moodle's short answers have "
                    "no negative grades)",
                )
                return None
            if read is None:
                return None
            fraction = read
        label = field_label((*path, "text"))
    if text is None:
        return None
    problem = _entry_problem(text, fraction, label)
    if problem is not None:
        check.add(path, problem)
        return None
    return ExpectedAnswer(text=text, fraction=fraction, feedback=feedback)
