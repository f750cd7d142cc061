"""Reads over training: who trains which chairs, and the statistics the sources report."""

import datetime as dt

from django.db.models import Exists, OuterRef, Q, Subquery

from lib.periods import started_within
from people.models import Position
from units.models import Unit
from units.places import placed_under_then

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


def _category(day_field: str = "training_class__start_date"):
    """Who an attendance was, on the first day of its class: full-time cadre, part-time cadre
    (holding only part-time posts) or member (holding no post)."""
    from django.db.models import Case, CharField, Value, When

    held = Position.objects.filter(person=OuterRef("person")).active_on(OuterRef(day_field))
    return Case(
        When(Exists(held.filter(full_time=True)), then=Value("full_time")),
        When(Exists(held), then=Value("part_time")),
        default=Value("member"),
        output_field=CharField(),
    )


def _organised_under_then(unit: Unit) -> Q:
    """Q for classes whose organiser was inside `unit`'s subtree on the class's first day, so
    a past year reports under the structure of that year, not today's."""
    return placed_under_then(unit, "organiser", "start_date")


def classes_and_attendances(*, unit: Unit, start: dt.date, end: dt.date):
    """Classes organised in the unit's subtree (as it stood when each ran) that started in
    the period, and their attendances (lượt), each annotated with the attendee's category."""
    from training.models import ClassStatus, Enrolment, EnrolmentStatus, TrainingClass

    classes = TrainingClass.objects.filter(
        _organised_under_then(unit), started_within(start, end)
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
        )
        .order_by("person__sort_key")
    )
