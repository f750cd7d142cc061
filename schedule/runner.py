"""Running the registered jobs when they are due, each at most once per period.

Several workers may call `run_due` at the same moment (several servers each with its
`run_worker`, or an operator's `run_schedule` beside them). A worker runs a job only after
claiming it: one conditional UPDATE of the job's row that moves `due_at` to the next period and
marks the run in progress, `WHERE due_at <= now AND nothing runs`. Two workers cannot both win
it: PostgreSQL makes the second UPDATE wait for the first's row lock, then reads the row again
and finds it no longer due; SQLite has one writer at a time.

A runner that dies mid-run (killed, out of memory, the machine restarted) leaves its claim on
the row. While a job runs its runner touches `alive_at` every HEARTBEAT; once that is older
than STALE the run is taken as dead and the job is claimed again at once, by whichever worker
comes first — the one case of a period run twice, rather than never.

Each job runs on its own: it opens the transactions it needs (deliver_due must send with none
open); a job that fails is logged, recorded as failed with its message and tried again next
period, and the jobs after it still run. Called inside a transaction (a test), a job runs in a
savepoint of its own, so one failing rolls back nothing of another."""

import contextlib
import datetime as dt
import logging
import threading
import time
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import Q
from django.utils import timezone, translation

from schedule import registry
from schedule.models import ScheduledJob
from schedule.registry import Job

logger = logging.getLogger(__name__)

HEARTBEAT = dt.timedelta(seconds=30)
STALE = dt.timedelta(minutes=5)  # a run silent for this long has lost its runner
MAX_TEXT = 2000
RECORD_ATTEMPTS = 3


@dataclass(frozen=True)
class Run:
    """One run of a job, as recorded."""

    code: str
    started_at: dt.datetime
    finished_at: dt.datetime
    status: str  # ScheduledJob.Status
    summary: str  # the job's summary, or the error's message

    @property
    def ok(self) -> bool:
        return self.status == ScheduledJob.Status.OK

    @property
    def duration(self) -> dt.timedelta:
        return self.finished_at - self.started_at


def plan(selected: list[Job], now: dt.datetime) -> dict[str, ScheduledJob]:
    """The rows of the jobs, made for jobs met for the first time (due from Job.first_due)
    and planned again for a job whose period changed (from its last run, so a period that
    had its run does not get another)."""
    codes = [job.code for job in selected]
    rows = {row.code: row for row in ScheduledJob.objects.filter(code__in=codes)}
    missing = [
        ScheduledJob(code=job.code, period=job.period, due_at=job.first_due(now))
        for job in selected
        if job.code not in rows
    ]
    if missing:
        ScheduledJob.objects.bulk_create(missing, ignore_conflicts=True)  # a racing worker's
    changed = [job for job in selected if job.code in rows and rows[job.code].period != job.period]
    for job in changed:
        row = rows[job.code]
        due = job.next_due(row.last_started_at) if row.last_started_at else job.first_due(now)
        ScheduledJob.objects.filter(pk=row.pk, period=row.period).update(
            period=job.period, due_at=due
        )
    if missing or changed:
        rows = {row.code: row for row in ScheduledJob.objects.filter(code__in=codes)}
    return rows


def _stale(now: dt.datetime) -> Q:
    return Q(running_since__isnull=False, alive_at__lt=now - STALE)


def _free() -> Q:
    return Q(running_since__isnull=True)


def due_codes(now: dt.datetime | None = None) -> list[str]:
    """The codes of the jobs due now (or whose run lost its runner): what a worker's tick
    hands to `run_due`. A read, but for rows made for new jobs."""
    now = now or timezone.now()
    rows = plan(registry.jobs(), now)
    return [
        code
        for code, row in sorted(rows.items())
        if (row.running_since is None and row.due_at <= now)
        or (row.running_since is not None and row.alive_at and row.alive_at < now - STALE)
    ]


def claim(job: Job, now: dt.datetime, *, force: bool = False) -> str | None:
    """Take the job's run of this period: the claim's token, or None when it is not due or
    another worker runs it. `force` takes it whenever it is not running, leaving its plan."""
    token = uuid.uuid4().hex
    taken = _free() | _stale(now)
    changes = {"running_since": now, "alive_at": now, "claim": token}
    if not force:
        taken = (_free() & Q(due_at__lte=now)) | _stale(now)
        changes["due_at"] = job.next_due(now)
    won = ScheduledJob.objects.filter(taken, code=job.code).update(**changes)
    return token if won else None


