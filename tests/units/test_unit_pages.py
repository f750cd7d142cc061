"""Unit pages: the tree with counts, as-of dates, create and reorganise forms."""

import datetime as dt

from units.models import Unit, UnitVersion


def test_the_tree_shows_children_with_counts(client, tree):
    client.force_login(tree.hanoi_officer)
    body = client.get("/units/").content.decode()
    assert "Liên đoàn Lao động huyện Mê Linh" in body and "Đông Anh" in body
    assert "Ninh Thuận" not in body


def test_the_tree_as_of_a_date_before_a_unit_existed(client, tree):
    client.force_login(tree.hanoi_officer)
    body = client.get("/units/", {"on": "01/01/1999"}).content.decode()
    assert "Mê Linh" not in body


def test_an_officer_creates_a_grassroots_union(client, tree):
    client.force_login(tree.melinh_officer)
    response = client.post(
        "/units/new/",
        {
            "code": "HN-ML-02",
            "name": "Công đoàn Công ty CP Mê Linh",
            "kind": Unit.objects.get(code="HN-ML-01").kind_id,
            "parent": "HN-ML",
            "sector": "non_state",
            "founded_on": "01/01/2024",
        },
    )
    unit = Unit.objects.get(code="HN-ML-02")
    assert response.status_code == 302
    assert unit.path.startswith(tree.melinh.path) and unit.depth == tree.melinh.depth + 1


def test_a_unit_cannot_be_placed_under_a_unit_of_a_lower_level(client, tree):
    client.force_login(tree.hanoi_officer)
    client.post(
        "/units/new/", {"code": "X", "name": "X", "kind": tree.melinh.kind_id, "parent": "HN-ML-01"}
    )
    assert not Unit.objects.filter(code="X").exists()


def test_moving_a_unit_under_its_descendant_through_the_page_is_refused(client, tree):
    client.force_login(tree.hanoi_officer)
    before = list(UnitVersion.objects.values_list("pk", "path", "valid_to"))
    response = client.post(
        f"/units/{tree.melinh.pk}/move/", {"parent": "HN-ML-01", "effective_on": "01/07/2025"}
    )
    assert "Không thể chuyển một đơn vị" in response.content.decode()
    assert list(UnitVersion.objects.values_list("pk", "path", "valid_to")) == before


def test_merging_through_the_page(client, tree):
    client.force_login(tree.hanoi_officer)
    response = client.post(
        f"/units/{tree.melinh.pk}/merge/", {"sources": "HN-DA", "effective_on": "01/07/2025"}
    )
    assert response.status_code == 302
    tree.factory.refresh_from_db()
    assert tree.factory.parent == tree.melinh
    assert Unit.objects.get(code="HN-DA").dissolved_on == dt.date(2025, 7, 1)


def test_the_unit_suggestions_only_offer_units_in_scope(client, tree):
    client.force_login(tree.melinh_officer)
    body = client.get("/units/suggest/", {"parent": "cong doan"}).content.decode()
    assert "HN-ML-01" in body and "HN-DA-01" not in body and "NT-PR-01" not in body


def test_links_carry_ids_without_thousands_separators(client, tree):
    """Vietnamese number formatting must never reach an id in a URL (5000, not 5.000)."""
    from django.core.management.color import no_style
    from django.db import connection

    from tests.conftest import make_unit

    Unit.objects.create(id=4999, code="PAD", name="Đệm", kind=tree.melinh.kind, path="9", depth=9)
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [Unit]):
            cursor.execute(sql)
    district = make_unit(
        "HN-TT", "Liên đoàn Lao động huyện Thanh Trì", "district_federation", tree.hanoi
    )
    make_unit("HN-TT-01", "Công đoàn xã Tả Thanh Oai", "grassroots", district)
    assert district.pk >= 1000
    client.force_login(tree.hanoi_officer)
    body = client.get("/units/").content.decode()
    assert f"?unit={district.pk}&" in body.replace("&amp;", "&")
    assert client.get(f"/units/?unit={district.pk}").status_code == 200
