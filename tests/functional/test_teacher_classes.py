"""Classes as a teacher runs them: creating, join codes, the roster, promoting accounts."""

from __future__ import annotations

import html as html_module
import re
from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from quizapp.extensions import db
from quizapp.models import Attempt, AttemptQuestion, Enrolment, Response, Role, SchoolClass, User
from quizapp.services.classes import ClassError, join_class
from quizapp.services.users import AccountError, promote_to_teacher
from tests.factories import (
    ECONOMY,
    NOW,
    create_admin,
    create_assessment,
    create_class,
    create_student,
    create_teacher,
    csrf_token,
    enrol,
    field_error,
    load_article,
    logged_in_client,
    page_text,
    section_rule,
    submitted_attempt_for,
    token_for,
)

# Eight characters from the alphabet without 0, O, 1, I and L.
JOIN_CODE = re.compile(r"[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{8}")


def _join_code_on(html: str) -> str:
    match = re.search(r'<strong class="join-code"><code>([^<]*)</code></strong>', html)
    assert match, "no join code on the page"
    return match.group(1)


def _form_action(html: str, button: str) -> str:
    """The action of the form whose button reads (or is labelled) ``button``."""
    label = re.escape(html_module.escape(button))
    for form in re.findall(r"<form\b.*?</form>", html, re.S):
        if re.search(rf'<button[^>]*(aria-label="{label}"[^>]*>|>\s*{label}\s*</button>)', form):
            return html_module.unescape(re.search(r'action="([^"]*)"', form).group(1))
    raise AssertionError(f"no form with a {button!r} button on the page")


def _press(client: FlaskClient, page: str, button: str) -> TestResponse:
    """Load ``page``, then submit the form of ``button`` as a browser would."""
    html = client.get(page).get_data(as_text=True)
    return client.post(_form_action(html, button), data={"csrf_token": csrf_token(html)})


def _flashes(html: str) -> list[str]:
    return [
        " ".join(html_module.unescape(m).split())
        for m in re.findall(r'<p class="flash[^"]*">(.*?)</p>', html, re.S)
    ]


# --------------------------------------------------------------------------- a new class


@pytest.fixture
def teacher(app: Flask) -> FlaskClient:
    with app.app_context():
        create_teacher()
    return logged_in_client(app, "grace@example.com")


def test_new_class_from_the_dashboard_shows_its_join_code(app: Flask, teacher: FlaskClient) -> None:
    dashboard = teacher.get("/teacher/").get_data(as_text=True)
    new_class_link = re.search(r'<a class="button" href="([^"]+)">New class</a>', dashboard)
    assert new_class_link, "no New class button on the dashboard"

    form_page = teacher.get(new_class_link.group(1)).get_data(as_text=True)
    assert re.search(r'<label for="name">Class name</label>', form_page)
    assert 'value="Create class"' in form_page
    response = teacher.post(
        new_class_link.group(1),
        data={
            "csrf_token": csrf_token(form_page),
            "name": "  History 10B  ",
            "submit": "Create class",
        },
    )

    assert response.status_code == 302
    page = teacher.get(response.headers["Location"]).get_data(as_text=True)
    code = _join_code_on(page)
    assert JOIN_CODE.fullmatch(code), code
    with app.app_context():
        school_class = db.session.scalars(db.select(SchoolClass)).one()
        assert (school_class.name, school_class.join_code) == ("History 10B", code)
    assert f"Class History 10B created. Its join code is {code}." in _flashes(page)
    assert "<h1>History 10B</h1>" in page


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "This field is required."),
        ("   ", "This field is required."),
        ("x" * 121, "Field cannot be longer than 120 characters."),
    ],
)
def test_a_class_needs_a_name(app: Flask, teacher: FlaskClient, name: str, message: str) -> None:
    token = token_for(teacher, "/teacher/classes/new")

    response = teacher.post("/teacher/classes/new", data={"csrf_token": token, "name": name})

    assert response.status_code == 200
    assert field_error(response.get_data(as_text=True), "name") == message
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(SchoolClass.id))) == 0


