"""Planning through the API: the plan workflow, classes counted against lines, consolidation
up the tree, spending, member growth and needs surveys — the services' rules, the subtree
only, and nothing written on a refusal."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils.translation import gettext

from lib.dates import today
from planning import services
from planning.models import (
    ClassLink,
    MemberGrowth,
    Plan,
    PlanEvent,
    PlanLine,
    Spending,
    Survey,
    SurveyAnswer,
    SurveyNeed,
)
from tests.api import BASE, ApiClient, fields_of, messages_of
from training.models import TrainingClass

LINE = {
    "name": "Bồi dưỡng nghiệp vụ công tác công đoàn",
    "topic": "union_general",
    "target_group": "part_time",
    "classes": 2,
    "trainees": 60,
    "quarter": 2,
    "budget": "30000000",
}
AT_LEAST_ZERO = "Đảm bảo giá trị này lớn hơn hoặc bằng"  # Django's MinValueValidator, in vi
NOT_A_NUMBER = "Nhập một số."  # Django's message for a bad decimal, in vi


def put(client: ApiClient, path: str, data: dict):
    return client.client.put(
        BASE + path, data, content_type="application/json", headers=client._headers()
    )


def ok(response, status=200) -> dict:
    assert response.status_code == status, response.content.decode()
    return response.json() if response.content else {}


def new_plan(client: ApiClient, unit, year=2024, line=LINE) -> tuple[int, int]:
    plan = ok(client.post("/plans", {"unit": unit.pk, "year": year}), 201)
    added = ok(client.post(f"/plans/{plan['id']}/lines", line), 201)
    return plan["id"], added["id"]


@pytest.fixture
def melinh(tree):
    return ApiClient(tree.melinh_officer)


@pytest.fixture
def hanoi(tree):
    return ApiClient(tree.hanoi_officer)


@pytest.fixture
def ml_plan(tree, melinh):
    """Mê Linh's 2024 plan with one line, still a draft."""
    return new_plan(melinh, tree.melinh)


# --- the workflow -------------------------------------------------------------------------


def test_a_plan_goes_up_is_returned_approved_and_revised_with_a_reason(tree, melinh, hanoi):
    created = ok(
        melinh.post("/plans", {"unit": tree.melinh.pk, "year": 2024, "note": "Kế hoạch năm 2024"}),
        201,
    )
    plan_id = created["id"]
    assert (created["status"], created["revision"], created["unit"]["code"]) == (
        "draft",
        0,
        "HN-ML",
    )
    assert [e["action"] for e in created["events"]] == ["created"]
    line = ok(melinh.post(f"/plans/{plan_id}/lines", LINE), 201)
    assert (line["topic"], line["classes"], line["budget"]) == ("union_general", 2, "30000000")
    assert line["figures"]["planned_trainees"] == 60 and line["figures"]["trainees"] == 0

    assert ok(melinh.post(f"/plans/{plan_id}/submit"))["status"] == "submitted"
    # Waiting for Hà Nội: Mê Linh cannot change it.
    response = melinh.patch(f"/plans/{plan_id}/lines/{line['id']}", {"classes": 5})
    assert response.status_code == 422
    assert PlanLine.objects.get(pk=line["id"]).classes == 2

    response = hanoi.post(f"/plans/{plan_id}/return", {"comment": " "})
    assert response.status_code == 422 and fields_of(response) == {"comment"}
    returned = ok(
        hanoi.post(f"/plans/{plan_id}/return", {"comment": "Bổ sung lớp cho cán bộ chuyên trách"})
    )
    assert returned["status"] == "returned"
    assert returned["events"][0] == {
        **returned["events"][0],
        "action": "returned",
        "user": "hanoi",
        "comment": "Bổ sung lớp cho cán bộ chuyên trách",
    }
    # Returned: edited freely, no revision.
    edited = ok(melinh.patch(f"/plans/{plan_id}/lines/{line['id']}", {"classes": 3}))
    assert edited["classes"] == 3 and edited["trainees"] == 60
    ok(melinh.post(f"/plans/{plan_id}/submit"))
    approved = ok(hanoi.post(f"/plans/{plan_id}/approve", {"comment": "Đồng ý"}))
    assert (approved["status"], approved["revision"]) == ("approved", 0)
    assert [e["action"] for e in approved["events"]] == [
        "approved",
        "submitted",
        "returned",
        "submitted",
        "created",
    ]

    # After approval a change is a revision: a reason is required, and it is logged.
    events = PlanEvent.objects.count()
    response = melinh.patch(f"/plans/{plan_id}/lines/{line['id']}", {"classes": 4})
    assert response.status_code == 422 and fields_of(response) == {"reason"}
    assert PlanLine.objects.get(pk=line["id"]).classes == 3
    assert PlanEvent.objects.count() == events
    ok(
        melinh.patch(
            f"/plans/{plan_id}/lines/{line['id']}",
            {"classes": 4, "budget": 45000000, "reason": "Thêm một lớp quý III"},
        )
    )
    plan = ok(melinh.get(f"/plans/{plan_id}"))
    assert plan["revision"] == 1 and plan["lines"][0]["classes"] == 4
    revised = plan["events"][0]
    assert (revised["action"], revised["comment"], revised["user"]) == (
        "revised",
        "Thêm một lớp quý III",
        "melinh",
    )
    assert sorted(revised["changes"], key=lambda c: c["field"]) == [
        {"line": line["id"], "field": "budget", "old": "30000000", "new": "45000000"},
        {"line": line["id"], "field": "classes", "old": "3", "new": "4"},
    ]
    assert plan["totals"]["planned_classes"] == 4 and plan["totals"]["budget"] == "45000000"

    # Deleting a line of an approved plan is a revision too.
    response = melinh.delete(f"/plans/{plan_id}/lines/{line['id']}")
    assert response.status_code == 422 and fields_of(response) == {"reason"}
    assert PlanLine.objects.filter(pk=line["id"]).exists()
    response = melinh.delete(f"/plans/{plan_id}/lines/{line['id']}?reason=Gộp+vào+lớp+khác")
    assert response.status_code == 204
    plan = ok(melinh.get(f"/plans/{plan_id}"))
    assert plan["lines"] == [] and plan["revision"] == 2
    assert plan["events"][0]["changes"] == [
        {"line": line["id"], "field": "deleted", "old": LINE["name"], "new": ""}
    ]


