"""How long training counts (issue 24 §5): the rule, once, for every place a record is made.

A programme or a topic may carry a validity in months (an OSH refresher, say). A record's
last valid day (`TrainingRecord.expires_on`) is fixed when the record is made, from the
shortest validity among its programme and its topics, counted in calendar months from the day
it was completed: valid through the day before the same calendar day N months later. Where
that month has no such day (completed on 31/01 with one month; on 29/02 with a year), the
record is valid through the last day of that month: a month counted from 31/01 covers the
whole of February. None when neither the programme nor any topic carries a validity.

Changing a programme's or a topic's validity later does not rewrite the records already made:
a signed certificate printed its day (training.certificates), and a record must keep saying
what its certificate says. Training given after the change gets the new validity.

This is not targets.windows.due_after (31/01 + 1 month → 27/02): that reads a resolution's
deadline ("by the end of the 2nd year"), this a certificate's validity, which must not lose
the last days of a short month.
"""

import calendar
import datetime as dt
from collections.abc import Iterable

from lib import periods

ONE_DAY = dt.timedelta(days=1)


def valid_through(completed_on: dt.date, months: int) -> dt.date:
    """The last day a record completed on `completed_on` counts, valid for `months` months."""
    if months < 1:
        raise ValueError("a validity is at least one month")
    index = completed_on.year * 12 + completed_on.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    if year > dt.MAXYEAR:
        return dt.date.max
    if completed_on.day == 1:  # the day before the 1st: the previous month's last day
        return dt.date(year, month, 1) - ONE_DAY
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(completed_on.day - 1, last))


def validity_months(programme, topics: Iterable) -> int | None:
    """The shortest validity among the programme (None: no programme) and the topics."""
    found = [t.validity_months for t in topics if t.validity_months]
    if programme is not None and programme.validity_months:
        found.append(programme.validity_months)
    return min(found, default=None)


def expires_on(completed_on: dt.date, programme, topics: Iterable) -> dt.date | None:
    """The last day a record of this programme and these topics counts; None: no end."""
    months = validity_months(programme, topics)
    return None if months is None else valid_through(completed_on, months)


def in_force(expires: dt.date | None, day: dt.date) -> bool:
    """Whether a record valid through `expires` still counts on `day` (its last day too):
    lib.periods' rule, as the database applies it (lib.periods.valid_on)."""
    return periods.in_force(None, expires, day)
