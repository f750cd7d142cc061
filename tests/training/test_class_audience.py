"""Whom a class is for is data, set when it is planned, on the page and in the API.

000 counts classes by the audience they were for: "10 lớp … cho 934 lượt cán bộ công đoàn
chuyên trách, 93 lớp cho 9.551 lượt cán bộ công đoàn không chuyên trách"; 002's classes were
"cho cán bộ và đoàn viên". The classes held before the field existed take the audience most
of their participants belonged to on the first day."""

import datetime as dt

from tests.api import ApiClient, fields_of
from tests.training.bulk import add_classes, make_people
from tests.training.test_class_life import CLASS
from training.models import Audience, TrainingClass
from training.selectors import class_statistics


def test_the_page_sets_the_audience_and_shows_it(client, tree):
    client.force_login(tree.melinh_officer)
    response = client.post(
        "/training/classes/new/", {**CLASS, "audience": "full_time", "topics": [tree.topic.pk]}
    )
    assert response.status_code == 302
    c = TrainingClass.objects.get(code="ML-2025-01")
    assert c.audience == Audience.FULL_TIME
    page = client.get(f"/training/classes/{c.pk}/").content.decode()
    assert 'id="audience">Cán bộ công đoàn chuyên trách — Chủ tịch CĐCS' in page


def test_the_page_refuses_an_audience_that_is_none_of_the_categories(client, tree):
    client.force_login(tree.melinh_officer)
    for value in ("", "chairs"):
        response = client.post(
            "/training/classes/new/", {**CLASS, "audience": value, "topics": [tree.topic.pk]}
        )
        assert response.status_code == 200
        assert response.context["form"].errors["audience"]
    assert not TrainingClass.objects.filter(code="ML-2025-01").exists()


def test_the_api_takes_and_gives_the_audience(tree):
    api = ApiClient(tree.melinh_officer)
    body = {
        "code": "API-AUD",
        "name": "Tập huấn cho đoàn viên",
        "organiser": tree.melinh.pk,
        "topics": ["labour_law"],
        "start_date": "2025-10-01",
        "end_date": "2025-10-02",
        "hours": 8,
        "capacity": 50,
        "audience": "member",
    }
    created = api.post("/classes", body)
    assert created.status_code == 201, created.content
    assert created.json()["audience"] == "member"
    assert api.get(f"/classes/{created.json()['id']}").json()["audience"] == "member"
    refused = api.post("/classes", {**body, "code": "API-AUD2", "audience": "chairs"})
    assert refused.status_code == 422 and fields_of(refused) == {"audience"}


def test_a_class_counts_under_its_audience_whoever_attended(tree):
    """Members who came to a class for full-time cadres are attendances of that class: the
    class and all its attendances count as full-time cadres' (000), and who came is shown
    apart."""
    cadres = make_people(tree, tree.melinh, 3, True, tree.chair_role)
    members = make_people(tree, tree.school, 2, False, tree.member_role)
    add_classes(tree, tree.melinh, 1, 5, cadres + members, "AUD", audience=Audience.FULL_TIME)
    stats = class_statistics(unit=tree.hanoi, start=dt.date(2019, 1, 1), end=dt.date(2019, 12, 31))
    assert stats["by_category"]["full_time"] == {"classes": 1, "attendances": 5, "people": 5}
    assert stats["by_category"]["part_time"]["classes"] == 0
    assert stats["attendees"] == {"full_time": 3, "part_time": 2, "member": 0}
    own = class_statistics(
        unit=tree.hanoi, start=dt.date(2019, 1, 1), end=dt.date(2019, 12, 31), own=True
    )
    assert own["classes"] == 0  # organised by the district, not by the city itself


def test_classes_held_before_take_the_audience_most_participants_had(tree):
    """The upgrade (training 0008) gives the classes already held the audience most of their
    participants had; its data step runs here on classes as the new field's default left them
    ("mixed"), inside the test's transaction — migrating every app back to training 0007 and
    forward again cost 4 s a database for the same step."""
    import importlib

    from django.apps import apps

    full = make_people(tree, tree.melinh, 3, True, tree.chair_role)
    part = make_people(tree, tree.school, 2, False, tree.member_role)
    add_classes(tree, tree.melinh, 1, 5, full + part, "MOSTLY-FULL")
    add_classes(tree, tree.melinh, 1, 2, part, "PART")
    add_classes(tree, tree.melinh, 1, 0, [], "EMPTY")
    TrainingClass.objects.update(audience=Audience.MIXED)
    upgrade = importlib.import_module("training.migrations.0008_class_audience")
    upgrade.audience_from_attendees(apps, None)
    audiences = dict(TrainingClass.objects.values_list("code", "audience"))
    assert audiences["MOSTLY-FULL-000"] == "full_time"
    assert audiences["PART-000"] == "part_time"
    assert audiences["EMPTY-000"] == "mixed"
