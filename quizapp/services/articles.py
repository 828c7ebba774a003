"""Read-side queries for the article pages."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Subquery, func

from quizapp.extensions import db
from quizapp.models import Article, Question, Section


@dataclass(frozen=True)
class ArticleSummary:
    """An article as listed on the home page."""

    article: Article
    section_count: int
    question_count: int


@dataclass(frozen=True)
class SectionView:
    """A section with the number of questions a quiz can draw from it."""

    section: Section
    question_count: int


def live_question_counts() -> Subquery:
    """Questions per section, as a subquery (section_id, question_count).

    Retired questions are kept for old attempts but no longer count as the bank's.
    """
    return (
        db.select(Question.section_id, func.count(Question.id).label("question_count"))
        .where(Question.retired_at.is_(None))
        .group_by(Question.section_id)
        .subquery()
    )


def list_articles() -> list[ArticleSummary]:
    """Every article with its section and question counts, in one query."""
    counts = live_question_counts()
    rows = db.session.execute(
        db.select(
            Article,
            func.count(Section.id),
            func.coalesce(func.sum(counts.c.question_count), 0),
        )
        .outerjoin(Section, Section.article_id == Article.id)
        .outerjoin(counts, counts.c.section_id == Section.id)
        .group_by(Article.id)
        .order_by(Article.published.desc(), Article.title)
    ).all()
    return [
        ArticleSummary(article, int(sections), int(questions))
        for article, sections, questions in rows
    ]


def get_article_sections(slug: str) -> tuple[Article, list[SectionView]] | None:
    """The article with ``slug`` and its sections in order, or None when there is none."""
    article = db.session.execute(
        db.select(Article).where(Article.slug == slug)
    ).scalar_one_or_none()
    if article is None:
        return None
    counts = live_question_counts()
    rows = db.session.execute(
        db.select(Section, func.coalesce(counts.c.question_count, 0))
        .outerjoin(counts, counts.c.section_id == Section.id)
        .where(Section.article_id == article.id)
        .order_by(Section.position)
    ).all()
    return article, [SectionView(section, int(count)) for section, count in rows]
