"""Images in questions: what a stored image is, how text refers to one, and the checks.

An image is stored under its content's SHA-256 and the extension of the type sniffed from
its bytes (``<sha256>.png``), so the same picture imported twice is one file, and a name
says exactly which bytes it stands for. Question text refers to it with a Markdown image
whose target uses our ``media:`` scheme: ``![a cat on a mat](media:<sha256>.png)``. The
alt text is required: it is what a screen reader says and what shows if the file is
missing. Where the bytes live is the service's business (``quizapp.services.media``).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML

# The types we serve, by the extension we store them under. Everything else is refused;
# SVG above all, since an SVG is a document that can carry script.
IMAGE_CONTENT_TYPES: Mapping[str, str] = {
    "png": "image/png",
    "jpg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
}
MEDIA_NAME = re.compile(r"([0-9a-f]{64})\.(png|jpg|gif|webp)")
MEDIA_SCHEME = "media:"
# In the bank's files, an image may name a file of the article's media/ folder instead.
BANK_MEDIA_PREFIX = "media/"
# Defaults for the QUIZAPP_MEDIA_MAX_FILE_BYTES and QUIZAPP_MEDIA_MAX_IMPORT_BYTES settings.
DEFAULT_MAX_FILE_BYTES = 2 * 1024 * 1024
DEFAULT_MAX_IMPORT_BYTES = 10 * 1024 * 1024

_ACCEPTED = "PNG, JPEG, GIF or WebP"
# Within this many bytes from the start, "<svg" marks an SVG (after an XML declaration,
# a comment or a doctype).
_SVG_SNIFF_BYTES = 1024
# Escaped in alt text so the Markdown image cannot end early.
_ALT_SPECIAL = re.compile(r"([\\\[\]])")
_ALT_SPACE = re.compile(r"\s+")
# The same parser the pages render with (quizapp.rendering), so what is checked here is
# exactly what is shown there.
_markdown = MarkdownIt("commonmark", {"html": False, "typographer": False})
_alt_text = RendererHTML()


class MediaRefused(ValueError):
    """An image we do not store: its message says why, in the teacher's words."""


def sniff_image(data: bytes) -> str:
    """The extension of the image type ``data`` holds, read from its first bytes.

    The name a file came with is never trusted. Raises :class:`MediaRefused` for an empty
    file, an SVG, and anything that is not PNG, JPEG, GIF or WebP.
    """
    if not data:
        raise MediaRefused("the file is empty")
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return "webp"
    if b"<svg" in data[:_SVG_SNIFF_BYTES].lower():
        raise MediaRefused(
            f"SVG images are refused (an SVG can carry script); save it as PNG and try again; "
            f"we take {_ACCEPTED}"
        )
    raise MediaRefused(f"the file is not a {_ACCEPTED} image")


@dataclass(frozen=True)
class MediaFile:
    """An image ready to store: its bytes and the name they are stored under."""

    name: str
    data: bytes = field(repr=False)

    @property
    def content_type(self) -> str:
        """The Content-Type it is served with, from the sniffed type."""
        return IMAGE_CONTENT_TYPES[self.name.rpartition(".")[2]]


def media_file(data: bytes, *, max_bytes: int = DEFAULT_MAX_FILE_BYTES) -> MediaFile:
    """Check an image's size and type and name it ``<sha256>.<ext>``.

    Raises :class:`MediaRefused` for a file over ``max_bytes`` or of a type we refuse.
    """
    if len(data) > max_bytes:
        raise MediaRefused(f"the image is {len(data):,} bytes; the limit is {max_bytes:,}")
    extension = sniff_image(data)
    return MediaFile(f"{hashlib.sha256(data).hexdigest()}.{extension}", data)


def content_type_of(name: str) -> str | None:
    """The Content-Type of a stored image's name, or None if it is not a media name."""
    match = MEDIA_NAME.fullmatch(name)
    return IMAGE_CONTENT_TYPES[match[2]] if match else None


def image_markdown(alt: str, name: str) -> str:
    """The Markdown that shows the stored image ``name`` with ``alt`` as its text."""
    text = _ALT_SPECIAL.sub(r"\\\1", _ALT_SPACE.sub(" ", alt).strip())
    return f"![{text}]({MEDIA_SCHEME}{name})"


