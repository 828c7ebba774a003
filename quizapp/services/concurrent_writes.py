"""What two requests racing each other need from the database, on SQLite and PostgreSQL.

Two tools, each hiding one difference between the databases:

- ``dialect_insert``: an INSERT that can say ``ON CONFLICT ... DO NOTHING / DO UPDATE``
  (both databases have it; SQLAlchemy spells it per dialect), so a double-clicked write
  meets the unique constraint inside the statement instead of as an ``IntegrityError``.
- ``take_write_lock``: makes this transaction the database's writer *before* it reads what
  it is about to decide on. SQLite has one writer at a time, but Python's sqlite3 driver
  opens the transaction lazily at the first INSERT/UPDATE, so the reads before it see a
  snapshot another request may change before the write; ``BEGIN IMMEDIATE`` takes the
  write lock first (waiting up to ``SQLITE_BUSY_TIMEOUT_MS``), and everything read after it
  is current until the commit. PostgreSQL locks rows instead (``SELECT ... FOR UPDATE``,
  see ``attempts.lock_attempt``), so there it does nothing.

Why these and not an isolation level: docs/schema.md, "Why it is shaped this way".
"""

from __future__ import annotations

import sqlite3
from typing import Any, cast

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite

from quizapp.extensions import Model, db


def dialect_insert(target: type[Model] | Table, dialect_name: str | None = None) -> Any:
    """An INSERT into ``target`` (a model, or a table for a plain Core statement) with the
    ``on_conflict_do_*`` methods of the database named (by default the session's).

    Typed ``Any`` because the two dialects' statements share the methods by name only.
    """
    if (dialect_name or db.session.get_bind().dialect.name) == "postgresql":
        return postgresql.insert(target)
    return sqlite.insert(target)


def take_write_lock() -> None:
    """On SQLite, start this session's transaction as the writer (``BEGIN IMMEDIATE``).

    Call it at the top of a unit of work, before the reads its writes depend on. When the
    transaction has already written something it holds the lock already and nothing is
    done; on PostgreSQL nothing is done (row locks serialise there).
    """
    connection = db.session.connection()
    if connection.dialect.name != "sqlite":
        return
    driver_connection = cast("sqlite3.Connection", connection.connection.driver_connection)
    if not driver_connection.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
