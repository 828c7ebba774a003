"""Gradebook, CSV downloads, item analysis and the mastery heatmap, as a teacher sees them."""

from __future__ import annotations

import csv
import datetime as dt
import html as html_module
import io
import re
from collections.abc import Collection
from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient

from quizapp.domain.answers import describe_answer
from quizapp.extensions import db
from quizapp.models import (
    Article,
    Attempt,
    GradingMethod,
    Question,
    Quiz,
    ReviewCard,
    User,
)
from quizapp.models import Response as ResponseRow
from quizapp.rendering import format_number
from quizapp.services import attempts as attempt_service
from quizapp.services import gradebook as gradebook_service
from quizapp.services.classes import remove_student
from quizapp.services.quizzes import RuleSpec
from quizapp.teacher.statistics_text import FIGURE_MEANINGS
from tests.factories import (
    ECONOMY,
    MILITARY,
    NOW,
    answer,
    correct_answer,
    create_assessment,
    create_class,
    create_student,
    create_teacher,
    enrol,
    items_of,
    load_article,
    logged_in_client,
    page_text,
    section_rule,
    start,
    wrong_answer,
)


def _cells(row_html: str) -> list[str]:
    return [
        " ".join(html_module.unescape(re.sub(r"<[^>]+>", " ", cell)).split())
        for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row_html, re.S)
    ]


def _table_rows(html: str) -> list[list[str]]:
    return [_cells(row) for row in re.findall(r"<tr>(.*?)</tr>", html, re.S)]


def _set_score(attempt_id: int, score: float, max_score: float) -> None:
    attempt = db.session.get(Attempt, attempt_id)
    attempt.score, attempt.max_score = score, max_score
    db.session.commit()


def _submitted(quiz: Quiz, student: User, *, minutes: int, seed: int) -> int:
    """A submitted attempt started ``minutes`` after NOW, nothing answered (scores 0)."""
    now = NOW + dt.timedelta(minutes=minutes)
    attempt = start(quiz, student, now=now, seed=seed)
    attempt_service.submit_attempt(attempt, now=now + dt.timedelta(minutes=1))
    return attempt.id


# ------------------------------------------------------------------------------ gradebook


@dataclass(frozen=True)
class Book:
    class_id: int
    quiz_ids: dict[GradingMethod, int]


@pytest.fixture
def book(app: Flask) -> Book:
    """Four quizzes, one per grading method, each out of 4.

    Ada's attempts score 1, 4, 2 (in the order started) on every quiz, and she has a
    fourth attempt in progress; Bob scored 3 once; Dee 1 once; Cy never submitted;
    Eve was removed from the class.
    """
    with app.app_context():
        article = load_article((ECONOMY,))
        grace = create_teacher()
        school_class = create_class(grace)
        people = {
            name: create_student(f"{name.split()[0].lower()}@example.com", name)
            for name in ("Ada Lovelace", "Bob Student", "Cy Ungraded", "Dee Low", "Eve Removed")
        }
        for student in people.values():
            enrol(student, school_class)
        quiz_ids = {}
        for n, method in enumerate(GradingMethod):
            quiz = create_assessment(
                grace,
                school_class,
                article,
                rules=[section_rule(article, ECONOMY, 1)],
                title=f"Quiz {method.value}",
                grading_method=method,
                now=NOW + dt.timedelta(minutes=n),
            )
            quiz_ids[method] = quiz.id
            for minutes, score in [(10, 1), (20, 4), (30, 2)]:
                attempt_id = _submitted(quiz, people["Ada Lovelace"], minutes=minutes, seed=minutes)
                _set_score(attempt_id, score, 4)
            start(quiz, people["Ada Lovelace"], now=NOW + dt.timedelta(minutes=40), seed=40)
            _set_score(_submitted(quiz, people["Bob Student"], minutes=10, seed=1), 3, 4)
            _set_score(_submitted(quiz, people["Dee Low"], minutes=10, seed=2), 1, 4)
            _set_score(_submitted(quiz, people["Eve Removed"], minutes=10, seed=3), 4, 4)
            start(quiz, people["Cy Ungraded"], seed=4)
        remove_student(school_class, people["Eve Removed"].id, now=NOW + dt.timedelta(hours=1))
        return Book(school_class.id, quiz_ids)


