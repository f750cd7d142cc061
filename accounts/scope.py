"""The one place where a user's scope (their unit's subtree) becomes a query filter.

Every view, export and API endpoint narrows its querysets with `scoped(...)`. Units carry a
materialised path of their latest placement, so "in the subtree" is one indexed prefix match.
A unit keeps its last path when it is dissolved, so a province still sees its ended districts.
"""

from collections.abc import Sequence

from django.db import connection
from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.models import UserRole
from lib.tree import is_within, line_paths, under


def scope_path(user) -> str | None:
    """The path prefix a user may see, or None when they may see nothing."""
    if not user.is_authenticated or not user.is_active or user.unit_id is None:
        return None
    return user.unit.path


def in_scope(user, unit) -> bool:
    """Whether one unit is in the user's subtree (scope_q and scoped say it of querysets)."""
    path = scope_path(user)
    return path is not None and unit is not None and is_within(unit, path)


def scope_q(user, *unit_fields: str) -> Q:
    """Q matching rows whose unit (through any of `unit_fields`) is in the user's subtree."""
    path = scope_path(user)
    if path is None:
        return Q(pk__in=[])
    q = Q()
    for field in unit_fields:
        q |= under(path, field)
    return q


# Up to this many rows, a model scoped through two fields is narrowed by its rows' ids (see
# `scoped`); a list this long is still a small query on either database.
FEW_ROWS = 2_000


def scoped(queryset: QuerySet, user) -> QuerySet:
    """Narrow any scoped queryset to the user's subtree (each model says how it is scoped).

    A model scoped through two fields (a position: its unit or its holder's unit) is "one
    or the other" across two tables, which no index serves: for a grassroots union the
    database reads every row and its joins (3 s over 1.25M positions). So each field's rows
    are first looked up through its own index, up to FEW_ROWS of them (ms); when that is all
    of them the queryset is narrowed to those ids. A large subtree keeps the plain "or":
    nearly every row matches, and a page's first rows come at once in the list's order.

    A table of millions listed in an order of its own (training records, newest first) is
    looked up the same way when its model says SCOPE_IDS_FIRST: walking the order's index
    for a grassroots union's few rows reads the whole table (1.6 s on SQLite, 260,000
    records)."""
    fields = queryset.model.SCOPE_UNIT_FIELDS
    path = scope_path(user)
    by_ids = len(fields) > 1 or getattr(queryset.model, "SCOPE_IDS_FIRST", False)
    if by_ids and path is not None:
        rows = queryset.model._default_manager.order_by()
        halves = [rows.filter(under(path, field)).values_list("pk", flat=True) for field in fields]
        if connection.features.supports_slicing_ordering_in_compound:
            # Each half stops past the cap too (PostgreSQL): for a national officer the holder's
            # half otherwise hashes every person before its first row (0.43 s -> 4 ms at
            # 1,000,000 people). SQLite allows no LIMIT inside a compound, nor needs it.
            halves = [half[: FEW_ROWS + 1] for half in halves]
        ids = list(halves[0].union(*halves[1:], all=True)[: FEW_ROWS + 1])
        if len(ids) <= FEW_ROWS:
            return queryset.filter(pk__in=set(ids))
    return queryset.filter(scope_q(user, *fields))


def count_scoped(queryset: QuerySet, user, cap: int) -> int:
    """How many rows of `queryset` (before `scoped`) the user's subtree holds, counted up to
    cap + 1 (a list's capped count, api.schemas.Pagination). For a model scoped through two
    fields, counting the "or" reads every row and its joins (0.7 s for a province's posts);
    each field's rows are counted through its own index instead, stopping past the cap —
    either side past it, so is the whole — and under it their ids are put together."""
    path = scope_path(user)
    if path is None:
        return 0
    rows = queryset.order_by()
    found: set = set()
    for field in queryset.model.SCOPE_UNIT_FIELDS:
        ids = list(rows.filter(under(path, field)).values_list("pk", flat=True)[: cap + 1])
        if len(ids) > cap:
            return cap + 1
        found.update(ids)
    return min(len(found), cap + 1)


def scoped_slice(
    queryset: QuerySet, user, order: Sequence[str], start: int, stop: int, *, dense: bool
) -> list:
    """Rows `start` to `stop` of the user's subtree of `queryset` (before `scoped`), in
    `order` (which ends with the key, so that it is total). For a model scoped through two
    fields, unless the subtree holds many of the rows (`dense`: the database then finds a
    page's rows at once walking the order's index), each field's rows are read in that order
    through its own index, `stop` of them, and the page taken from those (the first `stop`
    of the whole are among them): an upper union's few thousand posts of 1.25M otherwise had
    the database walk the order's index over every post, testing the "or" on each (4 s)."""
    fields = queryset.model.SCOPE_UNIT_FIELDS
    path = scope_path(user)
    if dense or len(fields) == 1 or path is None:
        return list(scoped(queryset, user).order_by(*order)[start:stop])
    firsts: set = set()
    for field in fields:
        half = queryset.filter(under(path, field)).order_by(*order)
        firsts.update(half.values_list("pk", flat=True)[:stop])
    return list(queryset.filter(pk__in=firsts).order_by(*order)[start:stop])


def get_scoped_or_404(queryset: QuerySet, user, **lookup):
    """Fetch one object of the user's subtree; anything else is 'not found', never 'forbidden'."""
    # One row by its key: the plain filter, nothing to look up first (see `scoped`).
    fields = queryset.model.SCOPE_UNIT_FIELDS
    obj = queryset.filter(**lookup).filter(scope_q(user, *fields)).first()
    if obj is None:
        raise Http404
    return obj


def scope_ancestor_paths(user) -> list[str]:
    """Paths of the user's unit and every unit above it (for things offered down the tree,
    such as a class organised by a higher level)."""
    path = scope_path(user)
    if path is None:
        return []
    return line_paths(path)


def may_read_logs(user) -> bool:
    """System administrators (and superusers) read the logs (the change history, the access
    log of personal data); nobody else."""
    return (
        user.is_authenticated
        and user.is_active
        and (user.is_superuser or (user.role == UserRole.SYSTEM_ADMIN and user.unit_id is not None))
    )


def logs_visible_to(queryset: QuerySet, user) -> QuerySet:
    """The entries of a log a user sees: a system administrator those about their subtree
    (each log's model says which unit an entry is about); a superuser every entry, those
    about no unit included; anyone else none."""
    if not may_read_logs(user):
        return queryset.none()
    if user.is_superuser:
        return queryset.all()
    return scoped(queryset, user)
