"""Stored retention figures: the default question of every unit, computed in full and kept.

Issue 22: "Answers that truly need more (a national retention cohort over ten years) are
precomputed like the targets' snapshots and kept current". The default question — trained in
the 3 years up to a day, as of that day, unnarrowed — is what the retention page and API ask
first, at every level; a national officer's took seconds. `build` answers it for every unit at
once: the same counting as cadrework.retention (its `_counted` over the whole tree), grouped by
each depth of the units' paths, so each unit's subtree is one group — a few grouped queries
whatever the number of units. Each unit keeps its total, its own posts (`direct`), its groups
by programme, topic and organiser, and its trend per year: the whole page.

Kept current: the daily job computes the day's figures (from 02:00, schedule); a training
record or a post changed afterwards marks the store changed (`changed_at`, after the commit);
on a small tree the next page computes it again at once, on a big one the worker does while the
page shows the stored figures and says of which day and time they are. Imports that write in
bulk send no signals: the page says the day its figures are as of ("Số liệu tính đến …").
Any other question (another period or day, a narrowing) is counted live by cadrework.retention.
"""

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import ExtractYear, Substr
from django.utils import timezone
from django_tasks import task

from cadrework import retention
from cadrework.models import RetentionFigure, RetentionStore
from lib.commit import once_after_commit
from lib.dates import today
from lib.stores import follow
from units.models import Unit
from units.selectors import small_tree

Kind = RetentionFigure.Kind
COUNTS = (
    "trained",
    *(f"{name}_{n}" for n in retention.WINDOWS for name in ("known", "left", "moved")),
)
GROUP_KINDS = {"programme": Kind.PROGRAMME, "topic": Kind.TOPIC, "organiser": Kind.ORGANISER}


def default_cohort(unit: Unit, day: dt.date) -> retention.Cohort:
    start, end = retention.default_period(day)
    return retention.Cohort(unit=unit, start=start, end=end, as_of=day)


def is_default(c: retention.Cohort) -> bool:
    """The question a store answers (for its day): the default period, unnarrowed."""
    return (
        (c.start, c.end) == retention.default_period(c.as_of)
        and c.programme is None
        and c.topic is None
        and c.organiser is None
    )


# --- computing ----------------------------------------------------------------------------


def build(day: dt.date, store: RetentionStore | None = None) -> RetentionStore:
    """Compute and keep the figures of every unit as of `day` (into `store`, queued for the
    worker, or a new one); older stores are dropped."""
    if store is None:
        store = RetentionStore.objects.create(as_of=day)
    try:
        rows = compute(day)
        RetentionFigure.objects.bulk_create(
            (
                RetentionFigure(store=store, unit_id=unit_id, kind=kind, key=key, **counts)
                for (unit_id, kind, key), counts in rows.items()
            ),
            batch_size=2000,
        )
    except Exception as error:
        RetentionStore.objects.filter(pk=store.pk).update(
            status=RetentionStore.Status.FAILED, message=str(error)[:500]
        )
        raise
    with transaction.atomic():
        store.status, store.finished_at = RetentionStore.Status.DONE, timezone.now()
        store.save(update_fields=["status", "finished_at"])
        RetentionStore.objects.filter(started_at__lt=store.started_at).delete()
    return store


def compute(day: dt.date) -> dict[tuple[int, str, int], dict[str, int]]:
    """(unit id, kind, key) -> counts, for every unit: one grouped query per depth of the
    tree and kind of figure (total, programme, topic, organiser, year), one for the units'
    own posts."""
    by_path = dict(Unit.objects.values_list("path", "pk"))
    longest = max((len(p) for p in by_path), default=0)
    out: dict = {}
    for root in Unit.objects.filter(parent__isnull=True).order_by("path"):
        c = default_cohort(root, day)
        widths = range(len(root.path), longest + 1, retention.PATH_WIDTH)
        rows, aggregates, post = retention._counted(c)
        place = f"{post}unit__path"
        for width in widths:
            _collect(out, by_path, rows, aggregates, Substr(place, 1, width), width, Kind.TOTAL)
        _collect(out, by_path, rows, aggregates, F(place), None, Kind.DIRECT)
        for by, kind in GROUP_KINDS.items():
            rows, aggregates, post = retention._counted(c, by)
            key = F(by if by == "topic" else f"{by}_id")
            for width in widths:
                at = Substr(f"{post}unit__path", 1, width)
                _collect(out, by_path, rows, aggregates, at, width, kind, key)
        rows, aggregates, post = retention._counted(retention.trend_cohort(c), "year")
        year = ExtractYear("completed_on")
        for width in widths:
            at = Substr(f"{post}unit__path", 1, width)
            _collect(out, by_path, rows, aggregates, at, width, Kind.YEAR, year)
    return out


