"""The question bank pages through the test client, as a teacher's browser uses them."""

from __future__ import annotations

import datetime as dt
import html as html_module
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from quizapp.domain.questions import QUESTION_TYPES, question_from_mapping
from quizapp.extensions import db
from quizapp.models import Article, Attempt, Question, QuestionVersion
from quizapp.models import Response as ResponseModel
from quizapp.services import articles, question_authoring
from quizapp.services.practice import start_practice
from quizapp.services.questions import version_to_domain
from quizapp.services.quizzes import RuleSpec, live_candidates
from quizapp.teacher.question_forms import QUESTION_FORMS, form_for_type
from tests.factories import (
    GRACE,
    NOW,
    answer,
    create_assessment,
    create_class,
    create_student,
    create_teacher,
    logged_in_client,
    page_text,
    token_for,
)

ARTICLE_MD = """---
title: "Tea and Trade"
authors: ["A. Writer"]
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

TEA_EVIDENCE = "Dutch traders brought it first."


@dataclass(frozen=True)
class World:
    article_id: int
    sections: dict[str, int]
    teacher_id: int
    student_id: int


@pytest.fixture
def world(app: Flask) -> World:
    with app.app_context():
        article = articles.create_article(ARTICLE_MD, NOW)
        return World(
            article_id=article.id,
            sections={s.slug: s.id for s in article.sections},
            teacher_id=create_teacher().id,
            student_id=create_student().id,
        )


@pytest.fixture
def teacher(app: Flask, world: World) -> FlaskClient:
    return logged_in_client(app, "grace@example.com")


@pytest.fixture
def student(app: Flask, world: World) -> FlaskClient:
    return logged_in_client(app, "ada@example.com")


def add_question(app: Flask, world: World, prompt: str = "Who brought tea first?", **extra: Any):
    """A single-choice question on "Tea in Europe", saved through the service; its id."""
    mapping = {
        "id": "draft",
        "type": "single",
        "prompt": prompt,
        "choices": [
            {"text": "Dutch traders", "correct": True},
            {"text": "Portuguese monks", "correct": False},
        ],
        "evidence": TEA_EVIDENCE,
        **extra,
    }
    with app.app_context():
        return question_authoring.save_question(
            article_id=world.article_id,
            section_id=world.sections["tea-in-europe"],
            question=question_from_mapping(mapping),
            author_id=world.teacher_id,
            now=NOW,
        ).id


# ------------------------------------------------------------------------- reading forms


class _FormReader(HTMLParser):
    """What a browser would submit from the page's POST forms (no button pressed)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict[str, Any]] = []
        self._form: dict[str, Any] | None = None
        self._textarea: str | None = None
        self._select: str | None = None
        self._first_option: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._form = {"method": a.get("method", "get"), "action": a.get("action"), "data": {}}
            self.forms.append(self._form)
        if self._form is None or ("name" not in a and tag != "option"):
            return
        data = self._form["data"]
        if tag == "input":
            kind = a.get("type", "text")
            if kind in ("submit", "button", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            data[a["name"]] = a.get("value", "on" if kind == "checkbox" else "")
        elif tag == "textarea":
            self._textarea = a["name"]
            data[a["name"]] = ""
        elif tag == "select":
            self._select, self._first_option = a["name"], None
        elif tag == "option" and self._select is not None:
            if self._first_option is None:
                self._first_option = a.get("value", "")
                data.setdefault(self._select, self._first_option)
            if "selected" in a:
                data[self._select] = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data: str) -> None:
        if self._textarea is not None and self._form is not None:
            self._form["data"][self._textarea] += data


def form_data(html: str) -> dict[str, str]:
    """The fields of the page's own POST form (the one posting back to the page itself)."""
    reader = _FormReader()
    reader.feed(html)
    form = next(f for f in reader.forms if f["method"].lower() == "post" and f["action"] is None)
    # A textarea's first newline is not part of its value (HTML parsing rules).
    return {k: re.sub(r"\A\r?\n", "", v) for k, v in form["data"].items()}


def field_error(html: str, field_id: str) -> str | None:
    """The error text tied to ``field_id`` (its ``<id>-error`` element), unescaped."""
    match = re.search(
        rf'<(p|ul) class="error" id="{re.escape(field_id)}-error">(.*?)</\1>', html, re.S
    )
    return html_module.unescape(re.sub(r"<[^>]+>", " ", match.group(2))).strip() if match else None


def input_value(html: str, field_id: str) -> str | None:
    tag = re.search(rf'<input\b[^>]*\bid="{re.escape(field_id)}"[^>]*>', html)
    if tag is None:
        return None
    value = re.search(r'\bvalue="([^"]*)"', tag.group(0))
    return html_module.unescape(value.group(1)) if value else ""


def post_form(client: FlaskClient, url: str, changes: dict[str, str], **pressed: str):
    """GET ``url``, take its form as the browser shows it, apply ``changes`` and POST it."""
    data = form_data(client.get(url).get_data(as_text=True))
    data.update(changes)
    data.update(pressed)
    return client.post(url, data={k: v for k, v in data.items() if v is not None})


def new_url(world: World, type_name: str) -> str:
    return f"/teacher/questions/new?type={type_name}&article={world.article_id}"


def versions(app: Flask, question_id: int) -> list[QuestionVersion]:
    with app.app_context():
        return list(
            db.session.execute(
                db.select(QuestionVersion)
                .where(QuestionVersion.question_id == question_id)
                .order_by(QuestionVersion.number)
            ).scalars()
        )


