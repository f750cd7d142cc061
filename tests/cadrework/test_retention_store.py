"""Stored retention figures (issue 22: "a national retention cohort over ten years is
precomputed like the targets' snapshots and kept current"): the figures of every unit for the
default question, read by the page and the API, equal those counted live — totals, groups,
units below, trend, and each narrowing the store holds — on a built history; a change to a
record marks them, and the next page counts them again; the daily job computes the day's.

003: "Bố trí, sử dụng cán bộ sau đào tạo phù hợp với trình độ, năng lực sở trường của cán bộ
công đoàn." — what the retention figures watch."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.access import SYSTEM
from cadrework import retention, retention_store
from cadrework.apps import keep_retention
from cadrework.models import RetentionStore
from lib.dates import today
from people.models import Role
from people.services import position_create
from targets.windows import add_months
from tests.api import ApiClient
from tests.cadrework.test_retention import cadre, train
from training.models import Programme, Topic
from units.models import Unit


def months_ago(n: int) -> dt.date:
    return add_months(today(), -n)


@pytest.fixture
def history(tree):
    """Cadres trained 30, 20 and 10 months ago and 5 years ago (the trend only), in Mê Linh's
    school, Đông Anh's factory, Hà Nội itself and Ninh Thuận: posts left (rotated,
    transferred, left) 3 to 25 months after, one moving to another union post, one retired,
    some staying; a programme, an organiser, two topics."""
    t = tree
    programme = Programme.objects.order_by("pk").first()
    h = SimpleNamespace(tree=t, programme=programme)
    plan = [
        (t.school, 30, 5, "rotated"),
        (t.school, 30, 13, "transferred"),
        (t.factory, 30, 25, "left"),
        (t.factory, 20, 7, "left"),
        (t.school, 20, 3, "retired"),
        (t.hanoi, 20, None, None),
        (t.school, 10, 4, "rotated"),
        (t.nt_grassroots, 10, 2, "transferred"),
        (t.nt_grassroots, 60, 6, "left"),
        (t.factory, 60, None, None),
    ]
    for i, (unit, ago, after, reason) in enumerate(plan):
        on = months_ago(ago)
        ended = (add_months(on, after), reason) if after else None
        person = cadre(unit, f"Người {i}", since=on - dt.timedelta(days=400), ended=ended)
        narrow = {"programme": programme, "organiser": t.melinh} if i % 2 else {}
        train(person, on=on, topics=("union_general", "labour_law")[: 1 + i % 2], **narrow)
        if i == 3:  # trained again later: counts once, from the first record
            train(person, on=months_ago(8))
    # One who moved to another union post the day after the first ended.
    mover = cadre(t.school, "Chuyển", since=months_ago(40), ended=(months_ago(24), "rotated"))
    cadre_post = mover.positions.get()
    position_create(
        user=SYSTEM,
        person=mover,
        unit=t.factory,
        role=Role.objects.get(code="executive_member"),
        start_date=cadre_post.end_date + dt.timedelta(days=1),
    )
    train(mover, on=months_ago(30))
    return h


def live(c: retention.Cohort, by: str) -> dict:
    return {
        "totals": retention.totals(c),
        "groups": retention.by_group(c, by),
        "units": retention.by_unit(c),
        "trend": retention.trend(c),
    }


def test_the_stored_figures_equal_those_counted_live(history):
    t = history.tree
    day = today()
    store = retention_store.build(day)
    national = retention_store.default_cohort(t.vgcl, day)
    figures = retention.totals(national)
    # The trend-only ones aside; with the tree's two class participants.
    assert figures.trained == 11
    assert any(w.left for w in figures.windows) and any(w.moved for w in figures.windows)
    for unit in Unit.objects.order_by("path"):
        c = retention_store.default_cohort(unit, day)
        for by in retention.GROUPINGS:
            assert retention_store.read(store, c, by) == live(c, by), (unit.code, by)
        # Each narrowing the store holds: the unit's own posts, one group, one trend year.
        asked = [
            c.narrowed(direct=True),
            c.narrowed(programme=history.programme),
            c.narrowed(programme=retention.NONE),
            c.narrowed(organiser=t.melinh),
            c.narrowed(organiser=retention.NONE),
            c.narrowed(topic=Topic.objects.get(code="labour_law")),
            *(
                c.narrowed(start=dt.date(y, 1, 1), end=dt.date(y, 12, 31))
                for y in retention.trend_years(c)
            ),
        ]
        for question in asked:
            assert retention_store.lookup(store, question) == retention.totals(question), (
                unit.code,
                question,
            )
    # Another period or day is not in the store: counted live.
    assert retention_store.lookup(store, national.narrowed(start=months_ago(12))) is None


def test_the_page_and_the_api_read_the_store(client, history):
    t = history.tree
    retention_store.build(today())
    client.force_login(t.hanoi_officer)
    response = client.get(reverse("cadrework:retention"), {"by": "topic"})
    assert response.status_code == 200
    assert response.context["store"] is not None
    c = retention_store.default_cohort(t.hanoi, today())
    figures = response.context["totals"]["row"].figures
    assert figures == retention.totals(c) and figures.trained == 9
    assert [line["row"] for line in response.context["units"]] == retention.by_unit(c)
    assert "Số liệu tính đến" in response.content.decode()
    # The list behind a figure is counted by the store, and holds as many people.
    for params, count in (({}, 9), ({"months": "24"}, None), ({"months": "6"}, None)):
        response = client.get(reverse("cadrework:retention_people"), params)
        months = int(params["months"]) if params else None
        listed = retention.people(c, months).count()
        assert response.context["page"].paginator.count == listed
        assert count is None or listed == count
    body = ApiClient(t.hanoi_officer).get(f"/units/{t.hanoi.pk}/retention?by=organiser").json()
    assert body["computed_at"] is not None
    assert body["totals"]["trained"] == 9
    # A day asked for is counted live.
    response = client.get(reverse("cadrework:retention"), {"on": f"{months_ago(1):%d/%m/%Y}"})
    assert response.context["store"] is None


def test_a_changed_record_marks_the_store_and_the_page_counts_again(
    client, history, django_capture_on_commit_callbacks
):
    t = history.tree
    first = retention_store.build(today())
    with django_capture_on_commit_callbacks(execute=True):
        person = cadre(t.melinh, "Mới", since=months_ago(50), ended=(months_ago(2), "left"))
        train(person, on=months_ago(9))
    first.refresh_from_db()
    assert first.changed_at is not None
    client.force_login(t.hanoi_officer)
    response = client.get(reverse("cadrework:retention"))
    store = response.context["store"]
    assert store.pk != first.pk and store.changed_at is None
    assert not RetentionStore.objects.filter(pk=first.pk).exists()
    c = retention_store.default_cohort(t.hanoi, today())
    assert response.context["totals"]["row"].figures == retention.totals(c)
    assert response.context["totals"]["row"].figures.trained == 10


def test_a_record_outside_the_stores_years_leaves_it_alone(
    history, django_capture_on_commit_callbacks
):
    person = cadre(history.tree.school, "Xưa")
    store = retention_store.build(today())
    with django_capture_on_commit_callbacks(execute=True):
        train(person, on=dt.date(2001, 5, 5))
    store.refresh_from_db()
    assert store.changed_at is None


def test_the_daily_job_computes_the_days_figures(history):
    now = timezone.now()
    keep_retention(None, now)
    store = RetentionStore.objects.get()
    assert store.as_of == timezone.localdate(now) and store.status == RetentionStore.Status.DONE
    keep_retention(None, now)  # done and unchanged: kept
    assert RetentionStore.objects.get().pk == store.pk
