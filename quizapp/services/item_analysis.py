"""Item analysis of a quiz: Moodle's figures per question, health flags, distractors.

The figures are the domain's (``quizapp.domain.stats``) and so are the health rules
(``quizapp.domain.item_health``); this module reads the marks and answers they need in a
fixed number of queries, however many attempts there are, one row per attempt.
"""

from __future__ import annotations

import json
import logging
import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Select, Subquery, Text, case, cast, func
from sqlalchemy.exc import InternalError, OperationalError
from sqlalchemy.orm import joinedload

from quizapp.domain.item_health import Distractors, counted_distractors, health_flags, thirds
from quizapp.domain.question_types import QUESTION_TYPES, ChoiceQuestion
from quizapp.domain.stats import ItemAnalysis, item_analysis_of_counts
from quizapp.extensions import db
from quizapp.gc_pause import cyclic_gc_paused
from quizapp.models import (
    Attempt,
    AttemptMarks,
    AttemptQuestion,
    AttemptState,
    Question,
    QuestionVersion,
    Response,
    Section,
)
from quizapp.services.concurrent_writes import dialect_insert
from quizapp.services.questions import version_to_domain
from quizapp.services.quizzes import require_owned_quiz
from quizapp.services.unit_of_work import unit_of_work

logger = logging.getLogger(__name__)

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
    # Named before the analysis, which may commit the marks it stored (expiring the row).
    ref = QuizRef(id=quiz.id, title=quiz.title)
    report = quiz_analysis(ref.id, which)
    return AnalysisPage(ref, report, histogram(report.scores))


def _counted_attempts(quiz_id: int, which: str) -> Subquery:
    orders: dict[str, tuple[ColumnElement[Any], ...]] = {
        "first": (Attempt.started_at.asc(), Attempt.id.asc()),
        "last": (Attempt.started_at.desc(), Attempt.id.desc()),
        "highest": (Attempt.score.desc(), Attempt.started_at.asc()),
        "all": (Attempt.id.asc(),),
    }
    query = db.select(Attempt.id.label("attempt_id"), Attempt.score, Attempt.max_score).where(
        Attempt.quiz_id == quiz_id, Attempt.state == AttemptState.SUBMITTED
    )
    if which == "all":
        return query.subquery()
    ranked = query.add_columns(
        func.row_number()
        .over(partition_by=Attempt.student_id, order_by=orders[which])
        .label("rank")
    ).subquery()
    return (
        db.select(ranked.c.attempt_id, ranked.c.score, ranked.c.max_score)
        .where(ranked.c.rank == 1)
        .subquery()
    )


def quiz_analysis(quiz_id: int, which: str = "first") -> QuizAnalysis:
    """Moodle-style item analysis of the quiz over the attempts ``which`` selects.

    Raises :class:`UnknownAttempts` when ``which`` is not a key of ``WHICH_ATTEMPTS``.
    """
    if which not in WHICH_ATTEMPTS:
        raise UnknownAttempts(f"which must be one of {', '.join(WHICH_ATTEMPTS)}")
    with cyclic_gc_paused():
        return _quiz_analysis(quiz_id, which)


