"""Migration b5d8f2a4c6e9: server-kept login sessions and passwords that must change."""

from __future__ import annotations

import datetime as dt

from flask import Flask
from sqlalchemy import inspect, text

from quizapp.extensions import db
from tests import test_migrations

# The migration tests' fixtures: an empty SQLite file or PostgreSQL schema, and an app on it.
empty_database_url = test_migrations.empty_database_url
migrating_app = test_migrations.migrating_app

BEFORE = "a9c3e5f7b1d2"
AFTER = "b5d8f2a4c6e9"
T1 = dt.datetime(2026, 11, 1, 9, 0)


def _run(app: Flask, *args: str) -> None:
    result = app.test_cli_runner().invoke(args=["db", *args])
    assert result.exit_code == 0, result.output


def test_existing_accounts_keep_their_password_and_get_no_session(migrating_app: Flask) -> None:
    _run(migrating_app, "upgrade", BEFORE)
    with migrating_app.app_context(), db.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO users (id, email, name, password_hash, role, created_at) VALUES"
                " (1, 'ada@example.com', 'Ada', 'hash', 'STUDENT', :t)"
            ),
            {"t": T1},
        )
        # A class points at the account: a table copy of users would fail on it.
        connection.execute(
            text(
                "INSERT INTO classes (id, name, teacher_id, join_code, created_at)"
                " VALUES (9, 'Maths', 1, 'WXYZ2345', :t)"
            ),
            {"t": T1},
        )

    _run(migrating_app, "upgrade", AFTER)

    with migrating_app.app_context(), db.engine.begin() as connection:
        row = connection.execute(
            text("SELECT password_hash, must_change_password FROM users WHERE id = 1")
        ).one()
        assert (row.password_hash, bool(row.must_change_password)) == ("hash", False)
        assert connection.execute(text("SELECT count(*) FROM login_sessions")).scalar() == 0
        connection.execute(
            text(
                "INSERT INTO login_sessions (token_hash, user_id, created_at) VALUES ('h', 1, :t)"
            ),
            {"t": T1},
        )
        # Deleting an account takes its sessions with it.
        connection.execute(text("DELETE FROM classes WHERE id = 9"))
        connection.execute(text("DELETE FROM users WHERE id = 1"))
        assert connection.execute(text("SELECT count(*) FROM login_sessions")).scalar() == 0

        # An account other rows point at (as every teacher's is).
        connection.execute(
            text(
                "INSERT INTO users (id, email, name, password_hash, role, created_at) VALUES"
                " (2, 'grace@example.com', 'Grace', 'hash', 'TEACHER', :t)"
            ),
            {"t": T1},
        )
        connection.execute(
            text(
                "INSERT INTO classes (id, name, teacher_id, join_code, created_at)"
                " VALUES (1, 'History', 2, 'ABCD2345', :t)"
            ),
            {"t": T1},
        )

    _run(migrating_app, "downgrade", BEFORE)

    with migrating_app.app_context():
        inspector = inspect(db.engine)
        assert "login_sessions" not in inspector.get_table_names()
        assert "must_change_password" not in {c["name"] for c in inspector.get_columns("users")}
    with migrating_app.app_context(), db.engine.begin() as connection:
        assert connection.execute(text("SELECT name FROM classes")).scalar() == "History"
