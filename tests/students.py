"""Simulated students for the soak, fault and backup tests: each a browser of its own.

A ``SimulatedStudent`` logs in over HTTP, starts the module's quiz and autosaves answers
as the page's script does, keeping every reply. It remembers, per question, the last
answer the server acknowledged ("saved"): after the test, that is what must be stored
(once) and graded. The answers' form fields are worked out in-process from the attempt
(``tests.factories``), as the page would have them.
"""

from __future__ import annotations

import http.client
import json
import threading
import time
from dataclasses import dataclass, field

from flask import Flask

from quizapp.extensions import db
from quizapp.models import Article, Attempt, AttemptQuestion, AttemptState, SchoolClass, User
from quizapp.models import Response as ResponseModel
from quizapp.services.classes import join_class
from tests.factories import (
    ECONOMY,
    answer_form,
    correct_answer,
    create_assessment,
    create_class,
    create_student,
    create_teacher,
    items_of,
    load_article,
    section_rule,
    wrong_answer,
)
from tests.serving import Browser, Reply, Server, unique_email

# Words that would mean the database's own lock leaked out to someone.
LOCKED = "database is locked"


@dataclass(frozen=True)
class School:
    """Ids of a teacher's class and of the quiz its students take."""

    class_id: int
    join_code: str
    quiz_id: int


def open_school(server: Server, questions: int) -> School:
    """A teacher, a class and a published quiz drawing ``questions`` economy questions."""
    with server.app.app_context():
        article = db.session.execute(db.select(Article)).scalars().first() or load_article(
            (ECONOMY,)
        )
        teacher = create_teacher(unique_email("teacher"))
        school_class = create_class(teacher)
        quiz = create_assessment(
            db.session.get(User, teacher.id),
            db.session.get(SchoolClass, school_class.id),
            article,
            rules=[section_rule(article, ECONOMY, questions)],
            title=unique_email("quiz"),
        )
        return School(school_class.id, school_class.join_code, quiz.id)


def enrol_students(server: Server, school: School, count: int) -> list[str]:
    """``count`` new student accounts in the school's class; their emails."""
    emails = [unique_email("student") for _ in range(count)]
    with server.app.app_context():
        for email in emails:
            student = create_student(email, "Student")
            join_class(student, school.join_code, now=student.created_at)
    return emails


@dataclass(frozen=True)
class Choice:
    """One answer to one question: the fields the page sends, the stored form, if right."""

    form: dict[str, list[str]]
    stored: object
    right: bool


def answer_choices(server: Server, attempt_id: int) -> list[tuple[Choice, Choice]]:
    """Per position: a wrong and the right answer to the attempt's question."""
    with server.app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt is not None, attempt_id
        choices = []
        for item in items_of(attempt):
            wrong, right = wrong_answer(item.question), correct_answer(item.question)
            choices.append(
                (
                    Choice(answer_form(item, wrong), wrong, right=False),
                    Choice(answer_form(item, right), right, right=True),
                )
            )
        return choices


# What a request that died with its worker process raises in the client.
CONNECTION_ERRORS = (OSError, http.client.HTTPException)


