"""Who a row is: people are matched by citizen ID, else by full name + birth date + unit.

Candidates for a whole file are loaded in a few queries (chunks of IDs), never one query per
row, so a 100,000-row file is matched in seconds."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from accounts.scope import scope_path
from lib.vntext import clean_spaces, fold
from people.models import Person

CHUNK = 500  # well under SQLite's limit of variables per statement


@dataclass(frozen=True)
class Identity:
    citizen_id: str | None
    full_name: str
    birth_date: dt.date | None
    unit_id: int | None

    @property
    def name_key(self) -> tuple:
        return (clean_spaces(self.full_name), self.birth_date, self.unit_id)


@dataclass
class Match:
    person: Person | None = None  # None: a new person
    candidates: tuple = ()  # several people fit: the user chooses
    outside: bool = False  # the citizen ID belongs to someone outside the user's scope


def _chunks(values: list, size: int = CHUNK):
    for i in range(0, len(values), size):
        yield values[i:i + size]


class PersonIndex:
    def __init__(self, identities, user, fields=("id", "family_name", "middle_name",
                                                  "given_name", "birth_date", "citizen_id",
                                                  "unit_id", "gender")):
        identities = list(identities)
        # "" sees everything (system work); a user without a unit would see nothing.
        self.scope = "" if user is None else (scope_path(user) or "\x00")
        self.by_id: dict[str, Person] = {}
        self.by_name: dict[tuple, list[Person]] = defaultdict(list)
        ids = sorted({i.citizen_id for i in identities if i.citizen_id})
        for chunk in _chunks(ids):
            for person in Person.objects.filter(citizen_id__in=chunk).select_related(
                    "unit").only(*fields, "unit__path"):
                self.by_id[person.citizen_id] = person
        # Only rows not found by citizen ID are looked up by name (match() stops at an ID
        # match): a file of known IDs then loads each person once, not every namesake too.
        names = sorted({fold(i.full_name) for i in identities
                        if i.full_name and not (i.citizen_id and i.citizen_id in self.by_id)})
        for chunk in _chunks(names):
            for person in Person.objects.filter(search_name__in=chunk).select_related(
                    "unit").only(*fields, "unit__path"):
                key = (clean_spaces(person.full_name), person.birth_date, person.unit_id)
                self.by_name[key].append(person)

    def in_scope(self, person: Person) -> bool:
        return person.unit.path.startswith(self.scope)

    def match(self, identity: Identity) -> Match:
        if identity.citizen_id:
            person = self.by_id.get(identity.citizen_id)
            if person is not None:
                return Match(person=person, outside=not self.in_scope(person))
        # Without an ID match, the same name, birth date and unit; someone holding another
        # citizen ID is another person.
        found = [p for p in self.by_name.get(identity.name_key, [])
                 if not identity.citizen_id or not p.citizen_id]
        if len(found) == 1:
            return Match(person=found[0])
        if len(found) > 1:
            return Match(candidates=tuple(found))
        return Match()

    def remember(self, person: Person) -> None:
        """A person created by an earlier row of the same file is found by the later ones."""
        if person.citizen_id:
            self.by_id[person.citizen_id] = person
        self.by_name[(clean_spaces(person.full_name), person.birth_date,
                      person.unit_id)].append(person)
