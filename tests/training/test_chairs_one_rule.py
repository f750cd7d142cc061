"""T-003-4, one rule (issue 19, point 4): the chairs page, its export, its API, a union's
chair-duty level, the dashboard, the needs list and a chair's profile give one answer.

The finding: "/training/chairs/ says '14/14 đã được đào tạo' and ticks a chair whom the
dashboard, the needs list and his own profile show as 'Đến hạn 31/05/2028' for T-003-4b
(13/14)". The page counted any valid record since taking the post; the target counts its
topics within the term; the thresholds were written twice (constants and the targets' data).

The resolution (seed 003, §I.2.2) sets the bands:
  "Cấp Tổng Liên đoàn trực tiếp đào tạo, bồi dưỡng cho đội ngũ chủ tịch công đoàn cơ sở có từ
  2.500 đoàn viên trở lên …"
  "Cấp tỉnh, thành phố, ngành Trung ương và tương đương trực tiếp đào tạo, bồi dưỡng cho đội
  ngũ chủ tịch công đoàn cơ sở có từ 1.000 đến dưới 2.500 đoàn viên."
  "Cấp trên trực tiếp cơ sở trực tiếp đào tạo, bồi dưỡng cho đội ngũ chủ tịch công đoàn cơ sở
  có dưới 1.000 đoàn viên."
"""

import datetime as dt
import re

import pytest

from accounts.access import SYSTEM
from accounts.models import ApiToken
from people.services import person_create, position_create
from targets.models import Target
from tests.conftest import make_unit, make_user
from tests.exports.sheets import sheet, table
from tests.targets.pages_world import tables, target_rows
from tests.training.test_chairs_organiser import trained_by
from training.models import Topic
from training.services import external_record_create
from units.services import term_create, unit_set_figures

DAY = dt.date(2025, 3, 1)
ON = DAY.strftime("%d/%m/%Y")
TERM = (dt.date(2023, 6, 1), dt.date(2028, 5, 31))
DUE = "Đến hạn 31/05/2028"
HUNG, LAN = "Phạm Văn Hùng", "Võ Thị Lan"


def record(person, title, topic, day):
    external_record_create(
        user=SYSTEM,
        person=person,
        title=title,
        topics=[Topic.objects.get(code=topic)],
        hours=16,
        completed_on=day,
        form="on_site",
    )


def set_members(unit, count, on=dt.date(2024, 1, 1)):
    unit_set_figures(user=SYSTEM, unit=unit, effective_on=on, member_count=count)


def union(tree, code, name, parent, members):
    unit = make_unit(code, name, "grassroots", parent, sector="non_state")
    set_members(unit, members)
    term = term_create(
        user=SYSTEM, unit=unit, name="2023-2028", start_date=TERM[0], end_date=TERM[1]
    )
    return unit, term


def chair(tree, unit, family, middle, given, since, term):
    person = person_create(
        user=SYSTEM,
        unit=unit,
        family_name=family,
        middle_name=middle,
        given_name=given,
        gender="female" if middle == "Thị" else "male",
    )
    position_create(
        user=SYSTEM, person=person, unit=unit, role=tree.chair_role, start_date=since, term=term
    )
    return person


