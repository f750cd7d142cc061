"""Uploading, checking, choosing between look-alike people and committing an import; and
what happens when the process running an import dies.

A worker killed in the middle of an import (SIGKILL, out of memory, a reboot) writes nothing:
the commit is one database transaction (imports.pipeline), which the database rolls back when
the connection goes. What is left is the job, still "checking" or "committing". While it runs,
its progress file (lib.progress) is touched every few seconds by a heartbeat thread of the
process doing the work; a running job whose file has not moved for IMPORTS_STALE_SECONDS
(default 120) has lost that process and is marked failed ("The import stopped unexpectedly:
nothing was written. Run it again."). This is checked:

* whenever the job's page, its progress poll or the list of imports is opened
  (`job_fail_if_stale`, so a user never waits on a dead job), and
* by `manage.py fail_stale_jobs` (`jobs_fail_stale`), for a cron or for a deployment to run
  before it starts `db_worker`.

The mark is a conditional update (only if the job is still in the same running state), so a
job that finished meanwhile keeps its result. A job merely waiting in the queue ("queued") is
never marked: it has no process yet. A failed job runs again from its page (`job_rerun`: the
same file, the commit again if it was the commit that died, else the check), or the user
uploads the file again; a commit re-checks every row and people are matched before being
added, so the rows end up there exactly once."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from imports.models import ImportJob, ImportKind, ImportStatus
from imports.pipeline import progress_key, run_job, stale_seconds
from lib import progress

STOPPED = gettext_noop("The import stopped unexpectedly: nothing was written. Run it again.")
ACTIVE = (ImportStatus.CHECKING, ImportStatus.COMMITTING)

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


def job_rerun(*, user, job: ImportJob) -> ImportJob:
    """Run a failed job again on the same file: the commit if the commit was interrupted
    (it checks every row again first), otherwise the check."""
    if job.status != ImportStatus.FAILED:
        raise ValidationError(_("Only an import that failed can be run again."))
    return job_start(job, write=job.commit_requested)


def job_fail_if_stale(job: ImportJob) -> ImportJob:
    """Mark the job failed if it is running but its worker stopped beating."""
    if job.status not in ACTIVE:
        return job
    age = progress.age(progress_key(job))
    if age is not None and age < stale_seconds():
        return job
    problems = [{"row": None, "column": "", "message": _(STOPPED)}]
    now = timezone.now()
    # commit_requested is kept: it tells job_rerun which step to run again.
    marked = ImportJob.objects.filter(pk=job.pk, status=job.status).update(
        status=ImportStatus.FAILED, problems=problems, ambiguities=[], finished_at=now)
    if marked:
        progress.clear(progress_key(job))
    job.refresh_from_db()
    return job


def jobs_fail_stale() -> list[ImportJob]:
    """Every running job whose worker died, marked failed; returns those marked."""
    return [job for job in ImportJob.objects.filter(status__in=ACTIVE)
            if job_fail_if_stale(job).status == ImportStatus.FAILED]


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
