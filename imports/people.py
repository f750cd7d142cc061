"""People and the positions they hold, from the people spreadsheet (people/sheets.py).

Every write follows people.services (the rules of the pages and the API). People new to the
system, and posts new to it, are checked by its rules for the whole file at once (what exists
read in a few queries, the rules applied in Python by the functions the services call:
people_check_new, position_errors, post_refusal, appointment_findings_many and
check_appointment) and written in bulk with their history entries (audit.bulk) and
appointment records — a check (rolled back) writes the rows the rules read, not these, which
nothing refuses; stored people and posts that a row changes go through its functions one by
one. A row is one position, rows of the same person are grouped. Blank cells never erase
what is stored."""

import dataclasses
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

import audit.bulk
from imports.matching import Identity, Known, PersonIndex, resolve_unit, units_by_code
from imports.outcome import Outcome, each_row, guarded, parse_rows, targets_follow
from lib.bulk import insert_with_defaults, lookups_in, reserve_ids
from lib.periods import in_force, overlaps
from lib.spreadsheets import Table, once_per_value
from lib.vntext import split_full_name
from people import appointments, services, sheets
from people.models import Person, Position
from people.services import CITIZEN_ID_UNAVAILABLE, POSITION_FIELDS
from privacy.masking import mask_citizen_id
from units.models import Term


def columns() -> tuple:
    """The people spreadsheet's columns (people.sheets), a role cell read once per distinct
    value in a file (people.sheets.parse_role reads the roles for every cell)."""
    return tuple(
        dataclasses.replace(c, parse=once_per_value(c.parse)) if c.key == "role" else c
        for c in sheets.columns()
    )


# The columns whose parser reads nothing but its cell (not the role, read from its table):
# the commit takes the values the check parsed (imports.pipeline).
CELLS_ONLY = (
    "full_name",
    "birth_date",
    "gender",
    "citizen_id",
    "ethnicity",
    "phone",
    "email",
    "education_level",
    "political_theory",
    "unit",
    "unit_name",
    "position_unit",
    "full_time",
    "start_date",
    "end_date",
    "end_reason",
)

PERSON_KEYS = (
    "gender",
    "birth_date",
    "citizen_id",
    "ethnicity",
    "phone",
    "email",
    "education_level",
    "political_theory",
)
# Which column a service's field error belongs to.
FIELD_COLUMNS = {
    "family_name": "full_name",
    "middle_name": "full_name",
    "given_name": "full_name",
    "unit": "unit",
    "person": "unit",
    "start_date": "start_date",
    "end_date": "end_date",
    "end_reason": "end_reason",
    "role": "role",
    "term": "start_date",
    "full_time": "full_time",
    **{k: k for k in PERSON_KEYS},
}


def match_people(outcome: Outcome, rows, units, user, resolutions: dict):
    """Each row's person: an existing one, a new one (None), or no decision yet (False)."""
    identities = {
        row: Identity(v.get("citizen_id"), v["full_name"], v.get("birth_date"), units[v["unit"]].pk)
        for row, v in rows
    }
    index = PersonIndex(identities.values(), user)
    chosen = {}
    for row, _values in rows:
        match = index.match(identities[row])
        if match.outside:
            # The same words as the people pages: nothing says the ID exists elsewhere.
            outcome.problem(row, "citizen_id", str(CITIZEN_ID_UNAVAILABLE))
            chosen[row] = False
        elif match.candidates:
            choice = resolutions.get(str(row))
            by_pk = {str(p.pk): p for p in match.candidates}
            if choice == "new":
                chosen[row] = None
            elif choice in by_pk:
                chosen[row] = by_pk[choice]
            else:
                outcome.ambiguities.append(
                    {
                        "row": row,
                        "name": identities[row].full_name,
                        "candidates": [_candidate(p) for p in match.candidates],
                    }
                )
                chosen[row] = False
        else:
            chosen[row] = match.person
    return chosen, index


def _candidate(person: Known) -> dict:
    return {
        "id": person.pk,
        "name": person.full_name,
        "birth_date": person.birth_date.strftime("%d/%m/%Y") if person.birth_date else "",
        "citizen_id": mask_citizen_id(person.citizen_id),
        "unit": person.unit_code,
    }


def _person_fields(values: dict) -> dict:
    family, middle, given = split_full_name(values["full_name"])
    fields = {"family_name": family, "middle_name": middle, "given_name": given}
    fields.update({k: values[k] for k in PERSON_KEYS if values.get(k) not in (None, "")})
    return fields


def _group_key(row_values: dict, person) -> tuple:
    if person:
        return ("pk", person.pk)
    return (
        "new",
        row_values.get("citizen_id")
        or (row_values["full_name"], row_values.get("birth_date"), row_values["unit"]),
    )


