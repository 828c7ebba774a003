"""Numeric: a number, right within an absolute tolerance; the unit may be typed after it.

Form: ``answer`` text (at most 100 characters). Stored: the text as typed ("$240 billion"
is a fine answer that the grader parses). Response: the text, or a number. GIFT:
``{#3.14:0.01}``. Moodle XML: ``numerical``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar

from quizapp.domain.interchange.gift_syntax import (
    GiftReader,
    GiftSpan,
    Position,
    Refused,
    format_number,
)
from quizapp.domain.interchange.moodle_xml_syntax import (
    XmlReader,
    answer_element,
    escape,
    number_text,
    raw_text,
    to_number,
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
    finite_float,
    is_number,
)
from quizapp.domain.text import normalise_quote

__all__ = ["NUMERIC_LIMIT", "Numeric", "parse_number"]

NUMERIC_LIMIT = 100

_NUMBER = re.compile(
    r"""
    (?P<sign>[+-])?
    (?:[$€£]\s*)?
    (?P<digits>
        (?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]*)?   # 1,234.5  1234  12.
        |\.[0-9]+                                         # .5
    )
    (?P<exponent>[eE][+-]?[0-9]+)?
    (?:\s*%)?
    """,
    re.VERBOSE,
)


def _is_unit_word(word: str, unit_words: Sequence[str]) -> bool:
    return any(word in (u, u + "s") or word + "s" == u for u in unit_words)


def parse_number(text: str, unit: str | None = None) -> float | None:
    """Parse a typed number such as "1,234.5", "-3e2", "$240", "26%" or "240 billion".

    Accepts an optional sign, a currency symbol ($ € £) before the number, thousands
    separators only in proper groups of three, decimals, an exponent, a trailing "%",
    and words of ``unit`` after the number (case-insensitive, singular or plural), so
    with the unit "billion US dollars" both "240 billion" and "240 billion US dollars"
    parse. "26%" is 26, not 0.26: prompts ask for the figure in the unit they name.
    Returns None for anything else, and for NaN or infinite values.
    """
    if not isinstance(text, str):
        return None
    cleaned = " ".join(normalise_quote(text).split()).casefold()
    match = _NUMBER.match(cleaned)
    if match is None:
        return None
    rest = cleaned[match.end() :].split()
    if rest:
        unit_words = (unit or "").casefold().split()
        if not all(_is_unit_word(word, unit_words) for word in rest):
            return None
    literal = (match["sign"] or "") + match["digits"].replace(",", "") + (match["exponent"] or "")
    return finite_float(literal)


def _number(value: float) -> str:
    """Write a number as an author would: 240, not 240.0."""
    # Beyond 2**53 floats are not exact integers; keep them as floats (1e+300).
    return str(int(value)) if float(value).is_integer() and abs(value) < 2**53 else repr(value)


@dataclass(frozen=True, kw_only=True)
class Numeric(Question):
    """A number, right within an absolute tolerance; the unit may be typed after it."""

    type_name: ClassVar[str] = "numeric"
    moodle_qtype: ClassVar[str | None] = "numerical"
    moodle_qtypes_read: ClassVar[tuple[str, ...]] = ("numerical",)
    gift_read_order: ClassVar[int | None] = 10

    answer: float
    tolerance: float = 0.0
    unit: str | None = None

    @classmethod
    def parse_fields(
        cls, data: Mapping[str, object]
    ) -> tuple[dict[str, object], list[FieldProblem]]:
        """Validate ``answer`` (finite number), ``tolerance`` (>= 0) and ``unit`` (text)."""
        check = Checker()
        fields: dict[str, object] = {"answer": check.number(data, "answer")}
        tolerance = check.number(data, "tolerance", required=False, minimum=0)
        if tolerance is not None:
            fields["tolerance"] = tolerance
        unit = check.text(data, "unit", required=False)
        if unit is not None:
            fields["unit"] = unit
        return fields, check.problems

    def grade(self, response: object) -> float:
        """1.0 if abs(value - answer) <= tolerance, else 0.0."""
        if isinstance(response, str):
            value = parse_number(response, self.unit)
        elif is_number(response):
            value = finite_float(response)
        else:
            value = None
        if value is None:
            return 0.0
        # Typed decimals are rarely exact in binary; forgive the last few bits.
        slack = 1e-9 * max(1.0, abs(self.answer))
        return 1.0 if abs(value - self.answer) <= self.tolerance + slack else 0.0

    # -- the answer format: stored as typed; an unparseable number is wrong, not tampering

    def read_form(self, form: Mapping[str, Sequence[str]], tokens: AnswerTokens) -> str | None:
        """The typed ``answer``."""
        return read_text_answer(form, NUMERIC_LIMIT)

    def check_stored(self, stored: object) -> str | None:
        """Stored text within the length limit."""
        return check_text_answer(stored, NUMERIC_LIMIT)

    def describe_stored(self, stored: str) -> str:
        """The answer as typed."""
        return stored

    def describe_key(self) -> str:
        """The answer, its tolerance and its unit: "240 ± 5 billion US dollars"."""
        text = _number(self.answer)
        if self.tolerance:
            text += f" ± {_number(self.tolerance)}"
        return f"{text} {self.unit}" if self.unit else text

    # -- GIFT

    def gift_problem(self) -> str | None:
        """Every numeric question has a GIFT form (its unit is left out)."""
        return None

    def gift_answer_block(self, general_feedback: str) -> str:
        """``{#answer:tolerance}`` on one line."""
        value = format_number(self.answer)
        if self.tolerance:
            value += ":" + format_number(self.tolerance)
        return "{#" + value + general_feedback + "}"

    @classmethod
    def gift_reads(cls, answers: GiftSpan) -> bool:
        """A block that starts with ``#``."""
        return answers.startswith("#")

    @classmethod
    def read_gift(cls, reader: GiftReader, answers: GiftSpan) -> dict[str, object]:
        """``{#3.14:0.01}``, ``{#1..5}`` or ``{#=2:0 =%50%2:1}``; 100% answers are kept."""
        answers = answers.sub(answers.start + 1)
        scored, _ = answers.partition("~")  # "~#..." is feedback for any other answer
        head, parts = scored.split_at("=")
        pieces = ([head] if not head.is_empty() else []) + [part for _, part in parts]
        if not pieces:
            raise reader.refuse(answers.position, "expected a number after '#', e.g. {#3.14:0.01}")
        rights: list[tuple[float, float, Position]] = []
        for piece in pieces:
            weight, rest = reader.weight(piece)
            value, _ = rest.partition("#")
            read = _numeric_answer(reader, value.literal(), value.strip().position)
            if read is not None and (weight is None or weight == 100):
                rights.append((*read, value.strip().position))
        if reader.failed:
            raise Refused()
        if not rights:
            raise reader.refuse(
                answers.position,
                "no full-credit answer: write the right number without a weight or with "
                "=%100%, e.g. {#=2:0 =%50%2:1}",
            )
        answer, tolerance, where = rights[0]
        if len({(a, t) for a, t, _ in rights}) > 1:
            answer, tolerance = _merge(reader, rights, answers.position)
        if not (math.isfinite(answer) and math.isfinite(tolerance)):
            raise reader.refuse(where, "the answer is too large to be a number we can store")
        reader.where[("answer",)] = where
        reader.where[("tolerance",)] = where
        return {"type": cls.type_name, "answer": answer, "tolerance": tolerance}

    # -- Moodle XML

    def moodle_xml_body(self, problems: list[str]) -> str:
        """One ``<answer>`` worth 100 with its ``<tolerance>``, and the unit if any."""
        tolerance = f"      <tolerance>{number_text(self.tolerance)}</tolerance>\n"
        body = answer_element(
            "100", number_text(self.answer), text_format="moodle_auto_format", extra=tolerance
        )
        if self.unit:
            body += "    <units>\n      <unit>\n        <multiplier>1</multiplier>\n"
            body += f"        <unit_name>{escape(self.unit)}</unit_name>\n"
            body += "      </unit>\n    </units>\n"
        # Units optional and typed after the number, as our grading accepts them; no unit: none.
        body += "    <unitgradingtype>0</unitgradingtype>\n    <unitpenalty>0.1</unitpenalty>\n"
        body += f"    <showunits>{0 if self.unit else 3}</showunits>\n"
        body += "    <unitsleft>0</unitsleft>\n"
        return body

    @classmethod
    def read_moodle_xml(cls, reader: XmlReader, mapping: dict[str, object]) -> XmlSources:
        """The one answer worth 100%, its tolerance, and the unit with multiplier 1."""
        before = len(reader.problems)
        right: list[tuple[float, float]] = []
        for i, answer in enumerate(reader.element.findall("answer"), 1):
            fraction = reader.fraction(answer, i)
            text = raw_text(answer).strip()
            if text == "*":
                if fraction is not None and fraction > 0:
                    reader.refuse(f"<answer> {i} '*' accepts any number as right")
                continue  # a catch-all that only gives feedback to every other response
            value = to_number(text)
            if value is None:
                reader.problem(
                    f"<answer> {i}: {text!r} is not a number; expected a number such as 42, "
                    "-3.5 or 6.02e23"
                )
            tolerance_text = raw_text(answer.find("tolerance")).strip() or "0"
            tolerance = to_number(tolerance_text)
            if tolerance is None or tolerance < 0:
                reader.problem(
                    f"<answer> {i}: <tolerance> {tolerance_text!r} must be a number of at least 0"
                )
            if fraction is None or value is None or tolerance is None or fraction <= 0:
                continue
            if fraction < 100:
                reader.refuse(
                    f"<answer> {i} earns partial credit ({number_text(round(fraction, 5))}%), "
                    "and our numeric questions are right or wrong"
                )
                continue
            right.append((value, tolerance))
        if len(right) > 1:
            reader.refuse(
                f"{len(right)} answers are worth 100%, and our numeric questions have one answer "
                "with a tolerance"
            )
        elif not right and len(reader.problems) == before:
            reader.problem("a numerical question needs an <answer> worth 100%")
        mapping["type"] = cls.type_name
        if len(right) == 1:
            mapping["answer"], tolerance = right[0]
            if tolerance:
                mapping["tolerance"] = tolerance
        units = reader.element.findall("units/unit")
        if units:
            names = [
                raw_text(unit.find("unit_name")).strip()
                for unit in units
                if to_number(raw_text(unit.find("multiplier")) or "1") == 1
            ]
            names = [name for name in names if name]
            if names:
                mapping["unit"] = names[0]
            else:
                reader.refuse(
                    "none of its <units> has multiplier 1, so the answer's own unit is unknown"
                )
        return {}


def _merge(
    reader: GiftReader, rights: list[tuple[float, float, Position]], where: Position
) -> tuple[float, float]:
    """One answer and tolerance covering several overlapping full-credit answers."""
    spans = sorted((answer - tolerance, answer + tolerance) for answer, tolerance, _ in rights)
    low, high = spans[0]
    for next_low, next_high in spans[1:]:
        if next_low > high:
            raise reader.refuse(
                where,
                f"full-credit answers {format_number((low + high) / 2)} and "
                f"{format_number((next_low + next_high) / 2)} do not overlap: a QuizApp "
                "numeric question has one answer with a tolerance",
            )
        high = max(high, next_high)
    return (low + high) / 2, (high - low) / 2


def _numeric_answer(
    reader: GiftReader, written: str, where: Position
) -> tuple[float, float] | None:
    """Read ``a``, ``a:tolerance`` or ``min..max`` as (answer, tolerance)."""
    if written.find("..") > 0:
        low_text, high_text = written.split("..", 1)
        low, high = reader.number(low_text, where), reader.number(high_text, where)
        if low is None or high is None:
            return None
        if low > high:
            reader.problem(where, f"the range {written} runs backwards: expected min..max")
            return None
        # Decimal keeps {#3.141..3.142} at 3.1415 ± 0.0005 instead of binary noise.
        low_exact, high_exact = Decimal(low_text.strip()), Decimal(high_text.strip())
        return float((low_exact + high_exact) / 2), float((high_exact - low_exact) / 2)
    if written.find(":") > 0:
        answer_text, tolerance_text = written.split(":", 1)
        answer, tolerance = reader.number(answer_text, where), reader.number(tolerance_text, where)
        if answer is None or tolerance is None:
            return None
        if tolerance < 0:
            reader.problem(where, f"the tolerance {tolerance_text.strip()} must not be negative")
            return None
        return answer, tolerance
    answer = reader.number(written, where)
    return None if answer is None else (answer, 0.0)
