"""A demo teacher, class and quiz on a fresh install, so both sides can be tried at once.

The demo teacher is an admin: on a fresh install it is the only account, and someone has
to be able to make the school's real teachers.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from sqlalchemy import func

from quizapp.extensions import db
from quizapp.models import Article, QuizKind, Role, User
from quizapp.services.classes import create_class
from quizapp.services.quizzes import QuizSettings, RuleSpec, create_quiz
from quizapp.services.unit_of_work import unit_of_work
from quizapp.services.users import create_user

DEMO_TEACHER_EMAIL = "demo-teacher@example.org"
DEMO_QUIZ_QUESTIONS = 6


@dataclass(frozen=True)
class DemoSetup:
    """What was created, including the one-time password (shown once, never stored, and
    to be changed at the first login)."""

    email: str
    password: str
    class_name: str
    join_code: str
    quiz_title: str | None


def create_demo(*, now: dt.datetime) -> DemoSetup | None:
    """On an empty user table, create the demo teacher (an admin), class and a published quiz.

    Returns None (and changes nothing) when any account exists: a real install that
    already has users never gets demo accounts added behind its back. Everything is one
    unit of work: a demo half made is never left behind.
    """
    with unit_of_work():
        return _create_demo(now)


def _create_demo(now: dt.datetime) -> DemoSetup | None:
    if db.session.scalar(db.select(func.count(User.id))):
        return None
    password = secrets.token_urlsafe(12)
    teacher = create_user(
        DEMO_TEACHER_EMAIL, password, role=Role.ADMIN, name="Demo Teacher", now=now
    )
    # The password was printed on a terminal (and perhaps in a log): its first use is to
    # choose another.
    teacher.must_change_password = True
    school_class = create_class(teacher, "Demo class", now=now)
    article = db.session.execute(db.select(Article).order_by(Article.id)).scalars().first()
    quiz_title = None
    if article is not None:
        quiz = create_quiz(
            owner_id=teacher.id,
            article_id=article.id,
            title=f"Demo quiz: {article.title}",
            kind=QuizKind.ASSESSMENT,
            rules=[RuleSpec(question_count=DEMO_QUIZ_QUESTIONS)],
            settings=QuizSettings(),
            now=now,
            class_id=school_class.id,
            publish=True,
        )
        quiz_title = quiz.title
    return DemoSetup(
        DEMO_TEACHER_EMAIL, password, school_class.name, school_class.join_code, quiz_title
    )
