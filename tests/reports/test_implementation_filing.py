"""The yearly implementation report goes up and comes back (issue 21 §10).

001 §IV: "Các quận, huyện, ngành … xây dựng kế hoạch thực hiện, định kỳ hằng năm báo cáo kết
quả về Liên đoàn Lao động Thành phố". Mê Linh files its 2018 report on Hà Nội's plan (004):
the figures of its targets and its cadre work of the year, kept as filed; Hà Nội returns it
with a comment, Mê Linh files again, Hà Nội accepts it, and sees that Đông Anh has not
filed — on the page and through the API alike."""

import datetime as dt
import re

import pytest

from cadrework.models import Evaluation, Inspection
from planning.services import growth_save
from reports.models import ImplementationReport
from targets.models import SourceDocument, Target
from tests.api import ApiClient, messages_of

YEAR = 2018


@pytest.fixture
def plan(tree):
    t = tree
    Target.objects.filter(document__code="004").update(scope_unit=t.hanoi, active=True)
    growth_save(
        user=t.melinh_officer,
        unit=t.melinh,
        period_start=dt.date(2018, 1, 1),
        period_end=dt.date(2018, 12, 31),
        admitted=18_000,
    )
    Evaluation.objects.create(
        person=t.nguyen,
        unit=t.school,
        role=t.chair_role,
        year=YEAR,
        rating="good",
        approved_by=t.melinh,
    )
    Inspection.objects.create(
        inspecting=t.melinh,
        inspected=t.school,
        held_on=dt.date(2018, 5, 5),
        areas="Đánh giá cán bộ",
        findings="Đúng quy trình",
    )
    t.document = SourceDocument.objects.get(code="004")
    return t


def page(client, user, unit, document):
    client.force_login(user)
    return client.get(
        "/reports/implementation/", {"unit": unit.pk, "year": YEAR, "document": document.pk}
    )


def post(client, user, unit, document, **data):
    client.force_login(user)
    return client.post(
        f"/reports/implementation/?unit={unit.pk}&year={YEAR}&document={document.pk}", data
    )


def status_of(html: str, code: str) -> str:
    row = html[html.index(f'data-unit="{code}"') :].split("</tr>")[0]
    return re.search(r'data-status="([a-z_]+)"', row).group(1)


def test_a_report_goes_up_comes_back_and_is_accepted(client, plan):
    t = plan
    assert post(client, t.melinh_officer, t.melinh, t.document, action="file").status_code == 302
    filed = ImplementationReport.objects.get(unit=t.melinh, year=YEAR)
    assert filed.status == "submitted"
    work = filed.figures["cadre_work"]
    assert (work["evaluations"], work["inspections"]) == (1, 1)
    growth = {u["code"]: u for u in filed.figures["unit_targets"]}["T-004-3"]
    assert growth["value"] == "18000"
    city = page(client, t.hanoi_officer, t.hanoi, t.document).content.decode()
    assert status_of(city, "HN-ML") == "submitted"
    assert status_of(city, "HN-DA") == "not_filed"
    # Returned with a comment: Mê Linh sees it and files again.
    post(
        client,
        t.hanoi_officer,
        t.hanoi,
        t.document,
        action="return",
        report=filed.pk,
        comment="Bổ sung số liệu kiểm tra",
    )
    own = page(client, t.melinh_officer, t.melinh, t.document).content.decode()
    assert "Bổ sung số liệu kiểm tra" in own and 'data-status="returned"' in own
    post(client, t.melinh_officer, t.melinh, t.document, action="file", note="Đã bổ sung")
    filed.refresh_from_db()
    assert (filed.status, filed.note, filed.comment) == ("submitted", "Đã bổ sung", "")
    post(client, t.hanoi_officer, t.hanoi, t.document, action="accept", report=filed.pk)
    filed.refresh_from_db()
    assert filed.status == "accepted" and filed.decided_by == t.hanoi_officer


def test_only_the_unit_files_and_only_the_unit_above_decides(client, plan):
    t = plan
    city = ApiClient(t.hanoi_officer)
    refused = city.post(f"/units/{t.melinh.pk}/implementation/{YEAR}", {"document": t.document.pk})
    assert refused.status_code == 422
    assert "Chỉ Liên đoàn Lao động huyện Mê Linh tự gửi báo cáo của mình." in messages_of(refused)
    district = ApiClient(t.melinh_officer)
    filed = district.post(
        f"/units/{t.melinh.pk}/implementation/{YEAR}", {"document": t.document.pk}
    )
    assert filed.status_code == 201, filed.content
    report_id = filed.json()["id"]
    again = district.post(
        f"/units/{t.melinh.pk}/implementation/{YEAR}", {"document": t.document.pk}
    )
    assert again.status_code == 422  # filed already, not returned
    assert district.post(f"/implementation-reports/{report_id}/accept").status_code == 422
    no_comment = city.post(f"/implementation-reports/{report_id}/return", {"comment": " "})
    assert no_comment.status_code == 422
    returned = city.post(
        f"/implementation-reports/{report_id}/return", {"comment": "Thiếu số liệu"}
    )
    assert returned.json()["status"] == "returned"
    listing = city.get(f"/units/{t.hanoi.pk}/implementation/{YEAR}", {"document": t.document.pk})
    below = {r["unit_code"]: r["status"] for r in listing.json()["below"]}
    assert below == {"HN-DA": "not_filed", "HN-ML": "returned"}
    assert (
        ApiClient(t.nt_officer).post(f"/implementation-reports/{report_id}/accept").status_code
        == 404
    )
