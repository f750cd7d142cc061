"""Stored figures of "trained in basic union work" (issue 22: the statistics page and the
training-results API judged about a million cadres a request at national level): the figures
of every unit equal those counted live (training.selectors.basic_training), the page and the
API read them, a new record or a new post marks them and the next request counts them again,
another day is counted live, and the daily job computes the day's.

000: "100% cán bộ công đoàn chuyên trách và 80% cán bộ công đoàn cơ sở đã được bồi dưỡng cơ bản
về nghiệp vụ công tác công đoàn"."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from lib.dates import today
from tests.api import ApiClient
from tests.cadrework.test_retention import cadre, train
from training import basic_store
from training.apps import keep_basic_training
from training.models import BasicTrainingFigure, BasicTrainingStore
from training.selectors import basic_training
from units.models import Unit

Status = BasicTrainingStore.Status


def years_ago(n: int) -> dt.date:
    return today() - dt.timedelta(days=365 * n)


@pytest.fixture
def cadres(tree):
    """Cadres of Hà Nội, Mê Linh, its school, Đông Anh's factory and Ninh Thuận's union:
    full-time and part-time, trained in basic union work or not (another topic, a record
    marked invalid, one expired, one completed after today), one holding a full-time post in
    Mê Linh and a part-time one in the school, one whose post ended."""
    t = tree
    trained = {"topics": ("union_general",)}
    plan = [
        (t.hanoi, "chair", True, trained),
        (t.hanoi, "executive_member", True, None),
        (t.melinh, "vice_chair", True, {"topics": ("union_theory",)}),
        (t.melinh, "executive_member", False, trained),  # part-time above grassroots
        (t.school, "executive_member", False, trained),
        (t.school, "executive_member", False, {"topics": ("labour_law",)}),
        (t.school, "executive_member", True, {"topics": ("union_general",), "valid": False}),
        (t.factory, "chair", False, trained),
        (t.factory, "executive_member", False, None),
        (t.nt_grassroots, "executive_member", True, trained),
    ]
    for i, (unit, role, full_time, record) in enumerate(plan):
        person = cadre(unit, f"Người {i}", since=years_ago(3), role=role)
        person.positions.update(full_time=full_time)
        if record:
            train(person, on=years_ago(1), **record)
    both = cadre(t.melinh, "Hai chức", since=years_ago(2), role="vice_chair")
    both.positions.update(full_time=True)
    second = cadre(t.school, "Tạm", since=years_ago(2))
    second.positions.update(person=both)
    train(both, on=years_ago(1))
    expired = cadre(t.factory, "Hết hạn", since=years_ago(4))
    old = train(expired, on=years_ago(3))
    old.expires_on = years_ago(1)
    old.save(update_fields=["expires_on"])
    later = cadre(t.school, "Sau", since=years_ago(4))
    train(later, on=today() + dt.timedelta(days=10))
    gone = cadre(t.donganh, "Đã nghỉ", since=years_ago(4))
    gone.positions.update(full_time=True, end_date=years_ago(1))
    return SimpleNamespace(tree=t)


def stored(store, unit) -> dict:
    row = BasicTrainingFigure.objects.filter(store=store, unit=unit).first()
    if row is None:
        return {"full_time": (0, 0), "grassroots": (0, 0)}
    return {
        "full_time": (row.full_time_trained, row.full_time),
        "grassroots": (row.grassroots_trained, row.grassroots),
    }


def live(unit, day) -> dict:
    shares = basic_training(unit=unit, day=day)
    return {key: (s.trained, s.of) for key, s in shares.items()}


def test_the_stored_figures_equal_those_counted_live(cadres):
    t = cadres.tree
    day = today()
    store = basic_store.build(day)
    assert store.status == Status.DONE and store.as_of == day
    for unit in Unit.objects.order_by("path"):
        assert stored(store, unit) == live(unit, day), unit.code
    # Not a comparison of zeros: some trained and some not, at every level.
    for unit in (t.vgcl, t.hanoi, t.melinh):
        for trained, of in live(unit, day).values():
            assert 0 < trained < of, unit.code


def test_the_page_and_the_api_read_the_stored_figures(client, cadres):
    t = cadres.tree
    store = basic_store.build(today())
    # The store, not a live count, answers: a figure changed by hand shows.
    BasicTrainingFigure.objects.filter(store=store, unit=t.hanoi).update(full_time=99)
    trained = live(t.hanoi, today())["full_time"][0]
    client.force_login(t.hanoi_officer)
    response = client.get(reverse("training:statistics"))
    assert response.status_code == 200
    shares = {key: share for key, _label, share in response.context["basic"]}
    assert (shares["full_time"].trained, shares["full_time"].of) == (trained, 99)
    body = ApiClient(t.hanoi_officer).get(
        f"/units/{t.hanoi.pk}/training-results?from_year={today().year}"
    )
    assert body.status_code == 200
    assert body.json()["basic_training"]["full_time"] == {
        "cadres": 99,
        "trained": trained,
        "percent": f"{100 * trained / 99:.1f}",
    }


def test_without_current_figures_the_page_counts_live_and_asks_the_worker(client, cadres):
    t = cadres.tree
    client.force_login(t.hanoi_officer)
    response = client.get(reverse("training:statistics"))
    shares = {key: (s.trained, s.of) for key, _label, s in response.context["basic"]}
    assert shares == live(t.hanoi, today())
    asked = BasicTrainingStore.objects.get()  # queued for the worker, not computed here
    assert asked.as_of == today() and asked.status == Status.RUNNING
    client.get(reverse("training:statistics"))  # asked once, not again
    assert BasicTrainingStore.objects.count() == 1
    basic_store.build_basic_training.call(today().isoformat(), asked.pk)  # the worker's run
    asked.refresh_from_db()
    assert asked.status == Status.DONE
    BasicTrainingFigure.objects.filter(store=asked, unit=t.hanoi).update(grassroots=99)
    response = client.get(reverse("training:statistics"))
    assert {key: s.of for key, _label, s in response.context["basic"]}["grassroots"] == 99


@pytest.mark.parametrize("change", ["record", "post"])
def test_a_change_marks_the_store_and_the_next_request_counts_again(
    client, cadres, change, django_capture_on_commit_callbacks
):
    t = cadres.tree
    first = basic_store.build(today())
    before = live(t.hanoi, today())
    with django_capture_on_commit_callbacks(execute=True):
        if change == "record":
            untrained = t.school.positions.filter(
                person__given_name="Người 5"
            ).get()  # labour law only
            train(untrained.person, on=years_ago(1))
        else:
            newcomer = cadre(t.melinh, "Mới", since=years_ago(1), role="vice_chair")
            newcomer.positions.update(full_time=True)
    first.refresh_from_db()
    assert first.changed_at is not None
    after = live(t.hanoi, today())
    assert after != before
    client.force_login(t.hanoi_officer)
    response = client.get(reverse("training:statistics"))  # counted live, the worker asked
    shares = {key: (s.trained, s.of) for key, _label, s in response.context["basic"]}
    assert shares == after
    asked = BasicTrainingStore.objects.get(status=Status.RUNNING)
    store = basic_store.build(today(), asked)
    assert not BasicTrainingStore.objects.filter(pk=first.pk).exists()
    for unit in Unit.objects.all():
        assert stored(store, unit) == live(unit, today()), unit.code


def test_a_past_years_figures_are_kept_once_asked_and_another_day_is_counted_live(
    client, cadres, django_capture_on_commit_callbacks
):
    t = cadres.tree
    last_year = today().year - 1
    year_end = dt.date(last_year, 12, 31)
    client.force_login(t.hanoi_officer)
    params = {"from": f"01/01/{last_year}", "to": f"31/12/{last_year}"}

    def page(**asked) -> dict:
        response = client.get(reverse("training:statistics"), {**params, **asked})
        return {key: (s.trained, s.of) for key, _label, s in response.context["basic"]}

    assert page() == live(t.hanoi, year_end)  # counted live, the worker asked
    asked = BasicTrainingStore.objects.get(status=Status.RUNNING)
    assert asked.as_of == year_end
    today_store = basic_store.build(today())
    basic_store.build(year_end, asked)  # the worker's run; today's figures stay
    assert BasicTrainingStore.objects.filter(pk=today_store.pk).exists()
    for unit in Unit.objects.all():
        assert stored(asked, unit) == live(unit, year_end), unit.code
    # Read from the store (a figure changed by hand shows), by the page and the API.
    BasicTrainingFigure.objects.filter(store=asked, unit=t.hanoi).update(full_time=99)
    assert page()["full_time"][1] == 99
    body = ApiClient(t.hanoi_officer).get(
        f"/units/{t.hanoi.pk}/training-results?from_year={last_year}"
    )
    assert body.json()["basic_training"]["full_time"]["cadres"] == 99
    # A record completed this year leaves the past year's figures alone; today's are marked.
    person = t.school.positions.get(person__given_name="Người 5").person
    with django_capture_on_commit_callbacks(execute=True):
        train(person, on=today())
    asked.refresh_from_db()
    today_store.refresh_from_db()
    assert (asked.changed_at, today_store.changed_at is not None) == (None, True)
    # One completed within that year marks them: counted live again.
    with django_capture_on_commit_callbacks(execute=True):
        train(person, on=dt.date(last_year, 6, 1))
    asked.refresh_from_db()
    assert asked.changed_at is not None
    assert page() == live(t.hanoi, year_end)
    # Another day than a year's end: counted live, nothing asked.
    before = BasicTrainingStore.objects.count()
    middle = {"to": f"30/06/{last_year}"}
    assert page(**middle) == live(t.hanoi, dt.date(last_year, 6, 30))
    assert BasicTrainingStore.objects.count() == before


def test_the_daily_job_computes_the_days_figures(cadres):
    now = timezone.now()
    keep_basic_training(None, now)
    store = BasicTrainingStore.objects.get()
    assert store.as_of == timezone.localdate(now) and store.status == Status.DONE
    keep_basic_training(None, now)  # done and unchanged: kept
    assert BasicTrainingStore.objects.get().pk == store.pk


def test_imported_records_mark_the_store_as_one_record_does(
    tree, django_capture_on_commit_callbacks
):
    from imports.models import ImportStatus
    from tests.imports.helpers import import_file, xlsx_bytes
    from tests.imports.test_records_bulk import HEADER, as_row, given

    records = given(tree)
    store = basic_store.build(today())
    with django_capture_on_commit_callbacks(execute=True):
        job = import_file(tree.hanoi_officer, "records", xlsx_bytes([HEADER, as_row(records[1])]))
    assert job.status == ImportStatus.DONE, job.problems
    store.refresh_from_db()
    assert store.changed_at is not None
    shares = basic_store.shares(unit=tree.hanoi, day=today())
    assert {k: (s.trained, s.of) for k, s in shares.items()} == live(tree.hanoi, today())
