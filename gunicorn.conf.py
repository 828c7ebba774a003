"""Gunicorn settings for QuizApp.

Gunicorn reads this file when started from the repository root (as `make run` does);
from elsewhere pass `--config /path/to/gunicorn.conf.py`. Command-line options win.
"""

from __future__ import annotations

from typing import Any

from flask import Config

from quizapp.config import load_settings
from quizapp.rate_limit import per_worker_counts_warning


def when_ready(server: Any) -> None:
    """Say once, before the workers start, when each will keep its own rate-limit counts."""
    # The settings the app will read (defaults, then QUIZAPP_* variables), read here in
    # the master so that the warning comes once per start, not once per worker.
    settings = Config(".")
    load_settings(settings)
    warning = per_worker_counts_warning(
        str(settings["RATELIMIT_STORAGE_URI"]), int(server.cfg.workers)
    )
    if warning:
        server.log.warning(warning)
