"""One place that turns HTTP errors into pages."""

from __future__ import annotations

from flask import Flask, render_template
from werkzeug.exceptions import HTTPException

# Codes with a page of their own; others use the generic error page.
PAGES = {404: "errors/404.html"}


def _render_http_error(error: HTTPException) -> tuple[str, int]:
    code = error.code or 500
    # Only a description a view wrote itself is worth showing; werkzeug's stock text is not.
    message = error.description if error.description != type(error).description else None
    template = PAGES.get(code, "errors/error.html")
    return render_template(template, error=error, message=message), code


def init_app(app: Flask) -> None:
    """Register the HTML error handlers."""
    app.register_error_handler(HTTPException, _render_http_error)
