"""Stored figures of "trained in basic union work": every unit's, as of a day, kept current.

Issue 22: the statistics page and the training-results API show, of a unit's full-time cadres
and cadres of grassroots unions, how many are trained in basic union work
(training.selectors.basic_training); a national officer's figure judges about a million
cadres, seconds a request. `build` counts it for every unit at once with the same rule
(`basic_cadres`, which the live figure counts too): the cadres grouped by the place of their
posts cut to each depth of the tree (as it stood that day), so each unit's subtree is one
group — one grouped query per depth, whatever the number of units.

Kept current as the retention store is (cadrework.retention_store): the daily job computes the
day's figures (schedule, training.apps); a training record, a post or a unit changed afterwards
marks them changed (`changed_at`, after the commit). Figures marked changed, or not computed
yet, are never shown: the page counts live meanwhile, and the worker computes them again.
The last day of a past year (a past year's statistics) is kept too, computed by the worker
the first time it is asked; any other day is counted live. Imports that write in bulk send no
signals: they mark the figures themselves (imports.outcome).
"""

import datetime as dt

from django.db import connection, transaction
from django.db.models.functions import Substr
from django.utils import timezone
from django_tasks import task

from lib.commit import once_after_commit
from lib.dates import today
from lib.stores import follow
from people.models import Position
from training.models import BasicTrainingFigure, BasicTrainingStore
from training.selectors import Share, basic_cadres, basic_shares, basic_training
from units.models import Unit, UnitVersion
from units.places import placed_under

Status = BasicTrainingStore.Status
COUNTS = ("full_time", "full_time_trained", "grassroots", "grassroots_trained")


# --- reading ------------------------------------------------------------------------------


def kept(day: dt.date) -> bool:
    """Whether figures of `day` are stored: today's, and the last day of a past year (what
    the statistics page and the API ask of a past year); any other day is counted live."""
    return day == today() or (day < today() and (day.month, day.day) == (12, 31))


def shares(*, unit: Unit, day: dt.date) -> dict[str, Share]:
    """`basic_training` of the unit on `day`: from the day's stored figures when they are
    kept and current (`usable`), else counted live."""
    store = usable(day) if kept(day) else None
    if store is None:
        return basic_training(unit=unit, day=day)
    row = BasicTrainingFigure.objects.filter(store=store, unit=unit).values(*COUNTS).first()
    row = row or dict.fromkeys(COUNTS, 0)
    return basic_shares(
        full_of=row["full_time"],
        full_trained=row["full_time_trained"],
        grassroots_of=row["grassroots"],
        grassroots_trained=row["grassroots_trained"],
    )


def usable(day: dt.date) -> BasicTrainingStore | None:
    """The current stored figures of `day`, if any. Missing or marked changed: asked of the
    worker, and None meanwhile (counted live). Never computed in the request, whatever the
    tree's size: the live count answers a small tree in well under the time a computation
    of every unit takes, so a request after a change is not the one that pays for it."""
    store = (
        BasicTrainingStore.objects.filter(status=Status.DONE, as_of=day, changed_at__isnull=True)
        .order_by("-finished_at")
        .first()
    )
    if store is None:
        _queue(day)
    return store


# --- computing ----------------------------------------------------------------------------


def build(day: dt.date, store: BasicTrainingStore | None = None) -> BasicTrainingStore:
    """Compute and keep the figures of every unit as of `day` (into `store`, queued for the
    worker, or a new one); older stores are dropped."""
    if store is None:
        store = BasicTrainingStore.objects.create(as_of=day)
    try:
        rows = compute(day)
        BasicTrainingFigure.objects.bulk_create(
            (BasicTrainingFigure(store=store, unit_id=u, **counts) for u, counts in rows.items()),
            batch_size=2000,
        )
    except Exception as error:
        BasicTrainingStore.objects.filter(pk=store.pk).update(
            status=Status.FAILED, message=str(error)[:500]
        )
        raise
    with transaction.atomic():
        store.status, store.finished_at = Status.DONE, timezone.now()
        store.save(update_fields=["status", "finished_at"])
        # Older figures of the same day go, and those of a day no longer kept (yesterday's).
        older = BasicTrainingStore.objects.filter(started_at__lt=store.started_at)
        gone = [
            s.pk
            for s in older.exclude(status=Status.RUNNING)
            if s.as_of == day or not kept(s.as_of)
        ]
        BasicTrainingStore.objects.filter(pk__in=gone).delete()
    return store


