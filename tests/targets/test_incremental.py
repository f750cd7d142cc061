"""Today's stored figures follow every committed change at once (`refresh_units`, run by the
signals on commit) and always equal a full recomputation from the base tables."""

import contextlib
import datetime as dt
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.access import SYSTEM
from lib.dates import today
from people.models import EducationLevel, Position, Role
from people.services import (
    person_create,
    person_update,
    position_create,
    position_end,
    position_update,
)
from targets import signals, snapshots
from targets.models import Snapshot, Target, TargetFigure
from tests.conftest import issue_title_standards, make_unit
from tests.databases import shared_examples
from training.models import Topic, TrainingRecord
from training.services import external_record_create
from units.models import Term
from units.services import term_create, unit_set_figures, unit_update

D = dt.date
ONE_DAY = dt.timedelta(days=1)


@pytest.fixture(autouse=True)
def _no_marks_left_over():
    """Marks made outside a captured commit would be flushed by the next test's commit."""
    signals._pending.__dict__.pop("state", None)
    yield
    signals._pending.__dict__.pop("state", None)


@pytest.fixture
def world(db, django_capture_on_commit_callbacks):
    # The setup counts as committed: its refresh runs when the block ends.
    with django_capture_on_commit_callbacks(execute=True):
        return _build()


def _build() -> SimpleNamespace:
    w = SimpleNamespace(day=today())
    w.vgcl = make_unit("TLD", "Tổng Liên đoàn Lao động Việt Nam", "confederation", None)
    w.hanoi = make_unit(
        "HN", "Liên đoàn Lao động thành phố Hà Nội", "provincial_federation", w.vgcl
    )
    w.melinh = make_unit(
        "HN-ML", "Liên đoàn Lao động huyện Mê Linh", "district_federation", w.hanoi
    )
    w.donganh = make_unit(
        "HN-DA", "Liên đoàn Lao động huyện Đông Anh", "district_federation", w.hanoi
    )
    w.school = make_unit(
        "HN-ML-01", "Công đoàn Trường THPT Mê Linh", "grassroots", w.melinh, sector="state"
    )
    w.factory = make_unit(
        "HN-ML-02",
        "Công đoàn Công ty TNHH Điện tử Quang Minh",
        "grassroots",
        w.melinh,
        sector="non_state",
    )
    # The Ninh Thuận set (001) is used here as if Hà Nội had adopted it.
    Target.objects.filter(document__code="001").update(scope_unit=w.hanoi, active=True)
    # Every title from the upper-grassroots level up asks union theory (and no education or
    # political theory): T-003-2 and T-001-2b read it; the grassroots chairs have none.
    issue_title_standards(levels=["confederation", "province", "upper_grassroots"])
    start = D(w.day.year - 2, 1, 1)
    for unit in (w.hanoi, w.melinh, w.donganh, w.school, w.factory):
        term_create(
            user=SYSTEM,
            unit=unit,
            name="Nhiệm kỳ hiện tại",
            start_date=start,
            end_date=D(w.day.year + 3, 12, 31),
        )
    for unit, members in ((w.school, 800), (w.factory, 1200)):
        unit_set_figures(user=SYSTEM, unit=unit, effective_on=start, member_count=members)
    staff, chair = Role.objects.get(code="advisory_staff"), Role.objects.get(code="chair")
    w.an = _person(w.melinh, "An", EducationLevel.COLLEGE)
    w.binh = _person(w.donganh, "Bình", EducationLevel.UNIVERSITY)
    w.cuong = _person(w.school, "Cường", EducationLevel.UNIVERSITY)
    w.dung = _person(w.factory, "Dung", EducationLevel.COLLEGE)
    for who, unit, role, full_time in (
        (w.an, w.melinh, staff, True),
        (w.binh, w.donganh, staff, True),
        (w.cuong, w.school, chair, False),
        (w.dung, w.factory, chair, True),
    ):
        position_create(
            user=SYSTEM,
            person=who,
            unit=unit,
            role=role,
            full_time=full_time,
            start_date=start + dt.timedelta(days=40),
        )
    w.theory = Topic.objects.get(code="union_theory")
    w.osh = Topic.objects.get(code="osh")
    w.bargaining = Topic.objects.get(code="collective_bargaining")
    w.binh_record = external_record_create(
        user=SYSTEM,
        person=w.binh,
        title="Lý luận công đoàn",
        topics=[w.theory],
        hours=24,
        completed_on=w.day,
        form="on_site",
    )
    return w


