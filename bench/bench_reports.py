"""Benchmark: the report pages on large quizzes.

Builds a class whose quiz has ATTEMPTS submitted attempts x 20 questions (two per
student; answers from a simple ability model so the statistics are realistic; review
cards as grading leaves them), then requests each report page five times through the
Flask test client, each page in a fresh process as one worker would serve it:

- item analysis (``?attempts=all`` and ``?attempts=first``), the gradebook and the class
  mastery heatmap (their first page of students), as the teacher; the quiz's very first
  analysis, which stores every attempt's row of marks, is timed once on its own ("cold");
- the progress page and the dashboard, as one student of the class.

Run on demand:

    .venv/bin/python bench/bench_reports.py                  # 2,500, 10,000 and 50,000 attempts
    .venv/bin/python bench/bench_reports.py 1000 5000        # other sizes
    QUIZAPP_BENCH_DATABASE_URL=postgresql+psycopg://... .venv/bin/python bench/bench_reports.py

The data are written with the driver's bulk paths (one executemany on SQLite, COPY on
PostgreSQL), so a million responses take seconds, not the services' minutes. Prints,
per size and page, the best and median time of five requests and the worker's peak
memory: its resident-set high-water mark over the five requests (Linux's VmHWM, restarted
just before them), and how far that rose above its resident set at that moment.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from werkzeug.security import generate_password_hash  # noqa: E402

from quizapp import create_app  # noqa: E402
from quizapp.extensions import db  # noqa: E402
from quizapp.models import (  # noqa: E402
    Article,
    Question,
    QuestionVersion,
    QuizKind,
    Role,
)
from quizapp.services.bank import load_bank  # noqa: E402
from quizapp.services.classes import create_class  # noqa: E402
from quizapp.services.quizzes import QuizSettings, RuleSpec, create_quiz  # noqa: E402
from quizapp.services.users import create_user  # noqa: E402

QUESTIONS_PER_ATTEMPT = 20
ATTEMPTS_PER_STUDENT = 2
REPEATS = 5
NOW = dt.datetime(2026, 11, 28, 12, 0, tzinfo=dt.UTC)
PASSWORD = "bench-password"
TEACHER_EMAIL = "bench@example.org"
STUDENT_EMAIL = "s0@example.org"  # the student whose own pages are timed
DEFAULT_SIZES = [2500, 10000, 50000]


def bulk_insert(table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Insert plain rows through the driver's fastest path (COPY on PostgreSQL).

    Datetimes are naive UTC (as the app stores them) and JSON values are given as text.
    """
    connection = db.session.connection()
    names = ", ".join(columns)
    if connection.dialect.name == "postgresql":
        raw = connection.connection.driver_connection
        with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join("?" for _ in columns)
    sqlite_rows = [
        tuple(
            value.strftime("%Y-%m-%d %H:%M:%S.%f") if isinstance(value, dt.datetime) else value
            for value in row
        )
        for row in rows
    ]
    connection.exec_driver_sql(f"INSERT INTO {table} ({names}) VALUES ({marks})", sqlite_rows)


