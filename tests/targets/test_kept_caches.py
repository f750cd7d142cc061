"""What each process keeps in memory next to the database — the targets in force
(`engine.person_targets`) and the dashboard's post-holders (`selectors.unit_people`) — is
never served once what it was worked out from has changed."""

import datetime as dt

import pytest
from django.db import transaction

from people.models import Role
from targets import signals, snapshots
from targets.engine import person_targets
from targets.models import Snapshot, Target
from targets.selectors import targets_for, unit_people
from tests.targets.pages_world import _record, shared
from units.models import UnitVersion

DAY = dt.date(2026, 6, 1)


@pytest.fixture
def world(tree):
    return shared(tree)


def statuses(world, targets, snapshot) -> dict[str, str]:
    """Status of T-003-2 per given name of Hà Nội's own post-holders."""
    node = UnitVersion.objects.on(world.today).get(unit=world.tree.hanoi)
    at = [t.pk for t in targets].index(world.t2.pk)
    return {
        row["position"].person.given_name: row["statuses"][at]
        for row in unit_people(node, world.today, targets, snapshot)
    }


def test_post_holders_are_kept_under_the_token_their_targets_were_read_under(world):
    snapshot = snapshots.ready(world.today)
    node = UnitVersion.objects.on(world.today).get(unit=world.tree.hanoi)
    read_before = targets_for(node, world.today)
    # An edit committed between the page's read of the targets and its post-holders.
    Target.objects.filter(pk=world.t2.pk).update(min_hours=999)
    assert statuses(world, read_before, snapshot)["An"] == "met"  # as the targets read say
    assert statuses(world, targets_for(node, world.today), snapshot)["An"] == "due"


def test_a_failed_refresh_drops_todays_figures_and_what_is_kept_with_them(
    world, monkeypatch, django_capture_on_commit_callbacks
):
    snapshot = snapshots.ready(world.today)
    node = UnitVersion.objects.on(world.today).get(unit=world.tree.hanoi)
    assert statuses(world, targets_for(node, world.today), snapshot)["Chi"] == "due"

    def fail(unit_ids):
        raise RuntimeError("the refresh failed")

    monkeypatch.setattr(snapshots, "_refresh_units", fail)
    signals._pending.__dict__.pop("state", None)  # the setup's marks (a new unit drops all)
    with pytest.raises(RuntimeError), django_capture_on_commit_callbacks(execute=True):
        _record(world.chi, "Nghiệp vụ công tác tổ chức công đoàn", ["union_theory"], world.today)
    assert not Snapshot.objects.filter(as_of=world.today).exists()
    monkeypatch.undo()
    fresh = snapshots.ready(world.today)
    assert statuses(world, targets_for(node, world.today), fresh)["Chi"] == "met"


def test_what_a_copy_drops_or_loads_stays_its_own(db, django_assert_num_queries):
    mine = next(t for t in person_targets(DAY) if t.code == "T-003-2")
    role = Role.objects.exclude(pk__in=[r.pk for r in mine.roles.all()]).first()
    with pytest.raises(RuntimeError), transaction.atomic():
        mine.roles.add(role)  # drops this copy's prefetched roles
        raise RuntimeError
    mine._state.fields_cache.clear()
    with django_assert_num_queries(1):  # the token: the kept target has all it had
        kept = next(t for t in person_targets(DAY) if t.code == "T-003-2")
        assert role not in kept.roles.all()
        assert kept.document.code
    signals._pending.__dict__.pop("state", None)  # the rolled-back marks