def test_new_code_replaces_the_old_one_for_joining(app: Flask, teacher: FlaskClient) -> None:
    with app.app_context():
        grace = db.session.scalar(db.select(User).where(User.email == "grace@example.com"))
        class_id = create_class(grace).id
        ada = create_student("ada@example.com", "Ada Lovelace")
        bob_id = create_student("bob@example.com", "Bob Student").id
        enrol(ada, db.session.get(SchoolClass, class_id))
    page = f"/teacher/classes/{class_id}"
    codes = [_join_code_on(teacher.get(page).get_data(as_text=True))]

    for _ in range(10):
        response = _press(teacher, page, "New code")
        assert response.headers["Location"] == page
        html = teacher.get(page).get_data(as_text=True)
        codes.append(_join_code_on(html))
        assert f"The new join code is {codes[-1]}; the old one no longer works." in _flashes(html)

    assert all(JOIN_CODE.fullmatch(code) for code in codes), codes
    assert len(set(codes)) == len(codes), codes
    with app.app_context():
        bob = db.session.get(User, bob_id)
        for old in codes[:-1]:
            with pytest.raises(ClassError, match="No class has the code"):
                join_class(bob, old, now=NOW)
        assert join_class(bob, codes[-1].lower(), now=NOW).id == class_id
        # Ada, who joined with the first code, is still in the class.
        assert (
            db.session.scalar(
                db.select(db.func.count(Enrolment.id)).where(
                    Enrolment.class_id == class_id, Enrolment.removed_at.is_(None)
                )
            )
            == 2
        )


# ------------------------------------------------------------------------------ the roster


@dataclass(frozen=True)
class Roster:
    class_id: int
    quiz_id: int
    ada_id: int
    bob_id: int
    outsider_id: int


@pytest.fixture
def roster(app: Flask) -> Roster:
    with app.app_context():
        article = load_article((ECONOMY,))
        grace = create_teacher()
        school_class = create_class(grace)
        ada = create_student("ada@example.com", "Ada Lovelace")
        bob = create_student("bob@example.com", "Bob Student")
        outsider = create_student("cy@example.com", "Cy Outsider")
        enrol(ada, school_class)
        enrol(bob, school_class)
        quiz = create_assessment(
            grace, school_class, article, rules=[section_rule(article, ECONOMY, 3)], title="Trade"
        )
        submitted_attempt_for(quiz, ada, right=2)
        submitted_attempt_for(quiz, bob, right=1)
        return Roster(school_class.id, quiz.id, ada.id, bob.id, outsider.id)


def _attempts_of(app: Flask, student_id: int) -> list[tuple]:
    with app.app_context():
        return [
            tuple(row)
            for row in db.session.execute(
                db.select(
                    Attempt.id,
                    Attempt.quiz_id,
                    Attempt.state,
                    Attempt.score,
                    Attempt.max_score,
                    Attempt.submitted_at,
                    db.select(db.func.count(Response.id))
                    .join(AttemptQuestion, AttemptQuestion.id == Response.attempt_question_id)
                    .where(AttemptQuestion.attempt_id == Attempt.id)
                    .scalar_subquery(),
                )
                .where(Attempt.student_id == student_id)
                .order_by(Attempt.id)
            )
        ]


def _gradebook_names(client: FlaskClient, class_id: int) -> list[str]:
    html = client.get(f"/teacher/classes/{class_id}/gradebook").get_data(as_text=True)
    return re.findall(r'<th scope="row">([^<]*?) <span class="muted">', html)


def _start(student: FlaskClient, quiz_id: int) -> TestResponse:
    token = token_for(student, "/student/")
    return student.post(f"/student/quizzes/{quiz_id}/start", data={"csrf_token": token})