def current_mapping(app: Flask, question_id: int) -> dict[str, object]:
    with app.app_context():
        question = db.session.get(Question, question_id)
        version = versions(app, question_id)[-1]
        mapping = version_to_domain(version, question.bank_id).to_mapping()
    mapping.pop("id")
    return mapping


def saved_id(response: TestResponse) -> int:
    assert response.status_code == 302, page_text(response.get_data(as_text=True))[:2000]
    match = re.fullmatch(r"/teacher/questions/(\d+)/edit", response.headers["Location"])
    assert match, response.headers["Location"]
    return int(match.group(1))


# ---------------------------------------------------------------------------- who may see


def _routes(question_id: int, article_id: int) -> list[tuple[str, str]]:
    return [
        ("GET", "/teacher/questions"),
        ("GET", "/teacher/questions/new"),
        ("GET", f"/teacher/questions/new?type=single&article={article_id}"),
        ("POST", f"/teacher/questions/new?type=single&article={article_id}"),
        ("GET", f"/teacher/questions/{question_id}/edit"),
        ("POST", f"/teacher/questions/{question_id}/edit"),
        ("GET", f"/teacher/questions/{question_id}/preview"),
        ("POST", f"/teacher/questions/{question_id}/retire"),
        ("POST", f"/teacher/questions/{question_id}/restore"),
        ("POST", f"/teacher/questions/{question_id}/delete"),
    ]


def _request(client: FlaskClient, method: str, path: str) -> TestResponse:
    if method == "GET":
        return client.get(path)
    # A valid token, so the answer is about who is asking, not about CSRF.
    return client.post(path, data={"csrf_token": token_for(client, "/login")})


def test_anonymous_visitors_are_sent_to_log_in(app: Flask, world: World) -> None:
    question_id = add_question(app, world)
    for method, path in _routes(question_id, world.article_id):
        client = app.test_client()
        response = _request(client, method, path)
        assert response.status_code == 302, (method, path)
        assert response.headers["Location"].startswith("/login?next="), (method, path)


def test_students_get_403_everywhere(app: Flask, world: World, student: FlaskClient) -> None:
    question_id = add_question(app, world)
    for method, path in _routes(question_id, world.article_id):
        assert _request(student, method, path).status_code == 403, (method, path)


def test_teachers_can_open_every_page(app: Flask, world: World, teacher: FlaskClient) -> None:
    question_id = add_question(app, world)
    for method, path in _routes(question_id, world.article_id):
        if method == "GET":
            assert teacher.get(path).status_code == 200, path


def test_state_changing_routes_need_post_and_a_csrf_token(
    app: Flask, world: World, teacher: FlaskClient
) -> None:
    question_id = add_question(app, world)
    for action in ("retire", "restore", "delete"):
        path = f"/teacher/questions/{question_id}/{action}"
        assert teacher.get(path).status_code == 405
        assert teacher.post(path).status_code == 400
    with app.app_context():
        question = db.session.get(Question, question_id)
        assert question is not None and question.retired_at is None


def test_an_unknown_question_is_a_404(world: World, teacher: FlaskClient) -> None:
    assert teacher.get("/teacher/questions/999/edit").status_code == 404
    assert teacher.get("/teacher/questions/999/preview").status_code == 404


# --------------------------------------------------------------------- writing each type

TYPES: dict[str, tuple[str, dict[str, str], dict[str, object]]] = {
    "single": (
        "tea-in-europe",
        {
            "prompt": "Who brought tea to Europe first?",
            "choices-0-text": "Dutch traders",
            "choices-0-correct": "y",
            "choices-0-feedback": "Yes: the Dutch.",
            "choices-1-text": "Portuguese monks",
            "evidence": TEA_EVIDENCE,
        },
        {
            "choices": [
                {"text": "Dutch traders", "correct": True, "feedback": "Yes: the Dutch."},
                {"text": "Portuguese monks", "correct": False},
            ],
            "evidence": TEA_EVIDENCE,
        },
    ),
    "multiple": (
        "tea-in-europe",
        {
            "prompt": "Which are true?",
            "choices-0-text": "Tea reached Europe in the 17th century",
            "choices-0-correct": "y",
            "choices-1-text": "Apothecaries sold tea",
            "choices-1-correct": "y",
            "choices-2-text": "Tea was banned",
        },
        {
            "choices": [
                {"text": "Tea reached Europe in the 17th century", "correct": True},
                {"text": "Apothecaries sold tea", "correct": True},
                {"text": "Tea was banned", "correct": False},
            ],
        },
    ),
    "true_false": (
        "tea-in-europe",
        {
            "prompt": "Tea was first sold as a medicine.",
            "answer": "true",
            "feedback_true": "Right: apothecaries sold it.",
            "feedback_false": "Look at where it was sold.",
            "evidence": "It was sold in apothecaries as a medicine.",
        },
        {
            "answer": True,
            "feedback_true": "Right: apothecaries sold it.",
            "feedback_false": "Look at where it was sold.",
            "evidence": "It was sold in apothecaries as a medicine.",
        },
    ),
    "short": (
        "tea-in-europe",
        {
            "prompt": "Where was tea first sold?",
            "answers-0-text": "apothecaries",
            "answers-1-text": "in apothecaries",
            "case_sensitive": "y",
        },
        {"answers": ["apothecaries", "in apothecaries"], "case_sensitive": True},
    ),
    "numeric": (
        "the-tea-trade",
        {
            "prompt": "How many million pounds of tea did Britain import in 1750?",
            "answers-0-value": "10",
            "answers-0-tolerance": "0.5",
            "answers-0-fraction": "1",
            "units-0-unit": "million pounds",
            "evidence": "Britain imported 10 million pounds of tea in 1750.",
        },
        {
            "answer": 10,
            "tolerance": 0.5,
            "unit": "million pounds",
            "evidence": "Britain imported 10 million pounds of tea in 1750.",
        },
    ),
    "matching": (
        "the-tea-trade",
        {
            "prompt": "Match the facts.",
            "pairs-0-left": "Year",
            "pairs-0-right": "1750",
            "pairs-1-left": "Imports",
            "pairs-1-right": "10 million pounds",
        },
        {
            "pairs": [
                {"left": "Year", "right": "1750"},
                {"left": "Imports", "right": "10 million pounds"},
            ]
        },
    ),
    "ordering": (
        "tea-in-europe",
        {
            "prompt": "Put these in order.",
            "items-0-text": "Tea reaches Europe",
            "items-1-text": "Apothecaries sell tea",
            "items-2-text": "Britain imports 10 million pounds",
        },
        {
            "items": [
                "Tea reaches Europe",
                "Apothecaries sell tea",
                "Britain imports 10 million pounds",
            ]
        },
    ),
}


