"""Imports between the apps run one way (issue 19, point 7; docs: architecture "Layout").

Every module of the project's packages is read with `ast`, its imports at the top and inside
functions alike: a function-local import is how a cycle hides, so it counts like any other.
Two rules:

* each import goes to the module's own component or to one in a lower layer of LAYERS,
  never sideways or up;
* no module imports itself back round a loop, within an app as between apps (the module
  graph has no cycle) — `reports.services` / `reports.tasks` and `targets.snapshots` /
  `targets.tasks` were the known ones.

LAYERS is the architecture's direction — accounts → units → people → training →
targets / planning / cadrework → reports / imports → api, lib below everything — with the
two logs that every app writes to split where they must be:

* privacy and audit each have a half that *records* (the access log and the masking of
  personal data; the change history's model, context, registry and bulk writer), low
  enough for people and planning to write to, and a half that *shows* (the log pages, their
  selectors, the own-data export), high, since it reads every app's models;
* people's models sit below the access log, whose entries point at a person, and the rest
  of people (its pages log the full views) above it.

Only imports count: a model named by its label ("people.Person", apps.get_model) or a signal
does not, which is how a low app triggers a high one. Migrations are history, not read.
"""

import ast
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = (
    "lib",
    "config",
    "accounts",
    "schedule",
    "notifications",
    "units",
    "people",
    "training",
    "targets",
    "planning",
    "cadrework",
    "elearning",
    "imports",
    "reports",
    "calendars",
    "audit",
    "privacy",
    "api",
    "demo",
    "bench",
)

PRIVACY_RECORDS = (
    "privacy.apps",
    "privacy.masking",
    "privacy.models",
    "privacy.services",
    "privacy.selectors",
    "privacy.templatetags",
)
AUDIT_RECORDS = (
    "audit.apps",
    "audit.context",
    "audit.models",
    "audit.registry",
    "audit.bulk",
    "audit.middleware",
)

# Lowest first. A layer maps component names to the module prefixes they hold; a module
# belongs to the component with its longest matching prefix. A component may import from
# itself and from components of lower layers; components of one layer are independent.
LAYERS: tuple[dict[str, tuple[str, ...]], ...] = (
    {"lib": ("lib",)},
    {"accounts": ("accounts",)},
    # Recurring jobs: every app above registers its own (schedule.registry).
    {"schedule": ("schedule",)},
    # What every app's services tell users: it knows users, not what they are told about.
    {"notifications": ("notifications",)},
    {"units": ("units",)},
    {"people (models)": ("people.models",)},
    {"privacy (records)": PRIVACY_RECORDS},
    {"audit (records)": AUDIT_RECORDS},
    {"people": ("people",)},
    {"training": ("training",)},
    {"standards": ("standards",)},
    {"targets": ("targets",)},
    {"planning": ("planning",), "cadrework": ("cadrework",), "elearning": ("elearning",)},
    {"audit (shows)": ("audit",)},
    {"privacy (shows)": ("privacy",)},
    {"reports": ("reports",), "imports": ("imports",), "calendars": ("calendars",)},
    # The API is an entry point like the pages: it runs imports and builds reports.
    {"api": ("api",)},
    {"demo and benchmarks": ("demo", "bench")},
    {"config": ("config",)},
)

# Pairs that once imported each other (through a function-local import); named so that a
# failure says which one came back.
NAMED_PAIRS = (
    ("reports.services", "reports.tasks"),
    ("targets.snapshots", "targets.tasks"),
)


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _sources() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                found[_module_name(path)] = path
    return found


SOURCES = _sources()


def _resolve(name: str) -> str | None:
    """The project module an imported name lives in (`targets.snapshots.compute` →
    `targets.snapshots`), or None for Django, the standard library and other packages."""
    while name:
        if name in SOURCES:
            return name
        name = name.rpartition(".")[0]
    return None


def _imported(module: str, path: Path) -> list[tuple[str, int]]:
    """(module imported, line) for every import statement of the file, wherever it stands."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            # `from targets import snapshots` imports the module targets.snapshots.
            names = [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        for name in names:
            target = _resolve(name)
            if target is not None and target != module:
                found.append((target, node.lineno))
    return found


GRAPH: dict[str, list[tuple[str, int]]] = {m: _imported(m, p) for m, p in SOURCES.items()}


def _placement() -> dict[str, tuple[int, str]]:
    """Module prefix → (layer, component)."""
    placed = {}
    for level, layer in enumerate(LAYERS):
        for component, prefixes in layer.items():
            for prefix in prefixes:
                assert prefix not in placed, f"{prefix} is placed twice in LAYERS"
                placed[prefix] = (level, component)
    return placed


PLACEMENT = _placement()


def _component(module: str) -> tuple[int, str] | None:
    while module:
        if module in PLACEMENT:
            return PLACEMENT[module]
        module = module.rpartition(".")[0]
    return None


def _where(module: str, line: int) -> str:
    return f"{SOURCES[module].relative_to(ROOT)}:{line}"


def test_every_module_has_a_place_in_the_layers():
    assert [m for m in SOURCES if _component(m) is None] == []


def test_imports_go_to_the_same_component_or_a_lower_layer():
    wrong = []
    for module, imports in GRAPH.items():
        level, component = _component(module)
        for target, line in imports:
            target_level, target_component = _component(target)
            if target_component != component and target_level >= level:
                wrong.append(
                    f"{_where(module, line)}: {module} ({component}) imports "
                    f"{target} ({target_component})"
                )
    assert wrong == [], "imports against the direction of the layers:\n" + "\n".join(wrong)


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one node (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                members = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    members.append(member)
                    if member == node:
                        break
                if len(members) > 1:
                    found.append(sorted(members))
    return found


def test_no_module_imports_itself_back_round_a_loop():
    edges = defaultdict(set)
    for module, imports in GRAPH.items():
        edges[module].update(target for target, _line in imports)
    assert _cycles(edges) == []


def test_no_import_cycle_between_apps_once_records_and_pages_are_told_apart():
    edges = defaultdict(set)
    for module, imports in GRAPH.items():
        component = _component(module)[1]
        edges[component].update(_component(t)[1] for t, _line in imports)
        edges[component].discard(component)
    assert _cycles(edges) == []


@pytest.mark.parametrize(("first", "second"), NAMED_PAIRS)
def test_the_pairs_that_imported_each_other_now_import_one_way(first, second):
    both = [
        _where(a, line)
        for a, b in ((first, second), (second, first))
        for target, line in GRAPH[a]
        if target == b
    ]
    assert len({path.split(":")[0] for path in both}) <= 1, both


def test_the_checker_sees_function_local_imports():
    """The check is worth nothing if it misses the imports written inside a function."""
    local = [
        (module, target)
        for module, path in SOURCES.items()
        for function in ast.walk(ast.parse(path.read_text()))
        if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef)
        for node in ast.walk(function)
        if isinstance(node, ast.ImportFrom) and node.module and not node.level
        for alias in node.names
        for target in [_resolve(f"{node.module}.{alias.name}")]
        if target not in (None, module)
    ]
    assert local, "no function-local import found: the reading of imports is broken"
    assert [(m, t) for m, t in local if t not in {t for t, _line in GRAPH[m]}] == []
