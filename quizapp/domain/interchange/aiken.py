"""Aiken: import single-choice questions from Moodle's simplest text format.

A question is one line of text, then its options one per line, each an upper-case letter
in sequence followed by ``)`` or ``.`` (``A) Paris`` or ``A. Paris``), then the line
``ANSWER: <letter>``. Blank lines are ignored, so they may separate questions. Import is
all or nothing: every problem is reported as ``file:line:column`` in one
:class:`~quizapp.domain.interchange.InterchangeError`. Aiken text is plain text, kept as
written (docs/interchange-aiken.md); there is no export, since Aiken can only carry
single-choice questions without feedback.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from quizapp.domain.interchange import (
    FileRefused,
    InterchangeError,
    InterchangeProblem,
    decode_text,
    refuse_question_count,
    unique_id,
)
from quizapp.domain.question_types import SingleChoice
from quizapp.domain.questions import Question, QuestionInvalid, question_from_mapping

__all__ = ["parse_aiken"]

# Moodle accepts "A)Paris" without the space, so do we; the text may not be empty.
_OPTION = re.compile(r"(?P<letter>[A-Z])[.)][ \t]*(?P<text>.*)")
_ANSWER = re.compile(r"ANSWER[ \t]*:", re.IGNORECASE)
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
# How our validation names a choice ("choices[1].text"); Aiken authors know it as "option B".
_CHOICE_PATH = re.compile(r"\bchoices\[(\d+)\](?:\.\w+)?")


@dataclass
class _Option:
    letter: str
    text: str
    line: int
    column: int


@dataclass
class _Open:
    """The question being read: its text line and the options seen so far."""

    text: str
    line: int
    column: int
    options: list[_Option] = field(default_factory=list)
    broken: bool = False


def _in_aiken_terms(message: str, options: list[_Option]) -> str:
    """Name choices as the author knows them: "choices[1].text" becomes "option B"."""

    def letter(match: re.Match[str]) -> str:
        index = int(match[1])
        return f"option {options[index].letter}" if index < len(options) else match[0]

    return _CHOICE_PATH.sub(letter, message)


class _Parser:
    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[InterchangeProblem] = []
        self.questions: list[Question] = []
        self.taken: set[str] = set()
        self.open: _Open | None = None

    def problem(self, line: int, column: int, message: str) -> None:
        self.problems.append(
            InterchangeProblem(path=self.path, message=message, line=line, column=column)
        )

    def feed(self, number: int, raw: str) -> None:
        stripped = raw.strip()
        if not stripped:
            return
        indent = len(raw) - len(raw.lstrip())
        answer = _ANSWER.match(stripped)
        option = _OPTION.fullmatch(stripped)
        if answer:
            self.answer_line(number, indent, stripped, answer.end())
        elif option:
            self.option_line(number, indent, option)
        else:
            self.text_line(number, indent, stripped)

    def text_line(self, number: int, indent: int, text: str) -> None:
        current = self.open
        if current is not None and not current.options:
            self.problem(
                number,
                indent + 1,
                f"the question on line {current.line} must be on one line; expected its "
                "options ('A) ...') here, found more text",
            )
            current.broken = True
            return
        if current is not None:
            self.missing_answer(current)
        self.open = _Open(text=text, line=number, column=indent + 1)

    def option_line(self, number: int, indent: int, option: re.Match[str]) -> None:
        current = self.open
        letter = option["letter"]
        if current is None:
            self.problem(
                number,
                indent + 1,
                f"option {letter} comes before any question; a question starts with its "
                "text on one line, then its options",
            )
            return
        expected = chr(ord("A") + len(current.options))
        if letter != expected:
            self.problem(
                number,
                indent + 1,
                f"option {letter} is out of sequence: expected option {expected} "
                f"of the question on line {current.line}",
            )
            current.broken = True
        text_column = indent + option.start("text") + 1
        current.options.append(_Option(letter, option["text"], number, text_column))

    def answer_line(self, number: int, indent: int, line: str, keyword_end: int) -> None:
        current, self.open = self.open, None
        if current is None:
            self.problem(number, indent + 1, "ANSWER line without a question before it")
            return
        rest = line[keyword_end:]
        letter_column = indent + keyword_end + (len(rest) - len(rest.lstrip())) + 1
        rest = rest.strip()
        ok = not current.broken
        letters = [option.letter for option in current.options]
        if len(letters) < 2:
            self.problem(
                number,
                indent + 1,
                f"the question on line {current.line} needs at least two options "
                f"('A) ...', 'B) ...'), found {len(letters)}",
            )
            ok = False
        if not rest:
            self.problem(number, letter_column, "missing ANSWER letter; write e.g. 'ANSWER: B'")
            return
        letter, tail = rest[0].upper(), rest[1:]
        if tail.strip():
            tail_column = letter_column + 1 + len(tail) - len(tail.lstrip())
            self.problem(
                number,
                tail_column,
                f"text after the ANSWER letter: {tail.strip()!r}; the line must be just "
                f"'ANSWER: {letter}' (an Aiken question has exactly one right option)",
            )
            ok = False
        if letter not in letters:
            known = f"{letters[0]}-{letters[-1]}" if letters else "none"
            self.problem(
                number,
                letter_column,
                f"unknown ANSWER letter {rest[0]!r}; the options of the question on line "
                f"{current.line} are {known}",
            )
            ok = False
        if ok:
            self.build(current, letter)

    def missing_answer(self, current: _Open) -> None:
        self.problem(
            current.line,
            current.column,
            "the question has no ANSWER line; after its options add e.g. 'ANSWER: A'",
        )

    def build(self, current: _Open, answer: str) -> None:
        mapping = {
            "id": unique_id(current.text, self.taken),
            "type": SingleChoice.type_name,
            "prompt": current.text,
            "choices": [
                {"text": option.text, "correct": option.letter == answer}
                for option in current.options
            ],
        }
        try:
            self.questions.append(question_from_mapping(mapping, require_evidence=False))
        except QuestionInvalid as invalid:
            for problem in invalid.problems:
                line, column = current.line, current.column
                if problem.path[:1] == ("choices",) and len(problem.path) > 1:
                    index = problem.path[1]
                    if isinstance(index, int) and index < len(current.options):
                        line = current.options[index].line
                        column = current.options[index].column
                self.problem(line, column, _in_aiken_terms(problem.message, current.options))

    def finish(self) -> None:
        if self.open is not None:
            self.missing_answer(self.open)
            self.open = None


# The most lines one question can have: its text, options A to Z, the ANSWER line.
_MOST_LINES_PER_QUESTION = 28


def _refuse_too_many(path: str, lines: list[str], limit: int) -> None:
    """Refuse a file with more questions than ``limit`` before reading any.

    A question has one text line and one ANSWER line, so each count is the number of
    questions of a valid file. A cheap line count comes first, so that a huge file of
    junk is refused before each line is classified.
    """
    filled = [line for line in lines if line.strip()]
    if len(filled) > limit * _MOST_LINES_PER_QUESTION:
        message = (
            f"the file has {len(filled):,} lines; {limit:,} questions (the most one import "
            f"takes) have at most {limit * _MOST_LINES_PER_QUESTION:,}: split it into "
            "several files"
        )
        raise FileRefused([InterchangeProblem(path=path, message=message)])
    answers = texts = 0
    for line in filled:
        stripped = line.strip()
        if _ANSWER.match(stripped):
            answers += 1
        elif not _OPTION.fullmatch(stripped):
            texts += 1
    refuse_question_count(path, max(answers, texts), limit)


def parse_aiken(
    data: bytes | str, path: str, *, max_questions: int | None = None
) -> list[Question]:
    """Read an Aiken file into single-choice questions, all or nothing.

    ``path`` only names the file in problems. Raises
    :class:`~quizapp.domain.interchange.InterchangeError` with every problem as
    ``file:line:column``: a file that is not UTF-8, a question with fewer than two options,
    a missing or unknown ANSWER letter, an option out of sequence (or before any question),
    text after the ANSWER letter, a question text spread over two lines, a question without
    an ANSWER line, and anything our own validation rejects (e.g. HTML in a prompt, or
    two options with the same text). Never raises anything else. A file with more than
    ``max_questions`` ANSWER lines raises :class:`FileRefused` before any is read.
    """
    text = decode_text(data, path)
    lines = _LINE_BREAK.split(text)
    if max_questions is not None:
        _refuse_too_many(path, lines, max_questions)
    parser = _Parser(path)
    for number, raw in enumerate(lines, 1):
        parser.feed(number, raw)
    parser.finish()
    if parser.problems:
        raise InterchangeError(sorted(parser.problems, key=lambda p: (p.line or 0, p.column or 0)))
    return parser.questions
