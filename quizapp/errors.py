"""One place that turns HTTP errors into pages (HTML) or JSON (for fetch requests)."""

from __future__ import annotations

import math
import time

from flask import Flask, Response, current_app, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from quizapp.domain.bank import MAX_ARTICLE_BYTES
from quizapp.rate_limit import limiter

# Codes with a page of their own; others use the generic error page.
PAGES = {
    403: "errors/403.html",
    404: "errors/404.html",
    413: "errors/413.html",
    429: "errors/429.html",
}


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
        return jsonify(error=error.name, message=message or error.description), code
    template = PAGES.get(code, "errors/error.html")
    extra: dict[str, object] = {"retry_text": _retry_text()} if code == 429 else {}
    if code == 413:
        extra = {"too_large": _too_large_text(), "max_article_bytes": MAX_ARTICLE_BYTES}
    return render_template(template, error=error, message=message, **extra), code


def init_app(app: Flask) -> None:
    """Register the error handlers."""
    app.register_error_handler(HTTPException, _render_http_error)
