"""A target edited on its own page of the system (issue 23 §6): "Editing a target (population,
requirement, window, threshold, the reading shown to users) is a Vietnamese page of the system
with a preview of who it would count."

The world is `pages_world.py`. Hà Nội has issued its own target, T-HN-1: full-time heads of
department trained in union theory within their term. Under Hà Nội that is An (Hà Nội, trained),
Em (Đông Anh, trained) and Dũng (Mê Linh, his term over, untrained): 2 of 3, 1 overdue."""

import datetime as dt

import pytest
from django import forms

from accounts.access import SYSTEM
from accounts.models import UserRole
from audit.models import LogEntry
from people.models import Role
from targets import signals
from targets.models import Revision, SourceDocument, Target
from targets.services import target_adopt, target_save
from tests.conftest import make_user
from tests.targets.pages_world import shared, tables
from training.models import Topic

LIST = "/targets/manage/"
NEW = "/targets/new/"


def edit_url(target: Target) -> str:
    return f"/targets/{target.pk}/edit/"


@pytest.fixture
def world(tree):
    w = shared(tree)
    w.hn_target = target_save(
        user=SYSTEM,
        target=None,
        values={
            "document": SourceDocument.objects.get(code="004"),
            "code": "T-HN-1",
            "name": "Trưởng ban chuyên trách được bồi dưỡng lý luận, nghiệp vụ công đoàn",
            "wording": "100% trưởng ban chuyên trách được bồi dưỡng lý luận, nghiệp vụ.",
            "scope_unit": tree.hanoi,
            "full_time": True,
            "roles": [Role.objects.get(code="department_head")],
            "topics": [Topic.objects.get(code="union_theory")],
            "window": "term",
        },
    )
    w.sysadmin = make_user("sysadmin", tree.vgcl, UserRole.SYSTEM_ADMIN, is_superuser=True)
    signals._pending.__dict__.pop("state", None)  # the setup's marks
    return w


def sent(client, url: str, **changes) -> dict:
    """The page's form as a browser sends it back (ticked boxes and chosen options only,
    dates and numbers as the page shows them), with `changes`."""
    form = client.get(url).context["form"]
    data = {}
    for bound in form:
        widget, value = bound.field.widget, bound.value()
        if isinstance(widget, forms.CheckboxSelectMultiple):
            data[bound.name] = [str(v) for v in value or []]
        elif isinstance(widget, forms.CheckboxInput):
            if value:
                data[bound.name] = "on"
        elif isinstance(widget, forms.Select):
            data[bound.name] = "" if value is None else str(value)
        else:
            shown = widget.format_value(value)
            data[bound.name] = "" if shown is None else str(shown)
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


def preview_of(response):
    preview = response.context["preview"]
    assert preview is not None, response.context["form"].errors
    return preview


def counts(result) -> tuple:
    return result.eligible, result.met, result.overdue, result.late


def test_an_officer_previews_whom_the_target_would_count_and_nothing_is_saved(client, world):
    tree, target = world.tree, world.hn_target
    client.force_login(tree.hanoi_officer)
    page = client.get(edit_url(target))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Xem trước" in html and "Cách hệ thống hiểu" in html  # the reading shown to users
    token, logged = Revision.current(Revision.DEFINITIONS), LogEntry.objects.count()

    response = client.post(
        edit_url(target), {**sent(client, edit_url(target), threshold="92,5"), "preview": "1"}
    )
    preview = preview_of(response)
    assert counts(preview.result) == (3, 2, 1, 0)
    assert preview.due == 0 and preview.node.unit_id == tree.hanoi.pk
    assert preview.target.threshold == 92.5  # the edited target, not the saved one
    rows = tables(response.content)["preview-people"][1:]
    assert [cells[0] for _attrs, cells in rows] == ["Vũ Đức An", "Mai Thị Em", "Lý Văn Dũng"]
    assert [cells[3] for _attrs, cells in rows] == ["Đã đạt", "Đã đạt", "Quá hạn"]
    html = response.content.decode()
    assert 'data-count="eligible">3<' in html and 'data-count="overdue">1<' in html

    target.refresh_from_db()
    assert target.threshold == 100
    assert Revision.current(Revision.DEFINITIONS) == token  # compiled SQL is still valid
    assert LogEntry.objects.count() == logged
    assert "state" not in signals._pending.__dict__  # no refresh for a change that never was


