"""Inspections of cadre work through the API: Hà Nội records an inspection of Mê Linh with
two follow-ups, Mê Linh reports one done and the other becomes overdue; only a unit above
inspects; the subtree only (404 outside, empty lists); read-only accounts get 403; bad input
is a 422 in Vietnamese with nothing written; the list costs the same with 1 and 20."""

import datetime as dt

import pytest
from django.utils import timezone
from django.utils.translation import gettext

from cadrework import inspections as rules
from cadrework.models import FollowUp, Inspection
from tests.api import ApiClient, fields_of, messages_of

FINDINGS = "Chưa rà soát quy hoạch cán bộ năm 2025."
REQUIRED = "Trường này là bắt buộc."  # Django's "This field is required.", in vi
NOT_A_CHOICE = gettext("Select a valid choice. That choice is not one of the available choices.")


@pytest.fixture
def on_day(monkeypatch):
    def move(day: dt.date) -> None:
        monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)

    move(dt.date(2025, 3, 1))
    return move


@pytest.fixture
def hanoi(tree):
    return ApiClient(tree.hanoi_officer)


@pytest.fixture
def melinh(tree):
    return ApiClient(tree.melinh_officer)


def ok(response, status=200) -> dict:
    assert response.status_code == status, response.content.decode()
    return response.json()


def payload(unit, **extra) -> dict:
    data = {
        "inspected": unit.pk,
        "held_on": "2025-02-10",
        "areas": ["training", "planning"],
        "findings": FINDINGS,
        "follow_ups": [
            {"action": "Rà soát, bổ sung quy hoạch", "deadline": "2025-03-31"},
            {"action": "Cử cán bộ đi bồi dưỡng", "deadline": "2025-04-30"},
        ],
    }
    data.update(extra)
    return data


def test_an_inspection_its_follow_ups_done_and_overdue(tree, hanoi, melinh, on_day):
    created = ok(hanoi.post("/inspections", payload(tree.melinh)), 201)
    assert (created["inspecting"]["code"], created["inspected"]["code"], created["held_on"]) == (
        "HN",
        "HN-ML",
        "2025-02-10",
    )
    assert created["areas"] == ["planning", "training"]
    assert created["area_labels"] == [gettext("Planning"), gettext("Training")]
    assert (created["follow_up_count"], created["open_count"], created["overdue_count"]) == (
        2,
        2,
        0,
    )
    first, second = created["follow_ups"]
    assert (first["deadline"], first["status"], first["done_on"]) == ("2025-03-31", "open", None)
    assert Inspection.objects.get().areas == "planning,training"

    # Hà Nội adds a third; Mê Linh sees all three and reports the first done.
    third = ok(
        hanoi.post(
            f"/inspections/{created['id']}/follow-ups",
            {"action": "Báo cáo kết quả khắc phục", "deadline": "2025-05-15"},
        ),
        201,
    )
    assert third["inspection"] == created["id"] and third["status"] == "open"
    on_day(dt.date(2025, 3, 25))
    listed = ok(melinh.get("/inspections"))
    assert [i["id"] for i in listed["items"]] == [created["id"]]
    done = ok(melinh.post(f"/follow-ups/{first['id']}/done", {"done_on": "2025-03-20"}))
    assert (done["status"], done["done_on"]) == ("done", "2025-03-20")
    # Again: refused, the first date stays.
    response = melinh.post(f"/follow-ups/{first['id']}/done", {"done_on": "2025-03-21"})
    assert response.status_code == 422
    assert messages_of(response) == [
        gettext("This follow-up was already done on %(day)s.") % {"day": "20/03/2025"}
    ]
    # Without a date: today.
    assert ok(melinh.post(f"/follow-ups/{third['id']}/done"))["done_on"] == "2025-03-25"

    # The second one's deadline passes.
    on_day(dt.date(2025, 5, 5))
    detail = ok(melinh.get(f"/inspections/{created['id']}"))
    assert [f["status"] for f in detail["follow_ups"]] == ["done", "overdue", "done"]
    assert (detail["open_count"], detail["overdue_count"]) == (1, 1)
    for client in (hanoi, melinh):
        assert [i["id"] for i in ok(client.get("/inspections", {"overdue": "true"}))["items"]] == [
            created["id"]
        ]
        assert ok(client.get("/inspections", {"overdue": "false"}))["items"] == []
    assert [i["id"] for i in ok(hanoi.get("/inspections", {"unit": tree.melinh.pk}))["items"]] == [
        created["id"]
    ]
    assert ok(hanoi.get("/inspections", {"unit": tree.donganh.pk}))["items"] == []


