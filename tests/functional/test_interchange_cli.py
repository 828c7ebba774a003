"""``flask bank import`` (GIFT, Moodle XML, Aiken) and ``flask bank export`` to GIFT and
Moodle XML, through the app's CLI runner on a database holding the shipped article."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner

from quizapp.domain.bank import read_bank
from quizapp.domain.interchange.aiken import parse_aiken
from quizapp.domain.interchange.gift import parse_gift
from quizapp.domain.interchange.moodle_xml import parse_moodle_xml
from quizapp.domain.questions import Question as DomainQuestion
from quizapp.domain.questions import question_from_mapping
from quizapp.extensions import db
from quizapp.models import Question, Section
from quizapp.services.bank_browser import bank_page
from quizapp.services.interchange import current_questions
from quizapp.services.question_authoring import add_questions
from tests.factories import ECONOMY, MILITARY, NOW, load_article
from tests.helpers import ARTICLE_SLUG

DATA = Path(__file__).resolve().parent.parent / "data" / "interchange"
INTRODUCTION = "introduction"
TARGET = ECONOMY  # an empty section: only the introduction's questions are loaded
TARGET_TITLE = "What are their economic ties?"

# Three good questions, then one whose numeric answer is not a number.
BROKEN_LAST_GIFT = """\
// Three good questions; the last one is broken.
::sky::The sky is blue on a clear day.{T}

::capital::What is the capital of France?{=Paris ~Lyon ~Nice}

::boil::At what temperature in degrees Celsius does water boil at sea level?{#hundred}
"""
BROKEN_LAST_AIKEN = """\
Which city is the capital of France?
A) Paris
B) Lyon
ANSWER: A

Which river flows through Rome?
A) The Tiber
B) The Po
ANSWER: C
"""
GOOD_GIFT = "::sky::The sky is blue on a clear day.{T}\n"

# Fields the sample questions of the introduction lack, added so the round trips carry them.
EXTRA_QUESTIONS = (
    {
        "id": "extra-border-km",
        "type": "numeric",
        "prompt": "How long is the shared border, in thousands of kilometres?",
        "answer": 4.184,
        "tolerance": 0.25,
        "points": 2.5,
        "explanation": "About 4,184 kilometres.",
        "tags": ["recall", "border"],
    },
    {
        "id": "extra-feedback-both-ways",
        "type": "true_false",
        "prompt": "The introduction mentions *joint* military drills.",
        "answer": True,
        "feedback_true": "Yes: joint drills and arms deals.",
        "feedback_false": "Read the first paragraph again.",
        "points": 3,
        "explanation": "Security cooperation: **joint military drills** and arms deals.",
    },
)


@pytest.fixture(autouse=True)
def _bank(app: Flask) -> None:
    """The shipped article with all its sections; only the introduction's questions."""
    with app.app_context():
        load_article(sections=(INTRODUCTION,))


def section_id(app: Flask, slug: str) -> int:
    with app.app_context():
        return db.session.execute(db.select(Section.id).where(Section.slug == slug)).scalar_one()


def questions_in(app: Flask, slug: str) -> list[DomainQuestion]:
    """The current version of the section's questions, in the order they were added."""
    with app.app_context():
        return current_questions(section_id(app, slug))


def question_count(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count(Question.id)))


def import_args(path: Path, format_name: str, section: str = TARGET, *extra: str) -> list[str]:
    return [
        "bank", "import", str(path), "--format", format_name,
        "--article", ARTICLE_SLUG, "--section", section, *extra,
    ]  # fmt: skip


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


# ------------------------------------------------------------------------------- import

SAMPLES = [
    pytest.param("gift", DATA / "gift" / "valid" / "docs-examples.gift", parse_gift, id="gift"),
    pytest.param(
        "moodle-xml", DATA / "moodle-xml" / "valid" / "every-type.xml", parse_moodle_xml, id="xml"
    ),
    pytest.param("aiken", DATA / "aiken" / "valid" / "china-russia.txt", parse_aiken, id="aiken"),
]


