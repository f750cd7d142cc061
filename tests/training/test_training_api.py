"""Training through /api/v1/: the same services and the same scope as the pages."""

import datetime as dt

import pytest

from accounts.access import SYSTEM
from accounts.models import ApiToken
from training.models import Enrolment, TrainingClass


@pytest.fixture
def api(client):
    def call(user, method, url, payload=None, **params):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(user)}"}
        if method == "get":
            return client.get(f"/api/v1{url}", params, **headers)
        return getattr(client, method)(
            f"/api/v1{url}", payload or {}, content_type="application/json", **headers
        )

    return call


def test_an_officer_runs_a_class_through_the_api(api, tree):
    officer = tree.melinh_officer
    r = api(
        officer,
        "post",
        "/classes",
        {
            "code": "API-1",
            "name": "Lớp qua API",
            "organiser": tree.melinh.pk,
            "topics": ["union_general"],
            "start_date": "2025-10-01",
            "end_date": "2025-10-02",
            "hours": 16,
            "capacity": 1,
        },
    )
    assert r.status_code == 201, r.content
    class_id = r.json()["id"]
    assert (
        api(officer, "post", f"/classes/{class_id}/status", {"status": "open"}).json()["status"]
        == "open"
    )
    r = api(officer, "post", f"/classes/{class_id}/nominations", {"person": tree.nguyen.pk})
    assert r.status_code == 201
    enrolment_id = r.json()["enrolment"]["id"]
    assert api(officer, "post", f"/enrolments/{enrolment_id}/accept").json()["status"] == "accepted"
    r = api(
        officer,
        "post",
        f"/enrolments/{enrolment_id}/results",
        {"attendance_percent": 100, "score": "9.0", "passed": True},
    )
    assert r.status_code == 422  # the class is not running yet
    api(officer, "post", f"/classes/{class_id}/status", {"status": "running"})
    r = api(
        officer,
        "post",
        f"/enrolments/{enrolment_id}/results",
        {"attendance_percent": 100, "score": "9.0", "passed": True},
    )
    assert r.status_code == 200 and r.json()["passed"] is True
    records = api(officer, "get", "/records", person=tree.nguyen.pk).json()["items"]
    assert {r["title"] for r in records} >= {"Lớp qua API"}


def test_nominating_someone_outside_scope_is_a_field_error_and_nothing_is_written(api, tree):
    TrainingClass.objects.filter(pk=tree.ml_class.pk).update(status="open")
    r = api(
        tree.melinh_officer,
        "post",
        f"/classes/{tree.ml_class.pk}/nominations",
        {"person": tree.le.pk},
    )
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "person"
    assert not Enrolment.objects.filter(person=tree.le, training_class=tree.ml_class).exists()


def test_classes_of_another_province_are_not_found(api, tree):
    assert api(tree.hanoi_officer, "get", f"/classes/{tree.nt_class.pk}").status_code == 404
    codes = {c["code"] for c in api(tree.hanoi_officer, "get", "/classes").json()["items"]}
    assert codes == {"ML-2024-01"}


def test_a_read_only_inspector_cannot_create_classes(api, tree):
    r = api(
        tree.inspector,
        "post",
        "/classes",
        {
            "code": "X",
            "name": "X",
            "organiser": tree.hanoi.pk,
            "topics": ["osh"],
            "start_date": "2025-01-01",
            "end_date": "2025-01-01",
            "hours": 1,
            "capacity": 1,
        },
    )
    assert r.status_code == 403 and not TrainingClass.objects.filter(code="X").exists()


def test_the_chairs_duty_list_is_served(api, tree):
    from units.services import unit_set_figures

    unit_set_figures(
        user=SYSTEM, unit=tree.school, effective_on=dt.date(2020, 1, 1), member_count=300
    )
    r = api(
        tree.melinh_officer,
        "get",
        f"/units/{tree.melinh.pk}/chairs",
        on=dt.date(2024, 6, 1).isoformat(),
    )
    chairs = {c["full_name"]: c for c in r.json()["items"]}
    assert chairs["Nguyễn Văn An"]["trained"] is True
    assert chairs["Nguyễn Văn An"]["target"] == "T-003-4c"
    assert chairs["Nguyễn Văn An"]["status"] == "met"
    assert api(tree.melinh_officer, "get", f"/units/{tree.hanoi.pk}/chairs").status_code == 404


def test_lecturers_come_with_their_figures(api, tree):
    items = api(tree.hanoi_officer, "get", "/lecturers").json()["items"]
    assert [(i["classes"], i["hours"]) for i in items] == [(1, 8)]


@pytest.mark.parametrize(
    "members, level", [(999, "upper_grassroots"), (1000, "province"), (2500, "confederation")]
)
def test_the_unit_resource_says_who_trains_its_chair(api, tree, members, level):
    from units.services import unit_set_figures

    unit_set_figures(
        user=SYSTEM, unit=tree.school, effective_on=dt.date(2025, 1, 1), member_count=members
    )
    body = api(tree.melinh_officer, "get", f"/units/{tree.school.pk}", on="2025-02-01").json()
    assert body["member_count"] == members and body["chair_trained_by"] == level
    body = api(tree.melinh_officer, "get", f"/units/{tree.melinh.pk}").json()
    assert body["chair_trained_by"] is None
