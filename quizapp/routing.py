"""URL parts: integers in a route are database ids or positions, so they fit the column.

Werkzeug's ``int`` converter accepts any number of digits; a part past the range of the
database's integer columns (32-bit on PostgreSQL) would reach the query and fail there
with a 500 (``OverflowError`` on SQLite, "integer out of range" on PostgreSQL). Such a
URL names nothing, so it is a 404 like any other missing page.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from werkzeug.routing import IntegerConverter, Map

# The largest value of SQLAlchemy's Integer on every database we run on.
MAX_ROUTE_INT = 2**31 - 1


def digits_at_most(limit: int) -> str:
    """A regular expression for the numbers from 0 to ``limit`` as a URL writes them.

    Refusing a larger number in the pattern itself, not only after matching, makes it a
    404 for every method: Werkzeug answers 405 when a path fits another method's rule.
    """
    top = str(limit)
    parts = [f"[0-9]{{1,{len(top) - 1}}}"] if len(top) > 1 else []
    for place, digit in enumerate(top):
        if digit != "0":
            rest = len(top) - place - 1
            parts.append(
                f"{top[:place]}[0-{int(digit) - 1}]" + (f"[0-9]{{{rest}}}" if rest else "")
            )
    parts.append(top)
    return "(?:" + "|".join(parts) + ")"


class DatabaseIntConverter(IntegerConverter):
    """``<int:...>`` limited to what an integer column can hold (larger values: 404)."""

    regex = digits_at_most(MAX_ROUTE_INT)

    def __init__(self, url_map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ROUTE_INT)
        super().__init__(url_map, *args, **kwargs)


def init_app(app: Flask) -> None:
    """Use the bounded converter for every ``int`` part of every route."""
    app.url_map.converters["int"] = DatabaseIntConverter