def _current_and_removed(html: str) -> tuple[list[str], list[str]]:
    current = re.findall(r'<th scope="row">([^<]*)</th>', html)
    removed_part = html.split("<h3>Removed students</h3>")
    removed = re.findall(r"<li>([^<(]*?) \(", removed_part[1]) if len(removed_part) > 1 else []
    return current, removed


def test_the_roster_lists_the_students(app: Flask, roster: Roster) -> None:
    teacher = logged_in_client(app, "grace@example.com")

    html = teacher.get(f"/teacher/classes/{roster.class_id}").get_data(as_text=True)

    assert _current_and_removed(html) == (["Ada Lovelace", "Bob Student"], [])
    text = page_text(html)
    assert "ada@example.com" in text and "bob@example.com" in text
    assert "cy@example.com" not in text
    assert "02 Nov 2026" in text  # when they joined


def test_removing_keeps_attempts_and_shuts_the_student_out_until_added_back(
    app: Flask, roster: Roster
) -> None:
    teacher = logged_in_client(app, "grace@example.com")
    ada = logged_in_client(app, "ada@example.com")
    page = f"/teacher/classes/{roster.class_id}"
    attempts_before = _attempts_of(app, roster.ada_id)
    assert len(attempts_before) == 1 and attempts_before[0][3] == 2.0
    assert _gradebook_names(teacher, roster.class_id) == ["Ada Lovelace", "Bob Student"]

    removed = _press(teacher, page, "Remove Ada Lovelace")

    assert removed.headers["Location"] == page
    html = teacher.get(page).get_data(as_text=True)
    assert "The student was removed; their attempts and grades are kept." in _flashes(html)
    assert _current_and_removed(html) == (["Bob Student"], ["Ada Lovelace"])
    assert _attempts_of(app, roster.ada_id) == attempts_before
    assert _gradebook_names(teacher, roster.class_id) == ["Bob Student"]
    refused = _start(ada, roster.quiz_id)
    assert refused.status_code == 404
    assert "There is no such quiz." in refused.get_data(as_text=True)
    assert _attempts_of(app, roster.ada_id) == attempts_before
    with app.app_context(), pytest.raises(ClassError, match="removed you"):
        school_class = db.session.get(SchoolClass, roster.class_id)
        join_class(db.session.get(User, roster.ada_id), school_class.join_code, now=NOW)

    added_back = _press(teacher, page, "Add Ada Lovelace back")

    assert added_back.headers["Location"] == page
    html = teacher.get(page).get_data(as_text=True)
    assert "The student is back in the class." in _flashes(html)
    assert _current_and_removed(html) == (["Ada Lovelace", "Bob Student"], [])
    assert _gradebook_names(teacher, roster.class_id) == ["Ada Lovelace", "Bob Student"]
    started = _start(ada, roster.quiz_id)
    assert re.fullmatch(r"/student/attempts/\d+/questions/1", started.headers["Location"])
    assert len(_attempts_of(app, roster.ada_id)) == 2


@pytest.mark.parametrize(
    ("action", "who", "message"),
    [
        ("remove", "outsider_id", "That student is not in this class."),
        ("readmit", "outsider_id", "That student was never in this class."),
    ],
)
def test_roster_actions_on_a_student_not_in_the_class_say_so(
    app: Flask, roster: Roster, action: str, who: str, message: str
) -> None:
    teacher = logged_in_client(app, "grace@example.com")
    page = f"/teacher/classes/{roster.class_id}"
    token = token_for(teacher, page)
    student_id = getattr(roster, who)

    response = teacher.post(f"{page}/students/{student_id}/{action}", data={"csrf_token": token})

    assert response.headers["Location"] == page
    assert message in _flashes(teacher.get(page).get_data(as_text=True))
    with app.app_context():
        assert (
            db.session.scalar(
                db.select(db.func.count(Enrolment.id)).where(Enrolment.student_id == student_id)
            )
            == 0
        )


