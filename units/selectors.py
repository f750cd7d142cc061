"""Reads over the hierarchy, each one query whatever the size of the tree."""

import datetime as dt

from django.conf import settings
from django.db.models import QuerySet
from django.db.models.functions import Substr

from accounts.scope import scope_q
from lib.tree import ancestor_path, path_length
from units import counts_store
from units.counts_store import counts
from units.models import (
    Unit,
    UnitVersion,
    member_count_subquery,
    worker_count_subquery,
)
from units.places import versions_under


def version_on(unit: Unit, day: dt.date) -> UnitVersion | None:
    """The unit's name and placement on `day`, or None if it did not exist then."""
    return (
        UnitVersion.objects.on(day)
        .filter(unit=unit)
        .select_related("kind__level", "parent")
        .first()
    )


def _store(day: dt.date, user):
    """The stored counts that answer the user's tree on `day` (units.counts_store), or None:
    counted live — on a small tree always (it takes milliseconds)."""
    return None if small_tree() else counts_store.current(day, user)


def subtree_counts(node: UnitVersion, day: dt.date, user) -> dict:
    """Sub-units, cadres and full-time cadres of the node's whole subtree on `day`."""
    store = _store(day, user)
    stored = counts_store.subtree(store, node) if store is not None else None
    if stored is not None:
        return stored
    row = versions_under(node.path, day).filter(scope_q(user, "unit")).aggregate(**counts(day))
    row["sub_units"] = max(row.pop("units") - 1, 0)
    return row


def children_with_counts(node: UnitVersion, day: dt.date, user) -> list[dict]:
    """The node's children on `day`, each with counts over its own subtree.

    One query: versions in force on `day` under the node are grouped by the path prefix of the
    child they fall under, so each subtree is counted without recursion."""
    store = _store(day, user)
    if store is not None:
        found, children = counts_store.children(store, node, day)
    else:
        width = path_length(node.depth + 1)
        rows = (
            versions_under(node.path, day)
            .filter(depth__gt=node.depth)
            .filter(scope_q(user, "unit"))
            .annotate(child_path=Substr("path", 1, width))
            .values("child_path")
            .annotate(**counts(day))
        )
        found = {r["child_path"]: r for r in rows}
        children = UnitVersion.objects.on(day).filter(path__in=list(found))
    out = []
    for child in children.select_related("unit", "kind").order_by("unit__code"):
        c = found[child.path]
        out.append(
            {
                "version": child,
                "unit": child.unit,
                "sub_units": c["units"] - 1,
                "cadres": c["cadres"],
                "full_time": c["full_time"],
            }
        )
    return out


def ancestors_on(node: UnitVersion, day: dt.date) -> list[UnitVersion]:
    """The chain from the root down to the node's parent on `day` (one query)."""
    prefixes = [ancestor_path(node.path, depth) for depth in range(node.depth)]
    return list(
        UnitVersion.objects.on(day)
        .filter(path__in=prefixes)
        .select_related("unit")
        .order_by("depth")
    )


def children_on(unit_id: int, day: dt.date) -> QuerySet:
    """The versions of the units directly below a unit as the tree stood on `day`."""
    return UnitVersion.objects.on(day).filter(parent_id=unit_id)


def children_with_figures(node: UnitVersion, day: dt.date) -> list[dict]:
    """The node's children on `day`, each with the members and workers of the grassroots
    unions of its subtree (their figures in force that day; None where none reported): what
    a goal is divided in proportion to. One query for the figures, one for the children."""
    width = path_length(node.depth + 1)
    rows = (
        versions_under(node.path, day)
        .filter(depth__gt=node.depth, kind__level__code="grassroots")
        .annotate(
            child_path=Substr("path", 1, width),
            members=member_count_subquery(day),
            workers=worker_count_subquery(day),
        )
        .values_list("child_path", "members", "workers")
    )
    totals: dict[str, list] = {}
    for child_path, members, workers in rows:
        sums = totals.setdefault(child_path, [None, None])
        if members is not None:
            sums[0] = (sums[0] or 0) + members
        if workers is not None:
            sums[1] = (sums[1] or 0) + workers
    children = children_on(node.unit_id, day).select_related("unit").order_by("unit__code")
    return [
        {
            "version": child,
            "unit": child.unit,
            "members": totals.get(child.path, [None, None])[0],
            "workers": totals.get(child.path, [None, None])[1],
        }
        for child in children
    ]


def small_tree() -> bool:
    """Whether the tree is small enough that figures stored per day (the targets' snapshot,
    the retention store) are computed in the request that finds them missing, rather than
    queued for the worker (`TARGETS_INLINE_UNITS`)."""
    return Unit.objects.count() <= settings.TARGETS_INLINE_UNITS
