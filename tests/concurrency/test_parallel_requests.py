"""Requests racing each other under gunicorn: what one click gives, whatever the timing.

Each case is a bug found on main with parallel requests (issue 9): two attempts opened by
parallel starts, a 500 on two first saves of one question, an autosave acknowledged after
grading (and not graded), a 500 on a double-clicked Join or a double-submitted sign-up.

QUIZAPP_TEST_RACE_ROUNDS repeats the saves-against-submit race (3 rounds by default).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass

import pytest

from quizapp.extensions import db
from quizapp.models import (
    Article,
    Attempt,
    AttemptMarks,
    AttemptState,
    Enrolment,
    FeedbackTiming,
    Quiz,
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
    start,
    wrong_answer,
)

ROUNDS = int(os.environ.get("QUIZAPP_TEST_RACE_ROUNDS", "3"))


@dataclass(frozen=True)
class School:
    """Ids of the module's article, teacher and class (made once: the server is shared)."""

    article_id: int
    teacher_id: int
    class_id: int
    join_code: str


@pytest.fixture(scope="module")
def school(server: Server) -> School:
    with server.app.app_context():
        article = load_article((ECONOMY,))
        teacher = create_teacher(unique_email("teacher"))
        school_class = create_class(teacher)
        return School(article.id, teacher.id, school_class.id, school_class.join_code)


def _student(server: Server, school: School, stem: str) -> tuple[int, Browser]:
    """A new student in the class, logged in over HTTP."""
    email = unique_email(stem)
    with server.app.app_context():
        student = create_student(email, stem.title())
        join_class(student, school.join_code, now=student.created_at)
        student_id = student.id
    return student_id, server.logged_in(email)


def _quiz(server: Server, school: School, questions: int, **settings: object) -> int:
    """A published quiz for the class drawing ``questions`` questions; its id."""
    with server.app.app_context():
        article = db.session.get(Article, school.article_id)
        quiz = create_assessment(
            db.session.get(User, school.teacher_id),
            db.session.get(SchoolClass, school.class_id),
            article,
            rules=[section_rule(article, ECONOMY, questions)],
            title=unique_email("quiz"),
            **settings,
        )
        return quiz.id


def _start(browser: Browser, quiz_id: int) -> int:
    reply = browser.post(f"/student/quizzes/{quiz_id}/start")
    assert reply.status == 302, (reply.status, reply.body[:500])
    return _attempt_id(reply)


def _attempt_id(reply: Reply) -> int:
    assert reply.location is not None and "/student/attempts/" in reply.location, reply
    return int(reply.location.split("/student/attempts/")[1].split("/")[0])


def _no_server_errors(replies: list[Reply]) -> None:
    errors = [(reply.status, reply.body[:300]) for reply in replies if reply.status >= 500]
    assert errors == []


def _attempts(server: Server, quiz_id: int, student_id: int) -> list[Attempt]:
    with server.app.app_context():
        return list(
            db.session.execute(
                db.select(Attempt).where(
                    Attempt.quiz_id == quiz_id, Attempt.student_id == student_id
                )
            ).scalars()
        )


# ---------------------------------------------------------------------------- starting


def test_parallel_starts_of_a_one_attempt_quiz_open_one_attempt(
    server: Server, school: School
) -> None:
    """20 starts at once, by a new student at a new quiz allowing one attempt, each round."""
    for _ in range(ROUNDS):
        student_id, ada = _student(server, school, "ada")
        quiz_id = _quiz(server, school, 3, attempts_allowed=1)
        url = f"/student/quizzes/{quiz_id}/start"

        replies = race([lambda ada=ada, url=url: ada.post(url)] * 20)

        _no_server_errors(replies)
        assert {reply.status for reply in replies} == {302}
        # Every start went to the same attempt, the only one there is.
        assert len({_attempt_id(reply) for reply in replies}) == 1
        attempts = _attempts(server, quiz_id, student_id)
        assert [a.state for a in attempts] == [AttemptState.IN_PROGRESS]
        assert _attempt_id(replies[0]) == attempts[0].id
        # And it is resumed afterwards.
        again = ada.post(url)
        assert (again.status, again.location) == (302, replies[0].location)
        assert ada.get(again.location or "").status == 200


