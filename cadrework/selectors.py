"""Reads shared by the parts of cadre work: who is trained as a post requires, who was rated
at least 'completed', the pools a person is in, a pool's structure against its goals."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
    QuerySet,
    Value,
)

from cadrework.models import (
    POST_ROLES,
    RATING_RANK,
    Evaluation,
    Occasion,
    Pool,
    PoolEntry,
    PoolPost,
    Rating,
    StructureGoal,
    StructureMeasure,
)
from lib.bulk import lookups_in
from lib.periods import in_force, in_force_q
from lib.tree import line_paths
from people.models import EducationLevel, Person, PoliticalTheory, Role
from standards.models import TitleStandard
from standards.rules import meets_q, standard_for, standards_for_many
from units.models import Unit

PASSING = [r for r, rank in RATING_RANK.items() if rank >= RATING_RANK[Rating.COMPLETED]]


def post_standard(role: Role, unit: Unit, day: dt.date) -> TitleStandard | None:
    """The standard of the post (the role at the unit's level) in force on `day`: what
    "trained as the post requires" reads (standards.rules); None when none is issued."""
    return standard_for(role, unit, day)


def trained_q(standard: TitleStandard | None, day: dt.date, person_ref: str = "pk"):
    """Whether the outer person meets the post's standard on `day`: a Q, or None (unknown)
    when the post has no standard in force."""
    if standard is None:
        return None
    return ExpressionWrapper(meets_q(standard, day, person_ref), output_field=BooleanField())


def rated_q(year: int, person_ref: str = "pk") -> Exists:
    """Whether the outer person's yearly evaluation of `year` is at least 'completed'."""
    return Exists(
        Evaluation.objects.filter(
            person=OuterRef(person_ref), year=year, occasion=Occasion.YEARLY, rating__in=PASSING
        )
    )


def post_of(role: Role) -> str | None:
    return next((post for post, code in POST_ROLES.items() if code == role.code), None)


def pool_for(unit: Unit, role: Role, day: dt.date) -> Pool | None:
    """The unit's pool for the post the role fills, in the term covering `day`."""
    post = post_of(role)
    if post is None:
        return None
    return (
        Pool.objects.filter(in_force_q(day, prefix="term__"), unit=unit, post=post)
        .select_related("term")
        .first()
    )


def open_entries(pool: Pool, day: dt.date) -> QuerySet:
    """Who is in the pool on `day`."""
    return pool.entries.filter(Q(entered_on__lte=day), Q(left_on__isnull=True) | Q(left_on__gt=day))


def is_open_on(entry: PoolEntry, day: dt.date) -> bool:
    """open_entries' rule for an entry in memory: entered by `day`, not left by then (the day
    a person leaves, they are out)."""
    return entry.entered_on <= day and (entry.left_on is None or entry.left_on > day)


# The set-based twins of pool_for, open_entries, post_standard, trained_q and rated_q, for the
# posts of a whole import at once (cadrework.appointments.check_many): what they read is read
# in a few queries, a period's rule applied to rows in memory by lib.periods.


def pools_for_many(posts: list[tuple[int, str, dt.date]]) -> list[Pool | None]:
    """pool_for of each (unit id, post, day), in their order."""
    kept: dict[tuple[int, str], list[Pool]] = {}
    units = sorted({unit for unit, _p, _d in posts})
    for lookup in lookups_in("unit_id", units) if units else ():
        for pool in (
            Pool.objects.filter(post__in={p for _u, p, _d in posts}, **lookup)
            .order_by("unit_id", "term__start_date", "post")
            .select_related("term")
        ):
            kept.setdefault((pool.unit_id, pool.post), []).append(pool)
    return [
        next(
            (
                pool
                for pool in kept.get((unit, post), ())
                if in_force(pool.term.start_date, pool.term.end_date, day)
            ),
            None,
        )
        for unit, post, day in posts
    ]


def in_pools_many(asked: list[tuple[int, int, dt.date]]) -> set[tuple[int, int, dt.date]]:
    """Which of the (pool id, person id, day) asked have the person in the pool that day."""
    entries: dict[tuple[int, int], list[PoolEntry]] = {}
    pools = sorted({pool for pool, _p, _d in asked})
    people = {person for _p, person, _d in asked}
    for lookup in lookups_in("pool_id", pools) if pools else ():
        for entry in PoolEntry.objects.filter(**lookup).only(
            "pool_id", "person_id", "entered_on", "left_on"
        ):
            if entry.person_id in people:
                entries.setdefault((entry.pool_id, entry.person_id), []).append(entry)
    return {
        (pool, person, day)
        for pool, person, day in asked
        if any(is_open_on(e, day) for e in entries.get((pool, person), ()))
    }


def post_standards_many(posts: list[tuple[int, int, dt.date]]) -> list[TitleStandard | None]:
    """post_standard of each (role id, unit id, day), in their order."""
    return standards_for_many(posts)


def trained_many(asked: list[tuple[TitleStandard, dt.date, int]]) -> set[tuple[int, dt.date, int]]:
    """Which of the (standard, day, person id) asked have the person meeting the standard that
    day, as (standard id, day, person id): trained_q's rule, a query per standard and day."""
    groups: dict[tuple[int, dt.date], tuple[TitleStandard, set[int]]] = {}
    for standard, day, person in asked:
        groups.setdefault((standard.pk, day), (standard, set()))[1].add(person)
    met = set()
    for (pk, day), (standard, people) in groups.items():
        for lookup in lookups_in("id", sorted(people)):
            met.update(
                (pk, day, person)
                for person in Person.objects.filter(meets_q(standard, day), **lookup).values_list(
                    "pk", flat=True
                )
            )
    return met


def rated_many(asked: list[tuple[int, int]]) -> set[tuple[int, int]]:
    """Which of the (person id, year) asked were rated at least 'completed' that year:
    rated_q's rule, a query per year."""
    years: dict[int, set[int]] = {}
    for person, year in asked:
        years.setdefault(year, set()).add(person)
    rated = set()
    for year, people in years.items():
        for lookup in lookups_in("id", sorted(people)):
            rated.update(
                (person, year)
                for person in Person.objects.filter(rated_q(year), **lookup).values_list(
                    "pk", flat=True
                )
            )
    return rated


def post_role(pool: Pool) -> Role:
    return Role.objects.get(code=POST_ROLES[PoolPost(pool.post)])


def candidates(pool: Pool, day: dt.date) -> list[PoolEntry]:
    """The pool's candidates on `day`, each with `trained` (as the post requires) and
    `age`."""
    trained = trained_q(post_standard(post_role(pool), pool.unit, day), day, "person_id")
    entries = list(
        open_entries(pool, day)
        .select_related("person__unit", "entered_in")
        .annotate(trained=Value(None, BooleanField()) if trained is None else trained)
        .order_by("person__sort_key")
    )
    for entry in entries:
        entry.age = entry.person.age_on(day)
    return entries


def person_pools(person: Person) -> QuerySet:
    """The pool entries of a person, with their pools, latest first."""
    return (
        PoolEntry.objects.filter(person=person)
        .select_related("pool__unit", "pool__term", "entered_in", "left_in")
        .order_by("-entered_on")
    )


@dataclass
class Share:
    measure: str
    label: str
    count: int
    total: int
    goal: Decimal | None

    @property
    def percent(self) -> Decimal | None:
        if not self.total:
            return None
        return (Decimal(100 * self.count) / self.total).quantize(Decimal("0.1"))

    @property
    def reached(self) -> bool | None:
        if self.goal is None or not self.total:
            return None
        return 100 * self.count >= self.goal * self.total


def goals_for(unit: Unit) -> dict[str, Decimal]:
    """The structure goals in force for a unit's pools: its own, else the nearest above."""
    paths = line_paths(unit.path)
    goals: dict[str, Decimal] = {}
    for goal in StructureGoal.objects.filter(unit__path__in=paths).order_by("unit__depth"):
        goals[goal.measure] = goal.min_percent  # deeper units override
    return goals


def structure(pool: Pool, day: dt.date) -> list[Share]:
    """The share of women, under-40s, degree holders, people with political theory and
    people meeting the post's title standard among the pool's candidates on `day` (one
    query). With no standard for the post, that share is unknown (no figure, not 0 %)."""
    trained = trained_q(post_standard(post_role(pool), pool.unit, day), day)
    try:
        under_40_born_after = day.replace(year=day.year - 40)
    except ValueError:  # 29 February
        under_40_born_after = day.replace(year=day.year - 40, day=28)
    people = Person.objects.filter(pk__in=open_entries(pool, day).values("person_id"))
    counts = people.aggregate(
        total=Count("id"),
        women=Count("id", filter=Q(gender="female")),
        under_40=Count("id", filter=Q(birth_date__gt=under_40_born_after)),
        degree=Count("id", filter=Q(education_level__gte=EducationLevel.UNIVERSITY)),
        political_theory=Count("id", filter=Q(political_theory__gte=PoliticalTheory.INTERMEDIATE)),
        trained=Count("id", filter=Q(trained) if trained is not None else Q(pk__in=[])),
    )
    if trained is None:
        counts["trained"] = 0
    unknown = {StructureMeasure.TRAINED} if trained is None else set()
    goals = goals_for(pool.unit)
    return [
        Share(m, label, counts[m], 0 if m in unknown else counts["total"], goals.get(m))
        for m, label in StructureMeasure.choices
    ]
