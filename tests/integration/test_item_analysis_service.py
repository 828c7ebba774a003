"""quizapp.services.item_analysis against a real database, and its histogram."""

from __future__ import annotations

import datetime as dt
import math
import random

import pytest
from sqlalchemy import func

from quizapp.domain.item_health import Distractors, distractors, thirds
from quizapp.domain.question_types import MultipleChoice
from quizapp.domain.stats import ItemAnalysis, item_analysis
from quizapp.extensions import db
from quizapp.models import (
    Attempt,
    AttemptMarks,
    AttemptQuestion,
    AttemptState,
    QuestionVersion,
    Response,
)
from quizapp.services import item_analysis as item_analysis_service
from quizapp.services.attempts import submit_attempt
from quizapp.services.questions import version_to_domain
from tests.factories import (
    ECONOMY,
    NOW,
    correct_answer,
    create_assessment,
    create_student,
    enrol,
    items_of,
    section_rule,
    start,
    wrong_answer,
)
from tests.integration.report_support import School, scored

# ------------------------------------------------------------------------------- histogram


@pytest.mark.parametrize(
    ("scores", "bins"),
    [
        ([], [0] * 10),
        ([(0, 10)], [1, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
        ([(10, 10)], [0, 0, 0, 0, 0, 0, 0, 0, 0, 1]),  # 100% is in the last bin
        ([(9.99, 10)], [0, 0, 0, 0, 0, 0, 0, 0, 0, 1]),
        ([(1, 10)], [0, 1, 0, 0, 0, 0, 0, 0, 0, 0]),  # a boundary opens the next bin
        ([(0.99, 10)], [1, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
        ([(3, 10), (7, 10), (6, 10)], [0, 0, 0, 1, 0, 0, 1, 1, 0, 0]),
        ([(1, 3), (2, 3)], [0, 0, 0, 1, 0, 0, 1, 0, 0, 0]),
        ([(0, 0)], [1, 0, 0, 0, 0, 0, 0, 0, 0, 0]),  # no maximum: counted as 0%
        ([(5, 10)] * 4, [0, 0, 0, 0, 0, 4, 0, 0, 0, 0]),
    ],
)
def test_histogram_bins(scores: list[tuple[float, float]], bins: list[int]) -> None:
    assert item_analysis_service.histogram(scores) == bins


def test_histogram_puts_every_whole_percentage_in_its_tenth() -> None:
    for maximum in (1, 3, 7, 10, 40, 100):
        for score in range(maximum + 1):
            counts = item_analysis_service.histogram([(score, maximum)])
            assert counts.index(1) == min(9, score * 10 // maximum), (score, maximum)


# ------------------------------------------------------------------------- which attempts


@pytest.mark.parametrize(
    ("which", "scores"),
    [
        ("first", [1.0, 3.0]),
        ("last", [2.0, 3.0]),
        ("highest", [4.0, 3.0]),
        ("all", [1.0, 4.0, 2.0, 3.0]),
    ],
)
def test_quiz_analysis_counts_the_attempts_chosen(
    school: School, which: str, scores: list[float]
) -> None:
    quiz = create_assessment(
        school.teacher,
        school.school_class,
        school.article,
        rules=[section_rule(school.article, ECONOMY, 2)],
    )
    for minutes, score in [(10, 1), (20, 4), (30, 2)]:
        scored(quiz, school.ada, score, minutes=minutes)
    scored(quiz, school.bob, 3, minutes=5)

    report = item_analysis_service.quiz_analysis(quiz.id, which)

    assert report.attempts == len(scores)
    assert sorted(s for s, _ in report.scores) == sorted(scores)


def test_quiz_analysis_rejects_an_unknown_selection(school: School) -> None:
    with pytest.raises(ValueError, match="which must be one of"):
        item_analysis_service.quiz_analysis(1, "best")


# ------------------------------------------------- counted marks = every mark read one by one


def _submit_randomly(quiz, student, rng: random.Random, *, minutes: int) -> None:
    """An attempt answering each question right, wrong, partly (if it can) or not at all."""
    now = NOW + dt.timedelta(minutes=minutes)
    attempt = start(quiz, student, now=now, seed=rng.randrange(1_000_000))
    for item in items_of(attempt):
        question = item.question
        options = [correct_answer(question), wrong_answer(question), None]
        if isinstance(question, MultipleChoice):
            keys = [i for i, c in enumerate(question.choices) if c.correct]
            options.append(keys[:1] + [i for i, c in enumerate(question.choices) if not c.correct])
        stored = rng.choice(options)
        if stored is not None:
            db.session.add(Response(attempt_question=item.row, answer=stored, saved_at=now))
    db.session.flush()
    submit_attempt(attempt, now=now + dt.timedelta(minutes=1))


def _analysis_from_every_mark(quiz_id: int) -> tuple[ItemAnalysis, dict[int, Distractors | None]]:
    """The analysis of all submitted attempts as the report made it before: mark by mark."""
    cells = db.session.execute(
        db.select(AttemptQuestion.attempt_id, QuestionVersion, Response.fraction, Response.answer)
        .join(Attempt, Attempt.id == AttemptQuestion.attempt_id)
        .join(QuestionVersion, QuestionVersion.id == AttemptQuestion.question_version_id)
        .outerjoin(Response, Response.attempt_question_id == AttemptQuestion.id)
        .where(Attempt.quiz_id == quiz_id, Attempt.state == AttemptState.SUBMITTED)
    ).all()
    attempt_ids = sorted({attempt_id for attempt_id, *_ in cells})
    question_ids = sorted({version.question_id for _, version, _, _ in cells})
    marks: list[list[float | None]] = [[None] * len(question_ids) for _ in attempt_ids]
    max_marks = [0.0] * len(question_ids)
    latest: dict[int, QuestionVersion] = {}
    answers: dict[int, list[tuple[int, object]]] = {q: [] for q in question_ids}
    for attempt_id, version, fraction, stored in cells:
        row, j = attempt_ids.index(attempt_id), question_ids.index(version.question_id)
        marks[row][j] = (fraction or 0.0) * version.points
        max_marks[j] = max(max_marks[j], version.points)
        if version.id > getattr(latest.get(version.question_id), "id", 0):
            latest[version.question_id] = version
        answers[version.question_id].append((row, stored))
    groups = thirds([math.fsum(m for m in row if m is not None) for row in marks])
    tables = {
        q: distractors(version_to_domain(latest[q], latest[q].question.bank_id), answers[q], groups)
        for q in question_ids
    }
    return item_analysis(marks, max_marks), tables


@pytest.mark.parametrize("drawn", [3, 11])
def test_the_report_gives_exactly_the_figures_of_every_mark_read_one_by_one(
    school: School, drawn: int
) -> None:
    quiz = create_assessment(
        school.teacher,
        school.school_class,
        school.article,
        rules=[section_rule(school.article, ECONOMY, drawn)],
    )
    rng = random.Random(drawn)
    for n in range(9):
        student = create_student(f"r{n}@example.com", f"Random {n}")
        enrol(student, school.school_class)
        for k in range(1 + n % 2):
            _submit_randomly(quiz, student, rng, minutes=10 * k)
    db.session.commit()
    expected, tables = _analysis_from_every_mark(quiz.id)

    report = item_analysis_service.quiz_analysis(quiz.id, "all")

    assert report.attempts == 13
    assert report.analysis == expected  # the very same floats, not approximately
    assert {q.question_id: q.distractors for q in report.questions} == tables
    assert any(table is not None for table in tables.values())


# ------------------------------------------------------------------- the stored marks


def test_each_submitted_attempt_gets_one_row_of_marks_that_goes_with_it(school: School) -> None:
    quiz = create_assessment(
        school.teacher,
        school.school_class,
        school.article,
        rules=[section_rule(school.article, ECONOMY, 2)],
    )
    first = scored(quiz, school.ada, 1, minutes=10)
    second = scored(quiz, school.bob, 2, minutes=20)
    start(quiz, school.cy)  # in progress: nothing to analyse yet
    db.session.commit()

    before = item_analysis_service.quiz_analysis(quiz.id, "all")
    stored = db.session.execute(db.select(AttemptMarks.attempt_id, AttemptMarks.marks)).all()
    again = item_analysis_service.quiz_analysis(quiz.id, "all")

    assert len(stored) == 2
    assert all(len(marks.split("\n")) == 2 for _, marks in stored)  # one line per question
    assert again == before
    assert db.session.scalar(db.select(func.count()).select_from(AttemptMarks)) == 2
    db.session.delete(first)
    db.session.commit()
    assert db.session.scalars(db.select(AttemptMarks.attempt_id)).all() == [second.id]
    assert item_analysis_service.quiz_analysis(quiz.id, "all").attempts == 1


def _forget_stored_marks(attempt_id: int | None = None) -> None:
    """Delete the stored marks (of one attempt), as for attempts submitted before the marks
    were written at submission."""
    statement = db.delete(AttemptMarks)
    if attempt_id is not None:
        statement = statement.where(AttemptMarks.attempt_id == attempt_id)
    db.session.execute(statement)
    db.session.commit()


def test_submitting_stores_the_marks_a_report_would_work_out(school: School) -> None:
    quiz = create_assessment(
        school.teacher,
        school.school_class,
        school.article,
        rules=[section_rule(school.article, ECONOMY, 6)],
    )
    rng = random.Random(11)
    for student in (school.ada, school.bob, school.cy):
        _submit_randomly(quiz, student, rng, minutes=0)
    db.session.commit()
    at_submission = {
        attempt_id: (total, marks)
        for attempt_id, total, marks in db.session.execute(
            db.select(AttemptMarks.attempt_id, AttemptMarks.total, AttemptMarks.marks)
        )
    }
    _forget_stored_marks()

    worked_out = item_analysis_service._marks_to_store(quiz.id)

    assert len(at_submission) == 3
    assert at_submission == worked_out


def test_a_database_refusing_to_store_the_marks_still_gets_the_whole_report(
    school: School,
) -> None:
    quiz = create_assessment(
        school.teacher,
        school.school_class,
        school.article,
        rules=[section_rule(school.article, ECONOMY, 11)],
    )
    rng = random.Random(5)
    for student in (school.ada, school.bob, school.cy):
        _submit_randomly(quiz, student, rng, minutes=0)
    _forget_stored_marks()  # attempts submitted before marks were kept at submission
    expected, tables = _analysis_from_every_mark(quiz.id)
    db.session.commit()
    connection = db.session.connection()
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("PRAGMA query_only = ON")
    else:
        connection.exec_driver_sql("SET TRANSACTION READ ONLY")
    try:
        report = item_analysis_service.quiz_analysis(quiz.id, "all")
    finally:
        if connection.dialect.name == "sqlite":
            db.session.connection().exec_driver_sql("PRAGMA query_only = OFF")

    assert report.analysis == expected
    assert {q.question_id: q.distractors for q in report.questions} == tables
    assert db.session.scalar(db.select(func.count()).select_from(AttemptMarks)) == 0


def test_marks_are_stored_in_batches_of_attempts(
    school: School, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(item_analysis_service, "STORE_BATCH", 2)
    quiz = create_assessment(
        school.teacher,
        school.school_class,
        school.article,
        rules=[section_rule(school.article, ECONOMY, 4)],
    )
    rng = random.Random(3)
    for k, student in enumerate([school.ada, school.bob, school.cy] * 2):
        _submit_randomly(quiz, student, rng, minutes=10 * k)
    db.session.commit()
    expected, _ = _analysis_from_every_mark(quiz.id)

    report = item_analysis_service.quiz_analysis(quiz.id, "all")

    assert report.analysis == expected
    assert db.session.scalar(db.select(func.count()).select_from(AttemptMarks)) == 6


def test_an_attempt_submitted_after_the_marks_were_stored_waits_for_the_next_view(
    school: School, monkeypatch: pytest.MonkeyPatch
) -> None:
    quiz = create_assessment(
        school.teacher,
        school.school_class,
        school.article,
        rules=[section_rule(school.article, ECONOMY, 2)],
    )
    scored(quiz, school.ada, 1, minutes=10)
    assert item_analysis_service.quiz_analysis(quiz.id, "all").attempts == 1
    bob = scored(quiz, school.bob, 2, minutes=20)
    _forget_stored_marks(bob.id)  # an attempt from before marks were kept at submission
    # As if Bob submitted between the storing of the marks and their reading.
    with monkeypatch.context() as patched:
        patched.setattr(item_analysis_service, "_store_missing_marks", lambda quiz_id: {})
        meanwhile = item_analysis_service.quiz_analysis(quiz.id, "all")

    assert (meanwhile.attempts, meanwhile.scores) == (1, [(1.0, 4.0)])
    assert item_analysis_service.quiz_analysis(quiz.id, "all").attempts == 2
