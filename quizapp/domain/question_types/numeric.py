"""Numeric: a number, graded by the first answer whose tolerance holds it; units optional.

Bank: ``answer``/``tolerance`` (one answer worth full marks), or ``answers``: a list of
``{value, tolerance?, fraction?, feedback?}`` tried in order, the first whose range holds
the response giving its fraction (Moodle's qtype_numerical). Units: ``unit``, or
``units``: ``{unit, multiplier?}`` with the first multiplier 1; a number typed with
another unit is divided by that unit's multiplier before comparing (Moodle's rule: with
``m`` as the base unit, ``km`` has multiplier 0.001 and "2 km" counts as 2000).

Form: ``answer`` text (at most 100 characters). Stored: the text as typed ("$240 billion"
is a fine answer that the grader parses). Response: the text, or a number. GIFT:
``{#3.14:0.01}`` or ``{#=3.14:0.01 =%50%3:0.5#close}``. Moodle XML: ``numerical``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar

from quizapp.domain.grades import fraction_text, percentage_text
from quizapp.domain.interchange.gift_syntax import (
    GiftReader,
    GiftSpan,
    Position,
    Refused,
    escape_text,
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
    Path,
    Question,
    XmlSources,
    finite_float,
    is_number,
    plain_number,
)
from quizapp.domain.text import normalise_quote

__all__ = ["NUMERIC_LIMIT", "Numeric", "NumericAnswer", "NumericUnit", "parse_number"]

NUMERIC_LIMIT = 100

_NUMBER = re.compile(
    r"""
    (?P<sign>[+-])?
    (?:(?:us)?[$€£]\s*)?                                  # $240, US$240 (casefolded)
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


def _split_number(text: str) -> tuple[float, list[str]] | None:
    """The number at the start of a typed answer and the words after it, casefolded."""
    cleaned = " ".join(normalise_quote(text).split()).casefold()
    match = _NUMBER.match(cleaned)
    if match is None:
        return None
    literal = (match["sign"] or "") + match["digits"].replace(",", "") + (match["exponent"] or "")
    value = finite_float(literal)
    rest = cleaned[match.end() :]
    # "12-point", "2,600-mile": a unit joined by a hyphen, as written before a noun.
    if rest[:1] == "-" and rest[1:2].isalpha():
        rest = rest[1:]
    return None if value is None else (value, rest.split())


def _unit_words(unit: str) -> list[str]:
    """A unit's words as a typed response's are compared: normalised, casefolded."""
    return normalise_quote(unit).casefold().split()


def _names_unit(words: Sequence[str], unit: str) -> bool:
    """Whether the words typed after a number name ``unit``: all of it, or some of its
    words ("240 billion" for "billion US dollars"), singular or plural, any case."""
    return all(_is_unit_word(word, _unit_words(unit)) for word in words)


# Scale words a student may type after a number ("240 bn", "$240 billion", "2.6k"); a
# unit's own scale word ("billion US dollars") is what the typed number is converted to.
_SCALES: dict[str, float] = {
    "thousand": 1e3,
    "thousands": 1e3,
    "k": 1e3,
    "million": 1e6,
    "millions": 1e6,
    "m": 1e6,
    "mn": 1e6,
    "billion": 1e9,
    "billions": 1e9,
    "bn": 1e9,
    "b": 1e9,
    "trillion": 1e12,
    "trillions": 1e12,
    "tn": 1e12,
}
# Currency words also accepted when the unit names the currency ("240 billion USD").
_CURRENCY_ALIASES: dict[str, tuple[str, ...]] = {"dollar": ("usd", "us$", "$")}


def _unit_scale(unit: str) -> tuple[float, list[str]]:
    """A unit's scale (1e9 for "billion US dollars", 1 for "miles") and its other words."""
    words = _unit_words(unit)
    scale = next((_SCALES[word] for word in words if word in _SCALES), 1.0)
    return scale, [word for word in words if word not in _SCALES]


def _names_currency(word: str, unit_words: Sequence[str]) -> bool:
    return any(
        word in aliases and any(u.startswith(currency) for u in unit_words)
        for currency, aliases in _CURRENCY_ALIASES.items()
    )


