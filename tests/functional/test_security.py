"""CSRF, security headers, inline-code-free pages, and who may open which student page."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from quizapp.extensions import db
from quizapp.models import Article, Attempt, AttemptState, Enrolment, SchoolClass, User
from quizapp.services.attempts import submit_attempt
from quizapp.services.practice import start_practice
from tests.factories import (
    ECONOMY,
    GRACE,
    NOW,
    PASSWORD,
    ClassWorld,
    build_class_world,
    create_assessment,
    create_class,
    create_student,
    logged_in_client,
    login,
    parse,
    reload_attempt,
    section_rule,
    session_token,
    start,
    stored_answers,
    token_for,
)

# ------------------------------------------------------------------------------ fixtures


@pytest.fixture
def world(app: Flask) -> ClassWorld:
    return build_class_world(app)


@pytest.fixture
def ada(app: Flask, world: ClassWorld) -> FlaskClient:
    return logged_in_client(app, "ada@example.com")


def _question_url(world: ClassWorld, position: int = 1) -> str:
    return f"/student/attempts/{world.attempt_id}/questions/{position}"


def _attempt_state(app: Flask, attempt_id: int) -> tuple[AttemptState, float | None]:
    with app.app_context():
        attempt = reload_attempt(attempt_id)
        return attempt.state, attempt.score


def _attempt_count(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count(Attempt.id)))


def _enrolled_in(app: Flask, class_id: int) -> set[int]:
    with app.app_context():
        return set(
            db.session.execute(
                db.select(Enrolment.student_id).where(Enrolment.class_id == class_id)
            ).scalars()
        )


def _second_class(app: Flask, world: ClassWorld) -> tuple[int, str]:
    with app.app_context():
        teacher = db.session.get(User, world.teacher_id)
        other = create_class(teacher, "History 11A")
        return other.id, other.join_code


# ---------------------------------------------------------------------------------- CSRF


@dataclass(frozen=True)
class CsrfCase:
    """A student's POST, and how to read what it changes."""

    path: Callable[[ClassWorld], str]
    data: Callable[[ClassWorld], dict]
    state: Callable[[Flask, ClassWorld], object]


CSRF_CASES = {
    "answer-save": CsrfCase(
        path=_question_url,
        data=lambda w: {**w.forms[1], "action": "next"},
        state=lambda app, w: _stored(app, w)[1],
    ),
    "autosave": CsrfCase(
        path=lambda w: _question_url(w) + "/autosave",
        data=lambda w: w.forms[1],
        state=lambda app, w: _stored(app, w)[1],
    ),
    "submit": CsrfCase(
        path=lambda w: f"/student/attempts/{w.attempt_id}/submit",
        data=lambda w: {},
        state=lambda app, w: _attempt_state(app, w.attempt_id),
    ),
    "practice": CsrfCase(
        path=lambda w: "/student/practice",
        data=lambda w: {"section": f"section-{w.section_ids[ECONOMY]}", "question_count": 3},
        state=lambda app, w: _attempt_count(app),
    ),
}


def _stored(app: Flask, world: ClassWorld) -> dict[int, object]:
    with app.app_context():
        return stored_answers(world.attempt_id)


def _bad_tokens(app: Flask) -> dict[str, str | None]:
    return {
        "missing": None,
        "empty": "",
        "forged": "IjAxMjM0NTY3ODkwYWJjZGVmIg.forged.signature",
        "another session's": token_for(app.test_client()),
    }


@pytest.mark.parametrize("case", list(CSRF_CASES))
def test_student_posts_without_a_valid_csrf_token_are_refused_and_change_nothing(
    app: Flask, world: ClassWorld, ada: FlaskClient, case: str
) -> None:
    spec = CSRF_CASES[case]
    before = spec.state(app, world)
    # The page's JavaScript sends the token in a header; forms send it as a field.
    via_header = case == "autosave"

    def send(token: str | None) -> TestResponse:
        fields = {} if via_header or token is None else {"csrf_token": token}
        headers = {"X-CSRFToken": token} if via_header and token is not None else {}
        return ada.post(spec.path(world), data={**spec.data(world), **fields}, headers=headers)

    for name, token in _bad_tokens(app).items():
        response = send(token)
        assert response.status_code == 400, (name, response.status_code)
        assert spec.state(app, world) == before, name

    # The same request with the page's token goes through, so the 400s above were CSRF.
    response = send(session_token(ada))
    assert response.status_code in (200, 302)
    assert spec.state(app, world) != before