def test_every_question_type_has_a_form_and_a_test() -> None:
    assert set(QUESTION_FORMS) == set(QUESTION_TYPES) == set(TYPES)
    for type_name, form_class in QUESTION_FORMS.items():
        assert form_for_type(type_name) is form_class
        assert form_class.type_name == type_name


def test_a_type_without_a_form_is_named() -> None:
    with pytest.raises(LookupError, match="no form for question type 'essay'"):
        form_for_type("essay")


@pytest.mark.parametrize("type_name", list(TYPES))
def test_a_question_of_each_type_is_written_and_edited_through_its_form(
    app: Flask, world: World, teacher: FlaskClient, type_name: str
) -> None:
    section, typed, expected_fields = TYPES[type_name]
    common = {
        "section": str(world.sections[section]),
        "explanation": "Because the article says so.",
        "difficulty": "3",
        "points": "2.5",
        "tags": "tea, history , ",
    }

    question_id = saved_id(post_form(teacher, new_url(world, type_name), {**common, **typed}))

    expected = {
        "type": type_name,
        "prompt": typed["prompt"],
        **expected_fields,
        "explanation": "Because the article says so.",
        "difficulty": 3,
        "points": 2.5,
        "tags": ["tea", "history"],
    }
    assert current_mapping(app, question_id) == expected
    [first] = versions(app, question_id)
    assert first.created_by_id == world.teacher_id
    with app.app_context():
        assert db.session.get(Question, question_id).section_id == world.sections[section]

    # The edit form shows the question as saved; saving it unchanged adds no version.
    edit_url = f"/teacher/questions/{question_id}/edit"
    page = teacher.get(edit_url).get_data(as_text=True)
    shown = form_data(page)
    for name, value in typed.items():
        assert shown.get(name) == value, name
    assert shown["points"] == "2.5" and shown["difficulty"] == "3"
    assert re.search(r"Version 1 by Grace Hopper on \d{1,2} \w+ \d{4}", page_text(page))
    response = post_form(teacher, edit_url, {})
    assert saved_id(response) == question_id
    assert "Nothing changed; the question is still version 1." in page_text(
        teacher.get(edit_url).get_data(as_text=True)
    )
    assert len(versions(app, question_id)) == 1

    # A changed prompt is a new version, written by this teacher.
    saved_id(post_form(teacher, edit_url, {"prompt": typed["prompt"] + " (revised)"}))

    assert [v.number for v in versions(app, question_id)] == [1, 2]
    assert current_mapping(app, question_id) == {
        **expected,
        "prompt": typed["prompt"] + " (revised)",
    }
    assert versions(app, question_id)[1].created_by_id == world.teacher_id
    page = page_text(teacher.get(edit_url).get_data(as_text=True))
    assert "Saved as version 2." in page
    assert re.search(r"Version 2 by Grace Hopper on \d{1,2} \w+ \d{4}", page)


def test_every_teacher_may_edit_and_each_version_names_its_author(
    app: Flask, world: World, teacher: FlaskClient
) -> None:
    question_id = add_question(app, world)
    with app.app_context():
        create_teacher("alan@example.com", "Alan Turing")
    alan = logged_in_client(app, "alan@example.com")

    saved_id(post_form(alan, f"/teacher/questions/{question_id}/edit", {"prompt": "By Alan?"}))

    page = page_text(teacher.get(f"/teacher/questions/{question_id}/edit").get_data(as_text=True))
    assert re.search(r"Version 2 by Alan Turing on \d", page)  # the current version
    assert re.search(r"Version 2 written by Alan Turing on \d", page)  # the history
    assert re.search(r"Version 1 written by Grace Hopper on \d", page)


