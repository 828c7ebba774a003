"""The app as ``wsgi.py`` builds it, plus a switch the fault tests flip while it serves.

SQLite has no server-side setting that turns a database read-only for the connections a
running app already holds, so each connection, as the pool hands it to a request, reads
the switch file named by QUIZAPP_TEST_FAULT_SWITCH and sets SQLite's own ``PRAGMA
query_only`` to match ("read-only" in the file: on; anything else: off). A write then
fails inside SQLite with SQLITE_READONLY, as it does on a read-only file or a ``mode=ro``
open. On PostgreSQL the switch is not read: the tests use the server's own
``default_transaction_read_only`` there.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import event

from quizapp import create_app
from quizapp.extensions import db

READ_ONLY = "read-only"


def create_faulty_app() -> Flask:
    """What gunicorn serves as ``tests.faults.faulty_wsgi:create_faulty_app()``."""
    app = create_app()
    switch = Path(os.environ["QUIZAPP_TEST_FAULT_SWITCH"])

    def follow_the_switch(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        read_only = switch.is_file() and switch.read_text().strip() == READ_ONLY
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA query_only = {'ON' if read_only else 'OFF'}")
        cursor.close()

    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            event.listen(db.engine, "checkout", follow_the_switch)
    return app