def test_a_unit_cannot_approve_its_own_plan(tree, melinh, ml_plan):
    plan_id, _line = ml_plan
    ok(melinh.post(f"/plans/{plan_id}/submit"))
    response = melinh.post(f"/plans/{plan_id}/approve")
    assert response.status_code == 422 and fields_of(response) == {None}
    own_plan = "A unit cannot approve or return its own plan: the unit above does."
    assert messages_of(response) == [gettext(own_plan)] != [own_plan]  # in Vietnamese
    assert Plan.objects.get(pk=plan_id).status == "submitted"
    assert not PlanEvent.objects.filter(plan_id=plan_id, action="approved").exists()


def test_only_the_unit_directly_above_decides_and_only_on_a_submitted_plan(
    tree, hanoi, melinh, ml_plan
):
    plan_id, _line = ml_plan
    response = hanoi.post(f"/plans/{plan_id}/approve")
    assert response.status_code == 422  # still a draft
    ok(melinh.post(f"/plans/{plan_id}/submit"))
    response = ApiClient(tree.admin).post(f"/plans/{plan_id}/approve")
    assert response.status_code == 422  # the confederation is not directly above Mê Linh
    assert Plan.objects.get(pk=plan_id).status == "submitted"


def test_an_approval_needs_no_body(tree, hanoi, melinh, ml_plan):
    plan_id, _line = ml_plan
    ok(melinh.post(f"/plans/{plan_id}/submit"))
    response = hanoi.client.generic(
        "POST", f"{BASE}/plans/{plan_id}/approve", b"", headers=hanoi._headers()
    )
    assert ok(response)["status"] == "approved"


def test_a_plan_without_lines_cannot_be_submitted(tree, melinh):
    plan = ok(melinh.post("/plans", {"unit": tree.melinh.pk, "year": 2025}), 201)
    assert melinh.post(f"/plans/{plan['id']}/submit").status_code == 422
    assert Plan.objects.get(pk=plan["id"]).status == "draft"


def test_a_second_plan_for_the_same_year_is_refused(tree, melinh, ml_plan):
    response = melinh.post("/plans", {"unit": tree.melinh.pk, "year": 2024})
    assert response.status_code == 422 and fields_of(response) == {"year"}
    assert Plan.objects.count() == 1


