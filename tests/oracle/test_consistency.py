"""The consistency oracle (issue 19, point 6): for random histories, every place that shows a
figure shows the same one, and every subtree total is the sum of its rows.

A history (tests/oracle/history.py) is a small tree founded in 2015 and 6–16 dated events
from 2021 to today, written through the services and each committed (so the stored target
figures are kept current by their on-commit refresh, as in production): units created,
moved, merged, split and dissolved; people posted and their posts ended; member counts
across the T-003-4 bands; terms; training records, and classes run with participants
passing; spending of a year; member-growth figures. The history is played in two halves: the
figures are read after the first, then the second half is played (changes dated before the
days already read included) and the figures read again — stored figures of a day that a
later change touches must follow it.

What is compared, for two random (unit, day) pairs after the first half and again after the
second, with two more pairs — any unit, dissolved ones too; today, a year-end, or any day
since 2021:

1. The unit drill-down: the tree page `/units/?unit=&on=`, the unit's page `/units/<id>/`
   and the API `/units/{id}` give the same subtree counts (sub-units, cadres, full-time);
   the tree page and the API `/units/{id}/children` the same rows; the counts equal a
   brute-force count over the base tables (versions and posts read in Python, periods
   inclusive), and the sub-units total is the sum of the rows (each child and its own
   sub-units). Cadres are people, counted once: the total is the size of the union of the
   rows' people and the unit's own, which is their sum when nobody holds posts in two of
   them (checked by the brute force).
2. The targets: for every target on people, the dashboard `/targets/`, the needs page's
   head, the API `/units/{id}/targets` and (once per history) the resolution report's XLSX
   give the same (concerned, met, overdue, trained late); the dashboard's figure equals the
   needs page's own figure plus the sum of its rows (units below) for each target, and each
   row equals that unit's own dashboard figure; the people the needs list names (its page
   per target, its CSV for all) are exactly the concerned not met, its overdue ones the
   overdue and its "trained late" ones the late;
   the statuses of the dashboard's own post-holders add up to the unit's own figures.
3. The chairs (T-003-4): the chairs page and the API `/units/{id}/chairs` list the same
   chairs with the same target and status; where the unit is at the level responsible,
   the page's "x / y trained" is the dashboard's (met, concerned) for that target; and
   (once per history, on one day) the chairs listed on all the units' pages are, per
   target, exactly the confederation's concerned (each chair on one page), each under the
   target the API names for that union (`chair_target`).
4. Planning (the year of the day asked, on the day the year's figures are placed by): the
   spending list's rows are the units the spending-share target counts as reporting (page,
   dashboard, API), as many reach 15% as the target says, and the unit's own share is its
   figure; the member-growth list's rows sum to its totals, the API's rows to the same
   totals, and for a past year the dashboard's and API's growth targets (Hà Nội's plan,
   adopted by the first province) read those totals (unions founded: the tree's count plus
   the typed figures of units with no grassroots union in the system).

Budget: 8 histories, shared out between CI's two runs (tests/databases.py): SQLite plays 5
and PostgreSQL, slower per history, 3, each drawn from its own seed (the same histories on
every run of that database, on any machine), no deadline, no example database: about 30 s on
SQLite and 25 s on PostgreSQL in CI (`ALL_TESTS_ON_EVERY_DATABASE=1` plays all 8). A failure prints
the history (its events, in order) and the checked unit and day (Hypothesis notes), and the
assertion names the two places and their figures.
"""

import datetime as dt
from collections import Counter

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from lib.dates import today
from people.models import Position
from planning.selectors import figures_day
from targets import engine, selectors, signals
from targets.models import SourceDocument
from tests.databases import database_seed, shared_examples
from tests.oracle.history import FIRST, base, play
from tests.oracle.readings import GROWTH, Reader
from units.models import Unit, UnitVersion

