"""Heavy teacher input stays bounded: import previews, problem lists, caps, article HTML.

Sizes are small; the limits' own values are used where a file that size is cheap, and
lowered with monkeypatch where it is not. Timings are for bench/bench_import.py.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from werkzeug.datastructures import MultiDict

from quizapp import rendering
from quizapp.domain.bank import MAX_ARTICLE_BYTES, MAX_SECTIONS, BankError, read_bank
from quizapp.extensions import db
from quizapp.models import Article, Question, Quiz, Section
from quizapp.services import article_html
from quizapp.services.interchange import PREVIEW_QUESTIONS, PROBLEMS_LISTED
from quizapp.teacher.forms import MAX_RULE_ROWS
from tests.factories import (
    create_class,
    create_teacher,
    field_error,
    load_article,
    logged_in_client,
    page_text,
    token_for,
)
from tests.functional.test_import import CONFIRM, UPLOAD, World, form_fields, upload
from tests.functional.test_teacher_articles import errors_of, textarea

ARTICLE_SLUG = "china-and-russia-exploring-ties-between-two-authoritarian-powers"


@pytest.fixture
def world(app: Flask) -> World:
    with app.app_context():
        article = load_article(sections=())
        teacher = create_teacher()
        create_class(teacher)
        intro = next(s for s in article.sections if s.slug == "introduction")
        return World(article_id=article.id, section_id=intro.id)


@pytest.fixture
def teacher(app: Flask, world: World) -> FlaskClient:
    return logged_in_client(app, "grace@example.com")


def question_count(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count(Question.id)))


def gift_questions(count: int) -> bytes:
    return "\n".join(f"::q{n}::Statement {n} holds.{{T}}\n" for n in range(count)).encode()


def broken_gift(count: int) -> bytes:
    """``count`` questions, each with one problem (a choice block with no right answer)."""
    return "\n".join(f"::b{n}::Pick one.{{~only}}\n" for n in range(count)).encode()


# ---------------------------------------------------------------------------- the import


def test_the_preview_shows_the_first_questions_and_counts_the_rest(
    app: Flask, teacher: FlaskClient, world: World
) -> None:
    total = PREVIEW_QUESTIONS + 7

    response = upload(teacher, world, gift_questions(total))

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    text = page_text(html)
    assert f"Preview: {total} questions from quiz.gift" in text
    assert html.count('<fieldset class="question" disabled>') == PREVIEW_QUESTIONS
    assert "and 7 more questions, not shown here" in text
    assert f"all {total} will be imported" in text
    assert f"By type: true_false {total}." in text
    assert f"Statement {PREVIEW_QUESTIONS - 1} holds." in text
    assert f"Statement {PREVIEW_QUESTIONS} holds." not in text

    confirmed = teacher.post(CONFIRM, data={**form_fields(html, CONFIRM), "submit": "Import"})

    assert confirmed.status_code == 302
    assert question_count(app) == total


def test_a_large_file_waits_on_the_server_and_is_imported_whole(
    app: Flask, teacher: FlaskClient, world: World
) -> None:
    content = gift_questions(2000)  # about 80 KB

    preview = upload(teacher, world, content).get_data(as_text=True)
    fields = form_fields(preview, CONFIRM)

    assert set(fields) == {"csrf_token", "pending_id"}
    assert len(preview) < len(content)
    assert teacher.post(CONFIRM, data=fields).status_code == 302
    assert question_count(app) == 2000


def test_a_file_with_many_problems_lists_the_first_and_counts_the_rest_exactly(
    app: Flask, teacher: FlaskClient, world: World
) -> None:
    total = PROBLEMS_LISTED + 23

    response = upload(teacher, world, broken_gift(total))

    assert response.status_code == 400
    html = response.get_data(as_text=True)
    text = page_text(html)
    assert f"{total} problems found; nothing was imported." in text
    listed = re.findall(r"<li><code>(.*?)</code></li>", html)
    assert len(listed) == PROBLEMS_LISTED
    assert listed[0].startswith("quiz.gift:1:")
    assert "and 23 more problems (fix these first)." in text
    assert question_count(app) == 0


def test_a_file_over_the_question_limit_is_refused_next_to_the_file_field(
    app: Flask, teacher: FlaskClient, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("quizapp.services.interchange.MAX_QUESTIONS_PER_IMPORT", 3)

    response = upload(teacher, world, gift_questions(4))

    assert response.status_code == 400
    message = field_error(response.get_data(as_text=True), "file")
    assert message == (
        "quiz.gift: the file holds 4 questions; one import takes at most 3: "
        "split it into several files"
    )
    assert question_count(app) == 0


def test_a_file_over_the_size_limit_is_refused_next_to_the_file_field(
    app: Flask, teacher: FlaskClient, world: World
) -> None:
    app.config["IMPORT_MAX_BYTES"] = 100
    content = gift_questions(5)

    response = upload(teacher, world, content)

    assert response.status_code == 400
    assert field_error(response.get_data(as_text=True), "file") == (
        f"quiz.gift: the file is {len(content):,} bytes; the limit is 100"
    )
    assert question_count(app) == 0


def test_confirming_a_file_over_the_question_limit_saves_nothing(
    app: Flask, teacher: FlaskClient, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    fields = form_fields(upload(teacher, world, gift_questions(4)).get_data(as_text=True), CONFIRM)
    monkeypatch.setattr("quizapp.services.interchange.MAX_QUESTIONS_PER_IMPORT", 3)

    response = teacher.post(CONFIRM, data=fields)

    assert response.status_code == 400
    assert "one import takes at most 3" in (
        field_error(response.get_data(as_text=True), "file") or ""
    )
    assert question_count(app) == 0


def test_the_upload_page_states_the_limits(teacher: FlaskClient) -> None:
    text = page_text(teacher.get(UPLOAD).get_data(as_text=True))
    assert "A file may be up to 5,242,880 bytes and hold up to 10,000 questions." in text


def test_a_request_over_the_server_limit_gets_a_page_saying_both_sizes(
    app: Flask, teacher: FlaskClient, world: World
) -> None:
    app.config["MAX_CONTENT_LENGTH"] = 2000
    token = token_for(teacher, UPLOAD)
    content = gift_questions(200)

    response = teacher.post(
        UPLOAD,
        data={"csrf_token": token, "file": (io.BytesIO(content), "quiz.gift"),
              "format_name": "gift", "section_id": str(world.section_id)},
        content_type="multipart/form-data",
    )  # fmt: skip

    assert response.status_code == 413
    html = response.get_data(as_text=True)
    text = page_text(html)
    assert re.search(r"You sent [\d,]+ bytes; this site accepts at most 2,000 bytes", text)
    assert "Nothing was saved." in text
    assert f'href="{UPLOAD}"' in html
    assert question_count(app) == 0


def test_a_pasted_text_over_the_field_limit_gets_a_page_naming_that_limit(
    app: Flask, teacher: FlaskClient
) -> None:
    app.config["MAX_FORM_MEMORY_SIZE"] = 50_000  # werkzeug's limit per text field
    text = article_md(2, body="y" * 30_000)
    token = token_for(teacher, "/teacher/articles/new")

    response = teacher.post(
        "/teacher/articles/new",
        data={"csrf_token": token, "text": text},
        content_type="multipart/form-data",
    )

    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert "A text field of the form holds more than 50,000 bytes, the most one field may " in (
        page_text(html)
    )
    assert 'href="/teacher/articles/new"' in html
    assert article_count(app) == 1


# ------------------------------------------------------------------------ command line


def test_the_cli_lists_the_first_problems_and_counts_the_rest(
    app: Flask, world: World, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    path = tmp_path / "broken.gift"
    path.write_bytes(broken_gift(PROBLEMS_LISTED + 5))

    result = runner.invoke(
        args=["bank", "import", str(path), "--format", "gift", "--article", ARTICLE_SLUG,
              "--section", "introduction"]
    )  # fmt: skip

    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert len([line for line in lines if line.startswith(f"{path}:")]) == PROBLEMS_LISTED
    assert "and 5 more problems (fix these first)" in lines
    assert f"{PROBLEMS_LISTED + 5} problem(s) found; nothing was imported." in lines
    assert question_count(app) == 0


def test_a_dry_run_lists_the_first_questions_and_counts_the_rest(
    world: World, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    path = tmp_path / "many.gift"
    path.write_bytes(gift_questions(PREVIEW_QUESTIONS + 2))

    result = runner.invoke(
        args=["bank", "import", str(path), "--format", "gift", "--article", ARTICLE_SLUG,
              "--section", "introduction", "--dry-run"]
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    assert result.output.count("true_false") == PREVIEW_QUESTIONS
    assert "and 2 more questions" in result.output


def test_bank_check_lists_the_first_problems_and_counts_the_rest(
    runner: FlaskCliRunner, tmp_path: Path
) -> None:
    folder = tmp_path / "bank" / "a-long-read"
    folder.mkdir(parents=True)
    (folder / "article.md").write_text(article_md(1), encoding="utf-8")
    broken = "".join(f"- id: q{n}\n  type: riddle\n  prompt: Why?\n" for n in range(105))
    (folder / "part-1.yaml").write_text(broken, encoding="utf-8")

    with pytest.raises(BankError) as raised:
        read_bank(tmp_path / "bank")
    total = len(raised.value.problems)
    assert total > PROBLEMS_LISTED

    result = runner.invoke(args=["bank", "check", str(tmp_path / "bank")])

    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert len([line for line in lines if "part-1.yaml:" in line]) == PROBLEMS_LISTED
    assert lines[-2:] == [
        f"and {total - PROBLEMS_LISTED} more problems (fix these first)",
        f"{total} problems found.",
    ]


# ----------------------------------------------------------------------- the quiz form


def test_a_quiz_form_with_more_rule_rows_than_allowed_says_so_and_saves_nothing(
    app: Flask, teacher: FlaskClient, world: World
) -> None:
    url = f"/teacher/quizzes/new?article={world.article_id}"
    html = teacher.get(url).get_data(as_text=True)
    sent = MAX_RULE_ROWS + 50
    data = MultiDict(
        {"csrf_token": re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)[1]}
    )
    data.update({"title": "Too many rows", "class_id": _class_option(html)})
    for row in range(sent):
        data.add(f"rules-{row}-section_id", str(world.section_id))
        data.add(f"rules-{row}-question_count", "0")

    response = teacher.post(url, data=data)

    assert response.status_code == 400
    text = page_text(response.get_data(as_text=True))
    assert (
        f"The form sent {sent} rule rows; a quiz has at most {MAX_RULE_ROWS} (one per section "
        "and one for all sections)." in text
    )
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Quiz.id))) == 0


def _class_option(html: str) -> str:
    match = re.search(r'<select[^>]*name="class_id"[^>]*>.*?<option[^>]*value="(\d+)"', html, re.S)
    assert match
    return match[1]


# --------------------------------------------------------------------------- articles


def article_md(sections: int, body: str = "Some text.") -> str:
    heads = "".join(f"## Part {n}\n\n{body} {n}\n\n" for n in range(1, sections + 1))
    return (
        "---\ntitle: A long read\nauthors: [A. Writer]\npublished: 2024-01-02\n"
        f"source: Somewhere\n---\n\n{heads}"
    )


def paste(client: FlaskClient, text: str) -> str:
    token = token_for(client, "/teacher/articles/new")
    response = client.post("/teacher/articles/new", data={"csrf_token": token, "text": text})
    assert response.status_code == 400
    return response.get_data(as_text=True)


def article_count(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count(Article.id)))


def test_an_article_with_too_many_sections_is_refused_next_to_the_text(
    app: Flask, teacher: FlaskClient
) -> None:
    text = article_md(MAX_SECTIONS + 1)
    line = text.splitlines().index(f"## Part {MAX_SECTIONS + 1}") + 1

    html = paste(teacher, text)

    assert errors_of(html, "text") == [
        f"Line {line}: the article has {MAX_SECTIONS + 1} sections; an article may have at "
        f"most {MAX_SECTIONS}: this is section {MAX_SECTIONS + 1}"
    ]
    assert article_count(app) == 1  # the shipped one only


def test_an_article_over_the_size_limit_is_refused_with_its_size(
    app: Flask, teacher: FlaskClient
) -> None:
    text = article_md(2, body="x" * (MAX_ARTICLE_BYTES // 2))
    size = len(text.encode())

    html = paste(teacher, text)

    assert errors_of(html, "text") == [
        f"Line 1: the article is {size:,} bytes; an article may be at most "
        f"{MAX_ARTICLE_BYTES:,} bytes: split it into several articles"
    ]
    assert article_count(app) == 1


def test_a_bank_load_refuses_an_article_over_the_section_limit(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    folder = tmp_path / "bank" / "a-long-read"
    folder.mkdir(parents=True)
    (folder / "article.md").write_text(article_md(MAX_SECTIONS + 1), encoding="utf-8")

    result = runner.invoke(args=["bank", "load", str(tmp_path / "bank")])

    assert result.exit_code == 1
    assert f"the article has {MAX_SECTIONS + 1} sections" in result.stderr
    assert "nothing was loaded" in result.stderr
    assert article_count(app) == 0


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every Markdown text the renderer renders, from empty caches."""
    article_html.clear_cache()
    rendering.markdown_to_html.cache_clear()
    seen: list[str] = []
    original: Callable[[str], str] = rendering._markdown.render

    def counting(text: str) -> str:
        seen.append(text)
        return original(text)

    monkeypatch.setattr(rendering._markdown, "render", counting)
    yield seen
    article_html.clear_cache()


