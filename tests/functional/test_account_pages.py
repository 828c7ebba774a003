"""The account page, server-side sessions, password rules and private-page caching."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from quizapp.extensions import db
from quizapp.models import LoginSession, Role, User
from tests.factories import (
    ECONOMY,
    PASSWORD,
    create_assessment,
    create_class,
    create_student,
    create_teacher,
    enrol,
    field_error,
    load_article,
    logged_in_client,
    login,
    submitted_attempt_for,
    token_for,
)

NEW_PASSWORD = "tundra violin 42 teapot"
TAKEN = "an account with the email grace@example.com already exists"
WRONG = "That is not your current password."
COMMON = "This is one of the most common passwords, so it is easy to guess. Choose another."
PERSONAL = "Do not build the password from your name or email address."
TOO_LONG = "Use at most 200 characters; this one has 201."
SAME = "Choose a password different from the current one."
DIFFER = "The two passwords differ."


@pytest.fixture
def accounts(app: Flask) -> Flask:
    """Ada is a student, Grace a teacher."""
    with app.app_context():
        create_student("ada@example.com", "Ada Lovelace")
        create_teacher("grace@example.com", "Grace Hopper")
    return app


def _signed_in(client: FlaskClient) -> bool:
    return client.get("/student/").status_code == 200


def _copy_of(app: Flask, client: FlaskClient) -> FlaskClient:
    """Another browser holding a copy of ``client``'s session cookie."""
    cookie = client.get_cookie("session")
    assert cookie is not None
    thief = app.test_client()
    thief.set_cookie("session", cookie.value)
    return thief


def _post(client: FlaskClient, path: str, page: str, **data: str):
    return client.post(path, data={"csrf_token": token_for(client, page), **data})


def _change_password(client: FlaskClient, current: str, new: str, again: str | None = None):
    return _post(
        client,
        "/account/password",
        "/account/password",
        current_password=current,
        new_password=new,
        repeat_password=new if again is None else again,
    )


def _log_out(client: FlaskClient) -> None:
    assert _post(client, "/logout", "/account/").status_code == 302


# ------------------------------------------------------------------------- sessions


def test_a_copied_session_cookie_is_worthless_after_logging_out(
    accounts: Flask, client: FlaskClient
) -> None:
    assert login(client).status_code == 302
    copy = _copy_of(accounts, client)
    assert _signed_in(copy)

    _log_out(client)

    assert not _signed_in(client)
    refused = copy.get("/student/")
    assert refused.status_code == 302
    assert refused.headers["Location"].startswith("/login")
    with accounts.app_context():
        assert db.session.query(LoginSession).count() == 0


def test_changing_the_password_signs_out_every_other_browser_but_this_one(
    accounts: Flask,
) -> None:
    laptop = logged_in_client(accounts, "ada@example.com")
    phone = logged_in_client(accounts, "ada@example.com")
    teacher = logged_in_client(accounts, "grace@example.com")

    changed = _change_password(laptop, PASSWORD, NEW_PASSWORD)

    assert changed.status_code == 302
    assert "1 other browser was signed out" in laptop.get("/account/").get_data(as_text=True)
    assert _signed_in(laptop)
    assert not _signed_in(phone)
    # Another account's sessions are not touched.
    assert teacher.get("/teacher/").status_code == 200
    # The new password logs in; the old one no longer does.
    assert login(accounts.test_client(), "ada@example.com", PASSWORD).status_code == 200
    assert login(accounts.test_client(), "ada@example.com", NEW_PASSWORD).status_code == 302


def test_log_out_everywhere_else(accounts: Flask) -> None:
    here = logged_in_client(accounts, "ada@example.com")
    school_computer = logged_in_client(accounts, "ada@example.com")
    phone = logged_in_client(accounts, "ada@example.com")
    assert "signed in on 3 browsers" in here.get("/account/").get_data(as_text=True)

    response = _post(here, "/account/log-out-elsewhere", "/account/")

    assert response.status_code == 302
    page = here.get("/account/").get_data(as_text=True)
    assert "2 other browsers were signed out" in page
    assert "Only this browser is signed in" in page
    assert not _signed_in(school_computer)
    assert not _signed_in(phone)
    assert _signed_in(here)


def test_a_session_from_before_the_server_kept_sessions_is_signed_out(
    accounts: Flask, client: FlaskClient
) -> None:
    """A cookie naming a user but no login session (as every cookie did before) opens nothing."""
    login(client)
    with client.session_transaction() as session:
        session.pop("login_session")
    assert not _signed_in(client)


def test_the_account_pages_need_a_login(client: FlaskClient) -> None:
    for path in ("/account/", "/account/password"):
        response = client.get(path)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login")


# ----------------------------------------------------------------- name and email


def test_changing_name_and_email_needs_the_current_password(accounts: Flask) -> None:
    client = logged_in_client(accounts, "ada@example.com")
    page = client.get("/account/").get_data(as_text=True)
    assert 'value="ada@example.com"' in page and 'value="Ada Lovelace"' in page

    wrong = _post(
        client,
        "/account/profile",
        "/account/",
        name="Ada King",
        email="ada.king@example.com",
        current_password="not my password",
    )
    assert wrong.status_code == 200
    html = wrong.get_data(as_text=True)
    assert field_error(html, "current_password") == "That is not your current password."
    # What was typed stays on the page.
    assert 'value="ada.king@example.com"' in html

    right = _post(
        client,
        "/account/profile",
        "/account/",
        name="  Ada King ",
        email="Ada.King@Example.COM\u200b",
        current_password=PASSWORD,
    )
    assert right.status_code == 302
    with accounts.app_context():
        user = db.session.execute(db.select(User).filter_by(name="Ada King")).scalar_one()
        assert user.email == "ada.king@example.com"
    assert "Ada King" in client.get("/student/").get_data(as_text=True)
    assert login(accounts.test_client(), "ada.king@example.com").status_code == 302


