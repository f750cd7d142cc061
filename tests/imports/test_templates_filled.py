"""Download each template as an officer, fill it like a user would (in the same workbook, so
the title rows and the instructions sheet stay), upload it through the page, look at the
preview, import it, and find the data where it belongs."""

import datetime as dt
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from python_calamine import CalamineWorkbook

from imports.models import ImportJob, ImportStatus
from people.models import Person, Position, Role
from planning.models import Employer
from tests.imports.helpers import XLSX
from training.models import Enrolment, Topic, TrainingRecord
from units.models import Unit, UnitFigures

D = dt.date


def download(client, kind: str) -> bytes:
    response = client.get("/imports/template/", {"kind": kind})
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    return response.content


def header_of(data: bytes) -> tuple[int, dict[str, int]]:
    """The header row (0-based) of the data sheet and the column of each label (without the
    '*' that marks required ones)."""
    rows = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    for r, row in enumerate(rows):
        if "Mã đơn vị *" in row or "Mã số thuế *" in row:
            return r, {str(v).removesuffix(" *"): c for c, v in enumerate(row) if v}
    raise AssertionError("no header row in the template")


def instructions(data: bytes) -> list[str]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    visible = [s.name for s in book.sheets_metadata if str(s.visible).endswith("Visible")]
    assert visible == ["Dữ liệu", "Hướng dẫn"]  # and the hidden sheet of the drop-downs' lists
    return [str(row[0]) for row in book.get_sheet_by_name("Hướng dẫn").to_python() if row]


