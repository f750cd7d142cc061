"""Every create, update and delete of the audited records, made through its real entry point
(a page, the API, the admin), leaves an entry with who did it, what and the old and new
values. Records the application never deletes (people, classes, enrolments, plans,
evaluations) are deleted through the ORM here, attributed with audit.context.acting_as: the
log still catches the deletion whatever code makes it."""

import datetime as dt
from decimal import Decimal

import pytest

from accounts.models import UserRole
from audit.context import acting_as
from audit.models import LogEntry
from cadrework.models import Evaluation
from people.models import Person, Position
from planning.models import Plan, PlanLine
from targets.models import SourceDocument, Target
from tests.api import ApiClient
from tests.conftest import make_user
from training.models import Enrolment, Topic, TrainingClass, TrainingRecord
from units.models import Term, Unit, UnitFigures

CREATE, UPDATE, DELETE = LogEntry.Action.CREATE, LogEntry.Action.UPDATE, LogEntry.Action.DELETE


def entries(model, pk) -> list[LogEntry]:
    return list(
        LogEntry.objects.filter(
            content_type__app_label=model._meta.app_label,
            content_type__model=model._meta.model_name,
            object_id=pk,
        ).order_by("id")
    )


def last(model, pk) -> LogEntry:
    return entries(model, pk)[-1]


def ok(response, status=200):
    assert response.status_code == status, response.content
    return response.json()


@pytest.fixture
def root(tree):
    return make_user("root", tree.vgcl, UserRole.SYSTEM_ADMIN, is_superuser=True)


def test_a_unit_created_corrected_moved_and_deleted(client, tree, root):
    api = ApiClient(tree.melinh_officer)
    unit = ok(
        api.post(
            "/units",
            {
                "code": "HN-ML-02",
                "name": "Công đoàn Trường Tiểu học",
                "kind": "grassroots",
                "parent": tree.melinh.pk,
                "sector": "state",
            },
        ),
        201,
    )
    created = last(Unit, unit["id"])
    assert (created.action, created.actor, created.object_repr) == (
        CREATE,
        tree.melinh_officer,
        "Công đoàn Trường Tiểu học",
    )
    assert created.changes["code"] == ["None", "HN-ML-02"]
    assert "path" not in created.changes and "search_name" not in created.changes

    ok(api.patch(f"/units/{unit['id']}", {"sector": "non_state"}))
    assert last(Unit, unit["id"]).changes == {"sector": ["state", "non_state"]}

    hanoi = ApiClient(tree.hanoi_officer)
    ok(
        hanoi.post(
            f"/units/{unit['id']}/move", {"parent": tree.donganh.pk, "effective_on": "2025-01-01"}
        )
    )
    moved = last(Unit, unit["id"])
    assert (moved.action, moved.actor, moved.changes) == (
        UPDATE,
        tree.hanoi_officer,
        {"parent": [str(tree.melinh.pk), str(tree.donganh.pk)]},
    )

    client.force_login(root)
    response = client.post(f"/admin/units/unit/{unit['id']}/delete/", {"post": "yes"})
    assert response.status_code == 302 and not Unit.objects.filter(pk=unit["id"]).exists()
    deleted = last(Unit, unit["id"])
    assert (deleted.action, deleted.actor, deleted.changes["code"]) == (
        DELETE,
        root,
        ["HN-ML-02", "None"],
    )


def test_a_units_terms_and_member_counts_show_under_the_unit(client, tree):
    ok(
        ApiClient(tree.melinh_officer).post(
            f"/units/{tree.melinh.pk}/terms",
            {"name": "2025-2030", "start_date": "2025-06-01", "end_date": "2030-05-31"},
        ),
        201,
    )
    term = Term.objects.get(unit=tree.melinh, name="2025-2030")
    assert (last(Term, term.pk).actor, last(Term, term.pk).subject_id) == (
        tree.melinh_officer,
        tree.melinh.pk,
    )

    client.force_login(tree.melinh_officer)
    for count in (120, 135):
        client.post(
            f"/units/{tree.school.pk}/figures/",
            {"effective_on": "01/01/2025", "member_count": count, "worker_count": ""},
        )
    figures = UnitFigures.objects.get(unit=tree.school)
    assert [
        (e.action, e.changes.get("member_count")) for e in entries(UnitFigures, figures.pk)
    ] == [(CREATE, ["None", "120"]), (UPDATE, ["120", "135"])]


