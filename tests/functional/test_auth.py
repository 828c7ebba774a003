"""Accounts through the test client: sign up, log in, ``next``, log out, rate limits."""

from __future__ import annotations

import html as html_module
import re
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from quizapp.extensions import db
from quizapp.models import Role, User
from tests.factories import (
    PASSWORD,
    create_student,
    create_teacher,
    csrf_token,
    field_error,
    login,
    page_text,
    token_for,
)

WRONG_PASSWORD = "not the password at all"


@pytest.fixture
def accounts(app: Flask) -> Flask:
    """Ada and Bob are students, Grace a teacher."""
    with app.app_context():
        create_student("ada@example.com", "Ada Lovelace")
        create_student("bob@example.com", "Bob Student")
        create_teacher("grace@example.com", "Grace Hopper")
    return app


def _users(app: Flask) -> list[tuple[str, Role]]:
    with app.app_context():
        return [
            (user.email, user.role)
            for user in db.session.execute(db.select(User).order_by(User.id)).scalars()
        ]


def _input_value(html: str, field_id: str) -> str | None:
    tag = re.search(rf'<input\b[^>]*\bid="{field_id}"[^>]*>', html)
    assert tag, f"no input #{field_id}"
    value = re.search(r'\bvalue="([^"]*)"', tag.group(0))
    return html_module.unescape(value.group(1)) if value else None


def _is_logged_in(client: FlaskClient) -> bool:
    response = client.get("/student/")
    return response.status_code == 200


# --------------------------------------------------------------------------------- sign up


def test_signup_creates_a_student_and_logs_them_in(app: Flask, client: FlaskClient) -> None:
    page = client.get("/signup").get_data(as_text=True)
    for field_id, label in (("name", "Name"), ("email", "Email"), ("password", "Password")):
        assert f'<label for="{field_id}">{label}</label>' in page
    assert 'value="Create account"' in page
    assert "At least 10 characters." in page
    token = csrf_token(page)

    response = client.post(
        "/signup",
        data={
            "csrf_token": token,
            "name": "  Ada Lovelace ",
            "email": " Ada@Example.com ",
            "password": "ten chars!",
        },
    )

    assert response.status_code == 302
    assert response.headers["Location"] == "/student/"
    assert _users(app) == [("ada@example.com", Role.STUDENT)]
    with app.app_context():
        user = db.session.execute(db.select(User)).scalar_one()
        assert user.name == "Ada Lovelace"
        assert "ten chars!" not in user.password_hash
    dashboard = client.get("/student/")
    assert dashboard.status_code == 200
    assert "Hello, Ada Lovelace" in dashboard.get_data(as_text=True)


# name, email, password -> the field that explains, and how
BAD_SIGNUPS = [
    ("Ada Lovelace", "ada@example.com", "nine char", "password", "Use at least 10 characters."),
    (
        "Ada Again",
        "EXISTING@example.com",
        PASSWORD,
        "email",
        "an account with the email existing@example.com already exists",
    ),
    ("Ada Lovelace", "not-an-email", PASSWORD, "email", "'not-an-email' is not an email address"),
    ("Ada Lovelace", "ada@", PASSWORD, "email", "'ada@' is not an email address"),
    ("", "ada@example.com", PASSWORD, "name", "This field is required."),
    ("   ", "ada@example.com", PASSWORD, "name", "This field is required."),
    ("Ada Lovelace", "", PASSWORD, "email", "This field is required."),
]


def test_signup_with_bad_input_explains_next_to_the_field_and_creates_nothing(
    app: Flask, client: FlaskClient
) -> None:
    with app.app_context():
        create_student("existing@example.com", "Already Here")
    before = _users(app)
    token = token_for(client, "/signup")

    for name, email, password, field, message in BAD_SIGNUPS:
        response = client.post(
            "/signup",
            data={"csrf_token": token, "name": name, "email": email, "password": password},
        )

        case = (name, email, password)
        html = response.get_data(as_text=True)
        assert response.status_code == 200, case
        assert field_error(html, field) == message, case
        described = re.search(rf'<[^>]*\bid="{field}"[^>]*>', html).group(0)
        assert f"{field}-error" in described and 'aria-invalid="true"' in described, case
        # What was typed stays (but never the password).
        if name.strip():
            assert _input_value(html, "name") == name, case
        assert _input_value(html, "email") == email, case
        assert not _input_value(html, "password"), case
        assert password not in html, case
        assert _users(app) == before, case
        assert not _is_logged_in(client), case


# ---------------------------------------------------------------------------------- log in


def test_student_login_goes_to_the_dashboard(accounts: Flask, client: FlaskClient) -> None:
    page = client.get("/login").get_data(as_text=True)
    assert '<label for="email">Email</label>' in page
    assert '<label for="password">Password</label>' in page
    assert 'value="Log in"' in page

    response = login(client, "Ada@Example.com ")

    assert response.status_code == 302
    assert response.headers["Location"] == "/student/"
    page = client.get("/student/")
    assert page.status_code == 200
    assert "Hello, Ada Lovelace" in page.get_data(as_text=True)


def test_a_wrong_password_or_unknown_email_is_refused_with_one_message(
    accounts: Flask, client: FlaskClient
) -> None:
    for email in ("ada@example.com", "nobody@example.com"):
        response = login(client, email, WRONG_PASSWORD)

        html = response.get_data(as_text=True)
        assert response.status_code == 200
        message = field_error(html, "password")
        assert message == "That email and password do not match an account.", email
        assert _input_value(html, "email") == email
        assert WRONG_PASSWORD not in html
        assert not _is_logged_in(client)


