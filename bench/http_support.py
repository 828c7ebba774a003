"""What the HTTP benchmarks share: the data, the servers, the students' sessions, wrk.

The app is served as ``make run`` serves it (gunicorn, sync workers, access log on), on a
database migrated by Alembic, with the shipped bank loaded twice over (each question
copied under a second id) so that a quiz can draw 100 questions. Servers are pinned to
one core and the load generator (this process, or wrk) to the other, so the two do not
compete for the same CPU.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import yaml

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(REPO))

from flask import Flask  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import insert  # noqa: E402
from werkzeug.security import generate_password_hash  # noqa: E402

from quizapp import create_app  # noqa: E402
from quizapp.extensions import db  # noqa: E402
from quizapp.models import Article, Attempt, Enrolment, QuizKind, Role, User  # noqa: E402
from quizapp.services.attempts import attempt_query, drawn_questions  # noqa: E402
from quizapp.services.bank import load_bank  # noqa: E402
from quizapp.services.classes import create_class  # noqa: E402
from quizapp.services.quizzes import QuizSettings, RuleSpec, create_quiz  # noqa: E402
from quizapp.services.users import create_user  # noqa: E402
from tests.factories import answer_form, correct_answer  # noqa: E402

GUNICORN = Path(sys.executable).parent / "gunicorn"
NOW = dt.datetime.now(dt.UTC)
PASSWORD = "bench-password"
SERVER_CPUS = "0"
LOAD_CPUS = {1}
SECRET_KEY = "bench-secret-key-not-for-production"


def pin_load_generator() -> None:
    """Keep this process (the load generator) off the servers' core."""
    if hasattr(os, "sched_setaffinity") and os.cpu_count() and os.cpu_count() > 1:
        os.sched_setaffinity(0, LOAD_CPUS)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# ------------------------------------------------------------------------------- the data


def doubled_bank(target: Path) -> Path:
    """The shipped bank with every question also under a second id (132 questions)."""
    shutil.copytree(REPO / "questions", target)
    for path in target.glob("*/*.yaml"):
        questions = yaml.safe_load(path.read_text(encoding="utf-8"))
        copies = [{**q, "id": f"{q['id']}-copy"} for q in questions]
        path.write_text(yaml.safe_dump(questions + copies, allow_unicode=True), encoding="utf-8")
    return target


@dataclass
class Data:
    """What was made: the database, the students and the quizzes by name."""

    database_url: str
    students: list[str] = field(default_factory=list)
    quizzes: dict[str, int] = field(default_factory=dict)


def app_for(database_url: str) -> Flask:
    return create_app({"DATABASE_URL": database_url, "SECRET_KEY": SECRET_KEY})


def prepare(database_url: str, students: int, quizzes: dict[str, int], workdir: Path) -> Data:
    """Migrate an empty database, load the doubled bank, and make one class of ``students``
    with one published quiz per entry of ``quizzes`` (name -> questions drawn)."""
    app = app_for(database_url)
    data = Data(database_url)
    with app.app_context():
        upgrade(directory=str(REPO / "migrations"))
        load_bank(doubled_bank(workdir / "bank"), now=NOW)
        teacher = create_user(
            "teacher@bench.example", PASSWORD, role=Role.TEACHER, name="Teacher", now=NOW
        )
        school_class = create_class(teacher, "Bench class", now=NOW)
        # One cheap hash for every student: logging in 1,000 of them is set-up, not load.
        cheap = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
        emails = [f"student{n}@bench.example" for n in range(students)]
        db.session.execute(
            insert(User),
            [
                {"email": e, "name": f"Student {n}", "password_hash": cheap, "role": Role.STUDENT}
                for n, e in enumerate(emails)
            ],
        )
        ids = db.session.execute(db.select(User.id).where(User.role == Role.STUDENT)).scalars()
        db.session.execute(
            insert(Enrolment), [{"class_id": school_class.id, "student_id": i} for i in ids]
        )
        article_id = db.session.execute(db.select(Article.id)).scalar_one()
        for name, count in quizzes.items():
            quiz = create_quiz(
                owner_id=teacher.id,
                article_id=article_id,
                title=name,
                kind=QuizKind.ASSESSMENT,
                rules=[RuleSpec(question_count=count)],
                settings=QuizSettings(),
                now=NOW,
                class_id=school_class.id,
                publish=True,
            )
            data.quizzes[name] = quiz.id
        db.session.commit()
        data.students = emails
    return data


