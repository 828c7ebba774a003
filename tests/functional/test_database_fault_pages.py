"""A database that refuses writes, through the test client: what each kind of request gets.

The database is made read-only on the app's own connections (``tests.faults.switches``);
the same fault under real gunicorn workers, a full disk included, is in tests/faults.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_login.utils import _create_identifier as login_identity
from sqlalchemy import exc

from quizapp import create_app
from tests.conftest import settings_for
from tests.factories import (
    ClassWorld,
    build_class_world,
    logged_in_client,
    session_token,
    stored_answers,
)
from tests.faults.switches import ReadOnlySwitch, read_only_switch
from tests.serving import free_port

REFUSED = (
    "The database is read-only at the moment, so what you sent was not saved. "
    "Answers saved earlier are safe."
)


@pytest.fixture
def world(app: Flask) -> ClassWorld:
    return build_class_world(app)


@pytest.fixture
def ada(app: Flask, world: ClassWorld) -> FlaskClient:
    return logged_in_client(app, "ada@example.com")


@pytest.fixture
def read_only(app: Flask, world: ClassWorld, ada: FlaskClient) -> Iterator[ReadOnlySwitch]:
    with read_only_switch(app) as switch:
        yield switch


def _question(world: ClassWorld, position: int) -> str:
    return f"/student/attempts/{world.attempt_id}/questions/{position}"


def _saved(app: Flask, world: ClassWorld) -> dict[int, object | None]:
    with app.app_context():
        return stored_answers(world.attempt_id)


def test_autosave_gets_a_503_with_json_the_page_shows(
    app: Flask, world: ClassWorld, ada: FlaskClient, read_only: ReadOnlySwitch
) -> None:
    token = session_token(ada)
    before = _saved(app, world)
    read_only.on = True

    response = ada.post(
        _question(world, 1) + "/autosave",
        data=world.forms[1],
        headers={"X-CSRFToken": token, "Accept": "application/json"},
    )

    assert response.status_code == 503
    assert response.get_json() == {"error": "Service Unavailable", "message": REFUSED}
    assert response.headers["Retry-After"] == "10"
    read_only.on = False
    assert _saved(app, world) == before == {1: world.wrong[1]}


def test_a_form_gets_a_page_that_says_so_and_reading_goes_on(
    app: Flask, world: ClassWorld, ada: FlaskClient, read_only: ReadOnlySwitch
) -> None:
    token = session_token(ada)
    read_only.on = True

    response = ada.post(
        _question(world, 1), data={**world.forms[1], "action": "next", "csrf_token": token}
    )

    page = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "<h1>Not available right now</h1>" in page
    assert REFUSED.replace("'", "&#39;") in page
    assert "Internal Server Error" not in page
    # Reading needs no write: the question page still opens, with the saved answer.
    assert ada.get(_question(world, 1)).status_code == 200
    read_only.on = False
    assert _saved(app, world) == {1: world.wrong[1]}


def test_once_writable_again_the_same_save_goes_through(
    app: Flask, world: ClassWorld, ada: FlaskClient, read_only: ReadOnlySwitch
) -> None:
    token = session_token(ada)
    url, headers = _question(world, 1) + "/autosave", {"X-CSRFToken": token}
    read_only.on = True
    assert ada.post(url, data=world.forms[1], headers=headers).status_code == 503

    read_only.on = False
    response = ada.post(url, data=world.forms[1], headers=headers)

    assert response.status_code == 200
    assert response.get_json()["status"] == "saved"
    assert _saved(app, world) == {1: world.keys[1]}


def _raising(error: Exception) -> Callable[[], str]:
    def view() -> str:
        raise error

    return view


def _real_sqlite_error(*statements: str) -> sqlite3.Error:
    """The error SQLite raises for the last of ``statements`` (an in-memory database)."""
    with closing(sqlite3.connect(":memory:")) as connection:
        for statement in statements[:-1]:
            connection.execute(statement)
        with pytest.raises(sqlite3.Error) as raised:
            connection.execute(statements[-1])
    return raised.value


def test_a_database_bug_stays_a_500_and_a_fault_is_a_503(tmp_path: Path) -> None:
    # Outside TESTING, as served: an unhandled error becomes the 500 page.
    app = create_app({**settings_for(f"sqlite:///{tmp_path / 'db.sqlite3'}"), "TESTING": False})
    duplicate = _real_sqlite_error(
        "CREATE TABLE t (x UNIQUE)", "INSERT INTO t VALUES (1)", "INSERT INTO t VALUES (1)"
    )
    full = _real_sqlite_error("PRAGMA max_page_count = 1", "CREATE TABLE t (x)")
    app.add_url_rule("/bug", "bug", _raising(exc.IntegrityError("INSERT", {}, duplicate)))
    app.add_url_rule("/full", "full", _raising(exc.OperationalError("INSERT", {}, full)))
    client = app.test_client()

    assert client.get("/bug").status_code == 500
    fault = client.get("/full", headers={"Accept": "application/json"})
    assert fault.status_code == 503
    assert fault.get_json()["message"] == "The server's disk is full. Please try again in a minute."


def test_an_unreachable_database_is_a_503_even_for_the_logged_in_layout() -> None:
    """The page layout loads the logged-in user, which needs the database too: the 503
    falls back to plain text rather than failing again."""
    nothing_there = f"postgresql+psycopg://quizapp@127.0.0.1:{free_port()}/quizapp"
    app = create_app({**settings_for(nothing_there), "TESTING": False})
    client = app.test_client()
    headers = {"User-Agent": "a browser"}
    # A session as logging in leaves it (with the identity session protection checks).
    with app.test_request_context(headers=headers, environ_base={"REMOTE_ADDR": "127.0.0.1"}):
        identity = login_identity()
    with client.session_transaction() as session:
        session.update(
            {"_user_id": "1", "_fresh": True, "_id": identity, "login_session": "a token"}
        )

    page = client.get("/student/", headers=headers)
    fetched = client.get("/student/", headers={**headers, "Accept": "application/json"})

    said = "The database cannot be reached at the moment. Please try again in a minute."
    assert (page.status_code, page.mimetype, page.get_data(as_text=True)) == (
        503,
        "text/plain",
        said,
    )
    assert (fetched.status_code, fetched.get_json()["message"]) == (503, said)
