"""Several app servers on one database and one Redis, as docs/deploy.md describes.

Each app server is its own gunicorn (the one beside this interpreter, started from the
repository root so it reads gunicorn.conf.py) on a free loopback port. The database is
a new SQLite file, or, when QUIZAPP_TEST_POSTGRES_URL is set, a new schema in that
PostgreSQL database (``tests.helpers.empty_database``), migrated by ``flask db upgrade``.

Redis is Debian's ``redis-server``, started here on a free loopback port with a temporary
directory and no persistence, and stopped afterwards. Without it the tests that need it
skip, unless QUIZAPP_TEST_REQUIRE_REDIS=1 (set by CI) makes that a failure.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis
from flask import Flask

from quizapp import create_app
from quizapp.extensions import db
from tests.conftest import settings_for
from tests.helpers import empty_database
from tests.serving import Browser, free_port, gunicorn, wait_for_workers

REDIS_STARTUP_TIMEOUT_S = 10
# Debian installs redis-server in /usr/bin; /usr/sbin too, for other layouts.
REDIS_SERVER = shutil.which("redis-server", path=f"{os.environ.get('PATH', '')}:/usr/sbin")


@dataclass(frozen=True)
class Gunicorn:
    """One app server: its port and its log (gunicorn's own lines and the app's)."""

    port: int
    log: Path

    def browser(self) -> Browser:
        return Browser(self.port)

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


@dataclass(frozen=True)
class RedisServer:
    """A redis-server of the test's own: its URL for QUIZAPP_RATELIMIT_STORAGE_URI."""

    url: str
    process: subprocess.Popen[bytes]

    def stop(self) -> None:
        """Stop the server (if it still runs)."""
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)


@contextmanager
def running_redis(directory: Path) -> Iterator[RedisServer]:
    """A redis-server on a free loopback port, keeping nothing on disk.

    The URL carries short socket timeouts, as docs/deploy.md advises, so a Redis that
    stops answering makes a request fall back soon instead of hanging.
    """
    if REDIS_SERVER is None:
        message = "redis-server not found (apt-get install redis-server)"
        if os.environ.get("QUIZAPP_TEST_REQUIRE_REDIS") == "1":
            pytest.fail(message)
        pytest.skip(message)
    port = free_port()
    log = directory / "redis.log"
    command = [REDIS_SERVER, "--bind", "127.0.0.1", "--port", str(port), "--dir", str(directory)]
    # No snapshots, no append-only file: nothing is written but the log.
    command += ["--save", "", "--appendonly", "no", "--logfile", str(log)]
    process = subprocess.Popen(
        command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, start_new_session=True
    )
    server = RedisServer(
        f"redis://127.0.0.1:{port}/0?socket_timeout=2&socket_connect_timeout=2", process
    )
    try:
        _wait_for_redis(port, process, log)
        yield server
    finally:
        server.stop()


def _wait_for_redis(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    client = redis.Redis(host="127.0.0.1", port=port, socket_connect_timeout=1)
    deadline = time.monotonic() + REDIS_STARTUP_TIMEOUT_S
    try:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise AssertionError(f"redis-server exited early:\n{log.read_text()}")
            try:
                if client.ping():
                    return
            except redis.ConnectionError:
                time.sleep(0.05)
    finally:
        client.close()
    raise AssertionError(f"redis-server did not answer in {REDIS_STARTUP_TIMEOUT_S} s")


@contextmanager
def migrated_database(directory: Path) -> Iterator[Flask]:
    """An in-process app on a new database migrated with ``flask db upgrade``."""
    with empty_database(directory / "servers.sqlite3", "servers") as url:
        app = create_app(settings_for(url))
        upgrade = app.test_cli_runner().invoke(args=["db", "upgrade"])
        assert upgrade.exit_code == 0, upgrade.output
        try:
            yield app
        finally:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()


@contextmanager
def serving(
    app: Flask, logs: Path, *, names: tuple[str, ...], workers: int, env: Mapping[str, str]
) -> Iterator[list[Gunicorn]]:
    """One gunicorn per name, each with ``workers`` workers, on ``app``'s database and key.

    They start together and are stopped afterwards; a traceback in any log fails the test.
    """
    with ExitStack() as stack:
        started = []
        for name in names:
            log = logs / f"{name}.log"
            port, process = stack.enter_context(gunicorn(app, log, workers=workers, env=env))
            started.append((Gunicorn(port, log), process))
        for server, process in started:
            wait_for_workers(server.port, process, server.log, workers)
        yield [server for server, _ in started]
