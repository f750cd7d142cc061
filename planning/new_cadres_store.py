"""Stored new cadres not yet trained in basic union work: every unit's, as of a day, kept current.

Issue 22: the page "Cán bộ mới chưa được đào tạo" and its API judged every post of the subtree
taken since the congress (about a million at national level) and listed every new cadre's post
to page them, seconds a request. `build` answers the default question — posts taken since the
unit's congress, held today — for every unit with units below it at once, with the same rule
(planning.selectors.new_cadre_posts, which the live figure asks too): the posts grouped by the
place of their unit cut to each depth of the tree (as it stood that day), so each unit's
subtree is one group. Each unit keeps its counts per row and category, and its list in order
(each entry's `rank`), so that a page of fifty reads fifty entries. A grassroots union (no
units below) is counted live: a few posts.

Kept current as the retention store is (cadrework.retention_store): the daily job computes the
day's figures (schedule, planning.apps); a training record, a post, a person (the list's order
is by name), a role, a unit, a placement or a term (the congress) changed afterwards marks them
changed (after the commit). Figures marked changed, or not computed yet, are never shown: the
page counts live meanwhile, and the worker computes them again. Another day or another `since`
is always counted live. Imports that write in bulk send no signals: they mark the figures
themselves (imports.outcome).
"""

import datetime as dt
from collections import defaultdict

from django.db import connection, transaction
from django.db.models import F
from django.db.models.functions import Substr
from django.utils import timezone
from django_tasks import task

from lib.commit import once_after_commit
from lib.dates import today
from lib.stores import follow
from lib.tree import PATH_WIDTH
from people.models import Position
from planning import selectors
from planning.models import NewCadreCount, NewCadreEntry, NewCadreStore
from units.models import UnitVersion
from units.places import placed_under

Status = NewCadreStore.Status
# The list's order (the live list's own, selectors.NEW_CADRE_ORDER), each field by an alias.
ORDER = {field: f"order_{n}" for n, field in enumerate(selectors.NEW_CADRE_ORDER)}


# --- reading ------------------------------------------------------------------------------


def found(node: UnitVersion, since: dt.date, day: dt.date) -> dict:
    """`selectors.new_cadres_untrained` of the node: from the day's stored figures when they
    answer it (today, posts since the unit's congress, a unit with units below it) and are
    current (`usable`), else counted live."""
    store = None
    if (
        day == today()
        and since == selectors.congress_day(node, day)
        and _has_units_below(node, day)
    ):
        store = usable(day)
    if store is None:
        return selectors.new_cadres_untrained(node, since, day)
    counts = NewCadreCount.objects.filter(store=store, path=node.path)
    counted = [
        ("own" if row == node.path else row, category, n)
        for row, category, n in counts.values_list("row", "category", "n")
    ]
    total = sum(n for _row, _category, n in counted)
    return selectors.new_cadres_found(
        node, since, day, counted, StoredNewCadres(store, node, total)
    )


class StoredNewCadres:
    """The people of a stored list (`selectors.NewCadres` read from the store's entries):
    a page reads its entries by rank, then their names and posts."""

    def __init__(self, store: NewCadreStore, node: UnitVersion, total: int):
        self.store, self.path, self.total = store, node.path, total

    def __len__(self) -> int:
        return self.total

    def count(self) -> int:
        return self.total

    def __getitem__(self, index: slice) -> list[selectors.NewCadre]:
        if not isinstance(index, slice) or index.step is not None:
            raise TypeError("StoredNewCadres is read by slices")
        start, stop, _step = index.indices(self.total)
        return selectors.new_cadres_of(self._posts(start, stop))

    def iter_all(self, chunk: int = 2000):
        for at in range(0, self.total, chunk):
            yield from selectors.new_cadres_of(self._posts(at, at + chunk))

    def _posts(self, start: int, stop: int) -> list[int]:
        if start >= stop:
            return []
        entries = NewCadreEntry.objects.filter(
            store=self.store, path=self.path, rank__gte=start, rank__lt=stop
        )
        return list(entries.order_by("rank").values_list("position_id", flat=True))


def usable(day: dt.date) -> NewCadreStore | None:
    """The current stored figures of `day`, if any. Missing or marked changed: asked of the
    worker, and None meanwhile (counted live). Never computed in the request, whatever the
    tree's size: the live count answers a small tree in well under the time a computation
    of every unit takes, so a request after a change is not the one that pays for it."""
    store = (
        NewCadreStore.objects.filter(status=Status.DONE, as_of=day, changed_at__isnull=True)
        .order_by("-finished_at")
        .first()
    )
    if store is None:
        _queue(day)
    return store


def _has_units_below(node: UnitVersion, day: dt.date) -> bool:
    return UnitVersion.objects.on(day).filter(parent_id=node.unit_id).exists()


# --- computing ----------------------------------------------------------------------------


