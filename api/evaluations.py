"""Yearly evaluations (and before a promotion or rotation): recorded and published by the
officers of the subtree, compared with equivalent posts; the person evaluated sees theirs
once published.

Every rule is cadrework.evaluations'; the routes look objects up through its visibility rule
(the user's subtree, or the caller's own published results) and shape the answers."""

import datetime as dt
from decimal import Decimal
from functools import cached_property
from typing import Annotated

from django.db.models import Max
from django.http import Http404, HttpRequest
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Strict

from accounts.access import Data, may
from accounts.scope import get_scoped_or_404
from api.auth import signed_in, writer
from api.people import PersonRef, UnitBrief
from api.schemas import COUNT_CAP, ErrorOut, Pagination, Year
from api.units import UnitInPath, UnitRef
from cadrework import evaluations as rules
from cadrework.models import Evaluation, Occasion, Rating
from people.models import Person
from units.places import under

router = Router(tags=["cadre work"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
# A whole number as such: true, 2.5 or "7" are refused.
Votes = Annotated[int, Strict()]
EvaluationId = Annotated[int, Path(..., alias="evaluation_id")]


def _pct(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.1"))


class RatingCountOut(Schema):
    rating: str
    label: str
    count: int
    percent: Decimal | None


class ComparisonOut(Schema):
    share: Decimal | None = Field(
        ..., description="This evaluation's share of excellent and good votes (%)."
    )
    count: int = Field(..., description="Equivalent posts, this one included.")
    average_share: Decimal | None = Field(
        ..., description="Their average share of excellent and good votes (%)."
    )
    distribution: list[RatingCountOut]

    @staticmethod
    def resolve_distribution(comparison: rules.Comparison) -> list:
        return comparison.distribution.rows


class EvaluationOut(Schema):
    id: int
    person: int = Field(..., alias="person_id")
    person_name: str = Field(..., alias="person.full_name")
    unit: UnitBrief
    role: str = Field(..., alias="role.code")
    role_name: str
    year: int
    occasion: str
    rating: str
    rating_label: str
    self_assessment: str
    votes_excellent: int
    votes_good: int
    votes_completed: int
    votes_not_completed: int
    votes: int
    share: Decimal | None = Field(..., description="Share of excellent and good votes (%).")
    equivalents: int = Field(
        ...,
        description="Equivalent posts (same role, same unit level, "
        "same year and occasion, within the approving "
        "unit's subtree), this one included.",
    )
    equivalents_share: Decimal | None = Field(
        ..., description="Their average share of excellent and good votes."
    )
    approved_by: UnitBrief
    published_at: dt.datetime | None
    created_at: dt.datetime

    @staticmethod
    def resolve_role_name(evaluation: Evaluation) -> str:
        return str(evaluation.role)

    @staticmethod
    def resolve_rating_label(evaluation: Evaluation) -> str:
        return evaluation.get_rating_display()

    @staticmethod
    def resolve_share(evaluation: Evaluation) -> Decimal | None:
        return _pct(evaluation.share)

    @staticmethod
    def resolve_equivalents(evaluation: Evaluation) -> int:
        return evaluation.peer_count

    @staticmethod
    def resolve_equivalents_share(evaluation: Evaluation) -> Decimal | None:
        return _pct(evaluation.peer_share)


class EvaluationDetail(EvaluationOut):
    comparison: ComparisonOut


class EvaluationFilters(Schema):
    unit: UnitRef | None = Field(
        None, description="Evaluations of this unit's subtree (default: the whole of yours)."
    )
    year: Year | None = None
    occasion: Occasion | None = None
    person: PersonRef | None = None
    published: bool | None = None


class EvaluationIn(Schema):
    person: PersonRef
    year: int
    occasion: str = Field(Occasion.YEARLY, description=", ".join(Occasion.values))
    rating: str = Field(..., description=", ".join(Rating.values))
    self_assessment: str = ""
    votes_excellent: Votes = Field(0, description="Votes of the collective's survey.")
    votes_good: Votes = 0
    votes_completed: Votes = 0
    votes_not_completed: Votes = 0
    on: dt.date | None = Field(
        None,
        description="Before a promotion or rotation: the day "
        "whose post is evaluated (required then). A "
        "yearly evaluation takes the post held on "
        "31 December.",
    )


class RoleLevelOut(Schema):
    role: str
    role_name: str
    level: str
    level_name: str
    count: int
    average_share: Decimal | None
    distribution: list[RatingCountOut]


class UnitDistributionOut(Schema):
    unit: UnitBrief
    own: bool = Field(..., description="The unit's own posts (else a unit below with its subtree).")
    total: int
    distribution: list[RatingCountOut]


class EvaluationFiguresOut(Schema):
    unit: UnitBrief
    year: int
    occasion: str
    total: int
    distribution: list[RatingCountOut]
    by_unit: list[UnitDistributionOut]
    by_role_and_level: list[RoleLevelOut] = Field(..., description="Equivalent posts side by side.")


def _visible(request: HttpRequest, evaluation_id: int) -> Evaluation:
    evaluation = (
        rules.with_comparison(rules.evaluations_visible_to(request.auth))
        .filter(pk=evaluation_id)
        .first()
    )
    if evaluation is None:
        raise Http404
    return evaluation


def _detail(request: HttpRequest, evaluation_id: int) -> Evaluation:
    evaluation = _visible(request, evaluation_id)
    evaluation.comparison = rules.equivalents(evaluation)
    return evaluation


@router.get("/evaluations", response={200: list[EvaluationOut], **ERRORS})
@paginate(Pagination)
def evaluation_list(request: HttpRequest, filters: Query[EvaluationFilters]):
    """Evaluations of the user's subtree, latest year first, each against its equivalent
    posts."""
    evaluations = rules.evaluations_visible_to(request.auth)
    if filters.unit is not None:
        evaluations = evaluations.filter(under(filters.unit, "unit"))
    if filters.year is not None:
        evaluations = evaluations.filter(year=filters.year)
    if filters.occasion is not None:
        evaluations = evaluations.filter(occasion=filters.occasion)
    if filters.person is not None:
        evaluations = evaluations.filter(person=filters.person)
    if filters.published is not None:
        evaluations = evaluations.filter(published_at__isnull=not filters.published)
    if filters.year is not None or filters.person is not None:
        # One year (its units' path index leads the order) or one person's few rows.
        return rules.with_comparison(evaluations).order_by(*_LatestYearFirst.ORDER)
    return _LatestYearFirst(evaluations)


class _LatestYearFirst:
    """The list in its order — latest year first, then by unit (its path), name and id — read
    by the paginator's slices a year at a time. No index serves "a year, then a unit's path"
    over a join: a national page read and sorted every evaluation of the country (0.5-1 s at
    330,000); within one year the units' path index leads and a page's rows come in
    milliseconds. The years are taken from the newest down (`_year_before`); the page's
    rows are read by their ids with their comparison (cadrework.evaluations)."""

    ORDER = ("-year", "unit__path", "person__sort_key", "pk")
    FEW = 2_000  # up to this many, sorted at once in a few milliseconds

    def __init__(self, rows):
        self.rows = rows

    @cached_property
    def count(self) -> int:
        # As the paginator counts a queryset: no sort, and stopping past the cap.
        return self.rows.order_by()[: COUNT_CAP + 1].count()

    def __len__(self) -> int:
        return self.count

    def __getitem__(self, index: slice) -> list[Evaluation]:
        if self.count <= self.FEW:  # a union's few: each year's newest first costs more
            return list(rules.with_comparison(self.rows).order_by(*self.ORDER)[index])
        skip, wanted = index.start or 0, index.stop - (index.start or 0)
        ids: list[int] = []
        year = self._year_before(None) if wanted > 0 else None
        while year is not None:
            in_year = self.rows.filter(year=year)
            found = list(
                in_year.order_by(*self.ORDER).values_list("pk", flat=True)[
                    skip : skip + wanted - len(ids)
                ]
            )
            # Rows found: the skipped ones were all in this year. None: the year holds no
            # more than are skipped.
            skip = 0 if found else skip - in_year.order_by().count()
            ids += found
            # The next year only when this one did not fill the page.
            year = self._year_before(year) if len(ids) < wanted else None
        return rules.compared_in_order(ids)

    def _year_before(self, year: int | None) -> int | None:
        """The newest year of any evaluation before `year` (None: of all): one pass over
        the evaluations' years, without the join the scope needs (a year with none in the
        scope is read as an empty year)."""
        years = (
            Evaluation.objects.all() if year is None else Evaluation.objects.filter(year__lt=year)
        )
        return years.aggregate(newest=Max("year"))["newest"]


@router.post("/evaluations", response={201: EvaluationDetail, **ERRORS}, auth=writer)
def evaluation_create(request: HttpRequest, payload: EvaluationIn):
    """Record an evaluation: the unit and role come from the post the person holds (31
    December, or `on`), the caller's unit approves; unpublished until published."""
    evaluation = rules.evaluation_save(
        user=request.auth, **{name: getattr(payload, name) for name in EvaluationIn.model_fields}
    )
    return Status(201, _detail(request, evaluation.pk))


@router.get(
    "/evaluations/{evaluation_id}", response={200: EvaluationDetail, **ERRORS}, auth=signed_in
)
def evaluation_detail(request: HttpRequest, evaluation_id: EvaluationId):
    """Officers: any evaluation of their subtree. The person evaluated: theirs, once
    published. Anything else: 404."""
    return _detail(request, evaluation_id)


@router.post(
    "/evaluations/{evaluation_id}/publish", response={200: EvaluationDetail, **ERRORS}, auth=writer
)
def evaluation_publish(request: HttpRequest, evaluation_id: EvaluationId):
    """From now on the person sees the result (and is told on their profile)."""
    evaluation = _visible(request, evaluation_id)
    rules.evaluation_publish(user=request.auth, evaluation=evaluation)
    return _detail(request, evaluation.pk)


@router.get(
    "/people/{person_id}/evaluations", response={200: list[EvaluationOut], **ERRORS}, auth=signed_in
)
def person_evaluations(request: HttpRequest, person_id: int):
    """A person's evaluations: the caller's own (published ones only), or, for a role that
    reads evaluations (accounts.access), those of a person of their subtree."""
    user = request.auth
    if user.person_id == person_id:
        person = Person.objects.get(pk=person_id)
    elif user.can_browse and may(user, Data.EVALUATIONS):
        person = get_scoped_or_404(Person.objects.all(), user, pk=person_id)
    else:
        raise Http404
    return list(rules.visible_evaluations(user, person))


@router.get("/units/{unit_id}/evaluation-figures", response={200: EvaluationFiguresOut, **ERRORS})
def evaluation_figures(
    request: HttpRequest, unit: UnitInPath, year: Year, occasion: Occasion = Occasion.YEARLY
):
    """The distribution of ratings of the unit's subtree for a year: in all, per unit below,
    and per role and unit level (equivalent posts side by side)."""
    whole = rules.distribution(unit, year, occasion)
    return {
        "unit": unit,
        "year": year,
        "occasion": occasion,
        "total": whole.total,
        "distribution": whole.rows,
        "by_unit": [
            {
                "unit": r.unit,
                "own": r.own,
                "total": r.distribution.total,
                "distribution": r.distribution.rows,
            }
            for r in rules.distribution_by_unit(unit, year, occasion)
        ],
        "by_role_and_level": [
            {
                "role": r.role.code,
                "role_name": str(r.role),
                "level": r.level.code,
                "level_name": str(r.level),
                "count": r.count,
                "average_share": r.average_share,
                "distribution": r.distribution.rows,
            }
            for r in rules.by_role_and_level(unit, year, occasion)
        ],
    }