def _in_unit(value: float, rest: Sequence[str], unit: str) -> float | None:
    """``value`` typed with a scale word (and perhaps the unit's other words) converted to
    ``unit``: "240 bn" is 240 in "billion US dollars", "240 million" is 0.24 of them, so a
    wrong magnitude stays wrong. None when the words are no scale or not the unit's."""
    if not unit or not rest or rest[0] not in _SCALES:
        return None
    scale, others = _unit_scale(unit)
    if not all(_is_unit_word(w, others) or _names_currency(w, others) for w in rest[1:]):
        return None
    return finite_float(value * _SCALES[rest[0]] / scale)


def parse_number(text: str, unit: str | None = None) -> float | None:
    """Parse a typed number such as "1,234.5", "-3e2", "$240", "26%" or "240 billion".

    Accepts an optional sign, a currency symbol ($ € £) before the number, thousands
    separators only in proper groups of three, decimals, an exponent, a trailing "%",
    and words of ``unit`` after the number (case-insensitive, singular or plural), so
    with the unit "billion US dollars" both "240 billion" and "240 billion US dollars"
    parse. With a unit, a scale word (thousand/k, million/m/mn, billion/bn/b,
    trillion/tn) converts the number to the unit's own scale: "240 bn" and "240bn" are
    240 billion US dollars, "240 million" is 0.24 of them. "26%" is 26, not 0.26:
    prompts ask for the figure in the unit they name. Returns None for anything else,
    and for NaN or infinite values.
    """
    if not isinstance(text, str):
        return None
    split = _split_number(text)
    if split is None:
        return None
    value, rest = split
    if not rest or _names_unit(rest, unit or ""):
        return value
    return _in_unit(value, rest, unit or "")


def _number(value: float) -> str:
    """Write a number as an author would: 240, not 240.0."""
    # Beyond 2**53 floats are not exact integers; keep them as floats (1e+300).
    return str(int(value)) if float(value).is_integer() and abs(value) < 2**53 else repr(value)


@dataclass(frozen=True, kw_only=True)
class NumericAnswer:
    """One answer: a value, how far off a response may be, what it earns, its feedback."""

    value: float
    tolerance: float = 0.0
    fraction: float = 1.0
    feedback: str = ""

    def __post_init__(self) -> None:
        # Numbers written as ints (answer=240) are floats like the ones the bank reads.
        for name in ("value", "tolerance", "fraction"):
            object.__setattr__(self, name, float(getattr(self, name)))

    def holds(self, number: float) -> bool:
        """Whether ``number`` lies within this answer's tolerance."""
        # Typed decimals are rarely exact in binary; forgive the last few bits (Moodle
        # widens its interval the same way).
        slack = 1e-9 * max(1.0, abs(self.value))
        return abs(number - self.value) <= self.tolerance + slack

    def describe(self, unit: str | None) -> str:
        """The value, its tolerance and the unit: "240 ± 5 billion US dollars"."""
        text = _number(self.value)
        if self.tolerance:
            text += f" ± {_number(self.tolerance)}"
        return f"{text} {unit}" if unit else text


@dataclass(frozen=True, kw_only=True)
class NumericUnit:
    """A unit a response may be typed in; ``multiplier`` is how many of it make one of the
    base unit's (Moodle's meaning: base ``m``, ``km`` has 0.001)."""

    unit: str
    multiplier: float = 1.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "multiplier", float(self.multiplier))


