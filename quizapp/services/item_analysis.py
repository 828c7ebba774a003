"""Item analysis of a quiz: Moodle's figures per question, health flags, distractors.

The figures are the domain's (``quizapp.domain.stats``) and so are the health rules
(``quizapp.domain.item_health``); this module reads the marks and answers they need in a
fixed number of queries, however many attempts there are.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Select, Subquery, Text, case, func, type_coerce
from sqlalchemy.orm import joinedload

from quizapp.domain.item_health import Distractors, distractors, health_flags, thirds
from quizapp.domain.question_types import QUESTION_TYPES, ChoiceQuestion
from quizapp.domain.stats import ItemAnalysis, item_analysis
from quizapp.extensions import db
from quizapp.gc_pause import cyclic_gc_paused
from quizapp.models import (
    Attempt,
    AttemptQuestion,
    AttemptState,
    Question,
    QuestionVersion,
    Response,
    Section,
)
from quizapp.services.questions import version_to_domain
from quizapp.services.quizzes import require_owned_quiz

WHICH_ATTEMPTS = {
    "first": "each student's first attempt",
    "last": "each student's last attempt",
    "highest": "each student's highest-scoring attempt",
    "all": "all attempts",
}


class UnknownAttempts(ValueError):
    """The attempts to count are not one of ``WHICH_ATTEMPTS``."""


@dataclass(frozen=True)
class QuestionReport:
    """One question's figures, flags and (for choice questions) distractor table."""

    question_id: int
    bank_id: str
    prompt: str
    type: str
    section_title: str
    flags: list[str]
    distractors: Distractors | None


@dataclass(frozen=True)
class QuizAnalysis:
    """The item-analysis report for one quiz."""

    which: str
    attempts: int
    analysis: ItemAnalysis | None
    questions: list[QuestionReport] = field(default_factory=list)
    scores: list[tuple[float, float]] = field(default_factory=list)  # (score, max) per attempt


@dataclass(frozen=True)
class QuizRef:
    """A quiz as a report names it."""

    id: int
    title: str


@dataclass(frozen=True)
class AnalysisPage:
    """The item-analysis page: the quiz, its report and the score histogram's bins."""

    quiz: QuizRef
    report: QuizAnalysis
    bins: list[int]


def quiz_analysis_page(quiz_id: int, *, teacher_id: int, which: str = "first") -> AnalysisPage:
    """The item-analysis page's use case: the teacher's quiz (else :class:`NotFound`).

    Raises :class:`UnknownAttempts` for a ``which`` not in ``WHICH_ATTEMPTS``, after the
    quiz was found to be the teacher's.
    """
    quiz = require_owned_quiz(quiz_id, teacher_id)
    report = quiz_analysis(quiz.id, which)
    return AnalysisPage(QuizRef(id=quiz.id, title=quiz.title), report, histogram(report.scores))


def _counted_attempts(quiz_id: int, which: str) -> Subquery:
    orders: dict[str, tuple[ColumnElement[Any], ...]] = {
        "first": (Attempt.started_at.asc(), Attempt.id.asc()),
        "last": (Attempt.started_at.desc(), Attempt.id.desc()),
        "highest": (Attempt.score.desc(), Attempt.started_at.asc()),
        "all": (Attempt.id.asc(),),
    }
    order = orders[which]
    ranked = (
        db.select(
            Attempt.id.label("attempt_id"),
            Attempt.score.label("score"),
            Attempt.max_score.label("max_score"),
            func.row_number().over(partition_by=Attempt.student_id, order_by=order).label("rank"),
        )
        .where(Attempt.quiz_id == quiz_id, Attempt.state == AttemptState.SUBMITTED)
        .subquery()
    )
    query = db.select(ranked.c.attempt_id, ranked.c.score, ranked.c.max_score)
    if which != "all":
        query = query.where(ranked.c.rank == 1)
    return query.subquery()


def quiz_analysis(quiz_id: int, which: str = "first") -> QuizAnalysis:
    """Moodle-style item analysis of the quiz over the attempts ``which`` selects.

    Raises :class:`UnknownAttempts` when ``which`` is not a key of ``WHICH_ATTEMPTS``.
    """
    if which not in WHICH_ATTEMPTS:
        raise UnknownAttempts(f"which must be one of {', '.join(WHICH_ATTEMPTS)}")
    with cyclic_gc_paused():
        return _quiz_analysis(quiz_id, which)


