"""The app served for real: gunicorn worker processes on a database migrated by Alembic.

The test client runs one request at a time, so it cannot show what requests racing each
other, a killed worker or a failing database do. ``serve`` starts ``gunicorn`` (the one
beside this interpreter) with sync workers on a free loopback port, on a database migrated
with ``flask db upgrade``; ``Browser`` is one person's browser (a cookie jar, the pages'
CSRF tokens); ``race`` fires requests from a thread pool released together by a barrier.

The test data is made in-process through the services (``tests.factories``) on the same
database, with the ``Server``'s app, and the outcome is read back the same way.
"""

from __future__ import annotations

import http.client
import itertools
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

from flask import Flask

from quizapp import create_app
from quizapp.extensions import db
from tests.conftest import REPO_ROOT, settings_for
from tests.factories import PASSWORD, csrf_token

STARTUP_TIMEOUT_S = 60
REQUEST_TIMEOUT_S = 30
GUNICORN = Path(sys.executable).parent / "gunicorn"
# What gunicorn logs when a worker process starts: "Booting worker with pid: 1234".
_BOOTED = re.compile(r"Booting worker with pid: (\d+)")


@dataclass(frozen=True)
class Reply:
    """What the server answered: status, the Location header, the body as text."""

    status: int
    location: str | None
    body: str


