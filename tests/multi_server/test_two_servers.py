"""Two app servers behind one (simulated) proxy, on one database and one Redis.

Each server is its own gunicorn with two workers, so a request may land in any of four
processes. They share nothing but the database, Redis and the secret key, as in
docs/deploy.md. The test plays the reverse proxy: both servers trust one proxy
(QUIZAPP_TRUSTED_PROXY_COUNT=1) and each request says in X-Forwarded-For which client
address it comes from.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask

from quizapp.extensions import db
from quizapp.models import Attempt, AttemptState
from quizapp.services.attempts import drawn_questions
from tests.concurrency.conftest import Browser, Reply, unique_email
from tests.factories import (
    ECONOMY,
    PASSWORD,
    answer_form,
    correct_answer,
    create_assessment,
    create_class,
    create_student,
    create_teacher,
    csrf_token,
    enrol,
    load_article,
    section_rule,
)
from tests.multi_server.conftest import Gunicorn, migrated_database, running_redis, serving

WORKERS_PER_SERVER = 2
PAIR_LIMIT = 4
ADDRESS_LIMIT = 12
WRONG_PASSWORD = "not the password at all"
_addresses = (f"203.0.113.{n}" for n in itertools.count(10))


@dataclass(frozen=True)
class Site:
    """Servers A and B, and an in-process app on their database."""

    a: Gunicorn
    b: Gunicorn
    app: Flask


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    directory = tmp_path_factory.mktemp("two-servers")
    with running_redis(directory) as redis, migrated_database(directory) as app:
        env = {
            "QUIZAPP_RATELIMIT_STORAGE_URI": redis.url,
            "QUIZAPP_TRUSTED_PROXY_COUNT": "1",
            "QUIZAPP_LOGIN_LIMIT_PER_ACCOUNT_AND_ADDRESS": f"{PAIR_LIMIT} per 15 minutes",
            "QUIZAPP_LOGIN_LIMIT_PER_ADDRESS": f"{ADDRESS_LIMIT} per hour",
        }
        with serving(app, directory, names=("a", "b"), workers=WORKERS_PER_SERVER, env=env) as (
            a,
            b,
        ):
            yield Site(a, b, app)


def on(browser: Browser, server: Gunicorn) -> Browser:
    """The same browser (cookies, CSRF token), now sent to ``server`` by the proxy."""
    browser.port = server.port
    return browser


def log_in(browser: Browser, email: str, password: str, address: str) -> Reply:
    """Post the log-in form from client ``address`` (the page's token fetched first)."""
    browser.fetch_token("/login")
    form = {"email": email, "password": password, "csrf_token": browser.token}
    return browser.request("POST", "/login", form, headers={"X-Forwarded-For": address})


def _student(site: Site) -> str:
    with site.app.app_context():
        return create_student(unique_email("student"), "Student").email


# ------------------------------------------------------------------------------ attempts


def test_a_student_continues_an_attempt_across_both_servers(site: Site) -> None:
    """Start on A, answer every question on B (form and autosave), submit on A."""
    with site.app.app_context():
        article = load_article((ECONOMY,))
        teacher = create_teacher(unique_email("teacher"))
        school_class = create_class(teacher)
        student = create_student(unique_email("ada"), "Ada")
        enrol(student, school_class)
        quiz = create_assessment(
            teacher, school_class, article, rules=[section_rule(article, ECONOMY, 4)]
        )
        email, quiz_id = student.email, quiz.id
    browser = site.a.browser()
    assert log_in(browser, email, PASSWORD, "127.0.0.1").status == 302
    browser.fetch_token("/student/")

    started = on(browser, site.a).post(f"/student/quizzes/{quiz_id}/start")
    assert started.status == 302, started.body[:500]
    assert started.location is not None
    base = started.location.split("/questions/")[0]
    attempt_id = int(base.rsplit("/", 1)[1])
    with site.app.app_context():
        forms = [
            (answer_form(item, correct_answer(item.question)), correct_answer(item.question))
            for item in drawn_questions(db.session.get(Attempt, attempt_id))
        ]

    on(browser, site.b)
    first_page = browser.get(f"{base}/questions/1")
    assert first_page.status == 200
    saved_by_form = browser.post(f"{base}/questions/1", {**forms[0][0], "action": "next"})
    assert (saved_by_form.status, saved_by_form.location) == (302, f"{base}/questions/2")
    for position, (form, _) in enumerate(forms[1:], start=2):
        saved = browser.autosave(f"{base}/questions/{position}/autosave", form)
        assert saved.status == 200, saved.body[:500]
        assert json.loads(saved.body)["status"] == "saved"

    on(browser, site.a)
    confirm = browser.get(f"{base}/submit")
    assert confirm.status == 200
    # A reads what B saved.
    assert f"You have answered all {len(forms)} questions." in confirm.body
    submitted = browser.request("POST", f"{base}/submit", {"csrf_token": csrf_token(confirm.body)})
    assert (submitted.status, submitted.location) == (302, base)
    assert on(browser, site.b).get(base).status == 200

    with site.app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.state is AttemptState.SUBMITTED
        stored = [
            (row.response.answer, row.response.fraction) if row.response else None
            for row in attempt.questions
        ]
    assert stored == [(answer, 1.0) for _, answer in forms]


# ---------------------------------------------------------------------------- log-ins


def test_refused_log_ins_of_one_account_and_address_count_across_both_servers(
    site: Site,
) -> None:
    email, attacker = _student(site), next(_addresses)
    browser = site.a.browser()
    replies = []
    # Alternating servers: per-process counts would give each of four workers its own 4.
    for n in range(PAIR_LIMIT):
        server = (site.a, site.b)[n % 2]
        replies.append(log_in(on(browser, server), email, WRONG_PASSWORD, attacker).status)
    assert replies == [200] * PAIR_LIMIT

    for server in (site.a, site.b):
        paused = log_in(on(browser, server), email, PASSWORD, attacker)
        assert paused.status == 429
        assert "too many refused log-ins from your network address" in paused.body

    # The owner, from another address, logs in on either server.
    for server in (site.a, site.b):
        owner = server.browser()
        assert log_in(owner, email, PASSWORD, next(_addresses)).status == 302


def test_a_success_on_one_server_clears_the_count_the_other_kept(site: Site) -> None:
    email, address = _student(site), next(_addresses)
    browser = site.a.browser()
    outcomes = []
    for _ in range(2):
        for _ in range(PAIR_LIMIT - 1):
            outcomes.append(log_in(on(browser, site.a), email, WRONG_PASSWORD, address).status)
        outcomes.append(log_in(on(browser, site.b), email, PASSWORD, address).status)

    # Six refusals in all, but never more than three since the last success.
    assert outcomes == ([200] * (PAIR_LIMIT - 1) + [302]) * 2


def test_refused_log_ins_from_one_address_count_across_both_servers(site: Site) -> None:
    address = next(_addresses)
    accounts = [_student(site) for _ in range(ADDRESS_LIMIT)]
    browser = site.a.browser()
    for n, email in enumerate(accounts):
        server = (site.a, site.b)[n % 2]
        assert log_in(on(browser, server), email, WRONG_PASSWORD, address).status == 200

    for server in (site.a, site.b):
        paused = log_in(on(browser, server), accounts[0], PASSWORD, address)
        assert paused.status == 429
        assert "Too many refused log-ins have come from your network address" in paused.body
    assert log_in(site.b.browser(), accounts[0], PASSWORD, next(_addresses)).status == 302


def test_servers_sharing_redis_do_not_warn_that_workers_count_alone(site: Site) -> None:
    for server in (site.a, site.b):
        log = server.log_text()
        assert log.count("Booting worker") == WORKERS_PER_SERVER
        assert "each worker counts alone" not in log


def test_log_ins_go_on_when_redis_stops(tmp_path: Path) -> None:
    """Redis gone: the worker counts in its own memory meanwhile; no log-in fails."""
    with running_redis(tmp_path) as redis, migrated_database(tmp_path) as app:
        with app.app_context():
            email = create_student(unique_email("student"), "Student").email
        env = {"QUIZAPP_RATELIMIT_STORAGE_URI": redis.url, "QUIZAPP_TRUSTED_PROXY_COUNT": "1"}
        with serving(app, tmp_path, names=("solo",), workers=1, env=env) as (server,):
            browser = server.browser()
            assert log_in(browser, email, PASSWORD, "192.0.2.1").status == 302

            redis.stop()

            attacker = next(_addresses)
            refused = [log_in(browser, email, WRONG_PASSWORD, attacker).status for _ in range(6)]
            owner = log_in(server.browser(), email, PASSWORD, next(_addresses))
            log = server.log_text()

    # The default 5 refusals per account and address still hold, counted in memory.
    assert refused == [200] * 5 + [429]
    assert owner.status == 302
    assert "Rate limit storage unreachable - falling back to in-memory storage" in log
