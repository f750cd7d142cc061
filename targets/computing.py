"""Computing a day's snapshot in full: the engine's one grouped query per target, the figures
added up the tree of that day in one pass, and written in bulk (COPY on PostgreSQL).

The worker runs it (targets.tasks), and so does targets.snapshots when the tree is small or
a command asks for it; neither of those is imported here, so the arrows run one way:
snapshots -> tasks -> computing."""

import datetime as dt
from collections import defaultdict
from collections.abc import Callable

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from targets.engine import person_targets, unit_counts
from targets.models import MemberFigure, Snapshot, Target, TargetFigure
from units.models import PATH_WIDTH, UnitVersion, member_count_subquery, worker_count_subquery

Progress = Callable[[int, int], None]
COUNTS = ("eligible", "met", "overdue", "late")  # as targets.engine.Counts
FIELDS = (*(f"own_{name}" for name in COUNTS), *COUNTS)


def _tree(day: dt.date) -> dict[int, str]:
    """unit id -> path on `day`, and path -> unit id (the same dict, both directions)."""
    tree: dict = {}
    for unit_id, path in UnitVersion.objects.on(day).values_list("unit_id", "path"):
        tree[unit_id] = path
        tree[path] = unit_id
    return tree


def roll_up(own: dict[int, tuple[int, ...]], tree: dict) -> dict[int, list[int]]:
    """Own figures per unit -> own and subtree figures for the unit and all its ancestors."""
    n = len(COUNTS)
    rows: dict[int, list[int]] = defaultdict(lambda: [0] * (2 * n))
    for unit_id, counts in own.items():
        path = tree.get(unit_id)
        if path is None:
            continue  # a position in a unit that did not exist that day
        rows[unit_id][0:n] = counts
        for end in range(PATH_WIDTH, len(path) + 1, PATH_WIDTH):
            row = rows[tree[path[:end]]]
            for i, count in enumerate(counts):
                row[n + i] += count
    return rows


def _write(snapshot: Snapshot, target: Target, rows: dict[int, list[int]]) -> None:
    if connection.vendor == "postgresql":
        table = TargetFigure._meta.db_table
        columns = ", ".join(("snapshot_id", "target_id", "unit_id", *FIELDS))
        with (
            connection.cursor() as cursor,
            cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
        ):
            for unit_id, values in rows.items():
                copy.write_row((snapshot.pk, target.pk, unit_id, *values))
        return
    TargetFigure.objects.bulk_create(
        (
            TargetFigure(
                snapshot=snapshot,
                target=target,
                unit_id=unit_id,
                **dict(zip(FIELDS, values, strict=True)),
            )
            for unit_id, values in rows.items()
        ),
        batch_size=2000,
    )


def own_members(day: dt.date, unit_ids=None) -> dict[int, tuple[int | None, int | None]]:
    """Grassroots union id -> its (members, workers) in force on `day` (None: not reported),
    every union of the tree of `day` (or these ones): what units.selectors
    .children_with_figures sums under each child, by the same rule (units.models
    .member_count_subquery)."""
    unions = UnitVersion.objects.on(day).filter(kind__level__code="grassroots")
    if unit_ids is not None:
        unions = unions.filter(unit_id__in=list(unit_ids))
    rows = unions.annotate(
        members=member_count_subquery(day), workers=worker_count_subquery(day)
    ).order_by()
    return {unit_id: (m, w) for unit_id, m, w in rows.values_list("unit_id", "members", "workers")}


MEMBER_FIELDS = ("members", "members_reported", "workers", "workers_reported")


def member_deltas(members: int | None, workers: int | None) -> tuple[int, int, int, int]:
    """A union's figures as what they add to each sum of MEMBER_FIELDS."""
    return (members or 0, members is not None, workers or 0, workers is not None)


def _write_members(snapshot: Snapshot, day: dt.date, tree: dict) -> None:
    """Every unit's MemberFigure of `day`: its unions' figures added up the tree in one pass
    (a row for every unit of the day, so that a missing row means "not computed")."""
    own = own_members(day)
    sums: dict[int, list[int]] = {u: [0, 0, 0, 0] for u in tree if isinstance(u, int)}
    for unit_id, figures in own.items():
        path = tree.get(unit_id)
        if path is None:
            continue
        deltas = member_deltas(*figures)
        for end in range(PATH_WIDTH, len(path) + 1, PATH_WIDTH):
            row = sums[tree[path[:end]]]
            for i, d in enumerate(deltas):
                row[i] += d
    MemberFigure.objects.bulk_create(
        (
            MemberFigure(
                snapshot=snapshot,
                unit_id=unit_id,
                own_members=own.get(unit_id, (None, None))[0],
                own_workers=own.get(unit_id, (None, None))[1],
                **dict(zip(MEMBER_FIELDS, values, strict=True)),
            )
            for unit_id, values in sums.items()
        ),
        batch_size=5000,
    )


STALE = dt.timedelta(minutes=30)  # a computation running longer has died with its process


def _claim(day: dt.date, steps: int) -> Snapshot | None:
    """Take the day's snapshot for computing, unless another process is computing it."""
    now = timezone.now()
    fields = {
        "status": Snapshot.Status.RUNNING,
        "steps_total": steps,
        "steps_done": 0,
        "started_at": now,
        "finished_at": None,
        "message": "",
    }
    free = ~Q(status=Snapshot.Status.RUNNING) | Q(started_at__lt=now - STALE)
    if Snapshot.objects.filter(free, as_of=day).update(**fields):  # one UPDATE: one winner
        return Snapshot.objects.get(as_of=day)
    try:
        with transaction.atomic():
            return Snapshot.objects.create(as_of=day, **fields)
    except IntegrityError:
        return None  # someone else is computing it


def compute(day: dt.date, progress: Progress | None = None) -> Snapshot | None:
    """(Re)compute the snapshot of `day` for every target in force that day. Returns None
    when another process is already computing it."""
    targets = person_targets(day)
    snapshot = _claim(day, len(targets) + 1)
    if snapshot is None:
        return None
    try:
        tree = _tree(day)
        with transaction.atomic():
            TargetFigure.objects.filter(snapshot=snapshot).delete()
            MemberFigure.objects.filter(snapshot=snapshot).delete()
            _write_members(snapshot, day, tree)
            for done, target in enumerate(targets, start=1):
                _write(snapshot, target, roll_up(unit_counts(target, day), tree))
                Snapshot.objects.filter(pk=snapshot.pk).update(steps_done=done)
                if progress:
                    progress(done, len(targets))
            Snapshot.objects.filter(pk=snapshot.pk).update(
                status=Snapshot.Status.DONE,
                steps_done=len(targets) + 1,
                finished_at=timezone.now(),
                revision=F("revision") + 1,
            )
    except Exception as exc:
        Snapshot.objects.filter(pk=snapshot.pk).update(
            status=Snapshot.Status.FAILED, message=str(exc)[:500]
        )
        raise
    if connection.vendor == "postgresql":
        # Fresh statistics, or the planner keeps the plans of the table's previous size.
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {TargetFigure._meta.db_table}")
    snapshot.refresh_from_db()
    return snapshot