@pytest.mark.parametrize(("format_name", "path", "parse"), SAMPLES)
def test_import_adds_every_question_without_evidence_flagged_in_the_bank(
    app: Flask, runner: FlaskCliRunner, format_name: str, path: Path, parse
) -> None:
    expected = parse(path.read_bytes(), str(path))
    before = question_count(app)

    result = runner.invoke(args=import_args(path, format_name))

    assert result.exit_code == 0, result.output
    assert f"Imported {len(expected)} questions into '{TARGET_TITLE}'." in result.output
    assert "no evidence" in result.output
    imported = questions_in(app, TARGET)
    assert [q.prompt for q in imported] == [q.prompt for q in expected]
    assert [q.type_name for q in imported] == [q.type_name for q in expected]
    assert all(q.evidence is None for q in imported)
    assert question_count(app) == before + len(expected)
    with app.app_context():
        page = bank_page(section_id=section_id(app, TARGET), health="no evidence", per_page=100)
        assert page.total == len(expected)
        assert all("no evidence" in row.flags for row in page.rows)
        # The introduction's own questions have their evidence: not flagged.
        assert bank_page(section_id=section_id(app, INTRODUCTION), health="no evidence").total == 0


def test_dry_run_lists_the_questions_and_saves_nothing(app: Flask, runner: FlaskCliRunner) -> None:
    path = DATA / "gift" / "valid" / "docs-examples.gift"
    expected = parse_gift(path.read_bytes(), str(path))
    before = question_count(app)

    result = runner.invoke(args=import_args(path, "gift", TARGET, "--dry-run"))

    assert result.exit_code == 0, result.output
    assert f"{len(expected)} questions would be imported (dry run: nothing saved)." in result.output
    for question in expected:
        assert question.id in result.output
    assert "Imported" not in result.output
    assert question_count(app) == before
    assert questions_in(app, TARGET) == []


@pytest.mark.parametrize(
    ("format_name", "name", "text", "needle", "message"),
    [
        pytest.param(
            "gift", "broken.gift", BROKEN_LAST_GIFT, "hundred",
            "expected a number, found 'hundred'",
            id="gift",
        ),
        pytest.param(
            "aiken", "broken.txt", BROKEN_LAST_AIKEN, "C\n", "unknown ANSWER letter 'C'",
            id="aiken",
        ),
    ],
)  # fmt: skip
def test_one_error_in_the_last_question_fails_with_its_place_and_saves_nothing(
    app: Flask,
    runner: FlaskCliRunner,
    tmp_path: Path,
    format_name: str,
    name: str,
    text: str,
    needle: str,
    message: str,
) -> None:
    path = write(tmp_path, name, text)
    offset = text.rindex(needle)
    line = text.count("\n", 0, offset) + 1
    column = offset - text.rfind("\n", 0, offset)
    before = question_count(app)

    result = runner.invoke(args=import_args(path, format_name))

    assert result.exit_code == 1, result.output
    assert f"{path}:{line}:{column}: {message}" in result.stderr
    assert "1 problem(s) found; nothing was imported." in result.stderr
    assert "Imported" not in result.output
    assert question_count(app) == before
    assert questions_in(app, TARGET) == []


def test_every_problem_of_a_file_is_listed(app: Flask, runner: FlaskCliRunner) -> None:
    path = DATA / "gift" / "invalid" / "many-problems.gift"
    with pytest.raises(ValueError) as parsed:
        parse_gift(path.read_bytes(), str(path))
    problems = [str(problem) for problem in parsed.value.problems]
    assert len(problems) > 1

    result = runner.invoke(args=import_args(path, "gift"))

    assert result.exit_code == 1
    for problem in problems:
        assert problem in result.stderr
    assert f"{len(problems)} problem(s) found; nothing was imported." in result.stderr
    assert questions_in(app, TARGET) == []


@pytest.mark.parametrize(
    ("article", "section"),
    [("no-such-article", TARGET), (ARTICLE_SLUG, "no-such-section")],
    ids=["article", "section"],
)
def test_an_unknown_article_or_section_is_a_clear_error(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path, article: str, section: str
) -> None:
    path = write(tmp_path, "quiz.gift", GOOD_GIFT)
    before = question_count(app)
    args = ["bank", "import", str(path), "--format", "gift", "--article", article]

    result = runner.invoke(args=[*args, "--section", section])

    assert result.exit_code == 1
    assert f"no section '{section}' in an article '{article}'" in result.stderr
    assert "Traceback" not in result.output
    assert question_count(app) == before


