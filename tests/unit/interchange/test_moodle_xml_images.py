"""Images in Moodle XML: <file> elements and @@PLUGINFILE@@ links, the old <image_base64>,
and export with the files written back."""

from __future__ import annotations

import base64
import hashlib

import pytest

from quizapp.domain.interchange import InterchangeError
from quizapp.domain.interchange.moodle_xml import dump_moodle_xml, parse_moodle_xml
from quizapp.domain.media import MediaCollector, media_names
from quizapp.domain.questions import question_from_mapping
from tests.media_files import SVG, png

CAT = png()
CAT_NAME = f"{hashlib.sha256(CAT).hexdigest()}.png"
DOG = png(10, 200, 10)
DOG_NAME = f"{hashlib.sha256(DOG).hexdigest()}.png"


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def truefalse(questiontext: str, extra: str = "", name: str = "Cat") -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="truefalse">
    <name><text>{name}</text></name>
    {questiontext}
    {extra}
    <answer fraction="100" format="moodle_auto_format"><text>true</text></answer>
    <answer fraction="0" format="moodle_auto_format"><text>false</text></answer>
  </question>
</quiz>
"""


def html_text(html: str, files: str = "") -> str:
    return f'<questiontext format="html"><text><![CDATA[{html}]]></text>{files}</questiontext>'


def file_element(name: str, data: bytes, path: str = "/") -> str:
    return f'<file name="{name}" path="{path}" encoding="base64">{b64(data)}</file>'


def read(xml: str, media: MediaCollector | None = None):
    return parse_moodle_xml(xml.encode(), "quiz.xml", media=media)


def problems(xml: str, media: MediaCollector | None = None) -> list[str]:
    with pytest.raises(InterchangeError) as raised:
        read(xml, media)
    return [str(problem) for problem in raised.value.problems]


def test_an_image_carried_in_the_file_becomes_our_markdown_image_with_its_alt_text() -> None:
    media = MediaCollector()
    xml = truefalse(
        html_text(
            '<p>Is this a cat? <img src="@@PLUGINFILE@@/cat.png" alt="A black cat" width="40"></p>',
            file_element("cat.png", CAT),
        )
    )
    (question,) = read(xml, media)
    assert question.prompt == f"Is this a cat? ![A black cat](media:{CAT_NAME})"
    assert list(media.files) == [CAT_NAME]
    assert media.files[CAT_NAME].data == CAT
    assert media.warnings == []


@pytest.mark.parametrize(
    ("src", "name", "path"),
    [
        ("@@PLUGINFILE@@/my%20cat.png", "my cat.png", "/"),
        ("@@PLUGINFILE@@/pets/cat.png", "cat.png", "/pets/"),
        ("@@PLUGINFILE@@/cat.png?time=1700000000", "cat.png", "/"),
    ],
)
def test_plugin_file_links_are_matched_as_moodle_writes_them(
    src: str, name: str, path: str
) -> None:
    xml = truefalse(html_text(f'<img src="{src}" alt="A cat">', file_element(name, CAT, path)))
    (question,) = read(xml)
    assert question.prompt == f"![A cat](media:{CAT_NAME})"


def test_alt_text_with_markdown_characters_survives() -> None:
    xml = truefalse(
        html_text(
            '<img src="@@PLUGINFILE@@/cat.png" alt="A [cat] &amp; *dog*">',
            file_element("cat.png", CAT),
        )
    )
    (question,) = read(xml)
    assert question.prompt == f"![A \\[cat\\] & *dog*](media:{CAT_NAME})"


def test_an_image_without_alt_text_gets_its_file_name_and_a_warning() -> None:
    media = MediaCollector()
    xml = truefalse(
        html_text('<img src="@@PLUGINFILE@@/cat.png" alt="">', file_element("cat.png", CAT))
    )
    (question,) = read(xml, media)
    assert question.prompt == f"![cat.png](media:{CAT_NAME})"
    assert media.warnings == [
        "quiz.xml: question 1 (Cat): <questiontext>: the image 'cat.png' has no alt text; its "
        "file name stands in for now: edit the question to say what the image shows"
    ]


def test_the_old_image_elements_add_the_image_after_the_text_as_moodle_does() -> None:
    media = MediaCollector()
    xml = truefalse(
        html_text("<p>Is this a cat?</p>"),
        f"<image>pets/cat.png</image><image_base64>{b64(CAT)}</image_base64>",
    )
    (question,) = read(xml, media)
    assert question.prompt == f"Is this a cat? ![cat.png](media:{CAT_NAME})"
    assert list(media.files) == [CAT_NAME]
    assert (
        len(media.warnings) == 1 and "<image>: the image 'cat.png' has no alt" in media.warnings[0]
    )


def test_images_in_choices_and_feedback_are_carried_too() -> None:
    dog_img = '<![CDATA[<img src="@@PLUGINFILE@@/d.png" alt="{}">]]>'
    cat_img = '<![CDATA[<img src="@@PLUGINFILE@@/c.png" alt="Cat">]]>'
    dog_file, cat_file = file_element("d.png", DOG), file_element("c.png", CAT)
    xml = f"""<quiz><question type="multichoice">
    <name><text>Pick</text></name>
    <questiontext format="html"><text>Which is the cat?</text></questiontext>
    <generalfeedback format="html"><text>{dog_img.format("A dog")}</text>{dog_file}
    </generalfeedback>
    <single>true</single>
    <answer fraction="100" format="html"><text>{cat_img}</text>{cat_file}</answer>
    <answer fraction="0" format="html"><text>{dog_img.format("Dog")}</text>{dog_file}</answer>
    </question></quiz>"""
    media = MediaCollector()
    (question,) = read(xml, media)
    texts = [choice["text"] for choice in question.to_mapping()["choices"]]
    assert texts == [f"![Cat](media:{CAT_NAME})", f"![Dog](media:{DOG_NAME})"]
    assert question.explanation == f"![A dog](media:{DOG_NAME})"
    assert sorted(media.files) == sorted([CAT_NAME, DOG_NAME])


def test_a_file_name_is_looked_up_among_the_files_of_that_text_only() -> None:
    xml = truefalse(
        html_text('<img src="@@PLUGINFILE@@/cat.png" alt="A cat">'),
        '<generalfeedback format="html"><text>Yes.</text>'
        f"{file_element('cat.png', CAT)}</generalfeedback>",
    )
    (problem,) = problems(xml)
    assert "<questiontext> shows an image that is not carried in the file" in problem


def test_files_no_image_links_are_ignored_as_before() -> None:
    media = MediaCollector()
    pdf = file_element("notes.pdf", b"%PDF-1.7 not an image")
    xml = truefalse(html_text('See <a href="@@PLUGINFILE@@/notes.pdf">the notes</a>.', pdf))
    (question,) = read(xml, media)
    assert question.prompt.startswith("See [the notes](")
    assert media.files == {}


@pytest.mark.parametrize(
    ("html", "files", "expected"),
    [
        (
            '<img src="@@PLUGINFILE@@/cat.svg" alt="A cat">',
            file_element("cat.svg", SVG),
            "quiz.xml: question 1 (Cat): <questiontext> <file> 'cat.svg': SVG images are refused",
        ),
        (
            '<img src="@@PLUGINFILE@@/cat.png" alt="A cat">',
            file_element("cat.png", b"not an image"),
            "<questiontext> <file> 'cat.png': the file is not a PNG, JPEG, GIF or WebP image",
        ),
        (
            '<img src="https://example.org/cat.png" alt="A cat">',
            "",
            "not imported: <questiontext> shows an image that is not carried in the file",
        ),
        (
            '<img src="@@PLUGINFILE@@/cat.png" alt="A cat">',
            '<file name="cat.png" encoding="hex">00</file>',
            "<questiontext> <file> 'cat.png': encoding 'hex'; expected base64",
        ),
    ],
)
def test_images_that_cannot_come_along_are_problems_naming_the_question(
    html: str, files: str, expected: str
) -> None:
    (problem,) = problems(truefalse(html_text(html, files)))
    assert expected in problem


def test_the_limits_per_image_and_per_import_apply() -> None:
    xml = truefalse(
        html_text('<img src="@@PLUGINFILE@@/cat.png" alt="A cat">', file_element("cat.png", CAT))
    )
    (problem,) = problems(xml, MediaCollector(max_file_bytes=10))
    assert (
        f"<questiontext> <file> 'cat.png': the image is {len(CAT):,} bytes; the limit is 10"
        in problem
    )
    two = (
        xml.replace("</quiz>", "")
        + truefalse(
            html_text(
                '<img src="@@PLUGINFILE@@/dog.png" alt="A dog">', file_element("dog.png", DOG)
            ),
            name="Dog",
        ).split("<quiz>")[1]
    )
    (problem,) = problems(two, MediaCollector(max_import_bytes=len(CAT) + 1))
    assert "question 2 (Dog)" in problem and "images of this import add up to more than" in problem


def test_markdown_text_with_plugin_file_links_reads_back_as_media_names() -> None:
    xml = truefalse(
        '<questiontext format="markdown"><text>Is this a cat? ![A cat](@@PLUGINFILE@@/cat.png)'
        f"</text>{file_element('cat.png', CAT)}</questiontext>"
    )
    (question,) = read(xml)
    assert question.prompt == f"Is this a cat? ![A cat](media:{CAT_NAME})"


# ---------------------------------------------------------------------------------- export


def _question(prompt: str, explanation: str | None = None, choice: str = "Paris"):
    mapping: dict[str, object] = {
        "id": "city",
        "type": "single",
        "prompt": prompt,
        "choices": [{"text": choice, "correct": True}, {"text": "Lyon", "correct": False}],
    }
    if explanation:
        mapping["explanation"] = explanation
    return question_from_mapping(mapping)


STORE = {CAT_NAME: CAT, DOG_NAME: DOG}


def test_export_writes_each_image_as_a_file_next_to_its_text_and_reads_back_the_same() -> None:
    question = _question(
        f"Which city has this cat? ![A *famous* cat](media:{CAT_NAME})",
        f"Both: ![A dog](media:{DOG_NAME}) and ![Cat again](media:{CAT_NAME})",
    )
    xml = dump_moodle_xml([question], media=STORE.get)

    assert f"![A *famous* cat](@@PLUGINFILE@@/{CAT_NAME})" in xml
    assert f'<file name="{CAT_NAME}" path="/" encoding="base64">{b64(CAT)}</file>' in xml
    assert f'<file name="{DOG_NAME}" path="/" encoding="base64">{b64(DOG)}</file>' in xml
    assert "media:" not in xml
    media = MediaCollector()
    (back,) = parse_moodle_xml(xml, "export.xml", media=media)
    assert (back.prompt, back.explanation) == (question.prompt, question.explanation)
    assert media.files.keys() == {CAT_NAME, DOG_NAME}
    assert {name: f.data for name, f in media.files.items()} == STORE
    assert media.warnings == []


def test_export_refuses_an_image_it_cannot_find_or_cannot_place() -> None:
    missing = _question(f"![A cat](media:{CAT_NAME})")
    in_choice = _question("Which?", choice=f"![A dog](media:{DOG_NAME})")
    with pytest.raises(InterchangeError) as raised:
        dump_moodle_xml([missing, in_choice], media={DOG_NAME: DOG}.get)
    assert [str(p) for p in raised.value.problems] == [
        f"Moodle XML export: question 1 (city): cannot export: the image media:{CAT_NAME} in "
        "the prompt is not stored here",
        "Moodle XML export: question 2 (city): cannot export: an image in its choices; Moodle "
        "XML export carries images only in the question text and the general feedback",
    ]


def test_questions_without_images_export_as_before() -> None:
    question = _question("Which city?")
    assert "<file" not in dump_moodle_xml([question])
    assert media_names(question.prompt) == []
