"""What learners read and are asked about: articles, sections, questions and their versions."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    Float,
    ForeignKey,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    and_,
)
from sqlalchemy.orm import Mapped, foreign, mapped_column, relationship

from quizapp.clock import utcnow
from quizapp.database import enum_type
from quizapp.extensions import Model


class Article(Model):
    """A source text, split into sections; keyed by its slug (the bank's folder name)."""

    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(200), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    authors: Mapped[list[Any]]
    published: Mapped[dt.date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    sections: Mapped[list[Section]] = relationship(
        back_populates="article", order_by="Section.position", cascade="all, delete-orphan"
    )


class Section(Model):
    """One `## ` part of an article; questions are tied to exactly one section."""

    __tablename__ = "sections"
    __table_args__ = (UniqueConstraint("article_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    position: Mapped[int]
    slug: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)

    article: Mapped[Article] = relationship(back_populates="sections")


class Question(Model):
    """A question's identity; its content lives in versions.

    ``bank_id`` is the stable id from the bank files, unique within the article. The
    current version is the one numbered ``current_version_number``: a plain column instead
    of a foreign key back to the versions table avoids a circular reference between the
    two tables that SQLite migrations cannot express.
    """

    __tablename__ = "questions"
    __table_args__ = (UniqueConstraint("article_id", "bank_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    section_id: Mapped[int] = mapped_column(ForeignKey("sections.id"), index=True)
    bank_id: Mapped[str] = mapped_column(String(100))
    current_version_number: Mapped[int] = mapped_column(default=1)
    # Retired questions stay for the attempts that used them but are drawn no more.
    retired_at: Mapped[dt.datetime | None]
    # Set when the article's text changed and the evidence quote is no longer in its
    # section; such questions are kept out of new attempts until a teacher fixes them.
    evidence_stale: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    section: Mapped[Section] = relationship()
    versions: Mapped[list[QuestionVersion]] = relationship(
        back_populates="question", order_by="QuestionVersion.number", cascade="all, delete-orphan"
    )
    current_version: Mapped[QuestionVersion] = relationship(
        primaryjoin=lambda: and_(
            foreign(QuestionVersion.question_id) == Question.id,
            QuestionVersion.number == Question.current_version_number,
        ),
        viewonly=True,
        uselist=False,
    )
    events: Mapped[list[QuestionEvent]] = relationship(
        back_populates="question", order_by="QuestionEvent.id", cascade="all, delete-orphan"
    )


class QuestionVersion(Model):
    """An immutable snapshot of a question's content.

    Editing a question adds a version; attempts point at the version they showed, so a
    later edit never changes what a learner saw or how it was graded. ``fields`` holds the
    type-specific part in the bank format (choices, answers, pairs, items, ...).
    """

    __tablename__ = "question_versions"
    __table_args__ = (UniqueConstraint("question_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"))
    number: Mapped[int]
    type: Mapped[str] = mapped_column(String(20))
    prompt: Mapped[str] = mapped_column(Text)
    fields: Mapped[dict[str, Any]]
    # The first evidence quote (in the question's section); the quotes after it, each in
    # some section of the article, are in ``further_evidence`` (None when there are none).
    evidence: Mapped[str | None] = mapped_column(Text)
    further_evidence: Mapped[list[Any] | None] = mapped_column(JSON(none_as_null=True))
    explanation: Mapped[str | None] = mapped_column(Text)
    difficulty: Mapped[int] = mapped_column(SmallInteger, default=2)
    points: Mapped[float] = mapped_column(Float, default=1.0)
    tags: Mapped[list[Any]]
    # sha256 of the canonical content: loading an unchanged question adds no version.
    content_hash: Mapped[str] = mapped_column(String(64))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    question: Mapped[Question] = relationship(back_populates="versions")


class QuestionEventKind(enum.StrEnum):
    """What happened to a question: written, edited, retired or restored."""

    CREATE = "create"
    EDIT = "edit"
    RETIRE = "retire"
    RESTORE = "restore"


class QuestionEvent(Model):
    """One entry of a question's history: who did what to it, and when.

    The bank is shared, so every change says who made it. ``actor_id`` is empty when no
    teacher did it (a bank load or a command-line import) or when the account was deleted.
    ``version_number`` is the version current after a create or edit (empty otherwise).
    """

    __tablename__ = "question_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(
        ForeignKey("questions.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[QuestionEventKind] = mapped_column(enum_type(QuestionEventKind))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    version_number: Mapped[int | None]
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    question: Mapped[Question] = relationship(back_populates="events")
