"""Downloads for spreadsheets: the gradebook, every response to a quiz, the item analysis.

Each is built once as a :class:`~quizapp.services.spreadsheets.Table` of typed cells and
written as CSV or .xlsx by ``quizapp.services.spreadsheets`` (numbers stay numbers, text
never becomes a formula). Percentages are numbers from 0 to 100, to two decimals.
"""

from __future__ import annotations

from quizapp.domain.answers import describe_answer
from quizapp.domain.questions import Question as DomainQuestion
from quizapp.domain.statistics_text import FIGURE_MEANINGS
from quizapp.extensions import db
from quizapp.models import Attempt, AttemptQuestion, Question, QuestionVersion, Response, User
from quizapp.services.classes import require_owned_class
from quizapp.services.gradebook import Gradebook, QuizColumn, gradebook
from quizapp.services.item_analysis import WHICH_ATTEMPTS, AnalysisPage, quiz_analysis_page
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
    "analysis_tables",
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
    over the attempts ``which`` selects (else :class:`UnknownAttempts`). A CSV file holds
    the per-question table; a workbook holds everything the page shows, a sheet each."""
    page = quiz_analysis_page(quiz_id, teacher_id=teacher_id, which=which)
    tables = [analysis_table(page)] if file_format == "csv" else analysis_tables(page)
    return download(tables, f"analysis-quiz-{quiz_id}-{which}", file_format)


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
    return Table("Questions", ANALYSIS_HEADER, rows, frozen_columns=1)


def analysis_tables(page: AnalysisPage) -> list[Table]:
    """Everything the item-analysis page shows, a table each: "Questions"
    (:func:`analysis_table`), "Quiz", "Scores" and "Distractors"."""
    return [analysis_table(page), quiz_table(page), scores_table(page), distractors_table(page)]


QUIZ_HEADER = ("Figure", "Value", "What it means")
NOTHING_TO_ANALYSE = "No submitted attempts yet: nothing to analyse."


def quiz_table(page: AnalysisPage) -> Table:
    """The page's "whole quiz" figures, one row each: scores in marks, alpha and the error
    ratio in percent; a reliability figure that could not be calculated has an empty value
    and the reason. The first two rows say which attempts the figures are of."""
    report = page.report
    which = WHICH_ATTEMPTS[report.which]
    rows: list[list[Cell]] = [
        ["Attempts counted", report.attempts, "Submitted attempts the figures are based on."],
        ["Attempts that count", None, which[0].upper() + which[1:] + "."],
    ]
    if report.analysis is None:
        rows.append(["Nothing to analyse", None, NOTHING_TO_ANALYSE])
        return Table("Quiz", QUIZ_HEADER, rows, frozen_columns=1)
    test = report.analysis.test
    rows += [
        ["Average score", test.mean, FIGURE_MEANINGS["mean"]],
        ["Median score", test.median, FIGURE_MEANINGS["median"]],
        ["Standard deviation", test.sd, FIGURE_MEANINGS["test_sd"]],
        ["Skewness", test.skewness, FIGURE_MEANINGS["skewness"]],
        ["Kurtosis", test.kurtosis, FIGURE_MEANINGS["kurtosis"]],
    ]
    reliability: list[tuple[str, float | None, str]] = [
        ("Cronbach's alpha (%)", _as_percent(test.alpha), "alpha"),
        ("Error ratio (%)", _as_percent(test.error_ratio), "error_ratio"),
        ("Standard error", test.sem, "sem"),
    ]
    for figure, value, meaning in reliability:
        if test.alpha is None:
            reason = test.alpha_reason or "it could not be calculated."
            rows.append([figure, None, f"Not calculated: {reason}"])
        else:
            rows.append([figure, value, FIGURE_MEANINGS[meaning]])
    return Table("Quiz", QUIZ_HEADER, rows, frozen_columns=1)


def scores_table(page: AnalysisPage) -> Table:
    """The page's histogram: attempts per tenth of the maximum score (a bin holds its lower
    bound; the last one also holds 100%). No rows when there is nothing to analyse."""
    bins = page.bins if page.report.analysis is not None else []
    size = 100 / len(bins) if bins else 0
    rows: list[list[Cell]] = [
        [round(i * size, 2), round((i + 1) * size, 2), count] for i, count in enumerate(bins)
    ]
    return Table("Scores", ("From (%)", "To (%)", "Attempts"), rows)


DISTRACTOR_HEADER = (
    "Question id",
    "Question",
    "Choice",
    "Key",
    "Grade (%)",
    "Chosen by",
    "Share (%)",
    "Top third (%)",
    "Middle third (%)",
    "Bottom third (%)",
)


def distractors_table(page: AnalysisPage) -> Table:
    """The page's distractor tables, one row per choice of each choice question: whether it
    is the key, its grade when the question gives partial credit, how many of the attempts
    that saw the question chose it, and the share of everyone and of each third."""
    rows: list[list[Cell]] = []
    for question in page.report.questions:
        table = question.distractors
        if table is None:
            continue
        for j, (text, key, top, middle, bottom, everyone) in enumerate(table.options):
            rows.append(
                [
                    question.bank_id,
                    question.prompt,
                    text,
                    "Yes" if key else "No",
                    _as_percent(table.credits[j]) if table.credits else None,
                    table.chosen[j] if table.chosen else None,
                    _as_percent(everyone),
                    _as_percent(top),
                    _as_percent(middle),
                    _as_percent(bottom),
                ]
            )
    return Table("Distractors", DISTRACTOR_HEADER, rows, frozen_columns=1)
