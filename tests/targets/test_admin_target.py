"""Acceptance: a target created in the admin interface, without code, is evaluated and shown —
on the dashboard with the right figures and in each person's obligations. An inconsistent
target is refused there with a Vietnamese message.

The world is described in `pages_world.py`; here the system administrator adds "full-time
cadres must hold an OSH record within 12 months of taking the post"."""

import datetime as dt

import pytest

from accounts.access import SYSTEM
from accounts.models import UserRole
from people.models import Role
from people.services import person_create, position_create
from targets.models import SourceDocument, Target
from tests.conftest import make_user
from tests.targets.pages_world import shared, tables, target_rows
from training.models import Topic
from training.services import external_record_create

ADD = "/admin/targets/target/add/"
OSH_TITLE = "An toàn, vệ sinh lao động cho cán bộ mới"


@pytest.fixture
def world(tree):
    w = shared(tree)
    y = w.today.year
    osh = Topic.objects.get(code="osh")
    for person, day in ((w.binh, dt.date(y - 2, 6, 1)), (w.em, dt.date(y - 1, 10, 1))):
        external_record_create(
            user=SYSTEM,
            person=person,
            title=OSH_TITLE,
            topics=[osh],
            hours=16,
            completed_on=day,
            form="on_site",
        )
    # A cadre of Đông Anh who took the post on the 1st of last month: still within 12 months.
    w.giang_start = (w.today - dt.timedelta(days=30)).replace(day=1)
    w.giang = person_create(
        user=SYSTEM,
        unit=tree.donganh,
        family_name="Tạ",
        middle_name="Văn",
        given_name="Giang",
        gender="male",
    )
    position_create(
        user=SYSTEM,
        person=w.giang,
        unit=tree.donganh,
        full_time=True,
        role=Role.objects.get(code="advisory_staff"),
        start_date=w.giang_start,
    )
    w.sysadmin = make_user("sysadmin", tree.vgcl, UserRole.SYSTEM_ADMIN, is_superuser=True)
    return w


def form(**changes) -> dict:
    """Every field of the admin's add form, as a browser sends it (empty multi-selects and
    unticked boxes are simply absent)."""
    data = {
        "document": SourceDocument.objects.get(code="003").pk,
        "code": "T-OSH-12",
        "name": "Cán bộ chuyên trách có chứng nhận ATVSLĐ trong 12 tháng đầu nhận chức vụ",
        "name_en": "Full-time cadres hold an OSH record within 12 months of taking the post",
        "wording": "Cán bộ chuyên trách phải được huấn luyện an toàn, vệ sinh lao động trong "
        "vòng 12 tháng kể từ khi nhận nhiệm vụ.",
        "kind": "training",
        "threshold": "100",
        "goal": "",
        "scope_unit": "",
        "responsible_level": "",
        "active": "on",
        "valid_from": "",
        "valid_to": "",
        "rank": "200",
        "adopted_from": "",
        "full_time": "true",
        "sector": "",
        "min_members": "",
        "max_members": "",
        "position_started_from": "",
        "position_started_to": "",
        "topics": [Topic.objects.get(code="osh").pk],
        "min_hours": "0",
        "min_education": "",
        "min_political_theory": "",
        "window": "position_months",
        "window_count": "12",
        "window_start": "",
        "deadline": "",
        "_save": "Lưu",
    }
    data.update(changes)
    return data


def obligations(html: str) -> dict[str, list[str]]:
    return {cells[0].split()[0]: cells[1:3] for _a, cells in tables(html)[""][1:]}


def d(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def test_a_target_added_in_the_admin_is_evaluated_and_shown(
    client, world, django_capture_on_commit_callbacks
):
    tree, y = world.tree, world.today.year
    client.force_login(tree.hanoi_officer)
    assert "T-OSH-12" not in target_rows(client.get("/targets/").content)  # figures computed

    client.force_login(world.sysadmin)
    assert client.get(ADD).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):  # as if the request committed
        response = client.post(ADD, form())
    assert response.status_code == 302, response.context["adminform"].form.errors
    target = Target.objects.get(code="T-OSH-12")
    assert (target.window, target.window_count, target.full_time, target.builtin) == (
        "position_months",
        12,
        True,
        False,
    )
    assert list(target.topics.values_list("code", flat=True)) == ["osh"]

    # Full-time post-holders under Hà Nội: An, Bình, Chi (Hà Nội), Dũng (Mê Linh), Em and
    # Giang (Đông Anh), Nguyễn Văn An (the school). Bình and Em hold the record; Giang's
    # 12 months still run; the other four are past theirs.
    client.force_login(tree.hanoi_officer)
    html = client.get("/targets/").content.decode()
    cells = target_rows(html)["T-OSH-12"]
    assert cells[1:5] == ["100%", "28,6% · 2/7", "Không đạt", "4"]
    children = {c[0]: c for _a, c in tables(html)["children"][1:]}
    assert children["Liên đoàn Lao động huyện Đông Anh"][-1] == "50,0% · 1/2"
    assert children["Liên đoàn Lao động huyện Mê Linh"][-1] == "0,0% · 0/2"
    client.force_login(tree.nt_officer)  # a target of the whole system
    assert target_rows(client.get("/targets/").content)["T-OSH-12"][2] == "0,0% · 0/3"

    client.force_login(tree.hanoi_officer)
    binh = client.get(f"/targets/people/{world.binh.pk}/").content.decode()
    assert obligations(binh)["T-OSH-12"] == ["Đã đạt", f"{OSH_TITLE} (01/06/{y - 2})"]
    chi = client.get(f"/targets/people/{world.chi.pk}/").content.decode()
    assert obligations(chi)["T-OSH-12"] == ["Quá hạn", f"hạn 31/12/{y - 2}"]
    giang = client.get(f"/targets/people/{world.giang.pk}/").content.decode()
    due = world.giang_start.replace(year=world.giang_start.year + 1) - dt.timedelta(days=1)
    assert obligations(giang)["T-OSH-12"] == ["Đến hạn", f"hạn {d(due)}"]
    needs = client.get("/targets/needs/", {"target": target.pk}).content.decode()
    assert [c[0] for _a, c in tables(needs)["needs-people"][1:]] == [
        "Vũ Đức An",
        "Hồ Thị Chi",
        "Lý Văn Dũng",
        "Nguyễn Văn An",
        "Tạ Văn Giang",
    ]


def test_a_fixed_date_window_without_a_deadline_is_refused_in_vietnamese(client, world):
    client.force_login(world.sysadmin)
    response = client.post(ADD, form(window="fixed_date", window_count=""))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors == {"deadline": ["Cửa sổ thời gian theo mốc cố định cần có hạn chót."]}
    assert "Cửa sổ thời gian theo mốc cố định cần có hạn chót." in response.content.decode()
    assert not Target.objects.filter(code="T-OSH-12").exists()
    # With the deadline it is accepted.
    response = client.post(
        ADD, form(window="fixed_date", window_count="", deadline=f"31/12/{world.today.year}")
    )
    assert response.status_code == 302
    assert Target.objects.get(code="T-OSH-12").deadline == dt.date(world.today.year, 12, 31)
