"""The item analysis as an Excel workbook: every part of the page, a sheet each."""

from __future__ import annotations

import csv
import dataclasses
import io
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass
from unittest import mock

import pytest
from flask import Flask
from openpyxl import load_workbook
from openpyxl.workbook import Workbook

from quizapp.domain.bank import ArticleBank
from quizapp.domain.question_types import MultipleChoice, SingleChoice
from quizapp.domain.statistics_text import FIGURE_MEANINGS
from quizapp.domain.stats import ALPHA_NEEDS_TWO_ATTEMPTS
from quizapp.services.item_analysis import AnalysisPage, quiz_analysis_page
from tests import factories
from tests.factories import (
    ECONOMY,
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
    stored_answers,
    submitted_attempt_for,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEETS = ["Questions", "Quiz", "Scores", "Distractors"]
# A wrong choice of one single-choice question is renamed to this: it must stay text.
FORMULA_CHOICE = "=1+1"
FORMULA_QUESTION = "economy-complementary-economies"
_SHIPPED = factories._shipped_bank


@dataclass(frozen=True)
class World:
    teacher_id: int
    analysed_id: int  # four attempts at every question of the section
    solo_id: int  # one attempt: no reliability figures
    empty_id: int  # an attempt in progress only
    chosen: Counter[tuple[str, str]]  # (question id, choice) -> attempts choosing it


def _with_a_formula_choice(sections: Collection[str] | None) -> list[ArticleBank]:
    """The shipped bank, with the first wrong choice of one question renamed to a formula."""
    banks = _SHIPPED(sections)

    def renamed(question):
        if question.id != FORMULA_QUESTION:
            return question
        wrong = next(i for i, c in enumerate(question.choices) if not c.correct)
        choices = list(question.choices)
        choices[wrong] = dataclasses.replace(choices[wrong], text=FORMULA_CHOICE)
        return dataclasses.replace(question, choices=tuple(choices))

    return [
        dataclasses.replace(
            bank,
            questions_by_section={
                slug: tuple(renamed(q) for q in questions)
                for slug, questions in bank.questions_by_section.items()
            },
        )
        for bank in banks
    ]


def _choices_made(attempt_ids: list[int]) -> Counter[tuple[str, str]]:
    """How many of the attempts chose each choice, by question id and choice text."""
    chosen: Counter[tuple[str, str]] = Counter()
    for attempt_id in attempt_ids:
        stored = stored_answers(attempt_id)
        attempt = factories.reload_attempt(attempt_id)
        for item in items_of(attempt):
            question = item.question
            if not isinstance(question, SingleChoice | MultipleChoice):
                continue
            picked = stored[item.row.position]
            for index in picked if isinstance(picked, list) else [picked]:
                chosen[question.id, question.choices[index].text] += 1
    return chosen


@pytest.fixture
def world(app: Flask) -> World:
    """Grace's class of four; every student submitted the analysed quiz (0 to 3 right)."""
    with app.app_context():
        with mock.patch.object(factories, "_shipped_bank", _with_a_formula_choice):
            article = load_article((ECONOMY,))
        grace = create_teacher()
        school_class = create_class(grace)
        students = [create_student(f"s{n}@example.com", f"Student {n}") for n in range(4)]
        for student in students:
            enrol(student, school_class)
        every_question = [section_rule(article, ECONOMY)]
        analysed = create_assessment(grace, school_class, article, rules=every_question)
        solo = create_assessment(grace, school_class, article, rules=every_question, title="Solo")
        empty = create_assessment(grace, school_class, article, rules=every_question, title="None")
        attempt_ids = [
            submitted_attempt_for(analysed, student, seed=n + 1, right=n).id
            for n, student in enumerate(students)
        ]
        submitted_attempt_for(solo, students[0], seed=5, right=2)
        start(empty, students[0], seed=6)
        return World(
            teacher_id=grace.id,
            analysed_id=analysed.id,
            solo_id=solo.id,
            empty_id=empty.id,
            chosen=_choices_made(attempt_ids),
        )


def _workbook(app: Flask, quiz_id: int, which: str = "first") -> Workbook:
    teacher = logged_in_client(app, "grace@example.com")
    response = teacher.get(f"/teacher/quizzes/{quiz_id}/analysis.xlsx?attempts={which}")
    assert response.status_code == 200
    assert response.mimetype == XLSX
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="analysis-quiz-{quiz_id}-{which}.xlsx"'
    )
    return load_workbook(io.BytesIO(response.get_data()))


def _page(app: Flask, world: World, quiz_id: int, which: str = "first") -> AnalysisPage:
    with app.app_context():
        return quiz_analysis_page(quiz_id, teacher_id=world.teacher_id, which=which)