@pytest.fixture
def finding(tree):
    """Three chairs of Hà Nội's unions of 1,000 to 2,499 members (T-003-4b), term 2023-2028.

    - Nguyễn Văn An (the school, 1,500 members) passed Hà Nội's course for chairs of May 2024:
      he has met T-003-4b (Mê Linh's course of April 2024 is another level's: 003 §III has
      each level "trực tiếp tổ chức" the training of its chairs).
    - Phạm Văn Hùng (Đông Anh, 1,200) took an occupational-safety course in 2024, during the
      term: a valid record since taking the post, but not in the target's topics.
    - Võ Thị Lan (Mê Linh, 1,800), chair since 2021 and in the 2023-2028 term, took the course
      in union work in 2022: since taking the post, but before the term.
    The old chairs page ticked all three ("3/3"); the target has 1/3, both others due 31/05/2028.
    """
    set_members(tree.school, 1500)
    trained_by(tree, tree.hanoi, tree.nguyen, "HN-2024-CT", start=dt.date(2024, 5, 20))
    plant, plant_term = union(
        tree, "HN-DA-02", "Công đoàn Nhà máy Nước Đông Anh", tree.donganh, 1200
    )
    mill, mill_term = union(tree, "HN-ML-02", "Công đoàn Công ty CP Dệt Mê Linh", tree.melinh, 1800)
    tree.hung = chair(tree, plant, "Phạm", "Văn", "Hùng", dt.date(2023, 6, 1), plant_term)
    tree.lan = chair(tree, mill, "Võ", "Thị", "Lan", dt.date(2021, 1, 4), mill_term)
    record(tree.hung, "An toàn, vệ sinh lao động 2024", "osh", dt.date(2024, 9, 20))
    record(tree.lan, "Nghiệp vụ công đoàn cơ sở 2022", "union_general", dt.date(2022, 5, 12))
    tree.plant, tree.mill = plant, mill
    return tree


def get(client, user, url, params=None):
    client.force_login(user)
    response = client.get(url, params or {})
    assert response.status_code == 200, (url, response.status_code)
    return response


def api(client, user, url, **params):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(user)}"}
    response = client.get(f"/api/v1{url}", params, **headers)
    assert response.status_code == 200, (url, response.status_code, response.content)
    return response.json()


def chairs_page(client, user, unit, day=DAY):
    """The chairs page: {name: status cell}, {target code: (met, eligible)} of its counts,
    and its text."""
    html = get(client, user, "/training/chairs/", {"unit": unit.pk, "on": day.strftime("%d/%m/%Y")})
    html = html.content.decode()
    rows = {cells[0]: cells for _attrs, cells in tables(html)["chairs"][1:] if len(cells) > 1}
    counts = {}
    for code, met, eligible in re.findall(
        r'<li data-code="([^"]+)"><strong>([\d.]+)</strong> / ([\d.]+)', html
    ):
        counts[code] = (int(met.replace(".", "")), int(eligible.replace(".", "")))
    return rows, counts, " ".join(re.sub(r"<[^>]+>", " ", html).split())


def dashboard_figure(client, user, unit, code, day=DAY) -> tuple[int, int]:
    html = get(client, user, "/targets/", {"unit": unit.pk, "on": day.strftime("%d/%m/%Y")})
    cell = target_rows(html.content.decode())[code][2]  # "33,3% · 1/3"
    met, eligible = re.search(r"(\d+)/(\d+)$", cell).groups()
    return int(met), int(eligible)


def export_rows(client, user, unit, day=DAY):
    response = get(
        client,
        user,
        "/training/chairs/",
        {"unit": unit.pk, "on": day.strftime("%d/%m/%Y"), "format": "xlsx"},
    )
    rows = sheet(response)
    head, body = table(rows, header="Họ và tên")
    return rows[1][0], [dict(zip(head, r, strict=False)) for r in body]


# --- the finding -------------------------------------------------------------------------


def test_a_chair_with_a_record_since_taking_the_post_but_not_the_target_is_not_ticked(
    client, finding
):
    t = finding
    rows, counts, _text = chairs_page(client, t.hanoi_officer, t.hanoi)
    assert set(rows) == {t.nguyen.full_name, HUNG, LAN}
    assert "✓" in rows[t.nguyen.full_name][-1]
    for name in (HUNG, LAN):
        assert "✓" not in rows[name][-1], name
        assert rows[name][3:] == ["T-003-4b", DUE], name
    assert counts == {"T-003-4b": (1, 3)}


