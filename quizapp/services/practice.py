"""Practice: quizzes a student draws for themselves, due reviews first."""

from __future__ import annotations

import datetime as dt
import random

from quizapp.extensions import db
from quizapp.models import Article, Attempt, FeedbackTiming, QuizKind, Section
from quizapp.services.attempt_start import start_attempt
from quizapp.services.attempts import AttemptError
from quizapp.services.quizzes import QuizError, QuizSettings, RuleSpec, create_quiz
from quizapp.services.unit_of_work import unit_of_work

MAX_PRACTICE_QUESTIONS = 30


def start_practice(
    student_id: int,
    *,
    article_id: int | None,
    section_id: int | None,
    question_count: int,
    now: dt.datetime,
    grace: dt.timedelta,
    rng: random.Random | None = None,
) -> Attempt:
    """Create a practice quiz on one section (or all sections of an article) and start it.

    Practice gives feedback after each question, so the learner checks as they go. The
    quiz and the attempt are one unit of work: a practice that cannot start leaves no quiz.
    """
    if not 1 <= question_count <= MAX_PRACTICE_QUESTIONS:
        raise AttemptError(f"Choose between 1 and {MAX_PRACTICE_QUESTIONS} questions.")
    with unit_of_work():
        return _start_practice(
            student_id, article_id, section_id, question_count, now=now, grace=grace, rng=rng
        )


def _start_practice(
    student_id: int,
    article_id: int | None,
    section_id: int | None,
    question_count: int,
    *,
    now: dt.datetime,
    grace: dt.timedelta,
    rng: random.Random | None,
) -> Attempt:
    section = db.session.get(Section, section_id) if section_id is not None else None
    if section is not None:
        article_id = section.article_id
    article = db.session.get(Article, article_id) if article_id is not None else None
    if article is None:
        raise AttemptError("Choose a section or an article to practise.")
    try:
        quiz = create_quiz(
            owner_id=student_id,
            article_id=article.id,
            title=f"Practice: {section.title if section else article.title}",
            kind=QuizKind.PRACTICE,
            rules=[RuleSpec(question_count=question_count, section_id=section_id)],
            settings=QuizSettings(feedback_timing=FeedbackTiming.IMMEDIATE),
            now=now,
            publish=True,
        )
    except QuizError as error:
        raise AttemptError(" ".join(error.problems)) from error
    return start_attempt(quiz, student_id, now=now, grace=grace, rng=rng)