@dataclass(frozen=True)
class MarkdownImage:
    """One Markdown image in a text: its alt text (as shown) and its target."""

    alt: str
    target: str

    @property
    def media_name(self) -> str | None:
        """The stored image it shows, or None when the target is not ``media:<name>``."""
        name = self.target.removeprefix(MEDIA_SCHEME)
        if self.target.startswith(MEDIA_SCHEME) and MEDIA_NAME.fullmatch(name):
            return name
        return None


def images_in(text: str) -> list[MarkdownImage]:
    """Every Markdown image in ``text`` (inline Markdown, as prompts are rendered)."""
    images: list[MarkdownImage] = []
    if "![" not in text:
        return images  # the common case, without parsing (bulk imports check every text)
    for block in _markdown.parseInline(text):
        for token in block.children or ():
            if token.type == "image":
                alt = _alt_text.renderInlineAsText(token.children or [], _markdown.options, {})
                images.append(MarkdownImage(alt, str(token.attrGet("src") or "")))
    return images


def image_problems(text: str) -> list[str]:
    """What is wrong with the images in ``text``: a target that is not a stored image, or
    no alt text. Empty when every image is ``![what it shows](media:<sha256>.<ext>)``."""
    problems: list[str] = []
    for image in images_in(text):
        name = image.media_name
        if name is None and image.target.startswith(BANK_MEDIA_PREFIX):
            problems.append(
                f"the image {image.target!r} has no file "
                f"{image.target.removeprefix(BANK_MEDIA_PREFIX)!r} in the article's media folder"
            )
        elif name is None:
            problems.append(
                f"the image {image.target!r} is not a stored image; write images as "
                f"![what it shows]({MEDIA_SCHEME}<sha256>.<ext>) (images from other sites "
                "are not shown)"
            )
        elif not image.alt.strip():
            problems.append(
                f"the image {MEDIA_SCHEME}{name} has no alt text; say what it shows between "
                f"the brackets: ![a cat on a mat]({MEDIA_SCHEME}{name})"
            )
    return problems


def media_names(text: str) -> list[str]:
    """The stored images ``text`` shows, in order, each once."""
    names = [image.media_name for image in images_in(text)]
    return list(dict.fromkeys(name for name in names if name))


_BANK_MEDIA_TARGET = re.compile(r"(\]\(\s*<?)media/([^)\s>]+)")


def with_media_names(text: str, files: Mapping[str, MediaFile]) -> str:
    """``text`` with each image target ``media/<file name>`` (a file of the bank article's
    media folder) replaced by ``media:<sha256>.<ext>``; unknown names are left for
    :func:`image_problems` to report."""
    if BANK_MEDIA_PREFIX not in text:
        return text

    def replace(match: re.Match[str]) -> str:
        media = files.get(match[2])
        return f"{match[1]}{MEDIA_SCHEME}{media.name}" if media else match[0]

    return _BANK_MEDIA_TARGET.sub(replace, text)


def map_texts(value: object, change: Callable[[str], str]) -> object:
    """A copy of nested mappings and lists with ``change`` applied to every string."""
    if isinstance(value, str):
        return change(value)
    if isinstance(value, Mapping):
        return {key: map_texts(item, change) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [map_texts(item, change) for item in value]
    return value


def texts_with_paths(
    value: object, path: tuple[str | int, ...] = ()
) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Every string inside nested mappings and lists, with the path that leads to it."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from texts_with_paths(item, (*path, str(key)))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from texts_with_paths(item, (*path, index))


@dataclass
class MediaCollector:
    """Gathers the images an import carries, within a per-file and a per-import limit.

    Readers ``add`` each file's bytes and get its media name back (or a refusal);
    ``warnings`` collects what the teacher should know but that does not stop the import
    (an image that came without alt text). The service stores ``files`` afterwards.
    """

    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
    max_import_bytes: int = DEFAULT_MAX_IMPORT_BYTES
    files: dict[str, MediaFile] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def total_bytes(self) -> int:
        """The bytes of the distinct images gathered so far."""
        return sum(len(media.data) for media in self.files.values())

    def add(self, data: bytes) -> MediaFile:
        """Check and keep one image; raises :class:`MediaRefused` saying why not."""
        media = media_file(data, max_bytes=self.max_file_bytes)
        if media.name in self.files:
            return media
        if self.total_bytes + len(data) > self.max_import_bytes:
            raise MediaRefused(
                f"the images of this import add up to more than {self.max_import_bytes:,} "
                "bytes; split the file into several imports"
            )
        self.files[media.name] = media
        return media
