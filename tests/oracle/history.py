"""Random histories for the consistency oracle, written through the services (as the pages,
the API and the imports write), each change committed on its own so that the stored target
figures follow it as they do in production (targets.signals on commit).

A history starts from a small fixed tree (a confederation, two provinces, three districts,
five grassroots unions — one of them directly under a province), founded in 2015, with a
term for every unit and member counts for every union, and a training officer at the root
who writes and reads everything. Then a few dated events, in date order (the structure is
appended in date order, as the services require), drawn from:

- units created, moved (a district to another province, a union to another district or
  directly under a province), merged, split, dissolved;
- people given posts (chair, vice-chair, advisory staff, executive member; full or part
  time) and their posts ended; member counts changed (across the T-003-4 bands); new terms;
- training records outside classes, and classes run with participants passing;
- a unit's spending of a year and member-growth figures of a period.

A change the services refuse (a second chair, a post in a dissolved unit, a move under
oneself...) is a change that did not happen: its ValidationError is swallowed, nothing else.
"""

import contextlib
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from hypothesis import strategies as st

from accounts.access import SYSTEM
from accounts.models import UserRole
from lib.dates import today
from people.models import Position, Role
from people.services import person_create, position_create, position_end
from planning.services import growth_save, spending_save
from targets.models import Target
from tests.conftest import issue_title_standards
from training.models import ClassStatus, Topic
from training.services import (
    class_create,
    class_set_status,
    enrolment_accept,
    enrolment_nominate,
    external_record_create,
    results_record,
)
from units.models import Unit, UnitKind
from units.services import (
    term_create,
    unit_create,
    unit_dissolve,
    unit_merge,
    unit_move,
    unit_set_figures,
    unit_split,
)

D = dt.date
FOUNDED = D(2015, 1, 1)
FIRST = D(2021, 1, 1)  # resolution 003 is in force from 12/12/2020
ROLES = ["chair", "vice_chair", "advisory_staff", "executive_member"]
TOPICS = ["union_theory", "union_general", "soft_skills", "osh", "labour_law"]
MEMBERS = [300, 999, 1000, 2499, 2500, 4000]  # either side of each T-003-4 band's edge


@dataclass
class World:
    actor: object  # the root's training officer: writes everything, reads everything
    root: Unit
    provinces: list[Unit]
    counter: list[int] = field(default_factory=lambda: [0])
    events: list[str] = field(default_factory=list)  # what happened, for a failure's report

    def code(self, prefix: str) -> str:
        self.counter[0] += 1
        return f"{prefix}{self.counter[0]}"

    def units(self, level: str | None = None, alive_on: dt.date | None = None) -> list[Unit]:
        qs = Unit.objects.select_related("kind__level").order_by("pk")
        if level:
            qs = qs.filter(kind__level__code=level)
        units = list(qs)
        if alive_on is not None:
            units = [u for u in units if u.is_alive_on(alive_on)]
        return units


def _kind(code: str) -> UnitKind:
    return UnitKind.objects.get(code=code)


def _unit(code: str, kind: str, parent: Unit | None, founded_on=FOUNDED, sector="state") -> Unit:
    return unit_create(
        user=SYSTEM,
        code=code,
        name=f"Đơn vị {code}",
        kind=_kind(kind),
        parent=parent,
        sector=sector if kind == "grassroots" else "",
        founded_on=founded_on,
    )