def fill(data: bytes, rows: list[dict]) -> bytes:
    header, columns = header_of(data)
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book.worksheets[0]
    for i, values in enumerate(rows):
        for label, value in values.items():
            sheet.cell(row=header + 2 + i, column=columns[label] + 1, value=value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload_and_commit(client, kind: str, data: bytes) -> ImportJob:
    response = client.post(
        "/imports/", {"kind": kind, "file": SimpleUploadedFile(f"mau-{kind}.xlsx", data, XLSX)}
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    preview = client.get(response["Location"])
    job = preview.context["job"]
    assert job.can_commit, (job.problems, job.ambiguities)
    assert job.header_row == header_of(data)[0] + 1
    page = preview.content.decode()
    assert 'id="summary"' in page and 'id="commit"' in page and 'id="problems"' not in page
    response = client.post(f"/imports/{job.pk}/commit/")
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE, job.problems
    return job


@pytest.fixture
def officer(client, tree):
    client.force_login(tree.melinh_officer)
    return tree


def test_a_filled_units_template_adds_a_unit_with_its_member_count(client, officer):
    template = download(client, "units")
    assert "Công đoàn cơ sở" in instructions(template)  # the kinds of unit to choose from
    data = fill(
        template,
        [
            {
                "Mã đơn vị": "HN-ML-07",
                "Tên đơn vị": "Công đoàn Công ty CP Xanh",
                "Loại đơn vị": "Công đoàn cơ sở",
                "Mã đơn vị cấp trên": "HN-ML",
                "Khu vực": "Ngoài nhà nước",
                "Ngày thành lập": "15/01/2015",
                "Số đoàn viên": 245,
                "Số công nhân, viên chức, lao động": "1.300",
            }
        ],
    )
    upload_and_commit(client, "units", data)
    unit = Unit.objects.get(code="HN-ML-07")
    assert (unit.parent, unit.sector, unit.founded_on) == (
        officer.melinh,
        "non_state",
        D(2015, 1, 15),
    )
    figures = UnitFigures.objects.get(unit=unit)
    assert (figures.member_count, figures.worker_count) == (245, 1300)


def test_a_filled_people_template_adds_a_person_with_a_position(client, officer):
    template = download(client, "people")
    listed = instructions(template)
    assert {r.name for r in Role.objects.all()} <= set(listed)  # every role, to copy from
    data = fill(
        template,
        [
            {
                "Họ và tên": "Hoàng Thị Mai",
                "Ngày sinh": dt.datetime(1988, 9, 12),
                "Giới tính": "Nữ",
                "Số CCCD": "001188000123",
                "Mã đơn vị": "HN-ML-01",
                "Chức vụ": "Phó Chủ tịch",
                "Chuyên trách": "Không",
                "Ngày bắt đầu": "01/06/2023",
            }
        ],
    )
    upload_and_commit(client, "people", data)
    mai = Person.objects.get(citizen_id="001188000123")
    assert (mai.full_name, mai.birth_date, mai.gender, mai.unit) == (
        "Hoàng Thị Mai",
        D(1988, 9, 12),
        "female",
        officer.school,
    )
    position = Position.objects.get(person=mai)
    assert (position.role.code, position.unit, position.full_time, position.start_date) == (
        "vice_chair",
        officer.school,
        False,
        D(2023, 6, 1),
    )


def test_a_filled_participants_template_enrols_people_and_records_passes(client, officer):
    data = fill(
        download(client, "participants"),
        [
            {
                "Mã lớp": "ML-2024-01",
                "Họ và tên": "Nguyễn Văn An",
                "Số CCCD": "001080000001",
                "Mã đơn vị": "HN-ML-01",
                "Tỷ lệ tham dự (%)": 100,
                "Điểm": "8,5",
                "Kết quả": "Đạt",
            },
            {
                "Mã lớp": "ML-2024-01",
                "Họ và tên": "Đỗ Thị Hoa",
                "Ngày sinh": "04/03/1992",
                "Giới tính": "Nữ",
                "Mã đơn vị": "HN-ML-01",
                "Tỷ lệ tham dự (%)": 95,
                "Điểm": 9,
                "Kết quả": "Đạt",
            },
            {
                "Mã lớp": "ML-2024-01",
                "Họ và tên": "Bùi Văn Tùng",
                "Ngày sinh": "20/10/1990",
                "Giới tính": "Nam",
                "Mã đơn vị": "HN-ML-01",
                "Tỷ lệ tham dự (%)": 60,
                "Điểm": 4,
                "Kết quả": "Không đạt",
            },
        ],
    )
    job = upload_and_commit(client, "participants", data)
    assert (job.summary["enrolments_created"], job.summary["enrolments_updated"]) == (2, 1)
    enrolled = {
        e.person.full_name: e
        for e in Enrolment.objects.filter(training_class=officer.ml_class).select_related("person")
    }
    assert set(enrolled) == {"Nguyễn Văn An", "Đỗ Thị Hoa", "Bùi Văn Tùng"}
    assert str(enrolled["Nguyễn Văn An"].score) in ("8.5", "8.50")
    recorded = {
        r.person.full_name
        for r in TrainingRecord.objects.filter(training_class=officer.ml_class).select_related(
            "person"
        )
    }
    assert recorded == {"Nguyễn Văn An", "Đỗ Thị Hoa"}


def test_a_filled_records_template_adds_an_external_record(client, officer):
    template = download(client, "records")
    listed = instructions(template)
    topic = Topic.objects.order_by("rank").first()
    assert topic.name in listed
    data = fill(
        template,
        [
            {
                "Họ và tên": "Nguyễn Văn An",
                "Ngày sinh": "01/05/1980",
                "Mã đơn vị": "HN-ML-01",
                "Tên khóa học": "Trung cấp lý luận chính trị",
                "Chủ đề": topic.name,
                "Số giờ": 480,
                "Ngày hoàn thành": "30/06/2022",
                "Hình thức": "Tập trung",
                "Số chứng chỉ": "LLCT-2022-001",
            }
        ],
    )
    upload_and_commit(client, "records", data)
    record = TrainingRecord.objects.get(person=officer.nguyen, certificate_number="LLCT-2022-001")
    assert (record.title, record.hours, record.completed_on, record.training_class) == (
        "Trung cấp lý luận chính trị",
        480,
        D(2022, 6, 30),
        None,
    )
    assert list(record.topics.all()) == [topic]


@pytest.mark.parametrize("kind", ["units", "people", "participants", "records", "employers"])
def test_the_instructions_sheet_explains_every_column(client, officer, kind):
    template = download(client, kind)
    _header, columns = header_of(template)
    assert set(columns) <= set(instructions(template))


def test_an_unknown_template_is_not_found(client, officer):
    assert client.get("/imports/template/", {"kind": "salaries"}).status_code == 404


def test_a_filled_employers_template_adds_an_employer_of_the_register(client, officer):
    data = fill(
        download(client, "employers"),
        [
            {
                "Mã số thuế": "0101234567",
                "Tên doanh nghiệp": "Công ty TNHH May Quang Minh",
                "Phường, xã": "Xã Quang Minh",
                "Tỉnh, thành phố": "Thành phố Hà Nội",
                "Số lao động": 320,
                "Mã công đoàn quản lý địa bàn": "HN-ML",
                "Mã CĐCS": "Chưa có",
            }
        ],
    )
    upload_and_commit(client, "employers", data)
    employer = Employer.objects.get(tax_code="0101234567")
    assert (employer.workers, employer.area, employer.union) == (320, officer.melinh, None)
