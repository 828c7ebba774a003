"""The student's dashboard, joining classes, practice, reviews due and the progress page."""

from __future__ import annotations

import datetime as dt
import html as html_module
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from quizapp.extensions import db
from quizapp.models import (
    Attempt,
    Enrolment,
    FeedbackTiming,
    Question,
    Quiz,
    QuizKind,
    Section,
    User,
)
from quizapp.rendering import format_number
from tests.factories import (
    ECONOMY,
    NOW,
    ClassWorld,
    Clock,
    answer_form,
    build_class_world,
    correct_answer,
    create_class,
    field_error,
    freeze_views,
    items_of,
    logged_in_client,
    page_text,
    reload_attempt,
    session_token,
    wrong_answer,
)
from tests.helpers import SECTION_TITLES

ECONOMY_TITLE = "What are their economic ties?"


@pytest.fixture
def bank_sections() -> tuple[str, ...] | None:
    """Whose questions to load; tests needing the whole bank parametrize this to None."""
    return (ECONOMY,)


WHOLE_BANK = pytest.mark.parametrize("bank_sections", [None], ids=["whole bank"])


@pytest.fixture
def world(app: Flask, bank_sections: tuple[str, ...] | None) -> ClassWorld:
    return build_class_world(app, bank_sections=bank_sections)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch, world: ClassWorld) -> Clock:
    return freeze_views(monkeypatch, NOW + dt.timedelta(days=1))


@pytest.fixture
def ada(app: Flask, world: ClassWorld, clock: Clock) -> FlaskClient:
    return logged_in_client(app, "ada@example.com")


@pytest.fixture
def bob(app: Flask, world: ClassWorld, clock: Clock) -> FlaskClient:
    """Bob has no attempts yet (Ada has an open one with a saved answer)."""
    return logged_in_client(app, "bob@example.com")


def _count(app: Flask, model: type) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(model))


def _attempt_id_from(location: str) -> int:
    found = re.fullmatch(r"/student/attempts/(\d+)/questions/1", location)
    assert found, location
    return int(found.group(1))


# ------------------------------------------------------------------------------- dashboard


def test_dashboard_lists_classes_quizzes_open_attempts_and_its_forms(
    app: Flask, world: ClassWorld, ada: FlaskClient
) -> None:
    html = ada.get("/student/").get_data(as_text=True)

    assert "Hello, Ada Lovelace" in html
    assert 'History 10B <span class="muted">(Grace Hopper)</span>' in html
    assert "Economy check" in html
    assert f'href="/student/attempts/{world.attempt_id}/questions/1">Resume Economy check' in html
    assert re.search(r"<button[^>]*>Resume quiz</button>", html)
    assert "No questions due for review right now." in html
    # Joining a class and starting practice, with labelled fields.
    assert '<label for="code">Class code</label>' in html
    assert 'value="Join class"' in html
    assert '<label for="section">Section</label>' in html
    assert '<label for="question_count">Number of questions</label>' in html
    assert 'value="Start practice"' in html
    options = re.findall(r'<option value="section-\d+">([^<]+)</option>', html)
    assert [html_module.unescape(o) for o in options] == list(SECTION_TITLES)


def test_dashboard_shows_the_grade_and_recent_results_after_submitting(
    app: Flask, world: ClassWorld, ada: FlaskClient
) -> None:
    token = session_token(ada)
    url = f"/student/attempts/{world.attempt_id}"
    assert ada.post(f"{url}/submit", data={"csrf_token": token}).status_code == 302
    with app.app_context():
        attempt = reload_attempt(world.attempt_id)
        score, max_score = attempt.score, attempt.max_score

    html = ada.get("/student/").get_data(as_text=True)

    text = page_text(html)
    assert f"Your grade (highest): {format_number(score)} / {format_number(max_score)}." in text
    assert f'<a href="{url}">Economy check</a>' in html
    assert re.search(r"<button[^>]*>Start quiz</button>", html)
    assert "Resume Economy check" not in html


# ------------------------------------------------------------------------------ join class


def _join(client: FlaskClient, code: str):
    token = session_token(client)
    return client.post("/student/classes/join", data={"csrf_token": token, "code": code})


def _new_class(app: Flask, world: ClassWorld) -> tuple[int, str]:
    """A second class of the teacher's, nobody in it yet."""
    with app.app_context():
        school_class = create_class(db.session.get(User, world.teacher_id), "Geography 9C")
        return school_class.id, school_class.join_code


