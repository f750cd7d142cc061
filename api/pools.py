"""Succession pools: a unit's pools, their candidates and structure, the yearly review (who
enters and leaves, with reasons) and its publication. Rules: cadrework.services."""

import datetime as dt
from decimal import Decimal
from typing import Annotated

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.pagination import paginate

from accounts.scope import scoped
from api.auth import writer
from api.people import PersonRef, TermRef, UnitBrief
from api.schemas import Day, ErrorOut, Pagination, Ref
from api.units import UnitRef
from cadrework import selectors, services
from cadrework.models import Pool, PoolEntry, PoolPost, PoolReview
from lib.dates import today
from units.places import under

router = Router(tags=["cadre work"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}

POOLS = Pool.objects.select_related("unit", "term")
PoolInPath = Annotated[Pool, Ref(POOLS, in_path=True), Path(..., alias="pool_id")]
REVIEWS = PoolReview.objects.select_related("pool__unit", "pool__term")
ReviewInPath = Annotated[PoolReview, Ref(REVIEWS, in_path=True), Path(..., alias="review_id")]
EntryRef = Annotated[PoolEntry, Ref(PoolEntry.objects.select_related("person", "pool__unit"))]


class PoolOut(Schema):
    id: int
    unit: UnitBrief
    term: str = Field(..., alias="term.name")
    term_id: int
    post: str = Field(..., description=", ".join(PoolPost.values))


class CandidateOut(Schema):
    entry: int
    person: int
    full_name: str
    unit: str
    gender: str
    age: int | None
    trained: bool | None = Field(
        ...,
        description="Meets the title standard of the post; null when the post has none in force.",
    )
    entered_on: dt.date
    entry_reason: str


class ShareOut(Schema):
    measure: str
    count: int
    total: int
    percent: Decimal | None
    goal: Decimal | None
    reached: bool | None


class ReviewOut(Schema):
    id: int
    pool_id: int
    year: int
    held_on: dt.date
    note: str
    published_at: dt.datetime | None
    entered: list[int] = Field(..., description="People who entered in this review.")
    removed: list[int] = Field(..., description="People who left in this review.")

    @staticmethod
    def resolve_entered(review: PoolReview) -> list[int]:
        return list(review.entries.values_list("person_id", flat=True))

    @staticmethod
    def resolve_removed(review: PoolReview) -> list[int]:
        return list(review.removals.values_list("person_id", flat=True))


class PoolDetail(PoolOut):
    as_of: dt.date
    candidates: list[CandidateOut]
    structure: list[ShareOut]
    reviews: list[ReviewOut]

    @staticmethod
    def resolve_reviews(pool: Pool) -> list[PoolReview]:
        return list(pool.reviews.all())


def _detail(pool: Pool, day: dt.date) -> Pool:
    pool.as_of, pool.structure = day, selectors.structure(pool, day)
    pool.candidates = [
        {
            "entry": e.pk,
            "person": e.person_id,
            "full_name": e.person.full_name,
            "unit": e.person.unit.name,
            "gender": e.person.gender,
            "age": e.age,
            "trained": e.trained,
            "entered_on": e.entered_on,
            "entry_reason": e.entry_reason,
        }
        for e in selectors.candidates(pool, day)
    ]
    return pool


class PoolFilters(Schema):
    unit: UnitRef | None = Field(None, description="Pools of this unit's subtree.")


class PoolIn(Schema):
    unit: UnitRef
    term: TermRef
    post: str = Field(..., description=", ".join(PoolPost.values))


class ReviewIn(Schema):
    year: int
    held_on: dt.date
    note: str = ""


class EntryIn(Schema):
    person: PersonRef
    reason: str
    on: dt.date | None = Field(None, description="Default: the review's day.")


class RemovalIn(Schema):
    entry: EntryRef
    reason: str
    on: dt.date | None = Field(None, description="Default: the review's day.")


@router.get("/pools", response={200: list[PoolOut], **ERRORS})
@paginate(Pagination)
def pool_list(request: HttpRequest, filters: Query[PoolFilters]):
    pools = scoped(POOLS, request.auth).order_by("unit__path", "post")
    if filters.unit is not None:
        pools = pools.filter(under(filters.unit, "unit"))
    return pools


@router.post("/pools", response={201: PoolDetail, **ERRORS}, auth=writer)
def pool_create(request: HttpRequest, payload: PoolIn):
    pool = services.pool_create(
        user=request.auth, unit=payload.unit, term=payload.term, post=payload.post
    )
    return Status(201, _detail(pool, today()))


@router.get("/pools/{pool_id}", response={200: PoolDetail, **ERRORS})
def pool_detail(request: HttpRequest, pool: PoolInPath, as_of: Day | None = None):
    """Candidates on the day (default today) and the pool's structure against its goals."""
    return _detail(pool, as_of or today())


@router.post("/pools/{pool_id}/reviews", response={201: ReviewOut, **ERRORS}, auth=writer)
def review_open(request: HttpRequest, pool: PoolInPath, payload: ReviewIn):
    return Status(
        201,
        services.review_open(
            user=request.auth,
            pool=pool,
            year=payload.year,
            held_on=payload.held_on,
            note=payload.note,
        ),
    )


@router.get("/pool-reviews/{review_id}", response={200: ReviewOut, **ERRORS})
def review_detail(request: HttpRequest, review: ReviewInPath):
    return review


@router.post("/pool-reviews/{review_id}/entries", response={201: ReviewOut, **ERRORS}, auth=writer)
def review_add(request: HttpRequest, review: ReviewInPath, payload: EntryIn):
    services.entry_add(
        user=request.auth,
        pool=review.pool,
        person=payload.person,
        reason=payload.reason,
        on=payload.on or review.held_on,
        review=review,
    )
    return Status(201, review)


@router.post("/pool-reviews/{review_id}/removals", response={201: ReviewOut, **ERRORS}, auth=writer)
def review_remove(request: HttpRequest, review: ReviewInPath, payload: RemovalIn):
    if payload.entry.pool_id != review.pool_id:
        raise ValidationError(
            {"entry": _("Select a valid choice. That choice is not one of the available choices.")}
        )
    services.entry_remove(
        user=request.auth,
        entry=payload.entry,
        reason=payload.reason,
        on=payload.on or review.held_on,
        review=review,
    )
    return Status(201, review)


@router.post("/pool-reviews/{review_id}/publish", response={200: ReviewOut, **ERRORS}, auth=writer)
def review_publish(request: HttpRequest, review: ReviewInPath):
    """Publish the lists of entries and removals; each person concerned is told."""
    return services.review_publish(user=request.auth, review=review)
