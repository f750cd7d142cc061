"""Retention after training (000): people trained on 15/03/2022 whose posts end exactly 5, 6, 7,
12 and 25 months later, at the 6/12/24-month boundaries; retirement and the end of a term are
not leaving; month ends clamp; a person trained twice counts once; windows not yet closed are
not known; the trend per year; the list behind every figure; scope; a bounded number of
queries."""

import datetime as dt
import io
from decimal import Decimal
from types import SimpleNamespace

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import gettext

from accounts.access import SYSTEM
from cadrework import retention
from cadrework.retention import Cohort, months_after
from people.models import Role
from people.services import person_create, position_create, position_end
from targets.windows import add_months
from training.models import Programme, Topic, TrainingRecord
from training.services import external_record_create

TRAINED = dt.date(2022, 3, 15)
LATER = dt.date(2025, 1, 1)  # every window of March 2022 has closed
MARCH = (dt.date(2022, 3, 1), dt.date(2022, 3, 31))


def cadre(
    unit,
    name: str,
    *,
    since=dt.date(2020, 1, 1),
    role="executive_member",
    ended: tuple[dt.date, str] | None = None,
    birth=dt.date(1985, 1, 1),
):
    person = person_create(
        user=SYSTEM,
        unit=unit,
        family_name="Nguyễn",
        middle_name="Thị",
        given_name=name,
        gender="female",
        birth_date=birth,
    )
    post = position_create(
        user=SYSTEM, person=person, unit=unit, role=Role.objects.get(code=role), start_date=since
    )
    if ended:
        position_end(user=SYSTEM, position=post, end_date=ended[0], end_reason=ended[1])
    return person


def train(
    person, on=TRAINED, topics=("union_general",), programme=None, organiser=None, valid=True
) -> TrainingRecord:
    record = external_record_create(
        user=SYSTEM,
        person=person,
        title=f"Bồi dưỡng {on:%m/%Y}",
        hours=16,
        completed_on=on,
        form="on_site",
        topics=[Topic.objects.get(code=c) for c in topics],
    )
    TrainingRecord.objects.filter(pk=record.pk).update(
        programme=programme, organiser=organiser, valid=valid
    )
    record.refresh_from_db()
    return record


def after(months: int, day=TRAINED) -> dt.date:
    return add_months(day, months)


@pytest.fixture
def world(tree):
    """`build_world`, built once and replayed in each test (tests/snapshot.py)."""
    from tests import snapshot

    w = snapshot.shared("retention_world", lambda: build_world(tree))
    w.tree = tree
    return w


def build_world(tree):
    """Trained on 15/03/2022 (Mê Linh's school unless said): posts ending 5 (rotated), 6
    (transferred), 7 (left, Đông Anh), 12 (rotated) and 25 (transferred, Đông Anh) months
    later; one retired and one whose term ended (3 months); one staying; one with a post in
    Hà Nội itself; one with no post that day; one with an invalid record; one in Ninh Thuận."""
    w = SimpleNamespace(tree=tree)
    w.programme = Programme.objects.order_by("pk").first()
    w.m5 = cadre(tree.school, "Năm", ended=(after(5), "rotated"))
    w.m6 = cadre(tree.school, "Sáu", ended=(after(6), "transferred"))
    w.m7 = cadre(tree.factory, "Bảy", ended=(after(7), "left"))
    w.m12 = cadre(tree.school, "Mười Hai", ended=(after(12), "rotated"))
    w.m25 = cadre(tree.factory, "Hai Lăm", ended=(after(25), "transferred"))
    w.retired = cadre(tree.school, "Hưu", ended=(after(3), "retired"))
    w.term = cadre(tree.school, "Khóa", ended=(after(3), "term_ended"))
    w.stays = cadre(tree.school, "Ở Lại")
    w.city = cadre(tree.hanoi, "Thành Phố", role="vice_chair")
    w.no_post = cadre(
        tree.school, "Chưa Giữ", since=dt.date(2022, 4, 1), ended=(dt.date(2022, 5, 1), "rotated")
    )
    w.invalid = cadre(tree.school, "Hủy", ended=(after(2), "rotated"))
    w.outsider = cadre(tree.nt_grassroots, "Ninh", ended=(after(5), "rotated"))
    w.records = {}
    for person in (w.m5, w.m6, w.m7):
        w.records[person.pk] = train(
            person,
            topics=("union_general", "labour_law"),
            programme=w.programme,
            organiser=tree.melinh,
        )
    for person in (w.m12, w.m25, w.retired, w.term, w.stays, w.city, w.no_post, w.outsider):
        w.records[person.pk] = train(person)
    train(w.invalid, valid=False)
    w.counted = {w.m5, w.m6, w.m7, w.m12, w.m25, w.retired, w.term, w.stays, w.city}
    return w


