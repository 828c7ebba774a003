"""CSV downloads: the gradebook and every response to a quiz.

Cells that a spreadsheet would run as a formula are defused (CSV injection).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from quizapp.domain.answers import describe_answer
from quizapp.domain.questions import Question as DomainQuestion
from quizapp.extensions import db
from quizapp.models import Attempt, AttemptQuestion, Question, QuestionVersion, Response, User
from quizapp.services.classes import require_owned_class
from quizapp.services.gradebook import Gradebook, gradebook
from quizapp.services.questions import version_to_domain
from quizapp.services.quizzes import require_owned_quiz

# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class CsvFile:
    """A CSV download: its file name and text."""

    filename: str
    text: str


def safe_cell(value: object) -> str:
    """Text for one CSV cell; formula-like text gets a leading apostrophe."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def _csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
    return buffer.getvalue()


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}".rstrip("0").rstrip(".")


def gradebook_export(class_id: int, *, teacher_id: int) -> CsvFile:
    """The gradebook download's use case: the teacher's class (else :class:`NotFound`)."""
    book = gradebook(require_owned_class(class_id, teacher_id))
    return CsvFile(f"gradebook-class-{class_id}.csv", gradebook_csv(book))


def responses_export(quiz_id: int, *, teacher_id: int) -> CsvFile:
    """The responses download's use case: the teacher's quiz (else :class:`NotFound`)."""
    quiz = require_owned_quiz(quiz_id, teacher_id)
    return CsvFile(f"responses-quiz-{quiz_id}.csv", responses_csv(quiz.id))


def gradebook_csv(book: Gradebook) -> str:
    """The gradebook as CSV: one row per student, one column per quiz."""
    return _csv(
        ["Student", "Email", *(q.title for q in book.quizzes)],
        (
            [
                row.student.name,
                row.student.email,
                *(
                    ""
                    if row.cells[q.id].grade is None
                    else f"{_number(row.cells[q.id].grade)} / {_number(row.cells[q.id].max_score)}"
                    for q in book.quizzes
                ),
            ]
            for row in book.rows
        ),
    )


def responses_csv(quiz_id: int) -> str:
    """Every response to the quiz, one row each."""
    rows = db.session.execute(
        db.select(
            User.name,
            User.email,
            Attempt.number,
            Attempt.state,
            AttemptQuestion.position,
            Question.bank_id,
            QuestionVersion,
            Response.answer,
            Response.fraction,
            Response.saved_at,
        )
        .join(Attempt, Attempt.student_id == User.id)
        .join(AttemptQuestion, AttemptQuestion.attempt_id == Attempt.id)
        .join(QuestionVersion, QuestionVersion.id == AttemptQuestion.question_version_id)
        .join(Question, Question.id == QuestionVersion.question_id)
        .join(Response, Response.attempt_question_id == AttemptQuestion.id)
        .where(Attempt.quiz_id == quiz_id)
        .order_by(User.name, Attempt.number, AttemptQuestion.position)
    ).all()
    domain_questions: dict[int, DomainQuestion] = {}

    def question_of(version: QuestionVersion, bank_id: str) -> DomainQuestion:
        if version.id not in domain_questions:
            domain_questions[version.id] = version_to_domain(version, bank_id)
        return domain_questions[version.id]

    return _csv(
        [
            "Student",
            "Email",
            "Attempt",
            "State",
            "Question",
            "Question id",
            "Version",
            "Type",
            "Answer",
            "Fraction",
            "Mark",
            "Out of",
            "Saved at (UTC)",
        ],
        (
            [
                name,
                email,
                number,
                state.value,
                position,
                bank_id,
                version.number,
                version.type,
                describe_answer(question_of(version, bank_id), answer),
                _number(fraction),
                _number(None if fraction is None else fraction * version.points),
                _number(version.points),
                saved_at.strftime("%Y-%m-%d %H:%M:%S"),
            ]
            for (
                name,
                email,
                number,
                state,
                position,
                bank_id,
                version,
                answer,
                fraction,
                saved_at,
            ) in rows
        ),
    )
