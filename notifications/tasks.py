"""The worker's side of a notice: its mail, sent as soon as the change that made it commits."""

from django_tasks import task

from notifications.delivery import deliver_pending


@task()
def deliver(ids: list[int]) -> None:
    deliver_pending(ids=ids)
