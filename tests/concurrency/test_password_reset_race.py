"""One reset code redeemed by several browsers at once, under gunicorn workers: one wins.

The same code typed on a phone and a school computer, or a double-clicked button: exactly
one request sets the password, the others get the "not valid" message, none a 500.
"""

from __future__ import annotations

import pytest
from werkzeug.security import check_password_hash

from quizapp.clock import utcnow
from quizapp.extensions import db
from quizapp.models import SchoolClass, User
from quizapp.services.password_resets import INVALID_CODE, issue_reset_code
from tests.concurrency.conftest import Server, race, unique_email
from tests.factories import create_class, create_student, create_teacher, enrol, page_text

ROUNDS = 3
BROWSERS = 6


@pytest.fixture(scope="module")
def teacher_and_class(server: Server) -> tuple[int, int]:
    with server.app.app_context():
        teacher = create_teacher(unique_email("teacher"))
        return teacher.id, create_class(teacher).id


def _reset_form(code: str, password: str) -> dict[str, list[str] | str]:
    return {"code": code, "new_password": password, "repeat_password": password}


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_parallel_redemptions_of_one_code_set_one_password(
    server: Server, teacher_and_class: tuple[int, int], round_: int
) -> None:
    teacher_id, class_id = teacher_and_class
    email = unique_email("ada")
    with server.app.app_context():
        student = create_student(email, "Ada Lovelace")
        enrol(student, db.session.get(SchoolClass, class_id))
        student_id = student.id
        code = issue_reset_code(student_id, teacher_id=teacher_id, now=utcnow()).code
    signed_in = server.logged_in(email)
    browsers = [server.browser() for _ in range(BROWSERS)]
    for browser in browsers:
        browser.fetch_token("/reset")
    passwords = [f"parallel choice number {n} of {round_}" for n in range(BROWSERS)]

    replies = race(
        [
            lambda b=b, p=p: b.post("/reset", _reset_form(code, p))
            for b, p in zip(browsers, passwords, strict=True)
        ]
    )

    assert [r.status for r in replies if r.status >= 500] == []
    won = [p for p, r in zip(passwords, replies, strict=True) if r.status == 302]
    lost = [r for r in replies if r.status != 302]
    assert len(won) == 1, [(r.status, r.body[:200]) for r in replies]
    assert all(r.status == 200 and INVALID_CODE in page_text(r.body) for r in lost)
    with server.app.app_context():
        stored = db.session.get(User, student_id).password_hash
    assert check_password_hash(stored, won[0])
    # The browser signed in before the reset is signed out.
    after = signed_in.get("/student/")
    assert after.status == 302 and "/login" in (after.location or "")
