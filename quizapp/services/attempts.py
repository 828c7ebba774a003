"""Attempts: loading one, saving answers, submitting and grading, finalising late ones.

Starting one is ``quizapp.services.attempt_start``.

Every function takes ``now`` explicitly; deadlines are enforced here, on the server.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import CursorResult, Select, Table, bindparam
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from quizapp.domain.answers import response_for_grading
from quizapp.domain.progress import score
from quizapp.domain.question_types.answer_fields import AnswerTokens
from quizapp.domain.questions import Question as DomainQuestion
from quizapp.domain.review import CardState, review
from quizapp.extensions import db
from quizapp.models import (
    Attempt,
    AttemptQuestion,
    AttemptState,
    FeedbackTiming,
    Question,
    QuestionVersion,
    QuizKind,
    Response,
    ReviewCard,
    Section,
)
from quizapp.services.answer_tokens import attempt_key, tokens_for
from quizapp.services.concurrent_writes import dialect_insert, take_write_lock
from quizapp.services.errors import NotFound
from quizapp.services.item_analysis import store_submitted_marks
from quizapp.services.questions import version_to_domain
from quizapp.services.unit_of_work import unit_of_work


class AttemptError(ValueError):
    """Why an attempt cannot start or an answer cannot be taken, for the learner."""


class AnswerLocked(AttemptError):
    """The answer was checked already (immediate feedback); the attempt itself goes on."""


@dataclass(frozen=True)
class DrawnQuestion:
    """One question of an attempt, ready to show: its row, domain object and answer."""

    row: AttemptQuestion
    question: DomainQuestion
    # What the page submits for the question's parts (services/answer_tokens.py).
    tokens: AnswerTokens

    @property
    def answer(self) -> object | None:
        return self.row.response.answer if self.row.response else None

    @property
    def is_final(self) -> bool:
        """The answer can no longer change (checked, or the attempt is over)."""
        response = self.row.response
        return self.row.attempt.state is AttemptState.SUBMITTED or bool(
            response and response.checked_at
        )


def drawn_questions(attempt: Attempt) -> list[DrawnQuestion]:
    """The attempt's questions in order, with their domain objects (no queries if loaded)."""
    key = attempt_key(attempt.id, attempt.seed)
    items = []
    for row in attempt.questions:
        question = version_to_domain(row.question_version, row.question_version.question.bank_id)
        items.append(DrawnQuestion(row, question, tokens_for(key, row.position, question)))
    return items


def attempt_query() -> Select[Attempt]:
    """Attempts with everything a question, result or review page shows, eagerly loaded."""
    # Everything a question or result page shows, in three statements whatever the size.
    return db.select(Attempt).options(
        joinedload(Attempt.quiz),
        selectinload(Attempt.questions).options(
            joinedload(AttemptQuestion.question_version)
            .joinedload(QuestionVersion.question)
            .joinedload(Question.section)
            .joinedload(Section.article),
            joinedload(AttemptQuestion.response),
        ),
    )


class DeadlinePhase(enum.Enum):
    """Where an attempt stands against its deadline."""

    OPEN = "open"
    # The deadline has passed, but an answer sent before it may still be arriving.
    ENDING = "ending"
    # Past the deadline and the grace: the attempt is over, whoever looks at it.
    OVER = "over"


def deadline_phase(
    deadline_at: dt.datetime | None, now: dt.datetime, grace: dt.timedelta
) -> DeadlinePhase:
    """The deadline rule, in one place.

    Time is up at the deadline itself; answers sent in time are still taken for ``grace``
    afterwards (they may be in flight), so an answer arriving at ``deadline + grace`` is
    saved and one a moment later is not.
    """
    if deadline_at is None or now < deadline_at:
        return DeadlinePhase.OPEN
    if now <= deadline_at + grace:
        return DeadlinePhase.ENDING
    return DeadlinePhase.OVER


def is_expired(attempt: Attempt, now: dt.datetime, grace: dt.timedelta) -> bool:
    return (
        attempt.state is AttemptState.IN_PROGRESS
        and deadline_phase(attempt.deadline_at, now, grace) is DeadlinePhase.OVER
    )


def get_student_attempt(
    attempt_id: int, student_id: int, *, now: dt.datetime, grace: dt.timedelta
) -> Attempt | None:
    """The student's own attempt (None for anyone else's); finalised first if time ran out."""
    attempt = db.session.execute(
        attempt_query().where(Attempt.id == attempt_id, Attempt.student_id == student_id)
    ).scalar_one_or_none()
    if attempt is not None and is_expired(attempt, now, grace):
        submit_attempt(attempt, now=now, automatically=True)
    return attempt