def test_autosave_json_error_for_a_missing_token(
    app: Flask, world: ClassWorld, ada: FlaskClient
) -> None:
    response = ada.post(
        _question_url(world) + "/autosave",
        data=world.forms[1],
        headers={"Accept": "application/json"},
    )

    assert response.status_code == 400
    assert response.is_json
    assert "CSRF" in response.get_json()["message"]


def test_join_class_without_a_token_is_refused(
    app: Flask, world: ClassWorld, ada: FlaskClient
) -> None:
    class_id, code = _second_class(app, world)

    for token in _bad_tokens(app).values():
        fields = {} if token is None else {"csrf_token": token}
        response = ada.post("/student/classes/join", data={"code": code, **fields})
        assert response.status_code == 400
        assert world.ada_id not in _enrolled_in(app, class_id)

    token = session_token(ada)
    response = ada.post("/student/classes/join", data={"code": code, "csrf_token": token})
    assert response.status_code == 302
    assert world.ada_id in _enrolled_in(app, class_id)


def test_login_without_a_token_is_refused(app: Flask, world: ClassWorld) -> None:
    client = app.test_client()
    client.get("/login")

    for token in _bad_tokens(app).values():
        fields = {} if token is None else {"csrf_token": token}
        response = client.post(
            "/login", data={"email": "ada@example.com", "password": PASSWORD, **fields}
        )
        assert response.status_code == 400
        assert client.get("/student/").status_code == 302

    assert login(client).status_code == 302
    assert client.get("/student/").status_code == 200


# ------------------------------------------------------------------------ security headers


def _pages(app: Flask, world: ClassWorld) -> dict[str, tuple[str, str]]:
    """name -> (who, path) for every main page."""
    with app.app_context():
        # A second, finished attempt so the result page exists.
        other = _finished_attempt(world)
    return {
        "home": ("anonymous", "/"),
        "article": ("anonymous", f"/articles/{world.article_slug}"),
        "login": ("anonymous", "/login"),
        "signup": ("anonymous", "/signup"),
        "not found": ("anonymous", "/no-such-page"),
        "dashboard": ("ada", "/student/"),
        "progress": ("ada", "/student/progress"),
        "question": ("ada", _question_url(world)),
        "submit": ("ada", f"/student/attempts/{world.attempt_id}/submit"),
        "result": ("ada", f"/student/attempts/{other}"),
        "article with evidence": (
            "ada",
            f"/articles/{world.article_slug}?attempt={other}&question=1",
        ),
        "forbidden": ("teacher", "/student/"),
    }


def _finished_attempt(world: ClassWorld) -> int:
    """Submit an attempt of Ada's at a second quiz; returns its id."""
    article = db.session.get(Article, world.article_id)
    quiz = create_assessment(
        db.session.get(User, world.teacher_id),
        db.session.get(SchoolClass, world.class_id),
        article,
        rules=[section_rule(article, ECONOMY, 2)],
        title="Second quiz",
    )
    attempt = start(quiz, db.session.get(User, world.ada_id), seed=7)
    submit_attempt(attempt, now=NOW)
    return attempt.id


def _client_for(app: Flask, who: str) -> FlaskClient:
    if who == "anonymous":
        return app.test_client()
    email = {"ada": "ada@example.com", "teacher": "grace@example.com"}[who]
    return logged_in_client(app, email)


def _csp(response: TestResponse) -> dict[str, list[str]]:
    policy = response.headers.get("Content-Security-Policy", "")
    directives = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    return directives


def _inline_code_problems(html: str) -> list[str]:
    page = parse(html)
    problems = []
    if page.inline_scripts:
        problems.append(f"{page.inline_scripts} inline <script> block(s)")
    for tag, attrs in page.tags:
        if tag == "style":
            problems.append("<style> element")
        if tag == "script" and "src" not in attrs:
            problems.append("<script> without src")
        for name, value in attrs.items():
            if name.startswith("on"):
                problems.append(f"<{tag} {name}=...> event handler")
            if name == "style":
                problems.append(f"<{tag} style={value!r}>")
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                problems.append(f"<{tag} {name}={value!r}>")
    return problems


