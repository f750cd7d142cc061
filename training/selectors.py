"""Reads over training: who trains which chairs, and the statistics the sources report."""

import datetime as dt

from django.db.models import Exists, OuterRef, Q, Subquery

from people.models import Position
from training.models import TrainingRecord
from units.models import PATH_WIDTH, Unit, UnitFigures, UnitVersion

# T-003-4: the chair of a grassroots union is trained by the confederation from 2,500
# members, by the province or sector from 1,000, otherwise by the upper-grassroots union.
CONFEDERATION_FROM = 2500
PROVINCE_FROM = 1000


def chair_duty_level(member_count: int | None) -> str:
    if member_count is not None and member_count >= CONFEDERATION_FROM:
        return "confederation"
    if member_count is not None and member_count >= PROVINCE_FROM:
        return "province"
    return "upper_grassroots"


def _member_count_subquery(day: dt.date, unit_ref: str = "unit"):
    return Subquery(
        UnitFigures.objects.filter(unit=OuterRef(unit_ref), effective_on__lte=day)
        .order_by("-effective_on")
        .values("member_count")[:1]
    )


def chair_duty_unit(unit: Unit, day: dt.date) -> Unit | None:
    """The unit responsible for training the chair of grassroots union `unit` on `day`."""
    version = UnitVersion.objects.on(day).filter(unit=unit).first()
    if version is None:
        return None
    figures = unit.figures.filter(effective_on__lte=day).order_by("-effective_on").first()
    level = chair_duty_level(figures.member_count if figures else None)
    prefixes = [version.path[: i * PATH_WIDTH] for i in range(1, version.depth + 1)]
    ancestors = {
        v.kind.level.code: v.unit
        for v in UnitVersion.objects.on(day)
        .filter(path__in=prefixes)
        .select_related("unit", "kind__level")
    }
    if level == "upper_grassroots" and "upper_grassroots" not in ancestors:
        level = "province"  # a grassroots union directly under a province
    return ancestors.get(level)


def chairs_to_train(unit: Unit, day: dt.date):
    """Chairs of grassroots unions (on `day`) whose training is `unit`'s duty, each annotated
    with the member count in force and whether they have been trained since taking the post."""
    node = UnitVersion.objects.on(day).filter(unit=unit).select_related("kind__level").first()
    if node is None:
        return Position.objects.none()
    level = node.kind.level.code
    grassroots = (
        UnitVersion.objects.on(day)
        .filter(path__startswith=node.path, kind__level__code="grassroots")
        .annotate(members=_member_count_subquery(day))
    )
    if level == "confederation":
        grassroots = grassroots.filter(members__gte=CONFEDERATION_FROM)
    elif level == "province":
        small_direct = Q(parent=unit) & (Q(members__lt=PROVINCE_FROM) | Q(members__isnull=True))
        grassroots = grassroots.filter(
            Q(members__gte=PROVINCE_FROM, members__lt=CONFEDERATION_FROM) | small_direct
        )
    elif level == "upper_grassroots":
        grassroots = grassroots.filter(
            Q(members__lt=PROVINCE_FROM) | Q(members__isnull=True), parent=unit
        )
    else:
        return Position.objects.none()
    trained = TrainingRecord.objects.filter(
        person=OuterRef("person"),
        valid=True,
        completed_on__gte=OuterRef("start_date"),
        completed_on__lte=day,
    )
    return (
        Position.objects.active_on(day)
        .filter(role__code="chair", unit__in=grassroots.values("unit"))
        .annotate(members=_member_count_subquery(day), trained=Exists(trained))
        .select_related("person", "unit")
        .order_by("unit__code")
    )


def _category(day_field: str = "training_class__start_date"):
    """Who an attendance was, on the first day of its class: full-time cadre, part-time cadre
    (holding only part-time posts) or member (holding no post)."""
    from django.db.models import Case, CharField, Value, When

    held = Position.objects.filter(
        person=OuterRef("person"), start_date__lte=OuterRef(day_field)
    ).filter(Q(end_date__isnull=True) | Q(end_date__gte=OuterRef(day_field)))
    return Case(
        When(Exists(held.filter(full_time=True)), then=Value("full_time")),
        When(Exists(held), then=Value("part_time")),
        default=Value("member"),
        output_field=CharField(),
    )


def _organised_under_then(unit: Unit) -> Q:
    """Q for classes whose organiser was inside `unit`'s subtree on the class's first day, so
    a past year reports under the structure of that year, not today's."""
    day = OuterRef("start_date")
    q = Q(pk__in=[])
    for version in UnitVersion.objects.filter(unit=unit):
        organiser_then = UnitVersion.objects.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=day),
            Q(valid_to__isnull=True) | Q(valid_to__gt=day),
            unit=OuterRef("organiser"),
            path__startswith=version.path,
        )
        window = Q()
        if version.valid_from:
            window &= Q(start_date__gte=version.valid_from)
        if version.valid_to:
            window &= Q(start_date__lt=version.valid_to)
        q |= window & Exists(organiser_then)
    return q


def classes_and_attendances(*, unit: Unit, start: dt.date, end: dt.date):
    """Classes organised in the unit's subtree (as it stood when each ran) that started in
    the period, and their attendances (lượt), each annotated with the attendee's category."""
    from training.models import ClassStatus, Enrolment, EnrolmentStatus, TrainingClass

    classes = TrainingClass.objects.filter(
        _organised_under_then(unit), start_date__range=(start, end)
    ).exclude(status=ClassStatus.PLANNED)
    attendances = Enrolment.objects.filter(
        status=EnrolmentStatus.ACCEPTED, training_class__in=classes
    ).annotate(category=_category())
    return classes, attendances


def class_statistics(*, unit: Unit, start: dt.date, end: dt.date) -> dict:
    """Classes, attendances (lượt) and distinct people of classes organised in the unit's
    subtree that started in the period, in total and split the ways the reports need."""
    from django.db.models import Count

    classes, attendances = classes_and_attendances(unit=unit, start=start, end=end)
    figures = {
        "classes": Count("training_class", distinct=True),
        "attendances": Count("id"),
        "people": Count("person", distinct=True),
    }

    def split(field):
        return list(attendances.values(field).annotate(**figures).order_by(field))

    return {
        "classes": classes.count(),
        "totals": attendances.aggregate(**figures),
        "by_category": {r["category"]: r for r in split("category")},
        "by_form": split("training_class__form"),
        "by_level": split("training_class__organiser__kind__level__rank"),
        "by_topic": split("training_class__topics__code"),
    }


def classes_visible_to(user):
    """Classes a user may open: organised in their subtree, organised above them (so they can
    nominate), or to which their unit or a unit above it is invited."""
    from accounts.scope import scope_ancestor_paths, scope_q
    from training.models import TrainingClass

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
        )
        .order_by("person__sort_key")
    )