@pytest.mark.parametrize(
    ("name", "email", "field", "message"),
    [
        ("Ada", "grace@example.com", "email", TAKEN),
        ("Ada", "\uff47race@example.com", "email", TAKEN),
        ("Ada", "not-an-email", "email", "'not-an-email' is not an email address"),
        ("", "ada@example.com", "name", "This field is required."),
    ],
)  # fmt: skip
def test_a_refused_profile_change_says_why_next_to_the_field(
    accounts: Flask, name: str, email: str, field: str, message: str
) -> None:
    client = logged_in_client(accounts, "ada@example.com")
    response = _post(
        client,
        "/account/profile",
        "/account/",
        name=name,
        email=email,
        current_password=PASSWORD,
    )
    assert response.status_code == 200
    assert field_error(response.get_data(as_text=True), field) == message
    with accounts.app_context():
        emails = set(db.session.scalars(db.select(User.email)))
    assert emails == {"ada@example.com", "grace@example.com"}


# ----------------------------------------------------------------------- passwords


@pytest.mark.parametrize(
    ("current", "new", "again", "field", "message"),
    [
        ("not my password", NEW_PASSWORD, None, "current_password", WRONG),
        (PASSWORD, "1234567890", None, "new_password", COMMON),
        (PASSWORD, "lovelace forever", None, "new_password", PERSONAL),
        (PASSWORD, "x" * 201, None, "new_password", TOO_LONG),
        (PASSWORD, "short", None, "new_password", "Use at least 10 characters."),
        (PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "s", "repeat_password", DIFFER),
        (PASSWORD, PASSWORD, None, "new_password", SAME),
    ],
)  # fmt: skip
def test_a_refused_password_change_says_why_and_changes_nothing(
    accounts: Flask, current: str, new: str, again: str | None, field: str, message: str
) -> None:
    client = logged_in_client(accounts, "ada@example.com")
    other = logged_in_client(accounts, "ada@example.com")

    response = _change_password(client, current, new, again)

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert field_error(html, field) == message
    assert new not in html
    assert login(accounts.test_client(), "ada@example.com", PASSWORD).status_code == 302
    assert _signed_in(other)


# -------------------------------------------------------------------------- caching


def test_every_signed_in_page_says_no_store(accounts: Flask) -> None:
    student = logged_in_client(accounts, "ada@example.com")
    teacher = logged_in_client(accounts, "grace@example.com")
    for client, path in [
        (student, "/student/"),
        (student, "/student/progress"),
        (student, "/account/"),
        (student, "/"),
        (teacher, "/teacher/"),
        (teacher, "/teacher/questions"),
    ]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "no-store", path


def test_public_pages_may_be_cached(accounts: Flask, client: FlaskClient) -> None:
    for path in ("/", "/login", "/signup"):
        response = client.get(path)
        assert response.status_code == 200
        assert "no-store" not in response.headers.get("Cache-Control", ""), path


# -------------------------------------------------------------------------- guessing


def test_refused_current_passwords_pause_changes_to_the_account(accounts: Flask) -> None:
    client = logged_in_client(accounts, "ada@example.com")
    # Refused new passwords are the owner's own typing, not guesses: they are not counted.
    for _ in range(6):
        assert _change_password(client, PASSWORD, "1234567890").status_code == 200
    for _ in range(5):
        assert _change_password(client, "a wrong guess", NEW_PASSWORD).status_code == 200

    paused = _change_password(client, PASSWORD, NEW_PASSWORD)

    assert paused.status_code == 429
    assert "The current password was refused too many times" in paused.get_data(as_text=True)
    assert login(accounts.test_client(), "ada@example.com", PASSWORD).status_code == 302
    # Another account is not paused.
    grace = logged_in_client(accounts, "grace@example.com")
    assert _change_password(grace, PASSWORD, NEW_PASSWORD).status_code == 302


def test_deleting_the_account_signs_out_its_other_browsers(accounts: Flask) -> None:
    """Also when the row stays, scrubbed, for attempts a class keeps anonymised."""
    with accounts.app_context():
        teacher = db.session.execute(db.select(User).filter_by(role=Role.TEACHER)).scalar_one()
        ada = db.session.execute(db.select(User).filter_by(role=Role.STUDENT)).scalar_one()
        school_class = create_class(teacher)
        enrol(ada, school_class)
        quiz = create_assessment(teacher, school_class, load_article((ECONOMY,)))
        submitted_attempt_for(quiz, ada)
        ada_id = ada.id
    here = logged_in_client(accounts, "ada@example.com")
    elsewhere = logged_in_client(accounts, "ada@example.com")

    deleted = _post(here, "/student/data/delete", "/student/data", email="ada@example.com")

    assert deleted.status_code == 302
    assert not _signed_in(elsewhere)
    with accounts.app_context():
        assert db.session.get(User, ada_id).deleted_at is not None
        assert db.session.query(LoginSession).count() == 0


def test_the_account_page_links_a_students_data_and_not_a_teachers(accounts: Flask) -> None:
    student_page = logged_in_client(accounts, "ada@example.com").get("/account/")
    teacher_page = logged_in_client(accounts, "grace@example.com").get("/account/")
    assert 'href="/student/data"' in student_page.get_data(as_text=True)
    assert 'href="/student/data"' not in teacher_page.get_data(as_text=True)
