"""A teacher imports a GIFT file in Chromium: the first upload has a mistake, shown with
its line; the corrected file is previewed question by question, imported, and found in the
bank browser. axe checks the upload page with its error and the preview."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask

from quizapp.extensions import db
from quizapp.models import Role, Section
from quizapp.services.users import create_user
from tests.e2e.helpers import PASSWORD, log_in, now
from tests.e2e.teacher_helpers import blocking_violations

pytestmark = pytest.mark.browser

TEACHER = ("Ms Teacher", "teacher@example.org")
SECTION_TITLE = "What are their economic ties?"
SECTION_SLUG = "what-are-their-economic-ties"
FILENAME = "economy.gift"
# The third question's true/false answer is lower case, which GIFT does not read as one.
BROKEN = """\
// Economic ties, written for Moodle.
::trade-partner::Which country is Russia's largest trading partner?{
    =China
    ~Germany#Trade with Europe has shrunk under sanctions.
    ~India
}

::oil-buyer::Which country buys the most Russian oil?{=China ~Turkey ~Brazil}

::asymmetry::The economic relationship between China and Russia is balanced.{f}

::trade-2023::In 2023, how many billion US dollars was China-Russia trade worth?{#240:5}
"""
ERROR_LINE = 10
FIXED = BROKEN.replace("{f}", "{F}")
PROMPTS = (
    "Which country is Russia's largest trading partner?",
    "Which country buys the most Russian oil?",
    "The economic relationship between China and Russia is balanced.",
    "In 2023, how many billion US dollars was China-Russia trade worth?",
)
BANK_IDS = ("trade-partner", "oil-buyer", "asymmetry", "trade-2023")  # from the ::titles::
# The options of the preview's choice questions, each of which must be named by its text.
OPTIONS = (("China", "Germany", "India"), ("China", "Turkey", "Brazil"), ("True", "False"))


def gift_file(text: str) -> dict[str, object]:
    return {"name": FILENAME, "mimeType": "text/plain", "buffer": text.encode("utf-8")}


def test_teacher_fixes_a_gift_file_previews_and_imports_it(
    app: Flask, page, live_server: str
) -> None:
    from playwright.sync_api import expect

    with app.app_context():
        create_user(TEACHER[1], PASSWORD, role=Role.TEACHER, name=TEACHER[0], now=now())
        section_id = db.session.execute(
            db.select(Section.id).where(Section.slug == SECTION_SLUG)
        ).scalar_one()
    axe_problems: list[str] = []
    unnamed: list[str] = []

    def check_accessibility(what: str) -> None:
        axe_problems.extend(f"{what} ({page.url}): {line}" for line in blocking_violations(page))

    def upload(text: str) -> None:
        page.get_by_label("Question file").set_input_files(gift_file(text))
        page.get_by_label("Format").select_option(label="GIFT")
        page.get_by_label("Section").select_option(label=SECTION_TITLE)
        page.get_by_role("button", name="Preview").click()

    # --- log in and open the import page
    log_in(page, live_server, TEACHER[1], TEACHER[0])
    page.goto(live_server + "/teacher/import")
    expect(page.get_by_role("heading", level=1, name="Import questions")).to_be_visible()

    # --- the first upload has one mistake: shown with its line, nothing imported
    upload(BROKEN)
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("1 problem found; nothing was imported.")
    expect(alert).to_contain_text(
        re.compile(rf"{re.escape(FILENAME)}:{ERROR_LINE}:\d+: \{{f\}} is not a true/false answer")
    )
    # The choices made are kept; only the file has to be chosen again.
    expect(page.get_by_label("Section")).to_have_value(str(section_id))
    check_accessibility("the upload page with an error")

    # --- the corrected file: every question previewed as students will see it
    upload(FIXED)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Preview: {len(PROMPTS)} questions from {FILENAME}"
    )
    questions = page.get_by_role("group").filter(has=page.locator("legend"))
    expect(questions).to_have_count(len(PROMPTS))
    for question, prompt in zip(questions.all(), PROMPTS, strict=True):
        expect(question.locator("legend")).to_have_text(prompt)
    for index, options in enumerate(OPTIONS):
        radios = questions.nth(index).get_by_role("radio")
        expect(radios).to_have_count(len(options))
        # Each option is a disabled radio a screen reader names by its own text. Counted,
        # not awaited: the page is loaded, and the journey goes on to report everything.
        unnamed.extend(
            f"question {index + 1}: no radio named {option!r}"
            for option in options
            if questions.nth(index).get_by_role("radio", name=option, exact=True).count() != 1
        )
    expect(questions.nth(0).get_by_role("radio").first).to_be_disabled()
    expect(questions.nth(3).get_by_role("textbox", name="Your answer")).to_be_visible()
    check_accessibility("the import preview")

    # --- import: the bank browser opens on the section, the questions flagged for evidence
    page.get_by_role("button", name="Import questions").click()
    expect(page.get_by_role("heading", level=1, name="Question bank")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text(
        f"Imported {len(PROMPTS)} questions into '{SECTION_TITLE}'."
    )
    query = parse_qs(urlsplit(page.url).query)
    assert query["section"] == [str(section_id)], page.url
    expect(page.get_by_label("Section")).to_have_value(str(section_id))
    rows = page.get_by_role("row")
    for prompt, bank_id in zip(PROMPTS, BANK_IDS, strict=True):
        row = rows.filter(has_text=prompt)
        expect(row).to_have_count(1)
        expect(row).to_contain_text(bank_id)
        expect(row).to_contain_text(SECTION_TITLE)
        expect(row).to_contain_text("no evidence")

    assert not unnamed, "preview options without their own accessible name:\n" + "\n".join(unnamed)
    assert not axe_problems, "axe found serious or critical problems:\n" + "\n".join(axe_problems)
