"""Whom a class's life tells, and what (the wording is notifications.kinds'): the organiser's
officers of each new nomination; the nominee, through their own account if they have one, and
the nominating unit's officers of each decision — accepted, on the waiting list with their
place, moved up from it, not accepted with the reason; the learner of their results and their
certificate. training.services calls these at the end of its writes, inside their
transactions: a change rolled back tells no one, and the mail leaves once it commits.

The officer who acted is not told what they did. Queries are per class and per group of
people, not per person, but for those who have an account to tell."""

from collections import defaultdict
from collections.abc import Iterable
from functools import cache, partial

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from accounts.access import is_system
from notifications.selectors import accounts_of, officers_of
from notifications.services import announce
from training import calendar
from training.models import Enrolment, EnrolmentStatus, Form, TrainingClass, TrainingRecord


def _day(day) -> str:
    return f"{day:%d/%m/%Y}" if day else "—"


def _about(training_class: TrainingClass) -> dict:
    return {
        "title": training_class.name,
        "code": training_class.code,
        "organiser": training_class.organiser.name,
        "start": _day(training_class.start_date),
        "end": _day(training_class.end_date),
        "venue": training_class.venue,
    }


def _page(training_class: TrainingClass) -> str:
    return reverse("training:class_detail", args=[training_class.pk])


def _but(users, actor):
    """Everyone of `users` but the officer who acted (a system job is no one)."""
    if actor is None or is_system(actor):
        return users
    return users.exclude(pk=actor.pk)


def _accounts(person_ids: Iterable[int]) -> dict[int, list]:
    found = defaultdict(list)
    for account in accounts_of(set(person_ids)):
        found[account.person_id].append(account)
    return found


def _officers(unit_ids: Iterable[int], actor) -> dict[int, list]:
    found = defaultdict(list)
    for officer in _but(officers_of(set(unit_ids)), actor):
        found[officer.unit_id].append(officer)
    return found


def nominated(*, user, enrolment: Enrolment) -> None:
    """A new nomination, to the organiser's officers."""
    training_class = enrolment.training_class
    waiting = Enrolment.objects.filter(
        training_class=training_class, status=EnrolmentStatus.NOMINATED
    ).count()
    announce(
        recipients=_but(officers_of([training_class.organiser_id]), user),
        kind="nomination_received",
        url=_page(training_class),
        **_about(training_class),
        name=enrolment.person.full_name,
        unit=enrolment.nominating_unit.name,
        waiting=waiting,
    )


def _positions(training_class: TrainingClass) -> dict[int, int]:
    # The waiting list's order, as training.services._waiting_list keeps it.
    order = Enrolment.objects.filter(
        training_class=training_class, status=EnrolmentStatus.WAITLISTED
    ).order_by("decided_at", "pk")
    return {pk: place for place, pk in enumerate(order.values_list("pk", flat=True), start=1)}


NOMINEE_KINDS = {
    EnrolmentStatus.ACCEPTED: "enrolment_accepted",
    EnrolmentStatus.WAITLISTED: "enrolment_waitlisted",
    EnrolmentStatus.REJECTED: "enrolment_rejected",
}


def decided(*, user, training_class: TrainingClass, enrolments: Iterable[Enrolment]) -> None:
    """Decisions on nominations of one class, as they stand now (read again: a nomination
    moved to the waiting list and straight back to a seat is told its seat): each nominee,
    and one summary to each nominating unit's officers."""
    rows = list(
        Enrolment.objects.filter(pk__in=[e.pk for e in enrolments], status__in=list(NOMINEE_KINDS))
        .select_related("person")
        .order_by("nominated_at", "pk")
    )
    if not rows:
        return
    about = _about(training_class)
    positions = (
        _positions(training_class)
        if any(e.status == EnrolmentStatus.WAITLISTED for e in rows)
        else {}
    )
    accounts = _accounts(e.person_id for e in rows)
    ics = cache(partial(calendar_file, training_class))  # written once, for those accepted
    for enrolment in rows:
        if accounts[enrolment.person_id]:
            announce(
                recipients=accounts[enrolment.person_id],
                kind=NOMINEE_KINDS[enrolment.status],
                url=_page(training_class),
                unless_repeated=True,  # a decision made again tells nothing new
                attachments=ics() if enrolment.status == EnrolmentStatus.ACCEPTED else None,
                **about,
                position=positions.get(enrolment.pk),
                reason=enrolment.reason,
            )
    summary = defaultdict(lambda: {"accepted": [], "waitlisted": [], "rejected": []})
    for enrolment in rows:
        name = enrolment.person.full_name
        group = summary[enrolment.nominating_unit_id]
        if enrolment.status == EnrolmentStatus.ACCEPTED:
            group["accepted"].append(name)
        elif enrolment.status == EnrolmentStatus.WAITLISTED:
            group["waitlisted"].append([name, positions.get(enrolment.pk)])
        else:
            group["rejected"].append([name, enrolment.reason])
    _tell_officers(user, training_class, summary)


