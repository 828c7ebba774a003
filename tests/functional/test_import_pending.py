"""The upload waits on the server between preview and confirm: the page carries its id."""

from __future__ import annotations

import datetime as dt
import io
import random

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.datastructures import FileStorage
from werkzeug.test import TestResponse, encode_multipart

from quizapp.extensions import db
from quizapp.models import PendingImport
from tests.factories import create_teacher, logged_in_client, page_text, token_for
from tests.functional.test_import import (
    CONFIRM,
    GIFT,
    UPLOAD,
    World,
    form_fields,
    question_count,
    teacher,
    upload,
    world,
)

__all__ = ["teacher", "world"]  # fixtures

GONE = "This import is no longer waiting to be confirmed"


def random_words_gift(size: int) -> bytes:
    """GIFT questions of random made-up words (barely compressible), ``size`` bytes or more."""
    rng = random.Random(20261202)
    letters = "abcdefghijklmnopqrstuvwxyz"
    questions: list[str] = []
    total = 0
    while total < size:
        words = [
            "".join(rng.choice(letters) for _ in range(rng.randint(2, 9)))
            for _ in range(rng.randint(150, 250))
        ]
        question = f"::q{len(questions)}::{' '.join(words)}?{{T}}\n"
        questions.append(question)
        total += len(question) + 1
    return "\n".join(questions).encode()


def upload_big(client: FlaskClient, world: World, content: bytes) -> TestResponse:
    """``upload``, with the request body built in memory: the test client would spool a
    body this big to a temporary file it never closes (a ResourceWarning)."""
    boundary, body = encode_multipart(
        {
            "csrf_token": token_for(client, UPLOAD),
            "file": FileStorage(io.BytesIO(content), filename="quiz.gift"),
            "format_name": "gift",
            "section_id": str(world.section_id),
            "submit": "Preview",
        }
    )
    return client.post(
        UPLOAD, data=body, content_type=f'multipart/form-data; boundary="{boundary}"'
    )


def pending_count(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count(PendingImport.id)))


def test_a_3_mb_file_makes_a_small_preview_page_and_is_imported_once(
    app: Flask, teacher: FlaskClient, world: World
) -> None:
    content = random_words_gift(3 * 1024 * 1024)
    questions = content.count(b"{T}")

    preview = upload_big(teacher, world, content)

    assert preview.status_code == 200, page_text(preview.get_data(as_text=True))
    assert len(preview.get_data()) < 300 * 1024
    fields = form_fields(preview.get_data(as_text=True), CONFIRM)
    assert pending_count(app) == 1

    done = teacher.post(CONFIRM, data=fields)
    again = teacher.post(CONFIRM, data=fields)

    assert done.status_code == 302
    assert question_count(app) == questions
    assert pending_count(app) == 0
    assert again.status_code == 404
    # The next upload gets another number, so the old page still finds nothing.
    upload(teacher, world, GIFT.encode())
    assert teacher.post(CONFIRM, data=fields).status_code == 404
    assert GONE in page_text(again.get_data(as_text=True))
    assert "it was imported already, or it expired" in page_text(again.get_data(as_text=True))
    assert question_count(app) == questions


def test_another_teachers_upload_is_not_found(
    app: Flask, teacher: FlaskClient, world: World
) -> None:
    fields = form_fields(upload(teacher, world, GIFT.encode()).get_data(as_text=True), CONFIRM)
    with app.app_context():
        create_teacher("linus@example.com", name="Linus")
    other = logged_in_client(app, "linus@example.com")
    other_fields = form_fields(
        upload(other, world, b"::x::X.{T}\n").get_data(as_text=True), CONFIRM
    )

    response = other.post(CONFIRM, data={**other_fields, "pending_id": fields["pending_id"]})

    assert response.status_code == 404
    assert question_count(app) == 0
    assert teacher.post(CONFIRM, data=fields).status_code == 302
    assert question_count(app) == 4


def test_an_upload_expires_after_a_day_and_the_next_upload_deletes_it(
    app: Flask, teacher: FlaskClient, world: World
) -> None:
    fields = form_fields(upload(teacher, world, GIFT.encode()).get_data(as_text=True), CONFIRM)
    with app.app_context():
        row = db.session.get(PendingImport, int(fields["pending_id"]))
        row.created_at -= dt.timedelta(hours=24, minutes=1)
        db.session.commit()

    expired = teacher.post(CONFIRM, data=fields)

    assert expired.status_code == 404
    assert GONE in page_text(expired.get_data(as_text=True))
    assert question_count(app) == 0
    newer = form_fields(upload(teacher, world, GIFT.encode()).get_data(as_text=True), CONFIRM)
    with app.app_context():
        assert db.session.get(PendingImport, int(fields["pending_id"])) is None
    assert pending_count(app) == 1
    # Ids are not reused: the old number does not find the new upload.
    assert newer["pending_id"] != fields["pending_id"]
    assert teacher.post(CONFIRM, data=fields).status_code == 404


@pytest.mark.parametrize("pending_id", ["999999", "0"])
def test_an_unknown_upload_is_not_found(
    app: Flask, teacher: FlaskClient, world: World, pending_id: str
) -> None:
    fields = form_fields(upload(teacher, world, GIFT.encode()).get_data(as_text=True), CONFIRM)

    response = teacher.post(CONFIRM, data={**fields, "pending_id": pending_id})

    assert response.status_code == 404
    assert question_count(app) == 0