def _enrolments(app: Flask, class_id: int) -> list[int]:
    with app.app_context():
        return list(
            db.session.execute(
                db.select(Enrolment.student_id).where(Enrolment.class_id == class_id)
            ).scalars()
        )


WRONG_CODES = [
    ("ZZZZZZZZ", "No class has the code ZZZZZZZZ. Check it with your teacher."),
    ("zz zz-zzzz", "No class has the code ZZZZZZZZ. Check it with your teacher."),
    ("abc", "A class code has 8 letters and digits."),
    ("ABCDEFGHJK", "A class code has 8 letters and digits."),
    ("", "This field is required."),
    ("x" * 21, "Field cannot be longer than 20 characters."),
]


def test_a_wrong_class_code_gets_a_message_and_joins_nothing(
    app: Flask, world: ClassWorld, ada: FlaskClient
) -> None:
    before = _count(app, Enrolment)

    for code, message in WRONG_CODES:
        response = _join(ada, code)

        assert response.status_code == 400, code
        html = response.get_data(as_text=True)
        assert field_error(html, "code") == message, code
        assert _count(app, Enrolment) == before, code


def test_a_class_code_works_in_lower_case_and_with_spaces(
    app: Flask, world: ClassWorld, ada: FlaskClient
) -> None:
    typings = {
        "lower-case": lambda code: code.lower(),
        "spaced": lambda code: f" {code[:4]} {code[4:]} ",
        "dashed, lower-case": lambda code: f"{code[:4]}-{code[4:]}".lower(),
    }
    for n, (how, typed) in enumerate(typings.items()):
        with app.app_context():
            teacher = db.session.get(User, world.teacher_id)
            school_class = create_class(teacher, f"Geography {n}")
            class_id, code = school_class.id, school_class.join_code

        response = _join(ada, typed(code))

        assert response.status_code == 302, how
        assert response.headers["Location"] == "/student/"
        assert _enrolments(app, class_id) == [world.ada_id], how
        html = ada.get("/student/").get_data(as_text=True)
        assert f"You joined Geography {n}." in html
        assert re.search(rf"<li>Geography {n} <span", html)


def test_joining_a_class_twice_is_harmless(app: Flask, world: ClassWorld, ada: FlaskClient) -> None:
    class_id, code = _new_class(app, world)

    first = _join(ada, code)
    second = _join(ada, code.lower())

    assert first.status_code == second.status_code == 302
    assert _enrolments(app, class_id) == [world.ada_id]
    html = ada.get("/student/").get_data(as_text=True)
    assert html.count("<li>Geography 9C <span") == 1


# -------------------------------------------------------------------------------- practice


def _practise(client: FlaskClient, section: str, count: object):
    token = session_token(client)
    return client.post(
        "/student/practice",
        data={"csrf_token": token, "section": section, "question_count": str(count)},
    )


def test_practice_starts_an_attempt_on_that_section_only(
    app: Flask, world: ClassWorld, ada: FlaskClient
) -> None:
    economy = world.section_ids[ECONOMY]

    response = _practise(ada, f"section-{economy}", 5)

    assert response.status_code == 302
    attempt_id = _attempt_id_from(response.headers["Location"])
    with app.app_context():
        attempt = reload_attempt(attempt_id)
        assert attempt.student_id == world.ada_id
        assert attempt.quiz.kind is QuizKind.PRACTICE
        assert attempt.quiz.feedback_timing is FeedbackTiming.IMMEDIATE
        sections = [row.question_version.question.section_id for row in attempt.questions]
        assert len(sections) == 5
        assert set(sections) == {economy}
    page = ada.get(response.headers["Location"])
    assert page.status_code == 200
    assert "Question 1 of 5" in page.get_data(as_text=True)


@WHOLE_BANK
def test_practice_on_a_whole_article_draws_from_several_sections(
    app: Flask, world: ClassWorld, ada: FlaskClient
) -> None:
    response = _practise(ada, f"article-{world.article_id}", 30)

    attempt_id = _attempt_id_from(response.headers["Location"])
    with app.app_context():
        attempt = reload_attempt(attempt_id)
        sections = {row.question_version.question.section_id for row in attempt.questions}
        assert len(attempt.questions) == 30
        assert len(sections) > 1


