"""Configuration: defaults here, overridden by ``QUIZAPP_*`` environment variables.

Every setting can be set as ``QUIZAPP_<NAME>`` (Flask's ``from_prefixed_env``), e.g.
``QUIZAPP_DATABASE_URL`` or ``QUIZAPP_SECRET_KEY``. Values that parse as JSON are decoded,
so ``QUIZAPP_SESSION_COOKIE_SECURE=true`` gives a bool.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any, ClassVar

SECRET_KEY_FILE = "secret_key"
DEFAULT_SQLITE_FILE = "quizapp.sqlite3"


class DefaultConfig:
    """Defaults safe for local use; production overrides them through the environment."""

    # A SQLite file in the instance folder unless QUIZAPP_DATABASE_URL says otherwise.
    DATABASE_URL: str | None = None
    SQLALCHEMY_ENGINE_OPTIONS: ClassVar[dict[str, Any]] = {"pool_pre_ping": True}
    # SQLite waits this long for a competing writer instead of failing at once.
    SQLITE_BUSY_TIMEOUT_MS = 5000
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    # Above IMPORT_MAX_BYTES, so an oversized import gets our message rather than a 413.
    MAX_CONTENT_LENGTH = 8 * 1024 * 1024
    WTF_CSRF_TIME_LIMIT = None
    # Where `flask bank load` and `make run` read the question bank from.
    BANK_PATH = "questions"
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    # Failed logins allowed per account and per client address before a 429.
    LOGIN_LIMIT_PER_ACCOUNT = "5 per 15 minutes"
    LOGIN_LIMIT_PER_ADDRESS = "20 per 15 minutes"
    # Largest question file a teacher may import (GIFT, Moodle XML, Aiken).
    IMPORT_MAX_BYTES = 5 * 1024 * 1024
    # `make run` on an empty database creates a demo teacher; turn off for real deployments.
    DEMO_ACCOUNTS = True
    # An answer in flight when the time runs out is still accepted for this long.
    ANSWER_GRACE_SECONDS = 15


def normalise_database_url(url: str) -> str:
    """Point bare PostgreSQL URLs at the psycopg 3 driver SQLAlchemy would not pick itself."""
    for bare in ("postgres://", "postgresql://"):
        if url.startswith(bare):
            return "postgresql+psycopg://" + url[len(bare) :]
    return url


def resolve_secret_key(instance_path: Path, *, may_generate: bool) -> str | None:
    """Return the key kept in the instance folder, creating it first when allowed.

    A generated key lives in ``instance/secret_key`` so sessions survive restarts on a
    developer's machine; it is never used unless nothing was set in the environment.
    """
    key_file = instance_path / SECRET_KEY_FILE
    if key_file.is_file():
        key = key_file.read_text(encoding="utf-8").strip()
        if key:
            return key
    if not may_generate:
        return None
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    key_file.write_text(key + "\n", encoding="utf-8")
    key_file.chmod(0o600)
    return key
