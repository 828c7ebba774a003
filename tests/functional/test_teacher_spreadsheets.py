"""The gradebook, responses and item-analysis downloads, read back as a spreadsheet would."""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook

from quizapp.extensions import db
from quizapp.models import Attempt, AttemptState
from quizapp.services.item_analysis import quiz_analysis
from tests.factories import (
    ECONOMY,
    answer,
    create_assessment,
    create_class,
    create_student,
    create_teacher,
    enrol,
    items_of,
    load_article,
    logged_in_client,
    section_rule,
    start,
    submitted_attempt_for,
    wrong_answer,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HYPERLINK = '=HYPERLINK("http://x","y")'


@dataclass(frozen=True)
class World:
    class_id: int
    analysed_id: int  # real attempts with answers: responses and item analysis
    scored_id: int  # titled "=2+2"; scores set to 7 / 13 and 7.5 / 13
    varied_id: int  # scores out of different maxima: 3 / 4 and 5 / 6
    analysed_maxima: dict[str, float]  # email -> the attempt's maximum (questions vary)
    analysed_scores: dict[str, float]  # email -> score on the analysed quiz


def _set_score(attempt: Attempt, score: float, max_score: float) -> None:
    attempt.score, attempt.max_score = score, max_score
    db.session.commit()


def _totals(attempt: Attempt) -> tuple[float, float]:
    """A submitted attempt's score and maximum."""
    assert attempt.score is not None and attempt.max_score is not None
    return attempt.score, attempt.max_score


@pytest.fixture
def world(app: Flask) -> World:
    """Grace's class: Ada (whose name is a formula), Bob, Cy and Dee; Bea is another teacher.

    Everyone but Dee submitted the analysed quiz (0, 1, 2 questions right); Dee has an
    attempt in progress with one answer saved.
    """
    with app.app_context():
        article = load_article((ECONOMY,))
        grace = create_teacher()
        create_teacher("bea@example.com", "Bea Other")
        school_class = create_class(grace)
        students = [
            create_student("ada@example.com", HYPERLINK),
            create_student("bob@example.com", "Bob Student"),
            create_student("cy@example.com", "Cy Student"),
            create_student("dee@example.com", "Dee Student"),
        ]
        for student in students:
            enrol(student, school_class)
        analysed = create_assessment(
            grace, school_class, article, rules=[section_rule(article, ECONOMY, 3)], title="Week 1"
        )
        scored = create_assessment(
            grace, school_class, article, rules=[section_rule(article, ECONOMY, 1)], title="=2+2"
        )
        varied = create_assessment(
            grace, school_class, article, rules=[section_rule(article, ECONOMY, 1)], title="Mixed"
        )
        attempts = [
            submitted_attempt_for(analysed, student, seed=n + 1, right=n)
            for n, student in enumerate(students[:3])
        ]
        in_progress = start(analysed, students[3], seed=9)
        answer(in_progress, 1, wrong_answer(items_of(in_progress)[0].question))
        _set_score(submitted_attempt_for(scored, students[0], seed=1), 7, 13)
        _set_score(submitted_attempt_for(scored, students[1], seed=2), 7.5, 13)
        _set_score(submitted_attempt_for(varied, students[0], seed=1), 3, 4)
        _set_score(submitted_attempt_for(varied, students[1], seed=2), 5, 6)
        return World(
            class_id=school_class.id,
            analysed_id=analysed.id,
            scored_id=scored.id,
            varied_id=varied.id,
            analysed_maxima={a.student.email: _totals(a)[1] for a in attempts},
            analysed_scores={a.student.email: _totals(a)[0] for a in attempts},
        )


def _get(client: FlaskClient, url: str, mimetype: str, filename: str):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response.mimetype == mimetype
    assert response.headers["Content-Disposition"] == f'attachment; filename="{filename}"'
    return response


def _csv(client: FlaskClient, url: str, filename: str) -> list[list[str]]:
    body = _get(client, url, "text/csv", filename).get_data()
    assert body.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(body.decode("utf-8")[1:], newline="")))


def _sheet(client: FlaskClient, url: str, filename: str):
    content = _get(client, url, XLSX, filename).get_data()
    return load_workbook(io.BytesIO(content)).active


