"""Reports of a large subtree are built by the worker: the page shows the progress, then
offers the file, whose figures are those of a report built at once."""

import pytest
from django_tasks_db.models import DBTaskResult

from reports import selectors
from reports.models import ReportJob
from reports.tasks import build_report
from targets.models import Snapshot, SourceDocument
from tests.reports.conftest import XLSX_TYPE, by_label, download, post_report, table
from tests.targets.pages_world import build
from tests.training.bulk import add_classes, make_people
from training.models import Audience

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def classes(tree):
    people = make_people(tree, tree.phanrang, 40, False, tree.member_role)
    add_classes(tree, tree.phanrang, 3, 60, people, "BG", audience=Audience.PART_TIME)
    return tree


def ask(client, tree, fmt="xlsx"):
    return post_report(client, tree.nt_officer, "training", {"unit": "NT", "year": "2019"}, fmt)


def test_a_large_subtree_is_queued_and_the_page_shows_its_progress(client, classes, settings):
    tree = classes
    inline = download(client, tree.nt_officer, "training", {"unit": "NT", "year": "2019"})
    settings.REPORTS_INLINE_UNITS = 2  # Ninh Thuận's subtree has 3 units
    response = ask(client, tree)
    job = ReportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert (job.status, job.unit, job.kind, job.params) == (
        "queued",
        tree.ninhthuan,
        "training",
        {"year": 2019, "to_year": 2019, "own": False},
    )
    page = client.get(job.get_absolute_url()).content.decode()
    assert "<progress" in page and 'hx-trigger="every 1s"' in page
    assert f"/reports/jobs/{job.pk}/progress/" in page
    assert client.get(f"/reports/jobs/{job.pk}/download/").status_code == 404

    queued = DBTaskResult.objects.get(status="READY")
    assert queued.task_path == "reports.tasks.build_report"
    build_report.call(*queued.args_kwargs["args"])  # what the worker runs

    job.refresh_from_db()
    assert (job.status, job.percent_done, job.error) == ("done", 100, "")
    partial = client.get(f"/reports/jobs/{job.pk}/progress/").content.decode()
    assert "<progress" not in partial and f"/reports/jobs/{job.pk}/download/" in partial
    response = client.get(f"/reports/jobs/{job.pk}/download/")
    assert response["Content-Type"] == XLSX_TYPE
    built = b"".join(response.streaming_content)
    assert by_label(table(built)[1]) == by_label(table(inline)[1])
    assert by_label(table(built)[1])["Cán bộ công đoàn không chuyên trách"] == [3, 60, 40]


def test_the_progress_moves_step_by_step(client, classes, settings, monkeypatch):
    settings.REPORTS_INLINE_UNITS = 0
    seen = []
    record_results = selectors.record_results

    def spy(**kwargs):
        job = ReportJob.objects.get()
        seen.append((job.status, job.steps_done, job.steps_total))
        return record_results(**kwargs)

    monkeypatch.setattr(selectors, "record_results", spy)
    ask(client, classes)
    job = ReportJob.objects.get()
    assert job.steps_total == 4 and job.percent_done == 0
    build_report.call(job.pk)
    assert seen == [("running", 1, 4)]  # the classes are counted, the records next
    job.refresh_from_db()
    assert job.status == "done" and job.steps_done == 4


def test_with_an_immediate_backend_the_file_is_there_at_once(client, classes, settings):
    settings.REPORTS_INLINE_UNITS = 0
    settings.TASKS = IMMEDIATE
    response = ask(client, classes, "docx")
    job = ReportJob.objects.get()
    assert job.status == "done" and job.file.name.endswith(".docx")
    page = client.get(response["Location"]).content.decode()
    assert "Tải DOCX" in page and "<progress" not in page
    assert client.get(f"/reports/jobs/{job.pk}/download/")["Content-Disposition"].startswith(
        "attachment;"
    )
    assert job.get_absolute_url() in client.get("/reports/").content.decode()


def test_a_failure_is_told_without_a_stack_trace(client, classes, settings, monkeypatch):
    settings.REPORTS_INLINE_UNITS = 0
    settings.TASKS = IMMEDIATE

    def broken(**kwargs):
        raise RuntimeError("connection reset by peer")

    monkeypatch.setattr(selectors, "record_results", broken)
    ask(client, classes)
    job = ReportJob.objects.get()
    assert job.status == "failed"
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Không lập được báo cáo" in page and "nhật ký máy chủ" in page
    assert "connection reset" not in page and "Traceback" not in page
    assert client.get(f"/reports/jobs/{job.pk}/download/").status_code == 404


def test_a_resolution_report_waits_for_no_one_when_the_targets_are_not_computed(
    client, tree, settings
):
    """With a tree too large to compute the targets in a request, the job computes the
    snapshot itself; its figures are then the dashboard's."""
    world = build(tree)
    settings.TARGETS_INLINE_UNITS = 0
    settings.TASKS = IMMEDIATE
    Snapshot.objects.all().delete()
    doc = SourceDocument.objects.get(code="003")
    response = post_report(
        client,
        tree.hanoi_officer,
        "resolution",
        {"unit": "HN", "on": world.today.strftime("%d/%m/%Y"), "document": doc.pk},
    )
    job = ReportJob.objects.get()
    assert response.status_code == 302 and job.status == "done", job.error
    assert job.steps_total == 3  # the snapshot, the figures, the file
    built = b"".join(client.get(f"/reports/jobs/{job.pk}/download/").streaming_content)
    found = {row[0]: [int(v) for v in row[3:5]] for row in table(built)[1]}
    results = client.get("/targets/", {"unit": tree.hanoi.pk}).context["results"]
    assert found == {r.target.code: [r.eligible, r.met] for r in results}
