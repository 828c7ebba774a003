"""A reader finds the article and moves through its sections in Chromium."""

from __future__ import annotations

import re

import pytest

from tests.helpers import SECTION_TITLES

pytestmark = pytest.mark.browser


def test_reader_opens_the_article_and_jumps_to_a_section(page, live_server: str) -> None:
    from playwright.sync_api import expect

    page.goto(live_server + "/")
    expect(page.get_by_role("heading", level=1, name="Articles")).to_be_visible()
    page.get_by_role(
        "link", name="China and Russia: Exploring Ties Between Two Authoritarian Powers"
    ).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "China and Russia: Exploring Ties Between Two Authoritarian Powers"
    )
    section_headings = page.locator("section > h2")
    expect(section_headings).to_have_text(list(SECTION_TITLES))

    page.get_by_role("navigation", name="Sections").get_by_role(
        "link", name="What are their economic ties?"
    ).click()
    expect(page).to_have_url(re.compile(r"#what-are-their-economic-ties$"))
    economic = page.locator("section#what-are-their-economic-ties")
    expect(economic.get_by_role("table")).to_contain_text("26%")
    expect(economic).to_contain_text("questions in the bank")


def test_article_fits_a_phone_screen(browser, live_server: str) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    try:
        page = context.new_page()
        page.goto(
            live_server
            + "/articles/china-and-russia-exploring-ties-between-two-authoritarian-powers"
        )
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0
    finally:
        context.close()
