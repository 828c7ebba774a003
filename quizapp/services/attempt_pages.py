"""The attempt pages as use cases: one call per request, a plain view model back.

Each use case takes ids, the acting user's id and ``now``, checks that the attempt is the
user's own before using it, applies the deadline rule, runs as one unit of work and
returns frozen dataclasses (``attempt_views``) that templates read without touching the
database. The view models are built before the unit of work commits, while the rows are
still loaded.
"""

from __future__ import annotations

import datetime as dt
import functools
import random
from collections.abc import Mapping, Sequence

from sqlalchemy import BindParameter, ColumnElement, Select, and_, bindparam, or_
from sqlalchemy.orm import joinedload

from quizapp.domain.answers import AnswerRejected, read_answer
from quizapp.extensions import db
from quizapp.models import Attempt, AttemptQuestion, AttemptState, Enrolment, Quiz, QuizKind
from quizapp.services.attempt_slot import Slot, load_slot, lock_answer_slot
from quizapp.services.attempt_start import start_attempt
from quizapp.services.attempt_views import (
    AnswerFinal,
    AnswerRefused,
    AnswerSaved,
    AttemptClosed,
    AttemptStarted,
    NavigatorEntry,
    NothingSent,
    QuestionPage,
    ReviewPage,
    StartRefused,
    SubmitPage,
    attempt_view,
    held_back_keys,
    question_view,
    question_views,
)
from quizapp.services.attempts import (
    AnswerLocked,
    AttemptError,
    DeadlinePhase,
    attempt_query,
    check_stored_answer,
    checks_answer,
    closed_message,
    deadline_phase,
    feedback_visible,
    store_answer,
    submit_attempt,
)
from quizapp.services.errors import NotFound
from quizapp.services.live_quizzes import LiveQuiz, questions_held_back
from quizapp.services.unit_of_work import unit_of_work


class AttemptNotFound(NotFound):
    """No such attempt (or question) for this user; the message says so for a 404 page."""


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


def _slot_page(slot: Slot, now: dt.datetime, error: str | None = None) -> QuestionPage:
    """The question page of one loaded slot (``attempt_slot.load_slot``)."""
    attempt, item = slot.attempt, slot.item
    held: Mapping[int, LiveQuiz] = {}
    if attempt.quiz.kind is QuizKind.PRACTICE and feedback_visible(attempt, item):
        held = questions_held_back(attempt.student_id, now)
    navigator = tuple(
        NavigatorEntry(position, position in slot.answered_positions)
        for position in range(1, slot.total + 1)
    )
    return QuestionPage(
        attempt_view(attempt),
        slot.total,
        navigator,
        question_view(attempt, item, held),
        now,
        error,
    )


def _no_such_slot(attempt_id: int, student_id: int) -> AttemptNotFound:
    """Why ``load_slot`` found nothing: not the student's attempt, or no such position."""
    count = db.session.execute(
        db.select(db.func.count(AttemptQuestion.id))
        .join(Attempt, Attempt.id == AttemptQuestion.attempt_id)
        .where(Attempt.id == attempt_id, Attempt.student_id == student_id)
    ).scalar_one()
    if not count:
        return AttemptNotFound("There is no such attempt among yours.")
    return AttemptNotFound(f"This attempt has questions 1 to {count}.")


def _finish_if_over(
    attempt: Attempt, now: dt.datetime, grace: dt.timedelta
) -> AttemptClosed | None:
    """``AttemptClosed`` for a submitted attempt, or one whose time is over (then it is
    submitted here, with the answers saved before); None while it is open. The answer
    path loaded one question: submitting loads the rest."""
    if attempt.state is AttemptState.SUBMITTED:
        return _closed(attempt)
    if _time_is_up(attempt, now, grace):
        return _closed_or_finalised(_own_attempt(attempt.id, attempt.student_id), now, grace)
    return None


