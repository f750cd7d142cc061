"""The new cadres not yet trained, by category, after a congress (issue 21 §7).

004: "Rà soát nắm chắc số lượng cán bộ mới chưa được đào tạo, bồi dưỡng, như cán bộ chủ chốt,
tổ trưởng, tổ phó … thống kê, phân loại, báo cáo". Every new cadre of the subtree counts —
vice-chairs and committee members wherever they are, not only those a target names — once,
by category, per unit below; the page, its export and the API say the same."""

import datetime as dt

import pytest

from accounts.access import SYSTEM
from people.models import Role
from people.services import person_create, position_create, position_end
from privacy.models import PersonalDataAccess
from tests.api import ApiClient
from tests.exports.sheets import sheet
from training.models import Topic
from training.services import external_record_create

CONGRESS, DAY = dt.date(2025, 6, 1), dt.date(2025, 12, 31)


def cadre(tree, unit, given: str, *posts, trained_on=None):
    person = person_create(
        user=SYSTEM,
        unit=unit,
        family_name="Lê",
        middle_name="Văn",
        given_name=given,
        gender="male",
        birth_date=dt.date(1988, 3, 3),
    )
    for code, start, full_time in posts:
        position_create(
            user=SYSTEM,
            person=person,
            unit=unit,
            role=Role.objects.get(code=code),
            start_date=start,
            full_time=full_time,
        )
    if trained_on:
        external_record_create(
            user=SYSTEM,
            person=person,
            title="Nghiệp vụ công tác công đoàn",
            topics=list(Topic.objects.filter(code="union_theory")),
            hours=16,
            completed_on=trained_on,
            form="on_site",
        )
    return person


@pytest.fixture
def congress(tree):
    t = tree
    cadre(t, t.melinh, "Phó", ("vice_chair", dt.date(2025, 6, 15), True))
    # An executive member who also leads a union group: counted once, as a committee member.
    cadre(
        t,
        t.school,
        "Ủy viên",
        ("executive_member", dt.date(2025, 7, 1), False),
        ("group_leader", dt.date(2025, 7, 1), False),
    )
    cadre(t, t.school, "Tổ phó", ("group_deputy", dt.date(2025, 9, 1), False))
    cadre(t, t.factory, "Kiểm tra", ("inspection_member", dt.date(2025, 6, 1), False))
    cadre(t, t.hanoi, "Tham mưu", ("advisory_staff", dt.date(2025, 10, 1), True))
    # Not counted: trained, taken before the congress, left before the day.
    cadre(t, t.school, "Đã học", ("executive_member", CONGRESS, False), trained_on=DAY)
    cadre(t, t.factory, "Cũ", ("executive_member", dt.date(2024, 5, 1), False))
    left = cadre(t, t.factory, "Đã nghỉ", ("executive_member", dt.date(2025, 7, 1), False))
    position_end(
        user=SYSTEM,
        position=left.positions.get(),
        end_date=dt.date(2025, 11, 30),
        end_reason="left",
    )
    return t


def test_the_new_cadres_are_counted_once_by_category_and_unit(client, congress):
    t = congress
    client.force_login(t.hanoi_officer)
    page = client.get(
        "/planning/new-cadres/", {"unit": t.hanoi.pk, "since": "01/06/2025", "on": "31/12/2025"}
    )
    assert page.status_code == 200
    found = page.context["found"]
    rows = {version.unit.code: counts for _key, version, counts, _total in found["rows"]}
    assert rows["HN"]["full_time"] == 1  # Hà Nội's own adviser
    assert (rows["HN-ML"]["key_leaders"], rows["HN-ML"]["committee"]) == (1, 1)
    assert rows["HN-ML"]["group_leaders"] == 1
    assert rows["HN-DA"]["inspection"] == 1 and sum(rows["HN-DA"].values()) == 1
    assert found["total"] == 5
    names = [c.name for c in page.context["people"]]
    assert "Lê Văn Đã học" not in names and "Lê Văn Cũ" not in names
    assert "Lê Văn Đã nghỉ" not in names
    api = ApiClient(t.hanoi_officer).get(
        f"/units/{t.hanoi.pk}/new-cadres", {"since": "2025-06-01", "on": "2025-12-31"}
    )
    body = api.json()
    assert body["total"] == 5 and body["totals"] == found["totals"]
    assert {r["unit_code"]: r["counts"] for r in body["rows"]} == rows


def test_the_export_lists_the_people_and_is_logged(client, congress):
    t = congress
    client.force_login(t.hanoi_officer)
    response = client.get(
        "/planning/new-cadres/",
        {"unit": t.hanoi.pk, "since": "01/06/2025", "on": "31/12/2025", "format": "xlsx"},
    )
    rows = sheet(response)
    listed = rows[[r[0] for r in rows].index("Họ và tên") + 1 :]
    assert len(listed) == 5 and listed[0][-1] == "Cán bộ chủ chốt"
    assert PersonalDataAccess.objects.filter(user=t.hanoi_officer, count=5).exists()


def test_a_district_counts_its_own_subtree_and_cannot_read_the_city(client, congress):
    t = congress
    body = (
        ApiClient(t.melinh_officer)
        .get(f"/units/{t.melinh.pk}/new-cadres", {"since": "2025-06-01", "on": "2025-12-31"})
        .json()
    )
    assert body["total"] == 3
    assert ApiClient(t.melinh_officer).get(f"/units/{t.hanoi.pk}/new-cadres").status_code == 404
