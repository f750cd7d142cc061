"""The members and workers a goal is divided by (the allocation page and API, the class goals)
read from the day's stored figures (targets.MemberFigure, issue 22: a national node summed
142,857 unions' figures in each request) equal the live count (units.selectors
.children_with_figures) — when computed, and after a union's figures change."""

import datetime as dt

import pytest

from accounts.access import SYSTEM
from lib.dates import today
from targets import signals, snapshots
from targets.models import MemberFigure, Target
from tests.api import ApiClient
from tests.conftest import make_unit
from units.models import UnitFigures
from units.selectors import children_with_figures as live
from units.selectors import version_on
from units.services import unit_set_figures

DAYS = dt.timedelta(days=1)


@pytest.fixture(autouse=True)
def _no_marks_left_over():
    """Marks made outside a captured commit would be flushed by the next test's commit."""
    signals._pending.__dict__.pop("state", None)
    yield
    signals._pending.__dict__.pop("state", None)


@pytest.fixture
def figures(tree, django_capture_on_commit_callbacks):
    """Unions with figures replaced over time, one without workers, one not yet in force, one
    with none at all."""
    t, day = tree, today()
    with django_capture_on_commit_callbacks(execute=True):
        t.quiet = make_unit("HN-DA-02", "Công đoàn Công ty Im Lặng", "grassroots", t.donganh)
        unit_set_figures(user=SYSTEM, unit=t.school, effective_on=day - 400 * DAYS, member_count=90)
        unit_set_figures(
            user=SYSTEM,
            unit=t.school,
            effective_on=day - 9 * DAYS,
            member_count=120,
            worker_count=150,
        )
        unit_set_figures(
            user=SYSTEM, unit=t.factory, effective_on=day - 30 * DAYS, member_count=900
        )
        unit_set_figures(
            user=SYSTEM, unit=t.factory, effective_on=day + 5 * DAYS, member_count=5000
        )
        unit_set_figures(
            user=SYSTEM,
            unit=t.nt_grassroots,
            effective_on=day - DAYS,
            member_count=7,
            worker_count=8,
        )
    return t


def _rows(children: list[dict]) -> list[tuple]:
    return [(c["unit"].pk, c["version"].pk, c["members"], c["workers"]) for c in children]


def _both(t) -> None:
    """Every node's children as stored equal the live count."""
    day = today()
    for unit in (t.vgcl, t.hanoi, t.donganh, t.melinh, t.ninhthuan, t.school):
        node = version_on(unit, day)
        assert _rows(snapshots.children_with_figures(node, day)) == _rows(live(node, day))


def _api(t) -> tuple[dict, dict]:
    target = Target.objects.filter(kind="member_growth").first()
    Target.objects.filter(pk=target.pk).update(scope_unit=t.hanoi, active=True)
    code = target.code
    client = ApiClient(t.admin)
    allocation = client.get(f"/units/{t.hanoi.pk}/targets/{code}/allocation")
    goals = client.get(f"/units/{t.vgcl.pk}/class-goals/{today().year}")
    assert allocation.status_code == goals.status_code == 200
    return allocation.json(), goals.json()


def test_stored_members_equal_the_live_count(figures, django_capture_on_commit_callbacks):
    t = figures
    before = _api(t)  # no snapshot yet: counted live
    assert snapshots.ready(today()) is not None  # a small tree: computed at once
    assert MemberFigure.objects.exists()
    _both(t)
    assert _api(t) == before
    hanoi = {
        c["unit"].pk: c
        for c in snapshots.children_with_figures(version_on(t.vgcl, today()), today())
    }
    assert (hanoi[t.hanoi.pk]["members"], hanoi[t.hanoi.pk]["workers"]) == (1020, 150)
    assert (hanoi[t.ninhthuan.pk]["members"], hanoi[t.ninhthuan.pk]["workers"]) == (7, 8)


def test_stored_members_follow_a_changed_figure(figures, django_capture_on_commit_callbacks):
    t = figures
    snapshots.ready(today())
    with django_capture_on_commit_callbacks(execute=True):
        unit_set_figures(
            user=SYSTEM, unit=t.quiet, effective_on=today(), member_count=40, worker_count=41
        )
        unit_set_figures(user=SYSTEM, unit=t.school, effective_on=today(), member_count=125)
    node = version_on(t.vgcl, today())
    stored = {c["unit"].pk: c for c in snapshots.children_with_figures(node, today())}
    assert (stored[t.hanoi.pk]["members"], stored[t.hanoi.pk]["workers"]) == (1065, 41)
    _both(t)
    with django_capture_on_commit_callbacks(execute=True):
        UnitFigures.objects.filter(unit=t.quiet).delete()
    _both(t)


def test_the_people_to_train_of_the_holding_unit_read_the_same_stored_and_live(tree):
    """The whole a unit holding a target on people gives down (its people still to train)
    is the day's stored figure when the snapshot is ready, the live count before."""
    from targets.engine import person_targets
    from targets.measures import allocation
    from targets.models import Snapshot

    Target.objects.filter(code="T-001-1").update(scope_unit=tree.hanoi, active=True)
    target, day = Target.objects.get(code="T-001-1"), today()
    assert target in person_targets(day)  # counted by the day's snapshot
    node = version_on(tree.hanoi, day)
    Snapshot.objects.all().delete()
    live = allocation(target, node, day)
    assert snapshots.ready(day) is not None  # computed inline: the test tree is small
    stored = allocation(target, node, day)
    assert live.whole == stored.whole == 1  # Nguyễn, the school's chair in Mê Linh