def test_his_profile_and_the_needs_list_say_what_the_chairs_page_says(client, finding):
    t = finding
    rows, _counts, _text = chairs_page(client, t.hanoi_officer, t.hanoi)
    profile = get(client, t.hanoi_officer, f"/targets/people/{t.hung.pk}/", {"on": ON})
    obligation = next(
        cells for _a, cells in tables(profile.content.decode())[""] if "T-003-4b" in cells[0]
    )
    assert obligation[1:3] == ["Đến hạn", "hạn 31/05/2028"]
    assert rows[HUNG][-1] == DUE
    target = Target.objects.get(code="T-003-4b")
    needs = get(
        client,
        t.hanoi_officer,
        "/targets/needs/",
        {"unit": t.hanoi.pk, "on": ON, "target": target.pk},
    )
    listed = {cells[0]: cells for _a, cells in tables(needs.content.decode())["needs-people"][1:]}
    assert set(listed) == {HUNG, LAN}  # not met: exactly the chairs the page does not tick
    assert [listed[HUNG][3], listed[HUNG][4]] == ["Đến hạn", "31/05/2028"]


def test_the_page_count_is_the_dashboards_the_apis_and_the_exports(client, finding):
    t = finding
    _rows, counts, text = chairs_page(client, t.hanoi_officer, t.hanoi)
    assert "1 / 3 đã được đào tạo" in text  # it read "3 / 3"
    assert counts["T-003-4b"] == dashboard_figure(client, t.hanoi_officer, t.hanoi, "T-003-4b")
    figures = api(client, t.hanoi_officer, f"/units/{t.hanoi.pk}/targets", as_of=DAY.isoformat())
    b = next(f for f in figures["targets"] if f["code"] == "T-003-4b")
    assert (b["met"], b["eligible"]) == (1, 3)
    listed = api(client, t.hanoi_officer, f"/units/{t.hanoi.pk}/chairs", on=DAY.isoformat())[
        "items"
    ]
    in_b = [c for c in listed if c["target"] == "T-003-4b"]
    assert (sum(c["trained"] for c in in_b), len(in_b)) == (1, 3)
    hung = next(c for c in listed if c["full_name"] == HUNG)
    assert (hung["trained"], hung["status"], hung["due_on"]) == (False, "due", "2028-05-31")
    obligations = api(
        client, t.hanoi_officer, f"/people/{t.hung.pk}/obligations", as_of=DAY.isoformat()
    )
    mine = next(o for o in obligations["obligations"] if o["code"] == "T-003-4b")
    assert (mine["status"], mine["due_on"]) == (hung["status"], hung["due_on"])
    subtitle, exported = export_rows(client, t.hanoi_officer, t.hanoi)
    assert "T-003-4b: 1 / 3 đã được đào tạo" in subtitle
    assert {r["Họ và tên"]: r["Đã đào tạo"] for r in exported} == {
        t.nguyen.full_name: "Có",
        HUNG: "Chưa",
        LAN: "Chưa",
    }


def test_the_district_page_agrees_with_the_districts_dashboard(client, finding):
    """Below 1,000 members: Mê Linh's own duty, counted as Mê Linh's T-003-4c figure. Its
    chair took a course on occupational safety this term, not one T-003-4c asks for."""
    t = finding
    small, small_term = union(t, "HN-ML-03", "Công đoàn Công ty TNHH Gốm Mê Linh", t.melinh, 420)
    tu = chair(t, small, "Đặng", "Văn", "Tú", dt.date(2023, 6, 1), small_term)
    record(tu, "An toàn, vệ sinh lao động 2024", "osh", dt.date(2024, 10, 2))
    rows, counts, _text = chairs_page(client, t.melinh_officer, t.melinh)
    assert "✓" not in rows["Đặng Văn Tú"][-1]
    assert counts == {"T-003-4c": (0, 1)}
    assert counts["T-003-4c"] == dashboard_figure(client, t.melinh_officer, t.melinh, "T-003-4c")


# --- the thresholds are the targets' data -----------------------------------------------