def build(app, attempts: int, rng: random.Random) -> dict[str, int]:
    """Create the data; return the ids the pages need."""
    naive_now = NOW.replace(tzinfo=None)
    with app.app_context():
        db.drop_all()
        db.create_all()
        load_bank(REPO / "questions", now=NOW)
        teacher = create_user(TEACHER_EMAIL, PASSWORD, role=Role.TEACHER, name="Bench", now=NOW)
        school_class = create_class(teacher, "Benchmark class", now=NOW)
        article_id = db.session.execute(db.select(Article.id)).scalar_one()
        quiz = create_quiz(
            owner_id=teacher.id,
            article_id=article_id,
            title="Benchmark quiz",
            kind=QuizKind.ASSESSMENT,
            rules=[RuleSpec(question_count=QUESTIONS_PER_ATTEMPT)],
            settings=QuizSettings(),
            now=NOW,
            class_id=school_class.id,
            publish=True,
        )
        ids = {"class": school_class.id, "quiz": quiz.id}
        versions = db.session.execute(
            db.select(
                QuestionVersion.id,
                QuestionVersion.question_id,
                QuestionVersion.type,
                QuestionVersion.fields,
                QuestionVersion.points,
            ).join(Question, Question.id == QuestionVersion.question_id)
        ).all()
        # A cheap hash (for every account): logging in must not spike the worker's memory
        # as the default scrypt does, or its high-water mark would hide the reports'.
        password_hash = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
        teacher.password_hash = password_hash
        first_user = teacher.id + 1
        students = attempts // ATTEMPTS_PER_STUDENT
        student_ids = range(first_user, first_user + students)
        bulk_insert(
            "users",
            ["id", "email", "name", "password_hash", "role", "created_at"],
            (
                (s, f"s{i}@example.org", f"Student {i:05d}", password_hash, "student", naive_now)
                for i, s in enumerate(student_ids)
            ),
        )
        bulk_insert(
            "enrolments",
            ["class_id", "student_id", "joined_at"],
            ((school_class.id, s, naive_now) for s in student_ids),
        )
        attempt_rows, aq_rows, response_rows, card_rows = [], [], [], []
        attempt_id = aq_id = 0
        for s in student_ids:
            ability = rng.random()
            latest: dict[int, float] = {}
            for number in range(1, ATTEMPTS_PER_STUDENT + 1):
                attempt_id += 1
                started = naive_now + dt.timedelta(minutes=number)
                submitted = started + dt.timedelta(minutes=10)
                score = possible = 0.0
                for position, (version_id, question_id, kind, fields, points) in enumerate(
                    rng.sample(versions, QUESTIONS_PER_ATTEMPT), 1
                ):
                    aq_id += 1
                    aq_rows.append((aq_id, attempt_id, position, version_id))
                    right = rng.random() < 0.25 + 0.7 * ability
                    answer = _answer(kind, fields, right, rng)
                    fraction = 1.0 if right else 0.0
                    score += fraction * points
                    possible += points
                    latest[question_id] = fraction
                    response_rows.append((aq_id, answer, submitted, fraction, submitted))
                attempt_rows.append(
                    (
                        attempt_id,
                        quiz.id,
                        s,
                        number,
                        rng.getrandbits(60),
                        "submitted",
                        started,
                        submitted,
                        False,
                        score,
                        possible,
                    )
                )
            for question_id, fraction in latest.items():
                due = naive_now + dt.timedelta(days=rng.randint(-3, 10))
                card_rows.append((s, question_id, 2, None, 3.0, 5.0, due, naive_now, fraction, 1))
        bulk_insert(
            "attempts",
            [
                "id",
                "quiz_id",
                "student_id",
                "number",
                "seed",
                "state",
                "started_at",
                "submitted_at",
                "submitted_automatically",
                "score",
                "max_score",
            ],
            attempt_rows,
        )
        bulk_insert(
            "attempt_questions",
            ["id", "attempt_id", "position", "question_version_id"],
            aq_rows,
        )
        bulk_insert(
            "responses",
            ["attempt_question_id", "answer", "saved_at", "fraction", "graded_at"],
            response_rows,
        )
        bulk_insert(
            "review_cards",
            [
                "student_id",
                "question_id",
                "state",
                "step",
                "stability",
                "difficulty",
                "due_at",
                "last_review_at",
                "last_fraction",
                "review_count",
            ],
            card_rows,
        )
        if db.session.connection().dialect.name == "postgresql":
            for table in ("users", "attempts", "attempt_questions"):
                db.session.execute(
                    db.text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT max(id) FROM {table}))"
                    )
                )
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            # What autovacuum does soon after a bulk load: statistics and the visibility map.
            with db.engine.connect() as connection:
                connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(
                    "VACUUM ANALYZE"
                )
        return ids


def _answer(kind: str, fields: dict[str, Any], right: bool, rng: random.Random) -> str | None:
    """A stored answer (JSON text) of a choice question, right or wrong; None otherwise."""
    if kind == "single":
        key = next(i for i, c in enumerate(fields["choices"]) if c["correct"])
        others = [i for i in range(len(fields["choices"])) if i != key]
        return json.dumps(key if right else rng.choice(others))
    if kind == "multiple":
        return json.dumps(
            [
                i
                for i, c in enumerate(fields["choices"])
                if c["correct"] == right or rng.random() < 0.2
            ]
        )
    return None


def login(client, email: str) -> None:
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post(
        "/login", data={"csrf_token": token, "email": email, "password": PASSWORD}
    )
    assert response.status_code == 302, response.status_code


