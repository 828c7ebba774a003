"""Migration e2b6d8f1a3c5: the password_resets table."""

from __future__ import annotations

import datetime as dt

import pytest
from flask import Flask
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from quizapp.extensions import db
from tests import test_migrations

# The migration tests' fixtures: an empty SQLite file or PostgreSQL schema, and an app on it.
empty_database_url = test_migrations.empty_database_url
migrating_app = test_migrations.migrating_app

BEFORE = "c4a7e9b2d6f1"
AFTER = "e2b6d8f1a3c5"
T1 = dt.datetime(2026, 11, 1, 9, 0)


def _run(app: Flask, *args: str) -> None:
    result = app.test_cli_runner().invoke(args=["db", *args])
    assert result.exit_code == 0, result.output


def _user(connection, user_id: int, email: str, role: str) -> None:
    connection.execute(
        text(
            "INSERT INTO users (id, email, name, password_hash, role, created_at) VALUES"
            " (:id, :email, 'Someone', 'hash', :role, :t)"
        ),
        {"id": user_id, "email": email, "role": role, "t": T1},
    )


def _reset(connection, reset_id: int, user_id: int, issued_by: int | None, code_hash: str):
    connection.execute(
        text(
            "INSERT INTO password_resets (id, user_id, code_hash, issued_by_id, created_at,"
            " expires_at) VALUES (:id, :user, :hash, :by, :t, :t)"
        ),
        {"id": reset_id, "user": user_id, "hash": code_hash, "by": issued_by, "t": T1},
    )


def test_the_table_keeps_accounts_and_follows_them_when_they_go(migrating_app: Flask) -> None:
    _run(migrating_app, "upgrade", BEFORE)
    with migrating_app.app_context(), db.engine.begin() as connection:
        _user(connection, 1, "ada@example.com", "STUDENT")
        _user(connection, 2, "grace@example.com", "TEACHER")
        # A class points at the teacher: a table copy of users would fail on it.
        connection.execute(
            text(
                "INSERT INTO classes (id, name, teacher_id, join_code, created_at)"
                " VALUES (9, 'Maths', 2, 'WXYZ2345', :t)"
            ),
            {"t": T1},
        )

    _run(migrating_app, "upgrade", AFTER)

    with migrating_app.app_context(), db.engine.begin() as connection:
        assert connection.execute(text("SELECT count(*) FROM users")).scalar() == 2
        _reset(connection, 1, 1, 2, "a" * 64)
        _reset(connection, 2, 2, None, "b" * 64)
    with (
        migrating_app.app_context(),
        pytest.raises(IntegrityError),
        db.engine.begin() as connection,
    ):
        _reset(connection, 3, 1, None, "a" * 64)  # a hash is unique
    with migrating_app.app_context(), db.engine.begin() as connection:
        # The issuing teacher's account goes: the student's code stays, without its issuer.
        connection.execute(text("DELETE FROM classes WHERE id = 9"))
        connection.execute(text("DELETE FROM password_resets WHERE user_id = 2"))
        connection.execute(text("DELETE FROM users WHERE id = 2"))
        row = connection.execute(text("SELECT user_id, issued_by_id FROM password_resets")).one()
        assert tuple(row) == (1, None)
        # The student's account goes: its codes go with it.
        connection.execute(text("DELETE FROM users WHERE id = 1"))
        assert connection.execute(text("SELECT count(*) FROM password_resets")).scalar() == 0

    _run(migrating_app, "downgrade", BEFORE)

    with migrating_app.app_context():
        assert "password_resets" not in inspect(db.engine).get_table_names()
    _run(migrating_app, "upgrade", AFTER)
