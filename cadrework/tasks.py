"""Background work of cadre work: the stored retention figures (cadrework.retention_store)."""

import datetime as dt

from django_tasks import task


@task()
def build_retention(day: str, store_id: int | None = None) -> None:
    from cadrework import retention_store
    from cadrework.models import RetentionStore

    store = RetentionStore.objects.filter(pk=store_id).first() if store_id else None
    retention_store.build(dt.date.fromisoformat(day), store)
