"""A class sits a quiz at once: simulated students against real gunicorn workers.

Every student logs in, starts the quiz, opens the first question, autosaves an answer to
every question (some changed and saved twice, some double-clicked: the same request sent
twice at once) and submits. Whatever the interleaving, every answer the server said it
saved is stored exactly once and is the one graded; nobody sees a 5xx; SQLite's "database
is locked" never reaches anyone, in a reply or in the server's log.

QUIZAPP_TEST_SOAK_STUDENTS (100) and QUIZAPP_TEST_SOAK_QUESTIONS (3) size the run.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.helpers import empty_database
from tests.serving import Server, race, serve
from tests.students import (
    LOCKED,
    SimulatedStudent,
    assert_graded_as_acknowledged,
    enrol_students,
    open_school,
    server_errors,
    stored_attempt,
)

STUDENTS = int(os.environ.get("QUIZAPP_TEST_SOAK_STUDENTS", "100"))
QUESTIONS = int(os.environ.get("QUIZAPP_TEST_SOAK_QUESTIONS", "3"))
WORKERS = 4


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("soak")
    with (
        empty_database(folder / "soak.sqlite3", "soak") as url,
        serve(url, folder / "gunicorn.log", workers=WORKERS) as running,
    ):
        yield running


def _sit_the_quiz(student: SimulatedStudent, number: int) -> None:
    student.log_in()
    student.start()
    assert student.question_page(1).status == 200
    for position, (wrong, right) in enumerate(student.choices, start=1):
        assert student.autosave(position, wrong).status == 200
        if (number + position) % 2 == 0:
            # Changed their mind: a second save of the same question.
            assert student.autosave(position, right).status == 200
        if (number + position) % 3 == 0:
            # A double click: the answer on the page sent twice at once.
            shown = student.acknowledged[position]
            replies = race([lambda p=position, c=shown: student.autosave(p, c)] * 2)
            assert [reply.status for reply in replies] == [200, 200]
    submitted = student.submit()
    assert (submitted.status, submitted.location) == (302, student.base), submitted.body[:500]


def test_a_class_sits_a_quiz_at_once(server: Server) -> None:
    school = open_school(server, QUESTIONS)
    emails = enrol_students(server, school, STUDENTS)
    students = [SimulatedStudent(server, email, school.quiz_id) for email in emails]

    began = time.monotonic()
    with ThreadPoolExecutor(max_workers=STUDENTS) as pool:
        outcomes = [pool.submit(_sit_the_quiz, student, n) for n, student in enumerate(students)]
    failures = [repr(outcome.exception()) for outcome in outcomes if outcome.exception()]
    elapsed = time.monotonic() - began

    replies = [reply for student in students for reply in student.replies]
    assert server_errors(replies) == []
    assert failures == []
    assert not [reply.body[:300] for reply in replies if LOCKED in reply.body]
    assert LOCKED not in server.log_text()
    for student in students:
        assert sorted(student.acknowledged) == list(range(1, QUESTIONS + 1)), student.email
        assert_graded_as_acknowledged(student, stored_attempt(server.app, student.attempt_id))
    print(
        f"\n{STUDENTS} students x {QUESTIONS} questions: {len(replies)} requests "
        f"in {elapsed:.1f} s ({len(replies) / elapsed:.0f}/s), {WORKERS} workers"
    )
