"""One check tells everything (issue 23, point 5): "The first check of a file reported the
citizen-ID and date errors but not the unknown unit code on the same row, which appeared only
after re-uploading. Every problem of every row comes out of one check."

Each file below has rows wrong in several ways at once, each way caught by a different stage
of the check (reading the cells, looking up the codes, matching the people); every problem
comes out of the first check, named by row and column, and the file cannot be imported."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from imports.models import ImportStatus
from imports.services import job_commit, job_replace_file
from planning.models import Employer
from tests.imports.helpers import counts, import_file, upload, xlsx_bytes
from training.models import Institution

D = dt.date
PEOPLE = [
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Số CCCD",
    "Mã đơn vị",
    "Chức vụ",
    "Mã đơn vị giữ chức vụ",
    "Chuyên trách",
    "Ngày bắt đầu",
    "Ngày kết thúc",
    "Lý do kết thúc",
]


def person(**changes) -> list:
    row = dict(
        zip(
            PEOPLE,
            [
                "Phạm Thị Lan",
                "12/03/1988",
                "Nữ",
                "001188000123",
                "HN-ML-01",
                "",
                "",
                "",
                "",
                "",
                "",
            ],
            strict=True,
        )
    )
    row.update(changes)
    return list(row.values())


def where(job) -> list[tuple[int | None, str]]:
    return [(p["row"], p["column"]) for p in job.problems]


def refused_at_commit(user, job) -> None:
    """The check found problems: the page offers no import, and asking anyway writes nothing."""
    assert job.status == ImportStatus.CHECKED
    assert not job.can_commit
    before = counts()
    with pytest.raises(ValidationError):
        job_commit(user=user, job=job)
    assert counts() == before


def test_a_bad_citizen_id_a_bad_date_and_an_unknown_unit_come_out_of_one_check(tree):
    data = xlsx_bytes(
        [
            PEOPLE,
            person(**{"Số CCCD": "0011880001", "Ngày sinh": "31/02/1988", "Mã đơn vị": "HN-XX-99"}),
        ]
    )
    job = import_file(tree.melinh_officer, "people", data, commit=False)
    assert where(job) == [(2, "Ngày sinh"), (2, "Số CCCD"), (2, "Mã đơn vị")], job.problems
    assert "HN-XX-99" in job.problems[2]["message"]
    refused_at_commit(tree.melinh_officer, job)


def test_fixing_what_the_first_check_said_is_enough(tree):
    """The corrected file raises nothing the first check had not said."""
    bad = person(
        **{
            "Ngày sinh": "31/02/1988",
            "Mã đơn vị": "HN-XX-99",
            "Chức vụ": "Ủy viên Ban Chấp hành",
            "Mã đơn vị giữ chức vụ": "HN-YY-01",
            "Ngày bắt đầu": "01/07/2023",
        }
    )
    job = import_file(tree.melinh_officer, "people", xlsx_bytes([PEOPLE, bad]), commit=False)
    assert where(job) == [(2, "Ngày sinh"), (2, "Mã đơn vị"), (2, "Mã đơn vị giữ chức vụ")]
    fixed = person(
        **{
            "Chức vụ": "Ủy viên Ban Chấp hành",
            "Mã đơn vị giữ chức vụ": "HN-ML-01",
            "Ngày bắt đầu": "01/07/2023",
        }
    )
    job = job_replace_file(
        user=tree.melinh_officer, job=job, upload=upload(xlsx_bytes([PEOPLE, fixed]))
    )
    assert job.problems == [] and job.can_commit
    job = job_commit(user=tree.melinh_officer, job=job)
    assert job.status == ImportStatus.DONE
    assert job.summary == {"people_created": 1, "positions_created": 1}


def test_a_post_with_a_bad_cell_still_has_its_units_and_its_person_checked(tree):
    """A wrong end reason does not hide a citizen ID held outside the officer's scope (Lê Văn
    Cường of Ninh Thuận) nor an unknown post unit, nor a post without its start day."""
    data = xlsx_bytes(
        [
            PEOPLE,
            person(
                **{
                    "Số CCCD": tree.le.citizen_id,
                    "Chức vụ": "Chủ tịch",
                    "Mã đơn vị giữ chức vụ": "HN-ZZ",
                    "Chuyên trách": "Hơi hơi",
                    "Ngày kết thúc": "01/01/2025",
                    "Lý do kết thúc": "Đi chơi",
                }
            ),
        ]
    )
    job = import_file(tree.melinh_officer, "people", data, commit=False)
    assert where(job) == [
        (2, "Số CCCD"),
        (2, "Mã đơn vị giữ chức vụ"),
        (2, "Chuyên trách"),
        (2, "Ngày bắt đầu"),
        (2, "Lý do kết thúc"),
    ], job.problems
    refused_at_commit(tree.melinh_officer, job)


PARTICIPANTS = [
    "Mã lớp",
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Số CCCD",
    "Mã đơn vị",
    "Tỷ lệ tham dự (%)",
    "Điểm",
    "Kết quả",
]


def test_a_participant_row_has_its_class_its_unit_and_its_cells_checked_at_once(tree):
    data = xlsx_bytes(
        [
            PARTICIPANTS,
            ["XX-2024-99", "Đỗ Thị Hoa", "1992-13-01", "Nữ", "", "HN-XX-99", 90, 11, "Đạt"],
            # Another province's class: refused, and its bad result too.
            ["NT-2024-01", "Đỗ Văn Hùng", D(1990, 1, 1), "Nam", "", "HN-ML-01", 90, 8, "Có lẽ"],
        ]
    )
    job = import_file(tree.melinh_officer, "participants", data, commit=False)
    assert where(job) == [
        (2, "Mã lớp"),
        (2, "Ngày sinh"),
        (2, "Mã đơn vị"),
        (2, "Điểm"),
        (3, "Mã lớp"),
        (3, "Kết quả"),
    ], job.problems
    refused_at_commit(tree.melinh_officer, job)


RECORDS = [
    "Họ và tên",
    "Ngày sinh",
    "Số CCCD",
    "Mã đơn vị",
    "Tên khóa học",
    "Chủ đề",
    "Số giờ",
    "Ngày hoàn thành",
    "Hình thức",
    "Cơ sở đào tạo",
]


def test_a_record_row_has_its_unit_its_institution_and_its_cells_checked_at_once(tree):
    Institution.objects.create(name="Trường Chính trị tỉnh", kind="political_centre")
    data = xlsx_bytes(
        [
            RECORDS,
            [
                "Nguyễn Văn An",
                D(1980, 5, 1),
                "001080000001",
                "HN-XX-99",
                "Trung cấp lý luận chính trị",
                "Không có chủ đề này",
                "nhiều",
                D(2023, 12, 1),
                "Tập trung",
                "Trường Không Tồn Tại",
            ],
        ]
    )
    job = import_file(tree.melinh_officer, "records", data, commit=False)
    assert where(job) == [
        (2, "Mã đơn vị"),
        (2, "Chủ đề"),
        (2, "Số giờ"),
        (2, "Cơ sở đào tạo"),
    ], job.problems
    refused_at_commit(tree.melinh_officer, job)


UNITS = ["Mã đơn vị", "Tên đơn vị", "Loại đơn vị", "Mã đơn vị cấp trên", "Ngày thành lập"]


def test_a_unit_row_has_its_parent_and_its_cells_checked_at_once(tree):
    data = xlsx_bytes(
        [
            UNITS,
            [
                "HN-ML-09",
                "Công đoàn Trường Mầm non Mê Linh",
                "Công đoàn cơ sở",
                "HN-QQ",
                "32/13/2001",
            ],
            # An existing unit of another province, with a kind nobody knows.
            ["NT-PR-01", "Công đoàn Điện lực", "Hội đồng", "NT-PR", ""],
        ]
    )
    job = import_file(tree.melinh_officer, "units", data, commit=False)
    assert where(job) == [
        (2, "Mã đơn vị cấp trên"),
        (2, "Ngày thành lập"),
        (3, "Mã đơn vị"),
        (3, "Loại đơn vị"),
    ], job.problems
    refused_at_commit(tree.melinh_officer, job)


EMPLOYERS = ["Mã số thuế", "Tên doanh nghiệp", "Số lao động", "Mã công đoàn quản lý địa bàn"]


def test_an_employer_row_has_its_area_union_and_its_cells_checked_at_once(tree):
    data = xlsx_bytes([EMPLOYERS, ["01012345", "Công ty TNHH Hoa Sen", "năm mươi", "HN-XX"]])
    job = import_file(tree.melinh_officer, "employers", data, commit=False)
    assert where(job) == [
        (2, "Mã số thuế"),
        (2, "Số lao động"),
        (2, "Mã công đoàn quản lý địa bàn"),
    ], job.problems
    refused_at_commit(tree.melinh_officer, job)
    assert not Employer.objects.exists()


def test_the_preview_page_lists_every_problem_of_the_row(client, tree):
    client.force_login(tree.melinh_officer)
    data = xlsx_bytes(
        [
            PEOPLE,
            person(**{"Số CCCD": "12345", "Ngày sinh": "31/02/1988", "Mã đơn vị": "HN-XX-99"}),
        ]
    )
    response = client.post("/imports/", {"kind": "people", "file": upload(data)})
    page = client.get(response["Location"]).content.decode()
    assert "3 lỗi cần sửa" in page
    assert "HN-XX-99" in page and "31/02/1988" in page and "12345" in page
    assert 'id="commit"' not in page
