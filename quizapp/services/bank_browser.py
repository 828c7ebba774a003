"""The bank browser: the shared bank's questions, filtered, paged and flagged for health.

Read-only, in a fixed number of queries whatever the bank's size; the health rules are
the domain's (``quizapp.domain.item_health``).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

from sqlalchemy import Text, and_, cast, func

from quizapp.domain.item_health import (
    HEALTH_FLAGS,
    MIN_RESPONSES,
    TOO_EASY_ABOVE,
    TOO_HARD_BELOW,
    bank_flags,
)
from quizapp.extensions import db
from quizapp.models import Article, AttemptQuestion, Question, QuestionVersion, Response, Section
from quizapp.services.articles import ArticleChoice, article_choices


@dataclass(frozen=True)
class BankRow:
    """One question as the bank browser lists it (its current version's content)."""

    question_id: int
    bank_id: str
    version_number: int
    prompt: str
    type: str
    difficulty: int
    tags: tuple[str, ...]
    section_title: str
    article_title: str
    responses: int
    mean_fraction: float | None
    flags: tuple[str, ...]


@dataclass(frozen=True)
class BankPage:
    """One page of the bank browser, plus the articles for its filters."""

    rows: list[BankRow]
    total: int
    page: int
    per_page: int
    articles: list[ArticleChoice]

    @property
    def pages(self) -> int:
        """How many pages the matching questions fill (at least one)."""
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_previous(self) -> bool:
        """Whether there is a page before this one."""
        return self.page > 1

    @property
    def has_next(self) -> bool:
        """Whether there is a page after this one."""
        return self.page < self.pages


def _response_stats():
    # Graded responses to any version of each question, aggregated in the database.
    return (
        db.select(
            QuestionVersion.question_id.label("question_id"),
            func.count(Response.fraction).label("responses"),
            func.avg(Response.fraction).label("mean_fraction"),
        )
        .join(AttemptQuestion, AttemptQuestion.question_version_id == QuestionVersion.id)
        .join(Response, Response.attempt_question_id == AttemptQuestion.id)
        .where(Response.fraction.is_not(None))
        .group_by(QuestionVersion.question_id)
        .subquery()
    )


def bank_page(
    *,
    article_id: int | None = None,
    section_id: int | None = None,
    type: str | None = None,
    difficulty: int | None = None,
    tag: str | None = None,
    health: str | None = None,
    search: str | None = None,
    page: int = 1,
    per_page: int = 20,
) -> BankPage:
    """One page of questions matching the filters, in four queries whatever the size.

    Each row has its current version's content, its section and article titles, the count
    and mean of graded responses to any of its versions, and its health flags
    (``HEALTH_FLAGS``); ``health`` keeps only questions with that flag. ``tag`` matches one
    whole tag and ``search`` a part of the prompt, both ignoring case. Raises
    ``ValueError`` for an unknown ``health``.
    """
    if health is not None and health not in HEALTH_FLAGS:
        raise ValueError(f"unknown health flag {health!r}")
    stats = _response_stats()
    responses = func.coalesce(stats.c.responses, 0)
    enough = responses >= MIN_RESPONSES
    # The same rules as bank_flags, in SQL, so that filtering happens before paging.
    health_filters = {
        "no evidence": QuestionVersion.evidence.is_(None),
        "stale evidence": Question.evidence_stale.is_(True),
        "retired": Question.retired_at.is_not(None),
        "too easy": and_(enough, stats.c.mean_fraction > TOO_EASY_ABOVE),
        "too hard": and_(enough, stats.c.mean_fraction < TOO_HARD_BELOW),
    }
    filters = []
    if article_id is not None:
        filters.append(Question.article_id == article_id)
    if section_id is not None:
        filters.append(Question.section_id == section_id)
    if type:
        filters.append(QuestionVersion.type == type)
    if difficulty is not None:
        filters.append(QuestionVersion.difficulty == difficulty)
    if tag:
        # Tags are a JSON list; its text holds each tag JSON-encoded, quotes included, so
        # this matches whole tags, ignoring case, the same way on SQLite and PostgreSQL.
        filters.append(
            cast(QuestionVersion.tags, Text).icontains(
                json.dumps(tag.strip().lower()), autoescape=True
            )
        )
    if health is not None:
        filters.append(health_filters[health])
    if search and search.strip():
        filters.append(QuestionVersion.prompt.icontains(search.strip(), autoescape=True))

    def joined(query):
        return (
            query.join(
                QuestionVersion,
                (QuestionVersion.question_id == Question.id)
                & (QuestionVersion.number == Question.current_version_number),
            )
            .join(Section, Section.id == Question.section_id)
            .join(Article, Article.id == Question.article_id)
            .outerjoin(stats, stats.c.question_id == Question.id)
            .where(*filters)
        )

    total = db.session.scalar(joined(db.select(func.count(Question.id)).select_from(Question)))
    per_page = max(1, per_page)
    page = min(max(1, page), max(1, math.ceil((total or 0) / per_page)))
    rows = db.session.execute(
        joined(
            db.select(
                Question.id,
                Question.bank_id,
                Question.current_version_number,
                Question.evidence_stale,
                Question.retired_at,
                QuestionVersion.prompt,
                QuestionVersion.type,
                QuestionVersion.difficulty,
                QuestionVersion.tags,
                QuestionVersion.evidence,
                Section.title,
                Article.title,
                responses,
                stats.c.mean_fraction,
            ).select_from(Question)
        )
        .order_by(Article.title, Section.position, Question.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    items = []
    for (
        question_id,
        bank_id,
        version_number,
        evidence_stale,
        retired_at,
        prompt,
        type_name,
        level,
        tags,
        evidence,
        section_title,
        article_title,
        count,
        mean,
    ) in rows:
        # PostgreSQL's avg() may come back as a Decimal.
        mean_fraction = float(mean) if mean is not None else None
        items.append(
            BankRow(
                question_id=question_id,
                bank_id=bank_id,
                version_number=version_number,
                prompt=prompt,
                type=type_name,
                difficulty=level,
                tags=tuple(tags or ()),
                section_title=section_title,
                article_title=article_title,
                responses=int(count),
                mean_fraction=mean_fraction,
                flags=bank_flags(
                    has_evidence=bool(evidence),
                    evidence_stale=evidence_stale,
                    retired=retired_at is not None,
                    responses=int(count),
                    mean_fraction=mean_fraction,
                ),
            )
        )
    return BankPage(
        rows=items,
        total=total or 0,
        page=page,
        per_page=per_page,
        articles=article_choices(),
    )
