"""``flask bank import`` imports what can be imported (``--skip-problems``) and, on a
re-import, matches the section's questions: unchanged ones are not imported again, changed
ones get a new version. Through the app's CLI runner on a real database."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner

from quizapp.cli import EXIT_SKIPPED
from quizapp.domain.interchange.aiken import parse_aiken
from quizapp.domain.interchange.gift import parse_gift
from quizapp.domain.interchange.moodle_xml import parse_moodle_xml
from quizapp.extensions import db
from quizapp.models import Question, QuestionEvent, QuestionEventKind, QuestionVersion
from quizapp.services.interchange import PREVIEW_QUESTIONS, PROBLEMS_LISTED
from tests.factories import ECONOMY, load_article
from tests.functional.test_interchange_cli import (
    BROKEN_LAST_GIFT,
    DATA,
    import_args,
    question_count,
    questions_in,
    write,
)
from tests.helpers import ARTICLE_SLUG
from tests.media_files import png

TARGET = ECONOMY
NAMED_GIFT = """\
::sky::The sky is blue on a clear day.{T}

::capital::What is the capital of France?{=Paris ~Lyon ~Nice}

::boil::At what temperature in degrees Celsius does water boil at sea level?{#100}
"""
GOOD_EXTRA = "\n::moon::The moon orbits the Earth.{T}\n"


@pytest.fixture(autouse=True)
def _article(app: Flask) -> None:
    """The shipped article with its sections; only the introduction holds questions."""
    with app.app_context():
        load_article(sections=("introduction",))


def version_count(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count(QuestionVersion.id)))


def summary(new: int, versions: int, unchanged: int, skipped: int) -> str:
    version_word = "version" if versions == 1 else "versions"
    return f"{new} new, {versions} new {version_word}, {unchanged} unchanged, {skipped} skipped."


def place(path: Path, text: str, needle: str) -> str:
    """``path:line:column`` of the last ``needle`` in ``text``."""
    offset = text.rindex(needle)
    line = text.count("\n", 0, offset) + 1
    return f"{path}:{line}:{offset - text.rfind(chr(10), 0, offset)}"


# ---------------------------------------------------------------------------- re-import

SAMPLES = [
    pytest.param("gift", DATA / "gift" / "valid" / "docs-examples.gift", parse_gift, id="gift"),
    pytest.param(
        "moodle-xml", DATA / "moodle-xml" / "valid" / "every-type.xml", parse_moodle_xml, id="xml"
    ),
    pytest.param("aiken", DATA / "aiken" / "valid" / "china-russia.txt", parse_aiken, id="aiken"),
]


@pytest.mark.parametrize(("format_name", "path", "parse"), SAMPLES)
def test_importing_the_same_file_twice_adds_nothing(
    app: Flask, runner: FlaskCliRunner, format_name: str, path: Path, parse
) -> None:
    count = len(parse(path.read_bytes(), str(path)))
    first = runner.invoke(args=import_args(path, format_name, TARGET))
    assert first.exit_code == 0, first.output
    assert summary(count, 0, 0, 0) in first.output
    assert first.output.count("(new)") == count
    questions, versions = question_count(app), version_count(app)
    ids = [q.id for q in questions_in(app, TARGET)]

    again = runner.invoke(args=import_args(path, format_name, TARGET))

    assert again.exit_code == 0, again.output
    assert "Imported 0 questions into" in again.output
    assert summary(0, 0, count, 0) in again.output
    for bank_id in ids:
        assert f"(unchanged ({bank_id}): not imported again)" in again.output
    assert "no evidence" not in again.output  # nothing new to add evidence to
    assert (question_count(app), version_count(app)) == (questions, versions)
    assert [q.id for q in questions_in(app, TARGET)] == ids


def test_a_changed_question_is_imported_as_a_new_version_keeping_its_history(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    path = write(tmp_path, "quiz.gift", NAMED_GIFT)
    assert runner.invoke(args=import_args(path, "gift", TARGET)).exit_code == 0
    write(tmp_path, "quiz.gift", NAMED_GIFT.replace("clear day", "sunny day"))

    result = runner.invoke(args=import_args(path, "gift", TARGET))

    assert result.exit_code == 0, result.output
    assert "sky: The sky is blue on a sunny day. (new version of sky)" in result.output
    assert "(unchanged (capital): not imported again)" in result.output
    assert "Imported 1 question into" in result.output
    assert summary(0, 1, 2, 0) in result.output
    assert len(questions_in(app, TARGET)) == 3
    with app.app_context():
        sky = db.session.scalar(db.select(Question).where(Question.bank_id == "sky"))
        assert sky.current_version_number == 2
        assert [v.prompt for v in sorted(sky.versions, key=lambda v: v.number)] == [
            "The sky is blue on a clear day.",
            "The sky is blue on a sunny day.",
        ]
        kinds = db.session.scalars(
            db.select(QuestionEvent.kind)
            .where(QuestionEvent.question_id == sky.id)
            .order_by(QuestionEvent.id)
        ).all()
        assert kinds == [QuestionEventKind.CREATE, QuestionEventKind.EDIT]


def test_a_dry_run_of_a_re_import_says_what_it_would_do_and_saves_nothing(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    path = write(tmp_path, "quiz.gift", NAMED_GIFT)
    assert runner.invoke(args=import_args(path, "gift", TARGET)).exit_code == 0
    write(tmp_path, "quiz.gift", NAMED_GIFT.replace("clear day", "sunny day") + GOOD_EXTRA)
    versions = version_count(app)

    result = runner.invoke(args=import_args(path, "gift", TARGET, "--dry-run"))

    assert result.exit_code == 0, result.output
    assert "(new version of sky)" in result.output
    assert "moon: The moon orbits the Earth. (new)" in result.output
    assert "2 questions would be imported (dry run: nothing saved)." in result.output
    assert summary(1, 1, 2, 0) in result.output
    assert "Imported" not in result.output
    assert version_count(app) == versions
    assert len(questions_in(app, TARGET)) == 3


# ------------------------------------------------------------------------ skip problems


def test_all_or_nothing_stays_the_default_and_points_at_the_flag(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    path = write(tmp_path, "broken.gift", BROKEN_LAST_GIFT)

    result = runner.invoke(args=import_args(path, "gift", TARGET))

    assert result.exit_code == 1
    assert f"{place(path, BROKEN_LAST_GIFT, 'hundred')}: expected a number" in result.stderr
    assert "1 problem(s) found; nothing was imported." in result.stderr
    assert "(--skip-problems imports the other 2 questions.)" in result.stderr
    assert questions_in(app, TARGET) == []


def test_skip_problems_imports_the_others_lists_the_skipped_and_exits_3(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    path = write(tmp_path, "broken.gift", BROKEN_LAST_GIFT)

    result = runner.invoke(args=import_args(path, "gift", TARGET, "--skip-problems"))

    assert result.exit_code == EXIT_SKIPPED == 3, result.output
    assert "1 question cannot be imported and was skipped:" in result.stderr
    where = place(path, BROKEN_LAST_GIFT, "hundred")
    assert f"\n  {where}: expected a number, found 'hundred' (" in result.stderr
    assert "Imported 2 questions into" in result.output
    assert summary(2, 0, 0, 1) in result.output
    assert [q.id for q in questions_in(app, TARGET)] == ["sky", "capital"]


def test_re_importing_after_fixing_the_skipped_question_adds_only_it(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    path = write(tmp_path, "quiz.gift", BROKEN_LAST_GIFT)
    runner.invoke(args=import_args(path, "gift", TARGET, "--skip-problems"))

    again = runner.invoke(args=import_args(path, "gift", TARGET, "--skip-problems"))
    write(tmp_path, "quiz.gift", BROKEN_LAST_GIFT.replace("#hundred", "#100"))
    fixed = runner.invoke(args=import_args(path, "gift", TARGET))

    assert again.exit_code == EXIT_SKIPPED
    assert summary(0, 0, 2, 1) in again.output
    assert fixed.exit_code == 0, fixed.output
    assert summary(1, 0, 2, 0) in fixed.output
    assert "boil: At what temperature" in fixed.output
    assert [q.id for q in questions_in(app, TARGET)] == ["sky", "capital", "boil"]


def test_moodle_xml_skips_name_the_question_and_its_position(
    app: Flask, runner: FlaskCliRunner
) -> None:
    path = DATA / "moodle-xml" / "invalid" / "some-good-some-bad.xml"

    result = runner.invoke(args=import_args(path, "moodle-xml", TARGET, "--skip-problems"))

    assert result.exit_code == EXIT_SKIPPED, result.output
    assert "2 questions cannot be imported and were skipped:" in result.stderr
    assert f"  {path}: question 3 (Reflection): essay questions are not supported" in (
        result.stderr
    )
    assert f"  {path}: question 4 (Veto year): <answer> 1: " in result.stderr
    assert summary(1, 0, 0, 2) in result.output
    assert len(questions_in(app, TARGET)) == 1


def test_a_dry_run_with_skipped_questions_saves_nothing_and_exits_3(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    path = write(tmp_path, "broken.gift", BROKEN_LAST_GIFT)

    result = runner.invoke(args=import_args(path, "gift", TARGET, "--skip-problems", "--dry-run"))

    assert result.exit_code == EXIT_SKIPPED
    assert "2 questions would be imported (dry run: nothing saved)." in result.output
    assert summary(2, 0, 0, 1) in result.output
    assert questions_in(app, TARGET) == []


def test_a_file_where_nothing_can_be_imported_says_so(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    text = "::a::Pick one.{~only}\n\n::b::Write about it.{}\n"
    path = write(tmp_path, "none.gift", text)

    result = runner.invoke(args=import_args(path, "gift", TARGET, "--skip-problems"))

    assert result.exit_code == 1
    assert f"{path}:3:" in result.stderr
    assert "essay questions are not supported" in result.stderr
    assert (
        "None of the 2 questions in the file can be imported, so nothing was imported."
        in result.stderr
    )
    assert "--skip-problems imports" not in result.stderr
    assert questions_in(app, TARGET) == []


def test_the_skipped_list_is_capped_and_counts_the_rest(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    broken = "\n".join(f"::b{n}::Pick one.{{~only}}\n" for n in range(PROBLEMS_LISTED + 5))
    path = write(tmp_path, "many.gift", broken + "\n::good::Fine.{T}\n")

    result = runner.invoke(args=import_args(path, "gift", TARGET, "--skip-problems"))

    assert result.exit_code == EXIT_SKIPPED
    lines = result.stderr.splitlines()
    assert len([line for line in lines if line.startswith(f"  {path}:")]) == PROBLEMS_LISTED
    assert f"{PROBLEMS_LISTED + 5} questions cannot be imported and were skipped:" in lines
    assert "  and 5 more skipped questions." in lines
    assert summary(1, 0, 0, PROBLEMS_LISTED + 5) in result.output


def test_the_preview_is_capped_on_a_re_import_too(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    text = "\n".join(f"::q{n}::Statement {n} holds.{{T}}\n" for n in range(PREVIEW_QUESTIONS + 2))
    path = write(tmp_path, "many.gift", text)
    runner.invoke(args=import_args(path, "gift", TARGET))

    again = runner.invoke(args=import_args(path, "gift", TARGET))

    assert again.exit_code == 0, again.output
    assert again.output.count("not imported again") == PREVIEW_QUESTIONS
    assert "and 2 more questions" in again.output
    assert summary(0, 0, PREVIEW_QUESTIONS + 2, 0) in again.output


# --------------------------------------------------------------------- warnings, errors


def test_image_warnings_are_printed_with_skip_problems_and_on_a_re_import(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    app.config["MEDIA_FOLDER"] = str(tmp_path / "media")
    picture = base64.b64encode(png()).decode()
    xml = f"""<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="truefalse">
    <name><text>cat</text></name>
    <questiontext format="html"><text><![CDATA[Black? <img src="@@PLUGINFILE@@/cat.png">]]></text>
      <file name="cat.png" path="/" encoding="base64">{picture}</file>
    </questiontext>
    <answer fraction="100"><text>true</text></answer>
    <answer fraction="0"><text>false</text></answer>
  </question>
  <question type="essay">
    <name><text>Reflection</text></name>
    <questiontext><text>Reflect.</text></questiontext>
  </question>
</quiz>
"""
    path = write(tmp_path, "cats.xml", xml)
    warning = f"warning: {path}: question 1 (cat): <questiontext>: the image 'cat.png' has no alt"

    first = runner.invoke(args=import_args(path, "moodle-xml", TARGET, "--skip-problems"))
    again = runner.invoke(args=import_args(path, "moodle-xml", TARGET, "--skip-problems"))

    assert first.exit_code == again.exit_code == EXIT_SKIPPED, first.output
    assert warning in first.stderr
    assert warning in again.stderr
    assert summary(1, 0, 0, 1) in first.output
    assert summary(0, 0, 1, 1) in again.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(
            ["nope.gift", "--format", "gift", "--section", TARGET],
            "nope.gift: No such file or directory",
            id="no-such-file",
        ),
        pytest.param(
            ["quiz.gift", "--format", "yaml", "--section", TARGET],
            "'yaml' is not one of 'gift', 'moodle-xml', 'aiken'",
            id="unknown-format",
        ),
        pytest.param(
            ["quiz.gift", "--format", "moodle-xml", "--section", TARGET],
            "quiz.gift:1:1: malformed XML: syntax error",
            id="wrong-format",
        ),
        pytest.param(
            ["quiz.gift", "--format", "gift", "--section", "no-such-section"],
            "no section 'no-such-section' in an article",
            id="no-such-section",
        ),
    ],
)
def test_bad_input_keeps_a_clear_message_with_skip_problems(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path, args: list[str], message: str
) -> None:
    write(tmp_path, "quiz.gift", NAMED_GIFT)
    file, *options = args
    before = question_count(app)

    result = runner.invoke(
        args=["bank", "import", str(tmp_path / file), *options, "--article",
              ARTICLE_SLUG, "--skip-problems"]
    )  # fmt: skip

    assert result.exit_code in (1, 2)
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert question_count(app) == before


def test_the_help_documents_the_flag_and_the_exit_status(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["bank", "import", "--help"])

    assert result.exit_code == 0
    assert "--skip-problems" in result.output
    assert "3 imported but some" in " ".join(result.output.split())
