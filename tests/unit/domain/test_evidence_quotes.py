"""Evidence as one quote or a list of quotes: the bank format, its checks and the search."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from quizapp.domain.bank import (
    BankError,
    Section,
    dump_questions,
    parse_questions,
    read_article_dir,
)
from quizapp.domain.evidence import EvidenceSearch
from quizapp.domain.questions import QuestionInvalid, question_from_mapping

ROOT = Path(__file__).resolve().parents[3]
WATER = ROOT / "tests" / "data" / "banks" / "valid" / "the-water-cycle-a-short-guide"

RIVER = Section(
    slug="river",
    title="The river",
    position=0,
    body="The river carried 40 tonnes of silt every day. Floods came in \u201cspring\u201d.",
    line=8,
)
DELTA = Section(
    slug="delta",
    title="The delta",
    position=1,
    body="The silt built a delta of 300 square kilometres.\n\nFarmers grew rice there.",
    line=12,
)
ARTICLE = (RIVER, DELTA)

BASE = {"id": "q1", "type": "true_false", "prompt": "Floods?", "answer": True}


@pytest.mark.parametrize(
    ("evidence", "quotes", "written"),
    [
        ("Floods came", ("Floods came",), "Floods came"),
        ("  Floods came  ", ("Floods came",), "Floods came"),
        (["Floods came"], ("Floods came",), "Floods came"),
        (["Floods came", "Farmers grew rice"], ("Floods came", "Farmers grew rice"), None),
        (["A", " B ", "C"], ("A", "B", "C"), None),
    ],
)
def test_evidence_is_one_quote_or_a_list_and_one_quote_is_written_as_a_string(
    evidence: object, quotes: tuple[str, ...], written: str | None
) -> None:
    question = question_from_mapping({**BASE, "evidence": evidence})

    assert question.evidence_quotes == quotes
    assert question.evidence == quotes[0]
    assert question.further_evidence == quotes[1:]
    mapping = question.to_mapping()
    assert mapping["evidence"] == (written if written is not None else list(quotes))
    assert question_from_mapping(mapping) == question


def test_a_question_without_evidence_has_no_quotes() -> None:
    question = question_from_mapping(BASE)

    assert (question.evidence, question.evidence_quotes) == (None, ())
    assert "evidence" not in question.to_mapping()


@pytest.mark.parametrize(
    ("evidence", "message"),
    [
        ([], "evidence must list at least one quote (or be one quote)"),
        (["Floods came", 3], "evidence[1] must be text"),
        (["Floods came", "   "], "evidence[1] must not be empty"),
        ([{"text": "Floods"}], "evidence[0] must be text"),
        (7, "evidence must be text"),
    ],
)
def test_a_malformed_evidence_list_is_refused_saying_which_entry(
    evidence: object, message: str
) -> None:
    with pytest.raises(QuestionInvalid) as caught:
        question_from_mapping({**BASE, "evidence": evidence}, require_evidence=True)

    assert any(problem.message.startswith(message) for problem in caught.value.problems)


def _parse(text: str, article: tuple[Section, ...] | None = ARTICLE) -> tuple:
    return parse_questions(
        textwrap.dedent(text), "river.yaml", RIVER, require_evidence=False, article_sections=article
    )


def test_a_further_quote_may_come_from_another_section_of_the_article() -> None:
    (question,) = _parse(
        """\
        - id: q1
          type: true_false
          prompt: Did the silt build the delta?
          answer: true
          evidence:
            - The river carried 40 tonnes of silt every day.
            - The silt built a delta
        """
    )

    assert question.evidence_quotes == (
        "The river carried 40 tonnes of silt every day.",
        "The silt built a delta",
    )


HEAD = "- id: q1\n  type: true_false\n  prompt: Floods?\n  answer: true\n"


@pytest.mark.parametrize(
    ("evidence", "line", "message"),
    [
        pytest.param(
            "  evidence:\n    - Floods came in\n    - Farmers grew wheat\n",
            7,
            "question 'q1': evidence quote 2 not found in any section of the article; "
            'closest passage: "Farmers grew rice there."',
            id="quote 2 missing from the article",
        ),
        pytest.param(
            "  evidence:\n    - Farmers grew rice there.\n    - Floods came\n",
            6,
            "question 'q1': evidence quote 1 not found in section 'The river'; "
            'closest passage: "The river carried 40 tonnes of silt every day."',
            id="quote 1 from another section",
        ),
        pytest.param(
            "  evidence: Farmers grew rice there.\n",
            5,
            "question 'q1': evidence not found in section 'The river'; "
            'closest passage: "The river carried 40 tonnes of silt every day."',
            id="one quote: today's message",
        ),
    ],
)
def test_a_quote_not_where_it_must_be_is_named_at_its_line(
    evidence: str, line: int, message: str
) -> None:
    with pytest.raises(BankError) as caught:
        parse_questions(
            HEAD + evidence, "river.yaml", RIVER, require_evidence=False, article_sections=ARTICLE
        )

    assert [(p.line, p.message) for p in caught.value.problems] == [(line, message)]


def test_without_the_article_a_further_quote_is_looked_for_in_the_section_only() -> None:
    with pytest.raises(BankError, match="evidence quote 2 not found in any section"):
        _parse(
            """\
            - id: q1
              type: true_false
              prompt: Floods?
              answer: true
              evidence: [Floods came, Farmers grew rice]
            """,
            article=None,
        )


def test_the_dump_writes_the_list_and_reads_back_the_same_questions() -> None:
    questions = _parse(
        """\
        - id: q1
          type: true_false
          prompt: Floods?
          answer: true
          evidence: [Floods came, Farmers grew rice]
        - id: q2
          type: true_false
          prompt: Silt?
          answer: true
          evidence: The river carried 40 tonnes
        """
    )

    text = dump_questions(questions)

    assert "  evidence:\n    - Floods came\n    - Farmers grew rice\n" in text
    assert "evidence: The river carried 40 tonnes\n" in text
    assert _parse(text) == questions


def test_an_article_folder_loads_a_question_connecting_two_sections(tmp_path: Path) -> None:
    folder = tmp_path / WATER.name
    shutil.copytree(WATER, folder)
    clouds = folder / "what-happens-in-clouds.yaml"
    clouds.write_text(
        clouds.read_text(encoding="utf-8").replace(
            "  evidence: Droplets merge until they are heavy enough to fall as rain, snow or "
            "hail.\n",
            "  evidence:\n"
            "    - Droplets merge until they are heavy enough to fall as rain, snow or hail.\n"
            "    - about 86% of global evaporation comes from the oceans\n",
            1,
        ),
        encoding="utf-8",
    )

    bank = read_article_dir(folder)

    question = bank.questions_by_section["what-happens-in-clouds"][0]
    assert question.further_evidence == ("about 86% of global evaporation comes from the oceans",)


@pytest.mark.parametrize(
    ("quotes", "stale"),
    [
        ((), False),
        (("Floods came",), False),
        (("Farmers grew rice",), True),
        (("Floods came", "Farmers grew rice"), False),
        (("Floods came", "carried 40 tonnes"), False),
        (("Floods came", "Farmers grew wheat"), True),
        (("Farmers grew rice", "Floods came"), True),
    ],
)
def test_stale_means_a_quote_left_its_section_or_a_further_one_left_the_article(
    quotes: tuple[str, ...], stale: bool
) -> None:
    assert EvidenceSearch(ARTICLE).stale(quotes, RIVER) is stale


def test_section_of_prefers_the_own_section_then_the_article_order() -> None:
    search = EvidenceSearch(ARTICLE)

    assert search.section_of("silt", DELTA) is DELTA
    assert search.section_of("silt", RIVER) is RIVER
    assert search.section_of("Farmers", RIVER) is DELTA
    assert search.section_of("nowhere", RIVER) is None


def test_the_further_quotes_are_no_bank_field_of_their_own() -> None:
    with pytest.raises(QuestionInvalid, match="unknown field 'further_evidence'"):
        question_from_mapping({**BASE, "evidence": "Floods", "further_evidence": ["Farmers"]})