def test_a_save_over_someone_elses_newer_version_keeps_the_typing_and_asks_again(
    app: Flask, world: World, teacher: FlaskClient
) -> None:
    question_id = add_question(app, world)
    url = f"/teacher/questions/{question_id}/edit"
    stale_form = form_data(teacher.get(url).get_data(as_text=True))
    saved_id(post_form(teacher, url, {"prompt": "Saved elsewhere first?"}))

    response = teacher.post(url, data={**stale_form, "prompt": "My late edit?"})

    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Someone saved version 2 while you were editing version 1" in page_text(html)
    assert form_data(html)["prompt"] == "My late edit?"
    assert form_data(html)["based_on_version"] == "2"
    saved_id(teacher.post(url, data=form_data(html)))
    assert [v.prompt for v in versions(app, question_id)][-1] == "My late edit?"


# ---------------------------------------------------------------- problems next to fields


def test_evidence_not_in_the_section_is_refused_with_the_closest_passage_then_fixed(
    app: Flask, world: World, teacher: FlaskClient
) -> None:
    url = new_url(world, "single")
    typed = {k: v for k, v in TYPES["single"][1].items()}
    typed["evidence"] = "Dutch traders brought tea first."
    typed["section"] = str(world.sections["tea-in-europe"])

    response = post_form(teacher, url, typed)

    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert field_error(html, "evidence") == (
        "Not found in section 'Tea in Europe'. Closest passage: \"Dutch traders brought it first.\""
    )
    assert re.search(r'<textarea[^>]*aria-describedby="evidence-hint evidence-error"', html)
    kept = form_data(html)
    for name, value in typed.items():
        assert kept.get(name) == value, name
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Question.id))) == 0

    question_id = saved_id(teacher.post(url, data={**kept, "evidence": TEA_EVIDENCE}))
    assert current_mapping(app, question_id)["evidence"] == TEA_EVIDENCE


def test_evidence_from_another_section_is_refused(world: World, teacher: FlaskClient) -> None:
    typed = {**TYPES["single"][1], "section": str(world.sections["the-tea-trade"])}

    response = post_form(teacher, new_url(world, "single"), typed)

    assert response.status_code == 400
    error = field_error(response.get_data(as_text=True), "evidence")
    assert error is not None and error.startswith("Not found in section 'The tea trade'.")


def test_every_domain_problem_shows_next_to_its_field(world: World, teacher: FlaskClient) -> None:
    typed = {
        "prompt": "Which <b>one</b>?",
        # Entry 0 is left blank (so skipped); entry 1 has feedback but no text.
        "choices-1-feedback": "orphan feedback",
        "choices-2-text": "Dutch traders",
        "choices-2-correct": "y",
        "choices-3-text": "Dutch traders",
        "points": "0",
    }

    response = post_form(teacher, new_url(world, "single"), typed)

    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "must not contain raw HTML" in field_error(html, "prompt")
    assert field_error(html, "choices-1-text") == "missing required field 'choices[0].text'"
    assert "repeats" in field_error(html, "choices-3-text")
    assert field_error(html, "points") == "points must be greater than 0, not 0.0"
    assert field_error(html, "choices-0-text") is None
    assert re.search(
        r'<input[^>]*aria-describedby="choices-1-text-error"[^>]*id="choices-1-text"', html
    )
    assert "Please correct the highlighted fields." in page_text(html)


def test_a_problem_with_the_whole_list_shows_on_its_fieldset(
    world: World, teacher: FlaskClient
) -> None:
    typed = {"prompt": "Pick one", "choices-0-text": "A", "choices-1-text": "B"}

    html = post_form(teacher, new_url(world, "single"), typed).get_data(as_text=True)

    assert (
        field_error(html, "choices")
        == "at least one choice must be correct (worth full marks); none is"
    )
    fieldset = re.search(r'<fieldset class="entries field-error" id="choices"\s+([^>]*)>', html)
    assert fieldset and fieldset.group(1) == 'aria-describedby="choices-hint choices-error"'


def test_numbers_that_do_not_parse_are_reported_once(world: World, teacher: FlaskClient) -> None:
    typed = {
        "prompt": "How many?",
        "answers-0-value": "ten",
        "answers-0-tolerance": "a lot",
        "points": "many",
    }

    html = post_form(teacher, new_url(world, "numeric"), typed).get_data(as_text=True)

    assert field_error(html, "answers-0-value") == "Not a valid float value."
    assert field_error(html, "answers-0-tolerance") == "Not a valid float value."
    assert field_error(html, "points") == "Not a valid float value."


def test_a_missing_true_false_answer_is_reported(world: World, teacher: FlaskClient) -> None:
    html = post_form(teacher, new_url(world, "true_false"), {"prompt": "Tea is a drink."}).get_data(
        as_text=True
    )

    assert field_error(html, "answer") == "missing required field 'answer'"


# ------------------------------------------------------------ adding and removing entries


