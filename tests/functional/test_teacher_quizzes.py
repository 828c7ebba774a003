"""The quiz builder, publishing, and a quiz's attempts, through a teacher's browser."""

from __future__ import annotations

import datetime as dt
import html as html_module
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from html.parser import HTMLParser

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.datastructures import MultiDict
from werkzeug.test import TestResponse

from quizapp.domain.answers import describe_answer, describe_key
from quizapp.domain.bank import read_bank
from quizapp.extensions import db
from quizapp.models import (
    Article,
    Attempt,
    AttemptQuestion,
    AttemptState,
    FeedbackTiming,
    GradingMethod,
    Question,
    Quiz,
    SchoolClass,
    User,
)
from quizapp.rendering import format_number
from quizapp.services import attempts as attempt_service
from quizapp.services.classes import remove_student
from quizapp.services.quizzes import FEEDBACK_TIMINGS, GRADING_METHODS, QuizSpec, RuleSpec
from quizapp.teacher.forms import FEEDBACK_LABELS, GRADING_LABELS, QuizForm
from tests.conftest import BANK_PATH
from tests.factories import (
    ECONOMY,
    MILITARY,
    NOW,
    Clock,
    answer,
    correct_answer,
    create_assessment,
    create_class,
    create_student,
    create_teacher,
    csrf_token,
    enrol,
    items_of,
    load_article,
    logged_in_client,
    page_text,
    section,
    section_rule,
    start,
    token_for,
    wrong_answer,
)
from tests.helpers import ARTICLE_SLUG, SECTION_TITLES

ECONOMY_TITLE = "What are their economic ties?"
MILITARY_TITLE = "What are their military ties?"

# ------------------------------------------------------------------------- reading forms


class _FormReader(HTMLParser):
    """The fields a browser would send from each POST form of a page (no button pressed)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[tuple[str | None, list[list[str]]]] = []
        self._fields: list[list[str]] | None = None
        self._textarea: list[str] | None = None
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "get").lower() == "post":
            self._fields = []
            self.forms.append((a.get("action"), self._fields))
        if self._fields is None:
            return
        if tag == "input" and "name" in a:
            kind = a.get("type", "text")
            if kind in ("submit", "button") or (kind == "checkbox" and "checked" not in a):
                return
            self._fields.append([a["name"], a.get("value", "y" if kind == "checkbox" else "")])
        elif tag == "textarea":
            self._textarea = [a["name"], ""]
            self._fields.append(self._textarea)
        elif tag == "select":
            self._select, self._options = a["name"], []
        elif tag == "option" and self._select is not None:
            self._options.append((a.get("value", ""), "selected" in a))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._fields = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select" and self._select is not None and self._fields is not None:
            chosen = [v for v, selected in self._options if selected] or [self._options[0][0]]
            self._fields.append([self._select, chosen[0]])
            self._select = None

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea[1] += data


def builder_fields(html: str) -> MultiDict:
    """The quiz builder's fields as the page shows them."""
    reader = _FormReader()
    reader.feed(html)
    fields = next(fields for action, fields in reader.forms if action is None)
    # The first newline of a textarea is not part of its value.
    return MultiDict([(k, re.sub(r"\A\r?\n", "", v)) for k, v in fields])


def rule_rows(html: str) -> dict[str, tuple[str, str]]:
    """Section label -> (its rule's field prefix, the "In the bank" text)."""
    rows = re.findall(
        r'<th scope="row" id="rule-\d+-label">([^<]*)<input[^>]*name="(rules-\d+)-section_id"'
        r"[^>]*>\s*</th>\s*<td>(.*?)</td>",
        html,
        re.S,
    )
    return {html_module.unescape(label): (prefix, text.strip()) for label, prefix, text in rows}


def fill(
    fields: MultiDict, html: str, rules: dict[str, tuple[int, list[int]]], **settings: str | None
) -> MultiDict:
    """``fields`` with the rules (section label -> count, difficulties) and settings set.

    Rules not named ask for 0 questions; a setting given as None is left out (unchecked).
    """
    data = fields.copy()
    for label, (prefix, _) in rule_rows(html).items():
        count, difficulties = rules.get(label, (0, []))
        data.setlist(f"{prefix}-question_count", [str(count)])
        data.setlist(f"{prefix}-difficulties", [str(d) for d in difficulties])
    for name, value in settings.items():
        data.setlist(name, [] if value is None else [value])
    return data


