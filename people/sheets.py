"""The people spreadsheet: one row per position held (a person without a post has one row of
their own). The people list exports it and the import reads it back, so the two cannot drift:
export a unit, re-import the file, nothing changes."""

import functools

from django.db.models import Prefetch

from lib.choices import choices_parser, vietnamese_label
from lib.spreadsheets import (
    CellError,
    Column,
    is_blank,
    parse_citizen_id,
    parse_date,
    parse_name,
    parse_text,
    parse_yes_no,
)
from people.models import EducationLevel, EndReason, Gender, PoliticalTheory, Position, Role


def parse_role(value):
    """A role by its Vietnamese or English name or its code."""
    from lib.spreadsheets import header_key

    if is_blank(value):
        return None
    key = header_key(value)
    for role in _roles():
        if key in (header_key(role.name), header_key(role.name_en), header_key(role.code)):
            return role
    raise CellError(
        f"“{value}” không phải là chức vụ đã khai báo ({', '.join(r.name for r in _roles())})."
    )


def _roles() -> list[Role]:
    return list(Role.objects.all())


def parse_unit_code(value) -> str:
    return parse_text(value, 32).upper() if not is_blank(value) else ""


@functools.cache
def columns() -> tuple[Column, ...]:
    return (
        Column(
            "full_name",
            "Họ và tên",
            parse_name,
            required=True,
            aliases=("Họ tên", "Họ, tên", "Tên cán bộ"),
            help="Họ, tên đệm và tên.",
        ),
        Column("birth_date", "Ngày sinh", parse_date, help="dd/mm/yyyy"),
        Column(
            "gender",
            "Giới tính",
            choices_parser(Gender, "giới tính"),
            required=True,
            help="Nam hoặc Nữ.",
        ),
        Column(
            "citizen_id",
            "Số CCCD",
            parse_citizen_id,
            aliases=(
                "CCCD",
                "Số căn cước công dân",
                "Căn cước công dân",
                "Số định danh cá nhân",
                "Số CMND/CCCD",
                "CMND/CCCD",
            ),
            help="12 chữ số; định dạng cột là Văn bản để giữ số 0 đầu.",
        ),
        Column("ethnicity", "Dân tộc", lambda v: parse_text(v, 50)),
        Column("phone", "Điện thoại", lambda v: parse_text(v, 20), aliases=("Số điện thoại",)),
        Column("email", "Email", lambda v: parse_text(v, 254), aliases=("Thư điện tử",)),
        Column(
            "education_level",
            "Trình độ chuyên môn",
            choices_parser(EducationLevel, "trình độ"),
            aliases=("Trình độ học vấn",),
        ),
        Column(
            "political_theory",
            "Lý luận chính trị",
            choices_parser(PoliticalTheory, "trình độ lý luận chính trị"),
            aliases=("Trình độ lý luận chính trị", "LLCT"),
        ),
        Column(
            "unit",
            "Mã đơn vị",
            parse_unit_code,
            required=True,
            help="Mã đơn vị nơi người này sinh hoạt (xem trang Đơn vị).",
        ),
        Column(
            "unit_name",
            "Tên đơn vị",
            lambda v: parse_text(v, 255),
            help="Chỉ để đọc; hệ thống dùng mã đơn vị.",
        ),
        Column("role", "Chức vụ", parse_role, help="Để trống nếu không giữ chức vụ."),
        Column(
            "position_unit",
            "Mã đơn vị giữ chức vụ",
            parse_unit_code,
            help="Để trống nếu trùng đơn vị sinh hoạt.",
        ),
        Column("full_time", "Chuyên trách", parse_yes_no, help="Có hoặc Không."),
        Column(
            "start_date",
            "Ngày bắt đầu",
            parse_date,
            aliases=("Từ ngày",),
            help="Ngày bắt đầu giữ chức vụ (dd/mm/yyyy).",
        ),
        Column("end_date", "Ngày kết thúc", parse_date, aliases=("Đến ngày",)),
        Column("end_reason", "Lý do kết thúc", choices_parser(EndReason, "lý do kết thúc")),
    )


def headers() -> list[str]:
    return [c.label for c in columns()]


def export_rows(people):
    """Rows of the spreadsheet for these people (a queryset), positions oldest first."""
    positions = Prefetch(
        "positions", Position.objects.select_related("unit", "role").order_by("start_date", "id")
    )
    for person in (
        people.select_related("unit").prefetch_related(positions).iterator(chunk_size=2000)
    ):
        base = [
            person.full_name,
            person.birth_date,
            vietnamese_label(Gender, person.gender),
            person.citizen_id or "",
            person.ethnicity,
            person.phone,
            person.email,
            vietnamese_label(EducationLevel, person.education_level),
            vietnamese_label(PoliticalTheory, person.political_theory),
            person.unit.code,
            person.unit.name,
        ]
        held = list(person.positions.all())
        if not held:
            yield base + [""] * 6
        for p in held:
            yield base + [
                p.role.name,
                p.unit.code if p.unit_id != person.unit_id else "",
                "Có" if p.full_time else "Không",
                p.start_date,
                p.end_date,
                vietnamese_label(EndReason, p.end_reason),
            ]
