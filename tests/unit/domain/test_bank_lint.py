"""The lints of ``flask bank check``: restatements, missing article variants and prompts
that give their answer away (quizapp.domain.bank_lint)."""

from __future__ import annotations

import pytest

from quizapp.domain.bank_lint import (
    content_words,
    lint_question,
    shared_share,
    without_leading_modifier,
    words,
)
from quizapp.domain.question_types.base import Question
from quizapp.domain.questions import question_from_mapping


def question(**fields: object) -> Question:
    return question_from_mapping({"id": "q", **fields})


def kinds(q: Question) -> list[str]:
    return [lint.kind for lint in lint_question(q)]


# ------------------------------------------------------------------------------ words

WORDS = [
    # (text, words)
    ("The 2,600-mile border", ["the", "2600", "mile", "border"]),
    ("Putin’s “United Russia”", ["putin's", "united", "russia"]),
    ("U.S. sanctions, 1.5 bn", ["u.s", "sanctions", "1.5", "bn"]),
    ("ÉLAN — élan", ["élan", "élan"]),
    ("", []),
]


@pytest.mark.parametrize(("text", "expected"), WORDS)
def test_words_normalise_case_quotes_and_thousands(text: str, expected: list[str]) -> None:
    assert words(text) == expected


def test_content_words_leave_out_stop_words() -> None:
    assert content_words("The two have never fought a war against each other") == [
        "two",
        "never",
        "fought",
        "war",
    ]


# ---------------------------------------------------------------------- restatement

EVIDENCE = "China and Russia have never fought a war against each other since 1969."
RESTATEMENTS = [
    # (statement, answer, flagged?, why)
    ("China and Russia have never fought a war against each other.", True, True, "verbatim"),
    (
        "According to the section, China and Russia have never fought a war since 1969.",
        False,
        True,
        "the attribution clause is left out; a false copy is a copy too",
    ),
    ("Since 1969 the two neighbours have avoided any armed conflict.", True, False, "paraphrase"),
    ("China and Russia fought in 1969.", False, True, "every content word is copied"),
    ("Never fought.", True, False, "too few content words to judge"),
    ("China and Russia have fought no war with one another.", True, False, "reworded: 4 of 6"),
]


@pytest.mark.parametrize(("statement", "answer", "flagged", "why"), RESTATEMENTS)
def test_a_true_false_restating_its_evidence_is_flagged(
    statement: str, answer: bool, flagged: bool, why: str
) -> None:
    q = question(type="true_false", prompt=statement, answer=answer, evidence=EVIDENCE)
    assert ("restatement" in kinds(q)) is flagged, why


def test_the_share_counts_distinct_content_words() -> None:
    share, count = shared_share("Russia, Russia and China: war", EVIDENCE)
    assert (share, count) == (1.0, 3)


def test_other_types_are_not_checked_for_restatement() -> None:
    q = question(type="short", prompt=EVIDENCE, answers=["yes"], evidence=EVIDENCE)
    assert "restatement" not in kinds(q)


# ------------------------------------------------------------------ article variants

MODIFIERS = [
    # (answer, without its leading article or possessive)
    ("the United Russia party", "United Russia party"),
    ("The EU", "EU"),
    ("a treaty", "treaty"),
    ("an alliance", "alliance"),
    ("Putin's United Russia party", "United Russia party"),
    ("Putin’s party", "party"),
    ("the", None),
    ("Theodore Roosevelt", None),
    ("Anatolia pipeline", None),
    ("United Russia", None),
    ("Xi's", None),
    ("it's complicated", None),
    ("That’s all", None),
    ("the leaders' summit", "leaders' summit"),
    ("leaders' summit", "summit"),
]


@pytest.mark.parametrize(("answer", "bare"), MODIFIERS)
def test_without_leading_modifier(answer: str, bare: str | None) -> None:
    assert without_leading_modifier(answer) == bare


