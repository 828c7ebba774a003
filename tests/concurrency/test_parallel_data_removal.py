"""Deleting a student's attempts while the student is still answering, under gunicorn
workers: a teacher's "Remove data" or the student's own account deletion races the
student's autosaves and submission (another tab, a countdown). Never a 500, never an
answer left behind without its attempt, and nothing the deletion meant to remove stays.

QUIZAPP_TEST_RACE_ROUNDS repeats each race (8 rounds by default: a round takes a
fraction of a second, and the PostgreSQL deadlock this found showed in about one run of 3).
"""

from __future__ import annotations

import os

from quizapp.extensions import db
from quizapp.models import (
    Article,
    Attempt,
    AttemptQuestion,
    DeletedStudentData,
    Response,
    SchoolClass,
    User,
)
from quizapp.services.attempts import drawn_questions
from quizapp.services.classes import join_class
from tests.concurrency.conftest import Browser, Reply, Server, race, unique_email
from tests.factories import (
    ECONOMY,
    PASSWORD,
    answer_form,
    correct_answer,
    create_assessment,
    create_class,
    create_student,
    create_teacher,
    load_article,
    section_rule,
)

ROUNDS = int(os.environ.get("QUIZAPP_TEST_RACE_ROUNDS", "8"))
QUESTIONS = 4


def _no_server_errors(replies: list[Reply]) -> None:
    assert [(reply.status, reply.body[:300]) for reply in replies if reply.status >= 500] == []


def _class_with_quiz(server: Server, policy: DeletedStudentData) -> tuple[int, int, Browser]:
    """A new teacher's class (deleting students' attempts as ``policy`` says) with a
    published quiz; the class id, the quiz id and the teacher's browser."""
    email = unique_email("teacher")
    with server.app.app_context():
        article = db.session.execute(db.select(Article)).scalars().first()
        if article is None:
            article = load_article((ECONOMY,))
        teacher = create_teacher(email)
        school_class = create_class(teacher)
        school_class.deleted_student_data = policy
        db.session.commit()
        quiz = create_assessment(
            teacher,
            school_class,
            article,
            rules=[section_rule(article, ECONOMY, QUESTIONS)],
            title=unique_email("quiz"),
        )
        ids = school_class.id, quiz.id
    teacher_browser = server.browser()
    teacher_browser.fetch_token("/login")
    reply = teacher_browser.post("/login", {"email": email, "password": PASSWORD})
    assert reply.status == 302, (reply.status, reply.body[:300])
    teacher_browser.fetch_token(f"/teacher/classes/{ids[0]}")
    return ids[0], ids[1], teacher_browser


def _student_in(server: Server, class_id: int) -> tuple[int, str, Browser]:
    email = unique_email("student")
    with server.app.app_context():
        student = create_student(email, "Sam Student")
        join_class(student, db.session.get(SchoolClass, class_id).join_code, now=student.created_at)
        student_id = student.id
    return student_id, email, server.logged_in(email)


def _answering(server: Server, student: Browser, quiz_id: int) -> list:
    """The student's tab: a started attempt's autosaves (one per question) and submit."""
    started = student.post(f"/student/quizzes/{quiz_id}/start")
    assert started.status == 302, (started.status, started.body[:300])
    attempt_id = int(started.location.split("/student/attempts/")[1].split("/")[0])
    with server.app.app_context():
        items = drawn_questions(db.session.get(Attempt, attempt_id))
        forms = [answer_form(item, correct_answer(item.question)) for item in items]
    base = f"/student/attempts/{attempt_id}"
    saves = [
        lambda url=f"{base}/questions/{position}/autosave", form=form: student.autosave(url, form)
        for position, form in enumerate(forms, start=1)
    ]
    return [*saves, lambda: student.post(f"{base}/submit")]


def _left_behind(server: Server, student_id: int, quiz_id: int) -> tuple[int, int]:
    """The student's attempts at the quiz, and responses whose attempt is gone."""
    with server.app.app_context():
        attempts = db.session.scalar(
            db.select(db.func.count())
            .select_from(Attempt)
            .where(Attempt.student_id == student_id, Attempt.quiz_id == quiz_id)
        )
        orphans = db.session.scalar(
            db.select(db.func.count())
            .select_from(Response)
            .outerjoin(AttemptQuestion, AttemptQuestion.id == Response.attempt_question_id)
            .where(AttemptQuestion.id.is_(None))
        )
        return int(attempts or 0), int(orphans or 0)


def test_a_teachers_remove_data_racing_the_students_answers_leaves_nothing(
    server: Server,
) -> None:
    class_id, quiz_id, teacher = _class_with_quiz(server, DeletedStudentData.REMOVE)
    for _ in range(ROUNDS):
        student_id, _, student = _student_in(server, class_id)
        answering = _answering(server, student, quiz_id)
        remove = f"/teacher/classes/{class_id}/students/{student_id}/data"

        *student_replies, removed = race([*answering, lambda url=remove: teacher.post(url)])

        _no_server_errors([*student_replies, removed])
        assert (removed.status, removed.location) == (302, f"/teacher/classes/{class_id}")
        # A save or submit after the removal finds no attempt (404) or no longer a
        # student of the class; before it, it was removed with the attempt.
        for reply in student_replies:
            assert reply.status in (200, 302, 403, 404, 409), (reply.status, reply.body[:300])
        assert _left_behind(server, student_id, quiz_id) == (0, 0)


def test_deleting_the_account_racing_answers_in_another_tab(server: Server) -> None:
    """In a class that keeps deleted students' attempts: the attempt stays, anonymised,
    with what was saved; the account can never sign in again; no request fails."""
    class_id, quiz_id, _ = _class_with_quiz(server, DeletedStudentData.ANONYMISE)
    for _ in range(ROUNDS):
        student_id, email, student = _student_in(server, class_id)
        answering = _answering(server, student, quiz_id)
        settings_tab = server.logged_in(email)
        settings_tab.fetch_token("/student/data")

        *student_replies, deleted = race(
            [
                *answering,
                lambda tab=settings_tab, e=email: tab.post("/student/data/delete", {"email": e}),
            ]
        )

        _no_server_errors([*student_replies, deleted])
        assert (deleted.status, deleted.location) == (302, "/")
        with server.app.app_context():
            account = db.session.get(User, student_id)
            assert account is not None and account.deleted_at is not None
            assert account.name == f"Deleted student {student_id}"
        # The attempt stays (anonymised); no response lost its attempt.
        assert _left_behind(server, student_id, quiz_id) == (1, 0)
        assert student.get("/student/").status == 302
