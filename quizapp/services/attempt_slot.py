"""One question of an attempt, loaded on its own: the answer path's single query.

A question page and an answer save need the attempt (state, deadline, quiz settings), the
one slot asked for, its response and its question, and, for the page's navigator, which
positions are answered. ``load_slot`` reads all of that in one statement whose cost does
not depend on the quiz's length: the other slots come back as two aggregates (how many
there are, which of them hold an answer), not as rows. The question itself comes from the
worker's cache of domain questions (``questions.version_to_domain``); only the version's
id and content hash are read, the content only the first time a worker shows it.

Pages that need every question (submitting, the result, the review) load the whole
attempt with ``attempts.attempt_query`` instead.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from sqlalchemy import ScalarSelect, Select, String, bindparam, cast, func
from sqlalchemy.orm import contains_eager, joinedload

from quizapp.extensions import db
from quizapp.models import (
    Attempt,
    AttemptQuestion,
    Question,
    QuestionVersion,
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
_CONTENT = ["type", "prompt", "fields", "evidence", "explanation", "difficulty", "points", "tags"]


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
    bank_id = version.question.bank_id
    question = cached_domain(version.id, version.content_hash, bank_id)
    if question is None:
        # First time this worker shows the version: read its content in one statement.
        db.session.refresh(version, _CONTENT)
        question = version_to_domain(version, bank_id)
    tokens = tokens_for(attempt_key(attempt.id, attempt.seed), row.position, question)
    positions = frozenset(int(p) for p in answered.split(",")) if answered else frozenset()
    return Slot(DrawnQuestion(row, question, tokens), int(total), positions)
