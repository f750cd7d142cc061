"""Units through the API: the subtree only, as of a date, and reorganisations by the services."""

import datetime as dt

import pytest

from tests.api import ApiClient, fields_of, messages_of
from units.models import Reorganisation, Term, Unit, UnitVersion

MOVE_DAY = dt.date(2025, 1, 1)


def codes(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {item["code"] for item in response.json()["items"]}


def test_it_lists_the_units_of_the_users_subtree(tree):
    assert codes(ApiClient(tree.hanoi_officer).get("/units")) == {
        "HN",
        "HN-ML",
        "HN-DA",
        "HN-ML-01",
        "HN-DA-01",
    }


def test_the_ninh_thuan_officer_never_sees_ha_noi_units(tree):
    client = ApiClient(tree.nt_officer)
    assert codes(client.get("/units")) == {"NT", "NT-PR", "NT-PR-01"}
    assert codes(client.get("/units", {"q": "ha noi"})) == set()
    assert codes(client.get("/units", {"q": "HN"})) == set()


def test_it_searches_units_ignoring_accents_and_case(tree):
    client = ApiClient(tree.hanoi_officer)
    assert codes(client.get("/units", {"q": "dong anh"})) == {"HN-DA", "HN-DA-01"}


def test_it_filters_units_by_parent_and_kind(tree):
    client = ApiClient(tree.hanoi_officer)
    assert codes(client.get("/units", {"parent": tree.hanoi.pk})) == {"HN-ML", "HN-DA"}
    assert codes(client.get("/units", {"kind": "grassroots"})) == {"HN-ML-01", "HN-DA-01"}


def test_it_paginates_units(tree):
    page = ApiClient(tree.admin).get("/units", {"limit": 2, "offset": 1}).json()
    assert page["count"] == 9 and len(page["items"]) == 2
    assert page["count_capped"] is False


def test_a_list_stops_counting_past_the_cap(tree, monkeypatch):
    """Issue 22: the national records list spent seconds on an exact COUNT(*) of millions of
    rows to show fifty. Past the cap the count says "at least" and the pages go on."""
    from api import schemas

    monkeypatch.setattr(schemas, "COUNT_CAP", 4)
    api = ApiClient(tree.admin)
    page = api.get("/units", {"limit": 2}).json()
    assert (page["count"], page["count_capped"], len(page["items"])) == (4, True, 2)
    last = api.get("/units", {"limit": 5, "offset": 5}).json()
    assert len(last["items"]) == 4  # all nine are still there to page through
    assert api.get("/units", {"parent": tree.hanoi.pk}).json()["count_capped"] is False


def test_a_filter_naming_a_unit_outside_the_subtree_is_a_field_error(tree):
    response = ApiClient(tree.nt_officer).get("/units", {"parent": tree.hanoi.pk})
    assert response.status_code == 422
    assert fields_of(response) == {"parent"}
    assert "Hà Nội" not in response.content.decode()


def test_an_unknown_unit_kind_is_a_field_error(tree):
    response = ApiClient(tree.hanoi_officer).get("/units", {"kind": "castle"})
    assert response.status_code == 422 and fields_of(response) == {"kind"}


def test_a_bad_date_is_a_field_error_in_vietnamese(tree):
    response = ApiClient(tree.hanoi_officer).get("/units", {"on": "31/02/2024"})
    assert response.status_code == 422
    assert fields_of(response) == {"on"}
    assert messages_of(response) == ["Nhập một ngày hợp lệ."]


def test_it_shows_a_unit_with_its_terms_and_counts(tree):
    response = ApiClient(tree.melinh_officer).get(f"/units/{tree.school.pk}", {"on": "2024-01-01"})
    assert response.status_code == 200
    detail = response.json()
    assert detail["unit"]["code"] == "HN-ML-01" and detail["unit"]["parent"] == tree.melinh.pk
    assert detail["on"] == "2024-01-01"
    assert detail["as_of"]["name"] == "Công đoàn Trường THPT Mê Linh"
    assert detail["counts"] == {"sub_units": 0, "cadres": 1, "full_time": 1}
    assert detail["terms"] == [
        {
            "id": tree.term_school.pk,
            "name": "2023-2028",
            "start_date": "2023-06-01",
            "end_date": "2028-05-31",
        }
    ]


def test_a_unit_before_it_was_founded_has_no_shape(tree):
    detail = (
        ApiClient(tree.melinh_officer).get(f"/units/{tree.school.pk}", {"on": "1999-01-01"}).json()
    )
    assert detail["as_of"] is None and detail["counts"] is None


def test_it_lists_children_with_counts(tree):
    response = ApiClient(tree.hanoi_officer).get(
        f"/units/{tree.hanoi.pk}/children", {"on": "2024-01-01"}
    )
    assert response.status_code == 200
    children = {c["code"]: c for c in response.json()}
    assert set(children) == {"HN-ML", "HN-DA"}
    assert children["HN-ML"]["sub_units"] == 1 and children["HN-ML"]["full_time"] == 1


OUTSIDE_ROUTES = [
    ("get", "/units/{pk}"),
    ("patch", "/units/{pk}"),
    ("get", "/units/{pk}/terms"),
    ("post", "/units/{pk}/terms"),
    ("get", "/units/{pk}/children"),
    ("post", "/units/{pk}/move"),
    ("post", "/units/{pk}/rename"),
    ("post", "/units/{pk}/dissolve"),
]


@pytest.mark.parametrize("method,route", OUTSIDE_ROUTES)
def test_the_outsider_gets_404_for_a_ha_noi_unit(tree, method, route):
    client = ApiClient(tree.nt_officer)
    # Even a well-formed request: the scope is checked before the body is read.
    body = {
        "parent": tree.ninhthuan.pk,
        "name": "X",
        "effective_on": "2025-01-01",
        "start_date": "2025-01-01",
        "end_date": "2030-01-01",
        "code": "X",
    }
    args = (body,) if method in ("post", "patch") else ()
    response = getattr(client, method)(route.format(pk=tree.melinh.pk), *args)
    assert response.status_code == 404
    assert response.json() == {"detail": "Không tìm thấy"}
    assert "Mê Linh" not in response.content.decode()


@pytest.mark.parametrize("method,route", OUTSIDE_ROUTES)
def test_the_outsider_gets_404_even_with_an_empty_body(tree, method, route):
    response = getattr(ApiClient(tree.nt_officer), method)(route.format(pk=tree.melinh.pk))
    assert response.status_code == 404


def test_a_district_officer_gets_404_for_the_province_above(tree):
    assert ApiClient(tree.melinh_officer).get(f"/units/{tree.hanoi.pk}").status_code == 404


@pytest.mark.parametrize("pk", ["999999", "abc"])
def test_an_unknown_or_malformed_unit_id_is_not_a_500(tree, pk):
    response = ApiClient(tree.hanoi_officer).get(f"/units/{pk}")
    assert response.status_code in (404, 422)


def test_it_creates_a_unit(tree):
    response = ApiClient(tree.melinh_officer).post(
        "/units",
        {
            "code": "HN-ML-02",
            "name": "Công đoàn  Trường Tiểu học Mê Linh",
            "kind": "grassroots",
            "parent": tree.melinh.pk,
            "sector": "state",
            "founded_on": "2024-09-01",
        },
    )
    assert response.status_code == 201, response.content
    unit = Unit.objects.get(code="HN-ML-02")
    assert response.json() == {
        "id": unit.pk,
        "code": "HN-ML-02",
        "name": "Công đoàn Trường Tiểu học Mê Linh",
        "kind": "grassroots",
        "parent": tree.melinh.pk,
        "depth": 3,
        "sector": "state",
        "founded_on": "2024-09-01",
        "dissolved_on": None,
    }
    assert unit.path.startswith(tree.melinh.path)


def test_creating_a_unit_under_a_unit_outside_the_subtree_writes_nothing(tree):
    response = ApiClient(tree.melinh_officer).post(
        "/units",
        {
            "code": "HN-DA-02",
            "name": "Công đoàn X",
            "kind": "grassroots",
            "parent": tree.donganh.pk,
        },
    )
    assert response.status_code == 422 and fields_of(response) == {"parent"}
    assert not Unit.objects.filter(code="HN-DA-02").exists()


def test_a_duplicate_unit_code_is_a_field_error(tree):
    response = ApiClient(tree.melinh_officer).post(
        "/units",
        {"code": "HN-ML-01", "name": "Công đoàn X", "kind": "grassroots", "parent": tree.melinh.pk},
    )
    assert response.status_code == 422 and fields_of(response) == {"code"}


def test_it_corrects_a_units_code_and_sector(tree):
    response = ApiClient(tree.melinh_officer).patch(
        f"/units/{tree.school.pk}", {"sector": "non_state"}
    )
    assert response.status_code == 200
    tree.school.refresh_from_db()
    assert tree.school.sector == "non_state" and tree.school.code == "HN-ML-01"


def test_it_moves_a_unit_and_reads_as_of_before_and_after(tree):
    client = ApiClient(tree.hanoi_officer)
    response = client.post(
        f"/units/{tree.school.pk}/move", {"parent": tree.donganh.pk, "effective_on": "2025-01-01"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["parent"] == tree.donganh.pk
    before = client.get("/units", {"parent": tree.melinh.pk, "on": "2024-12-31"})
    after = client.get("/units", {"parent": tree.melinh.pk, "on": "2025-01-01"})
    assert codes(before) == {"HN-ML-01"} and codes(after) == set()
    assert codes(client.get("/units", {"parent": tree.donganh.pk, "on": "2025-01-01"})) == {
        "HN-DA-01",
        "HN-ML-01",
    }
    detail = client.get(f"/units/{tree.school.pk}", {"on": "2024-12-31"}).json()
    assert detail["as_of"]["parent"] == tree.melinh.pk
    # Every period's end is its last day (lib.periods): the placement under Mê Linh ended on
    # 31/12/2024, the day before the move took effect.
    assert detail["as_of"]["valid_to"] == "2024-12-31"


def test_moving_a_unit_under_its_own_descendant_writes_nothing(tree):
    response = ApiClient(tree.hanoi_officer).post(
        f"/units/{tree.melinh.pk}/move", {"parent": tree.school.pk, "effective_on": "2025-01-01"}
    )
    assert response.status_code == 422 and fields_of(response) == {"parent"}
    assert not Reorganisation.objects.filter(kind="move").exists()
    assert UnitVersion.objects.filter(unit=tree.melinh).count() == 1
    tree.melinh.refresh_from_db()
    assert tree.melinh.parent == tree.hanoi


def test_moving_a_unit_outside_the_subtree_is_a_field_error(tree):
    response = ApiClient(tree.hanoi_officer).post(
        f"/units/{tree.school.pk}/move", {"parent": tree.phanrang.pk, "effective_on": "2025-01-01"}
    )
    assert response.status_code == 422 and fields_of(response) == {"parent"}
    tree.school.refresh_from_db()
    assert tree.school.parent == tree.melinh


def test_it_renames_a_unit_from_a_date(tree):
    client = ApiClient(tree.melinh_officer)
    response = client.post(
        f"/units/{tree.school.pk}/rename",
        {"name": "Công đoàn Trường THPT Mê Linh mới", "effective_on": "2025-01-01"},
    )
    assert response.status_code == 200
    old = client.get(f"/units/{tree.school.pk}", {"on": "2024-06-01"}).json()
    assert old["as_of"]["name"] == "Công đoàn Trường THPT Mê Linh"
    assert old["unit"]["name"] == "Công đoàn Trường THPT Mê Linh mới"


def test_an_over_long_name_is_a_field_error(tree):
    response = ApiClient(tree.melinh_officer).post(
        f"/units/{tree.school.pk}/rename", {"name": "x" * 256, "effective_on": "2025-01-01"}
    )
    assert response.status_code == 422 and fields_of(response) == {"name"}


def test_it_dissolves_a_unit(tree):
    response = ApiClient(tree.melinh_officer).post(
        f"/units/{tree.school.pk}/dissolve", {"effective_on": "2025-01-01"}
    )
    assert response.status_code == 200 and response.json()["dissolved_on"] == "2025-01-01"


def test_it_refuses_to_dissolve_a_unit_with_sub_units(tree):
    response = ApiClient(tree.hanoi_officer).post(
        f"/units/{tree.melinh.pk}/dissolve", {"effective_on": "2025-01-01"}
    )
    assert response.status_code == 422 and fields_of(response) == {"unit"}
    tree.melinh.refresh_from_db()
    assert tree.melinh.dissolved_on is None


def test_it_merges_units(tree):
    response = ApiClient(tree.hanoi_officer).post(
        "/units/merge",
        {"sources": [tree.melinh.pk], "target": tree.donganh.pk, "effective_on": "2025-07-01"},
    )
    assert response.status_code == 200, response.content
    tree.melinh.refresh_from_db()
    tree.school.refresh_from_db()
    assert tree.melinh.dissolved_on == dt.date(2025, 7, 1)
    assert tree.school.parent == tree.donganh


def test_a_merge_naming_a_unit_outside_the_subtree_writes_nothing(tree):
    response = ApiClient(tree.hanoi_officer).post(
        "/units/merge",
        {
            "sources": [tree.melinh.pk, tree.phanrang.pk],
            "target": tree.donganh.pk,
            "effective_on": "2025-07-01",
        },
    )
    assert response.status_code == 422 and fields_of(response) == {"sources.1"}
    assert not Reorganisation.objects.exclude(kind="create").exists()


def test_it_adds_and_lists_terms(tree):
    client = ApiClient(tree.melinh_officer)
    response = client.post(
        f"/units/{tree.melinh.pk}/terms",
        {"name": "2023-2028", "start_date": "2023-07-01", "end_date": "2028-06-30"},
    )
    assert response.status_code == 201
    assert [t["name"] for t in client.get(f"/units/{tree.melinh.pk}/terms").json()] == ["2023-2028"]


def test_an_overlapping_term_is_a_field_error(tree):
    response = ApiClient(tree.melinh_officer).post(
        f"/units/{tree.school.pk}/terms",
        {"name": "2024-2029", "start_date": "2024-01-01", "end_date": "2029-01-01"},
    )
    assert response.status_code == 422 and fields_of(response) == {"start_date"}
    assert Term.objects.filter(unit=tree.school).count() == 1


WRITES = [
    ("post", "/units", {"code": "HN-X", "name": "X", "kind": "grassroots"}),
    ("patch", "/units/{pk}", {"sector": "state"}),
    ("post", "/units/{pk}/move", {"parent": 0, "effective_on": "2025-01-01"}),
    ("post", "/units/{pk}/rename", {"name": "X", "effective_on": "2025-01-01"}),
    ("post", "/units/{pk}/dissolve", {"effective_on": "2025-01-01"}),
    ("post", "/units/merge", {"sources": [], "target": 0, "effective_on": "2025-01-01"}),
    (
        "post",
        "/units/{pk}/terms",
        {"name": "X", "start_date": "2025-01-01", "end_date": "2026-01-01"},
    ),
]


@pytest.mark.parametrize("method,route,body", WRITES)
def test_the_read_only_inspector_gets_403_on_unit_writes(tree, method, route, body):
    response = getattr(ApiClient(tree.inspector), method)(route.format(pk=tree.school.pk), body)
    assert response.status_code == 403
    assert response.json()["detail"] == "Không có quyền truy cập"


def test_the_inspector_reads_units(tree):
    assert codes(ApiClient(tree.inspector).get("/units")) >= {"HN", "HN-ML-01"}


def test_it_lists_unit_kinds(tree):
    kinds = ApiClient(tree.inspector).get("/unit-kinds").json()
    assert "grassroots" in {k["code"] for k in kinds}
