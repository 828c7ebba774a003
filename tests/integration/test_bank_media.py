"""Images in the bank's folders: questions/<article>/media/, loaded into the media store
by `flask bank load` and written back by the bank export."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest
import yaml
from flask import Flask

from quizapp.domain.bank import BankError, read_article_dir, read_bank
from quizapp.services.bank import export_bank, load_bank
from quizapp.services.media import media_store
from tests.conftest import BANK_PATH
from tests.helpers import ARTICLE_SLUG, copy_bank, section_file
from tests.media_files import SVG, png

NOW = dt.datetime(2026, 11, 28, 9, 0, tzinfo=dt.UTC)
MAP = png(30, 60, 200)
MAP_NAME = f"{hashlib.sha256(MAP).hexdigest()}.png"


def _bank_with_image(tmp_path: Path, image: str = "![A map of the border](media/map.png)") -> Path:
    """A copy of the shipped bank whose first introduction question shows ``image``."""
    bank = copy_bank(tmp_path / "questions")
    (bank / ARTICLE_SLUG / "media").mkdir()
    (bank / ARTICLE_SLUG / "media" / "map.png").write_bytes(MAP)
    path = section_file(bank, "introduction")
    questions = yaml.safe_load(path.read_text(encoding="utf-8"))
    questions[0]["prompt"] += f" {image}"
    path.write_text(yaml.safe_dump(questions, sort_keys=False, allow_unicode=True, width=1000))
    return bank


def test_an_image_of_the_media_folder_is_named_by_its_content(tmp_path: Path) -> None:
    bank = read_article_dir(_bank_with_image(tmp_path) / ARTICLE_SLUG)

    first = bank.questions_by_section["introduction"][0]
    assert first.prompt.endswith(f" ![A map of the border](media:{MAP_NAME})")
    assert [(image.name, image.data) for image in bank.media] == [(MAP_NAME, MAP)]


def test_the_shipped_bank_has_no_images() -> None:
    assert [bank.media for bank in read_bank(BANK_PATH)] == [()]


@pytest.mark.parametrize(
    ("image", "expected"),
    [
        (
            "![A map](media/missing.png)",
            "the image 'media/missing.png' has no file 'missing.png' in the article's media folder",
        ),
        ("![](media/map.png)", f"the image media:{MAP_NAME} has no alt text"),
        ("![A map](https://example.org/map.png)", "is not a stored image"),
    ],
)
def test_a_bad_image_is_a_problem_naming_the_file_line_and_question(
    tmp_path: Path, image: str, expected: str
) -> None:
    bank = _bank_with_image(tmp_path, image)
    with pytest.raises(BankError) as raised:
        read_article_dir(bank / ARTICLE_SLUG, display_root=bank)
    (problem,) = raised.value.problems
    assert problem.path == f"{ARTICLE_SLUG}/introduction.yaml"
    lines = section_file(bank, "introduction").read_text(encoding="utf-8").splitlines()
    prompt_line = next(n for n, line in enumerate(lines, 1) if "prompt:" in line)
    assert problem.line == prompt_line
    assert problem.message.startswith("question '") and expected in problem.message


def test_an_image_named_by_its_hash_must_be_in_the_media_folder(tmp_path: Path) -> None:
    other = f"{hashlib.sha256(b'elsewhere').hexdigest()}.png"
    bank = _bank_with_image(tmp_path, f"![A map](media:{other})")
    with pytest.raises(BankError) as raised:
        read_article_dir(bank / ARTICLE_SLUG, display_root=bank)
    (problem,) = raised.value.problems
    assert f"the image media:{other} is not in the article's media folder" in problem.message
    hashed = _bank_with_image(tmp_path / "second", f"![A map](media:{MAP_NAME})")
    assert read_article_dir(hashed / ARTICLE_SLUG).media[0].name == MAP_NAME


def test_an_svg_in_the_media_folder_is_refused(tmp_path: Path) -> None:
    bank = _bank_with_image(tmp_path)
    (bank / ARTICLE_SLUG / "media" / "logo.svg").write_bytes(SVG)
    with pytest.raises(BankError) as raised:
        read_article_dir(bank / ARTICLE_SLUG, display_root=bank)
    assert [str(p) for p in raised.value.problems] == [
        f"{ARTICLE_SLUG}/media/logo.svg:0: SVG images are refused (an SVG can carry script); "
        "save it as PNG and try again; we take PNG, JPEG, GIF or WebP"
    ]


def test_load_stores_the_images_and_export_writes_them_back(app: Flask, tmp_path: Path) -> None:
    app.config["MEDIA_FOLDER"] = str(tmp_path / "store")
    bank = _bank_with_image(tmp_path)
    with app.app_context():
        load_bank(bank, now=NOW)
        assert media_store().read(MAP_NAME) == MAP
        load_bank(bank, now=NOW + dt.timedelta(hours=1))  # again: nothing changes

        written = export_bank(tmp_path / "export")

    exported = tmp_path / "export" / ARTICLE_SLUG
    assert exported / "media" / MAP_NAME in written
    assert (exported / "media" / MAP_NAME).read_bytes() == MAP
    assert f"(media:{MAP_NAME})" in (exported / "introduction.yaml").read_text(encoding="utf-8")
    again = read_article_dir(exported)
    original = read_article_dir(bank / ARTICLE_SLUG)
    assert again.questions_by_section == original.questions_by_section
    assert again.media == original.media
