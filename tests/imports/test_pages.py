"""The import pages: the upload form, the preview of problems, the corrected file, who may see
a job, and big files checked in the background while the page polls their progress."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.access import SYSTEM
from imports.models import ImportJob, ImportStatus
from tests.imports.helpers import XLSX, counts, import_file, xlsx_bytes
from training.models import Enrolment

HEADER = [
    "Mã lớp",
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Số CCCD",
    "Mã đơn vị",
    "Điểm",
    "Kết quả",
]
NGUYEN = [
    "ML-2024-01",
    "Nguyễn Văn An",
    dt.date(1980, 5, 1),
    "Nam",
    "001080000001",
    "HN-ML-01",
    9,
    "Đạt",
]


def hoa(score=8) -> list:
    return ["ML-2024-01", "Đỗ Thị Hoa", "04/03/1992", "Nữ", "", "HN-ML-01", score, "Đạt"]


def upload(data: bytes, name: str = "hoc-vien.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, XLSX)


def post_file(client, data: bytes, name: str = "hoc-vien.xlsx", kind: str = "participants"):
    return client.post("/imports/", {"kind": kind, "file": upload(data, name)})


@pytest.fixture
def officer(client, tree):
    client.force_login(tree.melinh_officer)
    return tree.melinh_officer


@pytest.fixture
def job(tree):
    """A checked file with a score of 11 on row 3."""
    return import_file(
        tree.melinh_officer,
        "participants",
        xlsx_bytes([HEADER, NGUYEN, hoa(score=11)]),
        commit=False,
    )


# -- upload ----------------------------------------------------------------------------------


def test_the_page_offers_every_template(client, officer):
    page = client.get("/imports/").content.decode()
    for kind in ("units", "people", "participants", "records"):
        assert f"/imports/template/?kind={kind}" in page


def test_an_upload_without_a_file_shows_the_form_again(client, officer):
    response = client.post("/imports/", {"kind": "participants"})
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not ImportJob.objects.exists()


def test_an_upload_of_another_kind_of_file_is_refused(client, officer):
    response = post_file(client, b"%PDF-1.4 ...", "hoc-vien.pdf")
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not ImportJob.objects.exists()


def test_an_upload_of_an_unknown_kind_is_refused(client, officer):
    response = post_file(client, xlsx_bytes([HEADER, NGUYEN]), kind="salaries")
    assert response.status_code == 200
    assert response.context["form"].errors["kind"]
    assert not ImportJob.objects.exists()


def test_a_good_upload_leads_to_its_preview_and_writes_nothing(client, officer):
    before = counts()
    response = post_file(client, xlsx_bytes([HEADER, NGUYEN, hoa()]))
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/imports/{job.pk}/"
    assert (job.status, job.user, job.unit) == (ImportStatus.CHECKED, officer, officer.unit)
    assert counts() == before
    page = client.get(response["Location"]).content.decode()
    assert 'id="commit"' in page and 'id="problems"' not in page


# -- preview ---------------------------------------------------------------------------------


def test_the_preview_shows_each_problem_with_its_row_and_column(client, officer, job):
    page = client.get(f"/imports/{job.pk}/").content.decode()
    assert 'id="problems"' in page and 'id="commit"' not in page
    assert '<td class="num">3</td><td>Điểm</td>' in page


def test_a_zero_byte_upload_is_refused_by_the_form(client, officer):
    response = post_file(client, b"")
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not ImportJob.objects.exists()


def test_the_preview_shows_a_whole_file_problem_without_a_row(client, officer):
    post_file(client, xlsx_bytes([]))
    job = ImportJob.objects.get()
    page = client.get(f"/imports/{job.pk}/").content.decode()
    assert f'<td class="num">—</td><td></td><td>{job.problems[0]["message"]}</td>' in page


def test_a_committed_job_cannot_be_committed_again(client, officer, tree):
    job = import_file(tree.melinh_officer, "participants", xlsx_bytes([HEADER, NGUYEN, hoa()]))
    assert job.status == ImportStatus.DONE
    before = counts()
    client.post(f"/imports/{job.pk}/commit/")
    assert counts() == before
    page = client.get(f"/imports/{job.pk}/").content.decode()
    assert 'id="commit"' not in page and 'id="replace-form"' not in page


def test_committing_a_job_with_problems_writes_nothing(client, officer, job):
    before = counts()
    response = client.post(f"/imports/{job.pk}/commit/")
    assert response.status_code == 302
    assert counts() == before
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKED


def test_a_corrected_file_makes_the_job_committable(client, officer, job):
    response = client.post(
        f"/imports/{job.pk}/replace/",
        {"file": upload(xlsx_bytes([HEADER, NGUYEN, hoa(score=10)]), "hoc-vien-sua.xlsx")},
    )
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.can_commit, job.problems
    assert job.filename == "hoc-vien-sua.xlsx"
    client.post(f"/imports/{job.pk}/commit/")
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert Enrolment.objects.get(person__given_name="Hoa").score == 10


def test_a_corrected_file_of_the_wrong_type_leaves_the_job_as_it_was(client, officer, job):
    client.post(f"/imports/{job.pk}/replace/", {"file": upload(b"%PDF", "sua.pdf")})
    job.refresh_from_db()
    assert (job.filename, job.status) == ("file.xlsx", ImportStatus.CHECKED)
    assert [p["row"] for p in job.problems] == [3]


def test_choices_between_look_alikes_are_made_on_the_page(client, officer, tree):
    from people.services import person_create

    twins = [
        person_create(
            user=SYSTEM,
            unit=tree.school,
            family_name="Đỗ",
            middle_name="Thị",
            given_name="Hoa",
            gender="female",
            birth_date=dt.date(1992, 3, 4),
        )
        for _ in range(2)
    ]
    post_file(client, xlsx_bytes([HEADER, hoa()]))
    job = ImportJob.objects.get()
    page = client.get(f"/imports/{job.pk}/").content.decode()
    assert f'name="row-2" value="{twins[0].pk}"' in page
    assert 'name="row-2" value="new"' in page
    client.post(f"/imports/{job.pk}/resolve/", {"row-2": str(twins[0].pk)})
    job.refresh_from_db()
    assert job.can_commit
    client.post(f"/imports/{job.pk}/commit/")
    assert Enrolment.objects.filter(training_class=tree.ml_class, person=twins[0]).exists()


def test_the_preview_needs_the_same_queries_for_3_rows_or_300(
    client, officer, tree, django_assert_max_num_queries
):
    small = import_file(
        tree.melinh_officer,
        "participants",
        xlsx_bytes([HEADER, NGUYEN, hoa(11), hoa(12)]),
        commit=False,
    )
    big = import_file(
        tree.melinh_officer,
        "participants",
        xlsx_bytes([HEADER] + [hoa(11 + i) for i in range(300)]),
        commit=False,
    )
    assert len(big.problems) >= 300
    with CaptureQueriesContext(connection) as few:
        assert client.get(f"/imports/{small.pk}/").status_code == 200
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(f"/imports/{big.pk}/").status_code == 200
    with django_assert_max_num_queries(12):
        client.get(f"/imports/{big.pk}/")


# -- who may see a job -----------------------------------------------------------------------

JOB_PAGES = [
    ("get", "/imports/{pk}/"),
    ("get", "/imports/{pk}/progress/"),
    ("post", "/imports/{pk}/commit/"),
    ("post", "/imports/{pk}/resolve/"),
    ("post", "/imports/{pk}/replace/"),
]


@pytest.mark.parametrize(("method", "url"), JOB_PAGES)
def test_an_officer_of_another_province_gets_not_found(client, tree, job, method, url):
    client.force_login(tree.nt_officer)
    response = getattr(client, method)(url.format(pk=job.pk))
    assert response.status_code == 404


@pytest.mark.parametrize(("method", "url"), JOB_PAGES)
def test_the_provincial_officer_above_sees_the_districts_job(client, tree, job, method, url):
    client.force_login(tree.hanoi_officer)
    response = getattr(client, method)(url.format(pk=job.pk))
    assert response.status_code in (200, 302)


@pytest.mark.parametrize(
    ("method", "url"),
    [
        *JOB_PAGES,
        ("get", "/imports/"),
        ("post", "/imports/"),
        ("get", "/imports/template/?kind=people"),
    ],
)
def test_an_inspector_is_forbidden(client, tree, job, method, url):
    client.force_login(tree.inspector)
    before = counts()
    response = getattr(client, method)(url.format(pk=job.pk))
    assert response.status_code == 403
    assert counts() == before


def test_an_anonymous_visitor_is_sent_to_log_in(client, job):
    response = client.get(f"/imports/{job.pk}/")
    assert response.status_code == 302 and "/login" in response["Location"]


# -- big files in the background -------------------------------------------------------------


def test_a_big_file_waits_for_the_worker_and_the_page_shows_progress(client, officer, settings):
    settings.IMPORTS_INLINE_BYTES = 0
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    post_file(client, xlsx_bytes([HEADER, NGUYEN, hoa()]))
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.QUEUED
    progress = client.get(f"/imports/{job.pk}/progress/")
    assert progress.status_code == 200 and "HX-Refresh" not in progress
    assert 'id="commit"' not in client.get(f"/imports/{job.pk}/").content.decode()
    response = client.post(f"/imports/{job.pk}/commit/")  # refused while it runs
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportStatus.QUEUED and not job.commit_requested


def test_a_big_file_is_checked_and_committed_by_the_task(client, officer, settings, tree):
    settings.IMPORTS_INLINE_BYTES = 0
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    post_file(client, xlsx_bytes([HEADER, NGUYEN, hoa()]))
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.CHECKED and job.can_commit, job.problems
    progress = client.get(f"/imports/{job.pk}/progress/")
    assert progress["HX-Refresh"] == "true"
    client.post(f"/imports/{job.pk}/commit/")
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE, job.problems
    assert Enrolment.objects.filter(training_class=tree.ml_class, person__given_name="Hoa").exists()
