"""The front door: `make run` and the `flask` command, run from the repository root."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.conftest import REPO_ROOT
from tests.helpers import (
    ARTICLE_SLUG,
    SECTION_TITLES,
    break_first_evidence,
    copy_bank,
    section_file,
)

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
    # First run on an empty database: a demo teacher with a one-time password.
    assert "Teacher login: demo-teacher@example.org" in printed
    assert "join code" in printed


def run_flask(*args: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """Run the `flask` command from the repository root, as a teacher would."""
    env = {
        **os.environ,
        "QUIZAPP_SECRET_KEY": "cli-test-key",
        "QUIZAPP_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}",
    }
    env.pop("FLASK_APP", None)
    return subprocess.run(
        [sys.executable, "-m", "flask", *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_flask_finds_the_app_from_the_repository_root(tmp_path: Path) -> None:
    result = run_flask("bank", "check", "questions/", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert f"{ARTICLE_SLUG}: 6 sections" in result.stdout


def test_bank_check_exits_1_naming_file_line_and_question(tmp_path: Path) -> None:
    bank = copy_bank(tmp_path / "questions")
    path = section_file(bank, "introduction")
    question_id, line = break_first_evidence(path)

    result = run_flask("bank", "check", str(bank), tmp_path=tmp_path)

    assert result.returncode == 1
    assert f"{path}:{line}: question '{question_id}'" in result.stderr
