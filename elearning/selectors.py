"""Reads of e-learning: which courses are open to a person, which would meet the targets
they still owe, and a learner's place in a course."""

import datetime as dt

from django.db.models import Exists, OuterRef, Q, QuerySet

from elearning.models import Assignment, Course, CourseStatus, Lesson
from people.models import Person, Position
from targets.engine import Status, person_obligations


def _ancestor_paths(path: str) -> list[str]:
    return [path[:i] for i in range(8, len(path) + 1, 8)]


def courses_open_to(person: Person, day: dt.date | None = None) -> QuerySet:
    """Published courses of the person's unit or a unit above, open to the whole subtree or
    to a role they hold; and any course assigned to them."""
    from lib.dates import today

    day = day or today()
    above = Q(organiser__path__in=_ancestor_paths(person.unit.path))
    holds_role = Exists(Position.objects.active_on(day).filter(
        person=person, role__in=OuterRef("audience_roles")))
    assigned = Exists(Assignment.objects.filter(course=OuterRef("pk"), person=person))
    return (Course.objects.filter(status=CourseStatus.PUBLISHED)
            .filter((above & (Q(open_to_subtree=True) | holds_role)) | assigned)
            .distinct().select_related("organiser"))


def courses_meeting_obligations(person: Person, day: dt.date) -> list[tuple]:
    """Each target the person still owes on `day`, with the open courses that would meet it
    (a topic or the programme it asks for, enough hours)."""
    out = []
    open_courses = courses_open_to(person, day).prefetch_related("topics")
    for obligation in person_obligations(person, day):
        if obligation.status not in (Status.DUE, Status.OVERDUE):
            continue
        target = obligation.target
        if target.kind != "training":
            continue
        topics = {t.pk for t in target.topics.all()}
        programmes = {p.pk for p in target.programmes.all()}
        meeting = [c for c in open_courses if c.hours >= target.min_hours and (
            (not topics and not programmes) or topics & {t.pk for t in c.topics.all()}
            or c.programme_id in programmes)]
        out.append((obligation, meeting))
    return out


def lessons(course: Course) -> QuerySet:
    return Lesson.objects.filter(module__course=course).select_related("module")
