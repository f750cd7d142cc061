"""Blank templates users download and fill (issue 23, point 5): Vietnamese headers (required
ones marked *), the citizen-ID and every code column formatted as text, a drop-down list on
every coded column, and an instructions sheet ("Hướng dẫn") with what each column takes and
the accepted values of every coded one.

The drop-downs point at a hidden sheet ("Danh mục") holding the lists, so a list of any length
works and no value is cut at a comma (a list typed into the rule itself is). They warn, not
forbid: the import also takes the English labels and the stored values, and a pasted cell
is not checked by Excel anyway; the import checks every cell. The units and classes offered
are the officer's own (their unit's subtree), up to MAX_LISTED of each: a larger scope gets
no drop-down for them, and the instructions say where to find the codes."""

import io
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import translation

from accounts.scope import scoped
from imports.models import ImportKind
from imports.pipeline import columns_of
from lib.dates import today
from lib.spreadsheets import Column
from lib.xlsx import new_book, write_text
from people.models import EducationLevel, EndReason, Gender, PoliticalTheory, Role
from training.models import ClassStatus, Form, Institution, Topic, TrainingClass
from units.models import Unit, UnitKind

TEXT_COLUMNS = {
    "citizen_id",
    "phone",
    "unit",
    "position_unit",
    "class_code",
    "code",
    "parent",
    "certificate_number",
    "tax_code",
    "area",
    "union",
}
HEADER_ROW = 2  # 0-based: the user's row 3, under the title and the line on how to fill
LAST_ROW = 1_048_575  # the drop-downs and formats reach the end of the sheet
MAX_LISTED = 5_000
LISTS_SHEET = "Danh mục"
NO_UNION = "Chưa có"


@dataclass
class Choices:
    """The values a coded column accepts, as the template offers them."""

    values: list[str]
    notes: list[str] = field(default_factory=list)  # what each value stands for (a name)
    about: str = ""  # a line above the values on the instructions sheet
    several: bool = False  # a cell may hold several values, separated by ';'
    more_than: int = 0  # the scope holds more than MAX_LISTED: none listed


def _labels(choices) -> Choices:
    with translation.override("vi"):
        return Choices([str(label) for _value, label in choices.choices])


def _live_units(user):
    day = today()
    return scoped(
        Unit.objects.filter(Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=day)), user
    ).order_by("path")


def _listed(rows, about: str, what: str, extra: tuple[str, ...] = ()) -> Choices:
    """Codes and names, if there are at most MAX_LISTED of them."""
    rows = list(rows[: MAX_LISTED + 1])
    if len(rows) > MAX_LISTED:
        shown = f"{MAX_LISTED:,}".replace(",", ".")  # as Vietnamese writes it
        return Choices(
            [],
            about=f"Phạm vi của anh/chị có hơn {shown} {what}: gõ mã (xem mã trên trang "
            "của hệ thống).",
            more_than=MAX_LISTED,
        )
    return Choices(
        [code for code, _name in rows] + list(extra),
        [name for _code, name in rows] + [""] * len(extra),
        about=about,
    )


def _units(user) -> Choices:
    return _listed(
        _live_units(user).values_list("code", "name"),
        "Mã và tên các đơn vị đang hoạt động trong phạm vi của anh/chị.",
        "đơn vị",
    )


def _grassroots(user) -> Choices:
    return _listed(
        _live_units(user).filter(kind__level__code="grassroots").values_list("code", "name"),
        f"Mã các công đoàn cơ sở trong phạm vi của anh/chị; “{NO_UNION}” nếu doanh nghiệp "
        "chưa có công đoàn cơ sở.",
        "công đoàn cơ sở",
        extra=(NO_UNION,),
    )


def _classes(user) -> Choices:
    classes = scoped(
        TrainingClass.objects.filter(status__in=(ClassStatus.RUNNING, ClassStatus.CLOSED)), user
    ).order_by("-start_date", "code")
    return _listed(
        classes.values_list("code", "name"),
        "Các lớp trong phạm vi của anh/chị đã khai giảng (ghi kết quả được), mới nhất trước.",
        "lớp",
    )


def _named(queryset, about: str = "", several: bool = False) -> Callable:
    def build(user) -> Choices:
        with translation.override("vi"):
            return Choices([str(o) for o in queryset()], about=about, several=several)

    return build


