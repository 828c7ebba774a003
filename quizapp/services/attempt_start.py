"""Starting an attempt: who may start, which questions it draws and in what order.

The draw ranks candidates (practice: due reviews first; assessments: least seen first),
records the seed, and fixes each question's display order, so the attempt can be rebuilt.
"""

from __future__ import annotations

import datetime as dt
import functools
import random
from typing import Any, cast

from sqlalchemy import BindParameter, Select, Table, bindparam, func, text
from sqlalchemy.orm import load_only

from quizapp.domain.generate import Candidate, RulesImpossible, display_order, draw, shuffle_plan
from quizapp.domain.questions import Question as DomainQuestion
from quizapp.extensions import db
from quizapp.models import (
    Attempt,
    AttemptQuestion,
    AttemptState,
    Enrolment,
    ExtraTime,
    Question,
    QuestionVersion,
    Quiz,
    QuizKind,
    ReviewCard,
    Section,
)
from quizapp.models.attempts import IN_PROGRESS_WHERE
from quizapp.services.attempts import AttemptError, attempt_query, is_expired, submit_attempt
from quizapp.services.concurrent_writes import dialect_insert, take_write_lock
from quizapp.services.questions import cached_domain, version_to_domain
from quizapp.services.quizzes import deadline_for, live_candidates, quiz_draw_rules
from quizapp.services.unit_of_work import unit_of_work

_system_random = random.SystemRandom()


def _ranked_for_assessment(candidates: list[Candidate], student_id: int) -> list[Candidate]:
    # Moodle's "no repeats": the questions this learner has seen least come first.
    seen = dict(db.session.execute(_seen_counts(), {"student_id": student_id}).all())
    return [_with_rank(c, seen.get(c.question_id, 0)) for c in candidates]


def _ranked_for_practice(
    candidates: list[Candidate], student_id: int, now: dt.datetime
) -> list[Candidate]:
    # Due for review first, then never answered, then the rest.
    due_at = dict(
        db.session.execute(
            db.select(ReviewCard.question_id, ReviewCard.due_at).where(
                ReviewCard.student_id == student_id
            )
        ).all()
    )
    return [
        _with_rank(
            c,
            1 if c.question_id not in due_at else (0 if due_at[c.question_id] <= now else 2),
        )
        for c in candidates
    ]


def _with_rank(candidate: Candidate, rank: int) -> Candidate:
    return Candidate(
        question_id=candidate.question_id,
        section_id=candidate.section_id,
        difficulty=candidate.difficulty,
        rank=rank,
    )


def _check_may_start(quiz: Quiz, student_id: int, now: dt.datetime) -> None:
    if quiz.kind is QuizKind.PRACTICE:
        if quiz.owner_id != student_id:
            raise AttemptError("This practice quiz belongs to someone else.")
        return
    if quiz.published_at is None:
        raise AttemptError("This quiz is not published yet.")
    params = {"class_id": quiz.class_id, "student_id": student_id}
    enrolled = db.session.execute(_enrolment(), params).first()
    if not enrolled:
        raise AttemptError("This quiz is for a class you are not in.")
    if quiz.opens_at and now < quiz.opens_at:
        raise AttemptError(f"This quiz opens on {quiz.opens_at:%d %B %Y at %H:%M} UTC.")
    if quiz.closes_at and now >= quiz.closes_at:
        raise AttemptError("This quiz has closed.")
    if quiz.attempts_allowed is not None:
        used = db.session.scalar(
            db.select(func.count(Attempt.id)).where(
                Attempt.quiz_id == quiz.id, Attempt.student_id == student_id
            )
        )
        if used >= quiz.attempts_allowed:
            raise AttemptError(
                f"You have used all {quiz.attempts_allowed} attempt"
                f"{'s' if quiz.attempts_allowed != 1 else ''} at this quiz."
            )


def in_progress_attempt(quiz_id: int, student_id: int) -> Attempt | None:
    """The student's unfinished attempt at the quiz, if any."""
    params = {"quiz_id": quiz_id, "student_id": student_id}
    return db.session.execute(_in_progress(), params).scalar_one_or_none()