def _person(unit, given, education):
    return person_create(
        user=SYSTEM,
        unit=unit,
        family_name="Phạm",
        middle_name="Văn",
        given_name=given,
        gender="male",
        birth_date=D(1985, 3, 4),
        education_level=education,
    )


def stored(day: dt.date) -> dict[tuple[str, int], tuple]:
    """(target code, unit id) -> the six stored figures; an all-zero row reads as no row."""
    snapshot = Snapshot.objects.get(as_of=day, status=Snapshot.Status.DONE)
    rows = TargetFigure.objects.filter(snapshot=snapshot).values_list(
        "target__code", "unit_id", *snapshots.FIELDS
    )
    return {(code, unit): tuple(values) for code, unit, *values in rows if any(values)}


def recomputed(day: dt.date) -> dict[tuple[str, int], tuple]:
    snapshots.compute(day)
    return stored(day)


def moved(before: dict, after: dict) -> dict[tuple[str, int], tuple]:
    """Per (target, unit) that changed: the difference of each figure."""
    keys = set(before) | set(after)
    zero = (0,) * len(snapshots.FIELDS)
    return {
        key: tuple(a - b for a, b in zip(after.get(key, zero), before.get(key, zero), strict=True))
        for key in keys
        if after.get(key, zero) != before.get(key, zero)
    }


def test_a_qualifying_record_moves_met_by_one_at_his_unit_and_every_ancestor(
    world, django_capture_on_commit_callbacks
):
    snapshots.compute(world.day)
    before = stored(world.day)
    # An, Bình (met by his record) and Dung (a full-time chair, but of a grassroots union).
    assert before[("T-003-2", world.vgcl.pk)][4:] == (2, 1, 0, 0)
    with django_capture_on_commit_callbacks(execute=True):
        record = TrainingRecord.objects.create(
            person=world.an,
            title="Lý luận nghiệp vụ",
            hours=24,
            completed_on=world.day,
            form="on_site",
        )
        record.topics.add(world.theory)
    after = stored(world.day)
    # +1 met for T-003-2 and T-001-2b (his title's standard: union theory), T-003-3 (the
    # year) and T-001-3a (union theory), at Mê Linh (his own figures and its subtree), then Hà
    # Nội and the confederation (subtree).
    own_and_subtree, subtree = (0, 1, 0, 0, 0, 1, 0, 0), (0, 0, 0, 0, 0, 1, 0, 0)
    assert moved(before, after) == {
        (code, unit.pk): own_and_subtree if unit == world.melinh else subtree
        for code in ("T-003-2", "T-001-2b", "T-003-3", "T-001-3a")
        for unit in (world.melinh, world.hanoi, world.vgcl)
    }
    assert after == recomputed(world.day)


def test_a_grassroots_chairs_record_moves_four_levels(world, django_capture_on_commit_callbacks):
    snapshots.compute(world.day)
    before = stored(world.day)
    with django_capture_on_commit_callbacks(execute=True):
        external_record_create(
            user=SYSTEM,
            person=world.cuong,
            title="Kỹ năng chủ tịch CĐCS",
            topics=[world.theory],
            hours=16,
            completed_on=world.day,
            form="on_site",
            organiser=world.melinh,  # the level responsible for his union's chair (T-003-4c)
        )
    after = stored(world.day)
    chain = (world.school, world.melinh, world.hanoi, world.vgcl)
    # Part-time: only T-003-4c (fewer than 1,000 members) and T-001-3b (part-time cadres).
    assert moved(before, after) == {
        (code, unit.pk): (0, 1, 0, 0, 0, 1, 0, 0)
        if unit == world.school
        else (0, 0, 0, 0, 0, 1, 0, 0)
        for code in ("T-003-4c", "T-001-3b")
        for unit in chain
    }
    assert after == recomputed(world.day)


