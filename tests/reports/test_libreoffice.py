"""Every report, as XLSX and as DOCX, opens in LibreOffice (converted to PDF in one run)."""

import pytest

from reports.models import ReportJob
from targets.models import SourceDocument
from tests.reports.conftest import download, to_pdf
from tests.targets.pages_world import build
from tests.training.bulk import add_classes, make_people


@pytest.mark.one_database  # whether a file opens, not what a query found (tests/databases.py)
def test_every_report_opens_in_libreoffice(client, tree, settings, tmp_path):
    world = build(tree)
    people = make_people(tree, tree.melinh, 25, False, tree.member_role)
    add_classes(tree, tree.melinh, 2, 40, people, "LO", start=world.today.replace(month=1, day=2))
    on = world.today.strftime("%d/%m/%Y")
    reports = {
        "training": {"year": str(world.today.year)},
        "resolution": {"on": on, "document": SourceDocument.objects.get(code="003").pk},
        "structure": {"on": on},
        "needs": {"on": on},
    }
    files = []
    for kind, data in reports.items():
        for fmt in ("xlsx", "docx"):
            path = tmp_path / f"{kind}-{fmt}.{fmt}"
            path.write_bytes(
                download(client, tree.hanoi_officer, kind, {"unit": "HN", **data}, fmt)
            )
            files.append(path)
    # And a file built in the background.
    settings.REPORTS_INLINE_UNITS = 0
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    client.post("/reports/needs/", {"unit": "HN", "on": on, "format": "docx"})
    job = ReportJob.objects.get()
    files.append(tmp_path / "job.docx")
    files[-1].write_bytes(job.file.read())

    pdfs = to_pdf(files, tmp_path / "pdf")
    for source, pdf in pdfs.items():
        assert pdf.exists(), f"LibreOffice did not open {source.name}"
        head = pdf.read_bytes()[:5]
        assert head == b"%PDF-" and pdf.stat().st_size > 1000, source.name
