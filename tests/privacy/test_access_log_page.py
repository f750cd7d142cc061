"""The access log page: system administrators search it (who, whose data, action, dates),
within their subtree, a page at a time; nobody else may open it."""

import datetime as dt

import pytest
from django.utils import timezone

from accounts.access import SYSTEM
from accounts.models import User, UserRole
from privacy.models import Action, PersonalDataAccess, Source
from privacy.services import access_log
from tests.conftest import make_user

LOG = "/privacy/log/"


def log(
    user, person=None, *, unit=None, action=Action.VIEW_FULL, source=Source.PERSON_PAGE, at=None
):
    entry = access_log(user=user, action=action, source=source, person=person, unit=unit)
    if at is not None:
        PersonalDataAccess.objects.filter(pk=entry.pk).update(at=at)
    return entry


@pytest.fixture
def entries(tree):
    long_ago = timezone.make_aware(dt.datetime(2024, 1, 15, 9, 0))
    return {
        "nguyen": log(tree.melinh_officer, tree.nguyen),
        "tran": log(tree.hanoi_officer, tree.tran, at=long_ago),
        "export": log(
            tree.hanoi_officer, unit=tree.hanoi, action=Action.EXPORT, source=Source.PEOPLE_LIST
        ),
        "le": log(tree.nt_officer, tree.le),
        "nt_export": log(
            tree.nt_officer, unit=tree.ninhthuan, action=Action.EXPORT, source=Source.CHAIRS
        ),
    }


def shown(client, user, **params) -> set[int]:
    client.force_login(user)
    response = client.get(LOG, params)
    assert response.status_code == 200
    return {e.pk for e in response.context["page"].object_list}


def ids(entries, *names) -> set[int]:
    return {entries[n].pk for n in names}


def test_a_national_administrator_sees_every_entry(client, tree, entries):
    assert shown(client, tree.admin) == ids(entries, *entries)
    body = client.get(LOG).content.decode()
    assert "Nguyễn Văn An" in body and "Xem đầy đủ" in body and "Danh sách cán bộ" in body


def test_a_provincial_administrator_sees_only_their_provinces_entries(client, tree, entries):
    hanoi_admin = make_user("hanoi_admin", tree.hanoi, UserRole.SYSTEM_ADMIN)
    assert shown(client, hanoi_admin) == ids(entries, "nguyen", "tran", "export")
    body = client.get(LOG).content.decode()
    assert "Lê Văn Cường" not in body and tree.ninhthuan.name not in body
    assert shown(client, hanoi_admin, person=tree.le.pk) == set()


def test_a_superuser_without_a_unit_sees_every_entry(client, tree, entries):
    root = User.objects.create_superuser("root", password="Pw-for-tests-2026")
    assert shown(client, root) == ids(entries, *entries)


@pytest.mark.parametrize("persona", ["hanoi_officer", "melinh_officer", "inspector", "cadre"])
def test_nobody_else_may_open_it(client, tree, entries, persona):
    client.force_login(getattr(tree, persona))
    assert client.get(LOG).status_code == 403
    assert 'href="/privacy/log/"' not in client.get("/me/").content.decode()


def test_the_menu_leads_administrators_to_it(client, tree):
    client.force_login(tree.admin)
    assert 'href="/privacy/log/">Nhật ký truy cập</a>' in client.get("/people/").content.decode()


def test_it_needs_a_login(client, tree):
    response = client.get(LOG)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_it_filters_by_who_whose_action_and_dates(client, tree, entries):
    admin = tree.admin
    assert shown(client, admin, who="ninhth") == ids(entries, "le", "nt_export")
    assert shown(client, admin, whose="nguyen van an") == ids(entries, "nguyen")
    assert shown(client, admin, whose="Trần Thị") == ids(entries, "tran")
    assert shown(client, admin, whose="001080000001") == ids(entries, "nguyen")
    assert shown(client, admin, action="export") == ids(entries, "export", "nt_export")
    assert shown(client, admin, start="01/01/2024", end="31/01/2024") == ids(entries, "tran")
    assert shown(client, admin, start="01/02/2024") == ids(
        entries, "nguyen", "export", "le", "nt_export"
    )
    assert shown(client, admin, person=tree.nguyen.pk) == ids(entries, "nguyen")


def test_a_person_deleted_since_stays_in_the_log_by_name(client, tree):
    from people.services import person_create

    gone = person_create(
        user=SYSTEM, unit=tree.school, family_name="Hồ", given_name="Xuân", gender="female"
    )
    entry = log(tree.melinh_officer, gone)
    gone.delete()
    assert shown(client, tree.admin, whose="Hồ Xuân") == {entry.pk}


@pytest.mark.parametrize(
    "params",
    [
        {"start": "31/02/2024"},
        {"action": "delete"},
        {"start": "01/03/2024", "end": "01/02/2024"},
        {"person": "x"},
        {"who": "a\x00b"},
        {"page": "999"},
    ],
)
def test_bad_filters_are_shown_as_errors_never_a_crash(client, tree, entries, params):
    client.force_login(tree.admin)
    response = client.get(LOG, params)
    assert response.status_code == 200


def test_it_is_paginated_at_a_fixed_number_of_queries(client, tree, django_assert_max_num_queries):
    for _ in range(3):
        log(tree.melinh_officer, tree.nguyen)
    client.force_login(tree.admin)
    client.get(LOG)
    # 8: the entries of a small subtree are first looked up by id (accounts.scope.scoped);
    # the bell's unread count.
    with django_assert_max_num_queries(8) as few:
        client.get(LOG)
    PersonalDataAccess.objects.bulk_create(
        [
            PersonalDataAccess(
                user=tree.hanoi_officer,
                username="hanoi",
                action=Action.EXPORT,
                source=Source.PEOPLE_LIST,
                unit=tree.hanoi,
            )
            for _ in range(120)
        ]
    )
    with django_assert_max_num_queries(len(few)):
        response = client.get(LOG, {"page": "2"})
    assert len(response.context["page"].object_list) == 50
    assert response.context["page"].paginator.num_pages == 3