NEXT_PATHS = [
    ("/student/progress", "/student/progress"),
    ("/student/progress?tab=history", "/student/progress?tab=history"),
    ("https://evil.example/", "/student/"),
    ("//evil.example", "/student/"),
    ("///evil.example", "/student/"),
    ("/\\evil.example", "/student/"),
    ("\\\\evil.example", "/student/"),
    ("javascript:alert(1)", "/student/"),
    ("JavaScript:alert(1)", "/student/"),
    ("http:/student/progress", "/student/"),
    ("/student/\r\nSet-Cookie: x=1", "/student/"),
    ("/\t/evil.example", "/student/"),
    ("", "/student/"),
]


def test_login_follows_next_only_to_our_own_pages(accounts: Flask, client: FlaskClient) -> None:
    for next_path, expected in NEXT_PATHS:
        response = login(client, next_path=next_path)

        assert response.status_code == 302, next_path
        location = response.headers["Location"]
        assert location == expected, next_path
        assert not urlsplit(location).netloc


def test_login_starts_a_fresh_session(accounts: Flask, client: FlaskClient) -> None:
    client.get("/login")
    with client.session_transaction() as session:
        session["planted"] = "set before login"

    assert login(client).status_code == 302

    with client.session_transaction() as session:
        assert "planted" not in session
        assert session.get("_user_id")


def test_logging_in_as_someone_else_replaces_the_first_login(
    accounts: Flask, client: FlaskClient
) -> None:
    login(client, "ada@example.com")
    login(client, "bob@example.com")

    assert "Hello, Bob Student" in client.get("/student/").get_data(as_text=True)


def test_teacher_login_does_not_go_to_the_student_pages(
    accounts: Flask, client: FlaskClient
) -> None:
    response = login(client, "grace@example.com")

    assert response.status_code == 302
    home = response.headers["Location"]
    assert not home.startswith("/student")
    assert client.get(home).status_code == 200


# --------------------------------------------------------------------------------- log out


def test_logout_is_a_post_with_a_csrf_token(accounts: Flask, client: FlaskClient) -> None:
    login(client)
    page = client.get("/student/").get_data(as_text=True)
    form = re.search(r'<form[^>]*action="/logout"[^>]*>(.*?)</form>', page, re.S)
    assert form, "no log out form on the page"
    assert re.search(r"<button[^>]*>Log out</button>", form.group(1))

    assert client.get("/logout").status_code == 405
    assert _is_logged_in(client)
    assert client.post("/logout").status_code == 400
    assert _is_logged_in(client)
    assert client.post("/logout", data={"csrf_token": "forged"}).status_code == 400
    assert _is_logged_in(client)

    response = client.post("/logout", data={"csrf_token": csrf_token(form.group(1))})

    assert response.status_code == 302
    assert not _is_logged_in(client)
    with client.session_transaction() as session:
        assert "_user_id" not in session


# ------------------------------------------------------------------------------ rate limits


def _retry_text(html: str) -> str | None:
    found = re.search(r"try again in (\d+ (?:seconds|minutes))", page_text(html))
    return found.group(1) if found else None


def test_repeated_failures_for_one_account_get_a_429_that_says_when_to_retry(
    accounts: Flask, client: FlaskClient
) -> None:
    accounts.config["LOGIN_LIMIT_PER_ACCOUNT_AND_ADDRESS"] = "3 per 15 minutes"
    for email in ("ada@example.com", "ADA@example.com", " ada@example.com"):
        assert login(client, email, WRONG_PASSWORD).status_code == 200

    response = login(client, "ada@example.com", PASSWORD)

    assert response.status_code == 429
    html = response.get_data(as_text=True)
    assert _retry_text(html) is not None, page_text(html)
    assert "Traceback" not in html
    assert not _is_logged_in(client)
    # Only that account waits: another one from the same address logs in.
    assert login(client, "bob@example.com").status_code == 302


def test_successful_logins_do_not_count_towards_the_limit(
    accounts: Flask, client: FlaskClient
) -> None:
    accounts.config["LOGIN_LIMIT_PER_ACCOUNT_AND_ADDRESS"] = "3 per 15 minutes"
    accounts.config["LOGIN_LIMIT_PER_ADDRESS"] = "3 per 15 minutes"
    for _ in range(2):
        assert login(client, "ada@example.com", WRONG_PASSWORD).status_code == 200
    for _ in range(3):
        assert login(client, "ada@example.com").status_code == 302

    assert login(client, "ada@example.com", WRONG_PASSWORD).status_code == 200
    assert login(client, "ada@example.com", WRONG_PASSWORD).status_code == 429


def test_failures_across_accounts_from_one_address_are_limited_too(
    accounts: Flask, client: FlaskClient
) -> None:
    accounts.config["LOGIN_LIMIT_PER_ADDRESS"] = "3 per 15 minutes"
    here = {"REMOTE_ADDR": "203.0.113.7"}
    for n in range(3):
        response = login(client, f"guess{n}@example.com", WRONG_PASSWORD, environ_base=here)
        assert response.status_code == 200

    blocked = login(client, "guess9@example.com", WRONG_PASSWORD, environ_base=here)
    assert blocked.status_code == 429
    assert _retry_text(blocked.get_data(as_text=True)) is not None
    # A forwarded-for header from the client does not make it another address.
    spoofed = login(
        client,
        "guess10@example.com",
        WRONG_PASSWORD,
        environ_base=here,
        headers={"X-Forwarded-For": "198.51.100.1"},
    )
    assert spoofed.status_code == 429
    # Another address is not affected.
    elsewhere = {"REMOTE_ADDR": "203.0.113.8"}
    assert login(client, "ada@example.com", environ_base=elsewhere).status_code == 302