HIGHLIGHTED = "Please correct the highlighted fields."


def summary(html: str) -> list[str]:
    """The problems listed at the top of the builder (without the pointer to the fields,
    which has its own test)."""
    box = re.search(r'<div class="error-summary" role="alert">(.*?)</div>', html, re.S)
    if box is None:
        return []
    problems = re.findall(r"<p>(.*?)</p>", box.group(1), re.S)
    return [" ".join(html_module.unescape(p).split()) for p in problems if p != HIGHLIGHTED]


def flashes(html: str) -> list[str]:
    return [
        " ".join(html_module.unescape(m).split())
        for m in re.findall(r'<p class="flash[^"]*">(.*?)</p>', html, re.S)
    ]


def input_value(html: str, name: str) -> str | None:
    tag = re.search(rf'<input\b[^>]*\bname="{re.escape(name)}"[^>]*>', html)
    if tag is None:
        return None
    value = re.search(r'\bvalue="([^"]*)"', tag.group(0))
    return html_module.unescape(value.group(1)) if value else ""


def press(client: FlaskClient, page: str, button: str) -> TestResponse:
    html = client.get(page).get_data(as_text=True)
    for form in re.findall(r"<form\b.*?</form>", html, re.S):
        if re.search(rf">\s*{re.escape(button)}\s*</button>", form):
            action = html_module.unescape(re.search(r'action="([^"]*)"', form).group(1))
            return client.post(action, data={"csrf_token": csrf_token(form)})
    raise AssertionError(f"no {button!r} button on {page}")


# ---------------------------------------------------------------------------------- world


@dataclass(frozen=True)
class School:
    article_id: int
    sections: dict[str, int]
    class_id: int
    other_class_id: int
    ada_id: int
    bob_id: int


@pytest.fixture
def school(app: Flask) -> School:
    """Economy and military questions; Ada and Bob in History 10B, Cy in another class,
    Dee removed from History 10B."""
    with app.app_context():
        article = load_article((ECONOMY, MILITARY))
        grace = create_teacher()
        school_class = create_class(grace, "History 10B")
        other = create_class(grace, "Geography 9A")
        ada = create_student("ada@example.com", "Ada Lovelace")
        bob = create_student("bob@example.com", "Bob Student")
        cy = create_student("cy@example.com", "Cy Other")
        dee = create_student("dee@example.com", "Dee Removed")
        for student in (ada, bob, dee):
            enrol(student, school_class)
        enrol(cy, other)
        remove_student(school_class, dee.id, now=NOW)
        return School(
            article.id,
            {s.slug: s.id for s in article.sections},
            school_class.id,
            other.id,
            ada.id,
            bob.id,
        )


@pytest.fixture
def teacher(app: Flask, school: School) -> FlaskClient:
    return logged_in_client(app, "grace@example.com")


@cache
def _bank_difficulties() -> dict[str, Counter]:
    """Section title -> questions per difficulty, read from the bank files."""
    (bank,) = [b for b in read_bank(BANK_PATH) if b.article.slug == ARTICLE_SLUG]
    return {
        s.title: Counter(q.difficulty for q in bank.questions_by_section.get(s.slug, ()))
        for s in bank.article.sections
    }


def _builder(teacher: FlaskClient, school: School) -> tuple[str, str]:
    url = f"/teacher/quizzes/new?article={school.article_id}"
    response = teacher.get(url)
    assert response.status_code == 200
    return url, response.get_data(as_text=True)


def _quizzes(app: Flask) -> list[Quiz]:
    with app.app_context():
        return list(db.session.scalars(db.select(Quiz).order_by(Quiz.id)))


# ---------------------------------------------------------------------------- the builder


