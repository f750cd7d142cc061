"""Positions follow the units they are held in when a unit ends."""

import datetime as dt

from django.dispatch import receiver

import audit.bulk
from people.models import EndReason, Position, StartReason
from units.models import Term, Unit
from units.signals import unit_ended


@receiver(unit_ended, sender=Unit)
def end_positions_of_ended_unit(sender, unit: Unit, effective_on: dt.date, successor, **kwargs):
    last_day = effective_on - dt.timedelta(days=1)
    open_positions = Position.objects.filter(unit=unit).active_on(effective_on)
    if successor is not None:
        # In a merge the cadres carry on in the merged unit from the day it takes effect,
        # in its term running that day, else in the term they were elected for (a merger
        # does not by itself start a new mandate, nor reset the training due in the term).
        running = Term.objects.filter(
            unit=successor, start_date__lte=effective_on, end_date__gte=effective_on
        ).first()
        # Bulk writes send no signals: audit.bulk logs them (person and role read along,
        # for the entries' names and units).
        audit.bulk.bulk_create(
            Position,
            [
                Position(
                    person=p.person,
                    unit=successor,
                    role=p.role,
                    full_time=p.full_time,
                    start_date=effective_on,
                    term_id=running.pk if running else p.term_id,
                    first_time_on_committee=False,
                    start_reason=StartReason.REORGANISED,
                )
                for p in open_positions.filter(start_date__lt=effective_on)
                .select_related("person", "role")
                .order_by("id")
            ],
        )
    # Positions that would only start on or after the end day cannot exist any more.
    open_positions.filter(start_date__gte=effective_on).delete()
    audit.bulk.update(
        open_positions,
        select_related=("person", "role", "unit"),
        end_date=last_day,
        end_reason=EndReason.REORGANISED,
    )