ARTICLE_VARIANTS = [
    # (answers, case_sensitive, flagged?, why)
    (["the United Russia party"], False, True, "no variant without 'the'"),
    (["Putin's United Russia party"], False, True, "no variant without the possessive"),
    (["Putin's United Russia party", "United Russia party"], False, False, "variant listed"),
    (["the EU", "eu"], False, False, "variant listed in another case"),
    (["the EU", "eu"], True, True, "case-sensitive: 'eu' does not accept 'EU'"),
    (["the *"], False, False, "a pattern is left to its writer"),
    (["the United Russia party", "*United Russia*"], False, False, "a pattern accepts it"),
    (["United Russia"], False, False, "nothing to leave out"),
    (
        ["the United Russia party", {"text": "United Russia party", "fraction": 0.5}],
        False,
        True,
        "the variant earns less",
    ),
]


@pytest.mark.parametrize(("answers", "case_sensitive", "flagged", "why"), ARTICLE_VARIANTS)
def test_an_answer_with_an_article_needs_its_variant_without(
    answers: list[object], case_sensitive: bool, flagged: bool, why: str
) -> None:
    q = question(
        type="short", prompt="Which party?", answers=answers, case_sensitive=case_sensitive
    )
    assert ("article_variant" in kinds(q)) is flagged, why


def test_the_message_names_the_missing_variant() -> None:
    q = question(type="short", prompt="Which party?", answers=["Putin's United Russia party"])
    (lint,) = lint_question(q)
    assert "'United Russia party'" in lint.message


# ------------------------------------------------------------------ answer in prompt

ANSWER_IN_PROMPT = [
    # (fields, flagged?, why)
    (
        {
            "type": "short",
            "prompt": "Which party, United Russia, rules?",
            "answers": ["United Russia"],
        },
        True,
        "short key in the prompt",
    ),
    (
        {"type": "short", "prompt": "Which party rules Russia?", "answers": ["United Russia"]},
        False,
        "only part of the key",
    ),
    (
        {
            "type": "short",
            "prompt": "Name the party (UNITED-RUSSIA).",
            "answers": ["united russia"],
        },
        True,
        "case and punctuation are normalised",
    ),
    (
        {"type": "short", "prompt": "What is X in 'X and Y'?", "answers": ["X"]},
        False,
        "a one-character key is ignored",
    ),
    (
        {"type": "short", "prompt": "Fill in: ___ of the two", "answers": ["the", "of the"]},
        False,
        "stop words only are ignored",
    ),
    (
        {
            "type": "short",
            "prompt": "Which city? Not Moscow.",
            "answers": ["Wuhan", {"text": "Moscow", "fraction": 0.5}],
        },
        False,
        "only keys worth full marks count",
    ),
    (
        {"type": "numeric", "prompt": "The 2,600-mile border is how long?", "answer": 2600},
        True,
        "numeric key, with a thousands comma",
    ),
    (
        {"type": "numeric", "prompt": "How long, in miles, as a whole number?", "answer": 2600},
        False,
        "numeric key absent",
    ),
    (
        {"type": "numeric", "prompt": "How many of 12 members left?", "answer": 1},
        False,
        "a one-digit key is ignored",
    ),
    (
        {
            "type": "single",
            "prompt": "Did Beijing help?",
            "choices": [
                {"text": "Beijing", "correct": True},
                {"text": "Ankara", "correct": False},
            ],
        },
        True,
        "the correct choice in the prompt",
    ),
    (
        {
            "type": "single",
            "prompt": "Which is larger, China or Russia?",
            "choices": [
                {"text": "Russia", "correct": True},
                {"text": "China", "correct": False},
            ],
        },
        False,
        "the prompt names a wrong choice too: it lists the options",
    ),
    (
        {
            "type": "single",
            "prompt": "Which of these is it?",
            "choices": [{"text": "these", "correct": True}, {"text": "neither", "correct": False}],
        },
        False,
        "a stop-word key is ignored",
    ),
    (
        {"type": "true_false", "prompt": "True or false: it is true.", "answer": True},
        False,
        "true/false has no key text",
    ),
]


@pytest.mark.parametrize(("fields", "flagged", "why"), ANSWER_IN_PROMPT)
def test_a_prompt_containing_its_answer_is_flagged(
    fields: dict[str, object], flagged: bool, why: str
) -> None:
    assert ("answer_in_prompt" in kinds(question(**fields))) is flagged, why


def test_a_clean_question_has_no_lints() -> None:
    q = question(
        type="short",
        prompt="Which party dominates Russia's political system?",
        answers=["United Russia", "the United Russia party", "United Russia party"],
    )
    assert lint_question(q) == []
