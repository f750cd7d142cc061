"""The yearly planning cycle in a real browser: Hà Nội opens a needs survey, Mê Linh and
Đông Anh answer it, each drafts its plan from the results and submits it; Hà Nội returns
Mê Linh's with a comment, approves it once fixed, approves Đông Anh's, and reads the
consolidated plan."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from accounts.models import User
from planning.models import Plan, PlanEvent, PlanStatus
from tests.browser.conftest import logged_in as log_in
from tests.conftest import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
YEAR = dt.date.today().year + 1


def logged_in(browser, live_server, username):
    page = log_in(browser, live_server.url, username)
    expect(page).to_have_url(re.compile(r"/targets/"))
    return page


def open_survey_page(page):
    page.locator("header nav summary", has_text="Đào tạo").click()
    page.locator("header nav").get_by_role("link", name="Kế hoạch").click()
    page.get_by_role("link", name="Khảo sát nhu cầu").click()
    page.get_by_role("link", name=f"Khảo sát nhu cầu đào tạo {YEAR}").click()


def answer_and_draft(page, topic, count: int):
    open_survey_page(page)
    page.get_by_label(f"{topic.name} — Cán bộ chuyên trách").fill(str(count))
    page.get_by_label("Ý kiến").fill("Cần mở lớp vào quý II")
    page.get_by_role("button", name="Lưu trả lời").click()
    expect(page.locator("p.msg[role=status]")).to_contain_text("Đã lưu trả lời")
    expect(page.locator("#results")).to_contain_text(str(count))
    page.get_by_role("button", name="Lập dự thảo kế hoạch từ khảo sát").click()
    expect(page.locator("#status")).to_contain_text("Dự thảo")
    expect(page.locator("#lines")).to_contain_text(topic.name)
    page.get_by_role("button", name="Gửi cấp trên").click()
    expect(page.locator("#status")).to_contain_text("Đã gửi lên")


def test_survey_plans_return_approve_consolidate(live_server, tree, browser):
    make_user("donganh", tree.donganh)
    topic = tree.topic

    # Hà Nội opens the survey to its subtree.
    hanoi = logged_in(browser, live_server, "hanoi")
    hanoi.locator("header nav summary", has_text="Đào tạo").click()
    hanoi.locator("header nav").get_by_role("link", name="Kế hoạch").click()
    hanoi.get_by_role("link", name="Khảo sát nhu cầu").click()
    hanoi.get_by_role("link", name="Mở khảo sát").click()
    hanoi.get_by_label("Tiêu đề").fill(f"Khảo sát nhu cầu đào tạo {YEAR}")
    hanoi.get_by_label("Năm kế hoạch").fill(str(YEAR))
    deadline = dt.date.today() + dt.timedelta(days=30)
    hanoi.get_by_label("Hạn trả lời").fill(deadline.strftime("%d/%m/%Y"))
    hanoi.get_by_role("checkbox", name=topic.name, exact=True).check()
    hanoi.get_by_role("button", name="Lưu").click()
    expect(hanoi.locator("p.msg[role=status]")).to_contain_text("Khảo sát đã mở")

    # Two districts answer and draft their plans from the results.
    melinh = logged_in(browser, live_server, "melinh")
    answer_and_draft(melinh, topic, 12)
    donganh = logged_in(browser, live_server, "donganh")
    answer_and_draft(donganh, topic, 20)

    # Hà Nội sees both answers and both plans waiting.
    hanoi.reload()
    progress = hanoi.locator("#progress")
    expect(progress).to_contain_text("Mê Linh")
    expect(progress).to_contain_text("Đông Anh")
    expect(progress).not_to_contain_text("Chưa")
    hanoi.goto(f"{live_server.url}/planning/?year={YEAR}")
    plans = hanoi.locator("#plans")
    expect(plans.locator("tr[data-unit='HN-ML']")).to_contain_text("Đã gửi lên")
    expect(plans.locator("tr[data-unit='HN-DA']")).to_contain_text("Đã gửi lên")

    # It returns Mê Linh's plan with a comment ...
    plans.get_by_role("link", name="Liên đoàn Lao động huyện Mê Linh").click()
    hanoi.get_by_label("Ý kiến").fill("Đề nghị tăng số học viên lên 15")
    hanoi.get_by_role("button", name="Trả lại để chỉnh sửa").click()
    expect(hanoi.locator("#status")).to_contain_text("Trả lại để chỉnh sửa")
    # ... and approves Đông Anh's.
    hanoi.goto(f"{live_server.url}/planning/?year={YEAR}")
    hanoi.locator("#plans").get_by_role("link", name="Liên đoàn Lao động huyện Đông Anh").click()
    hanoi.get_by_role("button", name="Phê duyệt").click()
    expect(hanoi.locator("#status")).to_contain_text("Đã phê duyệt")

    # Mê Linh reads the comment, fixes its line and submits again.
    melinh.reload()
    expect(melinh.locator("#return-comment")).to_contain_text("tăng số học viên lên 15")
    row = melinh.locator("#lines tbody tr", has_text=topic.name).filter(
        has_text="Cán bộ chuyên trách"
    )
    row.get_by_role("link", name="Sửa").click()
    melinh.get_by_label("Học viên").fill("15")
    melinh.get_by_role("button", name="Lưu").click()
    expect(melinh.locator("p.msg[role=status]")).to_contain_text("Đã lưu dòng kế hoạch")
    melinh.get_by_role("button", name="Gửi cấp trên").click()
    expect(melinh.locator("#status")).to_contain_text("Đã gửi lên")

    # Hà Nội approves it and reads the consolidated plan: 15 + 20 full-time cadres.
    hanoi.goto(f"{live_server.url}/planning/?year={YEAR}")
    hanoi.locator("#plans").get_by_role("link", name="Liên đoàn Lao động huyện Mê Linh").click()
    hanoi.get_by_role("button", name="Phê duyệt").click()
    expect(hanoi.locator("#status")).to_contain_text("Đã phê duyệt")
    hanoi.goto(f"{live_server.url}/planning/?year={YEAR}")
    hanoi.get_by_role("link", name="Kế hoạch tổng hợp").click()
    consolidated = hanoi.locator("#consolidated tbody tr", has_text=topic.name).filter(
        has_text="Cán bộ chuyên trách"
    )
    expect(consolidated.locator("td").nth(4)).to_have_text("35")
    expect(hanoi.locator("#by-unit")).to_contain_text("Mê Linh")
    expect(hanoi.locator("#by-unit")).to_contain_text("Đông Anh")

    ml_plan = Plan.objects.get(unit=tree.melinh, year=YEAR)
    assert ml_plan.status == PlanStatus.APPROVED
    assert list(ml_plan.events.order_by("id").values_list("action", flat=True)) == [
        "created",
        "submitted",
        "returned",
        "submitted",
        "approved",
    ]
    assert ml_plan.events.get(action=PlanEvent.Action.RETURNED).user == User.objects.get(
        username="hanoi"
    )
    for page in (hanoi, melinh, donganh):
        page.context.close()
