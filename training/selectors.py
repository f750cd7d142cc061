"""Reads over training: who trains which chairs, and the statistics the sources report."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, Q, Subquery

from lib.periods import in_force, started_within, valid_on
from people.models import Person, Position, active_on
from units.models import Unit
from units.places import path_on, placed_under, placed_under_then

# T-003-4 — who trains the chair of each grassroots union, and whether the chair is trained —
# is one rule, the targets' (targets/chairs.py): the member thresholds are the T-003-4
# targets' data and "trained" is "met that target on that day". The targets app sits above
# this one, so it hands the rule over when it loads (as planning hands its measures to the
# targets); the chairs page, its export, the API and the nomination warnings ask it here.
_chair_rule = None


def use_chair_rule(rule) -> None:
    """Called by the targets app when it loads (targets.apps)."""
    global _chair_rule
    _chair_rule = rule


# Likewise the targets a class serves that a nominee has met already (targets.served).
_met_rule = None


def use_met_rule(rule) -> None:
    """Called by the targets app when it loads (targets.apps)."""
    global _met_rule
    _met_rule = rule


def targets_already_met(training_class, person) -> list:
    """The targets (as obligations, each with its record) that the class would count for and
    the person has met already on the class's first day."""
    return _met_rule(training_class, person) if _met_rule is not None else []


def chair_duty(unit: Unit, day: dt.date):
    """The chairs of grassroots unions whose training is `unit`'s duty on `day`, grouped by
    T-003-4 target with each one's status (targets.chairs.ChairDuty)."""
    return _chair_rule.duty(unit, day)


def chair_duty_unit(unit: Unit, day: dt.date) -> Unit | None:
    """The unit responsible for training the chair of grassroots union `unit` on `day`."""
    return _chair_rule.duty_unit(unit, day)


def chairs_to_train(unit: Unit, day: dt.date) -> list[Position]:
    """Chairs of grassroots unions (on `day`) whose training is `unit`'s duty, each with the
    member count in force (`members`), the T-003-4 target it falls under (`target`) and
    whether it has met that target (`trained`; None for a union with no member count)."""
    return chair_duty(unit, day).rows


ATTENDEE_CATEGORIES = ("full_time", "part_time", "member")


def by_attendee_category(rows, day_field: str, **keys: str) -> list[dict]:
    """The attendances `rows` (enrolments or training records: anything with a `person`)
    counted by `keys` (name -> field) and by who attended, on the row's own day
    (`day_field`): a full-time cadre when any post held that day is full-time (a full-time
    cadre with a part-time seat as well counts once, as full-time), a part-time cadre when
    only part-time posts are held, a member when none is. Rows of dicts: the keys,
    `category` and `n`.

    One statement: the posts held on each row's day are joined to the rows and grouped per
    row, then the rows per key and category. Looking the posts up row by row (two
    correlated subqueries an attendance) cost 5-10 s for a national year on PostgreSQL,
    which runs such lookups one row at a time in one process."""
    from django.core.exceptions import EmptyResultSet
    from django.db import connections
    from django.db.models import Case, IntegerField, Max, Value, When

    held = active_on(F(day_field), prefix="person__positions__")
    names = list(keys)
    aliases = [f"k{i}" for i in range(len(names))]
    per_row = (
        rows.order_by()
        .annotate(**{a: F(keys[name]) for a, name in zip(aliases, names, strict=True)})
        .values("pk", *aliases)
        .annotate(
            ft=Max(
                Case(
                    When(held & Q(person__positions__full_time=True), then=Value(1)),
                    default=Value(0),
                    output_field=IntegerField(),
                )
            ),
            posts=Count("person__positions", filter=held),
        )
    )
    try:
        sql, params = per_row.query.sql_with_params()
    except EmptyResultSet:  # a filter that no row can meet (a unit never placed): no rows
        return []
    category = "CASE WHEN s.ft = 1 THEN %s WHEN s.posts > 0 THEN %s ELSE %s END"
    columns = "".join(f"s.{a}, " for a in aliases)
    statement = (
        f"SELECT {columns}{category} AS category, COUNT(*) FROM ({sql}) s "
        f"GROUP BY {columns}{category}"
    )
    with connections[rows.db].cursor() as cursor:
        cursor.execute(statement, [*ATTENDEE_CATEGORIES, *params, *ATTENDEE_CATEGORIES])
        found = cursor.fetchall()
    return [
        {**dict(zip(names, row[:-2], strict=True)), "category": row[-2], "n": row[-1]}
        for row in found
    ]