def finalise_expired_attempts(
    student_id: int | None = None,
    *,
    now: dt.datetime,
    grace: dt.timedelta,
    quiz_id: int | None = None,
) -> int:
    """Submit, with what was saved, every attempt whose time ran out.

    Scoped to one student (their dashboard) or one quiz (the teacher's reports): an
    abandoned attempt is finalised the next time anyone looks at it. However many there
    are, this is one unit of work (one commit, or none inside a caller's).
    """
    # The SQL filter is the deadline rule's OVER phase (now > deadline + grace), so only
    # candidates are loaded; ``is_expired`` then decides with the rule itself.
    query = attempt_query().where(
        Attempt.state == AttemptState.IN_PROGRESS,
        Attempt.deadline_at.is_not(None),
        Attempt.deadline_at < now - grace,
    )
    if student_id is not None:
        query = query.where(Attempt.student_id == student_id)
    if quiz_id is not None:
        query = query.where(Attempt.quiz_id == quiz_id)
    # Locked one by one in id order, so two requests finalising overlapping sets (a
    # student's dashboard, a teacher's report) cannot wait for each other in a circle.
    query = query.order_by(Attempt.id)
    expired = [a for a in db.session.execute(query).scalars() if is_expired(a, now, grace)]
    if expired:
        # Only when there is something to finalise: a page that merely reads commits nothing.
        with unit_of_work():
            for attempt in expired:
                try:
                    submit_attempt(attempt, now=now, automatically=True)
                except NotFound:
                    # Deleted since the list was read (its data removed): nothing to do,
                    # and nothing of it was written, so the others go on.
                    continue
    return len(expired)


# ------------------------------------------------------------------------ saving answers


TIME_IS_UP = (
    "Time is up: this answer arrived after the deadline and was not saved. "
    "Your attempt was submitted with the answers saved before then."
)


def closed_message(attempt: Attempt) -> str:
    """Why an answer sent to a submitted attempt was not saved."""
    if attempt.submitted_automatically:
        return TIME_IS_UP
    return "This attempt was already submitted; your last change was not saved."