def test_melinh_cannot_inspect_hanoi_nor_itself(tree, melinh, on_day):
    response = melinh.post("/inspections", payload(tree.hanoi))
    assert response.status_code == 422 and fields_of(response) == {"inspected"}
    assert messages_of(response) == [
        gettext("%(inspected)s is not below %(unit)s: a unit inspects only the units below it.")
        % {"inspected": tree.hanoi.name, "unit": tree.melinh.name}
    ]
    response = melinh.post("/inspections", payload(tree.melinh))
    assert response.status_code == 422 and fields_of(response) == {"inspected"}
    assert messages_of(response) == [
        gettext("A unit cannot inspect itself: choose a unit below %(unit)s.")
        % {"unit": tree.melinh.name}
    ]
    # Another province or a sibling: not found, and not named.
    for unit in (tree.ninhthuan, tree.donganh):
        response = melinh.post("/inspections", payload(unit))
        assert response.status_code == 422 and fields_of(response) == {"inspected"}
        assert messages_of(response) == [NOT_A_CHOICE]
        assert unit.name not in response.content.decode()
    assert not Inspection.objects.exists()
    created = ok(melinh.post("/inspections", payload(tree.school)), 201)
    assert created["inspecting"]["code"] == "HN-ML"


def test_ninh_thuan_sees_nothing_of_it(tree, hanoi, on_day):
    created = ok(hanoi.post("/inspections", payload(tree.melinh)), 201)
    follow_up = created["follow_ups"][0]["id"]
    outsider = ApiClient(tree.nt_officer)
    assert ok(outsider.get("/inspections"))["items"] == []
    assert outsider.get("/inspections", {"unit": tree.melinh.pk}).status_code == 422
    assert outsider.get(f"/inspections/{created['id']}").status_code == 404
    response = outsider.post(
        f"/inspections/{created['id']}/follow-ups", {"action": "x", "deadline": "2025-06-01"}
    )
    assert response.status_code == 404
    assert (
        outsider.post(f"/follow-ups/{follow_up}/done", {"done_on": "2025-03-01"}).status_code == 404
    )
    assert tree.melinh.name not in outsider.get(f"/inspections/{created['id']}").content.decode()
    assert FollowUp.objects.count() == 2
    assert not FollowUp.objects.filter(done_on__isnull=False).exists()


def test_the_read_only_inspector_cannot_write(tree, hanoi, on_day):
    created = ok(hanoi.post("/inspections", payload(tree.melinh)), 201)
    follow_up = created["follow_ups"][0]["id"]
    inspector = ApiClient(tree.inspector)
    assert ok(inspector.get(f"/inspections/{created['id']}"))["findings"] == FINDINGS
    assert inspector.post("/inspections", payload(tree.melinh)).status_code == 403
    assert (
        inspector.post(
            f"/inspections/{created['id']}/follow-ups", {"action": "x", "deadline": "2025-06-01"}
        ).status_code
        == 403
    )
    assert (
        inspector.post(f"/follow-ups/{follow_up}/done", {"done_on": "2025-03-01"}).status_code
        == 403
    )
    assert Inspection.objects.count() == 1 and FollowUp.objects.count() == 2
    assert not FollowUp.objects.filter(done_on__isnull=False).exists()


def test_only_the_inspecting_unit_adds_follow_ups(tree, hanoi, melinh, on_day):
    created = ok(hanoi.post("/inspections", payload(tree.melinh, follow_ups=[])), 201)
    response = melinh.post(
        f"/inspections/{created['id']}/follow-ups",
        {"action": "Tự đặt việc", "deadline": "2025-06-01"},
    )
    assert response.status_code == 422
    assert messages_of(response) == [
        gettext("Only %(unit)s, which made the inspection, or a unit above it can change it.")
        % {"unit": tree.hanoi.name}
    ]
    assert not FollowUp.objects.exists()
    # The confederation, above Hà Nội, may.
    ok(
        ApiClient(tree.admin).post(
            f"/inspections/{created['id']}/follow-ups",
            {"action": "Việc của TLĐ", "deadline": "2025-06-01"},
        ),
        201,
    )


