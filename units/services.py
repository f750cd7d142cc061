"""Writes to the hierarchy. Every entry point (pages, API, imports, demo) goes through these.

A unit's history is a chain of UnitVersion rows. A reorganisation effective on day D closes
the open versions of the units it touches (their last day, valid_to, is the day before D) and
opens new ones from D (lib.periods: both ends inclusive), so any question asked "as of" a day
before D still sees the old structure.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _

from accounts.access import Data, check_may_write, is_system, recorded_user
from accounts.scope import scope_path
from lib.periods import day_before, is_open, started_after
from units.models import (
    Reorganisation,
    ReorganisationKind,
    Term,
    Unit,
    UnitFigures,
    UnitKind,
    UnitVersion,
    path_segment,
)
from units.places import is_within, under
from units.signals import unit_ended


def _check_in_scope(user, unit: Unit | None, field: str) -> None:
    """A user may only write inside their subtree; the root has no parent, only admins create it."""
    if is_system(user):
        return  # system jobs (demo generator, migrations) act without a user
    path = scope_path(user)
    if unit is None:
        if not (user.is_superuser or (path is not None and user.unit.parent_id is None)):
            raise ValidationError(
                {
                    field: _(
                        "A top-level unit can only be created by the "
                        "confederation's administrators."
                    )
                }
            )
        return
    check_may_write(user, unit, Data.UNITS, field)


def _check_level(kind: UnitKind, parent: Unit | None) -> None:
    if parent is not None and parent.kind.level.rank >= kind.level.rank:
        raise ValidationError(
            {
                "kind": _("A %(kind)s cannot be placed under a %(parent)s.")
                % {"kind": kind, "parent": parent.kind}
            }
        )


def _check_alive(unit: Unit, day: dt.date, field: str) -> None:
    if not unit.is_alive_on(day):
        raise ValidationError(
            {
                field: _("Unit %(code)s does not exist on %(day)s.")
                % {"code": unit.code, "day": day.strftime("%d/%m/%Y")}
            }
        )


def _check_no_later_change(units_path: str, day: dt.date) -> None:
    """History is appended in date order: refuse a change dated before a later one."""
    if UnitVersion.objects.filter(
        under(units_path), started_after(day, start="valid_from")
    ).exists():
        raise ValidationError(
            {
                "effective_on": _(
                    "This part of the structure already has a change dated after %(day)s."
                )
                % {"day": day.strftime("%d/%m/%Y")}
            }
        )


def unit_new(
    *,
    code: str,
    name: str,
    kind: UnitKind,
    parent: Unit | None,
    sector: str = "",
    founded_on: dt.date | None = None,
) -> Unit:
    """An unsaved unit as unit_create makes it (its path is set once it has an id)."""
    return Unit(
        code=code.strip(),
        name=" ".join(name.split()),
        kind=kind,
        parent=parent,
        sector=sector or "",
        founded_on=founded_on,
        path="-",
        depth=0 if parent is None else parent.depth + 1,
    )


def unit_check_new(user, unit: Unit) -> None:
    """unit_create's rules on an unsaved unit (unit_new), apart from its own fields' (its
    full_clean): where it may be placed, by whom. Reads nothing but the parent and kinds
    given, so an import checks a whole file's new units with it."""
    parent = unit.parent
    _check_in_scope(user, parent, "parent")
    _check_level(unit.kind, parent)
    if parent is not None and unit.founded_on is not None:
        _check_alive(parent, unit.founded_on, "parent")
    if parent is not None and parent.dissolved_on is not None:
        raise ValidationError(
            {"parent": _("Unit %(code)s has been dissolved.") % {"code": parent.code}}
        )


def unit_placed(unit: Unit, pk: int) -> None:
    """The unit's id and the path it gives it under its parent."""
    unit.pk = pk
    unit.path = (unit.parent.path if unit.parent else "") + path_segment(pk)