def test_the_preview_counts_what_the_dashboard_shows_once_the_target_is_saved(
    client, world, django_capture_on_commit_callbacks
):
    """All the full-time cadres, not only the heads of department: the preview's figure is
    the dashboard's, computed by the same engine."""
    tree, target = world.tree, world.hn_target
    client.force_login(tree.hanoi_officer)
    data = sent(client, edit_url(target), roles=[])
    preview = preview_of(client.post(edit_url(target), {**data, "preview": "1"}))
    assert preview.result.eligible > 3

    token = Revision.current(Revision.DEFINITIONS)
    with django_capture_on_commit_callbacks(execute=True):  # as if the request committed
        response = client.post(edit_url(target), data)
    assert response.status_code == 302 and response["Location"] == edit_url(target)
    assert Revision.current(Revision.DEFINITIONS) != token  # no stale compiled SQL is reused
    assert "Đã lưu chỉ tiêu" in client.get(response["Location"]).content.decode()
    assert not Target.objects.get(pk=target.pk).roles.exists()
    dashboard = client.get("/targets/")
    shown = next(r for r in dashboard.context["results"] if r.target.code == "T-HN-1")
    assert counts(shown) == counts(preview.result)


def test_an_administrator_adds_a_target_of_the_whole_system(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world.sysadmin)
    data = sent(
        client,
        NEW,
        document=str(SourceDocument.objects.get(code="003").pk),
        code="T-OSH-12",
        name="Cán bộ chuyên trách được huấn luyện ATVSLĐ trong 12 tháng đầu",
        full_time="1",
        topics=[str(Topic.objects.get(code="osh").pk)],
        window="position_months",
        window_count="12",
        threshold="100",
    )
    assert data["scope_unit"] == ""  # the whole system
    preview = preview_of(client.post(NEW, {**data, "preview": "1"}))
    assert preview.node.unit_id == world.tree.vgcl.pk and preview.result.eligible > 0
    assert not Target.objects.filter(code="T-OSH-12").exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(NEW, data)
    assert response.status_code == 302
    target = Target.objects.get(code="T-OSH-12")
    assert (target.window, target.window_count, target.full_time, target.scope_unit) == (
        "position_months",
        12,
        True,
        None,
    )
    assert list(target.topics.values_list("code", flat=True)) == ["osh"]
    client.force_login(world.tree.nt_officer)  # every unit's dashboard counts it
    assert any(r.target.code == "T-OSH-12" for r in client.get("/targets/").context["results"])


