"""The bank we ship in questions/: valid, big enough, and balanced as item-writing.md asks."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from quizapp.domain.bank import ArticleBank, read_bank
from quizapp.domain.question_types import TrueFalse
from quizapp.domain.questions import QUESTION_TYPES
from quizapp.domain.text import normalise_quote

BANK_PATH = Path(__file__).resolve().parents[2] / "questions"
# One skill tag per question (docs/item-writing.md): what it asks the student to do.
SKILL_TAGS = {"recall", "cause", "how", "contrast", "consequence", "viewpoint"}


@pytest.fixture(scope="module")
def bank() -> ArticleBank:
    (article_bank,) = read_bank(BANK_PATH)
    return article_bank


def test_article_has_the_six_original_sections_and_its_attribution(bank: ArticleBank) -> None:
    article = bank.article
    assert article.title == "China and Russia: Exploring Ties Between Two Authoritarian Powers"
    assert article.authors == ("Clara Fong", "Lindsay Maizland")
    assert article.published.isoformat() == "2024-03-29"
    assert article.source == "Council on Foreign Relations"
    assert [s.title for s in article.sections] == [
        "Introduction",
        "Are China and Russia allies?",
        "How do their foreign policies and interests compare?",
        "What are major challenges for the relationship?",
        "What are their economic ties?",
        "What are their military ties?",
    ]


def test_chart_became_a_table_and_the_scrap_is_gone(bank: ArticleBank) -> None:
    economic = bank.article.section("what-are-their-economic-ties")
    assert economic is not None
    assert "| Trade with China is 26% of Russia’s total trade | 26% |" in economic.body
    assert "| Trade with Russia is 3% of China’s total trade | 3% |" in economic.body
    assert all("No comments" not in s.body for s in bank.article.sections)


def test_at_least_sixty_questions_and_ten_per_section(bank: ArticleBank) -> None:
    sizes = {slug: len(qs) for slug, qs in bank.questions_by_section.items()}
    assert len(sizes) == 6
    assert sum(sizes.values()) >= 60
    assert min(sizes.values()) >= 10, sizes


def test_every_type_is_used_at_least_five_times(bank: ArticleBank) -> None:
    types = Counter(q.type_name for q in bank.questions())
    assert set(types) == set(QUESTION_TYPES)
    assert min(types.values()) >= 5, types


def test_every_question_has_evidence_an_explanation_and_one_skill_tag(bank: ArticleBank) -> None:
    for question in bank.questions():
        assert question.evidence and question.explanation, question.id
        skills = SKILL_TAGS.intersection(question.tags)
        assert len(skills) == 1, (question.id, question.tags)


def test_at_least_half_are_not_plain_recall(bank: ArticleBank) -> None:
    questions = bank.questions()
    recall = [q.id for q in questions if "recall" in q.tags]
    assert len(recall) * 2 <= len(questions), recall


def test_every_section_has_ten_questions_each_type_five(bank: ArticleBank) -> None:
    for slug, section_questions in bank.questions_by_section.items():
        assert len(section_questions) >= 10, slug
    types = Counter(q.type_name for q in bank.questions())
    assert all(types[name] >= 5 for name in QUESTION_TYPES), types


def test_true_false_is_at_most_a_tenth_of_the_bank(bank: ArticleBank) -> None:
    # A true/false item mostly restates one sentence; keep them few.
    questions = bank.questions()
    true_false = [q.id for q in questions if isinstance(q, TrueFalse)]
    assert len(true_false) * 10 <= len(questions), true_false


def test_difficulty_spread_and_balanced_true_false_keys(bank: ArticleBank) -> None:
    questions = bank.questions()
    assert set(Counter(q.difficulty for q in questions)) == {1, 2, 3}
    for slug, section_questions in bank.questions_by_section.items():
        assert len({q.difficulty for q in section_questions}) == 3, slug
    keys = Counter(q.answer for q in questions if isinstance(q, TrueFalse))
    assert abs(keys[True] - keys[False]) <= 2, keys


def test_no_two_questions_share_a_prompt() -> None:
    # A student (and the browser journey) tells questions apart by their prompts.
    prompts = Counter(q.prompt for bank in read_bank(BANK_PATH) for q in bank.questions())
    assert [prompt for prompt, count in prompts.items() if count > 1] == []


def _sections_quoting(bank: ArticleBank, quote: str) -> set[str]:
    """Slugs of the article's sections whose text contains ``quote`` (evidence matching)."""
    needle = normalise_quote(quote)
    return {s.slug for s in bank.article.sections if needle in normalise_quote(s.body)}


def test_at_least_six_questions_connect_two_sections(bank: ArticleBank) -> None:
    # A connecting question cites its own section and a quote found only in another one.
    connecting = []
    for slug, section_questions in bank.questions_by_section.items():
        for question in section_questions:
            assert question.evidence is not None, question.id
            assert slug in _sections_quoting(bank, question.evidence), question.id
            elsewhere = [
                quote
                for quote in question.further_evidence
                if slug not in _sections_quoting(bank, quote)
            ]
            for quote in elsewhere:
                assert _sections_quoting(bank, quote), (question.id, quote)
            if elsewhere:
                connecting.append(question.id)
    assert len(connecting) >= 6, connecting
