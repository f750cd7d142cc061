"""Date arithmetic of target windows, shared by the SQL filters and the displayed due dates.

"By the end of the 2nd year of the term" is the day before the 2nd anniversary of its start.
`overdue_cutoff` gives the latest anchor that is overdue on a day, so that the database
compares one constant (`anchor <= cutoff`) and agrees exactly with `due_after` shown to users.
"""

import calendar
import datetime as dt

from django.db.models import DateField, Func

ONE_DAY = dt.timedelta(days=1)


def add_months(day: dt.date, months: int) -> dt.date:
    """Same day N months later, clamped to the month's end (31/01 + 1 month = 28 or 29/02)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def due_after(anchor: dt.date, months: int) -> dt.date:
    """Last day of the window that opens on `anchor` and lasts `months`."""
    return add_months(anchor, months) - ONE_DAY


def overdue_cutoff(day: dt.date, months: int) -> dt.date:
    """Latest anchor whose window has closed before `day` (anchor <= cutoff ⇔ day > due)."""
    cutoff = add_months(day, -months)
    while add_months(cutoff + ONE_DAY, months) <= day:
        cutoff += ONE_DAY
    while add_months(cutoff, months) > day:
        cutoff -= ONE_DAY
    return cutoff


class AddMonths(Func):
    """`add_months` in SQL: the same day N months later, clamped to the month's end — so that
    a record's date is compared with a window's end in the database exactly as `due_after`
    shows that end to users (N may be negative)."""

    output_field = DateField()

    def __init__(self, expression, months: int):
        super().__init__(expression)
        self.months = int(months)

    def as_postgresql(self, compiler, connection, **extra):
        # PostgreSQL's date + interval already clamps to the month's end.
        sql, params = compiler.compile(self.source_expressions[0])
        return f"(({sql}) + make_interval(months => %s))::date", [*params, self.months]

    def as_sqlite(self, compiler, connection, **extra):
        # SQLite's '+N months' overflows (31/01 + 1 month = 02/03 or 03/03): take the earlier
        # of that and the last day of the month N months on.
        sql, params = compiler.compile(self.source_expressions[0])
        return (
            f"min(date({sql}, %s), date({sql}, 'start of month', %s, '-1 day'))",
            [*params, f"{self.months:+d} months", *params, f"{self.months + 1:+d} months"],
        )
