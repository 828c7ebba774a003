"""Real parallel requests: the app under gunicorn with several worker processes.

The harness lives in ``tests.serving`` (shared with the soak, fault and backup tests);
its names stay importable from here. The app is served with ``WORKERS`` sync workers on
a database migrated by Alembic: a new SQLite file, or, when QUIZAPP_TEST_POSTGRES_URL is
set, a new schema in that database (dropped afterwards).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.helpers import empty_database
from tests.serving import (
    GUNICORN,
    REQUEST_TIMEOUT_S,
    STARTUP_TIMEOUT_S,
    Browser,
    Reply,
    Server,
    free_port,
    race,
    serve,
    unique_email,
)

__all__ = [
    "GUNICORN",
    "REQUEST_TIMEOUT_S",
    "STARTUP_TIMEOUT_S",
    "WORKERS",
    "Browser",
    "Reply",
    "Server",
    "database_url",
    "free_port",
    "race",
    "server",
    "unique_email",
]

WORKERS = 4


@pytest.fixture(scope="module")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An empty database for the module: a SQLite file, or a new PostgreSQL schema."""
    with empty_database(tmp_path_factory.mktemp("races") / "races.sqlite3", "races") as url:
        yield url


@pytest.fixture(scope="module")
def server(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The database migrated with ``flask db upgrade``, served by gunicorn workers."""
    log = tmp_path_factory.mktemp("gunicorn") / "gunicorn.log"
    with serve(database_url, log, workers=WORKERS) as running:
        yield running
