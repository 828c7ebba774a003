"""The media store: content-addressed files in the instance folder, written once."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from quizapp.domain.media import media_file
from quizapp.services.errors import NotFound
from quizapp.services.media import MediaStore, media_store, stored_media
from tests.media_files import GIF, png


def test_an_image_is_stored_under_its_hash_in_a_two_digit_folder(tmp_path: Path) -> None:
    store = MediaStore(tmp_path / "media")
    media = media_file(png())

    assert store.store([media]) == [media.name]

    path = tmp_path / "media" / media.name[:2] / media.name
    assert path.read_bytes() == media.data
    assert store.read(media.name) == media.data


def test_storing_the_same_image_again_writes_nothing(tmp_path: Path) -> None:
    store = MediaStore(tmp_path)
    media = media_file(png())
    store.store([media])
    path = store.path_of(media.name)
    before = path.stat().st_mtime_ns

    assert store.store([media, media]) == [media.name, media.name]

    assert path.stat().st_mtime_ns == before
    assert [p.name for p in path.parent.iterdir()] == [media.name]  # no temporary left


@pytest.mark.parametrize(
    "name", ["cat.png", "../secret_key", "ab" * 32 + ".svg", "AB" * 32 + ".png", ""]
)
def test_names_that_are_not_media_names_are_never_paths(tmp_path: Path, name: str) -> None:
    store = MediaStore(tmp_path)
    assert store.read(name) is None
    with pytest.raises(ValueError, match="is not a media name"):
        store.path_of(name)


def test_the_app_store_is_in_the_instance_folder_unless_configured(
    app: Flask, tmp_path: Path
) -> None:
    with app.app_context():
        assert media_store().root == Path(app.instance_path) / "media"
    app.config.update(
        MEDIA_FOLDER=str(tmp_path / "images"),
        MEDIA_MAX_FILE_BYTES=1234,
        MEDIA_MAX_IMPORT_BYTES=5678,
    )
    with app.app_context():
        store = media_store()
    assert store.root == tmp_path / "images"
    collector = store.collector()
    assert (collector.max_file_bytes, collector.max_import_bytes) == (1234, 5678)


def test_stored_media_finds_stored_images_only(app: Flask, tmp_path: Path) -> None:
    app.config["MEDIA_FOLDER"] = str(tmp_path / "media")
    media = media_file(GIF)
    with app.app_context():
        with pytest.raises(NotFound):
            stored_media(media.name)
        media_store().store([media])
        found = stored_media(media.name)
        assert (found.content_type, found.path.read_bytes()) == ("image/gif", GIF)
        with pytest.raises(NotFound):
            stored_media(media.name.replace(".gif", ".png"))