def base() -> World:
    """The fixed starting tree; Hà Nội's plan of 2018 (document 004, its unit targets on
    member growth and coverage) adopted by the first province for every year since, so that
    the dashboard shows figures measured on member growth beside the spending share."""
    from accounts.models import User

    root = _unit("R", "confederation", None)
    p0 = _unit("P0", "provincial_federation", root)
    p1 = _unit("P1", "provincial_federation", root)
    d00 = _unit("D00", "district_federation", p0)
    d01 = _unit("D01", "district_federation", p0)
    d10 = _unit("D10", "district_federation", p1)
    unions = [
        _unit("G000", "grassroots", d00),
        _unit("G001", "grassroots", d00, sector="non_state"),
        _unit("G010", "grassroots", d01),
        _unit("G100", "grassroots", d10),
        _unit("G0", "grassroots", p0),  # a union directly under a province
    ]
    for unit in [root, p0, p1, d00, d01, d10, *unions]:
        term_create(
            user=SYSTEM,
            unit=unit,
            name="2020-2025",
            start_date=D(2020, 7, 1),
            end_date=D(2025, 6, 30),
        )
    for unit, members in zip(unions, [300, 1200, 999, 2600, 500], strict=True):
        unit_set_figures(user=SYSTEM, unit=unit, effective_on=FOUNDED, member_count=members)
    Target.objects.filter(document__code="004").update(scope_unit=p0, active=True, valid_to=None)
    # The standards of the titles (T-003-2, T-004-1b read them): union theory for the chairs,
    # vice-chairs and staff at every level; an executive member's title has none (not judged).
    issue_title_standards(["chair", "vice_chair", "advisory_staff"])
    actor = User.objects.create_user(
        username="oracle", password="Pw-for-tests-2026", unit=root, role=UserRole.TRAINING_OFFICER
    )
    w = World(actor=actor, root=root, provinces=[p0, p1])
    # Every unit has a chair from its term's start (full-time above the grassroots, and in
    # the largest union); the upper units a full-time staff member too, the first of whom is
    # trained in union theory.
    chair, staff = Role.objects.get(code="chair"), Role.objects.get(code="advisory_staff")
    theory = Topic.objects.get(code="union_theory")
    for i, unit in enumerate([root, p0, p1, d00, d01, d10, *unions]):
        upper = unit not in unions
        posts = [(chair, upper or unit.code == "G100")] + ([(staff, True)] if upper else [])
        for role, full_time in posts:
            person = person_create(
                user=SYSTEM,
                unit=unit,
                family_name="Trần",
                middle_name="Thị",
                given_name=w.code("B"),
                gender="female",
                birth_date=D(1978, 1, 1),
            )
            position_create(
                user=SYSTEM,
                person=person,
                unit=unit,
                role=role,
                full_time=full_time,
                start_date=D(2020, 7, 1),
            )
            if i % 3 == 0:
                external_record_create(
                    user=SYSTEM,
                    person=person,
                    title="Lý luận công đoàn",
                    topics=[theory],
                    hours=24,
                    completed_on=D(2021, 3, 1 + i),
                    form="on_site",
                )
    return w


# --- events ------------------------------------------------------------------------------


class Nothing(Exception):
    """Nothing to draw from (no union alive that day, say): the event does not happen."""


def pick(data, items: list, label: str):
    if not items:
        raise Nothing
    return data.draw(st.sampled_from(items), label=label)


def _person(w: World, unit: Unit, data):
    return person_create(
        user=w.actor,
        unit=unit,
        family_name="Lê",
        middle_name="Văn",
        given_name=w.code("N"),
        gender=data.draw(st.sampled_from(["male", "female"])),
        birth_date=D(1980, 1, 1),
    )


def ev_post(w: World, day: dt.date, data) -> str:
    units = w.units(alive_on=day)
    unit = pick(data, units, "post unit")
    people = list(Position.objects.values_list("person", flat=True).distinct().order_by("person"))
    from people.models import Person

    if people and data.draw(st.booleans(), label="existing person"):
        person = Person.objects.get(pk=pick(data, people, "person"))
    else:
        person = _person(w, unit, data)
    role = data.draw(st.sampled_from(ROLES), label="role")
    full_time = data.draw(st.booleans(), label="full time")
    position_create(
        user=w.actor,
        person=person,
        unit=unit,
        role=Role.objects.get(code=role),
        full_time=full_time,
        start_date=day,
    )
    return f"{day}: {person.given_name} {role}{' (FT)' if full_time else ''} at {unit.code}"


def ev_end_post(w: World, day: dt.date, data) -> str:
    posts = list(
        Position.objects.filter(end_date__isnull=True, start_date__lte=day)
        .select_related("unit", "person")
        .order_by("pk")
    )
    if not posts:
        return ""
    post = pick(data, posts, "post to end")
    position_end(user=w.actor, position=post, end_date=day, end_reason="rotated")
    return f"{day}: post {post.pk} of {post.person.given_name} at {post.unit.code} ends"