def _organised_by(unit: Unit, own: bool) -> Q:
    """Q for classes of `unit`: its own (`own`), or organised inside its subtree as the tree
    stood on each class's first day, so a past year reports under that year's structure."""
    if own:
        return Q(organiser=unit)
    return placed_under_then(unit, "organiser", "start_date")


def _held_classes(start: dt.date, end: dt.date):
    """Classes that started in the period and have run (not planned, not cancelled)."""
    from training.models import ClassStatus, TrainingClass

    return TrainingClass.objects.filter(started_within(start, end)).exclude(
        status__in=(ClassStatus.PLANNED, ClassStatus.CANCELLED)
    )


def classes_and_attendances(*, unit: Unit, start: dt.date, end: dt.date, own: bool = False):
    """Classes of the unit (its own, or its subtree's) that started in the period and have
    run, and their attendances (lượt). Each attendance carries its class's audience as
    `category`: the sources count a class, and all who attended it, under whom it was for
    (000: "10 lớp … cho 934 lượt cán bộ công đoàn chuyên trách")."""
    from training.models import Enrolment, EnrolmentStatus

    classes = _held_classes(start, end).filter(_organised_by(unit, own))
    attendances = Enrolment.objects.filter(
        status=EnrolmentStatus.ACCEPTED, training_class__in=classes
    ).annotate(category=F("training_class__audience"))
    return classes, attendances


def held_by_each(unit_ids, start: dt.date, end: dt.date) -> dict[int, dict[str, int]]:
    """For each unit, the classes its subtree held in the period and their attendances, as
    `classes_and_attendances` counts them — for all the units at once, however many.

    The reading of units.places.placed_under_then, set-based: each held class with its
    organiser's path on its first day (the tree as it stood then), cut to the depth of the
    units' placements, counted per cut path and first day in one grouped statement a depth;
    a unit then takes the groups under each of its placements within that placement's days.
    A filtered aggregate per unit and figure over every class cost ~0.5 s, most of it building
    the statement, for the confederation's 54 children."""
    from collections import defaultdict

    from django.db.models import IntegerField, Sum
    from django.db.models.functions import Coalesce, Substr

    from training.models import Enrolment, EnrolmentStatus
    from units.models import UnitVersion

    unit_ids = list(unit_ids)
    out = {unit_id: {"classes": 0, "trainees": 0} for unit_id in unit_ids}
    placements = list(
        UnitVersion.objects.filter(unit_id__in=unit_ids).values_list(
            "unit_id", "path", "valid_from", "valid_to"
        )
    )
    accepted = (
        Enrolment.objects.filter(status=EnrolmentStatus.ACCEPTED, training_class=OuterRef("pk"))
        .order_by()
        .values("training_class")
        .annotate(n=Count("id"))
        .values("n")
    )
    attended = Subquery(accepted, output_field=IntegerField())
    organiser_then = Subquery(
        UnitVersion.objects.on(OuterRef("start_date"))
        .filter(unit=OuterRef("organiser"))
        .values("path")[:1]
    )
    for width in {len(path) for _unit, path, _from, _to in placements}:
        groups = defaultdict(list)
        rows = (
            _held_classes(start, end)
            .annotate(_place=Substr(organiser_then, 1, width))
            .order_by()
            .values("_place", "start_date")
            .annotate(n=Count("id"), t=Coalesce(Sum(attended), 0))
        )
        for row in rows:
            groups[row["_place"]].append((row["start_date"], row["n"], row["t"]))
        for unit_id, path, valid_from, valid_to in placements:
            if len(path) != width:
                continue
            for day, n, t in groups.get(path, ()):
                # The class's first day within the placement's days (lib.periods).
                if in_force(valid_from, valid_to, day):
                    out[unit_id]["classes"] += n
                    out[unit_id]["trainees"] += t
    return out


