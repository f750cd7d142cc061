"""Units with their member and worker counts, written by units.services. A file may hold a
unit and its sub-units in any order: parents named in the file are created first. Renaming or
moving an existing unit is a dated reorganisation, done on the unit's page, not by import."""

import dataclasses
import datetime as dt
import functools
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

import audit.bulk
from imports.matching import units_by_code
from imports.outcome import REFRESH_UNITS_MAX, Outcome, each_row, guarded, parse_rows
from lib import stores
from lib.bulk import insert_with_defaults, lookups_in, reserve_ids
from lib.choices import choices_parser
from lib.dates import today
from lib.spreadsheets import (
    CellError,
    Column,
    Table,
    header_key,
    is_blank,
    once_per_value,
    parse_date,
    parse_integer,
    parse_text,
)
from units import services
from units.models import (
    Reorganisation,
    Sector,
    Unit,
    UnitFigures,
    UnitKind,
    UnitVersion,
    figures_in_force,
)

FIELD_COLUMNS = {
    "code": "code",
    "name": "name",
    "kind": "kind",
    "parent": "parent",
    "sector": "sector",
    "founded_on": "founded_on",
    "member_count": "member_count",
    "worker_count": "worker_count",
    "effective_on": "figures_on",
    "unit": "code",
}


def parse_kind(value):
    if is_blank(value):
        return None
    key = header_key(value)
    for kind in UnitKind.objects.select_related("level"):
        if key in (header_key(kind.name), header_key(kind.name_en), header_key(kind.code)):
            return kind
    raise CellError(
        _("“%(value)s” is not a known kind of unit (see the instructions sheet).")
        % {"value": value}
    )


def _code(value) -> str:
    return parse_text(value, 32).upper()


def columns() -> tuple[Column, ...]:
    """The units spreadsheet's columns, a kind cell read once per distinct value in a file
    (parse_kind reads the kinds for every cell)."""
    return tuple(
        dataclasses.replace(c, parse=once_per_value(c.parse)) if c.key == "kind" else c
        for c in _columns()
    )


@functools.cache
def _columns() -> tuple[Column, ...]:
    return (
        Column("code", "Mã đơn vị", _code, required=True),
        Column("name", "Tên đơn vị", lambda v: parse_text(v, 255), required=True),
        Column(
            "kind",
            "Loại đơn vị",
            parse_kind,
            required=True,
            help="Ví dụ: Công đoàn cơ sở, Liên đoàn Lao động quận/huyện.",
        ),
        Column("parent", "Mã đơn vị cấp trên", _code, required=True, aliases=("Đơn vị cấp trên",)),
        # The short words the instructions sheet suggests, besides the full labels.
        Column(
            "sector",
            "Khu vực",
            choices_parser(
                Sector,
                "khu vực",
                extra={"Nhà nước": Sector.STATE, "Ngoài nhà nước": Sector.NON_STATE},
            ),
            help="Nhà nước hoặc Ngoài nhà nước (công đoàn cơ sở).",
        ),
        Column("founded_on", "Ngày thành lập", parse_date),
        Column("member_count", "Số đoàn viên", parse_integer, aliases=("Đoàn viên",)),
        Column(
            "worker_count",
            "Số công nhân, viên chức, lao động",
            parse_integer,
            aliases=("Số lao động", "Số CNVCLĐ", "Lao động"),
        ),
        Column(
            "figures_on",
            "Ngày số liệu",
            parse_date,
            help="Số liệu đoàn viên có hiệu lực từ ngày này (mặc định: hôm nay).",
        ),
    )


def _parents_first(rows: list) -> list:
    codes = {v["code"]: (r, v) for r, v in rows}
    ordered, placed = [], set()

    def place(code, trail=()):
        if code in placed or code not in codes or code in trail:
            return
        place(codes[code][1]["parent"], (*trail, code))
        placed.add(code)
        ordered.append(codes[code])

    for _r, v in rows:
        place(v["code"])
    return ordered


def run(table: Table, outcome: Outcome, *, user, resolutions: dict, write: bool) -> None:
    rows = parse_rows(table, outcome)
    seen = {}
    for row, v in rows:
        if "code" not in v:
            continue
        if v["code"] in seen:
            outcome.problem(
                row,
                "code",
                _("Unit code %(code)s is also on row %(row)s.")
                % {"code": v["code"], "row": seen[v["code"]]},
            )
        seen.setdefault(v["code"], row)
    known = units_by_code(
        [v.get("code") for _r, v in rows] + [v.get("parent") for _r, v in rows], user
    )
    for row, v in rows:  # the codes of every row, whatever else is wrong with it
        _check_codes(outcome, row, v, known, seen)
    rows = [(r, v) for r, v in rows if outcome.row_ok(r)]
    stored = [(r, v) for r, v in rows if v["code"] in known]
    corrected = {r for r, v in stored if _corrects(known[v["code"]], v)}
    for row, v in each_row([(r, v) for r, v in stored if r in corrected], outcome, "write"):
        guarded(outcome, row, FIELD_COLUMNS, lambda r=row, v=v: _save(outcome, user, r, v, known))
    _set_figures(outcome, user, [(r, v) for r, v in stored if r not in corrected], known, write)
    _create_units(outcome, user, [(r, v) for r, v in rows if v["code"] not in known], known, write)


