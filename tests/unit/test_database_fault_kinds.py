"""Which database errors are faults of the database (a 503 that says so) and which are bugs.

The SQLite errors are real ones, made on an in-memory database; the PostgreSQL ones are
psycopg's own error classes, as the server's SQLSTATE selects them (a full disk cannot be
made to happen on the test server: see tests/faults).
"""

from __future__ import annotations

import sqlite3

import psycopg
import pytest
from psycopg import errors as pg_errors
from sqlalchemy import exc

from quizapp.errors import DatabaseFault, database_fault, fault_message


def _sqlite_error(*statements: str) -> sqlite3.Error:
    connection = sqlite3.connect(":memory:")
    try:
        for statement in statements[:-1]:
            connection.execute(statement)
        with pytest.raises(sqlite3.Error) as raised:
            connection.execute(statements[-1])
        return raised.value
    finally:
        connection.close()


def _wrapped(error: Exception) -> exc.DBAPIError:
    """The error as SQLAlchemy raises it from the driver's."""
    wrapped = exc.DBAPIError.instance("INSERT ...", {}, error, type(error))
    assert isinstance(wrapped, exc.DBAPIError)
    return wrapped


def test_sqlite_read_only_and_full_are_faults_and_a_constraint_is_a_bug() -> None:
    read_only = _sqlite_error(
        "CREATE TABLE t (x UNIQUE)", "PRAGMA query_only = ON", "INSERT INTO t VALUES (1)"
    )
    full = _sqlite_error("PRAGMA max_page_count = 1", "CREATE TABLE t (x)")
    duplicate = _sqlite_error(
        "CREATE TABLE t (x UNIQUE)", "INSERT INTO t VALUES (1)", "INSERT INTO t VALUES (1)"
    )
    no_table = _sqlite_error("SELECT * FROM missing")

    assert database_fault(_wrapped(read_only)) is DatabaseFault.READ_ONLY
    assert database_fault(_wrapped(full)) is DatabaseFault.FULL
    assert database_fault(_wrapped(duplicate)) is None
    assert database_fault(_wrapped(no_table)) is None


@pytest.mark.parametrize(
    ("error", "fault"),
    [
        (pg_errors.ReadOnlySqlTransaction, DatabaseFault.READ_ONLY),
        (pg_errors.DiskFull, DatabaseFault.FULL),
        (pg_errors.TooManyConnections, DatabaseFault.BUSY),
        (pg_errors.QueryCanceled, DatabaseFault.BUSY),
        (pg_errors.DeadlockDetected, DatabaseFault.BUSY),
        (pg_errors.AdminShutdown, DatabaseFault.UNREACHABLE),
        (pg_errors.CannotConnectNow, DatabaseFault.UNREACHABLE),
    ],
)
def test_postgres_faults_by_sqlstate(error: type[psycopg.Error], fault: DatabaseFault) -> None:
    assert database_fault(_wrapped(error("the server's words"))) is fault


def test_postgres_bugs_stay_bugs_and_a_lost_connection_is_unreachable() -> None:
    assert database_fault(_wrapped(pg_errors.UniqueViolation("duplicate key"))) is None
    assert database_fault(_wrapped(pg_errors.UndefinedTable("no such table"))) is None
    # Refused or dropped connections carry no SQLSTATE.
    refused = psycopg.OperationalError("connection refused")
    assert database_fault(_wrapped(refused)) is DatabaseFault.UNREACHABLE


def test_the_message_says_what_is_wrong_and_what_became_of_what_was_sent() -> None:
    posted = fault_message(DatabaseFault.FULL, "POST")
    assert posted.startswith("The server's disk is full, so what you sent was not saved.")
    assert "Answers saved earlier are safe." in posted
    assert "not saved" not in fault_message(DatabaseFault.FULL, "GET")