def test_parallel_starts_after_the_time_ran_out_submit_the_old_attempt_once_and_open_one(
    server: Server, school: School
) -> None:
    """Ten starts at once (two tabs, a double click) by a student whose attempt's time ran
    out unattended: it is submitted once, by the deadline, and one new attempt opens."""
    student_id, ada = _student(server, school, "ada")
    quiz_id = _quiz(server, school, 3, time_limit_seconds=600)
    with server.app.app_context():
        # Started at the factories' fixed moment, days ago: long past its ten minutes.
        old = start(db.session.get(Quiz, quiz_id), db.session.get(User, student_id))
        old_id, deadline = old.id, old.deadline_at
    url = f"/student/quizzes/{quiz_id}/start"

    replies = race([lambda: ada.post(url)] * 10)

    _no_server_errors(replies)
    assert {reply.status for reply in replies} == {302}
    new_ids = {_attempt_id(reply) for reply in replies}
    attempts = {a.id: a for a in _attempts(server, quiz_id, student_id)}
    assert len(new_ids) == 1 and old_id not in new_ids
    assert sorted(attempts) == sorted({old_id, *new_ids})
    assert attempts[old_id].state is AttemptState.SUBMITTED
    assert attempts[old_id].submitted_automatically
    assert attempts[old_id].submitted_at == deadline
    assert attempts[new_ids.pop()].state is AttemptState.IN_PROGRESS
    with server.app.app_context():
        stored = db.session.scalars(
            db.select(AttemptMarks.attempt_id).where(AttemptMarks.attempt_id == old_id)
        ).all()
    assert stored == [old_id]  # the submission stored its marks once


# ------------------------------------------------------------------------------ saving


def _forms(server: Server, attempt_id: int) -> list[tuple[dict[str, list[str]], object, object]]:
    """Per position: the right answer's form fields, the right and a wrong stored answer."""
    with server.app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        return [
            (
                answer_form(item, correct_answer(item.question)),
                correct_answer(item.question),
                wrong_answer(item.question),
            )
            for item in drawn_questions(attempt)
        ]


def _wrong_form(server: Server, attempt_id: int, position: int) -> dict[str, list[str]]:
    with server.app.app_context():
        item = drawn_questions(db.session.get(Attempt, attempt_id))[position - 1]
        return answer_form(item, wrong_answer(item.question))


def _saved(reply: Reply) -> bool:
    """True when the autosave said the answer was stored; a refusal must be a 409."""
    if reply.status == 200:
        assert json.loads(reply.body)["status"] == "saved", reply.body
        return True
    assert reply.status == 409, (reply.status, reply.body[:500])
    return False


def test_parallel_first_saves_of_one_question_are_all_stored(
    server: Server, school: School
) -> None:
    """8 first saves at once (the right answer and a wrong one, in turn) of question 1 of a
    new attempt, each round."""
    _, ada = _student(server, school, "ada")
    for _ in range(ROUNDS):
        attempt_id = _start(ada, _quiz(server, school, 2))
        right_form, right, wrong = _forms(server, attempt_id)[0]
        url = f"/student/attempts/{attempt_id}/questions/1/autosave"
        sent = [right_form, _wrong_form(server, attempt_id, 1)] * 4

        replies = race([lambda url=url, form=form: ada.autosave(url, form) for form in sent])

        _no_server_errors(replies)
        assert [reply.status for reply in replies] == [200] * 8
        assert all(_saved(reply) for reply in replies)
        with server.app.app_context():
            first, second = db.session.get(Attempt, attempt_id).questions
            assert first.response is not None
            assert first.response.answer in (right, wrong)
            assert second.response is None


def test_saves_racing_a_submit_are_graded_or_refused_never_lost(
    server: Server, school: School
) -> None:
    """Five autosaves (one per question, each changing a wrong answer to the right one)
    race the submission. Every save acknowledged is stored and graded; every save refused
    left the earlier answer, which is what was graded."""
    student_id, ada = _student(server, school, "ada")
    quiz_id = _quiz(server, school, 5)
    for _ in range(ROUNDS):
        attempt_id = _start(ada, quiz_id)
        forms = _forms(server, attempt_id)
        base = f"/student/attempts/{attempt_id}"
        for position in range(1, 6):
            first = ada.autosave(
                f"{base}/questions/{position}/autosave", _wrong_form(server, attempt_id, position)
            )
            assert _saved(first)
        saves = [
            lambda url=f"{base}/questions/{position}/autosave", form=form: ada.autosave(url, form)
            for position, (form, _, _) in enumerate(forms, start=1)
        ]

        *save_replies, submitted = race([*saves, lambda url=f"{base}/submit": ada.post(url)])

        _no_server_errors([*save_replies, submitted])
        assert (submitted.status, submitted.location) == (302, base)
        acknowledged = [_saved(reply) for reply in save_replies]
        with server.app.app_context():
            attempt = db.session.get(Attempt, attempt_id)
            assert attempt.state is AttemptState.SUBMITTED
            outcome = [
                (row.response.answer, row.response.fraction)
                for row in attempt.questions
                if row.response is not None
            ]
            expected = [
                (right, 1.0) if saved else (wrong, 0.0)
                for saved, (_, right, wrong) in zip(acknowledged, forms, strict=True)
            ]
            assert outcome == expected, acknowledged
            # All graded by the submission, with the answers as they are stored now.
            graded_at = {row.response.graded_at for row in attempt.questions if row.response}
            assert graded_at == {attempt.submitted_at}
    assert len(_attempts(server, quiz_id, student_id)) == ROUNDS