def invalidate_record(w):
    w.binh_record.valid = False
    w.binh_record.save()


def end_term(w):
    term = Term.objects.get(unit=w.melinh)
    term.end_date = w.day - ONE_DAY
    term.save()


FULL_TIME_UPPER = {"T-003-2", "T-003-3", "T-001-2a", "T-001-2b", "T-001-3a"}

# Each change, and the targets whose figures it must move (An and Bình are full-time staff of
# the districts, Bình met by a union-theory record of today; Cường is the part-time chair of
# a school union of 800 members, Dung the full-time chair of a non-state union of 1,200).
# T-001-2b reads the standard of the title (union theory, from upper-grassroots up): it moves
# with T-003-2 when Bình's record does (before, a level of political theory nobody here held).
CHANGES = {
    "a record through the service": (
        lambda w: external_record_create(
            user=SYSTEM,
            person=w.dung,
            title="Lý luận, nghiệp vụ công đoàn",
            topics=[w.theory],
            hours=16,
            completed_on=w.day,
            form="on_site",
            organiser=w.hanoi,  # the province: the level responsible for T-003-4b
        ),
        # T-001-4 closed on 31/12/2023 (its result stands); the full-time chair of a union of
        # 1,200 members is trained in union theory: T-003-4b and T-001-3a.
        {"T-003-4b", "T-001-3a"},
    ),
    "a record outside the topics": (
        lambda w: external_record_create(
            user=SYSTEM,
            person=w.an,
            title="An toàn vệ sinh lao động",
            topics=[w.osh],
            hours=16,
            completed_on=w.day,
            form="on_site",
        ),
        {"T-003-3"},
    ),
    "a record dated tomorrow": (
        lambda w: external_record_create(
            user=SYSTEM,
            person=w.an,
            title="Khoá học",
            topics=[w.theory],
            hours=16,
            completed_on=w.day + ONE_DAY,
            form="on_site",
        ),
        set(),
    ),
    "a record whose topic is changed": (
        lambda w: w.binh_record.topics.set([w.osh]),
        {"T-003-2", "T-001-2b", "T-001-3a"},
    ),
    "a record made invalid": (
        invalidate_record,
        {"T-003-2", "T-001-2b", "T-003-3", "T-001-3a"},
    ),
    "a record deleted": (
        lambda w: w.binh_record.delete(),
        {"T-003-2", "T-001-2b", "T-003-3", "T-001-3a"},
    ),
    "a new full-time post": (
        lambda w: position_create(
            user=SYSTEM,
            person=_person(w.donganh, "Giang", EducationLevel.MASTER),
            unit=w.donganh,
            role=Role.objects.get(code="department_head"),
            full_time=True,
            start_date=w.day,
        ),
        FULL_TIME_UPPER,
    ),
    "a post ended yesterday": (
        lambda w: position_end(
            user=SYSTEM,
            position=Position.objects.get(person=w.binh),
            end_date=w.day - ONE_DAY,
            end_reason="retired",
        ),
        FULL_TIME_UPPER,
    ),
    "a post deleted": (lambda w: Position.objects.get(person=w.an).delete(), FULL_TIME_UPPER),
    # Counted once, at the lowest-id post: a second post moves nothing.
    "a second post, lower in the tree": (
        lambda w: position_create(
            user=SYSTEM,
            person=w.an,
            unit=w.school,
            role=Role.objects.get(code="vice_chair"),
            full_time=True,
            start_date=w.day,
        ),
        {"T-001-1"},  # a vice-chair is a key leader: briefed on cadre work (001)
    ),
    "a union growing to 1,000 members": (
        lambda w: unit_set_figures(
            user=SYSTEM, unit=w.school, effective_on=w.day, member_count=1000
        ),
        {"T-003-4b", "T-003-4c"},
    ),
    "a union shrinking to 999 members": (
        lambda w: unit_set_figures(
            user=SYSTEM, unit=w.factory, effective_on=w.day, member_count=999
        ),
        {"T-003-4b", "T-003-4c"},
    ),
    "a degree obtained": (
        lambda w: person_update(
            user=SYSTEM, person=w.an, education_level=EducationLevel.UNIVERSITY
        ),
        {"T-001-2a"},
    ),
    "a term that ended yesterday": (end_term, FULL_TIME_UPPER - {"T-003-3"}),
}


