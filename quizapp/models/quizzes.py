"""Quizzes: settings plus the rules each attempt's questions are drawn by."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import ForeignKey, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from quizapp.clock import utcnow
from quizapp.database import enum_type
from quizapp.extensions import Model
from quizapp.models.classes import SchoolClass
from quizapp.models.content import Article, Section


class QuizKind(enum.StrEnum):
    """Who made the quiz and why: a teacher's assessment or a student's own practice."""

    ASSESSMENT = "assessment"
    PRACTICE = "practice"


class GradingMethod(enum.StrEnum):
    """Which of a student's attempts gives the quiz grade (Moodle's four methods)."""

    HIGHEST = "highest"
    LAST = "last"
    FIRST = "first"
    AVERAGE = "average"


class FeedbackTiming(enum.StrEnum):
    """When a learner sees right answers, explanations and evidence."""

    IMMEDIATE = "immediate"
    AFTER_SUBMIT = "after_submit"


class Quiz(Model):
    """A quiz on one article. ``class_id`` is empty for a student's practice quiz."""

    __tablename__ = "quizzes"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[QuizKind] = mapped_column(enum_type(QuizKind))
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"), index=True)
    class_id: Mapped[int | None] = mapped_column(ForeignKey("classes.id"), index=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    time_limit_seconds: Mapped[int | None]
    # None: as many attempts as the student likes.
    attempts_allowed: Mapped[int | None]
    grading_method: Mapped[GradingMethod] = mapped_column(
        enum_type(GradingMethod), default=GradingMethod.HIGHEST
    )
    feedback_timing: Mapped[FeedbackTiming] = mapped_column(
        enum_type(FeedbackTiming), default=FeedbackTiming.AFTER_SUBMIT
    )
    shuffle_choices: Mapped[bool] = mapped_column(default=True)
    # False: while the quiz is published and not closed, its class's practice shows right
    # or wrong but not the key of a question the quiz may draw.
    keys_in_practice: Mapped[bool] = mapped_column(default=False, server_default=false())
    opens_at: Mapped[dt.datetime | None]
    closes_at: Mapped[dt.datetime | None]
    published_at: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    article: Mapped[Article] = relationship()
    school_class: Mapped[SchoolClass | None] = relationship()
    rules: Mapped[list[QuizRule]] = relationship(
        back_populates="quiz", order_by="QuizRule.position", cascade="all, delete-orphan"
    )
    extra_times: Mapped[list[ExtraTime]] = relationship(
        back_populates="quiz", cascade="all, delete-orphan"
    )


class QuizRule(Model):
    """Draw ``question_count`` questions from a section (or from all, when empty).

    ``difficulties`` lists the allowed difficulty levels; an empty list allows any.
    """

    __tablename__ = "quiz_rules"
    __table_args__ = (UniqueConstraint("quiz_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id", ondelete="CASCADE"))
    position: Mapped[int]
    section_id: Mapped[int | None] = mapped_column(ForeignKey("sections.id"))
    question_count: Mapped[int]
    difficulties: Mapped[list[Any]]

    quiz: Mapped[Quiz] = relationship(back_populates="rules")
    section: Mapped[Section | None] = relationship()


class ExtraTime(Model):
    """Additional minutes a teacher grants one student on one timed quiz."""

    __tablename__ = "quiz_extra_times"

    quiz_id: Mapped[int] = mapped_column(
        ForeignKey("quizzes.id", ondelete="CASCADE"), primary_key=True
    )
    student_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    extra_seconds: Mapped[int]

    quiz: Mapped[Quiz] = relationship(back_populates="extra_times")
