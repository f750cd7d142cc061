"""People, the positions they hold, roles, and the caller's own profile."""

import datetime as dt
from typing import Annotated, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from accounts.access import Data, level, may
from accounts.scope import count_scoped, scope_q, scoped_slice
from api.auth import signed_in, writer
from api.schemas import COUNT_CAP, Day, ErrorOut, Pagination, Ref
from api.units import UnitRef
from lib.dates import today
from people import selectors, services
from people.models import (
    EducationLevel,
    Gender,
    Person,
    PoliticalTheory,
    Position,
    Role,
    active_on,
)
from people.selectors import AGE_BANDS
from privacy.masking import mask_citizen_id, mask_email, mask_phone
from privacy.models import Source
from privacy.services import log_full_view
from units.models import Term
from units.places import under

router = Router(tags=["people"])

PEOPLE = Person.objects.select_related("unit")
POSITIONS = Position.objects.select_related("person__unit", "unit__kind__level", "role", "term")
# The object named by the path: outside the user's subtree it does not exist (404).
PersonInPath = Annotated[Person, Ref(PEOPLE, in_path=True), Path(..., alias="person_id")]
PositionInPath = Annotated[Position, Ref(POSITIONS, in_path=True), Path(..., alias="position_id")]
# Named in a query or a body: outside the subtree it is an error on that field.
PersonRef = Annotated[Person, Ref(PEOPLE)]
TermRef = Annotated[Term, Ref(Term.objects.all())]
RoleRef = Annotated[Role, Ref(Role.objects.all(), in_scope=False)]
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
AgeBand = Literal[tuple(AGE_BANDS)]


class UnitBrief(Schema):
    id: int
    code: str
    name: str


class RoleOut(Schema):
    id: int
    code: str
    name: str
    name_en: str
    is_key_leader: bool
    is_committee_member: bool
    rank: int


class PositionOut(Schema):
    id: int
    person: int = Field(..., alias="person_id")
    person_name: str = Field(..., alias="person.full_name")
    unit: UnitBrief
    role: RoleOut
    full_time: bool
    start_date: dt.date
    end_date: dt.date | None
    term: int | None = Field(None, alias="term_id")
    first_time_on_committee: bool
    start_reason: str
    end_reason: str


class PersonOut(Schema):
    id: int
    full_name: str
    family_name: str
    middle_name: str
    given_name: str
    gender: str
    birth_date: dt.date | None
    unit: UnitBrief


class PersonDetail(PersonOut):
    """Citizen ID and contacts are personal data (Decree 13/2023/NĐ-CP): masked as on the
    person's page; in full only from `GET /people/{id}?reveal=true`, which is logged."""

    citizen_id_masked: str | None
    phone_masked: str | None
    email_masked: str | None
    citizen_id: str | None = Field(None, description="In full with `reveal=true` only.")
    phone: str | None = Field(None, description="In full with `reveal=true` only.")
    email: str | None = Field(None, description="In full with `reveal=true` only.")
    address: str | None = Field(None, description="In full with `reveal=true` only.")
    ethnicity: str
    education_level: int
    political_theory: int
    foreign_language: str
    it_skill: str
    positions: list[PositionOut]

    @staticmethod
    def resolve_positions(person: Person, context) -> list[Position]:
        # Through the scope helper like everything else: a position is in scope when its unit
        # or its holder's home unit is.
        # A person's few posts by its key: the plain filter (`scoped` would first look up the
        # ids of every post of the subtree, up to its cap).
        positions = person.positions.select_related("person", "unit", "role")
        in_scope = scope_q(context["request"].auth, *Position.SCOPE_UNIT_FIELDS)
        return list(positions.filter(in_scope).order_by("-start_date", "id"))

    @staticmethod
    def resolve_citizen_id_masked(person: Person) -> str | None:
        return mask_citizen_id(person.citizen_id) or None

    @staticmethod
    def resolve_phone_masked(person: Person) -> str | None:
        return mask_phone(person.phone) or None

    @staticmethod
    def resolve_email_masked(person: Person) -> str | None:
        return mask_email(person.email) or None

    @staticmethod
    def resolve_citizen_id(person: Person, context) -> str | None:
        return _revealed(person, context, "citizen_id")

    @staticmethod
    def resolve_phone(person: Person, context) -> str | None:
        return _revealed(person, context, "phone")

    @staticmethod
    def resolve_email(person: Person, context) -> str | None:
        return _revealed(person, context, "email")

    @staticmethod
    def resolve_address(person: Person, context) -> str | None:
        return _revealed(person, context, "address")


