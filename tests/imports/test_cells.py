"""What a cell of a real office file holds is read as Excel shows it, or reported by row and
column (issue 23, point 5): "Whatever a cell of a real office file can hold (formulas with or
without a computed value, error values, rich text, numbers standing for dates or codes) is
read as Excel shows it or reported by row and column — never silently taken as blank."

The files are built as the programs that make them write them: xlsxwriter saves a formula
with its computed value as Excel does; openpyxl saves formulas without one, as the exports of
other software do; xlwt writes Excel 97-2003 (.xls) records."""

import datetime as dt
import io
import zipfile

import openpyxl
import xlsxwriter
import xlwt
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

from imports.models import ImportStatus
from lib import excel_cells
from people.models import Person
from tests.imports.helpers import import_file

PEOPLE = ["Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Mã đơn vị", "Điện thoại"]
D = dt.date


def where(job) -> list[tuple]:
    return [(p["row"], p["column"]) for p in job.problems]


def as_excel_saves_it(rows: list[list]) -> bytes:
    """A workbook written by xlsxwriter: each cell a value, or a (kind, ...) tuple —
    ("formula", formula, computed value), ("rich", runs...), ("format", number, format)."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False})
    sheet = book.add_worksheet("Danh sách")
    bold = book.add_format({"bold": True})
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            if not isinstance(value, tuple):
                sheet.write(r, c, value)
            elif value[0] == "formula":
                sheet.write_formula(r, c, value[1], None, value[2])
            elif value[0] == "rich":
                sheet.write_rich_string(r, c, bold, value[1], value[2])
            elif value[0] == "format":
                sheet.write_number(r, c, value[1], book.add_format({"num_format": value[2]}))
    book.close()
    return buffer.getvalue()


def as_other_software_saves_it(rows: list[list]) -> bytes:
    """A workbook written by openpyxl: formulas ("=…") saved without a computed value,
    error values ("#N/A") stored as errors, rich text inline."""
    book = openpyxl.Workbook()
    sheet = book.active
    for values in rows:
        sheet.append(values)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


LAN = [
    ("rich", "Phạm ", "Thị Lan"),
    32214,  # a date stored as a number: 12/03/1988
    ("formula", 'IF(1=1,"Nữ","Nam")', "Nữ"),
    ("format", 1188000123, "000000000000"),  # shown as 001188000123
    ("formula", 'UPPER("hn-ml-01")', "HN-ML-01"),
    ("formula", 'CONCAT("0912","345678")', "0912345678"),
]


def test_what_excel_computed_is_read_and_its_errors_are_reported(tree):
    data = as_excel_saves_it(
        [
            PEOPLE,
            LAN,
            [
                "Vũ Văn Nam",
                ("formula", "NA()", "#N/A"),
                "Nam",
                ("formula", "1/0", "#DIV/0!"),
                ("formula", "Z99", "#REF!"),
                "",
            ],
        ]
    )
    job = import_file(tree.melinh_officer, "people", data, commit=False)
    assert where(job) == [(3, "Ngày sinh"), (3, "Số CCCD"), (3, "Mã đơn vị")], job.problems
    messages = [p["message"] for p in job.problems]
    assert "#N/A" in messages[0] and "#DIV/0!" in messages[1] and "#REF!" in messages[2]
    assert not job.can_commit

    job = import_file(tree.melinh_officer, "people", as_excel_saves_it([PEOPLE, LAN]))
    assert job.status == ImportStatus.DONE, job.problems
    lan = Person.objects.get(citizen_id="001188000123")
    assert (lan.full_name, lan.birth_date, lan.gender, lan.unit, lan.phone) == (
        "Phạm Thị Lan",
        D(1988, 3, 12),
        "female",
        tree.school,
        "0912345678",
    )


def test_formulas_saved_without_their_value_are_reported_not_read_as_blank(tree):
    name = CellRichText([TextBlock(InlineFont(b=True), "Phạm "), "Thị Lan"])
    data = as_other_software_saves_it(
        [
            PEOPLE,
            [name, "12/03/1988", '=IF(1=1,"Nữ","Nam")', "001188000123", "HN-ML-01", "=A1"],
            ["Vũ Văn Nam", "#N/A", "Nam", "#REF!", '=UPPER("hn-ml-01")', ""],
        ]
    )
    job = import_file(tree.melinh_officer, "people", data, commit=False)
    assert where(job) == [
        (2, "Giới tính"),
        (2, "Điện thoại"),
        (3, "Ngày sinh"),
        (3, "Số CCCD"),
        (3, "Mã đơn vị"),
    ], job.problems
    assert "Excel" in job.problems[0]["message"] and "#N/A" in job.problems[2]["message"]
    assert not job.can_commit


def test_a_row_of_nothing_but_errors_is_reported(tree):
    """A row whose every cell is an error value still is a row: left out, it would be a
    person silently missing."""
    data = as_excel_saves_it(
        [
            PEOPLE,
            ["Vũ Văn Nam", D(1990, 1, 1), "Nam", "", "HN-ML-01", ""],
            [("formula", "NA()", "#N/A"), ("formula", "NA()", "#N/A"), "", "", "", ""],
        ]
    )
    job = import_file(tree.melinh_officer, "people", data, commit=False)
    assert [(3, "Họ và tên"), (3, "Ngày sinh")] == where(job)[:2], job.problems
    assert job.rows_total == 2 and not job.can_commit


def test_a_citizen_id_number_keeps_its_leading_zeros_only_if_its_format_shows_them(tree):
    data = as_excel_saves_it(
        [
            PEOPLE,
            [
                "Nguyễn Văn An",
                D(1980, 5, 1),
                "Nam",
                ("format", 1080000001, "000000000000"),
                "HN-ML-01",
            ],
            ["Vũ Văn Nam", D(1990, 1, 1), "Nam", 1090000002, "HN-ML-01"],  # General: 1090000002
            ["Lý Văn Hải", D(1991, 1, 1), "Nam", 1.23456789012e11, "HN-ML-01"],  # 12 digits
        ]
    )
    job = import_file(tree.melinh_officer, "people", data, commit=False)
    assert where(job) == [(3, "Số CCCD")], job.problems
    assert "001090000002" in job.problems[0]["message"]  # lost its zeros: said, not guessed
    assert job.summary["people_unchanged"] == 1  # row 2 is tree.nguyen, 001080000001
    assert job.summary["people_created"] == 1  # row 4, 123456789012


def test_numbers_in_code_columns_are_read_as_their_digits(tree):
    data = as_excel_saves_it(
        [
            PEOPLE,
            [
                "Vũ Văn Nam",
                D(1990, 1, 1),
                "Nam",
                "",
                "HN-ML-01",
                ("format", 912345678, "0000000000"),
            ],
            ["Lý Văn Hải", D(1991, 1, 1), "Nam", "", "HN-ML-01", 2431234567],
        ]
    )
    job = import_file(tree.melinh_officer, "people", data)
    assert job.status == ImportStatus.DONE, job.problems
    phones = dict(Person.objects.filter(unit=tree.school).values_list("given_name", "phone"))
    assert (phones["Nam"], phones["Hải"]) == ("0912345678", "2431234567")


def xls(rows: list[list]) -> bytes:
    """An Excel 97-2003 workbook; a cell ("error", "#REF!") holds an error value, ("format",
    number, format) a formatted number."""
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Danh sach")
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            if isinstance(value, tuple) and value[0] == "error":
                sheet.row(r).set_cell_error(c, value[1])
            elif isinstance(value, tuple):
                sheet.write(r, c, value[1], xlwt.easyxf(num_format_str=value[2]))
            elif isinstance(value, dt.date):
                sheet.write(r, c, value, xlwt.easyxf(num_format_str="dd/mm/yyyy"))
            else:
                sheet.write(r, c, value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_old_xls_file_is_read_the_same_way(tree):
    data = xls(
        [
            PEOPLE,
            [
                "Nguyễn Văn An",
                D(1980, 5, 1),
                "Nam",
                ("format", 1080000001, "000000000000"),
                "HN-ML-01",
            ],
            ["Vũ Văn Nam", ("error", "#DIV/0!"), "Nam", "", ("error", "#REF!")],
        ]
    )
    job = import_file(tree.melinh_officer, "people", data, "can-bo.xls", commit=False)
    assert where(job) == [(3, "Ngày sinh"), (3, "Mã đơn vị")], job.problems
    assert "#DIV/0!" in job.problems[0]["message"] and "#REF!" in job.problems[1]["message"]
    assert job.summary["people_unchanged"] == 1  # 001080000001 is tree.nguyen


ODS_CONTENT = (
    '<?xml version="1.0" encoding="UTF-8"?><office:document-content'
    ' xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
    ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
    ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
    ' xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"'
    ' office:version="1.3"><office:body><office:spreadsheet>'
    '<table:table table:name="Danh sách">{rows}</table:table>'
    "</office:spreadsheet></office:body></office:document-content>"
)


def ods(rows: list[list]) -> bytes:
    """An OpenDocument spreadsheet as LibreOffice saves one: a cell ("error", "#N/A") holds
    an error result, ("formula", "of:=…") a formula saved without a value; a run of empty
    cells is one repeated cell."""
    xml = []
    for values in rows:
        xml.append("<table:table-row>")
        for value in values:
            if value == "":
                xml.append('<table:table-cell table:number-columns-repeated="1"/>')
            elif isinstance(value, tuple) and value[0] == "error":
                xml.append(
                    '<table:table-cell table:formula="of:=NA()" office:value-type="string"'
                    ' office:string-value="" calcext:value-type="error">'
                    f"<text:p>{value[1]}</text:p></table:table-cell>"
                )
            elif isinstance(value, tuple):
                xml.append(f'<table:table-cell table:formula="{value[1]}"/>')
            else:
                xml.append(
                    '<table:table-cell office:value-type="string" calcext:value-type="string">'
                    f"<text:p>{value}</text:p></table:table-cell>"
                )
        xml.append("</table:table-row>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as book:
        book.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        book.writestr(
            "META-INF/manifest.xml",
            '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
            '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
            '<manifest:file-entry manifest:full-path="/" manifest:media-type='
            '"application/vnd.oasis.opendocument.spreadsheet"/></manifest:manifest>',
        )
        book.writestr("content.xml", ODS_CONTENT.format(rows="".join(xml)))
    return out.getvalue()


def test_a_libreoffice_file_has_its_errors_reported_too(tree):
    data = ods(
        [
            PEOPLE,
            ["Nguyễn Văn An", "01/05/1980", "Nam", "001080000001", "HN-ML-01", ""],
            [
                "Vũ Văn Nam",
                ("error", "#N/A"),
                "Nam",
                "",
                ("formula", "of:=A1"),
                ("error", "Err:502"),
            ],
        ]
    )
    job = import_file(tree.melinh_officer, "people", data, "can-bo.ods", commit=False)
    assert where(job) == [(3, "Ngày sinh"), (3, "Mã đơn vị"), (3, "Điện thoại")], job.problems
    assert "#N/A" in job.problems[0]["message"] and "Err:502" in job.problems[2]["message"]
    assert job.summary["people_unchanged"] == 1


def test_the_formats_that_show_leading_zeros():
    assert excel_cells.padded_width("000000000000") == 12
    assert excel_cells.padded_width("0000000000;-0000000000") == 10
    for code in ("0", "General", "#,##0", "0.00", "dd/mm/yyyy", "@", '"Số "0', "#"):
        assert excel_cells.padded_width(code) == 0, code


def test_padded_numbers_of_an_xls_row_written_together_are_each_read():
    """Excel 97-2003 writes a run of small numbers as one record (MULRK): each keeps the
    zeros its format shows."""
    data = xls([["Mã", "A", "B", "C"], ["x", ("format", 12, "0000"), ("format", 7, "000"), 5]])
    marks = excel_cells.xls_marks(data, "Danh sach")
    assert marks == {(1, 1): ("text", "0012"), (1, 2): ("text", "007")}
