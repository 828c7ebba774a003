"""Configuration: defaults here, overridden by ``QUIZAPP_*`` environment variables.

Every setting can be set as ``QUIZAPP_<NAME>`` (Flask's ``from_prefixed_env``), e.g.
``QUIZAPP_DATABASE_URL`` or ``QUIZAPP_SECRET_KEY``. Values that parse as JSON are decoded,
so ``QUIZAPP_SESSION_COOKIE_SECURE=true`` gives a bool.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any, ClassVar

from flask import Config

from quizapp.domain.media import DEFAULT_MAX_FILE_BYTES, DEFAULT_MAX_IMPORT_BYTES

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
    # memory:// counts in each worker process alone; several workers or servers share
    # counts only through a storage such as redis://host:6379 (see docs/deploy.md).
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    # When the shared storage stops answering, count in the worker's memory meanwhile
    # instead of failing every log-in with a 500.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    # Refused log-ins, counted per (account, client address) pair: a guesser is held back
    # on one account from one address, while its owner logging in from elsewhere is not.
    LOGIN_LIMIT_PER_ACCOUNT_AND_ADDRESS = "5 per 15 minutes"
    # Refused log-ins per client address, whatever the account. A school or office shares
    # one address (NAT): sized for 300 students mistyping three times each in an hour.
    LOGIN_LIMIT_PER_ADDRESS = "1000 per hour"
    # Refused current passwords on the account page, per account: a browser left signed
    # in must not become a way to guess its owner's password.
    CURRENT_PASSWORD_LIMIT = "5 per 15 minutes"
    # How many reverse proxies in front of the app set X-Forwarded-For/-Proto; 0 trusts
    # no forwarded header (the client could write any address into it).
    TRUSTED_PROXY_COUNT = 0
    # Largest question file a teacher may import (GIFT, Moodle XML, Aiken).
    IMPORT_MAX_BYTES = 5 * 1024 * 1024
    # Largest image one question may show, and the most image bytes one import may carry
    # (stored content-addressed in the instance folder's media/; see docs/bank-format.md).
    # Where images are stored; None means the instance folder's media/. Several servers
    # must share one folder (see docs/deploy.md).
    MEDIA_FOLDER: str | None = None
    MEDIA_MAX_FILE_BYTES = DEFAULT_MAX_FILE_BYTES
    MEDIA_MAX_IMPORT_BYTES = DEFAULT_MAX_IMPORT_BYTES
    # `make run` on an empty database creates a demo teacher; turn off for real deployments.
    DEMO_ACCOUNTS = True
    # An answer in flight when the time runs out is still accepted for this long.
    ANSWER_GRACE_SECONDS = 15
    # `flask bank calibrate` sets a question's difficulty once this many students' first
    # attempts have graded it (docs/item-writing.md, "Difficulty").
    CALIBRATION_MIN_ATTEMPTS = 30
    # Password help (docs/accounts.md). A teacher's reset code is handed over in the next
    # lesson, so it lasts two days; an emailed link is used at once.
    PASSWORD_RESET_CODE_HOURS = 48
    PASSWORD_RESET_LINK_MINUTES = 60
    # POSTs of "Forgot your password?" per client address, and per address typed (so one
    # mailbox is not flooded); refused POSTs of the reset form per client address.
    FORGOT_LIMIT_PER_ADDRESS = "20 per hour"
    FORGOT_LIMIT_PER_EMAIL = "3 per hour"
    RESET_LIMIT_PER_ADDRESS = "30 per hour"
    # Outgoing mail, for emailed reset links. Mail is on when MAIL_SERVER is set.
    MAIL_SERVER: str | None = None
    # 587 is the submission port with STARTTLS; for implicit TLS use 465 and MAIL_USE_SSL.
    MAIL_PORT = 587
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_USE_TLS = True
    MAIL_USE_SSL = False
    # The From address; None uses MAIL_USERNAME.
    MAIL_SENDER: str | None = None
    MAIL_TIMEOUT = 10
    # The site's address for links in emails, e.g. https://quiz.example.org. None takes it
    # from the request, whose Host header a client can forge: set it in production.
    MAIL_BASE_URL: str | None = None


def load_settings(config: Config) -> None:
    """The defaults above, then the ``QUIZAPP_*`` environment variables, into ``config``.

    ``create_app`` starts from this; gunicorn.conf.py reads it to check the settings before
    any worker has built the app.
    """
    config.from_object(DefaultConfig)
    config.from_prefixed_env(prefix="QUIZAPP")


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