def test_the_builder_starts_with_the_article_and_shows_each_sections_question_counts(
    app: Flask, teacher: FlaskClient, school: School
) -> None:
    picker = teacher.get("/teacher/quizzes/new").get_data(as_text=True)
    assert re.search(rf'<option value="{school.article_id}">China and Russia', picker)
    assert 'action="/teacher/quizzes/new"' in picker

    _, html = _builder(teacher, school)

    rows = rule_rows(html)
    assert list(rows) == ["All sections", *SECTION_TITLES]
    loaded = {ECONOMY_TITLE, MILITARY_TITLE}
    for title in SECTION_TITLES:
        by_difficulty = _bank_difficulties()[title] if title in loaded else Counter()
        expected = (
            f"{by_difficulty.total()} ({by_difficulty[1]} easy, {by_difficulty[2]} medium, "
            f"{by_difficulty[3]} hard)"
        )
        assert rows[title][1] == expected, title
    assert rows[ECONOMY_TITLE][1] == "11 (4 easy, 5 medium, 2 hard)"
    assert rows["All sections"][1] == "23"


def test_a_new_quiz_is_saved_as_a_draft_with_its_rules_and_settings(
    app: Flask, teacher: FlaskClient, school: School
) -> None:
    url, html = _builder(teacher, school)
    data = fill(
        builder_fields(html),
        html,
        {"All sections": (1, []), ECONOMY_TITLE: (3, [1, 2]), MILITARY_TITLE: (2, [])},
        title="Trade and arms",
        class_id=str(school.class_id),
        time_limit_minutes="30",
        attempts_allowed="2",
        grading_method="average",
        feedback_timing="immediate",
        shuffle_choices=None,
        keys_in_practice="y",
        opens_at="2026-11-03T08:30",
        closes_at="2026-11-20T17:00",
        extra_time="bob@example.com 15\n\n  ADA@example.com   5  ",
    )

    response = teacher.post(url, data=data)

    assert response.status_code == 302, summary(response.get_data(as_text=True))
    (quiz,) = _quizzes(app)
    assert response.headers["Location"] == f"/teacher/quizzes/{quiz.id}"
    with app.app_context():
        quiz = db.session.get(Quiz, quiz.id)
        assert quiz.title == "Trade and arms"
        assert quiz.class_id == school.class_id
        assert quiz.published_at is None
        assert [(r.section_id, r.question_count, r.difficulties) for r in quiz.rules] == [
            (None, 1, []),
            (school.sections[ECONOMY], 3, [1, 2]),
            (school.sections[MILITARY], 2, []),
        ]
        assert quiz.time_limit_seconds == 30 * 60
        assert quiz.attempts_allowed == 2
        assert quiz.grading_method is GradingMethod.AVERAGE
        assert quiz.feedback_timing is FeedbackTiming.IMMEDIATE
        assert quiz.shuffle_choices is False
        assert quiz.keys_in_practice is True
        assert quiz.opens_at == dt.datetime(2026, 11, 3, 8, 30, tzinfo=dt.UTC)
        assert quiz.closes_at == dt.datetime(2026, 11, 20, 17, 0, tzinfo=dt.UTC)
        assert {e.student_id: e.extra_seconds for e in quiz.extra_times} == {
            school.bob_id: 15 * 60,
            school.ada_id: 5 * 60,
        }
    page = teacher.get(response.headers["Location"]).get_data(as_text=True)
    text = page_text(page)
    assert "Quiz saved as a draft. Publish it when it is ready." in flashes(page)
    assert "Draft" in text and ">Publish</button>" in page
    for shown in (
        "1 from all sections",
        f"3 from {ECONOMY_TITLE} (difficulty 1, 2)",
        f"2 from {MILITARY_TITLE}",
        "Time limit30 minutes",
        "Attempts allowed2",
        "Grading methodAverage",
        "FeedbackAfter each question",
        "03 Nov 2026 08:30 – 20 Nov 2026 17:00",
    ):
        assert shown in text, shown


