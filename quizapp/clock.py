"""The one place that reads the wall clock.

Everything below the views takes ``now`` as an argument so that tests can pin time; views,
the CLI and column defaults get it from here.
"""

from __future__ import annotations

import datetime as dt


def utcnow() -> dt.datetime:
    """The current time, timezone-aware, in UTC."""
    return dt.datetime.now(dt.UTC)