@pytest.mark.parametrize("change", CHANGES)
def test_after_each_kind_of_change_the_stored_figures_equal_a_full_recompute(
    world, django_capture_on_commit_callbacks, change
):
    make, codes = CHANGES[change]
    snapshots.compute(world.day)
    before = stored(world.day)
    with django_capture_on_commit_callbacks(execute=True):
        make(world)
    after = stored(world.day)
    assert {code for code, _unit in moved(before, after)} == codes
    assert after == recomputed(world.day)


def test_a_change_dated_before_today_drops_older_snapshots_but_keeps_today(
    world, django_capture_on_commit_callbacks
):
    last_year = D(world.day.year - 1, 12, 31)
    snapshots.compute(last_year)
    snapshots.compute(world.day)
    with django_capture_on_commit_callbacks(execute=True):
        external_record_create(
            user=SYSTEM,
            person=world.an,
            title="Khoá học",
            topics=[world.theory],
            hours=24,
            completed_on=D(world.day.year, 1, 2),
            form="on_site",
        )
    assert Snapshot.objects.filter(as_of=last_year).exists()  # the record is later
    with django_capture_on_commit_callbacks(execute=True):
        external_record_create(
            user=SYSTEM,
            person=world.an,
            title="Khoá học",
            topics=[world.theory],
            hours=24,
            completed_on=last_year,
            form="on_site",
        )
    assert not Snapshot.objects.filter(as_of=last_year).exists()
    assert Snapshot.objects.filter(as_of=world.day, status="done").exists()
    assert stored(world.day) == recomputed(world.day)


def test_a_change_rolled_back_leaves_the_figures_as_they_were(
    world, django_capture_on_commit_callbacks
):
    snapshots.compute(world.day)
    before = stored(world.day)
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                external_record_create(
                    user=SYSTEM,
                    person=world.an,
                    title="Khoá học",
                    topics=[world.theory],
                    hours=24,
                    completed_on=world.day,
                    form="on_site",
                )
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
    assert stored(world.day) == before
    # The marks left by the rolled-back work only cause a refresh that changes nothing.
    with django_capture_on_commit_callbacks(execute=True):
        unit_set_figures(user=SYSTEM, unit=world.school, effective_on=D(2010, 1, 1), member_count=5)
    assert stored(world.day) == before == recomputed(world.day)


# --- any sequence of changes ---------------------------------------------------------------


def _op_record(w, data):
    who = data.draw(st.sampled_from([w.an, w.binh, w.cuong, w.dung]), label="who")
    external_record_create(
        user=SYSTEM,
        person=who,
        title="Khoá học",
        topics=[data.draw(st.sampled_from([w.theory, w.osh, w.bargaining]), label="topic")],
        hours=data.draw(st.integers(4, 40)),
        form="on_site",
        completed_on=w.day - dt.timedelta(days=data.draw(st.integers(-2, 1500), label="ago")),
    )


def _op_delete_record(w, data):
    records = list(TrainingRecord.objects.order_by("pk"))
    if records:
        data.draw(st.sampled_from(records), label="record").delete()


def _op_post(w, data):
    unit = data.draw(st.sampled_from([w.hanoi, w.melinh, w.donganh, w.school, w.factory]))
    who = data.draw(st.sampled_from([w.an, w.binh, w.cuong, w.dung]), label="who")
    # A post the rules refuse (a second chair, the same post twice at once) changes nothing.
    with contextlib.suppress(ValidationError):
        _post(w, data, unit, who)


