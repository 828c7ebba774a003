"""What a student has learnt: mastery per section, reviews due, attempt history."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import and_, func
from sqlalchemy.orm import joinedload

from quizapp.domain.progress import mastery
from quizapp.extensions import db
from quizapp.models import (
    Article,
    Attempt,
    AttemptQuestion,
    AttemptState,
    Question,
    QuestionVersion,
    Response,
    ReviewCard,
    Section,
)


@dataclass(frozen=True)
class SectionRef:
    """A section as the progress page names and links it."""

    id: int
    title: str
    slug: str


@dataclass(frozen=True)
class ArticleRef:
    """An article as the progress page names and links it."""

    id: int
    title: str
    slug: str


@dataclass(frozen=True)
class SectionProgress:
    """One section's numbers for one learner."""

    section: SectionRef
    question_count: int
    answered: int
    due: int
    mastery: float


@dataclass(frozen=True)
class ArticleProgress:
    """A learner's progress through one article, section by section."""

    article: ArticleRef
    sections: list[SectionProgress]


@dataclass(frozen=True)
class FinishedAttempt:
    """A submitted attempt in a list of results."""

    id: int
    quiz_title: str
    score: float | None
    max_score: float | None
    submitted_at: dt.datetime | None


@dataclass(frozen=True)
class ProgressPage:
    """Mastery by section, reviews due and the history of attempts."""

    articles: list[ArticleProgress]
    history: tuple[FinishedAttempt, ...]
    due: int


def progress_page(student_id: int, *, now: dt.datetime) -> ProgressPage:
    """Everything the student's progress page shows."""
    return ProgressPage(
        articles=student_progress(student_id, now=now),
        history=tuple(finished_attempt(a) for a in attempt_history(student_id)),
        due=due_count(student_id, now=now),
    )


def finished_attempt(attempt: Attempt) -> FinishedAttempt:
    """The plain view of a submitted attempt (its quiz loaded)."""
    return FinishedAttempt(
        attempt.id, attempt.quiz.title, attempt.score, attempt.max_score, attempt.submitted_at
    )


def due_count(student_id: int, *, now: dt.datetime) -> int:
    """How many of the student's questions are due for review (retired ones excluded)."""
    return db.session.scalar(
        db.select(func.count(ReviewCard.id))
        .join(Question, Question.id == ReviewCard.question_id)
        .where(
            ReviewCard.student_id == student_id,
            ReviewCard.due_at <= now,
            Question.retired_at.is_(None),
        )
    )


def student_progress(student_id: int, *, now: dt.datetime) -> list[ArticleProgress]:
    """Mastery, answered and due counts for every section of every article (3 queries)."""
    sections = (
        db.session.execute(
            db.select(Section)
            .join(Article, Article.id == Section.article_id)
            .options(joinedload(Section.article))
            .order_by(Article.title, Section.position)
        )
        .scalars()
        .all()
    )
    rows = db.session.execute(
        db.select(Question.section_id, Question.id, ReviewCard.last_fraction, ReviewCard.due_at)
        .outerjoin(
            ReviewCard,
            and_(ReviewCard.question_id == Question.id, ReviewCard.student_id == student_id),
        )
        .where(Question.retired_at.is_(None))
    ).all()
    # Answered means the learner gave an answer that was graded (checked, or submitted);
    # a question skipped in a submitted attempt has a review card (graded 0) but was not
    # answered, and an answer still open in an attempt counts once it is graded.
    answered = set(
        db.session.execute(
            db.select(QuestionVersion.question_id)
            .join(AttemptQuestion, AttemptQuestion.question_version_id == QuestionVersion.id)
            .join(Attempt, Attempt.id == AttemptQuestion.attempt_id)
            .join(Response, Response.attempt_question_id == AttemptQuestion.id)
            .where(
                Attempt.student_id == student_id,
                Response.answer.is_not(None),
                Response.graded_at.is_not(None),
            )
            .distinct()
        ).scalars()
    )
    by_section: dict[int, list[tuple[int, float | None, dt.datetime | None]]] = defaultdict(list)
    for section_id, question_id, fraction, due_at in rows:
        by_section[section_id].append((question_id, fraction, due_at))

    articles: dict[int, ArticleProgress] = {}
    for section in sections:
        questions = by_section.get(section.id, [])
        latest = {q: f for q, f, _ in questions if f is not None}
        progress = SectionProgress(
            section=SectionRef(section.id, section.title, section.slug),
            question_count=len(questions),
            answered=sum(1 for q, _, _ in questions if q in answered),
            due=sum(1 for _, f, due in questions if due is not None and due <= now),
            mastery=mastery([q for q, _, _ in questions], latest),
        )
        article = section.article
        articles.setdefault(
            section.article_id,
            ArticleProgress(ArticleRef(article.id, article.title, article.slug), []),
        ).sections.append(progress)
    return list(articles.values())


def attempt_history(student_id: int, *, limit: int = 50) -> list[Attempt]:
    """The student's submitted attempts, newest first, with their quizzes loaded."""
    return list(
        db.session.execute(
            db.select(Attempt)
            .options(joinedload(Attempt.quiz))
            .where(Attempt.student_id == student_id, Attempt.state == AttemptState.SUBMITTED)
            .order_by(Attempt.submitted_at.desc())
            .limit(limit)
        ).scalars()
    )


def submitted_attempts(student_id: int, quiz_ids: list[int]) -> list[Attempt]:
    """Every submitted attempt of the student at these quizzes, oldest first."""
    if not quiz_ids:
        return []
    return list(
        db.session.execute(
            db.select(Attempt)
            .where(
                Attempt.student_id == student_id,
                Attempt.quiz_id.in_(quiz_ids),
                Attempt.state == AttemptState.SUBMITTED,
            )
            .order_by(Attempt.started_at)
        ).scalars()
    )