def test_a_read_only_inspector_cannot_write_plans(tree):
    response = ApiClient(tree.inspector).post("/plans", {"unit": tree.hanoi.pk, "year": 2024})
    assert response.status_code == 403 and not Plan.objects.exists()


# --- classes run against a line -----------------------------------------------------------


def test_linking_the_mê_linh_class_moves_the_actual_figures(tree, melinh, ml_plan):
    plan_id, line_id = ml_plan
    TrainingClass.objects.filter(pk=tree.ml_class.pk).update(budget_actual=12000000)
    line = ok(
        melinh.post(f"/plans/{plan_id}/lines/{line_id}/classes", {"training_class": "ML-2024-01"}),
        201,
    )
    assert (line["figures"]["classes"], line["figures"]["trainees"]) == (1, 1)
    assert line["figures"]["spending"] == "12000000"
    assert line["figures"]["classes_percent"] == "50.0"
    # By id as well; linking again changes nothing.
    ok(
        melinh.post(
            f"/plans/{plan_id}/lines/{line_id}/classes", {"training_class": tree.ml_class.pk}
        ),
        201,
    )
    assert ClassLink.objects.count() == 1
    plan = ok(melinh.get(f"/plans/{plan_id}"))
    assert plan["totals"]["classes"] == 1 and plan["lines"][0]["figures"]["trainees"] == 1


def test_a_class_outside_the_subtree_cannot_be_linked(tree, melinh, ml_plan):
    plan_id, line_id = ml_plan
    for ref in ("NT-2024-01", tree.nt_class.pk, "NO-SUCH-CLASS"):
        response = melinh.post(f"/plans/{plan_id}/lines/{line_id}/classes", {"training_class": ref})
        assert response.status_code == 422 and fields_of(response) == {"training_class"}
        assert "Ninh Thuận" not in response.content.decode()
    assert not ClassLink.objects.exists()


def test_a_class_of_another_year_is_refused_by_the_service(tree, melinh):
    plan_id, line_id = new_plan(melinh, tree.melinh, year=2025)
    response = melinh.post(
        f"/plans/{plan_id}/lines/{line_id}/classes", {"training_class": "ML-2024-01"}
    )
    assert response.status_code == 422 and fields_of(response) == {"training_class"}
    assert not ClassLink.objects.exists()


# --- consolidation up the tree ------------------------------------------------------------


def test_ha_noi_consolidates_what_its_districts_sent_up(tree, melinh, hanoi, ml_plan):
    plan_id, line_id = ml_plan
    new_plan(
        hanoi,
        tree.hanoi,
        line={
            **LINE,
            "target_group": "full_time",
            "classes": 1,
            "trainees": 40,
            "budget": 20000000,
        },
    )
    url = f"/units/{tree.hanoi.pk}/plans/2024/consolidated"
    before = ok(hanoi.get(url))
    assert before["totals"]["planned_classes"] == 1  # Mê Linh's draft is not counted
    assert [u["code"] for u in before["not_submitted"]] == ["HN-DA", "HN-ML"]

    ok(
        melinh.post(f"/plans/{plan_id}/lines/{line_id}/classes", {"training_class": "ML-2024-01"}),
        201,
    )
    ok(melinh.post(f"/plans/{plan_id}/submit"))
    after = ok(hanoi.get(url))
    assert [u["code"] for u in after["not_submitted"]] == ["HN-DA"]
    totals = after["totals"]
    assert (totals["planned_classes"], totals["planned_trainees"], totals["budget"]) == (
        3,
        100,
        "50000000",
    )
    assert (totals["classes"], totals["trainees"]) == (1, 1)
    rows = {(r["topic"], r["target_group"]): r for r in after["rows"]}
    assert set(rows) == {("union_general", "full_time"), ("union_general", "part_time")}
    assert rows[("union_general", "part_time")]["figures"]["planned_classes"] == 2
    assert rows[("union_general", "part_time")]["target_group_label"]


def test_plans_are_listed_for_the_subtree_only(tree, melinh, hanoi, ml_plan):
    new_plan(hanoi, tree.hanoi)
    new_plan(ApiClient(tree.nt_officer), tree.ninhthuan)

    def units(client, **params):
        return {p["unit"]["code"] for p in ok(client.get("/plans", params))["items"]}

    assert units(hanoi) == {"HN", "HN-ML"}
    assert units(hanoi, unit=tree.melinh.pk) == {"HN-ML"}
    assert units(hanoi, year=2025) == set()
    assert units(melinh) == {"HN-ML"}
    assert units(ApiClient(tree.nt_officer)) == {"NT"}
    response = ApiClient(tree.nt_officer).get("/plans", {"unit": tree.melinh.pk})
    assert response.status_code == 422 and fields_of(response) == {"unit"}


