"""Where each learner of a course stands, and reminders to those who have not started or have
stalled.

The figures of the organisers' pages (per learner: share of the required lessons done, last
activity, best quiz score, completion; per unit below: enrolled, started, completed) are
computed in the database with subqueries and one grouped query, so a page costs the same
number of queries for 2 learners or 20,000. The reminders pick their learners from the same
annotations.

A learner's activity is the latest of: the enrolment's last activity, the last change to a
lesson's progress, the last quiz attempt started or submitted. "Not started": enrolled, no
activity at all. "Stalled": started, not completed, no activity for `days` days (14 by
default; exactly 14 days counts as stalled). Nobody is reminded of the same course twice
within `days` days. A reminder is a Reminder row (read in the app) and an email when the
person has an address."""

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import get_connection, send_mail
from django.db import transaction
from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Q,
    QuerySet,
)
from django.db.models.functions import Substr
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.access import SYSTEM, is_system
from elearning.models import (
    Assignment,
    Course,
    CourseEnrolment,
    CourseStatus,
    Reminder,
)
from elearning.selectors import started, with_progress
from elearning.services import check_organiser
from notifications.selectors import accounts_of
from notifications.services import announce
from units.models import Unit
from units.places import under

logger = logging.getLogger(__name__)

DEFAULT_STALLED_DAYS = 14
SEGMENT = 8  # width of one unit in a materialised path


@dataclass
class LearnerRow:
    enrolment: CourseEnrolment
    percent: int
    last_activity: dt.datetime | None
    best_score: Decimal | None

    @property
    def person(self):
        return self.enrolment.person

    @property
    def status(self) -> str:
        if self.enrolment.completed_at:
            return "completed"
        return "started" if self.enrolment.has_progress else "not_started"


def latest_activity(enrolment: CourseEnrolment) -> dt.datetime | None:
    moments = [
        m
        for m in (enrolment.last_activity_at, enrolment.last_progress_at, enrolment.last_attempt_at)
        if m is not None
    ]
    return max(moments) if moments else None


def learners(course: Course, *, unit: Unit | None = None) -> QuerySet:
    """The course's enrolments (of `unit`'s subtree), annotated, in Vietnamese order."""
    enrolments = CourseEnrolment.objects.filter(course=course)
    if unit is not None:
        enrolments = enrolments.filter(under(unit, "person__unit"))
    return with_progress(enrolments.select_related("person__unit")).order_by(
        "person__sort_key", "person_id"
    )


def learner_row(enrolment: CourseEnrolment, required: int) -> LearnerRow:
    """`enrolment` annotated by with_progress; `required`: the course's required lessons."""
    if enrolment.completed_at or required == 0:
        percent = 100 if enrolment.completed_at else 0
    else:
        percent = min(100, round(100 * enrolment.lessons_done / required))
    return LearnerRow(enrolment, percent, latest_activity(enrolment), enrolment.best_score)


def learner_rows(enrolments, required: int) -> list[LearnerRow]:
    return [learner_row(e, required) for e in enrolments]


@dataclass
class UnitRow:
    unit: Unit
    enrolled: int = 0
    started: int = 0
    completed: int = 0
    own: bool = False  # learners whose home unit is the unit itself, not one below it

    @property
    def completed_percent(self) -> int | None:
        return round(100 * self.completed / self.enrolled) if self.enrolled else None


def unit_totals(course: Course, unit: Unit) -> list[UnitRow]:
    """Enrolled, started and completed learners per unit directly below `unit` (each with its
    subtree), and a first row for those of `unit` itself: one grouped query, one for the
    units."""
    width = len(unit.path) + SEGMENT
    grouped = (
        CourseEnrolment.objects.filter(under(unit, "person__unit"), course=course)
        .annotate(has_progress=started(), branch=Substr("person__unit__path", 1, width))
        .order_by()
        .values("branch")
        .annotate(
            enrolled=Count("id"),
            started=Count("id", filter=Q(has_progress=True)),
            completed=Count("id", filter=Q(completed_at__isnull=False)),
        )
    )
    figures = {g["branch"]: g for g in grouped}
    units = Unit.objects.filter(Q(parent=unit) | Q(path__in=list(figures))).order_by("path")
    rows = []
    for u in units:
        g = figures.get(u.path, {})
        if u.pk != unit.pk and u.dissolved_on and not g:
            continue
        rows.append(
            UnitRow(
                u,
                g.get("enrolled", 0),
                g.get("started", 0),
                g.get("completed", 0),
                own=u.pk == unit.pk,
            )
        )
    rows.sort(key=lambda r: (not r.own, r.unit.path))
    return rows


def totals(rows: list[UnitRow], unit: Unit) -> UnitRow:
    return UnitRow(
        unit,
        sum(r.enrolled for r in rows),
        sum(r.started for r in rows),
        sum(r.completed for r in rows),
    )


# --- reminders ----------------------------------------------------------------------------


@dataclass
class Candidate:
    person: object
    enrolment: CourseEnrolment | None
    reason: str  # not_started, stalled, not_enrolled


