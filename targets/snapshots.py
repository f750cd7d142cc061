"""Stored figures of every target for every unit, as of a day: computed in full, kept current.

A full computation runs the engine's one grouped query per target, adds the figures up the
tree of the day in one pass, and writes them (COPY on PostgreSQL). After a change to a record,
a position, a person or a union's member count, `refresh_units` recomputes the touched units'
own figures and moves their ancestors' totals by the difference — today's dashboard changes
at once. Snapshots of other days are dropped when a change dated on or before them arrives.

The full computation itself lives in targets.computing (what the worker's task runs); it is
named here too, `snapshots.compute`, as the one door callers use.
"""

import datetime as dt
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from lib.dates import today
from targets.computing import COUNTS, FIELDS, MEMBER_FIELDS, compute, member_deltas, own_members
from targets.engine import person_targets, related_ids, unit_counts
from targets.models import MemberFigure, Snapshot, Target, TargetFigure
from targets.tasks import compute_snapshot
from units.models import PATH_WIDTH, UnitVersion
from units.selectors import children_on, small_tree
from units.selectors import children_with_figures as live_children_with_figures


def ready(day: dt.date, *, start: bool = True) -> Snapshot | None:
    """The snapshot of `day` if it is complete. When missing it is computed here if the
    tree is small, else queued for the worker (the page shows its progress)."""
    snapshot = Snapshot.objects.filter(as_of=day).first()
    done = snapshot is not None and snapshot.status == Snapshot.Status.DONE
    if done and not stale(snapshot):
        return snapshot
    if not start:
        return None
    if small_tree():
        return compute(day)
    if snapshot is None or snapshot.status == Snapshot.Status.FAILED or done:
        try:
            with transaction.atomic():
                Snapshot.objects.update_or_create(
                    as_of=day,
                    defaults={"status": Snapshot.Status.QUEUED, "steps_done": 0, "message": ""},
                )
        except IntegrityError:
            return None  # queued by a concurrent request
        compute_snapshot.enqueue(day.isoformat())
    return None


def stale(snapshot: Snapshot) -> bool:
    """Computed while its day was still running, and that day is over: a yearly or fixed-date
    window that ended that day has closed since (targets.engine._overdue), so compute again."""
    finished = snapshot.finished_at and timezone.localdate(snapshot.finished_at)
    return bool(finished and finished <= snapshot.as_of < today())


def pending(day: dt.date) -> Snapshot | None:
    return Snapshot.objects.filter(as_of=day).exclude(status=Snapshot.Status.DONE).first()


def invalidate(since: dt.date | None = None, *, keep_today: bool = True) -> None:
    """Drop snapshots a change dated `since` may alter (all of them when `since` is None)."""
    qs = Snapshot.objects.all()
    if since is not None:
        qs = qs.filter(as_of__gte=since)
    if keep_today:
        qs = qs.exclude(as_of=today())
    for attempt in range(5):
        try:
            with transaction.atomic():
                qs.delete()
            return
        except IntegrityError:
            # PostgreSQL checks the figures' key at commit: a computation of one of these days
            # wrote figures after the delete had listed them. Listed again, they go too.
            if attempt == 4 or transaction.get_connection().in_atomic_block:
                raise


def refresh_units(unit_ids: Iterable[int]) -> None:
    """Bring today's snapshot up to date for these units' own post-holders; if that fails,
    drop it (the next page computes it afresh): left as it was, its figures, and the
    post-holders every process keeps while its revision stays, would outlive the change."""
    try:
        _refresh_units(set(unit_ids))
    except Exception:
        Snapshot.objects.filter(as_of=today()).delete()
        raise


