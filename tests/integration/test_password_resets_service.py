"""Password reset codes: who may issue one, and that each works once, before it expires."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable

import pytest
from flask import Flask
from sqlalchemy import select
from werkzeug.security import check_password_hash

from quizapp.extensions import db
from quizapp.models import PasswordReset, SchoolClass, User
from quizapp.services.classes import remove_student
from quizapp.services.errors import NotFound
from quizapp.services.login_sessions import count_login_sessions, open_login_session
from quizapp.services.password_resets import (
    INVALID_CODE,
    code_hash,
    issue_admin_reset_code,
    issue_reset_code,
    redeem_reset_code,
    request_reset_by_email,
)
from quizapp.services.users import AccountError
from tests.factories import (
    NOW,
    PASSWORD,
    create_class,
    create_student,
    create_teacher,
    enrol,
)

NEW_PASSWORD = "tundra violin 42 teapot"
LATER = NOW + dt.timedelta(hours=1)


class Sent:
    """A stand-in for the mailer: what would have been sent."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, str, str]] = []

    def __call__(self, to: str, subject: str, body: str) -> None:
        self.messages.append((to, subject, body))


@pytest.fixture
def people(app_context: Flask) -> dict[str, int]:
    """Grace teaches History with Ada in it; Bob is in no class; Alan teaches another."""
    grace = create_teacher("grace@example.com", "Grace Hopper")
    alan = create_teacher("alan@example.com", "Alan Turing")
    history = create_class(grace, "History")
    other = create_class(alan, "Physics")
    ada = create_student("ada@example.com", "Ada Lovelace")
    bob = create_student("bob@example.com", "Bob Student")
    enrol(ada, history)
    return {
        "grace": grace.id,
        "alan": alan.id,
        "history": history.id,
        "physics": other.id,
        "ada": ada.id,
        "bob": bob.id,
    }


def _password_is(user_id: int, password: str) -> bool:
    db.session.expire_all()
    return check_password_hash(db.session.get(User, user_id).password_hash, password)


def _rows(user_id: int) -> list[PasswordReset]:
    db.session.expire_all()
    return list(db.session.scalars(select(PasswordReset).where(PasswordReset.user_id == user_id)))


def test_a_code_sets_the_password_once_and_ends_every_session(people: dict[str, int]) -> None:
    ada = people["ada"]
    for _ in range(2):
        open_login_session(ada, now=NOW, lifetime=dt.timedelta(days=30))
    issued = issue_reset_code(ada, teacher_id=people["grace"], now=NOW)
    assert issued.name == "Ada Lovelace"
    assert issued.expires_at == NOW + dt.timedelta(hours=48)
    assert len(issued.code) == 14 and issued.code.count("-") == 2

    # Typed in lower case without dashes: still the code.
    assert redeem_reset_code(issued.code.lower().replace("-", ""), NEW_PASSWORD, now=LATER) == ada

    assert _password_is(ada, NEW_PASSWORD)
    assert count_login_sessions(ada) == 0
    with pytest.raises(AccountError) as used:
        redeem_reset_code(issued.code, "another fine password 7", now=LATER)
    assert (str(used.value), used.value.field) == (INVALID_CODE, "code")
    assert _password_is(ada, NEW_PASSWORD)


def test_only_the_hash_of_the_code_is_stored(people: dict[str, int]) -> None:
    issued = issue_reset_code(people["ada"], teacher_id=people["grace"], now=NOW)
    (row,) = _rows(people["ada"])
    raw = issued.code.replace("-", "")
    assert row.code_hash == code_hash(raw) and raw not in row.code_hash
    assert (row.issued_by_id, row.used_at) == (people["grace"], None)


