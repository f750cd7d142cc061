"""Online courses through the API, the organisers' side: courses of the caller's subtree,
create / update / publish, progress per learner and per unit, export and import of the
archive — the services' rules, the subtree only, and nothing written on a refusal."""

import io
import zipfile

import pytest

from elearning import services
from elearning.models import Course
from tests.api import BASE, ApiClient, fields_of, messages_of
from tests.elearning.test_exchange import counts, document_of, dump, export_bytes
from tests.elearning.test_manage import build_course, world  # noqa: F401 (fixture)

NEW = {
    "code": "ML-OL-05",
    "title": "Thương lượng tập thể",
    "topics": ["union_general"],
    "hours": 8,
    "description": "<p>Giới thiệu</p><script>x()</script>",
    "audience_roles": ["chair"],
}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def ok(response, status=200) -> dict:
    assert response.status_code == status, response.content.decode()
    return response.json() if response.content else {}


@pytest.fixture
def hanoi(tree):
    return ApiClient(tree.hanoi_officer)


@pytest.fixture
def outsider(tree):
    return ApiClient(tree.nt_officer)


def upload(client: ApiClient, data: bytes, **fields):
    return client.client.post(
        BASE + "/courses/import", {"archive": io.BytesIO(data), **fields}, headers=client._headers()
    )


def test_courses_of_the_callers_subtree(tree, world, hanoi, outsider):  # noqa: F811
    codes = [c["code"] for c in ok(hanoi.get("/courses"))["items"]]
    assert sorted(codes) == ["HN-OL-01", "ML-OL-01"]
    assert [c["code"] for c in ok(hanoi.get("/courses", {"unit": tree.melinh.pk}))["items"]] == [
        "ML-OL-01"
    ]
    assert [c["code"] for c in ok(hanoi.get("/courses", {"status": "published"}))["items"]] == [
        "HN-OL-01"
    ]
    assert [c["code"] for c in ok(outsider.get("/courses"))["items"]] == ["NT-OL-01"]
    assert fields_of(outsider.get("/courses", {"unit": tree.hanoi.pk})) == {"unit"}

    detail = ok(hanoi.get(f"/courses/{world.course.pk}"))
    assert sorted(detail["topics"]) == ["labour_law", "union_general"]
    assert sorted(detail["audience_roles"]) == ["chair", "executive_member"]
    assert [len(m["lessons"]) for m in detail["modules"]] == [4, 1]
    assert detail["modules"][0]["lessons"][1]["file"].endswith("dieu-le-cong-doan.pdf")
    assert (detail["questions"], detail["enrolled"], detail["completed"]) == (3, 3, 1)
    assert detail["assigned"] == [world.assigned.pk]

    course = world.course
    for path in (
        f"/courses/{course.pk}",
        f"/courses/{course.pk}/progress",
        f"/courses/{course.pk}/export",
    ):
        assert outsider.get(path).status_code == 404, path
    assert outsider.patch(f"/courses/{course.pk}", {"title": "x"}).status_code == 404
    assert outsider.post(f"/courses/{course.pk}/publish", {"published": False}).status_code == 404
    course.refresh_from_db()
    assert course.status == "published" and course.title != "x"