def _revealed(person: Person, context, name: str) -> str | None:
    """The value in full when the view logged a full view of this person, else nothing."""
    if getattr(context["request"], "revealed_person_id", None) != person.pk:
        return None
    return getattr(person, name) or None


class MeOut(Schema):
    username: str
    first_name: str
    last_name: str
    role: str
    can_browse: bool
    can_write: bool
    access: dict[str, str] = Field(
        ...,
        description="What the role may do with each kind of data (accounts.access): "
        "`none`, `own` (only what is about the caller), `read` or `write` (the subtree's).",
    )
    unit: UnitBrief | None
    person: PersonDetail | None


class PersonFilters(Schema):
    q: str = Field("", description="Name ignoring accents and case, or the start of a citizen ID.")
    unit: UnitRef | None = Field(
        None, description="Home unit or a position in this unit's subtree."
    )
    role: RoleRef | None = Field(None, description="Holding this role on `on`.")
    full_time: bool | None = Field(
        None, description="Holding a full-time (or part-time) position on `on`."
    )
    cadres: bool = Field(False, description="Only people holding a position on `on`.")
    gender: Gender | None = None
    age: AgeBand | None = Field(None, description="Age band on `on`.")
    education: EducationLevel | None = None
    theory: PoliticalTheory | None = None
    on: Day | None = Field(None, description="As of this day (default: today).")


class PositionFilters(Schema):
    person: PersonRef | None = None
    unit: UnitRef | None = Field(None, description="Positions in this unit's subtree.")
    on: Day | None = Field(None, description="Only positions held on this day.")


class PersonIn(Schema):
    family_name: str = ""
    middle_name: str = ""
    given_name: str
    gender: str = Field(..., description="male or female.")
    birth_date: dt.date | None = None
    citizen_id: str | None = Field(None, description="12 digits.")
    ethnicity: str = "Kinh"
    phone: str = ""
    email: str = ""
    address: str = ""
    education_level: int = EducationLevel.NONE
    political_theory: int = PoliticalTheory.NONE
    foreign_language: str = ""
    it_skill: str = ""
    unit: UnitRef


class PersonUpdateIn(PersonIn):
    """Only the fields sent are changed."""

    given_name: str = None
    gender: str = Field(None, description="male or female.")
    unit: UnitRef = None


class PositionIn(Schema):
    person: PersonRef
    unit: UnitRef
    role: RoleRef
    full_time: bool = False
    start_date: dt.date
    end_date: dt.date | None = None
    term: TermRef | None = Field(
        None, description="Default: the unit's term covering the start date."
    )
    first_time_on_committee: bool = False
    start_reason: str = Field(
        "elected", description="elected, appointed, transferred_in or reorganised."
    )
    end_reason: str = Field("", description="Required with an end date.")
    appointment_reason: str = Field(
        "",
        description="Why the person is appointed although the unit keeps a succession "
        "pool for the post and they are not in it, not trained for it or not rated at least "
        "'completed' last year (422 on this field when missing).",
    )


class PositionUpdateIn(Schema):
    """Only the fields sent are changed; a position stays with its person."""

    unit: UnitRef = None
    role: RoleRef = None
    full_time: bool = None
    start_date: dt.date = None
    end_date: dt.date | None = None
    term: TermRef | None = None
    first_time_on_committee: bool = None
    start_reason: str = None
    end_reason: str = None


def _sent(payload: Schema) -> dict:
    """The fields the client sent, as validated objects (a Ref field holds its object).

    Fields left out keep their current value (PATCH) or the model's default (POST)."""
    return {name: getattr(payload, name) for name in payload.model_fields_set}


@router.get("/me", response={200: MeOut, **ERRORS}, auth=signed_in, tags=["auth"])
def me(request: HttpRequest):
    """The caller's account and their own profile: open to every account, cadres included."""
    user = request.auth
    return {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "role": user.role,
        "can_browse": user.can_browse,
        "can_write": user.can_write,
        "access": {kind.value: level(user, kind).name.lower() for kind in Data},
        "unit": user.unit,
        "person": PEOPLE.filter(pk=user.person_id).first(),
    }