def _quiz_analysis(quiz_id: int, which: str) -> QuizAnalysis:
    counted = _counted_attempts(quiz_id, which)
    attempt_rows = db.session.execute(
        db.select(counted.c.attempt_id, counted.c.score, counted.c.max_score).order_by(
            counted.c.attempt_id
        )
    ).all()
    if not attempt_rows:
        return QuizAnalysis(which=which, attempts=0, analysis=None)
    attempt_index = {attempt_id: i for i, (attempt_id, _, _) in enumerate(attempt_rows)}

    # One row per (attempt, question): the mark and, for choice questions, the answer.
    choice_types = [name for name, cls in QUESTION_TYPES.items() if issubclass(cls, ChoiceQuestion)]
    cells = _plain_rows(
        db.select(
            AttemptQuestion.attempt_id,
            QuestionVersion.question_id,
            QuestionVersion.id,
            QuestionVersion.points,
            Response.fraction,
            case(
                (QuestionVersion.type.in_(choice_types), type_coerce(Response.answer, Text)),
                else_=None,
            ),
        )
        .join(counted, counted.c.attempt_id == AttemptQuestion.attempt_id)
        .join(QuestionVersion, QuestionVersion.id == AttemptQuestion.question_version_id)
        .outerjoin(Response, Response.attempt_question_id == AttemptQuestion.id)
    )
    question_ids = sorted({row[1] for row in cells})
    column = {question_id: j for j, question_id in enumerate(question_ids)}
    marks: list[list[float | None]] = [[None] * len(question_ids) for _ in attempt_rows]
    max_marks = [0.0] * len(question_ids)
    answers: dict[int, list[tuple[int, object]]] = defaultdict(list)
    version_of: dict[int, int] = {}
    for attempt_id, question_id, version_id, points, fraction, answer_json in cells:
        j = column[question_id]
        row = attempt_index[attempt_id]
        marks[row][j] = (fraction or 0.0) * points
        if points > max_marks[j]:
            max_marks[j] = points
        if version_id > version_of.get(question_id, 0):
            version_of[question_id] = version_id
        # SQLite hands back JSON text (or a bare number); psycopg decodes JSON itself.
        answer = json.loads(answer_json) if isinstance(answer_json, str) else answer_json
        answers[question_id].append((row, answer))

    analysis = item_analysis(marks, max_marks)
    latest = {
        v.question_id: v
        for v in db.session.execute(
            db.select(QuestionVersion)
            .options(
                joinedload(QuestionVersion.question)
                .joinedload(Question.section)
                .joinedload(Section.article)
            )
            .where(QuestionVersion.id.in_(list(version_of.values())))
        ).scalars()
    }
    totals = [sum(m for m in row if m is not None) for row in marks]
    groups = thirds(totals)
    reports = []
    for j, question_id in enumerate(question_ids):
        version = latest[question_id]
        question = version_to_domain(version, version.question.bank_id)
        choices = distractors(question, answers[question_id], groups)
        reports.append(
            QuestionReport(
                question_id=question_id,
                bank_id=version.question.bank_id,
                prompt=version.prompt,
                type=version.type,
                section_title=version.question.section.title,
                flags=health_flags(analysis.questions[j], question, choices),
                distractors=choices,
            )
        )
    return QuizAnalysis(
        which=which,
        attempts=len(attempt_rows),
        analysis=analysis,
        questions=reports,
        scores=[(score or 0.0, max_score or 0.0) for _, score, max_score in attempt_rows],
    )


def _plain_rows(statement: Select) -> list[tuple]:
    """Run ``statement`` on the driver's cursor and return its plain tuples.

    For the one query that reads a row per response (200,000 for a large quiz): result
    rows and type processing cost more than the statistics themselves. The statement
    holds only ids, enum values and type names we chose, so its values are rendered
    inline; columns come back as the driver gives them (JSON as text on SQLite, decoded
    by psycopg), which the caller handles.
    """
    connection = db.session.connection()
    sql = str(statement.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True}))
    driver_connection = connection.connection.driver_connection
    if driver_connection is None:
        raise RuntimeError("the database connection was closed while a report was read")
    cursor = driver_connection.cursor()
    try:
        cursor.execute(sql)
        return cursor.fetchall()
    finally:
        cursor.close()


def histogram(scores: Sequence[tuple[float, float]], bins: int = 10) -> list[int]:
    """How many attempts scored in each tenth of the maximum (the last bin includes 100%)."""
    counts = [0] * bins
    for score, maximum in scores:
        share = score / maximum if maximum else 0.0
        counts[min(bins - 1, int(share * bins))] += 1
    return counts
