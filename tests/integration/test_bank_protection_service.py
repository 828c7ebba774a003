"""A shared bank one teacher cannot break for another: retire, delete and edit are refused
when a published quiz that has not closed would lose what it draws."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from quizapp.extensions import db
from quizapp.models import Article, Question, QuestionEvent, Quiz, User
from quizapp.services import question_authoring, question_editor
from quizapp.services.errors import AuthoringError
from quizapp.services.quizzes import RuleSpec, live_candidates
from tests.factories import NOW, create_admin, create_assessment, create_class, create_teacher
from tests.integration.authoring_support import TEA, TRADE, save_new, section_id, single

pytestmark = pytest.mark.usefixtures("app_context")

CLOSES = NOW + dt.timedelta(days=7)
OPEN_UNTIL = "open until 9 November 2026, 09:00 UTC"


@dataclass(frozen=True)
class Bank:
    """Grace's published quiz draws 2 of the 3 questions of difficulty 2 on "Tea in Europe";
    Bea teaches too. ``trade`` is on the other section, which no quiz draws."""

    grace: int
    bea: int
    quiz_id: int
    tea: tuple[Question, Question, Question]
    trade: Question


@pytest.fixture
def bank(article: Article) -> Bank:
    grace = create_teacher()
    bea = create_teacher("bea@example.com", "Bea Other")
    tea = (
        save_new(article, grace.id, single("Who brought tea to Europe first?")),
        save_new(article, grace.id, single("Which traders came first?")),
        save_new(article, grace.id, single("Who first sold tea in Europe?")),
    )
    trade = save_new(
        article, grace.id, single("Whose tea trade?", evidence="Smuggling was common"), TRADE
    )
    quiz = create_assessment(
        grace,
        create_class(grace, "Year 9"),
        article,
        rules=[RuleSpec(question_count=2, section_id=section_id(article, TEA), difficulties=(2,))],
        title="Tea quiz",
        closes_at=CLOSES,
    )
    return Bank(grace.id, bea.id, quiz.id, tea, trade)


def retired(question: Question) -> bool:
    db.session.expire_all()
    return db.session.get(Question, question.id).retired_at is not None


def events(question: Question) -> list[str]:
    db.session.expire_all()
    rows = db.session.scalars(
        db.select(QuestionEvent)
        .where(QuestionEvent.question_id == question.id)
        .order_by(QuestionEvent.id)
    )
    return [event.kind.value for event in rows]


# ------------------------------------------------------------- another teacher's open quiz


def test_a_question_another_teachers_open_quiz_draws_cannot_be_retired_by_anyone_else(
    bank: Bank,
) -> None:
    question = bank.tea[0]

    with pytest.raises(AuthoringError) as refused:
        question_authoring.retire_question(question.id, actor_id=bank.bea, now=NOW)

    assert refused.value.problems == (
        f"“{question.bank_id}” is drawn by the quiz “Tea quiz” of Grace Hopper's class "
        f"“Year 9”, {OPEN_UNTIL}, so you cannot retire it. Ask Grace Hopper, or retire it "
        "once the quiz has closed.",
    )
    assert not retired(question)
    assert events(question) == ["create"]


def test_an_admin_is_refused_too_and_so_is_a_change_with_no_teacher(bank: Bank) -> None:
    admin = create_admin()
    for actor in (admin.id, None):
        with pytest.raises(AuthoringError, match="is drawn by the quiz “Tea quiz”"):
            question_authoring.retire_question(bank.tea[1].id, actor_id=actor, now=NOW)
    assert not retired(bank.tea[1])


def test_the_quizs_owner_may_retire_a_question_it_can_spare(bank: Bank) -> None:
    question_authoring.retire_question(bank.tea[0].id, actor_id=bank.grace, now=NOW)

    assert retired(bank.tea[0])
    assert events(bank.tea[0]) == ["create", "retire"]


def test_another_teacher_may_retire_a_question_no_open_quiz_draws(bank: Bank) -> None:
    question_authoring.retire_question(bank.trade.id, actor_id=bank.bea, now=NOW)

    assert retired(bank.trade)


def test_once_the_quiz_has_closed_anyone_may_retire_its_questions(bank: Bank) -> None:
    # Closed at closes_at, as for starting an attempt: no attempt draws from it after.
    with pytest.raises(AuthoringError):
        question_authoring.retire_question(
            bank.tea[0].id, actor_id=bank.bea, now=CLOSES - dt.timedelta(seconds=1)
        )

    question_authoring.retire_question(bank.tea[0].id, actor_id=bank.bea, now=CLOSES)

    assert retired(bank.tea[0])


def test_a_draft_quiz_protects_nothing(bank: Bank) -> None:
    db.session.get(Quiz, bank.quiz_id).published_at = None
    db.session.commit()

    for question in bank.tea:
        question_authoring.retire_question(question.id, actor_id=bank.bea, now=NOW)

    assert all(retired(question) for question in bank.tea)


def test_a_stale_question_is_drawn_by_no_quiz_so_anyone_may_retire_it(bank: Bank) -> None:
    db.session.get(Question, bank.tea[2].id).evidence_stale = True
    db.session.commit()

    question_authoring.retire_question(bank.tea[2].id, actor_id=bank.bea, now=NOW)

    assert retired(bank.tea[2])


# ------------------------------------------------------------------ rules left impossible


def test_no_one_may_retire_what_would_leave_an_open_quiz_short(bank: Bank) -> None:
    question_authoring.retire_question(bank.tea[0].id, actor_id=bank.grace, now=NOW)
    last = bank.tea[1]

    with pytest.raises(AuthoringError) as refused:
        question_authoring.retire_question(last.id, actor_id=bank.grace, now=NOW)

    assert refused.value.problems == (
        f"You cannot retire “{last.bank_id}”: the quiz “Tea quiz” of Grace Hopper's class "
        f"“Year 9”, {OPEN_UNTIL}, could then no longer draw its questions (Tea in Europe "
        "(difficulty 2): asks for 2 questions but only 1 is available). Change the quiz's "
        "rules first, or wait until it has closed.",
    )
    assert not retired(last)
    assert len(live_candidates(last.article_id)) == 3


def test_every_quiz_that_would_lose_the_question_is_named(bank: Bank, article: Article) -> None:
    bea = db.session.get(User, bank.bea)
    create_assessment(
        bea,
        create_class(bea, "Year 10"),
        article,
        rules=[RuleSpec(question_count=4)],
        title="Everything quiz",
    )

    with pytest.raises(AuthoringError) as refused:
        question_authoring.retire_question(bank.trade.id, actor_id=bank.grace, now=NOW)
    assert refused.value.problems == (
        f"“{bank.trade.bank_id}” is drawn by the quiz “Everything quiz” of Bea Other's class "
        "“Year 10”, open with no closing date, so you cannot retire it. Ask Bea Other, or "
        "retire it once the quiz has closed.",
    )

    # Bea's own quiz would be left short, and Grace's quiz draws the question.
    with pytest.raises(AuthoringError) as both:
        question_authoring.retire_question(bank.tea[0].id, actor_id=bank.bea, now=NOW)
    assert [problem[:60] for problem in both.value.problems] == [
        f"“{bank.tea[0].bank_id}” is drawn by the quiz “Tea quiz” of Grace Hopper's"[:60],
        f"You cannot retire “{bank.tea[0].bank_id}”: the quiz “Everything quiz” of Bea"[:60],
    ]


# ------------------------------------------------------------------------ delete and edit


def test_delete_follows_the_same_rules_as_retire(bank: Bank) -> None:
    with pytest.raises(AuthoringError, match=r"so you cannot delete it\. Ask Grace Hopper"):
        question_authoring.delete_question(bank.tea[0].id, actor_id=bank.bea, now=NOW)
    question_authoring.delete_question(bank.tea[0].id, actor_id=bank.grace, now=NOW)

    with pytest.raises(AuthoringError, match=r"You cannot delete .* could then no longer draw"):
        question_authoring.delete_question(bank.tea[1].id, actor_id=bank.grace, now=NOW)

    db.session.expire_all()
    assert db.session.get(Question, bank.tea[0].id) is None
    assert db.session.get(Question, bank.tea[1].id) is not None
    # A deleted question's history goes with it.
    assert events(bank.tea[0]) == []


def test_a_retired_question_may_be_deleted_whatever_the_quizzes(bank: Bank) -> None:
    question_authoring.retire_question(bank.tea[0].id, actor_id=bank.grace, now=NOW)

    question_authoring.delete_question(bank.tea[0].id, actor_id=bank.bea, now=NOW)

    assert db.session.get(Question, bank.tea[0].id) is None


def test_an_edit_that_moves_a_question_out_of_a_quiz_it_leaves_short_is_refused(
    bank: Bank, article: Article
) -> None:
    question_authoring.retire_question(bank.tea[0].id, actor_id=bank.grace, now=NOW)
    moved = single("Which traders came first?", evidence="Smuggling was common")

    # Bea may edit Grace's question (the bank is shared), but not take it from the quiz.
    with pytest.raises(AuthoringError, match=r"You cannot edit .*“Tea quiz”"):
        question_authoring.save_question(
            article_id=article.id,
            section_id=section_id(article, TRADE),
            question=moved,
            author_id=bank.bea,
            now=NOW,
            question_id=bank.tea[1].id,
        )
    # Nor make it too hard for the quiz's difficulty filter.
    with pytest.raises(AuthoringError, match="could then no longer draw"):
        question_authoring.save_question(
            article_id=article.id,
            section_id=section_id(article, TEA),
            question=single("Which traders came first?", difficulty=3),
            author_id=bank.bea,
            now=NOW,
            question_id=bank.tea[1].id,
        )

    assert events(bank.tea[1]) == ["create"]
    assert db.session.get(Question, bank.tea[1].id).section_id == section_id(article, TEA)
    # A change the quiz can spare is saved.
    question_authoring.save_question(
        article_id=article.id,
        section_id=section_id(article, TEA),
        question=single("Which traders came first of all?"),
        author_id=bank.bea,
        now=NOW,
        question_id=bank.tea[1].id,
    )
    assert events(bank.tea[1]) == ["create", "edit"]


def test_the_edit_page_shows_the_refusal_next_to_the_form(bank: Bank, article: Article) -> None:
    question_authoring.retire_question(bank.tea[0].id, actor_id=bank.grace, now=NOW)
    draft = question_editor.QuestionDraft(
        mapping={**single("Which traders came first?").to_mapping(), "difficulty": 1},
        section_id=section_id(article, TEA),
        based_on_version=1,
    )

    page = question_editor.write_question(
        lambda article, editable: draft,
        author_id=bank.bea,
        now=NOW,
        question_id=bank.tea[1].id,
    )

    assert page.saved is None
    assert len(page.errors) == 1 and "could then no longer draw its questions" in page.errors[0]