# --- spending -----------------------------------------------------------------------------


def test_spending_and_its_training_share(tree, melinh):
    TrainingClass.objects.filter(pk=tree.ml_class.pk).update(budget_actual=20000000)
    url = f"/units/{tree.melinh.pk}/spending/2024"
    assert melinh.get(url).status_code == 404
    saved = ok(
        put(
            melinh,
            url,
            {"operating_total": 200000000, "other_training": "10000000", "note": "Quyết toán 2024"},
        )
    )
    assert (saved["class_costs"], saved["training"], saved["share"]) == (
        "20000000",
        "30000000",
        "15.00",
    )
    assert ok(melinh.get(url)) == saved
    ok(put(melinh, url, {"operating_total": "300000000"}))
    assert Spending.objects.get().operating_total == Decimal(300000000)


@pytest.mark.parametrize(
    "payload, field, message",
    [
        ({"operating_total": "1,5 tỷ"}, "operating_total", NOT_A_NUMBER),
        ({"operating_total": "abc"}, "operating_total", NOT_A_NUMBER),
        ({"operating_total": 100, "other_training": "abc"}, "other_training", NOT_A_NUMBER),
        ({"operating_total": 100, "other_training": -5}, "other_training", AT_LEAST_ZERO),
        ({"operating_total": -100}, "operating_total", None),  # the service's own rule
        ({"operating_total": 0}, "operating_total", None),
    ],
)
def test_bad_spending_is_refused_and_nothing_is_written(tree, melinh, payload, field, message):
    response = put(melinh, f"/units/{tree.melinh.pk}/spending/2024", payload)
    assert response.status_code == 422 and fields_of(response) == {field}
    if message:
        assert message in messages_of(response)[0]
    assert not Spending.objects.exists()


# --- member growth ------------------------------------------------------------------------

GROWTH = {
    "period_start": "2024-01-01",
    "period_end": "2024-06-30",
    "admitted": 120,
    "other_decreases": 20,
    "transfers_in": 5,
    "transfers_out": 7,
    "unions_founded": 2,
    "enterprises_30plus": 10,
    "enterprises_with_union": 6,
}


def test_member_growth_is_entered_and_summed_over_the_subtree(tree, melinh, hanoi):
    row = ok(melinh.post("/member-growth", {**GROWTH, "unit": tree.melinh.pk}))
    assert row["net_growth"] == 100 and row["unit"]["code"] == "HN-ML"
    ok(
        melinh.post(
            "/member-growth",
            {
                **GROWTH,
                "unit": tree.school.pk,
                "admitted": 10,
                "other_decreases": 0,
                "enterprises_30plus": 0,
                "enterprises_with_union": 0,
            },
        )
    )
    # A correction changes only the figures sent.
    ok(
        melinh.post(
            "/member-growth",
            {
                "unit": tree.melinh.pk,
                "period_start": "2024-01-01",
                "period_end": "2024-06-30",
                "admitted": 130,
            },
        )
    )
    assert MemberGrowth.objects.count() == 2
    assert MemberGrowth.objects.get(unit=tree.melinh).other_decreases == 20

    params = {"start": "2024-01-01", "end": "2024-12-31"}
    report = ok(hanoi.get(f"/units/{tree.hanoi.pk}/member-growth", params))
    # Mê Linh's own figures include its school's: the school reported, so the subtree counts
    # from that level, once (tests/planning/test_growth_counted_once.py).
    assert [r["unit"]["code"] for r in report["rows"]] == ["HN-ML-01"]
    assert [r["unit"]["code"] for r in report["left_out"]] == ["HN-ML"]
    totals = report["totals"]
    assert (totals["admitted"], totals["net_growth"], totals["reporting"]) == (10, 10, 1)
    assert totals["coverage"] is None  # the school counted no enterprise
    assert totals["levels"] == [{"level": "Công đoàn cơ sở", "units": 1}]
    school = ok(melinh.get(f"/units/{tree.school.pk}/member-growth", params))
    assert school["totals"]["admitted"] == 10 and len(school["rows"]) == 1


