"""Writes to people and positions: one set of rules for pages, API, imports and the demo."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.access import Data, check_may_write, is_system
from accounts.scope import in_scope
from lib.periods import overlaps_q
from people import appointments
from people.models import Person, Position, Role, StartReason
from units.models import Reorganisation, ReorganisationKind, Term, Unit

PERSON_FIELDS = (
    "family_name",
    "middle_name",
    "given_name",
    "gender",
    "birth_date",
    "citizen_id",
    "ethnicity",
    "phone",
    "email",
    "address",
    "education_level",
    "political_theory",
    "foreign_language",
    "it_skill",
)
POSITION_FIELDS = (
    "role",
    "full_time",
    "start_date",
    "end_date",
    "term",
    "first_time_on_committee",
    "start_reason",
    "end_reason",
)


def check_unit_in_scope(user, unit: Unit | None, field: str = "unit") -> None:
    """People and their posts are written by those whose role may change them, in their
    subtree (accounts.access.check_may_write)."""
    check_may_write(user, unit, Data.PEOPLE, field)


# A citizen ID held by someone outside the user's subtree: the answer neither names them nor
# says where they are, and reads the same whatever the reason (security review: a Hà Nội
# officer must not learn who in Ninh Thuận holds an ID). The real case is a person who moved
# from another province: the level above both units moves their record.
CITIZEN_ID_UNAVAILABLE = gettext_lazy(
    "This citizen ID cannot be used here. If the person moved from another unit, ask the "
    "level above to move their record to your unit."
)


def citizen_id_holders(citizen_ids) -> dict[str, Person]:
    """Who holds each of these citizen IDs, in one query per few thousand IDs."""
    ids, holders = sorted({c for c in citizen_ids if c}), {}
    for i in range(0, len(ids), 5_000):
        chunk = ids[i : i + 5_000]
        for holder in Person.objects.select_related("unit").filter(citizen_id__in=chunk):
            holders[holder.citizen_id] = holder
    return holders


def check_citizen_id_free(user, person: Person, holders: dict[str, Person] | None = None) -> None:
    """A citizen ID belongs to one person. Held by someone the user sees (or by anyone, for
    the system itself: user None), the error names them, and carries them as its `holder`
    param for a link; held by anyone else, it says CITIZEN_ID_UNAVAILABLE. `holders`: the
    IDs' holders already looked up (citizen_id_holders), for many people at once."""
    if not person.citizen_id:
        return
    if holders is None:
        holders = citizen_id_holders([person.citizen_id])
    holder = holders.get(person.citizen_id)
    if holder is None or holder.pk == person.pk:
        return
    if is_system(user) or in_scope(user, holder.unit):
        raise ValidationError(
            {
                "citizen_id": ValidationError(
                    _(
                        "This citizen ID is already %(name)s's (%(unit)s): open their record "
                        "instead of adding them again."
                    ),
                    code="citizen_id_taken",
                    params={"name": holder.full_name, "unit": holder.unit.name, "holder": holder},
                )
            }
        )
    raise ValidationError(
        {"citizen_id": ValidationError(CITIZEN_ID_UNAVAILABLE, code="citizen_id_unavailable")}
    )


def citizen_id_holder(error: ValidationError) -> Person | None:
    """The person check_citizen_id_free named in `error`, if it did (for a link to them)."""
    for item in getattr(error, "error_dict", {}).get("citizen_id", []):
        if item.code == "citizen_id_taken":
            return item.params["holder"]
    return None


def _clean_person(user, person: Person, holders: dict[str, Person] | None = None) -> None:
    """The model's checks, with the citizen ID's uniqueness told as check_citizen_id_free
    tells it (Django's own "already exists" would say so for any person in the country).
    With `holders` (many new people at once) the unit is known to exist and the citizen IDs
    were looked up together: nothing here reads the database."""
    errors: dict = {}
    try:
        person.full_clean(validate_unique=False, exclude=["unit"] if holders is not None else None)
    except ValidationError as e:
        errors = e.update_error_dict(errors)
    if holders is None:
        try:
            person.validate_unique(exclude=["citizen_id"])
        except ValidationError as e:
            errors = e.update_error_dict(errors)
    if "citizen_id" not in errors:  # a malformed ID is reported as such, not looked up
        try:
            check_citizen_id_free(user, person, holders)
        except ValidationError as e:
            errors = e.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