def class_statistics(*, unit: Unit, start: dt.date, end: dt.date, own: bool = False) -> dict:
    """Classes, attendances (lượt) and distinct people of the unit's classes (its own, or its
    subtree's) that started in the period, in total and split the ways the reports need: by
    the audience each class was for (`by_category`, every audience present), form, organiser
    level and topic, and the attendances by who attended (`attendees`: the posts each person
    held on the class's first day), which tells a mixed class's cadres from its members."""
    from training.models import Audience

    classes, attendances = classes_and_attendances(unit=unit, start=start, end=end, own=own)
    figures = {
        "classes": Count("training_class", distinct=True),
        "attendances": Count("id"),
        "people": Count("person", distinct=True),
    }

    def split(field):
        return list(attendances.values(field).annotate(**figures).order_by(field))

    by_category = {a: {"classes": 0, "attendances": 0, "people": 0} for a in Audience.values}
    for row in classes.values("audience").annotate(n=Count("id")).order_by():
        by_category[row["audience"]]["classes"] = row["n"]
    for row in split("category"):
        by_category[row["category"]].update(attendances=row["attendances"], people=row["people"])
    attendees = dict.fromkeys(ATTENDEE_CATEGORIES, 0)
    for row in by_attendee_category(attendances, "training_class__start_date"):
        attendees[row["category"]] = row["n"]
    return {
        "classes": sum(row["classes"] for row in by_category.values()),
        "totals": attendances.aggregate(**figures),
        "by_category": by_category,
        "attendees": attendees,
        "by_form": split("training_class__form"),
        "by_level": split("training_class__organiser__kind__level__rank"),
        "by_topic": split("training_class__topics__code"),
    }


# 000: "100% cán bộ công đoàn chuyên trách và 80% cán bộ công đoàn cơ sở đã được bồi dưỡng cơ
# bản về nghiệp vụ công tác công đoàn". Basic union work is what the targets call union theory
# and practice (and the general programme on the union's organisation and work).
BASIC_TOPICS = ("union_theory", "union_general")
GRASSROOTS = "grassroots"


@dataclass(frozen=True)
class Share:
    trained: int
    of: int

    @property
    def percent(self) -> Decimal | None:
        if not self.of:
            return None
        return (Decimal(100 * self.trained) / self.of).quantize(Decimal("0.1"))


def trained_in_basics(day: dt.date, person_ref: str) -> Exists:
    """Whether the person (`OuterRef(person_ref)`) has been trained in basic union work by
    `day`: a valid record on a basic topic, whoever organised it, not expired that day (a
    figure of who is trained, like the targets', not of the classes held: issue 24 §5)."""
    from training.models import Topic, TrainingRecord

    # The topics' ids as a subquery (read once), not a join to the topics for every record:
    # this is looked up once per cadre of a subtree (the record index holds the rest).
    basic = Topic.objects.filter(code__in=BASIC_TOPICS).values("pk")
    return Exists(
        TrainingRecord.objects.filter(
            valid_on(day),
            person=OuterRef(person_ref),
            valid=True,
            completed_on__lte=day,
            topics__in=basic,
        )
    )


def basic_cadres(posts, day: dt.date, **keys):
    """The cadres among the holders of `posts` (posts held on `day`) that the basic-training
    figure counts, one row a person (and `keys`: name -> expression, e.g. the place a
    stored figure is kept for): `full` 1 when any of the posts is full-time, `grassroots` 1
    when any is in a grassroots union or a unit below one, `trained` whether they are
    trained in basic union work by `day` (`trained_in_basics`). The live figure and the
    stored one (training.basic_store) both count these rows."""
    from django.db.models import Case, Max, When

    from units.models import UnitLevel

    grassroots_rank = UnitLevel.objects.filter(code=GRASSROOTS).values("rank")[:1]
    # One pass over the posts, grouped by person (whether any is full-time, whether any is in
    # a grassroots union or below), then the training looked up once a person: not two
    # correlated lookups of the posts for every person.
    return (
        posts.order_by()
        .annotate(**keys)
        .values(*keys, "person_id")
        .annotate(
            full=Max(Case(When(full_time=True, then=1), default=0)),
            grassroots=Max(
                Case(
                    When(unit__kind__level__rank__gte=Subquery(grassroots_rank), then=1),
                    default=0,
                )
            ),
        )
        .filter(Q(full=1) | Q(grassroots=1))
        .annotate(trained=trained_in_basics(day, "person_id"))
    )


