"""Quizzes that are open now: what practice keeps back for them, and what must stay drawable.

A published class quiz that has not closed may still draw its questions, so practice
keeps their keys back (``questions_held_back``) and no bank change may leave it unable
to draw (``quizzes_left_short``, used by article edits, retirements and bank loads).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import or_
from sqlalchemy.orm import joinedload, selectinload

from quizapp.domain.generate import Candidate, check_rules
from quizapp.extensions import db
from quizapp.models import Quiz, QuizKind, QuizRule, User
from quizapp.services.quizzes import (
    article_sections,
    live_candidates,
    quiz_draw_rules,
    quizzes_for_student,
)


@dataclass(frozen=True)
class LiveQuiz:
    """A published quiz that has not closed yet, as practice names it to the student."""

    title: str
    closes_at: dt.datetime | None


def questions_held_back(student_id: int, now: dt.datetime) -> dict[int, LiveQuiz]:
    """The questions whose keys practice keeps from the student, each with the quiz why.

    Those are the questions a published, not yet closed quiz of one of the student's
    classes may draw (its rules' pools), unless its teacher let practice show its keys.
    The student still learns whether they were right; the key, the explanation and the
    evidence wait until the quiz closes.
    """
    live = [
        quiz
        for quiz in quizzes_for_student(student_id)
        if not quiz.keys_in_practice and (quiz.closes_at is None or now < quiz.closes_at)
    ]
    held: dict[int, LiveQuiz] = {}
    candidates_of: dict[int, list[Candidate]] = {}
    for quiz in live:
        if quiz.article_id not in candidates_of:
            candidates_of[quiz.article_id] = live_candidates(quiz.article_id)
        for candidate in candidates_of[quiz.article_id]:
            if any(_rule_may_draw(rule, candidate) for rule in quiz.rules):
                held.setdefault(candidate.question_id, LiveQuiz(quiz.title, quiz.closes_at))
    return held


def _rule_may_draw(rule: QuizRule, candidate: Candidate) -> bool:
    return (rule.section_id is None or rule.section_id == candidate.section_id) and (
        not rule.difficulties or candidate.difficulty in rule.difficulties
    )


# ------------------------------------------------------------- what must stay drawable


def _when(moment: dt.datetime) -> str:
    return f"{moment.day} {moment:%B %Y}, {moment:%H:%M} UTC"


def quiz_name(quiz: Quiz, owner: str) -> str:
    """'the quiz "X" of Ms Y's class "Z", open until ...' for messages."""
    school_class = quiz.school_class
    whose = f"{owner}'s class “{school_class.name}”" if school_class is not None else owner
    closes = quiz.closes_at
    until = f"open until {_when(closes)}" if closes is not None else "open with no closing date"
    return f"the quiz “{quiz.title}” of {whose}, {until}"


def open_quizzes_on(article_id: int, now: dt.datetime) -> list[tuple[Quiz, str]]:
    """Published class quizzes on the article that have not closed, with owners' names."""
    rows = db.session.execute(
        db.select(Quiz, User.name)
        .join(User, User.id == Quiz.owner_id)
        .options(selectinload(Quiz.rules), joinedload(Quiz.school_class))
        .where(
            Quiz.article_id == article_id,
            Quiz.kind == QuizKind.ASSESSMENT,
            Quiz.published_at.is_not(None),
            or_(Quiz.closes_at.is_(None), Quiz.closes_at > now),
        )
        .order_by(Quiz.id)
    ).all()
    return [(quiz, name) for quiz, name in rows]


def quizzes_left_short(
    article_id: int, before: Sequence[Candidate], after: Sequence[Candidate], now: dt.datetime
) -> list[str]:
    """Why a change of the drawable questions (``before`` -> ``after``) is refused.

    One message per open published quiz on the article whose rules could be drawn from
    ``before`` but not from ``after``, naming the quiz and the rule that falls short.
    """
    quizzes = open_quizzes_on(article_id, now)
    if not quizzes:
        return []
    sections = article_sections(article_id)
    problems = []
    for quiz, owner in quizzes:
        rules = quiz_draw_rules(quiz, sections)
        if (broken := check_rules(rules, after)) and not check_rules(rules, before):
            name = quiz_name(quiz, owner)
            problems.append(
                f"{name[0].upper()}{name[1:]}, could then no longer draw its questions "
                f"({'; '.join(broken)}). Change the quiz's rules first, or wait until it "
                "has closed."
            )
    return problems
