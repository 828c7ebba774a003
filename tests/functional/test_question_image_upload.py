"""Attaching an image to a question's prompt in the teacher's form, with its alt text."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.functional.test_teacher_questions import (
    TEA_EVIDENCE,
    World,
    current_mapping,
    field_error,
    form_data,
    new_url,
    saved_id,
)
from tests.functional.test_teacher_questions import student as student
from tests.functional.test_teacher_questions import teacher as teacher
from tests.functional.test_teacher_questions import world as world
from tests.media_files import SVG, png

MAP = png(20, 90, 160)
MAP_NAME = f"{hashlib.sha256(MAP).hexdigest()}.png"


@pytest.fixture(autouse=True)
def media_folder(app: Flask, tmp_path: Path) -> Path:
    app.config["MEDIA_FOLDER"] = str(tmp_path / "media")
    return tmp_path / "media"


def _post_with_image(
    client: FlaskClient, world: World, image: bytes, alt: str, url: str | None = None
):
    url = url or new_url(world, "single")
    data: dict[str, object] = form_data(client.get(url).get_data(as_text=True))
    data.update(
        {
            "section": str(world.sections["tea-in-europe"]),
            "prompt": "Who brought tea to Europe first?",
            "choices-0-text": "Dutch traders",
            "choices-0-correct": "y",
            "choices-1-text": "Portuguese monks",
            "evidence": TEA_EVIDENCE,
            "image_alt": alt,
            "image": (io.BytesIO(image), "map.png"),
        }
    )
    return client.post(url, data=data, content_type="multipart/form-data")


def test_the_form_adds_the_image_to_the_prompt_and_stores_it(
    app: Flask, world: World, teacher: FlaskClient, media_folder: Path
) -> None:
    page = teacher.get(new_url(world, "single")).get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page
    assert 'type="file"' in page and "What the image shows" in page

    question_id = saved_id(_post_with_image(teacher, world, MAP, "A  map of\nthe Dutch route"))

    prompt = current_mapping(app, question_id)["prompt"]
    assert (
        prompt == f"Who brought tea to Europe first? ![A map of the Dutch route](media:{MAP_NAME})"
    )
    assert (media_folder / MAP_NAME[:2] / MAP_NAME).read_bytes() == MAP
    preview = teacher.get(f"/teacher/questions/{question_id}/preview").get_data(as_text=True)
    assert f'<img src="/media/{MAP_NAME}" alt="A map of the Dutch route">' in preview


def test_an_image_without_alt_text_is_refused_at_the_alt_field_and_not_stored(
    app: Flask, world: World, teacher: FlaskClient, media_folder: Path
) -> None:
    response = _post_with_image(teacher, world, MAP, "  ")

    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert field_error(html, "image_alt") == (
        "Say what the image shows: it is required with an image."
    )
    assert not media_folder.exists()


@pytest.mark.parametrize(
    ("image", "message"),
    [
        (SVG, "SVG images are refused (an SVG can carry script)"),
        (b"GIF8 not really", "The file is not a PNG, JPEG, GIF or WebP image."),
    ],
)
def test_a_file_that_is_not_an_image_we_take_is_refused_at_the_image_field(
    world: World, teacher: FlaskClient, media_folder: Path, image: bytes, message: str
) -> None:
    response = _post_with_image(teacher, world, image, "A map")

    assert response.status_code == 400
    error = field_error(response.get_data(as_text=True), "image")
    assert error is not None and message in error
    assert not media_folder.exists()


def test_an_image_over_the_limit_is_refused(app: Flask, world: World, teacher: FlaskClient) -> None:
    app.config["MEDIA_MAX_FILE_BYTES"] = 20

    response = _post_with_image(teacher, world, MAP, "A map")

    error = field_error(response.get_data(as_text=True), "image")
    assert error == f"The image is {len(MAP):,} bytes; the limit is 20."