def cohort(unit, start=MARCH[0], end=MARCH[1], as_of=LATER, **narrowing) -> Cohort:
    return Cohort(unit=unit, start=start, end=end, as_of=as_of, **narrowing)


def lefts(figures) -> tuple:
    return tuple(w.left for w in figures.windows)


def names(rows) -> set[str]:
    return {r.person.given_name for r in rows}


# --- definitions --------------------------------------------------------------------------


def test_moves_at_5_6_7_12_and_25_months_fall_in_the_right_windows(world):
    figures = retention.totals(cohort(world.tree.hanoi))
    assert figures.trained == 9  # no post that day, invalid record, Ninh Thuận: not counted
    assert lefts(figures) == (2, 4, 4)
    assert [w.known for w in figures.windows] == [9, 9, 9]
    assert [w.percent for w in figures.windows] == [
        Decimal("22.2"),
        Decimal("44.4"),
        Decimal("44.4"),
    ]
    assert all(w.is_known and w.complete for w in figures.windows)


def test_a_move_exactly_n_months_after_counts_within_n(world):
    rows = retention.people(cohort(world.tree.hanoi), 6)
    assert names(rows) == {"Năm", "Sáu"}
    months = {r.person.given_name: retention.describe(r)["months"] for r in rows}
    assert months == {"Năm": 5, "Sáu": 6}
    assert names(retention.people(cohort(world.tree.hanoi), 12)) == {
        "Năm",
        "Sáu",
        "Bảy",
        "Mười Hai",
    }


def test_retirement_and_the_end_of_a_term_are_not_leaving(world):
    for months in retention.WINDOWS:
        left = names(retention.people(cohort(world.tree.hanoi), months))
        assert not left & {"Hưu", "Khóa", "Ở Lại", "Thành Phố"}


def test_month_ends_clamp(tree):
    """31/08 + 6 months is 28/02 (29/02 in a leap year): a move that day is within 6 months,
    one the day after is not."""
    clamped = cadre(tree.school, "Hai Tám", ended=(dt.date(2023, 2, 28), "rotated"))
    day_after = cadre(tree.school, "Mùng Một", ended=(dt.date(2023, 3, 1), "rotated"))
    leap = cadre(tree.school, "Nhuận", ended=(dt.date(2024, 2, 29), "transferred"))
    for person in (clamped, day_after):
        train(person, on=dt.date(2022, 8, 31))
    train(leap, on=dt.date(2023, 8, 31))
    c = cohort(tree.hanoi, dt.date(2022, 8, 1), dt.date(2023, 8, 31), dt.date(2030, 1, 1))
    assert retention.totals(c).trained == 3
    assert lefts(retention.totals(c)) == (2, 3, 3)
    assert names(retention.people(c, 6)) == {"Hai Tám", "Nhuận"}
    assert months_after(dt.date(2022, 8, 31), dt.date(2023, 2, 28)) == 6
    assert months_after(dt.date(2022, 8, 31), dt.date(2023, 2, 27)) == 5
    assert months_after(dt.date(2023, 8, 31), dt.date(2024, 2, 29)) == 6