@dataclass(frozen=True, kw_only=True)
class Numeric(Question):
    """A number, graded by the first answer whose tolerance holds it; units optional.

    ``answers`` and ``units`` are the whole truth; ``answer``/``tolerance`` repeat the
    first answer worth full marks and ``unit`` the base unit, so a question built either
    way is the same question (and ``Numeric(answer=2, unit="m")`` still reads naturally).
    """

    type_name: ClassVar[str] = "numeric"
    moodle_qtype: ClassVar[str | None] = "numerical"
    moodle_qtypes_read: ClassVar[tuple[str, ...]] = ("numerical",)
    gift_read_order: ClassVar[int | None] = 10

    answer: float | None = None
    tolerance: float = 0.0
    unit: str | None = None
    answers: tuple[NumericAnswer, ...] = ()
    units: tuple[NumericUnit, ...] = ()

    def __post_init__(self) -> None:
        answers = self.answers
        if not answers:
            if self.answer is None:
                raise TypeError("a numeric question needs answer or answers")
            answers = (NumericAnswer(value=self.answer, tolerance=self.tolerance),)
        main = next((a for a in answers if a.fraction >= 1), answers[0])
        given = (self.answer, self.tolerance)
        if self.answers and self.answer is not None and given != (main.value, main.tolerance):
            raise ValueError("answer and tolerance disagree with the first full-credit answer")
        units = self.units or ((NumericUnit(unit=self.unit),) if self.unit else ())
        if self.units and self.unit is not None and self.unit != units[0].unit:
            raise ValueError("unit disagrees with the first of units")
        object.__setattr__(self, "answers", answers)
        object.__setattr__(self, "answer", main.value)
        object.__setattr__(self, "tolerance", main.tolerance)
        object.__setattr__(self, "units", units)
        object.__setattr__(self, "unit", units[0].unit if units else None)

    # -- bank fields

    @classmethod
    def parse_fields(
        cls, data: Mapping[str, object]
    ) -> tuple[dict[str, object], list[FieldProblem]]:
        """Validate ``answer``/``tolerance`` or ``answers``, and ``unit`` or ``units``."""
        check = Checker()
        fields: dict[str, object] = {}
        if data.get("answers") is not None:
            for name in ("answer", "tolerance"):
                if data.get(name) is not None:
                    check.add(
                        (name,),
                        f"'{name}' and 'answers' are two ways to give the answer: write the "
                        "value and tolerance inside each entry of 'answers' instead",
                    )
            fields["answers"] = _read_answers(check, data)
        else:
            fields["answer"] = check.number(data, "answer")
            tolerance = check.number(data, "tolerance", required=False, minimum=0)
            if tolerance is not None:
                fields["tolerance"] = tolerance
        if data.get("units") is not None:
            if data.get("unit") is not None:
                check.add(
                    ("unit",),
                    "'unit' and 'units' are two ways to give the unit: list the base unit "
                    "first in 'units' instead",
                )
            fields["units"] = _read_units(check, data)
        else:
            unit = check.text(data, "unit", required=False)
            if unit is not None:
                fields["unit"] = unit
        return fields, check.problems

    def has_single_answer(self) -> bool:
        """One answer worth full marks and no feedback: the bank's ``answer`` form."""
        (first, *others) = self.answers
        return not others and first.fraction == 1 and not first.feedback

    def to_mapping(self) -> dict[str, object]:
        """Today's ``answer``/``tolerance``/``unit`` whenever they say it all, else the
        ``answers`` and ``units`` lists; the other fields as every type writes them."""
        common = super().to_mapping()
        mapping = {key: common.pop(key) for key in ("id", "type", "prompt")}
        if self.has_single_answer():
            mapping["answer"] = plain_number(self.answers[0].value)
            if self.tolerance:
                mapping["tolerance"] = plain_number(self.tolerance)
        else:
            mapping["answers"] = [_answer_mapping(answer) for answer in self.answers]
        if len(self.units) == 1 and self.units[0].multiplier == 1:
            mapping["unit"] = self.units[0].unit
        elif self.units:
            mapping["units"] = [_unit_mapping(unit) for unit in self.units]
        for key in ("answer", "tolerance", "unit", "answers", "units"):
            common.pop(key, None)
        return {**mapping, **common}

    # -- grading

    def read_response(self, response: object) -> float | None:
        """The response's number in the base unit: a typed unit other than the base is
        divided by its multiplier; None when it is no number or names no unit of ours."""
        if is_number(response):
            return finite_float(response)
        if not isinstance(response, str):
            return None
        split = _split_number(response)
        if split is None:
            return None
        value, rest = split
        if not rest:
            return value
        # The whole name first ("km" is not mistaken for part of another unit), then any
        # unit the words are part of, in order.
        named = next(
            (u for u in self.units if rest in (_unit_words(u.unit), _unit_words(u.unit + "s"))),
            None,
        ) or next((u for u in self.units if _names_unit(rest, u.unit)), None)
        if named is not None:
            return finite_float(value / named.multiplier)
        # A scale word typed with the number ("240 bn"), converted to the first unit
        # it fits, then by that unit's multiplier.
        for unit in self.units:
            scaled = _in_unit(value, rest, unit.unit)
            if scaled is not None:
                return finite_float(scaled / unit.multiplier)
        return None

    def matching_answer(self, response: object) -> NumericAnswer | None:
        """The first answer, in order, whose range holds the response (Moodle's rule)."""
        value = self.read_response(response)
        if value is None:
            return None
        return next((answer for answer in self.answers if answer.holds(value)), None)

    def grade(self, response: object) -> float:
        """The fraction of the first answer whose range holds the response, clamped to
        0..1 (a negative fraction gives 0); 0.0 when none does."""
        answer = self.matching_answer(response)
        return 0.0 if answer is None else min(1.0, max(0.0, answer.fraction))

    def feedback_for(self, response: object) -> tuple[str, ...]:
        """The feedback of the answer the response matched, if it has one."""
        answer = self.matching_answer(response)
        return () if answer is None or not answer.feedback else (answer.feedback,)

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
        """The answer, its tolerance and its unit: "240 ± 5 billion US dollars"; with
        several answers each with its share, then the other units with their multipliers:
        "2000 ± 5 m (100%); 2000 ± 100 m (50%); also in km (multiplier 0.001)"."""
        if self.has_single_answer():
            text = self.answers[0].describe(self.unit)
        else:
            text = "; ".join(
                f"{answer.describe(self.unit)} ({percentage_text(answer.fraction)}%)"
                for answer in self.answers
            )
        others = [f"{u.unit} (multiplier {_number(u.multiplier)})" for u in self.units[1:]]
        return text + (f"; also in {', '.join(others)}" if others else "")

    # -- GIFT

    def gift_problem(self) -> str | None:
        """Every numeric question has a GIFT form (its units are left out)."""
        return None

    def gift_answer_lines(self) -> list[str]:
        """One ``=%50%value:tolerance#feedback`` line per answer, in order."""
        lines = []
        for answer in self.answers:
            weight = "" if answer.fraction == 1 else f"%{percentage_text(answer.fraction)}%"
            line = f"={weight}{_gift_value(answer)}"
            lines.append(line + (f"#{escape_text(answer.feedback)}" if answer.feedback else ""))
        return lines

    def gift_answer_block(self, general_feedback: str) -> str:
        """``{#answer:tolerance}`` on one line for one answer, else a line per answer."""
        if not self.has_single_answer():
            return "{#\n" + super().gift_answer_block(general_feedback)[2:]
        return "{#" + _gift_value(self.answers[0]) + general_feedback + "}"

    @classmethod
    def gift_reads(cls, answers: GiftSpan) -> bool:
        """A block that starts with ``#``."""
        return answers.startswith("#")

    @classmethod
    def read_gift(cls, reader: GiftReader, answers: GiftSpan) -> dict[str, object]:
        """``{#3.14:0.01}``, ``{#1..5}`` or ``{#=2:0#right =%50%2:1#close}``, in order."""
        answers = answers.sub(answers.start + 1)
        scored, _ = answers.partition("~")  # "~#..." is feedback for any other answer
        head, parts = scored.split_at("=")
        pieces = ([head] if not head.is_empty() else []) + [part for _, part in parts]
        if not pieces:
            raise reader.refuse(answers.position, "expected a number after '#', e.g. {#3.14:0.01}")
        read: list[dict[str, object]] = []
        for piece in pieces:
            weight, rest = reader.weight(piece)
            value, feedback = rest.partition("#")
            where = value.strip().position
            number = _numeric_answer(reader, value.literal(), where)
            if number is None:
                continue
            entry: dict[str, object] = {"value": number[0], "tolerance": number[1]}
            if weight is not None and weight != 100:
                entry["fraction"] = weight / 100
            index = len(read)
            reader.where[("answers", index)] = where
            text = reader.text(feedback) if feedback is not None else None
            if text is not None and text.value:
                entry["feedback"] = text.value
                reader.where[("answers", index, "feedback")] = text.where
            read.append(entry)
        if reader.failed:
            raise Refused()
        if not any(entry.get("fraction", 1) == 1 for entry in read):
            raise reader.refuse(
                answers.position,
                "no full-credit answer: write the right number without a weight or with "
                "=%100%, e.g. {#=2:0 =%50%2:1}",
            )
        reader.where[("answers",)] = reader.open_where
        return {"type": cls.type_name, "answers": read}

    # -- Moodle XML

    def moodle_xml_body(self, problems: list[str]) -> str:
        """An ``<answer>`` per answer with its grade, ``<tolerance>`` and feedback, and
        the units with their multipliers."""
        body = ""
        for answer in self.answers:
            tolerance = f"      <tolerance>{number_text(answer.tolerance)}</tolerance>\n"
            body += answer_element(
                percentage_text(answer.fraction),
                number_text(answer.value),
                text_format="moodle_auto_format",
                feedback=answer.feedback,
                extra=tolerance,
            )
        if self.units:
            body += "    <units>\n"
            for unit in self.units:
                body += "      <unit>\n"
                body += f"        <multiplier>{number_text(unit.multiplier)}</multiplier>\n"
                body += f"        <unit_name>{escape(unit.unit)}</unit_name>\n"
                body += "      </unit>\n"
            body += "    </units>\n"
        # Units optional and typed after the number, as our grading accepts them; no unit: none.
        body += "    <unitgradingtype>0</unitgradingtype>\n    <unitpenalty>0.1</unitpenalty>\n"
        body += f"    <showunits>{0 if self.units else 3}</showunits>\n"
        body += "    <unitsleft>0</unitsleft>\n"
        return body

    @classmethod
    def read_moodle_xml(cls, reader: XmlReader, mapping: dict[str, object]) -> XmlSources:
        """Every ``<answer>`` in order with its grade, tolerance and feedback, and the
        ``<units>`` with their multipliers, the one of multiplier 1 first."""
        before = len(reader.problems)
        answers: list[dict[str, object]] = []
        sources: list[str] = []
        for i, element in enumerate(reader.element.findall("answer"), 1):
            fraction = reader.fraction(element, i)
            text = raw_text(element).strip()
            feedback = reader.rich_text(element.find("feedback"), f"<answer> {i} <feedback>")
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
            tolerance_text = raw_text(element.find("tolerance")).strip() or "0"
            tolerance = to_number(tolerance_text)
            if tolerance is None or tolerance < 0:
                reader.problem(
                    f"<answer> {i}: <tolerance> {tolerance_text!r} must be a number of at least 0"
                )
            if fraction is None or value is None or tolerance is None:
                continue
            answer: dict[str, object] = {"value": value, "tolerance": tolerance}
            if fraction != 100:
                answer["fraction"] = fraction / 100
            if feedback:
                answer["feedback"] = feedback
            answers.append(answer)
            sources.append(f"<answer> {i}")
        if len(reader.problems) == before and not any(
            answer.get("fraction", 1) == 1 for answer in answers
        ):
            reader.problem("a numerical question needs an <answer> worth 100%")
        mapping["type"] = cls.type_name
        mapping["answers"] = answers
        units, unit_sources = _read_xml_units(reader)
        if units:
            mapping["units"] = units
        return {"answers": sources, "units": unit_sources}