def _number(text: str) -> float | None:
    """A CSV cell as a spreadsheet reads it: a number, or nothing when empty."""
    if text == "":
        return None
    assert text == text.strip() and "," not in text, text
    return float(text)


def _filled(text: str) -> float:
    """A CSV cell that must hold a number."""
    number = _number(text)
    assert number is not None
    return number


def _column(rows: list[list], heading: str) -> list:
    j = rows[0].index(heading)
    return [row[j] for row in rows[1:]]


def _sheet_rows(sheet) -> list[list]:
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def _number_cells(sheet, heading: str) -> list:
    header = [cell.value for cell in sheet[1]]
    j = header.index(heading)
    cells = [row[j] for row in sheet.iter_rows(min_row=2)]
    for cell in cells:
        if cell.value is not None:
            assert cell.data_type == "n", (heading, cell.value)
            assert type(cell.value) in (int, float), (heading, cell.value)
    return cells


def _max_heading(title: str, maxima: dict[str, float]) -> str:
    if len(set(maxima.values())) > 1:
        return f"{title} (points, max varies)"
    return f"{title} (points, max {next(iter(maxima.values())):g})"


# ------------------------------------------------------------------------------ gradebook


def test_the_gradebook_csv_has_points_with_the_maximum_and_percentages(
    app: Flask, world: World
) -> None:
    teacher = logged_in_client(app, "grace@example.com")

    rows = _csv(
        teacher,
        f"/teacher/classes/{world.class_id}/gradebook.csv",
        f"gradebook-class-{world.class_id}.csv",
    )

    week = _max_heading("Week 1", world.analysed_maxima)
    assert rows[0] == [
        "Student", "Email", week, "Week 1 (%)", "'=2+2 (points, max 13)", "'=2+2 (%)",
        "Mixed (points, max varies)", "Mixed (%)",
    ]  # fmt: skip
    by_email = {row[1]: row for row in rows[1:]}
    assert by_email["ada@example.com"][0] == "'" + HYPERLINK
    assert by_email["ada@example.com"][4:] == ["7", "53.85", "3", "75"]
    assert by_email["bob@example.com"][4:] == ["7.5", "57.69", "5", "83.33"]
    assert by_email["cy@example.com"][4:] == ["", "", "", ""]
    assert by_email["dee@example.com"][2:] == ["", "", "", "", "", ""]  # in progress only
    for heading in rows[0][2:]:
        values = [_number(cell) for cell in _column(rows, heading)]
        assert all(v is None or (v >= 0 and math.isfinite(v)) for v in values), heading
    week_points = {row[1]: _filled(row[2]) for row in rows[1:] if row[2]}
    assert week_points == pytest.approx(world.analysed_scores)
    assert {row[1]: _number(row[3]) for row in rows[1:] if row[3]} == {
        email: round(points / world.analysed_maxima[email] * 100, 2)
        for email, points in week_points.items()
    }


def test_the_gradebook_xlsx_has_typed_cells_to_sum_and_sort(app: Flask, world: World) -> None:
    teacher = logged_in_client(app, "grace@example.com")

    sheet = _sheet(
        teacher,
        f"/teacher/classes/{world.class_id}/gradebook.xlsx",
        f"gradebook-class-{world.class_id}.xlsx",
    )

    header = [cell.value for cell in sheet[1]]
    # The header is text in a typed file: the formula-like title is kept as it is.
    assert header[2:6] == [
        _max_heading("Week 1", world.analysed_maxima),
        "Week 1 (%)",
        "=2+2 (points, max 13)",
        "=2+2 (%)",
    ]
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "B2"
    names = [row[0] for row in sheet.iter_rows(min_row=2)]
    ada = next(cell for cell in names if cell.value == HYPERLINK)
    assert ada.data_type == "s"
    points = [c.value for c in _number_cells(sheet, "=2+2 (points, max 13)") if c.value is not None]
    assert sum(points) == 14.5
    assert sorted(points, reverse=True) == [7.5, 7]
    assert [c.value for c in _number_cells(sheet, "=2+2 (%)")] == [53.85, 57.69, None, None]
    week = [
        c.value
        for c in _number_cells(sheet, _max_heading("Week 1", world.analysed_maxima))
        if c.value is not None
    ]
    assert sum(week) == pytest.approx(sum(world.analysed_scores.values()))
    assert sorted(week) == sorted(world.analysed_scores.values())
    _number_cells(sheet, "Mixed (points, max varies)")
    _number_cells(sheet, "Mixed (%)")
    assert sheet.column_dimensions["B"].width >= len("dee@example.com")


