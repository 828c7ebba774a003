"""The article pages for teachers through the test client: list, upload, paste, edit."""

from __future__ import annotations

import html as html_module
import io
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from quizapp.domain.questions import question_from_mapping
from quizapp.extensions import db
from quizapp.models import Article, Question, Role, User
from quizapp.services import articles, question_authoring
from quizapp.services.quizzes import live_candidates
from tests.factories import (
    NOW,
    create_student,
    create_teacher,
    csrf_token,
    logged_in_client,
    page_text,
    token_for,
)

ARTICLE_MD = """---
title: "Tea and Trade"
authors: ["A. Writer"]
published: 2024-01-02
source: "Test Press"
---
## Tea in Europe

Tea reached Europe in the 17th century. Dutch traders brought it first.

## The tea trade

Britain imported 10 million pounds of tea in 1750.
"""


@pytest.fixture
def accounts(app: Flask) -> Flask:
    with app.app_context():
        create_teacher()
        create_student()
    return app


@pytest.fixture
def teacher(accounts: Flask) -> FlaskClient:
    return logged_in_client(accounts, "grace@example.com")


@pytest.fixture
def article_id(app: Flask) -> int:
    with app.app_context():
        return articles.create_article(ARTICLE_MD, NOW).id


def errors_of(html: str, field_id: str) -> list[str]:
    """The error lines listed under ``field_id``."""
    block = re.search(rf'<ul class="error" id="{field_id}-error">(.*?)</ul>', html, re.S)
    if block is None:
        return []
    return [
        html_module.unescape(item).strip()
        for item in re.findall(r"<li>(.*?)</li>", block.group(1), re.S)
    ]


def textarea(html: str, name: str) -> str:
    match = re.search(rf'<textarea[^>]*name="{name}"[^>]*>(.*?)</textarea>', html, re.S)
    assert match, name
    return re.sub(r"\A\r?\n", "", html_module.unescape(match.group(1)))


def paste(client: FlaskClient, text: str) -> TestResponse:
    token = token_for(client, "/teacher/articles/new")
    return client.post("/teacher/articles/new", data={"csrf_token": token, "text": text})


def upload(client: FlaskClient, content: bytes, name: str = "article.md") -> TestResponse:
    token = token_for(client, "/teacher/articles/new")
    return client.post(
        "/teacher/articles/new",
        data={"csrf_token": token, "file": (io.BytesIO(content), name), "text": ""},
        content_type="multipart/form-data",
    )


def stored_articles(app: Flask) -> list[tuple[str, list[str]]]:
    with app.app_context():
        return [
            (a.slug, [s.slug for s in a.sections])
            for a in db.session.execute(db.select(Article).order_by(Article.id)).scalars()
        ]


# ---------------------------------------------------------------------------- who may see


def _routes(article_id: int) -> list[tuple[str, str]]:
    return [
        ("GET", "/teacher/articles"),
        ("GET", "/teacher/articles/new"),
        ("POST", "/teacher/articles/new"),
        ("GET", f"/teacher/articles/{article_id}/edit"),
        ("POST", f"/teacher/articles/{article_id}/edit"),
    ]


def _request(client: FlaskClient, method: str, path: str) -> TestResponse:
    if method == "GET":
        return client.get(path)
    return client.post(path, data={"csrf_token": token_for(client, "/login")})


def test_anonymous_visitors_are_sent_to_log_in(app: Flask, article_id: int) -> None:
    for method, path in _routes(article_id):
        response = _request(app.test_client(), method, path)
        assert response.status_code == 302, (method, path)
        assert response.headers["Location"].startswith("/login?next="), (method, path)


def test_students_get_403(accounts: Flask, article_id: int) -> None:
    student = logged_in_client(accounts, "ada@example.com")
    for method, path in _routes(article_id):
        assert _request(student, method, path).status_code == 403, (method, path)


def test_teachers_see_the_list_with_links(article_id: int, teacher: FlaskClient) -> None:
    response = teacher.get("/teacher/articles")

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<a class="button" href="/teacher/articles/new">New article</a>' in html
    assert f'href="/teacher/articles/{article_id}/edit"' in html
    assert f'href="/teacher/questions?article={article_id}"' in html
    assert "Tea and Trade" in html


def test_an_unknown_article_is_a_404(teacher: FlaskClient) -> None:
    assert teacher.get("/teacher/articles/999/edit").status_code == 404


