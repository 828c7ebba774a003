"""Downloads for spreadsheets: the gradebook, every response to a quiz, the item analysis.

Each is built once as a :class:`~quizapp.services.spreadsheets.Table` of typed cells and
written as CSV or .xlsx by ``quizapp.services.spreadsheets`` (numbers stay numbers, text
never becomes a formula). Percentages are numbers from 0 to 100, to two decimals.
"""

from __future__ import annotations

from quizapp.domain.answers import describe_answer
from quizapp.domain.questions import Question as DomainQuestion
from quizapp.extensions import db
from quizapp.models import Attempt, AttemptQuestion, Question, QuestionVersion, Response, User
from quizapp.services.classes import require_owned_class
from quizapp.services.gradebook import Gradebook, QuizColumn, gradebook
from quizapp.services.item_analysis import AnalysisPage, quiz_analysis_page
from quizapp.services.questions import version_to_domain
from quizapp.services.quizzes import require_owned_quiz
from quizapp.services.spreadsheets import (
    Cell,
    Download,
    FileFormat,
    Table,
    download,
    number_text,
    percent,
    safe_cell,
)

__all__ = [
    "analysis_export",
    "analysis_table",
    "gradebook_export",
    "gradebook_table",
    "responses_export",
    "responses_table",
    "safe_cell",
]


def gradebook_export(class_id: int, *, teacher_id: int, file_format: FileFormat) -> Download:
    """The gradebook download's use case: the teacher's class (else :class:`NotFound`)."""
    book = gradebook(require_owned_class(class_id, teacher_id))
    return download(gradebook_table(book), f"gradebook-class-{class_id}", file_format)


def responses_export(quiz_id: int, *, teacher_id: int, file_format: FileFormat) -> Download:
    """The responses download's use case: the teacher's quiz (else :class:`NotFound`)."""
    quiz = require_owned_quiz(quiz_id, teacher_id)
    return download(responses_table(quiz.id), f"responses-quiz-{quiz_id}", file_format)


def analysis_export(
    quiz_id: int, *, teacher_id: int, which: str, file_format: FileFormat
) -> Download:
    """The item-analysis download's use case: the teacher's quiz (else :class:`NotFound`),
    over the attempts ``which`` selects (else :class:`UnknownAttempts`)."""
    page = quiz_analysis_page(quiz_id, teacher_id=teacher_id, which=which)
    return download(analysis_table(page), f"analysis-quiz-{quiz_id}-{which}", file_format)


def _points_heading(quiz: QuizColumn, maxima: set[float]) -> str:
    # Attempts may draw questions worth different points, so a quiz has one maximum only
    # when every grade shares it; the percent column compares the others.
    if len(maxima) == 1:
        return f"{quiz.title} (points, max {number_text(next(iter(maxima)))})"
    if maxima:
        return f"{quiz.title} (points, max varies)"
    return f"{quiz.title} (points)"


def gradebook_table(book: Gradebook) -> Table:
    """The gradebook as a table: one row per student; per quiz the grade in points (the
    heading says out of what) and as a percentage; empty cells where nothing was graded."""
    header = ["Student", "Email"]
    for quiz in book.quizzes:
        maxima = {
            cell.max_score
            for row in book.rows
            if (cell := row.cells[quiz.id]).grade is not None and cell.max_score is not None
        }
        header += [_points_heading(quiz, maxima), f"{quiz.title} (%)"]
    rows: list[list[Cell]] = []
    for row in book.rows:
        cells: list[Cell] = [row.student.name, row.student.email]
        for quiz in book.quizzes:
            grade = row.cells[quiz.id]
            cells += [grade.grade, percent(grade.grade, grade.max_score)]
        rows.append(cells)
    return Table("Gradebook", header, rows, frozen_columns=1)


RESPONSE_HEADER = (
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
    "Attempt score",
    "Attempt out of",
    "Attempt (%)",
)


def responses_table(quiz_id: int) -> Table:
    """Every response to the quiz, one row each: the mark as a fraction and in points,
    and the attempt's score (empty until the attempt is submitted)."""
    rows = db.session.execute(
        db.select(
            User.name,
            User.email,
            Attempt.number,
            Attempt.state,
            Attempt.score,
            Attempt.max_score,
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

    table_rows: list[list[Cell]] = []
    for (
        name,
        email,
        number,
        state,
        score,
        max_score,
        position,
        bank_id,
        version,
        answer,
        fraction,
        saved_at,
    ) in rows:
        table_rows.append(
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
                fraction,
                None if fraction is None else round(fraction * version.points, 9),
                version.points,
                saved_at,
                score,
                max_score if score is not None else None,
                percent(score, max_score),
            ]
        )
    return Table("Responses", RESPONSE_HEADER, table_rows, frozen_columns=1)


ANALYSIS_HEADER = (
    "Question id",
    "Question",
    "Type",
    "Section",
    "Attempts",
    "Facility (%)",
    "SD (%)",
    "Discrimination (%)",
    "Efficiency (%)",
    "Intended weight (%)",
    "Effective weight (%)",
    "Health flags",
)


def _as_percent(fraction: float | None) -> float | None:
    return None if fraction is None else round(fraction * 100, 2)


def analysis_table(page: AnalysisPage) -> Table:
    """The item-analysis page's per-question figures, as the page shows them: percentages
    (a negative discrimination stays negative), empty where a figure is undefined."""
    rows: list[list[Cell]] = []
    analysis = page.report.analysis
    if analysis is not None:
        for question, stats in zip(page.report.questions, analysis.questions, strict=True):
            rows.append(
                [
                    question.bank_id,
                    question.prompt,
                    question.type,
                    question.section_title,
                    stats.n,
                    _as_percent(stats.facility),
                    _as_percent(stats.sd),
                    _as_percent(stats.discrimination_index),
                    _as_percent(stats.discriminative_efficiency),
                    _as_percent(stats.intended_weight),
                    _as_percent(stats.effective_weight),
                    "; ".join(question.flags),
                ]
            )
    return Table("Item analysis", ANALYSIS_HEADER, rows, frozen_columns=1)
