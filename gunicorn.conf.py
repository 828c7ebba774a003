"""Gunicorn settings for QuizApp.

Gunicorn reads this file when started from the repository root (as `make run` does);
from elsewhere pass `--config /path/to/gunicorn.conf.py`. Command-line options win.
"""

from __future__ import annotations

from typing import Any


def post_worker_init(worker: Any) -> None:
    """Say once per start when each worker keeps its own rate-limit counts."""
    # The first worker spawned has age 1; replacements count on, so this runs once.
    if worker.age != 1:
        return
    config = getattr(worker.wsgi, "config", None)
    if config is None:
        return
    from quizapp.rate_limit import per_worker_counts_warning

    warning = per_worker_counts_warning(
        str(config.get("RATELIMIT_STORAGE_URI", "")), worker.cfg.workers
    )
    if warning:
        worker.log.warning(warning)
