"""Every export that lists people by name writes one entry in the access log: who, which
export, what it covered (unit, filters) and how many rows of people it held. Exports of
figures only (classes, statistics, units, plans, inspections, retention figures, courses,
aggregate reports) write nothing."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from cadrework import evaluations
from elearning import services as elearning
from elearning.models import CourseEnrolment
from privacy.models import Action, PersonalDataAccess, Source
from reports.tasks import report_job_create
from tests.exports.sheets import table
from tests.reports.conftest import download as report_download
from tests.targets.pages_world import build


def export(client, user, url: str, params: dict | None = None) -> bytes:
    client.force_login(user)
    response = client.get(url, params or {}, REMOTE_ADDR="192.0.2.7")
    assert response.status_code == 200, response.status_code
    assert response["Content-Disposition"].startswith("attachment;")
    return b"".join(response.streaming_content)


def only_entry() -> PersonalDataAccess:
    [entry] = PersonalDataAccess.objects.all()
    assert entry.action == Action.EXPORT and entry.person is None
    assert entry.remote_addr == "192.0.2.7"
    return entry


def test_the_people_list_export_is_logged_and_keeps_citizen_ids_in_full(client, tree):
    data = export(
        client, tree.hanoi_officer, "/people/", {"unit": "HN-ML", "q": "", "format": "xlsx"}
    )
    entry = only_entry()
    assert (entry.user, entry.username, entry.source, entry.unit) == (
        tree.hanoi_officer,
        "hanoi",
        Source.PEOPLE_LIST,
        tree.melinh,
    )
    assert entry.params == {"unit": "HN-ML"} and entry.count == 1
    # The file feeds the people import again, so it holds the number itself.
    _head, body = table(rows_of(data), header="Họ và tên")
    assert [r[3] for r in body] == ["001080000001"]


def rows_of(data: bytes) -> list[list]:
    return CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()


def test_the_whole_people_list_is_logged_against_the_users_unit(client, tree):
    export(client, tree.hanoi_officer, "/people/", {"format": "xlsx"})
    entry = only_entry()
    assert (entry.unit, entry.params, entry.count) == (tree.hanoi, {}, 2)


def test_a_class_participants_export_is_logged(client, tree):
    export(
        client, tree.melinh_officer, f"/training/classes/{tree.ml_class.pk}/", {"format": "xlsx"}
    )
    entry = only_entry()
    assert (entry.user, entry.source, entry.unit, entry.params, entry.count) == (
        tree.melinh_officer,
        Source.CLASS_PARTICIPANTS,
        tree.melinh,
        {"class": "ML-2024-01"},
        1,
    )


def test_the_chairs_export_is_logged(client, tree):
    data = export(
        client,
        tree.hanoi_officer,
        "/training/chairs/",
        {"unit": tree.melinh.pk, "on": "31/12/2024", "format": "xlsx"},
    )
    entry = only_entry()
    assert (entry.source, entry.unit, entry.params) == (
        Source.CHAIRS,
        tree.melinh,
        {"on": "2024-12-31"},
    )
    # Mê Linh's one grassroots union, the school, whose chair is Nguyễn Văn An.
    _head, body = table(rows_of(data), header="Họ và tên")
    assert [r[0] for r in body] == ["Nguyễn Văn An"] and entry.count == len(body) == 1


def test_the_lecturers_export_is_logged(client, tree):
    export(client, tree.hanoi_officer, "/training/lecturers/", {"format": "xlsx"})
    entry = only_entry()
    assert (entry.source, entry.unit, entry.count) == (Source.LECTURERS, tree.hanoi, 1)


def test_the_evaluations_export_is_logged(client, tree):
    evaluations.evaluation_save(
        user=tree.melinh_officer,
        person=tree.nguyen,
        year=2024,
        occasion="yearly",
        rating="good",
        votes_good=5,
    )
    export(
        client, tree.hanoi_officer, "/cadrework/evaluations/", {"year": "2024", "format": "xlsx"}
    )
    entry = only_entry()
    assert (entry.source, entry.unit, entry.params, entry.count) == (
        Source.EVALUATIONS,
        tree.hanoi,
        {"year": 2024, "occasion": "yearly"},
        1,
    )


def test_the_people_behind_a_retention_figure_export_is_logged(client, tree):
    params = {"unit": tree.hanoi.pk, "from": "01/01/2024", "to": "31/12/2024"}
    export(
        client,
        tree.hanoi_officer,
        reverse("cadrework:retention_people"),
        {**params, "format": "xlsx"},
    )
    entry = only_entry()
    assert (entry.source, entry.unit, entry.count) == (Source.RETENTION_PEOPLE, tree.hanoi, 1)
    assert entry.params == {"unit": str(tree.hanoi.pk), "from": "01/01/2024", "to": "31/12/2024"}


def test_the_learners_progress_export_is_logged(client, tree):
    course = elearning.course_save(
        user=tree.melinh_officer,
        organiser=tree.melinh,
        code="ONL-ML",
        title="Khóa trực tuyến",
        hours=8,
        topics=[tree.topic],
    )
    module = elearning.module_save(user=tree.melinh_officer, course=course, title="Bài 1")
    elearning.lesson_save(
        user=tree.melinh_officer, module=module, title="Đọc", kind="text", body="<p>Nội dung</p>"
    )
    elearning.course_publish(user=tree.melinh_officer, course=course)
    CourseEnrolment.objects.create(course=course, person=tree.nguyen)
    export(
        client, tree.melinh_officer, f"/elearning/courses/{course.pk}/progress/", {"format": "xlsx"}
    )
    entry = only_entry()
    assert (entry.source, entry.unit, entry.params, entry.count) == (
        Source.COURSE_PROGRESS,
        tree.melinh,
        {"course": "ONL-ML"},
        1,
    )


# --- the targets' lists (the targets pages' world) --------------------------------------------


@pytest.fixture
def world(tree):
    return build(tree)


def test_the_needs_list_csv_is_logged_with_the_rows_it_streamed(client, world):
    tree = world.tree
    data = export(
        client,
        tree.hanoi_officer,
        "/targets/needs/",
        {"unit": tree.hanoi.pk, "on": world.today.isoformat(), "format": "csv"},
    )
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))[1:]
    entry = only_entry()
    assert (entry.source, entry.unit, entry.count) == (Source.NEEDS_LIST, tree.hanoi, len(rows))
    assert len(rows) > 0
    assert entry.params == {"on": world.today.isoformat(), "target": "", "format": "csv"}


def test_the_needs_list_xlsx_of_one_target_is_logged(client, world):
    tree = world.tree
    data = export(
        client,
        tree.hanoi_officer,
        "/targets/needs/",
        {
            "unit": tree.hanoi.pk,
            "on": world.today.isoformat(),
            "target": world.t2.pk,
            "format": "xlsx",
        },
    )
    _head, body = table(rows_of(data), header="Chỉ tiêu")
    entry = only_entry()
    assert entry.params["target"] == "T-003-2" and entry.count == len(body) > 0


def test_the_dashboard_export_is_logged_with_its_post_holders(client, world):
    tree = world.tree
    export(client, tree.hanoi_officer, "/targets/", {"unit": tree.hanoi.pk, "format": "xlsx"})
    entry = only_entry()
    assert (entry.source, entry.unit, entry.count) == (Source.TARGETS_DASHBOARD, tree.hanoi, 3)


def test_the_needs_report_is_logged_built_at_once_and_from_a_job(client, world, settings, tmp_path):
    tree = world.tree
    settings.MEDIA_ROOT = tmp_path
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    client.force_login(tree.hanoi_officer)
    report_download(
        client, tree.hanoi_officer, "needs", {"unit": "HN", "on": world.today.strftime("%d/%m/%Y")}
    )
    entry = PersonalDataAccess.objects.get()
    assert (entry.user, entry.source, entry.unit) == (tree.hanoi_officer, Source.REPORT, tree.hanoi)
    assert entry.params == {"report": "needs", "on": world.today.isoformat(), "format": "xlsx"}
    job = report_job_create(
        user=tree.melinh_officer,
        unit=tree.melinh,
        kind="needs",
        fmt="docx",
        params={"on": world.today.isoformat()},
    )
    job.refresh_from_db()
    assert job.status == "done"
    export(client, tree.hanoi_officer, f"/reports/jobs/{job.pk}/download/")
    entry = PersonalDataAccess.objects.exclude(pk=entry.pk).get()
    assert (entry.user, entry.source, entry.unit) == (
        tree.hanoi_officer,
        Source.REPORT,
        tree.melinh,
    )
    assert entry.params == {
        "report": "needs",
        "on": world.today.isoformat(),
        "format": "docx",
        "job": job.pk,
    }


# --- exports of figures only --------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "params"),
    [
        ("/training/classes/", {}),
        ("/training/statistics/", {"from": "01/01/2024", "to": "31/12/2024"}),
        ("/units/", {}),
        ("/cadrework/inspections/", {}),
        ("/cadrework/retention/", {"from": "01/01/2024", "to": "31/12/2024"}),
        ("/elearning/courses/", {}),
        ("/planning/consolidated/", {"year": "2024"}),
    ],
)
def test_an_export_of_figures_is_not_logged(client, tree, url, params):
    export(client, tree.hanoi_officer, url, {**params, "format": "xlsx"})
    assert not PersonalDataAccess.objects.exists()


def test_a_report_of_figures_is_not_logged(client, tree, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    report_download(
        client,
        tree.hanoi_officer,
        "structure",
        {"unit": "HN", "on": dt.date(2024, 6, 1).strftime("%d/%m/%Y")},
    )
    assert not PersonalDataAccess.objects.exists()


def test_a_refused_export_is_not_logged(client, tree):
    client.force_login(tree.nt_officer)
    response = client.get(f"/training/classes/{tree.ml_class.pk}/", {"format": "xlsx"})
    assert response.status_code == 404
    client.force_login(tree.cadre)
    assert client.get("/people/", {"format": "xlsx"}).status_code == 403
    assert not PersonalDataAccess.objects.exists()
