"""Tables of typed cells written as a CSV or an Excel (.xlsx) download.

The reports build a :class:`Table` (a header and rows of numbers, text, times or nothing);
this module writes it: one table per CSV file, one or more per workbook (a sheet each).
Numbers stay numbers (a spreadsheet can sum and sort them), text never becomes a formula:
in CSV it is defused with a leading apostrophe (``safe_cell``), in .xlsx it is stored as a
string cell, which no spreadsheet evaluates.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

# What one cell may hold. A float that is not finite (nan, inf) is written as an empty cell.
Cell = str | int | float | dt.datetime | None
FileFormat = Literal["csv", "xlsx"]

FILE_FORMATS: dict[str, str] = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

# Decimals a CSV number keeps: enough for a third of a point, none of a float's noise.
CSV_DECIMALS = 4

TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
XLSX_TIME_FORMAT = "yyyy-mm-dd hh:mm:ss"

# Column widths in characters: wide enough for the longest cell, up to a limit.
MIN_WIDTH, MAX_WIDTH = 8, 60

# Excel refuses a sheet name longer than this, with one of these characters, or starting or
# ending with an apostrophe; it compares names without regard to case.
SHEET_NAME_LENGTH = 31
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


@dataclass(frozen=True)
class Table:
    """A download's content: column names, rows of typed cells, and how it is shown.

    ``title`` names the worksheet (made valid for Excel: see :func:`sheet_names`);
    ``frozen_columns`` columns stay in view with the header row when scrolling.
    """

    title: str
    header: Sequence[str]
    rows: Sequence[Sequence[Cell]]
    frozen_columns: int = 0


@dataclass(frozen=True)
class Download:
    """A file to send: its name, media type and bytes."""

    filename: str
    mimetype: str
    content: bytes


def safe_cell(value: object) -> str:
    """Text for one CSV cell; formula-like text gets a leading apostrophe."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def percent(part: float | None, whole: float | None) -> float | None:
    """``part`` as a percentage of ``whole``, to two decimals (7 of 13 -> 53.85).

    None when either is missing or ``whole`` is zero.
    """
    if part is None or not whole:
        return None
    return round(part / whole * 100, 2)


def number_text(value: int | float | None) -> str:
    """A number as a CSV cell: a dot, no thousands separator, no trailing zeros, at most
    ``CSV_DECIMALS`` decimals (7 -> "7", 7.5 -> "7.5", 2/3 -> "0.6667"); None -> ""."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return ""
    if isinstance(value, int):
        return str(value)
    text = f"{value:.{CSV_DECIMALS}f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _plain_time(value: dt.datetime) -> dt.datetime:
    # Spreadsheets have no time zones: an aware time is written as UTC.
    if value.tzinfo is None:
        return value
    return value.astimezone(dt.UTC).replace(tzinfo=None)


def _check(value: object) -> None:
    # bool is an int to Python but not a number a report means; say so rather than write 1.
    if isinstance(value, bool) or not isinstance(value, str | int | float | dt.datetime):
        raise TypeError(f"a spreadsheet cell holds text, a number or a time, not {value!r}")


def _checked_row(table: Table, number: int, row: Sequence[Cell]) -> Sequence[Cell]:
    # A row that does not match the header would put its numbers under the wrong heading.
    if len(row) != len(table.header):
        raise ValueError(
            f"row {number} of {table.title!r} has {len(row)} cells for {len(table.header)} columns"
        )
    return row


def _csv_cell(value: Cell) -> str:
    if value is None:
        return ""
    _check(value)
    if isinstance(value, str):
        return safe_cell(value)
    if isinstance(value, dt.datetime):
        return _plain_time(value).strftime(TIME_FORMAT)
    return number_text(value)


def csv_text(table: Table) -> str:
    """The table as CSV text (lines end in CRLF), numbers as numbers, text defused."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([safe_cell(name) for name in table.header])
    for number, row in enumerate(table.rows, start=1):
        writer.writerow([_csv_cell(value) for value in _checked_row(table, number, row)])
    return buffer.getvalue()


def _xlsx_text(value: str) -> str:
    # Control characters are not allowed in the file's XML; they show as a replacement mark.
    # XML reads a carriage return as a line feed, so line breaks are written as line feeds.
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    return ILLEGAL_CHARACTERS_RE.sub("\ufffd", text)


