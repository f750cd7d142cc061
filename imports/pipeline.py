"""Check and commit an import job: read the file, run its kind's importer in one transaction,
keep what it found, and roll everything back unless this is a commit without a problem.

A check and a commit run the same code on the same file (a check is a commit that is rolled
back), so what the preview promised is what the commit does, and a file that changed in the
meantime is caught: the commit re-checks and refuses if anything is wrong."""

import logging
import pickle
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.context import acting_as
from imports import employers, participants, people, records, units
from imports.models import ImportJob, ImportKind, ImportStatus
from imports.outcome import Outcome
from lib import progress, sandbox
from lib.spreadsheets import SheetError, Table, read_table

log = logging.getLogger(__name__)

IMPORTERS = {
    ImportKind.PEOPLE: people,
    ImportKind.PARTICIPANTS: participants,
    ImportKind.RECORDS: records,
    ImportKind.UNITS: units,
    ImportKind.EMPLOYERS: employers,
}


def columns_of(kind: str):
    return IMPORTERS[kind].columns()


def progress_key(job: ImportJob) -> str:
    return f"import-{job.pk}"


def run_job(job: ImportJob, *, write: bool) -> ImportJob:
    """Check (write=False) or commit (write=True) the job; never raises for bad data.

    The progress file is written before the job is marked running and beats while it runs
    (see imports.services.job_fail_if_stale: a running job whose file stops beating was
    killed, and since the commit is one transaction, nothing of it was written)."""
    key = progress_key(job)
    progress.report(key, 0, 0, "read")
    job.status = ImportStatus.COMMITTING if write else ImportStatus.CHECKING
    job.save(update_fields=["status"])
    # What the job writes is the job's user's doing, in the worker as in a request.
    with progress.heartbeat(key, heartbeat_seconds()), acting_as(job.user, cid=key):
        status, fields = _run(job, write=write, key=key)
    return _finish(job, status, **fields)


def stale_seconds() -> float:
    """A running job whose progress file has not moved for this long has lost its worker."""
    return float(getattr(settings, "IMPORTS_STALE_SECONDS", 120))


def heartbeat_seconds() -> float:
    return max(0.2, min(15.0, stale_seconds() / 4))


def _run(job: ImportJob, *, write: bool, key: str) -> tuple[str, dict]:
    importer = IMPORTERS[job.kind]
    try:
        table = _read(job, importer)
    except SheetError as error:
        return (
            ImportStatus.FAILED if write else ImportStatus.CHECKED,
            {"problems": [{"row": None, "column": "", "message": str(error)}]},
        )
    outcome = Outcome(table, importer.columns(), key)
    try:
        with transaction.atomic():
            importer.run(table, outcome, user=job.user, resolutions=job.resolutions, write=write)
            committed = write and not outcome.problems and not outcome.ambiguities
            if not committed:
                transaction.set_rollback(True)
    except Exception:  # a bug must not leave the job running forever, nor show a trace
        log.exception("import %s failed", job.pk)
        return ImportStatus.FAILED, {
            "problems": [
                {
                    "row": None,
                    "column": "",
                    "message": _("The import stopped on an unexpected error; nothing was written."),
                }
            ]
        }
    if committed:
        importer.after_commit(outcome)
    status = (
        ImportStatus.DONE if committed else (ImportStatus.FAILED if write else ImportStatus.CHECKED)
    )
    return status, {
        "problems": outcome.sorted_problems(),
        "ambiguities": outcome.ambiguities,
        "summary": dict(outcome.summary),
        "rows_total": len(table.rows),
        "header_row": table.header_row,
        "notes": table.notes,
    }


CACHE_VERSION = 3  # raise when Table changes shape: a cache from before is read again


def _cache_path(job: ImportJob) -> Path:
    return Path(settings.MEDIA_ROOT) / "imports" / "cache" / f"{job.pk}.pickle"


def _read(job: ImportJob, importer) -> Table:
    """The file's table: read once by the check, kept for the commit (the same upload, so the
    same cells: reading a 100,000-row file again would cost seconds). The rules are checked
    again at commit; only the reading of cells is spared."""
    stamp = (CACHE_VERSION, job.file.name, job.file.size, job.kind)
    path = _cache_path(job)
    try:
        # Plain data only (a file under media/ may have come from a restored backup: a
        # pickle naming other classes is refused, not run).
        cached_stamp, fields = sandbox.safe_loads(path.read_bytes())
        if cached_stamp == stamp:
            return Table(*fields)
    except (OSError, pickle.UnpicklingError, ValueError, TypeError, EOFError):
        pass
    with job.file.open("rb") as handle:
        table = read_table(handle.read(), job.filename, importer.columns())
    path.parent.mkdir(parents=True, exist_ok=True)
    fields = (table.header_row, table.labels, table.rows, table.notes, table.unreadable)
    path.write_bytes(pickle.dumps((stamp, fields), protocol=pickle.HIGHEST_PROTOCOL))
    return table


def _finish(job: ImportJob, status: str, **fields) -> ImportJob:
    # Whole-file problems first, then by row as in the file (checks run in several passes).
    fields["problems"] = sorted(fields.get("problems", []), key=lambda p: p["row"] or 0)
    fields.setdefault("ambiguities", [])
    for name, value in fields.items():
        setattr(job, name, value)
    job.status = status
    job.commit_requested = False
    job.finished_at = timezone.now()
    job.save()
    if status in (ImportStatus.DONE, ImportStatus.FAILED):
        _cache_path(job).unlink(missing_ok=True)
    progress.clear(progress_key(job))
    return job