def people_check_new(*, user, people: list[Person]) -> dict[int, ValidationError]:
    """person_create's checks for many new people at once (an import writes those that pass
    in bulk): each one's refusal by its index in `people`. The unit each is placed in must
    be one the user may write to; the citizen IDs are looked up in one query."""
    holders = citizen_id_holders(p.citizen_id for p in people)
    refused = {}
    for i, person in enumerate(people):
        try:
            check_unit_in_scope(user, person.unit)
            _clean_person(user, person, holders)
        except ValidationError as error:
            refused[i] = error
    return refused


@transaction.atomic
def person_create(*, user, unit: Unit, **fields) -> Person:
    check_unit_in_scope(user, unit)
    person = Person(unit=unit, **{k: v for k, v in fields.items() if k in PERSON_FIELDS})
    _clean_person(user, person)
    person.save()
    return person


@transaction.atomic
def person_update(*, user, person: Person, unit: Unit | None = None, **fields) -> Person:
    check_unit_in_scope(user, person.unit)
    if unit is not None:
        check_unit_in_scope(user, unit)
        person.unit = unit
    for name, value in fields.items():
        if name in PERSON_FIELDS:
            setattr(person, name, value)
    _clean_person(user, person)
    person.save()
    return person


def _term_covering(unit: Unit, day: dt.date) -> Term | None:
    return Term.objects.in_force_on(day).filter(unit=unit).first()


def _merged_into(source_id: int, unit: Unit) -> bool:
    """A cadre carried over by a merger keeps the term they were elected for."""
    return Reorganisation.objects.filter(
        kind=ReorganisationKind.MERGE, unit_id=source_id, other_unit=unit
    ).exists()


def position_errors(position: Position) -> dict:
    """A position's own rules, field by field (its dates, its unit's life, its term): what
    _validate_position refuses before the post's rules; an import checks many with it."""
    errors = {}
    if position.end_date and position.start_date and position.end_date < position.start_date:
        errors["end_date"] = _("The end date cannot be before the start date.")
    if position.end_date and not position.end_reason:
        errors["end_reason"] = _("Say how the position ended.")
    if position.end_reason and not position.end_date:
        errors["end_date"] = _("An end reason needs an end date.")
    unit = position.unit
    if position.start_date and unit.founded_on and position.start_date < unit.founded_on:
        errors["start_date"] = _("Unit %(code)s was founded on %(day)s.") % {
            "code": unit.code,
            "day": unit.founded_on.strftime("%d/%m/%Y"),
        }
    if position.start_date and unit.dissolved_on and position.start_date >= unit.dissolved_on:
        errors["start_date"] = _("Unit %(code)s was dissolved on %(day)s.") % {
            "code": unit.code,
            "day": unit.dissolved_on.strftime("%d/%m/%Y"),
        }
    if (
        position.term_id
        and position.term.unit_id != unit.pk
        and not _merged_into(position.term.unit_id, unit)
    ):
        errors["term"] = _("The term belongs to another unit.")
    return errors


def _validate_position(position: Position, *, check_post: bool = True) -> None:
    errors = position_errors(position)
    if errors:
        raise ValidationError(errors)
    if check_post and position.start_date and position.role_id:
        check_post_free(
            person=position.person,
            unit=position.unit,
            role=position.role,
            start_date=position.start_date,
            end_date=position.end_date,
            exclude=position.pk,
        )
    position.full_clean()


