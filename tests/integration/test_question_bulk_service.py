"""Bulk writes store what the one-question path stores: versions, hashes, history, ids."""

from __future__ import annotations

import dataclasses

import pytest

from quizapp.domain.bank import read_bank
from quizapp.domain.questions import Question as DomainQuestion
from quizapp.extensions import db
from quizapp.models import Question, QuestionEvent, QuestionEventKind, QuestionVersion
from quizapp.services import question_authoring
from quizapp.services.question_bulk import bank_id_base, version_content
from quizapp.services.questions import content_hash, new_version
from tests.conftest import BANK_PATH
from tests.factories import NOW, create_teacher, load_article

pytestmark = pytest.mark.usefixtures("app_context")

VERSION_COLUMNS = (
    "type", "prompt", "fields", "evidence", "further_evidence", "explanation", "difficulty",
    "points", "tags", "content_hash",
)  # fmt: skip


def shipped_questions(section_slug: str | None = None) -> list[DomainQuestion]:
    """The shipped bank's questions (of one section, if given: their evidence is there)."""
    (bank,) = read_bank(BANK_PATH)
    return [
        q
        for slug, questions in bank.questions_by_section.items()
        if section_slug in (None, slug)
        for q in questions
    ]


def columns(version: QuestionVersion) -> dict[str, object]:
    return {name: getattr(version, name) for name in VERSION_COLUMNS}


def test_the_bulk_content_and_hash_equal_the_one_question_path_for_every_shipped_question() -> None:
    questions = shipped_questions()
    assert len({q.type_name for q in questions}) == 7

    for question in questions:
        bulk = version_content(question)
        single = new_version(question, number=1)
        assert bulk.content_hash == content_hash(question) == single.content_hash
        assert {**bulk.columns, "content_hash": bulk.content_hash} == columns(single)


def test_an_import_stores_each_question_with_version_1_and_a_create_event() -> None:
    article = load_article(sections=())
    section = article.sections[0]
    author = create_teacher().id
    questions = shipped_questions(section.slug)

    added = question_authoring.add_questions(
        article_id=article.id, section_id=section.id, questions=questions, author_id=author,
        now=NOW,
    )  # fmt: skip

    db.session.expire_all()
    rows = db.session.scalars(db.select(Question).order_by(Question.id)).all()
    assert [row.id for row in rows] == [a.id for a in added]
    assert [row.bank_id for row in rows] == [q.id for q in questions] == [a.bank_id for a in added]
    for row, question in zip(rows, questions, strict=True):
        assert (row.section_id, row.current_version_number, row.evidence_stale) == (
            section.id, 1, False,
        )  # fmt: skip
        assert (row.created_at, row.retired_at) == (NOW, None)
        (version,) = row.versions
        assert columns(version) == columns(new_version(question, number=1))
        assert (version.number, version.created_by_id, version.created_at) == (1, author, NOW)
        assert [(e.kind, e.actor_id, e.version_number, e.at) for e in row.events] == [
            (QuestionEventKind.CREATE, author, 1, NOW)
        ]
    assert db.session.scalar(db.select(db.func.count(QuestionEvent.id))) == len(questions)


def test_bank_ids_already_taken_get_the_next_free_suffix_in_file_order() -> None:
    article = load_article(sections=())
    section = article.sections[0]
    first = shipped_questions(section.slug)[0]
    renamed = [
        dataclasses.replace(first, id=name) for name in ("capital", "capital", "capital-2", "")
    ]

    def add(questions: list[DomainQuestion]) -> list[str]:
        return [
            a.bank_id
            for a in question_authoring.add_questions(
                article_id=article.id,
                section_id=section.id,
                questions=questions,
                author_id=None,
                now=NOW,
            )
        ]

    assert add(renamed[:1]) == ["capital"]
    # As one question at a time would choose: each id is taken once chosen.
    assert add(renamed[1:3]) == ["capital-2", "capital-2-2"]
    assert add(renamed[3:]) == [bank_id_base(first.prompt)]
