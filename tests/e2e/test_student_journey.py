"""A student's whole journey in Chromium: sign up, join a class, practise every question
type (checking one answer, saving one while offline), submit, read the evidence, see the
progress."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from tests.e2e.helpers import (
    OFFLINE_STATUS,
    answer_rightly,
    create_teacher_with_class,
    mastery_cell,
    question_by_prompt,
    right_text_answer,
    section_questions,
    sign_up,
)

pytestmark = pytest.mark.browser

# A section whose questions cover all seven types.
SECTION_TITLE = "What are major challenges for the relationship?"
SECTION_SLUG = "what-are-major-challenges-for-the-relationship"
ALL_TYPES = {"single", "multiple", "true_false", "short", "numeric", "matching", "ordering"}


def test_student_signs_up_practises_every_type_and_sees_progress(
    app: Flask, page, live_server: str
) -> None:
    from playwright.sync_api import expect

    bank_questions = section_questions(SECTION_SLUG)
    question_count = len(bank_questions)
    # Practice draws at random: asking for the whole section draws every type.
    assert {question["type"] for question in bank_questions} == ALL_TYPES
    join_code = create_teacher_with_class(app, "Year 10 History")
    main_nav = page.get_by_role("navigation", name="Main")

    # --- sign up, and mastery is 0% before any answer
    sign_up(page, live_server, "Ada Learner", "ada@example.org")
    main_nav.get_by_role("link", name="My progress").click()
    expect(page.get_by_role("heading", level=1, name="My progress")).to_be_visible()
    expect(mastery_cell(page, SECTION_TITLE)).to_have_text("0%")

    # --- join the class with its code
    main_nav.get_by_role("link", name="Dashboard").click()
    page.get_by_label("Class code").fill(join_code.lower())
    page.get_by_role("button", name="Join class").click()
    expect(page.get_by_text("You joined Year 10 History.")).to_be_visible()
    expect(page.get_by_role("region", name="Classes", exact=True)).to_contain_text(
        "Year 10 History"
    )

    # --- start a practice on the whole section
    page.get_by_label("Section").select_option(label=SECTION_TITLE)
    page.get_by_label("Number of questions").fill(str(question_count))
    page.get_by_role("button", name="Start practice").click()

    seen_types: set[str] = set()
    checked_position = 1
    offline_position: int | None = None
    for position in range(1, question_count + 1):
        expect(page.get_by_text(f"Question {position} of {question_count}")).to_be_visible()
        question = question_by_prompt(page.locator("fieldset legend").inner_text())
        seen_types.add(question["type"])

        if position == checked_position:
            # Immediate feedback: check the answer, see the verdict, then move on.
            answer_rightly(page, question)
            page.get_by_role("button", name="Check answer").click()
            expect(page.get_by_text("Correct", exact=True)).to_be_visible()
            expect(page.get_by_text("Right answer")).to_be_visible()
            expect(page.get_by_role("button", name="Check answer")).to_have_count(0)
            page.get_by_role("button", name="Save and next").click()
            continue

        if offline_position is None and question["type"] in ("short", "numeric"):
            offline_position = position
            _change_answer_while_offline(page, position, right_text_answer(question))

        answer_rightly(page, question)
        if position < question_count:
            page.get_by_role("button", name="Save and next").click()
        else:
            page.get_by_role("button", name="Finish attempt…").click()

    assert seen_types == ALL_TYPES
    assert offline_position is not None

    # --- submit
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Submit Practice: {SECTION_TITLE}?")
    expect(page.get_by_text(f"You have answered all {question_count} questions.")).to_be_visible()
    page.get_by_role("button", name="Submit quiz").click()

    # --- result: every answer was right
    score = page.get_by_text(re.compile(r"^Score: \d+(\.\d+)? / \d+(\.\d+)?$"))
    expect(score).to_be_visible()
    got, total = re.findall(r"[\d.]+", score.inner_text())
    assert float(total) == sum(question.get("points", 1) for question in bank_questions)
    assert got == total, f"all answers were right, yet the score is {got} / {total}"

    # --- follow the evidence link of question 1 into the article
    # (a question may cite several quotes: the first link marks the first)
    review = page.get_by_role("region", name="Question 1", exact=True)
    evidence = review.locator("blockquote").first.inner_text()
    review.get_by_role("link", name="Read in the article").first.click()
    expect(page).to_have_url(re.compile(r"#evidence$"))
    expect(page.locator("mark")).to_have_text(evidence)
    expect(page.locator("mark")).to_be_in_viewport()

    # --- progress: the section's mastery went up
    main_nav.get_by_role("link", name="My progress").click()
    mastery = mastery_cell(page, SECTION_TITLE)
    expect(mastery).to_have_text(re.compile(r"^\d+%$"))
    assert int(mastery.inner_text().rstrip("%")) > 0
    row = page.get_by_role("row").filter(
        has=page.get_by_role("rowheader", name=SECTION_TITLE, exact=True)
    )
    expect(row).to_contain_text(f"{question_count} of {question_count}")


def _change_answer_while_offline(page, position: int, answer: str) -> None:
    """Autosave a draft, change it offline, come back online, reload: the change stayed."""
    from playwright.sync_api import expect

    status = page.get_by_role("status")
    field = page.get_by_label("Your answer")
    field.fill("a first draft")
    expect(status).to_have_text("Saved")

    page.context.set_offline(True)
    field.fill(answer)
    expect(status).to_have_text(OFFLINE_STATUS)

    page.context.set_offline(False)
    expect(status).to_have_text("Saved")

    page.reload()
    expect(page.get_by_label("Your answer")).to_have_value(answer)
    # The server, not only the browser's storage, has the answer.
    expect(
        page.get_by_role("button", name=f"Question {position}, answered", exact=True)
    ).to_be_visible()
