"""The templates carry their lists (issue 23, point 5): "Templates carry drop-down lists (data
validation) for every coded column, the citizen-ID column formatted as text, and the Hướng
dẫn sheet lists the accepted values of every column (education, political theory, end reason
are missing)."

Each template is downloaded as the Mê Linh officer and opened with openpyxl, as Excel would
read it: what a drop-down offers is read from the cells its rule points at, and every value
offered goes through the import's own parser of that column."""

import io

import openpyxl
import pytest
from django.utils import translation
from openpyxl.utils import get_column_letter, range_boundaries

from imports import blank
from imports.pipeline import columns_of
from people.models import EducationLevel, EndReason, PoliticalTheory
from training.models import Institution

KINDS = ["people", "participants", "records", "units", "employers"]
HEADER_ROW = 3  # as Excel numbers it
# The coded columns of each kind, by the header the template gives them.
CODED = {
    "people": [
        "Giới tính",
        "Trình độ chuyên môn",
        "Lý luận chính trị",
        "Mã đơn vị",
        "Chức vụ",
        "Mã đơn vị giữ chức vụ",
        "Chuyên trách",
        "Lý do kết thúc",
    ],
    "participants": ["Mã lớp", "Giới tính", "Mã đơn vị", "Kết quả"],
    "records": ["Mã đơn vị", "Chủ đề", "Hình thức", "Cơ sở đào tạo"],
    "units": ["Loại đơn vị", "Mã đơn vị cấp trên", "Khu vực"],
    "employers": ["Mã công đoàn quản lý địa bàn", "Mã CĐCS"],
}
TEXT = {
    "people": ["Số CCCD", "Điện thoại", "Mã đơn vị", "Mã đơn vị giữ chức vụ"],
    "participants": ["Mã lớp", "Số CCCD", "Mã đơn vị"],
    "records": ["Số CCCD", "Mã đơn vị", "Số chứng chỉ"],
    "units": ["Mã đơn vị", "Mã đơn vị cấp trên"],
    "employers": ["Mã số thuế", "Mã công đoàn quản lý địa bàn", "Mã CĐCS"],
}


@pytest.fixture
def officer(client, tree):
    Institution.objects.create(name="Trường Chính trị thành phố Hà Nội", kind="political_centre")
    client.force_login(tree.melinh_officer)
    return tree


def template(client, kind: str) -> openpyxl.Workbook:
    response = client.get("/imports/template/", {"kind": kind})
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(response.content))


def header(sheet) -> dict[str, int]:
    """Each column's label (without the '*' of required ones) and its 1-based number."""
    return {
        str(cell.value).removesuffix(" *"): cell.column
        for cell in sheet[HEADER_ROW]
        if cell.value is not None
    }


def offered(book, sheet, column: int) -> tuple[list[str], str]:
    """The values the drop-down of a column offers, read where its rule points, and the
    kind of refusal the rule gives."""
    letter = get_column_letter(column)
    rules = [
        dv
        for dv in sheet.data_validations.dataValidation
        if f"{letter}{HEADER_ROW + 1}" in dv.sqref and dv.type == "list"
    ]
    assert len(rules) == 1, f"no drop-down on column {letter}"
    rule = rules[0]
    assert f"{letter}1048576" in rule.sqref  # down the whole sheet
    target, cells = rule.formula1.split("!")
    lists = book[target.strip("='")]
    assert lists.sheet_state == "hidden"
    first_col, first_row, last_col, last_row = range_boundaries(cells.replace("$", ""))
    values = [lists.cell(row=r, column=first_col).value for r in range(first_row, last_row + 1)]
    return values, rule.errorStyle


@pytest.mark.parametrize("kind", KINDS)
def test_every_coded_column_has_a_drop_down_of_what_the_import_accepts(client, officer, kind):
    book = template(client, kind)
    sheet = book["Dữ liệu"]
    where = header(sheet)
    parsers = {c.label: c.parse for c in columns_of(kind)}
    for label in CODED[kind]:
        values, refusal = offered(book, sheet, where[label])
        assert values, label
        assert refusal in ("warning", "information"), label  # English labels are taken too
        for value in values:
            parsers[label](value)  # raises if the import would refuse it