# The cells that say who a row is: a row is matched to a person only when all of them were
# read (a mistyped citizen ID would match someone by name instead).
IDENTITY = ("full_name", "unit", "citizen_id", "birth_date")
PERSON_CELLS = ("full_name", "unit", *PERSON_KEYS)
POST_CELLS = ("role", "position_unit", "full_time", "start_date", "end_date", "end_reason")


def run(table: Table, outcome: Outcome, *, user, resolutions: dict, write: bool) -> None:
    rows = parse_rows(table, outcome)
    units = units_by_code(
        [v.get("unit") for _r, v in rows] + [v.get("position_unit") for _r, v in rows], user
    )
    for row, values in rows:  # whatever else is wrong with the row
        _check_row(outcome, row, values, units)
    rows = [(r, v) for r, v in rows if outcome.cells_ok(r, IDENTITY)]
    chosen, _index = match_people(outcome, rows, units, user, resolutions)
    groups: dict[tuple, list] = {}
    for row, values in rows:
        if chosen[row] is not False:
            groups.setdefault(_group_key(values, chosen[row]), []).append((row, values))
    _check_groups(outcome, groups)
    # A person is written from their first row, if its cells about them were all read.
    groups = {
        key: members
        for key, members in groups.items()
        if outcome.cells_ok(members[0][0], PERSON_CELLS)
    }
    new = [members for members in groups.values() if chosen[members[0][0]] is None]
    saved = _create_people(outcome, user, new, units, write=write)
    known_people = [m for m in groups.values() if chosen[m[0][0]] is not None]
    loaded = _load_people([chosen[m[0][0]].pk for m in known_people])
    for members in each_row(known_people, outcome, "write", done_before=len(new)):
        first_row, first = members[0]
        person = _save_person(outcome, user, first_row, loaded[chosen[first_row].pk], first, units)
        if person is not None:
            saved.append((members, person))
    posts = [
        (row, values, person)
        for members, person in saved
        for row, values in members
        if values.get("role") and outcome.cells_ok(row, POST_CELLS)
    ]
    # Posts already stored first, new ones after: a file that ends a chair's post on one row
    # and seats the next chair on another reads the same whichever row comes first.
    known = _stored_positions(posts, units)
    new_posts = []
    for row, values, person in posts:
        if known[row] is None:
            new_posts.append((row, values, person))
            continue
        guarded(
            outcome,
            row,
            FIELD_COLUMNS,
            lambda v=values, r=row, p=person: _save_position(
                outcome, user, p, v, units, r, known[r]
            ),
        )
    _create_positions(outcome, user, new_posts, units, write=write)


def _check_row(outcome: Outcome, row: int, values: dict, units: dict) -> None:
    """What one row can be refused for on its own, before anyone is matched: its unit codes,
    and a post without its start date."""
    if "unit" in values:
        resolve_unit(outcome, row, "unit", values["unit"], units)
    code = values.get("position_unit")
    if code and code not in units:
        # Outside the scope is told later: a post above the user's unit read back unchanged
        # from the export is no change (_save_position).
        outcome.problem(row, "position_unit", _("Unknown unit code “%(code)s”.") % {"code": code})
    if (
        values.get("role")
        and outcome.cells_ok(row, ("start_date",))
        and not values.get("start_date")
    ):
        outcome.problem(row, "start_date", _("A position needs its start date."))


def _check_groups(outcome: Outcome, groups: dict) -> None:
    """Rows of one person must agree on who they are; the same post twice is a mistake."""
    for members in groups.values():
        first_row, first = members[0]
        seen = {}
        for row, values in members[1:]:
            for key in ("full_name", *PERSON_KEYS):
                if (
                    values.get(key) not in (None, "")
                    and first.get(key) not in (None, "")
                    and values[key] != first[key]
                ):
                    outcome.problem(
                        row,
                        key,
                        _("The same person as on row %(row)s, with different data.")
                        % {"row": first_row},
                    )
        for row, values in members:
            post = (
                values.get("role") and values["role"].pk,
                values.get("position_unit"),
                values.get("start_date"),
            )
            if (
                values.get("role") is not None
                and outcome.cells_ok(row, POST_CELLS)
                and post in seen
            ):
                outcome.problem(
                    row,
                    "role",
                    _("The person is matched twice to the same post (also on row %(row)s).")
                    % {"row": seen[post]},
                )
            seen.setdefault(post, row)