def test_a_check_racing_autosaves_of_its_question_makes_the_checked_answer_final(
    server: Server, school: School
) -> None:
    """Immediate feedback: "Check answer" (the right answer) races six autosaves of a wrong
    one, each round. An autosave before the check is replaced by it; one after it is
    refused; the check's answer is the one stored, graded and final."""
    _, ada = _student(server, school, "ada")
    quiz_id = _quiz(server, school, 2, feedback_timing=FeedbackTiming.IMMEDIATE)
    for _ in range(ROUNDS):
        attempt_id = _start(ada, quiz_id)
        right_form, right, _ = _forms(server, attempt_id)[0]
        wrong_form = _wrong_form(server, attempt_id, 1)
        page = f"/student/attempts/{attempt_id}/questions/1"
        check_form = {**right_form, "action": ["check"]}
        autosave = f"{page}/autosave"
        check = [lambda url=page, form=check_form: ada.post(url, form)]
        autosaves = [lambda url=autosave, form=wrong_form: ada.autosave(url, form)] * 6

        checked, *saves = race([*check, *autosaves])

        _no_server_errors([checked, *saves])
        assert (checked.status, checked.location) == (302, page)
        for reply in saves:
            _saved(reply)  # 200 before the check, 409 after it
        with server.app.app_context():
            response = db.session.get(Attempt, attempt_id).questions[0].response
            assert response is not None and response.checked_at is not None
            assert (response.answer, response.fraction) == (right, 1.0)
        assert ada.post(f"/student/attempts/{attempt_id}/submit").status == 302


# ---------------------------------------------------------------- joining, signing up


def test_a_double_clicked_join_enrols_once_and_both_clicks_say_joined(
    server: Server, school: School
) -> None:
    """Two students each send Join twice at once (one request per worker), for a new class
    each round; the window between looking for the enrolment and adding it is short, so
    there are twice as many rounds as elsewhere."""
    students = [_student(server, school, f"joiner{n}") for n in range(2)]
    for round_number in range(2 * ROUNDS):
        with server.app.app_context():
            teacher = db.session.get(User, school.teacher_id)
            other = create_class(teacher, f"History 10C, group {round_number}")
            class_id, code = other.id, other.join_code

        replies = race(
            [
                lambda browser=browser, code=code: browser.post(
                    "/student/classes/join", {"code": code}
                )
                for _, browser in students
                for _click in range(2)
            ]
        )

        _no_server_errors(replies)
        # Both clicks give what one gives: to the dashboard, which says "You joined".
        assert [(reply.status, reply.location) for reply in replies] == [(302, "/student/")] * 4
        with server.app.app_context():
            enrolled = db.session.execute(
                db.select(Enrolment.student_id).where(Enrolment.class_id == class_id)
            ).scalars()
            assert sorted(enrolled) == sorted(student_id for student_id, _ in students)


def test_a_double_submitted_sign_up_makes_one_account(server: Server) -> None:
    people = []
    for _ in range(3):
        browser = server.browser()
        browser.fetch_token("/signup")
        people.append((browser, unique_email("newcomer")))

    replies = race(
        [
            lambda browser=browser, email=email: browser.post(
                "/signup", {"name": "New Comer", "email": email, "password": PASSWORD}
            )
            for browser, email in people
            for _click in range(2)
        ]
    )

    _no_server_errors(replies)
    for first, second in zip(replies[::2], replies[1::2], strict=True):
        # One click makes the account and goes to the dashboard; the other is told the
        # account exists (as a second sign-up with that email is), on the form.
        created, told = sorted((first, second), key=lambda reply: reply.status, reverse=True)
        assert (created.status, created.location) == (302, "/student/")
        assert told.status == 200
        assert "already exists" in told.body
    with server.app.app_context():
        emails = db.session.execute(
            db.select(User.email).where(User.email.in_([email for _, email in people]))
        ).scalars()
        assert sorted(emails) == sorted(email for _, email in people)
