"""quizapp.services.question_authoring (and the question editor) against a real database."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func

from quizapp.domain.questions import QuestionInvalid
from quizapp.extensions import db
from quizapp.models import (
    Article,
    Attempt,
    Question,
    QuestionVersion,
)
from quizapp.services import articles, question_authoring, question_editor
from quizapp.services.errors import AuthoringError
from quizapp.services.practice import start_practice
from quizapp.services.question_authoring import EvidenceNotFound
from quizapp.services.quizzes import live_candidates
from tests.factories import GRACE, NOW, create_student, create_teacher
from tests.integration.authoring_support import (
    ARTICLE_MD,
    TEA,
    TRADE,
    save_new,
    section_id,
    single,
    version_count,
)

pytestmark = pytest.mark.usefixtures("app_context")

# ------------------------------------------------------------------------------ questions


def test_a_new_question_gets_a_bank_id_from_its_prompt_unique_in_the_article(
    article: Article, teacher_id: int
) -> None:
    first = save_new(article, teacher_id)
    second = save_new(article, teacher_id)
    third = save_new(article, teacher_id)

    assert [first.bank_id, second.bank_id, third.bank_id] == [
        "who-brought-tea-to-europe-first",
        "who-brought-tea-to-europe-first-2",
        "who-brought-tea-to-europe-first-3",
    ]
    version = db.session.execute(
        db.select(QuestionVersion).where(QuestionVersion.question_id == first.id)
    ).scalar_one()
    assert (version.number, version.created_by_id, version.created_at) == (1, teacher_id, NOW)
    assert first.current_version_number == 1
    assert first.evidence_stale is False


def test_a_long_prompt_gives_a_bank_id_cut_at_a_word_boundary(
    article: Article, teacher_id: int
) -> None:
    prompt = "According to the article, which group of European merchants " * 3 + "came first?"

    row = save_new(article, teacher_id, single(prompt))

    assert len(row.bank_id) <= 60
    assert row.bank_id.startswith("according-to-the-article-which-group-of-european")
    assert not row.bank_id.endswith("-")
    assert row.bank_id in prompt.lower().replace(",", "").replace(" ", "-")


def test_an_unchanged_save_adds_no_version_but_may_move_the_section(
    article: Article, teacher_id: int
) -> None:
    row = save_new(article, teacher_id, single(evidence=None))

    edited = question_authoring.save_question(
        article_id=article.id,
        section_id=section_id(article, TRADE),
        question=single(evidence=None),
        author_id=teacher_id,
        now=NOW,
        question_id=row.id,
        based_on_version=1,
    )

    assert edited.current_version_number == 1
    assert version_count(row.id) == 1
    assert edited.section_id == section_id(article, TRADE)


def test_a_changed_save_adds_a_version_written_by_the_editor(
    article: Article, teacher_id: int
) -> None:
    row = save_new(article, teacher_id)
    other = create_teacher("alan@example.com", "Alan Turing")
    later = NOW + dt.timedelta(days=2)

    question_authoring.save_question(
        article_id=article.id,
        section_id=section_id(article, TEA),
        question=single("Which traders brought tea to Europe first?"),
        author_id=other.id,
        now=later,
        question_id=row.id,
        based_on_version=1,
    )

    editable = question_editor.question_for_edit(row.id)
    assert editable is not None
    assert editable.bank_id == "who-brought-tea-to-europe-first"  # ids never change
    assert editable.question.prompt == "Which traders brought tea to Europe first?"
    assert [(v.number, v.author, v.created_at) for v in editable.versions] == [
        (1, "Grace Hopper", NOW),
        (2, "Alan Turing", later),
    ]
    assert editable.current.number == 2


def test_a_save_over_a_version_someone_else_replaced_is_refused(
    article: Article, teacher_id: int
) -> None:
    row = save_new(article, teacher_id)
    kwargs = {
        "article_id": article.id,
        "section_id": section_id(article, TEA),
        "author_id": teacher_id,
        "now": NOW,
        "question_id": row.id,
        "based_on_version": 1,
    }
    question_authoring.save_question(question=single("First edit?"), **kwargs)

    with pytest.raises(AuthoringError, match="Someone saved version 2"):
        question_authoring.save_question(question=single("Second edit?"), **kwargs)

    assert version_count(row.id) == 2


def test_evidence_missing_from_the_chosen_section_is_refused_with_the_closest_passage(
    article: Article, teacher_id: int
) -> None:
    quote = "Dutch traders brought tea first."

    with pytest.raises(EvidenceNotFound) as caught:
        save_new(article, teacher_id, single(evidence=quote))

    assert caught.value.problems[0].path == ("evidence",)
    assert str(caught.value) == (
        "Not found in section 'Tea in Europe'. Closest passage: \"Dutch traders brought it first.\""
    )
    # A quote from another section of the article is just as wrong here.
    with pytest.raises(EvidenceNotFound, match="Not found in section 'The tea trade'"):
        save_new(article, teacher_id, slug=TRADE)
    assert db.session.scalar(db.select(func.count(Question.id))) == 0


def test_check_question_reports_every_problem_at_once(article: Article) -> None:
    mapping = {
        "id": "draft",
        "type": "single",
        # No choice is right (several right choices are allowed now: Moodle's partial credit).
        "choices": [{"text": "A", "correct": False}, {"text": "B", "correct": False}],
        "evidence": "Penguins ran the tea trade.",
        "difficulty": 5,
    }

    with pytest.raises(QuestionInvalid) as caught:
        question_authoring.check_question(
            mapping, article_id=article.id, section_id=section_id(article, TEA)
        )

    paths = [problem.path for problem in caught.value.problems]
    assert ("prompt",) in paths
    assert ("choices",) in paths
    assert ("difficulty",) in paths
    assert ("evidence",) in paths


def test_a_section_of_another_article_is_refused(article: Article, teacher_id: int) -> None:
    other = articles.create_article(ARTICLE_MD.replace("Tea and Trade", "Coffee"), NOW)

    with pytest.raises(QuestionInvalid) as caught:
        question_authoring.save_question(
            article_id=article.id,
            section_id=section_id(other, TEA),
            question=single(),
            author_id=teacher_id,
            now=NOW,
        )
    assert caught.value.problems[0].path == ("section",)


def test_retired_and_stale_questions_are_not_drawn(article: Article, teacher_id: int) -> None:
    kept, retired, stale = (save_new(article, teacher_id) for _ in range(3))
    question_authoring.retire_question(retired.id, actor_id=teacher_id, now=NOW)
    stale.evidence_stale = True
    db.session.commit()

    assert [c.question_id for c in live_candidates(article.id)] == [kept.id]

    question_authoring.restore_question(retired.id, actor_id=teacher_id, now=NOW)
    assert {c.question_id for c in live_candidates(article.id)} == {kept.id, retired.id}


def test_a_question_no_attempt_drew_can_be_deleted(article: Article, teacher_id: int) -> None:
    row = save_new(article, teacher_id)

    question_authoring.delete_question(row.id, actor_id=teacher_id, now=NOW)

    assert db.session.get(Question, row.id) is None
    assert db.session.scalar(db.select(func.count(QuestionVersion.id))) == 0


def test_a_drawn_question_can_be_retired_but_not_deleted(article: Article, teacher_id: int) -> None:
    row = save_new(article, teacher_id)
    student = create_student()
    start_practice(
        student.id, article_id=article.id, section_id=None, question_count=1, now=NOW, grace=GRACE
    )

    with pytest.raises(AuthoringError, match="Retire it instead"):
        question_authoring.delete_question(row.id, actor_id=teacher_id, now=NOW)

    question_authoring.retire_question(row.id, actor_id=teacher_id, now=NOW)
    db.session.expire_all()
    assert db.session.get(Question, row.id).retired_at == NOW


def test_an_attempt_keeps_the_version_it_drew_after_an_edit(
    article: Article, teacher_id: int
) -> None:
    row = save_new(article, teacher_id)
    student = create_student()
    attempt = start_practice(
        student.id, article_id=article.id, section_id=None, question_count=1, now=NOW, grace=GRACE
    )
    attempt_id = attempt.id

    question_authoring.save_question(
        article_id=article.id,
        section_id=section_id(article, TEA),
        question=single("Edited prompt?"),
        author_id=teacher_id,
        now=NOW,
        question_id=row.id,
    )

    db.session.expire_all()
    drawn = db.session.get(Attempt, attempt_id).questions[0].question_version
    assert (drawn.number, drawn.prompt) == (1, "Who brought tea to Europe first?")
    fresh = start_practice(
        student.id, article_id=article.id, section_id=None, question_count=1, now=NOW, grace=GRACE
    )
    assert fresh.questions[0].question_version.number == 2
