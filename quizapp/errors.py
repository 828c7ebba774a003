"""One place that turns HTTP errors into pages (HTML) or JSON (for fetch requests).

A database that refuses to work (read-only, disk full, busy, unreachable) is not a bug in
the request: it becomes a 503 that says what is wrong and that nothing sent was saved,
as JSON for the autosave script (which keeps the answer queued and retries) and as a page
for forms. Anything else the database raises stays a 500.
"""

from __future__ import annotations

import math
import time
from enum import Enum

from flask import Flask, Response, current_app, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException, ServiceUnavailable

from quizapp.domain.bank import MAX_ARTICLE_BYTES
from quizapp.extensions import db
from quizapp.rate_limit import limiter

# Codes with a page of their own; others use the generic error page.
PAGES = {
    403: "errors/403.html",
    404: "errors/404.html",
    413: "errors/413.html",
    429: "errors/429.html",
    503: "errors/503.html",
}
# How long a client should wait before sending again after a database fault.
RETRY_AFTER_SECONDS = 10


class DatabaseFault(Enum):
    """Why the database could not do a request's work; the value says it to a person."""

    READ_ONLY = "The database is read-only at the moment"
    FULL = "The server's disk is full"
    BUSY = "The database is too busy at the moment"
    UNREACHABLE = "The database cannot be reached at the moment"


# SQLite's primary result codes (the low byte of sqlite3.Error.sqlite_errorcode).
_SQLITE_FAULTS = {
    5: DatabaseFault.BUSY,  # SQLITE_BUSY
    6: DatabaseFault.BUSY,  # SQLITE_LOCKED
    8: DatabaseFault.READ_ONLY,  # SQLITE_READONLY (also PRAGMA query_only, mode=ro)
    10: DatabaseFault.UNREACHABLE,  # SQLITE_IOERR
    13: DatabaseFault.FULL,  # SQLITE_FULL
    14: DatabaseFault.UNREACHABLE,  # SQLITE_CANTOPEN
}
# PostgreSQL SQLSTATEs, whole codes first, then classes (the first two characters).
_POSTGRES_FAULTS = {
    "25006": DatabaseFault.READ_ONLY,  # read_only_sql_transaction (a standby, or set so)
    "53100": DatabaseFault.FULL,  # disk_full
    "55P03": DatabaseFault.BUSY,  # lock_not_available
    "57014": DatabaseFault.BUSY,  # query_canceled (a statement timeout)
    "40001": DatabaseFault.BUSY,  # serialization_failure
    "40P01": DatabaseFault.BUSY,  # deadlock_detected
    "57P03": DatabaseFault.UNREACHABLE,  # cannot_connect_now (starting up)
    "08": DatabaseFault.UNREACHABLE,  # connection exceptions
    "53": DatabaseFault.BUSY,  # insufficient resources: memory, connections
    "57": DatabaseFault.UNREACHABLE,  # operator intervention: shut down, cancelled
}


def database_fault(error: DBAPIError) -> DatabaseFault | None:
    """What is wrong with the database, when ``error`` says it is not the request's fault.

    None for errors that are bugs (a constraint, bad SQL): those stay 500s.
    """
    original = error.orig
    code = getattr(original, "sqlite_errorcode", None)
    if isinstance(code, int):
        return _SQLITE_FAULTS.get(code & 0xFF)
    sqlstate = getattr(original, "sqlstate", None)
    if isinstance(sqlstate, str):
        return _POSTGRES_FAULTS.get(sqlstate) or _POSTGRES_FAULTS.get(sqlstate[:2])
    # No code at all: the driver could not talk to the server (refused, dropped).
    if isinstance(error, OperationalError) or error.connection_invalidated:
        return DatabaseFault.UNREACHABLE
    return None


def fault_message(fault: DatabaseFault, method: str) -> str:
    """What the person is told: what is wrong, what became of what they sent, what to do."""
    if method in ("GET", "HEAD"):
        return f"{fault.value}. Please try again in a minute."
    return f"{fault.value}, so what you sent was not saved. Answers saved earlier are safe."


# A JSON error with {"reason": "csrf"} tells the page's script that the request was
# refused for its session (logged out, a new session since the page was loaded), not for
# what it sent: the script keeps the answer for after the student logs in again.


def wants_json() -> bool:
    """True for the JavaScript autosave and other fetch calls that ask for JSON."""
    return request.accept_mimetypes.best == "application/json" or request.is_json


def _retry_text() -> str:
    current = limiter.current_limit
    seconds = max(1, math.ceil(current.reset_at - time.time())) if current else 60
    if seconds < 90:
        return f"{seconds} seconds"
    return f"{math.ceil(seconds / 60)} minutes"


def _too_large_text() -> str:
    """Which limit a request over the size limits broke, with the sizes."""
    config = current_app.config
    sent, limit = request.content_length, config["MAX_CONTENT_LENGTH"]
    if sent is not None and limit is not None and sent > limit:
        return f"You sent {sent:,} bytes; this site accepts at most {limit:,} bytes in one form."
    # Within the request limit: werkzeug refused a text field over MAX_FORM_MEMORY_SIZE
    # (or a form of more than MAX_FORM_PARTS parts) while reading the form.
    in_all = f" (you sent {sent:,} bytes in all)" if sent is not None else ""
    return (
        f"A text field of the form holds more than {config['MAX_FORM_MEMORY_SIZE']:,} bytes, "
        f"the most one field may hold, or the form has more than {config['MAX_FORM_PARTS']:,} "
        f"fields{in_all}."
    )


def _render_http_error(error: HTTPException) -> tuple[str | Response, int]:
    code = error.code or 500
    # Only a description a view wrote itself is worth showing; werkzeug's stock text is not.
    message = error.description if error.description != type(error).description else None
    if wants_json():
        extra_json = {"reason": "csrf"} if isinstance(error, CSRFError) else {}
        return jsonify(error=error.name, message=message or error.description, **extra_json), code
    template = PAGES.get(code, "errors/error.html")
    extra: dict[str, object] = {"retry_text": _retry_text()} if code == 429 else {}
    if code == 413:
        extra = {"too_large": _too_large_text(), "max_article_bytes": MAX_ARTICLE_BYTES}
    return render_template(template, error=error, message=message, **extra), code


def _render_database_error(error: DBAPIError) -> tuple[str | Response, int, dict[str, str]]:
    fault = database_fault(error)
    if fault is None:
        raise error  # a bug, not a fault: Flask logs it and answers 500
    # The transaction is dead; a page rendered after it must not reuse it.
    db.session.rollback()
    current_app.logger.warning(
        "%s %s: %s (%s)", request.method, request.path, fault.name, str(error.orig).strip()
    )
    message = fault_message(fault, request.method)
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    try:
        body, code = _render_http_error(ServiceUnavailable(message))
    except DBAPIError:
        # The page's layout reads the logged-in user; with no database, say it in plain text.
        return Response(message, mimetype="text/plain"), 503, headers
    return body, code, headers


def init_app(app: Flask) -> None:
    """Register the error handlers."""
    app.register_error_handler(HTTPException, _render_http_error)
    app.register_error_handler(DBAPIError, _render_database_error)