def _gradebook(client: FlaskClient, book: Book, **query: str) -> tuple[list[str], dict]:
    """(column headings, {student name: [cells]}) in the page's order."""
    html = client.get(f"/teacher/classes/{book.class_id}/gradebook", query_string=query).get_data(
        as_text=True
    )
    table = re.search(r'<table class="gradebook">(.*?)</table>', html, re.S)
    assert table, "no gradebook table"
    rows = _table_rows(table.group(1))
    names = [re.sub(r" \S+@example\.com$", "", row[0]) for row in rows[1:]]
    return rows[0], dict(zip(names, [row[1:] for row in rows[1:]], strict=True))


def test_the_gradebook_grades_each_quiz_by_its_grading_method(app: Flask, book: Book) -> None:
    teacher = logged_in_client(app, "grace@example.com")

    headings, rows = _gradebook(teacher, book)

    assert headings == ["Student ▲", "Quiz highest", "Quiz last", "Quiz first", "Quiz average"]
    assert list(rows) == ["Ada Lovelace", "Bob Student", "Cy Ungraded", "Dee Low"]
    # Ada scored 1, 4, 2: highest 4, last 2, first 1, average 7/3.
    expected = {"highest": "4 / 4", "last": "2 / 4", "first": "1 / 4", "average": "2.33 / 4"}
    assert dict(zip(expected, rows["Ada Lovelace"], strict=True)) == expected
    assert rows["Bob Student"] == ["3 / 4"] * 4
    assert rows["Cy Ungraded"] == ["–"] * 4


_SORTS = [
    # query, expected order, the column marked as sorted, its direction
    ({}, ["Ada", "Bob", "Cy", "Dee"], "Student", "ascending"),
    ({"sort": "name", "dir": "asc"}, ["Ada", "Bob", "Cy", "Dee"], "Student", "ascending"),
    ({"sort": "name", "dir": "desc"}, ["Dee", "Cy", "Bob", "Ada"], "Student", "descending"),
    # Highest grades: Ada 4, Bob 3, Dee 1, Cy none -- ungraded last both ways.
    (
        {"sort": "quiz-highest", "dir": "asc"},
        ["Dee", "Bob", "Ada", "Cy"],
        "Quiz highest",
        "ascending",
    ),
    (
        {"sort": "quiz-highest", "dir": "desc"},
        ["Ada", "Bob", "Dee", "Cy"],
        "Quiz highest",
        "descending",
    ),
    # First grades: Ada 1, Bob 3, Dee 1 (ties keep name order).
    (
        {"sort": "quiz-first", "dir": "desc"},
        ["Bob", "Ada", "Dee", "Cy"],
        "Quiz first",
        "descending",
    ),
    ({"sort": "quiz-first", "dir": "asc"}, ["Ada", "Dee", "Bob", "Cy"], "Quiz first", "ascending"),
]


def test_the_gradebook_sorts_by_name_and_by_quiz_with_ungraded_last(app: Flask, book: Book) -> None:
    teacher = logged_in_client(app, "grace@example.com")
    wrong = []

    for query, order, column, direction in _SORTS:
        if "sort" in query and query["sort"].startswith("quiz-"):
            method = GradingMethod(query["sort"][5:])
            query = {**query, "sort": f"quiz-{book.quiz_ids[method]}"}
        html = teacher.get(
            f"/teacher/classes/{book.class_id}/gradebook", query_string=query
        ).get_data(as_text=True)
        _, rows = _gradebook(teacher, book, **query)
        names = [name.split()[0] for name in rows]
        sorted_columns = re.findall(r'<th scope="col" aria-sort="(\w+)">(.*?)</th>', html, re.S)
        marked = [
            (_cells(f"<th>{label}</th>")[0].rstrip(" ▲▼"), sort) for sort, label in sorted_columns
        ]
        if names != order or marked != [(column, direction)]:
            wrong.append((query, names, marked))

    assert wrong == []


