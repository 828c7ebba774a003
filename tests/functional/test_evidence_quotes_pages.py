"""Several evidence quotes on the pages: the teacher's form, the review and the article."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from quizapp.domain.questions import question_from_mapping
from quizapp.domain.text import normalise_quote
from quizapp.services import attempts as attempt_service
from quizapp.services.question_authoring import save_question
from tests.factories import (
    ECONOMY,
    GRACE,
    MILITARY,
    NOW,
    create_assessment,
    create_class,
    create_student,
    create_teacher,
    enrol,
    freeze_views,
    items_of,
    load_article,
    logged_in_client,
    page_text,
    section,
    section_rule,
    start,
    wrong_answer,
)
from tests.functional import test_teacher_questions as question_pages
from tests.functional.test_teacher_questions import (
    TEA_EVIDENCE,
    TYPES,
    World,
    current_mapping,
    field_error,
    form_data,
    new_url,
    post_form,
    saved_id,
)

# The question pages' fixtures: an article with two sections, a teacher, a student.
world = question_pages.world
teacher = question_pages.teacher

TRADE_EVIDENCE = "Smuggling was common"

# ------------------------------------------------------------------------- teacher's form


def test_a_teacher_adds_a_quote_from_another_section_and_edits_it(
    app: Flask, world: World, teacher: FlaskClient
) -> None:
    url = new_url(world, "single")
    typed = {**TYPES["single"][1], "further_evidence": f"{TRADE_EVIDENCE}\n\n"}

    question_id = saved_id(post_form(teacher, url, typed))

    assert current_mapping(app, question_id)["evidence"] == [TEA_EVIDENCE, TRADE_EVIDENCE]
    edit = f"/teacher/questions/{question_id}/edit"
    shown = form_data(teacher.get(edit).get_data(as_text=True))
    assert (shown["evidence"], shown["further_evidence"]) == (TEA_EVIDENCE, TRADE_EVIDENCE)

    # Emptying the field leaves one quote, written as one string again.
    saved_id(post_form(teacher, edit, {"further_evidence": ""}))
    assert current_mapping(app, question_id)["evidence"] == TEA_EVIDENCE


def test_a_further_quote_not_in_the_article_is_shown_next_to_its_field(
    app: Flask, world: World, teacher: FlaskClient
) -> None:
    typed = {**TYPES["single"][1], "further_evidence": f"{TRADE_EVIDENCE}\nSmuggling was rare"}

    response = post_form(teacher, new_url(world, "single"), typed)

    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert field_error(html, "further_evidence") == (
        "Evidence quote 3 not found in any section of the article. "
        'Closest passage: "Smuggling was common, because"'
    )
    assert field_error(html, "evidence") is None
    assert form_data(html)["further_evidence"] == f"{TRADE_EVIDENCE}\nSmuggling was rare"


def test_further_quotes_need_the_first_quote(world: World, teacher: FlaskClient) -> None:
    typed = {**TYPES["single"][1], "evidence": "", "further_evidence": TRADE_EVIDENCE}

    response = post_form(teacher, new_url(world, "single"), typed)

    assert response.status_code == 400
    assert field_error(response.get_data(as_text=True), "further_evidence") == (
        "Write the first quote, from the question's section, under Evidence first."
    )


# ---------------------------------------------------------------------- review, article

ECONOMY_QUOTE = "Trade with Russia is 3% of China\u2019s total trade"
MILITARY_QUOTE = (
    "It was the first of several joint military drills since the start of the war in Ukraine."
)


@pytest.fixture
def reviewed(app: Flask, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str]:
    """Ada's submitted attempt at one question quoting its section and another one."""
    freeze_views(monkeypatch)
    with app.app_context():
        article = load_article(())
        teacher = create_teacher()
        question = question_from_mapping(
            {
                "id": "draft",
                "type": "true_false",
                "prompt": "Is trade with Russia a small part of China's trade?",
                "answer": True,
                "evidence": [ECONOMY_QUOTE, MILITARY_QUOTE],
            }
        )
        save_question(
            article_id=article.id,
            section_id=section(article, ECONOMY).id,
            question=question,
            author_id=teacher.id,
            now=NOW,
        )
        school_class = create_class(teacher)
        ada = create_student()
        enrol(ada, school_class)
        quiz = create_assessment(
            teacher, school_class, article, rules=[section_rule(article, ECONOMY, 1)]
        )
        attempt = start(quiz, ada)
        (item,) = items_of(attempt)
        attempt_service.save_answer(
            attempt, item, wrong_answer(item.question), now=NOW, grace=GRACE
        )
        attempt_service.submit_attempt(attempt, now=NOW)
        return attempt.id, article.slug


def _marked(html: str) -> tuple[str, str]:
    """The marked text and the id of the section it is in."""
    mark = re.search(r'<mark id="evidence"[^>]*>(.*?)</mark>', html, re.S)
    assert mark is not None and html.count('<mark id="evidence"') == 1
    opened = [m for m in re.finditer(r'<section id="([^"]+)"', html) if m.start() < mark.start()]
    return page_text(mark.group(1)), opened[-1].group(1)


def test_the_review_shows_each_quote_and_its_link_marks_it_in_its_section(
    app: Flask, reviewed: tuple[int, str]
) -> None:
    attempt_id, slug = reviewed
    ada = logged_in_client(app, "ada@example.com")

    html = ada.get(f"/student/attempts/{attempt_id}").get_data(as_text=True)

    quotes = [page_text(q) for q in re.findall(r"<blockquote>(.*?)</blockquote>", html, re.S)]
    assert quotes == [ECONOMY_QUOTE, MILITARY_QUOTE]
    links = [
        link.replace("&amp;", "&")
        for link in re.findall(r'<a href="([^"]+)">Read in the article</a>', html)
    ]
    assert links == [
        f"/articles/{slug}?attempt={attempt_id}&question=1#evidence",
        f"/articles/{slug}?attempt={attempt_id}&question=1&quote=2#evidence",
    ]
    marked = [_marked(ada.get(link.partition("#")[0]).get_data(as_text=True)) for link in links]
    assert [(normalise_quote(text), where) for text, where in marked] == [
        (normalise_quote(ECONOMY_QUOTE), ECONOMY),
        (normalise_quote(MILITARY_QUOTE), MILITARY),
    ]


@pytest.mark.parametrize("quote", ["0", "3", "x"])
def test_a_quote_number_the_question_does_not_have_marks_nothing(
    app: Flask, reviewed: tuple[int, str], quote: str
) -> None:
    attempt_id, slug = reviewed
    ada = logged_in_client(app, "ada@example.com")

    response = ada.get(f"/articles/{slug}?attempt={attempt_id}&question=1&quote={quote}")

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    if quote == "x":
        # Not a number: the first quote, as a link without a number.
        assert _marked(html)[1] == ECONOMY
    else:
        assert '<mark id="evidence"' not in html