def test_moving_a_threshold_in_the_targets_data_moves_the_chairs_pages(client, finding):
    """An administrator raises the province's band to 1,300 members: the Đông Anh plant
    (1,200) becomes the district's duty, on the pages as on the dashboard."""
    t = finding
    for code, changes in (("T-003-4b", {"min_members": 1300}), ("T-003-4c", {"max_members": 1300})):
        target = Target.objects.get(code=code)
        for name, value in changes.items():
            setattr(target, name, value)
        target.save()
    rows, counts, text = chairs_page(client, t.hanoi_officer, t.hanoi)
    assert HUNG not in rows and counts == {"T-003-4b": (1, 2)}
    assert "từ 1.300 đến dưới 2.500 đoàn viên" in text
    assert counts["T-003-4b"] == dashboard_figure(client, t.hanoi_officer, t.hanoi, "T-003-4b")
    donganh = make_user("donganh", t.donganh)
    rows, counts, _text = chairs_page(client, donganh, t.donganh)
    assert rows[HUNG][3:] == ["T-003-4c", DUE]
    assert counts == {"T-003-4c": (0, 1)}
    assert counts["T-003-4c"] == dashboard_figure(client, donganh, t.donganh, "T-003-4c")
    detail = api(client, t.hanoi_officer, f"/units/{t.plant.pk}", on=DAY.isoformat())
    assert (detail["chair_trained_by"], detail["chair_target"]) == ("upper_grassroots", "T-003-4c")


# --- the boundaries ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "members, code, duty",
    [
        (999, "T-003-4c", "melinh"),  # "dưới 1.000 đoàn viên"
        (1000, "T-003-4b", "hanoi"),  # "từ 1.000 đến dưới 2.500 đoàn viên"
        (2499, "T-003-4b", "hanoi"),
        (2500, "T-003-4a", "vgcl"),  # "từ 2.500 đoàn viên trở lên"
    ],
)
def test_at_exactly_1000_and_2500_members_one_level_one_target_one_figure(
    client, tree, members, code, duty
):
    """Two unions of Mê Linh of the same size: Nguyễn Văn An's chair is trained (by a class of
    the level responsible), the other's took only a course on occupational safety."""
    set_members(tree.school, members)
    if duty != "melinh":  # Mê Linh's own class of April 2024 is in the `tree`
        trained_by(tree, getattr(tree, duty), tree.nguyen, f"DUTY-{members}")
    twin, twin_term = union(
        tree, "HN-ML-02", "Công đoàn Công ty CP Dệt Mê Linh", tree.melinh, members
    )
    other = chair(tree, twin, "Phạm", "Văn", "Hùng", dt.date(2023, 6, 1), twin_term)
    record(other, "An toàn, vệ sinh lao động 2024", "osh", dt.date(2024, 9, 20))
    users = {"vgcl": tree.admin, "hanoi": tree.hanoi_officer, "melinh": tree.melinh_officer}
    for name, user in users.items():
        unit = getattr(tree, name)
        rows, counts, _text = chairs_page(client, user, unit)
        assert (tree.nguyen.full_name in rows) == (name == duty), (members, name)
        assert (HUNG in rows) == (name == duty), (members, name)
        if name == duty:
            assert "✓" in rows[tree.nguyen.full_name][-1]
            assert "✓" not in rows[HUNG][-1]
            assert rows[HUNG][3:] == [code, DUE]
            assert counts == {code: (1, 2)}
            assert counts[code] == dashboard_figure(client, user, unit, code)
    detail = api(client, tree.hanoi_officer, f"/units/{tree.school.pk}", on=DAY.isoformat())
    level = {"vgcl": "confederation", "hanoi": "province", "melinh": "upper_grassroots"}[duty]
    assert (detail["chair_trained_by"], detail["chair_target"]) == (level, code)


def test_a_union_with_no_member_count_is_listed_but_judged_by_no_target(client, tree):
    """No band holds an unknown count: no target counts the chair, so neither does the page
    (the old page ticked him as 'trained since taking the post')."""
    rows, counts, text = chairs_page(client, tree.melinh_officer, tree.melinh)
    assert "✓" not in rows[tree.nguyen.full_name][-1]
    assert rows[tree.nguyen.full_name][2:] == ["—", "—", "Chưa có số đoàn viên"]
    assert counts == {}
    assert "1 chủ tịch công đoàn cơ sở chưa có số đoàn viên" in text
    detail = api(client, tree.melinh_officer, f"/units/{tree.school.pk}", on=DAY.isoformat())
    assert (detail["chair_trained_by"], detail["chair_target"]) == (None, None)
    listed = api(
        client, tree.melinh_officer, f"/units/{tree.melinh.pk}/chairs", on=DAY.isoformat()
    )["items"]
    assert [(c["target"], c["trained"]) for c in listed] == [(None, None)]