@pytest.mark.parametrize(
    ("typed", "at"),
    [
        pytest.param(None, NOW + dt.timedelta(hours=48), id="expired at the hour"),
        pytest.param(None, NOW + dt.timedelta(days=3), id="expired"),
        pytest.param("AAAA-AAAA-AAAA", LATER, id="unknown"),
        pytest.param("not even a code", LATER, id="mistyped"),
        pytest.param("", LATER, id="empty"),
    ],
)
def test_expired_unknown_and_mistyped_codes_get_one_message(
    people: dict[str, int], typed: str | None, at: dt.datetime
) -> None:
    issued = issue_reset_code(people["ada"], teacher_id=people["grace"], now=NOW)
    with pytest.raises(AccountError) as refused:
        redeem_reset_code(typed if typed is not None else issued.code, NEW_PASSWORD, now=at)
    assert (str(refused.value), refused.value.field) == (INVALID_CODE, "code")
    assert _password_is(people["ada"], PASSWORD)


def test_the_code_lifetime_comes_from_the_settings(app: Flask, people: dict[str, int]) -> None:
    app.config["PASSWORD_RESET_CODE_HOURS"] = 2
    issued = issue_reset_code(people["ada"], teacher_id=people["grace"], now=NOW)
    assert issued.expires_at == NOW + dt.timedelta(hours=2)


@pytest.mark.parametrize(
    ("student", "teacher", "class_"),
    [
        pytest.param("ada", "alan", None, id="another teacher's student"),
        pytest.param("bob", "grace", None, id="a student in no class of the teacher"),
        pytest.param("ada", "grace", "physics", id="the teacher's student, another class"),
        pytest.param("grace", "grace", None, id="the teacher herself"),
        pytest.param("alan", "grace", None, id="another teacher"),
    ],
)
def test_only_a_student_of_the_teacher_gets_a_code(
    people: dict[str, int], student: str, teacher: str, class_: str | None
) -> None:
    class_id = people[class_] if class_ else None
    with pytest.raises(NotFound):
        issue_reset_code(people[student], teacher_id=people[teacher], now=NOW, class_id=class_id)
    assert _rows(people[student]) == []


def test_a_teacher_enrolled_in_a_class_gets_no_code(people: dict[str, int]) -> None:
    # An account made a teacher after joining: its teacher may not take it over.
    alan = db.session.get(User, people["alan"])
    enrol(alan, db.session.get(SchoolClass, people["history"]))
    with pytest.raises(NotFound):
        issue_reset_code(people["alan"], teacher_id=people["grace"], now=NOW)


def test_a_removed_student_gets_no_code(people: dict[str, int]) -> None:
    remove_student(db.session.get(SchoolClass, people["history"]), people["ada"], now=NOW)
    with pytest.raises(NotFound):
        issue_reset_code(people["ada"], teacher_id=people["grace"], now=LATER)


def test_a_new_code_voids_the_earlier_one(people: dict[str, int]) -> None:
    first = issue_reset_code(people["ada"], teacher_id=people["grace"], now=NOW)
    second = issue_reset_code(people["ada"], teacher_id=people["grace"], now=NOW)
    assert first.code != second.code
    with pytest.raises(AccountError, match="not valid"):
        redeem_reset_code(first.code, NEW_PASSWORD, now=LATER)
    redeem_reset_code(second.code, NEW_PASSWORD, now=LATER)
    assert _password_is(people["ada"], NEW_PASSWORD)


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("short", "Use at least 10 characters."),
        ("password123", "This is one of the most common passwords"),
        ("lovelace is my name", "Do not build the password from your name or email address."),
    ],
)
def test_a_refused_password_leaves_the_code_usable(
    people: dict[str, int], password: str, problem: str
) -> None:
    issued = issue_reset_code(people["ada"], teacher_id=people["grace"], now=NOW)
    with pytest.raises(AccountError) as refused:
        redeem_reset_code(issued.code, password, now=LATER)
    assert refused.value.field == "new_password"
    assert str(refused.value).startswith(problem)
    assert [row.used_at for row in _rows(people["ada"])] == [None]
    redeem_reset_code(issued.code, NEW_PASSWORD, now=LATER)
    assert _password_is(people["ada"], NEW_PASSWORD)


