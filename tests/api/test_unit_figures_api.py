"""A unit's member and worker counts recorded through the API (issue 21, point 11: "an
integrator (a province's member database …) cannot today record a unit's member and worker
counts"), scoped and validated as on the unit's page; the count in force decides the chair's
T-003-4 band at its boundaries.

003 (§II.3.2): "Cấp Tổng Liên đoàn trực tiếp đào tạo, bồi dưỡng cho đội ngũ chủ tịch công đoàn
cơ sở có từ 2.500 đoàn viên trở lên"; "Cấp tỉnh, thành phố, ngành Trung ương và tương đương …
có từ 1.000 đến dưới 2.500 đoàn viên"; "Cấp trên trực tiếp cơ sở … có dưới 1.000 đoàn viên"."""

import pytest

from tests.api import ApiClient, fields_of
from units.models import UnitFigures


@pytest.mark.parametrize(
    ("members", "target", "level"),
    [
        (999, "T-003-4c", "upper_grassroots"),
        (1000, "T-003-4b", "province"),
        (2499, "T-003-4b", "province"),
        (2500, "T-003-4a", "confederation"),
    ],
)
def test_the_count_sent_places_the_union_in_its_band(tree, members, target, level):
    api = ApiClient(tree.melinh_officer)
    sent = {"effective_on": "2025-01-01", "member_count": members, "worker_count": members + 40}
    response = api.post(f"/units/{tree.school.pk}/figures", sent)
    assert response.status_code == 200, response.content
    assert response.json() == sent
    detail = api.get(f"/units/{tree.school.pk}", {"on": "2025-06-30"}).json()
    assert detail["member_count"] == members
    assert (detail["chair_target"], detail["chair_trained_by"]) == (target, level)
    # The day before the figures, the union had none: no band.
    before = api.get(f"/units/{tree.school.pk}", {"on": "2024-12-31"}).json()
    assert before["member_count"] is None


def test_a_second_entry_for_the_same_day_replaces_the_first(tree):
    api = ApiClient(tree.melinh_officer)
    for count in (800, 1200):
        api.post(
            f"/units/{tree.school.pk}/figures",
            {"effective_on": "2025-01-01", "member_count": count},
        )
    assert list(UnitFigures.objects.filter(unit=tree.school).values_list("member_count")) == [
        (1200,)
    ]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"member_count": -1}, "member_count"),
        ({"worker_count": -5}, "worker_count"),
        ({"effective_on": "2025-02-30"}, "effective_on"),
        ({"member_count": "nhiều"}, "member_count"),
        ({"member_count": 2**31}, "member_count"),  # past the database's integer: not a 500
    ],
)
def test_a_bad_count_is_named_and_nothing_is_written(tree, change, field):
    api = ApiClient(tree.melinh_officer)
    sent = {"effective_on": "2025-01-01", "member_count": 10, **change}
    response = api.post(f"/units/{tree.school.pk}/figures", sent)
    assert response.status_code == 422 and field in fields_of(response), response.content
    assert not UnitFigures.objects.filter(unit=tree.school).exists()


def test_a_unit_outside_the_subtree_or_a_reader_cannot_write(tree):
    sent = {"effective_on": "2025-01-01", "member_count": 10}
    outside = ApiClient(tree.melinh_officer).post(f"/units/{tree.nt_grassroots.pk}/figures", sent)
    assert outside.status_code == 404
    reader = ApiClient(tree.inspector).post(f"/units/{tree.school.pk}/figures", sent)
    assert reader.status_code == 403
    assert not UnitFigures.objects.filter(unit__in=[tree.school, tree.nt_grassroots]).exists()


def test_the_units_page_refuses_a_count_past_the_bound_in_vietnamese(client, tree):
    """The same bound on the unit's page: 2,147,483,648 members was a server error on
    PostgreSQL (past its integer column); now a message on the field, nothing written."""
    client.force_login(tree.melinh_officer)
    response = client.post(
        f"/units/{tree.school.pk}/figures/",
        {"effective_on": "01/01/2025", "member_count": str(2**31)},
    )
    assert response.status_code == 200
    assert "nhỏ hơn hoặc bằng" in " ".join(response.context["form"].errors["member_count"])
    assert not UnitFigures.objects.filter(unit=tree.school).exists()
