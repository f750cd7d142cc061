"""Writing spreadsheets: every export and report goes through `write_table` / `xlsx_response`
(or, for a sheet of several stacked tables, `write_tables` / `xlsx_tables_response`), and every
workbook is made by `new_book`.

Text is written as text (`write_string`, never XlsxWriter's guessing `write`), and a text a
spreadsheet would read as a formula gets a leading apostrophe (`lib.downloads.neutralise`):
a unit named "=HYPERLINK(...)" stays a name, in the cell and once the cell is edited.

XlsxWriter in constant-memory mode writes rows as they come, so an export of a large subtree
streams from the database cursor without holding every row in memory.
"""

import datetime as dt
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import xlsxwriter
from django.http import FileResponse, HttpRequest

from lib.downloads import file_name, neutralise
from lib.numbers import Plain

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class Styles:
    """The few cell formats every sheet uses (dates dd/mm/yyyy, '.' thousands)."""

    def __init__(self, book: xlsxwriter.Workbook):
        self.title = book.add_format({"bold": True, "font_size": 13})
        self.subtitle = book.add_format({"italic": True})
        self.caption = book.add_format({"bold": True})
        self.header = book.add_format(
            {"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "top"}
        )
        self.date = book.add_format({"num_format": "dd/mm/yyyy"})
        self.integer = book.add_format({"num_format": "#,##0"})
        self.plain = book.add_format({"num_format": "0"})  # a year, an id: never "2.026"
        self.decimal = book.add_format({"num_format": "#,##0.0"})
        self.text = book.add_format({"num_format": "@"})


@dataclass
class Table:
    """One of the tables stacked on a sheet: a caption line (optional), headers, rows."""

    headers: Sequence[str]
    rows: Iterable[Sequence]
    caption: str = ""


def wants_xlsx(request: HttpRequest) -> bool:
    """A list page answers `?format=xlsx` with the same rows as a workbook."""
    return request.GET.get("format") == "xlsx"


def new_book(target) -> tuple[xlsxwriter.Workbook, Styles]:
    """A workbook writing to a path or an open binary file. XlsxWriter is told never to turn a
    string into a formula, a number or a link: what a string becomes is decided here."""
    target = str(target) if isinstance(target, Path) else target
    book = xlsxwriter.Workbook(
        target,
        {
            "constant_memory": True,
            "default_date_format": "dd/mm/yyyy",
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
        },
    )
    return book, Styles(book)


def write_text(sheet, row: int, col: int, text, style=None) -> None:
    """A text cell: written as text, neutralised if a spreadsheet would run it."""
    sheet.write_string(row, col, neutralise(str(text)), style)


def write_cell(sheet, row: int, col: int, value, styles: Styles) -> None:
    """One value in its natural type: dates as dates, numbers as numbers (grouped by
    thousands, but a `Plain` year or id), text as text (so a citizen ID keeps its leading
    zero)."""
    if value is None or value == "":
        sheet.write_blank(row, col, None)
    elif isinstance(value, bool):
        sheet.write_boolean(row, col, value)
    elif isinstance(value, dt.datetime):
        sheet.write_datetime(row, col, value.replace(tzinfo=None), styles.date)
    elif isinstance(value, dt.date):
        sheet.write_datetime(row, col, dt.datetime.combine(value, dt.time()), styles.date)
    elif isinstance(value, Plain):
        sheet.write_number(row, col, value, styles.plain)
    elif isinstance(value, int):
        sheet.write_number(row, col, value, styles.integer)
    elif isinstance(value, float | Decimal):
        sheet.write_number(row, col, float(value), styles.decimal)
    else:
        write_text(sheet, row, col, value, styles.text)


def _title_block(sheet, styles: Styles, title: str, subtitle: str) -> int:
    """Title and subtitle lines, then a blank line; returns the first row after them."""
    row = 0
    if title:
        write_text(sheet, row, 0, title, styles.title)
        row += 1
    if subtitle:
        write_text(sheet, row, 0, subtitle, styles.subtitle)
        row += 1
    return row + 1 if title or subtitle else row


def _width(header: str) -> int:
    return max(12, min(40, len(header) + 4))


def _write_rows(
    sheet, styles: Styles, row: int, headers: Sequence[str], rows: Iterable[Sequence]
) -> int:
    """The header row at `row`, then the rows; returns the index of the last row written."""
    for col, header in enumerate(headers):
        write_text(sheet, row, col, header, styles.header)
    for values in rows:
        row += 1
        for col, value in enumerate(values):
            write_cell(sheet, row, col, value, styles)
    return row


def write_table(
    book,
    styles: Styles,
    sheet_name: str,
    headers: Sequence[str],
    rows: Iterable[Sequence],
    *,
    title: str = "",
    subtitle: str = "",
    widths: Sequence[int] | None = None,
):
    """A sheet with an optional title block, one header row, then the rows; returns the sheet
    and the index of its header row (so readers and tests know where the table starts)."""
    sheet = book.add_worksheet(sheet_name[:31])
    header_row = _title_block(sheet, styles, title, subtitle)
    for col, header in enumerate(headers):
        sheet.set_column(col, col, widths[col] if widths else _width(header))
    _write_rows(sheet, styles, header_row, headers, rows)
    sheet.freeze_panes(header_row + 1, 0)
    return sheet, header_row


def write_tables(
    book,
    styles: Styles,
    sheet_name: str,
    tables: Sequence[Table],
    *,
    title: str = "",
    subtitle: str = "",
):
    """A sheet with an optional title block, then the tables one under the other, each with
    its caption line and header row, a blank line between them; returns the sheet."""
    sheet = book.add_worksheet(sheet_name[:31])
    widths: dict[int, int] = {}
    for table in tables:
        for col, header in enumerate(table.headers):
            widths[col] = max(widths.get(col, 0), _width(str(header)))
    for col, width in widths.items():
        sheet.set_column(col, col, width)
    row = _title_block(sheet, styles, title, subtitle)
    for table in tables:
        if table.caption:
            write_text(sheet, row, 0, table.caption, styles.caption)
            row += 1
        row = _write_rows(sheet, styles, row, table.headers, table.rows) + 2
    return sheet


def _download(filename: str, write: Callable) -> FileResponse:
    """A workbook written by `write(book, styles)` to a temporary file, streamed back."""
    handle = tempfile.TemporaryFile(suffix=".xlsx")
    book, styles = new_book(handle)
    write(book, styles)
    book.close()
    handle.seek(0)
    return FileResponse(
        handle, as_attachment=True, filename=file_name(filename), content_type=XLSX_TYPE
    )


def xlsx_response(
    filename: str,
    sheet_name: str,
    headers: Sequence[str],
    rows: Iterable[Sequence],
    *,
    title: str = "",
    subtitle: str = "",
) -> FileResponse:
    """A one-table workbook as a download."""
    return _download(
        filename,
        lambda book, styles: write_table(
            book, styles, sheet_name, headers, rows, title=title, subtitle=subtitle
        ),
    )


def xlsx_tables_response(
    filename: str, sheet_name: str, tables: Sequence[Table], *, title: str = "", subtitle: str = ""
) -> FileResponse:
    """A one-sheet workbook of several stacked tables as a download."""
    return _download(
        filename,
        lambda book, styles: write_tables(
            book, styles, sheet_name, tables, title=title, subtitle=subtitle
        ),
    )
