"""The enterprise register, from the lists social insurance, the tax office and the communes
give (004: "phối hợp với cơ quan bảo hiểm xã hội, thuế … rà soát nắm chắc số lượng các doanh
nghiệp"). The tax code is the key: a file imported again updates the employers it names and
adds the new ones. Sized like the participants import: set-based reads, bulk writes."""

import functools
import re

from django.utils.translation import gettext as _

from imports.matching import resolve_unit, scope_prefix, units_by_code
from imports.outcome import Outcome, parse_rows
from lib.bulk import lookups_in
from lib.spreadsheets import CellError, Column, Table, is_blank, parse_integer, parse_text
from planning.models import Employer
from units.models import MAX_COUNT
from units.places import is_within

FIELDS = ("name", "address", "commune", "province", "sector", "workers", "source")
TAX_CODE = re.compile(r"^\d{10}(-\d{3})?$")
GRASSROOTS = "grassroots"


def parse_tax_code(value) -> str:
    """'0101234567', '0101234567-001'; a number cell that lost its leading zero (Excel) gets
    it back; spaces and dots typed inside are dropped."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        if isinstance(value, float) and not value.is_integer():
            raise CellError(_("A tax code has 10 digits."))
        value = f"{int(value):010d}"
    text = re.sub(r"[\s.]", "", parse_text(value, 40))
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
            lambda v: parse_text(v, 255),
            required=True,
            aliases=("Tên đơn vị sử dụng lao động", "Tên đơn vị", "Tên DN"),
        ),
        Column("address", "Địa chỉ", lambda v: parse_text(v, 255), aliases=("Địa chỉ trụ sở",)),
        Column(
            "commune",
            "Phường, xã",
            lambda v: parse_text(v, 100),
            aliases=("Xã, phường", "Phường/xã", "Xã/phường"),
            help="Tên phường, xã sau sắp xếp năm 2025.",
        ),
        Column(
            "province",
            "Tỉnh, thành phố",
            lambda v: parse_text(v, 100),
            aliases=("Tỉnh/thành phố", "Tỉnh"),
        ),
        Column(
            "sector",
            "Ngành nghề",
            lambda v: parse_text(v, 100),
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
        Column("source", "Nguồn", lambda v: parse_text(v, 100), aliases=("Nguồn số liệu",)),
    )


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
    existing = {}
    for lookup in lookups_in("tax_code", sorted(first_row)):
        for employer in Employer.objects.filter(**lookup).select_related("area"):
            existing[employer.tax_code] = employer
    created, changed = [], []
    scope = scope_prefix(user)  # a stored employer's area union must be the user's too
    for done, (row, v) in enumerate(rows, 1):
        outcome.step(done, "check")
        area, union = _check_row(outcome, row, v, units, existing, scope)
        if not outcome.row_ok(row):
            continue
        values = {name: v.get(name) if name == "workers" else v.get(name) or "" for name in FIELDS}
        values |= {"area": area, "union": union}
        employer = existing.get(v["tax_code"])
        if employer is None:
            created.append(Employer(tax_code=v["tax_code"], **values))
        elif any(getattr(employer, k) != val for k, val in values.items()):
            for k, val in values.items():
                setattr(employer, k, val)
            changed.append(employer)
        else:
            outcome.summary["employers_unchanged"] += 1
    for name, done in (("employers_created", created), ("employers_updated", changed)):
        if done:
            outcome.summary[name] += len(done)
    if write and not outcome.problems:
        Employer.objects.bulk_create(created, batch_size=2000)
        Employer.objects.bulk_update(changed, [*FIELDS, "area", "union"], batch_size=2000)


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
    if employer is not None and not is_within(employer.area, scope):
        outcome.problem(
            row,
            "tax_code",
            _("The employer with tax code %(code)s is held by a union outside your scope.")
            % {"code": v["tax_code"]},
        )
    return area, union


def after_commit(outcome: Outcome) -> None:
    """Bulk writes send no signals; nothing follows from the register but its pages."""
