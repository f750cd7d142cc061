"""What every file handed to a user goes through: text cells neutralised against formula
injection, CSV written one way, and file names that cannot break the response's header.

Workbooks are written by `lib.xlsx`, which calls `neutralise` for every text it writes; CSV
files by `csv_response` here. Nothing else writes a spreadsheet for download.
"""

import csv
import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header

from lib.validators import is_hidden

# A text starting with one of these is read as a formula by Excel, LibreOffice or Google
# Sheets (OWASP, "CSV injection"): = + - @, tab and carriage return, and line feed, which some
# importers treat as a carriage return. The full-width forms are folded into the ASCII ones
# by some spreadsheets (and by Excel under an East Asian input method).
FORMULA_STARTS = frozenset("=+-@\t\r\n＝＋－＠")


def neutralise(value):
    """A text cell a spreadsheet would run as a formula, with a leading apostrophe: Excel
    shows it as the text it is and never evaluates it, even once the cell is edited. Leading
    spaces do not protect it (some spreadsheets trim them). Anything but text is returned as
    it is: a number written as a number is never a formula, whatever its sign."""
    if (
        isinstance(value, str)
        and value
        and (value[0] in FORMULA_STARTS or value.lstrip()[:1] in FORMULA_STARTS)
    ):
        return "'" + value
    return value


# What Windows forbids in a file name (and the path separators of every system).
NOT_IN_FILE_NAMES = frozenset('"*/:<>?\\|')


def file_name(name: str) -> str:
    """A download's file name built from data (a unit or a class code, which may predate the
    rules on codes), safe to save as it is: what no file name may hold, and any line break
    or invisible character, becomes a hyphen."""
    safe = "".join("-" if c in NOT_IN_FILE_NAMES or is_hidden(c) else c for c in name)
    return safe.strip(" .") or "download"


def attach(response: HttpResponse, filename: str, *, inline: bool = False) -> HttpResponse:
    """Mark `response` as a download of `filename` (`inline`: opened in the browser, as a
    PDF to print): the header is built by Django, which quotes or percent-encodes the name
    (RFC 6266), so no character of it can end the header or start another one."""
    response["Content-Disposition"] = content_disposition_header(not inline, file_name(filename))
    return response


def _csv_cell(value):
    """Dates as dd/mm/yyyy, numbers as they are, text neutralised."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, bool | int | float | Decimal):
        return value
    return neutralise(str(value))


class _Echo:
    """csv.writer writes to it and gets each line back, for a streamed response."""

    def write(self, value: str) -> str:
        return value


def csv_response(
    filename: str,
    headers: Sequence[str],
    rows: Iterable[Sequence],
    *,
    done: Callable[[int], None] | None = None,
) -> StreamingHttpResponse:
    """A CSV download streamed as its rows come: UTF-8 with a BOM so Excel reads the
    Vietnamese, every text cell neutralised. `done(count)` is called once the last row has
    gone (an export's log entry learns its number of rows then)."""
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff"
        yield writer.writerow([_csv_cell(h) for h in headers])
        count = 0
        for row in rows:
            count += 1
            yield writer.writerow([_csv_cell(v) for v in row])
        if done is not None:
            done(count)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    return attach(response, filename)
