"""The attempts and practice services with explicit times: deadlines, grading, reviews."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass, replace

import pytest
from flask import Flask
from sqlalchemy import Executable, event
from sqlalchemy.exc import IntegrityError

from quizapp.extensions import db
from quizapp.models import (
    Article,
    Attempt,
    AttemptState,
    FeedbackTiming,
    Question,
    QuizKind,
    Response,
    ReviewCard,
    SchoolClass,
    User,
)
from quizapp.models import Quiz as QuizModel
from quizapp.services import attempt_start
from quizapp.services.attempts import (
    AttemptError,
    DeadlinePhase,
    deadline_phase,
    evidence_to_highlight,
    feedback_visible,
    finalise_expired_attempts,
    get_student_attempt,
    save_answer,
    submit_attempt,
)
from quizapp.services.practice import start_practice
from quizapp.services.progress import due_count, student_progress
from quizapp.services.unit_of_work import unit_of_work
from tests.factories import (
    ECONOMY,
    GRACE,
    NOW,
    add_review_card,
    answer,
    correct_answer,
    create_assessment,
    create_class,
    create_student,
    create_teacher,
    enrol,
    items_of,
    load_article,
    section,
    section_rule,
    start,
    wrong_answer,
)

ECONOMY_TITLE = "What are their economic ties?"
LIMIT = dt.timedelta(minutes=10)


@dataclass
class School:
    article: Article
    teacher: User
    school_class: SchoolClass
    ada: User
    bob: User

    def quiz(self, **kwargs: object) -> QuizModel:
        kwargs.setdefault("rules", [section_rule(self.article, ECONOMY, 3)])
        return create_assessment(self.teacher, self.school_class, self.article, **kwargs)

    @property
    def economy(self) -> int:
        return section(self.article, ECONOMY).id


@pytest.fixture
def school(app_context: Flask) -> School:
    article = load_article((ECONOMY,))
    teacher = create_teacher()
    school_class = create_class(teacher)
    ada = create_student("ada@example.com", "Ada Lovelace")
    bob = create_student("bob@example.com", "Bob Student")
    enrol(ada, school_class)
    enrol(bob, school_class)
    return School(article, teacher, school_class, ada, bob)


def _stored(attempt: Attempt) -> dict[int, object]:
    return {
        row.position: row.response.answer for row in attempt.questions if row.response is not None
    }


def _fresh(attempt_id: int) -> Attempt:
    db.session.expire_all()
    return db.session.get(Attempt, attempt_id)


def _cards(student: User) -> dict[int, ReviewCard]:
    return {
        card.question_id: card
        for card in db.session.execute(
            db.select(ReviewCard).where(ReviewCard.student_id == student.id)
        ).scalars()
    }


# --------------------------------------------------------------------------------- deadlines


def test_answers_are_taken_until_the_deadline_plus_grace(school: School) -> None:
    attempt = start(school.quiz(time_limit_seconds=600), school.ada)
    items = items_of(attempt)
    assert attempt.deadline_at == NOW + LIMIT

    for position, offset in ((1, LIMIT - dt.timedelta(seconds=1)), (2, LIMIT), (3, LIMIT + GRACE)):
        save_answer(
            attempt,
            items[position - 1],
            correct_answer(items[position - 1].question),
            now=NOW + offset,
            grace=GRACE,
        )

    assert _stored(_fresh(attempt.id)) == {
        p: correct_answer(items[p - 1].question) for p in (1, 2, 3)
    }
    assert _fresh(attempt.id).state is AttemptState.IN_PROGRESS


@pytest.mark.parametrize("late_by", [dt.timedelta(seconds=1), dt.timedelta(days=3)])
def test_an_answer_after_deadline_and_grace_is_refused_and_the_attempt_submitted(
    school: School, late_by: dt.timedelta
) -> None:
    attempt = start(school.quiz(time_limit_seconds=600), school.ada)
    items = items_of(attempt)
    answer(attempt, 1, correct_answer(items[0].question), now=NOW + dt.timedelta(minutes=1))

    with pytest.raises(AttemptError, match="Time is up"):
        save_answer(
            attempt,
            items[1],
            correct_answer(items[1].question),
            now=NOW + LIMIT + GRACE + late_by,
            grace=GRACE,
        )

    attempt = _fresh(attempt.id)
    assert attempt.state is AttemptState.SUBMITTED
    assert attempt.submitted_automatically is True
    assert {p: a for p, a in _stored(attempt).items() if a is not None} == {
        1: correct_answer(items[0].question)
    }
    assert attempt.score == items[0].question.points
    assert attempt.max_score == sum(item.question.points for item in items)


def test_an_abandoned_attempt_is_finalised_the_next_time_it_is_touched(school: School) -> None:
    attempt = start(school.quiz(time_limit_seconds=600), school.ada)
    answer(attempt, 1, wrong_answer(items_of(attempt)[0].question))
    attempt_id = attempt.id

    early = get_student_attempt(attempt_id, school.ada.id, now=NOW + LIMIT + GRACE, grace=GRACE)
    assert early.state is AttemptState.IN_PROGRESS
    # Someone else looking finds nothing and finalises nothing.
    later = NOW + dt.timedelta(hours=5)
    assert get_student_attempt(attempt_id, school.bob.id, now=later, grace=GRACE) is None
    assert _fresh(attempt_id).state is AttemptState.IN_PROGRESS

    touched = get_student_attempt(attempt_id, school.ada.id, now=later, grace=GRACE)

    assert touched.state is AttemptState.SUBMITTED
    attempt = _fresh(attempt_id)
    assert attempt.state is AttemptState.SUBMITTED
    assert attempt.submitted_automatically is True
    assert attempt.score == 0
    assert len(_cards(school.ada)) == 3


def test_finalise_expired_attempts_submits_each_once(school: School) -> None:
    timed = start(school.quiz(time_limit_seconds=600, title="Timed"), school.ada)
    untimed = start(school.quiz(title="Untimed"), school.ada)
    bobs = start(school.quiz(time_limit_seconds=600, title="Bob's"), school.bob)
    later = NOW + dt.timedelta(hours=1)

    assert finalise_expired_attempts(school.ada.id, now=NOW + LIMIT, grace=GRACE) == 0
    assert finalise_expired_attempts(school.ada.id, now=later, grace=GRACE) == 1
    assert finalise_expired_attempts(school.ada.id, now=later, grace=GRACE) == 0

    assert _fresh(timed.id).submitted_automatically is True
    assert _fresh(untimed.id).state is AttemptState.IN_PROGRESS
    assert _fresh(bobs.id).state is AttemptState.IN_PROGRESS


def test_starting_again_after_the_time_ran_out_finalises_the_old_attempt(school: School) -> None:
    quiz = school.quiz(time_limit_seconds=600)
    old = start(quiz, school.ada)

    new = start(quiz, school.ada, now=NOW + dt.timedelta(hours=1), seed=2)

    assert new.id != old.id
    assert new.number == 2
    assert _fresh(old.id).submitted_automatically is True


def test_extra_time_extends_one_students_deadline(school: School) -> None:
    quiz = school.quiz(time_limit_seconds=600, extra_seconds={school.bob.id: 300})

    ada = start(quiz, school.ada)
    bob = start(quiz, school.bob)

    assert ada.deadline_at == NOW + LIMIT
    assert bob.deadline_at == NOW + LIMIT + dt.timedelta(seconds=300)
    late_for_ada = NOW + LIMIT + GRACE + dt.timedelta(seconds=1)
    item = items_of(bob)[0]
    save_answer(bob, item, correct_answer(item.question), now=late_for_ada, grace=GRACE)
    assert _fresh(bob.id).state is AttemptState.IN_PROGRESS
    assert get_student_attempt(ada.id, school.ada.id, now=late_for_ada, grace=GRACE).state is (
        AttemptState.SUBMITTED
    )


@pytest.mark.parametrize(
    ("time_limit", "extra", "closes_after", "deadline_after"),
    [
        (600, 0, dt.timedelta(minutes=5), dt.timedelta(minutes=5)),
        (600, 900, dt.timedelta(minutes=20), dt.timedelta(minutes=20)),
        (600, 0, dt.timedelta(hours=1), dt.timedelta(minutes=10)),
        (None, 0, dt.timedelta(hours=1), dt.timedelta(hours=1)),
        (None, 0, None, None),
    ],
)
def test_the_deadline_never_passes_the_closing_time(
    school: School,
    time_limit: int | None,
    extra: int,
    closes_after: dt.timedelta | None,
    deadline_after: dt.timedelta | None,
) -> None:
    quiz = school.quiz(
        time_limit_seconds=time_limit,
        closes_at=NOW + closes_after if closes_after else None,
        extra_seconds={school.ada.id: extra} if extra else {},
    )

    attempt = start(quiz, school.ada)

    assert attempt.deadline_at == (NOW + deadline_after if deadline_after else None)


# -------------------------------------------------------------------------------- submitting


def test_submitting_twice_grades_once(school: School) -> None:
    attempt = start(school.quiz(), school.ada)
    items = items_of(attempt)
    answer(attempt, 1, correct_answer(items[0].question))
    answer(attempt, 2, wrong_answer(items[1].question))

    assert submit_attempt(attempt, now=NOW + dt.timedelta(minutes=5)) is True
    first = (attempt.score, attempt.max_score, attempt.submitted_at)
    cards = {q: (c.review_count, c.due_at, c.last_fraction) for q, c in _cards(school.ada).items()}

    assert submit_attempt(attempt, now=NOW + dt.timedelta(hours=1)) is False

    attempt = _fresh(attempt.id)
    assert (attempt.score, attempt.max_score, attempt.submitted_at) == first
    assert first[0] == items[0].question.points
    assert {
        q: (c.review_count, c.due_at, c.last_fraction) for q, c in _cards(school.ada).items()
    } == cards
    assert {count for count, _, _ in cards.values()} == {1}


def test_a_submitted_attempt_takes_no_more_answers(school: School) -> None:
    attempt = start(school.quiz(), school.ada)
    submit_attempt(attempt, now=NOW)
    item = items_of(attempt)[0]

    with pytest.raises(AttemptError, match="has been submitted"):
        save_answer(attempt, item, correct_answer(item.question), now=NOW, grace=GRACE)

    assert _fresh(attempt.id).questions[0].response.answer is None


# --------------------------------------------------- another request got there in between
# What a parallel request does is written through a connection of its own, behind the back
# of the rows this session has loaded (as the attempt pages load them before saving).


def _elsewhere(statement: Executable) -> None:
    with db.engine.begin() as connection:
        connection.execute(statement)


def test_a_save_finds_the_attempt_submitted_in_between_and_stores_nothing(school: School) -> None:
    attempt = start(school.quiz(), school.ada)
    item = items_of(attempt)[0]
    _elsewhere(
        db.update(Attempt)
        .where(Attempt.id == attempt.id)
        .values(state=AttemptState.SUBMITTED, submitted_at=NOW)
    )
    assert attempt.state is AttemptState.IN_PROGRESS  # as loaded

    with pytest.raises(AttemptError, match="has been submitted"):
        save_answer(attempt, item, correct_answer(item.question), now=NOW, grace=GRACE)

    assert _stored(_fresh(attempt.id)) == {}


def test_a_first_save_meeting_one_stored_in_between_replaces_it(school: School) -> None:
    attempt = start(school.quiz(), school.ada)
    item = items_of(attempt)[0]
    assert item.row.response is None  # as loaded
    _elsewhere(
        db.insert(Response).values(
            attempt_question_id=item.row.id, answer=wrong_answer(item.question), saved_at=NOW
        )
    )

    later = NOW + dt.timedelta(seconds=1)
    saved = save_answer(attempt, item, correct_answer(item.question), now=later, grace=GRACE)

    assert (saved.answer, saved.saved_at) == (correct_answer(item.question), later)
    assert _stored(_fresh(attempt.id)) == {1: correct_answer(item.question)}


def test_submitting_grades_the_answers_stored_since_they_were_loaded(school: School) -> None:
    attempt = start(school.quiz(), school.ada)
    first, second, _ = items_of(attempt)
    answer(attempt, 1, wrong_answer(first.question))
    attempt = get_student_attempt(attempt.id, school.ada.id, now=NOW, grace=GRACE)
    assert attempt.questions[0].response.answer == wrong_answer(first.question)  # as loaded
    _elsewhere(
        db.update(Response)
        .where(Response.attempt_question_id == first.row.id)
        .values(answer=correct_answer(first.question))
    )
    _elsewhere(
        db.insert(Response).values(
            attempt_question_id=second.row.id, answer=correct_answer(second.question), saved_at=NOW
        )
    )

    assert submit_attempt(attempt, now=NOW) is True

    attempt = _fresh(attempt.id)
    fractions = [row.response.fraction for row in attempt.questions]
    assert fractions == [1.0, 1.0, 0.0]
    assert attempt.score == first.question.points + second.question.points


def test_the_database_allows_one_attempt_in_progress_per_quiz_and_student(school: School) -> None:
    quiz = school.quiz()
    attempt = start(quiz, school.ada)
    twin = {"quiz_id": quiz.id, "student_id": school.ada.id, "seed": 2, "started_at": NOW}

    with pytest.raises(IntegrityError):
        _elsewhere(db.insert(Attempt).values(number=2, state=AttemptState.IN_PROGRESS, **twin))
    # Submitted attempts are not limited; nor are other students' or other quizzes'.
    _elsewhere(db.insert(Attempt).values(number=2, state=AttemptState.SUBMITTED, **twin))
    assert start(quiz, school.bob).id != attempt.id
    assert start(school.quiz(title="Another"), school.ada).id != attempt.id


# The start's first look ran before another start committed its attempt (PostgreSQL's
# reads see what was committed when they ran): the INSERT then meets the partial unique
# index (ON CONFLICT DO NOTHING) and the start resumes the attempt opened in between,
# whether the quiz allows any number of attempts or one.
@pytest.mark.parametrize("attempts_allowed", [None, 1])
def test_a_start_meeting_an_attempt_opened_in_between_resumes_it(
    school: School, monkeypatch: pytest.MonkeyPatch, attempts_allowed: int | None
) -> None:
    quiz = school.quiz(attempts_allowed=attempts_allowed)
    opened = start(quiz, school.ada)
    read_facts = attempt_start._start_facts
    looks = []

    def before_the_other_start_committed(
        quiz: QuizModel, student_id: int
    ) -> attempt_start._StartFacts:
        facts = read_facts(quiz, student_id)
        looks.append(facts)
        return replace(facts, in_progress_id=None, attempts_used=0, last_number=None)

    monkeypatch.setattr(attempt_start, "_start_facts", before_the_other_start_committed)

    resumed = start(quiz, school.ada, seed=2)

    assert resumed.id == opened.id
    assert [facts.in_progress_id for facts in looks] == [opened.id]
    attempts = db.session.execute(
        db.select(Attempt.id).where(Attempt.quiz_id == quiz.id, Attempt.student_id == school.ada.id)
    ).all()
    assert len(attempts) == 1


def test_someone_elses_attempt_is_not_found(school: School) -> None:
    attempt = start(school.quiz(), school.ada)

    assert get_student_attempt(attempt.id, school.bob.id, now=NOW, grace=GRACE) is None
    assert get_student_attempt(attempt.id, school.ada.id, now=NOW, grace=GRACE) is not None


# ---------------------------------------------------------------------- feedback and evidence


def test_feedback_shows_only_when_an_answer_is_final(school: School) -> None:
    attempt = start(school.quiz(), school.ada)
    item = items_of(attempt)[0]
    answer(attempt, 1, correct_answer(item.question))

    # After-submit quizzes ignore "check": the answer stays open.
    save_answer(attempt, item, correct_answer(item.question), now=NOW, grace=GRACE, check=True)
    assert item.row.response.checked_at is None
    assert item.row.response.fraction is None
    assert not feedback_visible(attempt, item)
    assert evidence_to_highlight(attempt.id, 1, school.ada.id, now=NOW, grace=GRACE) is None

    submit_attempt(attempt, now=NOW)

    assert all(feedback_visible(attempt, i) for i in items_of(attempt))
    assert evidence_to_highlight(attempt.id, 1, school.ada.id, now=NOW, grace=GRACE) == (
        school.economy,
        item.question.evidence_quotes,
        item.row.question_version.question_id,
        False,
    )
    assert evidence_to_highlight(attempt.id, 1, school.bob.id, now=NOW, grace=GRACE) is None
    assert evidence_to_highlight(attempt.id, 99, school.ada.id, now=NOW, grace=GRACE) is None


def test_checking_a_practice_answer_grades_it_and_locks_it(school: School) -> None:
    attempt = start_practice(
        school.ada.id,
        article_id=None,
        section_id=school.economy,
        question_count=2,
        now=NOW,
        grace=GRACE,
        rng=random.Random(1),
    )
    assert attempt.quiz.feedback_timing is FeedbackTiming.IMMEDIATE
    first, second = items_of(attempt)

    save_answer(attempt, first, wrong_answer(first.question), now=NOW, grace=GRACE, check=True)

    assert first.row.response.checked_at == NOW
    assert first.row.response.fraction == 0.0
    assert feedback_visible(attempt, first)
    assert not feedback_visible(attempt, second)
    card = _cards(school.ada)[first.row.question_version.question_id]
    assert card.review_count == 1
    with pytest.raises(AttemptError, match="can no longer change"):
        save_answer(attempt, first, correct_answer(first.question), now=NOW, grace=GRACE)
    assert _fresh(attempt.id).questions[0].response.answer == wrong_answer(first.question)

    # Submitting later does not grade the checked answer a second time.
    submit_attempt(attempt, now=NOW + dt.timedelta(minutes=1))
    assert _cards(school.ada)[first.row.question_version.question_id].review_count == 1


def test_checking_an_empty_answer_does_not_lock_it(school: School) -> None:
    attempt = start_practice(
        school.ada.id,
        article_id=None,
        section_id=school.economy,
        question_count=1,
        now=NOW,
        grace=GRACE,
    )
    item = items_of(attempt)[0]

    save_answer(attempt, item, None, now=NOW, grace=GRACE, check=True)

    assert item.row.response.checked_at is None
    save_answer(attempt, item, correct_answer(item.question), now=NOW, grace=GRACE)
    assert item.row.response.answer == correct_answer(item.question)


# -------------------------------------------------------------------------- spaced repetition


def test_a_wrong_answer_creates_a_review_card_due_soon(school: School) -> None:
    attempt = start(school.quiz(), school.ada)
    items = items_of(attempt)
    answer(attempt, 1, wrong_answer(items[0].question))
    answer(attempt, 2, correct_answer(items[1].question))

    submit_attempt(attempt, now=NOW)

    cards = _cards(school.ada)
    wrong = cards[items[0].row.question_version.question_id]
    right = cards[items[1].row.question_version.question_id]
    skipped = cards[items[2].row.question_version.question_id]
    assert (wrong.review_count, wrong.last_fraction) == (1, 0.0)
    assert (right.review_count, right.last_fraction) == (1, 1.0)
    assert skipped.last_fraction == 0.0
    assert NOW < wrong.due_at <= NOW + dt.timedelta(hours=1)
    assert wrong.due_at < right.due_at
    assert due_count(school.ada.id, now=NOW) == 0
    assert due_count(school.ada.id, now=wrong.due_at) >= 1
    assert due_count(school.ada.id, now=NOW + dt.timedelta(days=1)) == 3
    assert due_count(school.bob.id, now=NOW + dt.timedelta(days=1)) == 0


def test_a_later_answer_updates_the_same_card(school: School) -> None:
    quiz = school.quiz(rules=[section_rule(school.article, ECONOMY, 11)])
    first = start(quiz, school.ada)
    submit_attempt(first, now=NOW)  # all wrong
    later = NOW + dt.timedelta(days=2)
    second = start(quiz, school.ada, now=later, seed=2)
    for item in items_of(second):
        answer(second, item.row.position, correct_answer(item.question), now=later)

    submit_attempt(second, now=later)

    cards = _cards(school.ada)
    assert len(cards) == 11
    assert {(c.review_count, c.last_fraction) for c in cards.values()} == {(2, 1.0)}
    progress = student_progress(school.ada.id, now=later)[0]
    economy = next(s for s in progress.sections if s.section.id == school.economy)
    assert economy.mastery == 1.0


def test_practice_puts_due_questions_first_then_unseen_then_the_rest(school: School) -> None:
    ids = [
        q.id
        for q in db.session.execute(
            db.select(Question).where(Question.section_id == school.economy).order_by(Question.id)
        ).scalars()
    ]
    due, not_due, unseen = set(ids[8:10]), set(ids[0:3]), {*ids[3:8], ids[10]}
    # Three learners with the same history, each asking for a different number.
    learners = {2: school.ada, 5: school.bob, 11: create_student("carol@example.com", "Carol")}
    for student in learners.values():
        for question_id in due:
            add_review_card(student, question_id, NOW - dt.timedelta(hours=1))
        for question_id in not_due:
            add_review_card(student, question_id, NOW + dt.timedelta(days=5))

    drawn = {}
    for count, student in learners.items():
        attempt = start_practice(
            student.id,
            article_id=None,
            section_id=school.economy,
            question_count=count,
            now=NOW,
            grace=GRACE,
            rng=random.Random(count),
        )
        assert attempt.quiz.kind is QuizKind.PRACTICE
        drawn[count] = [row.question_version.question_id for row in attempt.questions]

    assert set(drawn[2]) == due
    assert set(drawn[5][:2]) == due and set(drawn[5][2:]) <= unseen
    assert set(drawn[11][:2]) == due
    assert set(drawn[11][2:8]) == unseen
    assert set(drawn[11][8:]) == not_due


def test_practice_explains_what_cannot_be_drawn(school: School) -> None:
    cases = [
        (
            {"section_id": school.economy, "question_count": 12},
            f"{ECONOMY_TITLE}: asks for 12 questions but only 11 are available",
        ),
        ({"section_id": school.economy, "question_count": 0}, "Choose between 1 and 30"),
        ({"section_id": school.economy, "question_count": 31}, "Choose between 1 and 30"),
        ({"section_id": None, "question_count": 3}, "Choose a section or an article"),
        ({"section_id": 999_999, "question_count": 3}, "Choose a section or an article"),
    ]
    for arguments, message in cases:
        with pytest.raises(AttemptError) as raised:
            start_practice(school.ada.id, article_id=None, now=NOW, grace=GRACE, **arguments)
        assert message in str(raised.value), (arguments, str(raised.value))
    assert db.session.scalar(db.select(db.func.count(Attempt.id))) == 0
    assert db.session.scalar(db.select(db.func.count(QuizModel.id))) == 0


def test_practice_quizzes_are_private(school: School) -> None:
    attempt = start_practice(
        school.ada.id,
        article_id=school.article.id,
        section_id=None,
        question_count=3,
        now=NOW,
        grace=GRACE,
    )

    with pytest.raises(AttemptError, match="belongs to someone else"):
        start(attempt.quiz, school.bob)


# ------------------------------------------------------------------- the deadline rule


DEADLINE = NOW + LIMIT


@pytest.mark.parametrize(
    ("deadline", "now", "phase"),
    [
        (None, NOW + dt.timedelta(days=9), DeadlinePhase.OPEN),
        (DEADLINE, DEADLINE - dt.timedelta(seconds=1), DeadlinePhase.OPEN),
        (DEADLINE, DEADLINE, DeadlinePhase.ENDING),
        (DEADLINE, DEADLINE + GRACE, DeadlinePhase.ENDING),
        (DEADLINE, DEADLINE + GRACE + dt.timedelta(microseconds=1), DeadlinePhase.OVER),
        (DEADLINE, DEADLINE + dt.timedelta(hours=1), DeadlinePhase.OVER),
    ],
    ids=["no deadline", "before", "at the deadline", "end of grace", "just after", "long after"],
)
def test_the_deadline_rule_with_its_grace(
    deadline: dt.datetime | None, now: dt.datetime, phase: DeadlinePhase
) -> None:
    assert deadline_phase(deadline, now, GRACE) is phase


# ------------------------------------------------------------------------ units of work


@pytest.fixture
def commits(app_context: Flask) -> Iterator[list[int]]:
    """One entry per transaction the session commits while the test runs."""
    seen: list[int] = []
    session = db.session()
    listener = lambda _session: seen.append(1)  # noqa: E731
    event.listen(session, "after_commit", listener)
    yield seen
    event.remove(session, "after_commit", listener)


def test_practice_creates_its_quiz_and_attempt_in_one_commit(
    school: School, commits: list[int]
) -> None:
    attempt = start_practice(
        school.ada.id,
        article_id=None,
        section_id=school.economy,
        question_count=3,
        now=NOW,
        grace=GRACE,
        rng=random.Random(1),
    )

    assert len(commits) == 1
    assert len(_fresh(attempt.id).questions) == 3


def test_finalising_several_expired_attempts_is_one_commit(
    school: School, commits: list[int]
) -> None:
    ids = [
        start(school.quiz(time_limit_seconds=600, title=f"Timed {n}"), school.ada).id
        for n in (1, 2)
    ]
    commits.clear()

    assert (
        finalise_expired_attempts(school.ada.id, now=NOW + dt.timedelta(hours=1), grace=GRACE) == 2
    )

    assert len(commits) == 1
    assert {_fresh(i).state for i in ids} == {AttemptState.SUBMITTED}
    assert (
        finalise_expired_attempts(school.ada.id, now=NOW + dt.timedelta(hours=2), grace=GRACE) == 0
    )
    assert len(commits) == 1  # nothing to finalise: nothing committed


def test_a_submission_that_lost_the_race_keeps_the_callers_unit_of_work(school: School) -> None:
    attempt = start(school.quiz(), school.ada)
    # Another request submits it first, behind this session's back.
    db.session.execute(
        db.update(Attempt)
        .where(Attempt.id == attempt.id)
        .values(state=AttemptState.SUBMITTED, submitted_at=NOW, submitted_automatically=False)
        .execution_options(synchronize_session=False)
    )

    with unit_of_work():
        school.teacher.name = "Grace B. Hopper"
        assert submit_attempt(attempt, now=NOW) is False
        assert attempt.state is AttemptState.SUBMITTED

    db.session.expire_all()
    assert db.session.get(User, school.teacher.id).name == "Grace B. Hopper"
    assert _fresh(attempt.id).score is None  # graded once, by the winner (who had not yet)
