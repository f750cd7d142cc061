"""Targets measured on unit figures (spending share T-003-5; member growth, grassroots unions
founded and coverage T-004-3/4/5) through every entry point: the dashboard page and its
Excel export, the API, and the resolution report — each at the boundary of its goal.

Spending share: a level's training spending (the actual costs of the classes it organised that
started in the year, plus the other training costs it entered) against its operating spending
of the year; 14.99% misses 15%, 15.00% reaches it, at every level.

Member growth (Hà Nội's 2018 plan, document 004): net growth = admitted − other decreases,
summed over the units of the subtree; transfers in and out change nothing."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils.translation import gettext as _

from planning.services import growth_save, spending_save
from reports.models import ReportKind
from targets.models import SourceDocument, Target
from tests.api import ApiClient
from tests.conftest import make_unit
from tests.exports.sheets import sheet, tables
from tests.reports.conftest import download
from tests.reports.conftest import sheets as sheet_names
from tests.reports.conftest import table as report_table
from tests.targets.pages_world import tables as html_tables
from training.services import class_update
from units.models import Unit

DAY_2024 = dt.date(2024, 12, 31)
DAY_2018 = dt.date(2018, 12, 31)
MILLION = Decimal(1_000_000)
OPERATING = 100 * MILLION
ACHIEVED, MISSED = "Đạt", "Không đạt"  # the standings' Vietnamese labels


def dashboard(client, user, unit, day) -> dict[str, list[str]]:
    """The dashboard's table of unit targets: code -> [target, figure, goal, reporting,
    standing]."""
    client.force_login(user)
    response = client.get("/targets/", {"unit": unit.pk, "on": day.isoformat()})
    assert response.status_code == 200
    html = response.content.decode()
    return {
        attrs["data-code"]: cells
        for attrs, cells in html_tables(html).get("unit-targets", [])
        if "data-code" in attrs
    }


def api(user, unit, day) -> dict[str, dict]:
    response = ApiClient(user).get(f"/units/{unit.pk}/targets", {"as_of": day.isoformat()})
    assert response.status_code == 200, response.content
    body = response.json()
    assert {"unit", "as_of", "targets", "unit_targets"} <= set(body)
    return {t["code"]: t for t in body["unit_targets"]}


def number(value):
    return None if value is None else Decimal(str(value))


def reach(reaching: int, reporting: int) -> str:
    return _("%(reaching)s of %(reporting)s units reach it") % {
        "reaching": reaching,
        "reporting": reporting,
    }


# --- spending share (T-003-5) -----------------------------------------------------------


@pytest.mark.parametrize("level", ["hanoi", "melinh", "school"])
@pytest.mark.parametrize(
    ("training", "figure", "standing"),
    [(Decimal(14_990_000), "14,99%", MISSED), (Decimal(15_000_000), "15,00%", ACHIEVED)],
)
def test_the_spending_share_is_reached_at_15_percent_at_every_level(
    client, tree, level, training, figure, standing
):
    unit = getattr(tree, level)
    officer = tree.melinh_officer if level != "hanoi" else tree.hanoi_officer
    spending_save(
        user=officer, unit=unit, year=2024, operating_total=OPERATING, other_training=training
    )
    row = dashboard(client, tree.hanoi_officer, unit, DAY_2024)["T-003-5"]
    assert row[1:] == [figure, "15%", "1 " + reach(1 if standing == ACHIEVED else 0, 1), standing]
    found = api(tree.hanoi_officer, unit, DAY_2024)["T-003-5"]
    achieved = standing == ACHIEVED
    assert found == {
        "code": "T-003-5",
        "name": found["name"],
        "kind": "spending_share",
        "value": found["value"],
        "goal": found["goal"],
        "reporting": 1,
        "reaching": 1 if achieved else 0,
        "achieved": achieved,
        "standing": "achieved" if achieved else "missed",
    }
    assert number(found["value"]) == training * 100 / OPERATING
    assert number(found["goal"]) == 15


@pytest.mark.parametrize(
    ("other", "figure", "standing"),
    [(Decimal(4_990_000), "14,99%", MISSED), (Decimal(5_000_000), "15,00%", ACHIEVED)],
)
def test_the_costs_of_the_classes_a_unit_organised_that_year_count_as_training(
    client, tree, other, figure, standing
):
    """Mê Linh organises ML-2024-01 (April 2024): its actual cost of 10,000,000 VND and the
    other training costs entered make the training spending."""
    class_update(user=tree.melinh_officer, training_class=tree.ml_class, budget_actual=10 * MILLION)
    spending_save(
        user=tree.melinh_officer,
        unit=tree.melinh,
        year=2024,
        operating_total=OPERATING,
        other_training=other,
    )
    assert dashboard(client, tree.melinh_officer, tree.melinh, DAY_2024)["T-003-5"][1] == figure
    assert dashboard(client, tree.melinh_officer, tree.melinh, DAY_2024)["T-003-5"][4] == standing
    # The class counts for its organiser in its start year only, never for the unit above.
    spending_save(
        user=tree.hanoi_officer,
        unit=tree.hanoi,
        year=2024,
        operating_total=OPERATING,
        other_training=Decimal(0),
    )
    spending_save(
        user=tree.melinh_officer,
        unit=tree.melinh,
        year=2025,
        operating_total=OPERATING,
        other_training=other,
    )
    found = api(tree.hanoi_officer, tree.hanoi, DAY_2024)["T-003-5"]
    assert (number(found["value"]), found["reporting"], found["reaching"]) == (
        Decimal(0),
        2,
        1 if standing == ACHIEVED else 0,
    )
    later = api(tree.melinh_officer, tree.melinh, dt.date(2025, 12, 31))["T-003-5"]
    assert number(later["value"]) == other * 100 / OPERATING


def test_a_level_sees_how_many_units_of_its_subtree_reach_the_share(client, tree):
    for unit, officer, training in (
        (tree.hanoi, tree.hanoi_officer, 15_000_000),
        (tree.melinh, tree.melinh_officer, 14_990_000),
        (tree.school, tree.melinh_officer, 15_000_000),
    ):
        spending_save(
            user=officer,
            unit=unit,
            year=2024,
            operating_total=OPERATING,
            other_training=Decimal(training),
        )
    hanoi = dashboard(client, tree.hanoi_officer, tree.hanoi, DAY_2024)["T-003-5"]
    assert hanoi[1:] == ["15,00%", "15%", "3 " + reach(2, 3), ACHIEVED]
    melinh = api(tree.hanoi_officer, tree.melinh, DAY_2024)["T-003-5"]
    assert (melinh["reporting"], melinh["reaching"], melinh["standing"]) == (2, 1, "missed")
    # Đông Anh entered nothing: no figures, which is not "no one concerned".
    donganh = dashboard(client, tree.hanoi_officer, tree.donganh, DAY_2024)["T-003-5"]
    assert donganh[1:] == ["—", "15%", "0", _("No figures reported")]
    assert _("No figures reported") != _("No one concerned")
    assert api(tree.hanoi_officer, tree.donganh, DAY_2024)["T-003-5"] | {"name": ""} == {
        "code": "T-003-5",
        "name": "",
        "kind": "spending_share",
        "value": None,
        "goal": api(tree.hanoi_officer, tree.donganh, DAY_2024)["T-003-5"]["goal"],
        "reporting": 0,
        "reaching": 0,
        "achieved": None,
        "standing": "none",
    }


def test_the_dashboard_export_holds_the_unit_targets(client, tree):
    spending_save(
        user=tree.hanoi_officer,
        unit=tree.hanoi,
        year=2024,
        operating_total=OPERATING,
        other_training=Decimal(14_990_000),
    )
    client.force_login(tree.hanoi_officer)
    params = {"unit": tree.hanoi.pk, "on": DAY_2024.isoformat()}
    page = client.get("/targets/", params)
    rows = sheet(client.get("/targets/", {**params, "format": "xlsx"}))
    ((caption, head, body),) = tables(rows, header=_("Code"))
    assert caption == _("Targets measured on unit figures")
    assert head == [
        _("Code"),
        _("Target"),
        _("Figure"),
        _("Goal"),
        _("Unit of measure"),
        _("Units reporting"),
        _("Units reaching it"),
        _("Standing"),
    ]
    measures = page.context["measures"]
    assert [r[0] for r in body] == [m.target.code for m in measures] == ["T-003-5"]
    assert body[0][1:] == [measures[0].target.name, 14.99, 15.0, "%", 1.0, 0.0, _("Missed")]
    # The three other tables are still there, once each.
    for header in (_("Target code"), _("Unit code"), _("Full name")):
        assert len(tables(rows, header=header)) == 1


# --- member growth, unions founded, coverage (T-004-3/4/5, Hà Nội 2018) -----------------


@pytest.fixture
def plan_004(tree):
    """Hà Nội's 2018 plan (004) in force for Hà Nội, as the demo sets it up, and the 2018
    figures of four districts: net growth 30,000 (18,000 + 12,000) under large transfers,
    every enterprise of 30 workers or more with a union (Mê Linh, Đông Anh), 490 unions
    founded (245 + 245) typed by two districts whose grassroots unions are not in the system
    (Ba Vì, Sóc Sơn: only there does a typed figure count, issue 21 §2)."""
    Target.objects.filter(document__code="004").update(scope_unit=tree.hanoi, active=True)
    year = {"period_start": dt.date(2018, 1, 1), "period_end": dt.date(2018, 12, 31)}
    for code, name in (("HN-BV", "huyện Ba Vì"), ("HN-SS", "huyện Sóc Sơn")):
        district = make_unit(code, f"Liên đoàn Lao động {name}", "district_federation", tree.hanoi)
        growth_save(user=tree.hanoi_officer, unit=district, **year, unions_founded=245)
    growth_save(
        user=tree.melinh_officer,
        unit=tree.melinh,
        **year,
        admitted=20_000,
        other_decreases=2_000,
        transfers_in=50_000,
        transfers_out=45_000,
        unions_dissolved=30,
        enterprises_30plus=120,
        enterprises_with_union=120,
    )
    growth_save(
        user=tree.hanoi_officer,
        unit=tree.donganh,
        **year,
        admitted=15_000,
        other_decreases=3_000,
        transfers_in=8_000,
        transfers_out=40_000,
        enterprises_30plus=80,
        enterprises_with_union=80,
    )
    return year


def growth_rows(client, tree) -> tuple[dict, dict]:
    rows = dashboard(client, tree.hanoi_officer, tree.hanoi, DAY_2018)
    return {code: rows[code] for code in ("T-004-3", "T-004-4", "T-004-5")}, api(
        tree.hanoi_officer, tree.hanoi, DAY_2018
    )


def test_net_growth_of_30000_founded_490_and_full_coverage_are_achieved(client, tree, plan_004):
    rows, found = growth_rows(client, tree)
    assert rows["T-004-3"][1:] == ["30.000", "30.000", "4", ACHIEVED]
    assert rows["T-004-4"][1:] == ["490", "490", "4", ACHIEVED]
    assert rows["T-004-5"][1:] == ["100,00%", "100%", "4", ACHIEVED]
    assert (found["T-004-3"]["value"], found["T-004-3"]["goal"], found["T-004-3"]["kind"]) == (
        30_000,
        30_000,
        "member_growth",
    )
    assert (found["T-004-4"]["value"], found["T-004-4"]["goal"]) == (490, 490)
    assert number(found["T-004-5"]["value"]) == number(found["T-004-5"]["goal"]) == 100
    for code in ("T-004-3", "T-004-4", "T-004-5"):
        assert (
            found[code]["reporting"],
            found[code]["reaching"],
            found[code]["achieved"],
            found[code]["standing"],
        ) == (4, None, True, "achieved")
    # The spending target of 003 is not yet in force in 2018; the 2018 plan's are.
    assert list(rows) == ["T-004-3", "T-004-4", "T-004-5"] and "T-003-5" not in found


def test_transfers_change_nothing_and_one_member_less_is_missed(client, tree, plan_004):
    growth_save(
        user=tree.melinh_officer, unit=tree.melinh, **plan_004, transfers_in=90_000, transfers_out=1
    )
    rows, found = growth_rows(client, tree)
    assert rows["T-004-3"][1] == "30.000" and found["T-004-3"]["standing"] == "achieved"
    growth_save(user=tree.melinh_officer, unit=tree.melinh, **plan_004, admitted=19_999)
    rows, found = growth_rows(client, tree)
    assert rows["T-004-3"][1:] == ["29.999", "30.000", "4", MISSED]
    assert (
        found["T-004-3"]["value"],
        found["T-004-3"]["achieved"],
        found["T-004-3"]["standing"],
    ) == (29_999, False, "missed")


def test_489_unions_and_99_5_percent_coverage_are_missed(client, tree, plan_004):
    growth_save(user=tree.hanoi_officer, unit=tree.donganh, **plan_004, enterprises_with_union=79)
    ba_vi = Unit.objects.get(code="HN-BV")
    growth_save(user=tree.hanoi_officer, unit=ba_vi, **plan_004, unions_founded=244)
    rows, found = growth_rows(client, tree)
    assert rows["T-004-4"][1:] == ["489", "490", "4", MISSED]
    assert rows["T-004-5"][1:] == ["99,50%", "100%", "4", MISSED]
    assert (found["T-004-4"]["value"], found["T-004-4"]["standing"]) == (489, "missed")
    assert (number(found["T-004-5"]["value"]), found["T-004-5"]["standing"]) == (
        Decimal("99.50"),
        "missed",
    )


def test_the_2018_targets_concern_hanoi_only_and_that_year_only(client, tree, plan_004):
    assert set(dashboard(client, tree.melinh_officer, tree.melinh, DAY_2018)) == {
        "T-004-3",
        "T-004-4",
        "T-004-5",
    }
    melinh = api(tree.melinh_officer, tree.melinh, DAY_2018)
    # Mê Linh's own figure; the city's 30,000 is not its goal, and none was given to it
    # (tests/targets/test_goal_allocation.py): no standing.
    assert (melinh["T-004-3"]["value"], melinh["T-004-3"]["goal"]) == (18_000, None)
    assert melinh["T-004-3"]["standing"] == "none"
    assert not set(dashboard(client, tree.nt_officer, tree.ninhthuan, DAY_2018))
    assert "T-004-3" not in api(tree.hanoi_officer, tree.hanoi, dt.date(2019, 12, 31))


def test_the_resolution_report_gives_the_same_figures_per_unit_below(client, tree, plan_004):
    doc = SourceDocument.objects.get(code="004")
    data = download(
        client,
        tree.hanoi_officer,
        ReportKind.RESOLUTION,
        {"unit": "HN", "on": DAY_2018.strftime("%d/%m/%Y"), "document": doc.pk},
    )
    names = sheet_names(data)
    head, rows = report_table(data, names.index(_("Unit figures")))
    assert head == [
        _("Code"),
        _("Target"),
        _("Figure"),
        _("Goal"),
        _("Unit of measure"),
        _("Units reporting"),
        _("Units reaching it"),
        _("Result"),
    ]
    found = api(tree.hanoi_officer, tree.hanoi, DAY_2018)
    assert [r[0] for r in rows] == list(found)
    for row in rows:
        t = found[row[0]]
        assert (number(row[2]), number(row[3]), int(row[5])) == (
            number(t["value"]),
            number(t["goal"]),
            t["reporting"],
        )
        assert row[7] == ACHIEVED
    _head, per_unit = report_table(data, names.index(_("Unit figures by unit")))
    for child in (tree.melinh, tree.donganh):
        below = api(tree.hanoi_officer, child, DAY_2018)
        mine = {r[2]: r for r in per_unit if r[0] == child.code}
        assert list(mine) == list(below)
        for code, row in mine.items():
            assert (number(row[3]), int(row[5])) == (
                number(below[code]["value"]),
                below[code]["reporting"],
            )
    assert {r[2]: number(r[3]) for r in per_unit if r[0] == "HN-ML"}["T-004-3"] == 18_000