def test_a_goal_typed_the_vietnamese_way_is_read_as_a_number(client, world):
    client.force_login(world.sysadmin)
    document = str(SourceDocument.objects.get(code="004").pk)
    data = sent(client, NEW, document=document, code="T-PTDV", name="Phát triển đoàn viên")
    data.update(kind="member_growth", goal="30.000", threshold="100")
    preview = preview_of(client.post(NEW, {**data, "preview": "1"}))
    assert preview.result is None and preview.measure.goal == 30_000  # measured on units
    response = client.post(NEW, data)
    assert response.status_code == 302, response.context["form"].errors
    assert Target.objects.get(code="T-PTDV").goal == 30_000


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"threshold": "100,5"}, "threshold", "Không được lớn hơn 100."),
        ({"threshold": "-1"}, "threshold", "Không được nhỏ hơn 0."),
        (
            {"window": "fixed_date", "window_start": "01/01/2026", "deadline": "31/12/2025"},
            "deadline",
            "Hạn chót không thể trước ngày bắt đầu tính kết quả đào tạo.",
        ),
        (
            {"valid_from": "01/01/2026", "valid_to": "31/12/2025"},
            "valid_to",
            "Chỉ tiêu không thể hết hiệu lực trước ngày có hiệu lực.",
        ),
        (
            {"window": "fixed_date", "deadline": ""},
            "deadline",
            "Cửa sổ thời gian theo mốc cố định cần có hạn chót.",
        ),
        ({"min_members": "1.000", "max_members": "500"}, "max_members", None),
        ({"window": "position_months", "window_count": ""}, "window_count", None),
    ],
)
@pytest.mark.parametrize("button", ["preview", "save"])
def test_bad_input_is_refused_with_the_field_named_and_nothing_changes(
    client, world, changes, field, message, button
):
    target = world.hn_target
    client.force_login(world.tree.hanoi_officer)
    data = {**sent(client, edit_url(target), **changes), button: "1"}
    response = client.post(edit_url(target), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors, errors
    if message:
        assert errors[field] == [message]
    assert response.context["preview"] is None
    html = response.content.decode()
    assert 'id="form-errors"' in html and f'href="#id_{field}"' in html
    unchanged = Target.objects.get(pk=target.pk)
    assert (unchanged.threshold, unchanged.window, unchanged.valid_to) == (100, "term", None)


def test_an_officer_of_another_province_finds_no_such_target(client, world):
    target = world.hn_target
    client.force_login(world.tree.nt_officer)
    assert client.get(edit_url(target)).status_code == 404
    data = {"threshold": "50", "save": "1"}
    assert client.post(edit_url(target), data).status_code == 404
    assert client.post(edit_url(target), {**data, "preview": "1"}).status_code == 404
    assert "T-HN-1" not in client.get(LIST).content.decode()
    assert Target.objects.get(pk=target.pk).threshold == 100


@pytest.mark.parametrize("persona", ["inspector", "cadre"])
def test_a_read_only_role_may_not_open_the_pages(client, world, persona):
    client.force_login(getattr(world.tree, persona))
    for url in (LIST, NEW, edit_url(world.hn_target)):
        assert client.get(url).status_code == 403
    assert client.post(edit_url(world.hn_target), {"threshold": "50"}).status_code == 403


def test_an_officer_changes_only_the_targets_of_their_subtree(client, world):
    tree = world.tree
    client.force_login(tree.hanoi_officer)
    listed = {
        attrs["data-code"] for attrs, _c in tables(client.get(LIST).content)["target-list"][1:]
    }
    assert listed == {"T-HN-1"}  # not the confederation's (adopted from the Targets page)
    assert client.get(edit_url(world.t2)).status_code == 404
    assert client.get(NEW).status_code == 403  # targets are added by system administrators

    for unit, error in (
        ("NT", "Không có đơn vị mã NT trong phạm vi quản lý của bạn."),
        ("", "Trường này là bắt buộc."),
    ):
        data = sent(client, edit_url(world.hn_target), scope_unit=unit)
        response = client.post(edit_url(world.hn_target), data)
        assert response.context["form"].errors["scope_unit"] == [error]
    assert Target.objects.get(pk=world.hn_target.pk).scope_unit == tree.hanoi

    client.force_login(tree.melinh_officer)  # a district: Hà Nội's target is above it
    assert client.get(edit_url(world.hn_target)).status_code == 404


def test_an_administrator_sees_every_target(client, world):
    client.force_login(world.sysadmin)
    rows = tables(client.get(LIST).content)["target-list"][1:]
    assert {attrs["data-code"] for attrs, _c in rows} == set(
        Target.objects.values_list("code", flat=True)
    )
    assert "Thêm chỉ tiêu" in client.get(LIST).content.decode()


def test_an_adopted_target_changes_only_its_threshold_names_and_dates(client, world):
    tree = world.tree
    copy = target_adopt(target=world.t2, unit=tree.hanoi, threshold=world.t2.threshold)
    roles = set(copy.roles.values_list("pk", flat=True))
    client.force_login(tree.hanoi_officer)
    form = client.get(edit_url(copy)).context["form"]
    assert form["roles"].field.disabled and not form["threshold"].field.disabled

    response = client.post(edit_url(copy), sent(client, edit_url(copy), threshold="90"))
    assert response.context["form"].errors["threshold"] == [
        "Chỉ tiêu áp dụng chỉ được cao hơn chỉ tiêu gốc (ít nhất 100%)."
    ]
    other = str(Role.objects.exclude(pk__in=roles).first().pk)
    data = sent(client, edit_url(copy), roles=[other], full_time="0", valid_to="31/12/2030")
    assert client.post(edit_url(copy), data).status_code == 302
    copy.refresh_from_db()
    assert set(copy.roles.values_list("pk", flat=True)) == roles  # its source's reading
    assert copy.full_time is True and copy.valid_to == dt.date(2030, 12, 31)


def test_the_code_of_a_built_in_target_stays(client, world):
    client.force_login(world.sysadmin)
    url = edit_url(world.t2)
    response = client.post(url, sent(client, url, code="T-KHAC", threshold="95"))
    assert response.status_code == 302
    world.t2.refresh_from_db()
    assert (world.t2.code, world.t2.threshold) == ("T-003-2", 95)