def test_asking_for_more_questions_than_the_section_has_explains_why(
    app: Flask, world: ClassWorld, ada: FlaskClient
) -> None:
    before = (_count(app, Attempt), _count(app, Quiz))

    response = _practise(ada, f"section-{world.section_ids[ECONOMY]}", 12)

    assert response.status_code == 400
    error = field_error(response.get_data(as_text=True), "question_count")
    assert error is not None
    assert ECONOMY_TITLE in error
    assert "asks for 12 questions" in error
    assert "only 11 are available" in error
    assert (_count(app, Attempt), _count(app, Quiz)) == before


BAD_COUNTS = [
    (0, "between 1 and 30"),
    (31, "between 1 and 30"),
    (-2, "between 1 and 30"),
    ("ten", None),
    ("", None),
    ("1e3", None),
    ("2.5", None),
]


def test_an_out_of_range_question_count_gets_a_message(
    app: Flask, world: ClassWorld, ada: FlaskClient
) -> None:
    before = (_count(app, Attempt), _count(app, Quiz))

    for count, message in BAD_COUNTS:
        response = _practise(ada, f"section-{world.section_ids[ECONOMY]}", count)

        assert response.status_code == 400, count
        error = field_error(response.get_data(as_text=True), "question_count")
        assert error, count
        if message:
            assert message in error, (count, error)
    assert (_count(app, Attempt), _count(app, Quiz)) == before


def test_an_unknown_section_is_refused(app: Flask, world: ClassWorld, ada: FlaskClient) -> None:
    before = _count(app, Attempt)

    for section in ("section-999999", "article-999999", "nonsense", "", "section-"):
        response = _practise(ada, section, 3)

        assert response.status_code == 400, section
        assert field_error(response.get_data(as_text=True), "section"), section
    assert _count(app, Attempt) == before


# ------------------------------------------------------------------ reviews due and progress


def _submit(client: FlaskClient, attempt_id: int) -> None:
    token = session_token(client)
    response = client.post(f"/student/attempts/{attempt_id}/submit", data={"csrf_token": token})
    assert response.status_code == 302


def _save(client: FlaskClient, attempt_id: int, position: int, form: dict) -> None:
    url = f"/student/attempts/{attempt_id}/questions/{position}"
    token = session_token(client)
    response = client.post(url, data={**form, "csrf_token": token, "action": "next"})
    assert response.status_code == 302, response.get_data(as_text=True)


def test_wrong_answers_come_due_for_review_on_the_dashboard(
    app: Flask, world: ClassWorld, ada: FlaskClient, clock: Clock
) -> None:
    response = _practise(ada, f"section-{world.section_ids[ECONOMY]}", 3)
    attempt_id = _attempt_id_from(response.headers["Location"])
    _submit(ada, attempt_id)  # nothing answered: three wrong answers

    assert "No questions due for review right now." in ada.get("/student/").get_data(as_text=True)
    clock.advance(hours=1)
    html = ada.get("/student/").get_data(as_text=True)
    assert "3 questions due for review." in page_text(html)
    assert "3 questions due for review." in page_text(ada.get("/student/progress").text)


def test_answered_counts_graded_answers_only(
    app: Flask, world: ClassWorld, ada: FlaskClient, clock: Clock
) -> None:
    response = _practise(ada, f"section-{world.section_ids[ECONOMY]}", 3)
    attempt_id = _attempt_id_from(response.headers["Location"])
    with app.app_context():
        first = items_of(reload_attempt(attempt_id))[0]
        form = answer_form(first, correct_answer(first.question))
    _save(ada, attempt_id, 1, form)

    # Saved but not graded yet: not counted as answered.
    row = _progress_rows(ada.get("/student/progress").text)["What are their economic ties?"]
    assert row[1] == "0 of 11"

    _submit(ada, attempt_id)  # two of the three questions skipped

    row = _progress_rows(ada.get("/student/progress").text)["What are their economic ties?"]
    assert row[1] == "1 of 11"


def _progress_rows(html: str) -> dict[str, tuple[str, str, str]]:
    rows = re.findall(
        r'<tr>\s*<th scope="row"><a [^>]*>([^<]+)</a></th>\s*<td>([^<]*)</td>\s*'
        r"<td>([^<]*)</td>\s*<td>([^<]*)</td>",
        html,
    )
    return {html_module.unescape(title): (m, a, d) for title, m, a, d in rows}


