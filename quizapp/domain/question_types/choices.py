"""What single- and multiple-choice questions share: choices, their reading, and the GIFT
and Moodle XML forms both types are written in.

GIFT and Moodle XML put both types in one syntax (a ``{=a ~b}`` block, a ``multichoice``
question), so reading one decides which of the two it is.
"""

from __future__ import annotations

import abc
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar

from quizapp.domain.grades import FRACTION_SLACK, moodle_grade, percentage_text
from quizapp.domain.interchange.gift_syntax import (
    GiftReader,
    GiftSpan,
    GiftText,
    Position,
    Refused,
    escape_text,
)
from quizapp.domain.interchange.moodle_xml_syntax import (
    XML_FORMAT,
    XmlReader,
    answer_element,
    fraction_text,
)
from quizapp.domain.question_types.base import (
    Checker,
    Question,
    XmlSources,
    field_label,
    plain_number,
)
from quizapp.domain.question_types.base import Path as FieldPath

__all__ = ["Choice", "ChoiceQuestion"]

SINGLE = "single"
MULTIPLE = "multiple"


@dataclass(frozen=True, kw_only=True)
class Choice:
    """An answer option of a single- or multiple-choice question.

    ``correct`` says whether choosing it earns credit. ``fraction`` is its share of the
    question's marks when the bank gives one (Moodle's partial credit); None means
    ``correct`` alone decides: 1 or 0 in a single-choice question, the right/wrong
    formula in a multiple-choice one.
    """

    text: str
    correct: bool
    feedback: str = ""
    fraction: float | None = None

    def __post_init__(self) -> None:
        if self.fraction is not None and self.correct != (self.fraction > 0):
            raise ValueError(f"choice {self.text!r}: correct must say whether fraction > 0")

    @property
    def credit(self) -> float:
        """What choosing it earns: its fraction, else 1 when correct and 0 when not."""
        if self.fraction is not None:
            return self.fraction
        return 1.0 if self.correct else 0.0

    def to_mapping(self) -> dict[str, object]:
        """The bank entry: ``correct`` when there is no fraction, else ``fraction``."""
        mapping: dict[str, object] = {"text": self.text}
        if self.fraction is None:
            mapping["correct"] = self.correct
        else:
            # Seven decimals read back as the same Moodle grade (0.3333333 is a third).
            mapping["fraction"] = plain_number(round(self.fraction, 7))
        if self.feedback:
            mapping["feedback"] = self.feedback
        return mapping


def parse_choices(check: Checker, data: Mapping[str, object]) -> tuple[tuple[Choice, ...], bool]:
    """Read ``choices``; the flag says whether every entry was valid.

    A choice gives ``correct`` or ``fraction`` (one of Moodle's grades), never both.
    Counting correct choices only makes sense when all of them could be read, otherwise
    the count would blame the author for a choice we had to skip.
    """
    choices: list[Choice] = []
    texts: list[tuple[FieldPath, str | None]] = []
    for i, entry in enumerate(check.entries(data, "choices", minimum=2)):
        path: FieldPath = ("choices", i)
        record = check.record(entry, path, ("text", "correct", "fraction", "feedback"))
        if record is None:
            continue
        text = check.text(record, "text", prefix=path)
        written = record.get("fraction")
        fraction = None if written is None else check.fraction_value(written, (*path, "fraction"))
        if written is not None and record.get("correct") is not None:
            check.add(
                (*path, "fraction"),
                f"{field_label(path)} gives both correct and fraction; give one "
                "(correct: true is fraction 1, correct: false is fraction 0)",
            )
            continue
        correct = None if written is not None else check.boolean(record, "correct", prefix=path)
        feedback = check.text(record, "feedback", prefix=path, required=False)
        texts.append(((*path, "text"), text))
        if text is None:
            continue
        if fraction is not None:
            choices.append(
                Choice(text=text, correct=fraction > 0, fraction=fraction, feedback=feedback or "")
            )
        elif correct is not None:
            choices.append(Choice(text=text, correct=correct, feedback=feedback or ""))
    check.unique(texts, "choice text")
    entries = data.get("choices")
    complete = isinstance(entries, list | tuple) and len(choices) == len(entries)
    return tuple(choices), complete


