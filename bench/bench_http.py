"""HTTP benchmarks of the answer path, against the stack's own ceiling, in one run.

    .venv/bin/python bench/bench_http.py ceiling      # question page and save vs the ceiling app
    .venv/bin/python bench/bench_http.py length       # 20- vs 100-question attempts, per page
    .venv/bin/python bench/bench_http.py exam-start   # 100, 300, 1,000 students start at once
    .venv/bin/python bench/bench_http.py attempts     # whole attempts (start, 20 saves, submit)
    .venv/bin/python bench/bench_http.py all

Options: ``--duration S`` (wrk seconds per run, default 10), ``--runs N`` (default 3,
the median is reported), ``--connections 1,16,64``, ``--sizes 100,300,1000``,
``--students N`` (whole attempts). ``QUIZAPP_BENCH_DATABASE_URL`` serves from PostgreSQL
instead of a new SQLite file (the database must be empty; it is migrated here).

Each server is gunicorn with two sync workers pinned to core 0; wrk and this script run on
core 1. Runs of QuizApp and of the ceiling are interleaved, so both see the same machine.
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

from http_support import (
    Data,
    Student,
    WrkResult,
    answer_forms,
    attempt_id_of,
    ceiling_server,
    pin_load_generator,
    prepare,
    quizapp_server,
    run_wrk,
    serving,
)

QUESTION = "/student/attempts/{attempt}/questions/{position}"


def median_result(results: list[WrkResult]) -> WrkResult:
    """The run with the median throughput (its latencies belong to the same run)."""
    ordered = sorted(results, key=lambda r: r.requests_per_s)
    return ordered[len(ordered) // 2]


def row(label: str, result: WrkResult, ceiling: WrkResult | None = None) -> str:
    share = f"{100 * result.requests_per_s / ceiling.requests_per_s:5.0f}%" if ceiling else "     "
    return (
        f"  {label:<34} {result.requests_per_s:8.0f}/s  p50 {result.p50_ms:6.1f}  "
        f"p95 {result.p95_ms:6.1f}  p99 {result.p99_ms:6.1f} ms  {share}  "
        f"failures {result.failures}"
    )


def logged_in(port: int, emails: list[str]) -> list[Student]:
    students = [Student(port, email) for email in emails]
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(Student.log_in, students))
    return students


def started(students: list[Student], quiz_id: int) -> list[int]:
    with ThreadPoolExecutor(8) as pool:
        return list(pool.map(lambda s: attempt_id_of(s.start(quiz_id)), students))


def page_plan(student: Student, attempt: int, total: int) -> list[tuple]:
    headers = {"Cookie": student.cookie_header}
    return [
        ("GET", QUESTION.format(attempt=attempt, position=p), headers, "")
        for p in range(1, total + 1)
    ]


def save_plan(student: Student, attempt: int, forms: list[dict]) -> list[tuple]:
    headers = {
        "Cookie": student.cookie_header,
        "X-CSRFToken": student.token,
        "Content-Type": "application/x-www-form-urlencoded",
    }
    return [
        (
            "POST",
            QUESTION.format(attempt=attempt, position=p) + "/autosave",
            headers,
            urlencode(form, doseq=True),
        )
        for p, form in enumerate(forms, start=1)
    ]


def attempt_plans(data: Data, port: int, quiz: str, emails: list[str]) -> tuple[list, list]:
    students = logged_in(port, emails)
    attempts = started(students, data.quizzes[quiz])
    pages, saves = [], []
    for student, attempt in zip(students, attempts, strict=True):
        forms = answer_forms(data.database_url, attempt)
        pages.append(page_plan(student, attempt, len(forms)))
        saves.append(save_plan(student, attempt, forms))
    return pages, saves


# ------------------------------------------------------------------------------ ceiling


def bench_ceiling(data: Data, workdir: Path, args: argparse.Namespace) -> None:
    connections = [int(c) for c in args.connections.split(",")]
    most = max(connections)
    ceiling_url = f"sqlite:///{workdir / 'ceiling.sqlite3'}"
    with serving(quizapp_server(data)) as ours, serving(ceiling_server(ceiling_url)) as bare:
        pages, saves = attempt_plans(data, ours.port, "20 questions", data.students[:most])
        bare_page = [[("GET", "/page", {}, "")]]
        bare_insert = [
            [("POST", "/insert", {"Content-Type": "application/x-www-form-urlencoded"}, "value=a")]
        ]
        print("\nCeiling ratio (20-question attempts; median of runs; share of the ceiling)")
        for count in connections:
            runs: dict[str, list[WrkResult]] = {k: [] for k in ("bp", "op", "bi", "os")}
            for _ in range(args.runs):
                runs["bp"].append(run_wrk(bare.port, count, args.duration, bare_page))
                runs["op"].append(run_wrk(ours.port, count, args.duration, pages[:count]))
                runs["bi"].append(run_wrk(bare.port, count, args.duration, bare_insert))
                runs["os"].append(run_wrk(ours.port, count, args.duration, saves[:count]))
            med = {k: median_result(v) for k, v in runs.items()}
            print(f" {count} connection(s)")
            print(row("ceiling: template GET", med["bp"]))
            print(row("question page (GET)", med["op"], med["bp"]))
            print(row("ceiling: one-row insert POST", med["bi"]))
            print(row("answer save (autosave POST)", med["os"], med["bi"]))


def bench_length(data: Data, workdir: Path, args: argparse.Namespace) -> None:
    count = 16
    with serving(quizapp_server(data)) as ours:
        short_pages, short_saves = attempt_plans(
            data, ours.port, "20 questions", data.students[:count]
        )
        long_pages, long_saves = attempt_plans(
            data, ours.port, "100 questions", data.students[count : 2 * count]
        )
        runs: dict[str, list[WrkResult]] = {k: [] for k in ("sp", "lp", "ss", "ls")}
        for _ in range(args.runs):
            runs["sp"].append(run_wrk(ours.port, count, args.duration, short_pages))
            runs["lp"].append(run_wrk(ours.port, count, args.duration, long_pages))
            runs["ss"].append(run_wrk(ours.port, count, args.duration, short_saves))
            runs["ls"].append(run_wrk(ours.port, count, args.duration, long_saves))
        med = {k: median_result(v) for k, v in runs.items()}
        print(f"\nQuiz length, {count} connections (share: 100 questions against 20)")
        print(row("question page, 20 questions", med["sp"]))
        print(row("question page, 100 questions", med["lp"], med["sp"]))
        print(row("answer save, 20 questions", med["ss"]))
        print(row("answer save, 100 questions", med["ls"], med["ss"]))


# --------------------------------------------------------------------------- exam start


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def exam_start(students: list[Student], quiz_id: int, seed: int) -> tuple[list[float], list[str]]:
    """Every student presses Start at a moment spread over one second; returns the times
    from each press to a rendered first question, and what went wrong."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    begin = time.monotonic() + 1.0
    rng = random.Random(seed)
    moments = sorted(rng.uniform(0, 1) for _ in students)

    def press(student: Student, moment: float) -> None:
        time.sleep(max(0.0, begin + moment - time.monotonic()))
        pressed = time.monotonic()
        try:
            reply = student.start(quiz_id)
            page = student.request("GET", reply.location or "/")
        except OSError as error:
            with lock:
                errors.append(repr(error))
            return
        took = time.monotonic() - pressed
        with lock:
            if reply.status == 302 and page.status == 200 and "Question 1 of" in page.body:
                latencies.append(took)
            else:
                errors.append(f"{reply.status}/{page.status}")

    threads = [
        threading.Thread(target=press, args=pair) for pair in zip(students, moments, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors


def bench_exam_start(data: Data, workdir: Path, args: argparse.Namespace) -> None:
    sizes = [int(s) for s in args.sizes.split(",")]
    print("\nExam start: students press Start within one second (evenly spread)")
    print("  time to a rendered first question, from the moment each one pressed")
    offset = 0
    with serving(quizapp_server(data)) as ours:
        for size in sizes:
            students = logged_in(ours.port, data.students[offset : offset + size])
            offset += size
            latencies, errors = exam_start(students, data.quizzes[f"exam {size}"], seed=size)
            print(
                f"  {size:5d} students: p50 {1000 * percentile(latencies, 0.5):7.0f} ms  "
                f"p99 {1000 * percentile(latencies, 0.99):7.0f} ms  "
                f"max {1000 * max(latencies):7.0f} ms  errors {len(errors)}"
                + (f" ({errors[:3]})" if errors else "")
            )


# ------------------------------------------------------------------------ whole attempts


def bench_attempts(data: Data, workdir: Path, args: argparse.Namespace) -> None:
    count = args.students
    steps: dict[str, list[float]] = {"start": [], "page": [], "save": [], "submit": []}
    failures: list[str] = []
    lock = threading.Lock()
    with serving(quizapp_server(data)) as ours:
        students = logged_in(ours.port, data.students[:count])
        quiz_id = data.quizzes["whole attempts"]

        def timed(step: str, call: Callable[[], object]) -> object:
            began = time.monotonic()
            reply = call()
            with lock:
                steps[step].append(time.monotonic() - began)
            return reply

        def sit(student: Student) -> None:
            reply = timed("start", lambda: student.start(quiz_id))
            attempt = attempt_id_of(reply)
            forms = answer_forms(data.database_url, attempt)
            for position, form in enumerate(forms, start=1):
                path = QUESTION.format(attempt=attempt, position=position)
                page = timed("page", lambda path=path: student.request("GET", path))
                saved = timed("save", lambda p=position, f=form: student.autosave(attempt, p, f))
                if page.status != 200 or saved.status != 200:
                    with lock:
                        failures.append(f"{page.status}/{saved.status}")
            done = timed("submit", lambda: student.submit(attempt))
            if done.status != 302:
                with lock:
                    failures.append(f"submit {done.status}")

        began = time.monotonic()
        with ThreadPoolExecutor(count) as pool:
            list(pool.map(sit, students))
        elapsed = time.monotonic() - began
    print(f"\nWhole attempts: {count} students at once, each start + 20 x (page, save) + submit")
    print(
        f"  {count / elapsed * 60:.0f} attempts per minute ({elapsed:.1f} s), "
        f"failures {len(failures)}"
    )
    for step, values in steps.items():
        print(
            f"  {step:<7} p50 {1000 * percentile(values, 0.5):6.1f} ms  "
            f"p99 {1000 * percentile(values, 0.99):6.1f} ms  ({len(values)} requests)"
        )


BENCHES = {
    "ceiling": bench_ceiling,
    "length": bench_length,
    "exam-start": bench_exam_start,
    "attempts": bench_attempts,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("which", choices=[*BENCHES, "all"])
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--connections", default="1,16,64")
    parser.add_argument("--sizes", default="100,300,1000")
    parser.add_argument("--students", type=int, default=50)
    args = parser.parse_args()
    pin_load_generator()
    sizes = [int(s) for s in args.sizes.split(",")]
    quizzes = {"20 questions": 20, "100 questions": 100, "whole attempts": 20}
    quizzes.update({f"exam {size}": 20 for size in sizes})
    students = max(sum(sizes), 2 * max(int(c) for c in args.connections.split(",")), args.students)
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        url = (
            os.environ.get("QUIZAPP_BENCH_DATABASE_URL") or f"sqlite:///{workdir / 'bench.sqlite3'}"
        )
        began = time.monotonic()
        data = prepare(url, students, quizzes, workdir)
        print(
            f"Prepared {students} students on {url.split(':')[0]} "
            f"in {time.monotonic() - began:.1f} s"
        )
        for name in BENCHES if args.which == "all" else [args.which]:
            BENCHES[name](data, workdir, args)


if __name__ == "__main__":
    main()