@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"admitted": -3}, "admitted", AT_LEAST_ZERO),
        ({"enterprises_with_union": 11}, "enterprises_with_union", None),
        ({"period_end": "2023-12-31"}, "period_end", None),
        ({"admitted": "abc"}, "admitted", "Nhập một số nguyên."),
        ({"unit": "not-an-id"}, "unit", None),
    ],
)
def test_bad_member_growth_is_refused_and_nothing_is_written(tree, melinh, change, field, message):
    response = melinh.post("/member-growth", {**GROWTH, "unit": tree.melinh.pk, **change})
    assert response.status_code == 422 and fields_of(response) == {field}
    if message:
        assert messages_of(response) == [message] or message in messages_of(response)[0]
    assert not MemberGrowth.objects.exists()


def test_member_growth_of_another_province_is_out_of_reach(tree):
    nt = ApiClient(tree.nt_officer)
    response = nt.post("/member-growth", {**GROWTH, "unit": tree.melinh.pk})
    assert response.status_code == 422 and fields_of(response) == {"unit"}
    assert not MemberGrowth.objects.exists()
    assert nt.get(f"/units/{tree.melinh.pk}/member-growth").status_code == 404


# --- needs surveys ------------------------------------------------------------------------


@pytest.fixture
def survey(tree, hanoi):
    deadline = (today() + dt.timedelta(days=30)).isoformat()
    return ok(
        hanoi.post(
            "/surveys",
            {
                "unit": tree.hanoi.pk,
                "year": 2026,
                "title": "Khảo sát nhu cầu đào tạo năm 2026",
                "deadline": deadline,
                "topics": ["union_general"],
            },
        ),
        201,
    )


def test_a_survey_is_opened_answered_below_and_summed(tree, hanoi, melinh, survey):
    assert survey["topics"] == ["union_general"] and survey["is_open"] is True
    # Opened above Mê Linh: Mê Linh sees it to answer; Ninh Thuận does not.
    assert [s["id"] for s in ok(melinh.get("/surveys"))["items"]] == [survey["id"]]
    assert ok(ApiClient(tree.nt_officer).get("/surveys"))["items"] == []

    answer = ok(
        put(
            melinh,
            f"/surveys/{survey['id']}/answer",
            {
                "needs": [
                    {"topic": "union_general", "target_group": "part_time", "count": 25},
                    {"topic": "union_general", "target_group": "key_leaders", "count": 3},
                ],
                "comment": "Ưu tiên quý II",
            },
        )
    )
    assert answer["unit"]["code"] == "HN-ML" and len(answer["needs"]) == 2
    # Answering again replaces the answer.
    ok(
        put(
            melinh,
            f"/surveys/{survey['id']}/answer",
            {"needs": [{"topic": "union_general", "target_group": "part_time", "count": 30}]},
        )
    )
    assert SurveyAnswer.objects.count() == 1 and SurveyNeed.objects.count() == 1

    detail = ok(hanoi.get(f"/surveys/{survey['id']}"))
    assert [(r["topic"], r["target_group"], r["count"]) for r in detail["results"]] == [
        ("union_general", "part_time", 30)
    ]
    progress = {p["unit"]["code"]: (p["answered"], p["answers_below"]) for p in detail["progress"]}
    assert progress == {"HN-DA": (False, 0), "HN-ML": (True, 1)}


def test_the_unit_that_opened_a_survey_does_not_answer_it(tree, hanoi, survey):
    response = put(
        hanoi,
        f"/surveys/{survey['id']}/answer",
        {"needs": [{"topic": "union_general", "target_group": "part_time", "count": 5}]},
    )
    assert response.status_code == 422 and not SurveyAnswer.objects.exists()


@pytest.mark.parametrize(
    "need, field",
    [
        ({"topic": "union_general", "target_group": "part_time", "count": -4}, "needs"),
        ({"topic": "osh", "target_group": "part_time", "count": 4}, "needs"),  # not asked
        ({"topic": "union_general", "target_group": "aliens", "count": 4}, "needs"),
        ({"topic": "no-such-topic", "target_group": "part_time", "count": 4}, "needs.0.topic"),
        ({"topic": "union_general", "target_group": "part_time", "count": "abc"}, "needs.0.count"),
    ],
)
def test_a_bad_answer_is_refused_and_nothing_is_written(tree, melinh, survey, need, field):
    response = put(melinh, f"/surveys/{survey['id']}/answer", {"needs": [need]})
    assert response.status_code == 422 and fields_of(response) == {field}
    assert not SurveyAnswer.objects.exists() and not SurveyNeed.objects.exists()


