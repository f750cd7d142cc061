"""Stored counts of the unit tree: every unit's sub-units, cadres and full-time cadres of the
day, computed in full and kept (issue 22).

A national officer's tree page, the unit page and the API's unit and children counted the
distinct holders of every post of the country in each request (0.4-0.9 s over 1.25M posts,
no index can serve a COUNT(DISTINCT) over a whole subtree). As cadrework.retention_store
keeps the retention figures, `build` counts every unit's subtree once — the same expressions
as the live count (`counts`), grouped by each depth of the versions' paths, so each unit's
subtree is one group: one grouped query per depth of the tree.

What a store answers: the tree as the officer of its root sees it (the root's scope), on its
day. So it serves an officer whose scope is a whole tree (the confederation's), on the day it
was computed for: today's, kept by the daily job, or a day asked for (`?on=`), computed by the
worker when first asked — that first look is counted live — and kept among the last few days
asked. An officer lower down reads it too when no unit's placement starts after the store's
day (`exact_below`: then their scope, the units placed *now* in their subtree, cuts nothing
from a subtree of that day); else, and for another day, they are counted live.

Kept current: the daily job computes the day's counts (from 01:30, schedule); a post or a
unit (or its placement) changed afterwards — or while they were being computed — marks the
store changed once the transaction commits, and a changed store is not read: the page counts
live and the worker computes the day's counts again. Imports that write posts in bulk send no
signals and call `changed` themselves. On a small tree (`units.selectors.small_tree`) nothing
is stored: the live count takes milliseconds.
"""

import datetime as dt

from django.db import transaction
from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.utils import timezone
from django_tasks import task

from accounts.scope import scope_path
from lib.commit import once_after_commit
from lib.dates import today
from lib.periods import in_force_q, started_after
from lib.stores import follow
from lib.tree import PATH_WIDTH, under
from units.models import CountStore, SubtreeCount, Unit, UnitVersion
from units.places import versions_under

KEPT_DAYS = 8  # stores of days other than today kept (those asked for last)


def counts(day: dt.date) -> dict:
    """The tree's counts over unit versions: the versions themselves (the unit included),
    the distinct holders of a post in force on `day`, and those of a full-time one. The live
    pages (units.selectors) and the stored counts aggregate these same expressions."""
    # The units app does not import people: a position's period read through the relation.
    active = in_force_q(day, prefix="unit__positions__")
    return {
        "units": Count("id", distinct=True),
        "cadres": Count("unit__positions__person", filter=active, distinct=True),
        "full_time": Count(
            "unit__positions__person",
            distinct=True,
            filter=active & Q(unit__positions__full_time=True),
        ),
    }


# --- computing ----------------------------------------------------------------------------


def build(day: dt.date, store: CountStore | None = None) -> CountStore:
    """Count every unit's subtree on `day` into `store` (queued for the worker) or a new one;
    older stores are dropped."""
    if store is None:
        store = CountStore.objects.create(as_of=day)
    # Below a root the page counts the units whose placement *now* is in the officer's
    # subtree (accounts.scope); with no placement starting after the day, every unit in force
    # that day stands where it stands now, and the store counts what any officer's page does.
    # A later reorganisation marks the store changed.
    exact_below = not UnitVersion.objects.filter(started_after(day, start="valid_from")).exists()
    try:
        SubtreeCount.objects.bulk_create(
            (SubtreeCount(store=store, unit_id=unit_id, **row) for unit_id, row in compute(day)),
            batch_size=5000,
        )
    except Exception as error:
        CountStore.objects.filter(pk=store.pk).update(
            status=CountStore.Status.FAILED, message=str(error)[:500]
        )
        raise
    with transaction.atomic():
        # An update, not a save: a change marked while counting (`changed_at`) stays marked.
        CountStore.objects.filter(pk=store.pk).update(
            status=CountStore.Status.DONE, finished_at=timezone.now(), exact_below=exact_below
        )
        CountStore.objects.filter(as_of=day, started_at__lt=store.started_at).delete()
        # Days asked for (`?on=`) are kept a while: the latest few, today's always.
        running = CountStore.computing().values("pk")
        kept = (
            CountStore.objects.exclude(pk__in=running)
            .exclude(as_of=today())
            .order_by("-started_at")
        )
        CountStore.objects.filter(
            pk__in=list(kept.values_list("pk", flat=True)[KEPT_DAYS:])
        ).delete()
    store.refresh_from_db()
    return store