def unit_first_version(unit: Unit) -> dict:
    """The fields of the placement a new unit starts with (its id and path set)."""
    return {
        "unit_id": unit.pk,
        "valid_from": unit.founded_on,
        "name": unit.name,
        "kind_id": unit.kind_id,
        "parent_id": unit.parent_id,
        "path": unit.path,
        "depth": unit.depth,
    }


def unit_founding(unit: Unit, user) -> dict | None:
    """The fields of a new unit's dated creation, when its founding day is known."""
    if unit.founded_on is None:
        return None
    by = recorded_user(user)
    return {
        "kind": ReorganisationKind.CREATE,
        "effective_on": unit.founded_on,
        "unit_id": unit.pk,
        "other_unit_id": unit.parent_id,
        "note": "",
        "created_by_id": by.pk if by else None,
    }


@transaction.atomic
def unit_create(
    *,
    user,
    code: str,
    name: str,
    kind: UnitKind,
    parent: Unit | None,
    sector: str = "",
    founded_on: dt.date | None = None,
) -> Unit:
    unit = unit_new(
        code=code, name=name, kind=kind, parent=parent, sector=sector, founded_on=founded_on
    )
    unit_check_new(user, unit)
    unit.full_clean(exclude=["path"])
    unit.save()
    unit_placed(unit, unit.pk)
    unit.save(update_fields=["path"])
    UnitVersion.objects.create(**unit_first_version(unit))
    founding = unit_founding(unit, user)
    if founding is not None:
        Reorganisation.objects.create(**founding)
    return unit


@transaction.atomic
def unit_update(*, user, unit: Unit, code: str, sector: str, founded_on: dt.date | None) -> Unit:
    """Corrections that are not reorganisations (a renaming or a move is dated: see below)."""
    _check_in_scope(user, unit, "code")
    unit.code, unit.sector, unit.founded_on = code.strip(), sector or "", founded_on
    unit.full_clean()
    unit.save()
    return unit


def figures_check_for(user, unit: Unit, member_count: int, worker_count: int | None) -> None:
    """unit_set_figures' rules (an import checks a whole file's figures with it)."""
    _check_in_scope(user, unit, "unit")
    if member_count < 0 or (worker_count is not None and worker_count < 0):
        raise ValidationError({"member_count": _("Counts cannot be negative.")})


def unit_set_figures(
    *, user, unit: Unit, effective_on: dt.date, member_count: int, worker_count: int | None = None
) -> UnitFigures:
    """Record the member and worker counts from a date (replacing figures of that same date)."""
    figures_check_for(user, unit, member_count, worker_count)
    figures, _created = UnitFigures.objects.update_or_create(
        unit=unit,
        effective_on=effective_on,
        defaults={"member_count": member_count, "worker_count": worker_count},
    )
    return figures


def term_create(*, user, unit: Unit, name: str, start_date: dt.date, end_date: dt.date) -> Term:
    _check_in_scope(user, unit, "unit")
    if end_date <= start_date:
        raise ValidationError({"end_date": _("The end date must be after the start date.")})
    if Term.objects.filter(unit=unit).overlapping(start_date, end_date).exists():
        raise ValidationError({"start_date": _("This term overlaps another term of the unit.")})
    term = Term(unit=unit, name=name.strip(), start_date=start_date, end_date=end_date)
    term.full_clean()
    term.save()
    return term


def _open_version(unit: Unit) -> UnitVersion:
    return UnitVersion.objects.get(is_open(end="valid_to"), unit=unit)


