"""Reads the reports need beyond what training, targets and people already offer.

Every figure is one grouped query in the database; Python only adds up the few rows a grouped
query returns (a handful of forms, levels, categories and topics), never rows of people.
The rules (who is a full-time cadre, which classes belong to a unit in a past year, who must
still be trained) stay in `training.selectors`, `targets` and `people.selectors`.
"""

import datetime as dt
import time
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils.translation import gettext as _

from accounts.scope import scope_ancestor_paths, scope_path
from people.models import EducationLevel, Gender, Person, PoliticalTheory, Position, active_on
from people.selectors import AGE_BAND_LABELS, AGE_BANDS, _birth_range
from planning import selectors as planning_selectors
from planning.models import Plan, PlanDeadline, PlanStatus
from targets import selectors as target_selectors
from targets import snapshots
from targets.measures import Measure, unit_measures
from targets.models import Snapshot, SourceDocument, Target, TargetKind
from training.models import Audience, TrainingRecord
from training.selectors import (
    ATTENDEE_CATEGORIES,
    by_attendee_category,
    class_statistics,
    classes_and_attendances,
)
from units.models import Unit, UnitLevel, UnitVersion
from units.places import placed_under, placed_under_then, under, versions_under
from units.selectors import small_tree

# Who attended (the posts held on the day): full-time cadre, part-time cadre, member.
CATEGORIES = ATTENDEE_CATEGORIES
# Whom a class was for (its audience): the categories above and "cadres and members".
AUDIENCES = tuple(Audience.values)


class ReportError(Exception):
    """A report that cannot be built as asked (shown to the user as is)."""


def subtree_size(node: UnitVersion, day: dt.date) -> int:
    """Units in the node's subtree on `day` (decides whether a report builds in the
    background)."""
    return versions_under(node.path, day).count()


def inline_limit() -> int:
    return int(getattr(settings, "REPORTS_INLINE_UNITS", 2000))


# --- 1. Training results of the year --------------------------------------------------


def _crossed(rows, key: str, count: str, categories=CATEGORIES) -> dict:
    """{value of `key`: {category: count}} from rows grouped by key and category."""
    out: dict = defaultdict(lambda: dict.fromkeys(categories, 0))
    for row in rows:
        out[row[key]][row["category"]] += row[count]
    return out


def class_results(*, unit: Unit, start: dt.date, end: dt.date, own: bool = False) -> dict:
    """The unit's classes in the period (`class_statistics`: its own, or its subtree's), and
    the attendances of each form and organiser level split by the audience of their class —
    the one split the statistics do not give."""
    stats = class_statistics(unit=unit, start=start, end=end, own=own)
    _classes, attendances = classes_and_attendances(unit=unit, start=start, end=end, own=own)
    form, level = "training_class__form", "training_class__organiser__kind__level__rank"
    rows = list(attendances.values(form, level, "category").annotate(n=Count("id")).order_by())
    stats["categories_by"] = {
        "form": _crossed(rows, form, "n", AUDIENCES),
        "level": _crossed(rows, level, "n", AUDIENCES),
    }
    return stats


def record_results(*, unit: Unit, start: dt.date, end: dt.date) -> dict:
    """Training completed in the period by the people of the unit's subtree, whoever
    organised it (classes of other levels, outside bodies, e-learning): one record is one
    attendance (lượt), categorised by the posts held on the day it was completed.

    Three queries, so that a national year (about 700,000 records) stays within seconds: the
    category is worked out per record, so only the form-and-level split carries it; topics
    and distinct people are counted without it."""
    records = TrainingRecord.objects.filter(valid=True, completed_on__range=(start, end)).filter(
        placed_under_then(unit, "person__unit", "completed_on")
    )
    level = "organiser__kind__level__rank"
    rows = by_attendee_category(records, "completed_on", form="form", **{level: level})
    topics = records.values("topics__code").annotate(n=Count("id")).order_by()
    by_category = dict.fromkeys(CATEGORIES, 0)
    for row in rows:
        by_category[row["category"]] += row["n"]
    return {
        "attendances": sum(by_category.values()),
        "people": records.aggregate(n=Count("person", distinct=True))["n"],
        "by_category": by_category,
        "by_topic": {r["topics__code"]: r["n"] for r in topics},
        "categories_by": {"form": _crossed(rows, "form", "n"), "level": _crossed(rows, level, "n")},
    }


