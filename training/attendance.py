"""Attendance percentages from a class's sessions (issue 24 §4): "The attendance percentage
on the record is computed from the sessions." A module of its own, reading models only, so
that the results (training.services) and the sessions (training.sessions) both use it."""

from django.db.models import Count, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from training.models import (
    ClassSession,
    Enrolment,
    EnrolmentStatus,
    SessionAttendance,
    TrainingClass,
)


def percent(present: int, held: int) -> int:
    """Present out of held, as a whole percentage rounded half up (2 of 3: 67%)."""
    return (200 * present + held) // (2 * held)


def _present_count():
    return Coalesce(
        Subquery(
            SessionAttendance.objects.filter(enrolment=OuterRef("pk"), present=True)
            .order_by()
            .values("enrolment")
            .annotate(n=Count("pk"))
            .values("n")
        ),
        Value(0),
    )


def attendance_recompute(training_class: TrainingClass, enrolments=None) -> None:
    """The attendance percentage of each accepted participant (or of `enrolments`), from the
    class's sessions: sessions present / all its sessions, each counted as it is planned.
    One UPDATE; a class without sessions keeps the percentages typed for it."""
    held = ClassSession.objects.filter(training_class=training_class).count()
    if not held:
        return
    rows = Enrolment.objects.filter(training_class=training_class, status=EnrolmentStatus.ACCEPTED)
    if enrolments is not None:
        rows = rows.filter(pk__in=[e.pk for e in enrolments])
    # Integer division in both databases: round half up as `percent` does.
    rows.update(attendance_percent=(_present_count() * 200 + held) / (2 * held))


def attendance_percentages(training_class: TrainingClass) -> dict[int, int]:
    """Each accepted participant's attendance percentage from the sessions, by enrolment id;
    empty when the class has no sessions (the officer types it then)."""
    held = ClassSession.objects.filter(training_class=training_class).count()
    if not held:
        return {}
    rows = (
        Enrolment.objects.filter(training_class=training_class, status=EnrolmentStatus.ACCEPTED)
        .annotate(present=_present_count())
        .values_list("pk", "present")
    )
    return {pk: percent(present, held) for pk, present in rows}