def _check_codes(outcome: Outcome, row: int, v: dict, known: dict, in_file: dict) -> None:
    """The parent must exist or be in the file; a unit already stored must be in the scope
    and keep its name, kind and parent (renaming or moving is a reorganisation)."""
    parent = v.get("parent")
    if parent and parent not in known and parent not in in_file:
        outcome.problem(row, "parent", _("Unknown unit code “%(code)s”.") % {"code": parent})
    unit = known.get(v.get("code"))
    if unit is None:
        return
    if not unit.in_scope:
        outcome.problem(
            row, "code", _("Unit %(code)s is outside your scope.") % {"code": v["code"]}
        )
        return
    if not outcome.cells_ok(row, ("name", "kind", "parent")):
        return
    parent_unit = known.get(parent)
    if (
        unit.name != v["name"]
        or unit.kind_id != v["kind"].pk
        or parent_unit is None
        or unit.parent_id != parent_unit.pk
    ):
        outcome.problem(
            row,
            "name",
            _(
                "Unit %(code)s exists with another name, kind or parent: "
                "renaming or moving a unit is a dated reorganisation, "
                "made on the unit's page."
            )
            % {"code": unit.code},
        )


def _save(outcome: Outcome, user, row: int, v: dict, known: dict) -> None:
    """A row of a unit already stored, without a problem: its corrections and figures,
    through units.services."""
    unit = known[v["code"]]
    _update(outcome, user, unit, v)
    _figures(outcome, user, unit, v)


# A unit's own fields checked by full_clean; its kind and parent are the file's own, read with
# it (full_clean would read each again), its code is checked against the stored ones (known).
UNIT_LINKS = ["path", "kind", "parent"]


def _create_units(outcome: Outcome, user, rows: list, known: dict, write: bool) -> None:
    """The units new to the system, parents first, checked by unit_create's and
    unit_set_figures' rules (units.services) for the whole file, then written with their first
    placement, founding and figures in one insert each, with their history entries
    (audit.bulk). A refused unit is told on its row and leaves its sub-units of the file
    unwritten. A check (rolled back) writes nothing: no rule reads what these rows write."""
    ordered = _parents_first(rows)
    ids = iter(reserve_ids(Unit, len(ordered)) if write else range(1, len(ordered) + 1))
    units, figures = [], []
    for row, v in each_row(ordered, outcome, "write"):
        parent = known.get(v["parent"])
        if parent is None:  # refused on its own row
            continue
        try:
            unit, counts = _check_unit(user, v, parent, ids)
        except ValidationError as error:
            outcome.validation_error(row, error, FIELD_COLUMNS)
            continue
        unit.in_scope = True
        known[unit.code.upper()] = unit
        units.append(unit)
        if counts is not None:
            figures.append(counts)
    if len(units):
        outcome.summary["units_created"] += len(units)
    if len(figures):
        outcome.summary["figures_set"] += len(figures)
    if write and units:
        _insert_units(user, units, figures)
        outcome.structure_days = [u.founded_on for u in units] + [f.effective_on for f in figures]


def _check_unit(user, v: dict, parent: Unit, ids) -> tuple[Unit, UnitFigures | None]:
    unit = services.unit_new(
        code=v["code"],
        name=v["name"],
        kind=v["kind"],
        parent=parent,
        sector=v.get("sector") or "",
        founded_on=v.get("founded_on"),
    )
    services.unit_check_new(user, unit)
    unit.full_clean(exclude=UNIT_LINKS, validate_unique=False, validate_constraints=False)
    services.unit_placed(unit, next(ids))
    if v.get("member_count") is None:
        return unit, None
    services.figures_check_for(user, unit, v["member_count"], v.get("worker_count"))
    counts = UnitFigures(
        unit=unit,
        effective_on=v.get("figures_on") or today(),
        member_count=v["member_count"],
        worker_count=v.get("worker_count"),
    )
    return unit, counts


UNIT_COLUMNS = ("id", "code", "name", "kind", "parent", "path", "depth", "sector", "founded_on")


def _insert_units(user, units: list[Unit], figures: list[UnitFigures]) -> None:
    for unit in units:
        unit.search_name = unit.searched_as()
    insert_with_defaults(
        Unit,
        (*UNIT_COLUMNS, "search_name"),
        (
            (u.pk, u.code, u.name, u.kind_id, u.parent_id, u.path, u.depth, u.sector)
            + (u.founded_on, u.search_name)
            for u in units
        ),
    )
    audit.bulk.log_created(units)
    _insert_dicts(UnitVersion, [services.unit_first_version(u) for u in units])
    founded = [services.unit_founding(u, user) for u in units]
    now = connection.ops.adapt_datetimefield_value(timezone.now())  # as its auto_now_add
    _insert_dicts(Reorganisation, [{**f, "created_at": now} for f in founded if f is not None])
    _insert_figures(figures)


