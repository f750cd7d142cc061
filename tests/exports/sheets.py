"""Reading an export back the way a user's Excel would: the first sheet, its title lines and
its tables (a caption line, a header row, rows down to the next blank line)."""

import datetime as dt
import io
from decimal import Decimal

from python_calamine import CalamineWorkbook

from lib.xlsx import XLSX_TYPE


def sheet(response) -> list[list]:
    """The first sheet of an XLSX response, as lists of cell values."""
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == XLSX_TYPE
    assert response["Content-Disposition"].startswith("attachment;")
    data = b"".join(response.streaming_content)
    return CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()


def cell(value):
    """A value as the sheet holds it: numbers as floats, blanks as "", dates as dates."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | Decimal):
        return float(value)
    if isinstance(value, dt.datetime):
        return value.date()
    return value if isinstance(value, float | dt.date) else str(value)


def row(values) -> list:
    """A row without its trailing blanks (the sheet pads rows to its widest table)."""
    out = [cell(v) for v in values]
    while out and out[-1] == "":
        out.pop()
    return out


def tables(rows: list[list], *, header: str, column: int = 0) -> list[tuple[str, list, list]]:
    """Every table of the sheet whose header row holds `header` in `column`:
    (caption line above it or "", header row, body rows)."""
    found = []
    for i, values in enumerate(rows):
        if len(values) > column and values[column] == header:
            body = []
            for values_below in rows[i + 1 :]:
                if not row(values_below):
                    break
                body.append(row(values_below))
            caption = row(rows[i - 1])[0] if i and row(rows[i - 1]) else ""
            found.append((caption, row(values), body))
    return found


def table(rows: list[list], *, header: str) -> tuple[list, list[list]]:
    """The one table whose header row starts with `header`: (header row, body rows)."""
    ((_, head, body),) = tables(rows, header=header)
    return head, body


def text(rows: list[list]) -> str:
    """Everything the sheet says, for checks that a name appears nowhere."""
    return "\n".join(" ".join(str(v) for v in values) for values in rows)


def page_and_export(client, user, url: str, params: dict | None = None):
    """The HTML page (for its context) and its export, opened by `user` with the same query."""
    client.force_login(user)
    page = client.get(url, params or {})
    assert page.status_code == 200, page.status_code
    return page, sheet(client.get(url, {**(params or {}), "format": "xlsx"}))
