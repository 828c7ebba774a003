"""quizapp.services.spreadsheets: workbooks of several sheets, and their sheet names."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from quizapp.services.spreadsheets import (
    SHEET_NAME_LENGTH,
    Table,
    download,
    sheet_names,
    xlsx_bytes,
)

FORMULA = '=HYPERLINK("http://x","y")'
TABLES = (
    Table("Questions", ["Question id", "Facility (%)"], [["q1", 53.85], ["q2", None]], 1),
    Table("Quiz", ["Figure", "Value", "What it means"], [["Average score", 7, "The mean."]], 1),
    Table("Scores", ["From (%)", "To (%)", "Attempts"], [[0, 10, 2], [90, 100, 1]]),
    Table("Distractors", ["Choice", "Chosen by", "Saved"], [
        [FORMULA, 3, dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)],
        ["-1", 0, None],
        ["@sum", 1, None],
    ]),
)  # fmt: skip


def _book(tables) -> object:
    return load_workbook(io.BytesIO(xlsx_bytes(tables)))


def test_each_table_is_a_sheet_named_by_its_title_in_order() -> None:
    book = _book(TABLES)

    assert book.sheetnames == ["Questions", "Quiz", "Scores", "Distractors"]
    assert book.active.title == "Questions"  # the workbook opens on the first sheet
    for table in TABLES:
        sheet = book[table.title]
        rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
        assert rows[0] == list(table.header)
        assert len(rows) == 1 + len(table.rows)


def test_every_sheet_has_a_bold_frozen_header_and_widths() -> None:
    book = _book(TABLES)

    for table in TABLES:
        sheet = book[table.title]
        assert all(cell.font.bold for cell in sheet[1]), table.title
        assert not any(cell.font.bold for row in sheet.iter_rows(min_row=2) for cell in row)
        assert sheet.freeze_panes == ("B2" if table.frozen_columns else "A2"), table.title
        assert sheet.column_dimensions["A"].width >= len(table.header[0]), table.title


def test_every_sheet_keeps_numbers_numbers_and_formula_like_text_text() -> None:
    book = _book(TABLES)

    facility = [row[1] for row in book["Questions"].iter_rows(min_row=2)]
    assert [(c.value, c.data_type) for c in facility] == [(53.85, "n"), (None, "n")]
    assert book["Quiz"]["B2"].value == 7 and book["Quiz"]["B2"].data_type == "n"
    scores = [[c.value for c in row] for row in book["Scores"].iter_rows(min_row=2)]
    assert scores == [[0, 10, 2], [90, 100, 1]]
    assert all(c.data_type == "n" for row in book["Scores"].iter_rows(min_row=2) for c in row)
    choices = [row[0] for row in book["Distractors"].iter_rows(min_row=2)]
    assert [(c.value, c.data_type) for c in choices] == [
        (FORMULA, "s"),
        ("-1", "s"),
        ("@sum", "s"),
    ]
    saved = book["Distractors"]["C2"]
    assert saved.data_type == "d" and saved.value == dt.datetime(2026, 11, 2, 9, 0)


def test_one_table_or_a_list_of_one_make_the_same_workbook() -> None:
    one, listed = _book(TABLES[0]), _book([TABLES[0]])

    assert one.sheetnames == listed.sheetnames == ["Questions"]
    assert [[c.value for c in row] for row in one.active.iter_rows()] == [
        [c.value for c in row] for row in listed.active.iter_rows()
    ]


@pytest.mark.parametrize(
    ("titles", "names"),
    [
        (["Quiz", "Scores"], ["Quiz", "Scores"]),
        (["a[b]:c*d?e/f\\g"], ["a-b--c-d-e-f-g"]),
        (["x" * 40], ["x" * SHEET_NAME_LENGTH]),
        # Apostrophes may not start or end a name; an empty name becomes "Sheet".
        (["'Week 1'", "", "  "], ["Week 1", "Sheet", "Sheet (2)"]),
        # Names are compared without case: a repeat gets a number, within 31 characters.
        (["Quiz", "quiz", "QUIZ"], ["Quiz", "quiz (2)", "QUIZ (3)"]),
        (["y" * 40, "Y" * 40], ["y" * 31, "Y" * 27 + " (2)"]),
    ],
)
def test_sheet_names_are_valid_for_excel(titles: list[str], names: list[str]) -> None:
    made = sheet_names(titles)

    assert made == names
    assert all(len(name) <= SHEET_NAME_LENGTH for name in made)
    assert len({name.casefold() for name in made}) == len(made)


def test_awkward_titles_still_make_a_workbook_that_opens() -> None:
    tables = [Table(title, ["A"], [[1]]) for title in ("Week 1: a/b?", "week 1- a-b-", "'x'" * 20)]

    book = _book(tables)

    assert book.sheetnames == ["Week 1- a-b-", "week 1- a-b- (2)", "x''" * 10 + "x"]


def test_a_bad_row_in_any_table_is_refused_by_table_and_row() -> None:
    bad = Table("Scores", ["From (%)", "Attempts"], [[0, 1], [10]])

    with pytest.raises(ValueError, match=r"row 2 of 'Scores' has 1 cells for 2 columns"):
        xlsx_bytes([TABLES[0], bad])


@pytest.mark.parametrize(
    ("tables", "error", "message"),
    [
        ([], ValueError, "a workbook needs at least one table"),
        ([TABLES[0], "Quiz"], TypeError, "a workbook holds tables, not 'Quiz'"),
    ],
)
def test_what_is_not_a_list_of_tables_is_refused(
    tables: list, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        xlsx_bytes(tables)


def test_a_download_of_several_tables_is_a_workbook_and_never_a_csv() -> None:
    workbook = download(TABLES, "analysis", "xlsx")

    assert workbook.filename == "analysis.xlsx"
    assert load_workbook(io.BytesIO(workbook.content)).sheetnames == [t.title for t in TABLES]
    with pytest.raises(ValueError, match="a CSV file holds one table, not 4"):
        download(TABLES, "analysis", "csv")
    assert download([TABLES[0]], "q", "csv").content == download(TABLES[0], "q", "csv").content
