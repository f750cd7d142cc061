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

While the worker runs, the supervisor mails the notifications that are due every
`--deliver-every` seconds (notifications.delivery.deliver_due: mail whose first try failed,
the daily digests), in its own process, so a mail server that hangs never holds a job up. A
failing round is logged and tried again at the next; it never stops the supervisor."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections, connection

from imports.services import jobs_fail_stale
from notifications.delivery import deliver_due

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
        parser.add_argument(
            "--deliver-every",
            type=float,
            default=60.0,
            help="seconds between two rounds of notification mail (0: none)",
        )

    def handle(
        self,
        *args,
        interval: str,
        restart_delay: float,
        busy_timeout: float,
        deliver_every: float,
        **options,
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
            status = self._wait(state, deliver_every)
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

    def _wait(self, state: dict, deliver_every: float) -> int:
        """Wait for the worker to stop, delivering the notifications every so often meanwhile
        (the first round at once)."""
        child = state["child"]
        if deliver_every <= 0:
            return child.wait()
        next_round = time.monotonic()
        while True:
            if not state["stopping"] and time.monotonic() >= next_round:
                self._deliver()
                next_round = time.monotonic() + deliver_every
            try:
                return child.wait(timeout=max(0.05, next_round - time.monotonic()))
            except subprocess.TimeoutExpired:
                continue

    def _deliver(self) -> None:
        try:
            close_old_connections()
            done = deliver_due()
            if done.sent or done.failed:
                self.stderr.write(
                    f"run_worker: notifications mailed {done.sent}, failed {done.failed}"
                )
        except Exception as error:  # the next round tries again
            self.stderr.write(f"run_worker: delivering notifications failed: {error}")
        finally:
            connection.close()  # a new one each round: one broken while idle is not reused
