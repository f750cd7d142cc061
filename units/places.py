"""What "under this unit" means, once, for every list, total, report, target and scope check.

Two readings, each written here and nowhere else:

- **Under a unit now** (`under`, `is_within`, written in lib.tree because accounts' scope
  sits below units, and offered here): the unit's latest placement, a materialised path
  (`Unit.path`) whose prefix is its subtree. Scope (who may see what) and writes use it: a
  province sees the districts it has today, and the districts it had that are now dissolved
  (a dissolved unit keeps its last path).
- **Under a unit as the tree stood on a day** (`placed_under`, `placed_under_then`,
  `versions_under`): a unit's placement on that day (`UnitVersion`, in force per
  `lib.periods`). Every figure asked "as of" a day — a list and its total, the dashboard, the
  reports — places units this way, with the same day for the rows and for the total.
"""

import datetime as dt

from django.db.models import Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Left

from lib.tree import is_within, under  # noqa: F401  (the "now" reading, below accounts)
from units.models import PATH_WIDTH, Unit, UnitVersion, valid_on


def node_on(unit: Unit, day: dt.date) -> UnitVersion | None:
    """The unit's placement on `day` (None if it did not exist that day)."""
    return UnitVersion.objects.on(day).filter(unit=unit).select_related("kind__level").first()


def path_on(unit: Unit | None, day: dt.date) -> str | None:
    """The unit's path on `day`; "" for no unit (the whole system); None if it did not exist."""
    if unit is None:
        return ""
    return UnitVersion.objects.on(day).filter(unit=unit).values_list("path", flat=True).first()


def versions_under(path: str, day: dt.date):
    """The placements on `day` of the units under `path` (a path of that day), the node
    included."""
    return UnitVersion.objects.on(day).filter(path__startswith=path)


def placed_under(path: str, day, field: str = "unit") -> Q:
    """Q for rows whose unit (through `field`) stood under `path` (a path of that day) on
    `day` — the subtree as it stood that day, not as it stands now."""
    return valid_on(day, f"{field}__versions__") & Q(
        **{f"{field}__versions__path__startswith": path}
    )


def placed_under_then(unit: Unit, unit_field: str, day_field: str) -> Q:
    """Q for rows whose unit (through `unit_field`) stood inside `unit`'s subtree on the row's
    own day (`day_field`), under the structure of that day: a class of 2019 counts for the
    district that organised it then, though the district has since been merged away.

    One branch per placement the unit has had (a few), each limited to the days it held."""
    return placed_under_then_each([unit.pk], unit_field, day_field)[unit.pk]


def placed_under_then_each(unit_ids, unit_field: str, day_field: str) -> dict[int, Q]:
    """`placed_under_then` for several units at once (one query for all their placements):
    unit id -> its Q, for a figure of each unit in one grouped query."""
    day = OuterRef(day_field)
    out = {unit_id: Q(pk__in=[]) for unit_id in unit_ids}
    for version in UnitVersion.objects.filter(unit_id__in=list(out)).order_by("unit_id", "pk"):
        then = UnitVersion.objects.filter(
            valid_on(day), unit=OuterRef(unit_field), path__startswith=version.path
        )
        window = Q()  # the row's day within the version's period, both ends inclusive
        if version.valid_from:
            window &= Q(**{f"{day_field}__gte": version.valid_from})
        if version.valid_to:
            window &= Q(**{f"{day_field}__lte": version.valid_to})
        out[version.unit_id] |= window & Exists(then)
    return out


def duty_unit(level, day: dt.date, unit_ref: str = "unit_id"):
    """Expression: the unit that stood above the unit `OuterRef(unit_ref)` at `level` on
    `day` — or, when none did, its parent (a small grassroots union directly under a province
    is the province's duty: 003 §I.2.2). Levels sit at the depth of their rank, so the
    ancestor at a level is the one whose path is the unit's path cut to that depth."""
    # Read inside `above`, one query deeper: the outer row is two levels up.
    own_path = (
        UnitVersion.objects.on(day).filter(unit_id=OuterRef(OuterRef(unit_ref))).values("path")[:1]
    )
    above = (
        UnitVersion.objects.on(day)
        .filter(kind__level=level)
        .filter(path=Left(Subquery(own_path), (level.rank + 1) * PATH_WIDTH))
        .values("unit_id")[:1]
    )
    parent = UnitVersion.objects.on(day).filter(unit_id=OuterRef(unit_ref)).values("parent_id")[:1]
    return Coalesce(Subquery(above), Subquery(parent))
