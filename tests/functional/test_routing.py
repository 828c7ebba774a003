"""Integer URL parts past what the database holds are a 404 on every route, never a 500."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from werkzeug.routing import IntegerConverter

from quizapp.routing import MAX_ROUTE_INT, digits_at_most
from tests.factories import (
    create_student,
    create_teacher,
    logged_in_client,
)

HUGE = (MAX_ROUTE_INT + 1, 2**63, 10**40)


def _int_routes(app: Flask) -> list[tuple[str, list[str], set[str]]]:
    """(endpoint, its int arguments, its methods) of every route with an int part."""
    found = []
    for rule in app.url_map.iter_rules():
        ints = [
            name for name, conv in rule._converters.items() if isinstance(conv, IntegerConverter)
        ]
        if ints:
            found.append((rule.endpoint, ints, set(rule.methods or ()) - {"HEAD", "OPTIONS"}))
    return found


def test_every_route_with_an_integer_part_is_listed(app: Flask) -> None:
    assert len(_int_routes(app)) >= 20


@pytest.mark.parametrize("value", HUGE)
def test_integers_past_the_database_range_are_404_for_everyone(app: Flask, value: int) -> None:
    with app.app_context():
        create_teacher()
        create_student()
    clients = {
        "anonymous": app.test_client(),
        "teacher": logged_in_client(app, "grace@example.com"),
        "student": logged_in_client(app, "ada@example.com"),
    }
    with app.test_request_context():
        from flask import url_for

        urls = [
            (url_for(endpoint, **dict.fromkeys(ints, 1)), ints, methods)
            for endpoint, ints, methods in _int_routes(app)
        ]
    failures = []
    for url_with_ones, _ints, methods in urls:
        # Every int part of the route set to the huge value ("/1/" never stands for text).
        url = url_with_ones.replace("/1/", f"/{value}/").removesuffix("/1") + (
            f"/{value}" if url_with_ones.endswith("/1") else ""
        )
        assert str(value) in url, url_with_ones
        for who, client in clients.items():
            for method in sorted(methods):
                status = client.open(url, method=method).status_code
                if status != 404:
                    failures.append((who, method, url, status))
    assert failures == []


def test_the_largest_id_the_database_holds_is_simply_not_found(app: Flask) -> None:
    with app.app_context():
        create_teacher()
    teacher = logged_in_client(app, "grace@example.com")
    assert teacher.get(f"/teacher/quizzes/{MAX_ROUTE_INT}").status_code == 404


@pytest.mark.parametrize(
    ("limit", "inside", "outside"),
    [
        (0, ["0"], ["1", "10"]),
        (9, ["0", "9"], ["10", "99"]),
        (10, ["0", "9", "10"], ["11", "20", "100"]),
        (305, ["0", "99", "299", "300", "305"], ["306", "310", "400", "1000"]),
        (MAX_ROUTE_INT, ["0", "999999999", "2147483647"], ["2147483648", "2200000000", "9" * 11]),
    ],
)
def test_digits_at_most_matches_exactly_the_numbers_up_to_the_limit(
    limit: int, inside: list[str], outside: list[str]
) -> None:
    pattern = re.compile(digits_at_most(limit))
    assert [t for t in inside if not pattern.fullmatch(t)] == []
    assert [t for t in outside if pattern.fullmatch(t)] == []
