"""`flask bank import` of a Moodle XML file with images: stored, and warnings printed."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

from flask import Flask
from flask.testing import FlaskCliRunner

from tests.factories import ECONOMY, load_article
from tests.helpers import ARTICLE_SLUG
from tests.media_files import png

CAT = png()
CAT_NAME = f"{hashlib.sha256(CAT).hexdigest()}.png"
XML = f"""<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="truefalse">
    <name><text>cat</text></name>
    <questiontext format="html"><text><![CDATA[Black? <img src="@@PLUGINFILE@@/cat.png">]]></text>
      <file name="cat.png" path="/" encoding="base64">{base64.b64encode(CAT).decode()}</file>
    </questiontext>
    <answer fraction="100" format="moodle_auto_format"><text>true</text></answer>
    <answer fraction="0" format="moodle_auto_format"><text>false</text></answer>
  </question>
</quiz>
"""


def test_import_stores_the_images_and_prints_the_warnings(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    app.config["MEDIA_FOLDER"] = str(tmp_path / "media")
    with app.app_context():
        load_article(sections=())
    path = tmp_path / "cats.xml"
    path.write_text(XML, encoding="utf-8")

    args = ["bank", "import", str(path), "--format", "moodle-xml"]
    result = runner.invoke(args=[*args, "--article", ARTICLE_SLUG, "--section", ECONOMY])

    assert result.exit_code == 0, result.output
    assert (
        f"warning: {path}: question 1 (cat): <questiontext>: the image 'cat.png' has no alt "
        "text; its file name stands in for now" in result.output
    )
    assert f"cat: Black? ![cat.png](media:{CAT_NAME[:20]}" in result.output
    assert (tmp_path / "media" / CAT_NAME[:2] / CAT_NAME).read_bytes() == CAT
