"""Every figure explains itself (issue 20, "And beyond"): the seed's sentence, the system's
reading, the people behind the figure — exactly those the figure counts — each with the record
that met it or the day it falls due, and what changed since an earlier day; on the page, in the
API (`…/targets/{code}/explain`) and as a sheet of the resolution report's workbook.

The world is tests/targets/pages_world: T-003-2 for Hà Nội counts An Vũ and Bình Đỗ (met),
Chi Hồ (due), Dũng Lý (Mê Linh; his term ended last 30 June: overdue — his course of 1 January,
in IT, is no title training) and Em Mai (Đông Anh, met).
"""

import datetime as dt

import pytest

from targets import explain, selectors, snapshots
from targets.models import SourceDocument, Target
from tests.api import ApiClient
from tests.reports.conftest import download, sheets, table
from tests.targets.pages_world import shared, tables
from units.models import UnitVersion


@pytest.fixture
def world(tree):
    return shared(tree)


def people_rows(html) -> dict[str, list[str]]:
    return {cells[0]: cells for _attrs, cells in tables(html)["explained-people"][1:]}


def test_the_page_quotes_the_seed_reads_it_and_lists_exactly_the_people(client, world):
    tree = world.tree
    client.force_login(tree.hanoi_officer)
    response = client.get(
        "/targets/explain/", {"unit": tree.hanoi.pk, "target": "T-003-2", "on": world.today}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Trong mỗi nhiệm kỳ, có 100% cán bộ công đoàn chuyên trách" in html
    assert "Cách hệ thống hiểu" in html and "Được tính là đạt" in html
    rows = people_rows(html)
    assert set(rows) == {"Vũ Đức An", "Đỗ Thanh Bình", "Hồ Thị Chi", "Lý Văn Dũng", "Mai Thị Em"}
    assert rows["Vũ Đức An"][3] == "Đã đạt"
    assert rows["Hồ Thị Chi"][3] == "Đến hạn"
    assert rows["Lý Văn Dũng"][3] == "Quá hạn"
    assert "Tin học văn phòng" not in rows["Lý Văn Dũng"][4]  # IT is no title training
    figure = response.context["result"]
    assert (figure.eligible, figure.met, figure.overdue) == (5, 3, 1)
    assert len(rows) == figure.eligible
    # The record that met a training target stands beside the person (a title standard is
    # met by all the training it requires, not by one record): An's IT course for T-003-3.
    yearly = people_rows(
        client.get(
            "/targets/explain/", {"unit": tree.hanoi.pk, "target": "T-003-3", "on": world.today}
        ).content
    )
    assert yearly["Vũ Đức An"][3] == "Đã đạt"
    assert "Tin học văn phòng" in yearly["Vũ Đức An"][4]


def test_changes_since_an_earlier_day(client, world):
    """On 1 June of last year Bình was not yet trained and Em not yet in post."""
    tree = world.tree
    client.force_login(tree.hanoi_officer)
    response = client.get(
        "/targets/explain/",
        {"unit": tree.hanoi.pk, "target": "T-003-2", "on": world.today, "since": world.past},
    )
    changes = response.context["changes"]
    assert {p.given_name for p in changes.joined} == {"Em"}
    assert {p.given_name for p in changes.newly_met} == {"Bình", "Em"}
    assert changes.summary() == "+2 đạt, +1 mới vào"
    assert "+2 đạt, +1 mới vào" in response.content.decode()


def test_a_bad_since_is_said_and_an_unknown_target_is_not_found(client, world):
    tree = world.tree
    client.force_login(tree.hanoi_officer)
    response = client.get(
        "/targets/explain/", {"unit": tree.hanoi.pk, "target": "T-003-2", "since": "31/02/2025"}
    )
    assert response.status_code == 200 and response.context["changes"] is None
    assert "Hãy nhập ngày từ 01/01/1900" in response.content.decode()
    missing = client.get("/targets/explain/", {"unit": tree.hanoi.pk, "target": "T-999"})
    assert missing.status_code == 404
    client.force_login(tree.nt_officer)  # another province: not theirs to read
    outside = client.get("/targets/explain/", {"unit": tree.hanoi.pk, "target": "T-003-2"})
    assert outside.status_code == 404


def test_the_api_gives_the_same_people_and_figure(world):
    tree = world.tree
    api = ApiClient(tree.hanoi_officer)
    body = api.get(
        f"/units/{tree.hanoi.pk}/targets/T-003-2/explain",
        {"as_of": world.today.isoformat(), "since": world.past.isoformat()},
    ).json()
    listed = api.get(f"/units/{tree.hanoi.pk}/targets", {"as_of": world.today.isoformat()})
    figures = next(t for t in listed.json()["targets"] if t["code"] == "T-003-2")
    assert body["figures"] == figures
    assert body["count"] == figures["eligible"] == len(body["people"]) == 5
    statuses = {p["full_name"]: p["status"] for p in body["people"]}
    assert statuses["Lý Văn Dũng"] == "overdue" and statuses["Hồ Thị Chi"] == "due"
    assert sum(s == "met" for s in statuses.values()) == figures["met"]
    assert body["changes"]["summary"] == "+2 đạt, +1 mới vào"
    assert body["reading"][0]["label"] == "Đối tượng"
    page = api.get(f"/units/{tree.hanoi.pk}/targets/T-003-2/explain", {"limit": 2, "offset": 4})
    assert [p["full_name"] for p in page.json()["people"]] == [
        p["full_name"] for p in body["people"][4:]
    ]
    assert api.get(f"/units/{tree.hanoi.pk}/targets/T-999/explain").status_code == 404
    outsider = ApiClient(tree.nt_officer)
    assert outsider.get(f"/units/{tree.hanoi.pk}/targets/T-003-2/explain").status_code == 404


def test_the_resolution_report_has_the_explanation_sheet(client, world):
    tree = world.tree
    doc = SourceDocument.objects.get(code="003")
    data = download(
        client,
        tree.hanoi_officer,
        "resolution",
        {"unit": "HN", "on": world.today.strftime("%d/%m/%Y"), "document": doc.pk},
    )
    names = sheets(data)
    assert "Giải trình" in names
    header, rows = table(data, names.index("Giải trình"))
    assert header[:6] == ["Chỉ tiêu", "Họ và tên", "Mã đơn vị", "Đơn vị", "Chức danh", "Trạng thái"]
    t2 = [row for row in rows if row[0] == "T-003-2"]
    assert sorted(row[1] for row in t2) == sorted(
        ["Vũ Đức An", "Đỗ Thanh Bình", "Hồ Thị Chi", "Lý Văn Dũng", "Mai Thị Em"]
    )
    assert {row[1]: row[5] for row in t2}["Lý Văn Dũng"] == "Quá hạn"


def test_on_the_demo_every_explanation_lists_exactly_the_people_its_figure_counts(demo_data):
    """For every built-in target in force, at the confederation and at each province, on the
    demo's last year-end and today: the people listed, met, overdue and late are the figure's."""
    from lib.dates import today

    compared = 0
    for day in (dt.date(2025, 12, 31), today()):
        snapshot = snapshots.ready(day)
        nodes = UnitVersion.objects.on(day).filter(depth__lte=1)
        for node in nodes:
            targets = selectors.targets_for(node, day)
            for result in selectors.unit_targets(node, day, snapshot, targets):
                lines = list(explain.lines(result.target, node, day))
                statuses = [line.status for line in lines]
                assert (
                    len(lines),
                    statuses.count("met"),
                    statuses.count("overdue") + statuses.count("late"),
                    statuses.count("late"),
                ) == (result.eligible, result.met, result.overdue, result.late), (
                    result.target.code,
                    node.name,
                    day,
                )
                compared += result.eligible
    assert compared > 1000
    assert Target.objects.filter(builtin=True).count() >= 19
