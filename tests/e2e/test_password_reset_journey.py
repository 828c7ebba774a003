"""A forgotten password in Chromium: the student, locked out in one browser, gets a code
from the teacher (read off the class page), sets a new password with it and logs in; the
browser that was still signed in with the old password is signed out. axe checks the
password help pages on the way."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from werkzeug.security import check_password_hash

from quizapp.extensions import db
from quizapp.models import User
from quizapp.services.classes import join_class
from tests.e2e.helpers import (
    PASSWORD,
    create_student,
    create_teacher_with_class,
    log_in,
    now,
)
from tests.e2e.teacher_helpers import blocking_violations

pytestmark = pytest.mark.browser

CLASS_NAME = "Year 10 History"
STUDENT = ("Sam Student", "sam@example.org")
TEACHER = ("Ms Teacher", "teacher@example.org")
NEW_PASSWORD = "lantern orchard 58 kettle"


def test_a_student_gets_a_reset_code_from_the_teacher_and_sets_a_new_password(
    app: Flask, browser, page, live_server: str
) -> None:
    from playwright.sync_api import expect

    join_code = create_teacher_with_class(app, CLASS_NAME)
    student_id = create_student(app, STUDENT[1], STUDENT[0])
    with app.app_context():
        join_class(db.session.get(User, student_id), join_code, now=now())
    axe_problems: list[str] = []

    def check_accessibility(on: object, what: str) -> None:
        axe_problems.extend(f"{what}: {line}" for line in blocking_violations(on))

    # --- browser A: the student, signed in (a school computer left logged in)
    at_school = page
    log_in(at_school, live_server, STUDENT[1], STUDENT[0])

    home = browser.new_context()
    classroom = browser.new_context()
    try:
        # --- browser B: the student at home has forgotten the password
        at_home = home.new_page()
        at_home.set_default_timeout(10_000)
        at_home.goto(live_server + "/login")
        at_home.get_by_label("Email").fill(STUDENT[1])
        at_home.get_by_label("Password").fill("what was it again")
        at_home.get_by_role("button", name="Log in").click()
        expect(
            at_home.get_by_text("That email and password do not match an account.")
        ).to_be_visible()
        at_home.get_by_role("link", name="Forgot your password?").click()
        expect(
            at_home.get_by_role("heading", level=1, name="Forgot your password?")
        ).to_be_visible()
        # This site sends no mail: the page says to ask the teacher.
        expect(at_home.get_by_text("Students: ask your teacher.")).to_be_visible()
        check_accessibility(at_home, "forgot page")

        # --- browser C: the teacher issues a code from the class page
        teacher = classroom.new_page()
        teacher.set_default_timeout(10_000)
        log_in(teacher, live_server, TEACHER[1], TEACHER[0])
        teacher.get_by_role("link", name=CLASS_NAME).first.click()
        expect(teacher.get_by_role("heading", level=1, name=CLASS_NAME)).to_be_visible()
        teacher.get_by_role("button", name=f"Reset code for {STUDENT[0]}").click()
        expect(
            teacher.get_by_role("heading", level=1, name=f"Reset code for {STUDENT[0]}")
        ).to_be_visible()
        expect(teacher.get_by_text("privately")).to_be_visible()
        code = teacher.locator("#reset-code").inner_text()
        assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", code), code
        check_accessibility(teacher, "reset code page")
        # Back on the class page the code is nowhere to be seen.
        teacher.get_by_role("link", name="Back to the class").click()
        expect(teacher.get_by_role("heading", level=1, name=CLASS_NAME)).to_be_visible()
        assert code not in teacher.content()

        # --- browser B: the student enters the code, typed loosely, and a new password
        at_home.get_by_role("link", name="Enter it here").click()
        expect(at_home.get_by_role("heading", level=1, name="Set a new password")).to_be_visible()
        at_home.get_by_label("Reset code").fill(code.lower().replace("-", " "))
        at_home.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
        at_home.get_by_label("New password again").fill(NEW_PASSWORD + " typo")
        at_home.get_by_role("button", name="Set new password").click()
        expect(at_home.get_by_text("The two passwords differ.")).to_be_visible()
        check_accessibility(at_home, "reset form with an error")
        at_home.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
        at_home.get_by_label("New password again").fill(NEW_PASSWORD)
        at_home.get_by_role("button", name="Set new password").click()
        expect(at_home.get_by_role("status")).to_contain_text(
            "Your new password is set. Log in with it."
        )
        expect(at_home.get_by_role("heading", level=1, name="Log in")).to_be_visible()
        at_home.get_by_label("Email").fill(STUDENT[1])
        at_home.get_by_label("Password").fill(NEW_PASSWORD)
        at_home.get_by_role("button", name="Log in").click()
        expect(at_home.get_by_role("heading", level=1, name=f"Hello, {STUDENT[0]}")).to_be_visible()
    finally:
        home.close()
        classroom.close()

    # --- browser A: the old session is over; the next page is the log-in page
    at_school.reload()
    expect(at_school.get_by_role("heading", level=1, name="Log in")).to_be_visible()
    with app.app_context():
        stored = db.session.get(User, student_id).password_hash
    assert check_password_hash(stored, NEW_PASSWORD)
    assert not check_password_hash(stored, PASSWORD)

    assert not axe_problems, "axe on the password help pages:\n" + "\n".join(axe_problems)
