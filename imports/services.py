"""Uploading, checking, choosing between look-alike people and committing an import."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from imports.models import ImportJob, ImportKind, ImportStatus
from imports.pipeline import run_job

MAX_BYTES = 50 * 1024 * 1024
EXTENSIONS = (".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".txt")


def _check_upload(upload) -> None:
    if upload is None:
        raise ValidationError({"file": _("Choose a file.")})
    if not upload.name.lower().endswith(EXTENSIONS):
        raise ValidationError({"file": _("Upload an .xlsx, .xls, .ods or .csv file.")})
    if upload.size > MAX_BYTES:
        raise ValidationError({"file": _("The file is larger than 50 MB: split it.")})


def job_create(*, user, kind: str, upload) -> ImportJob:
    if kind not in ImportKind.values:
        raise ValidationError({"kind": _("Choose what the file holds.")})
    _check_upload(upload)
    job = ImportJob(kind=kind, user=user, unit=user.unit, filename=upload.name[:255])
    job.file.save(upload.name, upload, save=False)
    job.save()
    return job_start(job, write=False)


def job_replace_file(*, user, job: ImportJob, upload) -> ImportJob:
    """The user fixed the file after the preview: check the new one (choices are kept)."""
    _refuse_while_running(job)
    _check_upload(upload)
    job.file.save(upload.name, upload, save=False)
    job.filename = upload.name[:255]
    job.status = ImportStatus.QUEUED
    job.save()
    return job_start(job, write=False)


def job_resolve(*, user, job: ImportJob, choices: dict[str, str]) -> ImportJob:
    """Which existing person (or 'new') each ambiguous row is; then check again."""
    _refuse_while_running(job)
    allowed = {str(a["row"]): {str(c["id"]) for c in a["candidates"]} | {"new"}
               for a in job.ambiguities}
    for row, choice in choices.items():
        if row in allowed and choice in allowed[row]:
            job.resolutions[row] = choice
    job.save(update_fields=["resolutions"])
    return job_start(job, write=False)


def job_commit(*, user, job: ImportJob) -> ImportJob:
    _refuse_while_running(job)
    if job.status == ImportStatus.DONE:
        raise ValidationError(_("This file has already been imported."))
    if not job.can_commit:
        raise ValidationError(_("Fix the problems listed before importing."))
    return job_start(job, write=True)


def _refuse_while_running(job: ImportJob) -> None:
    if job.is_running:
        raise ValidationError(_("The file is still being processed."))


def job_start(job: ImportJob, *, write: bool) -> ImportJob:
    """Small files run in the request; larger ones in the task worker, with progress."""
    job.status = ImportStatus.QUEUED
    job.commit_requested = write
    job.save(update_fields=["status", "commit_requested"])
    if job.file.size <= settings.IMPORTS_INLINE_BYTES:
        return run_job(job, write=write)
    from imports.tasks import run_import

    run_import.enqueue(job.pk, write)
    return job
