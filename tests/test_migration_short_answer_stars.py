"""Migration f4b8e1a6c3d7: a star stored in a short answer before wildcards stays a star."""

from __future__ import annotations

import datetime as dt
import json

import sqlalchemy as sa
from flask import Flask
from sqlalchemy import text

from quizapp.extensions import db
from quizapp.models import QuestionVersion
from quizapp.services.questions import content_hash, version_to_domain
from tests import test_migrations

# The migration tests' fixtures: an empty SQLite file or PostgreSQL schema, and an app on it.
empty_database_url = test_migrations.empty_database_url
migrating_app = test_migrations.migrating_app

BEFORE = "d3f1a7c9e2b4"
T1 = dt.datetime(2026, 11, 1, 9, 0)
STARRED = ["2*3", {"text": "a*b", "fraction": 0.5, "feedback": "Close."}]
PLAIN = ["Paris"]


def _run(app: Flask, *args: str) -> None:
    result = app.test_cli_runner().invoke(args=["db", *args])
    assert result.exit_code == 0, result.output


def _seed(app: Flask) -> None:
    """Two short answers stored before wildcards, one with stars, and a true/false."""
    versions = [
        (1, "short", json.dumps({"answers": STARRED})),
        (2, "short", json.dumps({"answers": PLAIN})),
        (3, "true_false", json.dumps({"answer": True})),
    ]
    with app.app_context(), db.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO articles (id, slug, title, authors, published, source, created_at,"
                " updated_at) VALUES (1, 'tea', 'Tea', '[]', '2024-01-02', 'Press', :t, :t)"
            ),
            {"t": T1},
        )
        connection.execute(
            text(
                "INSERT INTO sections (id, article_id, position, slug, title, body) VALUES "
                "(1, 1, 1, 'europe', 'Europe', 'Tea came.')"
            )
        )
        for number, kind, fields in versions:
            connection.execute(
                text(
                    "INSERT INTO questions (id, article_id, section_id, bank_id,"
                    " current_version_number, retired_at, evidence_stale, created_at)"
                    " VALUES (:n, 1, 1, :bank, 1, NULL, false, :t)"
                ),
                {"n": number, "bank": f"q{number}", "t": T1},
            )
            connection.execute(
                text(
                    "INSERT INTO question_versions (id, question_id, number, type, prompt,"
                    " fields, difficulty, points, tags, content_hash, created_at) VALUES"
                    " (:n, :n, 1, :kind, 'What?', :fields, 2, 1.0, '[]', 'old', :t)"
                ),
                {"n": number, "kind": kind, "fields": fields, "t": T1},
            )


def _versions(app: Flask) -> dict[int, tuple[dict, str]]:
    table = sa.table(
        "question_versions",
        sa.column("id", sa.Integer),
        sa.column("fields", sa.JSON),
        sa.column("content_hash", sa.String),
    )
    with app.app_context(), db.engine.connect() as connection:
        rows = connection.execute(sa.select(table).order_by(table.c.id)).all()
    return {row.id: (row.fields, row.content_hash) for row in rows}


def test_upgrade_escapes_stored_stars_and_downgrade_writes_them_back(
    migrating_app: Flask,
) -> None:
    _run(migrating_app, "upgrade", BEFORE)
    _seed(migrating_app)

    _run(migrating_app, "upgrade")

    versions = _versions(migrating_app)
    fields, stored_hash = versions[1]
    assert fields == {
        "answers": ["2\\*3", {"text": "a\\*b", "fraction": 0.5, "feedback": "Close."}]
    }
    # Only the version with stars changed.
    assert versions[2] == ({"answers": PLAIN}, "old")
    assert versions[3] == ({"answer": True}, "old")
    with migrating_app.app_context():
        version = db.session.get_one(QuestionVersion, 1)
        question = version_to_domain(version, "q1")
        # The stars are still stars: what was right stays right, nothing else became right.
        assert (question.grade("2*3"), question.grade("2x3"), question.grade("2 times 3")) == (
            1.0,
            0.0,
            0.0,
        )
        assert (question.grade("a*b"), question.grade("ab")) == (0.5, 0.0)
        assert stored_hash == content_hash(question)

    _run(migrating_app, "downgrade", BEFORE)
    assert _versions(migrating_app)[1][0] == {"answers": STARRED}
