"""create_app: configuration from the environment, the secret key, SQLite connections."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import text

from quizapp import create_app
from quizapp.config import normalise_database_url
from quizapp.extensions import db
from tests.conftest import POSTGRES_URL


@pytest.fixture
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No QUIZAPP_* variables, and an instance folder of the test's own."""
    for name in ("QUIZAPP_SECRET_KEY", "QUIZAPP_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    instance = tmp_path / "instance"
    monkeypatch.setattr(Flask, "auto_find_instance_path", lambda self: str(instance))
    return instance


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgresql://u:p@host/db", "postgresql+psycopg://u:p@host/db"),
        ("postgres://u:p@host/db", "postgresql+psycopg://u:p@host/db"),
        ("postgresql+psycopg://u:p@host/db", "postgresql+psycopg://u:p@host/db"),
        ("sqlite:///x.sqlite3", "sqlite:///x.sqlite3"),
    ],
)
def test_bare_postgres_urls_use_psycopg3(url: str, expected: str) -> None:
    assert normalise_database_url(url) == expected


def test_settings_come_from_quizapp_variables(
    clean_environment: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("QUIZAPP_SECRET_KEY", "from-the-environment")
    monkeypatch.setenv("QUIZAPP_DATABASE_URL", f"sqlite:///{tmp_path / 'env.sqlite3'}")
    monkeypatch.setenv("QUIZAPP_SESSION_COOKIE_SECURE", "true")

    app = create_app()

    assert app.config["SECRET_KEY"] == "from-the-environment"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'env.sqlite3'}"
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_default_database_is_a_sqlite_file_in_the_instance_folder(
    clean_environment: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QUIZAPP_SECRET_KEY", "k")
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == (
        f"sqlite:///{clean_environment / 'quizapp.sqlite3'}"
    )


def test_without_a_secret_key_production_refuses_to_start(clean_environment: Path) -> None:
    with pytest.raises(RuntimeError, match="QUIZAPP_SECRET_KEY is not set"):
        create_app()
    assert not (clean_environment / "secret_key").exists()


def test_testing_generates_a_key_once_into_the_instance_folder(clean_environment: Path) -> None:
    first = create_app({"TESTING": True})
    second = create_app({"TESTING": True})

    key_file = clean_environment / "secret_key"
    assert key_file.read_text().strip() == first.config["SECRET_KEY"]
    assert second.config["SECRET_KEY"] == first.config["SECRET_KEY"]
    assert len(first.config["SECRET_KEY"]) >= 32
    assert key_file.stat().st_mode & 0o777 == 0o600


def test_debug_generates_a_key_too(clean_environment: Path) -> None:
    app = create_app({"DEBUG": True})
    assert app.config["SECRET_KEY"]


def test_a_key_kept_in_the_instance_folder_is_used_in_production(
    clean_environment: Path,
) -> None:
    clean_environment.mkdir(parents=True)
    (clean_environment / "secret_key").write_text("kept-locally\n")
    assert create_app().config["SECRET_KEY"] == "kept-locally"


@pytest.mark.skipif(POSTGRES_URL is not None, reason="SQLite connection settings")
def test_sqlite_connections_get_the_pragmas(app: Flask) -> None:
    with app.app_context(), db.engine.connect() as connection:
        pragma = {
            name: connection.execute(text(f"PRAGMA {name}")).scalar()
            for name in ("foreign_keys", "journal_mode", "busy_timeout", "synchronous")
        }
    # synchronous=1 is NORMAL.
    assert pragma == {
        "foreign_keys": 1,
        "journal_mode": "wal",
        "busy_timeout": 5000,
        "synchronous": 1,
    }


def test_pragma_listener_is_on_this_apps_engine_only(app: Flask, tmp_path: Path) -> None:
    from sqlalchemy import create_engine

    other = create_engine(f"sqlite:///{tmp_path / 'other.sqlite3'}")
    with other.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() != "wal"
    other.dispose()
