"""quizapp.services.spreadsheets: typed tables written as CSV text and .xlsx bytes."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from typing import Any

import pytest
from openpyxl import load_workbook

from quizapp.services.spreadsheets import (
    Table,
    csv_text,
    download,
    number_text,
    percent,
    xlsx_bytes,
)

# ------------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (7, "7"),
        (7.0, "7"),
        (7.5, "7.5"),
        (2 / 3, "0.6667"),
        (1 / 3, "0.3333"),
        (53.85, "53.85"),
        (1234567.5, "1234567.5"),
        (1234567, "1234567"),
        (10**12, "1000000000000"),
        (0, "0"),
        (0.0, "0"),
        (-0.0, "0"),
        (-0.00001, "0"),  # rounds to zero: no "-0"
        (-0.25, "-0.25"),
        (0.1 + 0.2, "0.3"),  # no float noise
        (2.9999999999999996, "3"),
        (None, ""),
        (float("nan"), ""),
        (float("inf"), ""),
    ],
)
def test_number_text(value: float | None, text: str) -> None:
    assert number_text(value) == text


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [
        (7, 13, 53.85),
        (1, 3, 33.33),
        (2, 3, 66.67),
        (0.5, 1, 50),
        (4, 4, 100),
        (0, 4, 0),
        (None, 4, None),
        (1, None, None),
        (1, 0, None),
    ],
)
def test_percent(part: float | None, whole: float | None, expected: float | None) -> None:
    assert percent(part, whole) == expected


# ------------------------------------------------------------------------------------ CSV

FORMULAS = ["=1+1", '=HYPERLINK("http://x","y")', "+1", "-1", "@SUM(A1)", "\tcmd", "\rcmd"]


def _csv_rows(table: Table) -> list[list[str]]:
    return list(csv.reader(io.StringIO(csv_text(table), newline="")))


def test_csv_writes_numbers_as_numbers_and_empty_cells_for_none() -> None:
    table = Table(
        "Sheet",
        ["Name", "Points", "Percent", "Saved at (UTC)", "Nothing"],
        [
            ["Ada", 7, 53.85, dt.datetime(2026, 11, 2, 9, 5, 7), None],
            ["Bob", 7.5, 2 / 3 * 100, dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC), None],
        ],
    )

    rows = _csv_rows(table)

    assert rows == [
        ["Name", "Points", "Percent", "Saved at (UTC)", "Nothing"],
        ["Ada", "7", "53.85", "2026-11-02 09:05:07", ""],
        ["Bob", "7.5", "66.6667", "2026-11-02 10:00:00", ""],
    ]
    assert csv_text(table).endswith("\r\n")


@pytest.mark.parametrize("text", FORMULAS)
def test_csv_defuses_formula_text_in_cells_and_header(text: str) -> None:
    rows = _csv_rows(Table("Sheet", [text], [[text]]))

    assert rows == [["'" + text], ["'" + text]]


def test_csv_leaves_negative_numbers_as_numbers() -> None:
    # A negative discrimination is a number, not text that looks like a formula.
    assert _csv_rows(Table("Sheet", ["Discrimination (%)"], [[-12.5], [-3]]))[1:] == [
        ["-12.5"],
        ["-3"],
    ]


@pytest.mark.parametrize("value", [True, b"bytes", object()])
def test_a_cell_of_another_type_is_refused_with_its_value(value: object) -> None:
    rows: list[list[Any]] = [[value]]
    table = Table("Sheet", ["Value"], rows)

    with pytest.raises(TypeError, match="text, a number or a time"):
        csv_text(table)
    with pytest.raises(TypeError, match="text, a number or a time"):
        xlsx_bytes(table)


@pytest.mark.parametrize("row", [["Ada"], ["Ada", 1, 2]])
def test_a_row_that_does_not_match_the_header_is_refused_by_number(row: list[Any]) -> None:
    table = Table("Gradebook", ["Student", "Points"], [["Bob", 1], row])
    message = f"row 2 of 'Gradebook' has {len(row)} cells for 2 columns"

    with pytest.raises(ValueError, match=message):
        csv_text(table)
    with pytest.raises(ValueError, match=message):
        xlsx_bytes(table)


# ----------------------------------------------------------------------------------- xlsx


def _sheet(table: Table):
    return load_workbook(io.BytesIO(xlsx_bytes(table))).active


def test_xlsx_cells_are_typed() -> None:
    saved = dt.datetime(2026, 11, 2, 9, 5, 7)
    sheet = _sheet(
        Table(
            "Gradebook",
            ["Name", "Points", "Percent", "Saved at (UTC)", "Nothing"],
            [["Ada", 7, 53.85, saved, None], ["Bob", 7.5, 2 / 3, saved, None]],
        )
    )

    assert sheet.title == "Gradebook"
    ada, bob = list(sheet.iter_rows(min_row=2))
    assert [c.data_type for c in ada[:4]] == ["s", "n", "n", "d"]
    assert (ada[0].value, ada[1].value, ada[2].value, ada[3].value) == ("Ada", 7, 53.85, saved)
    assert type(ada[1].value) is int
    assert bob[1].value == 7.5 and bob[2].value == pytest.approx(2 / 3)
    assert ada[4].value is None


def test_xlsx_has_a_bold_frozen_header_and_columns_as_wide_as_their_content() -> None:
    long_name = "A" * 30
    sheet = _sheet(
        Table("Sheet", ["Student", "Email", "Score"], [[long_name, "a@b.c", 1]], frozen_columns=1)
    )

    assert sheet.freeze_panes == "B2"
    assert all(cell.font.bold for cell in sheet[1])
    assert not any(cell.font.bold for cell in sheet[2])
    assert sheet.column_dimensions["A"].width == 32
    assert sheet.column_dimensions["C"].width == 8  # the narrowest a column gets


def test_xlsx_without_frozen_columns_freezes_the_header_row_only() -> None:
    assert _sheet(Table("Sheet", ["A"], [[1]])).freeze_panes == "A2"


@pytest.mark.parametrize("text", [*FORMULAS, "#N/A", "#DIV/0!"])
def test_xlsx_keeps_formula_like_text_as_text(text: str) -> None:
    content = xlsx_bytes(Table("Sheet", [text], [[text]]))
    sheet = load_workbook(io.BytesIO(content)).active

    # A carriage return is a line break in the file's XML.
    expected = text.replace("\r", "\n")
    for cell in (sheet["A1"], sheet["A2"]):
        assert cell.data_type == "s"
        assert cell.value == expected
    # No formula element anywhere in the sheet: no spreadsheet will run it.
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert b"<f>" not in archive.read("xl/worksheets/sheet1.xml")


def test_xlsx_replaces_control_characters_the_file_format_cannot_hold() -> None:
    sheet = _sheet(Table("Sheet", ["Answer"], [["bell\x07 and\x00null"]]))

    assert sheet["A2"].value == "bell\ufffd and\ufffdnull"


def test_xlsx_writes_nan_as_an_empty_cell() -> None:
    assert _sheet(Table("Sheet", ["Figure"], [[float("nan")]]))["A2"].value is None


# ------------------------------------------------------------------------------ downloads


def test_download_names_the_file_and_its_media_type() -> None:
    table = Table("Sheet", ["Zoë"], [[1]])

    as_csv = download(table, "gradebook-class-3", "csv")
    as_xlsx = download(table, "gradebook-class-3", "xlsx")

    assert (as_csv.filename, as_csv.mimetype) == ("gradebook-class-3.csv", "text/csv")
    assert as_csv.content == "\ufeffZoë\r\n1\r\n".encode()
    assert as_xlsx.filename == "gradebook-class-3.xlsx"
    assert as_xlsx.mimetype == ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert as_xlsx.content.startswith(b"PK")


def test_download_refuses_an_unknown_format_by_name() -> None:
    unknown: Any = "ods"
    with pytest.raises(ValueError, match="unknown file format 'ods'; known: csv, xlsx"):
        download(Table("Sheet", [], []), "x", unknown)
