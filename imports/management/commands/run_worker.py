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
wait, not die with "database is locked" in the middle of a job."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from imports.services import jobs_fail_stale

WORKER_BUSY_TIMEOUT_SECONDS = 600
QUICK_DEATH_SECONDS = 10  # a worker dying sooner than this after its start backs off
MAX_DELAY_SECONDS = 30.0


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

    def handle(
        self, *args, interval: str, restart_delay: float, busy_timeout: float, **options
    ) -> None:
        state = {"stopping": False, "child": None}

        def stop(signum, frame) -> None:
            state["stopping"] = True
            if state["child"] is not None and state["child"].poll() is None:
                state["child"].terminate()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        manage = Path(settings.BASE_DIR) / "manage.py"
        delay = restart_delay
        env = dict(os.environ, SQLITE_BUSY_TIMEOUT=f"{busy_timeout:g}")
        while not state["stopping"]:
            for job in jobs_fail_stale():
                self.stderr.write(f"run_worker: import {job.pk} had lost its worker: failed")
            started = time.monotonic()
            state["child"] = subprocess.Popen(
                [sys.executable, str(manage), "db_worker", "--interval", str(interval)], env=env
            )
            status = state["child"].wait()
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