@dataclass(frozen=True, kw_only=True)
class ChoiceQuestion(Question):
    """A question answered by choosing among ``choices``, shown in a shuffleable order."""

    shuffled_field: ClassVar[str | None] = "choices"
    moodle_qtype: ClassVar[str | None] = "multichoice"

    choices: tuple[Choice, ...]

    def to_mapping(self) -> dict[str, object]:
        """The bank mapping, each choice with ``correct`` or its ``fraction``."""
        mapping = super().to_mapping()
        mapping["choices"] = [choice.to_mapping() for choice in self.choices]
        return mapping

    # -- the answer format

    def choice_texts(self, indices: Sequence[int]) -> str:
        """The texts of the choices at ``indices``, joined for the review page."""
        return "; ".join(self.choices[i].text for i in indices)

    def describe_key(self) -> str:
        """The right choices' texts; a choice worth part of the marks shows its share."""
        return "; ".join(
            choice.text if choice.fraction is None else f"{choice.text} ({percent(choice)})"
            for choice in self.choices
            if choice.correct
        )

    # -- GIFT

    def gift_choice_line(self, marker: str, choice: Choice) -> str:
        """One answer line: ``marker`` (``=``, ``~`` or ``~%50%``), the text, its feedback."""
        line = marker + escape_text(choice.text)
        return line + (f"#{escape_text(choice.feedback)}" if choice.feedback else "")

    @classmethod
    def gift_reads(cls, answers: GiftSpan) -> bool:
        """A block with a ``~`` holds choices."""
        return answers.find("~") >= 0

    @classmethod
    def read_gift(cls, reader: GiftReader, answers: GiftSpan) -> dict[str, object]:
        """A block with ``~``: single choice (an ``=``) or multiple answers (weights)."""
        return read_gift_choices(reader, answers, reader.open_where)

    # -- Moodle XML

    @abc.abstractmethod
    def moodle_xml_grades(self, problems: list[str]) -> list[float] | None:
        """Each choice's Moodle grade in percent, in order; None: no form (see problems)."""

    def moodle_xml_body(self, problems: list[str]) -> str:
        """``<single>``, numbering and one ``<answer>`` per choice with its grade."""
        grades = self.moodle_xml_grades(problems)
        if grades is None:
            return ""
        body = f"    <single>{'true' if self.type_name == SINGLE else 'false'}</single>\n"
        body += "    <shuffleanswers>true</shuffleanswers>\n"
        body += "    <answernumbering>abc</answernumbering>\n"
        for choice, grade in zip(self.choices, grades, strict=True):
            body += answer_element(
                fraction_text(grade), choice.text, text_format=XML_FORMAT, feedback=choice.feedback
            )
        return body

    @classmethod
    def read_moodle_xml(cls, reader: XmlReader, mapping: dict[str, object]) -> XmlSources:
        """A ``multichoice`` question: ``<single>`` and the fractions decide the type."""
        return read_moodle_multichoice(reader, mapping)


def percent(choice: Choice) -> str:
    """A choice's credit as Moodle shows a grade: ``50%``, ``33.33333%``, ``-25%``."""
    return f"{percentage_text(choice.credit)}%"


def equal_shares(grades: Sequence[float]) -> bool:
    """Whether Moodle's sum-and-clamp of ``grades`` is our right/wrong formula.

    It is when every right choice is worth 1/(number right) and every other one costs
    1/(number wrong): then the question needs no fractions.
    """
    right = [grade for grade in grades if grade > 0]
    wrong = [grade for grade in grades if grade <= 0]
    return all(abs(grade - 1 / len(right)) < 1e-9 for grade in right) and all(
        abs(grade + 1 / len(wrong)) < 1e-9 for grade in wrong
    )


def choice_key(single: bool, grades: Sequence[float]) -> list[dict[str, object]] | str:
    """The bank's ``correct``/``fraction`` of each choice Moodle grades ``grades`` (of 1),
    or why Moodle would not accept those grades.

    Moodle's rules: a single-answer question needs a choice worth 100%; the positive
    grades of a multiple-answer question add up to 100%.
    """
    if single:
        if max(grades) < 1:
            best = f"{percentage_text(max(grades))}%"
            return (
                f"no answer is worth 100% (the best is worth {best}), and a single-answer "
                "question needs one"
            )
        return [
            {"correct": grade == 1} if grade in (0, 1) else {"fraction": grade} for grade in grades
        ]
    positive = [grade for grade in grades if grade > 0]
    if not positive:
        return "no answer has a positive fraction, so no choice would be right"
    total = sum(positive)
    if abs(total - 1) > FRACTION_SLACK:
        shown = " + ".join(f"{percentage_text(grade)}%" for grade in positive)
        return (
            f"the positive grades add up to {percentage_text(total)}% ({shown}), and a "
            "multiple-answer question needs them to add up to 100%"
        )
    if equal_shares(grades):
        return [{"correct": grade > 0} for grade in grades]
    return [{"fraction": grade} for grade in grades]