# ------------------------------------------------------------------------------ responses


def test_the_responses_csv_has_numeric_marks_and_the_attempt_score(
    app: Flask, world: World
) -> None:
    teacher = logged_in_client(app, "grace@example.com")

    rows = _csv(
        teacher,
        f"/teacher/quizzes/{world.analysed_id}/responses.csv",
        f"responses-quiz-{world.analysed_id}.csv",
    )

    header = rows[0]
    assert header[-4:] == ["Saved at (UTC)", "Attempt score", "Attempt out of", "Attempt (%)"]
    assert len(rows) == 1 + 3 * 3 + 1  # three submitted attempts of three, one saved answer
    for heading in ("Attempt", "Question", "Version"):
        assert all(cell.isdigit() for cell in _column(rows, heading)), heading
    numeric = ("Fraction", "Mark", "Out of", "Attempt score", "Attempt out of", "Attempt (%)")
    for heading in numeric:
        for cell in _column(rows, heading):
            _number(cell)
    email, mark, score = header.index("Email"), header.index("Mark"), header.index("Attempt score")
    for address, expected in world.analysed_scores.items():
        mine = [row for row in rows[1:] if row[email] == address]
        assert sum(_filled(row[mark]) for row in mine) == pytest.approx(expected)
        assert [_number(row[score]) for row in mine] == [pytest.approx(expected)] * len(mine)
    (dee,) = [row for row in rows[1:] if row[email] == "dee@example.com"]
    assert dee[header.index("State")] == "in_progress"
    assert dee[header.index("Fraction")] == "" and dee[-3:] == ["", "", ""]


def test_the_responses_xlsx_has_typed_cells_and_a_frozen_header(app: Flask, world: World) -> None:
    teacher = logged_in_client(app, "grace@example.com")
    csv_rows = _csv(
        teacher,
        f"/teacher/quizzes/{world.analysed_id}/responses.csv",
        f"responses-quiz-{world.analysed_id}.csv",
    )

    sheet = _sheet(
        teacher,
        f"/teacher/quizzes/{world.analysed_id}/responses.xlsx",
        f"responses-quiz-{world.analysed_id}.xlsx",
    )

    rows = _sheet_rows(sheet)
    assert rows[0] == [h.removeprefix("'") for h in csv_rows[0]]
    assert len(rows) == len(csv_rows)
    assert sheet.freeze_panes == "B2"
    assert all(cell.font.bold for cell in sheet[1])
    for heading in ("Attempt", "Question", "Version"):
        assert all(type(c.value) is int for c in _number_cells(sheet, heading)), heading
    for heading in ("Fraction", "Mark", "Out of", "Attempt score", "Attempt out of"):
        _number_cells(sheet, heading)
    marks = [c.value for c in _number_cells(sheet, "Mark") if c.value is not None]
    assert sum(marks) == pytest.approx(sum(world.analysed_scores.values()))
    saved = [row[rows[0].index("Saved at (UTC)")] for row in sheet.iter_rows(min_row=2)]
    assert all(c.data_type == "d" and isinstance(c.value, dt.datetime) for c in saved)
    assert saved[0].value.strftime("%Y-%m-%d %H:%M:%S") == csv_rows[1][12]
    ada_rows = [row for row in rows[1:] if row[1] == "ada@example.com"]
    assert {row[0] for row in ada_rows} == {HYPERLINK}


# -------------------------------------------------------------------------- item analysis


