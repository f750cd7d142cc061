"""The life of a class: create, open, nominate, accept within capacity, run, record results,
certify, close. Pages, API and imports all call these."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import WRITE, Data, check_may_write, is_system, may
from accounts.scope import in_scope
from lib import locks, uploads
from lib.bulk import lookups_in
from lib.dates import today
from people.models import Person
from training import notices, validity
from training.models import (
    ClassCorrection,
    ClassStatus,
    Enrolment,
    EnrolmentStatus,
    Feedback,
    TrainingClass,
    TrainingRecord,
)
from units.models import Unit
from units.places import is_within

# Which status may follow which. Going back from "open" to "planned" closes nominations.
# A class is cancelled only before it runs: one that ran has attendances and records.
NEXT_STATUS = {
    ClassStatus.PLANNED: {ClassStatus.OPEN, ClassStatus.CANCELLED},
    ClassStatus.OPEN: {ClassStatus.PLANNED, ClassStatus.RUNNING, ClassStatus.CANCELLED},
    ClassStatus.RUNNING: {ClassStatus.CLOSED},
    ClassStatus.CLOSED: set(),
    ClassStatus.CANCELLED: set(),
}

# What a nominee plans their days by: a change to one of these is told to those in the class.
TOLD_CHANGES = ("start_date", "end_date", "venue", "form")


def _require_writer(user, kind=Data.CLASSES) -> None:
    """Training records and lecturers are changed by those whose role may change them
    (accounts.access)."""
    if not is_system(user) and not may(user, kind, WRITE):
        raise ValidationError(_("Your role may not change this data."))


def _require_organiser_scope(user, training_class: TrainingClass) -> None:
    if not is_system(user) and not (
        may(user, Data.CLASSES, WRITE) and in_scope(user, training_class.organiser)
    ):
        raise ValidationError(
            _("Only the organiser of the class (or a unit above it) can do this.")
        )


def _log_if_closed(user, training_class: TrainingClass, what: str) -> None:
    """Closed classes are read-only except corrections by the organiser, which are logged."""
    if training_class.status != ClassStatus.CLOSED:
        return
    if is_system(user) or user.unit_id != training_class.organiser_id:
        raise ValidationError(_("The class is closed: only its organiser can correct it."))
    ClassCorrection.objects.create(training_class=training_class, user=user, what=what[:500])


def _set_relations(training_class, relations: dict) -> None:
    for name, values in relations.items():
        if values is not None:
            getattr(training_class, name).set(values)


@transaction.atomic
def class_create(
    *, user, organiser: Unit, topics, co_organisers=(), partners=(), invited_units=(), **fields
) -> TrainingClass:
    check_may_write(user, organiser, Data.CLASSES, "organiser")
    training_class = TrainingClass(organiser=organiser, **fields)
    _validate_class(training_class, topics)
    training_class.save()
    _set_relations(
        training_class,
        {
            "topics": topics,
            "co_organisers": co_organisers,
            "partners": partners,
            "invited_units": invited_units,
        },
    )
    return training_class


def _validate_class(training_class: TrainingClass, topics) -> None:
    errors = {}
    if (
        training_class.end_date
        and training_class.start_date
        and training_class.end_date < training_class.start_date
    ):
        errors["end_date"] = _("The end date cannot be before the start date.")
    if topics is not None and not list(topics):
        errors["topics"] = _("Choose at least one topic.")
    if errors:
        raise ValidationError(errors)
    training_class.full_clean(exclude=["topics"])


def class_places_lock(class_ids: Iterable[int]) -> dict[int, int]:
    """Lock the classes' rows until the transaction ends and return each one's capacity as it
    is now. Every path that accepts participants or changes a capacity calls this (or locks
    the one class's row, as `_decidable` does) before it counts the accepted: the count then
    stays true until it commits, so capacity holds whichever paths run at the same moment.
    Rows are locked in order of id, so transactions locking several classes never wait for
    each other in a circle. (SQLite has no row locks; its writers take the database's write
    lock when their transaction begins, which serialises them anyway.)"""
    capacities, ids = {}, sorted(set(class_ids))
    for lookup in lookups_in("pk", ids) if ids else ():
        capacities.update(
            TrainingClass.objects.select_for_update()
            .filter(**lookup)
            .order_by("pk")
            .values_list("pk", "capacity")
        )
    return capacities


@transaction.atomic
def class_update(
    *,
    user,
    training_class: TrainingClass,
    topics=None,
    co_organisers=None,
    partners=None,
    invited_units=None,
    **fields,
) -> TrainingClass:
    _require_organiser_scope(user, training_class)
    if training_class.status == ClassStatus.CANCELLED:
        raise ValidationError(_("The class is cancelled: it can no longer be changed."))
    changed = [
        f"{k}: {getattr(training_class, k)} → {v}"
        for k, v in fields.items()
        if getattr(training_class, k) != v
    ]
    before = {name: getattr(training_class, name) for name in TOLD_CHANGES}
    _log_if_closed(user, training_class, "; ".join(changed) or "relations")
    # Counted under the class's lock: an acceptance or an import under way commits first and
    # is counted, and none can start before this transaction ends.
    class_places_lock([training_class.pk])
    enrolled = _accepted_count(training_class)
    if fields.get("capacity") is not None and fields["capacity"] < enrolled:
        raise ValidationError(
            {"capacity": _("%(n)s people are already accepted.") % {"n": enrolled}}
        )
    for name, value in fields.items():
        setattr(training_class, name, value)
    _validate_class(training_class, topics)
    training_class.save()
    if training_class.status == ClassStatus.OPEN:
        _fill_seats(training_class)  # a larger class takes the waiting list in order
    if training_class.status in (ClassStatus.OPEN, ClassStatus.RUNNING):
        notices.changed(user=user, training_class=training_class, before=before)
    _set_relations(
        training_class,
        {
            "topics": topics,
            "co_organisers": co_organisers,
            "partners": partners,
            "invited_units": invited_units,
        },
    )
    return training_class


@transaction.atomic
def class_set_status(
    *, user, training_class: TrainingClass, status: str, reason: str = ""
) -> TrainingClass:
    """Move a class to its next status. Cancelling takes a reason, which everyone nominated
    to it is told."""
    _require_organiser_scope(user, training_class)
    if status not in ClassStatus.values:
        raise ValidationError(
            {
                "status": _("Select a valid choice. %(value)s is not one of the available choices.")
                % {"value": status}
            }
        )
    if status not in NEXT_STATUS[training_class.status]:
        raise ValidationError(
            {
                "status": _("A class that is %(old)s cannot become %(new)s.")
                % {"old": training_class.get_status_display(), "new": ClassStatus(status).label}
            }
        )
    _check_status_dates(training_class, status)
    if status == ClassStatus.CANCELLED and not reason.strip():
        raise ValidationError({"reason": _("Give the reason the class is cancelled.")})
    was_open = training_class.status == ClassStatus.OPEN
    training_class.status = status
    training_class.save(update_fields=["status"])
    if status == ClassStatus.CANCELLED:
        notices.cancelled(user=user, training_class=training_class, reason=reason.strip())
    if was_open and status != ClassStatus.OPEN:
        # Nobody is decided once the class has begun (or is cancelled): the waiting list
        # closes with it, each told why, instead of waiting for ever.
        closing = list(_waiting_list(training_class))
        _waiting_list(training_class).update(
            status=EnrolmentStatus.REJECTED,
            reason=str(_("The waiting list closed when the class stopped taking people.")),
            decided_at=timezone.now(),
        )
        if status != ClassStatus.CANCELLED:  # a cancellation was told in its own words
            notices.decided(user=user, training_class=training_class, enrolments=closing)
    return training_class


def _accepted_count(training_class: TrainingClass) -> int:
    """The seats taken (the caller holds the class's lock, so the count holds)."""
    return Enrolment.objects.filter(
        training_class=training_class, status=EnrolmentStatus.ACCEPTED
    ).count()


def _waiting_list(training_class: TrainingClass):
    """The waiting list, in the order people were put on it."""
    return Enrolment.objects.filter(
        training_class=training_class, status=EnrolmentStatus.WAITLISTED
    ).order_by("decided_at", "pk")


def waiting_position(enrolment: Enrolment) -> int | None:
    """A waitlisted nomination's place on its class's waiting list (1: the next to move up)."""
    if enrolment.status != EnrolmentStatus.WAITLISTED:
        return None
    order = list(_waiting_list(enrolment.training_class_id).values_list("pk", flat=True))
    return order.index(enrolment.pk) + 1


def _fill_seats(training_class: TrainingClass) -> list[Enrolment]:
    """Move people up from the waiting list, in its order, while the class has free seats
    (the caller holds the class's lock) — unless its organiser chose to fill them by hand
    (issue 24 §6: accepting someone on the waiting list then seats them)."""
    if not training_class.auto_promote:
        return []
    free = training_class.capacity - _accepted_count(training_class)
    promoted = list(_waiting_list(training_class).select_related("person")[: max(free, 0)])
    for enrolment in promoted:
        enrolment.status = EnrolmentStatus.ACCEPTED
        enrolment.decided_at = timezone.now()
        enrolment.save(update_fields=["status", "decided_at"])
    notices.promoted(training_class=training_class, enrolments=promoted)
    return promoted


def _check_status_dates(training_class: TrainingClass, status: str) -> None:
    """A class's status follows its dates: it runs from its first day and closes from its
    last (a class "running" before it starts, or closed before it ends, gave records and
    certificates of training that had not happened)."""
    day = today()
    if status == ClassStatus.RUNNING and training_class.start_date > day:
        raise ValidationError(
            {
                "status": _("The class starts on %(date)s: it cannot be running before then.")
                % {"date": f"{training_class.start_date:%d/%m/%Y}"}
            }
        )
    if status == ClassStatus.CLOSED and training_class.end_date > day:
        raise ValidationError(
            {
                "status": _("The class ends on %(date)s: it cannot be closed before then.")
                % {"date": f"{training_class.end_date:%d/%m/%Y}"}
            }
        )


def _may_nominate_to(user, training_class: TrainingClass) -> bool:
    """Units under the organiser nominate; so do invited units and their sub-units."""
    unit = user.unit
    if is_within(unit, training_class.organiser):
        return True
    return any(is_within(unit, invited) for invited in training_class.invited_units.all())


@transaction.atomic
def enrolment_nominate(
    *, user, training_class: TrainingClass, person: Person
) -> tuple[Enrolment, list[str]]:
    """Nominate one of the nominating unit's own people. Returns the enrolment and warnings."""
    if training_class.status != ClassStatus.OPEN:
        raise ValidationError(_("The class is not open for nominations."))
    if not _may_nominate_to(user, training_class):
        raise ValidationError(_("Your unit is not invited to this class."))
    if not in_scope(user, person.unit):
        raise ValidationError(
            {"person": _("%(name)s is outside your unit's subtree.") % {"name": person.full_name}}
        )
    if Enrolment.objects.filter(training_class=training_class, person=person).exists():
        raise ValidationError(
            {
                "person": _("%(name)s is already nominated to this class.")
                % {"name": person.full_name}
            }
        )
    enrolment = Enrolment.objects.create(
        training_class=training_class, person=person, nominating_unit=user.unit
    )
    notices.nominated(user=user, enrolment=enrolment)
    return enrolment, [
        *_chair_duty_warnings(training_class, person),
        *_already_met_warnings(training_class, person),
    ]


def _already_met_warnings(training_class: TrainingClass, person: Person) -> list[str]:
    from training.selectors import targets_already_met

    return [
        _(
            "%(name)s has already met target %(code)s (%(target)s) with “%(record)s” of "
            "%(date)s: this class does not add to it."
        )
        % {
            "name": person.full_name,
            "code": o.target.code,
            "target": o.target.name,
            "record": o.record.title if o.record else "—",
            "date": f"{o.record.completed_on:%d/%m/%Y}" if o.record else "—",
        }
        for o in targets_already_met(training_class, person)
    ]


def _chair_duty_warnings(training_class: TrainingClass, person: Person) -> list[str]:
    from training.selectors import chair_duty_unit  # selectors import services' models only

    warnings = []
    for position in (
        person.positions.active_on(training_class.start_date)
        .filter(role__code="chair", unit__kind__level__code="grassroots")
        .select_related("unit")
    ):
        duty = chair_duty_unit(position.unit, training_class.start_date)
        if duty is not None and duty.pk != training_class.organiser_id:
            warnings.append(
                _("%(name)s chairs %(unit)s, whose chair is trained by %(duty)s.")
                % {"name": person.full_name, "unit": position.unit.name, "duty": duty.name}
            )
    return warnings


def _decidable(user, enrolment: Enrolment) -> TrainingClass:
    return _decidable_class(user, enrolment.training_class_id)


def _decidable_class(user, class_id: int) -> TrainingClass:
    # Lock the class row (only it: not its organiser's unit, which would serialise every class
    # of that unit and meet the units' own locks): acceptances of one class are serialised,
    # so capacity holds.
    training_class = (
        TrainingClass.objects.select_for_update(of=("self",))
        .select_related("organiser")
        .get(pk=class_id)
    )
    _require_organiser_scope(user, training_class)
    if training_class.status != ClassStatus.OPEN:
        raise ValidationError(_("Nominations can only be decided while the class is open."))
    return training_class


def _place(training_class: TrainingClass, enrolment: Enrolment) -> None:
    """Give a nomination a seat, or a place at the end of the waiting list once the class is
    full (the caller holds the class's lock)."""
    seat = _accepted_count(training_class) < training_class.capacity
    if enrolment.status == EnrolmentStatus.ACCEPTED or (
        enrolment.status == EnrolmentStatus.WAITLISTED and not seat
    ):
        return  # already seated, or keeps its place on the waiting list
    enrolment.status = EnrolmentStatus.ACCEPTED if seat else EnrolmentStatus.WAITLISTED
    enrolment.decided_at = timezone.now()
    enrolment.reason = ""
    enrolment.save(update_fields=["status", "decided_at", "reason"])


def _reject(enrolment: Enrolment, reason: str) -> bool:
    """Reject; True when it freed a seat."""
    freed = enrolment.status == EnrolmentStatus.ACCEPTED
    enrolment.status = EnrolmentStatus.REJECTED
    enrolment.reason = reason.strip()[:255]
    enrolment.decided_at = timezone.now()
    enrolment.save(update_fields=["status", "reason", "decided_at"])
    return freed


def _require_reason(reason: str) -> None:
    if not reason.strip():
        raise ValidationError({"reason": _("Give a reason for the rejection.")})


@transaction.atomic
def enrolment_accept(*, user, enrolment: Enrolment) -> Enrolment:
    """Accept within capacity; once the class is full the nomination goes to the waiting list."""
    training_class = _decidable(user, enrolment)
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    _place(training_class, enrolment)
    notices.decided(user=user, training_class=training_class, enrolments=[enrolment])
    return enrolment


@transaction.atomic
def enrolment_reject(*, user, enrolment: Enrolment, reason: str) -> Enrolment:
    """Reject; a seat it frees goes to the first on the waiting list (`promoted` on the
    returned enrolment lists who moved up)."""
    training_class = _decidable(user, enrolment)
    _require_reason(reason)
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    freed = _reject(enrolment, reason)
    enrolment.promoted = _fill_seats(training_class) if freed else []
    notices.decided(user=user, training_class=training_class, enrolments=[enrolment])
    return enrolment


WITHDRAWABLE = (EnrolmentStatus.NOMINATED, EnrolmentStatus.ACCEPTED, EnrolmentStatus.WAITLISTED)


@transaction.atomic
def enrolment_withdraw(*, user, enrolment: Enrolment, reason: str = "") -> Enrolment:
    """The nominating unit (or the organiser) takes a nomination back before the class runs.
    A seat it frees goes to the first on the waiting list (`promoted` lists who moved up)."""
    training_class = (
        TrainingClass.objects.select_for_update(of=("self",))
        .select_related("organiser")
        .get(pk=enrolment.training_class_id)
    )
    enrolment = (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("person", "nominating_unit")
        .get(pk=enrolment.pk)
    )
    _require_writer(user)
    if not is_system(user) and not (
        in_scope(user, enrolment.nominating_unit) or in_scope(user, training_class.organiser)
    ):
        raise ValidationError(
            _("Only the nominating unit or the organiser can withdraw this nomination.")
        )
    if training_class.status not in (ClassStatus.PLANNED, ClassStatus.OPEN):
        raise ValidationError(_("A nomination can only be withdrawn before the class runs."))
    if enrolment.status not in WITHDRAWABLE:
        raise ValidationError(_("This nomination is no longer in the class."))
    freed = enrolment.status == EnrolmentStatus.ACCEPTED
    enrolment.status = EnrolmentStatus.WITHDRAWN
    enrolment.reason = reason.strip()[:255]
    enrolment.decided_at = timezone.now()
    enrolment.save(update_fields=["status", "reason", "decided_at"])
    enrolment.promoted = (
        _fill_seats(training_class) if freed and training_class.status == ClassStatus.OPEN else []
    )
    return enrolment


DECISIONS = ("accept", "waitlist", "reject")


@dataclass
class Decided:
    """What one decision on many nominations did, to be told to the officer."""

    accepted: list[Enrolment] = field(default_factory=list)
    waitlisted: list[Enrolment] = field(default_factory=list)
    rejected: list[Enrolment] = field(default_factory=list)
    promoted: list[Enrolment] = field(default_factory=list)


@transaction.atomic
def enrolments_decide(
    *,
    user,
    training_class: TrainingClass,
    enrolments: Iterable[Enrolment],
    decision: str,
    reason: str = "",
) -> Decided:
    """One decision on many nominations of a class, as the officer ticks them in the list:
    accepted in the order they were nominated while seats last, then onto the waiting list;
    moved to the waiting list (after those already on it); or rejected with one reason. Seats
    that rejections or moves free go to the waiting list in its order, as for one decision."""
    if decision not in DECISIONS:
        raise ValidationError(_("Choose what to do with the ticked nominations."))
    training_class = _decidable_class(user, training_class.pk)
    if decision == "reject":
        _require_reason(reason)
    chosen = list(
        Enrolment.objects.select_for_update()
        .select_related("person")
        .filter(training_class=training_class, pk__in=[e.pk for e in enrolments])
        .order_by("nominated_at", "pk")
    )
    if not chosen:
        raise ValidationError(_("Tick at least one nomination."))
    done, freed = Decided(), False
    for enrolment in chosen:
        if decision == "accept":
            _place(training_class, enrolment)
        elif decision == "reject":
            freed |= _reject(enrolment, reason)
        elif enrolment.status != EnrolmentStatus.WAITLISTED:
            freed |= enrolment.status == EnrolmentStatus.ACCEPTED
            enrolment.status = EnrolmentStatus.WAITLISTED
            enrolment.decided_at = timezone.now()
            enrolment.reason = ""
            enrolment.save(update_fields=["status", "decided_at", "reason"])
        {
            EnrolmentStatus.ACCEPTED: done.accepted,
            EnrolmentStatus.WAITLISTED: done.waitlisted,
            EnrolmentStatus.REJECTED: done.rejected,
        }[enrolment.status].append(enrolment)
    if freed:
        moved = {e.pk for e in chosen}
        done.promoted = [e for e in _fill_seats(training_class) if e.pk not in moved]
    notices.decided(user=user, training_class=training_class, enrolments=chosen)
    return done


@transaction.atomic
def results_record(
    *, user, enrolment: Enrolment, attendance_percent: int | None, score, passed: bool | None
) -> Enrolment:
    """Results exist only once the class runs; passing writes the person's training record."""
    enrolment = (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("training_class__organiser", "person")
        .get(pk=enrolment.pk)
    )
    training_class = enrolment.training_class
    _require_organiser_scope(user, training_class)
    if training_class.status not in (ClassStatus.RUNNING, ClassStatus.CLOSED):
        raise ValidationError(_("Results can only be recorded once the class is running."))
    if enrolment.status != EnrolmentStatus.ACCEPTED:
        raise ValidationError(_("Only accepted participants have results."))
    # Issue 24 §4: a class with sessions has its attendance from them, whatever was typed.
    from training.attendance import attendance_percentages

    attendance_percent = attendance_percentages(training_class).get(
        enrolment.pk, attendance_percent
    )
    _log_if_closed(
        user,
        training_class,
        f"results of {enrolment.person}: {attendance_percent}% / {score} / {passed}",
    )
    enrolment.attendance_percent, enrolment.score, enrolment.passed = (
        attendance_percent,
        score,
        passed,
    )
    enrolment.full_clean()
    enrolment.save()
    if passed:
        _write_record(enrolment)
    else:
        TrainingRecord.objects.filter(enrolment=enrolment).delete()
    notices.results(enrolment=enrolment)
    return enrolment


@transaction.atomic
def results_record_many(
    *, user, training_class: TrainingClass, results: list[tuple[Enrolment, dict]]
) -> list[Enrolment]:
    """The results grid of a class: every row is saved, or none when one is refused — each
    refusal names its person, so an officer fixes the rows of a pasted column at once."""
    _require_organiser_scope(user, training_class)
    if training_class.status not in (ClassStatus.RUNNING, ClassStatus.CLOSED):
        raise ValidationError(_("Results can only be recorded once the class is running."))
    problems: list[str] = []
    saved = []
    for enrolment, values in results:
        if enrolment.training_class_id != training_class.pk:
            raise ValidationError(_("Only participants of this class have results here."))
        try:
            with transaction.atomic():
                saved.append(results_record(user=user, enrolment=enrolment, **values))
        except ValidationError as error:
            name = enrolment.person.full_name
            problems += [f"{name}: {message}" for message in error.messages]
    if problems:
        raise ValidationError(problems)
    return saved


def _write_record(enrolment: Enrolment) -> TrainingRecord:
    c = enrolment.training_class
    topics = list(c.topics.all())
    defaults = {
        "person": enrolment.person,
        "training_class": c,
        "title": c.name,
        "programme": c.programme,
        "hours": c.hours,
        "completed_on": c.end_date,
        "form": c.form,
        "organiser": c.organiser,
    }
    expires = validity.expires_on(c.end_date, c.programme, topics)
    record, created = TrainingRecord.objects.update_or_create(
        enrolment=enrolment, defaults=defaults, create_defaults={**defaults, "expires_on": expires}
    )
    # Results saved again follow the class, but a signed certificate keeps the day it printed.
    if not created and record.expires_on != expires and not record.certificate_number:
        record.expires_on = expires
        record.save(update_fields=["expires_on"])
    record.topics.set(topics)
    return record


def _require_certifier(user, record: TrainingRecord) -> None:
    if record.organiser is None:
        raise ValidationError(_("Only records of a class have a certificate from the system."))
    if not is_system(user) and not (
        may(user, Data.CLASSES, WRITE) and in_scope(user, record.organiser)
    ):
        raise ValidationError(
            _("Only the organiser of the class (or a unit above it) can do this.")
        )
    ended = record.training_class.end_date if record.training_class_id else None
    if ended is not None and ended > today():
        raise ValidationError(
            _("Certificates are numbered once the class has ended (on %(date)s).")
            % {"date": f"{ended:%d/%m/%Y}"}
        )


def _numbered_by(organiser: Unit, year: int):
    """The certificates an organiser numbered in a year, locked: numbers are handed out one
    at a time per organiser and year (the named lock also covers a year with none numbered
    yet, where there is no row to lock: two officers' first certificates met at 00001)."""
    locks.hold(f"certificate-numbers:{organiser.pk}:{year}")
    return TrainingRecord.objects.select_for_update().filter(
        organiser=organiser, certificate_year=year
    )


def _next_number(same) -> int:
    last = same.aggregate(n=Max("certificate_number"))["n"] or "0"
    head = last.split("/")[0]
    return int(head) + 1 if head.isdigit() else 1


def _sign(record: TrainingRecord, number: str, year: int, text: dict) -> None:
    record.certificate_number, record.certificate_year = number, year
    record.certificate_issued_on, record.certificate_signed = today(), text
    record.save(
        update_fields=[
            "certificate_number",
            "certificate_year",
            "certificate_issued_on",
            "certificate_signed",
        ]
    )


@transaction.atomic
def certificate_issue(*, user, record: TrainingRecord, number: str = "") -> TrainingRecord:
    """Number a certificate: unique per organiser and year; the next free number if none given.
    It is dated today and keeps what its organiser's template says today (signer, place)."""
    from training.certificates import signed_text, template_for

    _require_certifier(user, record)
    year = record.completed_on.year
    same = _numbered_by(record.organiser, year).exclude(pk=record.pk)
    number = number.strip() or f"{_next_number(same):05d}"
    if same.filter(certificate_number=number).exists():
        raise ValidationError(
            {
                "certificate_number": _(
                    "Certificate number %(number)s is already used by %(unit)s in %(year)s."
                )
                % {"number": number, "unit": record.organiser.name, "year": year}
            }
        )
    _sign(record, number, year, signed_text(template_for(record.organiser)))
    notices.certificates(records=[record])
    return record


@transaction.atomic
def certificates_issue_class(*, user, training_class: TrainingClass) -> list[TrainingRecord]:
    """Number every certificate of a class not numbered yet, in the order of the participants'
    names, as one signing: the next free numbers of the organiser's year, one date, one text."""
    from training.certificates import signed_text, template_for

    records = list(
        training_class.records.filter(certificate_number="")
        .select_related("organiser", "training_class", "person")
        .order_by("person__sort_key", "pk")
    )
    if not records:
        raise ValidationError(_("Every certificate of this class is numbered already."))
    for record in records:
        _require_certifier(user, record)
    text = signed_text(template_for(training_class.organiser))
    by_year: dict[int, int] = {}
    for record in records:
        year = record.completed_on.year
        if year not in by_year:
            by_year[year] = _next_number(_numbered_by(record.organiser, year))
        _sign(record, f"{by_year[year]:05d}", year, text)
        by_year[year] += 1
    notices.certificates(records=records)
    return records


@transaction.atomic
def certificate_template_save(*, user, unit: Unit, logo=None, remove_logo=False, **fields):
    """An organiser's certificate template: its officers (or those above) keep it. What is
    already issued keeps the text it was signed with."""
    from training.certificates import clean_logo, template_for
    from training.models import CertificateTemplate

    _require_writer(user)
    if not is_system(user) and not in_scope(user, unit):
        raise ValidationError(
            _("Only the organiser of the class (or a unit above it) can do this.")
        )
    template = template_for(unit)
    if template.pk is not None:
        template = CertificateTemplate.objects.select_for_update().get(pk=template.pk)
    for name, value in fields.items():
        setattr(template, name, value)
    if logo is not None:
        template.logo = clean_logo(logo)
    elif remove_logo:
        template.logo = b""
    template.full_clean()
    template.save()
    return template


SCAN_MAX_MB = 10  # a certificate or decision scanned at 300 dpi, a few pages


def _check_scan(scan) -> None:
    """A record's scan is a PDF or a picture by its content (it is kept as evidence, and
    what a user uploads must never become a page of this site)."""
    limit = SCAN_MAX_MB * 1024 * 1024
    try:
        uploads.check(
            uploads.head_of(scan),
            scan.size,
            kinds={"pdf": limit, "jpeg": limit, "png": limit},
            what=_("The scan"),
        )
    except ValidationError as error:
        raise ValidationError({"scan": error.messages}) from None


def external_record_writer_check(user) -> None:
    """Who may enter training done elsewhere: a role that may change training records (an
    import asks once for its whole file)."""
    _require_writer(user)


def external_record_person_check(user, person, *, unit=None) -> None:
    """The person must be in the user's subtree (`unit`: their unit or its path, when
    `person` does not carry it)."""
    if not is_system(user) and not in_scope(user, person.unit if unit is None else unit):
        raise ValidationError(
            {"person": _("%(name)s is outside your unit's subtree.") % {"name": person.full_name}}
        )


def external_record_values(
    *,
    title: str,
    topics,
    completed_on: dt.date,
    certificate_number: str = "",
    programme=None,
    expires_on: dt.date | None = None,
) -> dict:
    """An external record's own rules, reading nothing (an import applies them to every row
    of a file): the title and certificate number trimmed, at least one topic, and its last
    valid day — the one its certificate states (not before it was completed), else the one
    its programme and topics give (training.validity). Returns those values, topics a list."""
    topics = list(topics)
    if not topics:
        raise ValidationError({"topics": _("Choose at least one topic.")})
    if expires_on is None:
        expires_on = validity.expires_on(completed_on, programme, topics)
    elif completed_on and expires_on < completed_on:
        raise ValidationError(
            {"expires_on": _("The training cannot expire before the day it was completed.")}
        )
    return {
        "title": title.strip(),
        "topics": topics,
        "certificate_number": certificate_number.strip(),
        "expires_on": expires_on,
    }


@transaction.atomic
def external_record_create(
    *,
    user,
    person: Person,
    title: str,
    topics,
    hours: int,
    completed_on: dt.date,
    form: str,
    institution=None,
    organiser=None,
    scan=None,
    certificate_number: str = "",
    programme=None,
    expires_on: dt.date | None = None,
) -> TrainingRecord:
    """Training done elsewhere (a political-theory school, a university, another body) —
    or by a union unit outside the classes kept here (`organiser`: T-003-4 counts a chair's
    training only when the level responsible organised it). Valid until `expires_on` when
    the body's certificate states it, else as long as its programme and topics say.

    imports.records writes a whole file with the same checks (the three functions above)."""
    external_record_writer_check(user)
    external_record_person_check(user, person)
    if scan:
        _check_scan(scan)
    values = external_record_values(
        title=title,
        topics=topics,
        completed_on=completed_on,
        certificate_number=certificate_number,
        programme=programme,
        expires_on=expires_on,
    )
    topics = values.pop("topics")
    record = TrainingRecord(
        person=person,
        hours=hours,
        completed_on=completed_on,
        form=form,
        institution=institution,
        organiser=organiser,
        programme=programme,
        scan=scan or "",
        **values,
    )
    record.full_clean(exclude=["topics", "verification_code"])
    record.save()
    record.topics.set(topics)
    return record


@transaction.atomic
def feedback_submit(*, user, enrolment: Enrolment, **answers) -> Feedback:
    """Each learner rates the class once, after it has started."""
    if is_system(user) or user.person_id != enrolment.person_id:
        raise ValidationError(_("Only the participant can give feedback."))
    if enrolment.status != EnrolmentStatus.ACCEPTED or enrolment.training_class.status not in (
        ClassStatus.RUNNING,
        ClassStatus.CLOSED,
    ):
        raise ValidationError(_("Feedback opens once the class has run."))
    if Feedback.objects.filter(enrolment=enrolment).exists():
        raise ValidationError(_("You have already given feedback on this class."))
    feedback = Feedback(enrolment=enrolment, **answers)
    feedback.full_clean()
    feedback.save()
    return feedback


@transaction.atomic
def lecturer_save(*, user, person: Person, kind: str, topics, pedagogy_trained_on=None):
    from training.models import Lecturer

    _require_writer(user, Data.LECTURERS)
    if not is_system(user) and not in_scope(user, person.unit):
        raise ValidationError(
            {
                "citizen_id": _("%(name)s is outside your unit's subtree.")
                % {"name": person.full_name}
            }
        )
    lecturer, _created = Lecturer.objects.update_or_create(
        person=person,
        defaults={"unit": person.unit, "kind": kind, "pedagogy_trained_on": pedagogy_trained_on},
    )
    lecturer.topics.set(topics)
    return lecturer


@transaction.atomic
def class_lecturer_add(*, user, training_class: TrainingClass, lecturer, hours: int):
    from training.models import ClassLecturer

    _require_organiser_scope(user, training_class)
    _log_if_closed(user, training_class, f"lecturer {lecturer}: {hours} h")
    if hours > training_class.hours:
        raise ValidationError(
            {"hours": _("A lecturer cannot teach more hours than the class has.")}
        )
    row, _created = ClassLecturer.objects.update_or_create(
        training_class=training_class, lecturer=lecturer, defaults={"hours": hours}
    )
    return row