@dataclass
class SimulatedStudent:
    """One student: a browser, the attempt, and what the server said to each request."""

    server: Server
    email: str
    quiz_id: int
    browser: Browser | None = None
    attempt_id: int = 0
    choices: list[tuple[Choice, Choice]] = field(default_factory=list)
    # Per position, the last answer the server said it saved.
    acknowledged: dict[int, Choice] = field(default_factory=dict)
    # Every acknowledged save in order: (position, answer).
    history: list[tuple[int, Choice]] = field(default_factory=list)
    replies: list[Reply] = field(default_factory=list)
    # Requests that got no answer at all (the worker died under them).
    died: int = 0

    @property
    def base(self) -> str:
        return f"/student/attempts/{self.attempt_id}"

    def _browser(self) -> Browser:
        assert self.browser is not None, "log in first"
        return self.browser

    def log_in(self) -> None:
        self.browser = self.server.logged_in(self.email)

    def start(self) -> int:
        """Start (or resume) the quiz; the attempt's id. Works out the answers once."""
        reply = self._keep(self._browser().post(f"/student/quizzes/{self.quiz_id}/start"))
        assert reply.status == 302, (reply.status, reply.body[:500])
        assert reply.location and "/student/attempts/" in reply.location, reply
        attempt_id = int(reply.location.split("/student/attempts/")[1].split("/")[0])
        assert self.attempt_id in (0, attempt_id), "a second attempt instead of resuming"
        if not self.choices:
            self.choices = answer_choices(self.server, attempt_id)
        self.attempt_id = attempt_id
        return attempt_id

    def autosave(self, position: int, choice: Choice) -> Reply:
        """Send ``choice`` as the page's script does; remember it when acknowledged."""
        reply = self._keep(
            self._browser().autosave(f"{self.base}/questions/{position}/autosave", choice.form)
        )
        if reply.status == 200 and json.loads(reply.body).get("status") == "saved":
            self.acknowledged[position] = choice
            self.history.append((position, choice))
        return reply

    def autosave_until_saved(self, position: int, choice: Choice, tries: int = 20) -> None:
        """Send again after a request died with its worker, as the page's queue does."""
        for _ in range(tries):
            try:
                reply = self.autosave(position, choice)
            except CONNECTION_ERRORS:
                self.died += 1
                time.sleep(0.2)
                continue
            assert reply.status == 200, (reply.status, reply.body[:500])
            assert self.acknowledged[position] == choice
            return
        raise AssertionError(f"{self.email}: question {position} never saved")

    def question_page(self, position: int) -> Reply:
        return self._keep(self._browser().get(f"{self.base}/questions/{position}"))

    def submit(self) -> Reply:
        return self._keep(self._browser().post(f"{self.base}/submit"))

    def _keep(self, reply: Reply) -> Reply:
        self.replies.append(reply)
        return reply


def keep_saving(student: SimulatedStudent, stop: threading.Event) -> None:
    """Answer question after question, flipping between a wrong and the right answer,
    until ``stop`` is set."""
    rounds = 0
    while not stop.is_set():
        for position, (wrong, right) in enumerate(student.choices, start=1):
            student.autosave_until_saved(position, right if (rounds + position) % 2 else wrong)
        rounds += 1


@dataclass(frozen=True)
class StoredAttempt:
    """An attempt as the database holds it: state, answers and grades per position."""

    state: AttemptState
    submitted_at: object
    answers: dict[int, object]
    fractions: dict[int, float | None]
    graded_at: dict[int, object]
    rows_per_position: dict[int, int]


def stored_attempt(app: Flask, attempt_id: int) -> StoredAttempt:
    """Read the attempt back from ``app``'s database (fresh, in-process)."""
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt is not None, attempt_id
        rows = db.session.execute(
            db.select(AttemptQuestion.position, db.func.count(ResponseModel.id))
            .outerjoin(ResponseModel, ResponseModel.attempt_question_id == AttemptQuestion.id)
            .where(AttemptQuestion.attempt_id == attempt_id)
            .group_by(AttemptQuestion.position)
        ).all()
        responses = {row.position: row.response for row in attempt.questions if row.response}
        return StoredAttempt(
            state=attempt.state,
            submitted_at=attempt.submitted_at,
            answers={position: r.answer for position, r in responses.items()},
            fractions={position: r.fraction for position, r in responses.items()},
            graded_at={position: r.graded_at for position, r in responses.items()},
            rows_per_position={position: count for position, count in rows},
        )


def assert_acknowledged_answers_stored(student: SimulatedStudent, stored: StoredAttempt) -> None:
    """Each acknowledged answer is stored, once, and nothing else is."""
    expected = {position: choice.stored for position, choice in student.acknowledged.items()}
    assert stored.answers == expected, student.email
    assert all(stored.rows_per_position[p] == 1 for p in expected), stored.rows_per_position


def assert_graded_as_acknowledged(student: SimulatedStudent, stored: StoredAttempt) -> None:
    """Submitted, and what was graded is the acknowledged answers, at submission."""
    assert stored.state is AttemptState.SUBMITTED, student.email
    assert_acknowledged_answers_stored(student, stored)
    assert stored.fractions == {
        position: 1.0 if choice.right else 0.0 for position, choice in student.acknowledged.items()
    }
    assert set(stored.graded_at.values()) == {stored.submitted_at}


def server_errors(replies: list[Reply]) -> list[tuple[int, str]]:
    """The 5xx replies among ``replies``, with the start of their bodies."""
    return [(reply.status, reply.body[:300]) for reply in replies if reply.status >= 500]
