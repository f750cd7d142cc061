"""Reads of the yearly cycle: plan versus actual at any grouping, consolidation up the tree,
who has not submitted, survey results, spending and member-growth figures. Every figure is
an aggregate in the database; pages, the API and the reports call these."""

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber
from django.utils.translation import gettext as _

from accounts.scope import scope_ancestor_paths, scope_path
from lib.dates import today
from lib.periods import lies_within, started_in_year, started_within
from lib.tree import ancestor_path
from planning.models import (
    ClassGoal,
    ClassLink,
    Employer,
    MemberGrowth,
    Plan,
    PlanLine,
    PlanStatus,
    Spending,
    Survey,
    SurveyNeed,
    TargetGroup,
)
from standards.rules import most_required_topic
from targets.models import TargetKind
from targets.snapshots import children_with_figures
from training.models import ClassStatus, Enrolment, EnrolmentStatus, FundingSource, TrainingClass
from units.models import Unit, UnitLevel, UnitVersion
from units.places import placed_under, placed_under_then, under, versions_under

SENT_UP = (PlanStatus.SUBMITTED, PlanStatus.APPROVED)
HELD = (ClassStatus.RUNNING, ClassStatus.CLOSED)  # a class counts as done once it runs


# --- plan versus actual -------------------------------------------------------------------


@dataclass
class Figures:
    """Planned and actual figures of a group of plan lines."""

    planned_classes: int = 0
    planned_trainees: int = 0
    budget: Decimal = Decimal(0)
    classes: int = 0
    trainees: int = 0
    spending: Decimal = Decimal(0)

    @staticmethod
    def _ratio(done, planned) -> Decimal | None:
        if not planned:
            return None
        return (Decimal(100) * done / planned).quantize(Decimal("0.1"))

    @property
    def classes_percent(self) -> Decimal | None:
        return self._ratio(self.classes, self.planned_classes)

    @property
    def trainees_percent(self) -> Decimal | None:
        return self._ratio(self.trainees, self.planned_trainees)

    @property
    def spending_percent(self) -> Decimal | None:
        return self._ratio(self.spending, self.budget)


def plan_vs_actual(lines: QuerySet, by: tuple[str, ...] = ()) -> dict[tuple, Figures]:
    """Planned and actual figures of `lines` grouped by line fields (`("id",)` per line,
    `("plan__unit",)` per unit, `()` in total): three grouped queries whatever the size.

    Actual: the linked classes that have run, their accepted trainees and actual costs."""
    lines = lines.order_by()
    out: dict[tuple, Figures] = {}

    def group(qs, prefix: str, **sums):
        fields = [prefix + f for f in by]
        rows = qs.values(*fields).annotate(**sums) if by else [qs.aggregate(**sums)]
        for row in rows:
            key = tuple(row[f] for f in fields) if by else ()
            yield out.setdefault(key, Figures()), row

    for figures, row in group(lines, "", c=Sum("classes"), t=Sum("trainees"), b=Sum("budget")):
        figures.planned_classes, figures.planned_trainees = row["c"] or 0, row["t"] or 0
        figures.budget = row["b"] or Decimal(0)
    links = ClassLink.objects.filter(line__in=lines, training_class__status__in=HELD).order_by()
    for figures, row in group(
        links, "line__", c=Count("id"), s=Sum("training_class__budget_actual")
    ):
        figures.classes, figures.spending = row["c"] or 0, row["s"] or Decimal(0)
    trainees = Enrolment.objects.filter(
        status=EnrolmentStatus.ACCEPTED,
        training_class__plan_link__line__in=lines,
        training_class__status__in=HELD,
    ).order_by()
    for figures, row in group(trainees, "training_class__plan_link__line__", t=Count("id")):
        figures.trainees = row["t"] or 0
    return out


def lines_with_figures(plan: Plan) -> list[tuple[PlanLine, Figures]]:
    lines = plan.lines.select_related("topic", "programme")
    figures = plan_vs_actual(plan.lines.all(), ("id",))
    return [(line, figures.get((line.pk,), Figures())) for line in lines]


