"""The history pages (one per object, for whoever may see the object) and the audit log of
system administrators (searchable, scoped to their subtree)."""

import datetime as dt

import pytest

from accounts.models import UserRole
from audit.context import acting_as
from audit.models import LogEntry
from cadrework import evaluations
from people.services import person_update, position_create
from planning.services import line_save, plan_create
from targets.models import Target
from tests.api import ApiClient
from tests.conftest import make_user
from units.services import unit_update


def page(client, user, url, status=200, **params) -> str:
    client.force_login(user)
    response = client.get(url, params)
    assert response.status_code == status, url
    return response.content.decode()


@pytest.fixture
def edited(tree):
    """Nguyễn Văn An's record changed by the Mê Linh officer: a new name and education,
    a move to Đông Anh's factory, and a new post."""
    with acting_as(tree.melinh_officer):
        person_update(
            user=tree.melinh_officer, person=tree.nguyen, given_name="Ân", education_level=5
        )
    with acting_as(tree.hanoi_officer):
        person_update(user=tree.hanoi_officer, person=tree.nguyen, unit=tree.factory)
        position_create(
            user=tree.hanoi_officer,
            person=tree.nguyen,
            unit=tree.factory,
            role=tree.member_role,
            start_date=dt.date(2025, 1, 1),
        )
    return tree


def test_a_persons_history_shows_who_changed_what_from_what_to_what(client, edited):
    tree = edited
    html = page(client, tree.hanoi_officer, f"/audit/people/{tree.nguyen.pk}/")
    assert "Lịch sử thay đổi" in html
    assert "<del>An</del> → <ins>Ân</ins>" in html  # the given name
    assert "<del>Chưa khai</del> → <ins>Đại học</ins>" in html  # a choice by its label
    # A unit by its name, not its id; the post in the person's history, with its kind.
    assert (f"<del>{tree.school.name}</del> → <ins>{tree.factory.name}</ins>") in html
    assert "Chức vụ: Nguyễn Văn Ân — Ủy viên Ban Chấp hành" in html
    assert "melinh" in html and "hanoi" in html
    # Newest first: the post (last change) before the renaming (first change).
    assert html.index("Ủy viên Ban Chấp hành") < html.index("<ins>Ân</ins>")


def test_a_persons_page_links_to_its_history(client, tree):
    html = page(client, tree.melinh_officer, f"/people/{tree.nguyen.pk}/")
    assert f'href="/audit/people/{tree.nguyen.pk}/"' in html


def test_a_class_history_lists_its_participants_results(client, tree):
    html = page(client, tree.melinh_officer, f"/audit/classes/{tree.ml_class.pk}/")
    assert "Đăng ký học: Nguyễn Văn An — ML-2024-01" in html
    assert "<strong>Trạng thái</strong>: <del>Được cử</del> → <ins>Đã tiếp nhận</ins>" in html
    assert "<strong>Đạt</strong>: <del>—</del> → <ins>Có</ins>" in html  # a yes/no in words
    assert "Hệ thống" in html  # the fixture's writes had no user


@pytest.mark.parametrize(
    "url",
    [
        "/audit/people/{nguyen}/",
        "/audit/units/{school}/",
        "/audit/classes/{ml_class}/",
        "/audit/plans/{plan}/",
        "/audit/evaluations/{evaluation}/",
        "/audit/targets/{target}/",
    ],
)
def test_another_provinces_officer_gets_not_found(client, tree, url):
    plan = plan_create(user=tree.melinh_officer, unit=tree.melinh, year=2025)
    evaluation = evaluations.evaluation_save(
        user=tree.melinh_officer, person=tree.nguyen, year=2023, rating="good"
    )
    target = Target.objects.get(code="T-003-2")
    from targets.services import target_adopt

    adopted = target_adopt(target=target, unit=tree.hanoi, threshold=target.threshold)
    url = url.format(
        nguyen=tree.nguyen.pk,
        school=tree.school.pk,
        ml_class=tree.ml_class.pk,
        plan=plan.pk,
        evaluation=evaluation.pk,
        target=adopted.pk,
    )
    page(client, tree.melinh_officer if "targets" not in url else tree.hanoi_officer, url)
    page(client, tree.nt_officer, url, status=404)
    page(client, tree.cadre, url, status=403)  # a self-service account browses nothing


def test_a_system_wide_targets_history_is_seen_by_every_officer(client, tree):
    target = Target.objects.get(code="T-003-2")
    page(client, tree.nt_officer, f"/audit/targets/{target.pk}/")


