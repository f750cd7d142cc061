"""Run the scheduled jobs that are due, once (the worker's supervisor does this every
`--schedule-every` seconds); `--job CODE` runs one job now, due or not."""

from django.core.management.base import BaseCommand, CommandError

from schedule import registry, runner


class Command(BaseCommand):
    help = (
        "Run the scheduled jobs that are due now, each at most once per period whichever "
        "worker runs it; --job CODE runs that job now, due or not (unless it is running)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--job", metavar="CODE", help="run this job now, due or not")
        parser.add_argument("--list", action="store_true", help="list the jobs and stop")

    def handle(self, *args, job: str | None, list: bool, **options) -> None:
        if list:
            for known in registry.jobs():
                self.stdout.write(f"{known.code}\t{known.period}\t{known.label}")
            return
        if job is None:
            runs = runner.run_due()
        else:
            try:
                registry.get(job)
            except KeyError:
                codes = ", ".join(j.code for j in registry.jobs())
                raise CommandError(f"no job {job!r}; the jobs: {codes}") from None
            run = runner.run_now(job)
            if run is None:
                raise CommandError(f"{job} is running in another worker; not started again")
            runs = [run]
        for run in runs:
            seconds = run.duration.total_seconds()
            self.stdout.write(f"{run.code}: {run.status} ({seconds:.1f} s) {run.summary}")
        if not runs:
            self.stdout.write("Nothing due.")
        failed = [run.code for run in runs if not run.ok]
        if failed:
            raise CommandError(f"failed: {', '.join(failed)}")
