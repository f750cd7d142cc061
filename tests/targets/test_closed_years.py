"""Once a window has closed, what was not met is missed (issue 20 §9): a past year does not
read "at risk" forever.

003 §I.2.1: "Cán bộ công đoàn chuyên trách từ công đoàn cấp trên trực tiếp cơ sở trở lên hàng
năm được bồi dưỡng, tập huấn …" — each year is its own window. Its figure asked on 31/12 of a
year that is over is that year's result (docs/chi-tieu.md, "Quy ước chung"); asked on 31/12 of
the running year, the year still has that day to go. A snapshot computed while its day was
still running is computed again once that day is over.
"""

import datetime as dt

import pytest
from django.utils import timezone

from targets import engine, snapshots
from targets.engine import Status
from targets.models import Snapshot, Target
from targets.selectors import Result, Standing
from tests.targets.test_edges import D, person, post, record, status, world  # noqa: F401


@pytest.fixture
def cadres(world):  # noqa: F811
    _, _, district = world
    trained, untrained = person(district, "Hà"), person(district, "Khoa")
    for cadre in (trained, untrained):
        post(cadre, district, "advisory_staff", D(2024, 3, 1), full_time=True)
    record(trained, D(2024, 6, 10), ["labour_law"])
    return district, trained, untrained


def test_a_past_year_asked_on_its_last_day_has_closed(cadres):
    district, trained, untrained = cadres
    assert status(untrained, "T-003-3", D(2024, 12, 30)).status == Status.DUE
    assert status(untrained, "T-003-3", D(2024, 12, 31)).status == Status.OVERDUE
    assert status(trained, "T-003-3", D(2024, 12, 31)).status == Status.MET
    target = next(t for t in engine.person_targets(D(2024, 12, 31)) if t.code == "T-003-3")
    counts = engine.unit_counts(target, D(2024, 12, 31))[district.pk]
    assert counts == (2, 1, 1, 0)
    assert Result(target, *counts).standing == Standing.MISSED  # not "at risk"


def test_the_running_year_is_not_closed_on_its_last_day_before_it_ends(cadres, monkeypatch):
    _, _, untrained = cadres
    monkeypatch.setattr(engine, "today", lambda: D(2024, 12, 31))
    assert status(untrained, "T-003-3", D(2024, 12, 31)).status == Status.DUE
    monkeypatch.setattr(engine, "today", lambda: D(2025, 1, 1))
    assert status(untrained, "T-003-3", D(2024, 12, 31)).status == Status.OVERDUE


def test_a_fixed_deadline_asked_on_its_day_once_over_has_closed(world):  # noqa: F811
    """001: "Phấn đấu đến năm 2023, 100% chủ tịch CĐCS ngoài khu vực nhà nước …"."""
    from tests.conftest import make_unit

    _, _, district = world
    union = make_unit("NT-PR-31", "Công đoàn Công ty B", "grassroots", district, sector="non_state")
    chair = person(union, "Lợi")
    post(chair, union, "chair", D(2022, 3, 1))
    assert status(chair, "T-001-4", D(2023, 12, 30)).status == Status.DUE
    assert status(chair, "T-001-4", D(2023, 12, 31)).status == Status.OVERDUE


def test_a_snapshot_computed_during_its_day_is_computed_again_once_the_day_is_over(
    cadres, monkeypatch
):
    district, _, _ = cadres
    last_day = D(2024, 12, 31)
    monkeypatch.setattr(engine, "today", lambda: last_day)
    monkeypatch.setattr(snapshots, "today", lambda: last_day)
    first = snapshots.ready(last_day)
    Snapshot.objects.filter(pk=first.pk).update(
        finished_at=timezone.make_aware(dt.datetime(2024, 12, 31, 15, 0))
    )
    target = Target.objects.get(code="T-003-3")
    assert first.figures.get(target=target, unit=district).overdue == 0

    monkeypatch.setattr(engine, "today", lambda: D(2025, 1, 1))
    monkeypatch.setattr(snapshots, "today", lambda: D(2025, 1, 1))
    again = snapshots.ready(last_day)
    assert again.figures.get(target=target, unit=district).overdue == 1
