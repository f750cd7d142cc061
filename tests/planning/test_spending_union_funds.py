"""The spending share counts the union's own money (issue 21, point 4).

003 (§II.6): "Tiếp tục thực hiện mục tiêu phấn đấu chi cho công tác đào tạo, bồi dưỡng đạt 15%
tổng chi cho hoạt động của mỗi cấp công đoàn hằng năm" — a share of each level's own operating
spending, so only training paid from union funds counts toward it. A class paid by the state
budget or an international project is shown beside the share, never in it: on the planning
page, in the API and in the report (tests/reports/test_plan_report.py), and the target T-003-5
on the dashboard and in the API reads the same figure."""

import datetime as dt
from decimal import Decimal

import pytest

from accounts.access import SYSTEM
from planning.services import spending_save
from tests.api import ApiClient
from tests.targets.test_unit_targets import api as unit_targets
from tests.targets.test_unit_targets import dashboard
from training.models import FundingSource
from training.services import class_create, class_update

MILLION = Decimal(1_000_000)
DAY_2024 = dt.date(2024, 12, 31)


def paid_class(tree, source: str, cost: Decimal, start=dt.date(2024, 9, 9)):
    """A class Mê Linh organised, its actual cost paid from `source`."""
    return class_create(
        user=SYSTEM,
        organiser=tree.melinh,
        topics=[tree.topic],
        code=f"ML-{source}-{start.year}",
        name=f"Lớp do nguồn {source} chi trả",
        start_date=start,
        end_date=start + dt.timedelta(days=2),
        hours=16,
        capacity=30,
        funding_source=source,
        budget_actual=cost,
    )


@pytest.fixture
def melinh_2024(tree):
    """Mê Linh in 2024: 100,000,000 VND of operating spending, 4,000,000 of other training
    costs, a union-funded class of 10,000,000, one the state budget paid (20,000,000) and one
    an international project paid (5,000,000): 14% from union funds; 39% if every source
    counted."""
    class_update(user=tree.melinh_officer, training_class=tree.ml_class, budget_actual=10 * MILLION)
    paid_class(tree, FundingSource.STATE, 20 * MILLION)
    paid_class(tree, FundingSource.INTERNATIONAL, 5 * MILLION)
    spending_save(
        user=tree.melinh_officer,
        unit=tree.melinh,
        year=2024,
        operating_total=100 * MILLION,
        other_training=4 * MILLION,
    )
    return tree


def test_only_union_funds_count_toward_the_share_and_the_rest_is_shown_beside(client, melinh_2024):
    tree = melinh_2024
    client.force_login(tree.melinh_officer)
    html = client.get("/planning/spending/", {"unit": tree.melinh.pk, "year": 2024}).content
    html = html.decode()
    own = html[html.index('id="own-share"') : html.index("</dl>")]
    assert "10.000.000" in own and "14.000.000" in own and "14,00%" in own
    assert 'id="other-sources">25.000.000<' in own
    row = html[html.index('data-unit="HN-ML"') :].split("</tr>")[0]
    assert "14,00%" in row and "25.000.000" in row

    body = ApiClient(tree.melinh_officer).get(f"/units/{tree.melinh.pk}/spending/2024").json()
    assert [Decimal(str(body[k])) for k in ("class_costs", "other_sources", "training")] == [
        10 * MILLION,
        25 * MILLION,
        14 * MILLION,
    ]
    assert Decimal(str(body["share"])) == 14


def test_the_target_reads_the_union_funded_share(client, melinh_2024):
    """T-003-5 on the dashboard and in the API: 14,00%, not reached — a class paid by the
    state does not lift a level to 15%."""
    tree = melinh_2024
    row = dashboard(client, tree.melinh_officer, tree.melinh, DAY_2024)["T-003-5"]
    assert row[1] == "14,00%" and row[4] == "Không đạt"
    found = unit_targets(tree.hanoi_officer, tree.melinh, DAY_2024)["T-003-5"]
    assert Decimal(str(found["value"])) == 14 and found["reaching"] == 0


def test_the_same_classes_paid_from_union_funds_reach_it(client, melinh_2024):
    """The boundary the other way: the state-funded class moved to union funds lifts Mê Linh
    to 34% — the funding source alone decides."""
    tree = melinh_2024
    state = tree.melinh.classes.get(funding_source=FundingSource.STATE)
    class_update(user=tree.melinh_officer, training_class=state, funding_source="union")
    row = dashboard(client, tree.melinh_officer, tree.melinh, DAY_2024)["T-003-5"]
    assert row[1] == "34,00%" and row[4] == "Đạt"
