"""Benchmark: the item-analysis page and the gradebook on large quizzes.

Builds a class whose quiz has ATTEMPTS attempts x 20 questions (bulk inserts, answers
from a simple ability model so the statistics are realistic), then times the two pages
through the Flask test client, as a teacher, several times each. Run on demand:

    .venv/bin/python bench/bench_reports.py            # 2,500 and 10,000 attempts
    .venv/bin/python bench/bench_reports.py 1000 5000  # other sizes
    QUIZAPP_BENCH_DATABASE_URL=postgresql+psycopg://... .venv/bin/python bench/bench_reports.py

Prints one line per size with the best and median server time of each page.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from quizapp import create_app  # noqa: E402
from quizapp.extensions import db  # noqa: E402
from quizapp.models import (  # noqa: E402
    Article,
    Attempt,
    AttemptQuestion,
    AttemptState,
    Enrolment,
    Question,
    QuestionVersion,
    QuizKind,
    Response,
    Role,
    User,
)
from quizapp.services.bank import load_bank  # noqa: E402
from quizapp.services.classes import create_class  # noqa: E402
from quizapp.services.quizzes import QuizSettings, RuleSpec, create_quiz  # noqa: E402
from quizapp.services.users import create_user  # noqa: E402

QUESTIONS_PER_ATTEMPT = 20
ATTEMPTS_PER_STUDENT = 2
REPEATS = 5
NOW = dt.datetime(2026, 11, 28, 12, 0, tzinfo=dt.UTC)


def build(app, attempts: int, rng: random.Random) -> tuple[int, int]:
    """Create the data; return (class id, quiz id)."""
    with app.app_context():
        db.drop_all()
        db.create_all()
        load_bank(REPO / "questions", now=NOW)
        teacher = create_user(
            "bench@example.org", "bench-password", role=Role.TEACHER, name="Bench", now=NOW
        )
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
        versions = db.session.execute(
            db.select(QuestionVersion.id, QuestionVersion.type, QuestionVersion.fields).join(
                Question, Question.id == QuestionVersion.question_id
            )
        ).all()
        students = attempts // ATTEMPTS_PER_STUDENT
        db.session.execute(
            insert(User),
            [
                {
                    "email": f"s{i}@example.org",
                    "name": f"Student {i:05d}",
                    "password_hash": "x",
                    "role": Role.STUDENT,
                    "created_at": NOW,
                }
                for i in range(students)
            ],
        )
        student_ids = (
            db.session.execute(db.select(User.id).where(User.role == Role.STUDENT)).scalars().all()
        )
        db.session.execute(
            insert(Enrolment),
            [{"class_id": school_class.id, "student_id": s, "joined_at": NOW} for s in student_ids],
        )
        ability = {s: rng.random() for s in student_ids}
        attempt_rows = []
        for s in student_ids:
            for number in range(1, ATTEMPTS_PER_STUDENT + 1):
                attempt_rows.append(
                    {
                        "quiz_id": quiz.id,
                        "student_id": s,
                        "number": number,
                        "seed": rng.getrandbits(60),
                        "state": AttemptState.SUBMITTED,
                        "started_at": NOW + dt.timedelta(minutes=number),
                        "submitted_at": NOW + dt.timedelta(minutes=number + 10),
                        "submitted_automatically": False,
                        "score": 0.0,
                        "max_score": float(QUESTIONS_PER_ATTEMPT),
                    }
                )
        db.session.execute(insert(Attempt), attempt_rows)
        attempt_list = db.session.execute(db.select(Attempt.id, Attempt.student_id)).all()
        aq_rows, plans = [], []
        for attempt_id, student_id in attempt_list:
            for position, (version_id, kind, fields) in enumerate(
                rng.sample(versions, QUESTIONS_PER_ATTEMPT), 1
            ):
                aq_rows.append(
                    {
                        "attempt_id": attempt_id,
                        "position": position,
                        "question_version_id": version_id,
                        "display_order": None,
                    }
                )
                right = rng.random() < 0.25 + 0.7 * ability[student_id]
                if kind == "single":
                    key = next(i for i, c in enumerate(fields["choices"]) if c["correct"])
                    answer = (
                        key
                        if right
                        else rng.choice([i for i in range(len(fields["choices"])) if i != key])
                    )
                elif kind == "multiple":
                    answer = [
                        i
                        for i, c in enumerate(fields["choices"])
                        if c["correct"] == right or rng.random() < 0.2
                    ]
                else:
                    answer = None
                plans.append((1.0 if right else 0.0, answer))
        db.session.execute(insert(AttemptQuestion), aq_rows)
        aq_ids = (
            db.session.execute(db.select(AttemptQuestion.id).order_by(AttemptQuestion.id))
            .scalars()
            .all()
        )
        db.session.execute(
            insert(Response),
            [
                {
                    "attempt_question_id": aq,
                    "answer": answer,
                    "saved_at": NOW,
                    "fraction": fraction,
                    "graded_at": NOW,
                }
                for aq, (fraction, answer) in zip(aq_ids, plans, strict=True)
            ],
        )
        db.session.execute(
            db.text(
                "UPDATE attempts SET score = (SELECT SUM(r.fraction) FROM responses r "
                "JOIN attempt_questions aq ON aq.id = r.attempt_question_id "
                "WHERE aq.attempt_id = attempts.id)"
            )
        )
        db.session.commit()
        return school_class.id, quiz.id


def login(client) -> None:
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post(
        "/login",
        data={"csrf_token": token, "email": "bench@example.org", "password": "bench-password"},
    )
    assert response.status_code == 302, response.status_code


def time_page(client, url: str) -> tuple[float, float]:
    timings = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        response = client.get(url)
        timings.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
    return min(timings), statistics.median(timings)


def main(sizes: list[int]) -> None:
    print(
        f"{'attempts':>9} {'responses':>10}  "
        f"{'item analysis best/median':>27}  {'gradebook best/median':>23}"
    )
    for attempts in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            url = os.environ.get("QUIZAPP_BENCH_DATABASE_URL") or f"sqlite:///{tmp}/bench.sqlite3"
            app = create_app(
                {"TESTING": False, "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url}
            )
            class_id, quiz_id = build(app, attempts, random.Random(attempts))
            client = app.test_client()
            login(client)
            analysis = time_page(client, f"/teacher/quizzes/{quiz_id}/analysis?attempts=all")
            grades = time_page(client, f"/teacher/classes/{class_id}/gradebook")
            print(
                f"{attempts:>9} {attempts * QUESTIONS_PER_ATTEMPT:>10}  "
                f"{analysis[0]:>12.3f} s / {analysis[1]:.3f} s  "
                f"{grades[0]:>8.3f} s / {grades[1]:.3f} s"
            )
            with app.app_context():
                db.engine.dispose()


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [2500, 10000])
