"""Classes and trainees given down (issue 21 §1).

004: the city plans "40 lớp … với 3920 học viên" and asks the units below it to plan their own
"đảm bảo về nội dung, chỉ tiêu mở lớp cũng như đối tượng được đào tạo". A unit gives the units
directly below it classes and trainees for a year — by hand or in proportion to members — sees
when the parts do not add up to the goal it was given, and each unit is judged on the classes
its subtree held that year and their attendances; a unit may set itself more, never less.
The page and the API give the same figures."""

import datetime as dt

import pytest

from tests.api import ApiClient, messages_of
from units.services import unit_set_figures

YEAR = 2024  # the tree's classes: one in Mê Linh, one in Ninh Thuận, each one participant


def page(client, user, unit, year=YEAR, data=None):
    client.force_login(user)
    url = f"/planning/class-goals/?unit={unit.pk}&year={year}"
    return client.post(url, data) if data is not None else client.get(url)


def api_rows(user, unit, year=YEAR):
    answer = ApiClient(user).get(f"/units/{unit.pk}/class-goals/{year}")
    assert answer.status_code == 200, answer.content
    body = answer.json()
    return body, {r["unit_code"]: r for r in body["rows"]}


@pytest.fixture
def given(client, tree):
    """Hà Nội gives Mê Linh 1 class and 2 trainees, Đông Anh 3 classes and 1.000 trainees."""
    t = tree
    response = page(
        client,
        t.hanoi_officer,
        t.hanoi,
        data={
            f"classes_{t.melinh.pk}": "1",
            f"trainees_{t.melinh.pk}": "2",
            f"classes_{t.donganh.pk}": "3",
            f"trainees_{t.donganh.pk}": "1.000",  # as Vietnamese type a thousand
        },
    )
    assert response.status_code == 302
    return t


def test_each_unit_below_is_judged_on_what_its_subtree_held(client, given):
    t = given
    body, rows = api_rows(t.hanoi_officer, t.hanoi)
    ml, da = rows["HN-ML"], rows["HN-DA"]
    assert (ml["held_classes"], ml["held_trainees"]) == (1, 1)
    assert (ml["classes"]["goal"], ml["classes"]["reached"]) == (1, True)
    assert (ml["trainees"]["goal"], ml["trainees"]["reached"]) == (2, False)
    assert (da["held_classes"], da["classes"]["goal"], da["classes"]["reached"]) == (0, 3, False)
    assert da["trainees"]["given"] == 1000
    assert (body["given_classes"], body["given_trainees"]) == (4, 1002)
    # Hà Nội itself was given nothing: nothing to check the parts against.
    assert body["whole_classes"] is None and body["adds_up"] is True
    html = page(client, t.hanoi_officer, t.hanoi).content.decode()
    assert "Đơn vị chưa được giao chỉ tiêu" in html
    assert 'class="num held-classes achieved">1<' in html
    assert 'class="num held-trainees missed">1<' in html
    # Another year: nothing given, nothing held.
    _body, other = api_rows(t.hanoi_officer, t.hanoi, 2025)
    assert other["HN-ML"]["classes"]["given"] is None and other["HN-ML"]["held_classes"] == 0


def test_parts_are_checked_against_the_goal_given_and_divided_by_members(client, given):
    t = given
    answer = ApiClient(t.admin).put(
        f"/units/{t.vgcl.pk}/class-goals/{YEAR}",
        {"goals": [{"unit": t.hanoi.pk, "classes": 10, "trainees": 1000}]},
    )
    assert answer.status_code == 200, answer.content
    body, _rows = api_rows(t.hanoi_officer, t.hanoi)
    assert (body["whole_classes"], body["whole_trainees"]) == (10, 1000)
    assert body["adds_up"] is False  # 4 classes and 1.002 trainees given
    assert (
        "Các phần cộng lại không bằng chỉ tiêu chung."
        in page(client, t.hanoi_officer, t.hanoi).content.decode()
    )
    for unit, members in ((t.school, 2), (t.factory, 1)):
        unit_set_figures(
            user=t.hanoi_officer, unit=unit, effective_on=dt.date(2024, 1, 1), member_count=members
        )
    assert page(client, t.hanoi_officer, t.hanoi, data={"divide": "members"}).status_code == 302
    body, rows = api_rows(t.hanoi_officer, t.hanoi)
    assert (rows["HN-ML"]["classes"]["given"], rows["HN-DA"]["classes"]["given"]) == (7, 3)
    assert (rows["HN-ML"]["trainees"]["given"], rows["HN-DA"]["trainees"]["given"]) == (667, 333)
    assert body["adds_up"] is True


def test_a_unit_sets_itself_more_never_less(client, given):
    t = given
    response = page(client, t.melinh_officer, t.melinh, data={"own": "1", "classes": "0"})
    assert response.status_code == 200
    assert (
        "Chỉ tiêu tự đặt không được thấp hơn chỉ tiêu được giao (1)." in response.content.decode()
    )
    own = f"/units/{t.melinh.pk}/class-goals/{YEAR}/own"
    refused = ApiClient(t.melinh_officer).put(own, {"trainees": 1})
    assert refused.status_code == 422
    assert messages_of(refused) == ["Chỉ tiêu tự đặt không được thấp hơn chỉ tiêu được giao (2)."]
    assert ApiClient(t.melinh_officer).put(own, {"classes": 2, "trainees": 2}).status_code == 200
    _body, rows = api_rows(t.hanoi_officer, t.hanoi)
    ml = rows["HN-ML"]["classes"]
    assert (ml["given"], ml["own"], ml["goal"], ml["reached"]) == (1, 2, 2, False)
    mine, _rows = api_rows(t.melinh_officer, t.melinh)
    assert (mine["whole_classes"], mine["whole_trainees"]) == (2, 2)


def test_only_units_directly_below_and_only_in_scope(client, given):
    t = given
    answer = ApiClient(t.hanoi_officer).put(
        f"/units/{t.hanoi.pk}/class-goals/{YEAR}",
        {"goals": [{"unit": t.school.pk, "classes": 1}]},
    )
    assert answer.status_code == 422
    assert messages_of(answer) == [
        "Công đoàn Trường THPT Mê Linh không trực thuộc trực tiếp "
        "Liên đoàn Lao động thành phố Hà Nội."
    ]
    assert (
        ApiClient(t.melinh_officer).get(f"/units/{t.hanoi.pk}/class-goals/{YEAR}").status_code
        == 404
    )
    assert page(client, t.nt_officer, t.hanoi).status_code == 404
    negative = ApiClient(t.hanoi_officer).put(
        f"/units/{t.hanoi.pk}/class-goals/{YEAR}",
        {"goals": [{"unit": t.melinh.pk, "classes": -1}]},
    )
    assert negative.status_code == 422
    assert (
        ApiClient(t.hanoi_officer).get(f"/units/{t.hanoi.pk}/class-goals/1800").status_code == 422
    )
    # A read-only role reads the goals but gives none, on the page or through the API.
    inspector = t.inspector
    assert page(client, inspector, t.hanoi).status_code == 200
    posted = page(client, inspector, t.hanoi, data={f"classes_{t.melinh.pk}": "9"})
    assert posted.status_code in (403, 404)
    assert ApiClient(inspector).put(
        f"/units/{t.hanoi.pk}/class-goals/{YEAR}",
        {"goals": [{"unit": t.melinh.pk, "classes": 9}]},
    ).status_code in (401, 403)
    _body, rows = api_rows(t.hanoi_officer, t.hanoi)
    assert rows["HN-ML"]["classes"]["given"] == 1  # nothing changed by the refusals
