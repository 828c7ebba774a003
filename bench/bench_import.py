"""Benchmark: heavy teacher input (imports, previews, long articles, big quiz forms).

Run on demand (never by ``make test``):

    .venv/bin/python bench/bench_import.py                 # 1,000 / 3,000 / 10,000 questions
    .venv/bin/python bench/bench_import.py 500 2000        # other import sizes
    QUIZAPP_BENCH_DATABASE_URL=postgresql+psycopg://... .venv/bin/python bench/bench_import.py

Prints, on a fresh database each time:
- importing N generated GIFT questions through the service the confirm page calls
  (``import_pages.confirm_import``: read the kept upload, check, match with the section,
  insert), best of three for the smaller sizes;
- ``flask bank load``'s service on the shipped bank grown to about 10,000 questions, then
  again unchanged;
- the preview page for a 4.5 MB GIFT file (10,000 questions): its size and time;
- the upload page for 600 KB of broken GIFT (10,000 problems): its size and time;
- an article: a 2 MB table is refused at once; one at the size limit, its first and later
  views;
- a quiz form posted with 3,000 rule rows.
"""

from __future__ import annotations

import io
import os
import random
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from quizapp import create_app  # noqa: E402
from quizapp.clock import utcnow  # noqa: E402
from quizapp.domain.bank import MAX_ARTICLE_BYTES  # noqa: E402
from quizapp.extensions import db  # noqa: E402
from quizapp.models import Article, Role, Section  # noqa: E402
from quizapp.services.article_html import clear_cache  # noqa: E402
from quizapp.services.bank import load_bank  # noqa: E402
from quizapp.services.classes import create_class  # noqa: E402
from quizapp.services.import_pages import ImportDone, confirm_import  # noqa: E402
from quizapp.services.pending_imports import keep_upload  # noqa: E402
from quizapp.services.users import create_user  # noqa: E402

PASSWORD = "bench-password"
SIZES = (1_000, 3_000, 10_000)


