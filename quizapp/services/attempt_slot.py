"""One question of an attempt, loaded on its own: the answer path's single query.

A question page and an answer save need the attempt (state, deadline, quiz settings), the
one slot asked for, its response and its question, and, for the page's navigator, which
positions are answered. ``load_slot`` reads all of that in one statement whose cost does
not depend on the quiz's length: the other slots come back as two aggregates (how many
there are, which of them hold an answer), not as rows. The question itself comes from the
worker's cache of domain questions (``questions.version_to_domain``); only the version's
id and content hash are read, the content only the first time a worker shows it.

A save needs less: ``lock_answer_slot`` locks the attempt and reads the slot's facts as
one row of plain values, no ORM objects, since building those cost more than the query.

Pages that need every question (submitting, the result, the review) load the whole
attempt with ``attempts.attempt_query`` instead.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ScalarSelect, Select, String, bindparam, cast, func
from sqlalchemy.orm import contains_eager, joinedload

from quizapp.domain.question_types.answer_fields import AnswerTokens
from quizapp.domain.questions import Question as DomainQuestion
from quizapp.extensions import db
from quizapp.models import (
    Attempt,
    AttemptQuestion,
    AttemptState,
    FeedbackTiming,
    Question,
    QuestionVersion,
    Quiz,
    Response,
    Section,
)
from quizapp.services.answer_tokens import attempt_key, tokens_for
from quizapp.services.attempts import DrawnQuestion
from quizapp.services.concurrent_writes import take_write_lock
from quizapp.services.questions import cached_domain, version_to_domain


@dataclass(frozen=True)
class Slot:
    """One question of an attempt and the navigator's view of the others."""

    item: DrawnQuestion
    total: int
    answered_positions: frozenset[int]

    @property
    def attempt(self) -> Attempt:
        return self.item.row.attempt


def _question_count() -> ScalarSelect[int]:
    counted = db.aliased(AttemptQuestion)
    return (
        db.select(func.count(counted.id))
        .where(counted.attempt_id == Attempt.id)
        .correlate(Attempt)
        .scalar_subquery()
    )


def _answered_positions() -> ScalarSelect[str | None]:
    # A saved answer is stored only once it passed validation, and an unanswered form is
    # stored as NULL (``answers.read_answer``), so "has a non-null answer" is "answered".
    answered = db.aliased(AttemptQuestion)
    return (
        db.select(func.aggregate_strings(cast(answered.position, String), ","))
        .join(Response, Response.attempt_question_id == answered.id)
        .where(answered.attempt_id == Attempt.id, Response.answer.is_not(None))
        .correlate(Attempt)
        .scalar_subquery()
    )


@functools.cache
def _slot_query(for_update: bool) -> Select[AttemptQuestion, int, str | None]:
    """``load_slot``'s statement, built once per worker: building it and working out its
    cache key cost more than running it, so the ids come in as bound parameters."""
    query = (
        db.select(
            AttemptQuestion,
            _question_count(),
            _answered_positions(),
        )
        .join(AttemptQuestion.attempt)
        .where(
            Attempt.id == bindparam("attempt_id"),
            Attempt.student_id == bindparam("student_id"),
            AttemptQuestion.position == bindparam("position"),
        )
        .options(
            contains_eager(AttemptQuestion.attempt).joinedload(Attempt.quiz),
            joinedload(AttemptQuestion.response),
            joinedload(AttemptQuestion.question_version)
            .load_only(
                QuestionVersion.id, QuestionVersion.question_id, QuestionVersion.content_hash
            )
            .joinedload(QuestionVersion.question)
            .load_only(Question.id, Question.bank_id, Question.section_id)
            .joinedload(Question.section)
            .load_only(Section.id, Section.title, Section.article_id)
            .joinedload(Section.article),
        )
    )
    if for_update:
        # The attempt's row only: the rest is read, not written, and PostgreSQL refuses
        # FOR UPDATE on the nullable side of the outer joins.
        query = query.with_for_update(of=Attempt).execution_options(populate_existing=True)
    return query


# What ``load_slot`` leaves unread until a worker first builds the version's question.
_CONTENT = [
    "type",
    "prompt",
    "fields",
    "evidence",
    "further_evidence",
    "explanation",
    "difficulty",
    "points",
    "tags",
]


