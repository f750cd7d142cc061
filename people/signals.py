"""Positions follow the units they are held in when a unit ends."""

import datetime as dt

from django.dispatch import receiver

import audit.bulk
from lib.periods import day_before, ended_before, started_before, started_on_or_after
from people.models import EndReason, Position, StartReason
from units.models import Term, Unit
from units.signals import unit_ended


@receiver(unit_ended, sender=Unit)
def end_positions_of_ended_unit(sender, unit: Unit, effective_on: dt.date, successor, **kwargs):
    last_day = day_before(effective_on)
    open_positions = Position.objects.filter(unit=unit).active_on(effective_on)
    if successor is not None:
        # In a merge the cadres carry on in the merged unit from the day it takes effect, in
        # the term they were elected for — a merger does not by itself start a new mandate,
        # nor reset the training due in the term (only a congress, a new term of the unit,
        # does): a merged unit whose term starts that day does not restart their windows.
        # A post with no term takes the merged unit's term running that day.
        running = Term.objects.in_force_on(effective_on).filter(unit=successor).first()
        passing = (
            open_positions.filter(started_before(effective_on))
            .select_related("person", "role")
            .order_by("role__rank", "start_date", "id")
        )
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
                    term_id=p.term_id or (running.pk if running else None),
                    first_time_on_committee=False,
                    start_reason=StartReason.REORGANISED,
                )
                for p in _carried_over(list(passing), successor, effective_on)
            ],
        )
    # Positions that would only start on or after the end day cannot exist any more.
    open_positions.filter(started_on_or_after(effective_on)).delete()
    audit.bulk.update(
        open_positions,
        select_related=("person", "role", "unit"),
        end_date=last_day,
        end_reason=EndReason.REORGANISED,
    )


def _carried_over(passing: list[Position], successor: Unit, day: dt.date) -> list[Position]:
    """The positions that pass to the merged unit, within the rules of a post
    (people.services.check_post_free): a merger is never refused for them, and never leaves a
    unit with two chairs.

    When two merged unions each had a chair (or the unit they join has one), the merged union
    has one chair, and the officers decide the others' new posts: the chair the unit already
    has keeps the post; else the chair of the first union merged (the order the officer listed
    them, `unit_merge`) carries it. Every post that does not pass ends the day before the
    merger with the reason "reorganisation", as all posts of a union that ends, and shows so on
    its holder's page; the officer then records the post they take (in the demo, vice-chair).
    The same holds for any post with a limit (`Role.max_holders`), and a person who already
    holds the same post in the merged unit keeps that one."""
    # The successor's row is locked as a post's write locks it: a chair appointed there at the
    # same moment waits for the merger and then sees the chair it carried over.
    list(Unit.objects.select_for_update().filter(pk=successor.pk).values_list("pk", flat=True))
    held = list(
        Position.objects.filter(unit=successor, role__in={p.role_id for p in passing})
        .exclude(ended_before(day))  # held on the day or from a later day
        .values_list("person_id", "role_id")
    )
    carried = []
    for p in passing:
        count = sum(1 for _person, role in held if role == p.role_id)
        if (p.person_id, p.role_id) in held:
            continue
        if p.role.max_holders is not None and count >= p.role.max_holders:
            continue
        held.append((p.person_id, p.role_id))
        carried.append(p)
    return carried
