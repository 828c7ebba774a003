"""One transaction per use case, however many services it calls.

Every service that writes runs its body in ``unit_of_work()``. The outermost block commits
when it ends (and rolls back on an exception); a block opened while another is running
only flushes, so a use case that calls other services still commits exactly once.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask_sqlalchemy.session import Session
from sqlalchemy.orm import scoped_session

from quizapp.extensions import db

_DEPTH = "quizapp.unit_of_work.depth"


@contextmanager
def unit_of_work() -> Iterator[scoped_session[Session]]:
    """Run a block as one transaction: commit at the outermost level, flush inside.

    An exception rolls the whole transaction back at the outermost level; inner blocks let
    it pass so the outer one decides.
    """
    session = db.session
    info = session.info
    depth = info.get(_DEPTH, 0)
    info[_DEPTH] = depth + 1
    try:
        yield session
        if depth:
            session.flush()
        else:
            session.commit()
    except BaseException:
        if not depth:
            session.rollback()
        raise
    finally:
        info[_DEPTH] = depth


def in_unit_of_work() -> bool:
    """True while a ``unit_of_work()`` block is open in this session."""
    return bool(db.session.info.get(_DEPTH, 0))
