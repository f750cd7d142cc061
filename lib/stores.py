"""What every store of precomputed figures keeps about itself.

A national figure that is too much for a request (retention over ten years, "trained in basic
union work" for a million cadres, the new cadres, the evaluations, the unit tree's counts) is
computed in full by the daily job into a store, read while it is current, and counted live
meanwhile. Each store's model (cadrework.RetentionStore and EvaluationStore,
training.BasicTrainingStore, planning.NewCadreStore, units.CountStore) adds its own day or
flags to these; each says once which models' writes move it (`follow`), and rows written
in bulk, which send no signal, mark what their saves would (`written_in_bulk`)."""

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# A computation running longer than this has died with its process: asked for again.
STALE = dt.timedelta(minutes=30)


class StoredFigures(models.Model):
    """`status`: being computed, done, or failed (`message` says why); `changed_at`: something
    the figures depend on changed after (or while) they were computed — they are not read
    then, and are computed again."""

    class Status(models.TextChoices):
        # "Running" alone is a class's status ("Đang học"): a computation's is "Đang chạy".
        RUNNING = "running", pgettext_lazy("Task", "Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    changed_at = models.DateTimeField(null=True, blank=True)
    message = models.CharField(max_length=500, blank=True)

    class Meta:
        abstract = True

    @classmethod
    def computing(cls, **narrowing) -> models.QuerySet:
        """The stores being computed now (running, and younger than a computation may take):
        while one is, the figures are not asked of the worker again."""
        return cls.objects.filter(
            status=cls.Status.RUNNING, started_at__gte=timezone.now() - STALE, **narrowing
        )


# --- what marks them ----------------------------------------------------------------------

# model label ("people.Position") -> {store's label: (its mark, whether it takes a day)}. Written
# by `follow`, read by the saves' signals and by `written_in_bulk`: one list says which writes
# move which store.
_FOLLOWERS: dict[str, dict[str, tuple[Callable, bool]]] = defaultdict(dict)  # read with .get


def follow(labels: Iterable[str], changed: Callable, store, *, signals=True, dated=False):
    """A store's figures (`store`: its model) move when a row of one of the models `labels`
    ("app.Model") is saved or deleted: `changed()` marks them. Connected to the models'
    signals (unless the store's own receiver says more precisely what one save moves:
    `signals=False`) and called by `written_in_bulk` for the rows written without them — with
    the rows' days when the mark takes one (`dated`: `changed(day)` marks the figures as of
    that day and later)."""
    from django.db.models.signals import post_delete, post_save

    def moved(sender, **kwargs) -> None:
        changed()

    name = store._meta.label
    for label in labels:
        _FOLLOWERS[label][name] = (changed, dated)
        if signals:
            for signal in (post_save, post_delete):
                signal.connect(
                    moved, sender=label, weak=False, dispatch_uid=f"{name}.follows.{label}"
                )


def written_in_bulk(labels: Iterable[str], days: Iterable[dt.date] = ()) -> None:
    """Rows of the models `labels` were written in bulk (which sends no signal): mark every
    store a save of one of them would mark, once the transaction commits. `days`: the days
    the rows bear on (records: completed on), for the marks that take one — the earliest of
    each year stands for the others of its year; no day known, every figure."""
    earliest: dict[int, dt.date] = {}
    for day in days:
        if day.year not in earliest or day < earliest[day.year]:
            earliest[day.year] = day
    marks: dict[str, tuple[Callable, bool]] = {}
    for label in labels:
        for store, (mark, dated) in _FOLLOWERS.get(label, {}).items():
            # A store that also follows one of the other models undated is marked in full.
            marks[store] = (mark, dated and marks.get(store, (mark, True))[1])
    for mark, dated in marks.values():
        if dated and earliest:
            for day in earliest.values():
                mark(day)
        else:
            mark()


def followers(label: str) -> set[str]:
    """The stores (their models' labels) a write of the model `label` marks."""
    return set(_FOLLOWERS.get(label, ()))


def followers_table() -> str:
    """Which writes mark which store, as a Markdown table in the active language: one row a
    model, one column a store (docs/so-lieu-tinh-san.md holds it in Vietnamese, and a test
    keeps the two the same)."""
    from django.apps import apps

    names = sorted({store for marks in _FOLLOWERS.values() for store in marks})
    head = [str(_("Saved or deleted")), *(_title(apps.get_model(n)) for n in names)]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for label in sorted(_FOLLOWERS):  # by app, then model
        marks = _FOLLOWERS[label]
        cells = [_title(apps.get_model(label))]
        for name in names:
            mark = marks.get(name)
            cells.append("" if mark is None else str(_("by day")) if mark[1] else "✓")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def _title(model) -> str:
    text = str(model._meta.verbose_name_plural)
    return text[:1].upper() + text[1:]
