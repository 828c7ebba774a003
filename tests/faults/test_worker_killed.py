"""A worker process killed (SIGKILL) in the middle of an exam: gunicorn starts another.

Students keep autosaving while a worker is killed under them. A request that died with
the worker got no answer, so the student's page was never told "saved" and sends the
answer again, as the page's queue does; nothing acknowledged before or after is lost.
Afterwards every student resumes the same attempt (Start goes back to it, the question
page opens), saves once more and submits; what is graded is what was acknowledged.

QUIZAPP_TEST_KILL_STUDENTS (24) sizes the run.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.helpers import empty_database
from tests.serving import Server, serve, wait_for_respawn
from tests.students import (
    LOCKED,
    SimulatedStudent,
    assert_acknowledged_answers_stored,
    assert_graded_as_acknowledged,
    enrol_students,
    keep_saving,
    open_school,
    server_errors,
    stored_attempt,
)

STUDENTS = int(os.environ.get("QUIZAPP_TEST_KILL_STUDENTS", "24"))
QUESTIONS = 4
WORKERS = 2
# A kill between two requests catches none in flight; another kill soon catches one.
KILLS_AT_MOST = 5
LOAD_AFTER_KILL_S = 1.0


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    with (
        empty_database(tmp_path / "killed.sqlite3", "killed") as url,
        serve(url, tmp_path / "gunicorn.log", workers=WORKERS) as running,
    ):
        yield running


def _kill_a_worker_under_load(server: Server, students: list[SimulatedStudent]) -> int:
    """SIGKILL workers until one dies with a request in flight; how many were killed."""
    for kills in range(1, KILLS_AT_MOST + 1):
        victim = server.worker_pids()[0]
        os.kill(victim, signal.SIGKILL)
        wait_for_respawn(server, WORKERS, victim)
        time.sleep(LOAD_AFTER_KILL_S)
        if sum(student.died for student in students):
            return kills
    raise AssertionError(f"{KILLS_AT_MOST} workers killed, never with a request in flight")


def _resume_and_submit(student: SimulatedStudent) -> None:
    attempt_id = student.attempt_id
    assert student.start() == attempt_id
    assert student.question_page(1).status == 200
    student.autosave_until_saved(1, student.choices[0][1])
    submitted = student.submit()
    assert (submitted.status, submitted.location) == (302, student.base), submitted.body[:500]


def test_a_worker_killed_mid_load_loses_nothing_acknowledged(server: Server) -> None:
    school = open_school(server, QUESTIONS)
    emails = enrol_students(server, school, STUDENTS)
    students = [SimulatedStudent(server, email, school.quiz_id) for email in emails]
    for student in students:
        student.log_in()
        student.start()

    stop = threading.Event()
    with ThreadPoolExecutor(max_workers=STUDENTS) as pool:
        load = [pool.submit(keep_saving, student, stop) for student in students]
        try:
            time.sleep(LOAD_AFTER_KILL_S)
            kills = _kill_a_worker_under_load(server, students)
        finally:
            stop.set()
    assert [repr(future.exception()) for future in load if future.exception()] == []
    died = sum(student.died for student in students)
    # The load has stopped: what each student was last told is saved is what is stored.
    for student in students:
        assert_acknowledged_answers_stored(student, stored_attempt(server.app, student.attempt_id))

    with ThreadPoolExecutor(max_workers=STUDENTS) as pool:
        resumed = [pool.submit(_resume_and_submit, student) for student in students]
    assert [repr(future.exception()) for future in resumed if future.exception()] == []

    replies = [reply for student in students for reply in student.replies]
    assert server_errors(replies) == []
    assert not [reply.body[:300] for reply in replies if LOCKED in reply.body]
    log = server.log_text()
    assert log.count("SIGKILL") == kills, log
    assert LOCKED not in log
    for student in students:
        assert_graded_as_acknowledged(student, stored_attempt(server.app, student.attempt_id))
    print(
        f"\n{kills} worker(s) killed under {STUDENTS} students: {died} requests died, "
        f"all sent again; {len(replies)} requests answered"
    )