# --- 2. and 4. Targets: resolution implementation and training needs ------------------


def documents_for(user):
    """Source documents with a target that may apply inside the user's subtree: the
    system-wide ones, those issued above or at the user's unit, or inside their subtree."""
    path = scope_path(user)
    if path is None:
        return SourceDocument.objects.none()
    applies = Target.objects.filter(
        Q(scope_unit__isnull=True)
        | Q(scope_unit__path__in=scope_ancestor_paths(user))
        | under(path, "scope_unit"),
        document=OuterRef("pk"),
        active=True,
    )
    return SourceDocument.objects.filter(Exists(applies))


def snapshot_ready(day: dt.date) -> Snapshot | None:
    """The day's targets snapshot if it can be had in a request: stored, or small enough to
    compute now (as the dashboard does); None when it must be computed in the background."""
    snapshot = snapshots.ready(day, start=False)
    if snapshot is None and small_tree():
        snapshot = snapshots.ready(day)
    return snapshot


def snapshot_for_job(day: dt.date, wait_seconds: int = 1800) -> Snapshot:
    """The day's snapshot for a background report: computed here unless another process is
    computing it (then waited for), so a worker never waits on a task queued behind it."""
    deadline = time.monotonic() + wait_seconds
    while True:
        snapshot = snapshots.ready(day, start=False) or snapshots.compute(day)
        if snapshot is not None and snapshot.status == Snapshot.Status.DONE:
            return snapshot
        if time.monotonic() > deadline:
            raise ReportError(
                _(
                    "The figures of the targets are still being computed; "
                    "try again in a few minutes."
                )
            )
        time.sleep(2)


@dataclass
class TargetReport:
    """The targets of one document (or all) for a unit on a day, from the snapshot the
    dashboard and the API read; for one document also its targets measured on unit figures
    (spending, member growth, coverage), for the unit and each unit below."""

    node: UnitVersion
    day: dt.date
    targets: list[Target]
    results: list = field(default_factory=list)  # the unit's subtree
    own: list = field(default_factory=list)  # the unit's own post-holders
    children: list = field(default_factory=list)  # [{"version", "results"}] by unit code
    measures: list[Measure] = field(default_factory=list)  # unit targets, the unit's subtree
    child_measures: list = field(default_factory=list)  # [{"version", "measures"}]


def document_measures(
    node: UnitVersion, day: dt.date, document: SourceDocument, children: list[UnitVersion]
) -> tuple[list[Measure], list[dict]]:
    """The document's unit targets for the node, and for each child those same targets
    (as far as they apply to it): the engine's `unit_measures`, a few queries per unit."""
    measures = [m for m in unit_measures(node, day) if m.target.document_id == document.pk]
    wanted = {m.target.pk for m in measures}
    per_child = []
    for child in children if wanted else []:
        found = {m.target.pk: m for m in unit_measures(child, day) if m.target.pk in wanted}
        per_child.append({"version": child, "measures": [found.get(m.target.pk) for m in measures]})
    return measures, per_child


def target_report(
    node: UnitVersion, day: dt.date, snapshot: Snapshot, document: SourceDocument | None = None
) -> TargetReport:
    targets = target_selectors.targets_for(node, day)
    if document is not None:
        targets = [t for t in targets if t.document_id == document.pk]
    children = target_selectors.needs_by_child(node, day, snapshot, targets)
    measures, child_measures = (
        document_measures(node, day, document, [c["version"] for c in children])
        if document is not None
        else ([], [])
    )
    return TargetReport(
        node=node,
        day=day,
        targets=targets,
        measures=measures,
        child_measures=child_measures,
        results=target_selectors.unit_targets(node, day, snapshot, targets),
        own=target_selectors.own_results(node, snapshot, targets),
        children=children,
    )


