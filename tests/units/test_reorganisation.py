"""Reorganisations take effect on a date and keep history: 'as of' answers with that date's
structure."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from accounts.access import SYSTEM
from people.models import Position
from tests.conftest import make_unit
from units.models import Reorganisation, Unit, UnitVersion
from units.selectors import children_with_counts, subtree_counts, version_on
from units.services import unit_dissolve, unit_merge, unit_move, unit_rename, unit_split

MERGE_DAY = dt.date(2025, 7, 1)


def children_on(unit, day, user):
    return {c["unit"].code: c for c in children_with_counts(version_on(unit, day), day, user)}


@pytest.fixture
def merged(tree):
    """Mê Linh and Đông Anh merged into a new area union on 1 July 2025."""
    area = make_unit(
        "HN-KV1",
        "Công đoàn khu vực Mê Linh - Đông Anh",
        "district_federation",
        tree.hanoi,
        founded_on=MERGE_DAY,
    )
    unit_merge(
        user=tree.hanoi_officer,
        sources=[tree.melinh, tree.donganh],
        target=area,
        effective_on=MERGE_DAY,
    )
    tree.area = area
    return tree


def test_counts_the_day_before_a_merge_show_the_old_units(merged):
    before = children_on(merged.hanoi, MERGE_DAY - dt.timedelta(days=1), merged.hanoi_officer)
    assert set(before) == {"HN-ML", "HN-DA"}
    assert before["HN-ML"]["cadres"] == 1 and before["HN-ML"]["full_time"] == 1
    assert before["HN-DA"]["cadres"] == 1 and before["HN-DA"]["full_time"] == 0


def test_counts_the_day_after_a_merge_show_the_merged_unit(merged):
    for day in (MERGE_DAY, MERGE_DAY + dt.timedelta(days=1)):
        after = children_on(merged.hanoi, day, merged.hanoi_officer)
        assert set(after) == {"HN-KV1"}
        assert after["HN-KV1"]["sub_units"] == 2
        assert after["HN-KV1"]["cadres"] == 2 and after["HN-KV1"]["full_time"] == 1


def test_the_province_total_is_the_same_on_both_sides_of_the_merge(merged):
    for day in (MERGE_DAY - dt.timedelta(days=1), MERGE_DAY):
        totals = subtree_counts(version_on(merged.hanoi, day), day, merged.hanoi_officer)
        assert totals["cadres"] == 2


def test_merged_units_end_and_their_grassroots_move(merged):
    merged.melinh.refresh_from_db()
    merged.school.refresh_from_db()
    assert merged.melinh.dissolved_on == MERGE_DAY
    assert version_on(merged.melinh, MERGE_DAY) is None
    assert version_on(merged.school, MERGE_DAY - dt.timedelta(days=1)).parent == merged.melinh
    assert version_on(merged.school, MERGE_DAY).parent == merged.area
    assert merged.school.path.startswith(merged.area.path)
    assert Reorganisation.objects.filter(kind="merge", unit=merged.melinh).exists()


def test_a_merged_districts_own_cadres_carry_on_in_the_merged_unit(tree):
    position = Position.objects.create(
        person=tree.tran,
        unit=tree.melinh,
        role=tree.chair_role,
        full_time=True,
        start_date=dt.date(2023, 1, 1),
    )
    area = make_unit(
        "HN-KV2", "Công đoàn khu vực 2", "district_federation", tree.hanoi, founded_on=MERGE_DAY
    )
    unit_merge(user=SYSTEM, sources=[tree.melinh], target=area, effective_on=MERGE_DAY)
    position.refresh_from_db()
    assert position.end_date == MERGE_DAY - dt.timedelta(days=1)
    assert position.end_reason == "reorganised"
    successor = Position.objects.get(person=tree.tran, unit=area)
    assert successor.start_date == MERGE_DAY and successor.full_time


def test_a_move_keeps_the_old_parent_for_earlier_dates(tree):
    day = dt.date(2024, 1, 1)
    unit_move(user=tree.hanoi_officer, unit=tree.school, new_parent=tree.donganh, effective_on=day)
    assert set(children_on(tree.melinh, day - dt.timedelta(days=1), tree.hanoi_officer)) == {
        "HN-ML-01"
    }
    assert children_on(tree.melinh, day, tree.hanoi_officer) == {}
    assert set(children_on(tree.donganh, day, tree.hanoi_officer)) == {"HN-ML-01", "HN-DA-01"}
    # The Mê Linh officer no longer sees the school: scope follows today's structure.
    tree.school.refresh_from_db()
    assert not tree.school.path.startswith(tree.melinh.path)


def test_a_rename_keeps_the_old_name_for_earlier_dates(tree):
    day = dt.date(2025, 7, 1)
    unit_rename(
        user=tree.hanoi_officer,
        unit=tree.melinh,
        name="Công đoàn khu vực Mê Linh",
        effective_on=day,
    )
    assert (
        version_on(tree.melinh, day - dt.timedelta(days=1)).name
        == "Liên đoàn Lao động huyện Mê Linh"
    )
    assert version_on(tree.melinh, day).name == "Công đoàn khu vực Mê Linh"


def test_a_split_gives_each_new_unit_its_sub_units(tree):
    day = dt.date(2025, 7, 1)
    extra = make_unit(
        "HN-DA-02", "Công đoàn Trường Tiểu học Đông Anh", "grassroots", tree.donganh, sector="state"
    )
    north, south = unit_split(
        user=tree.hanoi_officer,
        unit=tree.donganh,
        effective_on=day,
        parts=[
            {"code": "HN-DA-N", "name": "Khu vực Bắc Đông Anh", "children": [tree.factory]},
            {"code": "HN-DA-S", "name": "Khu vực Nam Đông Anh", "children": [extra]},
        ],
    )
    assert set(children_on(north, day, tree.hanoi_officer)) == {"HN-DA-01"}
    assert set(children_on(south, day, tree.hanoi_officer)) == {"HN-DA-02"}
    assert set(children_on(tree.donganh, day - dt.timedelta(days=1), tree.hanoi_officer)) == {
        "HN-DA-01",
        "HN-DA-02",
    }


def test_dissolving_a_unit_with_live_sub_units_is_refused(tree):
    with pytest.raises(ValidationError) as e:
        unit_dissolve(user=tree.hanoi_officer, unit=tree.melinh, effective_on=MERGE_DAY)
    assert "unit" in e.value.message_dict
    assert Unit.objects.get(pk=tree.melinh.pk).dissolved_on is None


def test_moving_a_unit_under_its_own_descendant_is_refused_and_nothing_changes(tree):
    versions_before = list(UnitVersion.objects.values_list("pk", "path", "valid_to"))
    with pytest.raises(ValidationError) as e:
        unit_move(
            user=tree.hanoi_officer,
            unit=tree.melinh,
            new_parent=tree.school,
            effective_on=MERGE_DAY,
        )
    assert "Không thể chuyển" in e.value.message_dict["parent"][0]
    assert list(UnitVersion.objects.values_list("pk", "path", "valid_to")) == versions_before


def test_a_change_dated_before_a_later_change_is_refused(tree):
    unit_rename(user=SYSTEM, unit=tree.melinh, name="Mê Linh mới", effective_on=MERGE_DAY)
    with pytest.raises(ValidationError):
        unit_move(
            user=SYSTEM,
            unit=tree.melinh,
            new_parent=tree.ninhthuan,
            effective_on=MERGE_DAY - dt.timedelta(days=10),
        )


def test_a_district_officer_cannot_move_units_outside_their_subtree(tree):
    with pytest.raises(ValidationError):
        unit_move(
            user=tree.melinh_officer,
            unit=tree.school,
            new_parent=tree.donganh,
            effective_on=MERGE_DAY,
        )
    tree.school.refresh_from_db()
    assert tree.school.parent == tree.melinh
