"""The enterprise register, from the lists social insurance, the tax office and the communes
give (004: "phối hợp với cơ quan bảo hiểm xã hội, thuế … rà soát nắm chắc số lượng các doanh
nghiệp"). The tax code is the key: a file imported again updates the employers it names and
adds the new ones. Sized like the participants import: set-based reads, bulk writes."""

import datetime as dt
import functools
import re
from typing import NamedTuple

from django.utils.translation import gettext as _

import audit.bulk
from imports.matching import resolve_unit, scope_prefix, units_by_code
from imports.outcome import Outcome, parse_rows, text_parser
from lib.bulk import insert_rows, lookups_in, reserve_ids
from lib.spreadsheets import CellError, Column, Table, is_blank, parse_integer, parse_text
from planning.models import Employer
from units.models import MAX_COUNT
from units.places import is_within

FIELDS = ("name", "address", "commune", "province", "sector", "workers", "source")
TAX_CODE = re.compile(r"^\d{10}(-\d{3})?$")
TYPED_INSIDE = re.compile(r"[\s.]")
GRASSROOTS = "grassroots"


def parse_tax_code(value) -> str:
    """'0101234567', '0101234567-001'; a number cell that lost its leading zero (Excel) gets
    it back; spaces and dots typed inside are dropped."""
    if type(value) is str and len(value) == 10 and value.isascii() and value.isdigit():
        return value  # most cells: nothing to drop, nothing to refuse
    if isinstance(value, int | float) and not isinstance(value, bool):
        if isinstance(value, float) and not value.is_integer():
            raise CellError(_("A tax code has 10 digits."))
        value = f"{int(value):010d}"
    text = TYPED_INSIDE.sub("", parse_text(value, 40))
    if not TAX_CODE.match(text):
        raise CellError(
            _("“%(value)s” is not a tax code (10 digits, or 10 digits-3 digits for a branch).")
            % {"value": text}
        )
    return text


def _code(value) -> str:
    return parse_text(value, 32).upper()


def _optional_code(value) -> str:
    if is_blank(value) or str(value).strip().lower() in ("chưa có", "không", "-"):
        return ""
    return _code(value)


@functools.cache
def columns() -> tuple[Column, ...]:
    return (
        Column(
            "tax_code",
            "Mã số thuế",
            parse_tax_code,
            required=True,
            aliases=("MST", "Mã số doanh nghiệp", "Mã số DN"),
            help="10 chữ số (chi nhánh: 10 chữ số-3 chữ số); định dạng cột là Văn bản.",
        ),
        Column(
            "name",
            "Tên doanh nghiệp",
            text_parser(255),
            required=True,
            aliases=("Tên đơn vị sử dụng lao động", "Tên đơn vị", "Tên DN"),
        ),
        Column("address", "Địa chỉ", text_parser(255), aliases=("Địa chỉ trụ sở",)),
        Column(
            "commune",
            "Phường, xã",
            text_parser(100),
            aliases=("Xã, phường", "Phường/xã", "Xã/phường"),
            help="Tên phường, xã sau sắp xếp năm 2025.",
        ),
        Column(
            "province",
            "Tỉnh, thành phố",
            text_parser(100),
            aliases=("Tỉnh/thành phố", "Tỉnh"),
        ),
        Column(
            "sector",
            "Ngành nghề",
            text_parser(100),
            aliases=("Ngành, nghề kinh doanh", "Loại hình", "Ngành"),
        ),
        Column(
            "workers",
            "Số lao động",
            lambda v: parse_integer(v, minimum=0, maximum=MAX_COUNT),
            aliases=("Số lao động tham gia BHXH", "Tổng số lao động", "Lao động"),
        ),
        Column(
            "area",
            "Mã công đoàn quản lý địa bàn",
            _code,
            required=True,
            aliases=("Mã đơn vị quản lý", "Công đoàn địa bàn"),
            help="Mã đơn vị công đoàn nơi doanh nghiệp đóng trên địa bàn (LĐLĐ phường/xã, "
            "khu công nghiệp…).",
        ),
        Column(
            "union",
            "Mã CĐCS",
            _optional_code,
            aliases=("Mã công đoàn cơ sở",),
            help="Để trống (hoặc “Chưa có”) nếu doanh nghiệp chưa có CĐCS.",
        ),
        Column("source", "Nguồn", text_parser(100), aliases=("Nguồn số liệu",)),
    )


KEYS = (*FIELDS, "area", "union")  # what a row gives an employer
UNIT_KEYS = frozenset(("area", "union"))
# Every column's parser reads nothing but its cell: the commit takes the values the check
# parsed (imports.pipeline).
CELLS_ONLY = ("tax_code", *KEYS)


class Stored(NamedTuple):
    """An employer already in the register, as plain values (a file names thousands)."""

    pk: int
    values: tuple  # in the order of KEYS, units as ids
    area_path: str


