"""Background work of the reports: a large subtree's report is built by the worker."""

from django_tasks import task


@task()
def build_report(job_id: int) -> None:
    from reports.services import report_job_run

    report_job_run(job_id)
