"""The attempt pages as use cases: one call per request, a plain view model back.

Each use case takes ids, the acting user's id and ``now``, checks that the attempt is the
user's own before using it, applies the deadline rule, runs as one unit of work and
returns frozen dataclasses that templates read without touching the database. The view
models are built before the unit of work commits, while the rows are still loaded.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, or_

from quizapp.domain.answers import AnswerRejected, is_answered, read_answer
from quizapp.domain.questions import Question as DomainQuestion
from quizapp.extensions import db
from quizapp.models import Attempt, AttemptState, Enrolment, FeedbackTiming, Quiz, QuizKind
from quizapp.services.attempt_start import start_attempt
from quizapp.services.attempts import (
    AnswerLocked,
    AttemptError,
    DeadlinePhase,
    DrawnQuestion,
    attempt_query,
    closed_message,
    deadline_phase,
    drawn_questions,
    feedback_visible,
    save_answer,
    submit_attempt,
)
from quizapp.services.errors import NotFound
from quizapp.services.quizzes import LiveQuiz, questions_held_back
from quizapp.services.unit_of_work import unit_of_work


class AttemptNotFound(NotFound):
    """No such attempt (or question) for this user; the message says so for a 404 page."""


# ---------------------------------------------------------------------------- view models


@dataclass(frozen=True)
class AttemptView:
    """What the attempt pages show about the attempt itself."""

    id: int
    quiz_title: str
    number: int
    student_name: str
    deadline_at: dt.datetime | None
    immediate_feedback: bool
    submitted: bool
    submitted_automatically: bool
    submitted_at: dt.datetime | None
    score: float | None
    max_score: float | None


@dataclass(frozen=True)
class QuestionView:
    """One question of an attempt as a page shows it: the question, the answer, feedback."""

    position: int
    question: DomainQuestion
    answer: object | None
    # Bank indices in the order they are shown; None: the bank's order.
    display_order: tuple[int, ...] | None
    # What the page submits for each part, by bank index (see services/answer_tokens.py).
    tokens: tuple[str, ...]
    # Practice keeps back the key of a question a live quiz of the class may draw.
    held_back_by: LiveQuiz | None
    is_final: bool
    answered: bool
    graded: bool
    feedback_visible: bool
    fraction: float | None
    section_title: str
    article_slug: str


@dataclass(frozen=True)
class QuestionPage:
    """One question of an attempt in progress, with the navigator's view of the others."""

    attempt: AttemptView
    items: tuple[QuestionView, ...]
    item: QuestionView
    now: dt.datetime
    error: str | None = None


@dataclass(frozen=True)
class SubmitPage:
    """The confirmation before submitting: how many questions, which are unanswered."""

    attempt: AttemptView
    total: int
    unanswered: tuple[int, ...]


@dataclass(frozen=True)
class ReviewPage:
    """A submitted attempt (the learner's result) or any attempt (a teacher's review)."""

    attempt: AttemptView
    items: tuple[QuestionView, ...]


@dataclass(frozen=True)
class AttemptClosed:
    """The attempt is submitted: the page goes to the result, saying why if an answer came."""

    attempt_id: int
    message: str


@dataclass(frozen=True)
class AnswerSaved:
    """The answer is stored; ``total`` lets the page work out where to go next."""

    saved_at: dt.datetime
    total: int


@dataclass(frozen=True)
class NothingSent:
    """The request carried none of the question's fields: nothing was read or changed."""

    message: str
    total: int


@dataclass(frozen=True)
class AnswerFinal:
    """The answer was checked already (or is otherwise final) and did not change."""

    message: str
    total: int


@dataclass(frozen=True)
class AnswerRefused:
    """The answer could not be read; the question page to show again, with the reason."""

    message: str
    page: QuestionPage


@dataclass(frozen=True)
class AttemptStarted:
    """The attempt to go to (a new one, or the one already open)."""

    attempt_id: int


@dataclass(frozen=True)
class StartRefused:
    """Why the attempt cannot start, for the learner."""

    message: str


def attempt_view(attempt: Attempt, student_name: str = "") -> AttemptView:
    """The plain view of a loaded attempt (with its quiz); a teacher's page names the student."""
    return AttemptView(
        id=attempt.id,
        quiz_title=attempt.quiz.title,
        number=attempt.number,
        student_name=student_name,
        deadline_at=attempt.deadline_at,
        immediate_feedback=attempt.quiz.feedback_timing is FeedbackTiming.IMMEDIATE,
        submitted=attempt.state is AttemptState.SUBMITTED,
        submitted_automatically=attempt.submitted_automatically,
        submitted_at=attempt.submitted_at,
        score=attempt.score,
        max_score=attempt.max_score,
    )