@pytest.mark.parametrize("which", ["first", "all"])
def test_the_item_analysis_downloads_have_the_page_figures_as_numbers(
    app: Flask, world: World, which: str
) -> None:
    teacher = logged_in_client(app, "grace@example.com")
    base = f"/teacher/quizzes/{world.analysed_id}/analysis"
    stem = f"analysis-quiz-{world.analysed_id}-{which}"

    rows = _csv(teacher, f"{base}.csv?attempts={which}", f"{stem}.csv")
    sheet = _sheet(teacher, f"{base}.xlsx?attempts={which}", f"{stem}.xlsx")

    with app.app_context():
        report = quiz_analysis(world.analysed_id, which)
    figures = (
        "facility",
        "sd",
        "discrimination_index",
        "discriminative_efficiency",
        "intended_weight",
        "effective_weight",
    )
    assert rows[0] == [
        "Question id", "Question", "Type", "Section", "Attempts", "Facility (%)", "SD (%)",
        "Discrimination (%)", "Efficiency (%)", "Intended weight (%)", "Effective weight (%)",
        "Health flags",
    ]  # fmt: skip
    assert report.analysis is not None
    expected = [
        [
            stats.n,
            *(
                None if getattr(stats, f) is None else round(getattr(stats, f) * 100, 2)
                for f in figures
            ),
        ]
        for stats in report.analysis.questions
    ]
    assert [q.bank_id for q in report.questions] == [row[0] for row in rows[1:]]
    assert [[_number(cell) for cell in row[4:11]] for row in rows[1:]] == expected
    assert all(cell.isdigit() for cell in _column(rows, "Attempts"))
    sheet_rows = _sheet_rows(sheet)
    assert sheet_rows[0] == rows[0]
    assert [row[4:11] for row in sheet_rows[1:]] == expected
    for heading in rows[0][4:11]:
        _number_cells(sheet, heading)
    assert sheet.freeze_panes == "B2"
    assert all(cell.font.bold for cell in sheet[1])


def test_the_item_analysis_download_refuses_unknown_attempts_by_name(
    app: Flask, world: World
) -> None:
    teacher = logged_in_client(app, "grace@example.com")

    response = teacher.get(f"/teacher/quizzes/{world.analysed_id}/analysis.csv?attempts=best")

    assert response.status_code == 400
    assert "attempts must be one of: first, last, highest, all." in response.get_data(as_text=True)


def test_an_item_analysis_without_attempts_downloads_the_header_only(
    app: Flask, world: World
) -> None:
    with app.app_context():
        db.session.execute(
            db.update(Attempt)
            .where(Attempt.quiz_id == world.analysed_id)
            .values(state=AttemptState.IN_PROGRESS)
        )
        db.session.commit()
    teacher = logged_in_client(app, "grace@example.com")

    rows = _csv(
        teacher,
        f"/teacher/quizzes/{world.analysed_id}/analysis.csv",
        f"analysis-quiz-{world.analysed_id}-first.csv",
    )

    assert len(rows) == 1 and rows[0][0] == "Question id"


# --------------------------------------------------------------------------- who and where


def _downloads(world: World) -> list[str]:
    return [
        f"/teacher/classes/{world.class_id}/gradebook.csv",
        f"/teacher/classes/{world.class_id}/gradebook.xlsx",
        f"/teacher/quizzes/{world.analysed_id}/responses.csv",
        f"/teacher/quizzes/{world.analysed_id}/responses.xlsx",
        f"/teacher/quizzes/{world.analysed_id}/analysis.csv",
        f"/teacher/quizzes/{world.analysed_id}/analysis.xlsx",
    ]


def test_another_teacher_gets_404_for_every_download(app: Flask, world: World) -> None:
    bea = logged_in_client(app, "bea@example.com")

    assert {url: bea.get(url).status_code for url in _downloads(world)} == dict.fromkeys(
        _downloads(world), 404
    )


def test_the_pages_link_to_both_formats(app: Flask, world: World) -> None:
    teacher = logged_in_client(app, "grace@example.com")
    downloads = _downloads(world)

    gradebook = teacher.get(f"/teacher/classes/{world.class_id}/gradebook").get_data(as_text=True)
    quiz = teacher.get(f"/teacher/quizzes/{world.analysed_id}").get_data(as_text=True)
    analysis = teacher.get(f"/teacher/quizzes/{world.analysed_id}/analysis?attempts=last").get_data(
        as_text=True
    )

    assert all(f'href="{url}"' in gradebook for url in downloads[:2])
    assert all(f'href="{url}"' in quiz for url in downloads[2:4])
    assert all(f'href="{url}?attempts=last"' in analysis for url in downloads[4:])