# Each coded column's list, by column key; columns sharing a list (a person's unit and the
# unit of their post) share it on the sheets too. A key meaning a choice in one kind only
# (a unit's "sector" is state or not; an employer's is a line of business) is listed by kind.
LIST_OF = {
    "gender": "gender",
    "education_level": "education",
    "political_theory": "theory",
    "end_reason": "end_reason",
    "full_time": "yes_no",
    "passed": "passed",
    "form": "form",
    "role": "role",
    "topics": "topic",
    "institution": "institution",
    "unit": "unit",
    "position_unit": "unit",
    "parent": "unit",
    "area": "unit",
    "union": "grassroots",
    "class_code": "class",
}
LIST_OF_KIND = {ImportKind.UNITS: {"kind": "unit_kind", "sector": "sector"}}
# What to write in a column whose own help says nothing ("Cách điền").
HINTS = {
    "full_name": "Họ, tên đệm và tên.",
    "birth_date": "dd/mm/yyyy",
    "ethnicity": "Tên dân tộc, ví dụ Kinh, Tày, Mường.",
    "phone": "Số điện thoại; cột định dạng Văn bản để giữ số 0 đầu.",
    "email": "Địa chỉ thư điện tử, ví dụ ten@congdoan.vn.",
    "end_date": "dd/mm/yyyy; cần khi chức vụ đã kết thúc, cùng với lý do kết thúc.",
    "unit": "Mã đơn vị của người học.",
    "title": "Tên khóa học như trên văn bằng, chứng chỉ.",
    "hours": "Số nguyên từ 1 đến 5.000.",
    "completed_on": "dd/mm/yyyy",
    "certificate_number": "Số hiệu văn bằng, chứng chỉ (tối đa 30 ký tự).",
    "code": "Mã của đơn vị (không có dấu nháy, dấu gạch chéo).",
    "name": "Tên đầy đủ.",
    "parent": "Mã đơn vị cấp trên: đã có trong hệ thống, hoặc ở một dòng khác của tệp.",
    "founded_on": "dd/mm/yyyy",
    "member_count": "Số nguyên, có thể viết 1.234.",
    "worker_count": "Số nguyên, có thể viết 1.234.",
    "workers": "Số nguyên, có thể viết 1.234.",
    "address": "Văn bản, tối đa 255 ký tự.",
    "province": "Tên tỉnh, thành phố.",
    "sector": "Văn bản, ví dụ Dệt may, Điện tử.",
    "source": "Nơi cung cấp số liệu, ví dụ BHXH tỉnh, Cục Thuế.",
}
BUILDERS: dict[str, Callable[..., Choices]] = {
    "gender": lambda user: _labels(Gender),
    "education": lambda user: _labels(EducationLevel),
    "theory": lambda user: _labels(PoliticalTheory),
    "end_reason": lambda user: _labels(EndReason),
    "yes_no": lambda user: Choices(["Có", "Không"]),
    "passed": lambda user: Choices(["Đạt", "Không đạt"]),
    "form": lambda user: _labels(Form),
    "role": _named(Role.objects.all),
    "unit_kind": _named(UnitKind.objects.all),
    "sector": lambda user: Choices(["Nhà nước", "Ngoài nhà nước"]),
    "topic": _named(
        Topic.objects.all,
        about="Một hay nhiều chủ đề, cách nhau bởi dấu ; (danh sách thả xuống chọn một).",
        several=True,
    ),
    "institution": _named(
        lambda: Institution.objects.order_by("name"),
        about="Cơ sở đào tạo đã khai báo trong hệ thống (quản trị viên thêm cơ sở mới).",
    ),
    "unit": _units,
    "grassroots": _grassroots,
    "class": _classes,
}


@dataclass
class CodedList:
    """One list of a template: the columns it serves and its values."""

    columns: list[Column]
    choices: Choices
    source: str = ""  # the range of the lists sheet the drop-downs point at


def coded_lists(kind: str, user) -> list[CodedList]:
    """The lists of a kind's template, in the order of their first column."""
    lists: dict[str, CodedList] = {}
    by_key = {**LIST_OF, **LIST_OF_KIND.get(kind, {})}
    for column in columns_of(kind):
        name = by_key.get(column.key)
        if name is None:
            continue
        if name not in lists:
            lists[name] = CodedList([], BUILDERS[name](user))
        lists[name].columns.append(column)
    return list(lists.values())


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _place(lists: list[CodedList]) -> list[tuple[int, CodedList]]:
    """Where each list sits on the hidden sheet (a column, and its names beside it), and the
    range its drop-downs point at; an empty list gets no drop-down."""
    layout = []
    c = 0
    for coded in lists:
        if not coded.choices.values:
            continue
        layout.append((c, coded))
        letter = _column_letter(c)
        coded.source = f"='{LISTS_SHEET}'!${letter}$2:${letter}${len(coded.choices.values) + 1}"
        c += 2 if coded.choices.notes else 1
    return layout


