"""The question page's autosave when the server cannot store the answer, in Chromium.

The database turns read-only while a student types (through a switch on the app's own
connections: SQLite's ``PRAGMA query_only``, PostgreSQL's session
``default_transaction_read_only``): the page says what is wrong, that the answer is not
saved, and that it keeps it; the answer stays queued in the browser's storage and is sent
again by itself once the database takes writes. And when the page's session has ended (the
login dropped, so the save is answered by the log-in page; or logged out in another tab,
so the save is refused for its CSRF token), the page does not say "Saved": it keeps the
answer, and sends it once the student has logged in again and reloaded the page.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from quizapp.domain.answers import read_answer
from quizapp.extensions import db
from quizapp.models import Attempt
from tests.e2e.helpers import PASSWORD, create_student, log_in, practice_attempt
from tests.factories import csrf_token, items_of, stored_answers
from tests.faults.switches import ReadOnlySwitch, read_only_switch

pytestmark = pytest.mark.browser

SECTION_SLUG = "introduction"


@pytest.fixture
def read_only(app: Flask) -> Iterator[ReadOnlySwitch]:
    with read_only_switch(app) as switch:
        yield switch


def _text_question(app: Flask, page: Any, live_server: str) -> tuple[int, int]:
    """A logged-in student on a typed-answer question of a practice attempt."""
    student_id = create_student(app, "sam@example.org", "Sam")
    log_in(page, live_server, "sam@example.org", "Sam")
    attempt_id, types = practice_attempt(app, student_id, SECTION_SLUG)
    position = next(n for n, kind in enumerate(types, start=1) if kind in ("short", "numeric"))
    page.goto(f"{live_server}/student/attempts/{attempt_id}/questions/{position}")
    return attempt_id, position


def _queued(page: Any, attempt_id: int, position: int) -> object:
    """The answer the page keeps in the browser's storage for sending, if any."""
    kept = page.evaluate(f"localStorage.getItem('quizapp-answer-{attempt_id}-{position}')")
    return json.loads(kept) if kept else None


def _stored(app: Flask, attempt_id: int, position: int) -> object:
    with app.app_context():
        return stored_answers(attempt_id).get(position)


def _stored_form_of(app: Flask, attempt_id: int, position: int, typed: str) -> object:
    """How the question at ``position`` stores the typed answer ``typed``."""
    with app.app_context():
        item = items_of(db.session.get(Attempt, attempt_id))[position - 1]
        return read_answer(item.question, {"answer": [typed]}, item.tokens)


def test_a_read_only_database_keeps_the_answer_queued_and_sends_it_later(
    app: Flask, page: Any, live_server: str, read_only: ReadOnlySwitch
) -> None:
    from playwright.sync_api import expect

    attempt_id, position = _text_question(app, page, live_server)
    status = page.get_by_role("status")
    field = page.get_by_label("Your answer")
    field.fill("7")
    expect(status).to_have_text("Saved")

    read_only.on = True
    field.fill("8")
    expect(status).to_have_text(
        "The database is read-only at the moment, so what you sent was not saved. Answers "
        "saved earlier are safe. Your answer is kept on this page and will be sent again."
    )
    assert _queued(page, attempt_id, position) == [["answer", "8"]]
    assert _stored(app, attempt_id, position) == _stored_form_of(app, attempt_id, position, "7")

    read_only.on = False
    # The page sends it again by itself (every five seconds).
    expect(status).to_have_text("Saved", timeout=15_000)
    assert _queued(page, attempt_id, position) is None
    assert _stored(app, attempt_id, position) == _stored_form_of(app, attempt_id, position, "8")


LOGGED_OUT = (
    "Not saved: you are no longer logged in. Log in again (in another tab), then reload "
    "this page: it keeps your answer and sends it."
)


def _log_in_again_and_reload(
    app: Flask, page: Any, live_server: str, attempt_id: int, position: int
) -> None:
    """Log in again in another tab, reload the question: the kept answer is sent and saved."""
    from playwright.sync_api import expect

    login = f"{live_server}/login"
    _elsewhere(page, login, login, {"email": "sam@example.org", "password": PASSWORD})
    page.reload()
    expect(page.get_by_label("Your answer")).to_have_value("8")
    expect(page.get_by_role("status")).to_have_text("Saved")
    assert _queued(page, attempt_id, position) is None
    assert _stored(app, attempt_id, position) == _stored_form_of(app, attempt_id, position, "8")


def _elsewhere(page: Any, shown_at: str, action: str, form: dict[str, str]) -> None:
    """Send a form as another tab of the same browser would: with its cookies, the token
    from the page at ``shown_at``, to ``action``; it must redirect. Through the context's
    requests, not a second page: closing a page just after it navigated sometimes hung
    Chromium for good."""
    request = page.context.request
    token = csrf_token(request.get(shown_at).text())
    reply = request.post(action, form={**form, "csrf_token": token}, max_redirects=0)
    assert reply.status == 302, reply.status


def test_a_save_answered_by_the_log_in_page_is_not_called_saved(
    app: Flask, page: Any, live_server: str
) -> None:
    from playwright.sync_api import expect

    attempt_id, position = _text_question(app, page, live_server)
    status = page.get_by_role("status")
    field = page.get_by_label("Your answer")
    field.fill("7")
    expect(status).to_have_text("Saved")

    # Another browser identity: the login's session protection drops the login (as when
    # the connection changes), so the autosave is redirected to the log-in page.
    page.set_extra_http_headers({"User-Agent": "another browser"})
    field.fill("8")
    expect(status).to_have_text(LOGGED_OUT)
    assert _queued(page, attempt_id, position) == [["answer", "8"]]
    assert _stored(app, attempt_id, position) == _stored_form_of(app, attempt_id, position, "7")

    page.set_extra_http_headers({})
    _log_in_again_and_reload(app, page, live_server, attempt_id, position)


def test_a_save_after_logging_out_in_another_tab_keeps_the_answer(
    app: Flask, page: Any, live_server: str
) -> None:
    from playwright.sync_api import expect

    attempt_id, position = _text_question(app, page, live_server)
    status = page.get_by_role("status")
    field = page.get_by_label("Your answer")
    field.fill("7")
    expect(status).to_have_text("Saved")

    _elsewhere(page, f"{live_server}/student/", f"{live_server}/logout", {})
    # The session the page's CSRF token belongs to is gone: the save is refused for it.
    field.fill("8")
    expect(status).to_have_text(LOGGED_OUT)
    assert _queued(page, attempt_id, position) == [["answer", "8"]]
    assert _stored(app, attempt_id, position) == _stored_form_of(app, attempt_id, position, "7")

    _log_in_again_and_reload(app, page, live_server, attempt_id, position)
