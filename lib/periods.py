"""What "in force on a day" means, once, for every dated thing of the system.

One convention: a period runs from its first day to its last day, **both inclusive**. A missing
first day means "since always", a missing last day "still in force". Posts (`Position`), terms,
unit placements (`UnitVersion`), targets, assignments of lecturers all follow it, so a row that
ends on 30 June and its successor that starts on 1 July never both count, and never both miss.

Every model's "in force on D" (a QuerySet method) and every overlap check is built from the two
Q builders below; nothing else in the code base writes `end_date__gte=day` by hand. `day` may be
a date or an expression (`OuterRef("...")`, `F("...")`).
"""

import datetime as dt

from django.db.models import Q


def in_force_q(day, *, prefix: str = "", start: str = "start_date", end: str = "end_date") -> Q:
    """Q for rows whose period [start, end] (inclusive, None open) contains `day`."""
    return (Q(**{f"{prefix}{start}__isnull": True}) | Q(**{f"{prefix}{start}__lte": day})) & (
        Q(**{f"{prefix}{end}__isnull": True}) | Q(**{f"{prefix}{end}__gte": day})
    )


def overlaps_q(
    first, last, *, prefix: str = "", start: str = "start_date", end: str = "end_date"
) -> Q:
    """Q for rows whose period shares at least one day with [first, last] (None open)."""
    q = Q(**{f"{prefix}{end}__isnull": True})
    if first is not None:
        q |= Q(**{f"{prefix}{end}__gte": first})
    else:
        q = Q()
    if last is not None:
        q &= Q(**{f"{prefix}{start}__isnull": True}) | Q(**{f"{prefix}{start}__lte": last})
    return q


def in_force(first: dt.date | None, last: dt.date | None, day: dt.date) -> bool:
    """The same rule for one row already in memory."""
    return (first is None or first <= day) and (last is None or day <= last)


def overlaps(
    first: dt.date | None, last: dt.date | None, other_first: dt.date | None, other_last
) -> bool:
    """Whether two inclusive periods (None open) share a day."""
    return (first is None or other_last is None or first <= other_last) and (
        other_first is None or last is None or other_first <= last
    )


def day_before(day: dt.date) -> dt.date:
    """The last day of a period that a change on `day` ends."""
    return day - dt.timedelta(days=1)


# One-sided comparisons, named so that the convention shows where it matters: a period that
# ends on D is still in force on D, so it has "ended before" D only when its last day is < D.


def started_before(day, *, prefix: str = "", start: str = "start_date") -> Q:
    """Q for rows whose period began before `day` (its first day < day)."""
    return Q(**{f"{prefix}{start}__lt": day})


def started_on_or_after(day, *, prefix: str = "", start: str = "start_date") -> Q:
    return Q(**{f"{prefix}{start}__gte": day})


def started_within(first, last, *, prefix: str = "", start: str = "start_date") -> Q:
    """Q for rows whose first day lies in [first, last] (None: open on that side)."""
    q = Q()
    if first is not None:
        q &= Q(**{f"{prefix}{start}__gte": first})
    if last is not None:
        q &= Q(**{f"{prefix}{start}__lte": last})
    return q


def started_in_year(year, *, prefix: str = "", start: str = "start_date") -> Q:
    """Q for rows whose first day lies in calendar year `year` (a number or an expression)."""
    return Q(**{f"{prefix}{start}__year": year})


def lies_within(first, last, *, prefix: str = "", start: str = "start_date", end: str = "end_date"):
    """Q for rows whose whole period lies in [first, last]: its first day on or after `first`,
    its last day on or before `last` (a figure reported for a period inside the one asked)."""
    return Q(**{f"{prefix}{start}__gte": first, f"{prefix}{end}__lte": last})


def ended_before(day, *, prefix: str = "", end: str = "end_date") -> Q:
    """Q for rows whose period is over on `day` (its last day < day; an open one never is)."""
    return Q(**{f"{prefix}{end}__lt": day})


def is_open(*, prefix: str = "", end: str = "end_date") -> Q:
    """Q for rows with no last day yet (still in force, whatever the day)."""
    return Q(**{f"{prefix}{end}__isnull": True})


def started_after(day, *, prefix: str = "", start: str = "start_date") -> Q:
    """Q for rows whose period begins after `day` (its first day > day)."""
    return Q(**{f"{prefix}{start}__gt": day})


def valid_on(day, *, prefix: str = "", end: str = "expires_on") -> Q:
    """Q for rows still valid on `day`: no last valid day, or one on or after `day` (a
    training record counts on its last valid day, not the day after)."""
    return Q(**{f"{prefix}{end}__isnull": True}) | Q(**{f"{prefix}{end}__gte": day})


def ended_within(first, last, *, prefix: str = "", end: str = "end_date") -> Q:
    """Q for rows whose last day lies in [first, last] (None: open on that side); a row with
    no last day never does."""
    q = Q(**{f"{prefix}{end}__isnull": False})
    if first is not None:
        q &= Q(**{f"{prefix}{end}__gte": first})
    if last is not None:
        q &= Q(**{f"{prefix}{end}__lte": last})
    return q


def outlasts(day, *, prefix: str = "", end: str = "end_date") -> Q:
    """Q for rows still in force after `day`: no last day, or one later than `day` (a
    training record that renews another one lasts beyond the other's last day)."""
    return Q(**{f"{prefix}{end}__isnull": True}) | Q(**{f"{prefix}{end}__gt": day})