@pytest.mark.parametrize(
    ("type_name", "list_name", "button", "first_field", "start"),
    [
        ("single", "choices", "add_choice", "text", 4),
        ("multiple", "choices", "add_choice", "text", 4),
        ("short", "answers", "add_answer", "text", 1),
        ("matching", "pairs", "add_pair", "left", 3),
        ("ordering", "items", "add_item", "text", 3),
    ],
)
def test_entries_are_added_and_removed_without_javascript_keeping_what_was_typed(
    app: Flask,
    world: World,
    teacher: FlaskClient,
    type_name: str,
    list_name: str,
    button: str,
    first_field: str,
    start: int,
) -> None:
    url = new_url(world, type_name)
    typed = {"prompt": "Still here?", f"{list_name}-0-{first_field}": "first"}

    added = post_form(teacher, url, typed, **{button: "Add"})

    assert added.status_code == 200
    html = added.get_data(as_text=True)
    data = form_data(html)
    assert data["prompt"] == "Still here?"
    assert data[f"{list_name}-0-{first_field}"] == "first"
    assert f'name="{list_name}-{start}-remove"' in html
    assert f'name="{list_name}-{start + 1}-remove"' not in html
    assert field_error(html, "prompt") is None

    data[f"{list_name}-{start}-{first_field}"] = "last"
    removed = teacher.post(url, data={**data, f"{list_name}-0-remove": "1"})

    html = removed.get_data(as_text=True)
    data = form_data(html)
    assert data[f"{list_name}-{start - 1}-{first_field}"] == "last"
    assert f"{list_name}-{start}-{first_field}" not in data
    assert "first" not in data.values()
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Question.id))) == 0


def test_adding_stops_at_a_sensible_maximum(world: World, teacher: FlaskClient) -> None:
    typed = {f"items-{n}-text": f"item {n}" for n in range(30)}

    response = post_form(teacher, new_url(world, "ordering"), typed, add_item="Add item")

    html = response.get_data(as_text=True)
    assert field_error(html, "items") == "A question can have at most 30 items."
    assert 'name="items-29-remove"' in html and 'name="items-30-remove"' not in html


def test_removing_a_middle_choice_keeps_the_ticks_with_their_choices(
    app: Flask, world: World, teacher: FlaskClient
) -> None:
    url = new_url(world, "single")
    typed = {
        "section": str(world.sections["tea-in-europe"]),
        "prompt": "Who?",
        "choices-0-text": "Monks",
        "choices-1-text": "Nobody",
        "choices-2-text": "Dutch traders",
        "choices-2-correct": "y",
        "evidence": TEA_EVIDENCE,
    }

    html = post_form(teacher, url, typed, **{"choices-1-remove": "1"}).get_data(as_text=True)

    data = form_data(html)
    assert (data["choices-0-text"], data["choices-1-text"]) == ("Monks", "Dutch traders")
    assert data.get("choices-1-correct") == "y" and "choices-0-correct" not in data
    question_id = saved_id(teacher.post(url, data=data))
    assert current_mapping(app, question_id)["choices"] == [
        {"text": "Monks", "correct": False},
        {"text": "Dutch traders", "correct": True},
    ]


# ------------------------------------------------------------- versions, attempts, retiring


def test_an_attempt_keeps_the_version_it_showed_after_an_edit(
    app: Flask, world: World, teacher: FlaskClient, student: FlaskClient
) -> None:
    question_id = add_question(app, world, "Who brought tea first?")
    with app.app_context():
        attempt = start_practice(
            world.student_id,
            article_id=world.article_id,
            section_id=None,
            question_count=1,
            now=NOW,
            grace=GRACE,
        )
        attempt_id = attempt.id

    saved_id(post_form(teacher, f"/teacher/questions/{question_id}/edit", {"prompt": "Edited?"}))

    with app.app_context():
        shown = db.session.get(Attempt, attempt_id).questions[0].question_version
        assert (shown.number, shown.prompt) == (1, "Who brought tea first?")
    page = student.get(f"/student/attempts/{attempt_id}/questions/1").get_data(as_text=True)
    assert "Who brought tea first?" in page_text(page)
    assert "Edited?" not in page_text(page)


def test_a_question_with_responses_can_be_retired_and_restored_but_not_deleted(
    app: Flask, world: World, teacher: FlaskClient
) -> None:
    question_id = add_question(app, world)
    with app.app_context():
        attempt = start_practice(
            world.student_id,
            article_id=world.article_id,
            section_id=None,
            question_count=1,
            now=NOW,
            grace=GRACE,
        )
        answer(attempt, 1, 0)
        assert db.session.scalar(db.select(db.func.count(ResponseModel.id))) == 1
    edit_url = f"/teacher/questions/{question_id}/edit"
    token = form_data(teacher.get(edit_url).get_data(as_text=True))["csrf_token"]

    refused = teacher.post(f"/teacher/questions/{question_id}/delete", data={"csrf_token": token})

    assert refused.headers["Location"] == edit_url
    page = page_text(teacher.get(edit_url).get_data(as_text=True))
    assert "An attempt has drawn this question" in page and "Retire it instead" in page

    retired = teacher.post(f"/teacher/questions/{question_id}/retire", data={"csrf_token": token})
    assert retired.status_code == 302
    page = page_text(teacher.get(edit_url).get_data(as_text=True))
    assert "Question retired" in page and "This question is retired" in page
    with app.app_context():
        assert db.session.get(Question, question_id).retired_at is not None
        assert live_candidates(world.article_id) == []

    teacher.post(f"/teacher/questions/{question_id}/restore", data={"csrf_token": token})
    with app.app_context():
        assert db.session.get(Question, question_id).retired_at is None
        assert [c.question_id for c in live_candidates(world.article_id)] == [question_id]