# --- cost --------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [1, 30])
def test_the_chairs_page_costs_a_bounded_number_of_queries(
    client, tree, django_assert_max_num_queries, size
):
    for i in range(size):
        unit, term = union(tree, f"HN-ML-Y{i:03d}", f"Công đoàn Công ty số {i}", tree.melinh, 300)
        chair(tree, unit, "Nguyễn", "Văn", f"Số{i}", dt.date(2023, 6, 1), term)
    client.force_login(tree.melinh_officer)
    client.get("/training/chairs/", {"on": ON})  # the targets in force are read once a process
    # 11: with no stored figures that day, the whole duty judged, after looking for them.
    with django_assert_max_num_queries(11):
        response = client.get("/training/chairs/", {"on": ON})
    assert response.status_code == 200
    assert response.content.decode().count("T-003-4c</td>") == size


def test_the_page_lists_a_page_of_chairs_and_the_counts_and_the_export_hold_them_all(
    client, finding, monkeypatch
):
    """Paging (issue 22: the confederation's page listed every chair): each page shows its
    share of the chairs, every page the same counts, and the export every chair."""
    t = finding
    monkeypatch.setattr("training.views.CHAIRS_PAGE", 2)
    first, counts, text = chairs_page(client, t.hanoi_officer, t.hanoi)
    assert len(first) == 2 and "1 / 2" in text
    response = get(
        client, t.hanoi_officer, "/training/chairs/", {"unit": t.hanoi.pk, "on": ON, "page": 2}
    )
    html = response.content.decode()
    second = {cells[0] for _a, cells in tables(html)["chairs"][1:] if len(cells) > 1}
    assert set(first) | second == {t.nguyen.full_name, HUNG, LAN}
    assert len(second) == 1
    assert counts == {"T-003-4b": (1, 3)}
    assert "<strong>1</strong> / 3" in html
    assert f'href="?unit={t.hanoi.pk}&on={ON}&page=1"' in html
    _title, exported = export_rows(client, t.hanoi_officer, t.hanoi)
    assert {row["Họ và tên"] for row in exported} == {t.nguyen.full_name, HUNG, LAN}


def test_with_the_days_figures_stored_a_page_judges_its_own_chairs_and_counts_the_stored_ones(
    client, finding, monkeypatch
):
    """Issue 22: with the day's snapshot ready the counts are its stored figures (the
    dashboard's) and each page judges only its own chairs — the same statuses, page by page,
    as when every chair is judged; the export still lists them all."""
    from targets import snapshots

    t = finding
    monkeypatch.setattr("training.views.CHAIRS_PAGE", 2)

    def both_pages():
        first, counts, _text = chairs_page(client, t.hanoi_officer, t.hanoi)
        html = get(
            client, t.hanoi_officer, "/training/chairs/", {"unit": t.hanoi.pk, "on": ON, "page": 2}
        ).content.decode()
        second = {cells[0]: cells for _a, cells in tables(html)["chairs"][1:] if len(cells) > 1}
        return first, second, counts

    judged_all = both_pages()
    assert snapshots.ready(DAY, start=False) is None
    snapshots.compute(DAY)
    assert snapshots.ready(DAY, start=False) is not None
    stored = both_pages()
    assert stored == judged_all
    assert stored[2] == {"T-003-4b": (1, 3)}
    _title, exported = export_rows(client, t.hanoi_officer, t.hanoi)
    assert {row["Họ và tên"] for row in exported} == {t.nguyen.full_name, HUNG, LAN}
    listed = api(client, t.hanoi_officer, f"/units/{t.hanoi.pk}/chairs", on=DAY.isoformat())[
        "items"
    ]
    assert sorted((r["full_name"], r["trained"]) for r in listed) == sorted(
        [(t.nguyen.full_name, True), (HUNG, False), (LAN, False)]
    )