def run(table: Table, outcome: Outcome, *, user, resolutions: dict, write: bool) -> None:
    rows = parse_rows(table, outcome)
    first_row: dict[str, int] = {}
    for row, v in rows:
        if "tax_code" not in v:
            continue
        other = first_row.setdefault(v["tax_code"], row)
        if other != row:
            outcome.problem(
                row,
                "tax_code",
                _("Tax code %(code)s is also on row %(row)s.")
                % {"code": v["tax_code"], "row": other},
            )
    units = units_by_code(
        [v.get("area") for _r, v in rows] + [v.get("union") for _r, v in rows], user
    )
    existing = _stored(sorted(first_row))
    created, changed = [], []
    scope = scope_prefix(user)  # a stored employer's area union must be the user's too
    for done, (row, v) in enumerate(rows, 1):
        outcome.step(done, "check")
        area, union = _check_row(outcome, row, v, units, existing, scope)
        if not outcome.row_ok(row):
            continue
        values = tuple(v.get(name) if name == "workers" else v.get(name) or "" for name in FIELDS)
        values += (area.pk, union.pk if union else None)
        employer = existing.get(v["tax_code"])
        if employer is None:
            created.append((v["tax_code"], values))
        elif values != employer.values:
            changed.append((v["tax_code"], employer, values))
        else:
            outcome.summary["employers_unchanged"] += 1
    for name, done in (("employers_created", created), ("employers_updated", changed)):
        if done:
            outcome.summary[name] += len(done)
    if write and not outcome.problems:
        _write(created, changed)


def _stored(tax_codes: list[str]) -> dict[str, Stored]:
    found = {}
    for lookup in lookups_in("tax_code", tax_codes):
        for pk, tax_code, *values, area_path in (
            Employer.objects.filter(**lookup)
            .order_by()
            .values_list("pk", "tax_code", *FIELDS, "area_id", "union_id", "area__path")
        ):
            found[tax_code] = Stored(pk, tuple(values), area_path)
    return found


def _write(created: list[tuple], changed: list[tuple]) -> None:
    """New employers in one insert, changed ones in one bulk update, each with the history
    entry django-auditlog writes for one save (audit.bulk)."""
    today = dt.date.today()  # as the model's auto_now writes updated_on
    ids = reserve_ids(Employer, len(created))
    insert_rows(
        Employer,
        ("id", "tax_code", *KEYS, "updated_on"),
        (
            (pk, tax_code, *values, today)
            for pk, (tax_code, values) in zip(ids, created, strict=True)
        ),
    )
    Employer.objects.bulk_update(
        [Employer(pk=e.pk, updated_on=today, **_fields(values)) for _code, e, values in changed],
        [*FIELDS, "area", "union", "updated_on"],
        batch_size=1000,
    )
    audit.bulk.log_rows(
        Employer,
        audit.bulk.CREATE,
        (
            audit.bulk.Row(
                pk,
                _label(values, tax_code),
                {"tax_code": ["None", tax_code], **_created(values)},
                values[-2],
                values[-2],
            )
            for pk, (tax_code, values) in zip(ids, created, strict=True)
        ),
    )
    audit.bulk.log_rows(
        Employer,
        audit.bulk.UPDATE,
        (
            audit.bulk.Row(
                e.pk,
                _label(values, tax_code),
                {
                    key: [audit.bulk.text(old), audit.bulk.text(new)]
                    for key, old, new in zip(KEYS, e.values, values, strict=True)
                    if old != new
                },
                values[-2],
                values[-2],
            )
            for tax_code, e, values in changed
        ),
    )


def _fields(values: tuple) -> dict:
    return {
        f"{k}_id" if k in ("area", "union") else k: v for k, v in zip(KEYS, values, strict=True)
    }


def _label(values: tuple, tax_code: str) -> str:
    return f"{values[0]} ({tax_code})"  # as Employer's str


def _created(values: tuple) -> dict:
    """A new employer's changes as auditlog writes them: every field from "None", a unit as
    its id (an empty one too), an empty number left out."""
    out = {}
    for key, value in zip(KEYS, values, strict=True):
        if value is not None:
            out[key] = ["None", value if type(value) is str else str(value)]
        elif key in UNIT_KEYS:
            out[key] = ["None", "None"]
    return out


def _check_row(outcome: Outcome, row: int, v: dict, units, existing, scope: str) -> tuple:
    """The row's area union and grassroots union (each looked up whatever else is wrong with
    the row), and the stored employer's scope; returns (area, union)."""
    area = resolve_unit(outcome, row, "area", v["area"], units) if "area" in v else None
    union = resolve_unit(outcome, row, "union", v["union"], units) if v.get("union") else None
    if union is not None and union.kind.level.code != GRASSROOTS:
        outcome.problem(
            row,
            "union",
            _("%(code)s is not a grassroots union.") % {"code": union.code},
        )
    employer = existing.get(v.get("tax_code"))
    if employer is not None and not is_within(employer.area_path, scope):
        outcome.problem(
            row,
            "tax_code",
            _("The employer with tax code %(code)s is held by a union outside your scope.")
            % {"code": v["tax_code"]},
        )
    return area, union


def after_commit(outcome: Outcome) -> None:
    """Bulk writes send no signals; nothing follows from the register but its pages (the
    coverage figure reads the register when it is asked)."""
