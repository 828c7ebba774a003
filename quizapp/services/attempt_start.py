"""Starting an attempt: who may start, which questions it draws and in what order.

The draw ranks candidates (practice: due reviews first; assessments: least seen first),
records the seed, and fixes each question's display order, so the attempt can be rebuilt.
"""

from __future__ import annotations

import datetime as dt
import functools
import random
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import BindParameter, Select, Table, bindparam, func, text

from quizapp.domain.generate import (
    Candidate,
    RulesImpossible,
    check_rules,
    display_order,
    draw,
    shuffle_plan,
)
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
)
from quizapp.models.attempts import IN_PROGRESS_WHERE
from quizapp.services.attempts import AttemptError, attempt_query, is_expired, submit_attempt
from quizapp.services.concurrent_writes import dialect_insert, take_write_lock
from quizapp.services.questions import cached_domain, version_to_domain
from quizapp.services.quizzes import (
    article_sections,
    deadline_for,
    live_candidates_query,
    quiz_draw_rules,
)
from quizapp.services.unit_of_work import unit_of_work

_system_random = random.SystemRandom()


@dataclass(frozen=True)
class _Drawable:
    """The questions a start may draw, ranked, with their current versions' cache keys."""

    candidates: list[Candidate]
    # Question id -> (current version id, content hash, bank id).
    versions: dict[int, tuple[int, str, str]]


def _drawable(quiz: Quiz, student_id: int, now: dt.datetime) -> _Drawable:
    """Every question the quiz may draw, in one statement with what ranks it.

    Assessments rank as Moodle's "no repeats" does: the questions this learner has seen
    least come first. Practice: due for review first, then never answered, then the rest.
    """
    practice = quiz.kind is QuizKind.PRACTICE
    params = {"article_id": quiz.article_id, "student_id": student_id}
    candidates = []
    versions = {}
    for row in db.session.execute(_drawable_query(practice), params):
        question_id, section_id, difficulty, version_id, content_hash, bank_id, ranked_by = row
        if practice:
            rank = 1 if ranked_by is None else (0 if ranked_by <= now else 2)
        else:
            rank = ranked_by or 0
        candidates.append(Candidate(question_id, section_id, difficulty, rank))
        versions[question_id] = (version_id, content_hash, bank_id)
    return _Drawable(candidates, versions)


@dataclass(frozen=True)
class _StartFacts:
    """What deciding on a start needs beyond the quiz, read in one statement."""

    in_progress_id: int | None
    enrolled: bool
    extra_seconds: int | None
    attempts_used: int
    last_number: int | None


def _start_facts(quiz: Quiz, student_id: int) -> _StartFacts:
    params = {"quiz_id": quiz.id, "student_id": student_id, "class_id": quiz.class_id}
    row = db.session.execute(_start_facts_query(), params).one()
    return _StartFacts(*row)


def _check_may_start(quiz: Quiz, student_id: int, facts: _StartFacts, now: dt.datetime) -> None:
    if quiz.kind is QuizKind.PRACTICE:
        if quiz.owner_id != student_id:
            raise AttemptError("This practice quiz belongs to someone else.")
        return
    if quiz.published_at is None:
        raise AttemptError("This quiz is not published yet.")
    if not facts.enrolled:
        raise AttemptError("This quiz is for a class you are not in.")
    if quiz.opens_at and now < quiz.opens_at:
        raise AttemptError(f"This quiz opens on {quiz.opens_at:%d %B %Y at %H:%M} UTC.")
    if quiz.closes_at and now >= quiz.closes_at:
        raise AttemptError("This quiz has closed.")
    if quiz.attempts_allowed is not None and facts.attempts_used >= quiz.attempts_allowed:
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
        facts = _start_facts(quiz, student_id)
        if facts.in_progress_id is not None:
            open_attempt = session.get_one(Attempt, facts.in_progress_id)
            if not is_expired(open_attempt, now, grace):
                return open_attempt
            # Its time ran out unattended: submit it with what was saved, then start anew.
            # (Only this quiz's: starting is what hundreds of students do in the same
            # second, and the dashboard finalises the rest.)
            submit_attempt(_with_questions(open_attempt), now=now, automatically=True)
        # One statement read the facts, so an attempt another start committed since is
        # either in them (resumed above) or not counted either (met at the INSERT below).
        _check_may_start(quiz, student_id, facts, now)

        drawable = _drawable(quiz, student_id, now)
        seed = (rng or _system_random).getrandbits(62)
        draw_random = random.Random(seed)
        try:
            # The rules' labels name sections, so they are read only to explain a failure.
            question_ids = draw(quiz_draw_rules(quiz, {}), drawable.candidates, draw_random)
        except RulesImpossible as error:
            labelled = quiz_draw_rules(quiz, article_sections(quiz.article_id))
            problems = check_rules(labelled, drawable.candidates) or error.problems
            raise AttemptError(
                "This quiz cannot be drawn from the bank as it is now: " + "; ".join(problems)
            ) from error

        drawn = _domain_questions(question_ids, drawable.versions)
        number = 1 + (facts.last_number or 0)
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
                "deadline_at": deadline_for(quiz, now, facts.extra_seconds or 0),
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
def _in_progress() -> Select[Attempt]:
    return db.select(Attempt).where(
        Attempt.quiz_id == bindparam("quiz_id"),
        Attempt.student_id == bindparam("student_id"),
        Attempt.state == AttemptState.IN_PROGRESS,
    )


