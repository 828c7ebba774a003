"""Shared setup of the authoring services' integration tests: an article, a question."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func

from quizapp.domain.questions import question_from_mapping
from quizapp.extensions import db
from quizapp.models import (
    Article,
    Attempt,
    AttemptQuestion,
    AttemptState,
    Question,
    QuestionVersion,
    Quiz,
    QuizKind,
    Response,
)
from quizapp.services.question_authoring import save_question
from tests.factories import NOW

ARTICLE_MD = """---
title: "Tea and Trade"
authors: ["A. Writer", "B. Author"]
published: 2024-01-02
source: "Test Press"
---
## Tea in Europe

Tea reached Europe in the 17th century. Dutch traders brought it first.
It was sold in apothecaries as a medicine.

## The tea trade

Britain imported 10 million pounds of tea in 1750. Smuggling was common, because
the duty on tea was high.
"""

TEA, TRADE = "tea-in-europe", "the-tea-trade"


def single(prompt: str = "Who brought tea to Europe first?", **overrides: object):
    """A valid single-choice question about the "Tea in Europe" section."""
    mapping: dict[str, object] = {
        "id": "draft",
        "type": "single",
        "prompt": prompt,
        "choices": [
            {"text": "Dutch traders", "correct": True},
            {"text": "Portuguese monks", "correct": False},
        ],
        "evidence": "Dutch traders brought it first.",
        "explanation": "The article says the Dutch came first.",
    }
    mapping.update(overrides)
    return question_from_mapping({k: v for k, v in mapping.items() if v is not None})


def section_id(article: Article, slug: str) -> int:
    return next(s.id for s in article.sections if s.slug == slug)


def save_new(article: Article, author_id: int, question=None, slug: str = TEA) -> Question:
    return save_question(
        article_id=article.id,
        section_id=section_id(article, slug),
        question=question or single(),
        author_id=author_id,
        now=NOW,
    )


def add_graded_responses(question: Question, fractions: Sequence[float], student_id: int) -> None:
    """Submitted attempts that each drew ``question`` once and were graded ``fractions``."""
    version_id = db.session.scalar(
        db.select(QuestionVersion.id).where(
            QuestionVersion.question_id == question.id,
            QuestionVersion.number == question.current_version_number,
        )
    )
    quiz = Quiz(
        title="Practice",
        kind=QuizKind.PRACTICE,
        article_id=question.article_id,
        owner_id=student_id,
        created_at=NOW,
        updated_at=NOW,
    )
    db.session.add(quiz)
    for number, fraction in enumerate(fractions, start=1):
        attempt = Attempt(
            quiz=quiz,
            student_id=student_id,
            number=number,
            seed=number,
            state=AttemptState.SUBMITTED,
            started_at=NOW,
            submitted_at=NOW,
        )
        row = AttemptQuestion(attempt=attempt, position=1, question_version_id=version_id)
        row.response = Response(answer=None, saved_at=NOW, fraction=fraction, graded_at=NOW)
        db.session.add(attempt)
    db.session.commit()


def version_count(question_id: int) -> int:
    return db.session.scalar(
        db.select(func.count(QuestionVersion.id)).where(QuestionVersion.question_id == question_id)
    )
