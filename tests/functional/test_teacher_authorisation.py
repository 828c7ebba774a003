"""Who may use each route of the ``teacher`` blueprint.

The routes are read from ``app.url_map``, so a route added later is checked for
anonymous visitors and students at once, and the owner and other-teacher tests fail
until the new route's expected answer is written into the table below. Admins are
teachers too; the routes in ``ADMIN_ONLY`` answer plain teachers with a 403.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import Rule
from werkzeug.test import TestResponse

from quizapp.extensions import db
from quizapp.models import (
    Article,
    Attempt,
    DeletedStudentData,
    Enrolment,
    Question,
    Quiz,
    SchoolClass,
    User,
)
from tests.factories import (
    ECONOMY,
    MILITARY,
    create_admin,
    create_assessment,
    create_class,
    create_student,
    create_teacher,
    enrol,
    load_article,
    logged_in_client,
    section_rule,
    submitted_attempt_for,
    token_for,
)

# A route whose URL names one of these belongs to one teacher; any other route is shared
# by every teacher (the question bank, articles, the builders).
OWNED_ARGUMENTS = frozenset({"class_id", "quiz_id", "attempt_id"})
# Shared routes only admins may use: making accounts teachers.
ADMIN_ONLY = frozenset({"teacher.promote"})


@dataclass(frozen=True)
class World:
    """Ids of teacher A's objects, plus the people who try to reach them."""

    class_id: int
    quiz_id: int
    attempt_id: int
    student_id: int  # Ada, in A's class, with a submitted attempt
    spare_student_email: str  # Bob, in no class (the one promoted)
    # A bank question no attempt drew, outside the quiz's section, so no open quiz needs it
    # and any teacher may retire or delete it.
    question_id: int
    article_id: int


@pytest.fixture
def world(app: Flask) -> World:
    with app.app_context():
        article = load_article((ECONOMY, MILITARY))
        teacher_a = create_teacher("grace@example.com", "Grace Hopper")
        create_teacher("bea@example.com", "Bea Other")
        create_admin("ida@example.com", "Ida Admin")
        ada = create_student("ada@example.com", "Ada Lovelace")
        bob = create_student("bob@example.com", "Bob Spare")
        school_class = create_class(teacher_a)
        enrol(ada, school_class)
        quiz = create_assessment(
            teacher_a, school_class, article, rules=[section_rule(article, ECONOMY, 3)]
        )
        attempt = submitted_attempt_for(quiz, ada, right=1)
        military = next(s.id for s in article.sections if s.slug == MILITARY)
        undrawn = db.session.scalars(
            db.select(Question.id).where(Question.section_id == military).order_by(Question.id)
        ).first()
        return World(
            class_id=school_class.id,
            quiz_id=quiz.id,
            attempt_id=attempt.id,
            student_id=ada.id,
            spare_student_email=bob.email,
            question_id=undrawn,
            article_id=article.id,
        )


# ----------------------------------------------------------------------------- the routes


@dataclass(frozen=True)
class Route:
    endpoint: str
    method: str
    path: str
    owned: bool


def _teacher_routes(app: Flask, world: World) -> list[Route]:
    values = {
        "class_id": world.class_id,
        "quiz_id": world.quiz_id,
        "attempt_id": world.attempt_id,
        "student_id": world.student_id,
        "question_id": world.question_id,
        "article_id": world.article_id,
    }
    routes = []
    rules: list[Rule] = [r for r in app.url_map.iter_rules() if r.endpoint.startswith("teacher.")]
    assert len(rules) >= 20, "the teacher blueprint lost its routes"
    for rule in rules:
        unknown = rule.arguments - values.keys()
        assert not unknown, f"{rule.rule}: give the test a real id for {sorted(unknown)}"
        path = rule.build({name: values[name] for name in rule.arguments}, append_unknown=False)[1]
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            routes.append(
                Route(rule.endpoint, method, path, bool(rule.arguments & OWNED_ARGUMENTS))
            )
    return routes


def _request(client: FlaskClient, route: Route, token: str, data: dict | None = None):
    if route.method == "GET":
        return client.get(route.path)
    return client.post(route.path, data={"csrf_token": token, **(data or {})})


