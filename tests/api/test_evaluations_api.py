"""Evaluations through the API: recorded and published by the subtree's writers, compared
with equivalent posts; the cadre sees theirs once published and never before (acceptance 3),
nobody sees anything outside their subtree, bad input is refused with nothing written."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.translation import gettext

from accounts.access import SYSTEM
from cadrework import evaluations as rules
from cadrework.models import Evaluation, Notice
from tests.api import ApiClient, fields_of, messages_of
from tests.cadrework.test_evaluations import YEAR, build, grow, record


def ok(response, status=200):
    assert response.status_code == status, response.content.decode()
    return response.json()


@pytest.fixture
def w(tree):
    return build(tree)


@pytest.fixture
def hanoi(tree):
    return ApiClient(tree.hanoi_officer)


@pytest.fixture
def cadre(tree):
    return ApiClient(tree.cadre)


def ids(items) -> set:
    return {item["id"] for item in items}


# --- acceptance 3 -------------------------------------------------------------------------


def test_the_cadre_sees_a_result_through_the_api_only_once_published(w, hanoi, cadre):
    tree = w.tree
    mine = f"/people/{tree.nguyen.pk}/evaluations"
    assert ok(cadre.get(mine)) == []
    assert cadre.get(f"/evaluations/{w.nguyen.pk}").status_code == 404
    assert cadre.get("/evaluations").status_code == 403  # browsing is for officers
    assert cadre.post(f"/evaluations/{w.nguyen.pk}/publish").status_code == 403
    # A colleague's, even published, is not theirs to see.
    rules.evaluation_publish(user=tree.hanoi_officer, evaluation=w.dung_eval)
    assert cadre.get(f"/people/{w.dung.pk}/evaluations").status_code == 404
    assert cadre.get(f"/evaluations/{w.dung_eval.pk}").status_code == 404

    seen = ok(hanoi.get(mine))
    assert [(e["id"], e["published_at"]) for e in seen] == [(w.nguyen.pk, None)]
    published = ok(hanoi.post(f"/evaluations/{w.nguyen.pk}/publish"))
    assert published["published_at"] is not None

    shown = ok(cadre.get(mine))
    assert [(e["id"], e["rating"], e["year"]) for e in shown] == [(w.nguyen.pk, "excellent", YEAR)]
    # Compared with the published equivalent posts: itself and Dũng's.
    assert (shown[0]["equivalents"], Decimal(shown[0]["equivalents_share"])) == (2, Decimal("65.0"))
    detail = ok(cadre.get(f"/evaluations/{w.nguyen.pk}"))
    assert detail["self_assessment"].startswith("Hoàn thành tốt")
    assert detail["comparison"]["count"] == 2
    assert Notice.objects.filter(person=tree.nguyen).count() == 1


def test_nothing_outside_the_subtree_through_the_api(w, tree):
    for evaluation in (w.nguyen, w.dung_eval, w.em_eval, w.tran, w.le):
        rules.evaluation_publish(user=SYSTEM, evaluation=evaluation)
    nt = ApiClient(tree.nt_officer)
    assert ids(ok(nt.get("/evaluations"))["items"]) == {w.le.pk}
    assert fields_of(nt.get("/evaluations", {"unit": tree.hanoi.pk})) == {"unit"}
    assert nt.get(f"/evaluations/{w.nguyen.pk}").status_code == 404
    assert nt.get(f"/people/{tree.nguyen.pk}/evaluations").status_code == 404
    assert nt.get(f"/units/{tree.hanoi.pk}/evaluation-figures", {"year": YEAR}).status_code == 404
    melinh = ApiClient(tree.melinh_officer)
    assert ids(ok(melinh.get("/evaluations"))["items"]) == {w.nguyen.pk, w.dung_eval.pk}
    assert melinh.get(f"/evaluations/{w.tran.pk}").status_code == 404
    assert melinh.get(f"/people/{tree.tran.pk}/evaluations").status_code == 404
    # Ninh Thuận's chair (100% of votes) does not weigh in the comparison, which is Hà Nội's
    # three chairs (the approving unit's), for Mê Linh's officer as for everyone.
    detail = ok(melinh.get(f"/evaluations/{w.nguyen.pk}"))
    assert (detail["comparison"]["count"], Decimal(detail["comparison"]["average_share"])) == (
        3,
        Decimal("50.0"),
    )


def test_nothing_outside_is_changed_through_the_api(w, tree):
    nt = ApiClient(tree.nt_officer)
    before = Evaluation.objects.count()
    assert nt.post(f"/evaluations/{w.nguyen.pk}/publish").status_code == 404
    refused = nt.post("/evaluations", {"person": tree.nguyen.pk, "year": 2023, "rating": "good"})
    assert refused.status_code == 422 and fields_of(refused) == {"person"}
    assert Evaluation.objects.count() == before
    assert Evaluation.objects.filter(published_at__isnull=False).count() == 0


# --- writes and figures -------------------------------------------------------------------


def test_an_officer_records_and_publishes_an_evaluation(w, tree):
    melinh = ApiClient(tree.melinh_officer)
    created = ok(
        melinh.post(
            "/evaluations",
            {
                "person": tree.nguyen.pk,
                "year": 2023,
                "rating": "good",
                "self_assessment": "Tự đánh giá năm 2023",
                "votes_excellent": 2,
                "votes_good": 5,
                "votes_completed": 3,
            },
        ),
        201,
    )
    assert (created["unit"]["code"], created["role"], created["approved_by"]["code"]) == (
        "HN-ML-01",
        "chair",
        "HN-ML",
    )
    assert (created["votes"], Decimal(created["share"]), created["published_at"]) == (
        10,
        Decimal("70.0"),
        None,
    )
    assert created["comparison"]["count"] == 1
    rotation = ok(
        melinh.post(
            "/evaluations",
            {
                "person": tree.nguyen.pk,
                "year": 2024,
                "occasion": "rotation",
                "on": "2024-02-01",
                "rating": "excellent",
            },
        ),
        201,
    )
    assert (rotation["occasion"], rotation["share"]) == ("rotation", None)
    listed = ok(melinh.get("/evaluations", {"year": 2023, "published": False}))
    assert ids(listed["items"]) == {created["id"]} and listed["count"] == 1
    assert ok(melinh.post(f"/evaluations/{created['id']}/publish"))["published_at"]
    again = melinh.post(f"/evaluations/{created['id']}/publish")
    assert again.status_code == 422 and messages_of(again) == [
        gettext("This evaluation is already published.")
    ]
    assert (
        ApiClient(tree.inspector).post(f"/evaluations/{w.dung_eval.pk}/publish").status_code == 403
    )


def test_figures_of_a_unit_from_known_votes(w, hanoi, tree):
    for evaluation in (w.nguyen, w.dung_eval, w.em_eval, w.tran):
        rules.evaluation_publish(user=tree.hanoi_officer, evaluation=evaluation)
    figures = ok(hanoi.get(f"/units/{tree.hanoi.pk}/evaluation-figures", {"year": YEAR}))
    assert figures["total"] == 4
    assert [(d["rating"], d["count"], Decimal(d["percent"])) for d in figures["distribution"]] == [
        ("excellent", 1, 25),
        ("good", 1, 25),
        ("completed", 1, 25),
        ("not_completed", 1, 25),
    ]
    assert {
        u["unit"]["code"]: [d["count"] for d in u["distribution"]] for u in figures["by_unit"]
    } == {"HN-ML": [1, 1, 0, 0], "HN-DA": [0, 0, 1, 1]}
    assert {
        (r["role"], r["level"]): (r["count"], Decimal(r["average_share"]))
        for r in figures["by_role_and_level"]
    } == {
        ("chair", "grassroots"): (3, Decimal("50.0")),
        ("executive_member", "grassroots"): (1, Decimal("10.0")),
    }
    detail = ok(hanoi.get(f"/evaluations/{w.nguyen.pk}"))
    assert (
        Decimal(detail["share"]),
        detail["equivalents"],
        Decimal(detail["equivalents_share"]),
    ) == (Decimal("80.0"), 3, Decimal("50.0"))
    assert [d["count"] for d in detail["comparison"]["distribution"]] == [1, 1, 1, 0]
    items = {
        e["id"]: (e["equivalents"], Decimal(e["equivalents_share"]))
        for e in ok(hanoi.get("/evaluations", {"year": YEAR}))["items"]
    }
    assert items == {
        w.nguyen.pk: (3, 50),
        w.dung_eval.pk: (3, 50),
        w.em_eval.pk: (3, 50),
        w.tran.pk: (1, 10),
    }


# --- bad input ----------------------------------------------------------------------------

BAD = [
    ({"person": "tran"}, "person"),  # Đông Anh: outside Mê Linh
    ({"person": "le"}, "person"),  # another province
    ({"year": YEAR}, "year"),  # a second yearly evaluation
    ({"votes_good": -2}, "votes_good"),
    ({"votes_excellent": 10**9}, "votes_excellent"),
    ({"votes_completed": 2.5}, "votes_completed"),
    ({"votes_completed": "7"}, "votes_completed"),
    ({"votes_not_completed": True}, "votes_not_completed"),
    ({"rating": "xuat_sac"}, "rating"),
    ({"occasion": "promotion"}, "on"),  # before a promotion: which day?
    ({"year": 1999}, "year"),
]


@pytest.mark.parametrize(("change", "field"), BAD)
def test_bad_input_is_refused_with_the_field_named_and_nothing_written(w, tree, change, field):
    melinh = ApiClient(tree.melinh_officer)
    people = {"tran": tree.tran.pk, "le": tree.le.pk}
    payload = {
        "person": tree.nguyen.pk,
        "year": 2023,
        "rating": "good",
        "votes_good": 3,
        **{k: people.get(v, v) if k == "person" else v for k, v in change.items()},
    }
    before = (Evaluation.objects.count(), Notice.objects.count())
    response = melinh.post("/evaluations", payload)
    assert response.status_code == 422, response.content.decode()
    assert fields_of(response) == {field}, response.json()
    assert all(messages_of(response))
    assert (Evaluation.objects.count(), Notice.objects.count()) == before


def test_the_duplicate_message_says_what_is_wrong(w, tree):
    response = ApiClient(tree.hanoi_officer).post(
        "/evaluations", {"person": tree.nguyen.pk, "year": YEAR, "rating": "good"}
    )
    assert messages_of(response) == [
        gettext("%(name)s already has a yearly evaluation for %(year)s.")
        % {"name": tree.nguyen.full_name, "year": YEAR}
    ]


# --- bounded queries ----------------------------------------------------------------------


def count_queries(client: ApiClient, path: str, params: dict) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, params)
    assert response.status_code == 200, response.content.decode()
    return len(captured)


def test_the_list_costs_the_same_queries_for_1_and_20_evaluations(tree, hanoi):
    grow(tree, 1, "A")
    small = count_queries(hanoi, "/evaluations", {"year": YEAR})
    figures = count_queries(hanoi, f"/units/{tree.hanoi.pk}/evaluation-figures", {"year": YEAR})
    record(tree.hanoi_officer, tree.nguyen, "good", (1, 1, 0, 0), year=2023)
    person = count_queries(hanoi, f"/people/{tree.nguyen.pk}/evaluations", {})
    grow(tree, 19, "B")
    record(
        tree.hanoi_officer,
        tree.nguyen,
        "good",
        (1, 1, 0, 0),
        year=YEAR,
        occasion="promotion",
        on=dt.date(YEAR, 6, 1),
    )
    assert ok(hanoi.get("/evaluations", {"year": YEAR}))["count"] == 21
    assert count_queries(hanoi, "/evaluations", {"year": YEAR}) <= small
    assert (
        count_queries(hanoi, f"/units/{tree.hanoi.pk}/evaluation-figures", {"year": YEAR})
        <= figures
    )
    assert count_queries(hanoi, f"/people/{tree.nguyen.pk}/evaluations", {}) <= person
