"""Teachers' reports: attempts, gradebook, CSV exports, item analysis, class insight.

Every report reads plain columns with a fixed number of queries and leaves the numbers
to the domain layer (``quizapp.domain.stats``, ``quizapp.domain.progress``).
"""

from __future__ import annotations

import csv
import datetime as dt
import gc
import io
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import Select, Subquery, Text, case, func, type_coerce
from sqlalchemy.orm import joinedload

from quizapp.domain.answers import describe_answer
from quizapp.domain.progress import quiz_grade
from quizapp.domain.question_types import MultipleChoice, SingleChoice
from quizapp.domain.questions import Question as DomainQuestion
from quizapp.domain.stats import ItemAnalysis, QuestionStats, item_analysis
from quizapp.extensions import db
from quizapp.models import (
    Attempt,
    AttemptQuestion,
    AttemptState,
    Enrolment,
    Question,
    QuestionVersion,
    Quiz,
    QuizKind,
    Response,
    ReviewCard,
    SchoolClass,
    Section,
    User,
)
from quizapp.services.articles import live_question_counts
from quizapp.services.attempts import attempt_query, finalise_expired_attempts
from quizapp.services.questions import version_to_domain


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Hold off the cyclic garbage collector while a report builds many small objects.

    A large report creates hundreds of thousands of tuples and floats, none of them in
    reference cycles (reference counting frees them), yet each allocation burst triggers
    collections that rescan the whole heap: that made the report's time grow faster than
    its data. Pausing the collector for the duration keeps it linear.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


# ------------------------------------------------------------------------------ attempts


def quiz_attempts(quiz_id: int, *, now: dt.datetime, grace: dt.timedelta) -> list[Attempt]:
    """Every attempt at the quiz with its student, newest first (expired ones finalised)."""
    finalise_expired_attempts(quiz_id=quiz_id, now=now, grace=grace)
    return list(
        db.session.execute(
            db.select(Attempt)
            .options(joinedload(Attempt.student))
            .where(Attempt.quiz_id == quiz_id)
            .order_by(Attempt.started_at.desc())
        ).scalars()
    )


def teacher_attempt(quiz_id: int, attempt_id: int) -> Attempt | None:
    """One attempt at the quiz, loaded for the review page."""
    return db.session.execute(
        attempt_query()
        .options(joinedload(Attempt.student))
        .where(Attempt.id == attempt_id, Attempt.quiz_id == quiz_id)
    ).scalar_one_or_none()


# ----------------------------------------------------------------------------- gradebook


def current_students(class_id: int) -> list[User]:
    """The class's students who have not been removed, by name."""
    return list(
        db.session.execute(
            db.select(User)
            .join(Enrolment, Enrolment.student_id == User.id)
            .where(Enrolment.class_id == class_id, Enrolment.removed_at.is_(None))
            .order_by(User.name, User.email)
        ).scalars()
    )


@dataclass(frozen=True)
class GradeCell:
    """A student's grade on one quiz by its grading method, out of ``max_score``."""

    grade: float | None
    max_score: float | None
    attempts: int


@dataclass(frozen=True)
class GradebookRow:
    """One student's line."""

    student: User
    cells: dict[int, GradeCell]


@dataclass(frozen=True)
class Gradebook:
    """Students x quizzes for one class."""

    school_class: SchoolClass
    quizzes: list[Quiz]
    rows: list[GradebookRow]


def gradebook(
    school_class: SchoolClass, *, sort: str = "name", descending: bool = False
) -> Gradebook:
    """Grades of the class's current students on its quizzes (3 queries).

    ``sort`` is "name" or "quiz-<id>"; students without a grade sort last either way.
    """
    with cyclic_gc_paused():
        return _gradebook(school_class, sort=sort, descending=descending)