@pytest.mark.parametrize("kind", KINDS)
def test_only_the_coded_columns_have_a_drop_down(client, officer, kind):
    """An employer's "Ngành nghề" is any line of business, a unit's "Khu vực" one of two."""
    sheet = template(client, kind)["Dữ liệu"]
    letters = {get_column_letter(c): label for label, c in header(sheet).items()}
    with_list = {
        letters[str(cell).rstrip("0123456789")]
        for dv in sheet.data_validations.dataValidation
        for cell in str(dv.sqref).split()[0].split(":")[:1]
    }
    assert with_list == set(CODED[kind])


@pytest.mark.parametrize("kind", KINDS)
def test_the_instructions_say_how_to_fill_every_column(client, officer, kind):
    book = template(client, kind)
    rows = list(book["Hướng dẫn"].iter_rows(min_row=2, values_only=True))
    explained = {label: how for label, _required, how in rows[: len(columns_of(kind))]}
    assert set(explained) == {c.label for c in columns_of(kind)}
    assert all(explained.values()), [label for label, how in explained.items() if not how]


@pytest.mark.parametrize("kind", KINDS)
def test_the_citizen_id_and_code_columns_are_text(client, officer, kind):
    sheet = template(client, kind)["Dữ liệu"]
    where = header(sheet)
    for label in TEXT[kind]:
        assert column_format(sheet, where[label]) == "@", label


def column_format(sheet, column: int) -> str:
    """The number format a column gives the cells typed into it (neighbouring columns alike
    are stored as one range)."""
    for dimension in sheet.column_dimensions.values():
        if dimension.min <= column <= dimension.max:
            return dimension.number_format
    return "General"


def test_the_instructions_list_education_political_theory_and_end_reasons(client, officer):
    """001: "100% cán bộ công đoàn chuyên trách được chuẩn hóa về chuyên môn nghiệp vụ, lý
    luận chính trị … có trình độ đại học trở lên" — read from what the people file says."""
    book = template(client, "people")
    listed = [row[0] for row in book["Hướng dẫn"].iter_rows(values_only=True)]
    with translation.override("vi"):
        for choices in (EducationLevel, PoliticalTheory, EndReason):
            for _value, label in choices.choices:
                assert str(label) in listed, label
    for heading in ("Trình độ chuyên môn", "Lý luận chính trị", "Lý do kết thúc"):
        assert heading in listed


@pytest.mark.parametrize("kind", KINDS)
def test_the_instructions_list_the_values_of_every_coded_column(client, officer, kind):
    book = template(client, kind)
    sheet = book["Dữ liệu"]
    listed = [row[0] for row in book["Hướng dẫn"].iter_rows(values_only=True)]
    for label in CODED[kind]:
        values, _refusal = offered(book, sheet, header(sheet)[label])
        assert set(values) <= set(listed), label
        assert any(label in str(line).split(", ") for line in listed), label


def test_the_units_and_classes_offered_are_the_officers_own(client, officer):
    book = template(client, "participants")
    sheet = book["Dữ liệu"]
    where = header(sheet)
    units, _ = offered(book, sheet, where["Mã đơn vị"])
    assert units == ["HN-ML", "HN-ML-01"]  # not Đông Anh's, not Ninh Thuận's
    classes, _ = offered(book, sheet, where["Mã lớp"])
    assert classes == ["ML-2024-01"]
    book = template(client, "employers")
    sheet = book["Dữ liệu"]
    unions, _ = offered(book, sheet, header(sheet)["Mã CĐCS"])
    assert unions == ["HN-ML-01", "Chưa có"]  # grassroots unions only


def test_a_scope_too_large_to_list_gets_no_unit_drop_down_but_a_note(client, officer, monkeypatch):
    monkeypatch.setattr(blank, "MAX_LISTED", 1)
    book = template(client, "people")
    sheet = book["Dữ liệu"]
    letter = get_column_letter(header(sheet)["Mã đơn vị"])
    assert not [dv for dv in sheet.data_validations.dataValidation if f"{letter}4" in dv.sqref]
    notes = [row[2] for row in book["Hướng dẫn"].iter_rows(values_only=True)]
    assert any("hơn 1 đơn vị" in str(note) for note in notes)
    # The short lists keep theirs.
    offered(book, sheet, header(sheet)["Giới tính"])
