"""Article authoring in quizapp.services.articles against a real database."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func

from quizapp.extensions import db
from quizapp.models import (
    Article,
    Question,
    Quiz,
    QuizKind,
    Section,
    User,
)
from quizapp.services import articles, question_authoring
from quizapp.services.errors import AuthoringError
from quizapp.services.quizzes import QuizSettings, RuleSpec, create_quiz, live_candidates
from tests.factories import NOW, create_class
from tests.integration.authoring_support import (
    ARTICLE_MD,
    TEA,
    TRADE,
    save_new,
    section_id,
    single,
)

pytestmark = pytest.mark.usefixtures("app_context")

# ------------------------------------------------------------------------------- articles


def test_create_article_stores_metadata_and_sections(article: Article) -> None:
    assert article.slug == "tea-and-trade"
    assert article.authors == ["A. Writer", "B. Author"]
    assert article.published == dt.date(2024, 1, 2)
    assert [(s.position, s.slug, s.title) for s in article.sections] == [
        (0, TEA, "Tea in Europe"),
        (1, TRADE, "The tea trade"),
    ]
    assert article.sections[0].body.startswith("Tea reached Europe")


def test_article_problems_come_with_line_numbers() -> None:
    text = ARTICLE_MD.replace('source: "Test Press"\n', "").replace(
        "---\n## Tea", "---\nA stray line.\n## Tea"
    )

    with pytest.raises(AuthoringError) as caught:
        articles.create_article(text, NOW)

    assert "Line 1: front matter is missing 'source'" in caught.value.problems
    assert any(p.startswith("Line 6: text before the first '## '") for p in caught.value.problems)
    assert db.session.scalar(db.select(func.count(Article.id))) == 0


def test_a_second_article_with_the_same_title_is_refused(article: Article) -> None:
    with pytest.raises(AuthoringError, match="Line 2: another article already has a title"):
        articles.create_article(ARTICLE_MD, NOW)


def test_update_keeps_sections_by_slug_and_marks_questions_whose_evidence_left(
    article: Article, teacher_id: int
) -> None:
    ids = {s.slug: s.id for s in article.sections}
    moved = save_new(article, teacher_id)
    unaffected = save_new(article, teacher_id, single(evidence="It was sold in apothecaries"))
    text = (
        ARTICLE_MD.replace("Dutch traders brought it first.", "The Dutch were first.")
        .replace(
            "## The tea trade", "## Porcelain\n\nChina exported porcelain.\n\n## The tea trade"
        )
        .replace('title: "Tea and Trade"', 'title: "Tea, Trade and China"')
    )

    update = articles.update_article(article.id, text, NOW + dt.timedelta(days=1))

    assert (update.went_stale, update.no_longer_stale) == (1, 0)
    db.session.expire_all()
    stored = db.session.get(Article, article.id)
    assert stored.slug == "tea-trade-and-china"
    assert [(s.slug, s.position) for s in stored.sections] == [
        (TEA, 0),
        ("porcelain", 1),
        (TRADE, 2),
    ]
    assert {s.slug: s.id for s in stored.sections if s.slug != "porcelain"} == ids
    assert db.session.get(Question, moved.id).evidence_stale is True
    assert db.session.get(Question, unaffected.id).evidence_stale is False
    assert [c.question_id for c in live_candidates(article.id)] == [unaffected.id]

    back = articles.update_article(article.id, ARTICLE_MD, NOW + dt.timedelta(days=2))
    assert (back.went_stale, back.no_longer_stale) == (0, 1)
    assert db.session.get(Question, moved.id).evidence_stale is False


def test_update_that_would_leave_an_open_quiz_short_is_refused_and_saves_nothing(
    article: Article, teacher_id: int
) -> None:
    quoted = save_new(article, teacher_id)  # its evidence: "Dutch traders brought it first."
    school_class = create_class(db.session.get(User, teacher_id), "Year 9")
    quiz = create_quiz(
        owner_id=teacher_id,
        article_id=article.id,
        title="Tea quiz",
        kind=QuizKind.ASSESSMENT,
        rules=[RuleSpec(question_count=1, section_id=section_id(article, TEA))],
        settings=QuizSettings(closes_at=NOW + dt.timedelta(days=7)),
        now=NOW,
        class_id=school_class.id,
        publish=True,
    )
    text = ARTICLE_MD.replace("Dutch traders brought it first.", "The Dutch were first.")

    with pytest.raises(AuthoringError) as caught:
        articles.update_article(article.id, text, NOW + dt.timedelta(days=1))

    (problem,) = caught.value.problems
    assert "The quiz “Tea quiz”" in problem and "could then no longer draw" in problem
    db.session.expire_all()
    assert db.session.get(Question, quoted.id).evidence_stale is False
    assert "Dutch traders brought it first." in db.session.get(Article, article.id).sections[0].body
    # Once the quiz has closed, the same edit goes through.
    quiz = db.session.get(Quiz, quiz.id)
    update = articles.update_article(article.id, text, NOW + dt.timedelta(days=8))
    assert update.went_stale == 1


def test_update_refuses_to_drop_a_section_that_has_questions(
    article: Article, teacher_id: int
) -> None:
    save_new(article, teacher_id)
    without_tea = ARTICLE_MD.replace("## Tea in Europe", "## Tea arrives")

    with pytest.raises(AuthoringError, match=r"The section 'Tea in Europe' is gone.*1 question is"):
        articles.update_article(article.id, without_tea, NOW)

    db.session.expire_all()
    assert [s.slug for s in db.session.get(Article, article.id).sections] == [TEA, TRADE]


def test_update_refuses_to_drop_a_section_quizzes_draw_from(
    article: Article, teacher_id: int
) -> None:
    row = save_new(article, teacher_id)
    create_quiz(
        owner_id=teacher_id,
        article_id=article.id,
        title="Tea quiz",
        kind=QuizKind.ASSESSMENT,
        rules=[RuleSpec(question_count=1, section_id=section_id(article, TEA))],
        settings=QuizSettings(),
        now=NOW,
    )
    question_authoring.delete_question(row.id, actor_id=teacher_id, now=NOW)
    trade_only = (
        ARTICLE_MD[: ARTICLE_MD.index("## Tea in Europe")]
        + ARTICLE_MD[ARTICLE_MD.index("## The tea trade") :]
    )

    with pytest.raises(AuthoringError, match="quizzes draw questions from it"):
        articles.update_article(article.id, trade_only, NOW)


def test_update_drops_an_unused_section(article: Article) -> None:
    tea_only = ARTICLE_MD[: ARTICLE_MD.index("## The tea trade")]

    articles.update_article(article.id, tea_only, NOW)

    db.session.expire_all()
    assert [s.slug for s in db.session.get(Article, article.id).sections] == [TEA]
    assert db.session.scalar(db.select(func.count(Section.id))) == 1


def test_article_text_rebuilds_article_md_that_parses_back_the_same(article: Article) -> None:
    found = articles.article_text(article.id)
    assert found is not None
    _, text = found

    update = articles.update_article(article.id, text, NOW)

    assert text.startswith('---\ntitle: "Tea and Trade"\n')
    assert "## The tea trade\n" in text
    assert (update.went_stale, update.no_longer_stale) == (0, 0)
    assert articles.article_text(article.id)[1] == text