def _snapshot(app: Flask) -> tuple:
    """Everything a teacher route could change."""
    with app.app_context():

        def rows(*columns):
            return tuple(db.session.execute(db.select(*columns).order_by(columns[0])).all())

        return (
            rows(
                SchoolClass.id,
                SchoolClass.name,
                SchoolClass.join_code,
                SchoolClass.deleted_student_data,
            ),
            rows(Enrolment.id, Enrolment.removed_at),
            rows(Quiz.id, Quiz.title, Quiz.published_at, Quiz.updated_at),
            rows(Question.id, Question.retired_at, Question.current_version_number),
            rows(User.id, User.role),
            rows(Attempt.id, Attempt.state, Attempt.score),
            rows(Article.id, Article.title, Article.updated_at),
        )


def _result(response: TestResponse) -> tuple[int, str | None]:
    return response.status_code, response.headers.get("Location")


# What the owner (and, for shared routes, any teacher) gets from each POST. The form data
# is sent with a valid token; the location is a regular expression.
def _post_expectations(world: World) -> dict[str, tuple[dict, int, str | None]]:
    class_page = f"/teacher/classes/{world.class_id}"
    quiz_page = f"/teacher/quizzes/{world.quiz_id}"
    question_edit = f"/teacher/questions/{world.question_id}/edit"
    return {
        "teacher.new_class": ({"name": "Another class"}, 302, r"/teacher/classes/\d+"),
        "teacher.new_join_code": ({}, 302, class_page),
        "teacher.remove": ({}, 302, class_page),
        "teacher.readmit": ({}, 302, class_page),
        "teacher.reset_code": ({}, 200, None),  # the student's reset code, shown once
        "teacher.deleted_student_data": ({"policy": "remove"}, 302, class_page),
        "teacher.remove_data": ({}, 302, class_page),
        "teacher.promote": ({"email": world.spare_student_email}, 302, "/teacher/teachers"),
        "teacher.publish": ({}, 302, quiz_page),
        "teacher.unpublish": ({}, 302, quiz_page),
        "teacher.retire_question": ({}, 302, question_edit),
        "teacher.restore_question": ({}, 302, question_edit),
        "teacher.delete_question": (
            {},
            302,
            re.escape(f"/teacher/questions?article={world.article_id}"),
        ),
        # Posted without their fields: the builder forms come back with their errors.
        "teacher.new_quiz": ({}, 200, None),  # no article chosen yet: the article picker
        "teacher.edit_quiz": ({}, 400, None),
        "teacher.new_question": ({}, 200, None),  # no type chosen yet: the type picker
        "teacher.edit_question": ({}, 400, None),
        "teacher.new_article": ({}, 400, None),
        # A form without the text field keeps the stored text: saved unchanged.
        "teacher.edit_article": ({}, 302, f"/teacher/articles/{world.article_id}/edit"),
        # Imports posted without a file: the upload form comes back with its errors.
        "teacher.import_upload": ({}, 400, None),
        "teacher.import_confirm": ({}, 400, None),
    }


def _check_post(route: Route, response: TestResponse, expected: tuple) -> str | None:
    _, status, location = expected
    actual_location = response.headers.get("Location")
    if response.status_code != status:
        return f"{route.method} {route.path}: {response.status_code}, expected {status}"
    if location is None and actual_location is not None:
        return f"{route.method} {route.path}: unexpected redirect to {actual_location}"
    if location is not None and not re.fullmatch(location, actual_location or ""):
        return f"{route.method} {route.path}: redirected to {actual_location}, not {location}"
    return None


def _ordered(routes: Iterable[Route]) -> list[Route]:
    # Deleting the question is done after the routes that show or change it, and removing
    # Ada's data last, after the routes that show her attempt or change her enrolment.
    return sorted(
        routes,
        key=lambda r: (
            r.endpoint == "teacher.remove_data",
            r.endpoint == "teacher.delete_question",
        ),
    )


# ------------------------------------------------------------------------------ the tests