def _gradebook(school_class: SchoolClass, *, sort: str, descending: bool) -> Gradebook:
    quizzes = list(
        db.session.execute(
            db.select(Quiz)
            .where(Quiz.class_id == school_class.id, Quiz.kind == QuizKind.ASSESSMENT)
            .order_by(Quiz.created_at, Quiz.id)
        ).scalars()
    )
    students = current_students(school_class.id)
    scores: dict[tuple[int, int], list[tuple[float, float]]] = defaultdict(list)
    if quizzes:
        for student_id, quiz_id, score, max_score in db.session.execute(
            db.select(Attempt.student_id, Attempt.quiz_id, Attempt.score, Attempt.max_score)
            .where(
                Attempt.quiz_id.in_([q.id for q in quizzes]),
                Attempt.state == AttemptState.SUBMITTED,
            )
            .order_by(Attempt.started_at, Attempt.id)
        ):
            scores[(student_id, quiz_id)].append((score or 0.0, max_score or 0.0))
    rows = []
    for student in students:
        cells = {}
        for quiz in quizzes:
            taken = scores.get((student.id, quiz.id), [])
            cells[quiz.id] = GradeCell(
                grade=quiz_grade([s for s, _ in taken], quiz.grading_method.value),
                max_score=max((m for _, m in taken), default=None),
                attempts=len(taken),
            )
        rows.append(GradebookRow(student, cells))
    if sort.startswith("quiz-") and sort[5:].isdigit():
        quiz_id = int(sort[5:])
        grade_of = {
            id(row): cell.grade
            for row in rows
            if (cell := row.cells.get(quiz_id)) is not None and cell.grade is not None
        }
        graded = [r for r in rows if id(r) in grade_of]
        ungraded = [r for r in rows if id(r) not in grade_of]
        graded.sort(key=lambda r: grade_of[id(r)], reverse=descending)
        rows = graded + ungraded
    elif descending:
        rows.reverse()
    return Gradebook(school_class, quizzes, rows)


# ----------------------------------------------------------------------------------- CSV

# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


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


def responses_csv(quiz: Quiz) -> str:
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
        .where(Attempt.quiz_id == quiz.id)
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


# ------------------------------------------------------------------------- item analysis

WHICH_ATTEMPTS = {
    "first": "each student's first attempt",
    "last": "each student's last attempt",
    "highest": "each student's highest-scoring attempt",
    "all": "all attempts",
}


@dataclass(frozen=True)
class Distractors:
    """Share of the top, middle and bottom thirds choosing each option of a choice question."""

    options: list[tuple[str, bool, float, float, float, float]]  # text, key, top, mid, bottom, all


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