class _Heartbeat(threading.Thread):
    """Touches the run's `alive_at` while it runs, from a connection of its own (the job's
    may be inside a long transaction). The first touch comes after HEARTBEAT: a short job
    never writes one."""

    def __init__(self, code: str, token: str) -> None:
        super().__init__(name=f"schedule heartbeat {code}", daemon=True)
        self.code, self.token = code, token
        self.done = threading.Event()

    def run(self) -> None:
        try:
            while not self.done.wait(HEARTBEAT.total_seconds()):
                try:
                    ScheduledJob.objects.filter(code=self.code, claim=self.token).update(
                        alive_at=timezone.now()
                    )
                except DatabaseError as error:  # the next beat tries again
                    logger.warning("schedule: heartbeat of %s failed: %s", self.code, error)
        finally:
            connection.close()  # this thread's own


def _summary(value) -> str:
    return " ".join(str(value or "").split())[:MAX_TEXT]


def _message(error: BaseException) -> str:
    return _summary(str(error)) or type(error).__name__


def execute(job: Job, token: str, now: dt.datetime) -> Run:
    """Run a claimed job and record how it went (under its claim only: a run taken from a
    runner thought dead does not overwrite the one that took it)."""
    previous = (
        ScheduledJob.objects.filter(code=job.code).values_list("last_ok_at", flat=True).first()
    )
    heartbeat = _Heartbeat(job.code, token)
    heartbeat.start()
    started = time.monotonic()
    own = transaction.atomic() if connection.in_atomic_block else contextlib.nullcontext()
    try:
        with own, translation.override(settings.LANGUAGE_CODE):
            summary, status = _summary(job.run(previous, now)), ScheduledJob.Status.OK
    except Exception as error:  # recorded and tried again next period; the others still run
        logger.exception("schedule: job %s failed", job.code)
        summary, status = _message(error), ScheduledJob.Status.FAILED
    finally:
        heartbeat.done.set()
    finished = now + dt.timedelta(seconds=time.monotonic() - started)
    if not connection.in_atomic_block:
        connection.close_if_unusable_or_obsolete()  # a job that broke it: record on a new one
    return _record(job, token, Run(job.code, now, finished, status, summary))


def _record(job: Job, token: str, run: Run) -> Run:
    fields = {
        "running_since": None,
        "alive_at": None,
        "claim": "",
        "last_started_at": run.started_at,
        "last_finished_at": run.finished_at,
        "last_duration": run.duration,
        "last_status": run.status,
        "last_summary": run.summary,
    }
    if run.ok:
        fields["last_ok_at"] = run.started_at
    else:
        fields.update(last_failed_at=run.started_at, last_error=run.summary)
    for attempt in range(RECORD_ATTEMPTS):
        try:
            recorded = ScheduledJob.objects.filter(code=job.code, claim=token).update(**fields)
            break
        except DatabaseError:
            # SQLite: another connection held the write lock past the busy timeout. Left
            # unrecorded, the run would pass for dead and run again: try a little longer.
            if attempt == RECORD_ATTEMPTS - 1 or connection.in_atomic_block:
                raise
            time.sleep(1)
    if not recorded:
        logger.warning("schedule: %s ran so long it was taken as dead; run not recorded", job.code)
    return run


def run_due(now: dt.datetime | None = None, *, codes: list[str] | None = None) -> list[Run]:
    """Claim and run every registered job that is due (of `codes` only, when given), one after
    the other; the runs this call made. `now` (tests): the moment to act as of, else the
    clock's, read again before each job."""
    selected = [job for job in registry.jobs() if codes is None or job.code in codes]
    plan(selected, now or timezone.now())
    runs = []
    for job in selected:
        moment = now or timezone.now()
        token = claim(job, moment)
        if token is not None:
            runs.append(execute(job, token, moment))
    return runs


def run_now(code: str, now: dt.datetime | None = None) -> Run | None:
    """Run one job now whether or not it is due (an operator's `run_schedule --job`), unless
    it is running elsewhere (None). Its plan stays: the next period's run still comes."""
    job = registry.get(code)
    now = now or timezone.now()
    plan([job], now)
    token = claim(job, now, force=True)
    return execute(job, token, now) if token is not None else None