def consolidated_lines(unit: Unit, year: int) -> QuerySet:
    """The unit's own lines (any status) and the lines its subtree has sent up."""
    return PlanLine.objects.filter(plan__year=year).filter(
        Q(plan__unit=unit) | under(unit, "plan__unit") & Q(plan__status__in=SENT_UP)
    )


def consolidated(unit: Unit, year: int) -> list[dict]:
    """The consolidated plan: lines summed by topic (or programme) and target group."""
    from training.models import Programme, Topic

    figures = plan_vs_actual(consolidated_lines(unit, year), ("topic", "programme", "target_group"))
    topics = Topic.objects.in_bulk([k[0] for k in figures if k[0]])
    programmes = Programme.objects.in_bulk([k[1] for k in figures if k[1]])
    groups = dict(TargetGroup.choices)
    rows = [
        {
            "topic": topics.get(t),
            "programme": programmes.get(p),
            "group": g,
            "subject": topics.get(t) or programmes.get(p) or _("Any topic"),
            "target_group": groups.get(g, g),
            "figures": f,
        }
        for (t, p, g), f in figures.items()
    ]
    return sorted(rows, key=lambda r: (str(r["subject"]), r["target_group"]))


def plans_of_subtree(unit: Unit, year: int) -> QuerySet:
    """The plans of the unit's subtree for the year (its own included), in the tree's order."""
    return (
        Plan.objects.filter(under(unit, "unit"), year=year)
        .select_related("unit")
        .order_by("unit__path")
    )


def plans_under(unit: Unit, year: int) -> list[tuple[Plan, Figures]]:
    """The plans of the unit's subtree for the year, each with its totals."""
    return with_figures(plans_of_subtree(unit, year))


def plans_below(unit: Unit, year: int) -> QuerySet:
    """The plans of the units under `unit` for the year: the index pages through them (the
    confederation's are tens of thousands)."""
    return plans_of_subtree(unit, year).exclude(unit=unit)


def with_figures(plans) -> list[tuple[Plan, Figures]]:
    """Plans (a page of them, or all), in the order given, each with its planned and actual
    totals (one query for the figures)."""
    plans = list(plans)
    figures = plan_vs_actual(PlanLine.objects.filter(plan__in=plans), ("plan",))
    return [(p, figures.get((p.pk,), Figures())) for p in plans]


def not_submitted(unit: Unit, year: int) -> QuerySet:
    """Units directly under `unit` (above grassroots: those make plans) with no plan sent up."""
    sent = Plan.objects.filter(unit=OuterRef("pk"), year=year, status__in=SENT_UP)
    return (
        Unit.objects.filter(parent=unit, dissolved_on__isnull=True)
        .exclude(kind__level__code="grassroots")
        .exclude(Exists(sent))
        .order_by("code")
    )


def linkable_classes(plan: Plan) -> QuerySet:
    """Classes of the plan's subtree in its year not yet counted toward any line."""
    return (
        TrainingClass.objects.filter(under(plan.unit, "organiser"), start_date__year=plan.year)
        .exclude(plan_link__isnull=False)
        .exclude(status=ClassStatus.CANCELLED)  # never held: counts toward no line
        .order_by("start_date", "code")
    )


# --- surveys ------------------------------------------------------------------------------


def surveys_visible_to(user) -> QuerySet:
    """Surveys opened in the user's subtree, and those opened above it to answer."""
    path = scope_path(user)
    if path is None:
        return Survey.objects.none()
    return Survey.objects.filter(under(path, "unit") | Q(unit__path__in=scope_ancestor_paths(user)))


def survey_results(survey: Survey, unit: Unit) -> list[dict]:
    """Answers of the unit's subtree summed per topic and target group."""
    rows = (
        SurveyNeed.objects.filter(under(unit, "answer__unit"), answer__survey=survey)
        .values("topic", "topic__name", "target_group")
        .annotate(count=Sum("count"))
        .order_by("topic__rank", "topic__name", "target_group")
    )
    groups = dict(TargetGroup.choices)
    return [{**r, "group_label": groups.get(r["target_group"])} for r in rows]


