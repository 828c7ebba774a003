"""axe-core finds no serious or critical accessibility problem on the student's pages."""

from __future__ import annotations

import pytest
from flask import Flask

from tests.e2e.helpers import (
    OFFLINE_STATUS,
    answer_rightly_at,
    create_student,
    log_in,
    mastery_cell,
    practice_attempt,
)

pytestmark = pytest.mark.browser

SECTION_SLUG = "introduction"
BLOCKING_IMPACTS = ("serious", "critical")


def serious_violations(page) -> list[str]:
    """axe's serious and critical violations on the page, one line per rule and element."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{violation['id']} ({violation['impact']}: {violation['help']}) at "
        f"{' '.join(map(str, node['target']))}"
        for violation in results.response["violations"]
        if violation["impact"] in BLOCKING_IMPACTS
        for node in violation["nodes"]
    ]


def assert_accessible(page, what: str) -> None:
    problems = serious_violations(page)
    assert not problems, f"axe on {what} ({page.url}):\n" + "\n".join(problems)


def _student(app: Flask, page, live_server: str) -> int:
    student_id = create_student(app, "sam@example.org", "Sam")
    log_in(page, live_server, "sam@example.org", "Sam")
    return student_id


def test_sign_up_page_is_accessible(page, live_server: str) -> None:
    from playwright.sync_api import expect

    page.goto(live_server + "/signup")
    expect(page.get_by_role("button", name="Create account")).to_be_visible()
    assert_accessible(page, "the sign-up page")

    # The same page showing its errors, tied to the fields.
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("alert")).to_contain_text("Please correct the highlighted fields")
    assert_accessible(page, "the sign-up page with errors")


def test_question_pages_of_every_type_are_accessible(app: Flask, page, live_server: str) -> None:
    """One page per question type, a checked question showing its feedback, and a
    question whose save status says the browser is offline."""
    from playwright.sync_api import expect

    student_id = _student(app, page, live_server)
    attempt_id, types = practice_attempt(app, student_id, SECTION_SLUG)
    # A typed-answer question left unanswered shows the offline state; a checked answer is
    # locked (its input disabled), so the checked question is another one. The draw is
    # shuffled: the section's one typed-answer question may come first.
    text_position = next(
        position for position, kind in enumerate(types, start=1) if kind in ("short", "numeric")
    )
    checked_position = 2 if text_position == 1 else 1
    answer_rightly_at(app, attempt_id, checked_position, check=True)
    first_of_type = {kind: types.index(kind) + 1 for kind in dict.fromkeys(types)}
    positions = sorted({checked_position, *first_of_type.values()})

    problems: list[str] = []
    for position in positions:
        page.goto(f"{live_server}/student/attempts/{attempt_id}/questions/{position}")
        expect(page.get_by_text(f"Question {position} of {len(types)}")).to_be_visible()
        if position == checked_position:
            expect(page.get_by_text("Right answer")).to_be_visible()
        found = serious_violations(page)
        problems += [f"question {position} ({types[position - 1]}): {line}" for line in found]

    page.goto(f"{live_server}/student/attempts/{attempt_id}/questions/{text_position}")
    page.context.set_offline(True)
    page.get_by_label("Your answer").fill("draft")
    expect(page.get_by_role("status")).to_have_text(OFFLINE_STATUS)
    problems += [f"question {text_position}, offline: {line}" for line in serious_violations(page)]
    page.context.set_offline(False)
    assert not problems, "axe on the question pages:\n" + "\n".join(problems)


def test_result_page_is_accessible(app: Flask, page, live_server: str) -> None:
    from playwright.sync_api import expect

    student_id = _student(app, page, live_server)
    attempt_id, _ = practice_attempt(app, student_id, SECTION_SLUG, answered=5, submit=True)
    page.goto(f"{live_server}/student/attempts/{attempt_id}")
    expect(page.get_by_text("Score: ")).to_be_visible()
    assert_accessible(page, "the result page")


def test_progress_page_is_accessible(app: Flask, page, live_server: str) -> None:
    from playwright.sync_api import expect

    student_id = _student(app, page, live_server)
    practice_attempt(app, student_id, SECTION_SLUG, answered=5, submit=True)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My progress").click()
    expect(page.get_by_role("heading", level=1, name="My progress")).to_be_visible()
    expect(mastery_cell(page, "Introduction")).not_to_have_text("0%")
    assert_accessible(page, "the progress page")
