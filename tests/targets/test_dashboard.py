"""The targets pages through the test client: the officer's dashboard (figures, standing,
ranking, drill-down, as of a past day, bounded queries), the training-needs list and its CSV,
a person's obligations, and a unit adopting a target with a stricter threshold.

The world is described in `pages_world.py`."""

import csv
import datetime as dt
import io
import re
from decimal import Decimal

import pytest

from accounts.access import SYSTEM
from people.models import Role
from people.services import person_create, position_create
from targets.models import Snapshot, SourceDocument, Target, WindowKind
from tests.conftest import make_unit
from tests.targets.pages_world import _record, shared, tables, target_rows
from units.models import UnitLevel


@pytest.fixture
def world(tree):
    return shared(tree)


def page(client, user, url, params=None):
    client.force_login(user)
    response = client.get(url, params or {})
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def figures(cells: list[str]) -> tuple[str, str, str, str]:
    """Threshold, progress, standing and overdue of a row of the head table."""
    return cells[1], cells[2], cells[3], cells[4]


def child_names(html: str) -> list[str]:
    return [cells[0] for _attrs, cells in tables(html)["children"][1:]]


def messages(html: str) -> list[str]:
    return [
        " ".join(m.split()) for m in re.findall(r'<p class="msg[^"]*"[^>]*>(.*?)</p>', html, re.S)
    ]