def compute(day: dt.date) -> dict[int, dict[str, int]]:
    """unit id -> its subtree's counts on `day` (units with no such cadre left out): the
    cadres of `basic_cadres` grouped by the path their post's unit had that day, cut to each
    depth of the tree (a path shorter than the cut is a post above that depth)."""
    by_path = dict(UnitVersion.objects.on(day).values_list("path", "unit_id"))
    posts = Position.objects.active_on(day).filter(placed_under("", day))
    q = connection.ops.quote_name
    full, grassroots, trained = q("full"), q("grassroots"), q("trained")
    out: dict[int, dict[str, int]] = {}
    for width in sorted({len(path) for path in by_path}):
        cadres = basic_cadres(posts, day, place=Substr("unit__versions__path", 1, width))
        sql, params = cadres.query.sql_with_params()
        # The cadres are one row a person and place; counted per place here, in the database.
        grouped = (
            f"SELECT {q('place')},"
            f" SUM(CASE WHEN {full} = 1 THEN 1 ELSE 0 END),"
            f" SUM(CASE WHEN {full} = 1 AND {trained} THEN 1 ELSE 0 END),"
            f" SUM(CASE WHEN {grassroots} = 1 THEN 1 ELSE 0 END),"
            f" SUM(CASE WHEN {grassroots} = 1 AND {trained} THEN 1 ELSE 0 END)"
            f" FROM ({sql}) cadres GROUP BY {q('place')}"
        )
        with connection.cursor() as cursor:
            cursor.execute(grouped, params)
            for place, *counts in cursor.fetchall():
                if len(place) == width and place in by_path:
                    out[by_path[place]] = dict(zip(COUNTS, map(int, counts), strict=True))
    return out


@task()
def build_basic_training(day: str, store_id: int | None = None) -> None:
    """The worker's side of `_queue`."""
    store = BasicTrainingStore.objects.filter(pk=store_id).first() if store_id else None
    build(dt.date.fromisoformat(day), store)


def _queue(day: dt.date) -> None:
    """Ask the worker for the day's figures, unless they are asked for already (a store being
    computed, younger than a computation may take)."""
    with transaction.atomic():
        if BasicTrainingStore.computing(as_of=day).exists():
            return
        store = BasicTrainingStore.objects.create(as_of=day)
    build_basic_training.enqueue(day.isoformat(), store.pk)


# --- kept current -------------------------------------------------------------------------


def changed(day: dt.date | None = None) -> None:
    """A training record completed on `day` changed, or a post or a unit (`day` None): mark
    the stored figures it may move — a record, those as of that day or later — once the
    transaction commits (they are counted live until computed again)."""

    def mark() -> None:
        stores = BasicTrainingStore.objects.filter(status=Status.DONE, changed_at__isnull=True)
        if day is not None:
            stores = stores.filter(as_of__gte=day)
        stores.update(changed_at=timezone.now())

    once_after_commit(("training.basic_store", day), mark)


def connect() -> None:
    """Wire the changes that move the figures (from the app's `ready()`)."""
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from training.models import TrainingRecord

    def record_changed(sender, instance, **kwargs) -> None:
        changed(instance.completed_on)

    def topics_changed(sender, instance, action: str, **kwargs) -> None:
        if action.startswith("post_"):
            changed(instance.completed_on if isinstance(instance, TrainingRecord) else None)

    uid = "training.basic_store"
    follow(
        ("people.Position", "units.Unit", "units.UnitVersion", "training.Topic"),
        changed,
        BasicTrainingStore,
    )
    # One record moves the figures as of its day and later (its receiver below; in bulk, as
    # of the records' days).
    follow(("training.TrainingRecord",), changed, BasicTrainingStore, signals=False, dated=True)
    for signal in (post_save, post_delete):
        signal.connect(record_changed, sender=TrainingRecord, weak=False, dispatch_uid=uid)
    m2m_changed.connect(
        topics_changed, sender=TrainingRecord.topics.through, weak=False, dispatch_uid=uid
    )