@WHOLE_BANK
def test_progress_shows_mastery_per_section_and_the_attempt_history(
    app: Flask, world: ClassWorld, bob: FlaskClient, clock: Clock
) -> None:
    response = _practise(bob, f"section-{world.section_ids[ECONOMY]}", 2)
    attempt_id = _attempt_id_from(response.headers["Location"])
    with app.app_context():
        items = items_of(reload_attempt(attempt_id))
        forms = [
            answer_form(items[0], correct_answer(items[0].question)),
            answer_form(items[1], wrong_answer(items[1].question)),
        ]
        points = [item.question.points for item in items]
    _save(bob, attempt_id, 1, forms[0])
    _save(bob, attempt_id, 2, forms[1])
    _submit(bob, attempt_id)

    html = bob.get("/student/progress").get_data(as_text=True)

    rows = _progress_rows(html)
    assert list(rows) == list(SECTION_TITLES)
    # One right of the section's 11 questions: the mean counts the 10 others as 0.
    assert rows[ECONOMY_TITLE] == (f"{round(100 / 11)}%", "2 of 11", "0")
    with app.app_context():
        rows_by_section = db.session.execute(
            db.select(Section.title, db.func.count(Question.id))
            .join(Question, Question.section_id == Section.id)
            .group_by(Section.title)
        )
        sizes = {title: count for title, count in rows_by_section}
    for title in SECTION_TITLES:
        if title != ECONOMY_TITLE:
            assert rows[title] == ("0%", f"0 of {sizes[title]}", "0")
    # The chart has an accessible name.
    svg = re.search(r"<svg\b([^>]*)>(.*?)</svg>", html, re.S)
    assert svg
    assert 'role="img"' in svg.group(1)
    labelled_by = re.search(r'aria-labelledby="([^"]+)"', svg.group(1)).group(1)
    title = re.search(rf'<title id="{labelled_by}">([^<]+)</title>', svg.group(2))
    assert title and "Mastery by section" in title.group(1)
    # The attempt is in the history with its score.
    history = re.search(r'<h2 id="history-heading">.*?</table>', html, re.S).group(0)
    expected_score = f"{format_number(points[0])} / {format_number(sum(points))}"
    assert f'href="/student/attempts/{attempt_id}">Practice: {ECONOMY_TITLE}</a>' in (
        html_module.unescape(history)
    )
    assert f"<td>{expected_score}</td>" in history


@WHOLE_BANK
def test_mastery_follows_the_latest_grade_not_the_best(
    app: Flask, world: ClassWorld, bob: FlaskClient, clock: Clock
) -> None:
    economy = world.section_ids[ECONOMY]
    first = _attempt_id_from(_practise(bob, f"section-{economy}", 11).headers["Location"])
    with app.app_context():
        items = items_of(reload_attempt(first))
        forms = {i.row.position: answer_form(i, correct_answer(i.question)) for i in items}
    for position, form in forms.items():
        _save(bob, first, position, form)
    _submit(bob, first)
    assert _progress_rows(bob.get("/student/progress").text)[ECONOMY_TITLE][:2] == (
        "100%",
        "11 of 11",
    )

    clock.advance(minutes=5)
    second = _attempt_id_from(_practise(bob, f"section-{economy}", 11).headers["Location"])
    _submit(bob, second)  # everything unanswered this time

    rows = _progress_rows(bob.get("/student/progress").text)
    assert rows[ECONOMY_TITLE][:2] == ("0%", "11 of 11")


def test_retired_questions_do_not_count_towards_progress(
    app: Flask, world: ClassWorld, bob: FlaskClient
) -> None:
    with app.app_context():
        question = db.session.execute(
            db.select(Question).where(Question.section_id == world.section_ids[ECONOMY]).limit(1)
        ).scalar_one()
        question.retired_at = NOW
        db.session.commit()

    rows = _progress_rows(bob.get("/student/progress").text)

    assert rows[ECONOMY_TITLE] == ("0%", "0 of 10", "0")


def test_progress_without_attempts_invites_to_practise(
    app: Flask, world: ClassWorld, bob: FlaskClient
) -> None:
    html = bob.get("/student/progress").get_data(as_text=True)

    assert "No attempts yet." in html
    assert "0 questions due for review." in page_text(html)
