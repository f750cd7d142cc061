"""Reading the spreadsheets users really have: .xlsx, .xls, .ods and .csv, header anywhere in the
first rows under merged title cells, dates typed as text or stored as Excel dates, numbers with
'.' thousands separators, stray spaces, names in NFC or NFD.

`read_table` turns a file into cleaned rows and finds the header row; the `parse_*` functions
turn one cell into a value or raise `CellError` with a message for the user. Imports (and
anything else that reads a user's sheet) go through these, so every file is read one way.
"""

import csv
import datetime as dt
import io
import itertools
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from lib import excel_cells, sandbox
from lib.dates import date_refused, in_range
from lib.numbers import number
from lib.vntext import fold

HEADER_SEARCH_ROWS = 30
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and any password-protected Office file
ZIP_MAGIC = b"PK\x03\x04"  # .xlsx, .ods
MB = 1024 * 1024
EXCEL_EPOCH = dt.date(1899, 12, 30)  # serial 1 = 01/01/1900 (with Excel's 1900 leap-day bug)


class SheetError(Exception):
    """The file as a whole cannot be read; the message is for the user."""


class CellError(ValueError):
    """One cell's value is wrong; the message is for the user."""


@dataclass(frozen=True)
class Column:
    """A column users fill: its header in the template, other headers accepted for it, and
    the parser of its cells."""

    key: str
    label: str
    parse: Callable
    required: bool = False
    aliases: tuple[str, ...] = ()
    help: str = ""

    def names(self) -> set[str]:
        return {header_key(n) for n in (self.label, *self.aliases)}


@dataclass
class Table:
    """The rows under the header: each a (sheet row number, {column key: raw cell}) pair."""

    header_row: int  # 1-based, as the user sees it in Excel
    labels: dict[str, str]  # column key -> the header as written in the file
    rows: list[tuple[int, dict]]
    notes: list[str] = field(default_factory=list)
    # Cells whose value cannot be read (their raw cell is ""), by (sheet row number, column
    # key): ("error", "#N/A") for an error value, ("formula", "") for a formula saved without
    # its computed value (lib.excel_cells). Each is a problem of its row, never a blank.
    unreadable: dict[tuple[int, str], tuple[str, str]] = field(default_factory=dict)


def header_key(text) -> str:
    """'Số CCCD (12 số) *' and 'so cccd' are the same header."""
    text = re.sub(r"\(.*?\)", " ", str(text or ""))
    return " ".join(re.sub(r"[^0-9a-z]+", " ", fold(text)).split())


def once_per_value(parse):
    """`parse` read once per distinct value of a file (a cell naming a role or a kind reads
    the table of them: once per value, not once per row). Wrap it per file, not for good."""

    seen: dict = {}

    def memo(value):
        try:
            key = (type(value), value)
            hash(key)
        except TypeError:
            return parse(value)
        if key not in seen:
            try:
                seen[key] = (True, parse(value))
            except CellError as error:
                seen[key] = (False, error)
        ok, result = seen[key]
        if not ok:
            raise result
        return result

    return memo


def clean_cell(value):
    """NFC text without stray spaces; integral floats as ints; datetimes at midnight as dates.

    Called once per cell of a 100,000-row file: the common cases come first, cheaply."""
    kind = type(value)
    if kind is str:
        if value.isascii():
            return " ".join(value.split())
        return " ".join(unicodedata.normalize("NFC", value).split())
    if kind is float:
        return int(value) if value.is_integer() else value
    if kind is dt.datetime and value.time() == dt.time():
        return value.date()
    return value


# -- reading files ---------------------------------------------------------------------------
#
# Every file is read in a copy of the process under limits (lib.sandbox): the reader is native
# code working on what anyone may upload, and a file declaring a cell at XFD1048576, a zip
# bomb or an XML bomb must cost at most the copy. The limits are settings (docs/security.md).


def memory_limit_bytes() -> int:
    return int(getattr(settings, "SPREADSHEET_MEMORY_MB", 1024)) * MB


def time_limit_seconds() -> int:
    return int(getattr(settings, "SPREADSHEET_SECONDS", 60))


def max_cells() -> int:
    """The most cells one sheet may span, empty ones included (rows × columns)."""
    return int(getattr(settings, "SPREADSHEET_MAX_CELLS", 20_000_000))


def max_unpacked_bytes() -> int:
    """What an .xlsx / .ods (a ZIP) may unpack to, by what its directory declares."""
    return int(getattr(settings, "SPREADSHEET_UNPACKED_MB", 500)) * MB