def _records(sheet) -> list[dict[str, object]]:
    header = [cell.value for cell in sheet[1]]
    return [
        dict(zip(header, (cell.value for cell in row), strict=True))
        for row in sheet.iter_rows(min_row=2)
    ]


def _numeric(sheet, heading: str) -> list:
    """The column's values; every filled cell must be a number cell."""
    header = [cell.value for cell in sheet[1]]
    cells = [row[header.index(heading)] for row in sheet.iter_rows(min_row=2)]
    for cell in cells:
        if cell.value is not None:
            assert cell.data_type == "n" and type(cell.value) in (int, float), (heading, cell)
    return [cell.value for cell in cells]


def _figures(book: Workbook) -> dict[str, tuple[object, str]]:
    return {row["Figure"]: (row["Value"], row["What it means"]) for row in _records(book["Quiz"])}


def _close(value: float | None) -> object:
    # A workbook keeps 15 significant digits of a float.
    return None if value is None else pytest.approx(value, rel=1e-12)


def test_the_workbook_has_a_sheet_for_each_part_of_the_page(app: Flask, world: World) -> None:
    book = _workbook(app, world.analysed_id)

    assert book.sheetnames == SHEETS
    assert book.active.title == "Questions"
    assert [c.value for c in book["Quiz"][1]] == ["Figure", "Value", "What it means"]
    assert [c.value for c in book["Scores"][1]] == ["From (%)", "To (%)", "Attempts"]
    assert [c.value for c in book["Distractors"][1]] == [
        "Question id", "Question", "Choice", "Key", "Grade (%)", "Chosen by", "Share (%)",
        "Top third (%)", "Middle third (%)", "Bottom third (%)",
    ]  # fmt: skip
    for sheet in book.worksheets:
        assert all(cell.font.bold for cell in sheet[1]), sheet.title
        assert sheet.freeze_panes in ("A2", "B2"), sheet.title


def test_the_questions_sheet_is_the_csv_table(app: Flask, world: World) -> None:
    teacher = logged_in_client(app, "grace@example.com")
    body = teacher.get(f"/teacher/quizzes/{world.analysed_id}/analysis.csv").get_data(as_text=True)
    csv_rows = list(csv.reader(io.StringIO(body.removeprefix("\ufeff"), newline="")))

    questions = _workbook(app, world.analysed_id)["Questions"]

    assert [c.value for c in questions[1]] == csv_rows[0]
    page = _page(app, world, world.analysed_id)
    assert (
        [row["Question id"] for row in _records(questions)]
        == [q.bank_id for q in page.report.questions]
        == [row[0] for row in csv_rows[1:]]
    )
    assert questions.freeze_panes == "B2"


@pytest.mark.parametrize("which", ["first", "last", "all"])
def test_the_quiz_sheet_has_the_pages_whole_quiz_figures(
    app: Flask, world: World, which: str
) -> None:
    book = _workbook(app, world.analysed_id, which)

    page = _page(app, world, world.analysed_id, which)
    assert page.report.analysis is not None
    test = page.report.analysis.test
    figures = _figures(book)
    assert list(figures) == [
        "Attempts counted", "Attempts that count", "Average score", "Median score",
        "Standard deviation", "Skewness", "Kurtosis", "Cronbach's alpha (%)",
        "Error ratio (%)", "Standard error",
    ]  # fmt: skip
    assert figures["Attempts counted"][0] == page.report.attempts == 4
    assert figures["Attempts that count"] == (
        None,
        {"first": "Each student's first attempt.", "last": "Each student's last attempt.",
         "all": "All attempts."}[which],
    )  # fmt: skip
    assert figures["Average score"] == (_close(test.mean), FIGURE_MEANINGS["mean"])
    assert figures["Median score"] == (_close(test.median), FIGURE_MEANINGS["median"])
    assert figures["Standard deviation"] == (_close(test.sd), FIGURE_MEANINGS["test_sd"])
    assert figures["Skewness"] == (_close(test.skewness), FIGURE_MEANINGS["skewness"])
    assert figures["Kurtosis"] == (_close(test.kurtosis), FIGURE_MEANINGS["kurtosis"])
    assert test.alpha is not None and test.error_ratio is not None
    assert figures["Cronbach's alpha (%)"] == (
        round(test.alpha * 100, 2),
        FIGURE_MEANINGS["alpha"],
    )
    assert figures["Error ratio (%)"] == (
        round(test.error_ratio * 100, 2),
        FIGURE_MEANINGS["error_ratio"],
    )
    assert figures["Standard error"] == (_close(test.sem), FIGURE_MEANINGS["sem"])
    assert None not in _numeric(book["Quiz"], "Value")[2:]