def build(day: dt.date, store: NewCadreStore | None = None) -> NewCadreStore:
    """Compute and keep the new cadres of every unit with units below it as of `day` (into
    `store`, queued for the worker, or a new one); older stores are dropped."""
    if store is None:
        store = NewCadreStore.objects.create(as_of=day)
    try:
        with transaction.atomic():
            compute(store)
    except Exception as error:
        NewCadreStore.objects.filter(pk=store.pk).update(
            status=Status.FAILED, message=str(error)[:500]
        )
        raise
    with transaction.atomic():
        store.status, store.finished_at = Status.DONE, timezone.now()
        store.save(update_fields=["status", "finished_at"])
        NewCadreStore.objects.filter(started_at__lt=store.started_at).exclude(
            status=Status.RUNNING
        ).delete()
    return store


def compute(store: NewCadreStore) -> None:
    """Write the store's entries and counts: for each depth of the tree and each congress
    day of the units at that depth, one statement ranks each unit's new cadres (the rule's
    posts grouped by the path of their unit cut to that depth), and one counts them."""
    day = store.as_of
    parents = UnitVersion.objects.on(day).values("parent_id")
    groups: dict[tuple[int, dt.date], list[str]] = defaultdict(list)
    for node in UnitVersion.objects.on(day).filter(unit_id__in=parents):
        groups[(len(node.path), selectors.congress_day(node, day))].append(node.path)
    held = Position.objects.active_on(day).filter(placed_under("", day))
    for (width, since), paths in sorted(groups.items()):
        posts = (
            held.annotate(place=Substr("unit__versions__path", 1, width))
            .filter(place__in=paths)
            .annotate(row=Substr("unit__versions__path", 1, width + PATH_WIDTH))
        )
        # The category is read through its alias: a field named twice is selected once.
        chosen = selectors.new_cadre_posts(posts, since, day, "place").values(
            "place", "row", "pk", **{a: F(f) for f, a in ORDER.items()}
        )
        _rank(store, chosen)
    _count(store)


def _rank(store: NewCadreStore, chosen) -> None:
    """Insert the chosen posts, each unit's ranked in the list's order (`ORDER`), in the
    database."""
    q = connection.ops.quote_name
    order = ", ".join(q(alias) for alias in ORDER.values())
    sql, params = chosen.query.sql_with_params()
    table = q(NewCadreEntry._meta.db_table)
    columns = ", ".join(
        q(c) for c in ("store_id", "path", "row", "rank", "position_id", "category")
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({columns})"
            f" SELECT %s, {q('place')}, {q('row')},"
            f" ROW_NUMBER() OVER (PARTITION BY {q('place')} ORDER BY {order}) - 1,"
            f" {q('pk')}, {q(ORDER['category'])} FROM ({sql}) chosen",
            (store.pk, *params),
        )


def _count(store: NewCadreStore) -> None:
    """Each unit's counts per row and category, from its stored entries."""
    q = connection.ops.quote_name
    entries, counts = (q(m._meta.db_table) for m in (NewCadreEntry, NewCadreCount))
    keys = ", ".join(q(c) for c in ("store_id", "path", "row", "category"))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {counts} ({keys}, {q('n')}) SELECT {keys}, COUNT(*) FROM {entries}"
            f" WHERE {q('store_id')} = %s GROUP BY {keys}",
            (store.pk,),
        )


@task()
def build_new_cadres(day: str, store_id: int | None = None) -> None:
    """The worker's side of `_queue`."""
    store = NewCadreStore.objects.filter(pk=store_id).first() if store_id else None
    build(dt.date.fromisoformat(day), store)


def _queue(day: dt.date) -> None:
    """Ask the worker for the day's figures, unless they are asked for already (a store being
    computed, younger than a computation may take)."""
    with transaction.atomic():
        if NewCadreStore.computing(as_of=day).exists():
            return
        store = NewCadreStore.objects.create(as_of=day)
    build_new_cadres.enqueue(day.isoformat(), store.pk)


# --- kept current -------------------------------------------------------------------------


def changed() -> None:
    """Something the figures depend on changed: mark the stored figures, once the
    transaction commits (they are counted live until computed again)."""

    def mark() -> None:
        NewCadreStore.objects.filter(status=Status.DONE, changed_at__isnull=True).update(
            changed_at=timezone.now()
        )

    once_after_commit("planning.new_cadres_store", mark)


def connect() -> None:
    """Wire the changes that move the figures (from the app's `ready()`)."""
    from django.db.models.signals import m2m_changed

    from training.models import TrainingRecord

    def topics_changed(sender, action: str, **kwargs) -> None:
        if action.startswith("post_"):
            changed()

    uid = "planning.new_cadres_store"
    senders = ("training.TrainingRecord", "training.Topic", "people.Position", "people.Person")
    follow(
        senders + ("people.Role", "units.Unit", "units.UnitVersion", "units.Term"),
        changed,
        NewCadreStore,
    )
    m2m_changed.connect(
        topics_changed, sender=TrainingRecord.topics.through, weak=False, dispatch_uid=uid
    )
