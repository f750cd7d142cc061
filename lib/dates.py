"""Dates as users type them: 05/03/2021 first, ISO accepted."""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y")

# The years any page, export or API call may ask about. Python's dates stop at year 1 and
# 9999, so a day near either end breaks the arithmetic every figure does (a year before, the
# day after) and a year outside them cannot even become a date: a request asking for one
# got a server error. Nothing in the union's records falls outside these years.
FIRST_YEAR, LAST_YEAR = 1900, 2100
EARLIEST, LATEST = dt.date(FIRST_YEAR, 1, 1), dt.date(LAST_YEAR, 12, 31)


def parse_date(value: str | None) -> dt.date | None:
    value = (value or "").strip()
    for fmt in FORMATS:
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    return None


def parse_year(value, first: int = FIRST_YEAR, last: int = LAST_YEAR) -> int | None:
    """A year typed in a query string ("2024"), or None when it is missing or not a year
    between `first` and `last` ("0", "10000", "-1", "abc", twenty digits)."""
    value = str(value if value is not None else "").strip()
    # isdecimal, not isdigit: "²" is a digit that int() refuses. A year has four digits:
    # anything longer is refused before int() reads it.
    if not value.isdecimal() or not value.isascii() or len(value) > 4:
        return None
    year = int(value)
    return year if first <= year <= last else None


def year_refused(first: int = FIRST_YEAR, last: int = LAST_YEAR) -> str:
    return _("The year must be between %(first)s and %(last)s.") % {"first": first, "last": last}


def in_range(day: dt.date) -> bool:
    return EARLIEST <= day <= LATEST


def date_refused() -> str:
    return _("Enter a date between %(first)s and %(last)s.") % {
        "first": f"{EARLIEST:%d/%m/%Y}",
        "last": f"{LATEST:%d/%m/%Y}",
    }


def query_date(request, name: str) -> dt.date | None:
    """A date of the query string (?on=, ?from=...), or None when missing, unreadable or
    outside FIRST_YEAR–LAST_YEAR."""
    day = parse_date(request.GET.get(name))
    return day if day is not None and in_range(day) else None


def query_year(request, first: int = FIRST_YEAR, last: int = LAST_YEAR) -> int | None:
    """The ?year= of a page, or None when it is missing. A value that is not a year between
    `first` and `last` is None too, and the page says so (as `as_of` does for ?on=): the page
    then shows its default year rather than "not found"."""
    typed = str(request.GET.get("year", "")).strip()
    year = parse_year(typed, first=first, last=last)
    if typed and year is None and not getattr(request, "htmx", False):
        from django.contrib import messages

        messages.warning(
            request,
            _("“%(value)s”: %(refused)s The page shows its usual year.")
            % {"value": typed[:40], "refused": year_refused(first, last)},
        )
    return year


def today() -> dt.date:
    return timezone.localdate()


def as_of(request) -> dt.date:
    """The 'as of' date of a page: ?on=..., else today. A bad value falls back to today, and
    the page says so (an officer who typed 31/02 must not read today's figures as that day's)."""
    day = query_date(request, "on")
    if day is not None:
        return day
    typed = request.GET.get("on", "").strip()
    if typed and not getattr(request, "htmx", False):  # a panel's page has said it already
        from django.contrib import messages

        messages.warning(
            request,
            _(
                "“%(value)s” is not a date between %(first)s and %(last)s: "
                "the figures are as of today."
            )
            % {"value": typed[:40], "first": f"{EARLIEST:%d/%m/%Y}", "last": f"{LATEST:%d/%m/%Y}"},
        )
    return today()


MAX_YEARS = 20  # the most years one report covers: it bounds its work (resolutions run 5 or 10)


def year_range_errors(first: int, last: int) -> dict[str, str]:
    """What is wrong with a period of whole years `first` to `last` ({} if nothing): the
    report page and the API ask the same."""
    if last < first:
        return {"to_year": _("The last year cannot be before the first.")}
    if last > today().year:
        return {"to_year": _("The year cannot be in the future.")}
    if last - first + 1 > MAX_YEARS:
        return {"to_year": _("A report covers at most %(n)s years.") % {"n": MAX_YEARS}}
    return {}
