"""'Import what can be imported': the preview lists every skipped question with where it
is and why, and the confirmation imports the others."""

from __future__ import annotations

import io
import re
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from quizapp.extensions import db
from quizapp.models import Question
from quizapp.services.interchange import PROBLEMS_LISTED
from tests.factories import page_text, token_for
from tests.functional.test_import import (
    BROKEN_GIFT,
    CONFIRM,
    UPLOAD,
    World,
    form_fields,
    question_count,
    teacher,
    world,
)

__all__ = ["teacher", "world"]  # fixtures

DATA = Path(__file__).parents[1] / "data" / "interchange"


def upload_keeping_going(
    client: FlaskClient,
    world: World,
    content: bytes,
    *,
    filename: str = "quiz.gift",
    format_name: str = "gift",
    mode: str = "skip",
) -> TestResponse:
    """Fill the upload form choosing "Import what can be imported" and press "Preview"."""
    token = token_for(client, UPLOAD)
    return client.post(
        UPLOAD,
        data={
            "csrf_token": token,
            "file": (io.BytesIO(content), filename),
            "format_name": format_name,
            "section_id": str(world.section_id),
            "mode": mode,
            "submit": "Preview",
        },
        content_type="multipart/form-data",
    )


def skipped_items(html: str) -> list[str]:
    block = html.partition('<ul class="problems skipped">')[2].partition("</ul>")[0]
    return [page_text(item) for item in re.findall(r"<li><code>(.*?)</code></li>", block, re.S)]


def test_the_form_offers_both_modes_and_all_or_nothing_is_the_default(
    teacher: FlaskClient,
) -> None:
    html = teacher.get(UPLOAD).get_data(as_text=True)

    text = page_text(html)
    assert "All or nothing" in text
    assert "Import what can be imported" in text
    assert re.search(r'<input checked id="mode-0" name="mode" type="radio" value="all">', html)


def test_the_preview_lists_every_skipped_question_and_the_confirm_imports_the_others(
    app: Flask, teacher: FlaskClient, world: World
) -> None:
    response = upload_keeping_going(teacher, world, BROKEN_GIFT.encode())

    assert response.status_code == 200, page_text(response.get_data(as_text=True))
    html = response.get_data(as_text=True)
    text = page_text(html)
    assert "Preview: 1 question from quiz.gift" in text
    assert "3 questions cannot be imported and will be skipped:" in text
    skipped = skipped_items(html)
    assert [item.split(": ", 1)[0] for item in skipped] == [
        "quiz.gift:2:32",
        "quiz.gift:4:17",
        "quiz.gift:6:24",
    ]
    assert "{t} is not a true/false answer" in skipped[2]
    assert "Sweden is in Europe." in text
    assert question_count(app) == 0

    done = teacher.post(CONFIRM, data=form_fields(html, CONFIRM))

    assert done.status_code == 302
    with app.app_context():
        assert db.session.scalars(db.select(Question.bank_id)).all() == ["four"]
    bank = page_text(teacher.get(done.location).get_data(as_text=True))
    assert "Imported 1 question into 'Introduction'." in bank
    assert "3 questions skipped" in bank


def test_all_or_nothing_still_refuses_the_whole_file(
    app: Flask, teacher: FlaskClient, world: World
) -> None:
    response = upload_keeping_going(teacher, world, BROKEN_GIFT.encode(), mode="all")

    assert response.status_code == 400
    assert "3 problems found; nothing was imported." in page_text(response.get_data(as_text=True))
    assert question_count(app) == 0


def test_a_file_where_nothing_can_be_imported_says_so(
    app: Flask, teacher: FlaskClient, world: World
) -> None:
    content = b"::a::Pick one.{~only}\n\n::b::Write about it.{}\n"

    response = upload_keeping_going(teacher, world, content)

    assert response.status_code == 400
    text = page_text(response.get_data(as_text=True))
    assert "None of the 2 questions in the file can be imported, so nothing was imported." in text
    assert "quiz.gift:3:" in text
    assert "essay questions are not supported" in text
    assert 'value="Import questions"' not in response.get_data(as_text=True)
    assert question_count(app) == 0


def test_the_skipped_list_is_capped_and_counts_the_rest(
    app: Flask, teacher: FlaskClient, world: World
) -> None:
    broken = "\n".join(f"::b{n}::Pick one.{{~only}}\n" for n in range(PROBLEMS_LISTED + 5))
    content = (broken + "\n::good::Fine.{T}\n").encode()

    response = upload_keeping_going(teacher, world, content)

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert len(skipped_items(html)) == PROBLEMS_LISTED
    text = page_text(html)
    assert f"{PROBLEMS_LISTED + 5} questions cannot be imported" in text
    assert "and 5 more skipped questions." in text


def test_moodle_xml_skips_name_the_question_and_its_position(
    app: Flask, teacher: FlaskClient, world: World
) -> None:
    content = (DATA / "moodle-xml/invalid/some-good-some-bad.xml").read_bytes()

    response = upload_keeping_going(
        teacher, world, content, filename="quiz.xml", format_name="moodle-xml"
    )

    assert response.status_code == 200
    skipped = skipped_items(response.get_data(as_text=True))
    assert skipped[0].startswith(
        "quiz.xml: question 3 (Reflection): essay questions are not supported: it is graded"
    )
    assert skipped[1].startswith("quiz.xml: question 4 (Veto year): <answer> 1: ")
    assert teacher.post(CONFIRM, data=form_fields(response.get_data(as_text=True), CONFIRM))
    assert question_count(app) == 1


def test_aiken_skips_name_the_line_and_html_is_shown_as_written(
    app: Flask, teacher: FlaskClient, world: World
) -> None:
    content = (
        b"Which tag makes text <b>bold</b>?\nA) <strong>\nB) <em>\nANSWER: A\n\n"
        b"Broken?\nA) x\nANSWER: A\n"
    )

    response = upload_keeping_going(
        teacher, world, content, filename="quiz.txt", format_name="aiken"
    )

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Which tag makes text &lt;b&gt;bold&lt;/b&gt;?" in html
    assert "<b>bold</b>" not in html
    (skipped,) = skipped_items(html)
    assert skipped.startswith("quiz.txt:8:1: the question on line 6 needs at least two options")
