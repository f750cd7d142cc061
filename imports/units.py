"""Units with their member and worker counts, written by units.services. A file may hold a
unit and its sub-units in any order: parents named in the file are created first. Renaming or
moving an existing unit is a dated reorganisation, done on the unit's page, not by import."""

import functools

from django.utils.translation import gettext as _

from imports.matching import units_by_code
from imports.outcome import Outcome, each_row, guarded, parse_rows
from lib.choices import choices_parser
from lib.dates import today
from lib.spreadsheets import (
    CellError,
    Column,
    Table,
    header_key,
    is_blank,
    parse_date,
    parse_integer,
    parse_text,
)
from units import services
from units.models import Sector, Unit, UnitFigures, UnitKind

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


@functools.cache
def columns() -> tuple[Column, ...]:
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
        if v["code"] in seen:
            outcome.problem(
                row,
                "code",
                _("Unit code %(code)s is also on row %(row)s.")
                % {"code": v["code"], "row": seen[v["code"]]},
            )
        seen.setdefault(v["code"], row)
    known = units_by_code([v["code"] for _r, v in rows] + [v["parent"] for _r, v in rows], user)
    for row, v in each_row(_parents_first(rows), outcome, "write"):
        if seen[v["code"]] != row:
            continue
        guarded(outcome, row, FIELD_COLUMNS, lambda r=row, v=v: _save(outcome, user, r, v, known))


def _save(outcome: Outcome, user, row: int, v: dict, known: dict) -> Unit | None:
    parent = known.get(v["parent"])
    if parent is None:
        outcome.problem(row, "parent", _("Unknown unit code “%(code)s”.") % {"code": v["parent"]})
        return None
    unit = known.get(v["code"])
    if unit is None:
        unit = services.unit_create(
            user=user,
            code=v["code"],
            name=v["name"],
            kind=v["kind"],
            parent=parent,
            sector=v.get("sector") or "",
            founded_on=v.get("founded_on"),
        )
        unit.in_scope = True
        known[unit.code.upper()] = unit
        outcome.summary["units_created"] += 1
    elif not unit.in_scope:
        outcome.problem(
            row, "code", _("Unit %(code)s is outside your scope.") % {"code": v["code"]}
        )
        return None
    else:
        _update(outcome, user, row, unit, v, parent)
    _figures(outcome, user, unit, v)
    return unit


def _update(outcome: Outcome, user, row: int, unit: Unit, v: dict, parent: Unit) -> None:
    if unit.name != v["name"] or unit.parent_id != parent.pk or unit.kind_id != v["kind"].pk:
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
        return
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


def after_commit(outcome: Outcome) -> None:
    """Units written one by one send their signals."""