# Why one row per attempt rather than aggregating the responses in SQL: every figure needs
# the attempt's total next to each mark, the distractor table needs each attempt's third of
# the class (a rank), and "first/last/highest" change which attempts count; a GROUP BY over
# the million joined responses of a large quiz took 1.3-2.4 s on both databases here, before
# any statistics. A submitted attempt never changes, so its marks are written once, in one
# row (``AttemptMarks``), and the report reads one row per attempt and lets the database
# count nothing: identical lines are counted in C (``Counter``), and the domain computes the
# figures from those counts exactly as from the individual marks.
def _quiz_analysis(quiz_id: int, which: str) -> QuizAnalysis:
    unstored = _store_missing_marks(quiz_id)
    counted = _counted_attempts(quiz_id, which)
    attempt_rows = _plain_rows(
        db.select(
            counted.c.attempt_id,
            counted.c.score,
            counted.c.max_score,
            AttemptMarks.total,
            AttemptMarks.marks,
        )
        .outerjoin(AttemptMarks, AttemptMarks.attempt_id == counted.c.attempt_id)
        .order_by(counted.c.attempt_id)
    )
    # Marks the database refused to keep (say, it is read-only) were computed all the same;
    # an attempt submitted since they were stored has none yet and waits for the next view.
    attempt_rows = [
        (attempt_id, score, max_score, *unstored[attempt_id])
        if marks is None and attempt_id in unstored
        else (attempt_id, score, max_score, total, marks)
        for attempt_id, score, max_score, total, marks in attempt_rows
        if marks is not None or attempt_id in unstored
    ]
    if not attempt_rows:
        return QuizAnalysis(which=which, attempts=0, analysis=None)
    stored = [(total, marks) for _, _, _, total, marks in attempt_rows]
    groups = thirds([total for total, _ in stored])
    lines_by_group: dict[tuple[float, int], list[str]] = defaultdict(list)
    for (total, marks), group in zip(stored, groups, strict=True):
        lines_by_group[total, group].append(marks)
    # Attempts with the same total in the same third: their identical lines are counted once.
    counted_lines = {
        key: Counter("\n".join(texts).split("\n")) for key, texts in lines_by_group.items()
    }
    parsed = {line: _parse_line(line) for c in counted_lines.values() for line in c if line}
    versions = _versions({version_id for version_id, _, _ in parsed.values()})

    question_ids = sorted(
        {versions[version_id].question_id for version_id, _, _ in parsed.values()}
    )
    column = {question_id: j for j, question_id in enumerate(question_ids)}
    cells: list[Counter[tuple[float, float]]] = [Counter() for _ in question_ids]
    max_marks = [0.0] * len(question_ids)
    answers: dict[int, list[tuple[int, object, int]]] = defaultdict(list)
    for (total, group), lines in counted_lines.items():
        for line, count in lines.items():
            if not line:
                continue
            version_id, fraction, answer = parsed[line]
            version = versions[version_id]
            j = column[version.question_id]
            cells[j][(fraction or 0.0) * version.points, total] += count
            max_marks[j] = max(max_marks[j], version.points)
            answers[version.question_id].append((group, answer, count))

    analysis = item_analysis_of_counts(cells, Counter(total for total, _ in stored), max_marks)
    # Each question is shown as its latest version the counted attempts drew.
    latest = {v.question_id: v for v in sorted(versions.values(), key=lambda v: v.id)}
    reports = []
    for j, question_id in enumerate(question_ids):
        version = latest[question_id]
        question = version_to_domain(version, version.question.bank_id)
        choices = counted_distractors(question, answers[question_id])
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
        scores=[(score or 0.0, max_score or 0.0) for _, score, max_score, _, _ in attempt_rows],
    )


def _versions(version_ids: set[int]) -> dict[int, QuestionVersion]:
    """The question versions by id, with the question, section and article they show."""
    return {
        v.id: v
        for v in db.session.execute(
            db.select(QuestionVersion)
            .options(
                joinedload(QuestionVersion.question)
                .joinedload(Question.section)
                .joinedload(Section.article)
            )
            .where(QuestionVersion.id.in_(sorted(version_ids)))
        ).scalars()
    }


def _parse_line(line: str) -> tuple[int, float | None, object]:
    """(version id, fraction, answer) of one line of ``AttemptMarks.marks``."""
    version_id, fraction, answer = line.split(":", 2)
    return (
        int(version_id),
        float(fraction) if fraction else None,
        json.loads(answer) if answer else None,
    )


# Attempts whose marks are stored per statement: bounds what a worker holds (and the
# length of a transaction) when a quiz of 50,000 attempts is analysed for the first time.
STORE_BATCH = 5000


def _store_missing_marks(quiz_id: int) -> dict[int, tuple[float, str]]:
    """Write the ``AttemptMarks`` of the quiz's submitted attempts that have none yet.

    Returns those marks by attempt id, and they are not lost if the database refuses the
    write (read-only, or locked past the busy timeout): the report still shows them.
    """
    computed: dict[int, tuple[float, str]] = {}
    after = 0
    while True:
        batch = _marks_to_store(quiz_id, after)
        computed.update(batch)
        if batch:
            try:
                with unit_of_work() as session:
                    session.execute(
                        dialect_insert(AttemptMarks).on_conflict_do_nothing(),
                        [
                            {"attempt_id": attempt_id, "total": total, "marks": text}
                            for attempt_id, (total, text) in batch.items()
                        ],
                    )
            # A read-only database: OperationalError from SQLite (and for a full disk), and
            # InternalError from PostgreSQL ("read-only transaction").
            except (OperationalError, InternalError) as refused:
                logger.warning("attempt marks of quiz %s not stored: %s", quiz_id, refused)
        if len(batch) < STORE_BATCH:
            return computed
        after = max(batch)


