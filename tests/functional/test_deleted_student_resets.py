"""A deleted student's scrubbed row (kept while a class keeps their attempts anonymised)
can never get a password again: no reset code, no emailed link, no earlier code."""

from __future__ import annotations

import pytest
from flask import Flask

from quizapp.clock import utcnow
from quizapp.extensions import db
from quizapp.models import PasswordReset, User
from quizapp.services.errors import NotFound
from quizapp.services.password_resets import issue_reset_code
from tests.factories import (
    ECONOMY,
    create_assessment,
    create_class,
    create_student,
    create_teacher,
    enrol,
    load_article,
    logged_in_client,
    submitted_attempt_for,
    token_for,
)


def test_a_deleted_student_gets_no_reset_code_and_loses_earlier_ones(app: Flask) -> None:
    with app.app_context():
        teacher = create_teacher()
        ada = create_student()
        school_class = create_class(teacher)
        enrol(ada, school_class)
        submitted_attempt_for(
            create_assessment(teacher, school_class, load_article((ECONOMY,))), ada
        )
        issue_reset_code(ada.id, teacher_id=teacher.id, now=utcnow())
        ids = {"teacher": teacher.id, "ada": ada.id, "class": school_class.id}
    student = logged_in_client(app, "ada@example.com")
    deleted = student.post(
        "/student/data/delete",
        data={"csrf_token": token_for(student, "/student/data"), "email": "ada@example.com"},
    )
    assert deleted.status_code == 302

    teacher_client = logged_in_client(app, "grace@example.com")
    class_page = teacher_client.get(f"/teacher/classes/{ids['class']}")
    refused = teacher_client.post(
        f"/teacher/classes/{ids['class']}/students/{ids['ada']}/reset-code",
        data={"csrf_token": token_for(teacher_client, f"/teacher/classes/{ids['class']}")},
    )

    html = class_page.get_data(as_text=True)
    # The anonymised row stays on the class page, without a reset button.
    assert f"Deleted student {ids['ada']}" in html
    assert "Reset code for Deleted student" not in html
    assert refused.status_code == 404
    with app.app_context():
        assert db.session.get(User, ids["ada"]).deleted_at is not None
        assert db.session.query(PasswordReset).count() == 0
        with pytest.raises(NotFound):
            issue_reset_code(ids["ada"], teacher_id=ids["teacher"], now=utcnow())
