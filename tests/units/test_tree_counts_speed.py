"""The unit tree's stored counts (issue 22: the national tree counted every post of the
country in each request): the counts the tree page, the unit page and the API's unit and
children read from units.counts_store equal those counted live — distinct holders, one holding
posts in two units of a subtree counted once, posts ended or not begun left out, full-time
apart, a second tree apart — for the officer of the whole tree; a post or a unit changed marks
the store and the pages count live again; an officer lower down reads them too unless a unit's
placement is pending (then their scope cuts the subtree: counted live); a past day (`?on=`) is
counted live until the worker has stored its counts, then read from them (by the officer of the
whole tree); the daily job computes the day's counts."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.access import SYSTEM
from accounts.models import UserRole
from lib.dates import today
from people.services import person_create, position_create
from tests.api import ApiClient
from tests.conftest import make_unit, make_user
from units import counts_store
from units.apps import keep_counts
from units.models import CountStore, SubtreeCount
from units.services import unit_move

PAST = dt.date(2024, 1, 1)


def person(unit, name: str):
    return person_create(
        user=SYSTEM,
        unit=unit,
        family_name="Phạm",
        middle_name="Văn",
        given_name=name,
        gender="male",
    )


def post(holder, unit, role, start, end=None, full_time=False):
    return position_create(
        user=SYSTEM,
        person=holder,
        unit=unit,
        role=role,
        start_date=start,
        end_date=end,
        end_reason="left" if end else "",
        full_time=full_time,
    )


@pytest.fixture
def posts(tree):
    """Besides the tree's three posts: one person holding posts in Mê Linh and its school
    (full-time in one), a post ended last year, one beginning next year, one only in 2023 (so
    the past day differs), and a second tree with its own post and officer."""
    t = tree
    a = person(t.melinh, "Hai")
    post(a, t.melinh, t.member_role, dt.date(2020, 1, 1), full_time=True)
    post(a, t.school, t.member_role, dt.date(2021, 1, 1))
    post(
        person(t.factory, "Ba"), t.factory, t.member_role, dt.date(2019, 1, 1), dt.date(2025, 6, 30)
    )
    post(person(t.donganh, "Bốn"), t.donganh, t.chair_role, today() + dt.timedelta(days=400))
    post(person(t.school, "Năm"), t.school, t.member_role, dt.date(2023, 1, 1), dt.date(2024, 6, 1))
    t.other = make_unit("KHAC", "Công đoàn Khác", "confederation", None)
    t.other_unit = make_unit("KHAC-01", "Công đoàn cơ sở Khác", "grassroots", t.other)
    post(person(t.other_unit, "Sáu"), t.other_unit, t.chair_role, dt.date(2022, 1, 1))
    t.other_admin = make_user("other", t.other, UserRole.SYSTEM_ADMIN)
    return t


def big_tree(settings) -> None:
    """Every tree is big enough to store its counts (units.selectors.small_tree)."""
    settings.TARGETS_INLINE_UNITS = 0


def figures(client, api, t, day: dt.date | None = None, units=None) -> dict:
    """What each reader shows of the counts (as the client's and the API's officer)."""
    on = {} if day is None else {"on": f"{day:%d/%m/%Y}"}
    api_on = {} if day is None else {"on": day.isoformat()}
    out = {}
    for unit in units or (t.vgcl, t.hanoi, t.melinh, t.school):
        page = client.get("/units/", {"unit": unit.pk, **on})
        assert page.status_code == 200
        out[f"tree {unit.code}"] = (
            [
                (c["unit"].code, c["sub_units"], c["cadres"], c["full_time"])
                for c in page.context["children"]
            ],
            page.context["totals"],
        )
        out[f"detail {unit.code}"] = client.get(f"/units/{unit.pk}/", on).context["counts"]
        unit_body = api.get(f"/units/{unit.pk}", api_on).json()
        out[f"api {unit.code}"] = unit_body["counts"]
        out[f"api children {unit.code}"] = api.get(f"/units/{unit.pk}/children", api_on).json()
    return out


def store_read(client, t, day=None) -> bool:
    with CaptureQueriesContext(connection) as queries:
        client.get("/units/", {} if day is None else {"on": f"{day:%d/%m/%Y}"})
    return any("units_subtreecount" in q["sql"] for q in queries.captured_queries)


def test_stored_counts_equal_the_live_count(client, posts, settings):
    t = posts
    client.force_login(t.admin)
    api = ApiClient(t.admin)
    live = figures(client, api, t)
    assert live["tree TLD"][1] == {"sub_units": 8, "cadres": 4, "full_time": 2}
    assert ("HN", 4, 3, 2) in live["tree TLD"][0]
    big_tree(settings)
    store = counts_store.build(today())
    assert store.status == CountStore.Status.DONE and store.changed_at is None
    assert store_read(client, t)
    assert figures(client, api, t) == live
    # The second tree's officer is counted from the store too, and sees only their tree.
    other = ApiClient(t.other_admin).get(f"/units/{t.other.pk}").json()["counts"]
    assert other == {"sub_units": 1, "cadres": 1, "full_time": 0}
    assert SubtreeCount.objects.filter(store=store).count() == 11


def test_a_past_day_is_counted_live_until_its_counts_are_stored(client, posts, settings):
    t = posts
    client.force_login(t.admin)
    api = ApiClient(t.admin)
    past_live = figures(client, api, t, PAST)
    assert past_live["tree TLD"][1]["cadres"] == 6  # the 2023 post and the one ended in 2025
    big_tree(settings)
    counts_store.build(today())
    # Today's store does not answer another day: counted live, and the worker asked for it.
    assert not store_read(client, t, PAST)
    assert CountStore.objects.filter(as_of=PAST, status=CountStore.Status.RUNNING).exists()
    counts_store.build(PAST)  # as the worker does
    assert store_read(client, t, PAST)
    assert figures(client, api, t, PAST) == past_live
    # Today's is kept beside it, and still read for today.
    assert CountStore.objects.filter(status=CountStore.Status.DONE).count() == 2
    assert store_read(client, t)


def test_an_officer_lower_down_reads_the_store_unless_a_placement_is_pending(
    client, posts, settings, django_capture_on_commit_callbacks
):
    t = posts
    hanoi = (t.hanoi, t.melinh, t.school)
    client.force_login(t.hanoi_officer)
    api = ApiClient(t.hanoi_officer)
    live = figures(client, api, t, units=hanoi)
    big_tree(settings)
    store = counts_store.build(today())
    assert store.exact_below
    assert store_read(client, t)
    assert figures(client, api, t, units=hanoi) == live
    # Đông Anh moves to Ninh Thuận next month: today it stands in Hà Nội, but Hà Nội's
    # officer no longer sees it (their scope is where units stand now) — counted live.
    with django_capture_on_commit_callbacks(execute=True):
        unit_move(
            user=SYSTEM,
            unit=t.donganh,
            new_parent=t.ninhthuan,
            effective_on=today() + dt.timedelta(days=30),
        )
    pending_live = figures(client, api, t, units=hanoi)
    assert pending_live["tree HN"][1]["sub_units"] == 2
    assert not counts_store.build(today()).exact_below
    assert not store_read(client, t)
    assert figures(client, api, t, units=hanoi) == pending_live
    # The confederation's officer still reads it: Đông Anh is under Hà Nội today.
    client.force_login(t.admin)
    assert store_read(client, t)
    assert client.get("/units/", {"unit": t.hanoi.pk}).context["totals"]["sub_units"] == 4


def test_a_changed_post_or_unit_marks_the_store_and_the_pages_count_live(
    client, posts, settings, django_capture_on_commit_callbacks
):
    t = posts
    big_tree(settings)
    client.force_login(t.admin)
    first = counts_store.build(today())
    with django_capture_on_commit_callbacks(execute=True):
        post(
            person(t.factory, "Bảy"), t.factory, t.member_role, dt.date(2024, 3, 1), full_time=True
        )
    first.refresh_from_db()
    assert first.changed_at is not None
    assert not store_read(client, t)
    totals = client.get("/units/").context["totals"]
    assert totals == {"sub_units": 8, "cadres": 5, "full_time": 3}
    # Counted again (as the worker does): read, and equal.
    second = counts_store.build(today())
    assert not CountStore.objects.filter(pk=first.pk).exists()
    assert store_read(client, t)
    assert client.get("/units/").context["totals"] == totals
    with django_capture_on_commit_callbacks(execute=True):
        unit_move(user=SYSTEM, unit=t.donganh, new_parent=t.ninhthuan, effective_on=today())
    second.refresh_from_db()
    assert second.changed_at is not None
    moved = client.get("/units/").context["children"]
    counts_store.build(today())
    assert store_read(client, t)
    assert client.get("/units/").context["children"] == moved


def test_the_daily_job_computes_the_days_counts(posts):
    now = timezone.now()
    keep_counts(None, now)
    store = CountStore.objects.get()
    assert store.as_of == timezone.localdate(now) and store.status == CountStore.Status.DONE
    keep_counts(None, now)  # done and unchanged: kept
    assert CountStore.objects.get().pk == store.pk