def test_main_pages_send_security_headers_and_have_no_inline_code(
    app: Flask, world: ClassWorld
) -> None:
    clients: dict[str, FlaskClient] = {}
    problems: dict[str, list[str]] = {}
    for name, (who, path) in _pages(app, world).items():
        client = clients.get(who) or clients.setdefault(who, _client_for(app, who))
        response = client.get(path)
        assert response.status_code in (200, 403, 404), (name, response.status_code)
        html = response.get_data(as_text=True)
        assert "<html" in html, name
        found = _inline_code_problems(html)
        csp = _csp(response)
        if csp.get("script-src") != ["'self'"]:
            found.append(f"script-src is {csp.get('script-src')}")
        if csp.get("frame-ancestors") != ["'none'"]:
            found.append(f"frame-ancestors is {csp.get('frame-ancestors')}")
        if any("'unsafe-inline'" in values or "'unsafe-eval'" in values for values in csp.values()):
            found.append("unsafe-inline/unsafe-eval in the policy")
        if "'self'" not in csp.get("style-src", csp.get("default-src", [])):
            found.append("no style-src 'self'")
        if response.headers.get("X-Content-Type-Options") != "nosniff":
            found.append("no X-Content-Type-Options: nosniff")
        if response.headers.get("Referrer-Policy") not in (
            "no-referrer",
            "same-origin",
            "strict-origin",
            "strict-origin-when-cross-origin",
        ):
            found.append(f"Referrer-Policy is {response.headers.get('Referrer-Policy')}")
        if name == "question":
            # Its only script is the static autosave/timer file.
            scripts = [a.get("src") for tag, a in parse(html).tags if tag == "script"]
            if scripts != ["/static/js/attempt.js"]:
                found.append(f"scripts {scripts}")
        if found:
            problems[name] = found

    # JSON and redirects carry the headers too.
    ada = clients["ada"]
    saved = ada.post(
        _question_url(world, 2) + "/autosave",
        data=world.forms[2],
        headers={"X-CSRFToken": session_token(ada)},
    )
    redirect = app.test_client().get("/student/")
    assert (saved.status_code, redirect.status_code) == (200, 302)
    for response in (saved, redirect):
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert problems == {}


def test_session_cookie_is_httponly_and_samesite_lax(app: Flask, world: ClassWorld) -> None:
    client = app.test_client()
    response = login(client)

    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert cookies, response.headers
    for cookie in cookies:
        attributes = {part.strip().split("=")[0].lower(): part for part in cookie.split(";")}
        assert "httponly" in attributes
        assert attributes.get("samesite", "").strip().lower() == "samesite=lax"


# ---------------------------------------------------------------------------- authorisation


def _student_routes(world: ClassWorld) -> list[tuple[str, str]]:
    attempt = world.attempt_id
    return [
        ("GET", "/student/"),
        ("GET", "/student/progress"),
        ("POST", "/student/classes/join"),
        ("POST", "/student/practice"),
        ("POST", f"/student/quizzes/{world.quiz_id}/start"),
        ("GET", f"/student/attempts/{attempt}/questions/1"),
        ("POST", f"/student/attempts/{attempt}/questions/1"),
        ("POST", f"/student/attempts/{attempt}/questions/1/autosave"),
        ("GET", f"/student/attempts/{attempt}/submit"),
        ("POST", f"/student/attempts/{attempt}/submit"),
        ("GET", f"/student/attempts/{attempt}"),
    ]


def _request(client: FlaskClient, method: str, path: str, token: str) -> TestResponse:
    if method == "GET":
        return client.get(path)
    return client.post(path, data={"csrf_token": token}, headers={"X-CSRFToken": token})


def test_anonymous_visitors_are_sent_to_log_in_from_every_student_route(
    app: Flask, world: ClassWorld
) -> None:
    client = app.test_client()
    token = token_for(client)
    before = (_attempt_count(app), _stored(app, world))
    wrong = []

    for method, path in _student_routes(world):
        response = _request(client, method, path, token)
        location = urlsplit(response.headers.get("Location", ""))
        if (
            response.status_code != 302
            or location.path != "/login"
            or parse_qs(location.query).get("next") != [path]
        ):
            wrong.append((method, path, response.status_code, response.headers.get("Location")))

    assert wrong == []
    assert (_attempt_count(app), _stored(app, world)) == before


