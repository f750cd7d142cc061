"""Who and where a row is: units by code, people by citizen ID, else by full name + birth
date + unit.

Candidates for a whole file are loaded in a few queries (chunks of IDs), never one query per
row, so a 100,000-row file is matched in seconds."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import NamedTuple

from django.utils.translation import gettext as _

from accounts.access import is_system
from accounts.scope import scope_path
from lib.bulk import lookups_in
from lib.vntext import clean_spaces, fold
from people.models import Person
from units.models import Unit
from units.places import is_within


def scope_prefix(user) -> str:
    """The path prefix of what the user may touch: "" for system work (no user); a user
    without a unit matches nothing."""
    return "" if is_system(user) else (scope_path(user) or "\x00")


def units_by_code(codes, user) -> dict[str, Unit]:
    """The units named in a file, by upper-case code, each marked in or out of the scope."""
    prefix = scope_prefix(user)
    found = {}
    for lookup in lookups_in("code", sorted({c for c in codes if c})):
        for unit in Unit.objects.filter(**lookup).select_related("kind__level"):
            unit.in_scope = is_within(unit, prefix)
            found[unit.code.upper()] = unit
    return found


def resolve_unit(outcome, row: int, key: str, code: str, units: dict) -> Unit | None:
    unit = units.get(code)
    if unit is None:
        outcome.problem(row, key, _("Unknown unit code “%(code)s”.") % {"code": code})
    elif not unit.in_scope:
        outcome.problem(row, key, _("Unit %(code)s is outside your scope.") % {"code": code})
        unit = None
    return unit


class Identity(NamedTuple):  # a tuple: a file makes one per row
    citizen_id: str | None
    full_name: str
    birth_date: dt.date | None
    unit_id: int | None

    @property
    def name_key(self) -> tuple:
        return (clean_spaces(self.full_name), self.birth_date, self.unit_id)


@dataclass
class Match:
    person: Known | None = None  # None: a new person
    candidates: tuple = ()  # several people fit: the user chooses
    outside: bool = False  # the citizen ID belongs to someone outside the user's scope


FIELDS = (
    "id",
    "family_name",
    "middle_name",
    "given_name",
    "birth_date",
    "citizen_id",
    "unit_id",
    "gender",
    "ethnicity",
    "phone",
    "email",
    "education_level",
    "political_theory",
)


class Known:
    """A stored person as matching needs them: their fields, no model instance (a file of
    100,000 rows would spend seconds building those). `load()` gives the real one."""

    __slots__ = (*FIELDS, "unit_code", "unit_path")

    def __init__(self, values):
        for name, value in zip(self.__slots__, values, strict=True):
            setattr(self, name, value)

    @property
    def pk(self) -> int:
        return self.id

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.family_name, self.middle_name, self.given_name) if p)

    def load(self) -> Person:
        return Person.objects.select_related("unit").get(pk=self.id)


class PersonIndex:
    def __init__(self, identities, user):
        identities = list(identities)
        self.scope = scope_prefix(user)
        self.by_id: dict[str, Known] = {}
        self.by_name: dict[tuple, list[Known]] = defaultdict(list)
        ids = sorted({i.citizen_id for i in identities if i.citizen_id})
        for lookup in lookups_in("citizen_id", ids):
            for person in self._load(**lookup):
                self.by_id[person.citizen_id] = person
        # Only rows not found by citizen ID are looked up by name (match() stops at an ID
        # match): a file of known IDs then loads each person once, not every namesake too.
        names = sorted(
            {
                fold(i.full_name)
                for i in identities
                if i.full_name and not (i.citizen_id and i.citizen_id in self.by_id)
            }
        )
        for lookup in lookups_in("search_name", names):
            for person in self._load(**lookup):
                key = (clean_spaces(person.full_name), person.birth_date, person.unit_id)
                self.by_name[key].append(person)

    def _load(self, **lookup):
        for values in (
            Person.objects.filter(**lookup)
            .order_by()
            .values_list(*FIELDS, "unit__code", "unit__path")
        ):
            yield Known(values)

    def in_scope(self, person: Known) -> bool:
        return is_within(person.unit_path, self.scope)

    def match(self, identity: Identity) -> Match:
        if identity.citizen_id:
            person = self.by_id.get(identity.citizen_id)
            if person is not None:
                return Match(person=person, outside=not self.in_scope(person))
        # Without an ID match, the same name, birth date and unit; someone holding another
        # citizen ID is another person.
        found = [
            p
            for p in self.by_name.get(identity.name_key, [])
            if not identity.citizen_id or not p.citizen_id
        ]
        if len(found) == 1:
            return Match(person=found[0])
        if len(found) > 1:
            return Match(candidates=tuple(found))
        return Match()