def test_sql_windows_agree_with_add_months_on_awkward_days(tree):
    """The database's comparison against Python's calendar arithmetic, at ±1 day of each
    boundary, for month ends and the 29th–31st."""
    cases = []
    for i, day in enumerate(
        [
            dt.date(2022, 1, 31),
            dt.date(2022, 1, 29),
            dt.date(2022, 3, 31),
            dt.date(2022, 5, 30),
            dt.date(2022, 12, 31),
            dt.date(2023, 8, 29),
        ]
    ):
        for months in retention.WINDOWS:
            for shift in (-1, 0, 1):
                end = add_months(day, months) + dt.timedelta(days=shift)
                person = cadre(tree.factory, f"T{i}-{months}-{shift}", ended=(end, "left"))
                train(person, on=day)
                cases.append((day, end))
    c = cohort(tree.hanoi, dt.date(2022, 1, 1), dt.date(2023, 12, 31), dt.date(2030, 1, 1))
    expected = tuple(
        sum(1 for day, end in cases if end <= add_months(day, n)) for n in retention.WINDOWS
    )
    assert lefts(retention.totals(c)) == expected
    assert retention.totals(c).trained == len(cases)


def test_a_person_trained_twice_counts_once_from_the_first_record(tree):
    twice = cadre(tree.school, "Hai Lần", ended=(dt.date(2023, 9, 1), "rotated"))
    train(twice, on=TRAINED)
    train(twice, on=dt.date(2023, 6, 1))  # 3 months before the move: not the anchor
    c = cohort(tree.hanoi, dt.date(2022, 1, 1), dt.date(2023, 12, 31))
    figures = retention.totals(c)
    assert figures.trained == 1
    assert lefts(figures) == (0, 0, 1)  # 17½ months after the first training
    [row] = retention.people(c, 24)
    assert row.completed_on == TRAINED and retention.describe(row)["months"] == 17


def test_a_window_is_not_known_before_it_closes(world):
    hanoi = world.tree.hanoi
    early = retention.totals(cohort(hanoi, as_of=dt.date(2022, 9, 14)))
    assert early.trained == 9 and not any(w.is_known for w in early.windows)
    assert early.window(6).percent is None
    on_the_day = retention.totals(cohort(hanoi, as_of=after(6)))
    assert on_the_day.window(6).is_known and on_the_day.window(6).left == 2
    assert not on_the_day.window(12).is_known and not on_the_day.window(24).is_known
    assert retention.people(cohort(hanoi, as_of=after(6)), 12).count() == 0


def test_a_window_known_for_part_of_the_period_says_for_how_many(world):
    late = cadre(world.tree.school, "Tháng Tám", ended=(dt.date(2022, 10, 1), "rotated"))
    train(late, on=dt.date(2022, 8, 31))
    c = cohort(
        world.tree.hanoi, dt.date(2022, 3, 1), dt.date(2022, 8, 31), as_of=dt.date(2023, 3, 20)
    )
    w12 = retention.totals(c).window(12)
    assert (w12.trained, w12.known, w12.left, w12.complete) == (10, 9, 4, False)
    w6 = retention.totals(c).window(6)
    assert (w6.known, w6.left, w6.complete) == (10, 3, True)


# --- groups, units, trend -----------------------------------------------------------------


def test_by_programme_topic_and_organiser(world):
    c = cohort(world.tree.hanoi)
    by_programme = {
        r.label: (r.figures.trained, lefts(r.figures)) for r in retention.by_group(c, "programme")
    }
    assert by_programme == {
        world.programme.name: (3, (2, 3, 3)),
        gettext("No programme"): (6, (0, 1, 1)),
    }
    by_topic = {
        r.params["topic"]: (r.figures.trained, lefts(r.figures))
        for r in retention.by_group(c, "topic")
    }
    # A record with two topics counts under each.
    assert by_topic == {"union_general": (9, (2, 4, 4)), "labour_law": (3, (2, 3, 3))}
    by_organiser = {
        r.key: (r.figures.trained, lefts(r.figures)) for r in retention.by_group(c, "organiser")
    }
    assert by_organiser == {world.tree.melinh.pk: (3, (2, 3, 3)), None: (6, (0, 1, 1))}