def test_posts_need_a_csrf_token(app: Flask, teacher: FlaskClient) -> None:
    assert teacher.post("/teacher/articles/new", data={"text": ARTICLE_MD}).status_code == 400
    assert stored_articles(app) == []


# ------------------------------------------------------------------------------- adding


def test_an_uploaded_article_md_is_added(app: Flask, teacher: FlaskClient) -> None:
    response = upload(teacher, ARTICLE_MD.encode("utf-8"))

    assert response.status_code == 302
    assert response.headers["Location"] == "/teacher/articles"
    assert stored_articles(app) == [("tea-and-trade", ["tea-in-europe", "the-tea-trade"])]
    page = page_text(teacher.get("/teacher/articles").get_data(as_text=True))
    assert "Article “Tea and Trade” added with 2 sections." in page


def test_pasted_markdown_is_added(app: Flask, teacher: FlaskClient) -> None:
    response = paste(teacher, ARTICLE_MD)

    assert response.status_code == 302
    assert stored_articles(app) == [("tea-and-trade", ["tea-in-europe", "the-tea-trade"])]


def test_the_new_article_form_is_accessible(teacher: FlaskClient) -> None:
    html = teacher.get("/teacher/articles/new").get_data(as_text=True)

    assert 'enctype="multipart/form-data"' in html
    assert '<label for="file">Upload article.md</label>' in html
    assert '<label for="text">Or paste the Markdown</label>' in html
    assert 'aria-describedby="text-hint"' in html
    assert "<script" not in html and "style=" not in html


def test_pasted_text_with_problems_lists_them_by_line_and_keeps_the_text(
    app: Flask, teacher: FlaskClient
) -> None:
    broken = ARTICLE_MD.replace('source: "Test Press"\n', "").replace(
        "---\n## Tea", "---\nA stray line.\n## Tea"
    )

    response = paste(teacher, broken)

    assert response.status_code == 400
    html = response.get_data(as_text=True)
    problems = errors_of(html, "text")
    assert "Line 1: front matter is missing 'source'" in problems
    assert any(
        p.startswith("Line 6: text before the first '## ' section heading") for p in problems
    )
    assert 'aria-describedby="text-hint text-error"' in html
    assert textarea(html, "text") == broken
    assert stored_articles(app) == []


def test_an_uploaded_file_with_problems_shows_them_on_the_file_field(
    app: Flask, teacher: FlaskClient
) -> None:
    response = upload(teacher, b"## Only a heading\n")

    assert response.status_code == 400
    assert errors_of(response.get_data(as_text=True), "file") == [
        "Line 1: article.md must start with YAML front matter: a '---' line"
    ]
    assert stored_articles(app) == []


def test_an_upload_that_is_not_utf8_is_refused(app: Flask, teacher: FlaskClient) -> None:
    response = upload(teacher, "title: café".encode("latin-1"))

    assert response.status_code == 400
    assert "The file is not UTF-8 text." in page_text(response.get_data(as_text=True))


def test_nothing_or_both_given_is_refused(app: Flask, teacher: FlaskClient) -> None:
    empty = paste(teacher, "   ")
    token = token_for(teacher, "/teacher/articles/new")
    both = teacher.post(
        "/teacher/articles/new",
        data={
            "csrf_token": token,
            "file": (io.BytesIO(ARTICLE_MD.encode()), "article.md"),
            "text": ARTICLE_MD,
        },
        content_type="multipart/form-data",
    )

    assert empty.status_code == both.status_code == 400
    assert errors_of(empty.get_data(as_text=True), "text") == [
        "Upload article.md or paste its text."
    ]
    assert errors_of(both.get_data(as_text=True), "text") == [
        "Upload a file or paste text, not both."
    ]
    assert stored_articles(app) == []


def test_an_article_with_a_title_already_used_is_refused(
    app: Flask, article_id: int, teacher: FlaskClient
) -> None:
    response = paste(teacher, ARTICLE_MD)

    assert response.status_code == 400
    assert errors_of(response.get_data(as_text=True), "text") == [
        "Line 2: another article already has a title that gives the slug 'tea-and-trade'; "
        "choose a different title."
    ]


# ------------------------------------------------------------------------------- editing


def _question_on_tea(app: Flask, article_id: int) -> int:
    with app.app_context():
        article = db.session.get(Article, article_id)
        teacher_id = db.session.scalar(db.select(User.id).where(User.role == Role.TEACHER))
        question = question_from_mapping(
            {
                "id": "draft",
                "type": "true_false",
                "prompt": "The Dutch brought tea first.",
                "answer": True,
                "evidence": "Dutch traders brought it first.",
            }
        )
        return question_authoring.save_question(
            article_id=article_id,
            section_id=article.sections[0].id,
            question=question,
            author_id=teacher_id,
            now=NOW,
        ).id


