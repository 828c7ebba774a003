"""`make run` from the repository: migrate, load the bank, serve with gunicorn."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.conftest import REPO_ROOT
from tests.helpers import ARTICLE_SLUG, SECTION_TITLES

STARTUP_TIMEOUT_S = 90


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode("utf-8")


def wait_for(url: str, process: subprocess.Popen[bytes], log: Path) -> str:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"make run exited early:\n{log.read_text()}")
        try:
            return fetch(url)
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    raise AssertionError(f"nothing served at {url}:\n{log.read_text()}")


def test_make_run_serves_the_article_and_its_sections(tmp_path: Path) -> None:
    port = free_port()
    log = tmp_path / "make-run.log"
    env = {
        **os.environ,
        "QUIZAPP_DATABASE_URL": f"sqlite:///{tmp_path / 'run.sqlite3'}",
        "QUIZAPP_SECRET_KEY": "make-run-test-key",
    }
    with log.open("wb") as output:
        process = subprocess.Popen(
            ["make", "--no-print-directory", "run", f"PORT={port}", "WORKERS=1"],
            cwd=REPO_ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    try:
        home = wait_for(f"http://127.0.0.1:{port}/", process, log)
        article = fetch(f"http://127.0.0.1:{port}/articles/{ARTICLE_SLUG}")
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)

    assert "China and Russia: Exploring Ties Between Two Authoritarian Powers" in home
    for title in SECTION_TITLES:
        assert f">{title}</h2>" in article
    printed = log.read_text()
    assert f"http://127.0.0.1:{port}/" in printed
    assert "flask users create" in printed
