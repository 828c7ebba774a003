"""The authoring service against a real database: questions, versions, articles, the bank."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pytest
from sqlalchemy import func

from quizapp.domain.questions import QuestionInvalid, question_from_mapping
from quizapp.extensions import db
from quizapp.models import (
    Article,
    Attempt,
    AttemptQuestion,
    AttemptState,
    Question,
    QuestionVersion,
    Quiz,
    QuizKind,
    Response,
    Section,
)
from quizapp.services import authoring
from quizapp.services.authoring import AuthoringError, EvidenceNotFound
from quizapp.services.practice import start_practice
from quizapp.services.quizzes import QuizSettings, RuleSpec, create_quiz, live_candidates
from tests.factories import GRACE, NOW, create_student, create_teacher

pytestmark = pytest.mark.usefixtures("app_context")

ARTICLE_MD = """---
title: "Tea and Trade"
authors: ["A. Writer", "B. Author"]
published: 2024-01-02
source: "Test Press"
---
## Tea in Europe

Tea reached Europe in the 17th century. Dutch traders brought it first.
It was sold in apothecaries as a medicine.

## The tea trade

Britain imported 10 million pounds of tea in 1750. Smuggling was common, because
the duty on tea was high.
"""

TEA, TRADE = "tea-in-europe", "the-tea-trade"


def single(prompt: str = "Who brought tea to Europe first?", **overrides: object):
    """A valid single-choice question about the "Tea in Europe" section."""
    mapping: dict[str, object] = {
        "id": "draft",
        "type": "single",
        "prompt": prompt,
        "choices": [
            {"text": "Dutch traders", "correct": True},
            {"text": "Portuguese monks", "correct": False},
        ],
        "evidence": "Dutch traders brought it first.",
        "explanation": "The article says the Dutch came first.",
    }
    mapping.update(overrides)
    return question_from_mapping({k: v for k, v in mapping.items() if v is not None})


@pytest.fixture
def article() -> Article:
    return authoring.create_article(ARTICLE_MD, NOW)


@pytest.fixture
def teacher_id() -> int:
    return create_teacher().id


def section_id(article: Article, slug: str) -> int:
    return next(s.id for s in article.sections if s.slug == slug)


def save_new(article: Article, author_id: int, question=None, slug: str = TEA) -> Question:
    return authoring.save_question(
        article_id=article.id,
        section_id=section_id(article, slug),
        question=question or single(),
        author_id=author_id,
        now=NOW,
    )


def add_graded_responses(question: Question, fractions: Sequence[float], student_id: int) -> None:
    """Submitted attempts that each drew ``question`` once and were graded ``fractions``."""
    version_id = db.session.scalar(
        db.select(QuestionVersion.id).where(
            QuestionVersion.question_id == question.id,
            QuestionVersion.number == question.current_version_number,
        )
    )
    quiz = Quiz(
        title="Practice",
        kind=QuizKind.PRACTICE,
        article_id=question.article_id,
        owner_id=student_id,
        created_at=NOW,
        updated_at=NOW,
    )
    db.session.add(quiz)
    for number, fraction in enumerate(fractions, start=1):
        attempt = Attempt(
            quiz=quiz,
            student_id=student_id,
            number=number,
            seed=number,
            state=AttemptState.SUBMITTED,
            started_at=NOW,
            submitted_at=NOW,
        )
        row = AttemptQuestion(attempt=attempt, position=1, question_version_id=version_id)
        row.response = Response(answer=None, saved_at=NOW, fraction=fraction, graded_at=NOW)
        db.session.add(attempt)
    db.session.commit()


def version_count(question_id: int) -> int:
    return db.session.scalar(
        db.select(func.count(QuestionVersion.id)).where(QuestionVersion.question_id == question_id)
    )


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

    edited = authoring.save_question(
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

    authoring.save_question(
        article_id=article.id,
        section_id=section_id(article, TEA),
        question=single("Which traders brought tea to Europe first?"),
        author_id=other.id,
        now=later,
        question_id=row.id,
        based_on_version=1,
    )

    editable = authoring.question_for_edit(row.id)
    assert editable is not None
    assert editable.row.bank_id == "who-brought-tea-to-europe-first"  # ids never change
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
    authoring.save_question(question=single("First edit?"), **kwargs)

    with pytest.raises(AuthoringError, match="Someone saved version 2"):
        authoring.save_question(question=single("Second edit?"), **kwargs)

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
        "choices": [{"text": "A", "correct": True}, {"text": "B", "correct": True}],
        "evidence": "Penguins ran the tea trade.",
        "difficulty": 5,
    }

    with pytest.raises(QuestionInvalid) as caught:
        authoring.check_question(
            mapping, article_id=article.id, section_id=section_id(article, TEA)
        )

    paths = [problem.path for problem in caught.value.problems]
    assert ("prompt",) in paths
    assert ("choices",) in paths
    assert ("difficulty",) in paths
    assert ("evidence",) in paths


def test_a_section_of_another_article_is_refused(article: Article, teacher_id: int) -> None:
    other = authoring.create_article(ARTICLE_MD.replace("Tea and Trade", "Coffee"), NOW)

    with pytest.raises(QuestionInvalid) as caught:
        authoring.save_question(
            article_id=article.id,
            section_id=section_id(other, TEA),
            question=single(),
            author_id=teacher_id,
            now=NOW,
        )
    assert caught.value.problems[0].path == ("section",)


def test_retired_and_stale_questions_are_not_drawn(article: Article, teacher_id: int) -> None:
    kept, retired, stale = (save_new(article, teacher_id) for _ in range(3))
    authoring.retire_question(retired.id, now=NOW)
    stale.evidence_stale = True
    db.session.commit()

    assert [c.question_id for c in live_candidates(article.id)] == [kept.id]

    authoring.restore_question(retired.id)
    assert {c.question_id for c in live_candidates(article.id)} == {kept.id, retired.id}


def test_a_question_no_attempt_drew_can_be_deleted(article: Article, teacher_id: int) -> None:
    row = save_new(article, teacher_id)

    authoring.delete_question(row.id)

    assert db.session.get(Question, row.id) is None
    assert db.session.scalar(db.select(func.count(QuestionVersion.id))) == 0


def test_a_drawn_question_can_be_retired_but_not_deleted(article: Article, teacher_id: int) -> None:
    row = save_new(article, teacher_id)
    student = create_student()
    start_practice(
        student.id, article_id=article.id, section_id=None, question_count=1, now=NOW, grace=GRACE
    )

    with pytest.raises(AuthoringError, match="Retire it instead"):
        authoring.delete_question(row.id)

    authoring.retire_question(row.id, now=NOW)
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

    authoring.save_question(
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
        authoring.create_article(text, NOW)

    assert "Line 1: front matter is missing 'source'" in caught.value.problems
    assert any(p.startswith("Line 6: text before the first '## '") for p in caught.value.problems)
    assert db.session.scalar(db.select(func.count(Article.id))) == 0


def test_a_second_article_with_the_same_title_is_refused(article: Article) -> None:
    with pytest.raises(AuthoringError, match="Line 2: another article already has a title"):
        authoring.create_article(ARTICLE_MD, NOW)


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

    update = authoring.update_article(article.id, text, NOW + dt.timedelta(days=1))

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

    back = authoring.update_article(article.id, ARTICLE_MD, NOW + dt.timedelta(days=2))
    assert (back.went_stale, back.no_longer_stale) == (0, 1)
    assert db.session.get(Question, moved.id).evidence_stale is False


def test_update_refuses_to_drop_a_section_that_has_questions(
    article: Article, teacher_id: int
) -> None:
    save_new(article, teacher_id)
    without_tea = ARTICLE_MD.replace("## Tea in Europe", "## Tea arrives")

    with pytest.raises(AuthoringError, match=r"The section 'Tea in Europe' is gone.*1 question is"):
        authoring.update_article(article.id, without_tea, NOW)

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
    authoring.delete_question(row.id)
    trade_only = (
        ARTICLE_MD[: ARTICLE_MD.index("## Tea in Europe")]
        + ARTICLE_MD[ARTICLE_MD.index("## The tea trade") :]
    )

    with pytest.raises(AuthoringError, match="quizzes draw questions from it"):
        authoring.update_article(article.id, trade_only, NOW)


def test_update_drops_an_unused_section(article: Article) -> None:
    tea_only = ARTICLE_MD[: ARTICLE_MD.index("## The tea trade")]

    authoring.update_article(article.id, tea_only, NOW)

    db.session.expire_all()
    assert [s.slug for s in db.session.get(Article, article.id).sections] == [TEA]
    assert db.session.scalar(db.select(func.count(Section.id))) == 1


def test_article_text_rebuilds_article_md_that_parses_back_the_same(article: Article) -> None:
    found = authoring.article_text(article.id)
    assert found is not None
    _, text = found

    update = authoring.update_article(article.id, text, NOW)

    assert text.startswith('---\ntitle: "Tea and Trade"\n')
    assert "## The tea trade\n" in text
    assert (update.went_stale, update.no_longer_stale) == (0, 0)
    assert authoring.article_text(article.id)[1] == text


# ---------------------------------------------------------------------------- bank browser


@pytest.fixture
def bank(article: Article, teacher_id: int) -> dict[str, Question]:
    """Five questions with different types, sections, difficulties and tags."""
    specs = {
        "easy": single("Who brought tea first?", difficulty=1, tags=["europe", "trade routes"]),
        "hard": single("Which traders brought tea?", difficulty=3, tags=["europe"]),
        "bare": single("Where was tea sold?", evidence=None, tags=["Europe"]),
        "numeric": question_from_mapping(
            {
                "id": "draft",
                "type": "numeric",
                "prompt": "How many million pounds of tea did Britain import in 1750?",
                "answer": 10,
                "evidence": "Britain imported 10 million pounds of tea in 1750.",
                "tags": ["trade", "économie", 'the "duty"'],
            }
        ),
        "retired": single("Was tea a medicine?"),
    }
    rows = {
        name: save_new(article, teacher_id, question, TRADE if name == "numeric" else TEA)
        for name, question in specs.items()
    }
    authoring.retire_question(rows["retired"].id, now=NOW)
    student = create_student()
    add_graded_responses(rows["easy"], [1, 1, 1, 1, 0.95], student.id)
    add_graded_responses(rows["hard"], [0, 0, 0, 0.5, 0], student.id)
    # Only four responses: too few to call the question anything.
    add_graded_responses(rows["bare"], [1, 1, 1, 1], student.id)
    return rows


def names(page: authoring.BankPage, bank: dict[str, Question]) -> list[str]:
    by_id = {row.id: name for name, row in bank.items()}
    return [by_id[row.question.id] for row in page.rows]


def test_bank_page_lists_questions_with_health_flags_and_response_stats(
    bank: dict[str, Question],
) -> None:
    page = authoring.bank_page()

    assert names(page, bank) == ["easy", "hard", "bare", "retired", "numeric"]
    flags = {name: row.flags for name, row in zip(names(page, bank), page.rows, strict=True)}
    assert flags == {
        "easy": ("too easy",),
        "hard": ("too hard",),
        "bare": ("no evidence",),
        "retired": ("retired",),
        "numeric": (),
    }
    easy = page.rows[0]
    assert easy.responses == 5
    assert easy.mean_fraction == pytest.approx(0.99)
    assert easy.version.prompt == "Who brought tea first?"
    assert easy.question.section.article.title == "Tea and Trade"


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"type": "numeric"}, ["numeric"]),
        ({"difficulty": 3}, ["hard"]),
        ({"tag": "europe"}, ["easy", "hard", "bare"]),
        ({"tag": "EUROPE"}, ["easy", "hard", "bare"]),
        ({"tag": "rope"}, []),
        ({"tag": "trade"}, ["numeric"]),
        ({"tag": "trade routes"}, ["easy"]),
        ({"tag": "économie"}, ["numeric"]),
        ({"tag": 'the "duty"'}, ["numeric"]),
        ({"tag": "50%_off"}, []),
        ({"search": "TEA FIRST"}, ["easy"]),
        ({"search": "brought"}, ["easy", "hard"]),
        ({"search": "100%"}, []),
        ({"health": "too easy"}, ["easy"]),
        ({"health": "too hard"}, ["hard"]),
        ({"health": "no evidence"}, ["bare"]),
        ({"health": "retired"}, ["retired"]),
        ({"health": "stale evidence"}, []),
    ],
)
def test_bank_page_filters(
    bank: dict[str, Question], filters: dict[str, object], expected: list[str]
) -> None:
    page = authoring.bank_page(**filters)  # type: ignore[arg-type]

    assert names(page, bank) == expected
    assert page.total == len(expected)


def test_bank_page_filters_by_article_and_section(
    article: Article, bank: dict[str, Question]
) -> None:
    other = authoring.create_article(ARTICLE_MD.replace("Tea and Trade", "Coffee"), NOW)

    assert authoring.bank_page(article_id=other.id).total == 0
    assert authoring.bank_page(article_id=article.id).total == 5
    trade = authoring.bank_page(section_id=section_id(article, TRADE))
    assert names(trade, bank) == ["numeric"]


def test_bank_page_paginates_and_clamps_the_page_number(bank: dict[str, Question]) -> None:
    first = authoring.bank_page(per_page=2)
    last = authoring.bank_page(per_page=2, page=3)
    beyond = authoring.bank_page(per_page=2, page=99)

    assert (first.total, first.pages, first.has_previous, first.has_next) == (5, 3, False, True)
    assert names(first, bank) == ["easy", "hard"]
    assert names(last, bank) == ["numeric"]
    assert (last.has_previous, last.has_next) == (True, False)
    assert beyond.page == 3


def test_bank_page_rejects_an_unknown_health_flag() -> None:
    with pytest.raises(ValueError, match="unknown health flag"):
        authoring.bank_page(health="sleepy")


@pytest.mark.parametrize("count", [20, 60])
def test_bank_page_runs_a_fixed_number_of_queries(
    article: Article, teacher_id: int, count_queries, count: int
) -> None:
    student = create_student()
    for n in range(count):
        row = save_new(article, teacher_id, single(f"Question {n}: who brought tea?"))
        if n % 10 == 0:
            add_graded_responses(row, [1] * 5, student.id)
    db.session.expire_all()

    with count_queries() as counter:
        page = authoring.bank_page(per_page=20)
        # Everything the browser shows is loaded: no lazy loads while reading it.
        shown = [
            (r.version.prompt, r.question.section.title, r.question.section.article.title)
            for r in page.rows
        ]

    assert len(shown) == 20
    # count, the page, the articles and their sections
    assert counter.count == 4
