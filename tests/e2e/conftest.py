"""Browser fixtures: a live server on a free loopback port, and Debian's Chromium.

Chromium is never downloaded: Playwright launches the system binary (override with
QUIZAPP_CHROMIUM_PATH). Without it the browser tests skip, unless
QUIZAPP_TEST_REQUIRE_CHROMIUM=1 (set by CI) makes a missing browser a failure.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

from quizapp.services.bank import load_bank
from tests.conftest import BANK_PATH

CHROMIUM_PATH = os.environ.get("QUIZAPP_CHROMIUM_PATH", "/usr/bin/chromium")
# Root needs --no-sandbox; the rest stop Chromium calling out to a network it cannot reach.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """One headless Chromium for the whole run."""
    if not Path(CHROMIUM_PATH).is_file():
        message = f"Chromium not found at {CHROMIUM_PATH} (apt-get install chromium)"
        if os.environ.get("QUIZAPP_TEST_REQUIRE_CHROMIUM") == "1":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM_PATH, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser) -> Iterator[object]:
    """A fresh browser context and page per test."""
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """The app with the shipped bank loaded, served on 127.0.0.1; yields its base URL."""
    with app.app_context():
        load_bank(BANK_PATH, now=dt.datetime.now(dt.UTC))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