def _write_lists_sheet(book, styles, layout: list[tuple[int, CodedList]]) -> None:
    """The hidden sheet of values, written row by row (the workbook streams its rows)."""
    sheet = book.add_worksheet(LISTS_SHEET)
    for c, coded in layout:
        sheet.set_column(c, c, 16, styles.text)
        write_text(sheet, 0, c, ", ".join(col.label for col in coded.columns), styles.header)
    depth = max((len(coded.choices.values) for _c, coded in layout), default=0)
    for r in range(depth):
        for c, coded in layout:
            if r < len(coded.choices.values):
                write_text(sheet, r + 1, c, coded.choices.values[r])
                if coded.choices.notes and coded.choices.notes[r]:
                    write_text(sheet, r + 1, c + 1, coded.choices.notes[r])
    sheet.hide()


def _drop_downs(sheet, columns: list[Column], lists: list[CodedList]) -> None:
    where = {column.key: c for c, column in enumerate(columns)}
    for coded in lists:
        if not coded.source:
            continue
        for column in coded.columns:
            c = where[column.key]
            sheet.data_validation(
                HEADER_ROW + 1,
                c,
                LAST_ROW,
                c,
                {
                    "validate": "list",
                    "source": coded.source,
                    "error_type": "information" if coded.choices.several else "warning",
                    "error_title": "Không có trong danh sách",
                    "error_message": (
                        f"“{column.label}” nhận các giá trị trong danh sách thả xuống "
                        "(xem trang “Hướng dẫn”)."
                    )[:255],
                },
            )


def _how_to_fill(column: Column, coded: CodedList | None) -> str:
    text = column.help or HINTS.get(column.key, "")
    if coded is not None:
        if coded.source:
            text += " Chọn trong danh sách thả xuống; các giá trị được nhận ở dưới."
        else:
            text += " Các giá trị được nhận ở dưới."
    return text.strip()


def _write_instructions(book, styles, columns: list[Column], lists: list[CodedList]) -> None:
    sheet = book.add_worksheet("Hướng dẫn")
    sheet.set_column(0, 0, 34)
    sheet.set_column(1, 1, 12)
    sheet.set_column(2, 2, 80)
    for c, title in enumerate(("Cột", "Bắt buộc", "Cách điền")):
        write_text(sheet, 0, c, title, styles.header)
    list_of = {column.key: coded for coded in lists for column in coded.columns}
    row = 1
    for column in columns:
        write_text(sheet, row, 0, column.label)
        write_text(sheet, row, 1, "Có" if column.required else "")
        write_text(sheet, row, 2, _how_to_fill(column, list_of.get(column.key)))
        row += 1
    for line in (
        "Ngày: dd/mm/yyyy (ví dụ 05/03/2021) hoặc ô kiểu ngày của Excel. "
        "Số: có thể viết 1.234. Tệp .xlsx, .xls hoặc .csv.",
        "Số CCCD và các cột mã có định dạng Văn bản: gõ đủ các số 0 ở đầu.",
        "Ô có công thức được đọc theo giá trị Excel đã tính; ô báo lỗi (#N/A, #REF!…) "
        "hoặc công thức chưa được tính (tệp do phần mềm khác tạo: mở bằng Excel rồi lưu lại) "
        "bị báo lỗi theo dòng và cột.",
    ):
        row += 1
        write_text(sheet, row, 0, line)
    for coded in lists:
        row += 2
        write_text(sheet, row, 0, ", ".join(c.label for c in coded.columns), styles.header)
        if coded.choices.about:
            write_text(sheet, row, 2, coded.choices.about)
        if not coded.choices.values and not coded.choices.more_than:
            row += 1
            write_text(sheet, row, 0, "(chưa có)")
        for r, value in enumerate(coded.choices.values):
            row += 1
            write_text(sheet, row, 0, value)
            if coded.choices.notes and coded.choices.notes[r]:
                write_text(sheet, row, 2, coded.choices.notes[r])


def template_workbook(kind: str, user) -> bytes:
    """The template of a kind of import, with the lists of what `user` may import."""
    buffer = io.BytesIO()
    book, styles = new_book(buffer)
    columns = list(columns_of(kind))
    lists = coded_lists(kind, user)
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
        write_text(
            sheet, HEADER_ROW, c, column.label + (" *" if column.required else ""), styles.header
        )
        cell_format = styles.text if column.key in TEXT_COLUMNS else None
        sheet.set_column(c, c, max(14, len(column.label) + 4), cell_format)
    sheet.freeze_panes(HEADER_ROW + 1, 0)
    layout = _place(lists)
    _write_instructions(book, styles, columns, lists)
    _write_lists_sheet(book, styles, layout)
    _drop_downs(sheet, columns, lists)
    book.close()
    return buffer.getvalue()