def _refresh_units(unit_ids: set[int]) -> None:
    day = today()
    snapshot = Snapshot.objects.filter(as_of=day, status=Snapshot.Status.DONE).first()
    if snapshot is None or not unit_ids:
        return
    placed = (
        UnitVersion.objects.on(day)
        .filter(unit_id__in=unit_ids)
        .values_list("unit_id", "path", "kind__level_id", "kind_id", "unit__sector")
    )
    paths = {unit_id: path for unit_id, path, *_ in placed}
    # A target whose level, kind or sector filter excludes every touched unit cannot move.
    levels = {row[2] for row in placed}
    kinds = {row[3] for row in placed}
    sectors = {row[4] for row in placed}
    prefixes = {
        p[:end] for p in paths.values() for end in range(PATH_WIDTH, len(p) + 1, PATH_WIDTH)
    }
    by_path = dict(
        UnitVersion.objects.on(day).filter(path__in=prefixes).values_list("path", "unit_id")
    )
    touched = set(by_path.values())
    stored = {
        (f.target_id, f.unit_id): f
        for f in TargetFigure.objects.filter(snapshot=snapshot, unit_id__in=touched)
    }
    changed, created = {}, {}
    for target in person_targets(day):
        wanted_levels, wanted_kinds = related_ids(target.levels), related_ids(target.unit_kinds)
        if (
            (target.sector and target.sector not in sectors)
            or (wanted_levels and not levels.intersection(wanted_levels))
            or (wanted_kinds and not kinds.intersection(wanted_kinds))
        ):
            continue
        new = unit_counts(target, day, unit_ids)
        for unit_id, path in paths.items():
            old_row = stored.get((target.pk, unit_id))
            zero = (0,) * len(COUNTS)
            old = tuple(getattr(old_row, f"own_{n}") for n in COUNTS) if old_row else zero
            counts = new.get(unit_id, zero)
            delta = [n - o for n, o in zip(counts, old, strict=True)]
            if not any(delta):
                continue
            for end in range(PATH_WIDTH, len(path) + 1, PATH_WIDTH):
                ancestor = by_path[path[:end]]
                key = (target.pk, ancestor)
                row = stored.get(key)
                if row is None:
                    row = created[key] = stored[key] = TargetFigure(
                        snapshot=snapshot, target=target, unit_id=ancestor
                    )
                for name, d in zip(COUNTS, delta, strict=True):
                    setattr(row, name, getattr(row, name) + d)
                changed[key] = row
            own = stored[(target.pk, unit_id)]
            for name, count in zip(COUNTS, counts, strict=True):
                setattr(own, f"own_{name}", count)
    with transaction.atomic():
        TargetFigure.objects.bulk_create(created.values())
        TargetFigure.objects.bulk_update(
            [row for key, row in changed.items() if key not in created], FIELDS
        )
        _refresh_members(snapshot, day, paths, by_path)
        # Even with no figure changed: the statuses of these units' post-holders may have.
        Snapshot.objects.filter(pk=snapshot.pk).update(revision=F("revision") + 1)


def _refresh_members(snapshot: Snapshot, day: dt.date, paths: dict, by_path: dict) -> None:
    """The touched unions' own members and workers read again, their ancestors' sums moved by
    the difference (a snapshot stored without them is left without them: not read)."""
    touched = set(by_path.values())
    stored = {
        row.unit_id: row
        for row in MemberFigure.objects.filter(snapshot=snapshot, unit_id__in=touched)
    }
    if not stored:
        return
    new = own_members(day, paths)
    changed = {}
    for unit_id, path in paths.items():
        own = stored.get(unit_id)
        if own is None:
            continue
        figures = new.get(unit_id, (None, None))
        old = (own.own_members, own.own_workers)
        if figures == old:
            continue
        delta = [n - o for n, o in zip(member_deltas(*figures), member_deltas(*old), strict=True)]
        own.own_members, own.own_workers = figures
        changed[unit_id] = own
        for end in range(PATH_WIDTH, len(path) + 1, PATH_WIDTH):
            row = stored[by_path[path[:end]]]
            for name, d in zip(MEMBER_FIELDS, delta, strict=True):
                setattr(row, name, getattr(row, name) + d)
            changed[row.unit_id] = row
    MemberFigure.objects.bulk_update(
        changed.values(), ["own_members", "own_workers", *MEMBER_FIELDS]
    )


def members(snapshot: Snapshot, unit_ids: Iterable[int]) -> dict[int, MemberFigure]:
    """unit id -> its stored members and workers (none for a snapshot stored without them)."""
    return {
        row.unit_id: row
        for row in MemberFigure.objects.filter(snapshot=snapshot, unit_id__in=list(unit_ids))
    }


def children_with_figures(node: UnitVersion, day: dt.date) -> list[dict]:
    """units.selectors.children_with_figures (the node's children with the members and workers
    of the unions of their subtrees), read from the day's stored figures when they are ready:
    counted live, a national node's 54 children summed 142,857 unions' figures (~0.5 s)."""
    snapshot = ready(day, start=False)
    if snapshot is not None:
        children = list(
            children_on(node.unit_id, day).select_related("unit").order_by("unit__code")
        )
        stored = members(snapshot, [child.unit_id for child in children])
        if len(stored) == len(children):
            return [
                {
                    "version": child,
                    "unit": child.unit,
                    "members": _sum(stored[child.unit_id], "members"),
                    "workers": _sum(stored[child.unit_id], "workers"),
                }
                for child in children
            ]
    return live_children_with_figures(node, day)


def _sum(row: MemberFigure, name: str) -> int | None:
    return getattr(row, name) if getattr(row, f"{name}_reported") else None


def figures(
    snapshot: Snapshot, unit_ids: Iterable[int], targets: Iterable[Target] | None = None
) -> dict[tuple[int, int], TargetFigure]:
    """(target id, unit id) -> stored figures, in one query."""
    qs = TargetFigure.objects.filter(snapshot=snapshot, unit_id__in=list(unit_ids))
    if targets is not None:
        qs = qs.filter(Q(target__in=list(targets)))
    return {(f.target_id, f.unit_id): f for f in qs}
