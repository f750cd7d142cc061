"""What the page of the scheduled jobs shows: every registered job beside its state."""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from schedule import registry, runner
from schedule.models import ScheduledJob
from schedule.registry import DAY, Job

HOUR = dt.timedelta(hours=1)
MINUTE = dt.timedelta(minutes=1)


@dataclass
class JobRow:
    job: Job
    state: ScheduledJob | None  # None: no worker has met the job yet
    period: str
    running: bool  # a run is in progress now
    lost: bool  # a run whose runner fell silent: the next worker takes it again


def describe_period(job: Job) -> str:
    """The period in words: "every 5 minutes", "daily from 01:00"."""
    if job.at is not None:
        days, at = job.every // DAY, job.at.strftime("%H:%M")
        if days == 1:
            return _("daily from %(time)s") % {"time": at}
        return _("every %(n)s days from %(time)s") % {"n": days, "time": at}
    seconds = int(job.every.total_seconds())
    if job.every == DAY:
        return _("daily")
    if not job.every % DAY:
        return _("every %(n)s days") % {"n": job.every // DAY}
    if job.every == HOUR:
        return _("hourly")
    if not job.every % HOUR:
        return _("every %(n)s hours") % {"n": job.every // HOUR}
    if job.every == MINUTE:
        return _("every minute")
    if not job.every % MINUTE:
        return _("every %(n)s minutes") % {"n": job.every // MINUTE}
    return _("every %(n)s seconds") % {"n": seconds}


def job_rows(now: dt.datetime | None = None) -> list[JobRow]:
    """Every registered job with its state, by code (one query)."""
    now = now or timezone.now()
    states = {state.code: state for state in ScheduledJob.objects.all()}
    rows = []
    for job in registry.jobs():
        state = states.get(job.code)
        running = state is not None and state.running_since is not None
        lost = running and state.alive_at is not None and state.alive_at < now - runner.STALE
        rows.append(JobRow(job, state, describe_period(job), running and not lost, lost))
    return rows
