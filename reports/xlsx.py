"""A report as a workbook: one sheet per table, each under the title block (report, unit,
period, date made), numbers as numbers so the figures can be read back."""

import re

from django.utils.translation import gettext as _

from lib.xlsx import new_book, write_table
from reports.content import Content

_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def _tables(content: Content) -> list:
    return [t for t in content.tables if t.in_xlsx]


def _sheet_names(content: Content) -> list[str]:
    names, seen = [], set()
    for table in _tables(content):
        base = _BAD_SHEET_CHARS.sub(" ", table.sheet)[:31]
        name, n = base, 2
        while name.lower() in seen:
            name = f"{base[:28]} {n}"
            n += 1
        seen.add(name.lower())
        names.append(name)
    return names


def write_xlsx(content: Content, target) -> None:
    """Write the workbook to `target` (a path or a binary file object)."""
    book, styles = new_book(target)
    made_on = content.letterhead.day.strftime("%d/%m/%Y")
    title = _("REPORT: %(title)s") % {"title": content.title}
    for table, sheet in zip(_tables(content), _sheet_names(content), strict=True):
        subtitle = " — ".join(
            [
                table.caption,
                content.unit_name,
                content.period,
                _("made on %(day)s") % {"day": made_on},
            ]
        )
        write_table(
            book,
            styles,
            sheet,
            table.headers,
            table.rows,
            title=title,
            subtitle=subtitle,
            widths=table.widths,
        )
    book.close()
