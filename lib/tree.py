"""The unit tree's materialised path, as every app cuts it.

Each unit contributes one fixed-width segment (its id) to the materialised path, so a
subtree is a prefix match and the ancestor at depth k is the first k segments. It lives here,
model-free, because accounts' scope cuts paths too and sits below units."""

from django.db.models import Q

PATH_WIDTH = 8


def _path(unit_or_path):
    """A unit's or a version's path; a path (or an expression such as OuterRef) as it is."""
    return getattr(unit_or_path, "path", unit_or_path)


def under(unit_or_path, field: str = "") -> Q:
    """Q for rows whose unit (through `field`, e.g. "unit", "person__unit"; "" for units
    themselves) is the given unit or below it in the tree as it stands now (its latest
    placement). The reading "as the tree stood on a day" is units.places.placed_under."""
    lookup = f"{field}__path__startswith" if field else "path__startswith"
    return Q(**{lookup: _path(unit_or_path)})


def path_length(depth: int) -> int:
    """How long the path of a unit at `depth` (0: the top of the tree) is."""
    return (depth + 1) * PATH_WIDTH


def ancestor_path(path: str, depth: int) -> str:
    """The path of the unit at `depth` on the way down to the unit whose path this is."""
    return path[: path_length(depth)]


def line_paths(path: str) -> list[str]:
    """A unit's path and those of every unit above it, top first."""
    return [path[:i] for i in range(PATH_WIDTH, len(path) + 1, PATH_WIDTH)]


def is_within(unit_or_path, ancestor_or_path) -> bool:
    """Whether a unit is the given ancestor or below it, in the tree as it stands now."""
    return _path(unit_or_path).startswith(_path(ancestor_or_path))
