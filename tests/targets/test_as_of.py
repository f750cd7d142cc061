"""As of a day: later records change nothing before them, a merger changes nothing before it,
and today's stored figures follow each committed change at once."""

import datetime as dt

import pytest

from accounts.access import SYSTEM
from people.models import Role
from people.services import person_create, position_create
from targets import snapshots
from targets.models import Snapshot, Target, TargetFigure
from tests.conftest import issue_title_standards, make_unit
from training.models import Topic, TrainingRecord
from training.services import external_record_create
from units.services import term_create, unit_merge

D = dt.date


@pytest.fixture
def world(db, django_capture_on_commit_callbacks):
    # The setup counts as committed: its changes' refresh runs when the block ends.
    with django_capture_on_commit_callbacks(execute=True):
        return _build()


def _build():
    w = type("World", (), {})()
    w.vgcl = make_unit("TLD", "Tổng Liên đoàn Lao động Việt Nam", "confederation", None)
    w.province = make_unit(
        "NT", "Liên đoàn Lao động tỉnh Ninh Thuận", "provincial_federation", w.vgcl
    )
    w.north = make_unit(
        "NT-NP", "Liên đoàn Lao động huyện Ninh Phước", "district_federation", w.province
    )
    w.south = make_unit(
        "NT-TH", "Liên đoàn Lao động huyện Thuận Nam", "district_federation", w.province
    )
    staff = Role.objects.get(code="advisory_staff")
    # T-003-2 reads the standard of the title held: advisory staff must be trained in union
    # theory (whenever, up to the term's end).
    issue_title_standards(["advisory_staff"])
    w.people = {}
    for unit, names in ((w.north, ["An", "Bình"]), (w.south, ["Cúc"])):
        term_create(
            user=SYSTEM,
            unit=unit,
            name="2020-2025",
            start_date=D(2020, 7, 1),
            end_date=D(2025, 12, 31),
        )
        for name in names:
            person = person_create(
                user=SYSTEM,
                unit=unit,
                family_name="Trần",
                middle_name="Văn",
                given_name=name,
                gender="male",
            )
            position_create(
                user=SYSTEM,
                person=person,
                unit=unit,
                role=staff,
                full_time=True,
                start_date=D(2020, 7, 1),
            )
            w.people[name] = person
    external_record_create(
        user=SYSTEM,
        person=w.people["An"],
        title="Lý luận công đoàn",
        topics=[Topic.objects.get(code="union_theory")],
        hours=24,
        completed_on=D(2020, 10, 5),
        form="on_site",
    )
    w.target = Target.objects.get(code="T-003-2")
    return w


def figures(day: dt.date, target: Target) -> dict[int, tuple]:
    snapshot = snapshots.ready(day)
    return {
        f.unit_id: (f.own_eligible, f.own_met, f.own_overdue, f.eligible, f.met, f.overdue)
        for f in TargetFigure.objects.filter(snapshot=snapshot, target=target)
    }


def test_figures_of_2020_do_not_change_when_2021_records_arrive(
    world, django_capture_on_commit_callbacks
):
    end_2020 = figures(D(2020, 12, 31), world.target)
    assert end_2020[world.province.pk][3:] == (3, 1, 0)
    later = snapshots.compute(D(2022, 6, 30))
    with django_capture_on_commit_callbacks(execute=True):
        record = TrainingRecord.objects.create(
            person=world.people["Bình"],
            title="Nghiệp vụ",
            hours=24,
            completed_on=D(2021, 3, 1),
            form="on_site",
        )
        record.topics.add(Topic.objects.get(code="union_theory"))
    # The 2020 snapshot is kept (the change is dated after it); the 2022 one is dropped.
    assert Snapshot.objects.filter(as_of=D(2020, 12, 31)).exists()
    assert not Snapshot.objects.filter(pk=later.pk).exists()
    assert figures(D(2020, 12, 31), world.target) == end_2020
    snapshots.compute(D(2020, 12, 31))  # recomputed from the base tables: the same
    assert figures(D(2020, 12, 31), world.target) == end_2020
    assert figures(D(2021, 12, 31), world.target)[world.province.pk][3:] == (3, 2, 0)


