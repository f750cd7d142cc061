"""The database adds months to a date exactly as the windows shown to users do
(`targets.windows.add_months`: the same day N months later, clamped to the month's end), on
SQLite and on PostgreSQL — the end of a term's 2nd year and the 12 months before a post are
compared in SQL."""

import datetime as dt

import pytest
from django.db.models import DateField, Value

from targets.windows import AddMonths, add_months
from units.models import UnitKind

DAYS = [
    dt.date(2020, 12, 12),
    dt.date(2023, 6, 1),
    dt.date(2024, 1, 31),
    dt.date(2024, 2, 29),
    dt.date(2023, 3, 31),
    dt.date(2025, 12, 31),
    dt.date(2024, 8, 31),
]
MONTHS = [-12, -1, 1, 12, 24, 25, 60]


@pytest.mark.django_db
@pytest.mark.parametrize("months", MONTHS)
def test_adding_months_in_the_database_agrees_with_the_windows_shown(months):
    row = UnitKind.objects.order_by("pk").values("pk")[:1]
    annotations = {
        f"d{i}": AddMonths(Value(day, output_field=DateField()), months)
        for i, day in enumerate(DAYS)
    }
    got = row.annotate(**annotations).values(*annotations).get()
    assert [got[f"d{i}"] for i in range(len(DAYS))] == [add_months(d, months) for d in DAYS]
    # The edges the clamp exists for:
    if months == 24:
        assert got["d3"] == dt.date(2026, 2, 28)  # 29/02/2024 + 2 years
    if months == 1:
        assert got["d2"] == dt.date(2024, 2, 29)  # 31/01/2024 + 1 month