def store_submitted_marks(attempt_id: int) -> None:
    """Write the ``AttemptMarks`` of an attempt just submitted, in the submitting unit of
    work, so that no report has to work them out later (the same code as a report's)."""
    db.session.flush()
    marks = _marks_to_store(attempt_id=attempt_id)
    if marks:
        db.session.execute(
            dialect_insert(AttemptMarks).on_conflict_do_nothing(),
            [
                {"attempt_id": i, "total": total, "marks": text}
                for i, (total, text) in marks.items()
            ],
        )


def _marks_to_store(
    quiz_id: int | None = None, after: int = 0, *, attempt_id: int | None = None
) -> dict[int, tuple[float, str]]:
    """The marks (total and lines) of the next ``STORE_BATCH`` submitted attempts of the
    quiz, by id above ``after``, that have no ``AttemptMarks`` yet (or of one attempt)."""
    missing = (
        ~db.select(AttemptMarks.attempt_id).where(AttemptMarks.attempt_id == Attempt.id).exists()
    )
    which = Attempt.id == attempt_id if attempt_id is not None else Attempt.quiz_id == quiz_id
    batch = (
        db.select(Attempt.id)
        .where(which, Attempt.state == AttemptState.SUBMITTED, Attempt.id > after, missing)
        .order_by(Attempt.id)
        .limit(STORE_BATCH)
    )
    choice_types = [name for name, cls in QUESTION_TYPES.items() if issubclass(cls, ChoiceQuestion)]
    rows = _plain_rows(
        db.select(
            Attempt.id,
            QuestionVersion.id,
            QuestionVersion.points,
            Response.fraction,
            # The JSON as text on both databases (psycopg would decode it).
            case((QuestionVersion.type.in_(choice_types), cast(Response.answer, Text)), else_=None),
        )
        .outerjoin(AttemptQuestion, AttemptQuestion.attempt_id == Attempt.id)
        .outerjoin(QuestionVersion, QuestionVersion.id == AttemptQuestion.question_version_id)
        .outerjoin(Response, Response.attempt_question_id == AttemptQuestion.id)
        .where(Attempt.id.in_(batch.scalar_subquery()))
        .order_by(Attempt.id, AttemptQuestion.position)
    )
    lines: dict[int, list[str]] = {}
    marks: dict[int, list[float]] = defaultdict(list)
    compact: dict[str | None, str] = {None: ""}  # each distinct stored answer, rewritten once
    for attempt_id, version_id, points, fraction, answer_json in rows:
        # An attempt without questions still gets its (empty) row.
        attempt_lines = lines.setdefault(attempt_id, [])
        if version_id is None:
            continue
        marks[attempt_id].append((fraction or 0.0) * points)
        answer_text = compact.get(answer_json)
        if answer_text is None:
            answer = json.loads(answer_json)
            # Compact JSON has no spaces and, like any JSON, no raw line break.
            answer_text = "" if answer is None else json.dumps(answer, separators=(",", ":"))
            compact[answer_json] = answer_text
        attempt_lines.append(
            f"{version_id}:{'' if fraction is None else repr(fraction)}:{answer_text}"
        )
    return {
        attempt_id: (math.fsum(marks[attempt_id]), "\n".join(attempt_lines))
        for attempt_id, attempt_lines in lines.items()
    }


def _plain_rows(statement: Select) -> list[tuple]:
    """Run ``statement`` on the driver's cursor and return its plain tuples.

    For the queries that read a row per attempt (50,000 for a large quiz) or per response
    of the attempts whose marks are not stored yet: result rows and type processing cost
    more than the statistics themselves. The statement
    holds only ids, enum values and type names we chose, so its values are rendered
    inline; columns come back as the driver gives them, which the caller handles.
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
