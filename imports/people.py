"""People and the positions they hold, from the people spreadsheet (people/sheets.py).

Every write follows people.services (the rules of the pages and the API): people new to the
system are checked by its rules all at once and written in bulk, known people and positions
through its functions; a row is one position, rows of the same person are grouped. Blank
cells never erase what is stored."""

from django.utils.translation import gettext as _

import audit.bulk
from imports.matching import Identity, Known, PersonIndex, resolve_unit, units_by_code
from imports.outcome import Outcome, each_row, guarded, parse_rows
from lib.spreadsheets import Table
from lib.vntext import split_full_name
from people import services
from people.models import Person, Position
from people.services import CITIZEN_ID_UNAVAILABLE
from people.sheets import columns  # noqa: F401  (the importer names its columns)
from privacy.masking import mask_citizen_id

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
    saved = _create_people(outcome, user, new, units)
    known_people = [m for m in groups.values() if chosen[m[0][0]] is not None]
    for members in each_row(known_people, outcome, "write", done_before=len(new)):
        first_row, first = members[0]
        person = guarded(
            outcome,
            first_row,
            FIELD_COLUMNS,
            lambda f=first, r=first_row: _save_person(outcome, user, chosen[r], f, units),
        )
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
    known = {
        # People new to the system hold no stored post yet.
        row: None if chosen[row] is None else _stored_position(person, values, units)
        for row, values, person in posts
    }
    posts.sort(key=lambda post: known[post[0]] is None)
    for row, values, person in posts:
        guarded(
            outcome,
            row,
            FIELD_COLUMNS,
            lambda v=values, r=row, p=person: _save_position(
                outcome, user, p, v, units, r, known[r]
            ),
        )


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


def _create_people(outcome: Outcome, user, groups: list[list], units) -> list[tuple]:
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
    for _members, person in written:
        person.fill_keys()
    audit.bulk.bulk_create(Person, [p for _members, p in written], batch_size=1_000)
    if written:
        outcome.summary["people_created"] += len(written)
    outcome.step(len(groups), "write")
    return written


def _save_person(outcome: Outcome, user, person, values: dict, units) -> Person:
    fields = _person_fields(values)
    unit = units[values["unit"]]
    changed = {k: v for k, v in fields.items() if getattr(person, k) != v}
    if not changed and person.unit_id == unit.pk:
        outcome.summary["people_unchanged"] += 1
        return person.load()
    outcome.summary["people_updated"] += 1
    return services.person_update(user=user, person=person.load(), unit=unit, **changed)


def _stored_position(person: Person, values: dict, units) -> Position | None:
    """The stored post a row names: same person, unit, role and start day."""
    unit = units.get(values.get("position_unit") or values["unit"])
    if unit is None or values.get("start_date") is None:
        return None
    return Position.objects.filter(
        person=person, unit=unit, role=values["role"], start_date=values["start_date"]
    ).first()


def _save_position(
    outcome: Outcome, user, person: Person, values: dict, units, row: int, existing
) -> Position | None:
    """One row's post; `existing` is the stored post it names (_stored_position), if any."""
    column = "position_unit" if values.get("position_unit") else "unit"
    code = values.get("position_unit") or values["unit"]
    fields = {
        "role": values["role"],
        "full_time": bool(values.get("full_time")),
        "start_date": values["start_date"],
        "end_date": values.get("end_date"),
        "end_reason": values.get("end_reason") or "",
    }
    unit = units.get(code)
    if (
        existing is not None
        and not unit.in_scope
        and all(getattr(existing, k) == v for k, v in fields.items() if values.get(k) is not None)
    ):
        # A post above the user's unit (a district chair on the city's committee) comes out
        # in the export; read back unchanged it is no change, changed it is refused below.
        outcome.summary["positions_unchanged"] += 1
        return existing
    if resolve_unit(outcome, row, column, code, units) is None:
        return None
    if existing is None:
        outcome.summary["positions_created"] += 1
        return services.position_create(user=user, person=person, unit=unit, **fields)
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


def after_commit(outcome: Outcome) -> None:
    """People and positions written one by one send their signals: the targets follow."""