# Who may hold a post, and when (issue 19: a unit got three chairs at once, from an import,
# "Thêm chức vụ" and the one it had, and nothing warned).
SOLE_HELD_SINCE = gettext_lazy(
    "Unit %(unit)s already has a %(role)s (%(person)s) since %(date)s: end that position first."
)
SOLE_HELD_FROM = gettext_lazy(
    "Unit %(unit)s has a %(role)s (%(person)s) from %(date)s: this position must end before "
    "that day."
)
SOLE_HELD_BETWEEN = gettext_lazy(
    "Unit %(unit)s has a %(role)s (%(person)s) from %(start)s to %(end)s: one person holds this "
    "post at a time."
)
HOLDERS_FULL = gettext_lazy(
    "On %(date)s unit %(unit)s already has %(count)s people as %(role)s: no more than "
    "%(limit)s may hold this post at once."
)
HELD_TWICE_SINCE = gettext_lazy(
    "%(person)s already holds this post in this unit over overlapping dates (since %(start)s)."
)
HELD_TWICE_BETWEEN = gettext_lazy(
    "%(person)s already holds this post in this unit over overlapping dates (%(start)s to %(end)s)."
)


def _day(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def _overlapping(
    unit: Unit, role: Role, start: dt.date, end: dt.date | None, exclude: int | None
) -> list[Position]:
    """The unit's periods of `role` sharing a day with [start, end] (both inclusive)."""
    periods = Position.objects.filter(overlaps_q(start, end), unit=unit, role=role)
    return list(periods.exclude(pk=exclude).select_related("person").order_by("start_date", "id"))


def _busiest_day(
    periods: list[Position], start: dt.date, end: dt.date | None
) -> tuple[list[Position], dt.date]:
    """The most `periods` in force on one day of [start, end], and the first such day: the
    count only rises on a day a period starts, so those days are the only ones to look at."""
    days = sorted({start} | {p.start_date for p in periods if p.start_date > start})
    best: tuple[list[Position], dt.date] = ([], start)
    for day in days:
        if end is not None and day > end:
            break
        held = [p for p in periods if p.is_active_on(day)]
        if len(held) > len(best[0]):
            best = (held, day)
    return best


def _full_message(unit: Unit, role: Role, held: list[Position], day: dt.date, start: dt.date):
    if role.max_holders != 1:
        return HOLDERS_FULL % {
            "date": _day(day),
            "unit": unit.name,
            "count": len(held),
            "role": role,
            "limit": role.max_holders,
        }
    other = held[0]
    names = {"unit": unit.name, "role": role, "person": other.person.full_name}
    if other.end_date is not None:
        return SOLE_HELD_BETWEEN % {
            **names,
            "start": _day(other.start_date),
            "end": _day(other.end_date),
        }
    if other.start_date <= start:
        return SOLE_HELD_SINCE % {**names, "date": _day(other.start_date)}
    return SOLE_HELD_FROM % {**names, "date": _day(other.start_date)}


def check_post_free(
    *,
    person: Person,
    unit: Unit,
    role: Role,
    start_date: dt.date,
    end_date: dt.date | None,
    exclude: int | None = None,
) -> None:
    """The two rules of a post, for a period about to be written (`exclude`: the position's own
    id when it is edited): a person holds the same post in the same unit once at a time, and
    no more people hold it in the unit on any day than its role allows (`Role.max_holders`:
    a chair one, vice-chairs several). Periods are inclusive at both ends.

    Call it inside the write's transaction: it locks the unit's row first, so two writes of
    posts of one unit at the same moment take turns and the second sees the first (SQLite
    already serialises writers, BEGIN IMMEDIATE)."""
    list(Unit.objects.select_for_update().filter(pk=unit.pk).values_list("pk", flat=True))
    periods = _overlapping(unit, role, start_date, end_date, exclude)
    refusal = post_refusal(
        person=person,
        unit=unit,
        role=role,
        start_date=start_date,
        end_date=end_date,
        periods=periods,
    )
    if refusal is not None:
        raise refusal


def post_refusal(
    *,
    person: Person,
    unit: Unit,
    role: Role,
    start_date: dt.date,
    end_date: dt.date | None,
    periods: list[Position],
) -> ValidationError | None:
    """check_post_free's two rules on the unit's periods of `role` sharing a day with
    [start_date, end_date] (the position's own left out), ordered by start date then id, each
    with its person: the refusal, or None. Reads nothing, so an import applies it to a whole
    file's posts with the periods read at once."""
    own = next((p for p in periods if p.person_id == person.pk), None)
    if own is not None:
        names = {"person": person.full_name, "start": _day(own.start_date)}
        if own.end_date is None:
            message = HELD_TWICE_SINCE % names
        else:
            message = HELD_TWICE_BETWEEN % {**names, "end": _day(own.end_date)}
        return ValidationError({"role": ValidationError(message, code="post_held_twice")})
    if role.max_holders is None:
        return None
    held, day = _busiest_day(periods, start_date, end_date)
    if len(held) >= role.max_holders:
        message = _full_message(unit, role, held, day, start_date)
        return ValidationError({"role": ValidationError(message, code="post_full")})
    return None


def appointment_findings(user, position: Position, appointment_reason: str = "") -> list:
    """What filling the post checks (people.appointments, for a user, not a system job);
    refused when a binding check is missed by an appointment given no reason."""
    findings = appointments.review(position) if not is_system(user) else []
    check_appointment(position, findings, appointment_reason)
    return findings


def appointment_findings_many(user, positions: list[Position]) -> list[list]:
    """appointment_findings' review of many posts at once (an import's file, their people
    saved): each one's findings, in order; check_appointment then refuses a post by them."""
    if is_system(user):
        return [[] for _p in positions]
    return appointments.review_many(positions)


def check_appointment(position: Position, findings: list, appointment_reason: str = "") -> None:
    """An appointment that misses a binding check needs a reason."""
    missed = [f.label for f in findings if f.binding and not f.ok]
    if missed and position.start_reason == StartReason.APPOINTED and not appointment_reason.strip():
        raise ValidationError(
            {
                "appointment_reason": [
                    _("Give a reason for this appointment: the person does not meet %(missed)s.")
                    % {"missed": "; ".join(missed)}
                ]
            }
        )


@transaction.atomic
def position_create(
    *, user, person: Person, unit: Unit, appointment_reason: str = "", **fields
) -> Position:
    """Fill a post. An appointment that misses a binding check (the unit keeps a succession
    pool for the post and the person is not in it, not trained for it, or not rated at least
    'completed' last year) needs a reason, which is kept with what was found."""
    check_unit_in_scope(user, unit)
    check_unit_in_scope(user, person.unit, "person")
    position = Position(
        person=person, unit=unit, **{k: v for k, v in fields.items() if k in POSITION_FIELDS}
    )
    if position.term_id is None and position.start_date:
        position.term = _term_covering(unit, position.start_date)
    _validate_position(position)
    findings = appointment_findings(user, position, appointment_reason)
    position.save()
    if findings:
        appointments.record(position, findings, appointment_reason.strip(), user)
    return position


@transaction.atomic
def position_update(*, user, position: Position, unit: Unit | None = None, **fields) -> Position:
    check_unit_in_scope(user, position.unit)
    if unit is not None:
        check_unit_in_scope(user, unit)
        position.unit = unit
    before = _post_of(position)
    for name, value in fields.items():
        if name in POSITION_FIELDS:
            setattr(position, name, value)
    # A change of reason, term or full-time leaves the post and its dates as they were: it is
    # not refused for a clash recorded before the rules (ending the clash is a change of dates,
    # checked).
    _validate_position(position, check_post=_post_of(position) != before)
    position.save()
    return position


def _post_of(position: Position) -> tuple:
    return (
        position.unit_id,
        position.role_id,
        position.start_date,
        position.end_date,
    )


@transaction.atomic
def position_end(*, user, position: Position, end_date: dt.date, end_reason: str) -> Position:
    return position_update(user=user, position=position, end_date=end_date, end_reason=end_reason)


@transaction.atomic
def position_delete(*, user, position: Position) -> None:
    check_unit_in_scope(user, position.unit)
    position.delete()
