"""Imports through the API: the same check → commit job as the import pages (an upload is
checked, nothing written; a commit writes all of it or nothing), scoped and validated by
imports.services exactly as the pages are."""

from django.http import HttpRequest
from ninja import Field, File, Form, Router, Schema, Status, UploadedFile

from accounts.scope import get_scoped_or_404
from api.auth import writer
from api.schemas import ErrorOut
from imports import services
from imports.models import ImportJob, ImportKind

router = Router(tags=["imports"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class ImportJobOut(Schema):
    """An import job. `status`: queued, checking, checked, committing, done or failed; a
    large file is checked by the worker (poll `GET /imports/{id}`). Once `can_commit`,
    `POST /imports/{id}/commit` writes it. `problems` name the row (as Excel numbers it) and
    the column; `ambiguities` list the people a row may be, to choose between."""

    id: int
    kind: str
    status: str
    filename: str
    rows_total: int
    header_row: int | None
    can_commit: bool
    problems: list[dict]
    ambiguities: list[dict]
    summary: dict[str, int]
    message: str


class ChoicesIn(Schema):
    choices: dict[str, str] = Field(
        ...,
        description='For each ambiguous row (its number): the id of the person it is, or "new".',
        examples=[{"12": "4711", "15": "new"}],
    )


def _job(request: HttpRequest, job_id: int) -> ImportJob:
    return services.job_fail_if_stale(
        get_scoped_or_404(ImportJob.objects.select_related("user", "unit"), request.auth, pk=job_id)
    )


@router.post("/imports", response={201: ImportJobOut, **ERRORS}, auth=writer)
def import_create(
    request: HttpRequest,
    file: File[UploadedFile],
    kind: Form[ImportKind],
):
    """Upload a spreadsheet (multipart: `file`, and `kind`: units, people, participants,
    records or employers) — the templates of the import page,
    or the user's own sheet with title rows and dates as text. It is checked, nothing is
    written."""
    return Status(201, services.job_create(user=request.auth, kind=kind, upload=file))


@router.get("/imports/{job_id}", response={200: ImportJobOut, **ERRORS}, auth=writer)
def import_detail(request: HttpRequest, job_id: int):
    return _job(request, job_id)


@router.post("/imports/{job_id}/choices", response={200: ImportJobOut, **ERRORS}, auth=writer)
def import_choices(request: HttpRequest, job_id: int, payload: ChoicesIn):
    """Say who the ambiguous rows are; the file is checked again."""
    return services.job_resolve(
        user=request.auth, job=_job(request, job_id), choices=payload.choices
    )


@router.post("/imports/{job_id}/commit", response={200: ImportJobOut, **ERRORS}, auth=writer)
def import_commit(request: HttpRequest, job_id: int):
    """Write a checked file: every row or, if anything changed meanwhile, none."""
    return services.job_commit(user=request.auth, job=_job(request, job_id))