def ev_record(w: World, day: dt.date, data) -> str:
    from people.models import Person

    people = list(Person.objects.order_by("pk"))
    if not people:
        return ""
    person = pick(data, people, "trained")
    topic = data.draw(st.sampled_from(TOPICS), label="topic")
    external_record_create(
        user=w.actor,
        person=person,
        title="Bồi dưỡng",
        topics=[Topic.objects.get(code=topic)],
        hours=16,
        completed_on=day,
        form="on_site",
    )
    return f"{day}: record {topic} for {person.given_name}"


def ev_members(w: World, day: dt.date, data) -> str:
    unit = pick(data, w.units("grassroots", alive_on=day), "union")
    members = data.draw(st.sampled_from(MEMBERS), label="members")
    unit_set_figures(user=w.actor, unit=unit, effective_on=day, member_count=members)
    return f"{day}: {unit.code} has {members} members"


def ev_term(w: World, day: dt.date, data) -> str:
    unit = pick(data, w.units(alive_on=day), "term unit")
    term_create(
        user=w.actor,
        unit=unit,
        name="NK mới",
        start_date=day,
        end_date=day.replace(year=day.year + 5),
    )
    return f"{day}: new term of {unit.code}"


def ev_create(w: World, day: dt.date, data) -> str:
    parents = w.units("upper_grassroots", alive_on=day) + w.units("province", alive_on=day)
    parent = pick(data, parents, "new union's parent")
    unit = _unit(w.code("G"), "grassroots", parent, founded_on=day)
    members = data.draw(st.sampled_from([None, *MEMBERS]), label="its members")
    if members is not None:
        unit_set_figures(user=w.actor, unit=unit, effective_on=day, member_count=members)
    return f"{day}: {unit.code} founded under {parent.code} ({members} members)"


def ev_move(w: World, day: dt.date, data) -> str:
    if data.draw(st.booleans(), label="move a district"):
        unit = pick(data, w.units("upper_grassroots", alive_on=day), "moved")
        parents = w.units("province", alive_on=day)
    else:
        unit = pick(data, w.units("grassroots", alive_on=day), "moved")
        parents = w.units("upper_grassroots", alive_on=day) + w.units("province", alive_on=day)
    parent = pick(data, parents, "new parent")
    unit_move(user=w.actor, unit=unit, new_parent=parent, effective_on=day)
    return f"{day}: {unit.code} moved under {parent.code}"


def ev_merge(w: World, day: dt.date, data) -> str:
    level = data.draw(st.sampled_from(["upper_grassroots", "grassroots"]), label="merge level")
    units = w.units(level, alive_on=day)
    if len(units) < 2:
        return ""
    source, target = data.draw(st.permutations(units), label="merged, into")[:2]
    unit_merge(user=w.actor, sources=[source], target=target, effective_on=day)
    return f"{day}: {source.code} merged into {target.code}"


def ev_split(w: World, day: dt.date, data) -> str:
    unit = pick(data, w.units("upper_grassroots", alive_on=day), "split")
    children = [c for c in Unit.objects.filter(parent=unit, dissolved_on__isnull=True)]
    first = (
        data.draw(st.lists(st.sampled_from(children), unique=True), label="to the first")
        if children
        else []
    )
    rest = [c for c in children if c not in first]
    parts = [
        {"code": w.code("S"), "name": "Tách 1", "children": first},
        {"code": w.code("S"), "name": "Tách 2", "children": rest},
    ]
    unit_split(user=w.actor, unit=unit, parts=parts, effective_on=day)
    return f"{day}: {unit.code} split into {[p['code'] for p in parts]}"


def ev_dissolve(w: World, day: dt.date, data) -> str:
    unit = pick(data, w.units("grassroots", alive_on=day), "dissolved")
    unit_dissolve(user=w.actor, unit=unit, effective_on=day)
    return f"{day}: {unit.code} dissolved"


def ev_spending(w: World, day: dt.date, data) -> str:
    unit = pick(data, w.units(alive_on=day), "spending unit")
    operating = data.draw(st.sampled_from([100, 1000]), label="operating")
    training = data.draw(st.sampled_from([0, 10, 149, 150, 400]), label="training")
    spending_save(
        user=w.actor,
        unit=unit,
        year=day.year,
        operating_total=Decimal(operating),
        other_training=Decimal(training),
    )
    return f"{day}: {unit.code} spent {training}/{operating} in {day.year}"