def test_removing_twice_says_the_student_is_not_in_the_class(app: Flask, roster: Roster) -> None:
    teacher = logged_in_client(app, "grace@example.com")
    page = f"/teacher/classes/{roster.class_id}"
    _press(teacher, page, "Remove Bob Student")
    teacher.get(page)  # read the first flash
    token = token_for(teacher, page)

    teacher.post(f"{page}/students/{roster.bob_id}/remove", data={"csrf_token": token})

    assert _flashes(teacher.get(page).get_data(as_text=True)) == [
        "That student is not in this class."
    ]


# ---------------------------------------------------------------------------- promoting


@pytest.fixture
def people(app: Flask) -> None:
    with app.app_context():
        create_teacher()
        create_admin()
        create_student("bob@example.com", "Bob Student")


def _roles(app: Flask) -> dict[str, Role]:
    with app.app_context():
        return dict(db.session.execute(db.select(User.email, User.role)).all())


@pytest.mark.parametrize("typed", ["bob@example.com", "  Bob@Example.COM "])
def test_promote_makes_an_existing_account_a_teacher(app: Flask, people: None, typed: str) -> None:
    teacher = logged_in_client(app, "ida@example.com")
    bob = logged_in_client(app, "bob@example.com")
    assert bob.get("/teacher/").status_code == 403
    page = teacher.get("/teacher/teachers").get_data(as_text=True)
    assert re.search(r'<label for="email">Email</label>', page)

    response = teacher.post(
        "/teacher/teachers", data={"csrf_token": csrf_token(page), "email": typed}
    )

    assert response.headers["Location"] == "/teacher/teachers"
    assert "Bob Student (bob@example.com) is now a teacher." in _flashes(
        teacher.get("/teacher/teachers").get_data(as_text=True)
    )
    assert _roles(app)["bob@example.com"] is Role.TEACHER
    assert bob.get("/teacher/").status_code == 200


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("nobody@example.com", "No account has the email nobody@example.com."),
        ("grace@example.com", "grace@example.com is already a teacher."),
        ("ida@example.com", "ida@example.com is already a teacher."),
        ("", "This field is required."),
    ],
)
def test_promote_explains_next_to_the_field_why_it_cannot(
    app: Flask, people: None, typed: str, message: str
) -> None:
    teacher = logged_in_client(app, "ida@example.com")
    before = _roles(app)
    token = token_for(teacher, "/teacher/teachers")

    response = teacher.post("/teacher/teachers", data={"csrf_token": token, "email": typed})

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert field_error(html, "email") == message
    assert 'aria-invalid="true"' in html
    assert _roles(app) == before


def test_a_plain_teacher_may_not_make_teachers_and_is_not_offered_to(
    app: Flask, people: None
) -> None:
    teacher = logged_in_client(app, "grace@example.com")
    admin = logged_in_client(app, "ida@example.com")
    before = _roles(app)
    token = token_for(teacher, "/teacher/")

    page = teacher.get("/teacher/teachers")
    post = teacher.post("/teacher/teachers", data={"csrf_token": token, "email": "bob@example.com"})

    assert (page.status_code, post.status_code) == (403, 403)
    assert _roles(app) == before
    assert "/teacher/teachers" not in teacher.get("/teacher/").get_data(as_text=True)
    assert 'href="/teacher/teachers"' in admin.get("/teacher/").get_data(as_text=True)


def test_the_promote_service_refuses_anyone_but_an_admin(app: Flask, people: None) -> None:
    with app.app_context():
        ids = dict(db.session.execute(db.select(User.email, User.id)).all())
        for email in ("grace@example.com", "bob@example.com"):
            with pytest.raises(AccountError, match="Only an admin can make an account a teacher"):
                promote_to_teacher("bob@example.com", admin_id=ids[email])
        assert promote_to_teacher("bob@example.com", admin_id=ids["ida@example.com"]).is_teacher
    assert _roles(app)["bob@example.com"] is Role.TEACHER
