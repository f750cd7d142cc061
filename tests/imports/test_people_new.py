"""People new to the system, from the people spreadsheet: checked all at once by
person_create's rules (people.services.people_check_new) and written in bulk. What the model
refuses is reported on its row, and everything else in the file is still written; a new
person's posts are written through the position rules as before."""

import datetime as dt

from imports.models import ImportStatus
from imports.services import job_commit, job_create
from people.models import Person, Position
from tests.imports.helpers import upload, xlsx_bytes

HEADER = ["Họ và tên", "Ngày sinh", "Giới tính", "Mã đơn vị", "Email", "Chức vụ", "Ngày bắt đầu"]


def check(user, rows):
    job = job_create(user=user, kind="people", upload=upload(xlsx_bytes([HEADER, *rows])))
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKED, job.problems
    return job


LAN = ["Đỗ Thị Lan", "01/02/1990", "Nữ", "HN-ML-01", "", "", ""]
MINH = ["Vũ Văn Minh", "03/04/1985", "Nam", "HN-ML-01", "", "Ủy viên Ban Chấp hành", "01/01/2024"]


def test_a_refused_new_person_is_reported_on_their_row_and_nothing_is_written(tree):
    job = check(
        tree.melinh_officer,
        [
            LAN,
            ["Đỗ Thị Hoa" + "a" * 60, "01/02/1991", "Nữ", "HN-ML-01", "", "", ""],
            MINH,
            ["Phan Văn Tú", "05/06/1987", "Nam", "HN-ML-01", "khong-phai-email", "", ""],
        ],
    )
    # The given name's column holds 50 characters; an email must look like one.
    assert sorted((p["row"], p["column"]) for p in job.problems) == [
        (3, "Họ và tên"),
        (5, "Email"),
    ], job.problems
    assert not job.can_commit
    assert not Person.objects.filter(family_name__in=("Đỗ", "Vũ", "Phan")).exists()


def test_new_people_are_written_with_their_posts(tree):
    job = check(tree.melinh_officer, [LAN, MINH, [*MINH[:5], "Phó Chủ tịch", "01/06/2025"]])
    assert job.can_commit, job.problems
    job_commit(user=tree.melinh_officer, job=job)
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE, job.problems
    assert job.summary["people_created"] == 2
    new = Person.objects.filter(family_name__in=("Đỗ", "Vũ"))
    assert sorted(new.values_list("given_name", flat=True)) == ["Lan", "Minh"]
    posts = Position.objects.filter(person__given_name="Minh", person__family_name="Vũ")
    assert sorted((p.role.code, p.unit, p.start_date) for p in posts) == [
        ("executive_member", tree.school, dt.date(2024, 1, 1)),
        ("vice_chair", tree.school, dt.date(2025, 6, 1)),
    ]
