"""Stored figures of the evaluations list for the units at the top of the tree (issue 22).

The list of a unit's year (cadrework.views.evaluations) shows the distribution of ratings, the
same per unit below and per role and level, and how many posts held at the year's end have no
yearly evaluation: for the confederation, grouped queries over a national year's evaluations
and 1.25M posts (about a second; a province's a third of one). As cadrework.retention_store
keeps the retention figures, `build` counts them once for every year and occasion — the same
expressions as the live reading (cadrework.evaluations), grouped by each depth of the units'
paths down to the children of the units it serves (`SERVED_DEPTH`), so each unit's subtree is
one group; lower down the live reading takes tens of milliseconds and is kept.

Kept current: an evaluation, a post or a unit changed marks the store changed once the
transaction commits; a changed store is not read (the page counts live) and is computed again
— at once on a small tree, by the worker on a big one.
"""

from django.db import transaction
from django.db.models import Count, F, Sum
from django.db.models.functions import Substr
from django.utils import timezone
from django_tasks import task

from cadrework import evaluations as rules
from cadrework.models import Evaluation, EvaluationFigure, EvaluationStore, Occasion, Rating
from lib.commit import once_after_commit
from lib.stores import follow
from lib.tree import PATH_WIDTH
from people.models import Role
from units.models import Unit, UnitLevel
from units.selectors import small_tree

Kind = EvaluationFigure.Kind
SERVED_DEPTH = 1  # the confederation and the provinces (and national sectors) read the store


# --- computing ----------------------------------------------------------------------------


def build(store: EvaluationStore | None = None) -> EvaluationStore:
    """Compute every figure into `store` (queued for the worker) or a new one; older stores
    are dropped."""
    if store is None:
        store = EvaluationStore.objects.create()
    try:
        EvaluationFigure.objects.bulk_create(
            (EvaluationFigure(store=store, **row) for row in compute()), batch_size=5000
        )
    except Exception as error:
        EvaluationStore.objects.filter(pk=store.pk).update(
            status=EvaluationStore.Status.FAILED, message=str(error)[:500]
        )
        raise
    with transaction.atomic():
        # An update, not a save: a change marked while computing (`changed_at`) stays marked.
        EvaluationStore.objects.filter(pk=store.pk).update(
            status=EvaluationStore.Status.DONE, finished_at=timezone.now()
        )
        EvaluationStore.objects.filter(started_at__lt=store.started_at).delete()
    store.refresh_from_db()
    return store


def compute() -> list[dict]:
    """The rows of every unit down to SERVED_DEPTH + 1 (a served unit's children): one grouped
    query per depth for the subtrees, one for the served units' own posts, one per depth and
    year for the posts without a yearly evaluation."""
    by_path = dict(Unit.objects.filter(depth__lte=SERVED_DEPTH + 1).values_list("path", "pk"))
    rows: list[dict] = []
    for depth in range(SERVED_DEPTH + 2):
        width = PATH_WIDTH * (depth + 1)
        rows += _grouped(by_path, Substr("unit__path", 1, width), width, Kind.TOTAL)
    served = Evaluation.objects.filter(unit__depth__lte=SERVED_DEPTH)
    rows += _grouped(by_path, F("unit__path"), None, Kind.DIRECT, served)
    years = Evaluation.objects.filter(occasion=Occasion.YEARLY).values_list("year", flat=True)
    roots = list(Unit.objects.filter(parent__isnull=True))
    for year in set(years.distinct().order_by()):
        for depth in range(SERVED_DEPTH + 1):
            width = PATH_WIDTH * (depth + 1)
            for root in roots:
                missing = (
                    rules.not_evaluated(root, year)
                    .select_related(None)
                    .order_by()
                    .annotate(_place=Substr("unit__path", 1, width))
                    .values("_place")
                    .annotate(n=Count("pk"))
                )
                for row in missing:
                    if len(row["_place"]) == width and row["_place"] in by_path:
                        unit_id = by_path[row["_place"]]
                        rows.append(_missing(unit_id, year, row["n"]))
    return rows


def _missing(unit_id: int, year: int, n: int) -> dict:
    return {
        "unit_id": unit_id,
        "year": year,
        "occasion": Occasion.YEARLY,
        "kind": Kind.MISSING,
        "role_id": None,
        "level_id": None,
        "rating": "",
        "n": n,
    }


def _grouped(by_path, place, width, kind, evaluations=None) -> list[dict]:
    """The evaluations grouped by a place (a unit's path cut to `width`, or whole), year,
    occasion, role, unit level and rating; a place shorter than `width` is a post above that
    depth, not a subtree there."""
    share = rules.share_expression()
    grouped = (
        (evaluations if evaluations is not None else Evaluation.objects.all())
        .order_by()
        .annotate(_place=place, _level=F("unit__kind__level"))
        .values("_place", "year", "occasion", "role_id", "_level", "rating")
        .annotate(n=Count("pk"), share_sum=Sum(share), shares=Count(share))
    )
    out = []
    for row in grouped:
        path = row["_place"]
        if (width is not None and len(path) != width) or path not in by_path:
            continue
        out.append(
            {
                "unit_id": by_path[path],
                "year": row["year"],
                "occasion": row["occasion"],
                "kind": kind,
                "role_id": row["role_id"],
                "level_id": row["_level"],
                "rating": row["rating"],
                "n": row["n"],
                "share_sum": row["share_sum"] or 0.0,
                "shares": row["shares"],
            }
        )
    return out


