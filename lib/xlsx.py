"""Writing spreadsheets: every export and report goes through `write_table` / `xlsx_response`.

XlsxWriter in constant-memory mode writes rows as they come, so an export of a large subtree
streams from the database cursor without holding every row in memory.
"""

import datetime as dt
import tempfile
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path

import xlsxwriter
from django.http import FileResponse

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class Styles:
    """The few cell formats every sheet uses (dates dd/mm/yyyy, '.' thousands)."""

    def __init__(self, book: xlsxwriter.Workbook):
        self.title = book.add_format({"bold": True, "font_size": 13})
        self.subtitle = book.add_format({"italic": True})
        self.header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1,
                                       "text_wrap": True, "valign": "top"})
        self.date = book.add_format({"num_format": "dd/mm/yyyy"})
        self.integer = book.add_format({"num_format": "#,##0"})
        self.decimal = book.add_format({"num_format": "#,##0.0"})
        self.text = book.add_format({"num_format": "@"})


def new_book(target) -> tuple[xlsxwriter.Workbook, Styles]:
    book = xlsxwriter.Workbook(target if not isinstance(target, Path) else str(target), {"constant_memory": True,
                                           "default_date_format": "dd/mm/yyyy",
                                           "strings_to_numbers": False,
                                           "strings_to_formulas": False,
                                           "strings_to_urls": False})
    return book, Styles(book)


def write_cell(sheet, row: int, col: int, value, styles: Styles) -> None:
    """One value in its natural type: dates as dates, numbers as numbers, text as text
    (so a citizen ID keeps its leading zero)."""
    if value is None or value == "":
        sheet.write_blank(row, col, None)
    elif isinstance(value, bool):
        sheet.write_boolean(row, col, value)
    elif isinstance(value, dt.datetime):
        sheet.write_datetime(row, col, value.replace(tzinfo=None), styles.date)
    elif isinstance(value, dt.date):
        sheet.write_datetime(row, col, dt.datetime.combine(value, dt.time()), styles.date)
    elif isinstance(value, int):
        sheet.write_number(row, col, value, styles.integer)
    elif isinstance(value, float | Decimal):
        sheet.write_number(row, col, float(value), styles.decimal)
    else:
        sheet.write_string(row, col, str(value), styles.text)


def write_table(book, styles: Styles, sheet_name: str, headers: Sequence[str],
                rows: Iterable[Sequence], *, title: str = "", subtitle: str = "",
                widths: Sequence[int] | None = None):
    """A sheet with an optional title block, one header row, then the rows; returns the sheet
    and the index of its header row (so readers and tests know where the table starts)."""
    sheet = book.add_worksheet(sheet_name[:31])
    row = 0
    if title:
        sheet.write_string(row, 0, title, styles.title)
        row += 1
    if subtitle:
        sheet.write_string(row, 0, subtitle, styles.subtitle)
        row += 1
    if title or subtitle:
        row += 1
    header_row = row
    for col, header in enumerate(headers):
        sheet.write_string(row, col, header, styles.header)
        sheet.set_column(col, col, (widths[col] if widths else max(12, min(40, len(header) + 4))))
    for values in rows:
        row += 1
        for col, value in enumerate(values):
            write_cell(sheet, row, col, value, styles)
    sheet.freeze_panes(header_row + 1, 0)
    return sheet, header_row


def xlsx_response(filename: str, sheet_name: str, headers: Sequence[str],
                  rows: Iterable[Sequence], *, title: str = "",
                  subtitle: str = "") -> FileResponse:
    """A one-table workbook as a download (written to a temporary file, streamed back)."""
    handle = tempfile.TemporaryFile(suffix=".xlsx")
    book, styles = new_book(handle)
    write_table(book, styles, sheet_name, headers, rows, title=title, subtitle=subtitle)
    book.close()
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX_TYPE)
