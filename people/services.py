"""Writes to people and positions: one set of rules for pages, API, imports and the demo."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.scope import in_scope
from people import appointments
from people.models import Person, Position, StartReason
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
    if user is None:
        return
    if not in_scope(user, unit):
        code = unit.code if unit is not None else "—"
        raise ValidationError({field: _("Unit %(code)s is outside your scope.") % {"code": code}})


# A citizen ID held by someone outside the user's subtree: the answer neither names them nor
# says where they are, and reads the same whatever the reason (security review: a Hà Nội
# officer must not learn who in Ninh Thuận holds an ID). The real case is a person who moved
# from another province: the level above both units moves their record.
CITIZEN_ID_UNAVAILABLE = gettext_lazy(
    "This citizen ID cannot be used here. If the person moved from another unit, ask the "
    "level above to move their record to your unit."
)


def check_citizen_id_free(user, person: Person) -> None:
    """A citizen ID belongs to one person. Held by someone the user sees (or by anyone, for
    the system itself: user None), the error names them, and carries them as its `holder`
    param for a link; held by anyone else, it says CITIZEN_ID_UNAVAILABLE."""
    if not person.citizen_id:
        return
    holder = (
        Person.objects.select_related("unit")
        .exclude(pk=person.pk)
        .filter(citizen_id=person.citizen_id)
        .first()
    )
    if holder is None:
        return
    if user is None or in_scope(user, holder.unit):
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


def _clean_person(user, person: Person) -> None:
    """The model's checks, with the citizen ID's uniqueness told as check_citizen_id_free
    tells it (Django's own "already exists" would say so for any person in the country)."""
    errors: dict = {}
    try:
        person.full_clean(validate_unique=False)
    except ValidationError as e:
        errors = e.update_error_dict(errors)
    try:
        person.validate_unique(exclude=["citizen_id"])
    except ValidationError as e:
        errors = e.update_error_dict(errors)
    if "citizen_id" not in errors:  # a malformed ID is reported as such, not looked up
        try:
            check_citizen_id_free(user, person)
        except ValidationError as e:
            errors = e.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


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
    return Term.objects.filter(unit=unit, start_date__lte=day, end_date__gte=day).first()


def _merged_into(source_id: int, unit: Unit) -> bool:
    """A cadre carried over by a merger keeps the term they were elected for."""
    return Reorganisation.objects.filter(
        kind=ReorganisationKind.MERGE, unit_id=source_id, other_unit=unit
    ).exists()


def _validate_position(position: Position) -> None:
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
    if errors:
        raise ValidationError(errors)
    position.full_clean()


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
    findings = appointments.review(position) if user is not None else []
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
    for name, value in fields.items():
        if name in POSITION_FIELDS:
            setattr(position, name, value)
    _validate_position(position)
    position.save()
    return position


@transaction.atomic
def position_end(*, user, position: Position, end_date: dt.date, end_reason: str) -> Position:
    return position_update(user=user, position=position, end_date=end_date, end_reason=end_reason)


@transaction.atomic
def position_delete(*, user, position: Position) -> None:
    check_unit_in_scope(user, position.unit)
    position.delete()