def compute(day: dt.date):
    """(unit id, counts) of every unit in force on `day`: for each root, the versions under
    it (in its scope, as its officer's page counts them) grouped by their path cut at each
    depth; a version shallower than a depth is a unit above it, not a subtree there."""
    by_path = dict(UnitVersion.objects.on(day).values_list("path", "unit_id"))
    longest = max((len(p) for p in by_path), default=0)
    for root in Unit.objects.filter(parent__isnull=True).order_by("path"):
        versions = versions_under(root.path, day).filter(under(root, "unit"))
        for width in range(len(root.path), longest + 1, PATH_WIDTH):
            rows = (
                versions.filter(depth__gte=width // PATH_WIDTH - 1)
                .annotate(place=Substr("path", 1, width))
                .values("place")
                .annotate(**counts(day))
            )
            for row in rows:
                if len(row["place"]) == width and row["place"] in by_path:
                    yield (
                        by_path[row.pop("place")],
                        {n: row[n] for n in ("units", "cadres", "full_time")},
                    )


# --- reading ------------------------------------------------------------------------------


def whole_tree(user) -> bool:
    """Whether the user's scope is a whole tree (its root's): the stores count as its
    officer sees it."""
    return scope_path(user) is not None and user.unit.parent_id is None


def current(day: dt.date, user) -> CountStore | None:
    """The store that answers `user`'s tree on `day`, or None (counted live): a store of
    that day that nothing changed since, for an officer whose scope is a whole tree
    (`whole_tree`), or for any officer when no unit's placement was pending after its day
    (`exact_below`). Missing or changed, the worker is asked for it (today's, or a day the
    officer of a whole tree asked for: the next look at that day reads it)."""
    if scope_path(user) is None:
        return None
    whole = whole_tree(user)
    store = (
        CountStore.objects.filter(as_of=day, status=CountStore.Status.DONE)
        .order_by("-finished_at")
        .first()
    )
    if store is not None and store.changed_at is None:
        return store if whole or store.exact_below else None
    if whole or day == today():
        _queue(day)
    return None


def subtree(store: CountStore, node: UnitVersion) -> dict | None:
    """The node's counts from the store, as units.selectors.subtree_counts gives them."""
    row = (
        SubtreeCount.objects.filter(store=store, unit_id=node.unit_id)
        .values("units", "cadres", "full_time")
        .first()
    )
    if row is None:
        return None
    row["sub_units"] = max(row.pop("units") - 1, 0)
    return row


def children(store: CountStore, node: UnitVersion, day: dt.date):
    """The node's children on `day` that the store counts (their counts by path) and their
    versions, as units.selectors.children_with_counts reads them."""
    versions = versions_under(node.path, day).filter(parent_id=node.unit_id, depth=node.depth + 1)
    paths = dict(versions.values_list("unit_id", "path"))
    found = {
        paths[unit_id]: {"units": units, "cadres": cadres, "full_time": full_time}
        for unit_id, units, cadres, full_time in SubtreeCount.objects.filter(
            store=store, unit_id__in=list(paths)
        ).values_list("unit_id", "units", "cadres", "full_time")
    }
    return found, versions.filter(path__in=list(found))


# --- kept current -------------------------------------------------------------------------


@task()
def build_counts(day: str, store_id: int | None = None) -> None:
    """The worker's side of `_queue`."""
    store = CountStore.objects.filter(pk=store_id).first() if store_id else None
    build(dt.date.fromisoformat(day), store)


def _queue(day: dt.date) -> None:
    """Ask the worker for the day's counts, unless they are being computed already (a store
    running, younger than a computation may take, nothing changed since it started)."""
    with transaction.atomic():
        if CountStore.computing(as_of=day, changed_at__isnull=True).exists():
            return
        store = CountStore.objects.create(as_of=day)
    build_counts.enqueue(day.isoformat(), store.pk)


def changed() -> None:
    """A post or the structure changed: mark every store not already marked — those being
    computed too — once the transaction commits."""

    def mark() -> None:
        CountStore.objects.filter(changed_at__isnull=True).exclude(
            status=CountStore.Status.FAILED
        ).update(changed_at=timezone.now())

    once_after_commit("units.counts_store", mark)


def connect() -> None:
    """Wire the changes that move the counts (from the app's `ready()`). Posts are named by
    their label: the units app does not import people."""
    follow(("people.Position", "units.Unit", "units.UnitVersion"), changed, CountStore)