def _freeze_student_views(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock(NOW + dt.timedelta(hours=1))
    monkeypatch.setattr("quizapp.student.routes.utcnow", clock)
    monkeypatch.setattr("quizapp.teacher.quizzes.utcnow", clock)
    return clock


def _start(student: FlaskClient, quiz_id: int) -> TestResponse:
    token = token_for(student, "/student/")
    return student.post(f"/student/quizzes/{quiz_id}/start", data={"csrf_token": token})


def test_a_quiz_whose_rules_the_bank_can_no_longer_draw_is_not_published(
    app: Flask, teacher: FlaskClient, school: School
) -> None:
    with app.app_context():
        grace = db.session.scalar(db.select(User).where(User.email == "grace@example.com"))
        article = _article(school)
        quiz_id = create_assessment(
            grace,
            db.session.get(SchoolClass, school.class_id),
            article,
            rules=[section_rule(article, ECONOMY, 11)],
            title="All of the economy",
            publish=False,
        ).id
        # Since it was saved, one of the section's questions was retired.
        economy = section(article, ECONOMY).id
        question = db.session.scalar(db.select(Question).where(Question.section_id == economy))
        question.retired_at = NOW
        db.session.commit()
    page = f"/teacher/quizzes/{quiz_id}"

    assert press(teacher, page, "Publish").headers["Location"] == page

    html = teacher.get(page).get_data(as_text=True)
    assert flashes(html)[:2] == [
        "“All of the economy” cannot be published: its rules cannot be drawn now.",
        "What are their economic ties?: asks for 11 questions but only 10 are available",
    ]
    assert "<strong>Draft</strong>" in html
    with app.app_context():
        assert db.session.get(Quiz, quiz_id).published_at is None


def test_publish_lets_the_class_start_and_unpublish_stops_new_attempts(
    app: Flask, teacher: FlaskClient, school: School, monkeypatch: pytest.MonkeyPatch
) -> None:
    _freeze_student_views(monkeypatch)
    with app.app_context():
        grace = db.session.scalar(db.select(User).where(User.email == "grace@example.com"))
        quiz_id = create_assessment(
            grace,
            db.session.get(SchoolClass, school.class_id),
            _article(school),
            rules=[section_rule(_article(school), ECONOMY, 3)],
            publish=False,
        ).id
    ada = logged_in_client(app, "ada@example.com")
    bob = logged_in_client(app, "bob@example.com")
    page = f"/teacher/quizzes/{quiz_id}"

    refused = _start(ada, quiz_id)
    # A draft is not there for students: the same 404 as a quiz that does not exist.
    assert refused.status_code == 404
    assert "There is no such quiz." in refused.get_data(as_text=True)

    assert press(teacher, page, "Publish").headers["Location"] == page
    html = teacher.get(page).get_data(as_text=True)
    assert "Published: the class can take it now." in flashes(html)
    assert "<strong>Published</strong>" in html and ">Unpublish</button>" in html
    started = _start(ada, quiz_id)
    attempt_page = started.headers["Location"]
    assert re.fullmatch(r"/student/attempts/\d+/questions/1", attempt_page)

    assert press(teacher, page, "Unpublish").headers["Location"] == page
    html = teacher.get(page).get_data(as_text=True)
    assert "Unpublished: students can no longer start it." in flashes(html)
    assert "<strong>Draft</strong>" in html
    assert _start(bob, quiz_id).status_code == 404
    # Ada's attempt in progress can still be finished.
    assert _start(ada, quiz_id).headers["Location"] == attempt_page
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Attempt.id))) == 1


def _article(school: School) -> Article:
    return db.session.get(Article, school.article_id)