def basic_training(*, unit: Unit, day: dt.date) -> dict[str, Share]:
    """Of the cadres on `day` — full-time cadres, and cadres of grassroots unions (posts in a
    grassroots union or a unit below one) — how many have ever been trained in basic union
    work: a valid training record on a basic topic completed by that day, whoever organised
    it. Cadres of the unit's subtree as it stood that day, counted live (the pages read the
    stored figures of the day first: training.basic_store.shares)."""
    path = path_on(unit, day)
    in_subtree = Position.objects.active_on(day)
    in_subtree = in_subtree.filter(placed_under(path, day)) if path else in_subtree.none()
    counts = basic_cadres(in_subtree, day).aggregate(
        full_of=Count("person_id", filter=Q(full=1)),
        full_trained=Count("person_id", filter=Q(full=1, trained=True)),
        grassroots_of=Count("person_id", filter=Q(grassroots=1)),
        grassroots_trained=Count("person_id", filter=Q(grassroots=1, trained=True)),
    )
    return basic_shares(**counts)


def basic_shares(
    *, full_of: int, full_trained: int, grassroots_of: int, grassroots_trained: int
) -> dict[str, Share]:
    return {
        "full_time": Share(trained=full_trained, of=full_of),
        "grassroots": Share(trained=grassroots_trained, of=grassroots_of),
    }


def classes_visible_to(user):
    """Classes a user may open: organised in their subtree, organised above them (so they can
    nominate), or to which their unit or a unit above it is invited. Whose role reads only
    their own classes (accounts.access: a lecturer, a cadre) opens those they teach or
    attend."""
    from accounts.access import OWN, Data, level
    from accounts.scope import scope_ancestor_paths, scope_q
    from training.models import TrainingClass

    if level(user, Data.CLASSES) == OWN:
        person = getattr(user, "person_id", None)
        if person is None:
            return TrainingClass.objects.none()
        teaches = TrainingClass.objects.filter(
            pk=OuterRef("pk"), class_lecturers__lecturer__person_id=person
        )
        attends = TrainingClass.objects.filter(pk=OuterRef("pk"), enrolments__person_id=person)
        return TrainingClass.objects.filter(Exists(teaches) | Exists(attends))
    above = scope_ancestor_paths(user)
    if not above:
        return TrainingClass.objects.none()
    invited = TrainingClass.invited_units.through.objects.filter(
        trainingclass=OuterRef("pk"), unit__path__in=above
    )
    return TrainingClass.objects.filter(
        scope_q(user, "organiser") | Q(organiser__path__in=above) | Exists(invited)
    )


def lecturers_with_figures(user):
    """Lecturers of the user's subtree with classes taught, hours and average rating, each
    figure a subquery so the joins do not multiply one another."""
    from django.db.models import Avg, Count, IntegerField, Sum
    from django.db.models.functions import Coalesce

    from accounts.scope import scoped
    from training.models import ClassLecturer, Feedback, Lecturer

    taught = ClassLecturer.objects.filter(lecturer=OuterRef("pk")).values("lecturer")
    rating = (
        Feedback.objects.filter(enrolment__training_class__class_lecturers__lecturer=OuterRef("pk"))
        .values("enrolment__training_class__class_lecturers__lecturer")
        .annotate(avg=Avg("lecturers"))
        .values("avg")
    )
    return (
        scoped(Lecturer.objects.select_related("person", "unit"), user)
        .annotate(
            classes=Coalesce(
                Subquery(taught.annotate(n=Count("id")).values("n")), 0, output_field=IntegerField()
            ),
            hours=Coalesce(
                Subquery(taught.annotate(h=Sum("hours")).values("h")),
                0,
                output_field=IntegerField(),
            ),
            rating=Subquery(rating),
            # The name's sort key read per lecturer, not ordered through the join: with the
            # join, PostgreSQL may walk all people in name order looking for the few who
            # teach (the lecturers' table, small and so never analysed, looks big to it:
            # 0.5 s at 1,000,000 people for three lecturers), where this sorts the lecturers.
            name_order=Subquery(
                Person.objects.filter(pk=OuterRef("person_id")).values("sort_key")[:1]
            ),
        )
        .order_by("name_order", "pk")
    )
