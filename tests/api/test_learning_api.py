"""E-learning for the learner through the API: my courses with progress, enrolling, my
enrolment lesson by lesson, progress reports (thresholds, bad input) and completion; only
the learner's own, and nothing for an account without a person."""

import pytest

from accounts.models import ApiToken
from elearning.models import CourseEnrolment, LessonProgress
from tests.elearning.test_learn import make_learn_world
from training.models import TrainingRecord


@pytest.fixture
def world(tree, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return make_learn_world(tree)


def api(client, user):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(user)}"}

    def call(method, url, body=None):
        if body is None:
            return getattr(client, method)(f"/api/v1{url}", **headers)
        return getattr(client, method)(
            f"/api/v1{url}", body, content_type="application/json", **headers
        )

    return call


def test_a_course_through_the_api(world, client):
    call = api(client, world.cadre)
    courses = {c["code"]: c for c in call("get", "/learning/courses").json()}
    assert set(courses) == {"ML-OL-01", "HN-OL-01"}  # not Ninh Thuận's
    mine = courses["ML-OL-01"]
    assert mine["open"] is True and mine["enrolment_id"] is None and mine["percent"] is None
    assert mine["topics"] == ["union_general"] and mine["hours"] == 16

    response = call("post", f"/courses/{world.course.pk}/enrol")
    assert response.status_code == 201
    enrolment = response.json()
    assert (enrolment["percent"], enrolment["required"], enrolment["done"]) == (0, 3, 0)
    assert [lesson["id"] for lesson in enrolment["lessons"]] == [
        world.text.pk,
        world.pdf.pk,
        world.video.pk,
        world.embed.pk,
    ]
    again = call("post", f"/courses/{world.course.pk}/enrol")
    assert again.status_code == 201 and again.json()["id"] == enrolment["id"]

    progress = call("post", f"/lessons/{world.text.pk}/progress", {"percent": 100})
    assert progress.status_code == 200 and progress.json()["done"] is True
    progress = call(
        "post", f"/lessons/{world.video.pk}/progress", {"percent": 89, "position_seconds": 61}
    ).json()
    assert (progress["done"], progress["position_seconds"]) == (False, 61)
    progress = call(
        "post", f"/lessons/{world.video.pk}/progress", {"percent": 90, "position_seconds": 75}
    ).json()
    assert progress["done"] is True and progress["course_completed"] is False
    detail = call("get", f"/learning/enrolments/{enrolment['id']}").json()
    by_id = {lesson["id"]: lesson for lesson in detail["lessons"]}
    assert by_id[world.video.pk]["position_seconds"] == 75
    assert (detail["done"], detail["percent"], detail["last_lesson_id"]) == (2, 66, world.video.pk)
    progress = call("post", f"/lessons/{world.pdf.pk}/progress", {"percent": 0}).json()
    assert progress["done"] is True and progress["course_completed"] is True
    record = TrainingRecord.objects.get(pk=progress["record_id"])
    assert record.form == "online" and record.person == world.tree.nguyen
    detail = call("get", f"/learning/enrolments/{enrolment['id']}").json()
    assert detail["completed_at"] and detail["certificate_number"] == record.certificate_number
    assert detail["percent"] == 100
    courses = {c["code"]: c for c in call("get", "/learning/courses").json()}
    assert courses["ML-OL-01"]["record_id"] == record.pk


def test_bad_progress_is_422_and_changes_nothing(world, client):
    call = api(client, world.cadre)
    call("post", f"/courses/{world.course.pk}/enrol")
    for body, field in (
        ({"percent": 101}, "percent"),
        ({"percent": -5}, "percent"),
        ({"percent": "many"}, "percent"),
        ({}, "percent"),
        ({"percent": 10, "position_seconds": -1}, "position_seconds"),
    ):
        response = call("post", f"/lessons/{world.video.pk}/progress", body)
        assert response.status_code == 422, body
        assert field in [d["field"] for d in response.json()["detail"]], body
    assert not LessonProgress.objects.exists()


def test_only_the_learners_own(world, client):
    call = api(client, world.cadre)
    enrolment = call("post", f"/courses/{world.course.pk}/enrol").json()
    # Ninh Thuận's course is not open to him; Lê (Ninh Thuận) cannot see his enrolment.
    assert call("post", f"/courses/{world.nt_course.pk}/enrol").status_code == 404
    assert (
        call("post", f"/lessons/{world.nt_lesson.pk}/progress", {"percent": 100}).status_code == 404
    )
    other = api(client, world.le_user)
    assert other("get", f"/learning/enrolments/{enrolment['id']}").status_code == 404
    assert other("post", f"/lessons/{world.text.pk}/progress", {"percent": 100}).status_code == 404
    assert other("post", f"/courses/{world.course.pk}/enrol").status_code == 404
    assert [c["code"] for c in other("get", "/learning/courses").json()] == ["NT-OL-01"]
    # An officer without a person learns nothing through these routes.
    officer = api(client, world.tree.melinh_officer)
    assert officer("get", "/learning/courses").status_code == 403
    assert officer("get", f"/learning/enrolments/{enrolment['id']}").status_code == 403
    assert officer("post", f"/courses/{world.course.pk}/enrol").status_code == 403
    assert (
        officer("post", f"/lessons/{world.text.pk}/progress", {"percent": 100}).status_code == 403
    )
    assert not LessonProgress.objects.exists()
    assert CourseEnrolment.objects.count() == 1
    # No token: 401.
    assert client.get("/api/v1/learning/courses").status_code == 401


def test_an_enrolled_course_stays_listed_once_unpublished(world, client):
    from elearning import services

    call = api(client, world.cadre)
    call("post", f"/courses/{world.other.pk}/enrol")
    services.course_publish(user=world.tree.hanoi_officer, course=world.other, published=False)
    courses = {c["code"]: c for c in call("get", "/learning/courses").json()}
    assert courses["HN-OL-01"]["open"] is False and courses["HN-OL-01"]["enrolment_id"]