# --- 3. Cadre structure ---------------------------------------------------------------


def _held_under(node: UnitVersion, day: dt.date):
    """Positions held on `day` in a unit of the node's subtree as it stood that day."""
    return Position.objects.filter(active_on(day), placed_under(node.path, day))


def cadres(node: UnitVersion, day: dt.date):
    """People holding a position in the node's subtree on `day`."""
    held = _held_under(node, day).filter(person=OuterRef("pk"))
    return Person.objects.filter(Exists(held))


def cadre_structure(node: UnitVersion, day: dt.date) -> dict[str, dict]:
    """Counts of cadres by gender, age band, education, political theory, full-time or
    part-time (full-time when any post held in the subtree is) and the highest level at which
    they hold a post — one grouped query each."""
    people = cadres(node, day)
    held = _held_under(node, day).filter(person=OuterRef("pk"))
    bands = Case(
        *[When(_birth_range(day, lo, hi), then=Value(key)) for key, (lo, hi) in AGE_BANDS.items()],
        default=Value("unknown"),
        output_field=CharField(),
    )
    top_level = Subquery(
        held.order_by("unit__versions__kind__level__rank").values(
            "unit__versions__kind__level__rank"
        )[:1]
    )

    def grouped(key: str, expression=None) -> dict:
        qs = people.annotate(**{key: expression}) if expression is not None else people
        return {r[key]: r["n"] for r in qs.values(key).annotate(n=Count("id")).order_by()}

    return {
        "total": people.count(),
        "gender": grouped("gender"),
        "age": grouped("band", bands),
        "education": grouped("education_level"),
        "theory": grouped("political_theory"),
        "full_time": grouped("ft", Exists(held.filter(full_time=True))),
        "level": grouped("top", top_level),
    }


def structure_labels() -> dict[str, list[tuple]]:
    """The rows of each table of the structure report, in order: (key, label)."""
    return {
        "gender": [(g.value, g.label) for g in Gender] + [("", _("Not stated"))],
        "age": [
            *((band, str(label)) for band, label in AGE_BAND_LABELS.items()),
            ("unknown", _("Birth date not stated")),
        ],
        "education": [(e.value, e.label) for e in reversed(EducationLevel)],
        "theory": [(p.value, p.label) for p in reversed(PoliticalTheory)],
        "full_time": [(True, _("Full-time cadres")), (False, _("Part-time cadres"))],
        "level": [(lv.rank, str(lv)) for lv in UnitLevel.objects.all()],
    }


# --- 5. Plan versus actual and spending share -----------------------------------------


def not_submitted_with_status(unit: Unit, year: int) -> tuple[list[tuple], dt.date | None]:
    """The units directly below that have not sent their plan up (`planning.selectors`),
    each with the status of the plan it keeps (draft, returned) or None, and the day the
    plans were due (None when no deadline was set)."""
    units = list(planning_selectors.not_submitted(unit, year))
    status = dict(Plan.objects.filter(unit__in=units, year=year).values_list("unit_id", "status"))
    labels = dict(PlanStatus.choices)
    deadline = PlanDeadline.objects.filter(unit=unit, year=year).first()
    return (
        [(u, labels.get(status.get(u.pk))) for u in units],
        deadline.due_on if deadline else None,
    )


def spending_rows(node: UnitVersion, year: int, day: dt.date) -> QuerySet:
    """The year's spending of every unit of the node's subtree (as it stood on `day`) that
    entered it, with its training spending (`class_costs`, `training`) as the planning module
    computes it — the same rows the spending-share target counts."""
    return (
        planning_selectors.spending_rows(node, year, day)
        .select_related("unit")
        .order_by("unit__path")
    )


def spending_share(row) -> Decimal:
    return planning_selectors.share(row.training, row.operating_total)


def spending_measure(node: UnitVersion, day: dt.date) -> Measure | None:
    """The spending-share target in force for the node on `day`, measured (or None)."""
    return next(
        (m for m in unit_measures(node, day) if m.target.kind == TargetKind.SPENDING_SHARE), None
    )
