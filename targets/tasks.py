"""Background work of the targets: a full snapshot after bulk changes or for a past day."""

import datetime as dt

from django_tasks import task


@task()
def compute_snapshot(day: str) -> None:
    from targets import snapshots

    snapshots.compute(dt.date.fromisoformat(day))
