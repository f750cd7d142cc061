"""Blank templates users download and fill: Vietnamese headers (required ones marked *), the
citizen-ID column formatted as text, and an instructions sheet with every accepted value."""

import io

from django.utils import translation

from imports.models import ImportKind
from imports.pipeline import columns_of
from lib.xlsx import new_book, write_text
from people.models import Role
from training.models import Form, Topic
from units.models import UnitKind

TEXT_COLUMNS = {
    "citizen_id",
    "phone",
    "unit",
    "position_unit",
    "class_code",
    "code",
    "parent",
    "certificate_number",
}


def _reference_lists(kind: str) -> list[tuple[str, list[str]]]:
    with translation.override("vi"):
        if kind == ImportKind.PEOPLE:
            return [("Chức vụ", [r.name for r in Role.objects.all()])]
        if kind == ImportKind.UNITS:
            return [("Loại đơn vị", [k.name for k in UnitKind.objects.all()])]
        if kind == ImportKind.RECORDS:
            return [
                ("Chủ đề", [t.name for t in Topic.objects.all()]),
                ("Hình thức", [str(label) for _v, label in Form.choices]),
            ]
    return []


def template_workbook(kind: str) -> bytes:
    buffer = io.BytesIO()
    book, styles = new_book(buffer)
    columns = columns_of(kind)
    sheet = book.add_worksheet("Dữ liệu")
    with translation.override("vi"):
        write_text(sheet, 0, 0, f"MẪU NHẬP: {str(ImportKind(kind).label).upper()}", styles.title)
    write_text(
        sheet,
        1,
        0,
        "Điền từ dòng 4; các cột có dấu * là bắt buộc. Xem trang “Hướng dẫn”.",
        styles.subtitle,
    )
    for c, column in enumerate(columns):
        write_text(sheet, 2, c, column.label + (" *" if column.required else ""), styles.header)
        cell_format = styles.text if column.key in TEXT_COLUMNS else None
        sheet.set_column(c, c, max(14, len(column.label) + 4), cell_format)
    help_sheet = book.add_worksheet("Hướng dẫn")
    help_sheet.set_column(0, 0, 34)
    help_sheet.set_column(1, 1, 12)
    help_sheet.set_column(2, 2, 80)
    for c, title in enumerate(("Cột", "Bắt buộc", "Cách điền")):
        write_text(help_sheet, 0, c, title, styles.header)
    row = 1
    for column in columns:
        write_text(help_sheet, row, 0, column.label)
        write_text(help_sheet, row, 1, "Có" if column.required else "")
        write_text(help_sheet, row, 2, column.help or "")
        row += 1
    row += 1
    write_text(
        help_sheet,
        row,
        0,
        "Ngày: dd/mm/yyyy (ví dụ 05/03/2021) hoặc ô kiểu ngày của "
        "Excel. Số: có thể viết 1.234. Tệp .xlsx, .xls hoặc .csv.",
    )
    for title, values in _reference_lists(kind):
        row += 2
        write_text(help_sheet, row, 0, title, styles.header)
        for value in values:
            row += 1
            write_text(help_sheet, row, 0, value)
    book.close()
    return buffer.getvalue()
