"""Your data (downloads, deleting the account) and a teacher's side of it: the class's
choice and removing a student's data, through the test client."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from quizapp.extensions import db
from quizapp.models import Attempt, DeletedStudentData, Enrolment, SchoolClass, User
from tests.factories import (
    PASSWORD,
    csrf_token,
    field_error,
    logged_in_client,
    login,
    page_text,
)
from tests.student_data_support import (
    StudentDataWorld,
    build_student_data_world,
    dangling_references,
)


@pytest.fixture
def world(app: Flask) -> StudentDataWorld:
    with app.app_context():
        return build_student_data_world()


@pytest.fixture
def ada(app: Flask, world: StudentDataWorld) -> FlaskClient:
    return logged_in_client(app, "ada@example.com")


@pytest.fixture
def grace(app: Flask, world: StudentDataWorld) -> FlaskClient:
    return logged_in_client(app, "grace@example.com")


def _attempt_ids(app: Flask, student_id: int) -> set[int]:
    with app.app_context():
        return set(
            db.session.scalars(db.select(Attempt.id).where(Attempt.student_id == student_id))
        )


def _user(app: Flask, user_id: int) -> tuple[str, str] | None:
    with app.app_context():
        user = db.session.get(User, user_id)
        return None if user is None else (user.name, user.email)


def _delete(client: FlaskClient, email: str, *, token: bool = True) -> tuple[int, str]:
    page = client.get("/student/data").get_data(as_text=True)
    data = {"email": email, **({"csrf_token": csrf_token(page)} if token else {})}
    response = client.post("/student/data/delete", data=data)
    return response.status_code, response.get_data(as_text=True)


# ----------------------------------------------------------------------- the student's side


def test_the_dashboard_links_your_data(ada: FlaskClient) -> None:
    html = ada.get("/student/").get_data(as_text=True)

    assert re.search(r'<a href="/student/data">Your data</a>', html)


def test_your_data_offers_both_downloads_and_says_what_deletion_does(ada: FlaskClient) -> None:
    response = ada.get("/student/data")

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'href="/student/data.json"' in html and 'href="/student/data.csv"' in html
    text = page_text(html)
    assert 'History 10B Grace Hopper 1 kept in your teacher\'s reports as "Deleted student"' in text
    assert "Economics 11 Grace Hopper 1 deleted" in text
    assert "Your 1 attempt outside classes (practice) will be deleted." in text


def test_the_json_download_is_an_attachment_with_the_students_data_only(
    ada: FlaskClient, world: StudentDataWorld
) -> None:
    response = ada.get("/student/data.json")

    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert re.fullmatch(
        r'attachment; filename="quizapp-data-\d{4}-\d\d-\d\d\.json"',
        response.headers["Content-Disposition"],
    )
    data = json.loads(response.get_data(as_text=True))
    assert data["account"]["email"] == "ada@example.com"
    assert len(data["attempts"]) == 3
    assert "bob@example.com" not in response.get_data(as_text=True)


def test_the_csv_download_has_a_row_per_response(ada: FlaskClient) -> None:
    response = ada.get("/student/data.csv")

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert len(rows) == 6  # two questions in each of three attempts
    assert {row["Quiz"] for row in rows} >= {"Economy check", "'=Trade quiz"}


def test_a_classmate_downloads_only_his_own(app: Flask, world: StudentDataWorld) -> None:
    bob = logged_in_client(app, "bob@example.com")

    data = json.loads(bob.get("/student/data.json").get_data(as_text=True))
    rows = list(csv.DictReader(io.StringIO(bob.get("/student/data.csv").get_data(as_text=True))))

    assert data["account"]["email"] == "bob@example.com"
    assert [a["quiz"] for a in data["attempts"]] == ["Economy check"]
    assert "Lovelace" not in json.dumps(data) and len(rows) == 2


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        (
            "bob@example.com",
            "That is not this account's email address; type it exactly as shown above.",
        ),
        ("", "Type your email address to confirm."),
    ],
)
def test_deleting_needs_the_accounts_email_typed(
    app: Flask, ada: FlaskClient, world: StudentDataWorld, typed: str, error: str
) -> None:
    status, html = _delete(ada, typed)

    assert status == 400
    assert field_error(html, "email") == error
    assert _user(app, world.ada_id) == ("Ada Lovelace", "ada@example.com")
    assert len(_attempt_ids(app, world.ada_id)) == 3


def test_deleting_without_the_forms_token_deletes_nothing(
    app: Flask, ada: FlaskClient, world: StudentDataWorld
) -> None:
    status, html = _delete(ada, "ada@example.com", token=False)

    assert status == 400
    assert "The CSRF token is missing." in page_text(html)
    assert _user(app, world.ada_id) == ("Ada Lovelace", "ada@example.com")
    assert len(_attempt_ids(app, world.ada_id)) == 3


def test_deleting_logs_out_confirms_and_the_account_never_logs_in_again(
    app: Flask, ada: FlaskClient, world: StudentDataWorld
) -> None:
    page = ada.get("/student/data").get_data(as_text=True)
    response = ada.post(
        "/student/data/delete",
        data={"csrf_token": csrf_token(page), "email": "Ada@Example.com"},
        follow_redirects=True,
    )

    assert response.status_code == 200 and response.request.path == "/"
    assert "Your account is deleted. You have been logged out." in page_text(
        response.get_data(as_text=True)
    )
    assert ada.get("/student/").status_code == 302  # to the log-in page
    assert _user(app, world.ada_id) == (
        f"Deleted student {world.ada_id}",
        f"deleted-{world.ada_id}@invalid",
    )
    for email in ("ada@example.com", f"deleted-{world.ada_id}@invalid"):
        assert login(app.test_client(), email, PASSWORD).status_code == 200  # refused
    with app.app_context():
        assert dangling_references() == {}


def test_the_gradebooks_then_show_the_anonymous_name_or_no_row(
    app: Flask, ada: FlaskClient, grace: FlaskClient, world: StudentDataWorld
) -> None:
    assert _delete(ada, "ada@example.com")[0] == 302

    keep = page_text(
        grace.get(f"/teacher/classes/{world.keep_class_id}/gradebook").get_data(as_text=True)
    )
    remove = page_text(
        grace.get(f"/teacher/classes/{world.remove_class_id}/gradebook").get_data(as_text=True)
    )

    assert f"Deleted student {world.ada_id}" in keep and "Bob Student" in keep
    assert "Lovelace" not in keep and "ada@example.com" not in keep
    assert "Deleted student" not in remove and "Lovelace" not in remove


def test_teachers_have_no_your_data_page(grace: FlaskClient) -> None:
    for path in ("/student/data", "/student/data.json", "/student/data.csv"):
        assert grace.get(path).status_code == 403
    token = csrf_token(grace.get("/teacher/").get_data(as_text=True))
    response = grace.post(
        "/student/data/delete", data={"csrf_token": token, "email": "grace@example.com"}
    )
    assert response.status_code == 403


def test_visitors_are_sent_to_log_in(client: FlaskClient, world: StudentDataWorld) -> None:
    response = client.get("/student/data.json")

    assert response.status_code == 302 and "/login" in response.headers["Location"]


# ----------------------------------------------------------------------- the teacher's side


def _policy(app: Flask, class_id: int) -> DeletedStudentData:
    with app.app_context():
        return db.session.get_one(SchoolClass, class_id).deleted_student_data


def test_the_class_page_shows_and_saves_the_classs_choice(
    app: Flask, grace: FlaskClient, world: StudentDataWorld
) -> None:
    page = grace.get(f"/teacher/classes/{world.keep_class_id}").get_data(as_text=True)
    assert re.search(r'<option selected value="anonymise">', page)

    response = grace.post(
        f"/teacher/classes/{world.keep_class_id}/deleted-student-data",
        data={"csrf_token": csrf_token(page), "policy": "remove"},
        follow_redirects=True,
    )

    assert "Saved what happens to the attempts of a student who deletes their account." in (
        page_text(response.get_data(as_text=True))
    )
    assert _policy(app, world.keep_class_id) is DeletedStudentData.REMOVE


def test_a_choice_without_the_forms_token_changes_nothing(
    app: Flask, grace: FlaskClient, world: StudentDataWorld
) -> None:
    response = grace.post(
        f"/teacher/classes/{world.keep_class_id}/deleted-student-data", data={"policy": "remove"}
    )

    assert response.status_code == 400
    assert _policy(app, world.keep_class_id) is DeletedStudentData.ANONYMISE


def test_a_choice_the_page_does_not_offer_changes_nothing_and_says_why(
    app: Flask, grace: FlaskClient, world: StudentDataWorld
) -> None:
    page = grace.get(f"/teacher/classes/{world.keep_class_id}").get_data(as_text=True)

    response = grace.post(
        f"/teacher/classes/{world.keep_class_id}/deleted-student-data",
        data={"csrf_token": csrf_token(page), "policy": "forget"},
        follow_redirects=True,
    )

    assert "'forget' is not one of the choices for a deleted student's attempts." in page_text(
        response.get_data(as_text=True)
    )
    assert _policy(app, world.keep_class_id) is DeletedStudentData.ANONYMISE


def test_a_teacher_removes_a_students_data_after_confirming(
    app: Flask, grace: FlaskClient, world: StudentDataWorld
) -> None:
    class_page = grace.get(f"/teacher/classes/{world.remove_class_id}").get_data(as_text=True)
    link = f"/teacher/classes/{world.remove_class_id}/students/{world.ada_id}/data"
    assert f'href="{link}" aria-label="Remove Ada Lovelace\'s data">Remove data</a>' in class_page

    confirm = grace.get(link)
    assert confirm.status_code == 200
    assert "Ada Lovelace (ada@example.com) has 1 attempt at this class's quizzes" in page_text(
        confirm.get_data(as_text=True)
    )
    # The confirmation's button only works with the form's token.
    assert grace.post(link).status_code == 400
    assert len(_attempt_ids(app, world.ada_id)) == 3

    response = grace.post(
        link,
        data={"csrf_token": csrf_token(confirm.get_data(as_text=True))},
        follow_redirects=True,
    )

    assert "Ada Lovelace's data is removed from this class: 1 attempt deleted." in page_text(
        response.get_data(as_text=True)
    )
    assert _attempt_ids(app, world.ada_id) == {
        world.ada_keep_attempt_id,
        world.ada_practice_attempt_id,
    }
    with app.app_context():
        enrolment = db.session.execute(
            db.select(Enrolment).where(
                Enrolment.class_id == world.remove_class_id, Enrolment.student_id == world.ada_id
            )
        ).scalar_one()
        assert enrolment.removed_at is not None
    assert _user(app, world.ada_id) == ("Ada Lovelace", "ada@example.com")


def test_another_teacher_gets_404_for_the_class_and_its_students(
    app: Flask, world: StudentDataWorld
) -> None:
    alan = logged_in_client(app, "alan@example.com")
    token = csrf_token(alan.get(f"/teacher/classes/{world.other_class_id}").get_data(as_text=True))
    link = f"/teacher/classes/{world.keep_class_id}/students/{world.ada_id}/data"

    assert alan.get(link).status_code == 404
    assert alan.post(link, data={"csrf_token": token}).status_code == 404
    response = alan.post(
        f"/teacher/classes/{world.keep_class_id}/deleted-student-data",
        data={"csrf_token": token, "policy": "remove"},
    )
    assert response.status_code == 404
    assert len(_attempt_ids(app, world.ada_id)) == 3
    assert _policy(app, world.keep_class_id) is DeletedStudentData.ANONYMISE
