"""Goals are given down (issue 21 §1).

004: "LĐLĐ Thành phố đặt muc tiêu trong năm 2018 phấn đấu thành lập mới ít nhất từ 490 CĐCS
trở lên; kết nạp tăng thêm 30.000 đoàn viên" and the districts work to "chỉ tiêu được giao";
001: districts and sectors set their own yearly targets. Hà Nội gives its 30,000 members and
490 unions to its districts; each district's row on the dashboard, in the API and in the
report is judged against its own share, not the city's whole; parts that do not add up are
shown; a district may set itself a higher goal; a district given nothing has no goal."""

import datetime as dt

import pytest

from planning.services import growth_save
from reports.models import ReportKind
from targets.models import SourceDocument, Target
from targets.services import split_in_proportion
from tests.api import ApiClient, messages_of
from tests.reports.conftest import download
from tests.reports.conftest import sheets as sheet_names
from tests.reports.conftest import table as report_table
from tests.targets.test_unit_targets import ACHIEVED, DAY_2018, MISSED, api, dashboard
from units.services import unit_set_figures

YEAR = {"period_start": dt.date(2018, 1, 1), "period_end": dt.date(2018, 12, 31)}
NO_GOAL = "Chưa được giao chỉ tiêu"


@pytest.fixture
def city(tree):
    """Hà Nội holds 004's 2018 targets; Mê Linh's net growth is 18,000, Đông Anh's 11,999."""
    Target.objects.filter(document__code="004").update(scope_unit=tree.hanoi, active=True)
    growth_save(user=tree.melinh_officer, unit=tree.melinh, **YEAR, admitted=18_000)
    growth_save(user=tree.hanoi_officer, unit=tree.donganh, **YEAR, admitted=11_999)
    return tree


def allocate(client, tree, code: str, goals: dict, unit=None, **extra):
    client.force_login(tree.hanoi_officer)
    target = Target.objects.get(code=code)
    unit = unit or tree.hanoi
    data = {f"goal_{u.pk}": v for u, v in goals.items()} | extra
    return client.post(f"/targets/{target.pk}/allocate/?unit={unit.pk}", data)


def page(client, tree, code: str, unit=None) -> str:
    target = Target.objects.get(code=code)
    unit = unit or tree.hanoi
    response = client.get(f"/targets/{target.pk}/allocate/", {"unit": unit.pk})
    assert response.status_code == 200
    return response.content.decode()


def test_each_district_is_judged_against_its_own_share(client, city):
    t = city
    # Before: no district was given a goal; a count is not one district's goal.
    assert dashboard(client, t.melinh_officer, t.melinh, DAY_2018)["T-004-3"][1:] == [
        "18.000",
        "—",
        "1",
        NO_GOAL,
    ]
    response = allocate(client, t, "T-004-3", {t.melinh: "18.000", t.donganh: "12.000"})
    assert response.status_code == 302
    allocate(client, t, "T-004-4", {t.melinh: "250", t.donganh: "240"})
    melinh = dashboard(client, t.melinh_officer, t.melinh, DAY_2018)
    assert melinh["T-004-3"][1:] == ["18.000", "18.000", "1", ACHIEVED]
    assert melinh["T-004-4"][2] == "250"
    donganh = api(t.hanoi_officer, t.donganh, DAY_2018)["T-004-3"]
    assert (donganh["value"], donganh["goal"], donganh["achieved"]) == (11_999, 12_000, False)
    # The city is still judged against its whole.
    city_row = api(t.hanoi_officer, t.hanoi, DAY_2018)["T-004-3"]
    assert (city_row["value"], city_row["goal"]) == (29_999, 30_000)
    # The report's table by unit below says the same, row by row.
    doc = SourceDocument.objects.get(code="004")
    data = download(
        client,
        t.hanoi_officer,
        ReportKind.RESOLUTION,
        {"unit": "HN", "on": DAY_2018.strftime("%d/%m/%Y"), "document": doc.pk},
    )
    _head, per_unit = report_table(data, sheet_names(data).index("Số liệu theo đơn vị"))
    rows = {(r[0], r[2]): r for r in per_unit}
    assert rows[("HN-ML", "T-004-3")][3:5] == [18_000, 18_000]
    assert rows[("HN-ML", "T-004-3")][-1] == ACHIEVED
    assert rows[("HN-DA", "T-004-3")][3:5] == [11_999, 12_000]
    assert rows[("HN-DA", "T-004-3")][-1] == "Chưa đạt"


