"""The reading pages through the test client."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from quizapp.services.bank import load_bank
from tests.conftest import BANK_PATH
from tests.helpers import ARTICLE_SLUG, SECTION_TITLES, copy_article_as

ARTICLE_TITLE = "China and Russia: Exploring Ties Between Two Authoritarian Powers"


@pytest.fixture
def loaded(app: Flask) -> Flask:
    with app.app_context():
        load_bank(BANK_PATH, now=dt.datetime(2026, 11, 28, tzinfo=dt.UTC))
    return app


def test_home_page_lists_the_article(loaded: Flask, client: FlaskClient) -> None:
    response = client.get("/")

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert ARTICLE_TITLE in html
    assert f'href="/articles/{ARTICLE_SLUG}"' in html
    assert "6 sections" in html
    assert "Clara Fong and Lindsay Maizland" in html


def test_home_page_without_articles_says_how_to_load_them(client: FlaskClient) -> None:
    html = client.get("/").get_data(as_text=True)
    assert "No articles yet" in html
    assert "flask bank load" in html


def test_article_page_shows_every_section_under_its_anchor(
    loaded: Flask, client: FlaskClient
) -> None:
    response = client.get(f"/articles/{ARTICLE_SLUG}")

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    headings = re.findall(r'<section id="([a-z0-9-]+)"[^>]*>\s*<h2 id="[^"]+">([^<]+)</h2>', html)
    assert [title for _, title in headings] == list(SECTION_TITLES)
    assert [anchor for anchor, _ in headings] == [
        "introduction",
        "are-china-and-russia-allies",
        "how-do-their-foreign-policies-and-interests-compare",
        "what-are-major-challenges-for-the-relationship",
        "what-are-their-economic-ties",
        "what-are-their-military-ties",
    ]
    counts = [
        int(n) for n in re.findall(r'class="section-meta">(\d+) questions? in the bank', html)
    ]
    assert len(counts) == 6
    assert all(n >= 10 for n in counts)


def test_article_text_is_rendered_with_the_trade_table(loaded: Flask, client: FlaskClient) -> None:
    html = client.get(f"/articles/{ARTICLE_SLUG}").get_data(as_text=True)

    assert "<table>" in html
    assert "Trade with Russia is 3% of China’s total trade" in html
    assert "all-time high of $240 billion in 2023" in html
    assert "No comments" not in html


def test_unknown_article_gets_a_clean_404(client: FlaskClient) -> None:
    response = client.get("/articles/no-such-article")

    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "Page not found" in html
    assert "There is no article called &#39;no-such-article&#39;." in html
    assert "Traceback" not in html


def test_unknown_url_gets_the_same_404_page(client: FlaskClient) -> None:
    response = client.get("/nowhere")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_pages_are_readable_on_a_phone(loaded: Flask, client: FlaskClient) -> None:
    html = client.get("/").get_data(as_text=True)
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert '<html lang="en">' in html


@pytest.mark.parametrize("path", ["/", f"/articles/{ARTICLE_SLUG}"])
def test_pages_run_a_fixed_number_of_queries(
    loaded: Flask, client: FlaskClient, count_queries, tmp_path: Path, path: str
) -> None:
    with count_queries() as counter:
        assert client.get(path).status_code == 200
    with loaded.app_context():
        bank = copy_article_as(tmp_path / "more", "A Second Article", "a-second-article")
        load_bank(bank, now=dt.datetime(2026, 11, 28, tzinfo=dt.UTC))

    with count_queries() as counter_with_more_data:
        assert client.get(path).status_code == 200

    assert counter.count <= 2, counter.statements
    assert counter_with_more_data.count == counter.count
