"""Building blocks shared by the API's resources: references to objects, and error bodies.

An id on the wire (in the path, the query or the body) becomes the object itself during
validation, looked up through the scope helper. So a view never sees an object outside the
user's subtree, and the lookup of a path's object happens before the body is read: an id
outside the subtree is "not found" whatever the request carries.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.conf import settings as ninja_settings
from ninja.pagination import LimitOffsetPagination
from pydantic import AfterValidator, GetCoreSchemaHandler, ValidationInfo, WithJsonSchema
from pydantic_core import PydanticCustomError, core_schema

from accounts.scope import get_scoped_or_404, scoped
from lib.dates import FIRST_YEAR, LAST_YEAR, date_refused, in_range, year_refused


@dataclass(frozen=True)
class Ref:
    """`Annotated[Model, Ref(queryset)]`: an id (or `key`) that validates to the object.

    In the path, an object outside the user's subtree is a 404; in the query or the body it is
    an error on that field (422), raised before the view runs, so nothing is written.
    `in_scope=False` is for reference data every user may name (roles, unit kinds)."""

    queryset: QuerySet
    key: str = "pk"
    in_path: bool = False
    in_scope: bool = True

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        wire = core_schema.int_schema() if self.key == "pk" else core_schema.str_schema()
        return core_schema.with_info_after_validator_function(
            self.lookup,
            wire,
            serialization=core_schema.plain_serializer_function_ser_schema(
                lambda obj: getattr(obj, self.key)
            ),
        )

    def lookup(self, value: int | str, info: ValidationInfo):
        user = info.context["request"].auth
        if self.in_path:
            return get_scoped_or_404(self.queryset, user, **{self.key: value})
        queryset = scoped(self.queryset, user) if self.in_scope else self.queryset
        obj = queryset.filter(**{self.key: value}).first()
        if obj is None:
            # Django's own message for a choice outside a form's queryset (already translated).
            raise PydanticCustomError(
                "not_found",
                _("Select a valid choice. That choice is not one of the available choices."),
            )
        return obj


def _sane_day(value: dt.date) -> dt.date:
    if not in_range(value):
        raise PydanticCustomError("date_range", date_refused())
    return value


def _sane_year(value: int) -> int:
    if not FIRST_YEAR <= value <= LAST_YEAR:
        raise PydanticCustomError("year_range", year_refused())
    return value


# A day or a year asked about (as of, from, to, a plan's year), within the years the system
# works with (lib.dates): a day at the end of Python's calendar broke the figures (a 500).
Day = Annotated[dt.date, AfterValidator(_sane_day)]
Year = Annotated[
    int,
    AfterValidator(_sane_year),
    WithJsonSchema({"type": "integer", "minimum": FIRST_YEAR, "maximum": LAST_YEAR}),
]


class FieldError(Schema):
    field: str | None
    message: str


class ErrorOut(Schema):
    detail: list[FieldError] | str


# The largest limit or offset a list takes: far beyond any table here, and well within the
# 64-bit integers SQLite and PostgreSQL accept in LIMIT/OFFSET (schemathesis sent a larger
# offset and got a 500). Past it the answer is a 422; a limit over the list's maximum is still
# cut to that maximum.
PAGE_BOUND = 2**31 - 1


# Past this many rows a list stops counting (issue 22: the national records list spent most of
# its 3 s on an exact COUNT(*) of 5.2 million rows to show fifty).
COUNT_CAP = 10_000


class Pagination(LimitOffsetPagination):
    """ninja's limit/offset pagination with bounded numbers, and a count that stops at
    COUNT_CAP: beyond it `count` is COUNT_CAP and `count_capped` is true (page on with
    `offset` until a page comes back short)."""

    class Input(Schema):
        limit: int = Field(ninja_settings.PAGINATION_PER_PAGE, ge=1, le=PAGE_BOUND)
        offset: int = Field(0, ge=0, le=PAGE_BOUND)

    class Output(Schema):
        items: list[Any]
        count: int = Field(description=f"How many there are, up to {COUNT_CAP:,}.")
        count_capped: bool = Field(description=f"There are more than {COUNT_CAP:,}.")

    def paginate_queryset(self, queryset, pagination, request, **params):
        page = super().paginate_queryset(queryset, pagination, request, **params)
        page["count_capped"] = page["count"] > COUNT_CAP
        page["count"] = min(page["count"], COUNT_CAP)
        return page

    def _items_count(self, queryset) -> int:
        if isinstance(queryset, QuerySet):
            # No sort to count, and the database stops one row past the cap.
            return queryset.order_by()[: COUNT_CAP + 1].count()
        return len(queryset)