def _collect(out, by_path, rows, aggregates, place, width, kind, key=None) -> None:
    """Group the counted rows by a place (a unit's path cut to `width`, None: whole) and a
    key; a place shorter than `width` is a post above that depth, not a subtree there."""
    grouped = (
        rows.order_by()
        .annotate(_place=place, _key=key if key is not None else Value(0))
        .values("_place", "_key")
        .annotate(**aggregates)
    )
    for row in grouped:
        path = row["_place"]
        if width is not None and len(path) != width or path not in by_path:
            continue
        out[(by_path[path], kind, row["_key"] or 0)] = {n: row[n] or 0 for n in COUNTS}


# --- reading ------------------------------------------------------------------------------


def usable(day: dt.date) -> RetentionStore | None:
    """The store a page of `day` reads: the latest complete one of that day or the day before
    (today's is computed from 02:00). A store marked changed is computed again first on a
    small tree; on a big one the worker does, and the page reads it meanwhile."""
    store = (
        RetentionStore.objects.filter(
            status=RetentionStore.Status.DONE, as_of__in=[day, day - dt.timedelta(days=1)]
        )
        .order_by("-as_of", "-finished_at")
        .first()
    )
    if store is not None and store.changed_at is None and store.as_of == day:
        return store
    if small_tree():
        return build(day)
    _queue(day)
    return store


def answer(c: retention.Cohort, day_asked: bool) -> tuple[retention.Cohort, RetentionStore | None]:
    """The cohort a page shows and the store that answers it, if one does: the default
    question of today (`day_asked`: the user named a period or a day), or — today's not
    computed yet — of the store's day, which the page then names."""
    if c.direct or not is_default(c) or c.as_of != today():
        return c, None
    store = usable(c.as_of)
    if store is None or (store.as_of != c.as_of and day_asked):
        return c, None
    if store.as_of != c.as_of:
        c = default_cohort(c.unit, store.as_of)
    return c, store


def counted(c: retention.Cohort) -> retention.Figures | None:
    """The totals of a cohort from a current store (`lookup`), else None."""
    if c.as_of != today() and c.as_of != today() - dt.timedelta(days=1):
        return None
    store = usable(today())
    if store is None or store.changed_at is not None:
        return None
    return lookup(store, c)


def listed(c: retention.Cohort, months: int | None = None, moved: bool = False) -> int | None:
    """How many people the list behind a figure holds (`retention.people`), from a current
    store (`counted`), else None (counted with the list)."""
    figures = counted(c)
    return None if figures is None else listed_in(figures, months, moved)


def listed_in(figures: retention.Figures, months: int | None, moved: bool) -> int:
    """How many people the list behind one of these figures holds."""
    if months is None:
        return figures.trained
    window = figures.window(months)
    return window.moved if moved else window.left


@task()
def build_retention(day: str, store_id: int | None = None) -> None:
    """The worker's side of `_queue` (kept here, beside `build`, so that queueing and building
    are one module: a tasks module that imported this one back made a loop)."""
    store = RetentionStore.objects.filter(pk=store_id).first() if store_id else None
    build(dt.date.fromisoformat(day), store)


def _queue(day: dt.date) -> None:
    """Ask the worker for the day's figures, unless they are asked for already (a store being
    computed, younger than a computation may take)."""
    with transaction.atomic():
        if RetentionStore.computing(as_of=day).exists():
            return
        store = RetentionStore.objects.create(as_of=day)
    build_retention.enqueue(day.isoformat(), store.pk)


def _figures(rows) -> retention.Figures:
    return retention.Figures.from_row(rows)