NEW_PERSON = {
    "family_name": "Phạm",
    "middle_name": "Thị",
    "given_name": "Hoa",
    "gender": "female",
    "birth_date": "05/03/1985",
    "citizen_id": "001185000123",
    "ethnicity": "Kinh",
    "education_level": "5",
    "political_theory": "2",
    "unit": "HN-ML-01",
}


def test_a_person_created_and_edited_on_the_pages_with_the_users_address(client, tree):
    client.force_login(tree.melinh_officer)
    response = client.post("/people/new/", NEW_PERSON, REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 302
    person = Person.objects.get(citizen_id="001185000123")
    created = last(Person, person.pk)
    assert (created.action, created.actor, created.remote_addr) == (
        CREATE,
        tree.melinh_officer,
        "10.1.2.3",
    )
    assert created.changes["given_name"] == ["None", "Hoa"]
    # Personal data is kept masked, as the pages show it; derived keys are not kept.
    assert created.changes["citizen_id"] == ["None", "001•••••••23"]
    assert "search_name" not in created.changes and "sort_key" not in created.changes

    response = client.post(
        f"/people/{person.pk}/edit/",
        {**NEW_PERSON, "given_name": "Hòa", "phone": "0912345678"},
        REMOTE_ADDR="10.1.2.4",
    )
    assert response.status_code == 302
    edited = last(Person, person.pk)
    assert (edited.action, edited.remote_addr) == (UPDATE, "10.1.2.4")
    assert edited.changes == {"given_name": ["Hoa", "Hòa"], "phone": ["", "•••••••678"]}


def test_a_header_sent_by_the_client_is_not_taken_for_its_address(client, tree):
    client.force_login(tree.melinh_officer)
    client.post("/people/new/", NEW_PERSON, REMOTE_ADDR="10.1.2.3", HTTP_X_FORWARDED_FOR="6.6.6.6")
    person = Person.objects.get(citizen_id="001185000123")
    assert last(Person, person.pk).remote_addr == "10.1.2.3"


def test_behind_the_proxy_the_clients_address_is_recorded(client, tree, settings):
    settings.AXES_IPWARE_PROXY_COUNT = 1  # what AXES_PROXY_COUNT=1 sets
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
    client.force_login(tree.melinh_officer)
    client.post(
        "/people/new/",
        NEW_PERSON,
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9",
    )
    person = Person.objects.get(citizen_id="001185000123")
    assert last(Person, person.pk).remote_addr == "203.0.113.9"


def test_a_person_deleted_by_any_code_is_logged(tree):
    person = Person.objects.create(
        family_name="Đỗ", given_name="Tâm", gender="male", unit=tree.school
    )
    pk = person.pk
    with acting_as(tree.melinh_officer):
        person.delete()
    deleted = last(Person, pk)
    assert (deleted.action, deleted.actor, deleted.changes["given_name"]) == (
        DELETE,
        tree.melinh_officer,
        ["Tâm", "None"],
    )


def test_a_position_created_changed_and_deleted_through_the_api(tree):
    api = ApiClient(tree.melinh_officer)
    position = ok(
        api.post(
            "/positions",
            {
                "person": tree.nguyen.pk,
                "unit": tree.school.pk,
                "role": tree.member_role.pk,
                "start_date": "2024-01-01",
            },
        ),
        201,
    )
    created = last(Position, position["id"])
    assert (created.action, created.actor, created.subject_id) == (
        CREATE,
        tree.melinh_officer,
        tree.nguyen.pk,
    )
    assert created.object_repr.startswith("Nguyễn Văn An — Ủy viên Ban Chấp hành")

    ok(
        api.patch(
            f"/positions/{position['id']}", {"end_date": "2024-12-31", "end_reason": "term_ended"}
        )
    )
    changed = last(Position, position["id"])
    assert changed.changes == {"end_date": ["None", "2024-12-31"], "end_reason": ["", "term_ended"]}

    assert api.delete(f"/positions/{position['id']}").status_code == 204
    deleted = last(Position, position["id"])
    assert (deleted.action, deleted.actor, deleted.changes["end_date"]) == (
        DELETE,
        tree.melinh_officer,
        ["2024-12-31", "None"],
    )


def test_a_class_its_enrolments_and_records_through_the_api(tree):
    api = ApiClient(tree.melinh_officer)
    klass = ok(
        api.post(
            "/classes",
            {
                "code": "API-1",
                "name": "Lớp qua API",
                "organiser": tree.melinh.pk,
                "topics": ["union_general"],
                "start_date": "2025-10-01",
                "end_date": "2025-10-02",
                "hours": 16,
                "capacity": 5,
            },
        ),
        201,
    )
    created, topics = entries(TrainingClass, klass["id"])
    assert (created.action, created.actor, created.changes["code"]) == (
        CREATE,
        tree.melinh_officer,
        ["None", "API-1"],
    )
    assert topics.changes["topics"]["operation"] == "add"
    ok(api.post(f"/classes/{klass['id']}/status", {"status": "open"}))
    assert last(TrainingClass, klass["id"]).changes == {"status": ["planned", "open"]}

    nominated = ok(
        api.post(f"/classes/{klass['id']}/nominations", {"person": tree.nguyen.pk}), 201
    )["enrolment"]["id"]
    ok(api.post(f"/enrolments/{nominated}/accept"))
    ok(api.post(f"/classes/{klass['id']}/status", {"status": "running"}))
    ok(
        api.post(
            f"/enrolments/{nominated}/results",
            {"attendance_percent": 100, "score": "9.0", "passed": True},
        )
    )
    log = entries(Enrolment, nominated)
    assert [e.action for e in log] == [CREATE, UPDATE, UPDATE]
    assert log[1].changes == {"status": ["nominated", "accepted"]}
    assert log[2].changes["passed"] == ["None", "True"]
    assert {e.subject_id for e in log} == {klass["id"]}  # shown under the class
    assert {e.person_id for e in log} == {tree.nguyen.pk}  # and under the person
    record = TrainingRecord.objects.get(enrolment_id=nominated)
    assert last(TrainingRecord, record.pk).action == UPDATE  # its topics, after its creation
    assert entries(TrainingRecord, record.pk)[0].changes["title"] == ["None", "Lớp qua API"]

    # A fail afterwards takes the record back: its deletion is logged too.
    ok(
        api.post(
            f"/enrolments/{nominated}/results",
            {"attendance_percent": 40, "score": "3.0", "passed": False},
        )
    )
    gone = last(TrainingRecord, record.pk)
    assert (gone.action, gone.actor, gone.subject_id) == (
        DELETE,
        tree.melinh_officer,
        tree.nguyen.pk,
    )

    with acting_as(tree.melinh_officer):
        Enrolment.objects.get(pk=nominated).delete()
        TrainingClass.objects.get(pk=klass["id"]).delete()
    assert last(Enrolment, nominated).action == DELETE
    assert last(TrainingClass, klass["id"]).action == DELETE


def test_a_record_of_training_done_elsewhere_entered_on_the_page(client, tree):
    client.force_login(tree.melinh_officer)
    response = client.post(
        f"/training/people/{tree.nguyen.pk}/records/new/",
        {
            "title": "Lý luận chính trị trung cấp",
            "topics": [Topic.objects.get(code="union_general").pk],
            "hours": "120",
            "completed_on": "15/06/2024",
            "form": "in_service",
            "certificate_number": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    record = TrainingRecord.objects.get(title="Lý luận chính trị trung cấp")
    created = entries(TrainingRecord, record.pk)[0]
    assert (created.action, created.actor, created.changes["hours"]) == (
        CREATE,
        tree.melinh_officer,
        ["None", "120"],
    )


LINE = {
    "name": "Bồi dưỡng nghiệp vụ công tác công đoàn",
    "topic": "union_general",
    "target_group": "part_time",
    "classes": 2,
    "trainees": 60,
    "quarter": 2,
    "budget": "30000000",
}


def test_a_plan_and_its_lines_through_the_api(tree):
    api = ApiClient(tree.melinh_officer)
    plan = ok(api.post("/plans", {"unit": tree.melinh.pk, "year": 2025}), 201)
    assert (last(Plan, plan["id"]).action, last(Plan, plan["id"]).actor) == (
        CREATE,
        tree.melinh_officer,
    )
    line = ok(api.post(f"/plans/{plan['id']}/lines", LINE), 201)
    ok(api.patch(f"/plans/{plan['id']}/lines/{line['id']}", {"trainees": 80}))
    assert last(PlanLine, line["id"]).changes == {"trainees": ["60", "80"]}
    ok(api.post(f"/plans/{plan['id']}/submit"))
    assert last(Plan, plan["id"]).changes == {"status": ["draft", "submitted"]}
    ok(ApiClient(tree.hanoi_officer).post(f"/plans/{plan['id']}/return", {"comment": "Bổ sung"}))
    assert api.delete(f"/plans/{plan['id']}/lines/{line['id']}").status_code == 204
    log = entries(PlanLine, line["id"])
    assert [e.action for e in log] == [CREATE, UPDATE, DELETE]
    assert {e.subject_id for e in log} == {plan["id"]}
    with acting_as(tree.melinh_officer):
        Plan.objects.get(pk=plan["id"]).delete()
    assert last(Plan, plan["id"]).action == DELETE


def admin_target_form(**changes) -> dict:
    data = {
        "document": SourceDocument.objects.get(code="003").pk,
        "code": "T-AUDIT",
        "name": "Cán bộ chuyên trách được bồi dưỡng",
        "name_en": "",
        "wording": "",
        "kind": "training",
        "threshold": "80",
        "goal": "",
        "scope_unit": "",
        "responsible_level": "",
        "active": "on",
        "valid_from": "",
        "valid_to": "",
        "rank": "300",
        "adopted_from": "",
        "full_time": "true",
        "sector": "",
        "min_members": "",
        "max_members": "",
        "position_started_from": "",
        "position_started_to": "",
        "min_hours": "0",
        "min_education": "",
        "min_political_theory": "",
        "window": "term",
        "window_count": "",
        "window_start": "",
        "deadline": "",
        "_save": "Lưu",
    }
    return {**data, **changes}


def test_a_target_added_changed_and_deleted_in_the_admin(client, tree, root):
    client.force_login(root)
    response = client.post("/admin/targets/target/add/", admin_target_form())
    assert response.status_code == 302
    target = Target.objects.get(code="T-AUDIT")
    response = client.post(
        f"/admin/targets/target/{target.pk}/change/", admin_target_form(threshold="90")
    )
    assert response.status_code == 302
    response = client.post(f"/admin/targets/target/{target.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    log = entries(Target, target.pk)
    assert [e.action for e in log] == [CREATE, UPDATE, DELETE] and {e.actor for e in log} == {root}
    assert list(log[1].changes) == ["threshold"]
    assert [Decimal(v) for v in log[1].changes["threshold"]] == [80, 90]


def test_a_unit_adopting_a_target_creates_its_own_copy(client, tree):
    source = Target.objects.get(code="T-003-2")
    client.force_login(tree.hanoi_officer)
    response = client.post(f"/targets/{source.pk}/adopt/", {"threshold": "100"})
    assert response.status_code == 302
    copy = Target.objects.get(adopted_from=source, scope_unit=tree.hanoi)
    created = entries(Target, copy.pk)[0]
    assert (created.action, created.actor, created.unit_id) == (
        CREATE,
        tree.hanoi_officer,
        tree.hanoi.pk,
    )


def test_an_evaluation_created_corrected_published_and_deleted(client, tree):
    created = ok(
        ApiClient(tree.melinh_officer).post(
            "/evaluations",
            {"person": tree.nguyen.pk, "year": 2023, "rating": "good", "votes_good": 5},
        ),
        201,
    )
    pk = created["id"]
    client.force_login(tree.melinh_officer)
    response = client.post(
        f"/cadrework/evaluations/{pk}/edit/",
        {
            "year": "2023",
            "occasion": "yearly",
            "rating": "excellent",
            "self_assessment": "",
            "votes_excellent": "5",
            "votes_good": "0",
            "votes_completed": "0",
            "votes_not_completed": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    client.post(f"/cadrework/evaluations/{pk}/publish/")
    with acting_as(tree.melinh_officer):
        Evaluation.objects.get(pk=pk).delete()
    log = entries(Evaluation, pk)
    assert [e.action for e in log] == [CREATE, UPDATE, UPDATE, DELETE]
    assert log[1].changes["rating"] == ["good", "excellent"]
    assert list(log[2].changes) == ["published_at"]
    assert {e.actor for e in log} == {tree.melinh_officer}
    assert log[0].object_repr == "Nguyễn Văn An — 2023"


def test_nothing_is_logged_for_a_refused_write(tree):
    before = LogEntry.objects.count()
    response = ApiClient(tree.nt_officer).post(
        "/positions",
        {
            "person": tree.nguyen.pk,
            "unit": tree.school.pk,
            "role": tree.member_role.pk,
            "start_date": "2024-01-01",
        },
    )
    assert response.status_code in (404, 422)
    assert LogEntry.objects.count() == before


def test_a_change_that_changes_nothing_writes_no_entry(tree):
    api = ApiClient(tree.melinh_officer)
    before = LogEntry.objects.count()
    ok(api.patch(f"/units/{tree.school.pk}", {"sector": tree.school.sector}))
    assert LogEntry.objects.count() == before


def test_a_merger_logs_the_positions_it_ends_and_opens(tree):
    from units.services import unit_merge

    with acting_as(tree.hanoi_officer):
        unit_merge(
            user=tree.hanoi_officer,
            sources=[tree.donganh],
            target=tree.melinh,
            effective_on=dt.date(2025, 1, 1),
        )
    ended = Position.objects.get(person=tree.tran, unit=tree.factory)
    # The factory moved under Mê Linh: its cadres' posts go on; Đông Anh's own would end.
    assert ended.end_date is None
    dissolved = last(Unit, tree.donganh.pk)
    assert dissolved.changes == {"dissolved_on": ["None", "2025-01-01"]}
    moved = last(Unit, tree.factory.pk)
    assert moved.changes == {"parent": [str(tree.donganh.pk), str(tree.melinh.pk)]}


def test_the_positions_of_a_merged_grassroots_union_pass_with_entries(tree):
    from units.services import unit_merge

    with acting_as(tree.hanoi_officer):
        unit_merge(
            user=tree.hanoi_officer,
            sources=[tree.factory],
            target=tree.school,
            effective_on=dt.date(2025, 1, 1),
        )
    old = Position.objects.get(person=tree.tran, unit=tree.factory)
    new = Position.objects.get(person=tree.tran, unit=tree.school)
    ended = last(Position, old.pk)
    assert (ended.action, ended.actor, ended.changes) == (
        UPDATE,
        tree.hanoi_officer,
        {"end_date": ["None", "2024-12-31"], "end_reason": ["", "reorganised"]},
    )
    opened = last(Position, new.pk)
    assert (opened.action, opened.actor, opened.subject_id, opened.unit_id) == (
        CREATE,
        tree.hanoi_officer,
        tree.tran.pk,
        tree.factory.pk,
    )
    assert opened.changes["start_reason"] == ["None", "reorganised"]
