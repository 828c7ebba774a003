"""Account changes racing each other under gunicorn workers: never a 500, never two
accounts on one address, and a password change ends the other sessions whatever runs
beside it."""

from __future__ import annotations

from quizapp.extensions import db
from quizapp.models import LoginSession, User
from tests.concurrency.conftest import Reply, Server, race, unique_email
from tests.factories import PASSWORD, create_student

NEW_PASSWORD = "tundra violin 42 teapot"


def _no_server_errors(replies: list[Reply]) -> None:
    assert [(reply.status, reply.body[:300]) for reply in replies if reply.status >= 500] == []


def _student(server: Server, stem: str) -> str:
    email = unique_email(stem)
    with server.app.app_context():
        create_student(email, stem.title())
    return email


def test_two_accounts_moving_to_one_address_at_once_get_one_refusal(server: Server) -> None:
    wanted = unique_email("wanted")
    browsers = [server.logged_in(_student(server, stem)) for stem in ("ann", "ben", "cat")]
    for browser in browsers:
        browser.fetch_token("/account/")

    replies = race(
        [
            lambda browser=browser: browser.post(
                "/account/profile",
                {"name": "Someone", "email": wanted, "current_password": PASSWORD},
            )
            for browser in browsers
        ]
    )

    _no_server_errors(replies)
    assert sorted(reply.status for reply in replies) == [200, 200, 302]
    for reply in replies:
        if reply.status == 200:
            assert f"an account with the email {wanted} already exists" in reply.body
    with server.app.app_context():
        assert db.session.scalar(db.select(db.func.count()).where(User.email == wanted)) == 1


def test_a_double_clicked_password_change_keeps_this_browser_and_ends_the_others(
    server: Server,
) -> None:
    email = _student(server, "dora")
    here = server.logged_in(email)
    elsewhere = server.logged_in(email)
    here.fetch_token("/account/password")
    form = {
        "current_password": PASSWORD,
        "new_password": NEW_PASSWORD,
        "repeat_password": NEW_PASSWORD,
    }

    replies = race([lambda: here.post("/account/password", form) for _click in range(2)])

    _no_server_errors(replies)
    # The first click changes it; the second either did too (it read the old hash first)
    # or is told its "current password" is no longer current.
    assert 302 in [reply.status for reply in replies]
    for reply in replies:
        assert reply.status == 302 or "That is not your current password." in reply.body
    assert here.get("/account/").status == 200
    signed_out = elsewhere.get("/student/")
    assert (signed_out.status, (signed_out.location or "").startswith("/login")) == (302, True)
    with server.app.app_context():
        user_id = db.session.scalar(db.select(User.id).where(User.email == email))
        sessions = db.session.scalar(
            db.select(db.func.count()).where(LoginSession.user_id == user_id)
        )
        assert sessions == 1