def test_every_teacher_route_is_enumerated(app: Flask, world: World) -> None:
    routes = _teacher_routes(app, world)
    endpoints = {r.endpoint for r in routes}
    posts = {r.endpoint for r in routes if r.method == "POST"}

    # The pages this suite was written against; more may come, none may vanish silently.
    assert {
        "teacher.dashboard",
        "teacher.class_page",
        "teacher.gradebook_download",
        "teacher.responses_download",
        "teacher.attempt_review",
        "teacher.analysis",
        "teacher.insight",
        "teacher.promote",
    } <= endpoints
    assert posts <= _post_expectations(world).keys(), (
        "a new POST route needs its expected answer in _post_expectations"
    )


def test_anonymous_visitors_are_sent_to_log_in_from_every_teacher_route(
    app: Flask, world: World
) -> None:
    client = app.test_client()
    token = token_for(client, "/login")
    before = _snapshot(app)
    wrong = []

    for route in _teacher_routes(app, world):
        response = _request(client, route, token)
        location = urlsplit(response.headers.get("Location", ""))
        if (
            response.status_code != 302
            or location.path != "/login"
            or parse_qs(location.query).get("next") != [route.path]
        ):
            wrong.append((route.method, route.path, *_result(response)))

    assert wrong == []
    assert _snapshot(app) == before


def test_students_get_403_on_every_teacher_route(app: Flask, world: World) -> None:
    client = logged_in_client(app, "ada@example.com")
    token = token_for(client, "/student/")
    before = _snapshot(app)

    statuses = {
        (route.method, route.path): _request(client, route, token).status_code
        for route in _teacher_routes(app, world)
    }

    assert set(statuses.values()) == {403}, statuses
    assert _snapshot(app) == before


def test_another_teacher_gets_404_for_owned_routes_and_uses_shared_ones(
    app: Flask, world: World
) -> None:
    client = logged_in_client(app, "bea@example.com")
    token = token_for(client, "/teacher/")
    routes = _teacher_routes(app, world)
    owned = [r for r in routes if r.owned]
    shared = [r for r in routes if not r.owned]
    assert {r.endpoint for r in owned} >= {
        "teacher.class_page",
        "teacher.quiz_page",
        "teacher.attempt_review",
        "teacher.gradebook_download",
        "teacher.responses_download",
    }
    before = _snapshot(app)

    not_found = {(r.method, r.path): _request(client, r, token).status_code for r in owned}

    assert set(not_found.values()) == {404}, not_found
    assert _snapshot(app) == before

    refused = {
        (r.method, r.path): _request(client, r, token, _post_expectations(world)[r.endpoint][0])
        for r in shared
        if r.endpoint in ADMIN_ONLY
    }
    assert {key: response.status_code for key, response in refused.items()} == {
        ("GET", "/teacher/teachers"): 403,
        ("POST", "/teacher/teachers"): 403,
    }
    assert _snapshot(app) == before

    expectations = _post_expectations(world)
    wrong = []
    for route in _ordered(r for r in shared if r.endpoint not in ADMIN_ONLY):
        if route.method == "GET":
            response = client.get(route.path)
            if response.status_code != 200:
                wrong.append((route.method, route.path, *_result(response)))
        else:
            data = expectations[route.endpoint][0]
            problem = _check_post(
                route, _request(client, route, token, data), expectations[route.endpoint]
            )
            if problem:
                wrong.append(problem)
    assert wrong == []


def test_a_teachers_own_quiz_does_not_open_another_quizs_attempt(app: Flask, world: World) -> None:
    with app.app_context():
        bea = db.session.scalar(db.select(User).where(User.email == "bea@example.com"))
        article = db.session.get(Article, world.article_id)
        bea_class = create_class(bea, "Bea's class")
        bea_quiz = create_assessment(bea, bea_class, article, title="Bea's quiz").id
    bea_client = logged_in_client(app, "bea@example.com")
    owner = logged_in_client(app, "grace@example.com")

    assert bea_client.get(f"/teacher/quizzes/{bea_quiz}").status_code == 200
    assert (
        bea_client.get(f"/teacher/quizzes/{bea_quiz}/attempts/{world.attempt_id}").status_code
        == 404
    )
    assert (
        owner.get(f"/teacher/quizzes/{world.quiz_id}/attempts/{world.attempt_id}").status_code
        == 200
    )
    assert owner.get(f"/teacher/quizzes/{world.quiz_id}/attempts/0").status_code == 404
    assert owner.get(f"/teacher/quizzes/{bea_quiz}").status_code == 404


