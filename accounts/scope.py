"""The one place where a user's scope (their unit's subtree) becomes a query filter.

Every view, export and API endpoint narrows its querysets with `scoped(...)`. Units carry a
materialised path of their latest placement, so "in the subtree" is one indexed prefix match.
A unit keeps its last path when it is dissolved, so a province still sees its ended districts.
"""

from django.db.models import Q, QuerySet
from django.http import Http404


def scope_path(user) -> str | None:
    """The path prefix a user may see, or None when they may see nothing."""
    if not user.is_authenticated or not user.is_active or user.unit_id is None:
        return None
    return user.unit.path


def scope_q(user, *unit_fields: str) -> Q:
    """Q matching rows whose unit (through any of `unit_fields`) is in the user's subtree."""
    path = scope_path(user)
    if path is None:
        return Q(pk__in=[])
    q = Q()
    for field in unit_fields:
        prefix = f"{field}__path" if field else "path"
        q |= Q(**{f"{prefix}__startswith": path})
    return q


def scoped(queryset: QuerySet, user) -> QuerySet:
    """Narrow any scoped queryset to the user's subtree (each model says how it is scoped)."""
    return queryset.filter(scope_q(user, *queryset.model.SCOPE_UNIT_FIELDS))


def get_scoped_or_404(queryset: QuerySet, user, **lookup):
    """Fetch one object of the user's subtree; anything else is 'not found', never 'forbidden'."""
    obj = scoped(queryset, user).filter(**lookup).first()
    if obj is None:
        raise Http404
    return obj


def scope_ancestor_paths(user) -> list[str]:
    """Paths of the user's unit and every unit above it (for things offered down the tree,
    such as a class organised by a higher level)."""
    path = scope_path(user)
    if path is None:
        return []
    width = 8
    return [path[:i] for i in range(width, len(path) + 1, width)]