def question_views(
    attempt: Attempt, held_back: Mapping[int, LiveQuiz] | None = None
) -> tuple[QuestionView, ...]:
    """Every question of a loaded attempt (see ``attempt_query``), in order.

    ``held_back`` names the questions whose key the page must not show yet (practice
    while a quiz that may draw them is open; see ``quizzes.questions_held_back``).
    """
    held = held_back or {}
    return tuple(_question_view(attempt, item, held) for item in drawn_questions(attempt))


def _held_back(attempt: Attempt, now: dt.datetime) -> Mapping[int, LiveQuiz]:
    """What a practice page keeps back; looked up only when some feedback shows."""
    if attempt.quiz.kind is not QuizKind.PRACTICE:
        return {}
    shows_feedback = attempt.state is AttemptState.SUBMITTED or any(
        row.response is not None and row.response.checked_at is not None
        for row in attempt.questions
    )
    return questions_held_back(attempt.student_id, now) if shows_feedback else {}


def _question_view(
    attempt: Attempt, item: DrawnQuestion, held_back: Mapping[int, LiveQuiz]
) -> QuestionView:
    row = item.row
    response = row.response
    section = row.question_version.question.section
    return QuestionView(
        position=row.position,
        question=item.question,
        answer=item.answer,
        display_order=tuple(row.display_order) if row.display_order else None,
        tokens=item.tokens.values,
        held_back_by=held_back.get(row.question_version.question_id),
        is_final=item.is_final,
        answered=is_answered(item.question, item.answer),
        graded=response is not None and response.fraction is not None,
        feedback_visible=feedback_visible(attempt, item),
        fraction=response.fraction if response else None,
        section_title=section.title,
        article_slug=section.article.slug,
    )


# ------------------------------------------------------------------------------ use cases


def _own_attempt(attempt_id: int, student_id: int) -> Attempt:
    """The student's attempt, loaded for its pages; anyone else's is a 404."""
    attempt = db.session.execute(
        attempt_query().where(Attempt.id == attempt_id, Attempt.student_id == student_id)
    ).scalar_one_or_none()
    if attempt is None:
        raise AttemptNotFound("There is no such attempt among yours.")
    return attempt


def _time_is_up(
    attempt: Attempt,
    now: dt.datetime,
    grace: dt.timedelta,
    from_phase: DeadlinePhase = DeadlinePhase.OVER,
) -> bool:
    phase = deadline_phase(attempt.deadline_at, now, grace)
    return attempt.state is AttemptState.IN_PROGRESS and (
        phase is DeadlinePhase.OVER or phase is from_phase
    )


def _closed(attempt: Attempt) -> AttemptClosed:
    return AttemptClosed(attempt.id, closed_message(attempt))


def _closed_or_finalised(
    attempt: Attempt, now: dt.datetime, grace: dt.timedelta
) -> AttemptClosed | None:
    """``AttemptClosed`` for a submitted attempt, or one whose time is over (submitted
    here, in one unit of work, with the answers saved before); None while it is open."""
    if _time_is_up(attempt, now, grace):
        with unit_of_work():
            submit_attempt(attempt, now=now, automatically=True)
            return _closed(attempt)
    if attempt.state is AttemptState.SUBMITTED:
        return _closed(attempt)
    return None


def _question_page(
    attempt: Attempt, position: int, now: dt.datetime, error: str | None = None
) -> QuestionPage:
    items = question_views(attempt, _held_back(attempt, now))
    if not 1 <= position <= len(items):
        raise AttemptNotFound(f"This attempt has questions 1 to {len(items)}.")
    return QuestionPage(attempt_view(attempt), items, items[position - 1], now, error)


# A page that only reads opens no transaction of its own: committing would expire every
# loaded row (the logged-in user too) and cost a query to load it again. A page that
# writes does it in one unit of work and builds what it returns before that commits.


def question_page(
    attempt_id: int, student_id: int, position: int, *, now: dt.datetime, grace: dt.timedelta
) -> QuestionPage | AttemptClosed:
    """One question of the student's attempt, or ``AttemptClosed`` once it is submitted.

    An attempt whose time is over is submitted first, with what was saved.
    """
    attempt = _own_attempt(attempt_id, student_id)
    closed = _closed_or_finalised(attempt, now, grace)
    if closed is not None:
        return closed
    return _question_page(attempt, position, now)


