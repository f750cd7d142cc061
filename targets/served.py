"""Whom a class would train again for nothing (issue 23 §2: "Warn when a nominee has already
met the target the class serves"): the targets the class's record would count for, among
those the nominee has already met on the class's first day — read from the person's
obligations (targets.engine.person_obligations), the statuses the profile and the needs list
show, never a second reading of the rule."""

from targets.engine import Obligation, Status, person_obligations, related_ids
from targets.models import Target, TargetKind


def serves(target: Target, training_class) -> bool:
    """Whether the record of a class like this one would count towards the target: a
    training target whose topics or programmes the class teaches, in enough hours (which
    unit organised it is not asked: T-003-4's chairs are warned about on their own)."""
    if target.kind != TargetKind.TRAINING or training_class.hours < target.min_hours:
        return False
    topics, programmes = related_ids(target.topics), related_ids(target.programmes)
    if not topics and not programmes:  # any training counts (e.g. 003's yearly refresher)
        return True
    taught = {t.pk for t in training_class.topics.all()}
    return bool(taught & set(topics)) or training_class.programme_id in programmes


def already_met(training_class, person) -> list[Obligation]:
    """The targets the class serves that the person has met already on its first day."""
    return [
        o
        for o in person_obligations(person, training_class.start_date)
        if o.status == Status.MET
        and serves(o.target, training_class)
        and _counted_from(o, training_class)
    ]


def _counted_from(obligation: Obligation, training_class) -> bool:
    """Where only the level responsible's classes count (T-003-4), another organiser's class
    would not count anyway: the chair-duty warning says that one."""
    if not obligation.target.organised_by_responsible:
        return True
    duty = getattr(obligation.position, "duty_unit_id", None)
    return duty is None or duty == training_class.organiser_id