@pytest.mark.parametrize(
    ("rules", "problem"),
    [
        (
            {ECONOMY_TITLE: (12, [])},
            f"{ECONOMY_TITLE}: asks for 12 questions but only 11 are available",
        ),
        (
            {ECONOMY_TITLE: (3, [3])},
            f"{ECONOMY_TITLE} (difficulty 3): asks for 3 questions but only 2 are available",
        ),
        ({"Introduction": (1, [])}, "Introduction: asks for 1 question but none are available"),
        (
            {"All sections": (24, [])},
            "All sections: asks for 24 questions but only 23 are available",
        ),
        (
            {ECONOMY_TITLE: (11, []), "All sections": (13, [])},
            "All sections: asks for 13 questions but only 12 are available "
            "(after the other rules took theirs)",
        ),
        ({}, "Ask for at least one question in one of the rules."),
    ],
)
def test_impossible_rules_are_not_saved_and_the_message_names_the_section(
    app: Flask, teacher: FlaskClient, school: School, rules: dict, problem: str
) -> None:
    url, html = _builder(teacher, school)
    data = fill(
        builder_fields(html),
        html,
        rules,
        title="Too greedy",
        class_id=str(school.class_id),
        time_limit_minutes="25",
        grading_method="last",
        extra_time="bob@example.com 10",
    )

    response = teacher.post(url, data=data)

    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert summary(page) == [problem]
    assert _quizzes(app) == []
    # What the teacher typed is still there.
    assert input_value(page, "title") == "Too greedy"
    assert input_value(page, "time_limit_minutes") == "25"
    assert re.search(r'<option selected value="last">|<option value="last" selected>', page)
    assert "bob@example.com 10</textarea>" in page
    for label, (prefix, _) in rule_rows(page).items():
        assert input_value(page, f"{prefix}-question_count") == str(rules.get(label, (0,))[0])
        for difficulty in rules.get(label, (0, []))[1]:
            assert re.search(
                rf'<input checked id="{prefix}-difficulties-\d" name="{prefix}-difficulties" '
                rf'type="checkbox" value="{difficulty}">',
                page,
            ), (label, difficulty)


@pytest.mark.parametrize(
    ("rules", "settings", "fields_in_error"),
    [
        ({ECONOMY_TITLE: (2, [])}, {"time_limit_minutes": "0"}, 1),
        ({ECONOMY_TITLE: (2, [])}, {"title": ""}, 1),
        ({ECONOMY_TITLE: (12, [])}, {}, 0),
        ({ECONOMY_TITLE: (2, [])}, {"extra_time": "nobody@example.com 5"}, 0),
    ],
    ids=["bad time limit", "no title", "impossible rule", "bad extra time"],
)
def test_the_summary_points_to_highlighted_fields_only_when_some_are(
    app: Flask,
    teacher: FlaskClient,
    school: School,
    rules: dict,
    settings: dict,
    fields_in_error: int,
) -> None:
    url, html = _builder(teacher, school)
    data = fill(
        builder_fields(html),
        html,
        rules,
        **{"title": "Pointers", "class_id": str(school.class_id), **settings},
    )

    page = teacher.post(url, data=data).get_data(as_text=True)

    assert page.count('class="field field-error"') == fields_in_error
    # Rule and extra-time problems are listed in the summary, not on a field: telling the
    # teacher to "correct the highlighted fields" then points at nothing.
    assert (HIGHLIGHTED in page) == bool(fields_in_error)


@pytest.mark.parametrize(
    ("opens", "closes", "problem"),
    [
        ("2026-11-10T09:00", "2026-11-09T09:00", "The quiz must close after it opens."),
        ("2026-11-10T09:00", "2026-11-10T09:00", "The quiz must close after it opens."),
        ("2026-11-10T09:00", "2026-11-10T09:01", None),
        ("", "2026-11-10T09:01", None),
    ],
)
def test_a_quiz_must_close_after_it_opens(
    app: Flask, teacher: FlaskClient, school: School, opens: str, closes: str, problem: str | None
) -> None:
    url, html = _builder(teacher, school)
    data = fill(
        builder_fields(html),
        html,
        {ECONOMY_TITLE: (2, [])},
        title="Window",
        class_id=str(school.class_id),
        opens_at=opens,
        closes_at=closes,
    )

    response = teacher.post(url, data=data)

    if problem is None:
        assert response.status_code == 302
        assert len(_quizzes(app)) == 1
    else:
        page = response.get_data(as_text=True)
        assert response.status_code == 400
        assert summary(page) == [problem]
        assert _quizzes(app) == []
        assert input_value(page, "opens_at") == opens
        assert input_value(page, "closes_at") == closes


_MALFORMED = (
    "Extra time, line {n}: write an email and a number of minutes (1 to 1440), "
    "e.g. sam@example.org 15 — got “{line}”."
)