def section_bodies(app: Flask, slug: str) -> list[str]:
    with app.app_context():
        return list(
            db.session.scalars(
                db.select(Section.body)
                .join(Article, Article.id == Section.article_id)
                .where(Article.slug == slug)
                .order_by(Section.position)
            )
        )


def test_article_pages_render_each_section_once_per_worker_not_per_view(
    app: Flask, world: World, client: FlaskClient, renders: list[str]
) -> None:
    bodies = section_bodies(app, ARTICLE_SLUG)

    first = client.get(f"/articles/{ARTICLE_SLUG}")
    assert first.status_code == 200
    assert sorted(renders) == sorted(bodies)  # the first view in this worker renders
    views = [client.get(f"/articles/{ARTICLE_SLUG}") for _ in range(3)]

    assert len(renders) == len(bodies)  # later views find the HTML cached
    assert {v.get_data(as_text=True) for v in views} == {first.get_data(as_text=True)}


def test_an_edit_is_shown_at_once_and_saving_renders_ahead(
    app: Flask, world: World, teacher: FlaskClient, client: FlaskClient, renders: list[str]
) -> None:
    client.get(f"/articles/{ARTICLE_SLUG}")
    edit_url = f"/teacher/articles/{world.article_id}/edit"
    page = teacher.get(edit_url).get_data(as_text=True)
    text = textarea(page, "text")
    old = section_bodies(app, ARTICLE_SLUG)[-1]
    edited = text.replace(old, old + "\n\nA paragraph added by the edit.")
    assert edited != text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)[1]
    saved = teacher.post(edit_url, data={"csrf_token": token, "text": edited})
    assert saved.status_code == 302, page_text(saved.get_data(as_text=True))
    rendered_by_save = len(renders)

    view = client.get(f"/articles/{ARTICLE_SLUG}").get_data(as_text=True)

    assert "<p>A paragraph added by the edit.</p>" in view
    assert len(renders) == rendered_by_save  # the save rendered the new text ahead
    # Another worker (an empty cache) renders the new text, never the old one.
    article_html.clear_cache()
    rendering.markdown_to_html.cache_clear()
    assert "A paragraph added by the edit." in client.get(f"/articles/{ARTICLE_SLUG}").get_data(
        as_text=True
    )
    assert old not in renders[rendered_by_save:]