def _replace_versions(
    versions: list[UnitVersion], day: dt.date, changes_by_id: dict[int, dict]
) -> None:
    """Close each open version on `day` and open its successor with the given changes.

    A version that starts on `day` itself is corrected in place (two changes on one day)."""
    to_create = []
    for version in versions:
        changes = changes_by_id[version.pk]
        if version.valid_from == day:
            for field, value in changes.items():
                setattr(version, field, value)
            version.save()
            continue
        version.valid_to = day_before(day)  # its last day; the new version starts on `day`
        version.save(update_fields=["valid_to"])
        new = UnitVersion(
            unit_id=version.unit_id,
            valid_from=day,
            name=version.name,
            kind_id=version.kind_id,
            parent_id=version.parent_id,
            path=version.path,
            depth=version.depth,
        )
        for field, value in changes.items():
            setattr(new, field, value)
        to_create.append(new)
    UnitVersion.objects.bulk_create(to_create, batch_size=2000)


@transaction.atomic
def unit_move(
    *,
    user,
    unit: Unit,
    new_parent: Unit,
    effective_on: dt.date,
    note: str = "",
    _record: bool = True,
) -> Unit:
    """Re-attach a unit (and its whole subtree) to another parent from `effective_on`."""
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    _check_in_scope(user, unit, "unit")
    _check_in_scope(user, new_parent, "parent")
    if is_within(new_parent, unit):
        raise ValidationError(
            {"parent": _("A unit cannot be moved under itself or one of its own sub-units.")}
        )
    _check_level(unit.kind, new_parent)
    _check_alive(unit, effective_on, "unit")
    _check_alive(new_parent, effective_on, "parent")
    if new_parent.dissolved_on is not None:
        raise ValidationError(
            {"parent": _("Unit %(code)s has been dissolved.") % {"code": new_parent.code}}
        )
    _check_no_later_change(unit.path, effective_on)

    old_prefix = unit.path
    new_prefix = new_parent.path + path_segment(unit.pk)
    delta = new_parent.depth + 1 - unit.depth
    versions = list(UnitVersion.objects.filter(under(old_prefix), is_open(end="valid_to")))
    changes = {}
    for v in versions:
        changes[v.pk] = {"path": new_prefix + v.path[len(old_prefix) :], "depth": v.depth + delta}
        if v.unit_id == unit.pk:
            changes[v.pk]["parent_id"] = new_parent.pk
    _replace_versions(versions, effective_on, changes)
    # The latest placement of the whole subtree, rewritten in one statement.
    Unit.objects.filter(under(old_prefix)).update(
        path=Concat(Value(new_prefix), Substr("path", len(old_prefix) + 1)),
        depth=F("depth") + delta,
    )
    # Saved, not updated: the change of parent goes to the audit log (the paths above are
    # derived, not logged).
    unit.parent = new_parent
    unit.save(update_fields=["parent"])
    if _record:
        Reorganisation.objects.create(
            kind=ReorganisationKind.MOVE,
            effective_on=effective_on,
            unit=unit,
            other_unit=new_parent,
            note=note,
            created_by=recorded_user(user),
        )
    unit.refresh_from_db()
    return unit


@transaction.atomic
def unit_rename(*, user, unit: Unit, name: str, effective_on: dt.date, note: str = "") -> Unit:
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    _check_in_scope(user, unit, "unit")
    _check_alive(unit, effective_on, "unit")
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": _("This field is required.")})
    old_name = unit.name
    unit.name = name
    # The name field's own rules (its length, one line of visible text), as on creation.
    unit.clean_fields(exclude=[f.name for f in Unit._meta.fields if f.name != "name"])
    _check_no_later_change(unit.path, effective_on)
    version = _open_version(unit)
    _replace_versions([version], effective_on, {version.pk: {"name": name}})
    unit.save(update_fields=["name", "search_name"])
    Reorganisation.objects.create(
        kind=ReorganisationKind.RENAME,
        effective_on=effective_on,
        unit=unit,
        note=note or old_name,
        created_by=recorded_user(user),
    )
    return unit