@pytest.mark.parametrize(
    ("text", "problems"),
    [
        (
            "carol@example.com 10",
            ["Extra time, line 1: carol@example.com is not a student of this class."],
        ),
        (
            "bob@example.com 15\ncy@example.com 10",
            ["Extra time, line 2: cy@example.com is not a student of this class."],
        ),
        (
            "dee@example.com 10",
            ["Extra time, line 1: dee@example.com is not a student of this class."],
        ),
        ("bob@example.com", [_MALFORMED.format(n=1, line="bob@example.com")]),
        ("bob@example.com ten", [_MALFORMED.format(n=1, line="bob@example.com ten")]),
        ("bob@example.com 0", [_MALFORMED.format(n=1, line="bob@example.com 0")]),
        ("bob@example.com 1441", [_MALFORMED.format(n=1, line="bob@example.com 1441")]),
        ("bob@example.com -5", [_MALFORMED.format(n=1, line="bob@example.com -5")]),
        (
            "ada@example.com 5\n\nbob@example.com 15 extra",
            [_MALFORMED.format(n=3, line="bob@example.com 15 extra")],
        ),
    ],
)
def test_extra_time_lines_that_cannot_work_are_reported_by_line(
    app: Flask, teacher: FlaskClient, school: School, text: str, problems: list[str]
) -> None:
    url, html = _builder(teacher, school)
    data = fill(
        builder_fields(html),
        html,
        {ECONOMY_TITLE: (2, [])},
        title="Extra",
        class_id=str(school.class_id),
        time_limit_minutes="20",
        extra_time=text,
    )

    response = teacher.post(url, data=data)

    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert summary(page) == problems
    assert _quizzes(app) == []
    assert html_module.escape(text, quote=False) + "</textarea>" in page