def survey_progress(survey: Survey, unit: Unit) -> list[dict]:
    """Per unit directly under `unit`: whether it answered, and answers in its subtree."""
    children = (
        Unit.objects.filter(parent=unit, dissolved_on__isnull=True)
        .annotate(
            answered=Exists(survey.answers.filter(unit=OuterRef("pk"))),
            answers_below=Coalesce(
                Subquery(
                    survey.answers.filter(under(OuterRef("path"), "unit"))
                    .order_by()
                    .values("survey")
                    .annotate(n=Count("id"))
                    .values("n")
                ),
                0,
            ),
        )
        .order_by("code")
    )
    return list(children)


# Posts whose holders make a group of the plan on their own, whatever their time (004: "cán
# bộ chủ chốt, tổ trưởng, tổ phó ..."): the key leaders are the roles marked so.
GROUP_OF_ROLE = {
    "group_leader": TargetGroup.GROUP_LEADERS,
    "group_deputy": TargetGroup.GROUP_LEADERS,
    "lecturer": TargetGroup.LECTURERS,
}


def need_groups(target, node: UnitVersion, day: dt.date) -> dict[str, int]:
    """How many under the node must still meet the target, by the plan's group they belong
    to. A target that names its population (key leaders only, full-time or part-time cadres)
    is that group; otherwise each post still to train says it: a key leader's post, a
    union-group leader's or deputy's, a lecturer's, or else full-time or part-time."""
    from targets.selectors import population

    not_met = population(target, node, day).filter(met=False)
    named = (
        TargetGroup.KEY_LEADERS
        if target.key_leaders_only
        else {True: TargetGroup.FULL_TIME, False: TargetGroup.PART_TIME}.get(target.full_time)
    )
    if named is not None:
        return {named: not_met.count()}
    groups: dict[str, int] = {}
    rows = not_met.values("role__code", "role__is_key_leader", "full_time").annotate(n=Count("id"))
    for row in rows.order_by():
        group = (
            TargetGroup.KEY_LEADERS
            if row["role__is_key_leader"]
            else GROUP_OF_ROLE.get(row["role__code"])
            or (TargetGroup.FULL_TIME if row["full_time"] else TargetGroup.PART_TIME)
        )
        groups[group] = groups.get(group, 0) + row["n"]
    return groups


def draft_lines(unit: Unit, survey: Survey | None, day: dt.date) -> list[PlanLine]:
    """Lines for a new plan: the survey's results for the unit's subtree, and one line per
    target that people under the unit must still meet and per group of the plan those people
    belong to (need_groups) — never two targets' people in one line. A survey's line for the
    same training and group as a target's becomes that line (the larger count wins: both
    count the same people's needs)."""
    from targets.selectors import targets_for
    from units.selectors import version_on

    from_survey: dict[tuple, PlanLine] = {}
    if survey is not None:
        for row in survey_results(survey, unit):
            from_survey[(row["topic"], None, row["target_group"])] = PlanLine(
                name=row["topic__name"],
                topic_id=row["topic"],
                target_group=row["target_group"],
                trainees=row["count"],
            )
    lines: list[PlanLine] = []
    node = version_on(unit, day)
    for target in targets_for(node, day) if node else []:
        if target.kind == TargetKind.TITLE_STANDARD:
            # Short of their title's standard: a class in what the standards ask most.
            topic = most_required_topic(day, [t.pk for t in target.topics.all()])
            if topic is None:
                continue
            programme = None
        elif target.kind != TargetKind.TRAINING:
            continue  # a qualification (a degree) is not met by a class of the plan
        else:
            topic = next(iter(target.topics.all()), None)
            programme = None if topic else next(iter(target.programmes.all()), None)
        groups = need_groups(target, node, day)
        for group in TargetGroup.values:  # in the groups' order
            need = groups.get(group)
            if not need:
                continue
            line = PlanLine(
                name=f"{target.code} {target.name}"[:255],
                topic=topic,
                programme=programme,
                target_group=group,
                trainees=need,
            )
            surveyed = from_survey.pop(
                (topic.pk if topic else None, programme.pk if programme else None, group), None
            )
            if surveyed is not None:
                line.trainees = max(need, surveyed.trainees)
            lines.append(line)
    return [*from_survey.values(), *lines]


# --- spending and member growth -----------------------------------------------------------


