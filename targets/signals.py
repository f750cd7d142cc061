"""Keep the stored figures current: every change that can move a target marks what it touches,
and once the transaction commits today's snapshot is updated and older ones it affects dropped.
"""

import datetime as dt
import threading

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver

from people.models import Person, Position, Role
from standards.models import TitleStandard
from targets.models import Revision, SourceDocument, Target
from training.models import Programme, Topic, TrainingRecord
from units.models import Term, Unit, UnitFigures, UnitKind, UnitLevel, UnitVersion

_pending = threading.local()


def _mark(
    unit_ids=(), person_id: int | None = None, since: dt.date | None = None, structure: bool = False
) -> None:
    """Collect the touched units and dates; the first commit that follows refreshes them
    all (at once outside a transaction). Marks of a rolled-back transaction only cause a
    refresh that was not needed."""
    state = getattr(_pending, "state", None)
    if state is None:
        state = _pending.state = {"units": set(), "people": set(), "since": [], "structure": False}
    state["units"].update(u for u in unit_ids if u)
    if person_id:
        state["people"].add(person_id)
    state["since"].append(since)
    state["structure"] |= structure
    transaction.on_commit(_flush)  # the first to run takes the state; the others find none


def _flush() -> None:
    from targets import snapshots

    state = _pending.__dict__.pop("state", None)
    if state is None or not state["since"]:
        return
    dates = state["since"]
    since = None if None in dates else min(dates)
    if state["structure"]:
        snapshots.invalidate(since, keep_today=False)
        return
    snapshots.invalidate(since)
    units = set(state["units"])
    if state["people"]:
        units.update(
            Position.objects.filter(person_id__in=state["people"]).values_list("unit_id", flat=True)
        )
    snapshots.refresh_units(units)


@receiver([post_save, post_delete], sender=TrainingRecord)
def record_changed(sender, instance: TrainingRecord, **kwargs) -> None:
    _mark(person_id=instance.person_id, since=instance.completed_on)


@receiver(m2m_changed, sender=TrainingRecord.topics.through)
def record_topics_changed(sender, instance, action: str, **kwargs) -> None:
    if action.startswith("post_") and isinstance(instance, TrainingRecord):
        _mark(person_id=instance.person_id, since=instance.completed_on)


@receiver(pre_save, sender=Position)
def position_moving(sender, instance: Position, **kwargs) -> None:
    """A post moved to another unit or re-dated: the unit it leaves and the days between the
    old and new start change too (after the save, only the new ones are known)."""
    old = (
        Position.objects.filter(pk=instance.pk).values("unit_id", "start_date").first()
        if instance.pk
        else None
    )
    if old and (old["unit_id"], old["start_date"]) != (instance.unit_id, instance.start_date):
        _mark([old["unit_id"]], since=min(old["start_date"], instance.start_date))


@receiver(pre_save, sender=TrainingRecord)
def record_redated(sender, instance: TrainingRecord, **kwargs) -> None:
    old = (
        TrainingRecord.objects.filter(pk=instance.pk).values_list("completed_on", flat=True).first()
        if instance.pk
        else None
    )
    if old and old != instance.completed_on:
        _mark(person_id=instance.person_id, since=min(old, instance.completed_on))


@receiver(pre_save, sender=Unit)
def sector_corrected(sender, instance: Unit, **kwargs) -> None:
    """A corrected sector moves the targets filtered by sector on every day (it is not dated),
    and the refresh of today's figures skips targets by the units' current sector: recompute."""
    old = (
        Unit.objects.filter(pk=instance.pk).values_list("sector", flat=True).first()
        if instance.pk
        else None
    )
    if old is not None and old != instance.sector:
        _mark(structure=True)


@receiver([post_save, post_delete], sender=Position)
def position_changed(sender, instance: Position, **kwargs) -> None:
    _mark([instance.unit_id], person_id=instance.person_id, since=instance.start_date)


@receiver(post_save, sender=Person)
def person_changed(sender, instance: Person, created: bool, **kwargs) -> None:
    if not created:  # qualifications are not dated: every past day may change
        _mark(person_id=instance.pk)


@receiver([post_save, post_delete], sender=UnitFigures)
def member_count_changed(sender, instance: UnitFigures, **kwargs) -> None:
    _mark([instance.unit_id], since=instance.effective_on)


@receiver([post_save, post_delete], sender=Term)
def term_changed(sender, instance: Term, **kwargs) -> None:
    _mark([instance.unit_id], since=instance.start_date)


@receiver([post_save, post_delete], sender=UnitVersion)
def structure_changed(sender, instance: UnitVersion, **kwargs) -> None:
    _mark(since=instance.valid_from, structure=True)


@receiver([post_save, post_delete], sender=Target)
def target_changed(sender, **kwargs) -> None:
    Revision.bump(Revision.DEFINITIONS)
    _mark(structure=True)


def _filters_changed(sender, action: str, **kwargs) -> None:
    if action.startswith("post_"):
        Revision.bump(Revision.DEFINITIONS)
        _mark(structure=True)


for _field in ("roles", "levels", "unit_kinds", "topics", "programmes"):
    m2m_changed.connect(_filters_changed, sender=getattr(Target, _field).through, weak=False)


@receiver([post_save, post_delete], sender=TitleStandard)
def standard_changed(sender, **kwargs) -> None:
    """A title standard issued, revised or withdrawn moves T-003-2 and the targets that read
    it on every day it covers: recompute (standards are read in SQL, nothing is kept)."""
    _mark(structure=True)


def _standard_topics_changed(sender, action: str, **kwargs) -> None:
    if action.startswith("post_"):
        _mark(structure=True)


m2m_changed.connect(_standard_topics_changed, sender=TitleStandard.topics.through, weak=False)


@receiver([post_save, post_delete], sender=SourceDocument)
@receiver([post_save, post_delete], sender=UnitLevel)
@receiver([post_save, post_delete], sender=UnitKind)
@receiver([post_save, post_delete], sender=Role)
@receiver([post_save, post_delete], sender=Topic)
@receiver([post_save, post_delete], sender=Programme)
def definitions_named_changed(sender, **kwargs) -> None:
    """The targets kept in memory carry these (their document, level responsible, filters):
    a change makes every process read them again."""
    Revision.bump(Revision.DEFINITIONS)
