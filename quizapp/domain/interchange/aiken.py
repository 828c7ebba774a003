"""Aiken: import single-choice questions from Moodle's simplest text format.

A question is one line of text, then its options one per line, each an upper-case letter
in sequence followed by ``)`` or ``.`` (``A) Paris`` or ``A. Paris``), then the line
``ANSWER: <letter>``. Blank lines are ignored, so they may separate questions. Every
problem is reported as ``file:line:column``; :func:`read_aiken` skips the questions that
have one, :func:`parse_aiken` (all or nothing) raises them all in one
:class:`~quizapp.domain.interchange.InterchangeError`. Aiken text is plain text, shown as
written: HTML in it is shown as its characters, as Moodle does (docs/interchange-aiken.md).
There is no export, since Aiken can only carry single-choice questions without feedback.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from quizapp.domain.interchange import (
    FileRefused,
    InterchangeError,
    InterchangeProblem,
    ReadQuestion,
    ReadResult,
    SkippedQuestion,
    decode_text,
    in_plain_words,
    refuse_question_count,
    unique_id,
)
from quizapp.domain.question_types import SingleChoice
from quizapp.domain.questions import Question, QuestionInvalid, question_from_mapping

__all__ = ["literal_text", "parse_aiken", "read_aiken"]

# Moodle accepts "A)Paris" without the space, so do we; the text may not be empty.
_OPTION = re.compile(r"(?P<letter>[A-Z])[.)][ \t]*(?P<text>.*)")
_ANSWER = re.compile(r"ANSWER[ \t]*:", re.IGNORECASE)
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
# What would open an HTML tag or comment, or stand for a character (an entity), in Markdown.
_MARKUP = re.compile(r"<(?=[A-Za-z/!?])|&(?=#?\w+;)")


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
    problems: list[InterchangeProblem] = field(default_factory=list)


def _in_aiken_terms(message: str, options: list[_Option]) -> str:
    """Name choices as the author knows them: "choices[1].text" becomes "option B"."""

    def letter(field_name: str, index: int, _part: str | None) -> str | None:
        if field_name == "choices" and index < len(options):
            return f"option {options[index].letter}"
        return None

    return in_plain_words(message, letter)


def literal_text(text: str) -> str:
    """Aiken's plain text as our Markdown prompt, shown character for character where it
    looks like HTML: Moodle escapes Aiken text, so ``<b>`` is shown, not obeyed (nor
    refused as raw HTML). Option texts need no change: Markdown already shows their
    markup as text, and no rule forbids it there."""
    return _MARKUP.sub(lambda match: "&lt;" if match[0] == "<" else "&amp;", text)


class _Parser:
    def __init__(self, path: str) -> None:
        self.path = path
        self.skipped: list[SkippedQuestion] = []
        self.questions: list[ReadQuestion] = []
        self.taken: set[str] = set()
        self.open: _Open | None = None

    def problem(self, line: int, column: int, message: str, question: _Open | None = None) -> None:
        """Record a problem of ``question`` (skipped when it ends), or of a stray line."""
        problem = InterchangeProblem(path=self.path, message=message, line=line, column=column)
        if question is None:
            self.skipped.append(SkippedQuestion((problem,)))
        else:
            question.problems.append(problem)

    def close(self, question: _Open, answer: str | None) -> None:
        """The question ends: built when it is whole, else skipped with its problems."""
        if answer is not None and not question.problems:
            self.build(question, answer)
        if question.problems:
            self.skipped.append(SkippedQuestion(tuple(question.problems)))

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
                current,
            )
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
                current,
            )
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
        letters = [option.letter for option in current.options]
        if len(letters) < 2:
            self.problem(
                number,
                indent + 1,
                f"the question on line {current.line} needs at least two options "
                f"('A) ...', 'B) ...'), found {len(letters)}",
                current,
            )
        if not rest:
            self.problem(
                number, letter_column, "missing ANSWER letter; write e.g. 'ANSWER: B'", current
            )
            self.close(current, None)
            return
        letter, tail = rest[0].upper(), rest[1:]
        if tail.strip():
            tail_column = letter_column + 1 + len(tail) - len(tail.lstrip())
            self.problem(
                number,
                tail_column,
                f"text after the ANSWER letter: {tail.strip()!r}; the line must be just "
                f"'ANSWER: {letter}' (an Aiken question has exactly one right option)",
                current,
            )
        if letter not in letters:
            known = f"{letters[0]}-{letters[-1]}" if letters else "none"
            self.problem(
                number,
                letter_column,
                f"unknown ANSWER letter {rest[0]!r}; the options of the question on line "
                f"{current.line} are {known}",
                current,
            )
        self.close(current, letter)

    def missing_answer(self, current: _Open) -> None:
        self.problem(
            current.line,
            current.column,
            "the question has no ANSWER line; after its options add e.g. 'ANSWER: A'",
            current,
        )
        self.close(current, None)

    def build(self, current: _Open, answer: str) -> None:
        mapping = {
            "id": unique_id(current.text, self.taken),
            "type": SingleChoice.type_name,
            "prompt": literal_text(current.text),
            "choices": [
                {"text": option.text, "correct": option.letter == answer}
                for option in current.options
            ],
        }
        try:
            question = question_from_mapping(mapping, require_evidence=False)
        except QuestionInvalid as invalid:
            for problem in invalid.problems:
                line, column = current.line, current.column
                if problem.path[:1] == ("choices",) and len(problem.path) > 1:
                    index = problem.path[1]
                    if isinstance(index, int) and index < len(current.options):
                        line = current.options[index].line
                        column = current.options[index].column
                message = _in_aiken_terms(problem.message, current.options)
                self.problem(line, column, message, current)
            return
        self.questions.append(ReadQuestion(question))

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

    Raises :class:`~quizapp.domain.interchange.InterchangeError` with every problem as
    ``file:line:column``, sorted by line (see :func:`read_aiken`). Never raises anything
    else.
    """
    result = read_aiken(data, path, max_questions=max_questions)
    if result.skipped:
        problems = sorted(result.problems, key=lambda p: (p.line or 0, p.column or 0))
        raise InterchangeError(problems)
    return [read.question for read in result.questions]


def read_aiken(data: bytes | str, path: str, *, max_questions: int | None = None) -> ReadResult:
    """Read an Aiken file question by question.

    ``path`` only names the file in problems. A question is skipped, with every problem
    it has as ``file:line:column``, for: fewer than two options, a missing or unknown
    ANSWER letter, an option out of sequence, text after the ANSWER letter, a question
    text spread over two lines, no ANSWER line, and anything our own validation rejects
    (two options with the same text, an empty option). An option or ANSWER line before
    any question is skipped on its own. Text that looks like HTML is kept as characters
    (:func:`literal_text`). Raises :class:`InterchangeError` only for a file that is not
    UTF-8, and :class:`FileRefused` before any question is
    read for a file with more than ``max_questions`` ANSWER lines.
    """
    text = decode_text(data, path)
    lines = _LINE_BREAK.split(text)
    if max_questions is not None:
        _refuse_too_many(path, lines, max_questions)
    parser = _Parser(path)
    for number, raw in enumerate(lines, 1):
        parser.feed(number, raw)
    parser.finish()
    skipped = sorted(parser.skipped, key=lambda s: s.problems[0].line or 0)
    return ReadResult(tuple(parser.questions), tuple(skipped))
