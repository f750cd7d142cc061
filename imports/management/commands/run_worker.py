"""The background worker as `make run` and `make serve` start it: `manage.py db_worker` in a
process of its own, started again whenever it stops.

A worker can die on one job (killed for memory by the kernel, a native crash, a reboot of its
database connection): that must cost the job, not the service. So the web server never
depends on the worker's process, and this supervisor brings a new worker up after a short
pause (longer when it keeps dying at once), marking the imports the dead one was running as
failed once their heartbeat is stale (imports.services). SIGTERM or SIGINT stops the worker
and then the supervisor.

On SQLite one writer holds the database at a time: the worker waits for the lock for
`--busy-timeout` seconds (a page only 20), so an import or a page writing for a while makes it
wait, not die with "database is locked" in the middle of a job.

While the worker runs, the supervisor runs the scheduled jobs (schedule: the mail of the
notifications and the digests, reminders, clean-ups, yesterday's figures): every
`--schedule-every` seconds it asks which are due and starts each in a thread of its own, with
its own database connection, so that a job that hangs (a mail server that never answers)
holds up neither db_worker, nor the supervisor's watch over it, nor the other jobs. The
schedule lives in the database: each job runs at most once per period whichever of several
servers' supervisors gets there first, and a restart loses nothing (schedule.runner). A
failing job is logged and tried again the next period; it never stops the supervisor."""

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS, close_old_connections, connection, connections

from imports.services import jobs_fail_stale
from schedule import runner

WORKER_BUSY_TIMEOUT_SECONDS = 600
QUICK_DEATH_SECONDS = 10  # a worker dying sooner than this after its start backs off
MAX_DELAY_SECONDS = 30.0
SCHEDULE_EVERY_SECONDS = 30.0
JOBS_GRACE_SECONDS = 10.0  # on stop, how long the jobs running get to end


class Command(BaseCommand):
    help = "Run the background worker (db_worker) and start it again whenever it stops."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--interval", default="1", help="db_worker's polling interval")
        parser.add_argument(
            "--restart-delay",
            type=float,
            default=2.0,
            help="seconds before a stopped worker is started again",
        )
        parser.add_argument(
            "--busy-timeout",
            type=float,
            default=WORKER_BUSY_TIMEOUT_SECONDS,
            help="SQLite: seconds the worker waits for another connection's write lock",
        )
        parser.add_argument(
            "--schedule-every",
            "--deliver-every",  # its name when it only mailed the notifications
            dest="schedule_every",
            type=float,
            default=SCHEDULE_EVERY_SECONDS,
            help="seconds between two looks at the scheduled jobs due (0: none)",
        )

    def handle(
        self,
        *args,
        interval: str,
        restart_delay: float,
        busy_timeout: float,
        schedule_every: float,
        **options,
    ) -> None:
        state = {"stopping": False, "child": None}
        self.jobs: dict[str, threading.Thread] = {}  # the scheduled jobs running, by code

        def stop(signum, frame) -> None:
            state["stopping"] = True
            if state["child"] is not None and state["child"].poll() is None:
                state["child"].terminate()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        manage = Path(settings.BASE_DIR) / "manage.py"
        delay = restart_delay
        env = dict(os.environ, SQLITE_BUSY_TIMEOUT=f"{busy_timeout:g}")
        if connection.vendor == "sqlite":
            # The scheduled jobs are background work too: they wait for the lock as long as
            # the worker does (their threads' connections are made from these settings).
            connections.settings[DEFAULT_DB_ALIAS]["OPTIONS"]["timeout"] = busy_timeout
            connection.close()
        while not state["stopping"]:
            for job in jobs_fail_stale():
                self.stderr.write(f"run_worker: import {job.pk} had lost its worker: failed")
            started = time.monotonic()
            state["child"] = subprocess.Popen(
                [sys.executable, str(manage), "db_worker", "--interval", str(interval)], env=env
            )
            status = self._wait(state, schedule_every)
            if state["stopping"]:
                break
            quick = time.monotonic() - started < QUICK_DEATH_SECONDS
            delay = min(MAX_DELAY_SECONDS, delay * 2) if quick else restart_delay
            self.stderr.write(
                f"run_worker: the worker stopped (status {status}); starting "
                f"it again in {delay:g} s"
            )
            deadline = time.monotonic() + delay
            while not state["stopping"] and time.monotonic() < deadline:
                time.sleep(0.1)
        self._let_jobs_end()

    def _wait(self, state: dict, schedule_every: float) -> int:
        """Wait for the worker to stop, starting the scheduled jobs due every so often
        meanwhile (the first look at once)."""
        child = state["child"]
        if schedule_every <= 0:
            return child.wait()
        next_look = time.monotonic()
        while True:
            if not state["stopping"] and time.monotonic() >= next_look:
                self._start_due_jobs()
                next_look = time.monotonic() + schedule_every
            try:
                return child.wait(timeout=max(0.05, next_look - time.monotonic()))
            except subprocess.TimeoutExpired:
                continue

    def _start_due_jobs(self) -> None:
        """A thread for each job due that is not already running here (it may be running
        in another server's supervisor: the claim in the database settles that)."""
        try:
            close_old_connections()
            due = runner.due_codes()
        except Exception as error:  # the next look tries again
            self.stderr.write(f"run_worker: reading the schedule failed: {error}")
            return
        finally:
            connection.close()  # a new one each look: one broken while idle is not reused
        for code in due:
            if code in self.jobs and self.jobs[code].is_alive():
                continue
            thread = threading.Thread(
                target=self._run_job, args=(code,), name=f"schedule {code}", daemon=True
            )
            self.jobs[code] = thread
            thread.start()

    def _run_job(self, code: str) -> None:
        try:
            for run in runner.run_due(codes=[code]):
                if not run.ok:
                    self.stderr.write(f"run_worker: scheduled job {code} failed: {run.summary}")
        except Exception as error:  # claiming or recording failed: the next look tries again
            self.stderr.write(f"run_worker: scheduled job {code} could not run: {error}")
        finally:
            connection.close()  # this thread's own

    def _let_jobs_end(self) -> None:
        """Give the jobs running a moment to end and record their run; one still running
        after it is left to lapse (schedule.runner.STALE) and runs again then."""
        deadline = time.monotonic() + JOBS_GRACE_SECONDS
        for thread in self.jobs.values():
            thread.join(timeout=max(0.0, deadline - time.monotonic()))
