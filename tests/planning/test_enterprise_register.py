"""The enterprise register (issue 21 §3).

004: "Phối hợp với cơ quan bảo hiểm xã hội, thuế và chính quyền cơ sở rà soát nắm chắc số
lượng các doanh nghiệp … có từ 30 lao động trở lên" and "100% doanh nghiệp có từ 30 lao động
trở lên thành lập CĐCS". Employers come in from the agencies' spreadsheets (tax code the key,
a re-import updates), all or nothing with messages by row; coverage is counted employer by
employer, per unit and area, and the employers still without a union are the organiser's
working list — the page, its export, the API and the T-004-5 target say the same."""

import pytest
from django.test import override_settings

from imports.models import ImportKind, ImportStatus
from imports.services import job_commit
from planning.models import Employer
from targets.models import Target
from tests.api import ApiClient
from tests.exports.sheets import sheet
from tests.imports.helpers import import_file, xlsx_bytes

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
HEADER = [
    "STT",
    "Mã số thuế",
    "Tên doanh nghiệp",
    "Địa chỉ",
    "Phường, xã",
    "Tỉnh, thành phố",
    "Ngành nghề",
    "Số lao động tham gia BHXH",
    "Mã công đoàn quản lý địa bàn",
    "Mã CĐCS",
]
TITLE = ["BẢO HIỂM XÃ HỘI THÀNH PHỐ HÀ NỘI", "DANH SÁCH ĐƠN VỊ SỬ DỤNG LAO ĐỘNG", ""]


def employer_row(i: int, area: str, workers: int, union: str = "") -> list:
    return [
        i,
        f"01{i:08d}",
        f"Công ty TNHH Sản xuất {i}",
        f"Số {i} đường Quang Minh",
        "Xã Mê Linh",
        "Thành phố Hà Nội",
        "Dệt may",
        workers,
        area,
        union,
    ]


def run_import(user, rows, commit=True):
    data = xlsx_bytes([HEADER, *rows], title_rows=TITLE, merge_title=True)
    with override_settings(TASKS=IMMEDIATE):
        job = import_file(user, ImportKind.EMPLOYERS, data, commit=False)
        job.refresh_from_db()
        if commit and job.can_commit:
            job = job_commit(user=user, job=job)
    job.refresh_from_db()
    return job


def test_an_agency_file_of_10000_rows_is_imported_and_imported_again_updates(tree):
    t = tree
    rows = [
        employer_row(
            i, "HN-ML" if i % 2 else "HN-DA", 10 + i % 90, "HN-ML-01" if i % 7 == 0 else ""
        )
        for i in range(10_000)
    ]
    job = run_import(t.hanoi_officer, rows)
    assert job.status == ImportStatus.DONE, job.problems[:3]
    assert Employer.objects.count() == 10_000
    assert Employer.objects.get(tax_code="0100000007").union == t.school
    assert Employer.objects.get(tax_code="0100000003").union is None
    # The same list a month later: 5 employers grew past 30 workers, one found a union.
    rows[3][7] = 120
    rows[5][9] = "HN-ML-01"
    rows.append(employer_row(10_000, "HN-ML", 45))
    again = run_import(t.hanoi_officer, rows)
    assert again.status == ImportStatus.DONE, again.problems[:3]
    assert (
        again.summary["employers_created"],
        again.summary["employers_updated"],
        again.summary["employers_unchanged"],
    ) == (1, 2, 9_998)
    assert Employer.objects.get(tax_code="0100000003").workers == 120
    assert Employer.objects.count() == 10_001


