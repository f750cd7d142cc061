"""The history entry of a row written in bulk names the same changes as django-auditlog's
own diff of a new row (audit.bulk.creation_changes chooses the fields once per model, not
once per row): checked on every audited model, on the rows the test data holds."""

import datetime as dt

from auditlog.diff import model_instance_diff

from accounts.access import SYSTEM
from audit import registry
from audit.bulk import creation_changes
from people.models import Position, Role
from people.services import position_create


def auditlog_diff(obj) -> dict:
    return {name: list(pair) for name, pair in (model_instance_diff(None, obj) or {}).items()}


def test_every_audited_model_reads_as_auditlog_reads_it(pool_world):
    tree = pool_world.tree
    # A post with no term and no end (an empty key and an empty date), one with both.
    position_create(
        user=SYSTEM,
        person=tree.tran,
        unit=tree.donganh,
        role=Role.objects.get(code="vice_chair"),
        start_date=dt.date(2024, 1, 1),
        end_date=dt.date(2024, 12, 31),
        end_reason="rotated",
    )
    assert Position.objects.filter(term__isnull=True).exists()
    compared = 0
    for model in registry.audited_models():
        for obj in model.objects.all()[:200]:
            assert creation_changes(model)(obj) == auditlog_diff(obj), (model, obj.pk)
            compared += 1
    assert compared > 40