def answer_forms(database_url: str, attempt_id: int) -> list[dict[str, list[str]]]:
    """A right answer's form for each question of an attempt, as its page would send it."""
    app = app_for(database_url)
    with app.app_context():
        query = attempt_query().where(Attempt.id == attempt_id)
        attempt = db.session.execute(query).scalar_one()
        return [
            answer_form(item, correct_answer(item.question)) for item in drawn_questions(attempt)
        ]


# ----------------------------------------------------------------------------- the servers


class Server:
    """A gunicorn serving ``app_path`` on its own port, pinned to the servers' core."""

    def __init__(self, app_path: str, env: dict[str, str], cwd: Path, workers: int = 2) -> None:
        self.port = free_port()
        command = [str(GUNICORN), "--bind", f"127.0.0.1:{self.port}", "--workers", str(workers)]
        command += ["--access-logfile", "-", "--backlog", "2048", app_path]
        if shutil.which("taskset"):
            command = ["taskset", "-c", SERVER_CPUS, *command]
        # The server's stderr, read back if it fails to start; closed by ``stop``.
        self.log = tempfile.TemporaryFile()  # noqa: SIM115
        self.process = subprocess.Popen(
            command,
            cwd=cwd,
            env={**os.environ, **env},
            stdout=subprocess.DEVNULL,
            stderr=self.log,
            start_new_session=True,
        )
        self._wait_until_serving()

    def _wait_until_serving(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.log.seek(0)
                raise RuntimeError(f"server exited: {self.log.read().decode()[-2000:]}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("server did not start in 60 s")

    def stop(self) -> None:
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=30)
        self.log.close()


def quizapp_server(data: Data) -> Server:
    env = {"QUIZAPP_DATABASE_URL": data.database_url, "QUIZAPP_SECRET_KEY": SECRET_KEY}
    return Server("wsgi:app", env, REPO)


def ceiling_server(database_url: str) -> Server:
    return Server("ceiling_app:app", {"CEILING_DATABASE_URL": database_url}, BENCH)


@contextmanager
def serving(server: Server) -> Iterator[Server]:
    try:
        yield server
    finally:
        server.stop()


# ------------------------------------------------------------------------------ a student


@dataclass(frozen=True)
class Reply:
    status: int
    location: str | None
    body: str


class Student:
    """One browser: a cookie jar, the session's CSRF token, plain HTTP/1.1 requests."""

    def __init__(self, port: int, email: str) -> None:
        self.port = port
        self.email = email
        self.cookies: dict[str, str] = {}
        self.token = ""

    def request(
        self, method: str, path: str, form: dict | None = None, headers: dict | None = None
    ) -> Reply:
        sent = dict(headers or {})
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form, doseq=True)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            text = response.read().decode("utf-8")
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            return Reply(response.status, response.getheader("Location"), text)
        finally:
            connection.close()

    def log_in(self) -> None:
        self.token = csrf_token(self.request("GET", "/login").body)
        form = {"email": self.email, "password": PASSWORD, "csrf_token": self.token}
        reply = self.request("POST", "/login", form)
        if reply.status != 302:
            raise RuntimeError(f"{self.email} could not log in: {reply.status}")
        self.token = csrf_token(self.request("GET", "/student/").body)

    def start(self, quiz_id: int) -> Reply:
        return self.request("POST", f"/student/quizzes/{quiz_id}/start", {"csrf_token": self.token})

    def autosave(self, attempt_id: int, position: int, form: dict) -> Reply:
        path = f"/student/attempts/{attempt_id}/questions/{position}/autosave"
        return self.request("POST", path, form, {"X-CSRFToken": self.token})

    def submit(self, attempt_id: int) -> Reply:
        return self.request(
            "POST", f"/student/attempts/{attempt_id}/submit", {"csrf_token": self.token}
        )

    @property
    def cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())