def test_the_edit_page_shows_the_article_rebuilt_as_article_md(
    article_id: int, teacher: FlaskClient
) -> None:
    html = teacher.get(f"/teacher/articles/{article_id}/edit").get_data(as_text=True)

    text = textarea(html, "text")
    assert text.startswith('---\ntitle: "Tea and Trade"\nauthors: ["A. Writer"]\n')
    assert "\n## Tea in Europe\n\nTea reached Europe" in text
    assert "\n## The tea trade\n\nBritain imported" in text
    assert '<label for="text">Article text</label>' in html


def test_editing_the_text_makes_a_question_stale_and_says_so(
    app: Flask, article_id: int, teacher: FlaskClient
) -> None:
    question_id = _question_on_tea(app, article_id)
    url = f"/teacher/articles/{article_id}/edit"
    page = teacher.get(url).get_data(as_text=True)
    text = textarea(page, "text").replace(
        "Dutch traders brought it first.", "The Dutch came first."
    )

    response = teacher.post(url, data={"csrf_token": csrf_token(page), "text": text})

    assert response.status_code == 302
    assert response.headers["Location"] == url
    after = teacher.get(url).get_data(as_text=True)
    assert "Article saved. 1 question got “stale evidence”" in page_text(after)
    assert "The Dutch came first." in textarea(after, "text")
    with app.app_context():
        assert db.session.get(Question, question_id).evidence_stale is True
        assert live_candidates(article_id) == []
    bank = teacher.get(f"/teacher/questions?article={article_id}&health=stale+evidence")
    assert "The Dutch brought tea first." in page_text(bank.get_data(as_text=True))

    # Putting the sentence back clears the flag.
    teacher.post(url, data={"csrf_token": csrf_token(after), "text": ARTICLE_MD})
    message = page_text(teacher.get(url).get_data(as_text=True))
    assert "No question got “stale evidence”. 1 question no longer stale." in message
    with app.app_context():
        assert db.session.get(Question, question_id).evidence_stale is False


def test_an_edit_that_drops_a_section_with_questions_is_refused_keeping_the_text(
    app: Flask, article_id: int, teacher: FlaskClient
) -> None:
    _question_on_tea(app, article_id)
    url = f"/teacher/articles/{article_id}/edit"
    page = teacher.get(url).get_data(as_text=True)
    text = textarea(page, "text").replace("## Tea in Europe", "## Tea arrives")

    response = teacher.post(url, data={"csrf_token": csrf_token(page), "text": text})

    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert errors_of(html, "text") == [
        "The section 'Tea in Europe' is gone from the text, but 1 question is tied to it. "
        "Keep its '## ' heading, or move or delete those questions first."
    ]
    assert textarea(html, "text") == text
    assert stored_articles(app) == [("tea-and-trade", ["tea-in-europe", "the-tea-trade"])]


def test_an_edit_with_a_broken_line_reports_its_number(
    app: Flask, article_id: int, teacher: FlaskClient
) -> None:
    url = f"/teacher/articles/{article_id}/edit"
    page = teacher.get(url).get_data(as_text=True)
    text = textarea(page, "text").replace("published: 2024-01-02", "published: someday")

    response = teacher.post(url, data={"csrf_token": csrf_token(page), "text": text})

    assert response.status_code == 400
    assert errors_of(response.get_data(as_text=True), "text") == [
        "Line 4: published must be a date like 2024-03-29, not 'someday'"
    ]


def test_an_edit_can_add_sections_and_rename_the_article(
    app: Flask, article_id: int, teacher: FlaskClient
) -> None:
    url = f"/teacher/articles/{article_id}/edit"
    page = teacher.get(url).get_data(as_text=True)
    text = (
        textarea(page, "text").replace('"Tea and Trade"', '"Tea, Trade and Porcelain"')
        + "\n## Porcelain\n\nChina exported porcelain.\n"
    )

    response = teacher.post(url, data={"csrf_token": csrf_token(page), "text": text})

    assert response.status_code == 302
    assert stored_articles(app) == [
        ("tea-trade-and-porcelain", ["tea-in-europe", "the-tea-trade", "porcelain"])
    ]
