"""Loading and exporting the bank against a real database."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func

from quizapp.domain.bank import BankError, read_bank
from quizapp.extensions import db
from quizapp.models import Article, Question, QuestionVersion, QuizKind, Section
from quizapp.services.bank import export_bank, load_bank
from quizapp.services.quizzes import QuizSettings, RuleSpec, create_quiz
from tests.conftest import BANK_PATH
from tests.factories import create_class, create_teacher
from tests.helpers import (
    ARTICLE_SLUG,
    SECTION_TITLES,
    break_first_evidence,
    copy_bank,
    revise_first_prompt,
    section_file,
)

NOW = dt.datetime(2026, 11, 28, 9, 0, tzinfo=dt.UTC)

pytestmark = pytest.mark.usefixtures("app_context")


def table_counts() -> dict[str, int]:
    return {
        model.__tablename__: db.session.scalar(db.select(func.count()).select_from(model))
        for model in (Article, Section, Question, QuestionVersion)
    }


def test_load_stores_the_article_sections_and_every_question() -> None:
    report = load_bank(BANK_PATH, now=NOW)

    article = db.session.execute(db.select(Article)).scalar_one()
    assert article.slug == ARTICLE_SLUG
    assert article.authors == ["Clara Fong", "Lindsay Maizland"]
    assert article.published == dt.date(2024, 3, 29)
    assert [s.title for s in article.sections] == list(SECTION_TITLES)
    expected = sum(len(qs) for b in read_bank(BANK_PATH) for qs in b.questions_by_section.values())
    assert report.questions == report.added == expected
    assert table_counts()["question_versions"] == expected
    assert [s.section_title for s in report.sections] == list(SECTION_TITLES)


def test_loading_twice_changes_nothing() -> None:
    load_bank(BANK_PATH, now=NOW)
    before = table_counts()
    hashes = db.session.execute(db.select(QuestionVersion.id, QuestionVersion.content_hash)).all()

    report = load_bank(BANK_PATH, now=NOW + dt.timedelta(hours=1))

    assert (report.added, report.new_versions) == (0, 0)
    assert table_counts() == before
    assert (
        db.session.execute(db.select(QuestionVersion.id, QuestionVersion.content_hash)).all()
        == hashes
    )


def test_editing_one_question_adds_a_version_of_that_question_only(tmp_path: Path) -> None:
    bank = copy_bank(tmp_path / "questions")
    load_bank(bank, now=NOW)
    before = table_counts()
    edited_id = revise_first_prompt(section_file(bank, "what-are-their-economic-ties"))

    report = load_bank(bank, now=NOW)

    assert (report.added, report.new_versions) == (0, 1)
    after = table_counts()
    assert after["question_versions"] == before["question_versions"] + 1
    assert after["questions"] == before["questions"]
    versioned = (
        db.session.execute(db.select(Question).where(Question.current_version_number > 1))
        .scalars()
        .all()
    )
    assert [q.bank_id for q in versioned] == [edited_id]
    question = versioned[0]
    assert [v.number for v in question.versions] == [1, 2]
    assert question.current_version.prompt.endswith("(revised)")
    assert not question.versions[0].prompt.endswith("(revised)")


def test_a_load_that_would_leave_an_open_quiz_short_loads_nothing(tmp_path: Path) -> None:
    bank = copy_bank(tmp_path / "questions")
    load_bank(bank, now=NOW)
    economy_file = section_file(bank, "what-are-their-economic-ties")
    questions = yaml.safe_load(economy_file.read_text(encoding="utf-8"))
    hard = [q for q in questions if q.get("difficulty", 2) == 3]
    assert hard
    article = db.session.scalar(db.select(Article))
    economy = db.session.scalar(db.select(Section).where(Section.slug == economy_file.stem))
    teacher = create_teacher()
    create_quiz(
        owner_id=teacher.id,
        article_id=article.id,
        title="Hard economics",
        kind=QuizKind.ASSESSMENT,
        rules=[RuleSpec(len(hard), economy.id, (3,))],
        settings=QuizSettings(),
        now=NOW,
        class_id=create_class(teacher).id,
        publish=True,
    )
    before = table_counts()
    # The bank files now call one of those hard questions easy.
    hard[0]["difficulty"] = 1
    economy_file.write_text(yaml.safe_dump(questions, allow_unicode=True), encoding="utf-8")

    with pytest.raises(BankError) as caught:
        load_bank(bank, now=NOW + dt.timedelta(hours=1))

    (problem,) = caught.value.problems
    assert "The quiz “Hard economics”" in problem.message
    assert "could then no longer draw its questions" in problem.message
    db.session.expire_all()
    assert table_counts() == before


def test_a_bad_bank_loads_nothing_and_keeps_what_was_there(tmp_path: Path) -> None:
    load_bank(BANK_PATH, now=NOW)
    before = table_counts()
    bank = copy_bank(tmp_path / "questions")
    revise_first_prompt(section_file(bank, "introduction"))  # a valid change...
    question_id, line = break_first_evidence(section_file(bank, "what-are-their-military-ties"))

    with pytest.raises(BankError) as raised:
        load_bank(bank, now=NOW)

    messages = [str(p) for p in raised.value.problems]
    assert any(
        m.startswith(f"{section_file(bank, 'what-are-their-military-ties')}:{line}:")
        and question_id in m
        for m in messages
    ), messages
    db.session.expire_all()
    assert table_counts() == before  # ...is not written either: all or nothing
    assert db.session.scalar(db.select(func.max(Question.current_version_number))) == 1


def test_a_section_that_still_has_questions_cannot_disappear(tmp_path: Path) -> None:
    bank = copy_bank(tmp_path / "questions")
    load_bank(bank, now=NOW)
    article_md = bank / ARTICLE_SLUG / "article.md"
    text = article_md.read_text(encoding="utf-8")
    article_md.write_text(
        text.replace("## What are their military ties?", "### What are their military ties?"),
        encoding="utf-8",
    )
    (section_file(bank, "what-are-their-military-ties")).unlink()
    before = table_counts()

    with pytest.raises(BankError) as raised:
        load_bank(bank, now=NOW)

    assert "What are their military ties?" in str(raised.value)
    db.session.expire_all()
    assert table_counts() == before


def test_export_writes_back_what_was_loaded(tmp_path: Path) -> None:
    load_bank(BANK_PATH, now=NOW)

    written = export_bank(tmp_path / "export")

    assert tmp_path / "export" / ARTICLE_SLUG / "article.md" in written
    original = read_bank(BANK_PATH)
    exported = read_bank(tmp_path / "export")
    assert [b.article for b in exported] == [b.article for b in original]
    assert [b.questions_by_section for b in exported] == [b.questions_by_section for b in original]


def test_export_uses_the_current_version(tmp_path: Path) -> None:
    bank = copy_bank(tmp_path / "questions")
    load_bank(bank, now=NOW)
    revise_first_prompt(section_file(bank, "introduction"))
    load_bank(bank, now=NOW)

    export_bank(tmp_path / "export")

    assert read_bank(tmp_path / "export") == read_bank(bank)
