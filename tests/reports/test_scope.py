"""Scope: a report of a unit outside the user's subtree is 'not found' and gives nothing away;
background jobs are seen only by users whose scope covers their unit."""

import pytest

from reports.models import ReportJob
from reports.tasks import report_job_create
from tests.reports.conftest import post_report


@pytest.fixture
def job_of_ninh_thuan(tree, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    job = report_job_create(
        user=tree.nt_officer,
        unit=tree.ninhthuan,
        kind="structure",
        fmt="xlsx",
        params={"on": "2024-06-01"},
    )
    assert job.status == ReportJob.Status.DONE
    return job


def test_the_form_of_a_unit_outside_the_subtree_is_not_found(client, tree):
    client.force_login(tree.hanoi_officer)
    assert client.get(f"/reports/training/?unit={tree.ninhthuan.pk}").status_code == 404
    assert client.get("/reports/training/?unit=abc").status_code == 404
    assert client.get(f"/reports/training/?unit={tree.melinh.pk}").status_code == 200


@pytest.mark.parametrize(
    "kind,data",
    [
        ("training", {"year": "2024"}),
        ("structure", {"on": "01/06/2024"}),
        ("needs", {"on": "01/06/2024"}),
    ],
)
def test_a_code_outside_the_subtree_builds_nothing(client, tree, kind, data):
    response = post_report(client, tree.melinh_officer, kind, {"unit": "HN", **data})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    body = response.content.decode()
    assert "Không có đơn vị mã HN trong phạm vi quản lý của bạn." in body
    assert response.context["form"].errors["unit"]
    assert "Liên đoàn Lao động thành phố Hà Nội" not in body.split("<main>")[1]
    assert not ReportJob.objects.exists()


def test_the_district_officer_gets_the_report_of_their_district(client, tree):
    response = post_report(
        client, tree.melinh_officer, "structure", {"unit": "HN-ML", "on": "01/06/2024"}
    )
    assert response.status_code == 200 and response["Content-Disposition"]


def test_other_provinces_jobs_are_not_found(client, tree, job_of_ninh_thuan):
    job = job_of_ninh_thuan
    client.force_login(tree.hanoi_officer)
    for url in (
        f"/reports/jobs/{job.pk}/",
        f"/reports/jobs/{job.pk}/progress/",
        f"/reports/jobs/{job.pk}/download/",
    ):
        assert client.get(url).status_code == 404
    assert job.get_absolute_url() not in client.get("/reports/").content.decode()
    client.force_login(tree.nt_officer)
    assert client.get(f"/reports/jobs/{job.pk}/download/").status_code == 200
    assert job.get_absolute_url() in client.get("/reports/").content.decode()


def test_a_job_is_seen_by_whoever_covers_its_unit(client, tree, job_of_ninh_thuan):
    client.force_login(tree.admin)  # the confederation: not who asked, but above
    assert client.get(f"/reports/jobs/{job_of_ninh_thuan.pk}/").status_code == 200


def test_cadres_and_anonymous_users_have_no_reports(client, tree):
    assert client.get("/reports/").status_code == 302
    client.force_login(tree.cadre)
    assert client.get("/reports/").status_code == 403
    assert client.get("/reports/training/").status_code == 403


def test_an_unknown_report_is_not_found(client, tree):
    client.force_login(tree.hanoi_officer)
    assert client.get("/reports/nothing/").status_code == 404
    assert client.get("/reports/plan/").status_code == 200  # report 5 exists now
