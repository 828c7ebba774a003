"""Importing a question file through the teacher's pages: upload, preview, confirm.

CSRF protection is on, so every POST carries a token scraped from a page, as a browser's
would.
"""

from __future__ import annotations

import base64
import io
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from quizapp.domain.interchange import InterchangeError
from quizapp.domain.interchange.gift import parse_gift
from quizapp.extensions import db
from quizapp.models import Question, Section
from tests.factories import (
    create_student,
    create_teacher,
    load_article,
    logged_in_client,
    page_text,
    session_token,
    token_for,
)

UPLOAD = "/teacher/import"
CONFIRM = "/teacher/import/confirm"
SECTION_SLUG = "introduction"
SECTION_TITLE = "Introduction"

GIFT = """\
// A small quiz: one question of each of four types.
::capital::What is the **capital** of France?{
    =Paris
    ~Lyon#Lyon is the third city.
    ~Marseille
}

::sky::The sky is blue on a clear day.{T}

::boiling::At what temperature, in °C, does water boil at sea level?{#100:1}

::pairs::Match each country with its capital.{
    =France -> Paris
    =Italy -> Rome
    =Japan -> Tokyo
}
"""
PROMPTS = (
    "What is the **capital** of France?",
    "The sky is blue on a clear day.",
    "At what temperature, in °C, does water boil at sea level?",
    "Match each country with its capital.",
)
# Three problems, on lines 2, 4 and 6.
BROKEN_GIFT = """\
// Three broken questions and a good one.
::one::Which are prime numbers?{~%50%7 ~%30%11 ~8}

::two::Pick one.{~only}

::three::Water is wet.{t}

::four::Sweden is in Europe.{T}
"""


@dataclass(frozen=True)
class World:
    article_id: int
    section_id: int


@pytest.fixture
def world(app: Flask) -> World:
    with app.app_context():
        article = load_article(sections=())
        create_teacher()
        create_student()
        section = next(s for s in article.sections if s.slug == SECTION_SLUG)
        return World(article_id=article.id, section_id=section.id)


@pytest.fixture
def teacher(app: Flask, world: World) -> FlaskClient:
    return logged_in_client(app, "grace@example.com")


def question_count(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count(Question.id)))


def upload(
    client: FlaskClient,
    world: World,
    content: bytes,
    *,
    filename: str = "quiz.gift",
    format_name: str = "gift",
) -> TestResponse:
    """Fill the upload form as shown and press "Preview"."""
    token = token_for(client, UPLOAD)
    return client.post(
        UPLOAD,
        data={
            "csrf_token": token,
            "file": (io.BytesIO(content), filename),
            "format_name": format_name,
            "section_id": str(world.section_id),
            "submit": "Preview",
        },
        content_type="multipart/form-data",
    )


