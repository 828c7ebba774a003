"""quizapp.services.bank_browser against a real database."""

from __future__ import annotations

import pytest

from quizapp.domain.questions import question_from_mapping
from quizapp.extensions import db
from quizapp.models import (
    Article,
    Question,
)
from quizapp.services import articles, bank_browser, question_authoring
from tests.factories import NOW, create_student
from tests.integration.authoring_support import (
    ARTICLE_MD,
    TEA,
    TRADE,
    add_graded_responses,
    save_new,
    section_id,
    single,
)

pytestmark = pytest.mark.usefixtures("app_context")

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
    question_authoring.retire_question(rows["retired"].id, actor_id=teacher_id, now=NOW)
    student = create_student()
    add_graded_responses(rows["easy"], [1, 1, 1, 1, 0.95], student.id)
    add_graded_responses(rows["hard"], [0, 0, 0, 0.5, 0], student.id)
    # Only four responses: too few to call the question anything.
    add_graded_responses(rows["bare"], [1, 1, 1, 1], student.id)
    return rows


def names(page: bank_browser.BankPage, bank: dict[str, Question]) -> list[str]:
    by_id = {row.id: name for name, row in bank.items()}
    return [by_id[row.question_id] for row in page.rows]


def test_bank_page_lists_questions_with_health_flags_and_response_stats(
    bank: dict[str, Question],
) -> None:
    page = bank_browser.bank_page()

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
    assert easy.prompt == "Who brought tea first?"
    assert easy.article_title == "Tea and Trade"


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
    page = bank_browser.bank_page(**filters)  # type: ignore[arg-type]

    assert names(page, bank) == expected
    assert page.total == len(expected)


def test_bank_page_filters_by_article_and_section(
    article: Article, bank: dict[str, Question]
) -> None:
    other = articles.create_article(ARTICLE_MD.replace("Tea and Trade", "Coffee"), NOW)

    assert bank_browser.bank_page(article_id=other.id).total == 0
    assert bank_browser.bank_page(article_id=article.id).total == 5
    trade = bank_browser.bank_page(section_id=section_id(article, TRADE))
    assert names(trade, bank) == ["numeric"]


def test_bank_page_paginates_and_clamps_the_page_number(bank: dict[str, Question]) -> None:
    first = bank_browser.bank_page(per_page=2)
    last = bank_browser.bank_page(per_page=2, page=3)
    beyond = bank_browser.bank_page(per_page=2, page=99)

    assert (first.total, first.pages, first.has_previous, first.has_next) == (5, 3, False, True)
    assert names(first, bank) == ["easy", "hard"]
    assert names(last, bank) == ["numeric"]
    assert (last.has_previous, last.has_next) == (True, False)
    assert beyond.page == 3


def test_bank_page_rejects_an_unknown_health_flag() -> None:
    with pytest.raises(ValueError, match="unknown health flag"):
        bank_browser.bank_page(health="sleepy")


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
        page = bank_browser.bank_page(per_page=20)
        # Everything the browser shows is plain values: reading them runs no query.
        shown = [(r.prompt, r.section_title, r.article_title) for r in page.rows]

    assert len(shown) == 20
    # count, the page, the articles and their sections
    assert counter.count == 4
