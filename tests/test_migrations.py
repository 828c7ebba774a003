"""The Alembic migrations: they build the models' schema, both ways, on every database."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from quizapp import create_app
from quizapp.extensions import db
from tests.conftest import POSTGRES_URL, settings_for


@pytest.fixture
def empty_database_url(tmp_path: Path) -> Iterator[str]:
    """A database with nothing in it: a new SQLite file, or a new PostgreSQL schema."""
    if POSTGRES_URL is None:
        yield f"sqlite:///{tmp_path / 'migrations.sqlite3'}"
        return
    schema = f"migration_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(POSTGRES_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


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
