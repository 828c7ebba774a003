"""Migration a9c3e5f7b1d2: question versions get a column for their further evidence quotes."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import Flask
from sqlalchemy import inspect, text

from quizapp.extensions import db
from quizapp.models import QuestionVersion
from quizapp.services.questions import content_hash, version_to_domain
from tests import test_migrations

# The migration tests' fixtures: an empty SQLite file or PostgreSQL schema, and an app on it.
empty_database_url = test_migrations.empty_database_url
migrating_app = test_migrations.migrating_app

BEFORE = "f4b8e1a6c3d7"
T1 = dt.datetime(2026, 11, 1, 9, 0)
BODIES = ("Tea came from China.", "Dutch traders sold it.")


def _run(app: Flask, *args: str) -> None:
    result = app.test_cli_runner().invoke(args=["db", *args])
    assert result.exit_code == 0, result.output


def _seed(app: Flask) -> None:
    """An article with two sections and a true/false question quoting the first."""
    with app.app_context(), db.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO articles (id, slug, title, authors, published, source, created_at,"
                " updated_at) VALUES (1, 'tea', 'Tea', '[]', '2024-01-02', 'Press', :t, :t)"
            ),
            {"t": T1},
        )
        for number, body in enumerate(BODIES, start=1):
            connection.execute(
                text(
                    "INSERT INTO sections (id, article_id, position, slug, title, body) VALUES "
                    "(:n, 1, :n, :slug, :slug, :body)"
                ),
                {"n": number, "slug": f"s{number}", "body": body},
            )
        connection.execute(
            text(
                "INSERT INTO questions (id, article_id, section_id, bank_id,"
                " current_version_number, retired_at, evidence_stale, created_at)"
                " VALUES (1, 1, 1, 'q1', 1, NULL, false, :t)"
            ),
            {"t": T1},
        )
        connection.execute(
            text(
                "INSERT INTO question_versions (id, question_id, number, type, prompt, fields,"
                " evidence, difficulty, points, tags, content_hash, created_at) VALUES"
                " (1, 1, 1, 'true_false', 'From China?', '{\"answer\": true}',"
                " 'Tea came from China.', 2, 1.0, '[]', 'old', :t)"
            ),
            {"t": T1},
        )


def _columns(app: Flask) -> set[str]:
    with app.app_context():
        return {column["name"] for column in inspect(db.engine).get_columns("question_versions")}


def test_upgrade_keeps_stored_evidence_and_downgrade_keeps_the_first_quote(
    migrating_app: Flask,
) -> None:
    _run(migrating_app, "upgrade", BEFORE)
    _seed(migrating_app)

    _run(migrating_app, "upgrade")

    assert "further_evidence" in _columns(migrating_app)
    with migrating_app.app_context():
        version = db.session.get_one(QuestionVersion, 1)
        assert (version.evidence, version.further_evidence, version.content_hash) == (
            "Tea came from China.",
            None,
            "old",
        )
        # A stored version means what it meant: one quote.
        assert version_to_domain(version, "q1").evidence_quotes == ("Tea came from China.",)
        # The app adds a further quote, as an edit would.
        version.further_evidence = ["Dutch traders sold it."]
        version.content_hash = "edited"  # other content: not the one-quote question cached
        question = version_to_domain(version, "q1")
        version.content_hash = content_hash(question)
        db.session.commit()
        one_quote_hash = content_hash(
            version_to_domain(
                QuestionVersion(
                    type="true_false",
                    prompt="From China?",
                    fields={"answer": True},
                    evidence="Tea came from China.",
                    difficulty=2,
                    points=1.0,
                    tags=[],
                    content_hash="",
                ),
                "q1",
            )
        )
        assert question.evidence_quotes == ("Tea came from China.", "Dutch traders sold it.")

    _run(migrating_app, "downgrade", BEFORE)

    assert "further_evidence" not in _columns(migrating_app)
    table = sa.table(
        "question_versions",
        sa.column("id", sa.Integer),
        sa.column("evidence", sa.Text),
        sa.column("content_hash", sa.String),
    )
    with migrating_app.app_context(), db.engine.connect() as connection:
        row = connection.execute(sa.select(table).where(table.c.id == 1)).one()
    # The first quote stays, and the hash is that of the one-quote question again.
    assert (row.evidence, row.content_hash) == ("Tea came from China.", one_quote_hash)
