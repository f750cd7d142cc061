"""Background work of the targets: a full snapshot after bulk changes or for a past day."""

import datetime as dt

from django_tasks import task

from targets.computing import compute


@task()
def compute_snapshot(day: str) -> None:
    compute(dt.date.fromisoformat(day))
