"""Property: whatever a user types in a sheet — Vietnamese text, numbers, floats, dates,
booleans, blanks, garbage in any column — the importer never crashes, and every data row is
either imported (counted in the summary) or reported (a problem, or a choice, on its row).

The second half is shown by dropping the rows a check reports and checking again, until the
file passes: a file refused without naming any row would stop the loop."""

import datetime as dt
import io
import unicodedata
from decimal import Decimal

import pytest
import xlsxwriter
from django.db import transaction
from django.utils.translation import gettext
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from imports.models import ImportStatus
from imports.pipeline import columns_of
from imports.services import job_commit
from lib.spreadsheets import (
    CellError,
    parse_citizen_id,
    parse_date,
    parse_decimal,
    parse_integer,
)
from tests.databases import shared_examples
from tests.imports.helpers import csv_bytes, import_file

D = dt.date
UNEXPECTED = "The import stopped on an unexpected error; nothing was written."
VIETNAMESE = (
    "aăâbdđeêghiklmnoôơpqrstuưvxyáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệóòỏõọốồổỗộớờởỡợúùủũụ"
    "ứừửữựíìỉĩịýỳỷỹỵĐĂÂÊÔƠƯ"
)

# Values a user of Mê Linh may rightly type in each column: rows made only of these get
# imported (unless they clash with one another), so the property is not about refusals only.
GOOD = {
    "class_code": ["ML-2024-01", "ml-2024-01 "],
    "full_name": [
        "Nguyễn Văn An",
        "Đỗ Thị Hoa",
        unicodedata.normalize("NFD", "Phạm Thu Hà"),
        " Vũ  Văn Long ",
    ],
    "birth_date": [D(1980, 5, 1), "05/03/1985", "1990-12-01", 29000, None],
    "gender": ["Nam", "Nữ", "male"],
    "citizen_id": ["", "001192000777", "001 192 000 778"],
    "unit": ["HN-ML-01", "HN-ML-01 ", "hn-ml"],
    "position_unit": [""],
    "attendance_percent": [100, 80, "90", None],
    "score": [8, "8,5", 9.25, "10", None],
    "passed": ["Đạt", "Không đạt", "x", None],
    "role": ["Chủ tịch", "Ủy viên Ban Chấp hành", "chair", None],
    "full_time": ["Có", "Không", None],
    "start_date": [D(2023, 6, 1), "01/07/2024"],
    "end_date": [None],
    "end_reason": [None],
    "education_level": [None],
    "political_theory": [None],
    "email": ["", "an@example.vn"],
    "title": ["Trung cấp lý luận chính trị", "Bồi dưỡng nghiệp vụ"],
    "topics": ["union_general", "union_general; osh"],
    "hours": [24, "1.200"],
    "completed_on": [D(2022, 6, 30), "15/08/2023"],
    "form": ["Tập trung", "Trực tuyến", "online"],
    "institution": [None],
    "certificate_number": ["", "CC-0001"],
    "code": ["HN-ML-05", "HN-ML-06"],
    "name": ["Công đoàn Công ty May Mê Linh", "Công đoàn Trường THPT Mê Linh"],
    "kind": ["Công đoàn cơ sở", "grassroots"],
    "parent": ["HN-ML"],
    "sector": ["Nhà nước", "Ngoài nhà nước", "state"],
    "founded_on": [D(2010, 1, 1), "05/03/2021", None],
    "member_count": [120, "1.234", None],
    "worker_count": [150, "12.500", None],
    "figures_on": [None, D(2024, 1, 1)],
}
# External records are of people already in the system: tree.nguyen.
GOOD_RECORDS = {
    "full_name": ["Nguyễn Văn An", unicodedata.normalize("NFD", "Nguyễn Văn An")],
    "birth_date": [D(1980, 5, 1), "01/05/1980"],
    "citizen_id": ["", "001080000001"],
    "unit": ["HN-ML-01"],
}
# Values a user might type and get wrong.
WRONG = {
    "class_code": ["NT-2024-01", "KHONG-CO"],
    "birth_date": ["31/02/2021", "2021"],
    "gender": ["khác"],
    "citizen_id": ["001080000001", 1080000001, "12345"],
    "unit": ["HN-DA-01", "NT-PR-01", "XX"],
    "attendance_percent": ["-5", 101, 99.5],
    "score": [11, -1],
    "passed": ["?"],
    "role": ["Giám đốc"],
    "start_date": ["32/01/2024"],
    "topics": ["không có"],
    "hours": [0, 6000],
    "form": ["thư"],
    "code": ["HN-DA-09", "NT-PR-05", "HN-ML-01"],
    "kind": ["xyz", "Liên đoàn Lao động quận, huyện"],
    "parent": ["HN-DA", "HN", "NT-PR", "HN-ML-05"],
    "sector": ["tư nhân"],
    "member_count": [-3, 2.5],
}

text = st.text(alphabet=st.sampled_from(VIETNAMESE + "0123456789 -./,;:%*()\u00a0\t"), max_size=30)
garbage = st.one_of(
    st.none(),
    st.just(""),
    st.just("   "),
    text,
    st.integers(min_value=-(10**15), max_value=10**15),
    st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12),
    st.booleans(),
    st.dates(min_value=D(1900, 3, 1), max_value=D(2099, 12, 31)),
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(2099, 12, 31)),
)


