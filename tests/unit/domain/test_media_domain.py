"""Images in questions: sniffing, limits, naming by content, the Markdown image syntax."""

from __future__ import annotations

import hashlib

import pytest

from quizapp.domain.media import (
    MediaCollector,
    MediaRefused,
    content_type_of,
    image_markdown,
    image_problems,
    images_in,
    media_file,
    media_names,
    sniff_image,
)
from quizapp.domain.questions import QuestionInvalid, question_from_mapping
from tests.media_files import GIF, JPEG, SVG, WEBP, png

NAME = "ab" * 32 + ".png"


@pytest.mark.parametrize(
    ("data", "extension"),
    [
        (png(), "png"),
        (JPEG, "jpg"),
        (GIF, "gif"),
        (GIF.replace(b"89a", b"87a"), "gif"),
        (WEBP, "webp"),
    ],
)
def test_the_type_is_read_from_the_bytes(data: bytes, extension: str) -> None:
    assert sniff_image(data) == extension


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "the file is empty"),
        (SVG, "SVG images are refused (an SVG can carry script)"),
        (b"  <svg xmlns='http://www.w3.org/2000/svg'/>", "SVG images are refused"),
        (b"<!-- drawn by hand -->\n<SVG></SVG>", "SVG images are refused"),
        (b"<html><body>hi</body></html>", "the file is not a PNG, JPEG, GIF or WebP image"),
        (b"RIFF\x00\x00\x00\x00WAVEfmt ", "the file is not a PNG, JPEG, GIF or WebP image"),
        (b"%PDF-1.7", "the file is not a PNG, JPEG, GIF or WebP image"),
        (b"\x89PNG\r\n", "the file is not a PNG, JPEG, GIF or WebP image"),
    ],
)
def test_other_files_are_refused_saying_why(data: bytes, message: str) -> None:
    with pytest.raises(MediaRefused, match=message.replace("(", r"\(").replace(")", r"\)")):
        sniff_image(data)


def test_a_file_is_named_by_the_sha256_of_its_bytes_and_its_sniffed_type() -> None:
    data = png()
    media = media_file(data)
    assert media.name == f"{hashlib.sha256(data).hexdigest()}.png"
    assert media.content_type == "image/png"
    assert media_file(data) == media  # the same bytes, the same name
    assert media_file(png(1, 2, 3)).name != media.name


def test_the_size_limit_counts_bytes() -> None:
    data = png()
    assert media_file(data, max_bytes=len(data)).name.endswith(".png")
    with pytest.raises(MediaRefused, match=f"the image is {len(data):,} bytes; the limit is 10"):
        media_file(data, max_bytes=10)


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        (NAME, "image/png"),
        ("ab" * 32 + ".jpg", "image/jpeg"),
        ("ab" * 32 + ".webp", "image/webp"),
        ("ab" * 32 + ".svg", None),
        ("AB" * 32 + ".png", None),
        ("ab" * 31 + ".png", None),
        ("../" + NAME, None),
        (NAME + "/", None),
        ("ab" * 32 + ".jpeg", None),
    ],
)
def test_only_exact_media_names_have_a_content_type(name: str, content_type: str | None) -> None:
    assert content_type_of(name) == content_type


def test_the_collector_keeps_each_image_once_within_the_import_limit() -> None:
    first, second = png(), png(9, 9, 9)
    collector = MediaCollector(max_file_bytes=1000, max_import_bytes=len(first) + len(second))
    assert collector.add(first) == collector.add(first)
    collector.add(second)
    assert len(collector.files) == 2
    with pytest.raises(MediaRefused, match="images of this import add up to more than"):
        collector.add(png(7, 7, 7))
    with pytest.raises(MediaRefused, match="the limit is 1,000"):
        MediaCollector(max_file_bytes=1000).add(b"\x89PNG\r\n\x1a\n" + bytes(2000))


@pytest.mark.parametrize(
    ("alt", "read_back"),
    [
        ("A cat", "A cat"),
        ("a [bracketed] word", "a [bracketed] word"),
        ("back\\slash", "back\\slash"),
        ("ends with ]", "ends with ]"),
        ("C:\\Temp\\[1]", "C:\\Temp\\[1]"),
        # Alt text is Markdown (CommonMark): emphasis shows as its plain text.
        ("*stars* and `code`", "stars and code"),
    ],
)
def test_image_markdown_reads_back_as_the_same_alt_and_name(alt: str, read_back: str) -> None:
    (image,) = images_in(f"Look: {image_markdown(alt, NAME)} here")
    assert (image.alt, image.media_name) == (read_back, NAME)
    assert image_problems(image_markdown(alt, NAME)) == []


def test_alt_text_on_several_lines_becomes_one() -> None:
    assert image_markdown("  A cat\n on  a mat ", NAME) == f"![A cat on a mat](media:{NAME})"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (f"![A cat](media:{NAME})", None),
        ("No image, just ![ text", None),
        (f"![](media:{NAME})", f"the image media:{NAME} has no alt text"),
        (f"![   ](media:{NAME})", f"the image media:{NAME} has no alt text"),
        ("![A cat](https://example.org/cat.png)", "'https://example.org/cat.png' is not a stored"),
        ("![A cat](media:cat.png)", "'media:cat.png' is not a stored image"),
        ("![A cat](/media/" + NAME + ")", "is not a stored image"),
        ("![A cat](data:image/png;base64,AAAA)", "is not a stored image"),
    ],
)
def test_image_problems(text: str, problem: str | None) -> None:
    problems = image_problems(text)
    if problem is None:
        assert problems == []
    else:
        assert len(problems) == 1 and problem in problems[0], problems


def test_media_names_lists_each_stored_image_once() -> None:
    other = "cd" * 32 + ".gif"
    text = f"![a](media:{NAME}) ![b](media:{other}) ![c](media:{NAME}) ![d](http://x/y.png)"
    assert media_names(text) == [NAME, other]


def _single(prompt: str, choice: str = "Paris") -> dict[str, object]:
    return {
        "id": "q1",
        "type": "single",
        "prompt": prompt,
        "choices": [{"text": choice, "correct": True}, {"text": "Lyon", "correct": False}],
    }


def test_a_question_may_show_stored_images_in_its_prompt_and_choices() -> None:
    question = question_from_mapping(
        _single(f"Which city? ![A map of France](media:{NAME})", f"![Paris at night](media:{NAME})")
    )
    assert "media:" in question.prompt


@pytest.mark.parametrize(
    ("prompt", "choice", "path", "message"),
    [
        (f"Which city? ![](media:{NAME})", "Paris", ("prompt",), "has no alt text"),
        ("Which city?", f"![](media:{NAME})", ("choices", 0, "text"), "has no alt text"),
        ("![Map](http://example.org/map.png)", "Paris", ("prompt",), "not a stored image"),
    ],
)
def test_an_image_without_alt_text_or_from_elsewhere_is_a_problem_at_its_field(
    prompt: str, choice: str, path: tuple[object, ...], message: str
) -> None:
    with pytest.raises(QuestionInvalid) as raised:
        question_from_mapping(_single(prompt, choice))
    assert [(p.path, message in p.message) for p in raised.value.problems] == [(path, True)]