def test_parts_that_do_not_add_up_are_shown(client, city):
    t = city
    allocate(client, t, "T-004-3", {t.melinh: "18.000", t.donganh: "11.000"})
    body = page(client, t, "T-004-3")
    assert 'id="given">29.000<' in body
    assert "1.000 chưa giao cho đơn vị nào" in body
    allocate(client, t, "T-004-3", {t.melinh: "18.000", t.donganh: "12.500"})
    assert "500 giao vượt chỉ tiêu chung" in page(client, t, "T-004-3")
    allocate(client, t, "T-004-3", {t.melinh: "18.000", t.donganh: "12.000"})
    assert "Các phần cộng lại bằng chỉ tiêu chung." in page(client, t, "T-004-3")
    answer = ApiClient(t.hanoi_officer).get(f"/units/{t.hanoi.pk}/targets/T-004-3/allocation")
    body = answer.json()
    assert (body["whole"], body["given"], body["difference"], body["adds_up"]) == (
        30_000,
        30_000,
        0,
        True,
    )


def test_the_goal_is_divided_in_proportion_to_members_in_whole_numbers(client, city):
    t = city
    unit_set_figures(
        user=t.hanoi_officer, unit=t.school, effective_on=dt.date(2018, 1, 1), member_count=2
    )
    unit_set_figures(
        user=t.hanoi_officer, unit=t.factory, effective_on=dt.date(2018, 1, 1), member_count=1
    )
    allocate(client, t, "T-004-4", {}, divide="members")
    rows = {
        r["unit_code"]: r["allocated"]
        for r in ApiClient(t.hanoi_officer)
        .get(f"/units/{t.hanoi.pk}/targets/T-004-4/allocation")
        .json()["rows"]
    }
    # 490 × 2/3 = 326.67, × 1/3 = 163.33: the remainder goes to the largest fraction.
    assert (rows["HN-ML"], rows["HN-DA"]) == (327, 163)
    assert split_in_proportion(10, {"a": 1, "b": 1, "c": 1}) == {"a": 4, "b": 3, "c": 3}


def test_a_district_may_set_itself_a_higher_goal_never_a_lower_one(client, city):
    t = city
    allocate(client, t, "T-004-3", {t.melinh: "18.000", t.donganh: "12.000"})
    client.force_login(t.melinh_officer)
    target = Target.objects.get(code="T-004-3")
    url = f"/targets/{target.pk}/allocate/?unit={t.melinh.pk}"
    refused = client.post(url, {"own": "17.000"})
    assert "Chỉ tiêu tự đặt không được thấp hơn chỉ tiêu được giao (18000)." in (
        refused.content.decode()
    )
    assert client.post(url, {"own": "20.000"}).status_code == 302
    melinh = dashboard(client, t.melinh_officer, t.melinh, DAY_2018)["T-004-3"]
    assert melinh[1:] == ["18.000", "20.000", "1", MISSED]
    melinh_api = ApiClient(t.melinh_officer)
    answer = melinh_api.get(f"/units/{t.hanoi.pk}/targets/T-004-3/allocation")
    assert answer.status_code == 404  # the city is above Mê Linh's officer


def test_only_the_units_directly_below_and_only_in_scope(client, city):
    t = city
    melinh = ApiClient(t.melinh_officer)
    answer = melinh.put(
        f"/units/{t.melinh.pk}/targets/T-004-3/allocation",
        {"goals": [{"unit": t.school.pk, "goal": 100}]},
    )
    # Mê Linh was given nothing yet: it has nothing to give.
    assert answer.status_code == 422
    assert "Liên đoàn Lao động huyện Mê Linh chưa có chỉ tiêu này để giao." in messages_of(answer)
    city_api = ApiClient(t.hanoi_officer)
    answer = city_api.put(
        f"/units/{t.hanoi.pk}/targets/T-004-3/allocation",
        {"goals": [{"unit": t.school.pk, "goal": 100}]},
    )
    assert answer.status_code == 422
    assert any("không trực thuộc trực tiếp" in m for m in messages_of(answer))
    answer = city_api.put(
        f"/units/{t.hanoi.pk}/targets/T-004-3/allocation",
        {"goals": [{"unit": t.melinh.pk, "goal": "12.5"}]},
    )
    assert answer.status_code == 422
    ok = city_api.put(
        f"/units/{t.hanoi.pk}/targets/T-004-3/allocation",
        {"goals": [{"unit": t.melinh.pk, "goal": 18000}]},
    )
    assert ok.status_code == 200 and ok.json()["difference"] == 12_000