MAX_PARTS = 10_000  # entries of an .xlsx / .ods: a workbook of 200 sheets has a few hundred


@dataclass
class Sheet:
    """One worksheet: its name, its size (rows from the top of the sheet, columns from the
    first one used) and a way to go through its rows, merged cells filled in; and, for a
    workbook, what its cells hold that the rows do not tell (lib.excel_cells), keyed by
    (row, column) from the top-left cell A1."""

    name: str
    height: int
    width: int
    rows: Callable[[], Iterator[list]]
    column_offset: int = 0  # the sheet's column of the rows' first cell
    marks: Callable[[], dict] = dict


def _is_encrypted(data: bytes) -> bool:
    import msoffcrypto

    try:
        return msoffcrypto.OfficeFile(io.BytesIO(data)).is_encrypted()
    except Exception:  # not an Office container msoffcrypto knows: let the reader decide
        return False


def _check_parts(data: bytes) -> None:
    """A ZIP workbook's directory, before anything is unpacked: how many parts, and how
    large they say they are (the sandbox's limits catch one that lies)."""
    try:
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except Exception:  # any ZIP Python cannot list (even a newer "version needed" than it
        return  # knows): the spreadsheet reader, under its limits, says what it is
    if len(infos) > MAX_PARTS:
        raise SheetError(
            _("The file holds more than %(n)s parts: it is not an ordinary spreadsheet.")
            % {"n": number(MAX_PARTS, True)}
        )
    if sum(i.file_size for i in infos) > max_unpacked_bytes():
        raise SheetError(
            _(
                "The file unpacks to more than the limit of %(mb)s MB: it is not "
                "an ordinary spreadsheet (save it again from Excel)."
            )
            % {"mb": number(max_unpacked_bytes() // MB, True)}
        )


def _merged_rows(sheet, column_offset: int) -> Iterator[list]:
    """The sheet's rows (from the sheet's first row), a merged range's value in every cell it
    covers (a unit name merged over ten rows belongs to each of them)."""
    ranges = sorted(sheet.merged_cell_ranges or [])
    active: list = []
    tops: dict = {}
    i = 0
    for r, row in enumerate(sheet.iter_rows()):
        while i < len(ranges) and ranges[i][0][0] <= r:
            active.append(ranges[i])
            i += 1
        if active:
            active = [m for m in active if m[1][0] >= r]
            for (r1, c1), (_r2, c2) in active:
                first, last = c1 - column_offset, min(c2 - column_offset, len(row) - 1)
                if r == r1:
                    tops[(r1, c1)] = row[first] if 0 <= first < len(row) else ""
                value = tops.get((r1, c1), "")
                for c in range(max(first, 0), last + 1):
                    row[c] = value
        yield row


def _workbook_sheets(data: bytes, marks_of: Callable[[bytes, str], dict]) -> list[Sheet]:
    """Every visible worksheet, as calamine reads it; a sheet spanning more cells than the
    limit is refused before any of its rows is made into Python values. `marks_of(data,
    name)` finds what calamine does not tell of a sheet's cells (lib.excel_cells)."""
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as error:
        if "password" in str(error).lower() or "encrypt" in str(error).lower():
            raise SheetError(
                _(
                    "The file is password-protected: remove the password in "
                    "Excel and upload it again."
                )
            ) from error
        raise SheetError(
            _("The file cannot be read as a spreadsheet (.xlsx, .xls, .ods or .csv).")
        ) from error
    sheets = []
    for meta in book.sheets_metadata:
        if str(meta.visible).rsplit(".", 1)[-1].lower() != "visible":
            continue
        try:
            sheet = book.get_sheet_by_name(meta.name)
        except Exception:  # chart sheets and the like
            continue
        (_r0, c0), (r1, c1) = sheet.start or (0, 0), sheet.end or (-1, -1)
        height, width = r1 + 1, max(0, c1 - c0 + 1)
        if height * width > max_cells():
            raise SheetError(
                _(
                    "The sheet “%(sheet)s” spans %(rows)s rows × %(columns)s "
                    "columns, more than the limit of %(limit)s cells: delete the "
                    "empty rows and columns after the table (or copy the table "
                    "into a new file) and upload it again."
                )
                % {
                    "sheet": meta.name,
                    "rows": number(height, True),
                    "columns": number(width, True),
                    "limit": number(max_cells(), True),
                }
            )
        sheets.append(
            Sheet(
                meta.name,
                height,
                width,
                lambda sheet=sheet, c0=c0: _merged_rows(sheet, c0),
                column_offset=c0,
                marks=lambda name=meta.name: marks_of(data, name),
            )
        )
    return sheets


def _decode_text(data: bytes) -> str:
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SheetError(_("The file cannot be read as a spreadsheet (.xlsx, .xls, .ods or .csv)."))
    for encoding in (
        ("utf-8-sig", "utf-16")
        if data.startswith((b"\xff\xfe", b"\xfe\xff"))
        else ("utf-8-sig", "cp1258")
    ):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SheetError(
        _(
            "The text file is neither UTF-8 nor Windows-1258: save it as "
            "“CSV UTF-8” and upload it again."
        )
    )


def _csv_rows(data: bytes) -> list[list]:
    text = _decode_text(data)
    sample = text[:20000]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def _is_markup(data: bytes) -> bool:
    """HTML or XML (old systems export "Excel" files that are web pages): a CSV never starts
    with a tag."""
    start = data[:512].lstrip(b"\xef\xbb\xbf\xff\xfe \t\r\n\x00").lower()
    return start.startswith(
        (
            b"<!doctype",
            b"<html",
            b"<?xml",
            b"<table",
            b"<meta",
            b"<head",
            b"<body",
            b"<style",
            b"<script",
            b"<svg",
        )
    )


def read_sheets(data: bytes, filename: str) -> tuple[list[Sheet], list[str]]:
    """The file's worksheets, and notes for the user (e.g. an .xlsx that is a CSV). Call it
    only under the limits (read_table does)."""
    if not data:
        raise SheetError(_("The file is empty (0 bytes)."))
    notes = []
    if data.startswith(OLE_MAGIC):
        if _is_encrypted(data):
            raise SheetError(
                _(
                    "The file is password-protected: remove the password in Excel "
                    "and upload it again."
                )
            )
        return _workbook_sheets(data, excel_cells.xls_marks), notes
    if data.startswith(ZIP_MAGIC):
        return _workbook_sheets(data, excel_cells.zip_marks), notes
    if _is_markup(data):
        raise SheetError(
            _(
                "The file is a web page (HTML) or XML, not a spreadsheet, whatever "
                "its name says: open it in Excel, save it as “Excel Workbook "
                "(.xlsx)” and upload that file."
            )
        )
    if filename.lower().endswith((".xlsx", ".xls", ".xlsm", ".ods")):
        notes.append(
            _("The file is named %(name)s but holds plain text (CSV): it was read as CSV.")
            % {"name": filename}
        )
    rows = _csv_rows(data)
    width = max(map(len, rows), default=0)
    return [Sheet("CSV", len(rows), width, lambda: iter(rows))], notes


def _find_header(rows: list[list], columns: Sequence[Column]) -> tuple[int, dict[int, Column]]:
    """The row (among the first ones) naming the most known columns, and which column is
    where. A little work per cell: the headers known are looked up, each text read once (a
    header area may be 30 rows × 16,384 cells)."""
    known: dict[str, list[Column]] = {}  # a header, and the columns it may name, in order
    for column in columns:
        for name in column.names():
            known.setdefault(name, []).append(column)
    keys: dict = {}
    best, best_row, best_map = 0, -1, {}
    for r, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        found: dict[int, Column] = {}
        for c, cell in enumerate(row):
            if cell is None or cell == "" or type(cell) in (int, float, bool):
                continue
            key = keys.get(cell) if type(cell) is str else None
            if key is None:
                key = header_key(cell)
                if type(cell) is str and len(keys) < 100_000:
                    keys[cell] = key
            for column in known.get(key, ()) if key else ():
                if column not in found.values():
                    found[c] = column
                    break
        if len(found) > best:
            best, best_row, best_map = len(found), r, found
    return best_row, best_map


def _has_data(sheets: list[Sheet]) -> bool:
    return any(
        any(clean_cell(c) not in ("", None) for c in row)
        for sheet in sheets
        for row in sheet.rows()
    )


def _read_table(data: bytes, filename: str, columns: Sequence[Column]) -> tuple:
    """read_table's work, done in the limited copy; plain data back (see lib.sandbox)."""
    sheets, notes = read_sheets(data, filename)
    candidates = []
    for sheet in sheets:
        top = list(itertools.islice(sheet.rows(), HEADER_SEARCH_ROWS))
        candidates.append((sheet, *_find_header(top, columns)))
    if not candidates or not any(c[2] for c in candidates):
        if not _has_data(sheets):
            raise SheetError(_("The file has no data."))
    sheet, header, mapping = (
        max(candidates, key=lambda c: len(c[2])) if candidates else (None, -1, {})
    )
    expected = ", ".join(f"“{c.label}”" for c in columns if c.required)
    if header < 0 or not any(c.required for c in mapping.values()):
        raise SheetError(
            _(
                "No header row found in the first %(n)s rows: the table must have "
                "the columns %(columns)s (download the template)."
            )
            % {"n": HEADER_SEARCH_ROWS, "columns": expected}
        )
    missing = [c for c in columns if c.required and c not in mapping.values()]
    if missing:
        raise SheetError(
            _("Row %(row)s (header): required column %(columns)s is missing.")
            % {"row": header + 1, "columns": ", ".join(f"“{c.label}”" for c in missing)}
        )
    where = [(c, column.key) for c, column in mapping.items()]
    marked = _marks_by_row(sheet, where, header)
    labels, rows, unreadable = {}, [], {}
    for r, row in enumerate(sheet.rows()):
        if r < header:
            continue
        width = len(row)
        if r == header:
            labels = {key: str(clean_cell(row[c])) for c, key in where}
            continue
        values = {key: clean_cell(row[c]) if c < width else "" for c, key in where}
        marks = marked.get(r)
        if marks:
            for key, (what, shown) in marks:
                if what == excel_cells.TEXT:
                    values[key] = shown
                else:
                    unreadable[(r + 1, key)] = (what, shown)
        if not marks and all(v == "" or v is None for v in values.values()):
            continue
        rows.append((r + 1, values))
    if not rows:  # a template uploaded before being filled in
        raise SheetError(_("The file has no data."))
    return header + 1, labels, rows, notes, unreadable


def _marks_by_row(sheet: Sheet, where: list, header: int) -> dict[int, list]:
    """The marks of the table's cells (lib.excel_cells), by row of `sheet.rows()`."""
    keys = {c + sheet.column_offset: key for c, key in where}
    by_row: dict[int, list] = {}
    for (r, c), mark in sheet.marks().items():
        if r > header and c in keys:
            by_row.setdefault(r, []).append((keys[c], mark))
    return by_row


def read_table(data: bytes, filename: str, columns: Sequence[Column]) -> Table:
    """The table of the first worksheet whose header names the columns; whole-file problems
    (empty, encrypted, not a spreadsheet, no header, a required column missing, over a limit
    of size, memory or time) raise SheetError."""
    if data.startswith(ZIP_MAGIC):
        _check_parts(data)
    try:
        header_row, labels, rows, notes, unreadable = sandbox.run_limited(
            _read_table,
            data,
            filename,
            columns,
            memory_bytes=memory_limit_bytes(),
            cpu_seconds=time_limit_seconds(),
            wall_seconds=time_limit_seconds() + 5,
            refusals=(SheetError,),
        )
    except sandbox.Refused as refused:
        raise SheetError(refused.message) from None
    except sandbox.LimitExceeded as exceeded:
        if exceeded.what == "time":
            raise SheetError(
                _(
                    "Reading the file took longer than the limit of %(seconds)s "
                    "seconds: split it into smaller files and upload them one by "
                    "one."
                )
                % {"seconds": time_limit_seconds()}
            ) from None
        raise SheetError(
            _(
                "Reading the file needs more than the limit of %(mb)s MB of "
                "memory. A cell far outside the table (for example at XFD1048576) "
                "makes a sheet huge: delete the empty rows and columns after the "
                "table (or copy the table into a new file) and upload it again."
            )
            % {"mb": number(memory_limit_bytes() // MB, True)}
        ) from None
    except RuntimeError:  # the reader failed on something unforeseen (logged by the sandbox)
        raise SheetError(
            _("The file cannot be read as a spreadsheet (.xlsx, .xls, .ods or .csv).")
        ) from None
    return Table(
        header_row=header_row, labels=labels, rows=rows, notes=notes, unreadable=unreadable
    )


# -- cells -----------------------------------------------------------------------------------


def is_blank(value) -> bool:
    return value is None or value == ""


def parse_text(value, max_length: int = 255) -> str:
    """Text of a cell. Cells of a Table are clean already (read_table cleans them once)."""
    text = "" if is_blank(value) else value if type(value) is str else str(clean_cell(value))
    if len(text) > max_length:
        raise CellError(_("Longer than %(n)s characters.") % {"n": max_length})
    return text


def parse_name(value) -> str:
    return parse_text(value, 150)


DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d", "%Y/%m/%d")


def parse_date(value) -> dt.date | None:
    """A date cell: an Excel date, an Excel serial number, or text such as 05/03/2021; within
    the years every page can ask about (lib.dates)."""
    day = _parse_date(value)
    if day is not None and not in_range(day):
        raise CellError(date_refused())
    return day


def _parse_date(value) -> dt.date | None:
    if is_blank(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value <= 2958465:
            return EXCEL_EPOCH + dt.timedelta(days=int(value))
        raise CellError(_("“%(value)s” is not a date (dd/mm/yyyy).") % {"value": value})
    text = str(value).strip().split(" ")[0]
    for fmt in DATE_FORMATS:
        try:
            day = dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
        if day.year < 1900:
            break
        return day
    raise CellError(_("“%(value)s” is not a date (dd/mm/yyyy).") % {"value": value})


_THOUSANDS = re.compile(r"^[0-9]{1,3}([. ][0-9]{3})+$")


def parse_integer(value, *, minimum: int | None = 0, maximum: int | None = None) -> int | None:
    """A whole number; '1.234.567' and '1 234' are read with '.' or space between thousands."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise CellError(_("“%(value)s” is not a whole number.") % {"value": value})
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not value.is_integer():
            raise CellError(_("“%(value)s” is not a whole number.") % {"value": value})
        number = int(value)
    else:
        text = str(value).strip().replace("\u00a0", " ")
        if _THOUSANDS.match(text):
            text = text.replace(".", "").replace(" ", "")
        if not re.fullmatch(r"-?[0-9]+", text):
            raise CellError(_("“%(value)s” is not a whole number.") % {"value": value})
        number = int(text)
    if minimum is not None and number < minimum:
        raise CellError(_("Must be at least %(n)s.") % {"n": minimum})
    if maximum is not None and number > maximum:
        raise CellError(_("Must be at most %(n)s.") % {"n": maximum})
    return number


def parse_decimal(value, *, minimum=None, maximum=None) -> Decimal | None:
    """A number with a decimal comma or point: '8,5' and '8.5' are both 8.5."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise CellError(_("“%(value)s” is not a number.") % {"value": value})
    if isinstance(value, int | float):
        number = Decimal(str(value))
    else:
        text = str(value).strip().replace(" ", "")
        if text.count(",") == 1 and "." not in text:
            text = text.replace(",", ".")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise CellError(_("“%(value)s” is not a number.") % {"value": value}) from None
    if not number.is_finite():  # 'NaN', 'inf', and the float nan a formula may leave
        raise CellError(_("“%(value)s” is not a number.") % {"value": value})
    if minimum is not None and number < minimum:
        raise CellError(_("Must be at least %(n)s.") % {"n": minimum})
    if maximum is not None and number > maximum:
        raise CellError(_("Must be at most %(n)s.") % {"n": maximum})
    return number


def parse_citizen_id(value) -> str | None:
    """Twelve digits. A number that lost its leading zero in Excel is reported, not guessed."""
    if is_blank(value):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        if isinstance(value, float) and not value.is_integer():  # 1.5, nan, inf
            raise CellError(
                _("A citizen ID has exactly 12 digits (“%(value)s”).") % {"value": value}
            )
        digits = str(int(value))
        if len(digits) < 12:
            raise CellError(
                _(
                    "The citizen ID was stored as a number and lost its leading "
                    "zero(s) (%(value)s): format the column as Text and type all 12 "
                    "digits, e.g. %(guess)s."
                )
                % {"value": digits, "guess": digits.zfill(12)}
            )
    else:
        digits = re.sub(r"[\s.\-]", "", str(value))
    if not re.fullmatch(r"[0-9]{12}", digits):  # ASCII digits only
        raise CellError(_("A citizen ID has exactly 12 digits (“%(value)s”).") % {"value": value})
    return digits


def choice_parser(options: dict[str, object], what, shown: str = "") -> Callable:
    """A cell naming one of a few values, in Vietnamese or English, with or without accents."""
    lookup = {header_key(k): v for k, v in options.items()}
    shown = shown or ", ".join(options)
    known: dict[str, object] = {}  # text cells already read: a column repeats a few values

    def parse(value):
        if type(value) is str and value in known:
            return known[value]
        if is_blank(value):
            return None
        key = header_key(value)
        if key not in lookup:
            raise CellError(
                _("“%(value)s” is not a known %(what)s (use one of: %(options)s).")
                % {"value": value, "what": what, "options": shown}
            )
        if type(value) is str and len(known) < 1000:
            known[value] = lookup[key]
        return lookup[key]

    return parse


YES = ("có", "x", "1", "yes", "true", "đúng")
NO = ("không", "0", "no", "false", "sai")
parse_yes_no = choice_parser(
    {**dict.fromkeys(YES, True), **dict.fromkeys(NO, False)},
    _lazy("yes/no value"),
    shown="Có, Không",
)