def _tell_officers(user, training_class: TrainingClass, summary: dict) -> None:
    officers = _officers(summary, user)
    for unit_id, groups in summary.items():
        if officers[unit_id]:
            announce(
                recipients=officers[unit_id],
                kind="nominees_decided",
                url=_page(training_class),
                unless_repeated=True,
                **_about(training_class),
                **groups,
            )


def promoted(*, training_class: TrainingClass, enrolments: list[Enrolment]) -> None:
    """Seats freed and given to the waiting list in its order: each person moved up, and
    their nominating unit's officers."""
    if not enrolments:
        return
    about = _about(training_class)
    accounts = _accounts(e.person_id for e in enrolments)
    ics = cache(partial(calendar_file, training_class))
    for enrolment in enrolments:
        if accounts[enrolment.person_id]:
            announce(
                recipients=accounts[enrolment.person_id],
                kind="enrolment_promoted",
                url=_page(training_class),
                attachments=ics(),
                **about,
            )
    summary = defaultdict(lambda: {"promoted": []})
    for enrolment in enrolments:
        summary[enrolment.nominating_unit_id]["promoted"].append(enrolment.person.full_name)
    _tell_officers(None, training_class, summary)


def results(*, enrolment: Enrolment) -> None:
    """The learner's results; a grid saved again with the same results tells them nothing."""
    training_class = enrolment.training_class
    announce(
        recipients=accounts_of([enrolment.person_id]),
        kind="results_recorded",
        url=_page(training_class),
        unless_repeated=True,
        **_about(training_class),
        attendance=enrolment.attendance_percent,
        score=None if enrolment.score is None else str(enrolment.score),
        passed=enrolment.passed,
    )


def certificates(*, records: Iterable[TrainingRecord]) -> None:
    """Each learner whose certificate was numbered."""
    records = list(records)
    accounts = _accounts(r.person_id for r in records)
    for record in records:
        if accounts[record.person_id]:
            announce(
                recipients=accounts[record.person_id],
                kind="certificate_issued",
                url=reverse("training:certificate", args=[record.pk]),
                number=record.certificate_number,
                title=record.title,
                date=_day(record.certificate_issued_on),
                organiser=record.organiser.name if record.organiser_id else "—",
            )


IN_THE_CLASS = (EnrolmentStatus.NOMINATED, EnrolmentStatus.ACCEPTED, EnrolmentStatus.WAITLISTED)


def _nominees(training_class: TrainingClass, statuses):
    people = Enrolment.objects.filter(training_class=training_class, status__in=statuses)
    return accounts_of(set(people.values_list("person_id", flat=True)))


def _shown(name: str, value) -> str:
    if value in (None, ""):
        return "—"
    if name in ("start_date", "end_date"):
        return _day(value)
    if name == "form":
        return str(Form(value).label)
    return str(value)


def changed(*, user, training_class: TrainingClass, before: dict) -> None:
    """Dates, venue or form of a class changed: told to those accepted or waiting for it (a
    class's other fields are the organiser's business). Written in the system's language, as
    every mail (notifications.kinds)."""
    with translation.override(settings.LANGUAGE_CODE):
        changes = "; ".join(
            f"{TrainingClass._meta.get_field(name).verbose_name}: "
            f"{_shown(name, old)} → {_shown(name, getattr(training_class, name))}"
            for name, old in before.items()
            if old != getattr(training_class, name)
        )
    if not changes:
        return
    announce(
        recipients=_but(
            _nominees(training_class, (EnrolmentStatus.ACCEPTED, EnrolmentStatus.WAITLISTED)),
            user,
        ),
        kind="class_changed",
        url=_page(training_class),
        attachments=calendar_file(training_class),  # the same UID: the calendar event moves
        **_about(training_class),
        changes=changes,
    )


def cancelled(*, user, training_class: TrainingClass, reason: str) -> None:
    """A cancelled class: everyone still in it (nominated, accepted or waiting) is told why."""
    announce(
        recipients=_but(_nominees(training_class, IN_THE_CLASS), user),
        kind="class_cancelled",
        url=_page(training_class),
        attachments=calendar_file(training_class),  # STATUS:CANCELLED: the event is called off
        **_about(training_class),
        comment=reason,
    )


def calendar_file(training_class: TrainingClass) -> list[dict]:
    """The class as an .ics for the accepted learner's calendar (issue 24 §3: "every class
    (and each of its sessions) as an .ics attached to the acceptance mail"), in the system's
    language as the notice is."""
    with translation.override(settings.LANGUAGE_CODE):
        content = calendar.class_calendar(training_class).decode()
    return [
        {
            "name": calendar.file_name(training_class),
            "content_type": "text/calendar",
            "content": content,
        }
    ]