def test_redeeming_clears_a_password_that_had_to_change(people: dict[str, int]) -> None:
    ada = db.session.get(User, people["ada"])
    ada.must_change_password = True
    db.session.commit()
    issued = issue_reset_code(people["ada"], teacher_id=people["grace"], now=NOW)
    redeem_reset_code(issued.code, NEW_PASSWORD, now=LATER)
    db.session.expire_all()
    assert db.session.get(User, people["ada"]).must_change_password is False


def test_an_emailed_link_works_once_and_an_unknown_address_sends_nothing(
    people: dict[str, int],
) -> None:
    sent = Sent()
    links: list[str] = []

    def link_for(token: str) -> str:
        links.append(token)
        return f"https://quiz.example.org/reset/{token}"

    request_reset_by_email("nobody@example.com", now=NOW, link_for=link_for, send=sent)
    assert sent.messages == [] and links == []

    request_reset_by_email(" ADA@Example.com ", now=NOW, link_for=link_for, send=sent)
    ((to, subject, body),) = sent.messages
    (token,) = links
    assert (to, subject) == ("ada@example.com", "Set a new QuizApp password")
    assert f"https://quiz.example.org/reset/{token}" in body
    assert "within 60 minutes" in body and len(token) >= 40
    (row,) = _rows(people["ada"])
    assert row.issued_by_id is None and row.expires_at == NOW + dt.timedelta(minutes=60)

    with pytest.raises(AccountError, match="not valid"):
        redeem_reset_code(token.lower(), NEW_PASSWORD, now=NOW)  # the token is case-sensitive
    with pytest.raises(AccountError, match="not valid"):
        redeem_reset_code(token, NEW_PASSWORD, now=NOW + dt.timedelta(minutes=61))
    redeem_reset_code(token, NEW_PASSWORD, now=NOW + dt.timedelta(minutes=59))
    assert _password_is(people["ada"], NEW_PASSWORD)


def test_an_emailed_link_does_not_void_a_teachers_code(people: dict[str, int]) -> None:
    # Anyone may ask for a link to any address: that must not cancel the code in hand.
    issued = issue_reset_code(people["ada"], teacher_id=people["grace"], now=NOW)
    request_reset_by_email("ada@example.com", now=NOW, link_for=str, send=Sent())
    redeem_reset_code(issued.code, NEW_PASSWORD, now=LATER)
    # ...and once the password is set, the link is void too.
    assert [row.used_at for row in _rows(people["ada"])] == [LATER]


def test_an_admin_code_for_any_account(people: dict[str, int]) -> None:
    issued = issue_admin_reset_code("Grace@Example.com", now=NOW)
    assert (issued.email, issued.expires_at) == ("grace@example.com", NOW + dt.timedelta(hours=48))
    redeem_reset_code(issued.code, NEW_PASSWORD, now=LATER)
    assert _password_is(people["grace"], NEW_PASSWORD)
    with pytest.raises(AccountError, match=r"No account has the email nobody@example\.com"):
        issue_admin_reset_code("nobody@example.com", now=NOW)


def _in_parallel(app: Flask, calls: list[Callable[[], object]]) -> list[object]:
    """Run ``calls`` in threads released together, each in its own app context (session)."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(index: int) -> None:
        with app.app_context():
            barrier.wait(timeout=10)
            try:
                results[index] = calls[index]()
            except AccountError as error:
                results[index] = error
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_two_parallel_redemptions_of_one_code_one_wins(app: Flask, people: dict[str, int]) -> None:
    ada = people["ada"]
    for round_ in range(5):
        code = issue_reset_code(ada, teacher_id=people["grace"], now=NOW).code
        passwords = [f"first parallel choice {round_}", f"second parallel choice {round_}"]
        db.session.remove()
        results = _in_parallel(
            app, [lambda c=code, p=p: redeem_reset_code(c, p, now=LATER) for p in passwords]
        )
        winners = [p for p, r in zip(passwords, results, strict=True) if r == ada]
        losers = [r for r in results if isinstance(r, AccountError)]
        assert len(winners) == 1, results
        assert [str(r) for r in losers] == [INVALID_CODE]
        assert _password_is(ada, winners[0])
