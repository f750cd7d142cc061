"""Training that expires no longer counts (issue 24 §5): "a record past its validity no longer
counts, … and the needs list shows who lapses in the next 90 days".

Ninh Thuận's resolution (001) on a small tree: T-001-3a asks every full-time cadre to be
"được đào tạo lý luận nghiệp vụ công đoàn" within the term. An's union-theory course of
01/03/2024 is valid through 28/02/2025; Bình's, the same day, does not expire."""

import datetime as dt

import pytest

from targets import selectors, snapshots
from targets.engine import person_obligations, person_targets, unit_counts
from targets.models import Target, TargetFigure
from tests.conftest import make_user
from tests.targets.test_edges import D, person, post
from training.models import Topic
from training.services import external_record_create
from units.selectors import version_on

LAST_DAY = D(2025, 2, 28)
DAY_AFTER = D(2025, 3, 1)


def _record(who, completed, expires, topic="union_theory", title=None):
    from accounts.access import SYSTEM

    return external_record_create(
        user=SYSTEM,
        person=who,
        title=title or f"Lý luận, nghiệp vụ công đoàn {completed:%d/%m/%Y}",
        topics=list(Topic.objects.filter(code=topic)),
        hours=16,
        completed_on=completed,
        form="on_site",
        expires_on=expires,
    )


