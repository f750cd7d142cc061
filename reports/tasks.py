"""Background work of the reports: a large subtree's report is built by the worker.

`report_job_create` queues a job and `build_report` is what the worker runs; both lean on
reports.services, which builds the file and knows nothing of the queue."""

from django_tasks import task

from accounts.access import recorded_user
from reports import builders
from reports.models import ReportJob
from reports.services import SNAPSHOT_KINDS, report_job_run
from units.models import Unit


@task()
def build_report(job_id: int) -> None:
    report_job_run(job_id)


def report_job_create(*, user, unit: Unit, kind: str, fmt: str, params: dict) -> ReportJob:
    """Queue the building of a report for the worker (the page shows its progress)."""
    steps = builders.STEPS[kind] + (1 if kind in SNAPSHOT_KINDS else 0)
    job = ReportJob.objects.create(
        user=recorded_user(user),
        unit=unit,
        kind=kind,
        format=fmt,
        params=params,
        steps_total=steps,
    )
    build_report.enqueue(job.pk)
    job.refresh_from_db()  # an immediate backend has run it already
    return job
