"""The access matrix (accounts.access): a part-time lecturer and an inspector, read-only
roles bound to Hà Nội, read no evaluation, no succession pool and no full personal data of
Hà Nội — through the pages, the exports and the API — while Hà Nội's training officer still
reads them all. The matrix is one table, the same in docs/access.md."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from accounts import access
from accounts.access import ACCESS, SYSTEM, Data, Level
from accounts.models import BROWSING_ROLES, WRITING_ROLES, ApiToken, UserRole
from cadrework import evaluations, services
from privacy.models import Action, PersonalDataAccess
from tests.conftest import make_user
from tests.test_scope_probe import all_routes
from units.services import term_create

READ_ONLY = ("lecturer", "inspector")
ADDRESS = "Số 7 ngõ Riêng Tư, Mê Linh"


@pytest.fixture
def world(tree):
    """Hà Nội's lecturer and inspector; in Mê Linh a pool with a candidate, an unpublished
    evaluation and a published one; a person with a citizen ID and an address."""
    tree.lecturer = make_user("giangvien", tree.hanoi, UserRole.LECTURER)
    term = term_create(
        user=SYSTEM,
        unit=tree.melinh,
        name="2023-2028",
        start_date=dt.date(2023, 6, 1),
        end_date=dt.date(2028, 5, 31),
    )
    tree.pool = services.pool_create(
        user=tree.melinh_officer, unit=tree.melinh, term=term, post="chair"
    )
    tree.entry = services.entry_add(
        user=tree.melinh_officer,
        pool=tree.pool,
        person=tree.nguyen,
        reason="Có triển vọng lãnh đạo",
        on=dt.date(2024, 12, 1),
    )
    tree.unpublished = evaluations.evaluation_save(
        user=tree.melinh_officer,
        person=tree.nguyen,
        year=2024,
        rating="good",
        votes_good=5,
        self_assessment="Tự đánh giá chưa công bố",
    )
    tree.published = evaluations.evaluation_save(
        user=tree.hanoi_officer,
        person=tree.tran,
        year=2024,
        rating="excellent",
        votes_excellent=7,
        self_assessment="Tự đánh giá đã công bố",
    )
    evaluations.evaluation_publish(user=tree.hanoi_officer, evaluation=tree.published)
    tree.nguyen.address = ADDRESS
    tree.nguyen.save()
    return tree


def api(client, user, url, **params):
    token = ApiToken.issue(user)
    return client.get(f"/api/v1{url}", params, HTTP_AUTHORIZATION=f"Bearer {token}")


def evaluation_pages(t) -> list[str]:
    return [
        f"{reverse('cadrework:evaluation_list')}?unit={t.melinh.pk}&year=2024",
        reverse("cadrework:evaluation_detail", args=[t.unpublished.pk]),
        reverse("cadrework:evaluation_detail", args=[t.published.pk]),
    ]


def pool_pages(t) -> list[str]:
    return [
        reverse("cadrework:index"),
        reverse("cadrework:pool_detail", args=[t.pool.pk]),
    ]


# --- pages ---------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", READ_ONLY)
def test_read_only_roles_get_no_evaluation_or_pool_page(client, world, persona):
    client.force_login(getattr(world, persona))
    for url in evaluation_pages(world) + pool_pages(world):
        response = client.get(url)
        assert response.status_code == 403, url
        body = response.content.decode()
        assert "Tự đánh giá" not in body and "triển vọng" not in body


def test_the_officer_still_reads_evaluations_and_pools(client, world):
    client.force_login(world.hanoi_officer)
    for url in evaluation_pages(world) + pool_pages(world):
        assert client.get(url).status_code == 200, url
    detail = client.get(evaluation_pages(world)[1]).content.decode()
    assert "Tự đánh giá chưa công bố" in detail
    assert world.nguyen.full_name in client.get(pool_pages(world)[1]).content.decode()


def test_the_inspector_reads_a_profile_without_its_pools_or_evaluations(client, world):
    client.force_login(world.inspector)
    profile = client.get(reverse("people:detail", args=[world.nguyen.pk]))
    assert profile.status_code == 200
    body = profile.content.decode()
    assert "001080000001" not in body and ADDRESS not in body  # masked
    assert 'id="reveal"' not in body  # no button to show them in full
    panel = client.get(reverse("cadrework:person_panel", args=[world.nguyen.pk]))
    assert panel.status_code == 200
    body = panel.content.decode()
    assert f'data-evaluation="{world.unpublished.pk}"' not in body
    assert world.pool.get_post_display() not in body


def test_the_officer_reads_the_profile_panel_in_full(client, world):
    client.force_login(world.hanoi_officer)
    body = client.get(reverse("cadrework:person_panel", args=[world.nguyen.pk])).content.decode()
    assert f'data-evaluation="{world.unpublished.pk}"' in body
    assert world.pool.get_post_display() in body


@pytest.mark.parametrize("persona", READ_ONLY)
def test_read_only_roles_cannot_reveal_personal_data(client, world, persona):
    user = getattr(world, persona)
    client.force_login(user)
    response = client.post(reverse("privacy:reveal", args=[world.nguyen.pk]))
    assert response.status_code == 403
    body = response.content.decode()
    assert "001080000001" not in body and ADDRESS not in body
    assert not PersonalDataAccess.objects.filter(user=user).exists()


def test_the_officer_reveals_personal_data_and_it_is_logged(client, world):
    client.force_login(world.hanoi_officer)
    response = client.post(reverse("privacy:reveal", args=[world.nguyen.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "001080000001" in body and ADDRESS in body
    assert PersonalDataAccess.objects.filter(
        user=world.hanoi_officer, person=world.nguyen, action=Action.VIEW_FULL
    ).exists()


def test_the_inspector_reads_the_people_list_but_cannot_export_full_ids(client, world):
    client.force_login(world.inspector)
    listing = client.get(reverse("people:list"))
    assert listing.status_code == 200
    assert "format=xlsx" not in listing.content.decode()
    assert client.get(reverse("people:list"), {"format": "xlsx"}).status_code == 403
    assert not PersonalDataAccess.objects.filter(user=world.inspector).exists()
    client.force_login(world.hanoi_officer)
    assert client.get(reverse("people:list"), {"format": "xlsx"}).status_code == 200


def test_the_lecturer_reads_classes_and_lecturers_but_not_people(client, world):
    client.force_login(world.lecturer)
    assert client.get(reverse("training:class_list")).status_code == 200
    assert client.get(reverse("training:lecturer_list")).status_code == 200
    assert client.get(reverse("people:list")).status_code == 403
    assert client.get(reverse("people:detail", args=[world.nguyen.pk])).status_code == 403


# --- API -----------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", READ_ONLY)
def test_read_only_roles_get_no_evaluation_or_pool_through_the_api(client, world, persona):
    user = getattr(world, persona)
    t = world
    refused = {
        "/evaluations": 403,
        f"/units/{t.melinh.pk}/evaluation-figures": 403,
        "/pools": 403,
        f"/pools/{t.pool.pk}": 403,
        f"/evaluations/{t.unpublished.pk}": 404,  # theirs once published: nobody else's
        f"/evaluations/{t.published.pk}": 404,
        f"/people/{t.nguyen.pk}/evaluations": 404,
    }
    for url, status in refused.items():
        response = api(client, user, url, year=2024)
        assert response.status_code == status, url
        assert "Tự đánh giá" not in response.content.decode()


def test_the_officer_reads_evaluations_and_pools_through_the_api(client, world):
    user = world.hanoi_officer
    listed = api(client, user, "/evaluations").json()
    assert {e["id"] for e in listed["items"]} == {world.unpublished.pk, world.published.pk}
    assert api(client, user, f"/pools/{world.pool.pk}").status_code == 200
    assert api(client, user, f"/evaluations/{world.unpublished.pk}").status_code == 200


@pytest.mark.parametrize("persona", READ_ONLY)
def test_read_only_roles_cannot_reveal_through_the_api(client, world, persona):
    user = getattr(world, persona)
    response = api(client, user, f"/people/{world.nguyen.pk}", reveal="true")
    assert response.status_code == 403
    body = response.content.decode()
    assert "001080000001" not in body and ADDRESS not in body
    assert not PersonalDataAccess.objects.filter(user=user).exists()


def test_the_inspector_reads_a_person_masked_through_the_api(client, world):
    body = api(client, world.inspector, f"/people/{world.nguyen.pk}").json()
    assert body["citizen_id"] is None and body["address"] is None
    assert body["citizen_id_masked"] and body["citizen_id_masked"] != "001080000001"


def test_the_officer_reveals_through_the_api(client, world):
    body = api(client, world.hanoi_officer, f"/people/{world.nguyen.pk}", reveal="true").json()
    assert body["citizen_id"] == "001080000001" and body["address"] == ADDRESS


def test_me_tells_the_caller_what_their_role_may_do(client, world):
    body = api(client, world.inspector, "/me").json()
    assert body["access"]["evaluations"] == "own"
    assert body["access"]["inspections"] == "read"
    assert body["access"]["personal_data"] == "own"


# --- the matrix itself ---------------------------------------------------------------------


def test_every_route_belongs_to_a_kind_of_data():
    unknown = []
    for route in all_routes(skipped=("admin/",)):
        try:
            access.route_rule(route)
        except KeyError:
            unknown.append(route)
    assert not unknown, f"name these routes in accounts.access.ROUTES: {unknown}"


def test_every_role_has_a_level_for_every_kind():
    assert set(ACCESS) == set(UserRole)
    for role, row in ACCESS.items():
        assert set(row) == set(Data), role


def test_the_writing_and_browsing_roles_agree_with_the_matrix():
    writers = {role for role, row in ACCESS.items() if Level.WRITE in row.values()}
    assert writers == WRITING_ROLES
    readers = {role for role, row in ACCESS.items() if row[Data.UNITS] >= Level.READ}
    assert readers == BROWSING_ROLES


def test_docs_show_the_matrix_as_the_code_has_it():
    text = (Path(settings.BASE_DIR) / "docs" / "access.md").read_text(encoding="utf-8")
    shown = re.search(r"<!-- ma-tran:bat-dau -->\n(.*?)<!-- ma-tran:ket-thuc -->", text, re.S)
    assert shown, "docs/access.md lost the markers around its table"
    with translation.override("vi"):
        table = access.matrix_table()
    assert shown.group(1) == table, "copy accounts.access.matrix_table() into docs/access.md"


def test_a_lecturer_opens_the_classes_they_teach_and_no_other(client, tree):
    """Issue 19: "lecturers: classes they teach and the lecturer pages". Nguyễn teaches
    ML-2024-01 (Mê Linh); as a lecturer of Hà Nội he opens it, through the pages and the API,
    but not another Mê Linh class he does not teach, nor the subtree's enrolments and
    statistics; the training officer opens both classes."""
    from training.services import class_create

    other = class_create(
        user=SYSTEM,
        organiser=tree.melinh,
        topics=[tree.topic],
        code="ML-2024-77",
        name="Kỹ năng thương lượng tập thể 2024",
        start_date=dt.date(2024, 9, 9),
        end_date=dt.date(2024, 9, 10),
        hours=16,
        capacity=30,
    )
    lecturer = make_user("giangvien2", tree.hanoi, UserRole.LECTURER, person=tree.nguyen)
    client.force_login(lecturer)
    listing = client.get(reverse("training:class_list")).content.decode()
    assert "ML-2024-01" in listing and "ML-2024-77" not in listing
    assert client.get(reverse("training:class_detail", args=[tree.ml_class.pk])).status_code == 200
    assert client.get(reverse("training:class_detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("training:statistics")).status_code == 403
    codes = {c["code"] for c in api(client, lecturer, "/classes").json()["items"]}
    assert codes == {"ML-2024-01"}
    # Without a person of their own, a lecturer teaches nothing and sees no class.
    client.force_login(make_user("giangvien3", tree.hanoi, UserRole.LECTURER))
    assert "ML-2024-01" not in client.get(reverse("training:class_list")).content.decode()
    client.force_login(tree.melinh_officer)
    listing = client.get(reverse("training:class_list")).content.decode()
    assert "ML-2024-01" in listing and "ML-2024-77" in listing


@pytest.mark.parametrize(
    ("persona", "shown", "hidden"),
    [
        (
            "lecturer",
            {"Lớp học", "Giảng viên", "Đơn vị"},
            {"Kế hoạch", "Công tác cán bộ", "Cán bộ, đoàn viên"},
        ),
        (
            "inspector",
            {"Kế hoạch", "Công tác cán bộ", "Cán bộ, đoàn viên", "Báo cáo"},
            {"Nhập dữ liệu"},
        ),
        (
            "hanoi_officer",
            {"Kế hoạch", "Công tác cán bộ", "Cán bộ, đoàn viên", "Nhập dữ liệu"},
            set(),
        ),
    ],
)
def test_the_menu_offers_only_the_pages_the_role_may_open(client, world, persona, shown, hidden):
    """Every link of the menu opens (no 403 behind a link), and what the matrix refuses is
    not offered."""
    client.force_login(getattr(world, persona))
    page = client.get(reverse("units:tree")).content.decode()
    menu = re.search(r"<nav>(.*?)</nav>", page, re.S).group(1)
    labels = set(re.findall(r">([^<>]+)</a>", menu))
    assert shown <= labels and not (hidden & labels), labels
    for href in re.findall(r'href="([^"]+)"', menu):
        assert client.get(href).status_code == 200, href
