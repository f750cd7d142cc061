"""Check and commit an import job: read the file, run its kind's importer in one transaction,
keep what it found, and roll everything back unless this is a commit without a problem.

A check and a commit run the same code on the same file (a check is a commit that is rolled
back), so what the preview promised is what the commit does, and a file that changed in the
meantime is caught: the commit re-checks and refuses if anything is wrong."""

import contextlib
import gc
import hashlib
import hmac
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
    # The objects alive before the job (Django, its apps and caches: hundreds of thousands)
    # are left out of the garbage collector's passes while it runs: a 10,000-row file makes
    # enough objects to start full passes that scan all of them again and again (~15 % of a
    # records import's CPU time). They are given back when the job ends, so that a worker
    # running job after job does not keep garbage among them for good.
    gc.freeze()
    try:
        with progress.heartbeat(key, heartbeat_seconds()), acting_as(job.user, cid=key):
            status, fields = _run(job, write=write, key=key)
    finally:
        gc.unfreeze()
    return _finish(job, status, **fields)


def stale_seconds() -> float:
    """A running job whose progress file has not moved for this long has lost its worker."""
    return float(getattr(settings, "IMPORTS_STALE_SECONDS", 120))


def heartbeat_seconds() -> float:
    return max(0.2, min(15.0, stale_seconds() / 4))


def _run(job: ImportJob, *, write: bool, key: str) -> tuple[str, dict]:
    importer = IMPORTERS[job.kind]
    kept = tuple(getattr(importer, "CELLS_ONLY", ()))
    parsed = _load_parsed(job, kept) if write and kept else None
    if parsed is not None:  # the check's values, and the other cells as they were read
        table, parsed_before = parsed
    else:
        parsed_before = None
        try:
            table = _read(job, importer)
        except SheetError as error:
            return (
                ImportStatus.FAILED if write else ImportStatus.CHECKED,
                {"problems": [{"row": None, "column": "", "message": str(error)}]},
            )
    outcome = Outcome(table, importer.columns(), key)
    outcome.parsed_before = parsed_before
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
    elif not write and kept and not outcome.problems and outcome.parsed is not None:
        _save_parsed(job, kept, table, outcome.parsed)
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


def _parsed_path(job: ImportJob) -> Path:
    return _cache_path(job).with_suffix(".parsed.pickle")


def _parsed_stamp(job: ImportJob, kept: tuple) -> tuple:
    return (CACHE_VERSION, job.file.name, job.file.size, job.kind, kept)


def _signature(data: bytes) -> bytes:
    return hmac.new(settings.SECRET_KEY.encode(), data, hashlib.sha256).digest()


def _save_parsed(job: ImportJob, kept: tuple, table: Table, parsed: list) -> None:
    """What a check without a problem parsed from the cells of the columns in `kept` (those
    whose parser reads nothing but the cell: the importer's CELLS_ONLY), kept for the commit
    with the file's other cells as read, so that the commit neither parses those cells again
    to the same values nor loads the table the check read (together about a fifth of a
    commit's time). Signed: the commit takes these values as already checked, so a file put
    in their place (media/ restored from elsewhere) must not pass for them."""
    keys = frozenset(kept)
    rows = []
    for (row, raw), (_row, values) in zip(table.rows, parsed, strict=True):
        rows.append(
            (
                row,
                {k: v for k, v in values.items() if k in keys},
                {k: v for k, v in raw.items() if k not in keys},
            )
        )
    fields = (table.header_row, table.labels, table.notes, table.unreadable)
    data = pickle.dumps((_parsed_stamp(job, kept), fields, rows), protocol=pickle.HIGHEST_PROTOCOL)
    path = _parsed_path(job)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(_signature(data) + data)
    except OSError:  # nothing kept: the commit reads and parses the file again
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)


def _load_parsed(job: ImportJob, kept: tuple) -> tuple[Table, list] | None:
    """What `_save_parsed` kept for this file: the table of the cells parsed again, and the
    values the check parsed, by row; or None (nothing kept, another file, a signature that
    does not match, or a value that is not plain data: the file's table is read and every
    cell parsed again)."""
    try:
        content = _parsed_path(job).read_bytes()
    except OSError:
        return None
    signature, data = content[:32], content[32:]
    if not hmac.compare_digest(signature, _signature(data)):
        return None
    try:
        stamp, (header_row, labels, notes, unreadable), rows = sandbox.safe_loads(data)
    except (pickle.UnpicklingError, ValueError, TypeError, EOFError):
        return None
    if stamp != _parsed_stamp(job, kept):
        return None
    table = Table(header_row, labels, [(row, raw) for row, _v, raw in rows], notes, unreadable)
    return table, [(row, values) for row, values, _raw in rows]


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
        _parsed_path(job).unlink(missing_ok=True)
    progress.clear(progress_key(job))
    return job
