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

from quizapp.domain.interchange.gift_syntax import (
    WEIGHT_SLACK,
    WEIGHT_TEXT,
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
    number_text,
)
from quizapp.domain.question_types.base import (
    Checker,
    Question,
    XmlSources,
)
from quizapp.domain.question_types.base import Path as FieldPath

__all__ = ["Choice", "ChoiceQuestion"]

SINGLE = "single"
MULTIPLE = "multiple"


@dataclass(frozen=True, kw_only=True)
class Choice:
    """An answer option of a single- or multiple-choice question."""

    text: str
    correct: bool
    feedback: str = ""


def parse_choices(check: Checker, data: Mapping[str, object]) -> tuple[tuple[Choice, ...], bool]:
    """Read ``choices``; the flag says whether every entry was valid.

    Counting correct choices only makes sense when all of them could be read, otherwise
    the count would blame the author for a choice we had to skip.
    """
    choices: list[Choice] = []
    texts: list[tuple[FieldPath, str | None]] = []
    for i, entry in enumerate(check.entries(data, "choices", minimum=2)):
        path: FieldPath = ("choices", i)
        record = check.record(entry, path, ("text", "correct", "feedback"))
        if record is None:
            continue
        text = check.text(record, "text", prefix=path)
        correct = check.boolean(record, "correct", prefix=path)
        feedback = check.text(record, "feedback", prefix=path, required=False)
        texts.append(((*path, "text"), text))
        if text is not None and correct is not None:
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

    # -- the answer format

    def choice_texts(self, indices: Sequence[int]) -> str:
        """The texts of the choices at ``indices``, joined for the review page."""
        return "; ".join(self.choices[i].text for i in indices)

    def describe_key(self) -> str:
        """The right choices' texts."""
        return self.choice_texts([i for i, c in enumerate(self.choices) if c.correct])

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
        """A block with ``~``: single choice (one ``=``) or multiple answers (weights)."""
        return read_gift_choices(reader, answers, reader.open_where)

    # -- Moodle XML

    @abc.abstractmethod
    def moodle_xml_grades(self, problems: list[str]) -> tuple[float, float] | None:
        """The Moodle grades (percent) of a right and of a wrong choice; None: no form."""

    def moodle_xml_body(self, problems: list[str]) -> str:
        """``<single>``, numbering and one ``<answer>`` per choice with its grade."""
        grades = self.moodle_xml_grades(problems)
        if grades is None:
            return ""
        right_grade, wrong_grade = grades
        body = f"    <single>{'true' if self.type_name == SINGLE else 'false'}</single>\n"
        body += "    <shuffleanswers>true</shuffleanswers>\n"
        body += "    <answernumbering>abc</answernumbering>\n"
        for choice in self.choices:
            grade = right_grade if choice.correct else wrong_grade
            body += answer_element(
                fraction_text(grade), choice.text, text_format=XML_FORMAT, feedback=choice.feedback
            )
        return body

    @classmethod
    def read_moodle_xml(cls, reader: XmlReader, mapping: dict[str, object]) -> XmlSources:
        """A ``multichoice`` question: ``<single>`` and the fractions decide the type."""
        return read_moodle_multichoice(reader, mapping)


def read_gift_choices(
    reader: GiftReader, answers: GiftSpan, open_where: Position
) -> dict[str, object]:
    """A block with ``~``: single choice (one ``=``) or multiple answers (weights)."""
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
        if marker == "=":
            weight, rest = reader.weight(part)
            if weight is not None:
                reader.problem(
                    where,
                    "a weight goes after '~' (~%50%answer); '=' already marks the "
                    "answer as 100% right",
                )
            weight = 100.0
        else:
            weight, rest = reader.weight(part)
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
    weights = [weight for weight, *_ in entries]
    positive = [weight for weight in weights if weight > 0]
    partial = [(weight, text) for weight, text, _, _ in entries if 0 < weight < 100]
    if single and partial:
        partial_weight, partial_text = partial[0]
        shown_weight = WEIGHT_TEXT.get(partial_weight, partial_weight)
        raise reader.refuse(
            partial_text.where,
            f"answer {partial_text.value!r} gives {shown_weight}% credit: "
            "a QuizApp single-choice question is right or wrong, so partial credit "
            "next to an '=' answer has no QuizApp form",
        )
    if single:
        right = [text.value for weight, text, _, _ in entries if weight == 100]
        if len(right) > 1:
            raise reader.refuse(
                open_where,
                f"{len(right)} answers are fully right ({', '.join(map(repr, right))}): "
                "a QuizApp single-choice question has exactly one right answer",
            )
    elif not positive:
        raise reader.refuse(
            open_where,
            "this choice block has no right answer: mark the right answer with '=', or "
            "give the right answers of a multiple-answer question positive weights "
            "such as ~%50% (Moodle would import it with no right answer)",
        )
    elif len(set(positive)) > 1 or abs(sum(positive) - 100) > len(positive) * WEIGHT_SLACK:
        shown = ", ".join(f"{WEIGHT_TEXT.get(w, w)}%" for w in positive)
        raise reader.refuse(
            open_where,
            f"partial-credit weights ({shown}) have no QuizApp form: a multiple-answer "
            "question gives every right choice the same share, adding up to 100% "
            "(e.g. two right choices at ~%50%)",
        )
    choices = []
    for index, (weight, choice_text, choice_feedback, where) in enumerate(entries):
        choice: dict[str, object] = {"text": choice_text.value, "correct": weight > 0}
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
    weights = [fraction or 0.0 for fraction in fractions]
    if single:
        partial = [w for w in weights if 0 < w < 100]
        full = sum(1 for w in weights if w == 100)
        if partial:
            reader.refuse(
                f"a choice is worth {number_text(round(partial[0], 5))}%, and our "
                "single-choice questions give full marks for one choice and none for the rest"
            )
            return {}
        if full != 1:
            reader.refuse(
                f"{full} answers are worth 100%, and a single-choice question needs exactly one"
                if full
                else "no answer is worth 100%, so no choice would be right"
            )
            return {}
        mapping["type"] = SINGLE
    else:
        positive = [w for w in weights if w > 0]
        if not positive:
            reader.refuse("no answer has a positive fraction, so no choice would be right")
            return {}
        if any(abs(w - positive[0]) > 1e-9 for w in positive) or (abs(sum(positive) - 100) > 1e-6):
            shown = ", ".join(number_text(round(w, 5)) for w in positive)
            reader.refuse(
                f"the right answers are worth {shown}%; our multiple-choice questions need "
                "every right answer to be worth the same share of 100%"
            )
            return {}
        mapping["type"] = MULTIPLE
    for choice, weight in zip(choices, weights, strict=True):
        choice["correct"] = weight > 0
    mapping["choices"] = [{k: v for k, v in c.items() if v is not None} for c in choices]
    return {"choices": [f"<answer> {i}" for i in range(1, len(choices) + 1)]}
