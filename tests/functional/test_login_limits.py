"""Login limits that hold a guesser back without locking the owner or a school out.

Refused log-ins count per (account, client address) and per client address, with the
app's default settings unless a test says otherwise. Addresses are set per request
(``REMOTE_ADDR``), as a proxy-less server sees them. The counts across several servers
are tested with Redis in tests/multi_server/.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from limits import parse

from quizapp import create_app
from quizapp.config import DefaultConfig
from quizapp.extensions import db
from tests.conftest import settings_for
from tests.factories import PASSWORD, create_student, page_text, token_for

WRONG_PASSWORD = "not the password at all"
ATTACKER = "203.0.113.7"
OWNER_AT_HOME = "198.51.100.20"
SCHOOL = "192.0.2.50"
# Students behind one address: two classes by default (each costs a few requests);
# QUIZAPP_TEST_SCHOOL_SIZE=300 runs the size the default limit is set for.
SCHOOL_SIZE = int(os.environ.get("QUIZAPP_TEST_SCHOOL_SIZE", "60"))


def _post_login(
    client: FlaskClient,
    token: str,
    email: str,
    password: str,
    address: str,
    headers: dict[str, str] | None = None,
):
    return client.post(
        "/login",
        data={"csrf_token": token, "email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
        headers=headers,
    )


def _retry_text(html: str) -> str | None:
    found = re.search(r"try again in (\d+ (?:seconds|minutes))", page_text(html))
    return found.group(1) if found else None


@pytest.fixture
def ada(app: Flask) -> str:
    with app.app_context():
        return create_student("ada@example.com", "Ada Lovelace").email


def test_the_owner_logs_in_from_elsewhere_while_an_attacker_hammers_the_account(
    app: Flask, ada: str
) -> None:
    attacker = app.test_client()
    token = token_for(attacker)
    replies = [
        _post_login(attacker, token, ada, f"{WRONG_PASSWORD} {n}", ATTACKER).status_code
        for n in range(30)
    ]

    # The default allows 5 refused log-ins per account and address, then pauses that pair.
    assert replies == [200] * 5 + [429] * 25
    # Even the right password is not tried from there while the pair is paused.
    guessed = _post_login(attacker, token, ada, PASSWORD, ATTACKER)
    assert guessed.status_code == 429
    html = guessed.get_data(as_text=True)
    assert "too many refused log-ins from your network address" in page_text(html)
    assert "this account from other addresses" in page_text(html)
    assert _retry_text(html) == "15 minutes", page_text(html)
    assert "Traceback" not in html

    owner = app.test_client()
    reply = _post_login(owner, token_for(owner), ada, PASSWORD, OWNER_AT_HOME)

    assert reply.status_code == 302
    # (Sessions are tied to the address they logged in from.)
    assert owner.get("/student/", environ_base={"REMOTE_ADDR": OWNER_AT_HOME}).status_code == 200


def test_the_attackers_address_may_still_log_in_to_other_accounts(app: Flask, ada: str) -> None:
    with app.app_context():
        create_student("bob@example.com", "Bob Student")
    client = app.test_client()
    token = token_for(client)
    for n in range(6):
        _post_login(client, token, ada, f"{WRONG_PASSWORD} {n}", ATTACKER)

    # One paused pair does not pause the address: 6 refusals are far below its limit.
    assert _post_login(client, token, "bob@example.com", PASSWORD, ATTACKER).status_code == 302


def test_a_school_behind_one_address_each_mistyping_twice_all_get_in(app: Flask) -> None:
    with app.app_context():
        emails = [
            create_student(f"student{n}@school.example", f"Student {n}").email
            for n in range(SCHOOL_SIZE)
        ]
    outcomes = []
    for email in emails:
        student = app.test_client()
        token = token_for(student)
        first = _post_login(student, token, email, WRONG_PASSWORD, SCHOOL).status_code
        second = _post_login(student, token, email.upper(), PASSWORD[:-1], SCHOOL).status_code
        third = _post_login(student, token, email, PASSWORD, SCHOOL).status_code
        outcomes.append((first, second, third))

    assert outcomes == [(200, 200, 302)] * SCHOOL_SIZE


def test_the_default_address_limit_is_sized_for_300_students_mistyping_three_times() -> None:
    # What docs/deploy.md promises; the test above shows the mechanism at a smaller size.
    per_address = parse(DefaultConfig.LOGIN_LIMIT_PER_ADDRESS)

    assert per_address.amount >= 300 * 3
    assert per_address.get_expiry() <= 60 * 60


def test_an_address_refused_over_and_over_gets_a_429_that_says_why(app: Flask, ada: str) -> None:
    app.config["LOGIN_LIMIT_PER_ADDRESS"] = "20 per hour"
    with app.app_context():
        targets = [create_student(f"target{n}@example.com", "Target").email for n in range(10)]
    client = app.test_client()
    token = token_for(client)
    # Many accounts, a couple of guesses each: no pair is paused, the address is.
    for n in range(20):
        email = targets[n // 2]
        assert _post_login(client, token, email, WRONG_PASSWORD, ATTACKER).status_code == 200

    blocked = _post_login(client, token, ada, PASSWORD, ATTACKER)

    assert blocked.status_code == 429
    text = page_text(blocked.get_data(as_text=True))
    assert "Too many refused log-ins have come from your network address" in text
    assert "a school or office may share one" in text
    assert _retry_text(blocked.get_data(as_text=True)) == "60 minutes", text
    assert blocked.headers["Retry-After"].isdigit()
    # Asked for JSON, the same reason comes as JSON.
    as_json = client.post(
        "/login",
        data={"csrf_token": token, "email": ada, "password": PASSWORD},
        environ_base={"REMOTE_ADDR": ATTACKER},
        headers={"Accept": "application/json"},
    )
    assert as_json.status_code == 429
    assert "from your network address" in as_json.get_json()["message"]
    assert "Try again in 60 minutes." in as_json.get_json()["message"]
    # Another address is not affected.
    owner = app.test_client()
    assert _post_login(owner, token_for(owner), ada, PASSWORD, OWNER_AT_HOME).status_code == 302


def test_a_successful_log_in_clears_its_pairs_count(app: Flask, ada: str) -> None:
    app.config["LOGIN_LIMIT_PER_ACCOUNT_AND_ADDRESS"] = "3 per 15 minutes"
    client = app.test_client()
    outcomes = []
    for _ in range(3):
        token = token_for(client)
        outcomes += [
            _post_login(client, token, ada, WRONG_PASSWORD, OWNER_AT_HOME).status_code,
            _post_login(client, token, ada, WRONG_PASSWORD, OWNER_AT_HOME).status_code,
            _post_login(client, token, ada, PASSWORD, OWNER_AT_HOME).status_code,
        ]

    # Without the clearing, the fourth refusal would have been the pair's fourth: a 429.
    assert outcomes == [200, 200, 302] * 3


def test_addresses_in_one_ipv6_64_count_as_one_address(app: Flask, ada: str) -> None:
    app.config["LOGIN_LIMIT_PER_ADDRESS"] = "3 per hour"
    client = app.test_client()
    token = token_for(client)
    for n in range(3):
        address = f"2001:db8:1:2::{n + 1:x}"
        reply = _post_login(client, token, ada, f"{WRONG_PASSWORD} {n}", address)
        assert reply.status_code == 200

    same_network = _post_login(client, token, ada, PASSWORD, "2001:db8:1:2:ffff::9")
    other_network = _post_login(client, token, ada, PASSWORD, "2001:db8:1:3::1")

    assert same_network.status_code == 429
    assert other_network.status_code == 302


def test_ipv4_clients_seen_as_ipv6_mapped_addresses_count_one_by_one(app: Flask, ada: str) -> None:
    # A server listening on [::] sees IPv4 clients as ::ffff:a.b.c.d, all in one /64.
    app.config["LOGIN_LIMIT_PER_ADDRESS"] = "3 per hour"
    client = app.test_client()
    token = token_for(client)
    for n in range(3):
        reply = _post_login(client, token, ada, f"{WRONG_PASSWORD} {n}", f"::ffff:{ATTACKER}")
        assert reply.status_code == 200

    same_client = _post_login(client, token, ada, PASSWORD, ATTACKER)
    other_client = _post_login(client, token, ada, PASSWORD, f"::ffff:{OWNER_AT_HOME}")

    assert same_client.status_code == 429
    assert other_client.status_code == 302


# --------------------------------------------------------------------------- proxies


@pytest.fixture
def behind_one_proxy(app: Flask) -> Iterator[Flask]:
    """The test database, served by an app that trusts one reverse proxy."""
    proxied = create_app(
        {**settings_for(app.config["SQLALCHEMY_DATABASE_URI"]), "TRUSTED_PROXY_COUNT": 1}
    )
    yield proxied
    with proxied.app_context():
        db.session.remove()
        db.engine.dispose()


PROXY = "10.0.0.2"


def test_behind_a_trusted_proxy_the_client_is_the_address_the_proxy_saw(
    behind_one_proxy: Flask, ada: str
) -> None:
    attacker = behind_one_proxy.test_client()
    token = token_for(attacker)
    for n in range(5):
        # The attacker writes an address of its own in front; the proxy appends the real one.
        forwarded = {"X-Forwarded-For": f"192.0.2.{n}, {ATTACKER}"}
        reply = _post_login(attacker, token, ada, WRONG_PASSWORD, PROXY, forwarded)
        assert reply.status_code == 200

    again = _post_login(
        attacker, token, ada, PASSWORD, PROXY, {"X-Forwarded-For": f"192.0.2.99, {ATTACKER}"}
    )
    owner = behind_one_proxy.test_client()
    home = _post_login(
        owner, token_for(owner), ada, PASSWORD, PROXY, {"X-Forwarded-For": OWNER_AT_HOME}
    )

    assert again.status_code == 429
    # Everyone arrives through the same proxy, yet the owner is counted apart.
    assert home.status_code == 302


@pytest.mark.parametrize("count", ["two", -1, True, 1.5])
def test_a_trusted_proxy_count_that_is_not_a_whole_number_stops_the_start(
    tmp_path, count: object
) -> None:
    settings = settings_for(f"sqlite:///{tmp_path / 'unused.sqlite3'}")
    with pytest.raises(RuntimeError, match="QUIZAPP_TRUSTED_PROXY_COUNT must be a whole number"):
        create_app({**settings, "TRUSTED_PROXY_COUNT": count})


def test_the_old_per_account_setting_is_reported_as_renamed(
    tmp_path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = settings_for(f"sqlite:///{tmp_path / 'unused.sqlite3'}")
    with caplog.at_level(logging.WARNING, logger="quizapp"):
        app = create_app({**settings, "LOGIN_LIMIT_PER_ACCOUNT": "3 per hour"})

    assert "QUIZAPP_LOGIN_LIMIT_PER_ACCOUNT is no longer read" in caplog.text
    assert "set QUIZAPP_LOGIN_LIMIT_PER_ACCOUNT_AND_ADDRESS instead" in caplog.text
    with app.app_context():
        db.engine.dispose()