def ev_growth(w: World, day: dt.date, data) -> str:
    unit = pick(data, w.units(alive_on=day), "growth unit")
    half = data.draw(st.sampled_from(["H1", "H2", "year"]), label="period")
    start, end = {
        "H1": (D(day.year, 1, 1), D(day.year, 6, 30)),
        "H2": (D(day.year, 7, 1), D(day.year, 12, 31)),
        "year": (D(day.year, 1, 1), D(day.year, 12, 31)),
    }[half]
    admitted = data.draw(st.integers(0, 50), label="admitted")
    enterprises = data.draw(st.integers(0, 5), label="enterprises")
    growth_save(
        user=w.actor,
        unit=unit,
        period_start=start,
        period_end=end,
        admitted=admitted,
        other_decreases=data.draw(st.integers(0, 20), label="decreases"),
        transfers_in=3,
        transfers_out=1,
        unions_founded=data.draw(st.integers(0, 2), label="founded"),
        unions_dissolved=0,
        enterprises_30plus=enterprises,
        enterprises_with_union=data.draw(st.integers(0, enterprises), label="with a union"),
    )
    return f"{day}: {unit.code} growth {start}..{end}, +{admitted}"


def ev_class(w: World, day: dt.date, data) -> str:
    """A class of three days organised by a unit alive then, its participants passing (a
    record dated its last day): only classes already over can be run and closed."""
    end = day + dt.timedelta(days=2)
    if end > today():
        return ""
    organiser = pick(data, w.units(alive_on=day), "organiser")
    topic = data.draw(st.sampled_from(TOPICS), label="class topic")
    training_class = class_create(
        user=w.actor,
        organiser=organiser,
        topics=[Topic.objects.get(code=topic)],
        code=w.code("C"),
        name="Lớp bồi dưỡng",
        start_date=day,
        end_date=end,
        hours=24,
        capacity=30,
        budget_actual=Decimal(data.draw(st.sampled_from([0, 50, 200]), label="cost")),
    )
    class_set_status(user=w.actor, training_class=training_class, status=ClassStatus.OPEN)
    holders = list(
        Position.objects.active_on(day).values_list("person", flat=True).distinct().order_by()
    )
    chosen = (
        data.draw(st.lists(st.sampled_from(holders), max_size=2, unique=True)) if holders else []
    )
    enrolments = []
    from people.models import Person

    for person_id in chosen:
        enrolment, _warnings = enrolment_nominate(
            user=w.actor, training_class=training_class, person=Person.objects.get(pk=person_id)
        )
        enrolment_accept(user=w.actor, enrolment=enrolment)
        enrolments.append(enrolment)
    class_set_status(user=w.actor, training_class=training_class, status=ClassStatus.RUNNING)
    for enrolment in enrolments:
        results_record(
            user=w.actor, enrolment=enrolment, attendance_percent=100, score=8, passed=True
        )
    return f"{day}: class {topic} by {organiser.code}, {len(enrolments)} passed"


EVENTS = {
    ev_post: 4,
    ev_end_post: 2,
    ev_record: 4,
    ev_members: 2,
    ev_term: 1,
    ev_create: 1,
    ev_move: 2,
    ev_merge: 1,
    ev_split: 1,
    ev_dissolve: 1,
    ev_spending: 2,
    ev_growth: 2,
    ev_class: 1,
}
WEIGHTED = [event for event, weight in EVENTS.items() for _ in range(weight)]


def play(w: World, data, capture, count: tuple[int, int], first: dt.date, last: dt.date) -> None:
    """Draw `count` events dated between `first` and `last`, and apply them in date order,
    each committed on its own (its on-commit refresh of the stored figures run)."""
    n = data.draw(st.integers(*count), label="events")
    planned = sorted((data.draw(st.dates(first, last), label="date"), i) for i in range(n))
    for day, _i in planned:
        event = data.draw(st.sampled_from(WEIGHTED), label="event")
        with capture(execute=True), contextlib.suppress(ValidationError, Nothing):
            said = event(w, day, data)
            if said:
                w.events.append(said)
