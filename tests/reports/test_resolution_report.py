"""Report 2, implementation of a resolution: every target of one source document for the unit
and each unit below, read back from the workbook and compared with the targets dashboard's
figures and the API's — today and as of a past day. The world is `tests/targets/pages_world`.
"""

from decimal import Decimal

import pytest

from targets.models import PERSON_KINDS, SourceDocument, Target
from tests.api import ApiClient
from tests.reports.conftest import docx_text, download, post_report, table
from tests.targets.pages_world import build

RESULTS = {True: "Đạt", False: "Chưa đạt", None: "Không có đối tượng"}


@pytest.fixture
def world(tree):
    return build(tree)


def number(value):
    """A cell as the figure it holds: blank -> None, 60.0 -> Decimal('60.0')."""
    if value == "":
        return None
    if isinstance(value, float):
        return int(value) if value.is_integer() else Decimal(str(value))
    return value


def resolution(client, user, unit_code, day, document="003"):
    doc = SourceDocument.objects.get(code=document)
    return download(
        client,
        user,
        "resolution",
        {"unit": unit_code, "on": day.strftime("%d/%m/%Y"), "document": doc.pk},
    )


def dashboard(client, user, unit, day):
    client.force_login(user)
    response = client.get("/targets/", {"unit": unit.pk, "on": day.isoformat()})
    assert response.status_code == 200
    return response.context


def test_the_unit_table_equals_the_dashboard_and_the_api(client, world):
    tree = world.tree
    data = resolution(client, tree.hanoi_officer, "HN", world.today)
    header, rows = table(data)
    assert header == [
        "Mã",
        "Chỉ tiêu",
        "Mức chỉ tiêu (%)",
        "Số đối tượng",
        "Đã đạt",
        "Tỷ lệ (%)",
        "Quá hạn",
        "Đạt muộn",
        "Kết quả",
    ]
    found = {row[0]: [number(v) for v in row[1:]] for row in rows}
    results = dashboard(client, tree.hanoi_officer, tree.hanoi, world.today)["results"]
    api = {
        t["code"]: t
        for t in ApiClient(tree.hanoi_officer)
        .get(f"/units/{tree.hanoi.pk}/targets", {"as_of": world.today.isoformat()})
        .json()["targets"]
    }
    assert list(found) == [r.target.code for r in results] == list(api)
    for r in results:
        name, threshold, eligible, met, percent, overdue, late, result = found[r.target.code]
        assert (name, threshold, eligible, met, percent, overdue, late) == (
            r.target.name,
            r.target.threshold,
            r.eligible,
            r.met,
            r.percent,
            r.overdue,
            r.late,
        )
        assert result == RESULTS[r.achieved]
        t = api[r.target.code]
        assert (t["eligible"], t["met"], t["overdue"], t["late"]) == (eligible, met, overdue, late)
        assert (None if t["percent"] is None else Decimal(t["percent"])) == percent
        assert RESULTS[t["achieved"]] == result
    # The world has figures worth comparing (not all zeros).
    assert found["T-003-2"][2:4] == [5, 3]


def test_each_unit_below_equals_the_dashboards_drill_down(client, world):
    tree = world.tree
    _header, rows = table(resolution(client, tree.hanoi_officer, "HN", world.today), 1)
    found = {(row[0], row[2]): [number(v) for v in row[3:]] for row in rows}
    context = dashboard(client, tree.hanoi_officer, tree.hanoi, world.today)
    children = context["children"]
    assert {row["version"].unit.code for row in children} == {"HN-ML", "HN-DA"}
    for row in children:
        for r in row["results"]:
            assert found[(row["version"].unit.code, r.target.code)] == [
                r.eligible,
                r.met,
                r.percent,
                RESULTS[r.achieved],
            ]
    # Own post-holders and the units below add up to the unit's subtree figures.
    for r in context["results"]:
        eligible = sum(v[0] for (code, target), v in found.items() if target == r.target.code)
        assert eligible == r.eligible


def test_a_past_day_reports_as_the_dashboard_did_then(client, world):
    tree = world.tree
    _header, rows = table(resolution(client, tree.hanoi_officer, "HN", world.past))
    found = {row[0]: [number(v) for v in row[1:]] for row in rows}
    results = dashboard(client, tree.hanoi_officer, tree.hanoi, world.past)["results"]
    for r in results:
        assert found[r.target.code][2:6] == [r.eligible, r.met, r.percent, r.overdue]
    assert found["T-003-2"][2:4] == [4, 1]


def test_only_the_documents_targets_are_reported(client, world):
    """Ninh Thuận's own resolution (001) concerns Ninh Thuận only: Hà Nội is not offered it,
    Ninh Thuận gets its targets and not those of 003."""
    tree = world.tree
    Target.objects.filter(document__code="001").update(scope_unit=tree.ninhthuan, active=True)
    client.force_login(tree.hanoi_officer)
    offered = client.get("/reports/resolution/").context["form"].fields["document"].queryset
    assert list(offered.values_list("code", flat=True)) == ["003"]
    doc_001 = SourceDocument.objects.get(code="001")
    response = post_report(
        client,
        tree.hanoi_officer,
        "resolution",
        {"unit": "HN", "on": world.today.strftime("%d/%m/%Y"), "document": doc_001.pk},
    )
    assert response.status_code == 200 and "document" in response.context["form"].errors

    _header, rows = table(resolution(client, tree.nt_officer, "NT", world.today, "001"))
    codes = [row[0] for row in rows]
    assert codes == list(
        # Every target on people: training, qualification, title standard (T-001-2b).
        Target.objects.filter(document__code="001", kind__in=PERSON_KINDS).values_list(
            "code", flat=True
        )
    )
    assert not any(code.startswith("T-003") for code in codes)


def test_the_word_report_names_the_resolution_and_the_spending_target(client, world):
    tree = world.tree
    doc = SourceDocument.objects.get(code="003")
    text = docx_text(
        download(
            client,
            tree.hanoi_officer,
            "resolution",
            {"unit": "HN", "on": world.today.strftime("%d/%m/%Y"), "document": doc.pk},
            "docx",
        )
    )
    assert "Kết quả thực hiện Nghị quyết Hội nghị lần thứ Bảy BCH TLĐ khoá XII về tiếp tục" in text
    assert "3/5 (60,0%)" in text  # T-003-2 in the wide table
    assert "T-003-5" in text  # the spending target, measured once planning lands
    assert "Kính gửi: Liên đoàn Lao động thành phố Hà Nội" not in text  # the parent is TLĐ
    assert "Kính gửi: Tổng Liên đoàn Lao động Việt Nam" in text


def test_a_day_before_the_unit_existed_is_refused(client, world):
    response = post_report(
        client,
        world.tree.hanoi_officer,
        "resolution",
        {"unit": "HN", "on": "01/01/1999", "document": SourceDocument.objects.get(code="003").pk},
    )
    assert response.status_code == 200
    assert "chưa tồn tại" in response.content.decode()
