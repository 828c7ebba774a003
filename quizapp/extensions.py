"""Extension objects, created unbound and attached to the app in ``create_app``."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flask import Flask
from flask.logging import default_handler
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import Engine, event

from quizapp.database import Base
from quizapp.rate_limit import limiter

# The migrations live beside the package, so commands work from any working directory.
MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"

db = SQLAlchemy(model_class=Base)
if TYPE_CHECKING:
    # Flask-SQLAlchemy builds db.Model at run time; type checkers see the declarative base.
    Model = Base
else:
    Model = db.Model
migrate = Migrate(directory=str(MIGRATIONS_DIR), render_as_batch=True, compare_type=True)
csrf = CSRFProtect()
login_manager = LoginManager()


def init_extensions(app: Flask) -> None:
    """Bind every extension to ``app`` and tune SQLite connections."""
    db.init_app(app)
    migrate.init_app(app, db)
    csrf.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)
    _show_limiter_warnings()
    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite":
            _listen_for_sqlite_connections(engine, app.config["SQLITE_BUSY_TIMEOUT_MS"])


def _show_limiter_warnings() -> None:
    # Flask-Limiter says on its own logger (which only has a NullHandler) when the shared
    # storage stops answering and counts fall back to each worker's memory; an operator
    # must see that, so it goes where the app's own messages go.
    limiter_logger = logging.getLogger("flask-limiter")
    if default_handler not in limiter_logger.handlers:
        limiter_logger.addHandler(default_handler)


def _listen_for_sqlite_connections(engine: Engine, busy_timeout_ms: int) -> None:
    # Registered on our own engine only: a listener on the Engine class would also touch
    # other applications' engines in the same process (tests create many apps).
    def set_pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    event.listen(engine, "connect", set_pragmas)
