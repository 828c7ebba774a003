"""Stored images: written once under their content's hash in the instance folder, served
by name.

A file lives at ``<instance>/media/<first two hex digits>/<sha256>.<ext>`` (the two-digit
folders keep any one directory small). The name is the content, so storing the same image
twice writes nothing and a stored file never changes: no table is needed to know what a
question shows, and the route may let browsers cache it for a year. Nothing removes a file
no question uses any more (see docs/bank-format.md).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from quizapp.domain.media import (
    DEFAULT_MAX_FILE_BYTES,
    DEFAULT_MAX_IMPORT_BYTES,
    MEDIA_NAME,
    MediaCollector,
    MediaFile,
    content_type_of,
)
from quizapp.services.errors import NotFound

MEDIA_FOLDER = "media"


@dataclass(frozen=True)
class MediaStore:
    """Where images are kept, and how big one image and one import's images may be."""

    root: Path
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
    max_import_bytes: int = DEFAULT_MAX_IMPORT_BYTES

    def path_of(self, name: str) -> Path:
        """Where the image ``name`` (``<sha256>.<ext>``) is, or would be, stored."""
        if not MEDIA_NAME.fullmatch(name):
            raise ValueError(f"{name!r} is not a media name")
        return self.root / name[:2] / name

    def collector(self) -> MediaCollector:
        """An empty collector for one import, with this store's limits."""
        return MediaCollector(self.max_file_bytes, self.max_import_bytes)

    def store(self, files: Iterable[MediaFile]) -> list[str]:
        """Write each image not yet stored; return every name. Safe to repeat.

        A file is written to a temporary name in its folder and then renamed, so a reader
        never sees half an image, and two requests storing the same image both succeed.
        """
        names = []
        for media in files:
            path = self.path_of(media.name)
            names.append(media.name)
            if path.is_file():
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".incoming-")
            try:
                with os.fdopen(handle, "wb") as out:
                    out.write(media.data)
                os.replace(temporary, path)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
        return names

    def read(self, name: str) -> bytes | None:
        """The stored image's bytes, or None when there is no such image."""
        if not MEDIA_NAME.fullmatch(name):
            return None
        path = self.path_of(name)
        return path.read_bytes() if path.is_file() else None


def media_store() -> MediaStore:
    """The app's store: ``MEDIA_FOLDER`` (by default ``<instance>/media``) and the
    ``MEDIA_MAX_*_BYTES`` settings."""
    config = current_app.config
    folder = config.get("MEDIA_FOLDER") or Path(current_app.instance_path) / MEDIA_FOLDER
    return MediaStore(
        Path(folder),
        max_file_bytes=int(config["MEDIA_MAX_FILE_BYTES"]),
        max_import_bytes=int(config["MEDIA_MAX_IMPORT_BYTES"]),
    )


@dataclass(frozen=True)
class StoredMedia:
    """An image to send: where it is and the Content-Type of its sniffed type."""

    path: Path
    content_type: str


def stored_media(name: str) -> StoredMedia:
    """The stored image ``name`` (``<sha256>.<ext>``); ``NotFound`` for any other name.

    The name is checked against the strict media pattern before any path is built, so
    nothing outside the media folder can be asked for.
    """
    content_type = content_type_of(name)
    if content_type is None:
        raise NotFound("There is no such image.")
    path = media_store().path_of(name)
    if not path.is_file():
        raise NotFound("There is no such image.")
    return StoredMedia(path, content_type)