def test_a_plans_history_shows_its_lines_with_money_grouped(client, tree):
    with acting_as(tree.melinh_officer):
        plan = plan_create(user=tree.melinh_officer, unit=tree.melinh, year=2025)
        line_save(
            user=tree.melinh_officer,
            plan=plan,
            name="Lớp chủ tịch CĐCS",
            topic=tree.topic,
            target_group="full_time",
            classes=1,
            trainees=30,
            budget=1_500_000,
        )
    html = page(client, tree.melinh_officer, f"/audit/plans/{plan.pk}/")
    assert "Lớp chủ tịch CĐCS" in html and "1.500.000" in html


def test_the_history_is_paged(client, tree):
    with acting_as(tree.melinh_officer):
        for i in range(60):
            unit_update(
                user=tree.melinh_officer,
                unit=tree.school,
                code=tree.school.code,
                sector="state" if i % 2 else "non_state",
                founded_on=None,
            )
    html = page(client, tree.melinh_officer, f"/audit/units/{tree.school.pk}/")
    assert "Trang 1/2" in html
    html = page(client, tree.melinh_officer, f"/audit/units/{tree.school.pk}/", page=2)
    assert "Trang 2/2" in html


# --- the audit log ---------------------------------------------------------------------------


@pytest.fixture
def admins(tree):
    tree.hanoi_admin = make_user("hanoi_admin", tree.hanoi, UserRole.SYSTEM_ADMIN)
    tree.root = make_user("root", tree.vgcl, UserRole.SYSTEM_ADMIN, is_superuser=True)
    return tree


def rows(html: str) -> int:
    return html.count("<tr><td>")


def test_officers_are_refused_the_log_and_do_not_see_its_link(client, admins):
    tree = admins
    for user in (tree.hanoi_officer, tree.inspector, tree.cadre):
        page(client, user, "/audit/", status=403)
        assert 'href="/audit/"' not in client.get("/", follow=True).content.decode()
    client.logout()
    assert client.get("/audit/").status_code == 302
    client.force_login(tree.hanoi_admin)
    assert 'href="/audit/"' in client.get("/", follow=True).content.decode()


def test_a_provincial_administrator_sees_only_the_province(client, edited, admins):
    tree = admins
    html = page(client, tree.hanoi_admin, "/audit/")
    assert "Nguyễn Văn Ân" in html
    assert "Lê Văn Cường" not in html and "NT-2024-01" not in html
    html = page(client, tree.admin, "/audit/")  # the confederation's administrator
    assert "Lê Văn Cường" in html


def test_the_log_filters_by_user_kind_action_dates_and_text(client, edited, admins):
    tree = admins
    html = page(client, tree.root, "/audit/", who="melinh")
    assert "Nguyễn Văn Ân" in html and "Chức vụ:" not in html  # the post was hanoi's
    html = page(client, tree.root, "/audit/", kind="people.position", action="0")
    post = f'Chức vụ: <a href="/audit/people/{tree.nguyen.pk}/">Nguyễn Văn Ân'
    assert post in html and "Cán bộ, đoàn viên:" not in html and "Sửa\n" not in html
    html = page(client, tree.root, "/audit/", text="nguyen van an")  # accents ignored
    assert "Nguyễn Văn Ân" in html and "Lê Văn Cường" not in html
    html = page(client, tree.root, "/audit/", text="Ủy viên")
    assert post in html and "Lê Văn Cường" not in html
    today = dt.date.today()
    assert "Không có mục nào" in page(
        client, tree.root, "/audit/", end=(today - dt.timedelta(days=2)).strftime("%d/%m/%Y")
    )
    assert "Nguyễn Văn Ân" in page(client, tree.root, "/audit/", start=today.strftime("%d/%m/%Y"))
    html = page(client, tree.root, "/audit/", start="02/01/2025", end="01/01/2025")
    assert "Ngày kết thúc không được trước ngày bắt đầu." in html


def test_api_writes_appear_in_the_log_under_the_tokens_user(client, admins):
    tree = admins
    ApiClient(tree.melinh_officer).patch(f"/units/{tree.school.pk}", {"sector": "non_state"})
    html = page(client, tree.root, "/audit/", who="melinh", kind="units.unit")
    assert "<del>Khu vực nhà nước</del> → <ins>Khu vực ngoài nhà nước</ins>" in html
    assert f'Đơn vị: <a href="/audit/units/{tree.school.pk}/">' in html


def test_the_log_pages_its_entries_newest_first(client, admins):
    tree = admins
    with acting_as(tree.melinh_officer):
        for i in range(30):
            unit_update(
                user=tree.melinh_officer,
                unit=tree.school,
                code=tree.school.code,
                sector="state" if i % 2 else "non_state",
                founded_on=None,
            )
    assert LogEntry.objects.count() > 50
    html = page(client, tree.root, "/audit/")
    assert rows(html) == 50 and "Trang 1/" in html
    first = LogEntry.objects.order_by("-timestamp", "-id").first()
    assert html.index(first.object_repr) < html.index("</tbody>")