def _memory_mb(field: str) -> float:
    """``VmHWM`` (the resident-set high-water mark) or ``VmRSS`` of this process, in MB."""
    match = re.search(rf"^{field}:\s+(\d+) kB", Path("/proc/self/status").read_text(), re.M)
    if match is None:
        raise RuntimeError(f"no {field} in /proc/self/status")
    return int(match.group(1)) / 1024


def restart_peak_memory() -> None:
    """Start this process's high-water mark again from its resident set (Linux 4.0+)."""
    Path("/proc/self/clear_refs").write_text("5")


def serve(database_url: str, email: str, url: str, repeats: int) -> dict[str, float]:
    """Time ``url`` ``repeats`` times as one fresh worker would; runs in its own process."""
    app = create_app(
        {"TESTING": False, "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": database_url}
    )
    client = app.test_client()
    login(client, email)
    # Warm the worker (templates compiled, connection open) on a page that is not a report.
    assert client.get("/").status_code in (200, 302)
    # The imports and the app's start peak higher than a small page: measure from here.
    before = _memory_mb("VmRSS")
    restart_peak_memory()
    timings = []
    for _ in range(repeats):
        start = time.perf_counter()
        response = client.get(url)
        timings.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
    peak = _memory_mb("VmHWM")
    return {
        "best": min(timings),
        "median": statistics.median(timings),
        "peak_rss_mb": peak,
        "rise_mb": peak - before,
    }


def measure(database_url: str, email: str, url: str, repeats: int) -> dict[str, float]:
    output = subprocess.run(
        [sys.executable, __file__, "--serve", database_url, email, url, str(repeats)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output.splitlines()[-1])


def pages(ids: dict[str, int]) -> list[tuple[str, str, str, int]]:
    """(label, who, url, requests) of every timed page, in the order they are timed."""
    quiz, school_class = ids["quiz"], ids["class"]
    analysis = f"/teacher/quizzes/{quiz}/analysis"
    return [
        # The quiz's first analysis stores each attempt's marks (bulk-loaded attempts have
        # none yet; submitted ones get theirs at their first analysis): timed once, apart.
        ("item analysis (cold)", TEACHER_EMAIL, f"{analysis}?attempts=all", 1),
        ("item analysis (all)", TEACHER_EMAIL, f"{analysis}?attempts=all", REPEATS),
        ("item analysis (first)", TEACHER_EMAIL, analysis, REPEATS),
        ("gradebook", TEACHER_EMAIL, f"/teacher/classes/{school_class}/gradebook", REPEATS),
        ("class mastery", TEACHER_EMAIL, f"/teacher/classes/{school_class}/mastery", REPEATS),
        ("student progress", STUDENT_EMAIL, "/student/progress", REPEATS),
        ("student dashboard", STUDENT_EMAIL, "/student/", REPEATS),
    ]


def main(sizes: list[int]) -> None:
    configured = os.environ.get("QUIZAPP_BENCH_DATABASE_URL")
    print(f"database: {configured.split('@')[-1] if configured else 'SQLite (temporary file)'}")
    print(
        f"{'attempts':>9} {'responses':>10}  {'page':<22} {'best':>8} {'median':>8}"
        f" {'peak RSS':>9} {'rise':>8}"
    )
    for attempts in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            url = configured or f"sqlite:///{tmp}/bench.sqlite3"
            app = create_app(
                {"TESTING": False, "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url}
            )
            started = time.perf_counter()
            ids = build(app, attempts, random.Random(attempts))
            built = time.perf_counter() - started
            with app.app_context():
                db.engine.dispose()
            print(f"{attempts:>9} {attempts * QUESTIONS_PER_ATTEMPT:>10}  (built in {built:.1f} s)")
            for label, email, page, repeats in pages(ids):
                figures = measure(url, email, page, repeats)
                print(
                    f"{attempts:>9} {attempts * QUESTIONS_PER_ATTEMPT:>10}  {label:<22}"
                    f" {figures['best']:>6.3f} s {figures['median']:>6.3f} s"
                    f" {figures['peak_rss_mb']:>6.0f} MB {figures['rise_mb']:>5.0f} MB",
                    flush=True,
                )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--serve"]:
        database_url, email, url, repeats = sys.argv[2:6]
        print(json.dumps(serve(database_url, email, url, int(repeats))))
    else:
        parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
        parser.add_argument(
            "attempts", nargs="*", type=int, help="attempts per size (20 responses each)"
        )
        main(parser.parse_args().attempts or DEFAULT_SIZES)
