"""``/healthz``: for load balancers; no login, no rate limit, nothing secret in it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from quizapp import create_app
from quizapp.extensions import db
from quizapp.rate_limit import limiter
from tests.concurrency.conftest import free_port
from tests.conftest import settings_for


def test_healthz_answers_200_when_the_database_answers(client: FlaskClient) -> None:
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}
    assert response.headers["Cache-Control"] == "no-store"
    # No login, and nothing to remember the caller by.
    assert "Set-Cookie" not in response.headers


def _unreachable(url: str) -> Iterator[Flask]:
    app = create_app(settings_for(url))
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def unreachable_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Flask]:
    """An app whose database cannot be reached: a SQLite file in a folder that does not
    exist, or a PostgreSQL server on a port nobody listens on."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'no-such-folder' / 'quizapp.sqlite3'}"
    else:
        url = (
            f"postgresql+psycopg://quizapp:secret-pw@127.0.0.1:{free_port()}/quizapp_db"
            "?connect_timeout=5"
        )
    yield from _unreachable(url)


def test_healthz_answers_503_with_a_reason_and_no_secrets_when_the_database_does_not(
    unreachable_database: Flask,
) -> None:
    response = unreachable_database.test_client().get("/healthz")

    assert response.status_code == 503
    body = response.get_json()
    assert body == {
        "status": "unavailable",
        "database": "unreachable",
        "reason": "the database did not answer SELECT 1 (OperationalError)",
    }
    assert response.headers["Cache-Control"] == "no-store"
    text = response.get_data(as_text=True)
    for secret in ("secret-pw", "quizapp_db", "no-such-folder", "test-secret-key"):
        assert secret not in text


@pytest.fixture
def default_limit_of_two_a_minute(tmp_path: Path) -> Iterator[Flask]:
    """An app where every route has a default limit of 2 requests a minute."""
    settings = settings_for(f"sqlite:///{tmp_path / 'limited.sqlite3'}")
    app = create_app({**settings, "RATELIMIT_DEFAULT": "2 per minute"})
    yield app
    # The limiter is one object for every app of the run: take the default off again.
    limiter.limit_manager.set_default_limits([])
    with app.app_context():
        db.engine.dispose()


def test_healthz_is_exempt_from_rate_limits(default_limit_of_two_a_minute: Flask) -> None:
    with default_limit_of_two_a_minute.app_context():
        db.create_all()
    client = default_limit_of_two_a_minute.test_client()

    health = [client.get("/healthz").status_code for _ in range(5)]
    pages = [client.get("/signup").status_code for _ in range(3)]

    assert health == [200] * 5
    # The default limit is there: another page gets its 429 on the third request.
    assert pages == [200, 200, 429]
