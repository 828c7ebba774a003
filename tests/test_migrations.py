"""The Alembic migrations: they build the models' schema, both ways, on every database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import pytest
from flask import Flask
from sqlalchemy import inspect, text

from quizapp import create_app
from quizapp.extensions import db
from quizapp.models import Attempt, AttemptQuestion, AttemptState, QuestionVersion, Response
from tests.conftest import settings_for
from tests.factories import ECONOMY, NOW, load_article
from tests.helpers import empty_database


@pytest.fixture
def empty_database_url(tmp_path: Path) -> Iterator[str]:
    """A database with nothing in it: a new SQLite file, or a new PostgreSQL schema."""
    with empty_database(tmp_path / "migrations.sqlite3", "migration_test") as url:
        yield url


@pytest.fixture
def migrating_app(empty_database_url: str) -> Iterator[Flask]:
    app = create_app(settings_for(empty_database_url))
    yield app
    with app.app_context():
        db.engine.dispose()


def table_names(app: Flask) -> set[str]:
    with app.app_context():
        return set(inspect(db.engine).get_table_names())


def model_tables() -> set[str]:
    return set(db.metadata.tables)


def test_upgrade_creates_every_table_and_db_check_finds_no_drift(migrating_app: Flask) -> None:
    runner = migrating_app.test_cli_runner()

    upgrade = runner.invoke(args=["db", "upgrade"])
    assert upgrade.exit_code == 0, upgrade.output
    assert table_names(migrating_app) == model_tables() | {"alembic_version"}

    check = runner.invoke(args=["db", "check"])
    # Exit 0 means no drift; the last test shows a drift makes it fail.
    assert check.exit_code == 0, check.output


def test_downgrade_to_base_and_upgrade_again(migrating_app: Flask) -> None:
    runner = migrating_app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0

    downgrade = runner.invoke(args=["db", "downgrade", "base"])
    assert downgrade.exit_code == 0, downgrade.output
    assert table_names(migrating_app) == {"alembic_version"}

    again = runner.invoke(args=["db", "upgrade"])
    assert again.exit_code == 0, again.output
    assert table_names(migrating_app) == model_tables() | {"alembic_version"}


def test_db_check_notices_a_model_the_migrations_do_not_have(migrating_app: Flask) -> None:
    runner = migrating_app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    with migrating_app.app_context(), db.engine.begin() as connection:
        connection.execute(text("DROP TABLE review_cards"))

    check = runner.invoke(args=["db", "check"])

    assert check.exit_code != 0


# Parallel starts could leave two attempts in progress at one quiz for one student, before
# the migration that forbids it; it keeps the one holding answers and drops empty twins.
BEFORE_ONE_IN_PROGRESS = "e8b2c6d4f0a1"


def _open_twins(app: Flask, *, both_answered: bool) -> tuple[int, int]:
    """Two open attempts at one quiz by one student, the first answered; their ids.

    Written with plain INSERTs: the services expect the schema after the migration.
    """
    with app.app_context():
        # This schema predates further evidence quotes (migration a9c3e5f7b1d2).
        # No quiz exists yet for the bank load to check (its check reads classes, whose
        # model has a column this schema has not yet).
        with mock.patch("quizapp.services.bank.quizzes_left_short", return_value=[]):
            article = load_article((ECONOMY,), first_quotes_only=True)
        # Accounts, class and quiz as the schema of then had them (later migrations add
        # columns the models would write).
        for user_id, email, role in (
            (1, "grace@example.com", "teacher"),
            (2, "ada@example.com", "student"),
        ):
            db.session.execute(
                text(
                    "INSERT INTO users (id, email, name, password_hash, role, created_at)"
                    " VALUES (:id, :email, :email, 'x', :role, :now)"
                ),
                {"id": user_id, "email": email, "role": role, "now": NOW},
            )
        db.session.execute(
            text(
                "INSERT INTO classes (id, name, teacher_id, join_code, created_at)"
                " VALUES (1, 'History', 1, 'ABCD2345', :now)"
            ),
            {"now": NOW},
        )
        db.session.execute(
            text(
                "INSERT INTO quizzes (id, title, kind, article_id, class_id, owner_id,"
                " grading_method, feedback_timing, shuffle_choices, published_at, created_at,"
                " updated_at) VALUES (1, 'Quiz', 'assessment', :article, 1, 1, 'highest',"
                " 'after_submit', false, :now, :now, :now)"
            ),
            {"article": article.id, "now": NOW},
        )
        quiz_id, student_id = 1, 2
        version_id = db.session.scalars(db.select(QuestionVersion.id)).first()

        def open_attempt(number: int, answered: bool) -> int:
            attempt_id = db.session.execute(
                db.insert(Attempt)
                .values(
                    quiz_id=quiz_id,
                    student_id=student_id,
                    number=number,
                    seed=number,
                    state=AttemptState.IN_PROGRESS,
                    # The twin started later: the latest start is not what decides.
                    started_at=NOW + dt.timedelta(minutes=number),
                )
                .returning(Attempt.id)
            ).scalar_one()
            row_id = db.session.execute(
                db.insert(AttemptQuestion)
                .values(attempt_id=attempt_id, position=1, question_version_id=version_id)
                .returning(AttemptQuestion.id)
            ).scalar_one()
            if answered:
                db.session.execute(
                    db.insert(Response).values(attempt_question_id=row_id, answer=0, saved_at=NOW)
                )
            return attempt_id

        ids = open_attempt(1, True), open_attempt(2, both_answered)
        db.session.commit()
        return ids


def _open_attempt_ids(app: Flask) -> list[int]:
    with app.app_context():
        return list(
            db.session.scalars(
                db.select(Attempt.id).where(Attempt.state == AttemptState.IN_PROGRESS)
            )
        )


def test_upgrade_drops_an_open_twin_without_answers_and_keeps_the_answered_one(
    migrating_app: Flask,
) -> None:
    runner = migrating_app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade", BEFORE_ONE_IN_PROGRESS]).exit_code == 0
    answered, empty = _open_twins(migrating_app, both_answered=False)

    upgrade = runner.invoke(args=["db", "upgrade"])

    assert upgrade.exit_code == 0, upgrade.output
    assert _open_attempt_ids(migrating_app) == [answered]
    with migrating_app.app_context():
        assert db.session.get(Attempt, empty) is None
        assert len(db.session.scalars(db.select(Response.id)).all()) == 1


def test_upgrade_stops_rather_than_drop_answers_in_open_twins(
    migrating_app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    runner = migrating_app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade", BEFORE_ONE_IN_PROGRESS]).exit_code == 0
    first, second = _open_twins(migrating_app, both_answered=True)

    upgrade = runner.invoke(args=["db", "upgrade"])

    assert upgrade.exit_code != 0
    # It names the twin it would have dropped (the earlier start; the answers are as new).
    assert f"hold saved answers: [{first}]" in caplog.text
    assert sorted(_open_attempt_ids(migrating_app)) == [first, second]