def _gift_value(answer: NumericAnswer) -> str:
    value = format_number(answer.value)
    return value + (":" + format_number(answer.tolerance) if answer.tolerance else "")


def _answer_mapping(answer: NumericAnswer) -> dict[str, object]:
    mapping: dict[str, object] = {"value": plain_number(answer.value)}
    if answer.tolerance:
        mapping["tolerance"] = plain_number(answer.tolerance)
    if answer.fraction != 1:
        mapping["fraction"] = plain_number(float(fraction_text(answer.fraction)))
    if answer.feedback:
        mapping["feedback"] = answer.feedback
    return mapping


def _unit_mapping(unit: NumericUnit) -> dict[str, object]:
    return {"unit": unit.unit, "multiplier": plain_number(unit.multiplier)}


# ----------------------------------------------------------------------- reading the bank


def _entry_number(
    check: Checker,
    record: Mapping[str, object],
    path: Path,
    *,
    required: bool,
    minimum: float | None = None,
    exclusive: bool = False,
) -> float | None:
    """A number inside a list entry, checked as :meth:`Checker.number` checks a field."""
    return check.number(
        record,
        str(path[-1]),
        prefix=path[:-1],
        required=required,
        minimum=minimum,
        exclusive=exclusive,
    )


def _read_answers(check: Checker, data: Mapping[str, object]) -> tuple[NumericAnswer, ...]:
    answers: list[NumericAnswer] = []
    before = len(check.problems)
    entries = check.entries(data, "answers", minimum=1)
    for index, entry in enumerate(entries):
        path: Path = ("answers", index)
        record = check.record(entry, path, ("value", "tolerance", "fraction", "feedback"))
        if record is None:
            continue
        value = _entry_number(check, record, (*path, "value"), required=True)
        tolerance = _entry_number(check, record, (*path, "tolerance"), required=False, minimum=0)
        fraction = 1.0
        if record.get("fraction") is not None:
            fraction = check.fraction_value(record["fraction"], (*path, "fraction")) or 0.0
        feedback = check.text(record, "feedback", prefix=path, required=False)
        if value is not None:
            answers.append(
                NumericAnswer(
                    value=value,
                    tolerance=tolerance or 0.0,
                    fraction=fraction,
                    feedback=feedback or "",
                )
            )
    if entries and len(check.problems) == before and not any(a.fraction == 1 for a in answers):
        shares = ", ".join(f"{percentage_text(a.fraction)}%" for a in answers)
        check.add(
            ("answers",),
            f"no answer is worth full marks (they are worth {shares}): give at least one "
            "answer fraction 1, or leave its fraction out",
        )
    return tuple(answers)