def _counted_attempts(quiz_id: int, which: str) -> Subquery:
    order = {
        "first": (Attempt.started_at.asc(), Attempt.id.asc()),
        "last": (Attempt.started_at.desc(), Attempt.id.desc()),
        "highest": (Attempt.score.desc(), Attempt.started_at.asc()),
        "all": (Attempt.id.asc(),),
    }[which]
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
    """Moodle-style item analysis of the quiz over the attempts ``which`` selects."""
    if which not in WHICH_ATTEMPTS:
        raise ValueError(f"which must be one of {', '.join(WHICH_ATTEMPTS)}")
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
    choice_types = [SingleChoice.type_name, MultipleChoice.type_name]
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
    thirds = _thirds(totals)
    reports = []
    for j, question_id in enumerate(question_ids):
        version = latest[question_id]
        question = version_to_domain(version, version.question.bank_id)
        distractors = _distractors(question, answers[question_id], thirds)
        reports.append(
            QuestionReport(
                question_id=question_id,
                bank_id=version.question.bank_id,
                prompt=version.prompt,
                type=version.type,
                section_title=version.question.section.title,
                flags=health_flags(analysis.questions[j], question, distractors),
                distractors=distractors,
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
    cursor = connection.connection.driver_connection.cursor()
    try:
        cursor.execute(sql)
        return cursor.fetchall()
    finally:
        cursor.close()


def _thirds(totals: list[float]) -> list[int]:
    """0 for the top third by total, 1 for the middle, 2 for the bottom (ties by order)."""
    order = sorted(range(len(totals)), key=lambda i: totals[i], reverse=True)
    size = len(totals)
    group = [0] * size
    for rank, index in enumerate(order):
        group[index] = min(2, rank * 3 // size) if size else 0
    return group


def _distractors(
    question: DomainQuestion, answers: list[tuple[int, object]], thirds: list[int]
) -> Distractors | None:
    if not isinstance(question, SingleChoice | MultipleChoice):
        return None
    chosen_by_group = [defaultdict(int), defaultdict(int), defaultdict(int)]
    seen_by_group = [0, 0, 0]
    for attempt, answer in answers:
        group = thirds[attempt]
        seen_by_group[group] += 1
        picked = answer if isinstance(answer, list) else [answer]
        for index in picked:
            if isinstance(index, int):
                chosen_by_group[group][index] += 1

    def share(group: int, index: int) -> float:
        return chosen_by_group[group][index] / seen_by_group[group] if seen_by_group[group] else 0.0

    total_seen = sum(seen_by_group)
    options = [
        (
            choice.text,
            choice.correct,
            share(0, index),
            share(1, index),
            share(2, index),
            sum(chosen_by_group[g][index] for g in range(3)) / total_seen if total_seen else 0.0,
        )
        for index, choice in enumerate(question.choices)
    ]
    return Distractors(options)


# Thresholds of the report's question health flags (fractions, as item_analysis returns).
TOO_EASY, TOO_HARD = 0.9, 0.2
WEAK_DISCRIMINATION, WEAK_EFFICIENCY = 0.2, 0.15


def health_flags(
    stats: QuestionStats, question: DomainQuestion, distractors: Distractors | None
) -> list[str]:
    """Plain-language warnings about one question, each with its reason."""
    flags = []
    if stats.facility is not None and stats.facility > TOO_EASY:
        flags.append(f"Too easy: {stats.facility:.0%} of the marks were scored (over 90%).")
    if stats.facility is not None and stats.facility < TOO_HARD:
        flags.append(f"Too hard: only {stats.facility:.0%} of the marks were scored (under 20%).")
    index = stats.discrimination_index
    if index is not None and index < 0:
        flags.append(
            f"Negative discrimination ({index:.0%}): stronger students did worse on it — "
            "check the key, it may be wrong."
        )
    elif index is not None and index < WEAK_DISCRIMINATION:
        flags.append(
            f"Weak discrimination ({index:.0%}, under 20%): it barely tells stronger from "
            "weaker students."
        )
    efficiency = stats.discriminative_efficiency
    if efficiency is not None and 0 <= efficiency < WEAK_EFFICIENCY and (index or 0) >= 0:
        flags.append(f"Low discriminative efficiency ({efficiency:.0%}, under 15%).")
    if distractors is not None:
        key_top = max((top for _, key, top, _, _, _ in distractors.options if key), default=0.0)
        for text, key, top, _, _, everyone in distractors.options:
            if not key and top > key_top:
                flags.append(
                    f"The top third chose the distractor “{text}” ({top:.0%}) more often than "
                    f"the key ({key_top:.0%})."
                )
            if not key and everyone == 0:
                flags.append(f"Nobody chose the distractor “{text}”: it does no work.")
    if not question.evidence:
        flags.append("No evidence: students cannot be pointed back to the passage.")
    return flags


# --------------------------------------------------------------------------- class insight


@dataclass(frozen=True)
class MasteryGrid:
    """Students x sections mastery for one class (the heatmap and its table)."""

    sections: list[Section]
    rows: list[tuple[User, list[float]]]


def class_mastery(school_class: SchoolClass) -> MasteryGrid:
    """Mean latest grade per section for each current student, unseen counting 0."""
    students = current_students(school_class.id)
    counts = live_question_counts()
    question_counts = dict(
        db.session.execute(db.select(counts.c.section_id, counts.c.question_count)).all()
    )
    sections = [
        s
        for s in db.session.execute(
            db.select(Section)
            .options(joinedload(Section.article))
            .order_by(Section.article_id, Section.position)
        ).scalars()
        if question_counts.get(s.id)
    ]
    sums: dict[tuple[int, int], float] = {}
    if students:
        for student_id, section_id, total in db.session.execute(
            db.select(
                ReviewCard.student_id, Question.section_id, func.sum(ReviewCard.last_fraction)
            )
            .join(Question, Question.id == ReviewCard.question_id)
            .where(
                ReviewCard.student_id.in_([s.id for s in students]),
                Question.retired_at.is_(None),
            )
            .group_by(ReviewCard.student_id, Question.section_id)
        ):
            sums[(student_id, section_id)] = float(total or 0.0)
    rows = [
        (
            student,
            [round(sums.get((student.id, s.id), 0.0) / question_counts[s.id], 9) for s in sections],
        )
        for student in students
    ]
    return MasteryGrid(sections, rows)


def histogram(scores: Sequence[tuple[float, float]], bins: int = 10) -> list[int]:
    """How many attempts scored in each tenth of the maximum (the last bin includes 100%)."""
    counts = [0] * bins
    for score, maximum in scores:
        share = score / maximum if maximum else 0.0
        counts[min(bins - 1, int(share * bins))] += 1
    return counts