def answer_question(
    attempt_id: int,
    student_id: int,
    position: int,
    form_data: Mapping[str, Sequence[str]],
    *,
    now: dt.datetime,
    grace: dt.timedelta,
    check: bool = False,
) -> AnswerSaved | AnswerFinal | AnswerRefused | NothingSent | AttemptClosed:
    """Read the submitted form as an answer to the question at ``position`` and store it.

    With ``check`` (immediate feedback) the answer is graded and becomes final. An answer
    after the deadline and its grace is not saved; the attempt is submitted instead. A
    form with none of the question's fields changes nothing (``NothingSent``).
    """
    attempt = _own_attempt(attempt_id, student_id)
    closed = _closed_or_finalised(attempt, now, grace)
    if closed is not None:
        return closed
    items = drawn_questions(attempt)
    if not 1 <= position <= len(items):
        raise AttemptNotFound(f"This attempt has questions 1 to {len(items)}.")
    item = items[position - 1]
    if item.is_final:
        return AnswerFinal("This answer is final and can no longer change.", len(items))
    if not item.question.form_carries_answer(form_data):
        return NothingSent("Nothing to save: no answer arrived; the saved one is kept.", len(items))
    try:
        answer = read_answer(item.question, dict(form_data), item.tokens)
    except AnswerRejected as error:
        return AnswerRefused(str(error), _question_page(attempt, position, now, str(error)))
    with unit_of_work():
        try:
            save_answer(attempt, item, answer, now=now, grace=grace, check=check)
        except AnswerLocked as error:
            return AnswerFinal(str(error), len(items))
        except AttemptError:
            # A submission that raced this request got the attempt's lock first (the
            # deadline was checked above with the same ``now``); nothing was written, and
            # the attempt now holds who submitted it.
            return _closed(attempt)
        return AnswerSaved(saved_at=now, total=len(items))


def submit_page(
    attempt_id: int,
    student_id: int,
    *,
    now: dt.datetime,
    grace: dt.timedelta,
    confirmed: bool = False,
) -> SubmitPage | AttemptClosed:
    """The confirmation page; ``confirmed`` submits (submitting twice grades once)."""
    attempt = _own_attempt(attempt_id, student_id)
    if _time_is_up(attempt, now, grace):
        with unit_of_work():
            submit_attempt(attempt, now=now, automatically=True)
            return _closed(attempt)
    if attempt.state is AttemptState.IN_PROGRESS and confirmed:
        with unit_of_work():
            submit_attempt(attempt, now=now)
            return _closed(attempt)
    if attempt.state is AttemptState.SUBMITTED:
        return _closed(attempt)
    items = question_views(attempt)
    unanswered = tuple(item.position for item in items if not item.answered)
    return SubmitPage(attempt_view(attempt), len(items), unanswered)


def result_page(
    attempt_id: int, student_id: int, *, now: dt.datetime, grace: dt.timedelta
) -> ReviewPage | None:
    """Score and per-question review; None while the attempt is still open.

    The learner's own page asks for the result when their countdown ends, so from the
    deadline on (within the grace too) this request submits the attempt.
    """
    attempt = _own_attempt(attempt_id, student_id)
    if _time_is_up(attempt, now, grace, from_phase=DeadlinePhase.ENDING):
        with unit_of_work():
            submit_attempt(attempt, now=now, automatically=True)
            return _review(attempt, now)
    if attempt.state is AttemptState.IN_PROGRESS:
        return None
    return _review(attempt, now)


def _review(attempt: Attempt, now: dt.datetime) -> ReviewPage:
    return ReviewPage(attempt_view(attempt), question_views(attempt, _held_back(attempt, now)))


def _visible_to(student_id: int) -> ColumnElement[bool]:
    """The quizzes a student may see: their own practice, their classes' published
    quizzes, and any quiz they have an attempt in progress at (they may finish it)."""
    in_class = (
        db.select(Enrolment.id)
        .where(
            Enrolment.class_id == Quiz.class_id,
            Enrolment.student_id == student_id,
            Enrolment.removed_at.is_(None),
        )
        .exists()
    )
    in_progress = (
        db.select(Attempt.id)
        .where(
            Attempt.quiz_id == Quiz.id,
            Attempt.student_id == student_id,
            Attempt.state == AttemptState.IN_PROGRESS,
        )
        .exists()
    )
    return or_(
        and_(Quiz.kind == QuizKind.PRACTICE, Quiz.owner_id == student_id),
        and_(Quiz.kind == QuizKind.ASSESSMENT, Quiz.published_at.is_not(None), in_class),
        in_progress,
    )


def start_quiz(
    quiz_id: int,
    student_id: int,
    *,
    now: dt.datetime,
    grace: dt.timedelta,
    rng: random.Random | None = None,
) -> AttemptStarted | StartRefused:
    """Start (or resume) the student's attempt at a class quiz.

    A quiz the student may not see (missing, unpublished, another class's, someone
    else's practice) is one and the same 404, so quiz ids cannot be probed.
    """
    with unit_of_work():
        quiz = db.session.execute(
            db.select(Quiz).where(Quiz.id == quiz_id, _visible_to(student_id))
        ).scalar_one_or_none()
        if quiz is None:
            raise AttemptNotFound("There is no such quiz.")
        try:
            attempt = start_attempt(quiz, student_id, now=now, grace=grace, rng=rng)
        except AttemptError as error:
            # Attempts finalised on the way still count: the unit of work commits them.
            return StartRefused(str(error))
        return AttemptStarted(attempt.id)