def test_editing_a_quiz_keeps_the_questions_of_attempts_in_progress(
    app: Flask, teacher: FlaskClient, school: School, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The teacher edits five minutes into Ada's 30-minute attempt.
    monkeypatch.setattr("quizapp.teacher.quizzes.utcnow", Clock(NOW + dt.timedelta(minutes=5)))
    with app.app_context():
        grace = db.session.scalar(db.select(User).where(User.email == "grace@example.com"))
        article = _article(school)
        quiz = create_assessment(
            grace,
            db.session.get(SchoolClass, school.class_id),
            article,
            rules=[section_rule(article, ECONOMY, 3)],
            title="Economy check",
            time_limit_seconds=30 * 60,
            extra_seconds={school.bob_id: 15 * 60},
        )
        quiz_id = quiz.id
        attempt = start(quiz, db.session.get(User, school.ada_id), now=NOW)
        answer(attempt, 1, wrong_answer(items_of(attempt)[0].question))
        attempt_id = attempt.id
        drawn_before = _drawn(attempt_id)
    url = f"/teacher/quizzes/{quiz_id}/edit"
    html = teacher.get(url).get_data(as_text=True)
    fields = builder_fields(html)
    assert fields["title"] == "Economy check"
    assert fields["time_limit_minutes"] == "30"
    assert fields["extra_time"] == "bob@example.com 15"
    rows = rule_rows(html)
    assert fields[f"{rows[ECONOMY_TITLE][0]}-question_count"] == "3"

    response = teacher.post(
        url, data=fill(fields, html, {MILITARY_TITLE: (4, [])}, title="Arms check")
    )

    assert response.status_code == 302, summary(response.get_data(as_text=True))
    assert "Quiz updated. Attempts already started keep their questions." in flashes(
        teacher.get(response.headers["Location"]).get_data(as_text=True)
    )
    with app.app_context():
        assert _drawn(attempt_id) == drawn_before
        quiz = db.session.get(Quiz, quiz_id)
        assert quiz.title == "Arms check"
        assert {e.student_id: e.extra_seconds for e in quiz.extra_times} == {school.bob_id: 900}
        resumed = start(
            quiz, db.session.get(User, school.ada_id), now=NOW + dt.timedelta(minutes=6)
        )
        assert resumed.id == attempt_id
        assert {row.question_version.question.section_id for row in resumed.questions} == {
            school.sections[ECONOMY]
        }
        fresh = start(quiz, db.session.get(User, school.bob_id), now=NOW + dt.timedelta(minutes=6))
        assert len(fresh.questions) == 4
        assert {row.question_version.question.section_id for row in fresh.questions} == {
            school.sections[MILITARY]
        }


def _drawn(attempt_id: int) -> list[tuple]:
    db.session.expire_all()
    return [
        tuple(row)
        for row in db.session.execute(
            db.select(
                AttemptQuestion.position,
                AttemptQuestion.question_version_id,
                AttemptQuestion.display_order,
            )
            .where(AttemptQuestion.attempt_id == attempt_id)
            .order_by(AttemptQuestion.position)
        )
    ]


# --------------------------------------------------------------------- the quiz's attempts


@dataclass(frozen=True)
class Sitting:
    quiz_id: int
    ada_attempt: int
    bob_attempt: int
    cy_attempt: int
    ada_score: str  # "2 / 3" as the pages write it (questions may be worth 2 points)
    cy_score: str


@pytest.fixture
def sitting(app: Flask, school: School) -> Sitting:
    """A 15-minute quiz: Ada submitted 2 of 3 right after 7 minutes; Bob is answering;
    Cy (added to the class) started and walked away, so her time ran out."""
    with app.app_context():
        grace = db.session.scalar(db.select(User).where(User.email == "grace@example.com"))
        school_class = db.session.get(SchoolClass, school.class_id)
        article = _article(school)
        cy = db.session.scalar(db.select(User).where(User.email == "cy@example.com"))
        enrol(cy, school_class)
        quiz = create_assessment(
            grace,
            school_class,
            article,
            rules=[section_rule(article, ECONOMY, 3)],
            time_limit_seconds=15 * 60,
        )
        ada = db.session.get(User, school.ada_id)
        ada_attempt = start(quiz, ada)
        for item in items_of(ada_attempt):
            good = item.row.position != 3
            stored = correct_answer(item.question) if good else wrong_answer(item.question)
            answer(ada_attempt, item.row.position, stored)
        attempt_service.submit_attempt(ada_attempt, now=NOW + dt.timedelta(minutes=7))
        cy_attempt = start(quiz, cy, seed=3)
        bob_attempt = start(
            quiz, db.session.get(User, school.bob_id), now=NOW + dt.timedelta(minutes=10), seed=2
        )
        answer(
            bob_attempt,
            1,
            correct_answer(items_of(bob_attempt)[0].question),
            now=NOW + dt.timedelta(minutes=11),
        )
        # Ada's score, computed here from the marks of the questions she got right.
        points = [i.question.points for i in items_of(ada_attempt)]
        ada_score = f"{format_number(sum(points[:2]))} / {format_number(sum(points))}"
        cy_max = sum(i.question.points for i in items_of(cy_attempt))
        return Sitting(
            quiz.id,
            ada_attempt.id,
            bob_attempt.id,
            cy_attempt.id,
            ada_score,
            f"0 / {format_number(cy_max)}",
        )


def _attempt_rows(html: str) -> dict[str, list[str]]:
    table = html.split("<h2>Attempts</h2>", 1)[1]
    rows = {}
    for row in re.findall(r"<tr>\s*<th scope=\"row\">(.*?)</tr>", table, re.S):
        cells = [
            " ".join(html_module.unescape(re.sub(r"<[^>]+>", "", c)).split())
            for c in re.findall(r"(.*?)</t[hd]>", row, re.S)
        ]
        rows[cells[0]] = cells[1:]
    return rows


def test_the_quiz_page_lists_attempts_with_score_duration_and_state(
    app: Flask, teacher: FlaskClient, sitting: Sitting, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = Clock(NOW + dt.timedelta(minutes=20))
    monkeypatch.setattr("quizapp.teacher.quizzes.utcnow", clock)

    html = teacher.get(f"/teacher/quizzes/{sitting.quiz_id}").get_data(as_text=True)

    rows = _attempt_rows(html)
    assert rows["Ada Lovelace"] == [
        "1",
        "Submitted",
        sitting.ada_score,
        "7 min",
        "02 Nov 2026 09:00",
    ]
    assert rows["Bob Student"] == ["1", "In progress", "–", "–", "02 Nov 2026 09:10"]
    assert rows["Cy Other"][:3] == ["1", "Submitted (time ran out)", sitting.cy_score]
    for name, attempt_id in [
        ("Ada Lovelace", sitting.ada_attempt),
        ("Bob Student", sitting.bob_attempt),
    ]:
        assert f'href="/teacher/quizzes/{sitting.quiz_id}/attempts/{attempt_id}">{name}</a>' in html
    with app.app_context():
        assert db.session.get(Attempt, sitting.cy_attempt).state is AttemptState.SUBMITTED
        assert db.session.get(Attempt, sitting.bob_attempt).state is AttemptState.IN_PROGRESS


def _review_sections(html: str) -> dict[int, str]:
    return {
        int(n): body
        for n, body in re.findall(
            r'<section aria-labelledby="review-(\d+)">(.*?)</section>', html, re.S
        )
    }


def test_the_attempt_review_shows_the_learners_answers_and_feedback(
    app: Flask, teacher: FlaskClient, sitting: Sitting
) -> None:
    with app.app_context():
        ada_items = items_of(
            attempt_service.get_student_attempt(
                sitting.ada_attempt,
                db.session.get(Attempt, sitting.ada_attempt).student_id,
                now=NOW,
                grace=dt.timedelta(seconds=15),
            )
        )
        expected = {
            i.row.position: (
                describe_answer(i.question, i.answer),
                describe_key(i.question),
                "Correct" if i.row.response.fraction == 1 else "Incorrect",
                i.question.evidence,
            )
            for i in ada_items
        }

    html = teacher.get(
        f"/teacher/quizzes/{sitting.quiz_id}/attempts/{sitting.ada_attempt}"
    ).get_data(as_text=True)

    assert "Ada Lovelace: Economy check, attempt 1" in page_text(html)
    assert f"Score: {sitting.ada_score}" in page_text(html)
    sections = _review_sections(html)
    assert sorted(sections) == [1, 2, 3]
    for position, (given, key, outcome, evidence) in expected.items():
        body = sections[position]
        text = html_module.unescape(body)
        assert f"<dt>Your answer</dt><dd>{given}</dd>" in text, position
        assert f"<dt>Right answer</dt><dd>{key}</dd>" in text, position
        assert f"<strong>{outcome}</strong>" in text, position
        if evidence:
            assert evidence in text
    assert [expected[p][2] for p in (1, 2, 3)] == ["Correct", "Correct", "Incorrect"]


def test_the_review_of_an_attempt_in_progress_shows_the_answers_so_far(
    app: Flask, teacher: FlaskClient, sitting: Sitting
) -> None:
    with app.app_context():
        attempt = db.session.get(Attempt, sitting.bob_attempt)
        first = items_of(attempt)[0]
        given = describe_answer(first.question, first.answer)

    html = teacher.get(
        f"/teacher/quizzes/{sitting.quiz_id}/attempts/{sitting.bob_attempt}"
    ).get_data(as_text=True)

    sections = _review_sections(html)
    assert "In progress." in html
    assert f"Answer so far: {given}" in html_module.unescape(sections[1])
    assert "Answer so far: No answer" in html_module.unescape(sections[2])
    assert "Right answer" not in html


# ------------------------------------------------------------------- the builder's form


def test_the_forms_setting_labels_cover_exactly_the_services_values() -> None:
    assert list(GRADING_LABELS) == list(GRADING_METHODS)
    assert set(FEEDBACK_LABELS) == set(FEEDBACK_TIMINGS)


def test_a_quiz_goes_into_the_form_and_comes_back_the_same(app: Flask) -> None:
    spec = QuizSpec(
        title="Economy check",
        class_id=7,
        rules=(RuleSpec(3, None, ()), RuleSpec(2, 12, (1, 3))),
        time_limit_seconds=30 * 60,
        attempts_allowed=2,
        grading_method="last",
        feedback_timing="immediate",
        shuffle_choices=False,
        opens_at=NOW,
        closes_at=NOW + dt.timedelta(days=1),
        extra_time="bob@example.com 15",
    )

    with app.test_request_context():
        form = QuizForm.from_quiz(spec, (None, 11, 12))
        assert [entry.form.section_id.data for entry in form.rules] == ["", "11", "12"]
        assert form.to_spec() == spec
