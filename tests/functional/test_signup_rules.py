"""Sign-up refuses guessable passwords and lookalike emails, with messages by the field."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from quizapp.extensions import db
from quizapp.models import User
from tests.factories import PASSWORD, create_student, field_error, login, token_for

COMMON = "This is one of the most common passwords, so it is easy to guess. Choose another."
PERSONAL = "Do not build the password from your name or email address."
REPETITIVE = "This password repeats or counts through a few characters. Choose another."


def _sign_up(client: FlaskClient, name: str, email: str, password: str):
    token = token_for(client, "/signup")
    return client.post(
        "/signup",
        data={"csrf_token": token, "name": name, "email": email, "password": password},
    )


def _emails(app: Flask) -> list[str]:
    with app.app_context():
        return sorted(db.session.scalars(db.select(User.email)))


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("aaaaaaaaaa", COMMON),
        ("1234567890", COMMON),
        ("s1@example.org", PERSONAL),
        ("Sam Student 2026", PERSONAL),
        ("zzzzzzzzzzzzzz", REPETITIVE),
        ("q" * 100 + "w" * 101, "Use at most 200 characters; this one has 201."),
        ("nine char", "Use at least 10 characters."),
    ],
)  # fmt: skip
def test_guessable_passwords_are_refused_next_to_the_field(
    app: Flask, client: FlaskClient, password: str, message: str
) -> None:
    response = _sign_up(client, "Sam Student", "s1@example.org", password)

    assert response.status_code == 200
    assert field_error(response.get_data(as_text=True), "password") == message
    assert _emails(app) == []


@pytest.mark.parametrize(
    "lookalike",
    [
        "s1\u200b@example.org",
        "\uff53\uff11@example.org",
        "S1@EXAMPLE.ORG",
        " s1@example.org\u2060",
    ],
)
def test_a_lookalike_email_is_the_same_account(
    app: Flask, client: FlaskClient, lookalike: str
) -> None:
    with app.app_context():
        create_student("s1@example.org", "Sam One")

    response = _sign_up(client, "Sam Again", lookalike, "tundra violin 42 teapot")

    assert field_error(response.get_data(as_text=True), "email") == (
        "an account with the email s1@example.org already exists"
    )
    assert _emails(app) == ["s1@example.org"]
    # And the lookalike, typed at the login page, is the account's own address.
    assert login(app.test_client(), lookalike, PASSWORD).status_code == 302


def test_a_lookalike_sign_up_is_stored_in_its_plain_form(app: Flask, client: FlaskClient) -> None:
    response = _sign_up(
        client, "Sam One", "\uff53\uff11\u200b@Example.org", "tundra violin 42 teapot"
    )
    assert response.status_code == 302
    assert _emails(app) == ["s1@example.org"]