def _width(value: Cell) -> int:
    if value is None:
        return 0
    _check(value)
    if isinstance(value, dt.datetime):
        return len(XLSX_TIME_FORMAT)
    if isinstance(value, str):
        return max((len(line) for line in value.splitlines()), default=0)
    return len(number_text(value))


def sheet_names(titles: Sequence[str]) -> list[str]:
    """Worksheet names Excel accepts for these titles, in order: ``[]:*?/\\`` become
    ``-``, no apostrophe at either end, at most 31 characters, never empty ("Sheet"), and
    distinct regardless of case (a repeated name gets " (2)", " (3)" ...)."""
    names: list[str] = []
    taken: set[str] = set()
    for title in titles:
        base = SHEET_NAME_FORBIDDEN.sub("-", title).strip().strip("'")[:SHEET_NAME_LENGTH]
        base = base.strip().strip("'") or "Sheet"
        name, copy = base, 1
        while name.casefold() in taken:
            copy += 1
            suffix = f" ({copy})"
            name = base[: SHEET_NAME_LENGTH - len(suffix)].rstrip().rstrip("'") + suffix
        taken.add(name.casefold())
        names.append(name)
    return names


def _tables(tables: Table | Sequence[Table]) -> list[Table]:
    listed = [tables] if isinstance(tables, Table) else list(tables)
    if not listed:
        raise ValueError("a workbook needs at least one table")
    for table in listed:
        if not isinstance(table, Table):
            raise TypeError(f"a workbook holds tables, not {table!r}")
    return listed


def xlsx_bytes(tables: Table | Sequence[Table]) -> bytes:
    """The table, or each of the tables in order, as a sheet of an Excel workbook named by
    its title (:func:`sheet_names`): typed cells, a bold header row that stays in view
    (with ``frozen_columns``), columns as wide as their content. The first sheet is the
    one the workbook opens on."""
    listed = _tables(tables)
    # Every cell of every table is checked here, before any sheet is streamed: a refused
    # cell must not leave a half-written workbook behind.
    widths = [_widths(table) for table in listed]
    book = Workbook(write_only=True)
    bold = Font(bold=True)
    for table, name, table_widths in zip(
        listed, sheet_names([t.title for t in listed]), widths, strict=True
    ):
        sheet = book.create_sheet(name)
        for j, width in enumerate(table_widths, start=1):
            letter = get_column_letter(j)
            sheet.column_dimensions[letter].width = min(max(width + 2, MIN_WIDTH), MAX_WIDTH)
        sheet.freeze_panes = f"{get_column_letter(table.frozen_columns + 1)}2"
        sheet.append([_xlsx_cell(sheet, name, font=bold) for name in table.header])
        for row in table.rows:
            sheet.append([_xlsx_cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _widths(table: Table) -> list[int]:
    widths = [len(name) for name in table.header]
    for number, row in enumerate(table.rows, start=1):
        for j, value in enumerate(_checked_row(table, number, row)):
            widths[j] = max(widths[j], _width(value))
    return widths


def _xlsx_cell(sheet: object, value: Cell, *, font: Font | None = None) -> WriteOnlyCell:
    if isinstance(value, float) and not math.isfinite(value):
        value = None
    if isinstance(value, dt.datetime):
        cell = WriteOnlyCell(sheet, _plain_time(value))
        cell.number_format = XLSX_TIME_FORMAT
    elif isinstance(value, str):
        cell = WriteOnlyCell(sheet, _xlsx_text(value))
        # openpyxl makes text starting with "=" a formula and "#N/A" an error: text stays text.
        cell.data_type = "s"
    else:
        cell = WriteOnlyCell(sheet, value)
    if font is not None:
        cell.font = font
    return cell


def download(tables: Table | Sequence[Table], stem: str, file_format: FileFormat) -> Download:
    """The table as ``<stem>.csv`` (UTF-8 with a byte-order mark, which makes spreadsheet
    programs read it as UTF-8) or ``<stem>.xlsx``; several tables make a workbook of
    several sheets, and are refused for CSV, which holds one table."""
    if file_format == "csv":
        listed = _tables(tables)
        if len(listed) != 1:
            raise ValueError(f"a CSV file holds one table, not {len(listed)}")
        content = ("\ufeff" + csv_text(listed[0])).encode("utf-8")
    elif file_format == "xlsx":
        content = xlsx_bytes(tables)
    else:
        raise ValueError(f"unknown file format {file_format!r}; known: {', '.join(FILE_FORMATS)}")
    return Download(f"{stem}.{file_format}", FILE_FORMATS[file_format], content)
