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
from lib.periods import in_force_q
from lib.tree import line_paths
from people.models import EducationLevel, Person, PoliticalTheory, Role
from standards.models import TitleStandard
from standards.rules import meets_q, standard_for
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