def read_gift_choices(
    reader: GiftReader, answers: GiftSpan, open_where: Position
) -> dict[str, object]:
    """A block with ``~``: single answer when an ``=`` is in it, else multiple answers.

    As in Moodle, ``=`` is worth 100% and ``~`` its weight (none: 0); a single-answer
    block may hold several ``=`` and partial or negative weights.
    """
    head, parts = answers.split_at("=~")
    if not head.is_empty():
        raise reader.refuse(
            head.strip().position,
            f"expected '=' or '~' before {head.literal()!r} (each answer starts with "
            "= when right or ~ when wrong)",
        )
    if len(parts) < 2:
        raise reader.refuse(
            open_where,
            f"a multiple-choice block needs at least two answers; found {len(parts)}",
        )
    entries: list[tuple[float, GiftText, GiftText, Position]] = []
    for marker, part in parts:
        where = part.strip().position
        weight, rest = reader.weight(part)
        if marker == "=":
            if weight is not None:
                reader.problem(
                    where,
                    "a weight goes after '~' (~%50%answer); '=' already marks the "
                    "answer as 100% right",
                )
            weight = 100.0
        weight = 0.0 if weight is None else weight
        text, feedback = rest.partition("#")
        entries.append(
            (
                weight,
                reader.text(text),
                reader.text(feedback) if feedback is not None else GiftText("", where),
                where,
            )
        )
    if reader.failed:
        raise Refused()
    single = any(marker == "=" for marker, _ in parts)
    # GIFT writes grades rounded (33.33333); Moodle's list gives the exact ones back.
    grades = [moodle_grade(weight / 100) or 0.0 for weight, *_ in entries]
    key = choice_key(single, grades)
    if isinstance(key, str):
        if not any(grade > 0 for grade in grades):
            key = (
                "this choice block has no right answer: mark the right answer with '=', "
                "or give the right answers of a multiple-answer question positive weights "
                "such as ~%50% (Moodle would import it with no right answer)"
            )
        raise reader.refuse(open_where, key)
    choices = []
    for index, ((_, choice_text, choice_feedback, where), grade_key) in enumerate(
        zip(entries, key, strict=True)
    ):
        choice: dict[str, object] = {"text": choice_text.value, **grade_key}
        if choice_feedback.value:
            choice["feedback"] = choice_feedback.value
            reader.where[("choices", index, "feedback")] = choice_feedback.where
        reader.where[("choices", index)] = where
        choices.append(choice)
    reader.where[("choices",)] = open_where
    return {"type": SINGLE if single else MULTIPLE, "choices": choices}


def read_moodle_multichoice(reader: XmlReader, mapping: dict[str, object]) -> XmlSources:
    """Read a ``multichoice`` question as single choice or as multiple answers."""
    answers = reader.element.findall("answer")
    if len(answers) < 2:
        reader.problem(
            f"a multichoice question needs at least two <answer> elements, found {len(answers)}"
        )
        return {}
    single = reader.boolean("single", True)
    fractions = [reader.fraction(answer, i) for i, answer in enumerate(answers, 1)]
    choices: list[dict[str, object]] = [
        {
            "text": reader.rich_text(answer, f"<answer> {i}"),
            "feedback": reader.rich_text(answer.find("feedback"), f"<answer> {i} <feedback>")
            or None,
        }
        for i, answer in enumerate(answers, 1)
    ]
    if single is None or any(fraction is None for fraction in fractions):
        return {}
    grades = [moodle_grade((fraction or 0.0) / 100) or 0.0 for fraction in fractions]
    key = choice_key(single, grades)
    if isinstance(key, str):
        reader.refuse(key)
        return {}
    mapping["type"] = SINGLE if single else MULTIPLE
    for choice, grade_key in zip(choices, key, strict=True):
        choice.update(grade_key)
    mapping["choices"] = [{k: v for k, v in c.items() if v is not None} for c in choices]
    return {"choices": [f"<answer> {i}" for i in range(1, len(choices) + 1)]}
