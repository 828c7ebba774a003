"""memory:// rate-limit counts with several workers: said once when gunicorn starts."""

from __future__ import annotations

import os
import re
import signal
import time
from pathlib import Path

import pytest

from quizapp import create_app
from quizapp.extensions import db
from quizapp.rate_limit import per_worker_counts_warning
from tests.conftest import settings_for
from tests.helpers import empty_database
from tests.multi_server.conftest import serving

WARNING = "each worker counts alone"


@pytest.mark.parametrize(
    ("storage_uri", "workers", "warned"),
    [
        ("memory://", 2, True),
        ("memory://", 9, True),
        ("memory://", 1, False),
        ("redis://127.0.0.1:6379/0", 4, False),
        ("memcached://127.0.0.1:11211", 4, False),
    ],
)
def test_the_warning_is_for_memory_storage_with_more_than_one_worker(
    storage_uri: str, workers: int, warned: bool
) -> None:
    warning = per_worker_counts_warning(storage_uri, workers)

    assert (warning is not None) is warned
    if warning is not None:
        assert WARNING in warning
        assert f"up to {workers} times as many" in warning
        assert "QUIZAPP_RATELIMIT_STORAGE_URI" in warning


def _worker_pids(log: str) -> list[int]:
    return [int(pid) for pid in re.findall(r"Booting worker with pid: (\d+)", log)]


def test_gunicorn_with_two_workers_and_memory_storage_says_so_once(tmp_path: Path) -> None:
    env = {"QUIZAPP_RATELIMIT_STORAGE_URI": "memory://"}
    with empty_database(tmp_path / "warn.sqlite3", "warn") as url:
        app = create_app(settings_for(url))
        try:
            with serving(app, tmp_path, names=("memory",), workers=2, env=env) as (server,):
                # The master says it, once: not each worker, nor one that replaces a
                # worker lost (as after a crash).
                os.kill(_worker_pids(server.log_text())[0], signal.SIGKILL)
                deadline = time.monotonic() + 30
                while len(_worker_pids(server.log_text())) < 3 and time.monotonic() < deadline:
                    time.sleep(0.1)
                assert server.browser().get("/healthz").status == 200
            log = server.log_text()
        finally:
            with app.app_context():
                db.engine.dispose()

    assert len(_worker_pids(log)) == 3, log
    assert log.count(WARNING) == 1, log
    assert "Rate limits are counted in memory:// storage with 2 workers" in log