D = dt.date
BUDGET = settings(
    max_examples=shared_examples(8, postgresql=3),
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
T004 = {"T-004-3": "net_growth", "T-004-4": "founded"}


def _fresh_process() -> None:
    """What a process keeps between requests (tests/conftest.py's `_no_kept_targets`, and
    the marks of tests/targets/test_incremental.py) must not outlive an example: each example
    is rolled back, and a kept target or mark would name rows that no longer exist."""
    engine._KEPT.clear()
    selectors._PEOPLE.clear()
    signals._pending.__dict__.pop("state", None)


def _add(*figures) -> tuple:
    return tuple(map(sum, zip(*figures, strict=True))) if figures else (0, 0, 0, 0)


# --- 1. the unit drill-down -------------------------------------------------------------------


def _in_force(start, end, day) -> bool:
    return (start is None or start <= day) and (end is None or end >= day)


def brute_drill_down(unit: Unit, day: dt.date) -> tuple | None:
    """(totals, {child id: counts}) from the base tables, in Python."""
    paths = {
        v.unit_id: v.path
        for v in UnitVersion.objects.all()
        if _in_force(v.valid_from, v.valid_to, day)
    }
    if unit.pk not in paths:
        return None
    node = paths[unit.pk]
    posts = [p for p in Position.objects.all() if _in_force(p.start_date, p.end_date, day)]

    def counts(path: str, units_below: int) -> tuple[int, int, int]:
        under = [p for p in posts if paths.get(p.unit_id, "\0").startswith(path)]
        return (
            units_below,
            len({p.person_id for p in under}),
            len({p.person_id for p in under if p.full_time}),
        )

    def below(path: str) -> int:
        return sum(1 for p in paths.values() if p.startswith(path)) - 1

    children = {
        u: counts(p, below(p))
        for u, p in paths.items()
        if p.startswith(node) and _depth(p) == _depth(node) + 1
    }
    return counts(node, below(node)), children


def _depth(path: str) -> int:
    from lib.tree import PATH_WIDTH

    return len(path) // PATH_WIDTH


def check_drill_down(reader: Reader, unit: Unit, day: dt.date) -> None:
    seen = reader.drill_down(unit, day)
    totals, rows = seen["totals"], seen["children"]
    assert len(set(totals.values())) == 1, totals
    assert rows["tree page"] == rows["API children"], rows
    brute = brute_drill_down(unit, day)
    if brute is None:
        assert totals["API unit"] is None and not rows["tree page"], (unit.code, day, seen)
        return
    expected, children = brute
    assert totals["API unit"] == expected, ("subtree counts", unit.code, day, totals, expected)
    assert rows["tree page"] == children, ("rows", unit.code, day, rows, children)
    # The sub-units are the rows and the rows' own sub-units.
    assert expected[0] == sum(1 + c[0] for c in children.values())


# --- 2. the targets -------------------------------------------------------------------------


def check_targets(reader: Reader, unit: Unit, day: dt.date) -> dict | None:
    dash = reader.dashboard(unit, day)
    api = reader.api_targets(unit, day)
    needs = reader.needs_page(unit, day)
    if dash is None:
        assert api is None and needs is None, (unit.code, day)
        return None
    results = dash["results"]
    assert results == api["results"], ("dashboard vs API", unit.code, day, results, api)
    assert results == needs["results"], ("dashboard vs needs list", unit.code, day)
    assert dash["children"] == needs["children"]
    assert dash["measures"] == api["measures"], ("unit targets", dash["measures"], api)
    own = needs["own"]
    for code, total in results.items():
        rows = [row[code] for row in dash["children"].values() if code in row]
        assert total == _add(own[code], *rows), ("subtree = own + rows", code, unit.code, day)
        statuses = Counter(dash["statuses"].get(code, {}).values())
        overdue = statuses["overdue"] + statuses["late"]  # late: missed, shown apart
        assert (sum(statuses.values()), statuses["met"], overdue, statuses["late"]) == own[code], (
            "own post-holders' statuses vs own figures",
            code,
            unit.code,
            day,
            statuses,
        )
    # Each row is that unit's own dashboard figure.
    for child_id, row in dash["children"].items():
        child = reader.api_targets(Unit.objects.get(pk=child_id), day)
        for code, figures in row.items():
            assert child["results"].get(code, (0, 0, 0, 0)) == figures, ("row vs its unit", code)
    # The needs list names the concerned who have not met the target.
    listed = reader.needs_csv(unit, day)
    for code, (eligible, met, overdue, late) in results.items():
        assert listed.get(code, (0, 0, 0)) == (eligible - met, overdue, late), (
            "needs CSV vs dashboard",
            code,
            unit.code,
            day,
            listed.get(code),
            results[code],
        )
    for code in ("T-003-2", "T-003-4c"):
        if code in needs["pks"] and results[code][0]:
            page = reader.needs_page(unit, day, needs["pks"][code])
            eligible, met, overdue, _late = results[code]
            assert (page["listed"], page["listed_overdue"]) == (eligible - met, overdue), code
    return dash


# --- 3. the chairs --------------------------------------------------------------------------


def check_chairs(reader: Reader, unit: Unit, day: dt.date, dash: dict | None) -> None:
    page, api = reader.chairs_page(unit, day), reader.chairs_api(unit, day)
    assert page == api, ("chairs page vs API", unit.code, day, page, api)
    if dash is None:
        assert not page
        return
    for code, direct, eligible, met in reader.chair_groups(unit, day):
        if not direct:
            assert (eligible, met) == dash["results"][code][:2], (
                "chairs page vs dashboard",
                code,
                unit.code,
                day,
                (met, eligible),
                dash["results"][code],
            )


def check_chairs_partition(reader: Reader, root: Unit, day: dt.date) -> None:
    """Every chair the confederation's T-003-4 figures count is listed once, on one unit's
    chairs page, under the target the API names for that chair's union."""
    dash = reader.dashboard(root, day)
    listed: Counter = Counter()
    for unit in Unit.objects.order_by("pk"):
        if not unit.is_alive_on(day) and UnitVersion.objects.on(day).filter(unit=unit).count() == 0:
            continue
        for position_id, code, _trained, _status in reader.chairs_api(unit, day):
            if code is None:
                continue
            listed[code] += 1
            union = Position.objects.get(pk=position_id).unit
            assert reader.drill_down(union, day)["chair_target"] == code, (union.code, code)
    for code, (eligible, _met, _overdue, _late) in dash["results"].items():
        if code.startswith("T-003-4"):
            assert listed[code] == eligible, ("chairs pages vs dashboard", code, day, listed)


# --- 4. planning ----------------------------------------------------------------------------


def check_planning(reader: Reader, unit: Unit, year: int) -> None:
    day = figures_day(year)
    dash = reader.dashboard(unit, day)
    rows, totals = reader.growth_page(unit, year)
    if dash is None:
        return
    spending = reader.spending_page(unit, year)
    if "T-003-5" in dash["measures"]:
        value, reporting, reaching = dash["measures"]["T-003-5"]
        threshold = dash["thresholds"]["T-003-5"]
        assert reporting == len(spending), ("spending list vs its target", unit.code, year)
        assert reaching == sum(1 for _u, share in spending if share >= threshold)
        own = [share for u, share in spending if u == unit.pk]
        assert value == (own[0] if own else None), ("own share", unit.code, year)
    if totals is None:
        assert not rows
        return
    for name in GROWTH:
        assert totals[name] == sum(r[name] for r in rows), ("growth list vs total", name)
    assert totals["reporting"] == len({r["unit"] for r in rows})
    api = reader.growth_api(unit, D(year, 1, 1), D(year, 12, 31))
    if api is not None:
        for name in GROWTH:
            assert api["totals"][name] == totals[name], ("API vs page total", name)
            assert sum(r[name] for r in api["rows"]) == totals[name], ("API rows", name)
    if day == D(year, 12, 31):  # a past year: the year's targets read the year's totals
        for code, field in T004.items():
            if code in dash["measures"]:
                value, reporting, _reaching = dash["measures"][code]
                # Unions founded are known from the tree even where no unit typed figures.
                known = totals["reporting"] or (
                    field == "founded" and totals["grassroots_in_system"]
                )
                expected = (totals[field], totals["reporting"]) if known else (None, 0)
                assert (value, reporting) == expected, (code, unit.code, year)


# --- the test -------------------------------------------------------------------------------

interesting_days = st.one_of(
    st.just(today()),
    st.dates(FIRST, today()),
    st.sampled_from([D(y, 12, 31) for y in range(2021, 2026)]),
)


def _pairs(data, label: str) -> list[tuple[Unit, dt.date]]:
    units = list(Unit.objects.order_by("pk"))
    return [
        (
            data.draw(st.sampled_from(units), label=f"{label} unit"),
            data.draw(interesting_days, label=f"{label} day"),
        )
        for _ in range(2)
    ]


def check(reader: Reader, unit: Unit, day: dt.date, events: list[str]) -> None:
    note(f"history: {events}; checking {unit.code} on {day}")
    check_drill_down(reader, unit, day)
    dash = check_targets(reader, unit, day)
    check_chairs(reader, unit, day, dash)
    check_planning(reader, unit, day.year)


@pytest.fixture
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@database_seed
@BUDGET
@given(data=st.data())
def test_every_place_shows_the_same_figure(db, _media, django_capture_on_commit_callbacks, data):
    _fresh_process()
    with transaction.atomic():
        with django_capture_on_commit_callbacks(execute=True):
            world = base()
        reader = Reader(world.actor)
        play(world, data, django_capture_on_commit_callbacks, (3, 8), FIRST, today())
        first = _pairs(data, "first")
        for unit, day in first:
            check(reader, unit, day, world.events)
        # Changes after the figures were read (some dated before the days read): what was
        # stored for those days must follow.
        play(world, data, django_capture_on_commit_callbacks, (3, 8), FIRST, today())
        for unit, day in first + _pairs(data, "second"):
            check(reader, unit, day, world.events)
        day = data.draw(interesting_days, label="chairs day")
        check_chairs_partition(reader, world.root, day)
        unit, day = data.draw(st.sampled_from(first), label="report")
        dash = reader.dashboard(unit, day)
        if dash is not None:
            document = SourceDocument.objects.get(code="003")
            report = reader.resolution_xlsx(unit, day, document)
            shown = {c: f for c, f in dash["results"].items() if c.startswith("T-003")}
            assert report == shown, ("report XLSX vs dashboard", unit.code, day, report, shown)
        transaction.set_rollback(True)
