"""The targets through the JSON API: a unit's figures for every target and a person's
obligations, as of a day, inside the token user's subtree only, equal to the dashboard's.

The world is described in `pages_world.py`."""

import re
from decimal import Decimal

import pytest

from targets.services import target_adopt
from tests.api import ApiClient, fields_of, messages_of
from tests.targets.pages_world import shared, target_rows

STANDINGS = {
    "Đạt": "achieved",
    "Có nguy cơ": "at_risk",
    "Không đạt": "missed",
    "Không có đối tượng": "none",
}


@pytest.fixture
def world(tree):
    return shared(tree)


def unit_targets(user, unit, day):
    response = ApiClient(user).get(f"/units/{unit.pk}/targets", {"as_of": day.isoformat()})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["unit"] == unit.pk and body["as_of"] == day.isoformat()
    return {t["code"]: t for t in body["targets"]}


def obligations(user, person, day):
    response = ApiClient(user).get(f"/people/{person.pk}/obligations", {"as_of": day.isoformat()})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["person"] == person.pk and body["as_of"] == day.isoformat()
    return {o["code"]: o for o in body["obligations"]}


def figures(t: dict) -> tuple:
    percent = None if t["percent"] is None else Decimal(t["percent"])
    return t["eligible"], t["met"], t["overdue"], percent, t["achieved"], t["standing"]


def test_a_units_targets_as_of_a_day(world):
    tree = world.tree
    found = unit_targets(tree.hanoi_officer, tree.hanoi, world.today)
    assert list(found) == ["T-003-1", "T-003-2", "T-003-3", "T-003-4a", "T-003-4b", "T-003-4c"]
    assert figures(found["T-003-1"]) == (0, 0, 0, None, None, "none")
    assert figures(found["T-003-2"]) == (5, 3, 1, Decimal("60.0"), False, "missed")
    assert figures(found["T-003-3"]) == (5, 2, 0, Decimal("40.0"), False, "at_risk")
    assert figures(found["T-003-4c"]) == (1, 1, 0, Decimal("100.0"), True, "achieved")
    t2 = found["T-003-2"]
    assert (t2["document"], Decimal(t2["threshold"]), t2["level_responsible"]) == (
        "003",
        Decimal(100),
        None,
    )
    assert found["T-003-4c"]["level_responsible"] == "upper_grassroots"

    past = unit_targets(tree.hanoi_officer, tree.hanoi, world.past)
    assert figures(past["T-003-2"]) == (4, 1, 0, Decimal("25.0"), False, "at_risk")
    nt = unit_targets(tree.nt_officer, tree.ninhthuan, world.today)
    assert figures(nt["T-003-2"]) == (3, 2, 0, Decimal("66.7"), False, "at_risk")


def test_a_persons_obligations_as_of_a_day(world):
    tree, officer = world.tree, world.tree.hanoi_officer
    an = obligations(officer, world.an, world.today)
    assert an["T-003-1"]["status"] == "not_applicable" and an["T-003-1"]["record"] is None
    # A met title standard (T-003-2) names the course that completed it.
    record_keys = {"record", "record_title", "record_completed_on"}
    assert an["T-003-2"] == {
        "code": "T-003-2",
        "name": world.t2.name,
        "status": "met",
        "unit": tree.hanoi.pk,
        "role": "department_head",
        "due_on": world.hanoi_term.end_date.isoformat(),
        "record": world.an_record.pk,
        "record_title": world.an_record.title,
        "record_completed_on": world.an_record.completed_on.isoformat(),
    }
    assert {k: an["T-003-3"][k] for k in ["status", *sorted(record_keys)]} == {
        "status": "met",
        "record": world.an_yearly.pk,
        "record_completed_on": world.an_yearly.completed_on.isoformat(),
        "record_title": world.an_yearly.title,
    }

    chi = obligations(officer, world.chi, world.today)
    assert (chi["T-003-2"]["status"], chi["T-003-2"]["due_on"], chi["T-003-2"]["record"]) == (
        "due",
        world.hanoi_term.end_date.isoformat(),
        None,
    )
    dung = obligations(officer, world.dung, world.today)
    assert (dung["T-003-2"]["status"], dung["T-003-2"]["due_on"]) == (
        "overdue",
        world.melinh_term.end_date.isoformat(),
    )
    assert dung["T-003-2"]["unit"] == tree.melinh.pk
    # On the past day Bình had no record yet, and Dũng's term still ran.
    assert obligations(officer, world.binh, world.past)["T-003-2"]["status"] == "due"
    assert obligations(officer, world.dung, world.past)["T-003-2"]["status"] == "due"