def gift(count: int, padding: int = 0) -> bytes:
    """``count`` GIFT questions of four types; ``padding`` extra characters per prompt."""
    pad = (" " + "lorem ipsum " * (padding // 12 + 1))[:padding] if padding else ""
    out = []
    for n in range(count):
        kind = n % 4
        if kind == 0:
            out.append(f"::q{n}::Which is choice {n}?{pad}{{\n=A{n}\n~B{n}#no\n~C{n}\n}}\n")
        elif kind == 1:
            out.append(f"::q{n}::Statement {n} is true.{pad}{{T}}\n")
        elif kind == 2:
            out.append(f"::q{n}::What is {n} plus one?{pad}{{#{n + 1}:0}}\n")
        else:
            out.append(f"::q{n}::Match pairs {n}.{pad}{{\n=a{n} -> x\n=b{n} -> y\n=c{n} -> z\n}}\n")
    return "\n".join(out).encode()


def fresh(app) -> tuple[int, str]:
    """An empty database with the shipped bank and a teacher; (section id, teacher email)."""
    with app.app_context():
        db.drop_all()
        db.create_all()
        load_bank(REPO / "questions", now=utcnow())
        teacher = create_user(
            "bench@example.org", PASSWORD, role=Role.TEACHER, name="Bench", now=utcnow()
        )
        create_class(teacher, "Bench class", now=utcnow())
        section = db.session.scalars(db.select(Section).order_by(Section.position)).first()
        return section.id, teacher.email


def time_import(app, count: int) -> float:
    section_id, _ = fresh(app)
    with app.app_context():
        teacher_id = db.session.execute(db.text("SELECT id FROM users")).scalar_one()
        # The preview kept the upload on the server; the confirmation is what is timed.
        pending_id = keep_upload(
            owner_id=teacher_id, section_id=section_id, filename="bench.gift",
            format_name="gift", skip_problems=False, content=gift(count), now=utcnow(),
        )  # fmt: skip
        started = time.perf_counter()
        done = confirm_import(
            pending_id, owner_id=teacher_id, now=utcnow(),
            max_bytes=app.config["IMPORT_MAX_BYTES"],
        )  # fmt: skip
        elapsed = time.perf_counter() - started
    assert isinstance(done, ImportDone) and done.count == count, done
    return elapsed


def logged_in(app, email: str):
    client = app.test_client()
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, response.status_code
    return client


def upload(client, section_id: int, content: bytes, filename: str):
    """The import page's Preview of ``content``: (the response, seconds it took)."""
    started = time.perf_counter()
    response = client.post(
        "/teacher/import",
        data={"file": (io.BytesIO(content), filename), "format_name": "gift",
              "section_id": str(section_id), "submit": "Preview"},
        content_type="multipart/form-data",
    )  # fmt: skip
    return response, time.perf_counter() - started


def random_words_gift(count: int) -> bytes:
    """``count`` true/false questions of random words, which do not compress."""
    noise = random.Random(8)
    return "\n".join(
        f"::r{n}::" + " ".join("".join(noise.choices("abcdefghijklmnopqrstuvwxyz", k=7))
                               for _ in range(40)) + "?{T}\n"
        for n in range(count)
    ).encode()  # fmt: skip


def bench_preview(app) -> None:
    section_id, email = fresh(app)
    client = logged_in(app, email)
    # Random words: the page used to carry the file back to the confirm, compressed.
    for content, what in (
        (gift(10_000, padding=400), "GIFT file (10,000 questions)"),
        (random_words_gift(10_000), "GIFT file of random words"),
    ):
        response, elapsed = upload(client, section_id, content, "big.gift")
        assert response.status_code == 200, response.status_code
        print(
            f"preview of a {len(content) / 1e6:.1f} MB {what}: "
            f"{len(response.data) / 1e6:.2f} MB page in {elapsed:.2f} s",
            flush=True,
        )


def bench_broken(app) -> None:
    """A 600 KB GIFT file of 10,000 broken questions: the page lists 100 problems."""
    section_id, email = fresh(app)
    pad = "x" * 36
    content = "\n".join(f"::b{n}::Pick one {pad}.{{~only}}\n" for n in range(10_000)).encode()
    client = logged_in(app, email)
    response, elapsed = upload(client, section_id, content, "broken.gift")
    more = re.search(r"and [\d,]+ more problems", response.get_data(as_text=True))
    print(
        f"{len(content) / 1e3:.0f} KB of broken GIFT: {response.status_code}, "
        f"{len(response.data) / 1e3:.0f} KB page in {elapsed:.2f} s "
        f"({more[0] if more else 'no count'})",
        flush=True,
    )


def table(size: int) -> str:
    rows = ["| city | country | note |", "|---|---|---|"]
    total = 0
    n = 0
    while total < size:
        row = f"| city {n} | country {n % 190} | *note* {n * 7} |"
        rows.append(row)
        total += len(row) + 1
        n += 1
    return "\n".join(rows)


def article_md(body: str) -> str:
    return (
        "---\ntitle: Tables\nauthors: [Bench]\npublished: 2024-01-01\nsource: Bench\n---\n\n"
        f"## Figures\n\n{body}\n\n## Notes\n\nShort.\n"
    )


def bench_article(app) -> None:
    _, email = fresh(app)
    client = logged_in(app, email)
    page = client.get("/teacher/articles/new")
    assert page.status_code == 200
    big = article_md(table(2_000_000))
    started = time.perf_counter()
    refused = client.post("/teacher/articles/new", data={"text": big})
    print(
        f"article with a 2 MB table: refused ({refused.status_code}) in "
        f"{time.perf_counter() - started:.2f} s",
        flush=True,
    )
    text = article_md(table(MAX_ARTICLE_BYTES - 300))
    started = time.perf_counter()
    saved = client.post("/teacher/articles/new", data={"text": text})
    assert saved.status_code == 302, saved.status_code
    print(
        f"article at the limit ({len(text.encode()):,} bytes): saved in "
        f"{time.perf_counter() - started:.2f} s (renders ahead)",
        flush=True,
    )
    with app.app_context():
        slug = db.session.scalars(db.select(Article.slug).where(Article.title == "Tables")).one()
    reader = app.test_client()
    clear_cache()  # as in a worker that did not save it
    times = []
    for _ in range(4):
        started = time.perf_counter()
        view = reader.get(f"/articles/{slug}")
        times.append(time.perf_counter() - started)
        assert view.status_code == 200
    later = ", ".join(f"{t * 1000:.0f} ms" for t in times[1:])
    print(
        f"  its page ({len(view.data) / 1e6:.2f} MB): first view in another worker "
        f"{times[0]:.2f} s; later views {later}",
        flush=True,
    )


def bench_bank_load(app, count: int) -> None:
    """`flask bank load`'s service on the shipped bank grown by ``count`` questions."""
    with tempfile.TemporaryDirectory() as folder:
        bank = Path(folder) / "bank"
        shutil.copytree(REPO / "questions", bank)
        section_file = next(bank.glob("*/introduction.yaml"))
        text = section_file.read_text(encoding="utf-8")
        first = text.split("\n\n- id:")[0]
        first_id = first.split("id: ", 1)[1].split("\n", 1)[0]
        copies = "".join(
            "\n" + first.replace(first_id, f"generated-{n}", 1) + "\n" for n in range(count)
        )
        section_file.write_text(text + copies, encoding="utf-8")
        with app.app_context():
            db.drop_all()
            db.create_all()
            started = time.perf_counter()
            report = load_bank(bank, now=utcnow())
            first_load = time.perf_counter() - started
            started = time.perf_counter()
            load_bank(bank, now=utcnow())
            reload = time.perf_counter() - started
    print(
        f"bank load of {report.questions:,} questions: {first_load:.2f} s; "
        f"again, unchanged: {reload:.2f} s",
        flush=True,
    )


def bench_quiz_form(app) -> None:
    section_id, email = fresh(app)
    client = logged_in(app, email)
    with app.app_context():
        article_id = db.session.scalars(db.select(Article.id)).one()
    url = f"/teacher/quizzes/new?article={article_id}"
    html = client.get(url).get_data(as_text=True)
    class_id = re.search(r'name="class_id".*?<option[^>]*value="(\d+)"', html, re.S)[1]
    data = {"title": "Rows", "class_id": class_id}
    for row in range(3_000):
        data[f"rules-{row}-section_id"] = str(section_id)
        data[f"rules-{row}-question_count"] = "0"
    started = time.perf_counter()
    response = client.post(url, data=data)
    print(
        f"quiz form with 3,000 rule rows: {response.status_code} in "
        f"{time.perf_counter() - started:.2f} s",
        flush=True,
    )


def main() -> None:
    sizes = [int(arg) for arg in sys.argv[1:]] or list(SIZES)
    url = os.environ.get("QUIZAPP_BENCH_DATABASE_URL")
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "bench",
                "WTF_CSRF_ENABLED": False,
                "SQLALCHEMY_DATABASE_URI": url or f"sqlite:///{folder}/bench.sqlite3",
            }
        )
        print(f"database: {app.config['SQLALCHEMY_DATABASE_URI'].split('://')[0]}", flush=True)
        for count in sizes:
            runs = [time_import(app, count) for _ in range(1 if count >= 10_000 else 3)]
            print(f"import {count:>6,} GIFT questions: best {min(runs):.2f} s", flush=True)
        bench_bank_load(app, 10_000)
        bench_preview(app)
        bench_broken(app)
        bench_article(app)
        bench_quiz_form(app)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


if __name__ == "__main__":
    main()
