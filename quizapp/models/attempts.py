"""Attempts: the questions drawn for one sitting and the learner's saved responses."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from quizapp.clock import utcnow
from quizapp.database import enum_type
from quizapp.extensions import Model
from quizapp.models.content import QuestionVersion
from quizapp.models.quizzes import Quiz
from quizapp.models.users import User


class AttemptState(enum.StrEnum):
    """An attempt is open until submitted (by the learner or when its time ran out)."""

    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"


# Named by hand: the "ix" convention would name it after its first column, which
# ix_attempts_quiz_id already is.
IN_PROGRESS_INDEX = "uq_attempts_quiz_id_student_id_in_progress"
# Its condition; an INSERT ... ON CONFLICT names the same one to pick that index.
IN_PROGRESS_WHERE = "state = 'in_progress'"


class Attempt(Model):
    """One student's sitting of a quiz.

    ``seed`` drives the draw and the choice shuffling, so the attempt can be rebuilt
    exactly. ``deadline_at`` is fixed at the start (limit, extra time, closing time).
    A student has at most one attempt in progress at a quiz: the database enforces it
    (a partial unique index), so two starts racing each other cannot both open one.
    """

    __tablename__ = "attempts"
    __table_args__ = (
        UniqueConstraint("quiz_id", "student_id", "number"),
        Index("ix_attempts_student_id_quiz_id", "student_id", "quiz_id"),
        Index(
            IN_PROGRESS_INDEX,
            "quiz_id",
            "student_id",
            unique=True,
            sqlite_where=text(IN_PROGRESS_WHERE),
            postgresql_where=text(IN_PROGRESS_WHERE),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id"), index=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    number: Mapped[int]
    seed: Mapped[int] = mapped_column(BigInteger)
    state: Mapped[AttemptState] = mapped_column(
        enum_type(AttemptState), default=AttemptState.IN_PROGRESS
    )
    started_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    deadline_at: Mapped[dt.datetime | None]
    submitted_at: Mapped[dt.datetime | None]
    # True when the deadline, not the learner, ended the attempt.
    submitted_automatically: Mapped[bool] = mapped_column(default=False)
    score: Mapped[float | None]
    max_score: Mapped[float | None]

    quiz: Mapped[Quiz] = relationship()
    student: Mapped[User] = relationship()
    questions: Mapped[list[AttemptQuestion]] = relationship(
        back_populates="attempt", order_by="AttemptQuestion.position", cascade="all, delete-orphan"
    )


class AttemptQuestion(Model):
    """A question drawn into an attempt, pinned to the version that was shown.

    ``display_order`` is the shuffled order of choices (or pairs' right sides, or items)
    as bank indices; grading maps the displayed order back through it.
    """

    __tablename__ = "attempt_questions"
    __table_args__ = (UniqueConstraint("attempt_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id", ondelete="CASCADE"))
    position: Mapped[int]
    question_version_id: Mapped[int] = mapped_column(ForeignKey("question_versions.id"), index=True)
    display_order: Mapped[list[Any] | None]

    attempt: Mapped[Attempt] = relationship(back_populates="questions")
    question_version: Mapped[QuestionVersion] = relationship()
    response: Mapped[Response | None] = relationship(
        back_populates="attempt_question", cascade="all, delete-orphan"
    )


class Response(Model):
    """The learner's latest saved answer to one attempt question, in bank indices.

    ``answer`` is empty when the question was left unanswered at submission. ``fraction``
    (0..1) is set when the answer is graded; the mark is points x fraction. ``checked_at``
    marks an answer made final before submission (immediate feedback): it can no longer
    change.
    """

    __tablename__ = "responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_question_id: Mapped[int] = mapped_column(
        ForeignKey("attempt_questions.id", ondelete="CASCADE"), unique=True
    )
    answer: Mapped[Any | None] = mapped_column(JSON(none_as_null=True))
    saved_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    fraction: Mapped[float | None]
    graded_at: Mapped[dt.datetime | None]
    checked_at: Mapped[dt.datetime | None]

    attempt_question: Mapped[AttemptQuestion] = relationship(back_populates="response")