def csrf_token(html: str) -> str:
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'name="csrf-token" content="([^"]+)"', html
    )
    if not found:
        raise RuntimeError("no CSRF token on the page")
    return found.group(1)


def attempt_id_of(reply: Reply) -> int:
    found = re.search(r"/attempts/(\d+)/questions/1$", reply.location or "")
    if reply.status != 302 or not found:
        raise RuntimeError(f"start failed: {reply.status} {reply.location} {reply.body[:300]}")
    return int(found.group(1))


# ------------------------------------------------------------------------------------- wrk


@dataclass(frozen=True)
class WrkResult:
    requests_per_s: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    failures: int


def lua_string(value: str) -> str:
    return "[==[" + value + "]==]"


def run_wrk(
    port: int,
    connections: int,
    duration_s: int,
    plans: Sequence[Sequence[tuple[str, str, dict[str, str], str]]],
) -> WrkResult:
    """wrk with one thread and connection per plan entry used; each connection repeats its
    plan (method, path, headers, body) in a loop. Plans are reused when there are fewer
    plans than connections."""
    entries = []
    for plan in plans:
        steps = []
        for method, path, headers, body in plan:
            header_lua = ", ".join(
                f"[ {lua_string(k)} ] = {lua_string(v)}" for k, v in headers.items()
            )
            fields = [lua_string(method), lua_string(path), f"{{{header_lua}}}", lua_string(body)]
            steps.append("{" + ", ".join(fields) + "}")
        entries.append("{" + ", ".join(steps) + "}")
    script = (
        "local plans = {"
        + ",\n".join(entries)
        + "}\n"
        + """
local count = 0
function setup(thread)
  count = count + 1
  thread:set("me", count)
end
function init(args)
  plan = plans[((me - 1) % #plans) + 1]
  step = 0
end
function request()
  step = (step % #plan) + 1
  local s = plan[step]
  local body = nil
  if s[4] ~= "" then body = s[4] end
  return wrk.format(s[1], s[2], s[3], body)
end
function done(summary, latency, requests)
  local failures = summary.errors.status + summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout
  io.write(string.format('RESULT {"requests": %d, "duration_us": %d, "failures": %d, '
    .. '"p50": %d, "p95": %d, "p99": %d}\\n', summary.requests, summary.duration, failures,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""
    )
    if not shutil.which("wrk"):
        raise SystemExit("The HTTP benchmarks need wrk (Debian: apt-get install wrk).")
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    command = ["wrk", "-t", str(connections), "-c", str(connections), "-d", f"{duration_s}s"]
    command += ["--timeout", "10s", "-s", handle.name, f"http://127.0.0.1:{port}"]
    if shutil.which("taskset"):
        command = ["taskset", "-c", ",".join(map(str, sorted(LOAD_CPUS))), *command]
    try:
        finished = subprocess.run(
            command, capture_output=True, text=True, check=False
        )  # its output says what failed
    finally:
        os.unlink(handle.name)
    results = [line for line in finished.stdout.splitlines() if line.startswith("RESULT ")]
    if not results:
        raise RuntimeError(
            f"wrk gave no figures: {finished.stdout[-1000:]} {finished.stderr[-1000:]}"
        )
    line = results[0]
    figures = json.loads(line[len("RESULT ") :])
    return WrkResult(
        requests_per_s=figures["requests"] / (figures["duration_us"] / 1e6),
        p50_ms=figures["p50"] / 1000,
        p95_ms=figures["p95"] / 1000,
        p99_ms=figures["p99"] / 1000,
        failures=figures["failures"],
    )
