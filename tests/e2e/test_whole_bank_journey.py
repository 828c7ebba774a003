"""Every question of the shipped bank, answered in Chromium as a student would: section by
section, each answer saved as the page saves it (autosave on change, then "Save and next"),
each attempt submitted. No error page, and every answer counts."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from tests.e2e.helpers import (
    all_bank_questions,
    answer_rightly,
    question_by_prompt,
    section_questions,
    sign_up,
)

pytestmark = pytest.mark.browser

# The article's sections, as the practice form names them.
SECTIONS = {
    "introduction": "Introduction",
    "are-china-and-russia-allies": "Are China and Russia allies?",
    "what-are-their-economic-ties": "What are their economic ties?",
    "what-are-their-military-ties": "What are their military ties?",
    "how-do-their-foreign-policies-and-interests-compare": (
        "How do their foreign policies and interests compare?"
    ),
    "what-are-major-challenges-for-the-relationship": (
        "What are major challenges for the relationship?"
    ),
}


def test_a_student_answers_every_bank_question_without_an_error_page(
    app: Flask, page, live_server: str
) -> None:
    from playwright.sync_api import expect

    sign_up(page, live_server, "Bea Reader", "bea@example.org")
    errors: list[str] = []
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 500 else None)
    answered = 0
    for slug, title in SECTIONS.items():
        questions = section_questions(slug)
        page.goto(f"{live_server}/student/")
        page.get_by_label("Section").select_option(label=title)
        page.get_by_label("Number of questions").fill(str(len(questions)))
        page.get_by_role("button", name="Start practice").click()
        for position in range(1, len(questions) + 1):
            expect(page.get_by_text(f"Question {position} of {len(questions)}")).to_be_visible()
            question = question_by_prompt(page.locator("fieldset legend").inner_text())
            # Each change autosaves; the button saves again, as when a student clicks
            # right after choosing.
            answer_rightly(page, question)
            last = position == len(questions)
            page.get_by_role("button", name="Finish attempt…" if last else "Save and next").click()
            answered += 1
        expect(
            page.get_by_text(f"You have answered all {len(questions)} questions.")
        ).to_be_visible()
        page.get_by_role("button", name="Submit quiz").click()
        score = page.get_by_text(re.compile(r"^Score: \d+(\.\d+)? / \d+(\.\d+)?$"))
        expect(score).to_be_visible()
        got, total = re.findall(r"[\d.]+", score.inner_text())
        assert got == total, f"{title}: every answer was right, yet the score is {got} / {total}"

    # Every question of the bank's files, whichever section file holds it.
    assert answered == len(all_bank_questions())
    assert errors == []
