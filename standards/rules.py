"""What a title's standard asks and whether a person meets it — written once, read by the
targets engine (in SQL, for every post-holder at once), the succession pools and the checks
made when a post is filled (in SQL, for one standard), and the person's profile (in Python,
requirement by requirement: "thiếu gì so với tiêu chuẩn chức danh").

The reading: a standard is a state, not an event. Education and political theory are the
levels recorded on the person; each required topic is met by a valid training record in it,
whenever it was made (a civil-service rank course of 2015 still stands in 2026) up to the day
asked. A title (role × level) with no standard in force is not judged against one.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from lib.bulk import lookups_in
from lib.periods import in_force, valid_on
from people.models import EducationLevel, Person, PoliticalTheory
from standards.models import TitleStandard
from training.models import Topic, TrainingRecord
from units.models import UnitVersion
from units.places import node_on

RequiredTopic = TitleStandard.topics.through


def standards_shown_to(user, day: dt.date):
    """The standards in force on `day` that `user` reads: the published ones, for every cadre
    (001 §III: "công khai các tiêu chuẩn … của từng chức danh"); officers, who prepare them,
    also the ones not yet published."""
    standards = (
        TitleStandard.objects.in_force_on(day)
        .select_related("role", "level")
        .prefetch_related("topics")
    )
    return standards if user.can_browse else standards.filter(published=True)


def standard_for(role, unit, day: dt.date) -> TitleStandard | None:
    """The standard in force on `day` of the title `role` held in `unit` (its level that day)."""
    version = node_on(unit, day)
    if version is None:
        return None
    return standard_for_level(role, version.kind.level_id, day)


def standards_for_many(titles: list[tuple[int, int, dt.date]]) -> list[TitleStandard | None]:
    """`standard_for` of many titles at once — (role id, unit id, day) each, answered in their
    order: the units' placements and the roles' standards read in a few queries, the ones in
    force on each day picked by lib.periods' rule (an import checks a whole file's posts)."""
    if not titles:
        return []
    placements: dict[int, list[UnitVersion]] = {}
    for lookup in lookups_in("unit_id", sorted({unit for _r, unit, _d in titles})):
        for version in UnitVersion.objects.filter(**lookup).select_related("kind"):
            placements.setdefault(version.unit_id, []).append(version)
    issued: dict[tuple[int, int], list[TitleStandard]] = {}
    roles = sorted({role for role, _u, _d in titles})
    for standard in TitleStandard.objects.filter(role_id__in=roles).prefetch_related("topics"):
        issued.setdefault((standard.role_id, standard.level_id), []).append(standard)
    out = []
    for role, unit, day in titles:
        version = next(
            (v for v in placements.get(unit, ()) if in_force(v.valid_from, v.valid_to, day)), None
        )
        out.append(
            None
            if version is None
            else next(
                (
                    s
                    for s in issued.get((role, version.kind.level_id), ())
                    if in_force(s.valid_from, s.valid_to, day)
                ),
                None,
            )
        )
    return out


def standard_for_level(role, level_id: int, day: dt.date) -> TitleStandard | None:
    return (
        TitleStandard.objects.in_force_on(day)
        .filter(role=role, level_id=level_id)
        .prefetch_related("topics")
        .first()
    )


def standard_id_on(day: dt.date, role_ref: str = "role_id", unit_ref: str = "unit_id"):
    """Expression: the id of the standard in force on `day` for the outer row's title — its
    role (`role_ref`) at the level its unit (`unit_ref`) stood at that day; None if none."""
    level = UnitVersion.objects.on(day).filter(unit_id=OuterRef(OuterRef(unit_ref)))
    return Subquery(
        TitleStandard.objects.in_force_on(day)
        .filter(role_id=OuterRef(role_ref), level_id=Subquery(level.values("kind__level_id")[:1]))
        .values("pk")[:1]
    )


def required_topics(standard=None, topics: list[int] | None = None):
    """The required topics of a standard — by default the outer row's `standard_id`; or an
    expression naming it — (`topics`: only those among them)."""
    standard = OuterRef("standard_id") if standard is None else standard
    rows = RequiredTopic.objects.filter(titlestandard_id=standard)
    return rows.filter(topic_id__in=topics) if topics else rows


def meets_q(standard: TitleStandard, day: dt.date, person_ref: str = "pk") -> Q:
    """Whether the outer person meets every requirement of `standard` on `day`."""
    person = OuterRef(person_ref)
    # Qualifications are the person's own fields, read through an Exists so that the Q works
    # from any outer row (a person, a pool entry, a position).
    facts = Person.objects.filter(pk=person)
    if standard.min_education is not None:
        facts = facts.filter(education_level__gte=standard.min_education)
    if standard.min_political_theory is not None:
        facts = facts.filter(political_theory__gte=standard.min_political_theory)
    q = Q(Exists(facts))
    for topic in standard.topics.all():
        q &= Exists(_records_by(person, day).filter(topics=topic))
    return q


def _records_by(person, day: dt.date):
    # Expired training no longer counts on `day` (issue 24 §5), as in targets.engine.
    return TrainingRecord.objects.filter(
        valid_on(day), person=person, valid=True, completed_on__lte=day
    )


def most_required_topic(day: dt.date, among: list[int] | None = None):
    """The topic the standards in force on `day` ask most often (`among`: only those), or
    None: the course a plan would draft for the people still short of their standard."""
    rows = RequiredTopic.objects.filter(
        titlestandard__in=TitleStandard.objects.in_force_on(day).values("pk")
    )
    if among:
        rows = rows.filter(topic_id__in=among)
    top = rows.values("topic").annotate(n=Count("pk")).order_by("-n", "topic__rank", "topic")
    first = top.first()
    return Topic.objects.get(pk=first["topic"]) if first else None


def _first_records(person, standard: TitleStandard, day: dt.date) -> dict[int, TrainingRecord]:
    """For each required topic of `standard` the person was trained in by `day`, the first
    valid record in it."""
    required = {t.pk for t in standard.topics.all()}
    first: dict[int, TrainingRecord] = {}
    records = _records_by(person.pk, day).filter(topics__in=required).distinct()
    for record in records.order_by("completed_on", "pk").prefetch_related("topics"):
        for topic in record.topics.all():
            if topic.pk in required:
                first.setdefault(topic.pk, record)
    return first


def lacking_topics(person, standard: TitleStandard, day: dt.date) -> set[int]:
    """The required topics of `standard` in which `person` has no valid record by `day`."""
    return {t.pk for t in standard.topics.all()} - set(_first_records(person, standard, day))


@dataclass
class Requirement:
    label: str  # what the standard asks, in the user's language
    ok: bool
    held: str  # what the person has (a level, the record's date, or "not yet")


def requirements(person, standard: TitleStandard, day: dt.date) -> list[Requirement]:
    """Each requirement of `standard` with whether `person` meets it on `day` and what they
    hold: the profile's "thiếu gì" list, in the standard's order."""
    levels = (
        (_("Education: %(level)s or higher"), EducationLevel, "min_education", "education_level"),
        (
            _("Political theory: %(level)s or higher"),
            PoliticalTheory,
            "min_political_theory",
            "political_theory",
        ),
    )
    out = []
    for label, choices, asked, holds in levels:
        needed, held = getattr(standard, asked), getattr(person, holds)
        if needed is not None:
            out.append(
                Requirement(
                    label % {"level": choices(needed).label},
                    held >= needed,
                    str(choices(held).label),
                )
            )
    done = _first_records(person, standard, day)
    for topic in standard.topics.all():
        record = done.get(topic.pk)
        out.append(
            Requirement(
                _("Trained in: %(topic)s") % {"topic": topic},
                record is not None,
                date_format(record.completed_on, "SHORT_DATE_FORMAT") if record else _("not yet"),
            )
        )
    return out