class Browser:
    """One person's browser: a cookie jar and plain HTTP/1.1 requests, no redirects followed.

    Requests may run in several threads at once, as a double click does; they all send the
    cookies as they are, and the cookies set by the answers are kept as they arrive.
    """

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}
        self._lock = threading.Lock()
        self.token = ""

    def request(
        self,
        method: str,
        path: str,
        form: dict[str, list[str] | str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        with self._lock:
            cookie = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        sent = dict(headers or {})
        if cookie:
            sent["Cookie"] = cookie
        body = None
        if form is not None:
            body = urlencode(form, doseq=True)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=REQUEST_TIMEOUT_S)
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            data = response.read().decode("utf-8")
            self._keep_cookies(response.headers.get_all("Set-Cookie") or [])
            return Reply(response.status, response.getheader("Location"), data)
        finally:
            connection.close()

    def _keep_cookies(self, set_cookie: Sequence[str]) -> None:
        with self._lock:
            for header in set_cookie:
                for name, morsel in SimpleCookie(header).items():
                    if morsel.value and "1970" not in morsel["expires"]:
                        self.cookies[name] = morsel.value
                    else:
                        self.cookies.pop(name, None)

    def get(self, path: str) -> Reply:
        return self.request("GET", path)

    def post(self, path: str, form: dict[str, list[str] | str] | None = None) -> Reply:
        """A form post with this browser's CSRF token."""
        return self.request("POST", path, {**(form or {}), "csrf_token": self.token})

    def autosave(self, path: str, form: dict[str, list[str]]) -> Reply:
        """The autosave script's request: the CSRF token in a header, JSON asked for."""
        return self.request(
            "POST", path, form, headers={"X-CSRFToken": self.token, "Accept": "application/json"}
        )

    def fetch_token(self, path: str) -> str:
        """Take the CSRF token from the page at ``path`` (it belongs to this session)."""
        page = self.get(path)
        assert page.status == 200, (path, page.status, page.body[:500])
        self.token = csrf_token(page.body)
        return self.token


@dataclass
class Server:
    """The app under gunicorn, and an in-process app on the same database.

    ``log`` is gunicorn's log (its workers' errors included); ``process`` its master.
    """

    port: int
    app: Flask
    log: Path | None = None
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    def browser(self) -> Browser:
        return Browser(self.port)

    def logged_in(self, email: str, password: str = PASSWORD) -> Browser:
        """A new browser logged in as ``email`` through the log-in form."""
        browser = self.browser()
        browser.fetch_token("/login")
        reply = browser.post("/login", {"email": email, "password": password})
        assert reply.status == 302, (reply.status, reply.body[:500])
        # Logging in starts a new session, so the next form needs a token of that session.
        browser.fetch_token("/student/")
        return browser

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log else ""

    def worker_pids(self) -> list[int]:
        """The worker processes alive now (booted, per the log, and not gone since)."""
        pids = [int(pid) for pid in _BOOTED.findall(self.log_text())]
        return [pid for pid in pids if _is_child_of(pid, self.process)]


def _is_child_of(pid: int, process: subprocess.Popen[bytes] | None) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    # The fields after the command name, which is in parentheses: state, ppid, ...
    state, ppid = stat.rsplit(")", 1)[1].split()[:2]
    return state != "Z" and process is not None and int(ppid) == process.pid


def race(calls: Sequence[Callable[[], Reply]]) -> list[Reply]:
    """Run ``calls`` in parallel threads released together; their replies, in order."""
    barrier = threading.Barrier(len(calls))

    def run(call: Callable[[], Reply]) -> Reply:
        barrier.wait(timeout=REQUEST_TIMEOUT_S)
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


def free_port() -> int:
    """A loopback port nothing listens on at the moment."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


_emails = itertools.count(1)


def unique_email(stem: str) -> str:
    """An address no other test of the run has used (they share one database)."""
    return f"{stem}-{next(_emails)}@example.com"


def migrated_app(database_url: str) -> Flask:
    """An in-process app on ``database_url``, migrated with ``flask db upgrade``."""
    app = create_app(settings_for(database_url))
    upgrade = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert upgrade.exit_code == 0, upgrade.output
    return app


@contextmanager
def serve(
    database_url: str,
    log: Path,
    *,
    workers: int,
    app_module: str = "wsgi:app",
    env: Mapping[str, str] | None = None,
) -> Iterator[Server]:
    """Migrate the database and serve ``app_module`` with ``workers`` gunicorn workers.

    ``env`` adds environment variables for the server. On leaving, the server is stopped
    and its log must hold no traceback (gunicorn logs a 500 with one).
    """
    app = migrated_app(database_url)
    try:
        with gunicorn(app, log, workers=workers, app_module=app_module, env=env) as started:
            port, process = started
            wait_for_workers(port, process, log, workers)
            yield Server(port, app, log, process)
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@contextmanager
def gunicorn(
    app: Flask,
    log: Path,
    *,
    workers: int,
    app_module: str = "wsgi:app",
    env: Mapping[str, str] | None = None,
) -> Iterator[tuple[int, subprocess.Popen[bytes]]]:
    """Start gunicorn on ``app``'s database and secret key, without waiting for it (see
    ``wait_for_workers``), so that several can start together; yields its port and master.

    On leaving it is stopped, and its log must hold no traceback.
    """
    port = free_port()
    server_env = {
        **os.environ,
        "QUIZAPP_DATABASE_URL": str(app.config["SQLALCHEMY_DATABASE_URI"]),
        # The test's own app derives the pages' answer tokens with the same key.
        "QUIZAPP_SECRET_KEY": str(app.config["SECRET_KEY"]),
        **(env or {}),
    }
    command = [str(GUNICORN), "--bind", f"127.0.0.1:{port}", "--workers", str(workers)]
    with log.open("wb") as output:
        process = subprocess.Popen(
            [*command, app_module],
            cwd=REPO_ROOT,
            env=server_env,
            stdout=output,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    try:
        yield port, process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    assert "Traceback" not in log.read_text(), log.read_text()


def wait_for_workers(port: int, process: subprocess.Popen[bytes], log: Path, workers: int) -> None:
    """Until every worker has booted and the log-in page is served."""
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"gunicorn exited early:\n{log.read_text()}")
        booted = log.read_text().count("Booting worker")
        if booted >= workers:
            try:
                if Browser(port).get("/login").status == 200:
                    return
            except OSError:
                pass
        time.sleep(0.2)
    raise AssertionError(f"gunicorn did not start in {STARTUP_TIMEOUT_S} s:\n{log.read_text()}")


def wait_for_respawn(server: Server, workers: int, gone: int) -> None:
    """Until gunicorn has replaced worker ``gone`` and ``workers`` are alive again."""
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        alive = server.worker_pids()
        if gone not in alive and len(alive) >= workers:
            return
        time.sleep(0.1)
    raise AssertionError(f"no worker replaced {gone}:\n{server.log_text()}")