@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"held_on": "2025-03-02"}, "held_on", "The inspection cannot be dated in the future."),
        ({"held_on": "10/02/2025"}, "held_on", "Enter a valid date."),
        (
            {"areas": ["planning", "budget"]},
            "areas",
            "Unknown area: %(codes)s. Choose among %(known)s.",
        ),
        ({"areas": []}, "areas", "Choose at least one area of cadre work."),
        ({"areas": "planning"}, "areas", "Enter a list of values."),
        ({"findings": " "}, "findings", "Write down the findings of the inspection."),
        (
            {"follow_ups": [{"action": "Bổ sung hồ sơ"}]},
            "follow_ups.0.deadline",
            "This field is required.",
        ),
        (
            {"follow_ups": [{"action": "Bổ sung hồ sơ", "deadline": "2025-01-31"}]},
            "follow_ups.0.deadline",
            "The deadline cannot be before the inspection (%(day)s).",
        ),
        (
            {"follow_ups": [{"action": "", "deadline": "2025-03-31"}]},
            "follow_ups.0.action",
            "Say what must be done.",
        ),
        ({"inspected": None}, "inspected", "Enter a whole number."),
    ],
)
def test_bad_inspections_are_refused_and_nothing_is_written(
    tree, hanoi, on_day, change, field, message
):
    response = hanoi.post("/inspections", payload(tree.melinh, **change))
    assert response.status_code == 422, response.content.decode()
    assert fields_of(response) == {field}
    expected = gettext(message) % {
        "codes": "budget",
        "known": ", ".join(rules.Area.values),
        "day": "10/02/2025",
    }
    assert messages_of(response) == [expected]
    assert not Inspection.objects.exists() and not FollowUp.objects.exists()


def test_missing_fields_are_named_in_vietnamese(tree, hanoi, on_day):
    response = hanoi.post("/inspections", {"inspected": tree.melinh.pk})
    assert response.status_code == 422
    assert fields_of(response) == {"held_on", "areas", "findings"}
    assert set(messages_of(response)) == {REQUIRED}
    created = ok(hanoi.post("/inspections", payload(tree.melinh, follow_ups=[])), 201)
    response = hanoi.post(f"/inspections/{created['id']}/follow-ups", {"action": "Bổ sung"})
    assert response.status_code == 422 and fields_of(response) == {"deadline"}
    assert messages_of(response) == [REQUIRED]
    assert not FollowUp.objects.exists()


def test_bad_done_dates_are_refused_and_nothing_is_written(tree, hanoi, melinh, on_day):
    created = ok(hanoi.post("/inspections", payload(tree.melinh)), 201)
    follow_up = created["follow_ups"][0]["id"]
    for done_on, message in (
        (
            "2025-02-09",
            gettext("The action cannot be done before the inspection (%(day)s).")
            % {"day": "10/02/2025"},
        ),
        ("2025-03-02", gettext("The date cannot be in the future.")),
        ("hôm qua", gettext("Enter a valid date.")),
    ):
        response = melinh.post(f"/follow-ups/{follow_up}/done", {"done_on": done_on})
        assert response.status_code == 422 and fields_of(response) == {"done_on"}
        assert messages_of(response) == [message]
    assert not FollowUp.objects.filter(done_on__isnull=False).exists()


def test_the_list_costs_the_same_queries_with_1_and_20_inspections(tree, hanoi, on_day):
    def add(i: int) -> None:
        rules.inspection_create(
            user=tree.hanoi_officer,
            inspected=(tree.melinh, tree.donganh, tree.school)[i % 3],
            held_on=dt.date(2025, 1, 1 + i),
            areas="planning,evaluation",
            findings=FINDINGS,
            follow_ups=[
                {"action": "Một", "deadline": dt.date(2025, 2, 1 + i)},
                {"action": "Hai", "deadline": dt.date(2025, 6, 1 + i)},
            ],
        )

    def count(path: str, params: dict) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            response = hanoi.get(path, params)
        assert response.status_code == 200
        return len(captured)

    add(0)
    hanoi.get("/inspections")  # the token's last-used stamp is written once a minute
    small = [
        count("/inspections", {}),
        count("/inspections", {"overdue": "true", "unit": tree.melinh.pk}),
    ]
    for i in range(1, 20):
        add(i)
    assert [
        count("/inspections", {}),
        count("/inspections", {"overdue": "true", "unit": tree.melinh.pk}),
    ] == small
    assert ok(hanoi.get("/inspections", {"limit": 100}))["count"] == 20