def test_a_file_with_bad_rows_writes_nothing_and_names_each_row(tree):
    t = tree
    rows = [
        employer_row(1, "HN-ML", 50),
        ["2", "12345", "Công ty sai mã", "", "", "", "", 40, "HN-ML", ""],
        employer_row(1, "HN-ML", 60),  # the same tax code again
        employer_row(4, "XX-99", 40),
        employer_row(5, "HN-ML", 40, "HN-ML"),  # a district is no grassroots union
        employer_row(6, "NT", 40),  # outside Hà Nội
    ]
    job = run_import(t.hanoi_officer, rows)
    assert job.status == ImportStatus.CHECKED and not job.can_commit
    by_row = {(p["row"], p["message"]) for p in job.problems}
    first = 4  # three title rows, then the header
    assert (
        first + 2,
        "“12345” không phải mã số thuế (10 chữ số, hoặc 10 chữ số-3 chữ số với chi nhánh).",
    ) in by_row
    assert (first + 3, "Mã số thuế 0100000001 đã có ở dòng 5.") in by_row
    assert (first + 4, "Không có đơn vị nào mã “XX-99”.") in by_row
    assert (first + 5, "HN-ML không phải công đoàn cơ sở.") in by_row
    assert any(row == first + 6 for row, _m in by_row)
    assert not Employer.objects.exists()


@pytest.fixture
def register(tree):
    """Mê Linh: 3 employers of 30 or more (one with the school's union), one of 29 (not
    counted); Đông Anh: 2 of 30 or more (one with the factory's union)."""
    rows = [
        employer_row(1, "HN-ML", 30, "HN-ML-01"),
        employer_row(2, "HN-ML", 250),
        employer_row(3, "HN-ML", 31),
        employer_row(4, "HN-ML", 29),
        employer_row(5, "HN-DA", 400, "HN-DA-01"),
        employer_row(6, "HN-DA", 80),
    ]
    job = run_import(tree.hanoi_officer, rows)
    assert job.status == ImportStatus.DONE, job.problems
    return tree


def test_coverage_per_unit_and_area_and_the_working_list(client, register):
    t = register
    client.force_login(t.hanoi_officer)
    page = client.get("/planning/employers/", {"unit": t.hanoi.pk})
    body = page.content.decode()
    assert 'id="employers-30">5<' in body and 'id="with-union">2<' in body
    assert "40,00%" in body
    areas = dict(
        (a["area__code"], (a["employers"], a["with_union"]))
        for a in page.context["coverage"]["areas"]
    )
    assert areas == {"HN-DA": (2, 1), "HN-ML": (3, 1)}
    # The working list: largest first, the one of 29 workers left out.
    assert [e.tax_code for e in page.context["without"]] == [
        "0100000002",
        "0100000006",
        "0100000003",
    ]
    exported = sheet(client.get("/planning/employers/", {"unit": t.hanoi.pk, "format": "xlsx"}))
    listed = exported[[r[0] for r in exported].index("Mã số thuế") + 1 :]
    assert [r[0] for r in listed] == ["0100000002", "0100000006", "0100000003"]  # text, not 1e8
    api = ApiClient(t.hanoi_officer)
    coverage = api.get(f"/units/{t.melinh.pk}/employers/coverage").json()
    assert (coverage["employers"], coverage["with_union"], coverage["coverage"]) == (3, 1, "33.33")
    listed = api.get(f"/units/{t.hanoi.pk}/employers", {"without_union": "true"}).json()
    assert [e["tax_code"] for e in listed["items"]] == ["0100000002", "0100000006", "0100000003"]


def test_the_coverage_target_reads_the_register(register):
    """The register has no history: the coverage of a day is the register's as it is."""
    t = register
    Target.objects.filter(document__code="004").update(scope_unit=t.hanoi, active=True)
    api = ApiClient(t.hanoi_officer)
    found = api.get(f"/units/{t.hanoi.pk}/targets", {"as_of": "2018-12-31"}).json()
    coverage = {u["code"]: u for u in found["unit_targets"]}["T-004-5"]
    assert (coverage["value"], coverage["goal"], coverage["achieved"]) == ("40.00", "100.00", False)
    growth = api.get(
        f"/units/{t.hanoi.pk}/member-growth", {"start": "2018-01-01", "end": "2018-12-31"}
    ).json()
    assert (growth["totals"]["coverage"], growth["totals"]["coverage_source"]) == (
        "40.00",
        "register",
    )


def test_an_employer_held_by_another_district_is_not_changed_by_this_one(register):
    t = register
    job = run_import(t.melinh_officer, [employer_row(5, "HN-ML", 10)])
    assert job.status == ImportStatus.CHECKED and not job.can_commit
    assert any("0100000005" in p["message"] for p in job.problems)
    assert Employer.objects.get(tax_code="0100000005").workers == 400