@router.get("/roles", response={200: list[RoleOut], **ERRORS})
def role_list(request: HttpRequest):
    return Role.objects.all()


@router.get("/people", response={200: list[PersonOut], **ERRORS})
@paginate(Pagination, max_limit=500)
def person_list(request: HttpRequest, filters: Query[PersonFilters]):
    """People of the user's subtree in Vietnamese order (given name, middle, family)."""
    return selectors.person_list(
        user=request.auth,
        day=filters.on or today(),
        unit=filters.unit,
        role=filters.role,
        full_time=filters.full_time,
        gender=filters.gender or "",
        age_band=filters.age or "",
        education=filters.education,
        political_theory=filters.theory,
        search=filters.q,
        cadres_only=filters.cadres,
    )


@router.get("/people/{person_id}", response={200: PersonDetail, **ERRORS})
def person_detail(
    request: HttpRequest,
    person: PersonInPath,
    reveal: bool = Query(
        False,
        description=(
            "Also the citizen ID and contacts in full (`citizen_id`, `phone`, "
            "`email`, `address`); the full view is logged."
        ),
    ),
):
    if reveal:
        if not may(request.auth, Data.PERSONAL_DATA):  # accounts.access: not for this role
            raise HttpError(403, _("Your role may not see personal data in full."))
        log_full_view(request, person, Source.API_PERSON, user=request.auth)
        request.revealed_person_id = person.pk
    return person


@router.post("/people", response={201: PersonDetail, **ERRORS}, auth=writer)
def person_create(request: HttpRequest, payload: PersonIn):
    return Status(201, services.person_create(user=request.auth, **_sent(payload)))


@router.patch("/people/{person_id}", response={200: PersonDetail, **ERRORS}, auth=writer)
def person_update(request: HttpRequest, person: PersonInPath, payload: PersonUpdateIn):
    return services.person_update(user=request.auth, person=person, **_sent(payload))


@router.get("/positions", response={200: list[PositionOut], **ERRORS})
@paginate(Pagination, max_limit=500)
def position_list(request: HttpRequest, filters: Query[PositionFilters]):
    positions = POSITIONS
    if filters.person is not None:
        positions = positions.filter(person=filters.person)
    if filters.unit is not None:
        positions = positions.filter(under(filters.unit, "unit"))
    if filters.on is not None:
        positions = positions.filter(active_on(filters.on))
    return _ScopedApart(positions, request.auth)


class _ScopedApart:
    """The posts of the user's subtree as the paginator reads them, by slices and a capped
    count, each side of "in scope through its unit or its holder's" through its own index
    (accounts.scope.scoped_slice, count_scoped): the plain "or" read every post of a
    province to count them, and walked every post of the country for an upper union's page."""

    ORDER = ("-start_date", "id")

    def __init__(self, positions, user):
        self.positions, self.user = positions, user
        self._count: int | None = None

    def count(self) -> int:
        if self._count is None:
            self._count = count_scoped(self.positions, self.user, COUNT_CAP)
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list:
        # Past the cap, the subtree holds many posts: walking them in order finds a page soon.
        dense = self.count() > COUNT_CAP
        start, stop = index.start or 0, index.stop
        return scoped_slice(self.positions, self.user, self.ORDER, start, stop, dense=dense)


@router.get("/positions/{position_id}", response={200: PositionOut, **ERRORS})
def position_detail(request: HttpRequest, position: PositionInPath):
    return position


@router.post("/positions", response={201: PositionOut, **ERRORS}, auth=writer)
def position_create(request: HttpRequest, payload: PositionIn):
    return Status(201, services.position_create(user=request.auth, **_sent(payload)))


@router.patch("/positions/{position_id}", response={200: PositionOut, **ERRORS}, auth=writer)
def position_update(request: HttpRequest, position: PositionInPath, payload: PositionUpdateIn):
    return services.position_update(user=request.auth, position=position, **_sent(payload))


@router.delete("/positions/{position_id}", response={204: None, **ERRORS}, auth=writer)
def position_delete(request: HttpRequest, position: PositionInPath):
    services.position_delete(user=request.auth, position=position)
    return Status(204, None)
