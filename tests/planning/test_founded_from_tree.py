"""Grassroots unions founded come from the tree (issue 21 §2).

004: "LĐLĐ Thành phố đặt muc tiêu trong năm 2018 phấn đấu thành lập mới ít nhất từ 490 CĐCS
trở lên" and "việc thành lập CĐCS đã khó, duy trì hoạt động chỉ đạo định hướng hoạt động còn
khó hơn". Where a unit's grassroots unions are in the system, the unions founded are those
whose founding date falls in the period (and, a year on, those still active); a typed figure
counts only for a unit none of whose grassroots unions is in the system, and the growth page,
the API and the T-004-4 target say the same."""

import datetime as dt

import pytest

from accounts.access import SYSTEM
from planning.services import growth_save
from targets.models import Target
from tests.api import ApiClient
from tests.conftest import make_unit
from units.services import unit_dissolve

YEAR_2018 = {"period_start": dt.date(2018, 1, 1), "period_end": dt.date(2018, 12, 31)}


@pytest.fixture
def founded(tree):
    """Under Mê Linh: unions founded on 1 January, 1 July and 31 December 2018 (the first
    dissolved on 1 October 2018), and one on 1 January 2019; Mê Linh also typed 507 for 2018.
    Ba Vì, a district none of whose grassroots unions is in the system, typed 12."""
    Target.objects.filter(document__code="004").update(scope_unit=tree.hanoi, active=True)
    days = [dt.date(2018, 1, 1), dt.date(2018, 7, 1), dt.date(2018, 12, 31), dt.date(2019, 1, 1)]
    unions = [
        make_unit(
            f"HN-ML-N{i}", f"Công đoàn Công ty mới {i}", "grassroots", tree.melinh, founded_on=day
        )
        for i, day in enumerate(days)
    ]
    unit_dissolve(user=SYSTEM, unit=unions[0], effective_on=dt.date(2018, 10, 1))
    growth_save(user=tree.melinh_officer, unit=tree.melinh, **YEAR_2018, unions_founded=507)
    ba_vi = make_unit("HN-BV", "Liên đoàn Lao động huyện Ba Vì", "district_federation", tree.hanoi)
    growth_save(user=tree.hanoi_officer, unit=ba_vi, **YEAR_2018, unions_founded=12)
    tree.ba_vi = ba_vi
    return tree


def _growth(user, unit, start, end) -> dict:
    response = ApiClient(user).get(
        f"/units/{unit.pk}/member-growth", {"start": start.isoformat(), "end": end.isoformat()}
    )
    assert response.status_code == 200, response.content
    return response.json()


def test_the_tree_counts_the_unions_founded_in_the_year_and_the_typed_figure_only_where_it_must(
    founded,
):
    t = founded
    body = _growth(t.hanoi_officer, t.hanoi, dt.date(2018, 1, 1), dt.date(2018, 12, 31))
    totals = body["totals"]
    # 1 January and 31 December count (both ends of the year), 1 January 2019 does not; the
    # union dissolved in October was founded in 2018 all the same.
    assert (totals["founded_from_tree"], totals["founded_typed"], totals["founded"]) == (3, 12, 15)
    assert totals["unions_founded"] == 507 + 12  # the list's column: every typed figure
    rows = {r["unit"]["code"]: r for r in body["rows"]}
    assert rows["HN-ML"]["grassroots_in_system"] is True
    assert rows["HN-BV"]["grassroots_in_system"] is False
    api = (
        ApiClient(t.hanoi_officer)
        .get(f"/units/{t.hanoi.pk}/targets", {"as_of": "2018-12-31"})
        .json()
    )
    target = {u["code"]: u for u in api["unit_targets"]}["T-004-4"]
    assert (target["value"], target["goal"], target["achieved"]) == (15, 490, False)


def test_a_year_on_the_page_says_how_many_are_still_active(client, founded):
    t = founded
    totals = _growth(t.hanoi_officer, t.hanoi, dt.date(2018, 1, 1), dt.date(2019, 12, 31))["totals"]
    # Founded in the two years: four from the tree; a year over for the three of 2018, of
    # which the one dissolved in its first year is not active.
    assert (totals["founded_from_tree"], totals["founded_year_over"], totals["founded_kept"]) == (
        4,
        3,
        2,
    )
    client.force_login(t.hanoi_officer)
    page = client.get("/planning/growth/", {"unit": t.hanoi.pk, "year": "2018"}).content.decode()
    founded_dd = page[page.index('id="founded"') :].split("</dd>")[0]
    assert "<strong>15</strong>" in founded_dd and "3 " in founded_dd and "12 " in founded_dd
    melinh_row = page[page.index("Liên đoàn Lao động huyện Mê Linh</td>") :].split("</tr>")[0]
    assert "data-founded-from-tree" in melinh_row and "<s>507</s>" in melinh_row
    assert 'id="founded-rule"' in page


def test_with_no_typed_figures_the_tree_still_gives_the_figure(tree):
    Target.objects.filter(document__code="004").update(scope_unit=tree.hanoi, active=True)
    make_unit(
        "HN-ML-N9",
        "Công đoàn Công ty mới 9",
        "grassroots",
        tree.melinh,
        founded_on=dt.date(2018, 5, 5),
    )
    api = (
        ApiClient(tree.hanoi_officer)
        .get(f"/units/{tree.hanoi.pk}/targets", {"as_of": "2018-12-31"})
        .json()
    )
    target = {u["code"]: u for u in api["unit_targets"]}["T-004-4"]
    assert (target["value"], target["reporting"]) == (1, 0)