def test_a_missing_file_is_a_clear_error(runner: FlaskCliRunner, tmp_path: Path) -> None:
    result = runner.invoke(args=import_args(tmp_path / "nope.gift", "gift"))

    assert result.exit_code != 0
    assert "nope.gift" in result.stderr
    assert "Traceback" not in result.output


def test_a_file_over_the_size_limit_is_refused_with_its_size(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    app.config["IMPORT_MAX_BYTES"] = 1000
    text = GOOD_GIFT + "".join(
        f"\n::q{n}::Question number {n} is numbered {n}.{{T}}\n" for n in range(60)
    )
    path = write(tmp_path, "big.gift", text)
    size = path.stat().st_size
    assert size > 1000

    result = runner.invoke(args=import_args(path, "gift"))

    assert result.exit_code == 1
    assert f"{path}: the file is {size:,} bytes; the limit is 1,000" in result.stderr
    assert questions_in(app, TARGET) == []


def test_a_file_at_the_size_limit_is_imported(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    path = write(tmp_path, "quiz.gift", GOOD_GIFT)
    app.config["IMPORT_MAX_BYTES"] = path.stat().st_size

    result = runner.invoke(args=import_args(path, "gift"))

    assert result.exit_code == 0, result.output
    assert len(questions_in(app, TARGET)) == 1


@pytest.mark.parametrize("name", ["billion-laughs.xml", "external-entity.xml"])
def test_xml_entities_are_refused_quickly(app: Flask, runner: FlaskCliRunner, name: str) -> None:
    path = DATA / "moodle-xml" / "invalid" / name
    started = time.perf_counter()

    result = runner.invoke(args=import_args(path, "moodle-xml"))

    assert time.perf_counter() - started < 2
    assert result.exit_code == 1
    assert f"{path}:2: the file declares a DTD or entities" in result.stderr
    assert "root:" not in result.output  # nothing of /etc/passwd
    assert questions_in(app, TARGET) == []


# ------------------------------------------------------------------------------- export


def _add_extras(app: Flask) -> None:
    with app.app_context():
        intro = db.session.execute(
            db.select(Section).where(Section.slug == INTRODUCTION)
        ).scalar_one()
        add_questions(
            article_id=intro.article_id,
            section_id=intro.id,
            questions=[question_from_mapping(mapping) for mapping in EXTRA_QUESTIONS],
            author_id=None,
            now=NOW,
        )


def carried(question: DomainQuestion, dropped: tuple[str, ...]) -> dict[str, object]:
    """What an export must carry: the bank mapping without id, evidence, difficulty and
    ``dropped`` (the fields the format has no place for)."""
    mapping = question.to_mapping()
    for name in ("id", "evidence", "difficulty", *dropped):
        mapping.pop(name, None)
    return mapping


@pytest.fixture
def source(app: Flask) -> Iterator[list[DomainQuestion]]:
    """The introduction's questions, with two extra ones carrying tolerance and points."""
    _add_extras(app)
    yield questions_in(app, INTRODUCTION)


def test_gift_export_of_a_section_imports_back_as_the_same_questions(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path, source: list[DomainQuestion]
) -> None:
    out = tmp_path / "exports" / "introduction.gift"

    exported = runner.invoke(
        args=["bank", "export", "--format", "gift", "--section", INTRODUCTION, "--out", str(out)]
    )

    assert exported.exit_code == 0, exported.output
    assert f"Wrote {out}" in exported.output
    text = out.read_text(encoding="utf-8")
    assert "$CATEGORY: Introduction" in text

    imported = runner.invoke(args=import_args(out, "gift", TARGET))

    assert imported.exit_code == 0, imported.output
    # Every question comes back, ordering too (qtype_ordering's block); GIFT has no
    # points, units or case.
    expected = source
    assert any(q.type_name == "ordering" for q in expected)
    back = questions_in(app, TARGET)
    assert [q.id for q in back] == [f"{q.id}-2" for q in expected]  # ids taken in the article
    assert all(q.evidence is None and q.points == 1 for q in back)
    dropped = ("points", "unit", "case_sensitive", "tags")
    assert [carried(q, dropped) for q in back] == [carried(q, dropped) for q in expected]
    # The tags come back, and the section's category adds its title (docs/interchange-gift.md).
    assert [q.tags for q in back] == [(*q.tags, "Introduction") for q in expected]
    numeric = next(q for q in back if q.prompt == EXTRA_QUESTIONS[0]["prompt"])
    assert (numeric.answer, numeric.tolerance) == (4.184, 0.25)


def test_moodle_xml_export_imports_back_as_the_same_questions(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path, source: list[DomainQuestion]
) -> None:
    out = tmp_path / "all.xml"

    exported = runner.invoke(args=["bank", "export", "--format", "moodle-xml", "--out", str(out)])

    assert exported.exit_code == 0, exported.output
    imported = runner.invoke(args=import_args(out, "moodle-xml", MILITARY))

    assert imported.exit_code == 0, imported.output
    back = questions_in(app, MILITARY)
    assert {q.type_name for q in back} == {
        "single", "multiple", "true_false", "short", "numeric", "matching", "ordering",
    }  # fmt: skip
    assert [q.id for q in back] == [f"{q.id}-2" for q in source]
    assert all(q.evidence is None for q in back)
    # Everything but evidence and difficulty: order, points, tags, units too.
    assert [carried(q, ()) for q in back] == [carried(q, ()) for q in source]
    assert [q.points for q in back][-2:] == [2.5, 3.0]


def test_moodle_xml_export_of_one_section(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path, source: list[DomainQuestion]
) -> None:
    out = tmp_path / "intro.xml"

    exported = runner.invoke(
        args=["bank", "export", "--format", "moodle-xml", "--section",
              f"{ARTICLE_SLUG}/{INTRODUCTION}", "--out", str(out)]
    )  # fmt: skip

    assert exported.exit_code == 0, exported.output
    back = parse_moodle_xml(out.read_bytes(), str(out))
    assert [carried(q, ("tags",)) for q in back] == [carried(q, ("tags",)) for q in source]
    assert [q.tags for q in back] == [(*q.tags, "Introduction") for q in source]


def test_export_of_an_unknown_section_is_a_clear_error(
    runner: FlaskCliRunner, tmp_path: Path
) -> None:
    out = tmp_path / "x.gift"

    result = runner.invoke(
        args=["bank", "export", "--format", "gift", "--section", "nope", "--out", str(out)]
    )

    assert result.exit_code == 1
    assert "no section 'nope'" in result.stderr
    assert not out.exists()


def test_yaml_export_still_writes_the_bank_folder(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    out = tmp_path / "bank"

    result = runner.invoke(args=["bank", "export", "--out", str(out)])

    assert result.exit_code == 0, result.output
    assert (out / ARTICLE_SLUG / "article.md").is_file()
    (bank,) = read_bank(out)
    assert bank.article.slug == ARTICLE_SLUG
    assert len(bank.questions_by_section[INTRODUCTION]) == len(questions_in(app, INTRODUCTION))
    explicit = runner.invoke(args=["bank", "export", "--format", "yaml", "--out", str(out)])
    assert explicit.exit_code == 0, explicit.output


def test_yaml_export_refuses_a_section(runner: FlaskCliRunner, tmp_path: Path) -> None:
    out = tmp_path / "bank"

    result = runner.invoke(
        args=["bank", "export", "--format", "yaml", "--section", INTRODUCTION, "--out", str(out)]
    )

    assert result.exit_code != 0
    assert "--section works with --format gift or moodle-xml" in result.stderr
    assert not out.exists()


def test_the_commands_document_their_formats(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["bank", "import", "--help"])
    assert result.exit_code == 0
    assert re.search(r"gift\|moodle-xml\|aiken", result.output)
    assert "--dry-run" in result.output
