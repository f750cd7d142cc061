"""A target's SQL is compiled once per target and day and run for every person asked about
(lib.compiled, issue 22): the answers are the ones compiled afresh would give, and what the
SQL is built from — the definitions, the day, the issuing unit's place that day — changes it."""

from accounts.access import SYSTEM
from people.models import Role
from targets import engine
from targets.engine import person_obligations, person_targets, unit_counts
from targets.models import Target
from tests.conftest import make_unit
from tests.targets.test_edges import D, person, post, record, world  # noqa: F401  (the fixture)
from units.services import unit_move


def fresh(targets):
    """The same targets, not read under a definitions token: compiled on every call."""
    for target in targets:
        target.definitions_token = None
    return targets


def summary(obligations):
    return [
        (o.target.code, o.status, o.position and o.position.pk, o.record and o.record.pk, o.due_on)
        for o in obligations
    ]


def test_every_person_is_answered_by_sql_compiled_once(world, monkeypatch):  # noqa: F811
    _, province, district = world
    staff = [
        person(u, name) for u, name in ((province, "An"), (district, "Bình"), (district, "Cúc"))
    ]
    post(staff[0], province, "advisory_staff", D(2024, 1, 1), full_time=True)
    post(staff[1], district, "chair", D(2023, 6, 1), full_time=True)
    record(staff[0], D(2024, 3, 1), ["union_theory"])
    record(staff[1], D(2025, 3, 1), ["cadre_work_briefing"])
    day = D(2025, 6, 1)
    first = [summary(person_obligations(p, day)) for p in staff]
    assert {status for row in first for _, status, *_ in row} >= {"met", "not_applicable"}
    built = []
    monkeypatch.setattr(engine, "evaluated", lambda *a, **k: built.append(a))
    assert [summary(person_obligations(p, day)) for p in staff] == first
    assert not built, "nothing compiled again for the same targets and day"
    monkeypatch.undo()
    assert [summary(person_obligations(p, day, fresh(person_targets(day)))) for p in staff] == first
    for target in person_targets(day):
        assert unit_counts(target, day) == unit_counts(fresh([target])[0], day)


def test_a_changed_definition_is_compiled_again(world):  # noqa: F811
    _, province, _ = world
    staff = person(province, "An")
    post(staff, province, "advisory_staff", D(2024, 1, 1), full_time=True)
    day = D(2025, 6, 1)
    before = {o.target.code: o.status for o in person_obligations(staff, day)}
    assert before["T-001-3a"] == "due"
    target = Target.objects.get(code="T-001-3a")
    target.roles.set([Role.objects.get(code="chair")])  # a filter: the token changes
    after = {o.target.code: o.status for o in person_obligations(staff, day)}
    assert after["T-001-3a"] == "not_applicable"


def test_the_issuing_unit_moved_on_the_day_asked_is_found_in_its_new_place(world):  # noqa: F811
    vgcl, province, district = world
    Target.objects.filter(document__code="001").update(scope_unit=district)
    staff = person(district, "An")
    post(staff, district, "advisory_staff", D(2024, 1, 1), full_time=True)
    day = D(2025, 3, 1)
    before = {o.target.code: o.status for o in person_obligations(staff, day)}
    assert before["T-001-3a"] == "due"
    other = make_unit("KH", "Liên đoàn Lao động tỉnh Khánh Hòa", "provincial_federation", vgcl)
    unit_move(user=SYSTEM, unit=district, new_parent=other, effective_on=day)
    # The district's path that day is another: the SQL kept for its old path finds no one.
    assert {o.target.code: o.status for o in person_obligations(staff, day)} == before
    kept = next(t for t in person_targets(day) if t.code == "T-001-3a")
    assert sum(eligible for eligible, *_ in unit_counts(kept, day).values()) == 1
