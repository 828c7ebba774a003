"""Migration c4a7e9b2d6f1: classes choose what a deleted student's attempts become, and
accounts record their deletion; rows that point at classes and users survive both ways."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy import inspect, text

from quizapp.extensions import db
from tests import test_migrations

# The migration tests' fixtures: an empty SQLite file or PostgreSQL schema, and an app on it.
empty_database_url = test_migrations.empty_database_url
migrating_app = test_migrations.migrating_app

BEFORE = "b5d8f2a4c6e9"
T1 = dt.datetime(2026, 11, 1, 9, 0)


def _run(app: Flask, *args: str) -> None:
    result = app.test_cli_runner().invoke(args=["db", *args])
    assert result.exit_code == 0, result.output


def _seed(app: Flask) -> None:
    """A teacher, a student and a class the student is enrolled in."""
    with app.app_context(), db.engine.begin() as connection:
        for user_id, email, role in (
            (1, "t@example.com", "teacher"),
            (2, "s@example.com", "student"),
        ):
            connection.execute(
                text(
                    "INSERT INTO users (id, email, name, password_hash, role, created_at)"
                    " VALUES (:id, :email, :email, 'x', :role, :t)"
                ),
                {"id": user_id, "email": email, "role": role, "t": T1},
            )
        connection.execute(
            text(
                "INSERT INTO classes (id, name, teacher_id, join_code, created_at)"
                " VALUES (1, '10B', 1, 'ABCDEFGH', :t)"
            ),
            {"t": T1},
        )
        connection.execute(
            text(
                "INSERT INTO enrolments (id, class_id, student_id, joined_at) VALUES (1, 1, 2, :t)"
            ),
            {"t": T1},
        )


def _columns(app: Flask, table: str) -> set[str]:
    with app.app_context():
        return {column["name"] for column in inspect(db.engine).get_columns(table)}


def _rows(app: Flask, sql: str) -> list[tuple[object, ...]]:
    with app.app_context(), db.engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(sql))]


def test_upgrade_adds_the_choice_and_deleted_at_and_keeps_every_row(
    migrating_app: Flask,
) -> None:
    _run(migrating_app, "upgrade", BEFORE)
    _seed(migrating_app)

    _run(migrating_app, "upgrade")

    assert "deleted_student_data" in _columns(migrating_app, "classes")
    assert "deleted_at" in _columns(migrating_app, "users")
    # Existing classes keep a deleted student's attempts, anonymised.
    assert _rows(migrating_app, "SELECT id, deleted_student_data FROM classes") == [
        (1, "anonymise")
    ]
    assert _rows(migrating_app, "SELECT id, deleted_at FROM users ORDER BY id") == [
        (1, None),
        (2, None),
    ]
    # Nothing pointing at the class was lost on the way (a copy of the table would have
    # deleted the enrolment through its ON DELETE CASCADE).
    assert _rows(migrating_app, "SELECT id, class_id, student_id FROM enrolments") == [(1, 1, 2)]
    with migrating_app.app_context():
        names = {c["name"] for c in inspect(db.engine).get_check_constraints("classes")}
    assert "ck_classes_deleted_student_data" in names


def test_the_database_refuses_a_choice_it_does_not_know(migrating_app: Flask) -> None:
    _run(migrating_app, "upgrade")
    _seed(migrating_app)

    with (
        migrating_app.app_context(),
        pytest.raises(sa.exc.IntegrityError, match=r"ck_classes_deleted_student_data|CHECK"),
        db.engine.begin() as connection,
    ):
        connection.execute(text("UPDATE classes SET deleted_student_data = 'forget'"))
    with migrating_app.app_context(), db.engine.begin() as connection:
        connection.execute(text("UPDATE classes SET deleted_student_data = 'remove'"))
    assert _rows(migrating_app, "SELECT deleted_student_data FROM classes") == [("remove",)]


def test_downgrade_drops_both_columns_and_keeps_every_row(migrating_app: Flask) -> None:
    _run(migrating_app, "upgrade", BEFORE)
    _seed(migrating_app)
    _run(migrating_app, "upgrade")

    _run(migrating_app, "downgrade", BEFORE)

    assert "deleted_student_data" not in _columns(migrating_app, "classes")
    assert "deleted_at" not in _columns(migrating_app, "users")
    assert _rows(migrating_app, "SELECT id FROM classes") == [(1,)]
    assert _rows(migrating_app, "SELECT id FROM users ORDER BY id") == [(1,), (2,)]
    assert _rows(migrating_app, "SELECT id, class_id, student_id FROM enrolments") == [(1, 1, 2)]

    _run(migrating_app, "upgrade")
    assert _rows(migrating_app, "SELECT deleted_student_data FROM classes") == [("anonymise",)]