def test_per_unit_below_and_the_unit_itself(world):
    rows = {
        r.label: (r.figures.trained, lefts(r.figures), r.params)
        for r in retention.by_unit(cohort(world.tree.hanoi))
    }
    tree = world.tree
    assert rows[tree.melinh.name][:2] == (6, (2, 3, 3))
    assert rows[tree.donganh.name][:2] == (2, (0, 1, 1))
    itself = gettext("%(name)s (the unit itself)") % {"name": tree.hanoi.name}
    assert rows[itself][:2] == (1, (0, 0, 0)) and rows[itself][2]["direct"] == "1"
    # Ninh Thuận counts its own.
    assert lefts(retention.totals(cohort(tree.ninhthuan))) == (1, 1, 1)


def test_trend_per_year_each_year_its_own_cohort(world):
    tree = world.tree
    twice = cadre(tree.school, "Hai Lần", ended=(dt.date(2023, 9, 1), "rotated"))
    train(twice, on=TRAINED)
    train(twice, on=dt.date(2023, 6, 1))
    c = cohort(tree.hanoi, dt.date(2022, 1, 1), dt.date(2024, 12, 31))
    trend = {r.key: r.figures for r in retention.trend(c)}
    assert list(trend) == list(range(2018, 2026))  # the 8 years up to the as-of day's
    assert trend[2022].trained == 10 and lefts(trend[2022]) == (2, 4, 5)
    # 2023: the second training is its year's anchor, 3 months before the move.
    assert trend[2023].trained == 1 and lefts(trend[2023]) == (1, 1, 0)
    assert not trend[2023].window(24).is_known  # 01/06/2025 is after the as-of day
    assert trend[2024].trained == 1  # the Mê Linh class of April 2024 (fixture)
    assert trend[2019].trained == 0 and not trend[2019].window(6).known
    assert trend[2025].trained == 0


def test_the_list_behind_every_figure_equals_the_figure(world):
    c = cohort(world.tree.hanoi)
    tables = (
        [("total", retention.Row(None, "", retention.totals(c), {}))]
        + [("programme", r) for r in retention.by_group(c, "programme")]
        + [("topic", r) for r in retention.by_group(c, "topic")]
        + [("organiser", r) for r in retention.by_group(c, "organiser")]
        + [("unit", r) for r in retention.by_unit(c)]
    )
    topics = {t.code: t for t in Topic.objects.all()}
    checked = 0
    for kind, row in tables:
        narrowed = c
        for name, value in row.params.items():
            if name == "programme":
                narrowed = narrowed.narrowed(
                    programme=value if value == retention.NONE else Programme.objects.get(pk=value)
                )
            elif name == "topic":
                narrowed = narrowed.narrowed(topic=topics[value])
            elif name == "organiser":
                narrowed = narrowed.narrowed(
                    organiser=value if value == retention.NONE else world.tree.melinh
                )
            elif name == "unit":
                narrowed = narrowed.narrowed(unit=type(c.unit).objects.get(pk=value))
            elif name == "direct":
                narrowed = narrowed.narrowed(direct=True)
        assert retention.people(narrowed).count() == row.figures.trained, (kind, row.label)
        for w in row.figures.windows:
            assert retention.people(narrowed, w.months).count() == w.left, (kind, row.label)
            checked += 1
    assert checked >= 30
    assert {r.person_id for r in retention.people(c)} == {p.pk for p in world.counted}


