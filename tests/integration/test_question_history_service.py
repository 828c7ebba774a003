"""A question's history: every create, edit, retire and restore says who and when."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from quizapp.extensions import db
from quizapp.models import Article, Question, QuestionEvent, QuestionEventKind
from quizapp.services import question_authoring, question_editor
from quizapp.services.bank import load_bank
from quizapp.services.question_editor import HistoryEntry
from tests.factories import NOW, create_teacher
from tests.helpers import copy_bank, revise_first_prompt, section_file
from tests.integration.authoring_support import TEA, TRADE, save_new, section_id, single

pytestmark = pytest.mark.usefixtures("app_context")


def later(hours: int) -> dt.datetime:
    return NOW + dt.timedelta(hours=hours)


def stored_events(question_id: int) -> list[tuple[QuestionEventKind, int | None, int | None]]:
    db.session.expire_all()
    return [
        (event.kind, event.actor_id, event.version_number)
        for event in db.session.scalars(
            db.select(QuestionEvent)
            .where(QuestionEvent.question_id == question_id)
            .order_by(QuestionEvent.id)
        )
    ]


def test_every_change_is_recorded_with_who_and_when_and_shown_oldest_first(
    article: Article, teacher_id: int
) -> None:
    alan = create_teacher("alan@example.com", "Alan Turing").id
    row = save_new(article, teacher_id)

    def edit(author: int, hours: int, slug: str, prompt: str) -> None:
        question_authoring.save_question(
            article_id=article.id,
            section_id=section_id(article, slug),
            question=single(prompt, evidence=None),
            author_id=author,
            now=later(hours),
            question_id=row.id,
        )

    edit(alan, 1, TEA, "Who first brought tea to Europe?")
    edit(teacher_id, 2, TRADE, "Who first brought tea to Europe?")  # moved, same content
    edit(teacher_id, 3, TRADE, "Who first brought tea to Europe?")  # nothing changed
    question_authoring.retire_question(row.id, actor_id=alan, now=later(4))
    question_authoring.retire_question(row.id, actor_id=teacher_id, now=later(5))  # no-op
    question_authoring.restore_question(row.id, actor_id=teacher_id, now=later(6))
    question_authoring.restore_question(row.id, actor_id=alan, now=later(7))  # no-op

    assert stored_events(row.id) == [
        (QuestionEventKind.CREATE, teacher_id, 1),
        (QuestionEventKind.EDIT, alan, 2),
        (QuestionEventKind.EDIT, teacher_id, 2),
        (QuestionEventKind.RETIRE, alan, None),
        (QuestionEventKind.RESTORE, teacher_id, None),
    ]
    assert question_editor.question_for_edit(row.id).history == (
        HistoryEntry("Version 1 written", "Grace Hopper", NOW),
        HistoryEntry("Version 2 written", "Alan Turing", later(1)),
        HistoryEntry("Moved to another section (still version 2)", "Grace Hopper", later(2)),
        HistoryEntry("Retired", "Alan Turing", later(4)),
        HistoryEntry("Restored", "Grace Hopper", later(6)),
    )


def test_an_import_with_no_teacher_is_written_by_the_bank_files(article: Article) -> None:
    (row,) = question_authoring.add_questions(
        article_id=article.id,
        section_id=section_id(article, TEA),
        questions=[single(evidence=None)],
        author_id=None,
        now=NOW,
    )

    assert stored_events(row.id) == [(QuestionEventKind.CREATE, None, 1)]
    assert question_editor.question_for_edit(row.id).history == (
        HistoryEntry("Version 1 written", "the bank files", NOW),
    )


def test_a_change_whose_actor_was_not_recorded_says_so(article: Article, teacher_id: int) -> None:
    row = save_new(article, teacher_id)
    question_authoring.retire_question(row.id, actor_id=None, now=later(1))

    assert question_editor.question_for_edit(row.id).history[-1] == HistoryEntry(
        "Retired", "someone (not recorded)", later(1)
    )


def test_a_bank_load_records_new_and_changed_questions_with_no_actor(tmp_path: Path) -> None:
    bank = copy_bank(tmp_path / "bank")
    load_bank(bank, now=NOW)
    first = db.session.scalars(db.select(Question).order_by(Question.id)).first()
    assert first is not None
    economy = section_file(bank, "what-are-their-economic-ties")
    revised = revise_first_prompt(economy)

    load_bank(bank, now=later(1))
    load_bank(bank, now=later(2))  # unchanged: nothing recorded

    changed = db.session.scalar(db.select(Question).where(Question.bank_id == revised))
    assert changed is not None
    assert stored_events(changed.id) == [
        (QuestionEventKind.CREATE, None, 1),
        (QuestionEventKind.EDIT, None, 2),
    ]
    assert stored_events(first.id)[:1] == [(QuestionEventKind.CREATE, None, 1)]
    total = db.session.scalar(db.select(db.func.count(QuestionEvent.id)))
    questions = db.session.scalar(db.select(db.func.count(Question.id)))
    assert total == questions + 1
