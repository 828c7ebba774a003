"""``flask db backup PATH``: a consistent copy while the app serves, and its restore.

The command's answers come first (a copy that opens, no overwriting without --force, a
clear message for a bad path, pg_dump's instructions for PostgreSQL); then a backup is
taken while students autosave against gunicorn workers (on PostgreSQL with pg_dump, as
the command says), restored as docs/backup.md says, and served again: every answer
acknowledged before the backup started is there.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing, contextmanager
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import URL, create_engine, text
from sqlalchemy.engine import make_url

from quizapp import create_app
from quizapp.extensions import db
from quizapp.models import User
from tests.conftest import POSTGRES_URL, settings_for
from tests.factories import create_student
from tests.helpers import empty_database
from tests.serving import Server, serve
from tests.students import (
    Choice,
    SimulatedStudent,
    enrol_students,
    keep_saving,
    open_school,
    stored_attempt,
)

STUDENTS = 12
QUESTIONS = 4


@pytest.fixture
def sqlite_app(tmp_path: Path) -> Flask:
    """An app on a SQLite file with the schema and one account (whatever the test DB)."""
    app = create_app(settings_for(f"sqlite:///{tmp_path / 'live.sqlite3'}"))
    with app.app_context():
        db.create_all()
        create_student("ada@example.com", "Ada")
    return app


def _backup(app: Flask, *args: str) -> tuple[int, str]:
    runner: FlaskCliRunner = app.test_cli_runner()
    result = runner.invoke(args=["db", "backup", *args])
    return result.exit_code, result.output


def _emails_in(path: Path) -> list[str]:
    with closing(sqlite3.connect(path)) as copy:
        return [email for (email,) in copy.execute("SELECT email FROM users")]


def test_a_backup_is_a_database_with_the_data(sqlite_app: Flask, tmp_path: Path) -> None:
    copy = tmp_path / "copy.sqlite3"
    code, output = _backup(sqlite_app, str(copy))
    assert code == 0, output
    assert output.startswith(f"Backed up {tmp_path / 'live.sqlite3'} to {copy} (")
    assert _emails_in(copy) == ["ada@example.com"]
    # One self-contained file: no write-ahead log beside it, no temporary file left.
    assert sorted(path.name for path in tmp_path.iterdir() if "copy" in path.name) == [
        "copy.sqlite3"
    ]


def test_an_existing_file_is_replaced_only_with_force(sqlite_app: Flask, tmp_path: Path) -> None:
    existing = tmp_path / "existing.sqlite3"
    existing.write_text("last week's backup")
    code, output = _backup(sqlite_app, str(existing))
    assert code == 1
    assert f"{existing} already exists: choose another name, or add --force" in output
    assert existing.read_text() == "last week's backup"

    code, output = _backup(sqlite_app, str(existing), "--force")
    assert code == 0, output
    assert _emails_in(existing) == ["ada@example.com"]


@pytest.mark.parametrize(
    ("path", "says"),
    [
        ("no-such-folder/copy.sqlite3", "the folder {tmp}/no-such-folder does not exist"),
        (".", "{tmp} is a folder: give the backup file's name"),
        ("live.sqlite3/copy.sqlite3", "{tmp}/live.sqlite3 is a file, not a folder"),
        ("live.sqlite3", "{tmp}/live.sqlite3 is the database itself"),
    ],
)
def test_a_bad_path_is_refused_with_a_clear_message(
    sqlite_app: Flask, tmp_path: Path, path: str, says: str
) -> None:
    before = sorted(tmp_path.iterdir())
    code, output = _backup(sqlite_app, str(tmp_path / path), "--force")
    assert code == 1
    assert f"Error: no backup made: {says.format(tmp=tmp_path)}" in output
    assert sorted(tmp_path.iterdir()) == before
    with sqlite_app.app_context():
        assert db.session.execute(db.select(User.email)).scalars().all() == ["ada@example.com"]


def test_postgresql_is_told_how_to_use_pg_dump(tmp_path: Path) -> None:
    app = create_app(
        settings_for("postgresql+psycopg://quizapp:secret@db.example.org:5433/quizapp")
    )
    code, output = _backup(app, str(tmp_path / "copy.dump"))
    assert code == 1
    assert (
        "pg_dump --format=custom --file=PATH 'postgresql://quizapp@db.example.org:5433/quizapp'"
        in output
    )
    assert "pg_restore --no-owner" in output
    assert "secret" not in output
    assert list(tmp_path.iterdir()) == []


# ------------------------------------------------------------------ under load, restored


def _state_after(history: list[tuple[int, Choice]]) -> dict[int, object]:
    """The answers stored after these saves, in this order."""
    return {position: choice.stored for position, choice in history}


def _take_backup(server: Server, url: str, backup: Path) -> None:
    """SQLite: ``flask db backup``. PostgreSQL: pg_dump, as the command says to."""
    if make_url(url).get_backend_name() == "sqlite":
        code, output = _backup(server.app, str(backup))
        assert code == 0, output
        return
    address, schema, password = _libpq(url)
    dump = ["pg_dump", "--format=custom", f"--schema={schema}", f"--file={backup}", address]
    subprocess.run(dump, env={**os.environ, "PGPASSWORD": password}, check=True)


@contextmanager
def _restore(url: str, backup: Path) -> Iterator[None]:
    """Put ``backup`` in place of the (stopped) app's database, as docs/backup.md says."""
    if make_url(url).get_backend_name() == "sqlite":
        database = Path(str(make_url(url).database))
        # The old database's write-ahead log must not be replayed onto the copy.
        for stale in (Path(f"{database}-wal"), Path(f"{database}-shm")):
            stale.unlink(missing_ok=True)
        shutil.copyfile(backup, database)
        yield
        return
    # The test's database holds other schemas, so the restore replaces just this one.
    address, schema, password = _libpq(url)
    admin = create_engine(str(POSTGRES_URL))
    with admin.begin() as connection:
        connection.execute(text(f'ALTER SCHEMA "{schema}" RENAME TO "{schema}_replaced"'))
    try:
        restore = ["pg_restore", "--no-owner", f"--dbname={address}", str(backup)]
        subprocess.run(restore, env={**os.environ, "PGPASSWORD": password}, check=True)
        yield
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}_replaced" CASCADE'))
        admin.dispose()


