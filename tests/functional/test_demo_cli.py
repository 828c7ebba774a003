"""``flask demo setup``: a demo teacher, class and quiz on a fresh install, and only there."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner

from quizapp.extensions import db
from quizapp.models import Enrolment, Quiz, QuizKind, Role, SchoolClass, User
from quizapp.services.classes import JOIN_CODE_ALPHABET
from quizapp.services.demo import DEMO_QUIZ_QUESTIONS
from tests.factories import ECONOMY, create_student, load_article, token_for


def _counts(app: Flask) -> tuple[int, int, int, int]:
    with app.app_context():
        return tuple(
            db.session.scalar(db.select(db.func.count()).select_from(model))
            for model in (User, SchoolClass, Quiz, Enrolment)
        )


def _printed(output: str) -> dict[str, str]:
    email = re.search(r"Teacher login: (\S+)", output)
    password = re.search(r"Password: +(\S+)", output)
    code = re.search(r"join code (\S+)", output)
    assert email and password and code, output
    return {"email": email.group(1), "password": password.group(1), "code": code.group(1)}


@pytest.fixture
def bank(app: Flask) -> None:
    with app.app_context():
        load_article((ECONOMY,))


def test_demo_setup_creates_an_admin_teacher_a_class_and_a_published_quiz(
    app: Flask, runner: FlaskCliRunner, bank: None
) -> None:
    result = runner.invoke(args=["demo", "setup"])

    assert result.exit_code == 0, result.output
    printed = _printed(result.output)
    assert printed["email"] == "demo-teacher@example.org"
    assert "The demo teacher is an admin" in result.output
    assert re.fullmatch(f"[{JOIN_CODE_ALPHABET}]{{8}}", printed["code"])
    with app.app_context():
        (teacher,) = db.session.scalars(db.select(User)).all()
        # The only account of a fresh install is an admin, so it can make real teachers.
        assert (teacher.email, teacher.role) == (printed["email"], Role.ADMIN)
        assert teacher.is_teacher
        (school_class,) = db.session.scalars(db.select(SchoolClass)).all()
        assert (school_class.teacher_id, school_class.join_code) == (teacher.id, printed["code"])
        (quiz,) = db.session.scalars(db.select(Quiz)).all()
        assert quiz.kind is QuizKind.ASSESSMENT
        assert (quiz.owner_id, quiz.class_id) == (teacher.id, school_class.id)
        assert quiz.published_at is not None
        assert sum(rule.question_count for rule in quiz.rules) == DEMO_QUIZ_QUESTIONS
        # The one-time password is not stored as given.
        assert printed["password"] not in teacher.password_hash


def test_the_printed_password_logs_the_demo_teacher_in_once_to_choose_another(
    app: Flask, runner: FlaskCliRunner, bank: None
) -> None:
    printed = _printed(runner.invoke(args=["demo", "setup"]).output)
    client = app.test_client()

    wrong = client.post(
        "/login",
        data={
            "csrf_token": token_for(client),
            "email": printed["email"],
            "password": "not it at all",
        },
    )
    response = client.post(
        "/login",
        data={
            "csrf_token": token_for(client),
            "email": printed["email"],
            "password": printed["password"],
        },
    )

    assert wrong.status_code != 302
    assert response.status_code == 302
    # The printed password opens one page only: the form that replaces it.
    held = client.get("/teacher/")
    assert (held.status_code, held.headers["Location"]) == (302, "/account/password")
    changed = client.post(
        "/account/password",
        data={
            "csrf_token": token_for(client, "/account/password"),
            "current_password": printed["password"],
            "new_password": "tundra violin 42 teapot",
            "repeat_password": "tundra violin 42 teapot",
        },
    )
    assert changed.status_code == 302
    assert client.get("/teacher/").status_code == 200
    # An admin: the page that makes other accounts teachers is theirs, and linked.
    assert client.get("/teacher/teachers").status_code == 200
    assert 'href="/teacher/teachers"' in client.get("/teacher/").get_data(as_text=True)


def test_a_second_run_creates_no_second_teacher(
    app: Flask, runner: FlaskCliRunner, bank: None
) -> None:
    first = runner.invoke(args=["demo", "setup"])
    before = _counts(app)

    second = runner.invoke(args=["demo", "setup"])

    assert first.exit_code == second.exit_code == 0
    assert before == (1, 1, 1, 0)
    assert _counts(app) == before
    assert "Accounts already exist: no demo accounts created." in second.output
    assert "Password" not in second.output


def test_nothing_is_created_when_demo_accounts_are_turned_off(
    app: Flask, runner: FlaskCliRunner, bank: None
) -> None:
    app.config["DEMO_ACCOUNTS"] = False

    result = runner.invoke(args=["demo", "setup"])

    assert result.exit_code == 0
    assert "Demo accounts are turned off" in result.output
    assert "Password" not in result.output
    assert _counts(app) == (0, 0, 0, 0)


def test_nothing_is_created_when_any_account_exists(
    app: Flask, runner: FlaskCliRunner, bank: None
) -> None:
    with app.app_context():
        create_student()

    result = runner.invoke(args=["demo", "setup"])

    assert result.exit_code == 0
    assert "Accounts already exist: no demo accounts created." in result.output
    assert "Password" not in result.output
    assert _counts(app) == (1, 0, 0, 0)


def test_without_a_bank_the_output_does_not_promise_a_quiz(
    app: Flask, runner: FlaskCliRunner
) -> None:
    result = runner.invoke(args=["demo", "setup"])

    assert result.exit_code == 0
    assert _counts(app)[:3] == (1, 1, 0)  # a teacher and a class, no quiz to draw from
    assert "published quiz" not in result.output, result.output