def test_the_list_shows_the_post_left(world):
    [row] = [
        r for r in retention.people(cohort(world.tree.hanoi), 24) if r.person_id == world.m7.pk
    ]
    shown = retention.describe(row)
    assert row.post_unit_name == world.tree.factory.name
    assert row.post_end == after(7) and shown["months"] == 7
    assert (
        shown["reason"] == gettext("Left")
        and shown["role"] == Role.objects.get(code="executive_member").name
    )
    assert row.completed_on == TRAINED and row.pk == world.records[world.m7.pk].pk


# --- pages --------------------------------------------------------------------------------

PERIOD = {"from": "01/03/2022", "to": "31/03/2022", "on": "01/01/2025"}


def page(client, user, name="cadrework:retention", **params):
    client.force_login(user)
    return client.get(reverse(name), params)


def test_figures_page(client, world):
    tree = world.tree
    response = page(client, tree.hanoi_officer, unit=tree.hanoi.pk, by="topic", **PERIOD)
    assert response.status_code == 200
    totals = response.context["totals"]["row"].figures
    assert totals.trained == 9 and lefts(totals) == (2, 4, 4)
    body = response.content.decode()
    assert tree.melinh.name in body and tree.donganh.name in body
    assert reverse("cadrework:retention_people") in body
    # Default: the user's own unit.
    response = page(client, tree.melinh_officer, **PERIOD)
    assert response.context["unit"] == tree.melinh
    assert response.context["totals"]["row"].figures.trained == 6


def test_figures_page_before_the_windows_close(client, world):
    response = page(
        client, world.tree.hanoi_officer, unit=world.tree.hanoi.pk, **{**PERIOD, "on": "01/10/2022"}
    )
    assert response.status_code == 200
    assert gettext("not yet known") in response.content.decode()
    assert [w.is_known for w in response.context["totals"]["row"].figures.windows] == [
        True,
        False,
        False,
    ]


def test_list_page_and_its_export(client, world):
    tree = world.tree
    response = page(
        client,
        tree.hanoi_officer,
        "cadrework:retention_people",
        unit=tree.hanoi.pk,
        months="12",
        **PERIOD,
    )
    assert response.status_code == 200
    assert names(response.context["page"].object_list) == {"Năm", "Sáu", "Bảy", "Mười Hai"}
    assert world.m7.full_name in response.content.decode()
    response = page(
        client,
        tree.hanoi_officer,
        "cadrework:retention_people",
        unit=tree.hanoi.pk,
        months="12",
        format="xlsx",
        **PERIOD,
    )
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    values = [[c for c in row] for row in book.active.iter_rows(values_only=True)]
    people_rows = [r for r in values if r and r[0] in {p.full_name for p in world.counted}]
    assert len(people_rows) == 4
    assert {r[-1] for r in people_rows} == {5, 6, 7, 12}


def test_list_page_narrowed_to_a_group_and_to_the_unit_itself(client, world):
    tree = world.tree
    response = page(
        client,
        tree.hanoi_officer,
        "cadrework:retention_people",
        unit=tree.hanoi.pk,
        programme="none",
        **PERIOD,
    )
    assert names(response.context["page"].object_list) == {
        "Mười Hai",
        "Hai Lăm",
        "Hưu",
        "Khóa",
        "Ở Lại",
        "Thành Phố",
    }
    response = page(
        client,
        tree.hanoi_officer,
        "cadrework:retention_people",
        unit=tree.hanoi.pk,
        direct="1",
        **PERIOD,
    )
    assert names(response.context["page"].object_list) == {"Thành Phố"}
    response = page(
        client,
        tree.hanoi_officer,
        "cadrework:retention_people",
        unit=tree.hanoi.pk,
        organiser=str(tree.melinh.pk),
        months="6",
        **PERIOD,
    )
    assert names(response.context["page"].object_list) == {"Năm", "Sáu"}