def test_a_large_class_is_shown_a_page_of_students_at_a_time(
    app: Flask, book: Book, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(gradebook_service, "STUDENTS_PER_PAGE", 3)
    teacher = logged_in_client(app, "grace@example.com")
    quiz = book.quiz_ids[GradingMethod.HIGHEST]
    query = {"sort": f"quiz-{quiz}", "dir": "desc"}

    _, first = _gradebook(teacher, book, **query)
    _, second = _gradebook(teacher, book, **query, page="2")
    html = teacher.get(
        f"/teacher/classes/{book.class_id}/gradebook", query_string={**query, "page": "2"}
    ).get_data(as_text=True)
    mastery = teacher.get(f"/teacher/classes/{book.class_id}/mastery?page=2").get_data(as_text=True)

    assert [name.split()[0] for name in first] == ["Ada", "Bob", "Dee"]
    assert [name.split()[0] for name in second] == ["Cy"]  # ungraded last, on the last page
    assert "Students 4–4 of 4 · page 2 of 2" in page_text(html)
    previous = re.search(r'<a rel="prev" href="([^"]+)"', html)
    assert previous and "page=1" in previous.group(1)
    assert f"sort=quiz-{quiz}" in previous.group(1) and "dir=desc" in previous.group(1)
    assert 'rel="next"' not in html
    assert "Students 4–4 of 4 · page 2 of 2" in page_text(mastery)
    assert [row[0] for row in _table_rows(mastery)[1:]] == ["Dee Low"]


def test_a_sorted_columns_heading_links_to_the_other_direction(app: Flask, book: Book) -> None:
    teacher = logged_in_client(app, "grace@example.com")
    quiz = book.quiz_ids[GradingMethod.HIGHEST]
    page = f"/teacher/classes/{book.class_id}/gradebook"

    html = teacher.get(page, query_string={"sort": f"quiz-{quiz}", "dir": "asc"}).get_data(
        as_text=True
    )

    links = dict(
        (html_module.unescape(label).strip(), html_module.unescape(href))
        for href, label in re.findall(r'<th scope="col"[^>]*><a href="([^"]+)">([^<]*)', html)
    )
    assert links["Quiz highest"] == f"{page}?sort=quiz-{quiz}&dir=desc"
    assert links["Student"] == f"{page}?sort=name&dir=asc"


# ------------------------------------------------------------------------------------ CSV

FORMULA_NAMES = ['=HYPERLINK("http://x","y")', "+1", "-1", "@SUM(A1)"]


@pytest.fixture
def csv_class(app: Flask) -> tuple[int, int]:
    """A class whose students' names (and one email) look like spreadsheet formulas."""
    with app.app_context():
        article = load_article((ECONOMY,))
        grace = create_teacher()
        school_class = create_class(grace)
        students = [
            create_student(f"s{n}@example.com", name) for n, name in enumerate(FORMULA_NAMES)
        ]
        students.append(create_student("-minus@example.com", "Zoë Çelik"))
        for student in students:
            enrol(student, school_class)
        quiz = create_assessment(
            grace, school_class, article, rules=[section_rule(article, ECONOMY, 1)], title="=1+1"
        )
        _set_score(_submitted(quiz, students[0], minutes=1, seed=1), 0.5, 1)
        return school_class.id, quiz.id


def _neutralised(text: str) -> str:
    """What a CSV cell holds for ``text``: formula-like text behind an apostrophe."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _read_csv(response) -> list[list[str]]:
    body = response.get_data()
    assert body.startswith("\ufeff".encode()), body[:10]
    return list(csv.reader(io.StringIO(body.decode("utf-8")[1:], newline="")))


def test_the_gradebook_csv_is_utf8_with_a_bom_and_neutralises_formulas(
    app: Flask, csv_class: tuple[int, int]
) -> None:
    class_id, _ = csv_class
    teacher = logged_in_client(app, "grace@example.com")

    response = teacher.get(f"/teacher/classes/{class_id}/gradebook.csv")

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.mimetype_params.get("charset", "utf-8").lower() == "utf-8"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="gradebook-class-{class_id}.csv"'
    )
    rows = _read_csv(response)
    assert rows[0] == ["Student", "Email", "'=1+1 (points, max 1)", "'=1+1 (%)"]
    by_email = {row[1]: row for row in rows[1:]}
    assert len(rows) == 1 + len(FORMULA_NAMES) + 1
    for n, name in enumerate(FORMULA_NAMES):
        assert by_email[f"s{n}@example.com"][0] == "'" + name
    assert by_email["s0@example.com"][2:] == ["0.5", "50"]
    assert by_email["s1@example.com"][2:] == ["", ""]
    assert by_email["'-minus@example.com"][0] == "Zoë Çelik"


@dataclass(frozen=True)
class Answered:
    quiz_id: int
    expected: list[list[str]]  # the columns checked, in the file's order


@pytest.fixture
def answered(app: Flask) -> Answered:
    """Ada submitted: question 1 right, 2 wrong, 3 left blank; Bob is in progress with
    one answer saved (not graded yet)."""
    with app.app_context():
        article = load_article((ECONOMY,))
        grace = create_teacher()
        school_class = create_class(grace)
        ada = create_student("ada@example.com", "Ada Lovelace")
        bob = create_student("bob@example.com", "Bob Student")
        enrol(ada, school_class)
        enrol(bob, school_class)
        quiz = create_assessment(
            grace, school_class, article, rules=[section_rule(article, ECONOMY, 3)]
        )
        ada_attempt = start(quiz, ada)
        items = items_of(ada_attempt)
        answer(ada_attempt, 1, correct_answer(items[0].question))
        answer(ada_attempt, 2, wrong_answer(items[1].question))
        attempt_service.submit_attempt(ada_attempt, now=NOW + dt.timedelta(minutes=5))
        bob_attempt = start(quiz, bob, seed=2)
        bob_first = items_of(bob_attempt)[0]
        answer(bob_attempt, 1, wrong_answer(bob_first.question), now=NOW + dt.timedelta(minutes=2))

        def row(name, email, state, item, stored, fraction):
            points = item.question.points
            return [
                name,
                email,
                "1",
                state,
                str(item.row.position),
                item.question.id,
                item.question.type_name,
                _neutralised(describe_answer(item.question, stored)),
                "" if fraction is None else format_number(fraction),
                "" if fraction is None else format_number(fraction * points),
                format_number(points),
            ]

        expected = [
            row(
                "Ada Lovelace",
                "ada@example.com",
                "submitted",
                items[0],
                correct_answer(items[0].question),
                1,
            ),
            row(
                "Ada Lovelace",
                "ada@example.com",
                "submitted",
                items[1],
                wrong_answer(items[1].question),
                0,
            ),
            row("Ada Lovelace", "ada@example.com", "submitted", items[2], None, 0),
            row(
                "Bob Student",
                "bob@example.com",
                "in_progress",
                bob_first,
                wrong_answer(bob_first.question),
                None,
            ),
        ]
        return Answered(quiz.id, expected)


def test_the_responses_csv_has_one_row_per_response_with_answer_fraction_and_mark(
    app: Flask, answered: Answered
) -> None:
    teacher = logged_in_client(app, "grace@example.com")

    response = teacher.get(f"/teacher/quizzes/{answered.quiz_id}/responses.csv")

    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="responses-quiz-{answered.quiz_id}.csv"'
    )
    rows = _read_csv(response)
    assert rows[0] == [
        "Student", "Email", "Attempt", "State", "Question", "Question id", "Version", "Type",
        "Answer", "Fraction", "Mark", "Out of", "Saved at (UTC)",
        "Attempt score", "Attempt out of", "Attempt (%)",
    ]  # fmt: skip
    checked = [[*row[:6], row[7], row[8], row[9], row[10], row[11]] for row in rows[1:]]
    assert checked == answered.expected
    assert {row[6] for row in rows[1:]} == {"1"}
    assert [row[12] for row in rows[1:]] == [
        "2026-11-02 09:00:00",
        "2026-11-02 09:00:00",
        "2026-11-02 09:05:00",
        "2026-11-02 09:02:00",
    ]


# ---------------------------------------------------------------------------- item analysis


def _economy_questions(article: Article) -> list[tuple[int, str, str]]:
    """(question id, bank id, type) of the economy section's questions, by id."""
    section_id = next(s.id for s in article.sections if s.slug == ECONOMY)
    return [
        (q.id, q.bank_id, q.current_version.type)
        for q in db.session.scalars(
            db.select(Question).where(Question.section_id == section_id).order_by(Question.id)
        )
    ]


def _submit_with(
    quiz: Quiz, student: User, right: Collection[int], *, seed: int, minutes: int = 0
) -> Attempt:
    """An attempt answering right exactly the questions whose ids are in ``right``.

    The answers are stored as rows in one go (saving them one by one is what the
    attempt tests cover) and graded by the real submission.
    """
    now = NOW + dt.timedelta(minutes=minutes)
    attempt = start(quiz, student, now=now, seed=seed)
    for item in items_of(attempt):
        question_id = item.row.question_version.question_id
        good = question_id in right
        stored = correct_answer(item.question) if good else wrong_answer(item.question)
        db.session.add(ResponseRow(attempt_question=item.row, answer=stored, saved_at=now))
    db.session.flush()
    attempt_service.submit_attempt(attempt, now=now + dt.timedelta(minutes=1))
    return attempt


@dataclass(frozen=True)
class Analysed:
    quiz_id: int
    easy_id: int  # everyone gets it right
    miskeyed_id: int  # a single-choice question only the weakest get right
    miskeyed_key: str
    miskeyed_distractor: str
    regular_ids: list[int]
    partial_quiz_id: int  # draws 3 of 11: attempts see different questions


@pytest.fixture
def analysed(app: Flask) -> Analysed:
    """Six students on a quiz of all eleven economy questions.

    Strength falls from S1 (9 of the 9 regular questions) to S6 (none); everyone gets
    the easy question; only S4-S6 get the miskeyed one. S1 also has two later attempts.
    """
    with app.app_context():
        article = load_article((ECONOMY,))
        grace = create_teacher()
        school_class = create_class(grace)
        questions = _economy_questions(article)
        easy = next(q for q, _, kind in questions if kind == "true_false")
        miskeyed = next(q for q, _, kind in questions if kind == "single")
        regular = [q for q, _, _ in questions if q not in (easy, miskeyed)]
        assert len(regular) == 9
        quiz = create_assessment(
            grace, school_class, article, rules=[section_rule(article, ECONOMY, 11)], title="All"
        )
        partial = create_assessment(
            grace, school_class, article, rules=[section_rule(article, ECONOMY, 3)], title="Some"
        )
        for n, regular_right in enumerate([9, 7, 5, 3, 1, 0], start=1):
            student = create_student(f"s{n}@example.com", f"Student {n}")
            enrol(student, school_class)
            right = {easy, *regular[:regular_right]} | ({miskeyed} if n >= 4 else set())
            _submit_with(quiz, student, right, seed=n)
            _submit_with(partial, student, {easy}, seed=n)
            if n == 1:
                _submit_with(quiz, student, {easy}, seed=11, minutes=10)
                _submit_with(quiz, student, {easy, miskeyed}, seed=12, minutes=20)
        version = db.session.get(Question, miskeyed).current_version
        key = next(c["text"] for c in version.fields["choices"] if c.get("correct"))
        wrong = next(c["text"] for c in version.fields["choices"] if not c.get("correct"))
        return Analysed(quiz.id, easy, miskeyed, key, wrong, regular, partial.id)


def _question_panel(html: str, question_id: int) -> str:
    match = re.search(rf'<section id="question-{question_id}"[^>]*>(.*?)</section>', html, re.S)
    assert match, f"no panel for question {question_id}"
    return html_module.unescape(match.group(1))


def _analysis(client: FlaskClient, quiz_id: int, which: str | None = None) -> str:
    response = client.get(
        f"/teacher/quizzes/{quiz_id}/analysis",
        query_string={"attempts": which} if which else None,
    )
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_item_analysis_shows_figures_as_percentages_with_their_meanings(
    app: Flask, analysed: Analysed
) -> None:
    teacher = logged_in_client(app, "grace@example.com")

    html = _analysis(teacher, analysed.quiz_id)

    text = page_text(html)
    assert "Based on 6 attempts (each student's first attempt)." in text
    table = re.search(r'<table class="analysis">(.*?)</table>', html, re.S).group(1)
    rows = _table_rows(table)
    assert rows[0] == [
        "Question", "Attempts", "Facility", "SD", "Discrimination", "Efficiency",
        "Intended weight", "Effective weight",
    ]  # fmt: skip
    assert len(rows) == 1 + 11
    for row in rows[1:]:
        assert row[1] == "6"
        assert all(re.fullmatch(r"-?\d+(\.\d)?%|–", cell) for cell in row[2:]), row
    with app.app_context():
        easy_prompt = db.session.get(Question, analysed.easy_id).current_version.prompt
    easy_row = next(row for row in rows[1:] if easy_prompt.startswith(row[0].rstrip(".…")))
    assert easy_row[2:4] == ["100%", "0%"]  # facility, SD
    assert easy_row[4] == "–"  # no discrimination without variation
    # Whole-test figures: everyone saw every question, so reliability is shown.
    assert "Cronbach's alpha" in text
    assert "Reliability figures" not in text


def test_every_figure_on_the_analysis_page_comes_with_its_meaning(
    app: Flask, analysed: Analysed
) -> None:
    teacher = logged_in_client(app, "grace@example.com")

    text = page_text(_analysis(teacher, analysed.quiz_id))

    # The question table has SD and intended-weight columns too: a teacher needs to know
    # what those mean as much as the others.
    unexplained = [
        figure
        for figure, meaning in FIGURE_MEANINGS.items()
        if " ".join(meaning.split()) not in text
    ]
    assert unexplained == []


_SELECTOR = [
    # attempts=..., how many count, how the page names them. S1 has three attempts.
    ("first", 6, "each student's first attempt"),
    ("last", 6, "each student's last attempt"),
    ("highest", 6, "each student's highest-scoring attempt"),
    ("all", 8, "all attempts"),
]


def test_the_attempts_selector_changes_what_is_counted(app: Flask, analysed: Analysed) -> None:
    teacher = logged_in_client(app, "grace@example.com")
    wrong = []

    for which, count, label in _SELECTOR:
        html = _analysis(teacher, analysed.quiz_id, which)
        rows = _table_rows(re.search(r'<table class="analysis">(.*?)</table>', html, re.S).group(1))
        seen = (
            f"Based on {count} attempts ({label})." in page_text(html),
            bool(re.search(rf'<option value="{which}" selected>', html)),
            {row[1] for row in rows[1:]} == {str(count)},
        )
        if seen != (True, True, True):
            wrong.append((which, seen))

    assert wrong == []
    assert (
        teacher.get(f"/teacher/quizzes/{analysed.quiz_id}/analysis?attempts=best").status_code
        == 400
    )


def test_reliability_is_hidden_with_the_reason_when_attempts_saw_different_questions(
    app: Flask, analysed: Analysed
) -> None:
    teacher = logged_in_client(app, "grace@example.com")

    text = page_text(_analysis(teacher, analysed.partial_quiz_id))

    assert (
        "Reliability figures (Cronbach's alpha, error ratio, standard error) are not shown: "
        "Reliability is not calculated because attempts drew different questions: it needs "
        "every attempt to have seen every question."
    ) in text
    assert "Cronbach's alpha " + FIGURE_MEANINGS["alpha"][:20] not in text
    assert "Error ratio" not in text


def test_health_flags_point_at_the_too_easy_and_the_miskeyed_question(
    app: Flask, analysed: Analysed
) -> None:
    teacher = logged_in_client(app, "grace@example.com")

    html = _analysis(teacher, analysed.quiz_id)

    easy = _question_panel(html, analysed.easy_id)
    miskeyed = _question_panel(html, analysed.miskeyed_id)
    assert "Too easy: 100% of the marks were scored (over 90%)." in easy
    assert "Negative discrimination" not in easy
    assert re.search(
        r"Negative discrimination \(-\d+%\): stronger students did worse on it — "
        r"check the key, it may be wrong\.",
        miskeyed,
    )
    assert (
        f"The top third chose the distractor “{analysed.miskeyed_distractor}” (100%) more "
        "often than the key (0%)."
    ) in miskeyed
    assert "Too easy" not in miskeyed
    for question_id in analysed.regular_ids:
        panel = _question_panel(html, question_id)
        assert "Negative discrimination" not in panel and "Too easy" not in panel


def test_each_choice_question_has_a_distractor_table_by_thirds(
    app: Flask, analysed: Analysed
) -> None:
    teacher = logged_in_client(app, "grace@example.com")

    html = _analysis(teacher, analysed.quiz_id)

    panel = _question_panel(html, analysed.miskeyed_id)
    rows = _table_rows(panel)
    assert rows[0] == ["Option", "Key", "Top third", "Middle third", "Bottom third", "Everyone"]
    by_option = {row[0]: row[1:] for row in rows[1:]}
    # S1, S2 (top) chose the distractor; S3 and S4 (middle) split; S5, S6 (bottom) the key.
    assert by_option[analysed.miskeyed_key] == ["Yes", "0%", "50%", "100%", "50%"]
    assert by_option[analysed.miskeyed_distractor] == ["No", "100%", "50%", "0%", "50%"]
    assert all(
        row == ["No", "0%", "0%", "0%", "0%"]
        for option, row in by_option.items()
        if option not in (analysed.miskeyed_key, analysed.miskeyed_distractor)
    )
    # Every choice question has one; the other types none.
    with app.app_context():
        kinds = {q.id: q.current_version.type for q in db.session.scalars(db.select(Question))}
    for question_id, kind in kinds.items():
        has_table = "Top third" in _question_panel(html, question_id)
        assert has_table == (kind in ("single", "multiple")), (question_id, kind)


def test_no_submitted_attempts_yet(app: Flask) -> None:
    with app.app_context():
        article = load_article((ECONOMY,))
        grace = create_teacher()
        school_class = create_class(grace)
        ada = create_student()
        enrol(ada, school_class)
        quiz = create_assessment(grace, school_class, article, rules=[RuleSpec(2)])
        start(quiz, ada)
        quiz_id = quiz.id
    teacher = logged_in_client(app, "grace@example.com")

    text = page_text(_analysis(teacher, quiz_id, "all"))

    assert "Based on 0 attempts (all attempts)." in text
    assert "No submitted attempts yet: nothing to analyse." in text
    assert "Facility" not in text


# ------------------------------------------------------------------- queries stay bounded


def test_report_pages_run_a_fixed_number_of_queries_whatever_the_attempts(
    app: Flask, count_queries
) -> None:
    with app.app_context():
        article = load_article((ECONOMY,))
        grace = create_teacher()
        school_class = create_class(grace)
        quiz = create_assessment(
            grace, school_class, article, rules=[section_rule(article, ECONOMY, 4)]
        )
        student_ids = []
        for n in range(6):
            student = create_student(f"s{n}@example.com", f"Student {n}")
            enrol(student, school_class)
            student_ids.append(student.id)
        _submitted(quiz, student, minutes=0, seed=1)
        class_id, quiz_id = school_class.id, quiz.id
    teacher = logged_in_client(app, "grace@example.com")
    pages = [
        f"/teacher/quizzes/{quiz_id}/analysis?attempts=first",
        f"/teacher/quizzes/{quiz_id}/analysis?attempts=all",
        f"/teacher/quizzes/{quiz_id}",
        f"/teacher/quizzes/{quiz_id}/responses.csv",
        f"/teacher/classes/{class_id}/gradebook",
        f"/teacher/classes/{class_id}/gradebook.csv",
        f"/teacher/classes/{class_id}/mastery",
    ]

    def counts() -> dict[str, int]:
        result = {}
        for page in pages:
            with count_queries() as counter:
                assert teacher.get(page).status_code == 200, page
            result[page] = counter.count
        return result

    few = counts()
    with app.app_context():
        quiz = db.session.get(Quiz, quiz_id)
        for n, student_id in enumerate(student_ids):
            student = db.session.get(User, student_id)
            for k in range(3):
                _submit_with(quiz, student, set(), seed=100 + 10 * n + k, minutes=10 + k)
    many = counts()

    assert many == few


# -------------------------------------------------------------------------------- mastery


@dataclass(frozen=True)
class Mastery:
    class_id: int
    expected: dict[str, list[float]]  # student name -> mastery per shown section


@pytest.fixture
def mastery(app: Flask) -> Mastery:
    """Ada's review cards in economy (one on a retired question) and military; Bob has
    none; Cy was removed; Zed, in no class, has cards too."""
    with app.app_context():
        article = load_article((ECONOMY, MILITARY))
        grace = create_teacher()
        school_class = create_class(grace)
        ada = create_student("ada@example.com", "Ada Lovelace")
        bob = create_student("bob@example.com", "Bob Student")
        cy = create_student("cy@example.com", "Cy Removed")
        zed = create_student("zed@example.com", "Zed Outside")
        for student in (ada, bob, cy):
            enrol(student, school_class)
        remove_student(school_class, cy.id, now=NOW)
        by_section: dict[str, list[int]] = {}
        for slug in (ECONOMY, MILITARY):
            section_id = next(s.id for s in article.sections if s.slug == slug)
            by_section[slug] = list(
                db.session.scalars(
                    db.select(Question.id)
                    .where(Question.section_id == section_id)
                    .order_by(Question.id)
                )
            )
        economy, military = by_section[ECONOMY], by_section[MILITARY]
        cards = {
            ada: [(economy[0], 1.0), (economy[1], 1.0), (economy[2], 0.5), (economy[3], 0.0),
                  (economy[4], 1.0), (military[0], 1.0)],
            cy: [(economy[0], 1.0)],
            zed: [(q, 1.0) for q in economy],
        }  # fmt: skip
        for student, fractions in cards.items():
            for question_id, fraction in fractions:
                db.session.add(
                    ReviewCard(
                        student_id=student.id,
                        question_id=question_id,
                        state=2,
                        due_at=NOW,
                        last_review_at=NOW,
                        last_fraction=fraction,
                        review_count=1,
                    )
                )
        db.session.get(Question, economy[4]).retired_at = NOW  # no longer counts at all
        db.session.commit()
        # Live economy questions: 10, Ada's sum 2.5; military: 12, Ada's sum 1.
        return Mastery(
            school_class.id,
            {"Ada Lovelace": [2.5 / 10, 1 / 12], "Bob Student": [0.0, 0.0]},
        )


def test_the_mastery_heatmap_has_an_accessible_svg_and_a_table_with_the_same_numbers(
    app: Flask, mastery: Mastery
) -> None:
    teacher = logged_in_client(app, "grace@example.com")

    html = teacher.get(f"/teacher/classes/{mastery.class_id}/mastery").get_data(as_text=True)

    svg = re.search(r"<svg\b([^>]*)>(.*?)</svg>", html, re.S)
    assert svg, "no heatmap"
    labelled_by = re.search(r'aria-labelledby="([^"]+)"', svg.group(1)).group(1)
    assert 'role="img"' in svg.group(1)
    title = re.search(rf'<title id="{labelled_by}">([^<]+)</title>', svg.group(2))
    assert title and "mastery" in title.group(1).lower()
    svg_numbers = re.findall(r">(\d+%)</text>", svg.group(2))
    table = re.search(
        r"<table>\s*<caption>Mastery by student and section</caption>(.*?)</table>", html, re.S
    )
    rows = _table_rows(table.group(1))
    assert [re.sub(r"^S\d ", "", h) for h in rows[0][1:]] == [
        "What are their economic ties?",
        "What are their military ties?",
    ]
    table_rows = {row[0]: row[1:] for row in rows[1:]}
    expected = {
        name: [f"{round(value * 100)}%" for value in values]
        for name, values in mastery.expected.items()
    }
    assert table_rows == expected
    assert expected["Ada Lovelace"] == ["25%", "8%"]
    assert svg_numbers == [cell for row in table_rows.values() for cell in row]
    assert "Cy Removed" not in html and "Zed Outside" not in html
