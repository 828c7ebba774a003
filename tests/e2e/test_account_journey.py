"""The account pages in Chromium: reached from the top bar, usable, and axe-clean."""

from __future__ import annotations

import pytest
from flask import Flask

from tests.e2e.helpers import PASSWORD, create_student, log_in
from tests.e2e.test_accessibility import assert_accessible

pytestmark = pytest.mark.browser


def test_a_student_changes_their_password_from_the_account_page(
    app: Flask, page, live_server: str
) -> None:
    from playwright.sync_api import expect

    create_student(app, "sam@example.org", "Sam")
    log_in(page, live_server, "sam@example.org", "Sam")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Sam").click()
    expect(page.get_by_role("heading", level=1, name="Your account")).to_be_visible()
    assert_accessible(page, "the account page")

    # A wrong current password is said next to its field, and the page stays usable.
    page.get_by_label("Current password").fill("not my password")
    page.get_by_role("button", name="Save name and email").click()
    expect(page.get_by_text("That is not your current password.")).to_be_visible()
    assert_accessible(page, "the account page with an error")

    page.get_by_role("link", name="Change your password").click()
    page.get_by_label("Current password").fill(PASSWORD)
    page.get_by_label("New password", exact=True).fill("qwertyuiop")
    page.get_by_label("New password again").fill("qwertyuiop")
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_text("This is one of the most common passwords")).to_be_visible()
    assert_accessible(page, "the password page with an error")

    page.get_by_label("Current password").fill(PASSWORD)
    page.get_by_label("New password", exact=True).fill("tundra violin 42 teapot")
    page.get_by_label("New password again").fill("tundra violin 42 teapot")
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_text("Your password is changed.")).to_be_visible()

    page.get_by_role("link", name="Download your attempts, answers and progress").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page, "the student's data page")