def good(kind: str, key: str) -> list:
    return (GOOD_RECORDS if kind == "records" else {}).get(key) or GOOD.get(key, [None])


def cell(kind: str, key: str):
    return st.one_of(st.sampled_from(good(kind, key) + WRONG.get(key, [])), garbage)


@st.composite
def sheets(draw):
    kind = draw(st.sampled_from(["participants", "people", "records", "units"]))
    columns = columns_of(kind)
    right = st.tuples(*(st.sampled_from(good(kind, c.key)) for c in columns))
    noisy = st.tuples(*(cell(kind, c.key) for c in columns))
    rows = draw(st.lists(st.one_of(right, right, noisy).map(list), min_size=1, max_size=8))
    return kind, [c.label for c in columns], rows, draw(st.sampled_from(["xlsx", "csv"]))


def xlsx_exact(rows) -> bytes:
    """Each value written as its own type (a text starting with '=' stays text)."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    day = book.add_format({"num_format": "dd/mm/yyyy"})
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            if value is None:
                continue
            if isinstance(value, bool):
                sheet.write_boolean(r, c, value)
            elif isinstance(value, dt.date):
                sheet.write_datetime(r, c, value, day)
            elif isinstance(value, int | float):
                sheet.write_number(r, c, value)
            else:
                sheet.write_string(r, c, value)
    book.close()
    return buffer.getvalue()


def encode(header, rows, fmt) -> tuple[bytes, str]:
    if fmt == "csv":
        return csv_bytes([header] + [["" if v is None else v for v in r] for r in rows]), "file.csv"
    return xlsx_exact([header, *rows]), "file.xlsx"


def is_data(row) -> bool:
    return any(v is not None and (not isinstance(v, str) or v.split()) for v in row)


IMPORTED = {
    "participants": ("enrolments_created", "enrolments_updated", "enrolments_unchanged"),
    "records": ("records_created", "records_unchanged"),
    "units": ("units_created", "units_updated", "units_unchanged"),
}


def check_every_row_is_imported_or_reported(user, kind, header, rows, fmt) -> None:
    rows = [r for r in rows if is_data(r)]
    for _round in range(len(rows) + 1):
        job = import_file(user, kind, *encode(header, rows, fmt), commit=False)
        assert job.status == ImportStatus.CHECKED, job.problems
        assert gettext(UNEXPECTED) not in [p["message"] for p in job.problems]
        if not rows:
            assert [p["row"] for p in job.problems] == [None]  # "the file has no data"
            return
        assert job.rows_total == len(rows)
        reported = {p["row"] for p in job.problems} | {a["row"] for a in job.ambiguities}
        assert None not in reported, job.problems
        assert reported <= set(range(2, len(rows) + 2))
        if not reported:
            break
        rows = [r for n, r in enumerate(rows, 2) if n not in reported]
    assert job.can_commit, (job.problems, job.ambiguities)
    job = job_commit(user=user, job=job)
    assert job.status == ImportStatus.DONE, job.problems
    event(f"{kind}: {'some' if rows else 'no'} rows imported")
    if kind in IMPORTED:
        assert sum(job.summary.get(k, 0) for k in IMPORTED[kind]) == len(rows), job.summary
    else:  # people: rows of one person are grouped, each row a person or a post of one
        people = sum(
            job.summary.get(k, 0) for k in ("people_created", "people_updated", "people_unchanged")
        )
        posts = sum(
            job.summary.get(k, 0)
            for k in ("positions_created", "positions_updated", "positions_unchanged")
        )
        assert 1 <= people <= len(rows) and posts <= len(rows), job.summary


@settings(
    max_examples=shared_examples(40),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sheet=sheets())
def test_no_sheet_crashes_the_importer_and_every_row_is_imported_or_reported(tree, sheet):
    kind, header, rows, fmt = sheet
    with transaction.atomic():
        check_every_row_is_imported_or_reported(tree.melinh_officer, kind, header, rows, fmt)
        transaction.set_rollback(True)


any_cell = st.one_of(
    garbage, st.text(max_size=30), st.floats(), st.decimals(allow_nan=True), st.integers()
)


@settings(max_examples=500, deadline=None)
@given(value=any_cell)
@pytest.mark.parametrize(
    "parse",
    [
        parse_date,
        parse_citizen_id,
        parse_decimal,
        parse_integer,
        lambda v: parse_integer(v, minimum=1, maximum=5000),
        lambda v: parse_decimal(v, minimum=0, maximum=10),
    ],
    ids=["date", "citizen_id", "decimal", "integer", "hours", "score"],
)
def test_cell_parsers_raise_nothing_but_cell_errors(parse, value):
    try:
        parsed = parse(value)
    except CellError:
        return
    if isinstance(parsed, Decimal):
        assert parsed.is_finite()
    if isinstance(parsed, str):  # a citizen ID
        assert len(parsed) == 12 and parsed.isdigit()
