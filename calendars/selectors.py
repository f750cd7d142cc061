"""What a user's calendar feed holds, and nothing else: the classes they attend (accepted),
teach (a lecturer of the class, or of some of its sessions: those sessions) or organise (an
officer who may change classes: their own unit's, as organiser or co-organiser), and, for an
officer who may change plans, the deadlines their unit works to — its plan's, set by the
unit above, the one it set for the units below, and the open training-needs surveys it
answers or opened. Nobody else's name is in it: a feed's address is handed to a calendar
service and may leak.

From a year back to two years ahead, and bounded (MAX_*), whatever the user's data; a few
queries in all."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db.models import BooleanField, Case, Exists, OuterRef, Q, Value, When
from django.urls import reverse
from django.utils.translation import gettext as _
from icalendar import Event

from accounts.access import WRITE, Data, may
from accounts.scope import scope_ancestor_paths
from lib.periods import overlaps_q
from planning.models import Plan, PlanDeadline, PlanStatus, Survey
from training.calendar import ZONE, all_day_event, class_events, host, text
from training.models import (
    ClassLecturer,
    ClassSession,
    Enrolment,
    EnrolmentStatus,
    TrainingClass,
)

BACK = dt.timedelta(days=365)
AHEAD = dt.timedelta(days=730)
MAX_CLASSES = 300
MAX_SESSIONS = 2000
MAX_DEADLINES = 100


@dataclass(frozen=True)
class Window:
    first: dt.date
    last: dt.date

    @classmethod
    def around(cls, day: dt.date) -> "Window":
        return cls(day - BACK, day + AHEAD)


def _organises(user) -> Q | None:
    """Classes the user's unit organises or co-organises, for an officer who may change
    classes (not the subtree's: a province's officer does not run its districts' classes)."""
    if not user.unit_id or not may(user, Data.CLASSES, WRITE):
        return None
    co = TrainingClass.co_organisers.through.objects.filter(
        trainingclass=OuterRef("pk"), unit_id=user.unit_id
    )
    return Q(organiser_id=user.unit_id) | Exists(co)


def _classes(user, window: Window) -> tuple[list[TrainingClass], int | None]:
    """The user's classes overlapping the window, newest first, each marked `whole` (all its
    sessions are the user's) or not (only those they teach); and the user's person."""
    person = user.person_id
    mine, partly = [], []  # conditions: all the class's sessions are theirs; some are
    if person is not None:
        mine += [
            Exists(
                Enrolment.objects.filter(
                    training_class=OuterRef("pk"),
                    person_id=person,
                    status=EnrolmentStatus.ACCEPTED,
                )
            ),
            Exists(
                ClassLecturer.objects.filter(
                    training_class=OuterRef("pk"), lecturer__person_id=person
                )
            ),
        ]
        partly.append(
            Exists(
                ClassSession.objects.filter(
                    training_class=OuterRef("pk"), lecturer__person_id=person
                )
            )
        )
    organises = _organises(user)
    if organises is not None:
        mine.append(organises)
    if not mine:
        return [], person
    whole = reduce(or_, mine)
    some = reduce(or_, partly, Q(pk__in=[]))
    classes = (
        TrainingClass.objects.filter(whole | some)
        .filter(overlaps_q(window.first, window.last))
        .annotate(
            whole=Case(When(whole, then=Value(True)), default=False, output_field=BooleanField())
        )
        .select_related("organiser")
        .order_by("-start_date", "-pk")[:MAX_CLASSES]
    )
    return list(classes), person


def _sessions(classes: list[TrainingClass], person: int | None) -> dict[int, list[ClassSession]]:
    whole = [c.pk for c in classes if c.whole]
    some = [c.pk for c in classes if not c.whole]
    wanted = Q(training_class_id__in=whole)
    if some and person is not None:
        wanted |= Q(training_class_id__in=some, lecturer__person_id=person)
    found = defaultdict(list)
    rows = (
        ClassSession.objects.filter(wanted)
        .select_related("topic")
        .order_by("training_class_id", "date", "starts_at", "pk")[:MAX_SESSIONS]
    )
    for session in rows:
        found[session.training_class_id].append(session)
    return found


def class_events_of(user, window: Window, *, base_url: str, now: dt.datetime) -> list[Event]:
    classes, person = _classes(user, window)
    sessions = _sessions(classes, person)
    events: list[Event] = []
    for training_class in classes:
        mine = sessions.get(training_class.pk, [])
        if not training_class.whole and not mine:
            continue  # their sessions fell beyond the bound
        events += class_events(
            training_class, mine, base_url=base_url, now=now, whole=training_class.whole
        )
    return events


def _deadline(uid: str, day: dt.date, summary: str, about: str, url: str, now) -> Event:
    return all_day_event(
        uid=f"{uid}@{host()}",
        first=day,
        last=day,
        summary=summary,
        description="\n".join(line for line in (text(about), url) if line),
        url=url,
        now=now,
        busy=False,
    )


def _plan_deadlines(user, window: Window, base_url: str, now) -> list[Event]:
    """The day the user's unit submits its plan (set by the unit directly above it), unless
    the plan has gone up already; the day it set for the units below."""
    unit = user.unit
    submitted = Plan.objects.filter(
        unit_id=unit.pk,
        year=OuterRef("year"),
        status__in=[PlanStatus.SUBMITTED, PlanStatus.APPROVED],
    )
    rows = (
        PlanDeadline.objects.filter(
            Q(unit_id=unit.parent_id) | Q(unit_id=unit.pk),
            due_on__range=(window.first, window.last),
        )
        .annotate(done=Exists(submitted))
        .select_related("unit")
        .order_by("due_on")[:MAX_DEADLINES]
    )
    events = []
    for deadline in rows:
        url = f"{base_url}{reverse('planning:index')}?year={deadline.year}"
        values = {"year": deadline.year, "unit": text(deadline.unit.name)}
        if deadline.unit_id == unit.pk:
            summary = _("Units below submit their training plans for %(year)s") % values
            about = _("Set by %(unit)s") % values
        elif deadline.done:
            continue
        else:
            summary = _("Submit the training plan for %(year)s") % values
            about = _("To %(unit)s") % values
        events.append(
            _deadline(f"plan-deadline-{deadline.pk}", deadline.due_on, summary, about, url, now)
        )
    return events


def _survey_deadlines(user, window: Window, base_url: str, now) -> list[Event]:
    """Open training-needs surveys the user's unit answers (opened above it) or opened."""
    rows = (
        Survey.objects.filter(
            unit__path__in=scope_ancestor_paths(user),
            closed=False,
            deadline__range=(window.first, window.last),
        )
        .select_related("unit")
        .order_by("deadline")[:MAX_DEADLINES]
    )
    events = []
    for survey in rows:
        values = {"title": text(survey.title), "unit": text(survey.unit.name)}
        if survey.unit_id == user.unit_id:
            summary = _("Training-needs survey “%(title)s” closes") % values
        else:
            summary = _("Answer the training-needs survey “%(title)s”") % values
        url = f"{base_url}{reverse('planning:survey_detail', args=[survey.pk])}"
        about = _("Opened by %(unit)s") % values
        events.append(_deadline(f"survey-{survey.pk}", survey.deadline, summary, about, url, now))
    return events


def feed_events(user, *, today: dt.date, base_url: str, now: dt.datetime) -> list[Event]:
    """Everything the user's feed holds, around `today`."""
    window = Window.around(today)
    events = class_events_of(user, window, base_url=base_url, now=now)
    if user.unit_id and may(user, Data.PLANNING, WRITE):
        events += _plan_deadlines(user, window, base_url, now)
        events += _survey_deadlines(user, window, base_url, now)
    return events


@dataclass(frozen=True)
class Entry:
    """An event as the page lists it."""

    first: dt.date
    last: dt.date
    starts: dt.time | None  # None: all day
    ends: dt.time | None
    summary: str


def _entry(event: Event) -> Entry:
    start, end = event.get("dtstart").dt, event.get("dtend").dt
    if isinstance(start, dt.datetime):
        start, end = start.astimezone(ZONE), end.astimezone(ZONE)
        return Entry(start.date(), end.date(), start.time(), end.time(), str(event["summary"]))
    return Entry(start, end - dt.timedelta(days=1), None, None, str(event["summary"]))


def upcoming(events: list[Event], today: dt.date, count: int = 10) -> list[Entry]:
    """The next `count` events not over before `today`, soonest first."""
    entries = [e for e in map(_entry, events) if e.last >= today]
    entries.sort(key=lambda e: (e.first, e.starts or dt.time.min, e.summary))
    return entries[:count]
