"""Building a report file, at once (small subtrees) or for a background job (large ones:
reports.tasks queues them and runs `report_job_run`)."""

import datetime as dt
import logging
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO

from django.core.files import File
from django.db.models import F
from django.http import FileResponse, Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lib.downloads import file_name
from reports import builders, selectors
from reports.docx import write_docx
from reports.models import ReportFormat, ReportJob, ReportKind
from reports.selectors import ReportError
from reports.xlsx import write_xlsx
from targets.models import Snapshot, SourceDocument
from units.models import Unit, UnitVersion

logger = logging.getLogger(__name__)

CONTENT_TYPES = {
    ReportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ReportFormat.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
# Reports read from the targets' stored figures, like the dashboard and the API.
SNAPSHOT_KINDS = {ReportKind.RESOLUTION, ReportKind.NEEDS}
# Reports that list people by name (the others hold figures only; the chair's name that
# signs every report is the unit's, not a list of people): their downloads are logged.
LISTS_PEOPLE = {ReportKind.NEEDS}


def log_if_personal(request, job: ReportJob | None = None, **built) -> None:
    """Log the download of a report that lists people (privacy.services.log_export): a
    background job's file (`job`), or one built at once (`kind`, `unit`, `params`)."""
    from privacy.models import Source
    from privacy.services import log_export

    kind = job.kind if job else built["kind"]
    if kind not in LISTS_PEOPLE:
        return
    unit = job.unit if job else built["unit"]
    params = {**job.params, "format": job.format, "job": job.pk} if job else built["params"]
    log_export(request, Source.REPORT, unit=unit, params={"report": kind, **params})


@dataclass
class Built:
    filename: str
    content_type: str
    file: IO[bytes]  # positioned at the start


def job_file_response(request, job: ReportJob) -> FileResponse:
    """A background job's built file, for the page and the API (404 until it is built);
    the download of a report listing people is logged."""
    if job.status != ReportJob.Status.DONE or not job.file:
        raise Http404
    log_if_personal(request, job)
    return FileResponse(
        job.file.open("rb"),
        as_attachment=True,
        filename=os.path.basename(job.file.name),
        content_type=CONTENT_TYPES[job.format],
    )


def report_day(kind: str, params: dict) -> dt.date:
    """The day whose structure the report follows: the year's end, or the 'as of' date."""
    if kind in (ReportKind.TRAINING, ReportKind.PLAN):
        last = int(params.get("to_year") or params["year"])
        return min(dt.date(last, 12, 31), timezone.localdate())
    return dt.date.fromisoformat(params["on"])


def _content(
    kind: str, unit: Unit, params: dict, step: Callable[[], None], snapshot: Snapshot | None
):
    if kind == ReportKind.TRAINING:
        first = int(params["year"])
        last = int(params.get("to_year") or first)
        return builders.training_content(unit, first, last, bool(params.get("own")), step)
    if kind == ReportKind.PLAN:
        return builders.plan_content(unit, int(params["year"]), step)
    day = dt.date.fromisoformat(params["on"])
    if kind == ReportKind.STRUCTURE:
        return builders.structure_content(unit, day, step)
    snapshot = snapshot or selectors.snapshot_ready(day)
    if snapshot is None:
        raise ReportError(
            _("The figures of the targets are still being computed; try again in a few minutes.")
        )
    if kind == ReportKind.RESOLUTION:
        document = SourceDocument.objects.filter(pk=params.get("document")).first()
        if document is None:
            raise ReportError(_("This document no longer exists."))
        return builders.resolution_content(unit, day, document, snapshot, step)
    return builders.needs_content(unit, day, snapshot, step)


def report_build(
    *,
    kind: str,
    unit: Unit,
    params: dict,
    fmt: str,
    step: Callable[[], None] = lambda: None,
    snapshot: Snapshot | None = None,
) -> Built:
    """The report as a file. Its words are Vietnamese whatever the interface language: it is
    signed and sent up the hierarchy."""
    handle = tempfile.TemporaryFile(suffix=f".{fmt}")
    with translation.override("vi"):
        content = _content(kind, unit, params, step, snapshot)
        (write_xlsx if fmt == ReportFormat.XLSX else write_docx)(content, handle)
    step()
    handle.seek(0)
    # The name holds the unit's code, which may predate the rules on codes: a slash in it
    # would put a background job's file in a folder of its own.
    return Built(file_name(f"{content.filename}.{fmt}"), CONTENT_TYPES[fmt], handle)


def runs_in_background(kind: str, node: UnitVersion, day: dt.date) -> bool:
    """Large subtrees, and reports whose targets snapshot must first be computed by the
    worker, are built in the background."""
    if selectors.subtree_size(node, day) > selectors.inline_limit():
        return True
    return kind in SNAPSHOT_KINDS and selectors.snapshot_ready(day) is None


def report_job_run(job_id: int) -> None:
    """What the worker runs: build the job's file, moving its progress after each step."""
    if not ReportJob.objects.filter(pk=job_id, status=ReportJob.Status.QUEUED).update(
        status=ReportJob.Status.RUNNING
    ):
        return  # unknown, or taken by another worker
    job = ReportJob.objects.select_related("unit").get(pk=job_id)

    def step() -> None:
        ReportJob.objects.filter(pk=job.pk, steps_done__lt=F("steps_total")).update(
            steps_done=F("steps_done") + 1
        )

    try:
        snapshot = None
        if job.kind in SNAPSHOT_KINDS:
            snapshot = selectors.snapshot_for_job(report_day(job.kind, job.params))
            step()
        built = report_build(
            kind=job.kind,
            unit=job.unit,
            params=job.params,
            fmt=job.format,
            step=step,
            snapshot=snapshot,
        )
        with built.file:
            job.file.save(built.filename, File(built.file), save=False)
    except ReportError as exc:
        _fail(job, str(exc))
        return
    except Exception:
        logger.exception("Report job %s failed", job.pk)
        with translation.override("vi"):
            _fail(
                job,
                _(
                    "The report could not be built; the administrators will find the "
                    "cause in the server log."
                ),
            )
        return
    ReportJob.objects.filter(pk=job.pk).update(
        status=ReportJob.Status.DONE,
        file=job.file.name,
        steps_done=F("steps_total"),
        finished_at=timezone.now(),
    )


def _fail(job: ReportJob, message: str) -> None:
    ReportJob.objects.filter(pk=job.pk).update(
        status=ReportJob.Status.FAILED, error=message[:500], finished_at=timezone.now()
    )
