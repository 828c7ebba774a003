"""The database stops taking writes in the middle of an exam: read-only, or a full disk.

Made to happen for real while gunicorn serves: PostgreSQL is set read-only the way a
standby is (``default_transaction_read_only`` for the database; the server's connections
are closed so the new ones get it), SQLite through its own ``PRAGMA query_only`` (see
``faulty_wsgi``; root ignores file permissions, so a chmod would not stop the tests in
CI). The disk fills for real: the SQLite file lives on a small tmpfs that a file then
fills up (this needs the right to mount; PostgreSQL's disk cannot be filled without a
superuser's tablespace, so that case runs on SQLite only).

Students who were answering keep reading their pages; every write gets a 503 saying what
is wrong and that nothing was saved (JSON for the autosave script, which keeps the answer
queued and sends it again; a page for forms); nothing saved before is lost; once the
fault is over the answers sent again are saved and the attempts are submitted.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import AbstractContextManager, closing, contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from quizapp.extensions import db
from quizapp.models import AttemptState
from tests.conftest import POSTGRES_URL
from tests.faults.faulty_wsgi import READ_ONLY
from tests.helpers import empty_database
from tests.serving import Server, serve
from tests.students import (
    SimulatedStudent,
    assert_acknowledged_answers_stored,
    assert_graded_as_acknowledged,
    enrol_students,
    open_school,
    stored_attempt,
)

WORKERS = 2
# Room for the migrated database, the test data and its write-ahead log.
FILESYSTEM_SIZE = "16m"


# ------------------------------------------------------------------------ the scenario


def _sit_through(server: Server, fault: AbstractContextManager[object], says: str) -> None:
    """Three students answering and one about to start, while ``fault`` lasts and after."""
    school = open_school(server, 3)
    students = [
        SimulatedStudent(server, email, school.quiz_id)
        for email in enrol_students(server, school, 4)
    ]
    *sitting, latecomer = students
    for student in students:
        student.log_in()
    for student in sitting:
        student.start()
        assert student.autosave(1, student.choices[0][1]).status == 200
        assert student.autosave(2, student.choices[1][0]).status == 200

    with fault:
        for student in sitting:
            refused = student.autosave(3, student.choices[2][1])
            assert refused.status == 503, (refused.status, refused.body[:500])
            message = json.loads(refused.body)["message"]
            assert says in message and "not saved" in message, message
            # Reading goes on: the question page still opens.
            assert student.question_page(1).status == 200
        first = sitting[0]
        browser = first.browser
        assert browser is not None
        # The form's "Save and next": a page that says what is wrong, not the 500 page.
        page = browser.post(
            f"{first.base}/questions/3", {**first.choices[2][1].form, "action": "next"}
        )
        assert page.status == 503, (page.status, page.body[:500])
        assert says in page.body and "not saved" in page.body, page.body
        assert first.submit().status == 503
        assert latecomer.browser is not None
        assert latecomer.browser.post(f"/student/quizzes/{school.quiz_id}/start").status == 503
        for student in sitting:
            stored = stored_attempt(server.app, student.attempt_id)
            assert stored.state is AttemptState.IN_PROGRESS
            assert_acknowledged_answers_stored(student, stored)

    # Over: the pages send their queued answers again, and the attempts go on.
    for student in sitting:
        assert student.autosave(3, student.choices[2][1]).status == 200
        submitted = student.submit()
        assert (submitted.status, submitted.location) == (302, student.base)
        assert_graded_as_acknowledged(student, stored_attempt(server.app, student.attempt_id))
    latecomer.start()
    replies = [reply for student in students for reply in student.replies]
    assert {reply.status for reply in replies if reply.status >= 500} == {503}


# ------------------------------------------------------------------- a read-only database


@pytest.fixture
def switch(tmp_path: Path) -> Path:
    return tmp_path / "fault-switch"


@pytest.fixture
def read_only_server(tmp_path: Path, switch: Path) -> Iterator[Server]:
    with empty_database(tmp_path / "faults.sqlite3", "faults") as url:
        if POSTGRES_URL is not None:
            # A name for the server's connections, so the test can close just those.
            name = f"quizapp-faults-{uuid.uuid4().hex[:8]}"
            url = make_url(url).update_query_dict({"application_name": name})
            url = url.render_as_string(hide_password=False)
        with serve(
            url,
            tmp_path / "gunicorn.log",
            workers=WORKERS,
            app_module="tests.faults.faulty_wsgi:create_faulty_app()",
            env={"QUIZAPP_TEST_FAULT_SWITCH": str(switch)},
        ) as running:
            yield running


@contextmanager
def _postgres_read_only(server: Server) -> Iterator[None]:
    assert POSTGRES_URL is not None
    url = make_url(server.app.config["SQLALCHEMY_DATABASE_URI"])
    name, database = url.query["application_name"], url.database
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")

    def close_servers_connections() -> None:
        connection.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE application_name = :name AND pid <> pg_backend_pid()"
            ),
            {"name": name},
        )

    with admin.connect() as connection:
        connection.execute(
            text(f'ALTER DATABASE "{database}" SET default_transaction_read_only = on')
        )
        try:
            close_servers_connections()
            yield
        finally:
            # This connection began before the change, so it may still write.
            connection.execute(
                text(f'ALTER DATABASE "{database}" RESET default_transaction_read_only')
            )
            close_servers_connections()
    admin.dispose()
    with server.app.app_context():
        db.engine.dispose()


@contextmanager
def _sqlite_read_only(switch: Path) -> Iterator[None]:
    switch.write_text(READ_ONLY)
    try:
        yield
    finally:
        switch.unlink()


def test_a_read_only_database_refuses_writes_clearly_and_loses_nothing(
    read_only_server: Server, switch: Path
) -> None:
    fault = (
        _sqlite_read_only(switch) if POSTGRES_URL is None else _postgres_read_only(read_only_server)
    )
    _sit_through(read_only_server, fault, "read-only")
    assert "READ_ONLY" in read_only_server.log_text()


# ------------------------------------------------------------------------- a full disk


@contextmanager
def _small_filesystem(folder: Path) -> Iterator[Path]:
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={FILESYSTEM_SIZE}", "tmpfs", str(folder)],
        capture_output=True,
        text=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"a small filesystem cannot be mounted here: {mounted.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True)


@pytest.fixture
def full_disk_server(tmp_path: Path) -> Iterator[tuple[Server, Path]]:
    with _small_filesystem(tmp_path / "small") as small:
        database = small / "faults.sqlite3"
        with serve(f"sqlite:///{database}", tmp_path / "gunicorn.log", workers=WORKERS) as running:
            yield running, database


@contextmanager
def _disk_full(database: Path) -> Iterator[None]:
    # Move the write-ahead log into the database file and cut it to nothing, so the next
    # write has to grow it: writes into space a file already has would still succeed.
    with closing(sqlite3.connect(database)) as connection:
        busy, _, _ = connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    assert busy == 0, "the log could not be checkpointed"
    filler = database.parent / "filler"
    descriptor = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:
        for chunk in (1 << 20, 1 << 12, 1):
            try:
                while True:
                    os.write(descriptor, b"\0" * chunk)
            except OSError:
                continue
    finally:
        os.close(descriptor)
    assert os.statvfs(database.parent).f_bavail == 0
    try:
        yield
    finally:
        filler.unlink()


@pytest.mark.skipif(
    POSTGRES_URL is not None, reason="runs on SQLite: filling PostgreSQL's disk needs a superuser"
)
def test_a_full_disk_refuses_writes_clearly_and_loses_nothing(
    full_disk_server: tuple[Server, Path],
) -> None:
    server, database = full_disk_server
    _sit_through(server, _disk_full(database), "disk is full")
    assert "FULL" in server.log_text()
