"""The feedback written for the learner's answer: in the review after submission, after
"Check" under immediate feedback, never on the page while the answer can change, and
not while a practice page keeps the key back."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Collection

import pytest
from flask import Flask
from flask.testing import FlaskClient

from quizapp.domain.answers import answer_feedback
from quizapp.domain.bank import ArticleBank
from quizapp.domain.questions import Question, question_from_mapping
from quizapp.models.quizzes import FeedbackTiming
from tests import factories
from tests.factories import (
    ECONOMY,
    NOW,
    ClassWorld,
    Clock,
    answer_form,
    build_class_world,
    correct_answer,
    freeze_views,
    items_of,
    logged_in_client,
    normalise_text,
    page_text,
    reload_attempt,
    session_token,
    wrong_answer,
)

SHORT_ID = "economy-pipeline-name"
NUMERIC_ID = "economy-record-trade-2023"
SINGLE_ID = "economy-complementary-economies"
MULTIPLE_ID = "economy-dependence-signs"
TRUE_FALSE_ID = "economy-pipeline-delays"

# The shipped short and numeric questions carry no per-answer feedback; these do.
SHORT_ANSWERS = [
    {"text": "Power of Siberia 2", "feedback": "Yes: *the* second pipeline."},
    {"text": "Power of Siberia", "fraction": 0.5, "feedback": "Which one? There are *two*."},
    {"text": "*", "fraction": 0, "feedback": "Look for the pipeline named after a region."},
]
NUMERIC_ANSWERS = [
    {"value": 240, "feedback": "The 2023 record, exactly."},
    {"value": 240, "tolerance": 20, "fraction": 0.5, "feedback": "Near the 2023 record."},
    {"value": 76.4, "fraction": 0, "feedback": "That is China's imports from Russia in 2022."},
]

# What each learner answers (stored form), and the feedback the review must show for it.
PLAN: dict[str, tuple[object, tuple[str, ...]]] = {
    SHORT_ID: ("power of siberia", ("Which one? There are *two*.",)),
    NUMERIC_ID: ("250", ("Near the 2023 record.",)),
    SINGLE_ID: (
        1,
        ("This reverses the roles: China is the big energy consumer and Russia the supplier.",),
    ),
    MULTIPLE_ID: (
        [0, 2, 3],
        (
            "As of October 2023, China had a trade surplus with Russia, of $2.42 billion.",
            "Most of Russia's pipelines flow to Europe; only one goes to China.",
        ),
    ),
    TRUE_FALSE_ID: (
        True,
        (
            "It is the other way round: China has delayed the project, while Russian "
            "officials, including Putin, insist it is almost completed.",
        ),
    ),
}


def _with_feedback(question: Question) -> Question:
    mapping = question.to_mapping()
    if question.id == SHORT_ID:
        mapping["answers"] = SHORT_ANSWERS
    elif question.id == NUMERIC_ID:
        del mapping["answer"]
        mapping.pop("tolerance", None)
        mapping["answers"] = NUMERIC_ANSWERS
    else:
        return question
    return question_from_mapping(mapping)


@pytest.fixture
def bank_with_feedback(monkeypatch: pytest.MonkeyPatch) -> None:
    """The shipped bank, its economy short and numeric questions given per-answer feedback."""
    shipped = factories._shipped_bank

    def patched(sections: Collection[str] | None) -> list[ArticleBank]:
        return [
            dataclasses.replace(
                bank,
                questions_by_section={
                    slug: tuple(_with_feedback(q) for q in questions)
                    for slug, questions in bank.questions_by_section.items()
                },
            )
            for bank in shipped(sections)
        ]

    monkeypatch.setattr(factories, "_shipped_bank", patched)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    return freeze_views(monkeypatch, NOW)


def _positions(app: Flask, attempt_id: int) -> dict[str, tuple[int, object]]:
    """Question id -> (position, drawn question) of the attempt."""
    with app.app_context():
        return {
            item.question.id: (item.row.position, item)
            for item in items_of(reload_attempt(attempt_id))
        }


def _url(attempt_id: int, position: int | None = None) -> str:
    base = f"/student/attempts/{attempt_id}"
    return base if position is None else f"{base}/questions/{position}"


def _post(client: FlaskClient, url: str, form: dict, action: str | None) -> None:
    data = {**form, "csrf_token": session_token(client)}
    if action:
        data["action"] = action
    assert client.post(url, data=data).status_code == 302


def _feedback_shown(html: str) -> list[str]:
    """The texts under "Feedback" in a feedback block, in page order."""
    block = re.search(r"<dt>Feedback</dt>((?:\s*<dd[^>]*>.*?</dd>)+)", html, re.S)
    if block is None:
        return []
    return [
        normalise_text(page_text(dd)) for dd in re.findall(r"<dd[^>]*>(.*?)</dd>", block.group(1))
    ]


def _plain(feedback: tuple[str, ...]) -> list[str]:
    """Feedback as the page's text shows it (Markdown marks rendered away)."""
    return [normalise_text(text.replace("*", "")) for text in feedback]