def lock_attempt(attempt: Attempt) -> None:
    """Hold ``attempt`` against other saves and submissions until this transaction ends,
    and read its state afresh (what was loaded before may be out of date).

    Raises :class:`NotFound` when the attempt was deleted meanwhile. Saving and
    submitting both start with this, so the two never interleave: a save that
    comes second sees the attempt submitted and is refused; a submission that comes second
    grades the answers the save stored. PostgreSQL locks the row (``SELECT ... FOR
    UPDATE``); SQLite, which has no row locks, takes the database's write lock (``BEGIN
    IMMEDIATE``, see ``concurrent_writes``). Call it inside a unit of work.
    """
    take_write_lock()
    locked = db.session.execute(
        db.select(Attempt)
        .where(Attempt.id == attempt.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if locked is None:
        # Deleted since it was loaded (a teacher removed the student's data, or the
        # student deleted their account in another tab): nothing left to save or grade.
        raise NotFound("This attempt no longer exists: its data was removed.")


def save_answer(
    attempt: Attempt,
    item: DrawnQuestion,
    answer: object | None,
    *,
    now: dt.datetime,
    grace: dt.timedelta,
    check: bool = False,
) -> Response:
    """Store the learner's answer; with ``check`` (immediate feedback) make it final.

    The attempt is locked first (``lock_attempt``), so an answer is stored only while the
    attempt is in progress and a submission cannot grade around it. The answer is an
    upsert on the one response per attempt question, so two first saves of a question
    (autosave and "Save and next") both succeed, the later one winning; an answer that was
    checked already is left alone (``AnswerLocked``).

    A submitted attempt raises ``AttemptError``. An answer after the deadline and its
    grace submits the attempt and raises ``AttemptError`` once that is committed; a use case
    calling this inside its own unit of work applies the deadline rule first, or catches
    the error inside it, since an error escaping its unit of work undoes the submission.
    """
    with unit_of_work():
        lock_attempt(attempt)
        if attempt.state is not AttemptState.IN_PROGRESS:
            raise AttemptError("This attempt has been submitted; answers can no longer change.")
        late = is_expired(attempt, now, grace)
        if late:
            submit_attempt(attempt, now=now, automatically=True)
        else:
            response_id = store_answer(item.row.id, answer, now=now)
            if checks_answer(attempt.quiz.feedback_timing, check, answer):
                response = check_stored_answer(attempt.student_id, item, response_id, now)
            else:
                response = _stored_response(item, response_id)
    if late:
        # Raised once the submission is committed (or left to the caller's unit of work).
        raise AttemptError(TIME_IS_UP)
    return response


def store_answer(attempt_question_id: int, answer: object | None, *, now: dt.datetime) -> int:
    """The write of a save, for a caller that holds the attempt's lock already and has
    checked that it is in progress (``attempt_slot.lock_answer_slot``); returns the
    response's id, or raises ``AnswerLocked`` when the stored answer was checked.

    The upsert runs as a plain statement on the session's connection, not through the
    ORM's bulk path: saving is the app's most frequent write, and the response's row is
    needed again only when the answer is checked (``check_stored_answer`` reads it back).
    A copy of the row the session holds is stale until then or the commit.
    """
    params = {"attempt_question_id": attempt_question_id, "answer": answer, "saved_at": now}
    connection = db.session.connection()
    response_id: int | None = connection.execute(
        _answer_upsert(connection.dialect.name), params
    ).scalar_one_or_none()
    if response_id is None:
        raise AnswerLocked("You have already checked this answer; it can no longer change.")
    return response_id


def checks_answer(feedback_timing: FeedbackTiming, check: bool, answer: object | None) -> bool:
    """Whether "Check" makes this save final: only in immediate feedback, and only for an
    answer (an empty form is saved, not checked)."""
    return check and feedback_timing is FeedbackTiming.IMMEDIATE and answer is not None


def check_stored_answer(
    student_id: int, item: DrawnQuestion, response_id: int, now: dt.datetime
) -> Response:
    """Grade the answer just stored (``store_answer``) and make it final, as "Check" does
    in immediate feedback; the question's review card learns the outcome."""
    response = _stored_response(item, response_id)
    _grade(item, response, now)
    response.checked_at = now
    _update_review_cards(student_id, [(item, response)], now)
    return response


def _stored_response(item: DrawnQuestion, response_id: int) -> Response:
    """The response as stored now, put in place of what the attempt question held."""
    response = db.session.execute(
        db.select(Response).where(Response.id == response_id),
        execution_options={"populate_existing": True},
    ).scalar_one()
    set_committed_value(item.row, "response", response)
    return response


# The responses table itself, for the plain-statement upsert.
_RESPONSES = cast(Table, Response.__table__)


@functools.cache
def _answer_upsert(dialect_name: str) -> Any:
    """INSERT ... ON CONFLICT (attempt_question_id) DO UPDATE: the first save of a question
    and any later one are the same statement, whoever comes first. A checked answer is
    final: the WHERE keeps it, and then no row comes back.

    Built once per database kind (as ``attempt_slot`` builds its query), with the values
    as bound parameters: building the statement cost more than running it.
    """
    insert = dialect_insert(_RESPONSES, dialect_name).values(
        attempt_question_id=bindparam("attempt_question_id"),
        answer=bindparam("answer"),
        saved_at=bindparam("saved_at"),
    )
    return insert.on_conflict_do_update(
        index_elements=[_RESPONSES.c.attempt_question_id],
        set_={"answer": insert.excluded.answer, "saved_at": insert.excluded.saved_at},
        where=_RESPONSES.c.checked_at.is_(None),
    ).returning(_RESPONSES.c.id)


# ------------------------------------------------------------------- submitting, grading


def _grade(item: DrawnQuestion, response: Response, now: dt.datetime) -> None:
    response.fraction = item.question.grade(response_for_grading(item.question, response.answer))
    response.graded_at = now


def submit_attempt(attempt: Attempt, *, now: dt.datetime, automatically: bool = False) -> bool:
    """Grade and close the attempt; returns False when it was already submitted.

    The attempt is locked first (``lock_attempt``): a save still running finishes before,
    and one arriving later finds the attempt submitted. The state change is a conditional
    UPDATE, so two submissions racing each other grade the attempt once, and the answers
    are read again after it, in the same transaction: what is graded is what was stored.
    """
    # A deadline that passed unattended ends the attempt at the deadline, not when someone
    # happened to look at it afterwards (durations stay within the time limit).
    if automatically and attempt.deadline_at is not None:
        now = min(now, attempt.deadline_at)
    with unit_of_work() as session:
        lock_attempt(attempt)
        claimed = (
            attempt.state is AttemptState.IN_PROGRESS
            and cast(
                "CursorResult[Any]",
                session.execute(
                    db.update(Attempt)
                    .where(Attempt.id == attempt.id, Attempt.state == AttemptState.IN_PROGRESS)
                    .values(
                        state=AttemptState.SUBMITTED,
                        submitted_at=now,
                        submitted_automatically=automatically,
                    )
                    .execution_options(synchronize_session=False)
                ),
            ).rowcount
        )
        if not claimed:
            # Someone else submitted it first. Rolling back here would also undo the rest of
            # the caller's unit of work; reading back what the winner wrote is enough.
            session.refresh(attempt, _SUBMISSION_FIELDS)
            return False
        attempt.state = AttemptState.SUBMITTED
        attempt.submitted_at = now
        attempt.submitted_automatically = automatically
        _reload_responses(attempt)
        newly_graded = []
        marks = []
        for item in drawn_questions(attempt):
            response = item.row.response
            if response is None:
                response = Response(attempt_question=item.row, answer=None, saved_at=now)
                session.add(response)
            if response.fraction is None:
                _grade(item, response, now)
                newly_graded.append((item, response))
            marks.append((item.question.points, response.fraction or 0.0))
        attempt.score, attempt.max_score = score(marks)
        _update_review_cards(attempt.student_id, newly_graded, now)
        store_submitted_marks(attempt.id)
    return True


def _reload_responses(attempt: Attempt) -> None:
    # The page loaded the answers before the lock; a save may have stored newer ones (or a
    # first one) since. One statement puts the stored ones in place of what was loaded.
    stored = {
        response.attempt_question_id: response
        for response in db.session.scalars(
            db.select(Response)
            .join(AttemptQuestion, AttemptQuestion.id == Response.attempt_question_id)
            .where(AttemptQuestion.attempt_id == attempt.id),
            execution_options={"populate_existing": True},
        )
    }
    for row in attempt.questions:
        set_committed_value(row, "response", stored.get(row.id))


_SUBMISSION_FIELDS = ["state", "submitted_at", "submitted_automatically", "score", "max_score"]


def _update_review_cards(
    student_id: int, graded: Iterable[tuple[DrawnQuestion, Response]], now: dt.datetime
) -> None:
    # One FSRS review per graded response: wrong -> Again, partial -> Hard, right -> Good.
    fractions = {
        item.row.question_version.question_id: response.fraction or 0.0 for item, response in graded
    }
    if not fractions:
        return
    cards = {
        card.question_id: card
        for card in db.session.execute(
            db.select(ReviewCard).where(
                ReviewCard.student_id == student_id, ReviewCard.question_id.in_(list(fractions))
            )
        ).scalars()
    }
    for question_id, fraction in fractions.items():
        card = cards.get(question_id)
        state = review(_card_state(card) if card else None, fraction, now)
        if card is None:
            card = ReviewCard(student_id=student_id, question_id=question_id, review_count=0)
            db.session.add(card)
            cards[question_id] = card
        card.state = state.state
        card.step = state.step
        card.stability = state.stability
        card.difficulty = state.difficulty
        card.due_at = state.due
        card.last_review_at = state.last_review
        card.last_fraction = fraction
        card.review_count = (card.review_count or 0) + 1


def _card_state(card: ReviewCard) -> CardState:
    return CardState(
        state=card.state,
        step=card.step,
        stability=card.stability,
        difficulty=card.difficulty,
        due=card.due_at,
        last_review=card.last_review_at,
    )


def feedback_visible(attempt: Attempt, item: DrawnQuestion) -> bool:
    """Right answers, explanations and evidence show once an answer is final.

    After submission that is every question; before it, only questions checked under
    immediate feedback. Nothing is shown while an answer can still change.
    """
    if attempt.state is AttemptState.SUBMITTED:
        return True
    response = item.row.response
    return attempt.quiz.feedback_timing is FeedbackTiming.IMMEDIATE and bool(
        response and response.checked_at
    )


def evidence_to_highlight(
    attempt_id: int, position: int, student_id: int, *, now: dt.datetime, grace: dt.timedelta
) -> tuple[int, tuple[str, ...], int, bool] | None:
    """(its section's id, its evidence quotes, question id, whether the attempt is
    practice) of a question whose feedback the student may see."""
    attempt = get_student_attempt(attempt_id, student_id, now=now, grace=grace)
    if attempt is None:
        return None
    items = [item for item in drawn_questions(attempt) if item.row.position == position]
    if not items or not feedback_visible(attempt, items[0]) or not items[0].question.evidence:
        return None
    question = items[0].row.question_version.question
    practice = attempt.quiz.kind is QuizKind.PRACTICE
    return question.section_id, items[0].question.evidence_quotes, question.id, practice