def _create_people(outcome: Outcome, user, groups: list[list], units, *, write: bool) -> list:
    """The people new to the system, checked by person_create's rules all at once
    (services.people_check_new) and written in one insert with their history: a row per
    person through the ORM and its signals ran at ~50 rows/s. A refused person is reported
    on their first row. Returns (rows, person) for each person written."""
    people = [
        Person(unit=units[members[0][1]["unit"]], **_person_fields(members[0][1]))
        for members in groups
    ]
    refused = services.people_check_new(user=user, people=people)
    for i, error in refused.items():
        outcome.validation_error(groups[i][0][0], error, FIELD_COLUMNS)
    written = [
        (members, person)
        for i, (members, person) in enumerate(zip(groups, people, strict=True))
        if i not in refused
    ]
    made = [p for _members, p in written]
    insert_people(made)
    if write:  # a check writes the rows the next rules read, not their history
        audit.bulk.log_created(made)
    if written:
        outcome.summary["people_created"] += len(written)
    outcome.step(len(groups), "write")
    return written


# The columns a new person is written with (lib.bulk), ids reserved beforehand.
PERSON_COLUMNS = ("id", *services.PERSON_FIELDS, "unit", "search_name", "sort_key")


def insert_people(people: list[Person]) -> None:
    """New people (checked already) written in one insert, their ids and name keys set: what
    person_create's save writes, without its signals (the caller writes the history)."""
    for person, pk in zip(people, reserve_ids(Person, len(people)), strict=True):
        person.id = pk
        person.fill_keys()
    insert_with_defaults(
        Person,
        PERSON_COLUMNS,
        (
            tuple(getattr(p, "unit_id" if c == "unit" else c) for c in PERSON_COLUMNS)
            for p in people
        ),
    )


def _load_people(pks: list[int]) -> dict[int, Person]:
    """The stored people a file names, with their units, in a query per few thousand."""
    found = {}
    for lookup in lookups_in("id", sorted(set(pks))) if pks else ():
        found.update((p.pk, p) for p in Person.objects.filter(**lookup).select_related("unit"))
    return found


def _save_person(outcome: Outcome, user, row: int, person: Person, values: dict, units):
    """A stored person as their first row gives them: unchanged, or updated through
    people.services (in a savepoint, a refusal reported on the row). None if refused."""
    fields = _person_fields(values)
    unit = units[values["unit"]]
    changed = {k: v for k, v in fields.items() if getattr(person, k) != v}
    if not changed and person.unit_id == unit.pk:
        outcome.summary["people_unchanged"] += 1
        return person
    updated = guarded(
        outcome,
        row,
        FIELD_COLUMNS,
        lambda: services.person_update(user=user, person=person, unit=unit, **changed),
    )
    if updated is not None:
        outcome.summary["people_updated"] += 1
    return updated


def _stored_positions(posts: list, units) -> dict:
    """Per row, the stored post it names (same person, unit, role and start day), or None;
    read in a query per few thousand people."""
    people = sorted({person.pk for _r, _v, person in posts})
    stored = {}
    for lookup in lookups_in("person_id", people) if people else ():
        for p in (
            Position.objects.filter(**lookup)
            .select_related("unit", "role", "person__unit")
            .order_by("id")
        ):
            stored.setdefault((p.person_id, p.unit_id, p.role_id, p.start_date), p)
    found = {}
    for row, values, person in posts:
        unit = units.get(values.get("position_unit") or values["unit"])
        start = values.get("start_date")
        found[row] = (
            None
            if unit is None or start is None
            else stored.get((person.pk, unit.pk, values["role"].pk, start))
        )
    return found


def _post_fields(values: dict) -> dict:
    return {
        "role": values["role"],
        "full_time": bool(values.get("full_time")),
        "start_date": values["start_date"],
        "end_date": values.get("end_date"),
        "end_reason": values.get("end_reason") or "",
    }


def _save_position(
    outcome: Outcome, user, person: Person, values: dict, units, row: int, existing: Position
) -> Position | None:
    """A row naming a stored post (_stored_positions): unchanged, or updated through
    people.services."""
    column = "position_unit" if values.get("position_unit") else "unit"
    code = values.get("position_unit") or values["unit"]
    fields = _post_fields(values)
    unit = units.get(code)
    if not unit.in_scope and all(
        getattr(existing, k) == v for k, v in fields.items() if values.get(k) is not None
    ):
        # A post above the user's unit (a district chair on the city's committee) comes out
        # in the export; read back unchanged it is no change, changed it is refused below.
        outcome.summary["positions_unchanged"] += 1
        return existing
    if resolve_unit(outcome, row, column, code, units) is None:
        return None
    # Blank cells keep what is stored (a file of names and posts only ends nothing).
    changed = {
        k: v
        for k, v in fields.items()
        if getattr(existing, k) != v
        and (values.get(k) not in (None, "") or k in ("role", "start_date"))
    }
    if not changed:
        outcome.summary["positions_unchanged"] += 1
        return existing
    outcome.summary["positions_updated"] += 1
    return services.position_update(user=user, position=existing, **changed)


