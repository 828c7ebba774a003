"""Short answer: a typed answer compared with the accepted answers after normalisation.

Form: ``answer`` text (at most 500 characters). Stored: the text as typed. Response: the
same. GIFT: ``{=answer =other}``. Moodle XML: ``shortanswer``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar

from quizapp.domain.interchange.gift_syntax import GiftReader, GiftSpan, Refused, escape_text
from quizapp.domain.interchange.moodle_xml_syntax import (
    XmlReader,
    answer_element,
    number_text,
    raw_text,
)
from quizapp.domain.question_types.answer_fields import (
    AnswerTokens,
    check_text_answer,
    read_text_answer,
)
from quizapp.domain.question_types.base import Checker, FieldProblem, Question, XmlSources
from quizapp.domain.text import normalise_quote

__all__ = ["SHORT_LIMIT", "ShortAnswer"]

SHORT_LIMIT = 500
_UNESCAPED_STAR = re.compile(r"(?<!\\)\*+")


def _normalise_answer(text: str, case_sensitive: bool) -> str:
    text = normalise_quote(text)
    while text.endswith((".", ",")):
        text = text[:-1].rstrip()
    return text if case_sensitive else text.casefold()


@dataclass(frozen=True, kw_only=True)
class ShortAnswer(Question):
    """A typed answer compared with the accepted answers after normalisation."""

    type_name: ClassVar[str] = "short"
    moodle_qtype: ClassVar[str | None] = "shortanswer"
    moodle_qtypes_read: ClassVar[tuple[str, ...]] = ("shortanswer",)
    gift_read_order: ClassVar[int | None] = 50

    answers: tuple[str, ...]
    case_sensitive: bool = False

    @classmethod
    def parse_fields(
        cls, data: Mapping[str, object]
    ) -> tuple[dict[str, object], list[FieldProblem]]:
        """Validate ``answers`` (non-empty list of text) and ``case_sensitive``."""
        check = Checker()
        answers = []
        for i, value in enumerate(check.entries(data, "answers", minimum=1)):
            answer = check.text_value(value, ("answers", i))
            if answer is not None and not _normalise_answer(answer, True):
                # Only punctuation: it would match an empty response.
                check.add(("answers", i), f"answers[{i}] {answer!r} has nothing to match")
            elif answer is not None:
                answers.append(answer)
        fields: dict[str, object] = {"answers": tuple(answers)}
        case_sensitive = check.boolean(data, "case_sensitive", required=False)
        if case_sensitive is not None:
            fields["case_sensitive"] = case_sensitive
        return fields, check.problems

    def grade(self, response: object) -> float:
        """1.0 if the response equals an accepted answer after normalisation, else 0.0."""
        if not isinstance(response, str):
            return 0.0
        given = _normalise_answer(response, self.case_sensitive)
        if not given:
            return 0.0
        accepted = {_normalise_answer(answer, self.case_sensitive) for answer in self.answers}
        return 1.0 if given in accepted else 0.0

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
        """The first accepted answer, then the others."""
        first, *others = self.answers
        return f"{first} (also accepted: {'; '.join(others)})" if others else first

    # -- GIFT

    def gift_problem(self) -> str | None:
        """An answer with '->' would read back as a matching question."""
        for answer in self.answers:
            if "->" in answer:
                return (
                    f"the answer {answer!r} contains '->', which would turn the block into "
                    "a matching question"
                )
        return None

    def gift_answer_lines(self) -> list[str]:
        """One ``=answer`` line per accepted answer."""
        return [f"={escape_text(answer)}" for answer in self.answers]

    @classmethod
    def gift_reads(cls, answers: GiftSpan) -> bool:
        """A block of ``=answer`` entries."""
        return answers.startswith("=")

    @classmethod
    def read_gift(cls, reader: GiftReader, answers: GiftSpan) -> dict[str, object]:
        """``{=a =b}``: the 100% answers are accepted, other weights are dropped."""
        _, parts = answers.split_at("=")
        accepted: list[str] = []
        for _, part in parts:
            weight, rest = reader.weight(part)
            text, _ = rest.partition("#")
            if weight is None or weight == 100:
                reader.where[("answers", len(accepted))] = part.strip().position
                accepted.append(reader.formatted(text.strip(), reader.format)[0].literal())
        if reader.failed:
            raise Refused()
        if not accepted:
            raise reader.refuse(
                answers.position,
                "no full-credit answer: a QuizApp short answer is right or wrong, so at "
                "least one answer must be written =answer (or =%100%answer)",
            )
        reader.where[("answers",)] = answers.position
        return {"type": cls.type_name, "answers": accepted}

    # -- Moodle XML

    def moodle_xml_body(self, problems: list[str]) -> str:
        """``<usecase>`` and one ``<answer>`` worth 100 per accepted answer."""
        body = f"    <usecase>{1 if self.case_sensitive else 0}</usecase>\n"
        for answer in self.answers:
            # Moodle reads an unescaped * as a wildcard; ours are literal stars.
            body += answer_element(
                "100", answer.replace("*", "\\*"), text_format="moodle_auto_format"
            )
        return body

    @classmethod
    def read_moodle_xml(cls, reader: XmlReader, mapping: dict[str, object]) -> XmlSources:
        """The answers worth 100% are accepted; worthless ones only carried feedback."""
        before = len(reader.problems)
        accepted: list[str] = []
        sources: list[str] = []
        for i, answer in enumerate(reader.element.findall("answer"), 1):
            fraction = reader.fraction(answer, i)
            text = raw_text(answer).strip()
            if fraction is None or fraction <= 0:
                # Worth nothing: Moodle uses these only to give feedback on a wrong answer.
                continue
            if fraction < 100:
                reader.refuse(
                    f"<answer> {i} {text!r} earns partial credit "
                    f"({number_text(round(fraction, 5))}%), and our short answers are "
                    "right or wrong"
                )
                continue
            if _UNESCAPED_STAR.search(text):
                reader.refuse(
                    f"<answer> {i} {text!r} uses the * wildcard, which our short answers do not "
                    "have; list the accepted answers instead (write \\* for a literal star)"
                )
                continue
            accepted.append(text.replace("\\*", "*"))
            sources.append(f"<answer> {i}")
        if not accepted and len(reader.problems) == before:
            reader.problem("a shortanswer question needs an <answer> worth 100%")
        mapping["type"] = cls.type_name
        mapping["answers"] = accepted
        case = reader.boolean("usecase", False)
        if case is not None:
            mapping["case_sensitive"] = case
        return {"answers": sources}
