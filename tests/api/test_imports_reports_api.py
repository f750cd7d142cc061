"""An integrator runs an import and builds a report through the API (issue 21 §11): the same
check → commit job as the import page, the same validation and background job as the report
page, scoped alike."""

from django.core.files.uploadedfile import SimpleUploadedFile

from imports.models import ImportJob
from planning.models import Employer
from reports.models import ReportJob
from tests.api import BASE, ApiClient, messages_of
from tests.imports.helpers import XLSX, xlsx_bytes
from tests.planning.test_enterprise_register import HEADER, employer_row
from tests.reports.conftest import by_label, download, table

FIX_FIRST = "Hãy sửa các lỗi đã liệt kê trước khi nhập."
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def upload(api: ApiClient, rows, kind="employers"):
    data = xlsx_bytes([HEADER, *rows])
    return api.client.post(
        BASE + "/imports",
        {"kind": kind, "file": SimpleUploadedFile("dn.xlsx", data, content_type=XLSX)},
        headers=api._headers(),
    )


def test_an_import_is_checked_then_committed_as_on_the_page(tree):
    api = ApiClient(tree.hanoi_officer)
    checked = upload(api, [employer_row(1, "HN-ML", 40), employer_row(2, "HN-DA", 90)])
    assert checked.status_code == 201, checked.content
    job = checked.json()
    assert (job["status"], job["can_commit"], job["rows_total"]) == ("checked", True, 2)
    assert not Employer.objects.exists()  # a check writes nothing
    done = api.post(f"/imports/{job['id']}/commit")
    assert done.status_code == 200 and done.json()["status"] == "done"
    assert done.json()["summary"] == {"employers_created": 2}
    assert Employer.objects.count() == 2
    again = api.post(f"/imports/{job['id']}/commit")
    assert again.status_code == 422


def test_a_bad_file_names_its_rows_and_cannot_be_committed(tree):
    api = ApiClient(tree.hanoi_officer)
    job = upload(api, [employer_row(1, "XX", 40)]).json()
    assert job["can_commit"] is False
    assert job["problems"][0]["row"] == 2 and "XX" in job["problems"][0]["message"]
    refused = api.post(f"/imports/{job['id']}/commit")
    assert refused.status_code == 422
    assert messages_of(refused) == [FIX_FIRST]
    assert not Employer.objects.exists()
    bad_kind = upload(api, [employer_row(1, "HN-ML", 40)], kind="salaries")
    assert bad_kind.status_code == 422


def test_another_units_import_is_not_found_and_a_reader_cannot_upload(tree):
    job = upload(ApiClient(tree.hanoi_officer), [employer_row(1, "HN-ML", 40)]).json()
    assert ApiClient(tree.nt_officer).get(f"/imports/{job['id']}").status_code == 404
    assert upload(ApiClient(tree.inspector), [employer_row(1, "HN-ML", 40)]).status_code == 403
    assert ImportJob.objects.count() == 1


def test_a_report_is_queued_built_and_fetched_as_the_page_builds_it(client, tree, settings):
    settings.TASKS = IMMEDIATE
    api = ApiClient(tree.nt_officer)
    made = api.post("/reports", {"kind": "training", "unit": "NT", "year": 2024, "format": "xlsx"})
    assert made.status_code == 201, made.content
    job = made.json()
    assert (job["status"], job["percent_done"]) == ("done", 100)
    assert job["params"] == {"year": 2024, "to_year": 2024, "own": False}
    fetched = api.get(f"/reports/{job['id']}/file")
    assert fetched.status_code == 200
    built = b"".join(fetched.streaming_content)
    page = download(client, tree.nt_officer, "training", {"unit": "NT", "year": "2024"})
    assert by_label(table(built)[1]) == by_label(table(page)[1])


def test_a_report_request_is_validated_as_the_form_is(tree, settings):
    settings.TASKS = IMMEDIATE
    api = ApiClient(tree.nt_officer)
    future = api.post("/reports", {"kind": "training", "unit": "NT", "year": 2090})
    assert future.status_code == 422
    assert "Năm báo cáo không được sau năm hiện tại." in messages_of(future)
    outside = api.post("/reports", {"kind": "training", "unit": "HN", "year": 2024})
    assert outside.status_code == 422
    backwards = api.post(
        "/reports", {"kind": "training", "unit": "NT", "year": 2020, "to_year": 2011}
    )
    assert "Năm cuối không thể trước năm đầu." in messages_of(backwards)
    assert not ReportJob.objects.exists()
    other = ApiClient(tree.hanoi_officer).post(
        "/reports", {"kind": "structure", "unit": "HN", "on": "31/12/2025"}
    )
    assert other.status_code == 201
    assert api.get(f"/reports/{other.json()['id']}").status_code == 404