def test_the_login_page_after_a_redirect_goes_back_where_the_student_was(
    app: Flask, world: ClassWorld
) -> None:
    client = app.test_client()
    location = client.get("/student/progress").headers["Location"]
    next_path = parse_qs(urlsplit(location).query)["next"][0]

    response = login(client, next_path=next_path)

    assert response.headers["Location"] == "/student/progress"


def test_teachers_get_403_on_every_student_route(app: Flask, world: ClassWorld) -> None:
    client = logged_in_client(app, "grace@example.com")
    token = session_token(client)
    before = (_attempt_count(app), _stored(app, world))

    statuses = {
        (method, path): _request(client, method, path, token).status_code
        for method, path in _student_routes(world)
    }

    assert set(statuses.values()) == {403}, statuses
    assert (_attempt_count(app), _stored(app, world)) == before


def test_another_students_attempt_is_not_found_and_stays_unchanged(
    app: Flask, world: ClassWorld
) -> None:
    bob = logged_in_client(app, "bob@example.com")
    token = session_token(bob)
    attempt = world.attempt_id
    before = (_stored(app, world), _attempt_state(app, attempt))

    responses = {
        "question": bob.get(f"/student/attempts/{attempt}/questions/1"),
        "save": bob.post(
            f"/student/attempts/{attempt}/questions/1",
            data={**world.forms[1], "action": "next", "csrf_token": token},
        ),
        "autosave": bob.post(
            f"/student/attempts/{attempt}/questions/1/autosave",
            data=world.forms[1],
            headers={"X-CSRFToken": token, "Accept": "application/json"},
        ),
        "confirm": bob.get(f"/student/attempts/{attempt}/submit"),
        "submit": bob.post(f"/student/attempts/{attempt}/submit", data={"csrf_token": token}),
        "result": bob.get(f"/student/attempts/{attempt}"),
    }

    assert {name: r.status_code for name, r in responses.items()} == dict.fromkeys(responses, 404)
    assert (_stored(app, world), _attempt_state(app, attempt)) == before
    for response in responses.values():
        assert "Traceback" not in response.get_data(as_text=True)


def test_evidence_is_highlighted_only_for_the_attempts_owner(
    app: Flask, world: ClassWorld, ada: FlaskClient
) -> None:
    url = f"/articles/{world.article_slug}?attempt={world.attempt_id}&question=1"
    bob = logged_in_client(app, "bob@example.com")

    # Before submission nobody sees it: the answer could still change.
    assert '<mark id="evidence"' not in ada.get(url).get_data(as_text=True)
    token = session_token(ada)
    ada.post(f"/student/attempts/{world.attempt_id}/submit", data={"csrf_token": token})

    assert '<mark id="evidence"' in ada.get(url).get_data(as_text=True)
    stranger = bob.get(url)
    assert stranger.status_code == 200
    assert '<mark id="evidence"' not in stranger.get_data(as_text=True)
    anonymous = app.test_client().get(url)
    assert '<mark id="evidence"' not in anonymous.get_data(as_text=True)


def test_someone_elses_practice_quiz_is_the_same_404(app: Flask, world: ClassWorld) -> None:
    with app.app_context():
        practice = start_practice(
            world.ada_id,
            article_id=world.article_id,
            section_id=None,
            question_count=2,
            now=NOW,
            grace=GRACE,
        )
        practice_quiz_id = practice.quiz_id
    bob = logged_in_client(app, "bob@example.com")
    before = _attempt_count(app)

    response = bob.post(
        f"/student/quizzes/{practice_quiz_id}/start", data={"csrf_token": session_token(bob)}
    )

    assert response.status_code == 404
    assert "There is no such quiz." in response.get_data(as_text=True)
    assert _attempt_count(app) == before


def test_a_quiz_of_a_class_the_student_is_not_in_cannot_be_started(
    app: Flask, world: ClassWorld
) -> None:
    with app.app_context():
        create_student("carol@example.com", "Carol Outsider")
    client = logged_in_client(app, "carol@example.com")
    before = _attempt_count(app)
    token = session_token(client)

    response = client.post(f"/student/quizzes/{world.quiz_id}/start", data={"csrf_token": token})

    # The same 404 as for a quiz that does not exist: ids cannot be probed.
    assert response.status_code == 404
    assert "There is no such quiz." in response.get_data(as_text=True)
    missing = client.post("/student/quizzes/999999/start", data={"csrf_token": token})
    assert missing.status_code == 404
    assert "There is no such quiz." in missing.get_data(as_text=True)
    assert _attempt_count(app) == before