def test_both_answer_404_outside_the_token_users_subtree(world):
    tree = world.tree
    hanoi = ApiClient(tree.hanoi_officer)
    for path in (
        f"/units/{tree.ninhthuan.pk}/targets",
        f"/units/{tree.vgcl.pk}/targets",
        f"/people/{tree.le.pk}/obligations",
        f"/people/{world.phuc.pk}/obligations",
    ):
        response = hanoi.get(path)
        assert response.status_code == 404, path
        assert response.json() == {"detail": "Không tìm thấy"}
        assert "Ninh Thuận" not in response.content.decode()
    melinh = ApiClient(tree.melinh_officer)
    assert melinh.get(f"/units/{tree.hanoi.pk}/targets").status_code == 404
    assert melinh.get(f"/people/{world.an.pk}/obligations").status_code == 404
    assert melinh.get(f"/people/{world.dung.pk}/obligations").status_code == 200
    assert ApiClient().get(f"/units/{tree.hanoi.pk}/targets").status_code == 401


def test_a_bad_date_is_a_field_error_in_vietnamese(world):
    client = ApiClient(world.tree.hanoi_officer)
    for path in (f"/units/{world.tree.hanoi.pk}/targets", f"/people/{world.an.pk}/obligations"):
        response = client.get(path, {"as_of": "31/02/2024"})
        assert response.status_code == 422
        assert fields_of(response) == {"as_of"}
        assert messages_of(response) == ["Nhập một ngày hợp lệ."]


def test_a_unit_that_did_not_exist_that_day_is_not_found(world):
    response = ApiClient(world.tree.hanoi_officer).get(
        f"/units/{world.tree.hanoi.pk}/targets", {"as_of": "1999-12-31"}
    )
    assert response.status_code == 404
    assert response.json()["detail"] == "Đơn vị chưa tồn tại hoặc đã giải thể vào ngày này."


def test_another_provinces_adoption_does_not_show_in_a_persons_obligations(world):
    tree = world.tree
    target_adopt(target=world.t2, unit=tree.ninhthuan, threshold=Decimal(100))
    an = obligations(tree.hanoi_officer, world.an, world.today)
    assert "T-003-2@NT" not in an
    assert "T-003-2@NT" in obligations(tree.nt_officer, world.phuc, world.today)
    assert "T-003-2@NT" not in unit_targets(tree.hanoi_officer, tree.hanoi, world.today)


@pytest.mark.parametrize(
    "who, where",
    [
        ("hanoi_officer", "hanoi"),
        ("hanoi_officer", "melinh"),
        ("melinh_officer", "school"),
        ("nt_officer", "ninhthuan"),
    ],
)
@pytest.mark.parametrize("when", ["today", "past"])
def test_the_api_gives_the_figures_of_the_dashboard(client, world, who, where, when):
    tree = world.tree
    user, unit, day = getattr(tree, who), getattr(tree, where), getattr(world, when)
    api = unit_targets(user, unit, day)
    client.force_login(user)
    response = client.get("/targets/", {"unit": unit.pk, "on": day.isoformat()})
    rows = target_rows(response.content)
    assert list(rows) == list(api)
    for code, cells in rows.items():
        t = api[code]
        progress, standing, overdue = cells[2], cells[3], cells[4]
        if t["eligible"]:
            percent, met, eligible = re.fullmatch(r"([\d,]+)% · (\d+)/(\d+)", progress).groups()
            assert (Decimal(percent.replace(",", ".")), int(met), int(eligible)) == (
                Decimal(t["percent"]),
                t["met"],
                t["eligible"],
            ), code
        else:
            assert progress == "—" and t["percent"] is None, code
        assert STANDINGS[standing] == t["standing"], code
        assert int(overdue) == t["overdue"], code
        assert cells[1] == f"{Decimal(t['threshold']):f}".rstrip("0").rstrip(".") + "%", code