def _every_feedback(question: Question) -> list[str]:
    """Every per-answer feedback text the question carries, whatever its type."""
    entries = [
        *getattr(question, "choices", ()),
        *getattr(question, "answers", ()),
    ]
    texts = [getattr(entry, "feedback", "") for entry in entries]
    texts += [getattr(question, name, "") for name in ("feedback_true", "feedback_false")]
    return _plain(tuple(text for text in texts if text))


def _review_sections(html: str) -> dict[int, str]:
    return {
        int(position): body
        for position, body in re.findall(
            r'<section aria-labelledby="review-(\d+)">(.*?)</section>', html, re.S
        )
    }


def test_the_review_shows_the_feedback_of_each_answer_given(
    app: Flask, bank_with_feedback: None, clock: Clock
) -> None:
    world = build_class_world(app, questions=11)
    ada = logged_in_client(app, "ada@example.com")
    drawn = _positions(app, world.attempt_id)
    for question_id, (stored, _) in PLAN.items():
        position, item = drawn[question_id]
        _post(ada, _url(world.attempt_id, position), answer_form(item, stored), "next")
    right_position, right_item = drawn["economy-ev-prediction"]
    right = answer_form(right_item, correct_answer(right_item.question))
    _post(ada, _url(world.attempt_id, right_position), right, "next")
    _post(ada, _url(world.attempt_id) + "/submit", {}, None)

    sections = _review_sections(ada.get(_url(world.attempt_id)).get_data(as_text=True))

    for question_id, (_, feedback) in PLAN.items():
        position, _ = drawn[question_id]
        assert _feedback_shown(sections[position]) == _plain(feedback), question_id
        # Under the learner's answer, before the key.
        terms = ("Your answer", "Feedback", "Right answer")
        order = [sections[position].index(f"<dt>{term}</dt>") for term in terms]
        assert order == sorted(order), question_id
    # Markdown, rendered as the explanation's is.
    assert "There are <em>two</em>." in sections[drawn[SHORT_ID][0]]
    # An answer without feedback shows no "Feedback" at all.
    assert "<dt>Feedback</dt>" not in sections[right_position]


def test_after_check_the_feedback_shows_and_never_before(
    app: Flask, bank_with_feedback: None, clock: Clock
) -> None:
    world = build_class_world(app, questions=11, feedback_timing=FeedbackTiming.IMMEDIATE)
    ada = logged_in_client(app, "ada@example.com")
    drawn = _positions(app, world.attempt_id)
    leaks: dict[str, list[str]] = {}
    for question_id, (position, item) in drawn.items():
        question = item.question
        stored = PLAN[question_id][0] if question_id in PLAN else wrong_answer(question)
        url = _url(world.attempt_id, position)
        # Saved but not final: the page must not carry any of the question's feedback.
        _post(ada, url, answer_form(item, stored), "next")
        before = ada.get(url).get_data(as_text=True)
        text = normalise_text(page_text(before))
        found = [feedback for feedback in _every_feedback(question) if feedback in text]
        if found or "<dt>Feedback</dt>" in before:
            leaks[question_id] = found or ["a Feedback term"]

        _post(ada, url, answer_form(item, stored), "check")

        after = ada.get(url).get_data(as_text=True)
        # The planned answers' feedback is written out above; the others' comes from
        # the bank (a wrong true/false answer may carry some).
        expected = (
            PLAN[question_id][1] if question_id in PLAN else answer_feedback(question, stored)
        )
        assert _feedback_shown(after) == _plain(expected), question_id
    assert set(PLAN) <= set(drawn)
    assert leaks == {}


def test_practice_keeps_the_feedback_back_with_the_key(
    app: Flask, bank_with_feedback: None, clock: Clock
) -> None:
    world: ClassWorld = build_class_world(app)  # a live class quiz on the economy section
    ada = logged_in_client(app, "ada@example.com")
    response = ada.post(
        "/student/practice",
        data={
            "csrf_token": session_token(ada),
            "section": f"section-{world.section_ids[ECONOMY]}",
            "question_count": "11",
        },
    )
    attempt_id = int(re.search(r"/attempts/(\d+)/", response.headers["Location"]).group(1))
    position, item = _positions(app, attempt_id)[SHORT_ID]
    url = _url(attempt_id, position)

    _post(ada, url, answer_form(item, PLAN[SHORT_ID][0]), "check")

    html = ada.get(url).get_data(as_text=True)
    assert "may ask this question" in page_text(html)
    assert "<dt>Feedback</dt>" not in html
    assert "Which one?" not in page_text(html)