def candidates(
    course: Course,
    *,
    days: int = DEFAULT_STALLED_DAYS,
    include_assigned: bool = False,
    now: dt.datetime | None = None,
) -> list[Candidate]:
    """Who should be reminded of the course now (nobody reminded of it within `days`)."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=days)
    recent = Reminder.objects.filter(course=course, person=OuterRef("person"), sent_at__gt=cutoff)
    enrolments = with_progress(
        CourseEnrolment.objects.filter(course=course, completed_at__isnull=True).select_related(
            "person"
        )
    )
    enrolments = enrolments.exclude(Exists(recent))
    quiet = (
        (Q(last_activity_at__isnull=True) | Q(last_activity_at__lte=cutoff))
        & (Q(last_progress_at__isnull=True) | Q(last_progress_at__lte=cutoff))
        & (Q(last_attempt_at__isnull=True) | Q(last_attempt_at__lte=cutoff))
    )
    out = [
        Candidate(e.person, e, "stalled" if e.has_progress else "not_started")
        for e in enrolments.filter(Q(has_progress=False) | quiet).order_by(
            "person__sort_key", "person_id"
        )
    ]
    if include_assigned:
        enrolled = CourseEnrolment.objects.filter(course=course, person=OuterRef("person"))
        for a in (
            Assignment.objects.filter(course=course)
            .exclude(Exists(enrolled))
            .exclude(Exists(recent))
            .select_related("person")
            .order_by("person__sort_key", "person_id")
        ):
            out.append(Candidate(a.person, None, "not_enrolled"))
    return out


def _texts(course: Course, reason: str, days: int) -> tuple[str, str]:
    """The in-app line and the email body, in the learner's language (the system's)."""
    title = course.title
    line = {
        "not_started": _(
            "You enrolled in the online course “%(title)s” but have not started it yet."
        ),
        "stalled": _(
            "You have not continued the online course “%(title)s” for %(days)s days or more."
        ),
        "not_enrolled": _(
            "The online course “%(title)s” has been assigned to you: enrol and start it."
        ),
    }[reason] % {"title": title, "days": days}
    body = "\n\n".join(
        [
            line,
            _("Log in to the union cadre training system to continue where you stopped."),
            _("Organiser: %(unit)s") % {"unit": course.organiser.name},
        ]
    )
    return line[:500], body


def send_reminders(
    *,
    user,
    course: Course,
    days: int = DEFAULT_STALLED_DAYS,
    include_assigned: bool = False,
    now: dt.datetime | None = None,
) -> list[Reminder]:
    """Remind the course's learners who have not started or have stalled (and, if asked, the
    people assigned who have not enrolled): a Reminder each, and an email to those with an
    address. Returns the reminders made."""
    check_organiser(user, course)
    if course.status != CourseStatus.PUBLISHED:
        raise ValidationError(_("Only a published course's learners can be reminded."))
    if days < 1:
        raise ValidationError({"days": _("Give a number of days from 1.")})
    with transaction.atomic():
        # One organiser at a time per course: a second click waits, then finds them reminded.
        Course.objects.select_for_update().filter(pk=course.pk).first()
        chosen = candidates(course, days=days, include_assigned=include_assigned, now=now)
        with translation.override(settings.LANGUAGE_CODE):
            made = [(c, *_texts(course, c.reason, days)) for c in chosen]
        reminders = Reminder.objects.bulk_create(
            [
                Reminder(course=course, person=c.person, enrolment=c.enrolment, text=line)
                for c, line, _body in made
            ]
        )
        if now is not None:  # reminders made "as of" another moment (tests, back-filling)
            Reminder.objects.filter(pk__in=[r.pk for r in reminders]).update(sent_at=now)
    _email(course, reminders, made)
    return reminders


def _email(course: Course, reminders: list[Reminder], made: list) -> None:
    """A learner with an account is reminded through the notifications (their inbox, and mail
    as they chose: issue 24 §1); one without, who cannot read an inbox, by mail to the address
    on their record, as before."""
    accounts = defaultdict(list)
    for account in accounts_of({c.person.pk for c, _line, _body in made}):
        accounts[account.person_id].append(account)
    for candidate, _line, _body in made:
        if accounts[candidate.person.pk]:
            announce(
                recipients=accounts[candidate.person.pk],
                kind="course_reminder",
                url=reverse("elearning:learn_course", args=[course.pk]),
                title=course.title,
            )
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Reminder: online course “%(title)s”") % {"title": course.title}
    emailed = []
    connection = None
    for reminder, (candidate, _line, body) in zip(reminders, made, strict=True):
        if accounts[candidate.person.pk]:
            continue
        address = candidate.person.email
        if not address:
            continue
        try:
            connection = connection or get_connection()
            send_mail(subject, body, None, [address], connection=connection)
        except Exception:  # a mail server down must not lose the in-app reminders
            logger.exception("Reminder email to person %s failed", candidate.person.pk)
            continue
        emailed.append(reminder.pk)
    if emailed:
        Reminder.objects.filter(pk__in=emailed).update(emailed=True)


def send_all_reminders(
    *,
    days: int = DEFAULT_STALLED_DAYS,
    include_assigned: bool = False,
    now: dt.datetime | None = None,
) -> dict[Course, int]:
    """Every published course's reminders (the nightly command)."""
    out = {}
    for course in Course.objects.filter(status=CourseStatus.PUBLISHED).select_related("organiser"):
        out[course] = len(
            send_reminders(
                user=SYSTEM, course=course, days=days, include_assigned=include_assigned, now=now
            )
        )
    return out


# --- the learner's side -------------------------------------------------------------------


def unread_reminders(person) -> QuerySet:
    """The person's reminders not yet read, latest first (for the learner's pages)."""
    if person is None:
        return Reminder.objects.none()
    return Reminder.objects.filter(person=person, read_at__isnull=True).select_related("course")


def reminder_mark_read(*, user, reminder: Reminder) -> Reminder:
    if is_system(user) or user.person_id != reminder.person_id:
        raise ValidationError(_("Only the learner can do this."))
    if reminder.read_at is None:
        reminder.read_at = timezone.now()
        reminder.save(update_fields=["read_at"])
    return reminder