def start_attempt(
    quiz: Quiz,
    student_id: int,
    *,
    now: dt.datetime,
    grace: dt.timedelta,
    rng: random.Random | None = None,
) -> Attempt:
    """Resume the student's open attempt, or draw a new one with its own stored seed.

    Two starts racing each other (a double click, two tabs) open one attempt: the database
    allows one in progress per quiz and student (a partial unique index). On SQLite the
    starts queue for the write lock taken first, so the second finds the first's attempt
    and resumes it; on PostgreSQL the second one's INSERT meets the index (waiting for the
    first to commit), inserts nothing, and the attempt the first one opened is resumed.
    """
    with unit_of_work() as session:
        take_write_lock()
        current = in_progress_attempt(quiz.id, student_id)
        if current is not None:
            if not is_expired(current, now, grace):
                return current
            # Its time ran out unattended: submit it with what was saved, then start anew.
            # (Only this quiz's: starting is what hundreds of students do in the same
            # second, and the dashboard finalises the rest.)
            submit_attempt(_with_questions(current), now=now, automatically=True)
        try:
            _check_may_start(quiz, student_id, now)
        except AttemptError:
            # On PostgreSQL each read sees what was committed when it ran: a start that
            # committed since the look above counts as an attempt used, and is resumed.
            current = in_progress_attempt(quiz.id, student_id)
            if current is None:
                raise
            return current

        candidates = live_candidates(quiz.article_id)
        ranked = (
            _ranked_for_practice(candidates, student_id, now)
            if quiz.kind is QuizKind.PRACTICE
            else _ranked_for_assessment(candidates, student_id)
        )
        sections = {
            section.id: section
            for section in session.scalars(_section_titles(), {"article_id": quiz.article_id})
        }
        rules = quiz_draw_rules(quiz, sections)
        seed = (rng or _system_random).getrandbits(62)
        draw_random = random.Random(seed)
        try:
            question_ids = draw(rules, ranked, draw_random)
        except RulesImpossible as error:
            raise AttemptError(
                "This quiz cannot be drawn from the bank as it is now: " + "; ".join(error.problems)
            ) from error

        drawn = _current_versions(question_ids)
        # The learner's extra time and their last attempt's number, in one statement.
        extra, last_number = session.execute(
            _extra_time_and_last_number(), {"quiz_id": quiz.id, "student_id": student_id}
        ).one()
        number = 1 + (last_number or 0)
        # The INSERT itself settles a race with another start: the partial unique index
        # allows one attempt in progress, and ON CONFLICT DO NOTHING (on that index) turns
        # a clash into no row instead of an error.
        attempt = session.scalars(
            _new_attempt(session.get_bind().dialect.name),
            {
                "quiz_id": quiz.id,
                "student_id": student_id,
                "number": number,
                "seed": seed,
                "started_at": now,
                "deadline_at": deadline_for(quiz, now, extra or 0),
            },
        ).one_or_none()
        if attempt is None:
            # Another start opened one between our look and our INSERT: resume it, as if
            # this start had come second.
            current = in_progress_attempt(quiz.id, student_id)
            if current is None:
                raise AttemptError("Another start of this quiz was under way; please try again.")
            return current
        slots = []
        for position, question_id in enumerate(question_ids, start=1):
            version_id, domain_question = drawn[question_id]
            size, avoid_identity = shuffle_plan(domain_question)
            order = (
                display_order(
                    size,
                    draw_random,
                    shuffle=quiz.shuffle_choices or avoid_identity,
                    avoid_identity=avoid_identity,
                )
                if size
                else None
            )
            slots.append(
                {
                    "attempt_id": attempt.id,
                    "position": position,
                    "question_version_id": version_id,
                    "display_order": order,
                }
            )
        # One multi-row INSERT, not one per question: this runs for every student of a
        # class pressing Start at once. The questions load when first asked for.
        session.connection().execute(_ATTEMPT_QUESTIONS.insert(), slots)
        session.expire(attempt, ["questions"])
    return attempt


def _with_questions(attempt: Attempt) -> Attempt:
    """The attempt with every question and answer loaded, as submitting needs."""
    return db.session.execute(
        attempt_query().where(Attempt.id == attempt.id),
        execution_options={"populate_existing": True},
    ).scalar_one()