def _post(w, data, unit, who):
    position_create(
        user=SYSTEM,
        person=who,
        unit=unit,
        role=Role.objects.get(
            code=data.draw(st.sampled_from(["chair", "vice_chair", "advisory_staff"]), label="role")
        ),
        full_time=data.draw(st.booleans(), label="full-time"),
        start_date=w.day - dt.timedelta(days=data.draw(st.integers(0, 900))),
    )


def _op_end_post(w, data):
    posts = list(Position.objects.filter(end_date__isnull=True).order_by("pk"))
    if posts:
        post = data.draw(st.sampled_from(posts), label="post")
        end = max(post.start_date, w.day - dt.timedelta(days=data.draw(st.integers(0, 3))))
        position_end(user=SYSTEM, position=post, end_date=end, end_reason="rotated")


def _op_members(w, data):
    unit_set_figures(
        user=SYSTEM,
        unit=data.draw(st.sampled_from([w.school, w.factory])),
        effective_on=w.day - dt.timedelta(days=data.draw(st.integers(0, 400))),
        member_count=data.draw(st.sampled_from([500, 999, 1000, 2499, 2500])),
    )


def _op_education(w, data):
    person_update(
        user=SYSTEM,
        person=data.draw(st.sampled_from([w.an, w.binh, w.cuong, w.dung])),
        education_level=data.draw(st.sampled_from([4, 5, 6]), label="education"),
    )


OPERATIONS = [
    _op_record,
    _op_record,
    _op_delete_record,
    _op_post,
    _op_end_post,
    _op_members,
    _op_education,
]


@settings(
    max_examples=shared_examples(12),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_any_sequence_of_committed_changes_keeps_todays_figures_equal_to_a_recompute(
    world, django_capture_on_commit_callbacks, data
):
    with transaction.atomic():
        snapshots.compute(world.day)
        for _ in range(data.draw(st.integers(1, 5), label="changes")):
            with django_capture_on_commit_callbacks(execute=True):
                data.draw(st.sampled_from(OPERATIONS), label="change")(world, data)
            incremental = stored(world.day)
            assert incremental == recomputed(world.day)
        transaction.set_rollback(True)


def test_a_post_moved_to_another_unit_leaves_its_old_unit_too(
    world, django_capture_on_commit_callbacks
):
    snapshots.compute(world.day)
    with django_capture_on_commit_callbacks(execute=True):
        position_update(
            user=SYSTEM,
            position=Position.objects.get(person=world.an),
            unit=world.donganh,
            term=None,
        )
    assert stored(world.day) == recomputed(world.day)


def test_a_corrected_sector_drops_the_stored_figures_of_every_day(
    world, django_capture_on_commit_callbacks
):
    snapshots.compute(world.day)
    snapshots.compute(D(world.day.year - 1, 12, 31))
    with django_capture_on_commit_callbacks(execute=True):
        unit_update(
            user=SYSTEM,
            unit=world.factory,
            code=world.factory.code,
            sector=world.factory.sector,
            founded_on=world.factory.founded_on,
        )
    assert Snapshot.objects.count() == 2  # nothing that matters changed
    with django_capture_on_commit_callbacks(execute=True):
        unit_update(
            user=SYSTEM,
            unit=world.factory,
            code=world.factory.code,
            sector="state",
            founded_on=world.factory.founded_on,
        )
    # The sector is not dated: no stored day can be trusted; the next view recomputes.
    assert not Snapshot.objects.exists()


def test_a_record_redated_into_another_year_drops_that_years_snapshot(
    world, django_capture_on_commit_callbacks
):
    last_year = D(world.day.year - 1, 12, 31)
    with django_capture_on_commit_callbacks(execute=True):
        record = external_record_create(
            user=SYSTEM,
            person=world.an,
            title="Nghiệp vụ",
            topics=[world.theory],
            hours=24,
            completed_on=last_year,
            form="on_site",
        )
    snapshots.compute(last_year)
    with django_capture_on_commit_callbacks(execute=True):
        record.completed_on = world.day
        record.save()
    assert not Snapshot.objects.filter(as_of=last_year).exists()