def read(store: RetentionStore, c: retention.Cohort, by: str) -> dict[str, Any]:
    """The page's figures of the cohort (`is_default`, of the store's day) from the store,
    as cadrework.retention computes them: totals, groups, units below, trend. One query,
    and the labels' and the units' below."""
    # The units by id, so that the store's key serves the query (an OR over a join would
    # read the whole store).
    below = dict(Unit.objects.filter(parent=c.unit).values_list("pk", "path"))
    rows = RetentionFigure.objects.filter(
        store=store,
        unit_id__in=[c.unit.pk, *below],
        kind__in=[Kind.TOTAL, Kind.DIRECT, GROUP_KINDS[by], Kind.YEAR],
    )
    totals, groups, units, years = None, {}, {}, {}
    for row in rows.values("unit_id", "kind", "key", *COUNTS):
        f = _figures(row)
        if row["unit_id"] != c.unit.pk:
            if row["kind"] == Kind.TOTAL:
                units[below[row["unit_id"]]] = f
        elif row["kind"] == Kind.TOTAL:
            totals = f
        elif row["kind"] == Kind.DIRECT:
            units[c.unit.path] = f
        elif row["kind"] == Kind.YEAR:
            years[row["key"]] = f
        else:
            groups[row["key"] or None] = f
    return {
        "totals": totals or _figures(None),
        "groups": retention.group_rows(by, groups),
        "units": retention.unit_rows(c, units),
        "trend": retention.trend_rows(c, years),
    }


def lookup(store: RetentionStore, c: retention.Cohort) -> retention.Figures | None:
    """The totals of a cohort the store holds — the default one of its day, its own posts
    (`direct`), narrowed to one programme, topic or organiser, or one year of its trend —
    else None (counted live)."""
    if c.as_of != store.as_of:
        return None
    narrowing = [(by, getattr(c, by)) for by in GROUP_KINDS if getattr(c, by) is not None]
    default = (c.start, c.end) == retention.default_period(c.as_of)
    year = c.start.year
    if c.direct:
        if not default or narrowing:
            return None
        kind, key = Kind.DIRECT, 0
    elif default and not narrowing:
        kind, key = Kind.TOTAL, 0
    elif default and len(narrowing) == 1:
        by, value = narrowing[0]
        kind, key = GROUP_KINDS[by], 0 if isinstance(value, str) else value.pk
    elif (
        not narrowing
        and (c.start, c.end) == (dt.date(year, 1, 1), dt.date(year, 12, 31))
        and year in retention.trend_years(c)
    ):
        kind, key = Kind.YEAR, year
    else:
        return None
    row = (
        RetentionFigure.objects.filter(store=store, unit=c.unit, kind=kind, key=key)
        .values(*COUNTS)
        .first()
    )
    return _figures(row)


# --- kept current -------------------------------------------------------------------------


def changed(day: dt.date | None = None) -> None:
    """A record completed on `day` changed, or a post (`day` None): mark the stores whose
    figures it may move — a record, those as of that day or later within their trend's
    years — once the transaction commits."""

    def mark() -> None:
        stores = RetentionStore.objects.filter(
            status=RetentionStore.Status.DONE, changed_at__isnull=True
        )
        if day is not None:
            stores = stores.filter(
                as_of__gte=day, as_of__year__lte=day.year + retention.TREND_YEARS - 1
            )
        stores.update(changed_at=timezone.now())

    once_after_commit(("cadrework.retention_store", day), mark)


def connect() -> None:
    """Wire the changes that move the figures (from the app's `ready()`)."""
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from training.models import TrainingRecord

    def record_changed(sender, instance, **kwargs) -> None:
        changed(instance.completed_on)

    def topics_changed(sender, instance, action: str, **kwargs) -> None:
        if action.startswith("post_") and isinstance(instance, TrainingRecord):
            changed(instance.completed_on)

    def unit_changed(sender, instance, created: bool, **kwargs) -> None:
        if not created:  # moved: its path and its subtree's
            changed()

    uid = "cadrework.retention_store"
    follow(("people.Position",), changed, RetentionStore)
    # One record moves the figures of its day's years (its receiver below; in bulk, those of
    # the records' days), one unit those of a move, a new unit none (below; in bulk, all).
    follow(("training.TrainingRecord",), changed, RetentionStore, signals=False, dated=True)
    follow(("units.Unit",), changed, RetentionStore, signals=False)
    for signal in (post_save, post_delete):
        signal.connect(record_changed, sender=TrainingRecord, weak=False, dispatch_uid=uid)
    m2m_changed.connect(
        topics_changed, sender=TrainingRecord.topics.through, weak=False, dispatch_uid=uid
    )
    post_save.connect(unit_changed, sender=Unit, weak=False, dispatch_uid=uid)
