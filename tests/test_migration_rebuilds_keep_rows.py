"""Migrations that rebuild a table on SQLite (Alembic's batch copy) keep the rows that
point at it: the copy drops the old table, which with foreign keys on would fail, or
delete the referring rows through their ON DELETE CASCADE."""

from __future__ import annotations

import datetime as dt

from flask import Flask
from sqlalchemy import text

from quizapp.extensions import db
from tests import test_migrations

empty_database_url = test_migrations.empty_database_url
migrating_app = test_migrations.migrating_app

# Before 'quizzes.keys_in_practice' (a rebuild of quizzes, which attempts point at) and
# the question rebuilds that follow it.
BEFORE_QUIZ_REBUILD = "d7e1f3a5b9c2"
T1 = dt.datetime(2026, 11, 1, 9, 0)


def _run(app: Flask, *args: str) -> None:
    result = app.test_cli_runner().invoke(args=["db", *args])
    assert result.exit_code == 0, result.output


def _counts(app: Flask) -> dict[str, int]:
    with app.app_context(), db.engine.begin() as connection:
        return {
            table: connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
            for table in ("users", "classes", "enrolments", "quizzes", "attempts")
        }


def test_upgrading_and_downgrading_a_school_with_data_keeps_every_row(
    migrating_app: Flask,
) -> None:
    _run(migrating_app, "upgrade", BEFORE_QUIZ_REBUILD)
    with migrating_app.app_context(), db.engine.begin() as connection:
        statements = [
            "INSERT INTO articles (id, slug, title, authors, published, source, created_at,"
            " updated_at) VALUES (1, 'tea', 'Tea', '[]', '2024-01-02', 'Press', :t, :t)",
            "INSERT INTO users (id, email, name, password_hash, role, created_at) VALUES"
            " (1, 'grace@example.com', 'Grace', 'x', 'teacher', :t),"
            " (2, 'ada@example.com', 'Ada', 'x', 'student', :t)",
            "INSERT INTO classes (id, name, teacher_id, join_code, created_at)"
            " VALUES (1, 'History', 1, 'ABCD2345', :t)",
            "INSERT INTO enrolments (id, class_id, student_id, joined_at) VALUES (1, 1, 2, :t)",
            "INSERT INTO quizzes (id, title, kind, article_id, class_id, owner_id,"
            " grading_method, feedback_timing, shuffle_choices, published_at, created_at,"
            " updated_at) VALUES (1, 'Quiz', 'assessment', 1, 1, 1, 'highest',"
            " 'after_submit', false, :t, :t, :t)",
            "INSERT INTO attempts (id, quiz_id, student_id, number, seed, state, started_at,"
            " submitted_automatically) VALUES (1, 1, 2, 1, 7, 'submitted', :t, false)",
        ]
        for statement in statements:
            connection.execute(text(statement), {"t": T1})
    before = _counts(migrating_app)

    _run(migrating_app, "upgrade")
    assert _counts(migrating_app) == before

    _run(migrating_app, "downgrade", BEFORE_QUIZ_REBUILD)
    assert _counts(migrating_app) == before