def share(training: Decimal, operating: Decimal) -> Decimal:
    # Rounded down so a share shown as 15.00 never hides 14.999 (the target is ≥ 15%).
    return (Decimal(100) * training / operating).quantize(Decimal("0.01"), rounding=ROUND_DOWN)


def spending_with_training(qs: QuerySet) -> QuerySet:
    """Spending rows with `class_costs` (actual costs of the classes the unit organised that
    started in the year, paid from union funds), `training` (those plus the other training
    costs entered) and `other_sources` (the actual costs of its classes paid by the state
    budget or an international project: shown beside the share, never in it).

    003 asks each level to spend on training "15% tổng chi cho hoạt động của mỗi cấp công
    đoàn": a share of the union's own spending, so only the union's money counts toward it."""

    def costs(funded):
        return Coalesce(
            Subquery(
                TrainingClass.objects.filter(
                    funded, started_in_year(OuterRef("year")), organiser=OuterRef("unit")
                )
                .order_by()
                .values("organiser")
                .annotate(s=Sum("budget_actual"))
                .values("s")
            ),
            Value(Decimal(0)),
        )

    union = Q(funding_source=FundingSource.UNION)
    return qs.annotate(class_costs=costs(union), other_sources=costs(~union)).annotate(
        training=F("class_costs") + F("other_training")
    )


def spending_share(spending: Spending) -> dict:
    """One unit's training spending and share for the year."""
    row = spending_with_training(Spending.objects.filter(pk=spending.pk)).get()
    return {
        "spending": row,
        "class_costs": row.class_costs,
        "other_sources": row.other_sources,
        "training": row.training,
        "share": share(row.training, row.operating_total),
    }


def _under(node: UnitVersion, day: dt.date) -> Q:
    """Rows of units in the node's subtree as it stood on `day`."""
    return placed_under(node.path, day)


def figures_day(year: int) -> dt.date:
    """The day a year's figures are placed in the tree by: its last day, or today while the
    year runs (a unit merged away in July still counts for the units it was under then)."""
    return min(dt.date(year, 12, 31), today())


def spending_rows(node: UnitVersion, year: int, day: dt.date) -> QuerySet:
    """The year's spending of every unit of the node's subtree as it stood on `day`, with its
    training spending — the rows whose total `spending_figures` gives."""
    return spending_with_training(Spending.objects.filter(_under(node, day), year=year))


def spending_figures(node: UnitVersion, year: int, threshold: Decimal, day: dt.date) -> dict:
    """The node's own share, and how many units of its subtree reported and reached the
    threshold that year (compared exactly: 14.99% misses 15%)."""
    rows = spending_rows(node, year, day)
    totals = rows.aggregate(
        reporting=Count("id"),
        reaching=Count("id", filter=Q(training__gte=F("operating_total") * threshold / 100)),
    )
    own = rows.filter(unit_id=node.unit_id).first()
    return {"share": share(own.training, own.operating_total) if own else None, **totals}


def _growth_within(start: dt.date, end: dt.date) -> Q:
    return lies_within(start, end, start="period_start", end="period_end")


def _growth_placed(node: UnitVersion, start: dt.date, end: dt.date) -> QuerySet:
    """Every member-growth row of the subtree (as it stood on `end`) for a period within
    [start, end], each with `reported_below`: a unit placed below the row's unit that day
    reported for such a period too."""
    path_then = Subquery(
        UnitVersion.objects.on(end).filter(unit=OuterRef("unit")).values("path")[:1]
    )
    below = MemberGrowth.objects.filter(
        placed_under(OuterRef("path_then"), end), _growth_within(start, end)
    ).exclude(unit=OuterRef("unit"))
    return (
        MemberGrowth.objects.filter(_under(node, end), _growth_within(start, end))
        .annotate(path_then=path_then)
        .annotate(reported_below=Exists(below))
    )


def growth_rows(node: UnitVersion, start: dt.date, end: dt.date) -> QuerySet:
    """The member-growth rows the subtree's figures count: each subtree once, from the lowest
    level that reports it — a unit's own row is left out when a unit below it reported for
    the period (its figures include theirs: summing both counted the same members twice)."""
    return _growth_placed(node, start, end).filter(reported_below=False)