def test_the_edit_page_shows_who_wrote_retired_and_restored_the_question(
    app: Flask, world: World, teacher: FlaskClient
) -> None:
    question_id = add_question(app, world)
    with app.app_context():
        create_teacher("alan@example.com", "Alan Turing")
    alan = logged_in_client(app, "alan@example.com")
    edit_url = f"/teacher/questions/{question_id}/edit"
    saved_id(post_form(alan, edit_url, {"prompt": "Who brought tea to Europe first?"}))
    alan.post(
        f"/teacher/questions/{question_id}/retire", data={"csrf_token": token_for(alan, edit_url)}
    )
    teacher.post(
        f"/teacher/questions/{question_id}/restore",
        data={"csrf_token": token_for(teacher, edit_url)},
    )

    html = teacher.get(edit_url).get_data(as_text=True)
    history = re.search(r'<h2 id="history">History</h2>\s*<ol[^>]*>(.*?)</ol>', html, re.S)
    assert history is not None
    when = r"on \d{1,2} \w+ \d{4}, \d\d:\d\d UTC"
    lines = [page_text(item) for item in re.findall(r"<li>(.*?)</li>", history.group(1), re.S)]
    assert len(lines) == 4
    # Newest first.
    for line, expected in zip(
        lines,
        (
            "Restored by Grace Hopper",
            "Retired by Alan Turing",
            "Version 2 written by Alan Turing",
            "Version 1 written by Grace Hopper",
        ),
        strict=True,
    ):
        assert re.fullmatch(f"{expected} {when}", line), line


def _open_quiz_of_another_teacher(
    app: Flask, world: World, monkeypatch: pytest.MonkeyPatch, count: int
) -> int:
    """Bea's published quiz, open a week from the views' (frozen) now, drawing ``count``
    questions from "Tea in Europe"."""
    monkeypatch.setattr("quizapp.teacher.questions.utcnow", lambda: NOW)
    with app.app_context():
        bea = create_teacher("bea@example.com", "Bea Other")
        article = db.session.get(Article, world.article_id)
        return create_assessment(
            bea,
            create_class(bea, "Year 9"),
            article,
            rules=[RuleSpec(question_count=count, section_id=world.sections["tea-in-europe"])],
            title="Tea quiz",
            closes_at=NOW + dt.timedelta(days=7),
        ).id