def test_a_need_given_twice_is_refused(tree, melinh, survey):
    need = {"topic": "union_general", "target_group": "part_time", "count": 4}
    response = put(melinh, f"/surveys/{survey['id']}/answer", {"needs": [need, need]})
    assert response.status_code == 422 and fields_of(response) == {"needs"}
    assert not SurveyAnswer.objects.exists()


def test_a_closed_survey_takes_no_more_answers(tree, melinh, survey):
    ok(
        put(
            melinh,
            f"/surveys/{survey['id']}/answer",
            {"needs": [{"topic": "union_general", "target_group": "part_time", "count": 25}]},
        )
    )
    services.survey_close(user=tree.hanoi_officer, survey=Survey.objects.get())
    assert ok(melinh.get(f"/surveys/{survey['id']}"))["is_open"] is False
    response = put(
        melinh,
        f"/surveys/{survey['id']}/answer",
        {"needs": [{"topic": "union_general", "target_group": "part_time", "count": 99}]},
    )
    assert response.status_code == 422 and fields_of(response) == {None}
    assert SurveyNeed.objects.get().count == 25


def test_a_survey_with_a_past_deadline_or_no_topic_is_not_opened(tree, hanoi):
    response = hanoi.post(
        "/surveys",
        {
            "unit": tree.hanoi.pk,
            "year": 2026,
            "title": "Cũ",
            "deadline": "2020-01-01",
            "topics": [],
        },
    )
    assert response.status_code == 422 and fields_of(response) == {"deadline", "topics"}
    assert not Survey.objects.exists()


# --- bad input and scope ------------------------------------------------------------------


def test_ninh_thuan_cannot_make_a_plan_for_mê_linh(tree):
    response = ApiClient(tree.nt_officer).post("/plans", {"unit": tree.melinh.pk, "year": 2024})
    assert response.status_code == 422 and fields_of(response) == {"unit"}
    assert "Hãy chọn một giá trị hợp lệ" in messages_of(response)[0]
    assert "Mê Linh" not in response.content.decode()
    assert not Plan.objects.exists() and not PlanEvent.objects.exists()


def test_the_objects_of_another_province_are_not_found(tree, melinh, hanoi, ml_plan, survey):
    plan_id, line_id = ml_plan
    ok(put(melinh, f"/units/{tree.melinh.pk}/spending/2024", {"operating_total": 100}))
    nt = ApiClient(tree.nt_officer)
    for response in (
        nt.get(f"/plans/{plan_id}"),
        nt.post(f"/plans/{plan_id}/submit"),
        nt.post(f"/plans/{plan_id}/lines", LINE),
        nt.patch(f"/plans/{plan_id}/lines/{line_id}", {"classes": 9, "reason": "x"}),
        nt.delete(f"/plans/{plan_id}/lines/{line_id}"),
        nt.post(f"/plans/{plan_id}/lines/{line_id}/classes", {"training_class": "NT-2024-01"}),
        nt.get(f"/units/{tree.hanoi.pk}/plans/2024/consolidated"),
        nt.get(f"/units/{tree.melinh.pk}/spending/2024"),
        put(nt, f"/units/{tree.melinh.pk}/spending/2024", {"operating_total": 5}),
        nt.get(f"/surveys/{survey['id']}"),
        put(nt, f"/surveys/{survey['id']}/answer", {"needs": []}),
    ):
        assert response.status_code == 404, response.request
        assert "Mê Linh" not in response.content.decode()
    # A neighbouring district is as far away as another province.
    assert hanoi.get(f"/plans/{plan_id}").status_code == 200
    assert (
        ApiClient(tree.melinh_officer)
        .get(f"/units/{tree.donganh.pk}/plans/2024/consolidated")
        .status_code
        == 404
    )
    line = PlanLine.objects.get()
    assert (line.classes, Plan.objects.get().status) == (2, "draft")
    assert not ClassLink.objects.exists() and Spending.objects.get().operating_total == 100
    assert not SurveyAnswer.objects.exists()