def _libpq(url: str) -> tuple[str, str, str]:
    """A PostgreSQL URL for libpq's tools (no driver name, no password), the schema the
    tests' search_path names, and the password."""
    parsed = make_url(url)
    options = str(parsed.query.get("options", ""))
    schema = options.removeprefix("-csearch_path=")
    assert schema and schema != options, options
    address = URL.create(
        "postgresql",
        username=parsed.username,
        host=parsed.host,
        port=parsed.port,
        database=parsed.database,
    )
    return address.render_as_string(), schema, str(parsed.password or "")


def test_a_backup_under_load_restores_every_answer_acknowledged_before_it(
    tmp_path: Path,
) -> None:
    backup = tmp_path / "backup"
    with empty_database(tmp_path / "live.sqlite3", "backup") as url:
        with serve(url, tmp_path / "gunicorn.log", workers=2) as server:
            school = open_school(server, QUESTIONS)
            students = [
                SimulatedStudent(server, email, school.quiz_id)
                for email in enrol_students(server, school, STUDENTS)
            ]
            for student in students:
                student.log_in()
                student.start()
            stop = threading.Event()
            with ThreadPoolExecutor(max_workers=STUDENTS) as pool:
                load = [pool.submit(keep_saving, student, stop) for student in students]
                try:
                    time.sleep(1.0)
                    acknowledged_before = [len(student.history) for student in students]
                    began = time.monotonic()
                    _take_backup(server, url, backup)
                    took = time.monotonic() - began
                    acknowledged_by_its_end = [len(student.history) for student in students]
                    time.sleep(0.5)
                finally:
                    stop.set()
            assert [repr(future.exception()) for future in load if future.exception()] == []
        # The backup was taken inside the load: saves were acknowledged before and after it.
        assert sum(acknowledged_before) > 0
        assert sum(len(student.history) for student in students) > sum(acknowledged_by_its_end)
        saved_during = sum(acknowledged_by_its_end) - sum(acknowledged_before)

        with _restore(url, backup):
            restored = create_app(settings_for(url))
            for student, before in zip(students, acknowledged_before, strict=True):
                answers = stored_attempt(restored, student.attempt_id).answers
                # The database as it was at one instant after the backup began: every
                # save acknowledged before it, and perhaps some that came during it.
                history = student.history
                possible = [_state_after(history[:k]) for k in range(before, len(history) + 1)]
                assert answers in possible, student.email
            with restored.app_context():
                db.engine.dispose()

            # And it serves: a student logs in again, resumes the same attempt and submits.
            with serve(url, tmp_path / "restored.log", workers=1) as server:
                first = students[0]
                again = SimulatedStudent(
                    server, first.email, first.quiz_id, attempt_id=first.attempt_id
                )
                again.choices = first.choices
                again.log_in()
                assert again.start() == first.attempt_id
                assert again.submit().status == 302
    print(
        f"\nbackup under load in {took:.2f} s: {saved_during} saves acknowledged meanwhile; "
        f"{backup.stat().st_size} bytes"
    )