def _read_units(check: Checker, data: Mapping[str, object]) -> tuple[NumericUnit, ...]:
    units: list[NumericUnit] = []
    names: list[tuple[Path, str | None]] = []
    for index, entry in enumerate(check.entries(data, "units", minimum=1)):
        path: Path = ("units", index)
        record = check.record(entry, path, ("unit", "multiplier"))
        if record is None:
            continue
        unit = check.text(record, "unit", prefix=path)
        multiplier = _entry_number(
            check, record, (*path, "multiplier"), required=False, minimum=0, exclusive=True
        )
        if index == 0 and multiplier is not None and multiplier != 1:
            check.add(
                (*path, "multiplier"),
                f"units[0].multiplier must be 1, not {plain_number(multiplier)}: the first "
                "unit is the one the answers are written in (Moodle's rule)",
            )
        names.append(((*path, "unit"), unit.casefold() if unit else None))
        if unit is not None:
            units.append(NumericUnit(unit=unit, multiplier=multiplier or 1.0))
    check.unique(names, "unit")
    return tuple(units)


# ----------------------------------------------------------------------- reading Moodle XML


def _read_xml_units(reader: XmlReader) -> tuple[list[dict[str, object]], list[str]]:
    """The ``<units>``, the one of multiplier 1 first, and refusals for unit grading we
    do not have (units graded with a penalty, units written before the number)."""
    read: list[tuple[dict[str, object], str]] = []
    for i, element in enumerate(reader.element.findall("units/unit"), 1):
        name = raw_text(element.find("unit_name")).strip()
        written = raw_text(element.find("multiplier")).strip() or "1"
        multiplier = to_number(written)
        if multiplier is None or multiplier <= 0:
            reader.problem(f"<unit> {i}: <multiplier> {written!r} must be a number greater than 0")
            continue
        if name:  # Moodle drops a unit without a name too
            read.append(({"unit": name, "multiplier": multiplier}, f"<unit> {i}"))
    if not read:
        return [], []
    base = next((entry for entry in read if entry[0]["multiplier"] == 1), None)
    if base is None:
        reader.refuse("none of its <units> has multiplier 1, so the answer's own unit is unknown")
        return [], []
    read.remove(base)
    read.insert(0, base)
    grading = raw_text(reader.element.find("unitgradingtype")).strip() or "0"
    penalty = to_number(raw_text(reader.element.find("unitpenalty")).strip() or "0")
    if grading not in ("0", "") and penalty:
        reader.refuse(
            f"<unitgradingtype> {grading} takes {number_text(round(penalty * 100, 5))}% "
            "(<unitpenalty>) off a response without its unit or with an unknown one, and "
            "our numeric questions take the unit as optional"
        )
    if (raw_text(reader.element.find("unitsleft")).strip() or "0") not in ("0", "false"):
        reader.refuse(
            "<unitsleft> puts the unit before the number, and our numeric questions read "
            "the unit after it"
        )
    return [entry for entry, _ in read], [where for _, where in read]


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
        middle = float((low_exact + high_exact) / 2)
        half = float((high_exact - low_exact) / 2)
        if not (math.isfinite(middle) and math.isfinite(half)):
            reader.problem(where, "the answer is too large to be a number we can store")
            return None
        return middle, half
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
