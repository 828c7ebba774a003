"""``flask bank check`` prints lint warnings with file, line and question id, and fails on
them only with ``--strict``."""

from __future__ import annotations

import textwrap
from pathlib import Path

from flask.testing import FlaskCliRunner

from tests.conftest import BANK_PATH

ARTICLE = """\
---
title: "Lint fixtures"
authors: ["A. Writer"]
published: 2024-01-01
source: "QuizApp test fixtures"
---

## Only section

The river carried 40 tonnes of silt every day. Floods came in spring.
"""

CLEAN = """\
- id: silt
  type: numeric
  prompt: How many tonnes of silt did the river carry every day?
  answer: 40
  unit: tonnes
  evidence: The river carried 40 tonnes of silt every day.
  explanation: The section says 40 tonnes.
"""

LINTED = """\
- id: floods-season
  type: true_false
  prompt: Floods came in spring.
  answer: true
  evidence: Floods came in spring.
  explanation: The section says so.

- id: carried
  type: short
  prompt: What did the river carry every day?
  answers: ["the silt"]
  evidence: The river carried 40 tonnes of silt every day.
  explanation: The section says silt.
"""


def write_bank(root: Path, questions: str) -> Path:
    folder = root / "lint-fixtures"
    folder.mkdir(parents=True)
    (folder / "article.md").write_text(ARTICLE, encoding="utf-8")
    (folder / "only-section.yaml").write_text(textwrap.dedent(questions), encoding="utf-8")
    return folder / "only-section.yaml"


def test_a_bank_without_lints_passes_even_strictly(runner: FlaskCliRunner, tmp_path: Path) -> None:
    write_bank(tmp_path, CLEAN)
    result = runner.invoke(args=["bank", "check", "--strict", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "lint-fixtures: 1 sections, 1 questions, OK" in result.output
    assert "warning" not in result.stderr


def test_lints_are_warnings_with_file_line_and_id(runner: FlaskCliRunner, tmp_path: Path) -> None:
    path = write_bank(tmp_path, CLEAN + "\n" + LINTED)

    result = runner.invoke(args=["bank", "check", str(tmp_path)])

    assert result.exit_code == 0, result.output
    assert f"{path}:9: warning: question 'floods-season': the statement repeats" in result.stderr
    assert f"{path}:16: warning: question 'carried': the answer 'the silt'" in result.stderr
    assert "2 lint warnings." in result.stderr


def test_strict_fails_on_lints(runner: FlaskCliRunner, tmp_path: Path) -> None:
    write_bank(tmp_path, CLEAN + "\n" + LINTED)
    result = runner.invoke(args=["bank", "check", "--strict", str(tmp_path)])
    assert result.exit_code == 1
    assert "2 lint warnings." in result.stderr


def test_a_single_article_folder_is_linted_too(runner: FlaskCliRunner, tmp_path: Path) -> None:
    path = write_bank(tmp_path, LINTED)
    result = runner.invoke(args=["bank", "check", str(path.parent)])
    assert f"{path}:1: warning: question 'floods-season'" in result.stderr


def test_the_shipped_bank_passes_without_strict(runner: FlaskCliRunner) -> None:
    # Its lints (if any remain) are warnings; only --strict would fail on them.
    result = runner.invoke(args=["bank", "check", str(BANK_PATH)])
    assert result.exit_code == 0, result.output
