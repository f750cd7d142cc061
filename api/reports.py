"""Reports through the API: the report form's validation, then the same background job as
a large subtree's report on the pages; the file is fetched once built."""

import os

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest
from ninja import Field, Router, Schema, Status

from accounts.scope import get_scoped_or_404
from api.schemas import ErrorOut
from reports import services, tasks
from reports.forms import ReportForm
from reports.models import ReportFormat, ReportJob, ReportKind

router = Router(tags=["reports"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class ReportIn(Schema):
    """As the report page asks: the unit's code, the year (report 1 may run to `to_year` and
    take only the unit's `own` classes; the plan report takes a year) or the day `on`
    (dd/mm/yyyy) and, for report 2, the resolution (`document` id)."""

    kind: ReportKind
    unit: str = Field(..., examples=["HN"])
    format: ReportFormat = ReportFormat.XLSX
    year: int | None = Field(None, examples=[2011])
    to_year: int | None = Field(None, examples=[2020])
    own: bool = False
    on: str | None = Field(None, examples=["31/12/2025"])
    document: int | None = None


class ReportJobOut(Schema):
    id: int
    kind: str
    format: str
    status: str
    percent_done: int
    error: str
    params: dict


def _job(request: HttpRequest, job_id: int) -> ReportJob:
    return get_scoped_or_404(ReportJob.objects.select_related("unit"), request.auth, pk=job_id)


@router.post("/reports", response={201: ReportJobOut, **ERRORS})
def report_create(request: HttpRequest, payload: ReportIn):
    """Queue a report; poll `GET /reports/{id}` and fetch `GET /reports/{id}/file` once its
    status is `done`."""
    data = {k: v for k, v in payload.dict().items() if v not in (None, False)}
    form = ReportForm(data, user=request.auth, kind=payload.kind)
    if not form.is_valid():
        raise ValidationError(
            {name: [str(e) for e in errors] for name, errors in form.errors.items()}
        )
    job = tasks.report_job_create(
        user=request.auth,
        unit=form.cleaned_data["unit"],
        kind=payload.kind,
        fmt=form.cleaned_data["format"],
        params=form.params(),
    )
    return Status(201, job)


@router.get("/reports/{job_id}", response={200: ReportJobOut, **ERRORS})
def report_detail(request: HttpRequest, job_id: int):
    return _job(request, job_id)


@router.get("/reports/{job_id}/file", response={200: None, **ERRORS})
def report_file(request: HttpRequest, job_id: int):
    """The built file (XLSX or DOCX)."""
    job = _job(request, job_id)
    if job.status != ReportJob.Status.DONE or not job.file:
        raise Http404
    services.log_if_personal(request, job)
    return FileResponse(
        job.file.open("rb"),
        as_attachment=True,
        filename=os.path.basename(job.file.name),
        content_type=services.CONTENT_TYPES[job.format],
    )
