"""Reports through the API: the report form's validation, then the same background job as
a large subtree's report on the pages; the file is fetched once built."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from accounts.scope import get_scoped_or_404
from api.auth import writer
from api.schemas import ErrorOut
from api.units import UnitInPath
from reports import filing, services, tasks
from reports.forms import ReportForm
from reports.models import ImplementationReport, ReportFormat, ReportJob, ReportKind
from reports.selectors import documents_for
from targets.models import SourceDocument

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
    return services.job_file_response(request, _job(request, job_id))


# --- the yearly implementation report, filed up --------------------------------------------


class FiledOut(Schema):
    id: int
    unit_id: int
    year: int
    document: int = Field(..., alias="document_id")
    status: str
    figures: dict
    note: str
    comment: str
    filed_at: dt.datetime
    decided_at: dt.datetime | None


class BelowOut(Schema):
    unit_id: int
    unit_code: str
    name: str
    status: str = Field(..., description="submitted, returned, accepted or not_filed")
    report_id: int | None


class FilingOut(Schema):
    own: FiledOut | None
    below: list[BelowOut]


class FileIn(Schema):
    document: int = Field(..., description="The resolution's id (GET /units/{id}/targets).")
    note: str = ""


class FilingCommentIn(Schema):
    comment: str


def _document(request: HttpRequest, document_id: int) -> SourceDocument:
    found = documents_for(request.auth).filter(pk=document_id).first()
    if found is None:
        raise ValidationError({"document": _("Choose a resolution that applies to your unit.")})
    return found


@router.get("/units/{unit_id}/implementation/{year}", response={200: FilingOut, **ERRORS})
def implementation(request: HttpRequest, unit: UnitInPath, year: int, document: int):
    """The unit's filed report on the resolution for the year, and the units below: who
    filed, who has not."""
    doc = _document(request, document)
    return {
        "own": ImplementationReport.objects.filter(unit=unit, year=year, document=doc).first(),
        "below": [
            {
                "unit_id": row["unit"].pk,
                "unit_code": row["unit"].code,
                "name": row["version"].name,
                "status": row["report"].status if row["report"] else "not_filed",
                "report_id": row["report"].pk if row["report"] else None,
            }
            for row in filing.filings_below(unit, year, doc)
        ],
    }


@router.post(
    "/units/{unit_id}/implementation/{year}", response={201: FiledOut, **ERRORS}, auth=writer
)
def implementation_file(request: HttpRequest, unit: UnitInPath, year: int, payload: FileIn):
    """File the unit's report (the figures of the day), or file it again once returned."""
    filed = filing.report_file(
        user=request.auth,
        unit=unit,
        year=year,
        document=_document(request, payload.document),
        note=payload.note,
    )
    return Status(201, filed)


def _filed(request: HttpRequest, report_id: int) -> ImplementationReport:
    return get_scoped_or_404(
        ImplementationReport.objects.select_related("unit__parent"), request.auth, pk=report_id
    )


@router.post(
    "/implementation-reports/{report_id}/accept", response={200: FiledOut, **ERRORS}, auth=writer
)
def implementation_accept(request: HttpRequest, report_id: int):
    return filing.report_accept(user=request.auth, filed=_filed(request, report_id))


@router.post(
    "/implementation-reports/{report_id}/return", response={200: FiledOut, **ERRORS}, auth=writer
)
def implementation_return(request: HttpRequest, report_id: int, payload: FilingCommentIn):
    return filing.report_return(
        user=request.auth, filed=_filed(request, report_id), comment=payload.comment
    )
