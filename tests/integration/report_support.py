"""Shared setup of the report services' integration tests: a class of three students."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from quizapp.extensions import db
from quizapp.models import Article, Attempt, SchoolClass, User
from quizapp.services.attempts import submit_attempt
from tests.factories import NOW, start


@dataclass
class School:
    article: Article
    teacher: User
    school_class: SchoolClass
    ada: User
    bob: User
    cy: User


def scored(quiz, student: User, score: float, *, minutes: int, max_score: float = 4) -> Attempt:
    """A submitted attempt started ``minutes`` after NOW, its score then set to ``score``."""
    now = NOW + dt.timedelta(minutes=minutes)
    attempt = start(quiz, student, now=now, seed=minutes + 1)
    submit_attempt(attempt, now=now + dt.timedelta(minutes=1))
    attempt.score, attempt.max_score = score, max_score
    db.session.commit()
    return attempt
