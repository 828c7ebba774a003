"""Migration d7e1f3a5b9c2: existing questions get the history their versions already hold."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import Flask
from sqlalchemy import text

from quizapp.extensions import db
from tests import test_migrations

# The migration tests' fixtures: an empty SQLite file or PostgreSQL schema, and an app on it.
empty_database_url = test_migrations.empty_database_url
migrating_app = test_migrations.migrating_app

BEFORE = "8378ab9e1f64"
T1, T2, T3 = (dt.datetime(2026, 11, day, 9, 0) for day in (1, 2, 3))


def _run(app: Flask, *args: str) -> None:
    result = app.test_cli_runner().invoke(args=["db", *args])
    assert result.exit_code == 0, result.output


def _seed(app: Flask) -> None:
    """Two teachers, a question edited once, and a retired question (old schema)."""
    statements = [
        (
            "INSERT INTO users (id, email, name, password_hash, role, created_at) VALUES "
            "(1, 'grace@example.com', 'Grace', 'x', 'teacher', :t1), "
            "(2, 'alan@example.com', 'Alan', 'x', 'teacher', :t1)"
        ),
        (
            "INSERT INTO articles (id, slug, title, authors, published, source, created_at,"
            " updated_at) VALUES (1, 'tea', 'Tea', '[]', '2024-01-02', 'Press', :t1, :t1)"
        ),
        (
            "INSERT INTO sections (id, article_id, position, slug, title, body) VALUES "
            "(1, 1, 1, 'europe', 'Europe', 'Tea came.')"
        ),
        (
            "INSERT INTO questions (id, article_id, section_id, bank_id, current_version_number,"
            " retired_at, evidence_stale, created_at) VALUES "
            "(1, 1, 1, 'edited', 2, NULL, false, :t1), (2, 1, 1, 'retired', 1, :t3, false, :t1)"
        ),
        (
            "INSERT INTO question_versions (id, question_id, number, type, prompt, fields,"
            " difficulty, points, tags, content_hash, created_by_id, created_at) VALUES "
            "(1, 1, 1, 'true_false', 'A?', '{}', 2, 1.0, '[]', 'a', 1, :t1), "
            "(2, 1, 2, 'true_false', 'B?', '{}', 2, 1.0, '[]', 'b', 2, :t2), "
            "(3, 2, 1, 'true_false', 'C?', '{}', 2, 1.0, '[]', 'c', NULL, :t1)"
        ),
    ]
    with app.app_context(), db.engine.begin() as connection:
        for statement in statements:
            connection.execute(text(statement), {"t1": T1, "t2": T2, "t3": T3})


EVENTS = sa.table(
    "question_events",
    sa.column("question_id", sa.Integer()),
    sa.column("kind", sa.String()),
    sa.column("actor_id", sa.Integer()),
    sa.column("version_number", sa.Integer()),
    sa.column("at", sa.DateTime()),
)


def _events(app: Flask) -> list[tuple]:
    with app.app_context(), db.engine.connect() as connection:
        rows = connection.execute(
            sa.select(EVENTS).order_by(EVENTS.c.question_id, EVENTS.c.at, EVENTS.c.kind)
        ).all()
    return [tuple(row) for row in rows]


def test_upgrade_back_fills_versions_and_retirements_and_downgrade_drops_the_table(
    migrating_app: Flask,
) -> None:
    _run(migrating_app, "upgrade", BEFORE)
    _seed(migrating_app)

    _run(migrating_app, "upgrade")

    assert _events(migrating_app) == [
        (1, "create", 1, 1, T1),
        (1, "edit", 2, 2, T2),
        (2, "create", None, 1, T1),
        (2, "retire", None, None, T3),
    ]
    _run(migrating_app, "downgrade", BEFORE)
    with migrating_app.app_context(), db.engine.connect() as connection:
        tables = set(sa.inspect(connection).get_table_names())
        assert "question_events" not in tables
        # Nothing else was touched.
        assert connection.execute(text("SELECT count(*) FROM question_versions")).scalar() == 3
