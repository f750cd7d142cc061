"""Title standards, as published to cadres (the /standards/ page reads the same rule)."""

import datetime as dt

from ninja import Field, Router, Schema

from api.auth import signed_in
from api.schemas import ErrorOut
from lib.dates import today
from standards.models import TitleStandard
from standards.rules import standards_shown_to

router = Router(tags=["standards"])


class StandardOut(Schema):
    role: str = Field(..., description="Code of the role (post).")
    level: str = Field(..., description="Code of the unit level.")
    valid_from: dt.date | None
    valid_to: dt.date | None
    min_education: int | None = Field(None, description="people.EducationLevel value.")
    min_political_theory: int | None = Field(None, description="people.PoliticalTheory value.")
    civil_service_rank: str
    topics: list[str] = Field(..., description="Codes of the required topics (each of them).")
    other_requirements: str
    document: str
    example: bool
    published: bool

    @staticmethod
    def resolve_role(standard: TitleStandard) -> str:
        return standard.role.code

    @staticmethod
    def resolve_level(standard: TitleStandard) -> str:
        return standard.level.code

    @staticmethod
    def resolve_topics(standard: TitleStandard) -> list[str]:
        return [t.code for t in standard.topics.all()]


@router.get(
    "/standards",
    auth=signed_in,
    response={200: list[StandardOut], 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
)
def standard_list(request, on: dt.date | None = None):
    """The title standards in force on `on` (default today): published ones for everyone,
    drafts too for officers."""
    return list(standards_shown_to(request.auth, on or today()))