def test_the_owner_gets_every_page_and_every_post_does_what_it_says(
    app: Flask, world: World
) -> None:
    client = logged_in_client(app, "grace@example.com")
    token = token_for(client, "/teacher/")
    expectations = _post_expectations(world)
    wrong = []

    for route in _ordered(_teacher_routes(app, world)):
        if route.endpoint in ADMIN_ONLY:
            # The owner is a plain teacher.
            data = {"email": world.spare_student_email}
            status = _request(client, route, token, data).status_code
            if status != 403:
                wrong.append((route.method, route.path, status))
            continue
        if route.method == "GET":
            response = client.get(route.path)
            if response.status_code != 200:
                wrong.append((route.method, route.path, *_result(response)))
            continue
        if route.endpoint == "teacher.remove_data":
            removed_before = _ada_removed_at(app, world)
        data = expectations[route.endpoint][0]
        problem = _check_post(
            route, _request(client, route, token, data), expectations[route.endpoint]
        )
        if problem:
            wrong.append(problem)

    assert wrong == []
    # Ada was still in the class after remove + readmit; removing her data (last) ended it.
    assert removed_before is None
    assert _ada_removed_at(app, world) is not None
    with app.app_context():
        # The POSTs took effect: the quiz went back to draft after publish + unpublish,
        # the question was deleted, Ada's attempt went with her data, and the class now
        # deletes a deleted student's attempts; Bob is still a student, since only an
        # admin may make teachers.
        assert db.session.get(Quiz, world.quiz_id).published_at is None
        assert db.session.get(Question, world.question_id) is None
        assert db.session.get(Attempt, world.attempt_id) is None
        school_class = db.session.get_one(SchoolClass, world.class_id)
        assert school_class.deleted_student_data is DeletedStudentData.REMOVE
        bob = db.session.scalar(db.select(User).where(User.email == world.spare_student_email))
        assert bob.is_student


def _ada_removed_at(app: Flask, world: World) -> dt.datetime | None:
    with app.app_context():
        return db.session.scalar(
            db.select(Enrolment.removed_at).where(Enrolment.student_id == world.student_id)
        )


def test_an_admin_is_a_teacher_on_every_shared_route_and_alone_may_promote(
    app: Flask, world: World
) -> None:
    client = logged_in_client(app, "ida@example.com")
    token = token_for(client, "/teacher/")
    routes = _teacher_routes(app, world)
    owned = [r for r in routes if r.owned]
    before = _snapshot(app)

    # Another teacher's classes, quizzes and attempts are not an admin's either.
    not_found = {(r.method, r.path): _request(client, r, token).status_code for r in owned}

    assert set(not_found.values()) == {404}, not_found
    assert _snapshot(app) == before
    expectations = _post_expectations(world)
    wrong = []
    for route in _ordered(r for r in routes if not r.owned):
        if route.method == "GET":
            response = client.get(route.path)
            if response.status_code != 200:
                wrong.append((route.method, route.path, *_result(response)))
            continue
        data = expectations[route.endpoint][0]
        problem = _check_post(
            route, _request(client, route, token, data), expectations[route.endpoint]
        )
        if problem:
            wrong.append(problem)
    assert wrong == []
    with app.app_context():
        bob = db.session.scalar(db.select(User).where(User.email == world.spare_student_email))
        assert bob.is_teacher


def test_posts_without_a_token_are_refused_even_for_the_owner(app: Flask, world: World) -> None:
    client = logged_in_client(app, "grace@example.com")
    before = _snapshot(app)

    statuses = {
        r.path: client.post(r.path, data=_post_expectations(world)[r.endpoint][0]).status_code
        for r in _teacher_routes(app, world)
        if r.method == "POST"
    }

    assert set(statuses.values()) == {400}, statuses
    assert _snapshot(app) == before