# A page that only reads opens no transaction of its own: committing would expire every
# loaded row (the logged-in user too) and cost a query to load it again. A page that
# writes does it in one unit of work and builds what it returns before that commits.
# The question page and the save read one question (``attempt_slot``), so what they cost
# does not grow with the quiz's length.


def question_page(
    attempt_id: int, student_id: int, position: int, *, now: dt.datetime, grace: dt.timedelta
) -> QuestionPage | AttemptClosed:
    """One question of the student's attempt, or ``AttemptClosed`` once it is submitted.

    An attempt whose time is over is submitted first, with what was saved.
    """
    slot = load_slot(attempt_id, student_id, position)
    if slot is None:
        raise _no_such_slot(attempt_id, student_id)
    closed = _finish_if_over(slot.attempt, now, grace)
    if closed is not None:
        return closed
    return _slot_page(slot, now)


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

    The attempt is locked while its state is read (``lock_answer_slot``, as
    ``attempts.lock_attempt`` does) and stays locked until the answer is stored, so a
    submission racing this request grades either before it (and the answer is refused)
    or after it (and grades the answer). A plain save reads one row and writes one; the
    slot's objects are loaded only to check the answer or to show the page again.
    """
    with unit_of_work():
        slot = lock_answer_slot(attempt_id, student_id, position)
        if slot is None:
            raise _no_such_slot(attempt_id, student_id)
        if slot.state is AttemptState.SUBMITTED or (
            deadline_phase(slot.deadline_at, now, grace) is DeadlinePhase.OVER
        ):
            attempt = _own_attempt(attempt_id, student_id)
            return _closed_or_finalised(attempt, now, grace) or _closed(attempt)
        if slot.checked:
            return AnswerFinal("This answer is final and can no longer change.", slot.total)
        if not slot.question.form_carries_answer(form_data):
            message = "Nothing to save: no answer arrived; the saved one is kept."
            return NothingSent(message, slot.total)
        try:
            answer = read_answer(slot.question, dict(form_data), slot.tokens)
        except AnswerRejected as error:
            page = _slot_page(_loaded_slot(attempt_id, student_id, position), now, str(error))
            return AnswerRefused(str(error), page)
        try:
            response_id = store_answer(slot.attempt_question_id, answer, now=now)
        except AnswerLocked as error:
            return AnswerFinal(str(error), slot.total)
        if checks_answer(slot.feedback_timing, check, answer):
            loaded = _loaded_slot(attempt_id, student_id, position)
            check_stored_answer(student_id, loaded.item, response_id, now)
        return AnswerSaved(saved_at=now, total=slot.total)


def _loaded_slot(attempt_id: int, student_id: int, position: int) -> Slot:
    """The slot's objects, once ``lock_answer_slot`` has found it and holds the lock."""
    slot = load_slot(attempt_id, student_id, position)
    if slot is None:
        raise _no_such_slot(attempt_id, student_id)
    return slot


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
    return ReviewPage(attempt_view(attempt), question_views(attempt, held_back_keys(attempt, now)))


@functools.cache
def _visible_quiz() -> Select[Quiz]:
    # Built once per worker (see ``attempt_slot``): an exam opening means hundreds of these.
    student_id: BindParameter[int] = bindparam("student_id")
    # With its draw rules in the same statement: the start needs them.
    return (
        db.select(Quiz)
        .where(Quiz.id == bindparam("quiz_id"), _visible_to(student_id))
        .options(joinedload(Quiz.rules))
    )


def _visible_to(student_id: int | BindParameter[int]) -> ColumnElement[bool]:
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
        params = {"quiz_id": quiz_id, "student_id": student_id}
        quiz = db.session.execute(_visible_quiz(), params).unique().scalar_one_or_none()
        if quiz is None:
            raise AttemptNotFound("There is no such quiz.")
        try:
            attempt = start_attempt(quiz, student_id, now=now, grace=grace, rng=rng)
        except AttemptError as error:
            # Attempts finalised on the way still count: the unit of work commits them.
            return StartRefused(str(error))
        return AttemptStarted(attempt.id)
