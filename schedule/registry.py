"""The recurring jobs, as their apps register them (from `AppConfig.ready()`).

A job names a period (`every`) and, for a daily job, the local time from which that day's run
is due (`at`). Periods are aligned on the calendar, not on the last run: a minute job is due at
the start of each minute, a five-minute job at :00, :05, :10 …, a daily job at `at` each day in
settings.TIME_ZONE (Asia/Ho_Chi_Minh). The runner (schedule.runner) runs a job at most once per
period, whichever worker gets there first.

    register(Job(
        code="notifications.deliver",
        label=_("Mail of the notifications: retries and daily digests"),
        every=dt.timedelta(minutes=1),
        run=deliver,              # run(previous, now) -> "12 mail sent"
    ))

This module knows no other app: every app may register jobs (tests/test_import_direction.py
puts it just above accounts)."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.functional import Promise

DAY = dt.timedelta(days=1)
# Periods are counted from here: a Monday, so that a weekly job would fall on Mondays.
ORIGIN = dt.date(2000, 1, 3)
MAX_CODE = 100


@dataclass(frozen=True)
class Job:
    code: str  # stable id, e.g. "notifications.deliver"
    label: Promise  # gettext_lazy, shown on the page
    every: dt.timedelta  # the period: at most one run per period
    # run(previous, now): previous = when the last successful run started (None the first
    # time); returns a one-line summary shown on the page.
    run: Callable[[dt.datetime | None, dt.datetime], str]
    at: dt.time | None = None  # daily jobs: the local time from which that day's run is due

    def __post_init__(self) -> None:
        if not self.code or len(self.code) > MAX_CODE:
            raise ValueError(f"a job's code is 1 to {MAX_CODE} characters: {self.code!r}")
        if self.every < dt.timedelta(seconds=1):
            raise ValueError(f"job {self.code}: its period must be at least a second")
        if self.at is not None and self.every % DAY:
            raise ValueError(f"job {self.code}: a time of day needs a period of whole days")

    @property
    def period(self) -> str:
        """The period as stored beside the job's state: a change of it plans the job again."""
        seconds = f"{self.every.total_seconds():g}s"
        return f"{seconds}@{self.at:%H:%M:%S}" if self.at else seconds

    def _origin(self) -> dt.datetime:
        zone = ZoneInfo(settings.TIME_ZONE)
        return dt.datetime.combine(ORIGIN, self.at or dt.time.min, tzinfo=zone)

    def next_due(self, now: dt.datetime) -> dt.datetime:
        """The start of the period after the one `now` falls in."""
        origin = self._origin()
        return origin + ((now - origin) // self.every + 1) * self.every

    def first_due(self, now: dt.datetime) -> dt.datetime:
        """When a job never run is due: at once (the current period's start) — except a job
        with a time of day before that time: today's run is due from `at`, not before."""
        start = self.next_due(now) - self.every
        if self.at is not None:
            zone = ZoneInfo(settings.TIME_ZONE)
            if timezone.localtime(start, zone).date() != timezone.localtime(now, zone).date():
                return start + self.every
        return start


_JOBS: dict[str, Job] = {}


def register(job: Job) -> None:
    """Add a job (from an app's `ready()`). The same job twice is harmless; two different
    jobs under one code are a programming error."""
    known = _JOBS.get(job.code)
    if known is not None and known != job:
        raise ValueError(f"two different jobs are registered as {job.code!r}")
    _JOBS[job.code] = job


def jobs() -> list[Job]:
    """Every registered job, by code."""
    return [_JOBS[code] for code in sorted(_JOBS)]


def get(code: str) -> Job:
    """The job registered as `code` (KeyError: none is)."""
    return _JOBS[code]
