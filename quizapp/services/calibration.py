"""``flask bank calibrate``: set questions' difficulty from their facility.

Facility is read from each student's first graded attempt at assessment quizzes
(``first_attempt_fractions``); the rubric is ``quizapp.domain.calibration``. A change is
saved as a new version of the question, as any edit is, so attempts already drawn keep the
version (and difficulty) they were drawn with, and the history shows when it changed. A
change that would leave an open published quiz unable to draw (a rule asking for, say,
three difficulty-1 questions) is refused with the quiz's reason, as bank loads refuse it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy.orm import joinedload

from quizapp.domain.calibration import finding
from quizapp.domain.generate import Candidate
from quizapp.extensions import db
from quizapp.models import (
    Article,
    Attempt,
    AttemptQuestion,
    AttemptState,
    Question,
    QuestionEventKind,
    QuestionVersion,
    Quiz,
    QuizKind,
    Response,
)
from quizapp.services.live_quizzes import quizzes_left_short
from quizapp.services.question_bulk import (
    NewEvent,
    NewVersion,
    insert_history,
    insert_versions,
    version_content,
)
from quizapp.services.questions import version_to_domain
from quizapp.services.quizzes import live_candidates
from quizapp.services.unit_of_work import unit_of_work


@dataclass(frozen=True)
class Calibrated:
    """A question whose data calls for another difficulty; ``refused`` says why it was
    not changed (empty when it was, or would be with ``--dry-run``)."""

    article_slug: str
    bank_id: str
    old: int
    new: int
    facility: float
    answers: int
    refused: tuple[str, ...] = ()


@dataclass(frozen=True)
class CalibrationReport:
    """What calibration found: the changes, the refusals, the questions the data agrees
    with, and those with some first attempts but fewer than the minimum."""

    changed: tuple[Calibrated, ...]
    refused: tuple[Calibrated, ...]
    confirmed: int
    too_few: int


def first_attempt_fractions() -> dict[int, list[float]]:
    """Question id -> the fraction each student got on it in their first graded attempt.

    An attempt counts when it is a student's first (number 1) at an assessment quiz and
    has been submitted. A student who met the question in two quizzes counts once, with
    the earlier submission: by the second they had seen it before.
    """
    rows = db.session.execute(
        db.select(QuestionVersion.question_id, Attempt.student_id, Response.fraction)
        .join(AttemptQuestion, AttemptQuestion.question_version_id == QuestionVersion.id)
        .join(Attempt, Attempt.id == AttemptQuestion.attempt_id)
        .join(Quiz, Quiz.id == Attempt.quiz_id)
        .join(Response, Response.attempt_question_id == AttemptQuestion.id)
        .where(
            Quiz.kind == QuizKind.ASSESSMENT,
            Attempt.number == 1,
            Attempt.state == AttemptState.SUBMITTED,
            Response.fraction.is_not(None),
        )
        .order_by(Attempt.submitted_at, Attempt.id)
    ).all()
    seen: set[tuple[int, int]] = set()
    fractions: dict[int, list[float]] = defaultdict(list)
    for question_id, student_id, fraction in rows:
        if (question_id, student_id) not in seen:
            seen.add((question_id, student_id))
            fractions[question_id].append(fraction)
    return fractions


def _with_difficulty(
    candidates: list[Candidate], question_id: int, difficulty: int
) -> list[Candidate]:
    return [
        dataclasses.replace(c, difficulty=difficulty) if c.question_id == question_id else c
        for c in candidates
    ]


def calibrate(*, min_attempts: int, now: dt.datetime, dry_run: bool) -> CalibrationReport:
    """Give every question that is not retired and has at least ``min_attempts`` first
    attempts the difficulty its facility calls for; ``dry_run`` only reports."""
    fractions = first_attempt_fractions()
    questions = db.session.execute(
        db.select(Question, Article.slug)
        .join(Article, Article.id == Question.article_id)
        .where(Question.id.in_(list(fractions)), Question.retired_at.is_(None))
        .options(joinedload(Question.current_version))
        .order_by(Article.slug, Question.id)
    ).all()
    changed: list[Calibrated] = []
    refused: list[Calibrated] = []
    confirmed = too_few = 0
    versions: list[NewVersion] = []
    # What each article's open quizzes may draw, with the changes accepted so far.
    drawable: dict[int, list[Candidate]] = {}
    for question, article_slug in questions:
        found = finding(question.current_version.difficulty, fractions[question.id], min_attempts)
        if found.suggested is None:
            too_few += 1
            continue
        if not found.changes:
            confirmed += 1
            continue
        before = drawable.setdefault(question.article_id, live_candidates(question.article_id))
        after = _with_difficulty(before, question.id, found.suggested)
        short = quizzes_left_short(question.article_id, before, after, now)
        result = Calibrated(
            article_slug,
            question.bank_id,
            found.current,
            found.suggested,
            found.facility,
            found.answers,
            tuple(short),
        )
        if short:
            refused.append(result)
            continue
        changed.append(result)
        drawable[question.article_id] = after
        domain = version_to_domain(question.current_version, question.bank_id)
        content = version_content(dataclasses.replace(domain, difficulty=found.suggested))
        versions.append(NewVersion(question.id, question.current_version_number + 1, content))
    if versions and not dry_run:
        _save(versions, now)
    return CalibrationReport(tuple(changed), tuple(refused), confirmed, too_few)


def _save(versions: list[NewVersion], now: dt.datetime) -> None:
    """The new versions, made current, each with an edit in the question's history."""
    with unit_of_work():
        insert_versions(versions, author_id=None, now=now)
        insert_history(
            (NewEvent(v.question_id, QuestionEventKind.EDIT, v.number) for v in versions),
            actor_id=None,
            now=now,
        )
        for version in versions:
            db.session.execute(
                db.update(Question)
                .where(Question.id == version.question_id)
                .values(current_version_number=version.number)
            )
