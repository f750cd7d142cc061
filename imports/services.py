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
added, so the rows end up there exactly once.

Of several requests asking at the same moment to check, commit or run a job again, only the
first starts it (`_claim_and_start`); the others are told that the file is still being
processed or has already been imported. A job is committed at most once."""

from collections.abc import Callable, Sequence

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
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
    _check_upload(upload)

    def replace(job: ImportJob) -> None:
        _refuse_while_running_or_done(job)
        job.file.save(upload.name, upload, save=False)
        job.filename = upload.name[:255]

    return _claim_and_start(job, write=False, check=replace, update_fields=["file", "filename"])


def job_resolve(*, user, job: ImportJob, choices: dict[str, str]) -> ImportJob:
    """Which existing person (or 'new') each ambiguous row is; then check again."""

    def resolve(job: ImportJob) -> None:
        _refuse_while_running_or_done(job)
        allowed = {
            str(a["row"]): {str(c["id"]) for c in a["candidates"]} | {"new"}
            for a in job.ambiguities
        }
        for row, choice in choices.items():
            if row in allowed and choice in allowed[row]:
                job.resolutions[row] = choice

    return _claim_and_start(job, write=False, check=resolve, update_fields=["resolutions"])


def job_commit(*, user, job: ImportJob) -> ImportJob:
    def committable(job: ImportJob) -> None:
        _refuse_while_running_or_done(job)
        if not job.can_commit:
            raise ValidationError(_("Fix the problems listed before importing."))

    return _claim_and_start(job, write=True, check=committable)


def job_rerun(*, user, job: ImportJob) -> ImportJob:
    """Run a failed job again on the same file: the commit if the commit was interrupted
    (it checks every row again first), otherwise the check."""

    def failed(job: ImportJob) -> None:
        _refuse_while_running_or_done(job)
        if job.status != ImportStatus.FAILED:
            raise ValidationError(_("Only an import that failed can be run again."))

    # Which step to run is read from the locked row, not from the copy the caller holds.
    return _claim_and_start(job, write=None, check=failed)


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
        status=ImportStatus.FAILED, problems=problems, ambiguities=[], finished_at=now
    )
    if marked:
        progress.clear(progress_key(job))
    job.refresh_from_db()
    return job


def jobs_fail_stale() -> list[ImportJob]:
    """Every running job whose worker died, marked failed; returns those marked."""
    return [
        job
        for job in ImportJob.objects.filter(status__in=ACTIVE)
        if job_fail_if_stale(job).status == ImportStatus.FAILED
    ]


def _refuse_while_running_or_done(job: ImportJob) -> None:
    if job.is_running:
        raise ValidationError(_("The file is still being processed."))
    if job.status == ImportStatus.DONE:  # a job is committed once; a new file is a new job
        raise ValidationError(_("This file has already been imported."))


def _claim_and_start(
    job: ImportJob,
    *,
    write: bool | None,
    check: Callable[[ImportJob], None],
    update_fields: Sequence[str] = (),
) -> ImportJob:
    """Start a check or a commit of the job unless another request has started one.

    Two requests that read the job at the same moment both saw it "checked", and both ran the
    commit: the file was written twice or more. So the decision is taken on the job's row
    locked for a short transaction (read again: the caller's copy may be stale), and the job
    is marked queued in that same transaction; a second request waits for the lock, then finds
    the job running (or done) and is refused by `check`. SQLite ignores the row lock, but its
    transactions take the write lock when they begin (settings: IMMEDIATE), which serialises
    them the same way. The run itself starts only after the claim is committed, so other
    requests and the task worker see the job as queued.

    `check(job)` raises ValidationError to refuse, or changes the fields in `update_fields`;
    `write=None` runs the step the job last asked for (a commit, or a check)."""
    with transaction.atomic():
        job.refresh_from_db(from_queryset=ImportJob.objects.select_for_update())
        check(job)
        if write is None:
            write = job.commit_requested
        job.status = ImportStatus.QUEUED
        job.commit_requested = write
        job.save(update_fields=["status", "commit_requested", *update_fields])
    return _start(job, write=write)


def job_start(job: ImportJob, *, write: bool) -> ImportJob:
    """Start a new job, which no other request knows of yet. Running or finished jobs are
    started again only through `_claim_and_start`."""
    job.status = ImportStatus.QUEUED
    job.commit_requested = write
    job.save(update_fields=["status", "commit_requested"])
    return _start(job, write=write)


def _start(job: ImportJob, *, write: bool) -> ImportJob:
    """Small files run in the request; larger ones in the task worker, with progress."""
    if job.file.size <= settings.IMPORTS_INLINE_BYTES:
        return run_job(job, write=write)
    from imports.tasks import run_import

    run_import.enqueue(job.pk, write)
    return job