# --- reading ------------------------------------------------------------------------------


def usable() -> EvaluationStore | None:
    """The store a page reads: the latest complete one nothing changed since. Missing or
    changed, it is computed again — here on a small tree, by the worker on a big one."""
    store = EvaluationStore.objects.filter(status=EvaluationStore.Status.DONE).last()
    if store is not None and store.changed_at is None:
        return store
    if small_tree():
        return build()
    _queue()
    return None


def serves(unit: Unit) -> bool:
    return unit.depth <= SERVED_DEPTH


def latest_year(unit: Unit) -> int | None:
    """The latest year evaluated in the unit's subtree, from a current store (None: ask live,
    or none)."""
    store = usable() if serves(unit) else None
    if store is None:
        return None
    found = EvaluationFigure.objects.filter(store=store, unit=unit, kind=Kind.TOTAL)
    return found.order_by("-year").values_list("year", flat=True).first()


def year(unit: Unit, year: int, occasion: str) -> dict | None:
    """The list's figures of a year (`distribution`, `by_unit`, `by_role` as
    cadrework.evaluations computes them, and `missing`, the posts without a yearly
    evaluation) from a current store, else None. Two queries, and the names."""
    store = usable() if serves(unit) else None
    if store is None:
        return None
    below = {u.pk: u for u in Unit.objects.filter(parent=unit)}
    rows = list(
        EvaluationFigure.objects.filter(
            store=store, unit_id__in=[unit.pk, *below], year=year, occasion=occasion
        ).values("unit_id", "kind", "role_id", "level_id", "rating", "n", "share_sum", "shares")
    )
    if not rows and occasion == Occasion.YEARLY and not _counted_year(store, year):
        return None  # no yearly evaluation that year: its posts without one were not counted
    total: dict[str, int] = {}
    per_unit: dict[int, dict[str, int]] = {}
    per_role: dict[tuple, dict] = {}
    missing = 0
    for row in rows:
        if row["kind"] == Kind.MISSING:
            missing += row["n"] if row["unit_id"] == unit.pk else 0
            continue
        if row["unit_id"] != unit.pk or row["kind"] == Kind.DIRECT:
            counts = per_unit.setdefault(row["unit_id"], {})
            counts[row["rating"]] = counts.get(row["rating"], 0) + row["n"]
            continue
        total[row["rating"]] = total.get(row["rating"], 0) + row["n"]
        group = per_role.setdefault(
            (row["role_id"], row["level_id"]), {"n": 0, "share_sum": 0.0, "shares": 0}
        )
        for name in ("n", "share_sum", "shares"):
            group[name] += row[name]
        group[row["rating"]] = group.get(row["rating"], 0) + row["n"]
    return {
        "distribution": rules.Distribution({r: total.get(r, 0) for r in Rating.values}),
        "by_unit": _by_unit(unit, below, per_unit),
        "by_role": _by_role(per_role),
        "missing": missing,
    }


def _counted_year(store: EvaluationStore, year: int) -> bool:
    return EvaluationFigure.objects.filter(
        store=store, year=year, occasion=Occasion.YEARLY
    ).exists()


def _by_unit(unit: Unit, below: dict, per_unit: dict) -> list:
    units = {unit.pk: unit, **below}
    out = [
        rules.UnitRow(units[pk], pk == unit.pk, rules._distribution(counts))
        for pk, counts in per_unit.items()
    ]
    return sorted(out, key=lambda r: (not r.own, r.unit.code))


def _by_role(per_role: dict) -> list:
    roles = Role.objects.in_bulk({role for role, _level in per_role})
    levels = UnitLevel.objects.in_bulk({level for _role, level in per_role})
    out = [
        rules.RoleLevelRow(
            roles[role],
            levels[level],
            g["n"],
            rules._rounded(g["share_sum"] / g["shares"] if g["shares"] else None),
            rules.Distribution({r: g.get(r, 0) for r in Rating.values}),
        )
        for (role, level), g in per_role.items()
    ]
    return sorted(out, key=lambda r: (r.level.rank, r.role.rank, r.role.code))


@task()
def build_evaluations(store_id: int | None = None) -> None:
    """The worker's side of `_queue`."""
    store = EvaluationStore.objects.filter(pk=store_id).first() if store_id else None
    build(store)


def _queue() -> None:
    """Ask the worker for the figures, unless they are asked for already."""
    with transaction.atomic():
        if EvaluationStore.computing().exists():
            return
        store = EvaluationStore.objects.create()
    build_evaluations.enqueue(store.pk)


# --- kept current -------------------------------------------------------------------------


def changed() -> None:
    """Mark the stores changed once the transaction commits — one being computed too: it may
    have read the rows before the change (it stays marked when it is done)."""

    def mark() -> None:
        EvaluationStore.objects.filter(changed_at__isnull=True).exclude(
            status=EvaluationStore.Status.FAILED
        ).update(changed_at=timezone.now())

    once_after_commit("cadrework.evaluation_store", mark)


def connect() -> None:
    """Wire the changes that move the figures (from the app's `ready()`)."""
    follow(
        ("cadrework.Evaluation", "people.Position", "units.Unit"),
        changed,
        EvaluationStore,
    )