def d(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


# --- the dashboard ---------------------------------------------------------------------


def test_an_officers_home_is_the_targets_dashboard(client, world):
    client.force_login(world.tree.hanoi_officer)
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/targets/"
    client.force_login(world.tree.cadre)
    assert client.get("/")["Location"] == "/me/"


def test_three_full_time_cadres_two_trained_this_term_is_66_7_percent_at_risk(client, world):
    html = page(client, world.tree.nt_officer, "/targets/")
    assert "Chỉ tiêu của Liên đoàn Lao động tỉnh Ninh Thuận tính đến " + d(world.today) in html
    assert figures(target_rows(html)["T-003-2"]) == ("100%", "66,7% · 2/3", "Có nguy cơ", "0")
    assert "Hà Nội" not in html


def test_the_dashboard_shows_each_target_with_eligible_met_percent_and_standing(client, world):
    html = page(client, world.tree.hanoi_officer, "/targets/")
    rows = target_rows(html)
    assert list(rows) == ["T-003-1", "T-003-2", "T-003-3", "T-003-4a", "T-003-4b", "T-003-4c"]
    assert figures(rows["T-003-1"]) == ("100%", "—", "Không có đối tượng", "0")
    assert figures(rows["T-003-2"]) == ("100%", "60,0% · 3/5", "Không đạt", "1")
    assert figures(rows["T-003-3"]) == ("100%", "40,0% · 2/5", "Có nguy cơ", "0")
    assert figures(rows["T-003-4c"]) == ("100%", "100,0% · 1/1", "Đạt", "0")
    # The overdue count leads to the needs list of that target.
    assert (
        f"/targets/needs/?unit={world.tree.hanoi.pk}&on={world.today.isoformat()}"
        f"&target={world.t2.pk}" in html
    )
    # The spending share is measured on unit figures, in a table of its own.
    assert "T-003-5" in html and "T-003-5" not in rows
    # The unit's own post-holders with their status for every target.
    people = {cells[0]: cells[2:5] for _a, cells in tables(html)["people"][1:]}
    assert people == {
        "Vũ Đức An": ["—", "Đã đạt", "Đã đạt"],
        "Đỗ Thanh Bình": ["—", "Đã đạt", "Đến hạn"],
        "Hồ Thị Chi": ["—", "Đến hạn", "Đến hạn"],
    }


def test_children_are_ranked_by_the_chosen_target(client, world):
    officer = world.tree.hanoi_officer
    by_default = page(client, officer, "/targets/")
    assert "Xếp hạng đơn vị cấp dưới — T-003-2" in by_default  # first target with people
    assert child_names(by_default) == [
        "Liên đoàn Lao động huyện Đông Anh",
        "Liên đoàn Lao động huyện Mê Linh",
    ]
    by_t2 = page(client, officer, "/targets/", {"rank": "T-003-2"})
    assert child_names(by_t2) == child_names(by_default)
    rows = {cells[0]: cells[1:] for _a, cells in tables(by_t2)["children"][1:]}
    assert rows["Liên đoàn Lao động huyện Đông Anh"][1:3] == ["100,0% · 1/1", "0,0% · 0/1"]
    assert rows["Liên đoàn Lao động huyện Mê Linh"][1:3] == ["0,0% · 0/1", "100,0% · 1/1"]
    by_t3 = page(client, officer, "/targets/", {"rank": "T-003-3"})
    assert "Xếp hạng đơn vị cấp dưới — T-003-3" in by_t3
    assert child_names(by_t3) == [
        "Liên đoàn Lao động huyện Mê Linh",
        "Liên đoàn Lao động huyện Đông Anh",
    ]
    unknown = page(client, officer, "/targets/", {"rank": "NO-SUCH"})
    assert child_names(unknown) == child_names(by_default)


def test_drilling_down_shows_the_child_and_its_own_children(client, world):
    tree = world.tree
    html = page(client, tree.hanoi_officer, "/targets/", {"unit": tree.melinh.pk})
    assert "Chỉ tiêu của Liên đoàn Lao động huyện Mê Linh tính đến" in html
    assert f'href="/targets/?unit={tree.hanoi.pk}&on={world.today.isoformat()}"' in html
    rows = target_rows(html)
    assert figures(rows["T-003-2"]) == ("100%", "0,0% · 0/1", "Không đạt", "1")
    assert figures(rows["T-003-3"]) == ("100%", "100,0% · 1/1", "Đạt", "0")
    assert child_names(html) == ["Công đoàn Trường THPT Mê Linh"]
    assert "Áp dụng cho đơn vị tôi" not in html  # adoption is for the user's own unit
    school = page(client, tree.hanoi_officer, "/targets/", {"unit": tree.school.pk})
    assert figures(target_rows(school)["T-003-4c"]) == ("100%", "100,0% · 1/1", "Đạt", "0")
    people = {cells[0]: cells for _a, cells in tables(school)["people"][1:]}
    assert people["Nguyễn Văn An"][-1] == "Đã đạt"
    assert f'href="/people/{tree.nguyen.pk}/?on={world.today.isoformat()}"' in school


def test_a_unit_outside_the_users_scope_is_not_found(client, world):
    tree = world.tree
    client.force_login(tree.hanoi_officer)
    for unit in (tree.ninhthuan, tree.nt_grassroots, tree.vgcl):
        assert client.get("/targets/", {"unit": unit.pk}).status_code == 404
        assert client.get("/targets/needs/", {"unit": unit.pk}).status_code == 404
        assert (
            client.get(
                "/targets/needs/", {"unit": unit.pk, "target": world.t2.pk, "format": "csv"}
            ).status_code
            == 404
        )
    assert client.get("/targets/", {"unit": "abc"}).status_code == 404
    client.force_login(tree.melinh_officer)
    assert client.get("/targets/", {"unit": tree.hanoi.pk}).status_code == 404
    client.force_login(tree.cadre)
    assert client.get("/targets/").status_code == 403


def test_a_past_day_is_computed_as_of_that_day(client, world):
    officer = world.tree.hanoi_officer
    today = page(client, officer, "/targets/")
    past = page(client, officer, "/targets/", {"on": world.past.isoformat()})
    assert f"tính đến {d(world.past)}" in past
    # Bình was trained later, Em took her post later, Dũng's term was still running.
    assert figures(target_rows(past)["T-003-2"]) == ("100%", "25,0% · 1/4", "Có nguy cơ", "0")
    assert Snapshot.objects.get(as_of=world.past).status == Snapshot.Status.DONE
    typed = page(client, officer, "/targets/", {"on": d(world.past)})  # as typed in the form
    assert target_rows(typed) == target_rows(past)
    assert target_rows(page(client, officer, "/targets/")) == target_rows(today)
    before = page(client, officer, "/targets/", {"on": "1999-12-31"})  # founded in 2000
    assert "Đơn vị này không tồn tại vào ngày 31/12/1999." in before
    assert 'id="targets"' not in before


@pytest.mark.parametrize(("more_children", "t2"), [(0, "60,0% · 3/5"), (12, "17,6% · 3/17")])
def test_the_dashboard_needs_a_bounded_number_of_queries(
    client, world, more_children, t2, django_assert_max_num_queries
):
    tree = world.tree
    head = Role.objects.get(code="department_head")
    for i in range(more_children):
        district = make_unit(
            f"HN-X{i:02d}", f"Liên đoàn Lao động quận {i:02d}", "district_federation", tree.hanoi
        )
        person = person_create(
            user=SYSTEM,
            unit=district,
            family_name="Cao",
            middle_name="Văn",
            given_name=f"Số {i}",
            gender="male",
        )
        position_create(
            user=SYSTEM,
            person=person,
            unit=district,
            role=head,
            full_time=True,
            start_date=dt.date(2020, 1, 1),
        )
    client.force_login(tree.hanoi_officer)
    assert client.get("/targets/").status_code == 200  # computes today's figures
    # 27 on SQLite and PostgreSQL: session and user; the user's unit and the unit asked for;
    # its version on the day and its ancestors (crumbs); the snapshot; the targets and their
    # five filters; the stored figures of the unit, of all its children at once and of its own
    # post-holders; the children; the post-holders and one query per target (6) for their
    # statuses; the unit targets in force and the spending share's two (T-003-5). Nothing
    # grows with the number of children.
    with django_assert_max_num_queries(27):
        response = client.get("/targets/")
    html = response.content.decode()
    assert len(child_names(html)) == 2 + more_children
    assert target_rows(html)["T-003-2"][2] == t2


def post_holders(html: str) -> dict[str, list[str]]:
    return {cells[0]: cells[1:] for _a, cells in tables(html).get("people", [])[1:]}


def test_the_post_holders_are_kept_until_a_change_refreshes_the_figures(
    client, world, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    """The dashboard's post-holders table is read once per state of the day's figures: a
    record, a post ended, a renamed person or role shows at the next view (the changes
    commit, which refreshes today's figures); nothing else is read again meanwhile."""
    officer = world.tree.hanoi_officer
    first = post_holders(page(client, officer, "/targets/"))  # computes today's figures
    assert first["Hồ Thị Chi"][1:4] == ["—", "Đến hạn", "Đến hạn"]
    # Session, user and units, the snapshot, the definitions token, the stored
    # figures, the children, the unit targets, the bell's unread count: no post-holder nor
    # target evaluation this time (19 with them).
    with django_assert_max_num_queries(16):
        again = client.get("/targets/").content.decode()
    assert post_holders(again) == first
    with django_capture_on_commit_callbacks(execute=True):
        _record(world.chi, "Nghiệp vụ công tác tổ chức công đoàn", ["union_theory"], world.today)
    assert post_holders(page(client, officer, "/targets/"))["Hồ Thị Chi"][1:4] == [
        "—",
        "Đã đạt",
        "Đã đạt",
    ]
    with django_capture_on_commit_callbacks(execute=True):
        position = world.binh.positions.get()
        position.end_date = world.today - dt.timedelta(days=1)
        position.save()
        world.an.given_name = "Ân"
        world.an.save()
    names = post_holders(page(client, officer, "/targets/"))
    assert "Đỗ Thanh Bình" not in names and "Vũ Đức Ân" in names
    role = Role.objects.get(code="department_head")
    role.name = "Trưởng phòng"
    role.save()
    assert post_holders(page(client, officer, "/targets/"))["Vũ Đức Ân"][0].startswith(
        "Trưởng phòng"
    )


def charts(html: str) -> dict[str, list[tuple[str, str]]]:
    """The charts answer: target id -> [(day, percentage shown)] oldest first."""
    return {
        target: re.findall(r'<div title="([\d/]+)">\s*(?:<span[^>]*>([^<]*)</span>)?', body)
        for target, body in re.findall(r'<div id="chart-(\d+)"[^>]*>(.*?)\n</div>', html, re.S)
    }


def shown(cell: str) -> str:
    """A head-table progress cell ("60,0% · 3/5" or "—") as the chart rounds it."""
    return "—" if cell == "—" else f"{Decimal(cell.split('%')[0].replace(',', '.')):.0f}%"


def test_the_charts_show_each_target_at_each_year_end_as_its_dashboard_did(
    client, world, django_assert_max_num_queries
):
    """The dashboard's charts (one htmx request): every target's percentage on 31 December
    of the last four years and today, the same figures as the dashboard as of those days,
    in a bounded number of queries (not two per target and year)."""
    officer, hanoi, today = world.tree.hanoi_officer, world.tree.hanoi, world.today
    url = f"/targets/charts/?unit={hanoi.pk}&on={today.isoformat()}"
    client.force_login(officer)
    assert client.get(url, HTTP_HX_REQUEST="true").status_code == 200  # computes the years
    # Session, user and units; the targets and their five filters; the snapshots of the five
    # days; their stored figures.
    with django_assert_max_num_queries(14):
        html = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    found = charts(html)
    ids = {str(t.pk): t.code for t in Target.objects.all()}
    assert sorted(ids[pk] for pk in found) == [
        "T-003-1",
        "T-003-2",
        "T-003-3",
        "T-003-4a",
        "T-003-4b",
        "T-003-4c",
    ]
    days = [dt.date(today.year - n, 12, 31) for n in (4, 3, 2, 1)] + [today]
    for day in days:
        rows = target_rows(page(client, officer, "/targets/", {"on": day.isoformat()}))
        for pk, series in found.items():
            assert [point[0] for point in series] == [d(x) for x in days]
            point = dict(series)[d(day)]
            assert point == shown(rows[ids[pk]][2]), (ids[pk], day)
    assert dict(found[str(world.t2.pk)])[d(today)] == "60%"
    assert "charts-loader" not in html  # nothing left to compute


# --- the training-needs list -----------------------------------------------------------


def test_the_needs_list_names_exactly_the_people_not_yet_trained(client, world):
    html = page(client, world.tree.hanoi_officer, "/targets/needs/", {"target": world.t2.pk})
    found = tables(html)
    people = [cells for _a, cells in found["needs-people"][1:]]
    assert people == [
        [
            "Lý Văn Dũng",
            "Liên đoàn Lao động huyện Mê Linh",
            "Trưởng ban (chuyên trách)",
            "Quá hạn",
            d(world.melinh_term.end_date),
        ],
        [
            "Hồ Thị Chi",
            "Liên đoàn Lao động thành phố Hà Nội",
            "Cán bộ tham mưu giúp việc (chuyên trách)",
            "Đến hạn",
            d(world.hanoi_term.end_date),
        ],
    ]
    summary = {cells[0].split()[0]: cells[2:] for _a, cells in found["needs-summary"][1:]}
    assert summary["T-003-2"] == ["5", "2", "1"]
    by_child = {cells[0]: cells[1:] for _a, cells in found["needs-children"][1:]}
    assert by_child["Liên đoàn Lao động huyện Đông Anh"][1] == "0"
    assert by_child["Liên đoàn Lao động huyện Mê Linh"][1] == "1"
    # Hà Nội's own post-holders (Chi) complete the consolidation: 1 + 0 + 1 = 2.
    assert by_child["Cán bộ giữ chức vụ tại đơn vị"][1] == "1"


def test_the_needs_list_exports_csv_with_vietnamese_headers_and_a_bom(client, world):
    client.force_login(world.tree.hanoi_officer)
    response = client.get("/targets/needs/", {"target": world.t2.pk, "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        f'filename="nhu-cau-dao-tao-HN-{world.today:%Y%m%d}.csv"' in response["Content-Disposition"]
    )
    raw = b"".join(response.streaming_content)
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8").removeprefix("\ufeff"))))
    assert rows[0] == [
        "Chỉ tiêu",
        "Họ và tên",
        "Ngày sinh",
        "Mã đơn vị",
        "Đơn vị",
        "Chức danh",
        "Chuyên trách",
        "Trạng thái",
        "Hạn",
        "Cấp chịu trách nhiệm",
    ]
    assert rows[1:] == [
        [
            "T-003-2",
            "Lý Văn Dũng",
            "15/01/1975",
            "HN-ML",
            "Liên đoàn Lao động huyện Mê Linh",
            "Trưởng ban",
            "Có",
            "Quá hạn",
            d(world.melinh_term.end_date),
            "",
        ],
        [
            "T-003-2",
            "Hồ Thị Chi",
            "24/12/1990",
            "HN",
            "Liên đoàn Lao động thành phố Hà Nội",
            "Cán bộ tham mưu giúp việc",
            "Có",
            "Đến hạn",
            d(world.hanoi_term.end_date),
            "",
        ],
    ]


# --- a person's obligations ------------------------------------------------------------


def obligations(html: str) -> dict[str, list[str]]:
    return {cells[0].split()[0]: cells[1:3] for _a, cells in tables(html).get("", [])[1:]}


def test_a_persons_obligations_show_met_due_and_overdue(client, world):
    officer, y = world.tree.hanoi_officer, world.today.year
    an = page(client, officer, f"/targets/people/{world.an.pk}/")
    assert f"Nghĩa vụ đào tạo tính đến {d(world.today)}" in an
    # Beside a met title standard (T-003-2): the course that completed it (his title asks
    # union theory only).
    assert obligations(an) == {
        "T-003-2": [
            "Đã đạt",
            f"Lý luận và nghiệp vụ công tác công đoàn (khoá 1) ({d(world.an_record.completed_on)})",
        ],
        "T-003-3": ["Đã đạt", f"Tin học văn phòng (01/01/{y})"],
    }
    chi = page(client, officer, f"/targets/people/{world.chi.pk}/")
    assert obligations(chi) == {
        "T-003-2": ["Đến hạn", f"hạn {d(world.hanoi_term.end_date)}"],
        "T-003-3": ["Đến hạn", f"hạn 31/12/{y}"],
    }
    dung = page(client, officer, f"/targets/people/{world.dung.pk}/")
    assert obligations(dung)["T-003-2"] == ["Quá hạn", f"hạn {d(world.melinh_term.end_date)}"]
    # As of the past day Bình had no record yet.
    binh = page(
        client, officer, f"/targets/people/{world.binh.pk}/", {"on": world.past.isoformat()}
    )
    assert obligations(binh)["T-003-2"][0] == "Đến hạn"
    # The profile page loads this partial.
    profile = page(client, officer, f"/people/{world.an.pk}/")
    assert f'hx-get="/targets/people/{world.an.pk}/?on=' in profile


def test_with_the_days_figures_only_the_targets_concerning_the_person_are_evaluated(
    client, world, django_assert_max_num_queries
):
    """Once the day's snapshot is stored, the obligations evaluate only the targets that
    concern somebody at the person's units (read from the stored figures): the same
    obligations as without it, in fewer queries; without it every target is evaluated."""
    tree, officer = world.tree, world.tree.hanoi_officer
    people = [
        world.an,
        world.binh,
        world.chi,
        world.dung,
        world.em,
        tree.nguyen,
        tree.tran,
        tree.le,
    ]
    assert not Snapshot.objects.exists()
    client.force_login(officer)
    url = "/targets/people/{}/?on=" + world.today.isoformat()
    alone = {p.pk: obligations(client.get(url.format(p.pk)).content.decode()) for p in people}
    assert alone[world.an.pk].keys() == {"T-003-2", "T-003-3"}
    assert alone[tree.nguyen.pk].keys() == {"T-003-4c"}
    page(client, officer, "/targets/")  # stores today's figures
    for person in people:
        assert (
            obligations(client.get(url.format(person.pk)).content.decode()) == alone[person.pk]
        ), person
    # Session, user, the user's unit, the person; the snapshot, the targets and their five
    # filters, the figures of his units; then for each of his two targets its evaluation and
    # his qualifying record (evaluating all six targets takes two more at least).
    with django_assert_max_num_queries(16):
        client.get(url.format(world.an.pk))


def test_a_self_service_cadre_sees_their_own_obligations_and_nobody_elses(client, world):
    tree = world.tree
    own = page(client, tree.cadre, f"/targets/people/{tree.nguyen.pk}/")
    assert obligations(own) == {
        "T-003-4c": ["Đã đạt", "Bồi dưỡng nghiệp vụ công đoàn cơ sở 2024 (03/04/2024)"]
    }
    for other in (tree.tran, world.an, tree.le):
        assert client.get(f"/targets/people/{other.pk}/").status_code == 404
    client.force_login(tree.nt_officer)
    assert client.get(f"/targets/people/{world.an.pk}/").status_code == 404


# --- adoption --------------------------------------------------------------------------


LATE = "1 1 người đạt muộn"  # one overdue, of whom one trained after the deadline


@pytest.fixture
def target_80(world):
    target = Target.objects.create(
        document=SourceDocument.objects.get(code="003"),
        code="T-TEST-80",
        name="Cán bộ chuyên trách có ít nhất một khoá bồi dưỡng trong nhiệm kỳ",
        threshold=Decimal(80),
        full_time=True,
        window=WindowKind.TERM,
        rank=500,
    )
    target.levels.set(UnitLevel.objects.filter(code__in=["province", "upper_grassroots"]))
    return target


def test_adopting_a_target_with_a_lower_threshold_is_refused(client, world):
    client.force_login(world.tree.hanoi_officer)
    response = client.post(f"/targets/{world.t2.pk}/adopt/", {"threshold": "90"}, follow=True)
    assert response.redirect_chain == [("/targets/", 302)]
    assert messages(response.content.decode()) == [
        "Chỉ tiêu áp dụng chỉ được cao hơn chỉ tiêu gốc (ít nhất 100%)."
    ]
    assert not Target.objects.filter(adopted_from=world.t2).exists()


def test_a_province_adopts_a_target_stricter_and_sees_it_evaluated(
    client, world, target_80, django_capture_on_commit_callbacks
):
    tree = world.tree
    before = target_rows(page(client, tree.hanoi_officer, "/targets/"))
    # Dũng (Mê Linh) was trained on 1 January, after his term ended: late, not met.
    assert figures(before["T-TEST-80"]) == ("80%", "60,0% · 3/5", "Có nguy cơ", LATE)
    assert "Áp dụng cho đơn vị tôi" in before["T-TEST-80"][-1]

    with django_capture_on_commit_callbacks(execute=True):  # as if the request committed
        response = client.post(f"/targets/{target_80.pk}/adopt/", {"threshold": "100"})
    assert response.status_code == 302 and response["Location"] == "/targets/"
    response = client.get("/targets/")
    assert messages(response.content.decode()) == [
        "Chỉ tiêu đã được áp dụng cho đơn vị của bạn và cấp dưới."
    ]
    adopted = Target.objects.get(adopted_from=target_80)
    assert (adopted.code, adopted.scope_unit, adopted.threshold, adopted.builtin) == (
        "T-TEST-80@HN",
        tree.hanoi,
        Decimal(100),
        False,
    )
    assert set(adopted.levels.values_list("code", flat=True)) == {"province", "upper_grassroots"}

    rows = target_rows(response.content)
    assert figures(rows["T-TEST-80"]) == ("80%", "60,0% · 3/5", "Có nguy cơ", LATE)
    assert figures(rows["T-TEST-80@HN"]) == ("100%", "60,0% · 3/5", "Không đạt", LATE)
    assert "Áp dụng" not in rows["T-TEST-80@HN"][-1]  # already the province's own
    # It applies down the province's subtree, and nowhere else.
    melinh = target_rows(page(client, tree.melinh_officer, "/targets/"))
    assert figures(melinh["T-TEST-80@HN"]) == ("100%", "0,0% · 0/1", "Không đạt", LATE)
    assert "T-TEST-80@HN" not in target_rows(page(client, tree.nt_officer, "/targets/"))

    # A second adoption, by the source or by the copy, is refused.
    client.force_login(tree.hanoi_officer)
    for pk in (target_80.pk, adopted.pk):
        response = client.post(f"/targets/{pk}/adopt/", {"threshold": "100"}, follow=True)
        assert messages(response.content.decode()) == ["Đơn vị này đã áp dụng chỉ tiêu này."]
    assert Target.objects.filter(adopted_from=target_80).count() == 1


def test_only_writers_adopt_and_only_targets_in_force_for_their_unit(client, world, target_80):
    tree = world.tree
    inspector = tree.inspector
    client.force_login(inspector)
    assert client.post(f"/targets/{target_80.pk}/adopt/", {"threshold": "100"}).status_code == 403
    nt_only = Target.objects.create(
        document=SourceDocument.objects.get(code="001"),
        code="T-NT-ONLY",
        name="Chỉ Ninh Thuận",
        scope_unit=tree.ninhthuan,
        full_time=True,
    )
    client.force_login(tree.hanoi_officer)
    assert client.post(f"/targets/{nt_only.pk}/adopt/", {"threshold": "100"}).status_code == 404
    assert not Target.objects.filter(adopted_from__isnull=False).exists()
