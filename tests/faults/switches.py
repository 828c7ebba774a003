"""A read-only switch on an in-process app's own connections, for the test client and the
browser tests (the gunicorn tests use ``faulty_wsgi`` and the server's own settings)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask
from sqlalchemy import event

from quizapp.extensions import db


class ReadOnlySwitch:
    """Sets each connection the pool hands out read-only, or not, as ``on`` says:
    SQLite's ``PRAGMA query_only``, PostgreSQL's ``default_transaction_read_only``."""

    def __init__(self) -> None:
        self.on = False

    def __call__(self, dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        cursor = dbapi_connection.cursor()
        if isinstance(dbapi_connection, sqlite3.Connection):
            cursor.execute(f"PRAGMA query_only = {'ON' if self.on else 'OFF'}")
        else:
            cursor.execute(f"SET default_transaction_read_only = {'on' if self.on else 'off'}")
            # The setting applies from the next transaction, not the one the SET opened.
            dbapi_connection.commit()
        cursor.close()


@contextmanager
def read_only_switch(app: Flask) -> Iterator[ReadOnlySwitch]:
    """A switch on every connection ``app`` uses from now on; off and removed afterwards."""
    switch = ReadOnlySwitch()
    with app.app_context():
        engine = db.engine
    engine.dispose()  # every connection from now on goes through the switch
    event.listen(engine, "checkout", switch)
    try:
        yield switch
    finally:
        switch.on = False
        event.remove(engine, "checkout", switch)
        engine.dispose()
