"""Large imports run here, in the task worker, while the page shows their progress."""

from django_tasks import task


@task()
def run_import(job_id: int, write: bool) -> None:
    from imports.models import ImportJob
    from imports.pipeline import run_job

    run_job(ImportJob.objects.get(pk=job_id), write=write)