def _build():
    from tests.conftest import make_unit

    vgcl = make_unit("TLD", "Tổng Liên đoàn Lao động Việt Nam", "confederation", None)
    province = make_unit("NT", "Liên đoàn Lao động tỉnh Ninh Thuận", "provincial_federation", vgcl)
    Target.objects.filter(document__code="001").update(scope_unit=province, active=True)
    an, binh = person(province, "An"), person(province, "Bình")
    for who in (an, binh):
        post(who, province, "advisory_staff", D(2024, 1, 1), full_time=True)
    expiring = _record(an, D(2024, 3, 1), LAST_DAY)
    _record(binh, D(2024, 3, 1), None)
    return {
        "vgcl": vgcl,
        "province": province,
        "an": an,
        "binh": binh,
        "expiring": expiring,
        "officer": make_user("ninhthuan_validity", province),
    }


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module, rolled back after it."""
    from django.db import transaction

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield _build()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _status(who, day):
    return next(o for o in person_obligations(who, day) if o.target.code == "T-001-3a")


def _counts(world, day):
    target = next(t for t in person_targets(day) if t.code == "T-001-3a")
    return unit_counts(target, day)[world["province"].pk]


def test_a_record_counts_on_its_last_valid_day_and_not_the_day_after(db, world):
    on_last = _status(world["an"], LAST_DAY)
    assert (on_last.status, on_last.record) == ("met", world["expiring"])
    after = _status(world["an"], DAY_AFTER)
    assert (after.status, after.record) == ("due", None)
    assert _status(world["binh"], DAY_AFTER).status == "met"  # training that does not expire
    # The unit's figure says the same as the people's obligations: eligible, met, overdue, late.
    assert _counts(world, LAST_DAY) == (2, 2, 0, 0)
    assert _counts(world, DAY_AFTER) == (2, 1, 0, 0)


def test_the_sql_kept_for_one_day_is_not_reused_for_the_next(db, world):
    """lib.compiled keys a target's SQL by the day asked: the day after is compiled for
    itself, whichever day is asked first."""
    assert _counts(world, DAY_AFTER) == (2, 1, 0, 0)
    assert _counts(world, LAST_DAY) == (2, 2, 0, 0)
    assert _status(world["an"], DAY_AFTER).status == "due"
    assert _status(world["an"], LAST_DAY).status == "met"


def test_each_days_stored_figures_say_what_the_engine_says_that_day(db, world):
    """A snapshot is dated: the last valid day's figures keep counting An, the next day's
    do not — no invalidation is needed when a record lapses."""
    target = Target.objects.get(code="T-001-3a")
    for day, met in ((LAST_DAY, 2), (DAY_AFTER, 1)):
        snapshot = snapshots.compute(day)
        figure = TargetFigure.objects.get(snapshot=snapshot, target=target, unit=world["province"])
        assert (figure.eligible, figure.met) == (2, met)


# --- the needs list: who lapses in the next 90 days -----------------------------------------


@pytest.fixture
def lapsing_world(db, world):
    """Records of Bình's ending on the day asked, 90 and 91 days after it and the day before
    (in a topic without a validity of its own: the day is the certificate's), and An's OSH
    course renewed by a later one lasting beyond it."""
    day = D(2025, 6, 1)
    in_90 = _record(
        world["binh"], D(2024, 9, 1), day + dt.timedelta(days=90), "labour_law", "ATVSLĐ 90"
    )
    _record(world["binh"], D(2024, 9, 2), day + dt.timedelta(days=91), "labour_law", "ATVSLĐ 91")
    _record(world["binh"], D(2024, 9, 3), day - dt.timedelta(days=1), "labour_law", "ATVSLĐ hết")
    today_last = _record(world["binh"], D(2024, 9, 4), day, "labour_law", "Pháp luật lao động")
    renewed = _record(world["an"], D(2024, 7, 1), day + dt.timedelta(days=10), "osh", "Cũ")
    _record(world["an"], D(2025, 5, 1), day + dt.timedelta(days=400), "osh", "Mới")
    Topic.objects.filter(code="osh").update(validity_months=24)
    return day, [today_last, in_90], renewed


def test_the_needs_list_shows_who_lapses_within_90_days_and_not_91(client, world, lapsing_world):
    day, expected, _renewed = lapsing_world
    node = version_on(world["province"], day)
    assert list(selectors.lapsing(node, day)) == expected
    client.force_login(world["officer"])
    page = client.get("/targets/needs/", {"unit": world["province"].pk, "on": "01/06/2025"})
    body = page.content.decode()
    section = body[body.index('id="needs-lapsing"') :]
    assert "Sắp hết hiệu lực trong 90 ngày" in section and "(2 quá trình đào tạo)" in section
    assert "ATVSLĐ 90" in section and "30/08/2025" in section
    assert "Pháp luật lao động" in section and "01/06/2025" in section
    for left_out in ("ATVSLĐ 91", "ATVSLĐ hết", "Cũ"):
        assert left_out not in section, left_out
    export = client.get(
        "/targets/needs/",
        {"unit": world["province"].pk, "on": "2025-06-01", "lapsing": "1", "format": "csv"},
    )
    assert export.status_code == 200
    lines = b"".join(export.streaming_content).decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 1 + len(expected)  # the same rows as the page, under its header
    assert "Pháp luật lao động" in lines[1] and "ATVSLĐ 90" in lines[2]


def test_the_lapsing_export_as_a_workbook_has_the_same_rows(client, world, lapsing_world):
    import io

    from openpyxl import load_workbook

    day, expected, _ = lapsing_world
    client.force_login(world["officer"])
    response = client.get(
        "/targets/needs/",
        {"unit": world["province"].pk, "on": "2025-06-01", "lapsing": "1", "format": "xlsx"},
    )
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    sheet = load_workbook(io.BytesIO(content)).active
    titles = [row[4] for row in sheet.iter_rows(values_only=True) if row and row[4]]
    assert [t for t in titles if t in ("ATVSLĐ 90", "Pháp luật lao động")] == [
        r.title for r in expected
    ]
    assert "ATVSLĐ 91" not in titles


def test_an_outsider_cannot_read_the_lapsing_list(client, world, lapsing_world):
    from tests.conftest import make_unit

    other = make_unit(
        "KH", "Liên đoàn Lao động tỉnh Khánh Hòa", "provincial_federation", world["vgcl"]
    )
    client.force_login(make_user("khanhhoa_validity", other))
    response = client.get(
        "/targets/needs/",
        {"unit": world["province"].pk, "on": "2025-06-01", "lapsing": "1", "format": "csv"},
    )
    assert response.status_code == 404