def test_after_a_merger_each_day_follows_the_structure_in_force(world):
    unit_merge(user=SYSTEM, sources=[world.north], target=world.south, effective_on=D(2025, 7, 1))
    before = figures(D(2025, 6, 30), world.target)
    after = figures(D(2025, 7, 1), world.target)
    # Before: An and Bình under Ninh Phước, Cúc under Thuận Nam.
    assert before[world.north.pk][:3] == (2, 1, 0)
    assert before[world.south.pk][:3] == (1, 0, 0)
    # After: Ninh Phước is gone, its cadres carried over (with their term, so An's 2020
    # record still counts) to Thuận Nam.
    assert world.north.pk not in after
    assert after[world.south.pk][:3] == (3, 1, 0)
    assert before[world.province.pk][3:] == after[world.province.pk][3:] == (3, 1, 0)
    # And the past does not move: 2024 still shows Ninh Phước.
    assert figures(D(2024, 1, 1), world.target)[world.north.pk][:3] == (2, 1, 0)


def test_a_committed_record_moves_todays_figures_up_the_tree_at_once(
    world, django_capture_on_commit_callbacks
):
    from lib.dates import today

    day = today()
    Target.objects.filter(pk=world.target.pk).update(valid_from=None)
    # Keep the people in post today, within a running term.
    for unit in (world.north, world.south):
        term_create(
            user=SYSTEM,
            unit=unit,
            name="2026-2031",
            start_date=D(2026, 1, 1),
            end_date=D(2030, 12, 31),
        )
    staff = Role.objects.get(code="advisory_staff")
    dung = person_create(
        user=SYSTEM,
        unit=world.north,
        family_name="Lê",
        middle_name="Thị",
        given_name="Dung",
        gender="female",
    )
    position_create(
        user=SYSTEM,
        person=dung,
        unit=world.north,
        role=staff,
        full_time=True,
        start_date=D(2026, 1, 1),
    )
    snapshots.compute(day)
    before = figures(day, world.target)
    with django_capture_on_commit_callbacks(execute=True):
        external_record_create(
            user=SYSTEM,
            person=dung,
            title="Bồi dưỡng cán bộ chuyên trách",
            topics=[Topic.objects.get(code="union_theory")],
            hours=24,
            completed_on=day,
            form="on_site",
        )
    after = figures(day, world.target)
    for unit in (world.north, world.province, world.vgcl):
        assert after[unit.pk][4] == before[unit.pk][4] + 1, unit.code
    assert after[world.south.pk] == before[world.south.pk]
    stored = after
    snapshots.compute(day)  # the full computation agrees with the incremental one
    assert figures(day, world.target) == stored


def test_a_merger_into_a_new_unit_does_not_restart_the_cadres_windows(world):
    """Issue 20 §3: "A merger, move or rename carries people's windows over; only a congress
    (a new term of the unit) starts new ones." On 01/07/2025 Ninh Phước merges into a new area
    union whose term starts that day: An, met by his 2020 record within the 2020–2025 term,
    stays met on 01/07/2025, and his carried post keeps the term he was elected for."""
    area = make_unit(
        "NT-KV1",
        "Công đoàn khu vực Ninh Phước",
        "district_federation",
        world.province,
        founded_on=D(2025, 7, 1),
    )
    term_create(
        user=SYSTEM, unit=area, name="2023-2028", start_date=D(2025, 7, 1), end_date=D(2028, 5, 31)
    )
    Target.objects.filter(code="T-001-3a").update(scope_unit=world.province, active=True)
    unit_merge(user=SYSTEM, sources=[world.north], target=area, effective_on=D(2025, 7, 1))
    before = figures(D(2025, 6, 30), world.target)
    after = figures(D(2025, 7, 1), world.target)
    assert before[world.north.pk][:3] == (2, 1, 0)
    assert after[area.pk][:3] == (2, 1, 0)
    carried = world.people["An"].positions.get(unit=area)
    assert carried.term.start_date == D(2020, 7, 1)
    # A title standard counts training of any earlier day: the window shows on a training
    # target counting records only from the term's start (T-001-3a, union theory this term),
    # where a term restarted on 01/07/2025 would drop An's 2020 record.
    theory = Target.objects.get(code="T-001-3a")
    assert theory.window == "term" and theory.full_time
    assert figures(D(2025, 6, 30), theory)[world.north.pk][:3] == (2, 1, 0)
    assert figures(D(2025, 7, 1), theory)[area.pk][:3] == (2, 1, 0)
