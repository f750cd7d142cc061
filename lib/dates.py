"""Dates as users type them: 05/03/2021 first, ISO accepted."""

import datetime as dt

from django.utils import timezone

FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y")


def parse_date(value: str | None) -> dt.date | None:
    value = (value or "").strip()
    for fmt in FORMATS:
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    return None


def today() -> dt.date:
    return timezone.localdate()


def as_of(request) -> dt.date:
    """The 'as of' date of a page: ?on=..., else today. A bad value falls back to today."""
    return parse_date(request.GET.get("on")) or today()
