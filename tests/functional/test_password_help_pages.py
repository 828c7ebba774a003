"""Password help through the pages: a teacher's one-time code, the reset form, the
"Forgot your password?" page with and without mail, and their rate limits."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from quizapp.extensions import db
from quizapp.models import PasswordReset, SchoolClass, User
from quizapp.services.classes import remove_student
from quizapp.services.password_resets import INVALID_CODE
from tests.factories import (
    NOW,
    PASSWORD,
    create_class,
    create_student,
    create_teacher,
    csrf_token,
    enrol,
    field_error,
    logged_in_client,
    login,
    page_text,
    token_for,
)

NEW_PASSWORD = "tundra violin 42 teapot"
CODE = re.compile(r'<code id="reset-code">([A-Z0-9-]+)</code>')
SENT = "If an account uses that address, we have sent it a link. It works for 60 minutes."


@pytest.fixture
def school(app: Flask) -> dict[str, int]:
    """Grace teaches History with Ada in it; Alan teaches another class."""
    with app.app_context():
        grace = create_teacher("grace@example.com", "Grace Hopper")
        create_teacher("alan@example.com", "Alan Turing")
        history = create_class(grace, "History")
        ada = create_student("ada@example.com", "Ada Lovelace")
        enrol(ada, history)
        return {"class": history.id, "ada": ada.id}


def _issue(teacher: FlaskClient, class_id: int, student_id: int):
    token = token_for(teacher, "/account/")
    return teacher.post(
        f"/teacher/classes/{class_id}/students/{student_id}/reset-code",
        data={"csrf_token": token},
    )


def _code_from(teacher: FlaskClient, school: dict[str, int]) -> str:
    page = _issue(teacher, school["class"], school["ada"])
    assert page.status_code == 200
    found = CODE.search(page.get_data(as_text=True))
    assert found, page.get_data(as_text=True)
    return found.group(1)


def _reset(client: FlaskClient, code: str, password: str, again: str | None = None, **kw):
    return client.post(
        "/reset",
        data={
            "csrf_token": token_for(client, "/reset"),
            "code": code,
            "new_password": password,
            "repeat_password": password if again is None else again,
        },
        **kw,
    )


def test_the_login_page_links_to_password_help(client: FlaskClient) -> None:
    html = client.get("/login").get_data(as_text=True)
    assert 'href="/forgot">Forgot your password?</a>' in html


def test_a_teacher_gives_a_code_and_the_student_sets_a_new_password(
    app: Flask, school: dict[str, int]
) -> None:
    elsewhere = logged_in_client(app, "ada@example.com")  # Ada, still signed in at school
    teacher = logged_in_client(app, "grace@example.com")
    class_page = teacher.get(f"/teacher/classes/{school['class']}").get_data(as_text=True)
    assert 'aria-label="Reset code for Ada Lovelace"' in class_page

    page = _issue(teacher, school["class"], school["ada"])
    html = page.get_data(as_text=True)
    code = CODE.search(html).group(1)
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", code)
    assert f"http://localhost/reset/{code}" in html
    assert page.headers["Cache-Control"] == "no-store"
    text = page_text(html)
    assert "Give this code to Ada Lovelace (ada@example.com) privately" in text
    assert "It is shown only now" in text
    # The code is not on the class page, nor anywhere later.
    assert code not in teacher.get(f"/teacher/classes/{school['class']}").get_data(as_text=True)

    student = app.test_client()
    done = _reset(student, code.lower(), NEW_PASSWORD)
    assert (done.status_code, done.location) == (302, "/login")
    assert "Your new password is set. Log in with it." in page_text(
        student.get("/login").get_data(as_text=True)
    )
    assert login(student, "ada@example.com", PASSWORD).status_code == 200  # the old one
    assert login(student, "ada@example.com", NEW_PASSWORD).status_code == 302

    # The browser that was signed in before the reset is signed out.
    gone = elsewhere.get("/student/")
    assert gone.status_code == 302 and gone.location.startswith("/login")

    # The code worked once.
    again = _reset(app.test_client(), code, "another fine password 7")
    assert field_error(again.get_data(as_text=True), "code") == INVALID_CODE


def test_a_link_fills_in_the_code(app: Flask, school: dict[str, int]) -> None:
    code = _code_from(logged_in_client(app, "grace@example.com"), school)
    html = app.test_client().get(f"/reset/{code}").get_data(as_text=True)
    assert f'value="{code}"' in html
    assert 'action="/reset"' in html


@pytest.mark.parametrize(
    ("typed", "password", "again", "field", "message"),
    [
        ("BAD", NEW_PASSWORD, None, "code", INVALID_CODE),
        ("", NEW_PASSWORD, None, "code", "This field is required."),
        (None, "short", None, "new_password", "Use at least 10 characters."),
        (
            None,
            "lovelace twice lovelace",
            None,
            "new_password",
            "Do not build the password from your name or email address.",
        ),
        (None, NEW_PASSWORD, "something else", "repeat_password", "The two passwords differ."),
    ],
)
def test_a_refused_reset_says_why_next_to_the_field_and_keeps_the_code(
    app: Flask,
    school: dict[str, int],
    typed: str | None,
    password: str,
    again: str | None,
    field: str,
    message: str,
) -> None:
    code = _code_from(logged_in_client(app, "grace@example.com"), school)
    client = app.test_client()
    refused = _reset(client, code if typed is None else typed, password, again)
    assert refused.status_code == 200
    assert field_error(refused.get_data(as_text=True), field) == message
    # The code still works.
    assert _reset(client, code, NEW_PASSWORD).status_code == 302


def test_a_second_code_voids_the_first(app: Flask, school: dict[str, int]) -> None:
    teacher = logged_in_client(app, "grace@example.com")
    first, second = _code_from(teacher, school), _code_from(teacher, school)
    refused = _reset(app.test_client(), first, NEW_PASSWORD)
    assert field_error(refused.get_data(as_text=True), "code") == INVALID_CODE
    assert _reset(app.test_client(), second, NEW_PASSWORD).status_code == 302


def test_only_a_current_student_of_the_teacher_gets_a_code(
    app: Flask, school: dict[str, int]
) -> None:
    alan = logged_in_client(app, "alan@example.com")
    assert _issue(alan, school["class"], school["ada"]).status_code == 404
    grace = logged_in_client(app, "grace@example.com")
    with app.app_context():
        remove_student(db.session.get(SchoolClass, school["class"]), school["ada"], now=NOW)
        grace_id = db.session.execute(
            db.select(User.id).where(User.email == "grace@example.com")
        ).scalar_one()
    assert _issue(grace, school["class"], school["ada"]).status_code == 404
    assert _issue(grace, school["class"], grace_id).status_code == 404
    student = logged_in_client(app, "ada@example.com")
    assert _issue(student, school["class"], school["ada"]).status_code == 403
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(PasswordReset)) == 0


def test_no_code_without_the_forms_token(app: Flask, school: dict[str, int]) -> None:
    teacher = logged_in_client(app, "grace@example.com")
    path = f"/teacher/classes/{school['class']}/students/{school['ada']}/reset-code"
    assert teacher.post(path, data={}).status_code == 400
    assert teacher.post(path, data={"csrf_token": "forged"}).status_code == 400
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(PasswordReset)) == 0


def test_without_mail_the_forgot_page_says_whom_to_ask(client: FlaskClient) -> None:
    page = client.get("/forgot")
    text = page_text(page.get_data(as_text=True))
    assert "This site does not send email." in text
    assert "Students: ask your teacher" in text and "Teachers: ask the site's administrator" in text
    assert 'name="email"' not in page.get_data(as_text=True)


@pytest.fixture
def mail(app: Flask, monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str, str]]:
    """Mail configured, with the sending caught: (to, subject, body) of each message."""
    app.config.update(MAIL_SERVER="smtp.example.org", MAIL_SENDER="quiz@example.org")
    sent: list[tuple[str, str, str]] = []
    monkeypatch.setattr(
        "quizapp.auth.password_help.send_mail_in_background",
        lambda settings, to, subject, body: sent.append((to, subject, body)),
    )
    return sent


def _forgot(client: FlaskClient, email: str, **kw):
    token = token_for(client, "/forgot")
    return client.post("/forgot", data={"csrf_token": token, "email": email}, **kw)


def test_the_forgot_page_answers_the_same_for_known_and_unknown_addresses(
    app: Flask, school: dict[str, int], mail: list[tuple[str, str, str]]
) -> None:
    answers = []
    for email in ("nobody@example.com", "ada@example.com"):
        client = app.test_client()
        posted = _forgot(client, email)
        assert (posted.status_code, posted.location) == (302, "/forgot")
        answers.append(page_text(client.get("/forgot").get_data(as_text=True)))
    assert answers[0] == answers[1]
    assert SENT in answers[0]
    assert [to for to, _, _ in mail] == ["ada@example.com"]


def test_the_emailed_link_uses_the_configured_site_address(
    app: Flask, school: dict[str, int], mail: list[tuple[str, str, str]]
) -> None:
    # A forged Host header must not put another site (which would learn the token) in it.
    def forged_host() -> None:
        client = app.test_client()
        page = client.get("/forgot", base_url="http://evil.example.net")
        token = csrf_token(page.get_data(as_text=True))
        client.post(
            "/forgot",
            data={"csrf_token": token, "email": "ada@example.com"},
            base_url="http://evil.example.net",
        )

    forged_host()
    assert "http://evil.example.net/reset/" in mail[0][2]  # without MAIL_BASE_URL
    app.config["MAIL_BASE_URL"] = "https://quiz.example.org/"
    forged_host()
    link = re.search(r"\S+/reset/\S+", mail[1][2]).group(0)
    assert link.startswith("https://quiz.example.org/reset/")
    # The newer link works; the first one was replaced by it.
    token = link.rsplit("/", 1)[1]
    first = mail[0][2].split("/reset/")[1].split()[0]
    assert (
        field_error(_reset(app.test_client(), first, NEW_PASSWORD).get_data(as_text=True), "code")
        == INVALID_CODE
    )
    assert f'value="{token}"' in app.test_client().get(f"/reset/{token}").get_data(as_text=True)
    assert _reset(app.test_client(), token, NEW_PASSWORD).status_code == 302


def test_a_send_that_cannot_start_gives_the_same_answer(
    app: Flask, school: dict[str, int], caplog: pytest.LogCaptureFixture
) -> None:
    # No sender address can be worked out: logged for the operator, never shown.
    app.config.update(MAIL_SERVER="smtp.example.org", MAIL_SENDER=None, MAIL_USERNAME=None)
    client = app.test_client()
    assert _forgot(client, "ada@example.com").status_code == 302
    assert SENT in page_text(client.get("/forgot").get_data(as_text=True))
    assert "cannot send a password reset link" in caplog.text


def test_many_wrong_codes_from_one_address_are_paused(app: Flask, school: dict[str, int]) -> None:
    app.config["RESET_LIMIT_PER_ADDRESS"] = "3 per hour"
    code = _code_from(logged_in_client(app, "grace@example.com"), school)
    guesser = app.test_client()
    statuses = [
        _reset(guesser, f"AAAA-AAAA-AA{n}{n}", NEW_PASSWORD).status_code for n in range(2, 7)
    ]
    assert statuses == [200, 200, 200, 429, 429]
    paused = _reset(guesser, code, NEW_PASSWORD)
    assert paused.status_code == 429
    text = page_text(paused.get_data(as_text=True))
    assert "Too many password help requests" in text and "Too many wrong reset codes" in text
    # Another address is not paused.
    other = _reset(app.test_client(), code, NEW_PASSWORD, environ_base={"REMOTE_ADDR": "192.0.2.9"})
    assert other.status_code == 302


def test_the_forgot_page_is_limited_per_address_typed_and_per_client(
    app: Flask, school: dict[str, int], mail: list[tuple[str, str, str]]
) -> None:
    client = app.test_client()
    # The default: three links an hour for one address, however many clients ask.
    statuses = [
        _forgot(client, "ada@example.com", environ_base={"REMOTE_ADDR": f"192.0.2.{n}"}).status_code
        for n in range(1, 6)
    ]
    assert statuses == [302, 302, 302, 429, 429]
    assert len(mail) == 3
    # An unknown address counts the same, so a 429 tells nothing about accounts.
    unknown = [_forgot(client, "nobody@example.com").status_code for _ in range(4)]
    assert unknown == [302, 302, 302, 429]
    assert "Too many links have been asked for this email address" in page_text(
        _forgot(client, "nobody@example.com").get_data(as_text=True)
    )

    app.config["FORGOT_LIMIT_PER_ADDRESS"] = "2 per hour"
    spammer = app.test_client()
    sprayed = [
        _forgot(
            spammer, f"p{n}@example.com", environ_base={"REMOTE_ADDR": "198.51.100.4"}
        ).status_code
        for n in range(3)
    ]
    assert sprayed == [302, 302, 429]


def test_an_admin_prints_a_code_for_any_account(app: Flask, school: dict[str, int]) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["users", "reset-code", "Grace@example.com", "--base-url", "https://q.example.org/"]
    )
    assert result.exit_code == 0, result.output
    code = re.search(r"Reset code for Grace Hopper \(grace@example\.com\): (\S+)", result.output)
    assert code, result.output
    assert f"Link:    https://q.example.org/reset/{code.group(1)}" in result.output
    assert _reset(app.test_client(), code.group(1), NEW_PASSWORD).status_code == 302
    assert login(app.test_client(), "grace@example.com", NEW_PASSWORD).status_code == 302

    missing = runner.invoke(args=["users", "reset-code", "nobody@example.com"])
    assert missing.exit_code == 1
    assert "No account has the email nobody@example.com." in missing.output