@pytest.mark.parametrize("action", ["retire", "delete"])
def test_a_question_another_teachers_open_quiz_draws_is_kept_with_the_quiz_named(
    app: Flask, world: World, teacher: FlaskClient, action: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    question_id = add_question(app, world)
    add_question(app, world, "Who sold tea as a medicine?")
    _open_quiz_of_another_teacher(app, world, monkeypatch, count=1)
    edit_url = f"/teacher/questions/{question_id}/edit"

    response = teacher.post(
        f"/teacher/questions/{question_id}/{action}",
        data={"csrf_token": token_for(teacher, edit_url)},
    )

    assert response.headers["Location"] == edit_url
    page = page_text(teacher.get(edit_url).get_data(as_text=True))
    assert (
        "“who-brought-tea-first” is drawn by the quiz “Tea quiz” of Bea Other's class "
        "“Year 9”, open until 9 November 2026, 09:00 UTC, so you cannot "
        f"{action} it. Ask Bea Other, or {action} it once the quiz has closed."
    ) in page
    assert "Question retired:" not in page
    assert "Question “who-brought-tea-first” deleted." not in page
    assert "History Version 1 written by Grace Hopper on" in page  # nothing else happened
    with app.app_context():
        question = db.session.get(Question, question_id)
        assert question is not None and question.retired_at is None


def test_a_retire_that_would_leave_an_open_quiz_short_is_refused_even_for_its_owner(
    app: Flask, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    question_id = add_question(app, world)
    _open_quiz_of_another_teacher(app, world, monkeypatch, count=1)
    bea = logged_in_client(app, "bea@example.com")
    edit_url = f"/teacher/questions/{question_id}/edit"

    bea.post(
        f"/teacher/questions/{question_id}/retire",
        data={"csrf_token": token_for(bea, edit_url), "next": "/teacher/questions"},
    )

    page = page_text(bea.get("/teacher/questions").get_data(as_text=True))
    assert "could then no longer draw its questions (Tea in Europe: asks for 1 question but" in (
        page
    )
    with app.app_context():
        assert db.session.get(Question, question_id).retired_at is None


def test_a_question_no_attempt_drew_is_deleted(
    app: Flask, world: World, teacher: FlaskClient
) -> None:
    question_id = add_question(app, world)
    token = token_for(teacher, f"/teacher/questions/{question_id}/edit")

    response = teacher.post(f"/teacher/questions/{question_id}/delete", data={"csrf_token": token})

    assert response.headers["Location"] == f"/teacher/questions?article={world.article_id}"
    with app.app_context():
        assert db.session.get(Question, question_id) is None


def test_retiring_from_the_bank_returns_to_the_page_given_as_next(
    app: Flask, world: World, teacher: FlaskClient
) -> None:
    question_id = add_question(app, world)
    token = token_for(teacher, "/teacher/questions")

    response = teacher.post(
        f"/teacher/questions/{question_id}/retire",
        data={"csrf_token": token, "next": "/teacher/questions?health=retired"},
    )

    assert response.headers["Location"] == "/teacher/questions?health=retired"
    evil = teacher.post(
        f"/teacher/questions/{question_id}/restore",
        data={"csrf_token": token, "next": "https://evil.example/"},
    )
    assert evil.headers["Location"] == f"/teacher/questions/{question_id}/edit"


def test_stale_or_retired_questions_are_flagged_and_not_drawn(
    app: Flask, world: World, teacher: FlaskClient
) -> None:
    stale_id = add_question(app, world, "Stale one?")
    retired_id = add_question(app, world, "Retired one?")
    live_id = add_question(app, world, "Live one?")
    with app.app_context():
        db.session.get(Question, stale_id).evidence_stale = True
        db.session.commit()
        question_authoring.retire_question(retired_id, actor_id=world.teacher_id, now=NOW)
        assert [c.question_id for c in live_candidates(world.article_id)] == [live_id]

    page = page_text(teacher.get("/teacher/questions").get_data(as_text=True))
    assert re.search(r"Stale one\?.*stale evidence", page)
    assert re.search(r"Retired one\?.*retired", page)
    edit = page_text(teacher.get(f"/teacher/questions/{stale_id}/edit").get_data(as_text=True))
    assert "This question has stale evidence" in edit


def test_saving_a_stale_question_with_evidence_from_its_section_clears_the_flag(
    app: Flask, world: World, teacher: FlaskClient
) -> None:
    question_id = add_question(app, world)
    with app.app_context():
        db.session.get(Question, question_id).evidence_stale = True
        db.session.commit()

    saved_id(post_form(teacher, f"/teacher/questions/{question_id}/edit", {}))

    with app.app_context():
        assert db.session.get(Question, question_id).evidence_stale is False


# ------------------------------------------------------------------------------- preview


def test_preview_shows_the_question_as_students_see_it_then_the_answer_key(
    app: Flask, world: World, teacher: FlaskClient
) -> None:
    question_id = add_question(
        app,
        world,
        "Who brought *tea* first?",
        explanation="The Dutch did.",
        choices=[
            {"text": "Dutch traders", "correct": True, "feedback": "Indeed."},
            {"text": "Portuguese monks", "correct": False},
        ],
    )

    html = teacher.get(f"/teacher/questions/{question_id}/preview").get_data(as_text=True)

    question_part, _, key_part = html.partition("<h2>Answer key</h2>")
    assert key_part, "no Answer key heading"
    assert re.search(
        r'<fieldset class="question">\s*<legend>Who brought <em>tea</em> first\?</legend>',
        question_part,
    )
    # A preview is never submitted: its values are the bank indices, its ids count from 1.
    assert re.search(r'<input type="radio" name="answer" id="answer-1" value="0"', question_part)
    assert '<label for="answer-2">Portuguese monks</label>' in question_part
    assert "Indeed." not in question_part and "The Dutch did." not in question_part
    key = page_text(key_part)
    assert "Right answer Dutch traders" in key
    assert "Indeed." in key and "The Dutch did." in key and TEA_EVIDENCE in key


@pytest.mark.parametrize("type_name", list(TYPES))
def test_preview_renders_every_type(
    app: Flask, world: World, teacher: FlaskClient, type_name: str
) -> None:
    section, typed, _ = TYPES[type_name]
    question_id = saved_id(
        post_form(
            teacher,
            new_url(world, type_name),
            {**typed, "section": str(world.sections[section])},
        )
    )

    response = teacher.get(f"/teacher/questions/{question_id}/preview")

    assert response.status_code == 200
    assert "Answer key" in response.get_data(as_text=True)


# ----------------------------------------------------------------------- choosing a type


def test_new_question_asks_for_a_type_then_shows_its_form(
    world: World, teacher: FlaskClient
) -> None:
    html = teacher.get("/teacher/questions/new").get_data(as_text=True)

    assert '<form method="get" action="/teacher/questions/new"' in html
    assert '<label for="type">Type</label>' in html
    assert "Continue" in html
    assert re.search(rf'<option (selected )?value="{world.article_id}"', html)

    form = teacher.get("/teacher/questions/new?type=matching&article=" + str(world.article_id))
    assert "New question: matching" in page_text(form.get_data(as_text=True))
    assert 'name="add_pair"' in form.get_data(as_text=True)


def test_a_link_may_preselect_the_article_without_an_error(
    world: World, teacher: FlaskClient
) -> None:
    response = teacher.get(f"/teacher/questions/new?article={world.article_id}")

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'<option selected value="{world.article_id}">Tea and Trade</option>' in html
    assert 'class="error"' not in html


def test_new_question_with_an_unknown_type_or_article_asks_again(
    world: World, teacher: FlaskClient
) -> None:
    bad_type = teacher.get(f"/teacher/questions/new?type=essay&article={world.article_id}")
    bad_article = teacher.get("/teacher/questions/new?type=single&article=999")

    assert bad_type.status_code == bad_article.status_code == 400
    assert field_error(bad_type.get_data(as_text=True), "type") == "Not a valid choice."
    assert field_error(bad_article.get_data(as_text=True), "article") == "Not a valid choice."


def test_the_form_labels_match_the_bank_fields(world: World, teacher: FlaskClient) -> None:
    html = teacher.get(new_url(world, "single")).get_data(as_text=True)

    for field_id, label in [
        ("section", "Section"),
        ("prompt", "Prompt"),
        ("evidence", "Evidence"),
        ("explanation", "Explanation"),
        ("difficulty", "Difficulty"),
        ("points", "Points"),
        ("tags", "Tags"),
    ]:
        assert f'<label for="{field_id}">{label}</label>' in html
    assert re.search(r"<fieldset class=\"entry\">\s*<legend>Choice 1</legend>", html)
    assert 'value="Save question"' in html and 'value="Add choice"' in html
    assert "<script" not in html and "style=" not in html


@pytest.mark.parametrize("type_name", list(TYPES))
def test_the_pages_have_unique_ids_and_no_inline_code(
    app: Flask, world: World, teacher: FlaskClient, type_name: str
) -> None:
    question_id = add_question(app, world)
    for path in (
        new_url(world, type_name),
        f"/teacher/questions/{question_id}/edit",
        f"/teacher/questions/{question_id}/preview",
        "/teacher/questions",
        "/teacher/questions/new",
    ):
        html = teacher.get(path).get_data(as_text=True)
        ids = re.findall(r'\sid="([^"]+)"', html)
        assert len(ids) == len(set(ids)), (path, sorted(i for i in ids if ids.count(i) > 1))
        assert "<script>" not in html and "style=" not in html, path


# --------------------------------------------------------------------------- the browser


def bank_rows(html: str) -> list[str]:
    """The prompts listed in the bank browser, in order."""
    return [
        html_module.unescape(re.sub(r"<[^>]+>", "", prompt))
        for prompt in re.findall(r'<span class="prompt">(.*?)</span>', html, re.S)
    ]


@pytest.fixture
def browsable(app: Flask, world: World) -> dict[str, int]:
    ids = {
        "easy": add_question(app, world, "Easy tea one?", difficulty=1, tags=["tea"]),
        "hard": add_question(app, world, "Hard tea one?", difficulty=3, tags=["trade"]),
        "bare": add_question(app, world, "Bare one?", evidence=None),
    }
    with app.app_context():
        numeric = question_from_mapping(
            {
                "id": "draft",
                "type": "numeric",
                "prompt": "How many million pounds?",
                "answer": 10,
                "evidence": "Britain imported 10 million pounds of tea in 1750.",
            }
        )
        ids["numeric"] = question_authoring.save_question(
            article_id=world.article_id,
            section_id=world.sections["the-tea-trade"],
            question=numeric,
            author_id=world.teacher_id,
            now=NOW,
        ).id
    return ids


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["Easy tea one?", "Hard tea one?", "Bare one?", "How many million pounds?"]),
        ("?type=numeric", ["How many million pounds?"]),
        ("?difficulty=3", ["Hard tea one?"]),
        ("?tag=tea", ["Easy tea one?"]),
        ("?health=no+evidence", ["Bare one?"]),
        ("?q=TEA+one", ["Easy tea one?", "Hard tea one?"]),
        (
            "?type=nonsense&difficulty=9",
            ["Easy tea one?", "Hard tea one?", "Bare one?", "How many million pounds?"],
        ),
    ],
)
def test_the_bank_browser_filters_and_searches(
    browsable: dict[str, int], teacher: FlaskClient, query: str, expected: list[str]
) -> None:
    response = teacher.get("/teacher/questions" + query)

    assert response.status_code == 200
    assert bank_rows(response.get_data(as_text=True)) == expected


