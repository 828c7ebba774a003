"""Reset links by email, through a real SMTP server the test starts (aiosmtpd).

The app sends with smtplib from a background thread, so each test waits for the message
(or the logged failure) to arrive.
"""

from __future__ import annotations

import email
import email.policy
import re
import time
from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from flask import Flask
from flask.testing import FlaskClient

from tests.factories import (
    PASSWORD,
    create_student,
    field_error,
    login,
    page_text,
    token_for,
)
from tests.serving import free_port

NEW_PASSWORD = "tundra violin 42 teapot"
SENT = "If an account uses that address, we have sent it a link. It works for 60 minutes."
WAIT_S = 10


class Inbox:
    """An aiosmtpd handler keeping every message it is given."""

    def __init__(self) -> None:
        self.messages: list[tuple[Any, EmailMessage]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append((envelope, message))
        return "250 Message accepted for delivery"

    def wait_for(self, count: int) -> list[EmailMessage]:
        deadline = time.monotonic() + WAIT_S
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return [message for _, message in self.messages]


def _accept_teacher(server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any):
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        b"quizapp",
        b"mail secret",
    )
    return AuthResult(success=ok)


@pytest.fixture(params=["no login", "login"])
def smtp(request: pytest.FixtureRequest, app: Flask) -> Iterator[Inbox]:
    """A local SMTP server on a free port, and the app's mail settings pointing at it."""
    inbox = Inbox()
    port = free_port()
    with_login = request.param == "login"
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=port,
        authenticator=_accept_teacher if with_login else None,
        auth_require_tls=False,
    )
    controller.start()
    app.config.update(
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=port,
        MAIL_USE_TLS=False,
        MAIL_SENDER="QuizApp <quiz@example.org>",
        MAIL_USERNAME="quizapp" if with_login else None,
        MAIL_PASSWORD="mail secret" if with_login else None,
    )
    try:
        yield inbox
    finally:
        controller.stop()


@pytest.fixture
def ada(app: Flask) -> str:
    with app.app_context():
        return create_student("ada@example.com", "Ada Lovelace").email


def _forgot(client: FlaskClient, address: str) -> str:
    posted = client.post(
        "/forgot", data={"csrf_token": token_for(client, "/forgot"), "email": address}
    )
    assert (posted.status_code, posted.location) == (302, "/forgot")
    return page_text(client.get("/forgot").get_data(as_text=True))


def test_a_link_arrives_by_mail_and_sets_the_password(app: Flask, ada: str, smtp: Inbox) -> None:
    unknown_answer = _forgot(app.test_client(), "nobody@example.com")
    known_answer = _forgot(app.test_client(), "ADA@example.com")
    assert unknown_answer == known_answer and SENT in known_answer

    (message,) = smtp.wait_for(1)
    time.sleep(0.3)  # anything for the unknown address would have arrived by now
    assert len(smtp.messages) == 1
    envelope = smtp.messages[0][0]
    assert envelope.rcpt_tos == ["ada@example.com"]
    assert envelope.mail_from == "quiz@example.org"
    assert message["To"] == "ada@example.com"
    assert message["From"] == "QuizApp <quiz@example.org>"
    assert message["Subject"] == "Set a new QuizApp password"
    assert message["Message-ID"].endswith("@example.org>")
    assert message.get_content_type() == "text/plain"
    body = message.get_content()
    assert body.startswith("Hello Ada Lovelace,")
    link = re.search(r"http://localhost(/reset/\S+)", body)
    assert link, body

    student = app.test_client()
    form = student.get(link.group(1))
    token = link.group(1).removeprefix("/reset/")
    assert f'value="{token}"' in form.get_data(as_text=True)
    done = student.post(
        "/reset",
        data={
            "csrf_token": token_for(student, link.group(1)),
            "code": token,
            "new_password": NEW_PASSWORD,
            "repeat_password": NEW_PASSWORD,
        },
    )
    assert (done.status_code, done.location) == (302, "/login")
    assert login(student, ada, PASSWORD).status_code == 200
    assert login(student, ada, NEW_PASSWORD).status_code == 302

    # The link worked once.
    again = app.test_client()
    refused = again.post(
        "/reset",
        data={
            "csrf_token": token_for(again, "/reset"),
            "code": token,
            "new_password": "another fine password 7",
            "repeat_password": "another fine password 7",
        },
    )
    assert "not valid" in (field_error(refused.get_data(as_text=True), "code") or "")


def test_a_mail_server_that_does_not_answer_gives_the_same_answer(
    app: Flask, ada: str, caplog: pytest.LogCaptureFixture
) -> None:
    app.config.update(
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=free_port(),  # nothing listens there
        MAIL_USE_TLS=False,
        MAIL_SENDER="quiz@example.org",
        MAIL_TIMEOUT=2,
    )
    assert SENT in _forgot(app.test_client(), ada)
    deadline = time.monotonic() + WAIT_S
    while "could not send mail" not in caplog.text and time.monotonic() < deadline:
        time.sleep(0.02)
    assert "could not send mail through 127.0.0.1" in caplog.text
    assert ada not in caplog.text  # the log does not keep whom it was for
