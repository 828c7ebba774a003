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


class DatabaseIntConverter(IntegerConverter):
    """``<int:...>`` limited to what an integer column can hold (larger values: 404)."""

    def __init__(self, url_map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ROUTE_INT)
        super().__init__(url_map, *args, **kwargs)


def init_app(app: Flask) -> None:
    """Use the bounded converter for every ``int`` part of every route."""
    app.url_map.converters["int"] = DatabaseIntConverter
