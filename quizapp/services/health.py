"""Whether this server can do its work: the database answers."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from quizapp.extensions import db

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DatabaseHealth:
    """Whether the database answered, and if not why, in words safe to show anyone."""

    answers: bool
    problem: str | None = None


def database_health() -> DatabaseHealth:
    """Ask the database ``SELECT 1``.

    The reason given names only the kind of error: its message may carry the host, the
    user or the database name, so it goes to the log, not to whoever asked.
    """
    try:
        db.session.execute(text("SELECT 1")).scalar_one()
    except SQLAlchemyError as error:
        logger.warning("health check: the database did not answer SELECT 1: %s", error)
        db.session.rollback()
        return DatabaseHealth(
            answers=False,
            problem=f"the database did not answer SELECT 1 ({type(error).__name__})",
        )
    return DatabaseHealth(answers=True)
