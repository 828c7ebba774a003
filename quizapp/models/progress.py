"""Per-learner memory of each question, for spaced-repetition practice and mastery."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, SmallInteger, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from quizapp.extensions import Model


class ReviewCard(Model):
    """One (student, question) card in FSRS terms.

    ``state``, ``step``, ``stability`` and ``difficulty`` are the scheduler's card fields;
    ``last_fraction`` is the learner's latest grade on the question, which mastery uses.
    """

    __tablename__ = "review_cards"
    __table_args__ = (
        UniqueConstraint("student_id", "question_id"),
        Index("ix_review_cards_student_id_due_at", "student_id", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    question_id: Mapped[int] = mapped_column(
        ForeignKey("questions.id", ondelete="CASCADE"), index=True
    )
    state: Mapped[int] = mapped_column(SmallInteger)
    step: Mapped[int | None] = mapped_column(SmallInteger)
    stability: Mapped[float | None]
    difficulty: Mapped[float | None]
    due_at: Mapped[dt.datetime]
    last_review_at: Mapped[dt.datetime | None]
    last_fraction: Mapped[float | None]
    review_count: Mapped[int] = mapped_column(default=0)
