"""The rate limiter, apart from the database extensions so that views may decorate with it.

Storage comes from RATELIMIT_STORAGE_URI (memory:// by default; redis:// when several
workers or servers must share counts). ``quizapp.extensions`` binds it to the app.
"""

from __future__ import annotations

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

limiter = Limiter(key_func=get_remote_address)

PER_PROCESS_STORAGE = "memory://"


def per_worker_counts_warning(storage_uri: str, workers: int) -> str | None:
    """What to tell the operator when ``workers`` processes each keep their own counts.

    None when the counts are shared (a storage server) or there is one worker.
    """
    if workers <= 1 or not storage_uri.startswith(PER_PROCESS_STORAGE):
        return None
    return (
        f"Rate limits are counted in memory:// storage with {workers} workers: each worker "
        f"counts alone, so a limit lets through up to {workers} times as many requests. "
        "Set QUIZAPP_RATELIMIT_STORAGE_URI to a shared storage such as redis://host:6379 "
        "(see docs/deploy.md)."
    )