@functools.cache
def _start_facts_query() -> Select[*tuple[Any, ...]]:
    """``_StartFacts`` in one statement: the attempt in progress, whether the student is
    in the quiz's class, their extra time, how many attempts they have made and their last
    attempt's number."""
    quiz_id: BindParameter[int] = bindparam("quiz_id")
    student_id: BindParameter[int] = bindparam("student_id")
    theirs = (Attempt.quiz_id == quiz_id) & (Attempt.student_id == student_id)
    in_progress = theirs & (Attempt.state == AttemptState.IN_PROGRESS)
    return db.select(
        db.select(Attempt.id).where(in_progress).scalar_subquery(),
        db.select(Enrolment.id)
        .where(
            Enrolment.class_id == bindparam("class_id"),
            Enrolment.student_id == student_id,
            Enrolment.removed_at.is_(None),
        )
        .exists(),
        db.select(ExtraTime.extra_seconds)
        .where(ExtraTime.quiz_id == quiz_id, ExtraTime.student_id == student_id)
        .scalar_subquery(),
        db.select(func.count(Attempt.id)).where(theirs).scalar_subquery(),
        db.select(func.max(Attempt.number)).where(theirs).scalar_subquery(),
    )


@functools.cache
def _drawable_query(practice: bool) -> Select[*tuple[Any, ...]]:
    """The article's drawable questions (``quizzes.live_candidates``) with their current
    versions' cache keys and what ranks them: the learner's review card's due time
    (practice) or how many times the learner has been given the question (assessments)."""
    student_id: BindParameter[int] = bindparam("student_id")
    ranked_by: Any
    query = live_candidates_query().add_columns(
        QuestionVersion.id, QuestionVersion.content_hash, Question.bank_id
    )
    if practice:
        query = query.outerjoin(
            ReviewCard,
            (ReviewCard.question_id == Question.id) & (ReviewCard.student_id == student_id),
        )
        ranked_by = ReviewCard.due_at
    else:
        given = db.aliased(QuestionVersion)
        seen = (
            db.select(given.question_id, func.count(AttemptQuestion.id).label("times"))
            .join(AttemptQuestion, AttemptQuestion.question_version_id == given.id)
            .join(Attempt, Attempt.id == AttemptQuestion.attempt_id)
            .where(Attempt.student_id == student_id)
            .group_by(given.question_id)
            .subquery()
        )
        query = query.outerjoin(seen, seen.c.question_id == Question.id)
        ranked_by = seen.c.times
    return query.add_columns(ranked_by)


def _domain_questions(
    question_ids: list[int], versions: dict[int, tuple[int, str, str]]
) -> dict[int, tuple[int, DomainQuestion]]:
    """Question id -> (its current version's id, the domain question), from the worker's
    cache of domain questions; only versions this worker has not built yet are read."""
    drawn = {}
    missing = {}
    for question_id in question_ids:
        version_id, content_hash, bank_id = versions[question_id]
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
