"""The Word reports follow Decree 30/2020/NĐ-CP: A4, margins 20/15/30/20 mm, Times New
Roman; a borderless header with the issuing body and the number at the left, the national
name and the underlined motto at the right, place and date in italics; the title in bold
capitals; recipients at the left and the signature at the right."""

import datetime as dt
import io

import pytest
from docx import Document
from docx.shared import Pt

from accounts.access import SYSTEM
from lib.dates import today
from people.services import person_create, position_create
from reports.content import vn_date_line, vn_number
from tests.reports.conftest import download


@pytest.fixture
def melinh_docx(client, tree):
    chair = person_create(
        user=SYSTEM,
        unit=tree.melinh,
        family_name="Nguyễn",
        middle_name="Thị",
        given_name="Hằng",
        gender="female",
    )
    position_create(
        user=SYSTEM,
        person=chair,
        unit=tree.melinh,
        role=tree.chair_role,
        full_time=True,
        start_date=dt.date(2020, 1, 1),
    )
    data = download(
        client, tree.melinh_officer, "structure", {"unit": "HN-ML", "on": "01/06/2024"}, "docx"
    )
    return Document(io.BytesIO(data))


def texts(cell) -> list[str]:
    return [p.text for p in cell.paragraphs]


def test_the_page_is_a4_with_the_decrees_margins(melinh_docx):
    section = melinh_docx.sections[0]

    def mm(length):
        return round(length.mm)

    assert (mm(section.page_width), mm(section.page_height)) == (210, 297)
    assert (
        mm(section.top_margin),
        mm(section.right_margin),
        mm(section.bottom_margin),
        mm(section.left_margin),
    ) == (20, 15, 20, 30)
    normal = melinh_docx.styles["Normal"].font
    assert normal.name == "Times New Roman" and normal.size == Pt(14)


def test_the_header_names_the_issuer_and_the_nation(melinh_docx):
    header = melinh_docx.tables[0]
    assert header.style is None or header.style.name == "Normal Table"  # no borders
    assert "tblBorders" not in header._tbl.xml
    issuer = header.cell(0, 0).paragraphs
    assert [p.text for p in issuer] == ["LIÊN ĐOÀN LAO ĐỘNG TP HÀ NỘI", "LĐLĐ HUYỆN MÊ LINH"]
    assert not issuer[0].runs[0].bold and issuer[1].runs[0].bold
    nation = header.cell(0, 1).paragraphs
    assert [p.text for p in nation] == [
        "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
    ]
    assert nation[0].runs[0].bold and nation[1].runs[0].bold and nation[1].runs[0].underline
    assert texts(header.cell(1, 0))[0].startswith("Số:")
    assert texts(header.cell(1, 0))[0].endswith("/BC-LĐLĐ")
    date_line = header.cell(1, 1).paragraphs[0]
    assert date_line.text == vn_date_line("Hà Nội", today())
    assert date_line.runs[0].italic


def test_the_title_and_the_closing(melinh_docx):
    body = [p for p in melinh_docx.paragraphs if p.text]
    assert body[0].text == "BÁO CÁO" and body[0].runs[0].bold
    assert body[1].text == "Cơ cấu đội ngũ cán bộ công đoàn" and body[1].runs[0].bold
    assert "Kính gửi: Liên đoàn Lao động thành phố Hà Nội" in [p.text for p in body]
    closing = melinh_docx.tables[-1]
    assert texts(closing.cell(0, 0)) == ["Nơi nhận:", "- Như trên;", "- Lưu: VT, ToC."]
    signature = [t for t in texts(closing.cell(0, 1)) if t]
    assert signature == ["TM. BAN THƯỜNG VỤ", "CHỦ TỊCH", "Nguyễn Thị Hằng"]
    for paragraph in melinh_docx.paragraphs:
        for run in paragraph.runs:
            assert run.font.name == "Times New Roman"


def test_a_grassroots_union_signs_for_its_executive_committee(client, tree):
    data = download(
        client, tree.melinh_officer, "structure", {"unit": "HN-ML-01", "on": "01/06/2024"}, "docx"
    )
    document = Document(io.BytesIO(data))
    assert texts(document.tables[0].cell(0, 0)) == [
        "LIÊN ĐOÀN LAO ĐỘNG HUYỆN MÊ LINH",
        "CÔNG ĐOÀN TRƯỜNG THPT MÊ LINH",
    ]
    assert "TM. BAN CHẤP HÀNH" in texts(document.tables[-1].cell(0, 1))
    assert texts(document.tables[0].cell(1, 0))[0].endswith("/BC-CĐCS")


def test_the_confederation_has_no_body_above_it(client, tree):
    data = download(client, tree.admin, "structure", {"unit": "TLD", "on": "01/06/2024"}, "docx")
    document = Document(io.BytesIO(data))
    assert texts(document.tables[0].cell(0, 0)) == ["TỔNG LIÊN ĐOÀN LAO ĐỘNG VIỆT NAM"]
    assert texts(document.tables[0].cell(1, 0))[0].endswith("/BC-TLĐ")
    assert texts(document.tables[-1].cell(0, 0)) == ["Nơi nhận:", "- Lưu: VT, ToC."]
    assert not any(p.text.startswith("Kính gửi") for p in document.paragraphs)


def test_ninh_thuan_dates_its_reports_from_ninh_thuan(client, tree):
    data = download(
        client, tree.nt_officer, "structure", {"unit": "NT-PR", "on": "01/06/2024"}, "docx"
    )
    line = Document(io.BytesIO(data)).tables[0].cell(1, 1).paragraphs[0].text
    assert line.startswith("Ninh Thuận, ngày ")


def test_dates_and_numbers_are_written_the_vietnamese_way():
    assert vn_date_line("Hà Nội", dt.date(2026, 2, 5)) == "Hà Nội, ngày 05 tháng 02 năm 2026"
    assert vn_date_line("Hà Nội", dt.date(2026, 11, 25)) == "Hà Nội, ngày 25 tháng 11 năm 2026"
    assert vn_number(9551) == "9.551" and vn_number(1234567) == "1.234.567"
    from decimal import Decimal

    assert vn_number(Decimal("66.7")) == "66,7" and vn_number(Decimal("1234.5")) == "1.234,5"
    assert vn_number(None) == ""


def test_figures_are_right_aligned_and_labels_left(melinh_docx):
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    for grid in melinh_docx.tables[1:-1]:  # the data tables, between header and closing
        for row in grid.rows[1:]:
            label, figure = row.cells[0].paragraphs[0], row.cells[1].paragraphs[0]
            assert label.alignment in (None, WD_ALIGN_PARAGRAPH.LEFT), label.text
            assert figure.alignment == WD_ALIGN_PARAGRAPH.RIGHT, figure.text
