"""Recompute every target for every unit (after an import or any bulk change)."""

import time

from django.core.management.base import BaseCommand, CommandError

from lib.dates import parse_date, today
from targets import snapshots
from targets.tasks import compute_snapshot


class Command(BaseCommand):
    help = "Recompute the figures of every target for every unit, as of a day (default today)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--on", help="day, dd/mm/yyyy or yyyy-mm-dd (default: today)")
        parser.add_argument(
            "--background",
            action="store_true",
            help="queue the work for the worker instead of doing it here",
        )

    def handle(self, *args, on=None, background=False, **options) -> None:
        day = parse_date(on) if on else today()
        if day is None:
            raise CommandError(f"Not a date: {on!r} (expected dd/mm/yyyy)")
        if background:
            compute_snapshot.enqueue(day.isoformat())
            self.stdout.write(f"Queued the recomputation as of {day:%d/%m/%Y}.")
            return
        started = time.perf_counter()

        def progress(done: int, total: int) -> None:
            bar = "#" * (30 * done // total)
            self.stdout.write(f"\r[{bar:<30}] {done}/{total} targets", ending="")
            self.stdout.flush()

        snapshot = snapshots.compute(day, progress)
        self.stdout.write(
            f"\nDone as of {day:%d/%m/%Y}: {snapshot.figures.count()} unit "
            f"figures in {time.perf_counter() - started:.1f} s."
        )
