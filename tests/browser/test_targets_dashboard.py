"""The targets dashboard in a real browser: a provincial officer lands on it, drills down from
the province to a district, a grassroots union and a person whose obligations show on the
profile, goes back; then trains a cadre through the pages of the class and sees the
percentage of the target move.

The world is described in `tests/targets/pages_world.py`: T-003-2 for Hà Nội is 3/5 today;
Hồ Thị Chi, a full-time cadre of Hà Nội, still has to be trained."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from accounts.access import SYSTEM
from tests.browser.test_class_life import log_in, nominate
from tests.targets.pages_world import shared
from training.models import Topic
from training.services import class_create, class_set_status

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def t2(page):
    return page.locator("#targets tr[data-code='T-003-2'] td.percent")


def test_an_officer_drills_down_then_trains_a_cadre_and_the_target_moves(live_server, tree, page):
    world = shared(tree)
    # Ended a few days ago, but this year: the record leaves last year-end's figures alone.
    ended = max(world.today - dt.timedelta(days=8), dt.date(world.today.year, 1, 1))
    training_class = class_create(
        user=SYSTEM,
        organiser=tree.hanoi,
        topics=[Topic.objects.get(code="union_theory")],
        code="HN-LLNV-01",
        name="Lý luận, nghiệp vụ công tác công đoàn cho cán bộ chuyên trách",
        start_date=ended - dt.timedelta(days=2),
        end_date=ended,
        hours=24,
        capacity=20,
    )
    class_set_status(user=SYSTEM, training_class=training_class, status="open")
    base = live_server.url
    failures = []
    page.on("response", lambda r: r.status >= 500 and failures.append(r.url))

    # Lands on the dashboard of Hà Nội.
    log_in(page, base, "hanoi")
    expect(page).to_have_url(re.compile(r"/targets/$"))
    expect(page.locator("h1")).to_contain_text("Chỉ tiêu của Liên đoàn Lao động thành phố Hà Nội")
    expect(t2(page)).to_have_text("60,0% · 3/5")
    # The year-by-year chart of each target arrives in its cell (one request for all).
    chart = page.locator("#targets tr[data-code='T-003-2'] .chart")
    expect(chart).to_contain_text(str(world.today.year))
    expect(chart).to_contain_text("60%")

    # Province -> district -> grassroots union -> person, by the links.
    page.locator("#children").get_by_role("link", name="Liên đoàn Lao động huyện Mê Linh").click()
    expect(page.locator("h1")).to_contain_text("Liên đoàn Lao động huyện Mê Linh")
    expect(t2(page)).to_have_text("0,0% · 0/1")
    expect(page.locator(".crumbs")).to_contain_text("Liên đoàn Lao động thành phố Hà Nội")
    page.locator("#children").get_by_role("link", name="Công đoàn Trường THPT Mê Linh").click()
    expect(page.locator("h1")).to_contain_text("Công đoàn Trường THPT Mê Linh")
    row = page.locator("#people tr", has_text="Nguyễn Văn An")
    expect(row.locator("td").last).to_have_text("Đã đạt")
    row.get_by_role("link", name="Nguyễn Văn An").click()
    expect(page.get_by_role("heading", name="Nguyễn Văn An")).to_be_visible()
    obligation = page.locator("#obligations tr", has_text="T-003-4c")
    expect(obligation).to_contain_text("Đã đạt")
    expect(obligation).to_contain_text("Bồi dưỡng nghiệp vụ công đoàn cơ sở 2024 (03/04/2024)")
    page.go_back()
    expect(page.locator("h1")).to_contain_text("Công đoàn Trường THPT Mê Linh")
    page.locator(".crumbs").get_by_role("link", name="Liên đoàn Lao động thành phố Hà Nội").click()
    expect(t2(page)).to_have_text("60,0% · 3/5")

    # Train Hồ Thị Chi through the pages of the class: nominate, accept, run, pass.
    class_url = f"/training/classes/{training_class.pk}/"
    nominate(page, base, class_url, "ho thi chi", "Hồ Thị Chi")
    page.locator("#enrolments form[action$='/accept/'] button").click()
    expect(page.locator("#enrolments form[action$='/accept/']")).to_have_count(0)
    page.click("button[name=status][value=running]")
    row = page.locator("#enrolments tr", has_text="Hồ Thị Chi")
    row.locator("input[name=attendance_percent]").fill("100")
    row.locator("input[name=score]").fill("8")
    row.locator("select[name=passed]").select_option("1")
    row.locator("form.results button").click()
    expect(
        page.locator("#enrolments tr", has_text="Hồ Thị Chi").locator("a[href*='/certificate/']")
    ).to_have_count(1)

    # Back on the dashboard, at once: the record counts for T-003-2.
    page.goto(f"{base}/targets/")
    expect(t2(page)).to_have_text("80,0% · 4/5")
    chi = page.locator("#people tr", has_text="Hồ Thị Chi")
    expect(chi.locator("td").nth(3)).to_have_text("Đã đạt")
    page.wait_for_load_state("networkidle")
    assert failures == []
