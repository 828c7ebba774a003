"""Shared fixtures: an app on a real database per test.

SQLite: a fresh file in the test's tmp dir, copied from one that holds the schema.
PostgreSQL, when QUIZAPP_TEST_POSTGRES_URL is set: the schema is created once per run and
every table is emptied after each test. A database that is set but unreachable makes the
tests fail, never skip.
"""

from __future__ import annotations

import gc
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from jinja2 import FileSystemBytecodeCache
from sqlalchemy import event

from quizapp import create_app
from quizapp.extensions import db

REPO_ROOT = Path(__file__).resolve().parent.parent
BANK_PATH = REPO_ROOT / "questions"
POSTGRES_URL = os.environ.get("QUIZAPP_TEST_POSTGRES_URL")

_postgres_schema_ready = False


def settings_for(database_url: str) -> dict[str, object]:
    """Settings every test app shares, for the database at ``database_url``."""
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "BANK_PATH": str(BANK_PATH),
    }


@pytest.fixture(autouse=True, scope="session")
def _fewer_gc_pauses() -> Iterator[None]:
    """Run CPython's cyclic garbage collector less often during the run.

    Every test builds a whole app (engine, Jinja environment, ORM state) that dies as
    reference cycles; with the default thresholds, full collections over the growing heap
    took about a sixth of the run time. Nothing here depends on when garbage is collected.
    """
    before = gc.get_threshold()
    gc.set_threshold(5000, 20, 20)
    yield
    gc.set_threshold(*before)


@pytest.fixture(scope="session")
def _empty_sqlite_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file holding the current schema and no rows, made once per run.

    Each test gets a copy: copying the file takes a fraction of a millisecond, creating
    the schema in a new file about ten.
    """
    path = tmp_path_factory.mktemp("schema") / "empty.sqlite3"
    app = create_app(settings_for(f"sqlite:///{path}"))
    with app.app_context():
        db.create_all()
        db.session.remove()
        # Closing the last connection checkpoints the write-ahead log into the file.
        db.engine.dispose()
    return path


@pytest.fixture(scope="session")
def _compiled_templates(tmp_path_factory: pytest.TempPathFactory) -> FileSystemBytecodeCache:
    """Compiled templates shared by every test app of the run (set in ``app``).

    Each app has its own Jinja environment, which would compile every template it renders
    again: about a tenth of the run. Jinja checks each template's source before using
    its cached code, so an edited template is compiled afresh.
    """
    return FileSystemBytecodeCache(str(tmp_path_factory.mktemp("templates")))


@pytest.fixture
def app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Flask]:
    """An application bound to an empty database with the current schema."""
    global _postgres_schema_ready
    if POSTGRES_URL is None:
        database = tmp_path / "test.sqlite3"
        shutil.copyfile(request.getfixturevalue("_empty_sqlite_database"), database)
        url = f"sqlite:///{database}"
    else:
        url = POSTGRES_URL
    app = create_app(settings_for(url))
    app.jinja_env.bytecode_cache = request.getfixturevalue("_compiled_templates")
    if POSTGRES_URL is not None and not _postgres_schema_ready:
        with app.app_context():
            db.drop_all()
            db.create_all()
        _postgres_schema_ready = True
    yield app
    with app.app_context():
        db.session.remove()
        if POSTGRES_URL is not None:
            with db.engine.begin() as connection:
                for table in reversed(db.metadata.sorted_tables):
                    connection.execute(table.delete())
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client for ``app``."""
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    """A CLI runner for ``app``'s commands."""
    return app.test_cli_runner()


@pytest.fixture
def app_context(app: Flask) -> Iterator[Flask]:
    """Run the test inside an application context (for calling services directly)."""
    with app.app_context():
        yield app


class QueryCounter:
    """Counts the SQL statements an engine runs while active."""

    def __init__(self) -> None:
        self.statements: list[str] = []

    def __call__(self, _conn: object, _cursor: object, statement: str, *_args: object) -> None:
        self.statements.append(statement)

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(app: Flask):
    """A context manager factory: ``with count_queries() as counter: ...``."""

    @contextmanager
    def counting() -> Iterator[QueryCounter]:
        counter = QueryCounter()
        with app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", counter)
        try:
            yield counter
        finally:
            event.remove(engine, "before_cursor_execute", counter)

    return counting
