"""The plan workflow through its pages: draft → submitted → returned → approved, revisions
after approval, plan versus actual through linked classes, and bad input refused."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.access import SYSTEM
from planning import selectors, services
from planning.models import ClassLink, Plan, PlanEvent, PlanLine, PlanStatus
from training.models import TrainingClass
from training.services import class_create, class_set_status, enrolment_accept, enrolment_nominate


def line_data(**extra):
    data = {
        "name": "Bồi dưỡng nghiệp vụ cho cán bộ chuyên trách",
        "target_group": "full_time",
        "classes": "2",
        "trainees": "120",
        "quarter": "2",
        "budget": "15.000.000",
        "funding_source": "union",
    }
    data.update(extra)
    return data


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


@pytest.fixture
def plan(tree, client):
    client.force_login(tree.melinh_officer)
    response = client.post(
        f"{reverse('planning:plan_create')}?unit={tree.melinh.pk}", {"year": "2024"}
    )
    plan = Plan.objects.get(unit=tree.melinh, year=2024)
    assert response.url == reverse("planning:plan_detail", args=[plan.pk])
    response = client.post(
        reverse("planning:line_create", args=[plan.pk]), line_data(topic=tree.topic.pk)
    )
    assert response.status_code == 302, response.context["form"].errors
    return plan


def test_the_plan_goes_up_and_comes_back_approved(tree, client, plan):
    line = plan.lines.get()
    assert line.budget == Decimal(15_000_000)  # typed the Vietnamese way
    client.post(reverse("planning:submit", args=[plan.pk]))
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED
    # Submitted: frozen for its own unit until the unit above decides.
    response = client.post(
        reverse("planning:line_edit", args=[line.pk]),
        line_data(topic=tree.topic.pk, trainees="999"),
        follow=True,
    )
    assert "chờ" in response.content.decode() or response.status_code == 200
    line.refresh_from_db()
    assert line.trainees == 120

    client.force_login(tree.hanoi_officer)
    page = client.get(reverse("planning:plan_detail", args=[plan.pk])).content.decode()
    assert 'id="decide"' in page
    # A return needs a comment.
    client.post(reverse("planning:return", args=[plan.pk]), {"comment": " "})
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED
    client.post(
        reverse("planning:return", args=[plan.pk]),
        {"comment": "Bổ sung lớp cho tổ trưởng công đoàn"},
    )
    plan.refresh_from_db()
    assert plan.status == PlanStatus.RETURNED

    client.force_login(tree.melinh_officer)
    page = client.get(reverse("planning:plan_detail", args=[plan.pk])).content.decode()
    assert "Bổ sung lớp cho tổ trưởng công đoàn" in page
    client.post(
        reverse("planning:line_create", args=[plan.pk]),
        line_data(
            topic=tree.topic.pk, target_group="group_leaders", trainees="80", budget="6.000.000"
        ),
    )
    client.post(reverse("planning:submit", args=[plan.pk]))
    client.force_login(tree.hanoi_officer)
    client.post(reverse("planning:approve", args=[plan.pk]))
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED
    assert list(plan.events.order_by("id").values_list("action", flat=True)) == [
        "created",
        "submitted",
        "returned",
        "submitted",
        "approved",
    ]

    # The consolidated plan of Hà Nội now holds Mê Linh's lines, by target group.
    page = client.get(reverse("planning:consolidated"), {"unit": tree.hanoi.pk, "year": 2024})
    rows = {r["target_group"]: r["figures"] for r in page.context["rows"]}
    assert rows["Cán bộ chuyên trách"].planned_trainees == 120
    assert rows["Tổ trưởng, tổ phó công đoàn"].planned_trainees == 80
    assert page.context["totals"].budget == Decimal(21_000_000)
    assert tree.donganh.code in [u.code for u in page.context["not_submitted"]]
    assert tree.melinh.code not in [u.code for u in page.context["not_submitted"]]


def test_after_approval_a_change_is_a_logged_revision(tree, client, plan):
    services.plan_submit(user=tree.melinh_officer, plan=plan)
    services.plan_approve(user=tree.hanoi_officer, plan=plan)
    line = plan.lines.get()
    url = reverse("planning:line_edit", args=[line.pk])
    response = client.post(url, line_data(topic=tree.topic.pk, trainees="150"))
    assert response.status_code == 200  # refused: no reason
    assert response.context["form"].errors["reason"]
    line.refresh_from_db()
    assert line.trainees == 120
    client.post(
        url,
        line_data(
            topic=tree.topic.pk, trainees="150", reason="Thêm học viên theo đề nghị của cơ sở"
        ),
    )
    line.refresh_from_db()
    plan.refresh_from_db()
    assert (line.trainees, plan.revision, plan.status) == (150, 1, PlanStatus.APPROVED)
    event = plan.events.filter(action=PlanEvent.Action.REVISED).get()
    assert event.comment == "Thêm học viên theo đề nghị của cơ sở"
    assert event.changes == [{"line": line.pk, "field": "trainees", "old": "120", "new": "150"}]


def test_linked_classes_move_the_actual_figures(tree, client, plan):
    line = plan.lines.get()
    tree.ml_class.budget_actual = Decimal(4_500_000)
    tree.ml_class.save()
    before = selectors.plan_vs_actual(plan.lines.all()).get(())
    assert (before.classes, before.trainees, before.spending) == (0, 0, 0)
    client.post(
        reverse("planning:class_link", args=[line.pk]), {"training_class": tree.ml_class.code}
    )
    after = client.get(reverse("planning:plan_detail", args=[plan.pk])).context["totals"]
    assert (after.classes, after.trainees, after.spending) == (1, 1, Decimal(4_500_000))
    assert after.trainees_percent == Decimal("0.8")
    # A class counts toward one line only, and only in its own year and subtree.
    other = services.line_save(
        user=tree.melinh_officer,
        plan=plan,
        name="Khác",
        topic=tree.topic,
        target_group="members",
        classes=1,
        trainees=10,
    )
    client.post(
        reverse("planning:class_link", args=[other.pk]), {"training_class": tree.ml_class.code}
    )
    assert ClassLink.objects.get().line == line
    client.force_login(tree.hanoi_officer)
    response = client.post(
        reverse("planning:class_link", args=[line.pk]),
        {"training_class": tree.nt_class.code},
        follow=True,
    )
    assert ClassLink.objects.count() == 1
    assert any("NT-2024-01" in m for m in messages_of(response))


def test_the_004_plan_of_hanoi_is_tracked_to_the_class(tree, client):
    """Hà Nội 2018: 40 classes with 3,920 trainees, 1–2 of them for leaders."""
    client.force_login(tree.hanoi_officer)
    plan = services.plan_create(user=tree.hanoi_officer, unit=tree.hanoi, year=2018)
    leaders = services.line_save(
        user=tree.hanoi_officer,
        plan=plan,
        name="Lớp cán bộ lãnh đạo (trưởng, phó ban; chủ "
        "tịch, phó chủ tịch công đoàn cấp trên cơ sở)",
        topic=tree.topic,
        target_group="key_leaders",
        classes=2,
        trainees=120,
        budget=Decimal(200_000_000),
    )
    services.line_save(
        user=tree.hanoi_officer,
        plan=plan,
        name="Lớp bồi dưỡng cán bộ cơ sở",
        topic=tree.topic,
        target_group="part_time",
        classes=38,
        trainees=3800,
        budget=Decimal(1_900_000_000),
    )
    planned = selectors.plan_vs_actual(plan.lines.all()).get(())
    assert (planned.planned_classes, planned.planned_trainees) == (40, 3920)

    leaders_class = class_create(
        user=tree.hanoi_officer,
        organiser=tree.hanoi,
        topics=[tree.topic],
        code="HN-2018-LD",
        name="Lớp lãnh đạo",
        start_date=dt.date(2018, 5, 7),
        end_date=dt.date(2018, 5, 9),
        hours=24,
        capacity=60,
        budget_actual=Decimal(95_000_000),
    )
    class_set_status(user=SYSTEM, training_class=leaders_class, status="open")
    enrolment, _ = enrolment_nominate(
        user=tree.hanoi_officer, training_class=leaders_class, person=tree.nguyen
    )
    enrolment_accept(user=SYSTEM, enrolment=enrolment)
    client.post(reverse("planning:class_link", args=[leaders.pk]), {"training_class": "HN-2018-LD"})
    page = client.get(reverse("planning:plan_detail", args=[plan.pk]))
    by_line = dict(page.context["lines"])
    # Linked but not yet run: nothing done yet.
    assert by_line[leaders].classes == 0
    class_set_status(user=SYSTEM, training_class=leaders_class, status="running")
    page = client.get(reverse("planning:plan_detail", args=[plan.pk]))
    by_line = dict(page.context["lines"])
    assert (by_line[leaders].classes, by_line[leaders].trainees, by_line[leaders].spending) == (
        1,
        1,
        Decimal(95_000_000),
    )
    assert "HN-2018-LD" in page.content.decode()
    totals = page.context["totals"]
    assert (totals.planned_classes, totals.classes, totals.planned_trainees) == (40, 1, 3920)


# --- bad input: refused in Vietnamese, nothing written ------------------------------------


def test_a_plan_outside_scope_is_refused(tree, client):
    client.force_login(tree.nt_officer)
    response = client.post(
        f"{reverse('planning:plan_create')}?unit={tree.melinh.pk}", {"year": "2025"}
    )
    assert response.status_code == 404
    with pytest.raises(Exception) as refused:
        services.plan_create(user=tree.nt_officer, unit=tree.melinh, year=2025)
    assert "ngoài phạm vi" in str(refused.value)
    assert not Plan.objects.exists()


def test_submitting_a_plan_outside_scope_is_refused(tree, client, plan):
    client.force_login(tree.nt_officer)
    assert client.post(reverse("planning:submit", args=[plan.pk])).status_code == 404
    with pytest.raises(Exception, match="ngoài phạm vi"):
        services.plan_submit(user=tree.nt_officer, plan=plan)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT and plan.submitted_at is None
    assert not plan.events.filter(action="submitted").exists()


def test_a_unit_cannot_approve_its_own_plan(tree, client, plan):
    services.plan_submit(user=tree.melinh_officer, plan=plan)
    response = client.post(reverse("planning:approve", args=[plan.pk]), follow=True)
    assert any("không thể tự phê duyệt" in m for m in messages_of(response))
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED
    assert not plan.events.filter(action="approved").exists()
    # Nor can a unit two levels up: the unit directly above decides.
    client.force_login(tree.admin)
    client.post(reverse("planning:approve", args=[plan.pk]))
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("classes", "-2", "lớn hơn hoặc bằng với 0"),
        ("trainees", "-120", "lớn hơn hoặc bằng với 0"),
        ("budget", "-1.000", "lớn hơn hoặc bằng với 0"),
        ("budget", "1,5 tỷ", "Nhập một số"),
        ("budget", "15.000,5", "chữ số"),
    ],
)
def test_bad_numbers_in_a_line_are_refused(tree, client, plan, field, value, message):
    response = client.post(
        reverse("planning:line_create", args=[plan.pk]),
        line_data(topic=tree.topic.pk, **{field: value}),
    )
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors[field])
    assert message in errors, errors
    assert PlanLine.objects.count() == 1


def test_bad_member_growth_is_refused(tree, client):
    client.force_login(tree.hanoi_officer)
    url = f"{reverse('planning:growth')}?unit={tree.hanoi.pk}&year=2018"
    data = {
        "unit": tree.melinh.code,
        "period_start": "01/01/2018",
        "period_end": "31/12/2018",
        "admitted": "-5",
        "other_decreases": "0",
    }
    response = client.post(url, data)
    assert "lớn hơn hoặc bằng với 0" in " ".join(response.context["form"].errors["admitted"])
    response = client.post(url, {**data, "admitted": "10", "unit": tree.phanrang.code})
    assert response.context["form"].errors["unit"]
    response = client.post(
        url, {**data, "admitted": "10", "enterprises_30plus": "5", "enterprises_with_union": "6"}
    )
    assert response.context["form"].errors["enterprises_with_union"]
    from planning.models import MemberGrowth

    assert not MemberGrowth.objects.exists()
    client.post(url, {**data, "admitted": "1.200", "other_decreases": "200", "transfers_in": "50"})
    row = MemberGrowth.objects.get()
    assert (row.admitted, row.net_growth) == (1200, 1000)


def test_pages_answer(tree, client, plan):
    client.force_login(tree.hanoi_officer)
    for name in ("index", "consolidated", "spending", "growth", "survey_list", "survey_create"):
        response = client.get(reverse(f"planning:{name}"), {"year": 2024})
        assert response.status_code == 200, name
    assert client.get(reverse("planning:consolidated"), {"year": 2024, "format": "xlsx"})[
        "Content-Type"
    ].startswith("application/vnd.openxmlformats")
    bad = client.get(reverse("planning:index"), {"year": "abc"})  # named, this year shown
    assert bad.status_code == 200 and "“abc”" in bad.content.decode()
    client.force_login(tree.cadre)
    assert client.get(reverse("planning:index")).status_code == 403
    assert TrainingClass.objects.count() == 2


def test_the_unit_above_comments_but_does_not_rewrite_a_plan(tree, client, plan):
    line = plan.lines.get()
    client.force_login(tree.hanoi_officer)
    page = client.get(reverse("planning:plan_detail", args=[plan.pk])).content.decode()
    assert reverse("planning:line_edit", args=[line.pk]) not in page
    response = client.post(
        reverse("planning:line_edit", args=[line.pk]), line_data(topic=tree.topic.pk, trainees="1")
    )
    assert "Chỉ Liên đoàn Lao động huyện Mê Linh" in " ".join(
        response.context["form"].non_field_errors()
    )
    client.post(reverse("planning:submit", args=[plan.pk]))
    line.refresh_from_db()
    plan.refresh_from_db()
    assert (line.trainees, plan.status) == (120, PlanStatus.DRAFT)
