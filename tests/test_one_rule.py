"""Each rule that cuts across the system is written in one module, and nowhere else.

Issue 19: "`grep` for hand-written date-interval or path-prefix filters outside the one module
per rule finds none." This test is that grep, made exact with the syntax tree so that it
cannot be fooled by formatting and does not flag strings or comments:

- **time** (lib.periods): a lookup comparing a period's first or last day
  (`start_date`, `end_date`, `valid_from`, `valid_to`, a training record's `expires_on` with
  `__lt`, `__lte`, `__gt`, `__gte`, `__isnull`, `__range`) — every "in force on D", overlap,
  "ended before", "still valid on D" goes through it;
- **place** (units.places, with lib.tree for the "now" reading that accounts' scope needs
  below units): a lookup on a materialised path (`path__startswith`) or a
  `.path.startswith(...)` test in Python — "under this unit" now or as the tree stood on a day.

Database constraints (`CheckConstraint`, `UniqueConstraint`) state the same rules to the
database, and a partial index's condition says which rows it holds: they are exempt, as are
migrations (history), tests and benchmarks (their baselines are hand-written SQL on purpose).
"""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = sorted(
    p.name
    for p in ROOT.iterdir()
    if p.is_dir() and (p / "__init__.py").exists() and p.name not in {"tests", "bench"}
)
RULE_MODULES = {"lib/periods.py", "lib/tree.py", "units/places.py"}
DATE_LOOKUP = re.compile(
    r"(^|__)(start_date|end_date|valid_from|valid_to|expires_on)__(lt|lte|gt|gte|isnull|range)$"
)
PATH_LOOKUP = re.compile(r"(^|__)path__startswith$")
CONSTRAINTS = {"CheckConstraint", "UniqueConstraint", "Index"}


def _sources():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if "/migrations/" in relative or relative in RULE_MODULES:
                continue
            yield relative, ast.parse(path.read_text(encoding="utf-8"))


def _constraint_lines(tree: ast.AST) -> set[int]:
    lines = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            if name in CONSTRAINTS:
                lines.update(range(node.lineno, node.end_lineno + 1))
    return lines


def _is_path(node: ast.AST) -> bool:
    return (isinstance(node, ast.Attribute) and node.attr in {"path", "unit_path"}) or (
        isinstance(node, ast.Name) and node.id in {"path", "unit_path"}
    )


def _lookups(keyword: ast.keyword) -> list[str]:
    """A keyword argument's lookup, or the keys of a `**{...}` built with strings or
    f-strings (the tail of an f-string is what names the lookup)."""
    if keyword.arg:
        return [keyword.arg]
    if not isinstance(keyword.value, ast.Dict):
        return []
    keys = []
    for key in keyword.value.keys:
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            keys.append(key.value)
        elif isinstance(key, ast.JoinedStr) and isinstance(key.values[-1], ast.Constant):
            tail = str(key.values[-1].value)
            # f"{prefix}__startswith": a prefix match built at run time is a path's.
            keys.append("path" + tail if tail.startswith("__startswith") else tail)
    return keys


def _findings() -> list[str]:
    found = []
    for relative, tree in _sources():
        exempt = _constraint_lines(tree)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or node.lineno in exempt:
                continue
            for keyword in node.keywords:
                for lookup in _lookups(keyword):
                    if DATE_LOOKUP.search(lookup) or PATH_LOOKUP.search(lookup):
                        found.append(f"{relative}:{node.lineno}: {lookup}=")
            func = node.func
            if (
                isinstance(func, ast.Attribute)
                and func.attr == "startswith"
                and _is_path(func.value)
                and not all(isinstance(a, ast.Constant | ast.Tuple) for a in node.args)
            ):
                found.append(f"{relative}:{node.lineno}: .path.startswith(...)")
    return found


def test_no_date_interval_or_path_prefix_is_written_outside_its_rule_module():
    assert _findings() == []


def test_the_check_finds_what_it_looks_for(monkeypatch):
    """The check itself can fail: a hand-written filter of each kind is found."""
    sample = (
        "Position.objects.filter(start_date__lte=day, end_date__gte=day)\n"
        "Unit.objects.filter(unit__path__startswith=unit.path)\n"
        "ok = unit.path.startswith(other.path)\n"
        'Q(**{f"{prefix}valid_to__gt": day})\n'
        'Q(**{f"{field}__startswith": path})\n'
        "url.path.startswith(('/embed/', '/shorts/'))\n"
        "models.CheckConstraint(condition=Q(end_date__gte=F('start_date')), name='x')\n"
        "TrainingRecord.objects.filter(expires_on__gte=day)\n"
    )
    tree = ast.parse(sample)
    monkeypatch.setattr("tests.test_one_rule._sources", lambda: iter([("sample.py", tree)]))
    assert _findings() == [
        "sample.py:1: start_date__lte=",
        "sample.py:1: end_date__gte=",
        "sample.py:2: unit__path__startswith=",
        "sample.py:3: .path.startswith(...)",
        "sample.py:4: valid_to__gt=",
        "sample.py:5: path__startswith=",
        "sample.py:8: expires_on__gte=",
    ]
