"""Writes on targets: a unit adopting a target for its own subtree, stricter."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from targets.models import Target
from units.models import Unit

M2M = ("roles", "levels", "unit_kinds", "topics", "programmes")


@transaction.atomic
def target_adopt(*, target: Target, unit: Unit, threshold: Decimal) -> Target:
    """Copy `target` for `unit`'s subtree with a threshold at least the source's."""
    if target.adopted_from_id:
        target = target.adopted_from
    if Target.objects.filter(adopted_from=target, scope_unit=unit).exists():
        raise ValidationError({"threshold": _("This unit has already adopted the target.")})
    source_m2m = {name: list(getattr(target, name).all()) for name in M2M}
    copy = Target.objects.get(pk=target.pk)
    copy.pk = None
    copy.code = f"{target.code}@{unit.code}"[:30]
    copy.builtin = False
    copy.adopted_from = target
    copy.scope_unit = unit
    copy.threshold = threshold
    copy.full_clean()
    copy.save()
    for name, objects in source_m2m.items():
        getattr(copy, name).set(objects)
    return copy