# A post's foreign keys: the file's own, read with it (full_clean would read each again).
POST_LINKS = ["person", "unit", "role", "term"]


def _create_positions(outcome: Outcome, user, posts: list, units, *, write: bool) -> None:
    """The posts new to the system, checked by position_create's rules for the whole file
    (people.services: the scope, the term covering the start day, the position's own rules,
    post_refusal on the unit's periods of the role read at once and kept current as rows are
    accepted, the appointment checks) and written in one insert with their history entries
    (audit.bulk). A refusal is reported on its row; the other rows are still written."""
    candidates = []
    for row, values, person in posts:
        column = "position_unit" if values.get("position_unit") else "unit"
        code = values.get("position_unit") or values["unit"]
        unit = resolve_unit(outcome, row, column, code, units)
        if unit is not None:
            candidates.append((row, Position(person=person, unit=unit, **_post_fields(values))))
    if not candidates:
        return
    unit_ids = sorted({p.unit_id for _r, p in candidates})
    terms, periods = defaultdict(list), defaultdict(list)
    for lookup in lookups_in("unit_id", unit_ids):
        for term in Term.objects.filter(**lookup).order_by("unit", "start_date"):
            terms[term.unit_id].append(term)
        for held in (
            Position.objects.filter(role_id__in={p.role_id for _r, p in candidates}, **lookup)
            .select_related("person")
            .order_by("start_date", "id")
        ):
            periods[(held.unit_id, held.role_id)].append(held)
    # The appointment checks of every post at once (they read nothing the rows change).
    reviewed = services.appointment_findings_many(user, [p for _r, p in candidates])
    accepted = []
    for (row, position), findings in zip(
        each_row(candidates, outcome, "write"), reviewed, strict=True
    ):
        try:
            _check_position(user, position, terms, periods, findings)
        except ValidationError as error:
            outcome.validation_error(row, error, FIELD_COLUMNS)
            continue
        accepted.append((position, findings))
    _insert_positions(outcome, user, accepted, write=write)


def _check_position(user, position: Position, terms: dict, periods: dict, findings: list) -> None:
    """position_create's checks on one post, the database and the appointment findings read
    beforehand; the post joins the periods the next rows are checked against."""
    services.check_unit_in_scope(user, position.unit)
    services.check_unit_in_scope(user, position.person.unit, "person")
    start, end = position.start_date, position.end_date
    position.term = next(
        (t for t in terms[position.unit_id] if in_force(t.start_date, t.end_date, start)), None
    )
    errors = services.position_errors(position)
    if errors:
        raise ValidationError(errors)
    held = periods[(position.unit_id, position.role_id)]
    refusal = services.post_refusal(
        person=position.person,
        unit=position.unit,
        role=position.role,
        start_date=start,
        end_date=end,
        periods=[p for p in held if overlaps(start, end, p.start_date, p.end_date)],
    )
    if refusal is not None:
        raise refusal
    position.full_clean(exclude=POST_LINKS, validate_unique=False, validate_constraints=False)
    services.check_appointment(position, findings)
    held.append(position)
    held.sort(key=lambda p: p.start_date)  # stable: the stored ones keep their id order


# The columns a new post is written with: the fields the post form saves, and whose they are.
POSITION_COLUMNS = ("id", "person", "unit", *POSITION_FIELDS)


def _insert_positions(outcome: Outcome, user, accepted: list, *, write: bool) -> None:
    positions = [p for p, _f in accepted]
    for position, pk in zip(positions, reserve_ids(Position, len(positions)), strict=True):
        position.id = pk
    insert_with_defaults(
        Position,
        POSITION_COLUMNS,
        (
            (
                p.id,
                p.person_id,
                p.unit_id,
                p.role_id,
                p.full_time,
                p.start_date,
                p.end_date,
                p.term_id,
                p.first_time_on_committee,
                p.start_reason,
                p.end_reason,
            )
            for p in positions
        ),
    )
    if write:  # the history and the appointments' records: nothing a check reads or refuses
        audit.bulk.log_created(positions)
        appointments.record_many([(p, f) for p, f in accepted if f], "", user)
    outcome.summary["positions_created"] += len(positions)
    outcome.touched_people = {p.person_id for p in positions}
    outcome.touched_since = min((p.start_date for p in positions), default=None)


def after_commit(outcome: Outcome) -> None:
    """People and posts changed one by one send their signals; those written in bulk send
    none: the targets and the other stored figures follow them here (targets_follow), as
    their signals do for one person or post."""
    targets_follow(outcome)