# The statements a start runs, built once per worker with bound parameters: hundreds of
# students start in the same second when an exam opens, and building a statement and
# its cache key cost more than running it (as for ``attempt_slot``).


# The table itself: the questions of a new attempt go in as one plain multi-row INSERT.
_ATTEMPT_QUESTIONS = cast(Table, AttemptQuestion.__table__)


@functools.cache
def _new_attempt(dialect_name: str) -> Any:
    names = ("quiz_id", "student_id", "number", "seed", "started_at", "deadline_at")
    return (
        dialect_insert(Attempt, dialect_name)
        .values(state=AttemptState.IN_PROGRESS, **{name: bindparam(name) for name in names})
        .on_conflict_do_nothing(
            index_elements=["quiz_id", "student_id"], index_where=text(IN_PROGRESS_WHERE)
        )
        .returning(Attempt)
    )


@functools.cache
def _enrolment() -> Select[int]:
    return db.select(Enrolment.id).where(
        Enrolment.class_id == bindparam("class_id"),
        Enrolment.student_id == bindparam("student_id"),
        Enrolment.removed_at.is_(None),
    )


@functools.cache
def _in_progress() -> Select[Attempt]:
    return db.select(Attempt).where(
        Attempt.quiz_id == bindparam("quiz_id"),
        Attempt.student_id == bindparam("student_id"),
        Attempt.state == AttemptState.IN_PROGRESS,
    )


@functools.cache
def _seen_counts() -> Select[int, int]:
    return (
        db.select(QuestionVersion.question_id, func.count(AttemptQuestion.id))
        .join(AttemptQuestion, AttemptQuestion.question_version_id == QuestionVersion.id)
        .join(Attempt, Attempt.id == AttemptQuestion.attempt_id)
        .where(Attempt.student_id == bindparam("student_id"))
        .group_by(QuestionVersion.question_id)
    )


@functools.cache
def _section_titles() -> Select[Section]:
    # The rules' labels need the titles, not the sections' text.
    return (
        db.select(Section)
        .where(Section.article_id == bindparam("article_id"))
        .options(load_only(Section.id, Section.title))
    )


@functools.cache
def _extra_time_and_last_number() -> Select[int | None, int | None]:
    quiz_id: BindParameter[int] = bindparam("quiz_id")
    student_id: BindParameter[int] = bindparam("student_id")
    return db.select(
        db.select(ExtraTime.extra_seconds)
        .where(ExtraTime.quiz_id == quiz_id, ExtraTime.student_id == student_id)
        .scalar_subquery(),
        db.select(func.max(Attempt.number))
        .where(Attempt.quiz_id == quiz_id, Attempt.student_id == student_id)
        .scalar_subquery(),
    )


@functools.cache
def _current_version_keys() -> Select[int, int, str, str]:
    return (
        db.select(
            QuestionVersion.question_id,
            QuestionVersion.id,
            QuestionVersion.content_hash,
            Question.bank_id,
        )
        .join(Question, Question.id == QuestionVersion.question_id)
        .where(
            Question.id.in_(bindparam("question_ids", expanding=True)),
            QuestionVersion.number == Question.current_version_number,
        )
    )


def _current_versions(question_ids: list[int]) -> dict[int, tuple[int, DomainQuestion]]:
    """Question id -> (its current version's id, the domain question), from the worker's
    cache of domain questions; only versions this worker has not built yet are read."""
    keys = db.session.execute(_current_version_keys(), {"question_ids": question_ids}).all()
    drawn = {}
    missing = {}
    for question_id, version_id, content_hash, bank_id in keys:
        question = cached_domain(version_id, content_hash, bank_id)
        if question is None:
            missing[version_id] = (question_id, bank_id)
        else:
            drawn[question_id] = (version_id, question)
    if missing:
        for version in db.session.scalars(
            db.select(QuestionVersion).where(QuestionVersion.id.in_(list(missing)))
        ):
            question_id, bank_id = missing[version.id]
            drawn[question_id] = (version.id, version_to_domain(version, bank_id))
    return drawn