def growth_rows_left_out(node: UnitVersion, start: dt.date, end: dt.date) -> QuerySet:
    """The rows `growth_rows` leaves out, for the page to say so."""
    return _growth_placed(node, start, end).filter(reported_below=True)


def growth_levels(rows: QuerySet) -> list[tuple[str, int]]:
    """Which levels' figures the totals use: (level, units reporting), top down."""
    counted = dict(
        rows.order_by()
        .values_list("unit__kind__level")
        .annotate(n=Count("unit", distinct=True))
        .values_list("unit__kind__level", "n")
    )
    return [(str(level), counted[level.pk]) for level in UnitLevel.objects.filter(pk__in=counted)]


GRASSROOTS = "grassroots"


def with_grassroots_in_system(rows: QuerySet, end: dt.date) -> QuerySet:
    """Growth rows (from `_growth_placed`), each with `grassroots_in_system`: a grassroots
    union stood at or under the row's unit on `end`, so the unions it founded are counted
    from the tree and its typed figure is not (004: "duy trì hoạt động" asks for the units
    themselves)."""
    below = versions_under(OuterRef("path_then"), end).filter(kind__level__code=GRASSROOTS)
    return rows.annotate(grassroots_in_system=Exists(below))


def one_year_on(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return dt.date(day.year + 1, 3, 1)


def founded_from_tree(node: UnitVersion, start: dt.date, end: dt.date) -> dict:
    """T-004-4 where the tree holds the grassroots unions: those founded in [start, end] in
    the subtree (as it stood on each one's founding day), and of them, among those whose
    first year is over by `end`, how many were still active a year after founding (004:
    "thành lập … duy trì hoạt động")."""
    founded = list(
        Unit.objects.filter(
            started_within(start, end, start="founded_on"),
            placed_under_then(node.unit, "pk", "founded_on"),
            kind__level__code=GRASSROOTS,
        ).values_list("founded_on", "dissolved_on")
    )
    year_over = [(f, d) for f, d in founded if one_year_on(f) <= end]
    return {
        "founded_from_tree": len(founded),
        "founded_year_over": len(year_over),
        "founded_kept": sum(1 for f, d in year_over if d is None or d > one_year_on(f)),
        "grassroots_in_system": versions_under(node.path, end)
        .filter(kind__level__code=GRASSROOTS)
        .exists(),
    }


# --- the enterprise register: coverage (T-004-5) -------------------------------------------

MIN_WORKERS = 30  # 004: "doanh nghiệp … có từ 30 lao động trở lên"


def employers_under(node: UnitVersion, day: dt.date) -> QuerySet:
    """Employers of the register whose area union stood in the node's subtree on `day`."""
    return Employer.objects.filter(placed_under(node.path, day, field="area"))


def employers_without_union(node: UnitVersion, day: dt.date) -> QuerySet:
    """The organiser's working list: employers with 30 workers or more and no grassroots
    union, the largest first."""
    return (
        employers_under(node, day)
        .filter(workers__gte=MIN_WORKERS, union__isnull=True)
        .select_related("area")
        .order_by("-workers", "name")
    )


def register_coverage(node: UnitVersion, day: dt.date) -> dict | None:
    """Coverage from the register: employers with 30 workers or more that have a grassroots
    union ÷ all such, in the subtree and per area union; None where the register holds no
    such employer there (the typed figures then stand)."""
    large = employers_under(node, day).filter(workers__gte=MIN_WORKERS)
    figures = {
        "employers": Count("pk"),
        "with_union": Count("pk", filter=Q(union__isnull=False)),
    }
    totals = large.aggregate(**figures)
    if not totals["employers"]:
        return None
    areas = list(
        large.values("area", "area__code", "area__name").annotate(**figures).order_by("area__code")
    )
    for area in areas:
        area["coverage"] = share(Decimal(area["with_union"]), Decimal(area["employers"]))
    return {
        **totals,
        "coverage": share(Decimal(totals["with_union"]), Decimal(totals["employers"])),
        "areas": areas,
    }


def growth_totals(node: UnitVersion, start: dt.date, end: dt.date) -> dict:
    """Sums over the subtree; net growth = admitted − other decreases (transfers excluded),
    coverage from each unit's latest period. Unions founded (`founded`, T-004-4) come from
    the tree where it holds the grassroots unions (`founded_from_tree`); a unit's typed
    figure counts only where none of its grassroots unions is in the system
    (`founded_typed`; the list's column `unions_founded` keeps every typed figure)."""
    rows = with_grassroots_in_system(growth_rows(node, start, end), end)
    totals = rows.aggregate(
        founded_typed=Coalesce(Sum("unions_founded", filter=Q(grassroots_in_system=False)), 0),
        admitted=Coalesce(Sum("admitted"), 0),
        other_decreases=Coalesce(Sum("other_decreases"), 0),
        transfers_in=Coalesce(Sum("transfers_in"), 0),
        transfers_out=Coalesce(Sum("transfers_out"), 0),
        unions_founded=Coalesce(Sum("unions_founded"), 0),
        unions_dissolved=Coalesce(Sum("unions_dissolved"), 0),
        reporting=Count("unit", distinct=True),
    )
    latest = (
        MemberGrowth.objects.filter(_growth_within(start, end), unit=OuterRef("unit"))
        .order_by("-period_end", "-id")
        .values("pk")[:1]
    )
    coverage = rows.filter(pk=Subquery(latest)).aggregate(
        enterprises_30plus=Coalesce(Sum("enterprises_30plus"), 0),
        enterprises_with_union=Coalesce(Sum("enterprises_with_union"), 0),
    )
    totals.update(coverage)
    totals["levels"] = growth_levels(rows)
    totals.update(founded_from_tree(node, start, end))
    totals["founded"] = totals["founded_from_tree"] + totals["founded_typed"]
    totals["net_growth"] = totals["admitted"] - totals["other_decreases"]
    totals["coverage"] = (
        share(Decimal(coverage["enterprises_with_union"]), Decimal(coverage["enterprises_30plus"]))
        if coverage["enterprises_30plus"]
        else None
    )
    # Where the enterprise register holds the subtree's employers, coverage is counted from
    # it (employer by employer) rather than from the typed figures.
    register = register_coverage(node, end)
    totals["coverage_source"] = "register" if register else "typed"
    if register:
        totals["coverage"] = register["coverage"]
    totals["register"] = register
    return totals


# --- new cadres not yet trained, by category (004) ------------------------------------------

# 004: "rà soát nắm chắc số lượng cán bộ mới chưa được đào tạo … như cán bộ chủ chốt, tổ
# trưởng, tổ phó … thống kê, phân loại, báo cáo". A person counts once, in the first of these
# that one of their new posts belongs to.
NEW_CADRE_CATEGORIES = (
    "key_leaders",
    "inspection",
    "committee",
    "group_leaders",
    "full_time",
    "part_time",
)


def new_cadre_labels() -> dict[str, str]:
    return {
        "key_leaders": _("Key leaders"),
        "inspection": _("Inspection committee"),
        "committee": _("Executive committee members"),
        "group_leaders": _("Union-group leaders and deputies"),
        "full_time": _("Other full-time cadres"),
        "part_time": _("Other part-time cadres"),
    }


def new_cadre_category() -> Case:
    """A post's category, as its place in NEW_CADRE_CATEGORIES: the first that applies."""
    return Case(
        When(role__is_key_leader=True, then=Value(0)),
        When(role__code__startswith="inspection_", then=Value(1)),
        When(role__is_committee_member=True, then=Value(2)),
        When(role__code__in=("group_leader", "group_deputy"), then=Value(3)),
        When(full_time=True, then=Value(4)),
        default=Value(5),
        output_field=IntegerField(),
    )


def congress_day(node: UnitVersion, day: dt.date) -> dt.date:
    """The first day of the unit's term running on `day` (its last congress), else 1 January."""
    from units.models import Term

    term = Term.objects.in_force_on(day).filter(unit_id=node.unit_id).order_by("-start_date")
    first = term.values_list("start_date", flat=True).first()
    return first or dt.date(day.year, 1, 1)


@dataclass
class NewCadre:
    person_id: int
    name: str
    unit_id: int
    unit_name: str
    role: str
    started_on: dt.date
    category: str

    @property
    def label(self) -> str:
        return new_cadre_labels()[self.category]


class NewCadres:
    """The people of `new_cadres_untrained`, in its order, read a page at a time (for a
    paginator, or `iter_all` for an export): the order is known by the counting query (the
    posts' ids), the names and posts are read for the page's only."""

    def __init__(self, post_ids: list[int]):
        self.post_ids = post_ids

    def __len__(self) -> int:
        return len(self.post_ids)

    def count(self) -> int:
        return len(self.post_ids)

    def __getitem__(self, index: slice) -> list[NewCadre]:
        if not isinstance(index, slice) or index.step is not None:
            raise TypeError("NewCadres is read by slices")
        return new_cadres_of(self.post_ids[index])

    def iter_all(self, chunk: int = 2000):
        for at in range(0, len(self.post_ids), chunk):
            yield from new_cadres_of(self.post_ids[at : at + chunk])


def new_cadres_of(post_ids: list[int]) -> list[NewCadre]:
    """The cadres of these posts (their winning posts), in the order given (one query)."""
    from people.models import Position

    if not post_ids:
        return []
    rows = Position.objects.filter(pk__in=post_ids).annotate(category=new_cadre_category())
    found = {
        pk: NewCadre(
            person_id,
            " ".join(p for p in (family, middle, given) if p),
            unit_id,
            unit_name,
            role,
            on,
            NEW_CADRE_CATEGORIES[category],
        )
        for pk, person_id, family, middle, given, unit_id, unit_name, role, on, category in (
            rows.values_list(
                "pk",
                "person_id",
                "person__family_name",
                "person__middle_name",
                "person__given_name",
                "unit_id",
                "unit__name",
                "role__name",
                "start_date",
                "category",
            )
        )
    }
    return [found[pk] for pk in post_ids]


# The order of a unit's new cadres: by category, unit and name.
NEW_CADRE_ORDER = ("category", "unit__name", "person__sort_key", "person_id")


def new_cadre_posts(posts, since: dt.date, day: dt.date, *within: str):
    """Of `posts` (posts held on `day`), those that make their holders new cadres not yet
    trained: taken from `since` (the congress) to `day`, the holder not trained in basic union
    work by `day` (training.selectors.trained_in_basics), and each holder's first of the best
    category (per `within` too: the place a stored figure is kept for, planning.
    new_cadres_store), with its `category`. The live figure and the stored one both ask it."""
    from training.selectors import trained_in_basics

    return (
        posts.filter(started_within(since, day))
        .annotate(trained=trained_in_basics(day, "person_id"))
        .filter(trained=False)
        .annotate(
            category=new_cadre_category(),
            first=Window(
                RowNumber(),
                partition_by=[*map(F, within), F("person_id")],
                order_by=[F("category").asc(), F("start_date").asc(), F("pk").asc()],
            ),
        )
        .filter(first=1)
    )


def new_cadres_untrained(node: UnitVersion, since: dt.date, day: dt.date) -> dict:
    """The cadres who took a post in the subtree (as it stood on `day`) from `since` (the
    congress) to `day`, still hold it, and have not been trained in basic union work by `day`
    (`new_cadre_posts`): each once, by category, and per unit directly below (the node's own
    posts in a row of their own). "people" (`NewCadres`): by category, unit and name, each
    with the post that puts them there (the first of the best category). Counted live (the
    pages read the day's stored figures first: planning.new_cadres_store.found).

    One query finds each person's post (a window over their posts) and returns only its id,
    unit and category: no names or posts read for the thousands of a national count."""
    from people.models import Position

    # The subtree's units first (an index on each unit's posts), then the training looked up
    # for those posts only: SQLite would otherwise look it up for every post of the country
    # taken since the congress.
    held = Position.objects.active_on(day).filter(
        unit_id__in=versions_under(node.path, day).values("unit_id")
    )
    posts = (
        new_cadre_posts(held, since, day)
        .order_by(*NEW_CADRE_ORDER)
        .values_list("pk", "unit_id", "category")
    )
    child_path = {
        unit_id: ancestor_path(path, node.depth + 1)
        for unit_id, path in versions_under(node.path, day).values_list("unit_id", "path")
    }
    post_ids, counted = [], []
    for pk, unit_id, category in posts:
        counted.append(("own" if unit_id == node.unit_id else child_path.get(unit_id), category, 1))
        post_ids.append(pk)
    return new_cadres_found(node, since, day, counted, NewCadres(post_ids))


def new_cadres_found(node: UnitVersion, since: dt.date, day: dt.date, counted, people) -> dict:
    """`new_cadres_untrained`'s answer from its counts — (row: "own" or the path of a unit
    directly below, category, how many) — and its people (read a page at a time)."""
    children = {
        v.path: v
        for v in UnitVersion.objects.on(day)
        .filter(parent_id=node.unit_id)
        .select_related("unit")
        .order_by("unit__code")
    }
    rows = {key: dict.fromkeys(NEW_CADRE_CATEGORIES, 0) for key in ("own", *children)}
    totals = dict.fromkeys(NEW_CADRE_CATEGORIES, 0)
    for key, category, n in counted:
        name = NEW_CADRE_CATEGORIES[category]
        rows.setdefault(key, dict.fromkeys(NEW_CADRE_CATEGORIES, 0))[name] += n
        totals[name] += n
    return {
        "since": since,
        "day": day,
        "rows": [("own", node, rows["own"], sum(rows["own"].values()))]
        + [
            (path, version, rows[path], sum(rows[path].values()))
            for path, version in children.items()
        ],
        "totals": totals,
        "total": len(people),
        "people": people,
    }


# --- classes and trainees given down (004: "chỉ tiêu mở lớp") ---------------------------------


@dataclass
class ClassGoals:
    """A unit's goals of classes and trainees for a year and those it gave the units directly
    below it, each with what its subtree held that year."""

    node: UnitVersion
    year: int
    whole: dict | None  # the unit's own goal {"classes", "trainees"}: given to it, or its own
    rows: list[dict]
    given: dict  # the sums given to the units below

    def difference(self, field: str) -> int | None:
        """What the parts lack (+) or give beyond the whole (−); None with no whole."""
        if self.whole is None or self.whole[field] is None:
            return None
        return self.whole[field] - self.given[field]

    @property
    def adds_up(self) -> bool:
        return all(self.difference(f) in (None, 0) for f in ("classes", "trainees"))


def class_goal_of(unit: Unit, year: int) -> dict | None:
    """The classes and trainees a unit must reach in `year`: the higher ones it set itself,
    else those given to it; None when it was given none."""
    goal = ClassGoal.objects.filter(unit=unit, year=year).first()
    if goal is None or (goal.goal_classes is None and goal.goal_trainees is None):
        return None
    return {"classes": goal.goal_classes, "trainees": goal.goal_trainees}


def class_goals(node: UnitVersion, year: int, day: dt.date) -> ClassGoals:
    """The one reading of a unit's goals of classes and trainees for the page and the API: a
    bounded number of queries, however many units lie below."""
    from training.selectors import held_by_each

    children = children_with_figures(node, day)
    stored = {
        g.unit_id: g
        for g in ClassGoal.objects.filter(year=year, unit_id__in=[c["unit"].pk for c in children])
    }
    planned = {
        row["plan__unit"]: row
        for row in PlanLine.objects.filter(
            plan__year=year, plan__unit_id__in=[c["unit"].pk for c in children]
        )
        .values("plan__unit")
        .annotate(classes=Sum("classes"), trainees=Sum("trainees"))
        .order_by()
    }
    held_by_child = held_by_each(
        [c["unit"].pk for c in children], dt.date(year, 1, 1), dt.date(year, 12, 31)
    )
    rows = []
    for child in children:
        g = stored.get(child["unit"].pk)
        held = held_by_child[child["unit"].pk]
        plan = planned.get(child["unit"].pk, {})
        row = {**child, "held": held, "planned": plan or None}
        for field in ("classes", "trainees"):
            given = getattr(g, field) if g else None
            own = getattr(g, f"own_{field}") if g else None
            goal = own if own is not None else given
            row[field] = {
                "given": given,
                "own": own,
                "goal": goal,
                "reached": None if goal is None else held[field] >= goal,
            }
        rows.append(row)
    given = {f: sum(r[f]["given"] or 0 for r in rows) for f in ("classes", "trainees")}
    return ClassGoals(node, year, class_goal_of(node.unit, year), rows, given)