def test_a_line_is_named_through_its_own_plan(tree, hanoi, melinh, ml_plan):
    _plan_id, line_id = ml_plan
    hanoi_plan, _hanoi_line = new_plan(hanoi, tree.hanoi)
    response = hanoi.patch(f"/plans/{hanoi_plan}/lines/{line_id}", {"classes": 9})
    assert response.status_code == 404
    assert PlanLine.objects.get(pk=line_id).classes == 2


@pytest.mark.parametrize(
    "budget, stored",
    [
        (45000000, "45000000"),
        ("45000000", "45000000"),
        (45000000.0, "45000000"),
        ("4.5e7", "45000000"),
        (" 45000000 ", "45000000"),
        (0, "0"),
    ],
)
def test_a_budget_is_a_json_number_or_a_numeric_string(tree, melinh, ml_plan, budget, stored):
    plan_id, line_id = ml_plan
    assert (
        ok(melinh.patch(f"/plans/{plan_id}/lines/{line_id}", {"budget": budget}))["budget"]
        == stored
    )
    assert PlanLine.objects.get().budget == Decimal(stored)


@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"classes": -1}, "classes", AT_LEAST_ZERO),
        ({"trainees": -10}, "trainees", AT_LEAST_ZERO),
        ({"budget": -1000}, "budget", AT_LEAST_ZERO),
        ({"budget": "-1000"}, "budget", AT_LEAST_ZERO),
        ({"budget": "abc"}, "budget", NOT_A_NUMBER),
        ({"budget": "1,5 tỷ"}, "budget", NOT_A_NUMBER),
        ({"budget": True}, "budget", NOT_A_NUMBER),
        ({"budget": "NaN"}, "budget", NOT_A_NUMBER),
        ({"budget": 1.5}, "budget", "chữ số thập phân"),
        ({"budget": 10**20}, "budget", None),
        ({"quarter": 5}, "quarter", "Đảm bảo giá trị này là nhỏ hơn hoặc bằng"),
        ({"target_group": "aliens"}, "target_group", "không phải là lựa chọn hợp lệ"),
        ({"topic": "no-such-topic"}, "topic", "Hãy chọn một giá trị hợp lệ"),
    ],
)
def test_a_bad_line_is_refused_in_vietnamese_and_nothing_is_written(
    tree, melinh, ml_plan, change, field, message
):
    plan_id, line_id = ml_plan
    response = melinh.post(f"/plans/{plan_id}/lines", {**LINE, **change})
    assert response.status_code == 422 and fields_of(response) == {field}
    if message:
        assert message in messages_of(response)[0]
    response = melinh.patch(f"/plans/{plan_id}/lines/{line_id}", change)
    assert response.status_code == 422 and fields_of(response) == {field}
    line = PlanLine.objects.get()
    assert (line.pk, line.classes, line.trainees, line.budget, line.quarter) == (
        line_id,
        2,
        60,
        Decimal(30000000),
        2,
    )


# --- query bounds -------------------------------------------------------------------------


@pytest.mark.parametrize("size", [1, 12])
def test_planning_reads_issue_a_bounded_number_of_queries(
    tree, melinh, hanoi, ml_plan, survey, size, django_assert_max_num_queries
):
    plan_id, line_id = ml_plan
    for day in range(1, size + 1):
        ok(melinh.post(f"/plans/{plan_id}/lines", LINE), 201)
        ok(
            melinh.post(
                "/member-growth",
                {**GROWTH, "unit": tree.melinh.pk, "period_end": f"2024-07-{day:02d}"},
            )
        )
    ok(
        melinh.post(f"/plans/{plan_id}/lines/{line_id}/classes", {"training_class": "ML-2024-01"}),
        201,
    )
    ok(melinh.post(f"/plans/{plan_id}/submit"))
    ok(
        put(
            melinh,
            f"/surveys/{survey['id']}/answer",
            {"needs": [{"topic": "union_general", "target_group": "part_time", "count": 5}]},
        )
    )
    for path in (
        f"/plans/{plan_id}",
        "/plans",
        f"/units/{tree.hanoi.pk}/plans/2024/consolidated",
        "/surveys",
        f"/surveys/{survey['id']}",
        f"/units/{tree.hanoi.pk}/member-growth",
    ):
        # 13: the member-growth totals also ask the enterprise register (issue 21 §3).
        with django_assert_max_num_queries(13):
            ok(hanoi.get(path))