def test_the_quiz_sheet_says_why_reliability_is_missing(app: Flask, world: World) -> None:
    book = _workbook(app, world.solo_id)

    figures = _figures(book)
    assert figures["Attempts counted"][0] == 1
    solo = _page(app, world, world.solo_id).report.analysis
    assert solo is not None
    assert figures["Average score"][0] == _close(solo.test.mean)
    for figure in ("Cronbach's alpha (%)", "Error ratio (%)", "Standard error"):
        assert figures[figure] == (None, f"Not calculated: {ALPHA_NEEDS_TWO_ATTEMPTS}"), figure
    _numeric(book["Quiz"], "Value")


def test_the_scores_sheet_is_the_histogram(app: Flask, world: World) -> None:
    scores = _workbook(app, world.analysed_id)["Scores"]

    page = _page(app, world, world.analysed_id)
    assert _numeric(scores, "From (%)") == [10 * i for i in range(10)]
    assert _numeric(scores, "To (%)") == [10 * (i + 1) for i in range(10)]
    assert _numeric(scores, "Attempts") == page.bins
    assert sum(page.bins) == page.report.attempts == 4
    assert scores.freeze_panes == "A2"


def test_the_distractors_sheet_counts_who_chose_each_choice(app: Flask, world: World) -> None:
    book = _workbook(app, world.analysed_id)

    page = _page(app, world, world.analysed_id)
    rows = _records(book["Distractors"])
    choice_questions = [q for q in page.report.questions if q.distractors is not None]
    assert {q.type for q in choice_questions} == {"single", "multiple"}
    assert [(row["Question id"], row["Question"], row["Choice"]) for row in rows] == [
        (q.bank_id, q.prompt, option[0])
        for q in choice_questions
        for option in q.distractors.options
    ]
    assert {(row["Question id"], row["Choice"]): row["Chosen by"] for row in rows} == {
        (row["Question id"], row["Choice"]): world.chosen[row["Question id"], row["Choice"]]
        for row in rows
    }
    assert sum(world.chosen.values()) == sum(row["Chosen by"] for row in rows) > 0
    # Every attempt answered every question: a single choice's counts add up to them all.
    attempts = {row["Question id"]: row["Attempts"] for row in _records(book["Questions"])}
    for question in choice_questions:
        mine = [row for row in rows if row["Question id"] == question.bank_id]
        if question.type == "single":
            assert sum(row["Chosen by"] for row in mine) == attempts[question.bank_id] == 4
        assert [row["Key"] for row in mine] == [
            "Yes" if key else "No" for _, key, *_ in question.distractors.options
        ]
        assert [row["Share (%)"] for row in mine] == [
            round(row["Chosen by"] / 4 * 100, 2) for row in mine
        ]
    for heading in ("Chosen by", "Share (%)", "Top third (%)", "Middle third (%)"):
        assert None not in _numeric(book["Distractors"], heading), heading
    _numeric(book["Distractors"], "Bottom third (%)")
    assert _numeric(book["Distractors"], "Grade (%)") == [None] * len(rows)  # no partial credit


def test_a_choice_that_looks_like_a_formula_stays_text(app: Flask, world: World) -> None:
    sheet = _workbook(app, world.analysed_id)["Distractors"]

    header = [cell.value for cell in sheet[1]]
    (formula,) = [
        row[header.index("Choice")]
        for row in sheet.iter_rows(min_row=2)
        if row[header.index("Question id")].value == FORMULA_QUESTION
        and row[header.index("Choice")].value == FORMULA_CHOICE
    ]
    assert formula.data_type == "s"


def test_without_submitted_attempts_the_workbook_has_headers_and_says_so(
    app: Flask, world: World
) -> None:
    book = _workbook(app, world.empty_id)

    assert book.sheetnames == SHEETS
    for name in ("Questions", "Scores", "Distractors"):
        assert book[name].max_row == 1, name
    assert _figures(book) == {
        "Attempts counted": (0, "Submitted attempts the figures are based on."),
        "Attempts that count": (None, "Each student's first attempt."),
        "Nothing to analyse": (None, "No submitted attempts yet: nothing to analyse."),
    }
    for sheet in book.worksheets:
        assert all(cell.font.bold for cell in sheet[1]), sheet.title
        assert sheet.freeze_panes in ("A2", "B2"), sheet.title


def test_the_page_says_what_each_download_holds(app: Flask, world: World) -> None:
    teacher = logged_in_client(app, "grace@example.com")

    html = teacher.get(f"/teacher/quizzes/{world.analysed_id}/analysis").get_data(as_text=True)

    base = f"/teacher/quizzes/{world.analysed_id}/analysis"
    assert f'href="{base}.csv?attempts=first">Download CSV (questions)</a>' in html
    assert f'href="{base}.xlsx?attempts=first">Download Excel (.xlsx, all figures)</a>' in html