def test_figures_export(client, world):
    response = page(
        client, world.tree.hanoi_officer, unit=world.tree.hanoi.pk, format="xlsx", **PERIOD
    )
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.active.iter_rows(values_only=True))
    total = next(r for r in rows if r[0] == gettext("Total") and isinstance(r[1], int))
    assert total[1] == 9 and (total[3], total[7], total[11]) == (2, 4, 4)  # left, per window


@pytest.mark.parametrize(
    "bad",
    [
        {"from": "32/13/2022"},
        {"to": "hôm qua"},
        {"from": "01/01/2023", "to": "01/01/2022"},
        {"on": "01/01/0001"},
        {"programme": "999999999999999999999"},
        {"organiser": "abc"},
        {"months": "7"},
        {"topic": "nope"},
        {"by": "colour"},
        {"page": "x"},
    ],
)
def test_bad_input_is_named_and_the_default_used(client, world, bad):
    for name in ("cadrework:retention", "cadrework:retention_people"):
        response = page(client, world.tree.hanoi_officer, name, unit=world.tree.hanoi.pk, **bad)
        assert response.status_code == 200, (name, bad)
        if "page" not in bad:
            assert response.context["errors"], (name, bad)
    response = page(
        client, world.tree.hanoi_officer, unit=world.tree.hanoi.pk, **{"from": "32/13/2022"}
    )
    body = response.content.decode()
    assert gettext("Enter a valid date.") in body and gettext("From") in body


def test_pages_are_scoped(client, world):
    tree = world.tree
    for name in ("cadrework:retention", "cadrework:retention_people"):
        assert page(client, tree.melinh_officer, name, unit=tree.hanoi.pk).status_code == 404
        assert page(client, tree.nt_officer, name, unit=tree.school.pk).status_code == 404
        assert page(client, tree.melinh_officer, name, unit="x").status_code == 404
        assert (
            page(client, tree.melinh_officer, name, unit="99999999999999999999999").status_code
            == 404
        )
        assert page(client, tree.cadre, name).status_code == 403
    # Ninh Thuận's figures never show Hà Nội's people.
    response = page(client, tree.nt_officer, "cadrework:retention_people", **PERIOD)
    assert names(response.context["page"].object_list) == {"Ninh"}


def test_an_organiser_outside_the_users_reach_is_refused(client, world):
    response = page(
        client,
        world.tree.melinh_officer,
        "cadrework:retention_people",
        organiser=str(world.tree.ninhthuan.pk),
        **PERIOD,
    )
    assert response.status_code == 200 and response.context["errors"]
    assert world.tree.ninhthuan.name not in response.content.decode()


# --- a bounded number of queries ----------------------------------------------------------


def grow(tree, n: int, prefix: str) -> None:
    """n more people trained on 15/03/2022 in Mê Linh's school, each leaving a post."""
    for i in range(n):
        reason = ("rotated", "transferred", "left")[i % 3]
        person = cadre(
            tree.school if i % 2 else tree.factory,
            f"{prefix}{i}",
            ended=(after(1 + i % 24), reason),
        )
        train(person, topics=("union_general", "osh"))


def count_queries(client, url: str, params: dict) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200, url
    return len(captured)


def test_pages_cost_the_same_queries_with_5_or_50_trained(client, tree):
    client.force_login(tree.hanoi_officer)
    urls = [(reverse("cadrework:retention"), {"by": by}) for by in retention.GROUPINGS] + [
        (reverse("cadrework:retention_people"), {"months": "24"}),
        (reverse("cadrework:retention_people"), {}),
        (reverse("cadrework:retention_people"), {"months": "6", "format": "xlsx"}),
    ]
    grow(tree, 5, "A")
    small = [count_queries(client, url, {**PERIOD, **params}) for url, params in urls]
    grow(tree, 45, "B")
    large = [count_queries(client, url, {**PERIOD, **params}) for url, params in urls]
    assert small == large
    assert max(large) <= 25
