"""Reads over people: the filtered list behind the people page, export and API."""

import datetime as dt

from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.utils.translation import gettext_lazy

from accounts.access import Data, may
from accounts.scope import get_scoped_or_404, scoped
from people.models import Person, Position, active_on
from units.places import under


def profile_person_or_404(user, person_id: int) -> Person:
    """The person whose profile a panel shows: one's own, or one of the user's subtree for a
    role that reads people (accounts.access); anyone else is not found. Every panel of a
    profile (obligations, title standard, cadre work) asks this."""
    if user.person_id == person_id:
        return Person.objects.get(pk=person_id)
    if user.can_browse and may(user, Data.PEOPLE):
        return get_scoped_or_404(Person.objects.all(), user, pk=person_id)
    raise Http404


# Age bands as (label, min age inclusive, max age inclusive).
AGE_BANDS = {
    "u30": (None, 29),
    "30-39": (30, 39),
    "40-49": (40, 49),
    "50+": (50, None),
}
# What a user reads for each band: the people list's filter and the structure report.
AGE_BAND_LABELS = {
    "u30": gettext_lazy("Under 30"),
    "30-39": gettext_lazy("30 to 39"),
    "40-49": gettext_lazy("40 to 49"),
    "50+": gettext_lazy("50 and over"),
}


def _birth_range(day: dt.date, min_age: int | None, max_age: int | None) -> Q:
    q = Q()
    if min_age is not None:  # born on or before day minus min_age years
        q &= Q(birth_date__lte=_years_before(day, min_age))
    if max_age is not None:  # younger than max_age + 1
        q &= Q(birth_date__gt=_years_before(day, max_age + 1))
    return q


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def person_list(
    *,
    user,
    day: dt.date,
    unit=None,
    role=None,
    full_time: bool | None = None,
    gender: str = "",
    age_band: str = "",
    education=None,
    political_theory=None,
    search: str = "",
    cadres_only: bool = False,
):
    """People of the user's subtree matching the filters, in Vietnamese order.

    Position-based filters (role, full-time, cadres only) mean "holding such a position on
    `day`"; `unit` narrows to that unit's subtree (by the person's home unit or a position)."""
    qs = scoped(Person.objects.all(), user)
    if unit is not None:
        in_unit = Position.objects.filter(under(unit, "unit"), person=OuterRef("pk"))
        qs = qs.filter(under(unit, "unit") | Exists(in_unit))
    position_q = active_on(day)
    if role is not None:
        position_q &= Q(role=role)
    if full_time is not None:
        position_q &= Q(full_time=full_time)
    if role is not None or full_time is not None or cadres_only:
        qs = qs.filter(Exists(Position.objects.filter(position_q, person=OuterRef("pk"))))
    if gender:
        qs = qs.filter(gender=gender)
    if age_band in AGE_BANDS:
        qs = qs.filter(_birth_range(day, *AGE_BANDS[age_band]))
    if education is not None:
        qs = qs.filter(education_level=education)
    if political_theory is not None:
        qs = qs.filter(political_theory=political_theory)
    if search:
        qs = qs.search(search)
    return qs.select_related("unit").vietnamese_order()


def current_positions(people, day: dt.date) -> dict[int, list[Position]]:
    """Positions held on `day` by the given people, in one query."""
    out: dict[int, list[Position]] = {}
    for p in (
        Position.objects.active_on(day)
        .filter(person__in=people)
        .select_related("role", "unit")
        .order_by("role__rank")
    ):
        out.setdefault(p.person_id, []).append(p)
    return out