def _insert_figures(figures: list[UnitFigures]) -> None:
    for counts, pk in zip(figures, reserve_ids(UnitFigures, len(figures)), strict=True):
        counts.pk = pk
    insert_with_defaults(
        UnitFigures,
        ("id", "unit", "effective_on", "member_count", "worker_count"),
        ((f.pk, f.unit_id, f.effective_on, f.member_count, f.worker_count) for f in figures),
    )
    audit.bulk.log_created(figures)


def _corrects(unit: Unit, v: dict) -> bool:
    """Whether a row of a stored unit corrects its sector or founding day (_update)."""
    sector = v.get("sector") or unit.sector
    founded = v.get("founded_on") or unit.founded_on
    return (sector, founded) != (unit.sector, unit.founded_on)


class Held(NamedTuple):
    """Stored figures, read as plain rows (a whole file's units' figures at once)."""

    unit_id: int
    effective_on: dt.date
    member_count: int
    worker_count: int | None


def _set_figures(outcome: Outcome, user, rows: list, known: dict, write: bool) -> None:
    """The figures of stored units that a row changes, checked by unit_set_figures' rules for
    the whole file (the figures in force read at once) and the new ones written in one
    insert with their history entries; figures replacing those of the same day go through
    unit_set_figures. The other rows of stored units are unchanged."""
    asked = [(r, v) for r, v in rows if v.get("member_count") is not None]
    if len(rows):
        outcome.summary["units_unchanged"] += len(rows)
    units = sorted({known[v["code"]].pk for _r, v in asked})
    held: dict[int, list] = {}
    for lookup in lookups_in("unit_id", units) if units else ():
        for figures in UnitFigures.objects.filter(**lookup).values_list(*Held._fields):
            held.setdefault(figures[0], []).append(Held(*figures))
    new = []
    for row, v in each_row(asked, outcome, "write"):
        unit, day = known[v["code"]], v.get("figures_on") or today()
        counts = (v["member_count"], v.get("worker_count"))
        current = figures_in_force(held.get(unit.pk, []), day)
        if current and (current.member_count, current.worker_count) == counts:
            continue
        if current and current.effective_on == day:  # replaces that day's figures
            guarded(outcome, row, FIELD_COLUMNS, lambda u=unit, v=v: _figures(outcome, user, u, v))
            continue
        try:
            services.figures_check_for(user, unit, *counts)
        except ValidationError as error:
            outcome.validation_error(row, error, FIELD_COLUMNS)
            continue
        figures = UnitFigures(unit=unit, effective_on=day, member_count=counts[0])
        figures.worker_count = counts[1]
        held.setdefault(unit.pk, []).append(figures)
        new.append(figures)
    if len(new):
        outcome.summary["figures_set"] += len(new)
    if write and new:
        _insert_figures(new)
        outcome.figures_days = [f.effective_on for f in new]
        outcome.figures_units = {f.unit_id for f in new}


def _update(outcome: Outcome, user, unit: Unit, v: dict) -> None:
    sector = v.get("sector") or unit.sector
    founded = v.get("founded_on") or unit.founded_on
    if (sector, founded) == (unit.sector, unit.founded_on):
        outcome.summary["units_unchanged"] += 1
        return
    services.unit_update(user=user, unit=unit, code=unit.code, sector=sector, founded_on=founded)
    outcome.summary["units_updated"] += 1


def _figures(outcome: Outcome, user, unit: Unit, v: dict) -> None:
    if v.get("member_count") is None:
        return
    day = v.get("figures_on") or today()
    current = UnitFigures.objects.in_force_on(day).filter(unit=unit).first()
    if current and (current.member_count, current.worker_count) == (
        v["member_count"],
        v.get("worker_count"),
    ):
        return
    services.unit_set_figures(
        user=user,
        unit=unit,
        effective_on=day,
        member_count=v["member_count"],
        worker_count=v.get("worker_count"),
    )
    outcome.summary["figures_set"] += 1


def _insert_dicts(model, rows: list[dict]) -> None:
    """Rows given as the services give them (field -> value, the same fields in each)."""
    if rows:
        insert_with_defaults(model, tuple(rows[0]), (tuple(r.values()) for r in rows))


def after_commit(outcome: Outcome) -> None:
    """Units written one by one send their signals; those written in bulk none: the targets'
    stored figures follow the new structure, and the new member counts, here, as
    targets.signals does for a placement and for figures."""
    from targets import snapshots

    days = getattr(outcome, "structure_days", None)
    if days:
        # The stored figures that follow the structure (the unit tree's counts, basic training,
        # new cadres, evaluations, retention), as units saved one by one would mark them.
        stores.written_in_bulk(("units.Unit", "units.UnitVersion"))
        snapshots.invalidate(None if None in days else min(days), keep_today=False)
        return
    days = getattr(outcome, "figures_days", None)
    if days:
        snapshots.invalidate(min(days))
        units = outcome.figures_units
        if len(units) > REFRESH_UNITS_MAX:  # cheaper to recompute today's figures in full
            snapshots.invalidate(None, keep_today=False)
        else:
            snapshots.refresh_units(units)