class _FormReader(HTMLParser):
    """The fields a browser would submit from each form, by the form's action."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: dict[str, dict[str, str]] = {}
        self._fields: dict[str, str] | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._fields = self.forms.setdefault(a.get("action", ""), {})
        elif self._fields is None:
            return
        elif tag == "input" and a.get("type") not in ("submit", "file") and "name" in a:
            self._fields[a["name"]] = a.get("value", "")
        elif tag == "select":
            self._select = a["name"]
        elif tag == "option" and self._select and "selected" in a:
            self._fields[self._select] = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._fields = None
        elif tag == "select":
            self._select = None


def form_fields(html: str, action: str) -> dict[str, str]:
    reader = _FormReader()
    reader.feed(html)
    return reader.forms[action]


def problems_of(content: bytes, filename: str = "quiz.gift") -> list[str]:
    with pytest.raises(InterchangeError) as raised:
        parse_gift(content, filename)
    return [str(problem) for problem in raised.value.problems]


# ------------------------------------------------------------------------------ upload


def test_the_upload_page_asks_for_file_format_and_section(teacher: FlaskClient) -> None:
    response = teacher.get(UPLOAD)

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    text = page_text(html)
    for label in ("Question file", "Format", "Section"):
        assert re.search(rf"<label [^>]*>{label}</label>", html), label
    assert 'type="file"' in html
    assert 'enctype="multipart/form-data"' in html
    for format_label in ("GIFT", "Moodle XML", "Aiken"):
        assert format_label in text
    assert SECTION_TITLE in text
    assert "What are their economic ties?" in text


def test_the_dashboard_links_to_the_import(teacher: FlaskClient) -> None:
    html = teacher.get("/teacher/").get_data(as_text=True)
    assert f'href="{UPLOAD}"' in html


def test_a_file_is_previewed_question_by_question_and_nothing_is_saved(
    app: Flask, teacher: FlaskClient, world: World
) -> None:
    response = upload(teacher, world, GIFT.encode())

    assert response.status_code == 200, page_text(response.get_data(as_text=True))
    html = response.get_data(as_text=True)
    text = page_text(html)
    assert "Preview: 4 questions from quiz.gift" in text
    assert f"They will go to {SECTION_TITLE}" in text
    # As students see them: prompts rendered from Markdown, the type's own inputs, disabled.
    assert html.count('<fieldset class="question" disabled>') == 4
    assert "What is the <strong>capital</strong> of France?" in html
    for prompt in PROMPTS:
        assert prompt.replace("**", "") in text
    assert len(re.findall(r'<input type="radio"[^>]*value="\d"', html)) == 3  # the capitals
    assert 'value="true"' in html and 'value="false"' in html  # true or false
    assert "Your answer" in text  # the number
    assert len(re.findall(r"<select name=\"match-\d\"", html)) == 3
    assert "Lyon is the third city." not in text  # feedback is for after answering
    for question_id in ("capital", "sky", "boiling", "pairs"):
        assert f"id {question_id}" in text
    assert re.search(r'<input [^>]*type="submit" value="Import questions"', html)
    assert question_count(app) == 0


def test_confirming_saves_every_question_and_opens_the_section_in_the_bank(
    app: Flask, teacher: FlaskClient, world: World
) -> None:
    preview = upload(teacher, world, GIFT.encode()).get_data(as_text=True)
    fields = form_fields(preview, CONFIRM)
    # The file waits on the server: the page carries only its number.
    assert set(fields) == {"csrf_token", "pending_id"}
    assert fields["pending_id"].isdigit()

    response = teacher.post(CONFIRM, data={**fields, "submit": "Import questions"})

    assert response.status_code == 302, page_text(response.get_data(as_text=True))
    location = urlsplit(response.location)
    assert location.path == "/teacher/questions"
    assert parse_qs(location.query) == {
        "article": [str(world.article_id)],
        "section": [str(world.section_id)],
    }
    with app.app_context():
        rows = db.session.execute(db.select(Question).order_by(Question.id)).scalars().all()
        assert [row.bank_id for row in rows] == ["capital", "sky", "boiling", "pairs"]
        assert {row.section_id for row in rows} == {world.section_id}
        assert [row.current_version.prompt for row in rows] == list(PROMPTS)
        assert all(row.current_version.evidence is None for row in rows)
    bank = teacher.get(response.location)
    text = page_text(bank.get_data(as_text=True))
    assert f"Imported 4 questions into '{SECTION_TITLE}'." in text
    assert "4 questions" in text
    for prompt in PROMPTS:
        assert prompt.replace("**", "") in text
    assert text.count("no evidence") >= 4


def test_a_file_with_errors_lists_every_problem_with_its_line(
    app: Flask, teacher: FlaskClient, world: World
) -> None:
    problems = problems_of(BROKEN_GIFT.encode())
    assert len(problems) == 3

    response = upload(teacher, world, BROKEN_GIFT.encode())

    assert response.status_code == 400
    text = page_text(response.get_data(as_text=True))
    assert "3 problems found; nothing was imported." in text
    for problem in problems:
        assert problem in text
    for line in (2, 4, 6):
        assert re.search(rf"quiz\.gift:{line}:\d+: ", text), line
    assert 'role="alert"' in response.get_data(as_text=True)
    assert question_count(app) == 0


def test_a_non_utf8_file_is_named_in_the_error(
    app: Flask, teacher: FlaskClient, world: World
) -> None:
    content = "::cafe::Le café est chaud.{T}\n".encode("latin-1")

    response = upload(teacher, world, content, filename="latin1.gift")

    assert response.status_code == 400
    text = page_text(response.get_data(as_text=True))
    assert re.search(r"latin1\.gift:1:\d+: not UTF-8: byte 0xe9", text), text
    assert "save the file as UTF-8" in text
    assert question_count(app) == 0


def test_an_empty_upload_is_refused(app: Flask, teacher: FlaskClient, world: World) -> None:
    response = upload(teacher, world, b"   \n")

    assert response.status_code == 400
    assert "no questions found" in page_text(response.get_data(as_text=True))
    assert question_count(app) == 0


def test_a_file_over_the_limit_is_refused_with_its_size(
    app: Flask, teacher: FlaskClient, world: World
) -> None:
    app.config["IMPORT_MAX_BYTES"] = 1000
    content = GIFT.encode() * 3
    assert len(content) > 1001

    response = upload(teacher, world, content)

    assert response.status_code == 400
    text = page_text(response.get_data(as_text=True))
    assert f"the file is {len(content):,} bytes; the limit is 1,000" in text
    assert question_count(app) == 0


def test_aiken_and_moodle_xml_files_are_previewed(teacher: FlaskClient, world: World) -> None:
    aiken = b"Which city is the capital of Italy?\nA) Rome\nB) Milan\nANSWER: A\n"
    xml = (
        b'<?xml version="1.0"?><quiz><question type="truefalse"><name><text>wet</text></name>'
        b"<questiontext><text>Water is wet.</text></questiontext>"
        b'<answer fraction="100"><text>true</text></answer>'
        b'<answer fraction="0"><text>false</text></answer></question></quiz>'
    )

    previews = [
        upload(teacher, world, aiken, filename="quiz.txt", format_name="aiken"),
        upload(teacher, world, xml, filename="quiz.xml", format_name="moodle-xml"),
    ]

    assert [p.status_code for p in previews] == [200, 200]
    assert "Which city is the capital of Italy?" in page_text(previews[0].get_data(as_text=True))
    assert "Water is wet." in page_text(previews[1].get_data(as_text=True))


# ----------------------------------------------------------------------------- confirm


def test_a_pending_import_number_that_is_not_a_number_is_refused(
    app: Flask, teacher: FlaskClient, world: World
) -> None:
    fields = form_fields(upload(teacher, world, GIFT.encode()).get_data(as_text=True), CONFIRM)

    response = teacher.post(CONFIRM, data={**fields, "pending_id": "not a number"})

    assert response.status_code == 400
    assert question_count(app) == 0


def test_fields_sent_with_the_confirmation_cannot_change_the_file_or_the_section(
    app: Flask, teacher: FlaskClient, world: World
) -> None:
    """What is imported, and where, is what was previewed: the file waits on the server."""
    fields = form_fields(upload(teacher, world, GIFT.encode()).get_data(as_text=True), CONFIRM)
    broken = base64.b64encode(BROKEN_GIFT.encode()).decode()
    with app.app_context():
        other = db.session.scalar(db.select(Section.id).where(Section.id != world.section_id))

    changed = {"content": broken, "section_id": str(other), "format_name": "aiken"}
    response = teacher.post(CONFIRM, data={**fields, **changed})

    assert response.status_code == 302
    with app.app_context():
        sections = db.session.scalars(db.select(Question.section_id)).all()
    assert sections == [world.section_id] * 4


def test_confirm_without_a_token_is_refused(app: Flask, teacher: FlaskClient, world: World) -> None:
    fields = form_fields(upload(teacher, world, GIFT.encode()).get_data(as_text=True), CONFIRM)
    del fields["csrf_token"]

    response = teacher.post(CONFIRM, data=fields)

    assert response.status_code == 400
    assert question_count(app) == 0


def test_upload_without_a_token_is_refused(app: Flask, teacher: FlaskClient, world: World) -> None:
    response = teacher.post(
        UPLOAD,
        data={
            "file": (io.BytesIO(GIFT.encode()), "quiz.gift"),
            "format_name": "gift",
            "section_id": str(world.section_id),
        },
        content_type="multipart/form-data",
    )

    assert response.status_code == 400
    assert "Preview:" not in page_text(response.get_data(as_text=True))


# --------------------------------------------------------------------------- who may


@pytest.mark.parametrize("path", [UPLOAD, CONFIRM])
def test_anonymous_visitors_are_sent_to_log_in(
    app: Flask, client: FlaskClient, world: World, path: str
) -> None:
    token = session_token(client)
    content = base64.b64encode(GIFT.encode()).decode()
    data = {"csrf_token": token, "content": content, "format_name": "gift",
            "section_id": str(world.section_id)}  # fmt: skip

    responses = [client.get(UPLOAD)] if path == UPLOAD else []
    responses.append(client.post(path, data=data))

    for response in responses:
        assert response.status_code == 302
        assert urlsplit(response.location).path == "/login"
    assert question_count(app) == 0


@pytest.mark.parametrize("path", [UPLOAD, CONFIRM])
def test_students_get_403(app: Flask, world: World, path: str) -> None:
    student = logged_in_client(app, "ada@example.com")
    token = session_token(student)
    content = base64.b64encode(GIFT.encode()).decode()
    data = {"csrf_token": token, "content": content, "format_name": "gift",
            "section_id": str(world.section_id)}  # fmt: skip

    responses = [student.get(UPLOAD)] if path == UPLOAD else []
    responses.append(student.post(path, data=data))

    assert [r.status_code for r in responses] == [403] * len(responses)
    assert question_count(app) == 0