def load_slot(
    attempt_id: int, student_id: int, position: int, *, for_update: bool = False
) -> Slot | None:
    """The student's question at ``position``; None when there is no such attempt of
    theirs or no such position in it.

    ``for_update`` locks the attempt as ``attempts.lock_attempt`` does (the write lock on
    SQLite, the attempt's row on PostgreSQL) and reads it afresh: a save holds it until it
    commits, so no submission grades around it. Call it inside a unit of work then.
    """
    if for_update:
        take_write_lock()
    params = {"attempt_id": attempt_id, "student_id": student_id, "position": position}
    found = db.session.execute(_slot_query(for_update), params).one_or_none()
    if found is None:
        return None
    row, total, answered = found
    attempt = row.attempt
    version = row.question_version
    question = _domain_question(version.id, version.content_hash, version.question.bank_id)
    tokens = tokens_for(attempt_key(attempt.id, attempt.seed), row.position, question)
    positions = frozenset(int(p) for p in answered.split(",")) if answered else frozenset()
    return Slot(DrawnQuestion(row, question, tokens), int(total), positions)


def _domain_question(version_id: int, content_hash: str, bank_id: str) -> DomainQuestion:
    """The version's domain question from the worker's cache; the first time a worker
    shows the version, its content is read in one statement."""
    question = cached_domain(version_id, content_hash, bank_id)
    if question is None:
        version = db.session.get_one(QuestionVersion, version_id)
        db.session.refresh(version, _CONTENT)
        question = version_to_domain(version, bank_id)
    return question


# ------------------------------------------------------------------------- the save's row


@dataclass(frozen=True)
class AnswerSlot:
    """What saving an answer needs of one slot, read while the attempt is locked."""

    attempt_id: int
    state: AttemptState
    deadline_at: dt.datetime | None
    feedback_timing: FeedbackTiming
    attempt_question_id: int
    # The stored answer was checked (immediate feedback): it can no longer change.
    checked: bool
    total: int
    question: DomainQuestion
    tokens: AnswerTokens


@functools.cache
def _answer_slot_query() -> Select[*tuple[Any, ...]]:
    """``lock_answer_slot``'s statement, built once per worker with bound ids; its columns
    are named as ``lock_answer_slot`` reads them."""
    return (
        db.select(
            Attempt.seed,
            Attempt.state,
            Attempt.deadline_at,
            Quiz.feedback_timing,
            AttemptQuestion.id.label("attempt_question_id"),
            AttemptQuestion.position,
            QuestionVersion.id.label("version_id"),
            QuestionVersion.content_hash,
            Question.bank_id,
            Response.checked_at,
            _question_count().label("total"),
        )
        .select_from(AttemptQuestion)
        .join(Attempt, Attempt.id == AttemptQuestion.attempt_id)
        .join(Quiz, Quiz.id == Attempt.quiz_id)
        .join(QuestionVersion, QuestionVersion.id == AttemptQuestion.question_version_id)
        .join(Question, Question.id == QuestionVersion.question_id)
        .outerjoin(Response, Response.attempt_question_id == AttemptQuestion.id)
        .where(
            Attempt.id == bindparam("attempt_id"),
            Attempt.student_id == bindparam("student_id"),
            AttemptQuestion.position == bindparam("position"),
        )
        # The attempt's row only, as ``load_slot(for_update=True)`` locks it.
        .with_for_update(of=Attempt)
    )


def lock_answer_slot(attempt_id: int, student_id: int, position: int) -> AnswerSlot | None:
    """Lock the attempt as ``load_slot(for_update=True)`` does and read what a save of the
    question at ``position`` needs, as one row; None when the student has no such slot.

    Call it inside a unit of work: the lock holds until it commits. Nothing is put in
    the session, so a later ``load_slot`` in the same unit of work (to check the answer,
    or to show the page again) reads the rows afresh.
    """
    take_write_lock()
    params = {"attempt_id": attempt_id, "student_id": student_id, "position": position}
    found = db.session.connection().execute(_answer_slot_query(), params).one_or_none()
    if found is None:
        return None
    question = _domain_question(found.version_id, found.content_hash, found.bank_id)
    tokens = tokens_for(attempt_key(attempt_id, found.seed), found.position, question)
    return AnswerSlot(
        attempt_id=attempt_id,
        state=found.state,
        deadline_at=found.deadline_at,
        feedback_timing=found.feedback_timing,
        attempt_question_id=found.attempt_question_id,
        checked=found.checked_at is not None,
        total=int(found.total),
        question=question,
        tokens=tokens,
    )
