"""Images in questions through the pages: serving stored images, and a Moodle XML file
with an embedded image, imported by a teacher, shown to a student on the question page."""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from quizapp.domain.media import media_file
from quizapp.extensions import db
from quizapp.models import Article, User
from quizapp.services.media import media_store
from quizapp.services.quizzes import RuleSpec
from tests.factories import (
    create_assessment,
    create_class,
    create_student,
    create_teacher,
    enrol,
    load_article,
    logged_in_client,
    page_text,
    start,
)
from tests.functional.test_import import CONFIRM, form_fields, upload
from tests.media_files import JPEG, png

CAT = png()
CAT_NAME = f"{hashlib.sha256(CAT).hexdigest()}.png"
SECTION_SLUG = "introduction"


@dataclass(frozen=True)
class World:
    article_id: int
    section_id: int
    media_folder: Path


@pytest.fixture
def world(app: Flask, tmp_path: Path) -> World:
    app.config["MEDIA_FOLDER"] = str(tmp_path / "media")
    with app.app_context():
        article = load_article(sections=())
        create_teacher()
        create_student()
        section = next(s for s in article.sections if s.slug == SECTION_SLUG)
        return World(article.id, section.id, tmp_path / "media")


@pytest.fixture
def stored_jpeg(app: Flask, world: World) -> str:
    media = media_file(JPEG)
    with app.app_context():
        media_store().store([media])
    return media.name


# ------------------------------------------------------------------------------- serving


def test_a_stored_image_is_sent_with_its_sniffed_type_and_strict_headers(
    app: Flask, stored_jpeg: str
) -> None:
    student = logged_in_client(app)

    # Closed as a WSGI server closes it: the response holds the open file.
    with student.get(f"/media/{stored_jpeg}") as response:
        body = response.data

    assert response.status_code == 200
    assert body == JPEG
    assert response.headers["Content-Type"] == "image/jpeg"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Disposition"] == "inline"
    assert response.headers["Content-Security-Policy"] == (
        "default-src 'none'; img-src 'self'; sandbox"
    )
    assert response.headers["Cache-Control"] == "private, max-age=31536000, immutable"
    assert response.headers["ETag"]


def test_a_browser_holding_the_image_gets_304(app: Flask, stored_jpeg: str) -> None:
    student = logged_in_client(app)
    with student.get(f"/media/{stored_jpeg}") as first:
        etag = first.headers["ETag"]

    with student.get(f"/media/{stored_jpeg}", headers={"If-None-Match": etag}) as again:
        pass

    assert again.status_code == 304


def test_images_are_for_signed_in_users_only(client: FlaskClient, stored_jpeg: str) -> None:
    response = client.get(f"/media/{stored_jpeg}")

    assert response.status_code == 302
    assert response.location.startswith("/login")


@pytest.mark.parametrize(
    "name",
    [
        CAT_NAME,  # a good name, not stored
        "cat.png",
        "..%2Fsecret_key",
        "ab" * 32 + ".svg",
        "AB" * 32 + ".png",
    ],
)
def test_unknown_names_are_404(app: Flask, stored_jpeg: str, name: str) -> None:
    student = logged_in_client(app)
    assert student.get(f"/media/{name}").status_code == 404


def test_the_stored_image_under_another_extension_is_404(app: Flask, stored_jpeg: str) -> None:
    student = logged_in_client(app)
    assert student.get(f"/media/{stored_jpeg.replace('.jpg', '.png')}").status_code == 404


# ----------------------------------------------------------- from a Moodle file to a student

XML = f"""<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="truefalse">
    <name><text>black-cat</text></name>
    <questiontext format="html">
      <text><![CDATA[<p>Is this cat black?</p>
      <p><img src="@@PLUGINFILE@@/cat.png" alt="A cat on a mat"></p>]]></text>
      <file name="cat.png" path="/" encoding="base64">{base64.b64encode(CAT).decode()}</file>
    </questiontext>
    <answer fraction="0" format="moodle_auto_format"><text>true</text></answer>
    <answer fraction="100" format="moodle_auto_format"><text>false</text></answer>
  </question>
  <question type="truefalse">
    <name><text>old-style</text></name>
    <questiontext format="html"><text>Is this the same cat?</text></questiontext>
    <image>cat.png</image>
    <image_base64>{base64.b64encode(CAT).decode()}</image_base64>
    <answer fraction="100" format="moodle_auto_format"><text>true</text></answer>
    <answer fraction="0" format="moodle_auto_format"><text>false</text></answer>
  </question>
</quiz>
"""
IMG = f'<img src="/media/{CAT_NAME}" alt="A cat on a mat">'


def test_an_imported_image_shows_on_the_students_question_page(app: Flask, world: World) -> None:
    teacher = logged_in_client(app, "grace@example.com")
    preview = upload(
        teacher, world, XML.encode(), filename="cats.xml", format_name="moodle-xml"
    ).get_data(as_text=True)
    assert IMG in preview
    assert f'<img src="/media/{CAT_NAME}" alt="cat.png">' in preview
    assert (
        "cats.xml: question 2 (old-style): <image>: the image 'cat.png' has no alt text; its "
        "file name stands in for now" in page_text(preview)
    )
    assert (world.media_folder / CAT_NAME[:2] / CAT_NAME).read_bytes() == CAT

    confirmed = teacher.post(CONFIRM, data={**form_fields(preview, CONFIRM), "submit": "Import"})
    assert confirmed.status_code == 302, page_text(confirmed.get_data(as_text=True))

    with app.app_context():
        teacher_user = db.session.scalar(db.select(User).where(User.email == "grace@example.com"))
        student = db.session.scalar(db.select(User).where(User.email == "ada@example.com"))
        school_class = create_class(teacher_user)
        enrol(student, school_class)
        quiz = create_assessment(
            teacher_user,
            school_class,
            db.session.get(Article, world.article_id),
            rules=(RuleSpec(question_count=2, section_id=world.section_id),),
        )
        attempt_id = start(quiz, student).id
    ada = logged_in_client(app)
    pages = [
        ada.get(f"/student/attempts/{attempt_id}/questions/{n}").get_data(as_text=True)
        for n in (1, 2)
    ]
    shown = next(page for page in pages if "Is this cat black?" in page)
    legend = re.search(r"<legend>(.*?)</legend>", shown, re.S)
    assert legend and IMG in legend[1]
    with ada.get(f"/media/{CAT_NAME}") as image:
        assert (image.status_code, image.data, image.mimetype) == (200, CAT, "image/png")