def test_create_update_and_publish(tree, hanoi):
    body = ok(
        hanoi.post("/courses", {**NEW, "organiser": tree.melinh.pk, "assigned": [tree.nguyen.pk]}),
        201,
    )
    course = Course.objects.get(pk=body["id"])
    assert body["status"] == "draft" and body["organiser"]["code"] == "HN-ML"
    assert body["description"] == "<p>Giới thiệu</p>"
    assert body["assigned"] == [tree.nguyen.pk] and body["audience_roles"] == ["chair"]

    # Refusals: an organiser outside the subtree, unknown codes, a taken code, a person of
    # another province or outside the organiser's subtree — nothing written.
    outsider = ApiClient(tree.nt_officer)
    assert fields_of(
        outsider.post("/courses", {**NEW, "code": "X", "organiser": tree.melinh.pk})
    ) == {"organiser"}
    response = hanoi.post(
        "/courses",
        {
            **NEW,
            "code": "Y",
            "organiser": tree.hanoi.pk,
            "topics": ["khong_co"],
            "audience_roles": ["nobody"],
        },
    )
    assert fields_of(response) == {"topics.0", "audience_roles.0"}
    assert fields_of(hanoi.post("/courses", {**NEW, "organiser": tree.hanoi.pk})) == {"code"}
    assert fields_of(
        hanoi.post(
            "/courses", {**NEW, "code": "Z", "organiser": tree.hanoi.pk, "assigned": [tree.le.pk]}
        )
    ) == {"assigned.0"}
    response = hanoi.post(
        "/courses", {**NEW, "code": "W", "organiser": tree.melinh.pk, "assigned": [tree.tran.pk]}
    )
    assert fields_of(response) == {"person"}
    assert Course.objects.count() == 1

    body = ok(
        hanoi.patch(
            f"/courses/{course.pk}",
            {"title": "Thương lượng tập thể (2025)", "hours": 10, "assigned": []},
        )
    )
    assert (body["title"], body["hours"], body["assigned"]) == (
        "Thương lượng tập thể (2025)",
        10,
        [],
    )
    assert body["topics"] == ["union_general"] and body["code"] == "ML-OL-05"
    assert fields_of(hanoi.patch(f"/courses/{course.pk}", {"hours": 0})) == {"hours"}

    response = hanoi.post(f"/courses/{course.pk}/publish")
    assert response.status_code == 422 and messages_of(response)
    module = services.module_save(user=tree.hanoi_officer, course=course, title="P1", rank=1)
    services.lesson_save(
        user=tree.hanoi_officer, module=module, title="Bài 1", kind="text", body="<p>Nội dung</p>"
    )
    assert ok(hanoi.post(f"/courses/{course.pk}/publish"))["status"] == "published"
    assert (
        ok(hanoi.post(f"/courses/{course.pk}/publish", {"published": False}))["status"] == "draft"
    )

    # Read-only accounts: 403 on every write.
    inspector = ApiClient(tree.inspector)
    assert inspector.get(f"/courses/{course.pk}").status_code == 200
    assert inspector.post("/courses", {**NEW, "organiser": tree.hanoi.pk}).status_code == 403
    assert inspector.patch(f"/courses/{course.pk}", {"hours": 2}).status_code == 403
    assert inspector.post(f"/courses/{course.pk}/publish").status_code == 403
    assert upload(inspector, b"x").status_code == 403


def test_progress_per_learner_and_per_unit(tree, world, hanoi):  # noqa: F811
    body = ok(hanoi.get(f"/courses/{world.course.pk}/progress"))
    assert body["required_lessons"] == 4 and body["learner_count"] == 3
    learners = {x["person"]: x for x in body["learners"]}
    assert learners[tree.nguyen.pk]["status"] == "completed"
    assert float(learners[tree.nguyen.pk]["best_score"]) == 100
    assert learners[tree.tran.pk]["required_done_percent"] == 50
    assert learners[world.idle_person.pk]["status"] == "not_started"
    assert {
        u["unit"]["code"]: (u["enrolled"], u["started"], u["completed"]) for u in body["units"]
    } == {"HN-ML": (2, 1, 1), "HN-DA": (1, 1, 0)}
    assert body["total"] == {"enrolled": 3, "started": 2, "completed": 1}
    body = ok(hanoi.get(f"/courses/{world.course.pk}/progress", {"unit": tree.donganh.pk}))
    assert [x["person"] for x in body["learners"]] == [tree.tran.pk]
    assert body["units"][0]["unit"]["code"] == "HN-DA-01"
    body = ok(hanoi.get(f"/courses/{world.course.pk}/progress", {"limit": 1, "offset": 1}))
    assert len(body["learners"]) == 1 and body["learner_count"] == 3
    assert fields_of(
        hanoi.get(f"/courses/{world.ml_course.pk}/progress", {"unit": tree.donganh.pk})
    ) == {"unit"}


def test_export_and_import_the_archive(tree, hanoi, outsider):
    course = build_course(tree)
    response = hanoi.get(f"/courses/{course.pk}/export")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    data = b"".join(response.streaming_content)
    assert document_of(data) == document_of(export_bytes(course))
    assert zipfile.ZipFile(io.BytesIO(data)).namelist()[-1] == "course.json"

    body = ok(upload(hanoi, data, unit=tree.donganh.pk), 201)
    imported = Course.objects.get(pk=body["id"])
    assert body["code"] == "HN-OL-01-2" and body["status"] == "draft"
    assert imported.organiser == tree.donganh and dump(imported) == dump(course)
    # Default unit: the caller's.
    body = ok(upload(hanoi, data), 201)
    assert body["organiser"]["code"] == "HN" and body["code"] == "HN-OL-01-3"

    before = counts()
    broken = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(broken, "w") as target:
        for info in source.infolist():
            if info.filename != "files/002/bai-giang.mp4":
                target.writestr(info, source.read(info))
    response = upload(hanoi, broken.getvalue())
    assert response.status_code == 422
    assert any("bai-giang.mp4" in m for m in messages_of(response))
    response = upload(hanoi, b"plain text")
    assert response.status_code == 422 and len(messages_of(response)) == 1
    # Into a unit of another province: refused on the unit, nothing written.
    assert fields_of(upload(outsider, data, unit=tree.hanoi.pk)) == {"unit"}
    assert counts() == before