@transaction.atomic
def unit_dissolve(
    *,
    user,
    unit: Unit,
    effective_on: dt.date,
    successor: Unit | None = None,
    note: str = "",
    _kind: str = ReorganisationKind.DISSOLVE,
) -> Unit:
    """End a unit on `effective_on` (its last day is the day before). It must have no live
    sub-units left; positions held in it end, or pass to `successor` in a merge."""
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    _check_in_scope(user, unit, "unit")
    _check_alive(unit, effective_on, "unit")
    if Unit.objects.filter(parent=unit, dissolved_on__isnull=True).exists():
        raise ValidationError(
            {
                "unit": _("Unit %(code)s still has sub-units: move or dissolve them first.")
                % {"code": unit.code}
            }
        )
    _check_no_later_change(unit.path, effective_on)
    version = _open_version(unit)
    if version.valid_from == effective_on:
        version.delete()  # it never existed in that shape
    else:
        version.valid_to = day_before(effective_on)
        version.save(update_fields=["valid_to"])
    unit.dissolved_on = effective_on
    unit.save(update_fields=["dissolved_on", "search_name"])
    unit_ended.send(sender=Unit, unit=unit, effective_on=effective_on, successor=successor)
    Reorganisation.objects.create(
        kind=_kind,
        effective_on=effective_on,
        unit=unit,
        other_unit=successor,
        note=note,
        created_by=recorded_user(user),
    )
    return unit


@transaction.atomic
def unit_merge(
    *, user, sources: list[Unit], target: Unit, effective_on: dt.date, note: str = ""
) -> Unit:
    """Merge `sources` into `target` on `effective_on`: their sub-units move under the target,
    their cadres' positions pass to it, and the sources end."""
    _check_in_scope(user, target, "target")
    if not sources:
        raise ValidationError({"sources": _("Choose at least one unit to merge.")})
    for source in sources:
        if source.pk == target.pk or is_within(target, source):
            raise ValidationError(
                {"target": _("A unit cannot be merged into itself or one of its own sub-units.")}
            )
        if source.kind.level.rank != target.kind.level.rank:
            raise ValidationError({"sources": _("Only units of the same level can be merged.")})
    for source in sources:
        for child in Unit.objects.filter(parent=source, dissolved_on__isnull=True):
            unit_move(
                user=user,
                unit=child,
                new_parent=target,
                effective_on=effective_on,
                note=note,
                _record=False,
            )
        unit_dissolve(
            user=user,
            unit=source,
            effective_on=effective_on,
            successor=target,
            note=note,
            _kind=ReorganisationKind.MERGE,
        )
    target.refresh_from_db()
    return target


@transaction.atomic
def unit_split(
    *,
    user,
    unit: Unit,
    parts: list[dict],
    effective_on: dt.date,
    dissolve_original: bool = True,
    note: str = "",
) -> list[Unit]:
    """Split a unit into new sibling units, each taking the sub-units listed for it.

    parts: [{"code": ..., "name": ..., "children": [Unit, ...]}, ...]"""
    _check_in_scope(user, unit, "unit")
    if len(parts) < 2 and dissolve_original:
        raise ValidationError({"parts": _("A split needs at least two new units.")})
    created = []
    for part in parts:
        new = unit_create(
            user=user,
            code=part["code"],
            name=part["name"],
            kind=unit.kind,
            parent=unit.parent,
            sector=unit.sector,
            founded_on=effective_on,
        )
        for child in part.get("children", []):
            if child.parent_id != unit.pk:
                raise ValidationError(
                    {
                        "parts": _("Unit %(code)s is not a sub-unit of the unit being split.")
                        % {"code": child.code}
                    }
                )
            unit_move(
                user=user,
                unit=child,
                new_parent=new,
                effective_on=effective_on,
                note=note,
                _record=False,
            )
        Reorganisation.objects.create(
            kind=ReorganisationKind.SPLIT,
            effective_on=effective_on,
            unit=unit,
            other_unit=new,
            note=note,
            created_by=recorded_user(user),
        )
        created.append(new)
    if dissolve_original:
        unit_dissolve(user=user, unit=unit, effective_on=effective_on, note=note)
    return created