def test_the_bank_browser_filters_by_article_and_section(
    app: Flask, world: World, browsable: dict[str, int], teacher: FlaskClient
) -> None:
    section = world.sections["the-tea-trade"]
    html = teacher.get(f"/teacher/questions?article={world.article_id}&section={section}").get_data(
        as_text=True
    )

    assert bank_rows(html) == ["How many million pounds?"]
    assert f'<option selected value="{section}">The tea trade</option>' in html
    assert f'href="/teacher/questions/new?article={world.article_id}"' in html
    assert bank_rows(teacher.get("/teacher/questions?article=999").get_data(as_text=True)) == []


def test_the_bank_browser_links_to_new_edit_and_preview(
    browsable: dict[str, int], teacher: FlaskClient
) -> None:
    html = teacher.get("/teacher/questions").get_data(as_text=True)

    assert re.search(r'<a class="button" href="/teacher/questions/new">New question</a>', html)
    assert f'href="/teacher/questions/{browsable["easy"]}/edit"' in html
    assert f'href="/teacher/questions/{browsable["easy"]}/preview"' in html


def _add_many(app: Flask, world: World, count: int) -> None:
    for n in range(count):
        add_question(app, world, f"Question number {n:02d}?")


def test_the_bank_browser_paginates_keeping_the_filters(
    app: Flask, world: World, teacher: FlaskClient
) -> None:
    _add_many(app, world, 45)

    first = teacher.get("/teacher/questions?q=number").get_data(as_text=True)
    last = teacher.get("/teacher/questions?q=number&page=3").get_data(as_text=True)

    assert "45 questions · page 1 of 3" in page_text(first)
    assert bank_rows(first)[0] == "Question number 00?" and len(bank_rows(first)) == 20
    assert '<a rel="next" href="/teacher/questions?page=2&amp;q=number">Next page</a>' in first
    assert bank_rows(last) == [f"Question number {n}?" for n in range(40, 45)]
    assert "Next page" not in last and "Previous page" in last


@pytest.mark.parametrize("count", [20, 60])
def test_the_bank_browser_runs_a_fixed_number_of_queries(
    app: Flask, world: World, teacher: FlaskClient, count_queries, count: int
) -> None:
    _add_many(app, world, count)

    with count_queries() as counter:
        response = teacher.get("/teacher/questions")

    assert len(bank_rows(response.get_data(as_text=True))) == 20
    # The user, then the count, the page, the articles and their sections.
    assert counter.count == 5, counter.statements
