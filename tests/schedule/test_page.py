"""Issue 24 §2: "a page shows the last run of each" scheduled job — to the system's
administrators, whose log it is; a provincial officer is refused it and not offered it."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from schedule import registry, runner
from schedule.models import ScheduledJob
from tests.schedule.conftest import Calls


def failing_job() -> registry.Job:
    from django.utils.translation import gettext_lazy

    return registry.Job(
        code="test.failing",
        label=gettext_lazy("A test job"),
        every=dt.timedelta(minutes=1),
        run=Calls(error=OSError("Máy chủ thư không trả lời")),
    )


def row_of(body: str, code: str) -> str:
    found = re.search(rf'<tr id="job-{re.escape(code.replace(".", ""))}">(.*?)</tr>', body, re.S)
    assert found, body
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(1)))


@pytest.mark.django_db
def test_the_page_shows_each_job_with_its_last_run(client, tree, only):
    imports_job = registry.get("imports.fail_stale")
    daily = registry.get("elearning.reminders")
    only(imports_job, daily, failing_job())
    runner.run_now("imports.fail_stale")
    runner.run_now("test.failing")
    client.force_login(tree.admin)
    body = client.get("/schedule/").content.decode()

    done = row_of(body, "imports.fail_stale")
    assert "Đánh dấu lỗi các lần nhập dữ liệu có tiến trình nền đã dừng" in done
    assert "5 phút một lần" in done and "Thành công" in done
    assert "0 lần nhập dữ liệu mất tiến trình nền: đã đánh dấu lỗi" in done
    state = ScheduledJob.objects.get(code="imports.fail_stale")
    started = timezone.localtime(state.last_started_at)
    assert started.strftime("%d/%m/%Y %H:%M:%S") in done
    assert timezone.localtime(state.due_at).strftime("%d/%m/%Y %H:%M") in done
    assert " giây" in done  # its duration

    failed = row_of(body, "test.failing")
    assert "Lỗi" in failed and "Máy chủ thư không trả lời" in failed

    waiting = row_of(body, "elearning.reminders")
    assert "Nhắc học các khóa học trực tuyến" in waiting
    assert "hằng ngày, từ 07:00" in waiting and "Chưa chạy lần nào" in waiting


@pytest.mark.django_db
def test_a_run_in_progress_and_a_run_lost_say_so(client, tree, only):
    only(failing_job())
    now = timezone.now()
    runner.plan(registry.jobs(), now)
    ScheduledJob.objects.update(running_since=now, alive_at=now)
    client.force_login(tree.admin)
    assert "Đang chạy từ" in row_of(client.get("/schedule/").content.decode(), "test.failing")
    lost = now - runner.STALE - dt.timedelta(minutes=1)
    ScheduledJob.objects.update(running_since=lost, alive_at=lost)
    assert "Bị gián đoạn" in row_of(client.get("/schedule/").content.decode(), "test.failing")


@pytest.mark.django_db
def test_only_an_administrator_is_shown_the_page_and_its_link(client, tree):
    client.force_login(tree.admin)
    assert 'href="/schedule/"' in client.get("/units/").content.decode()
    for officer in (tree.hanoi_officer, tree.melinh_officer):
        client.force_login(officer)
        assert client.get("/schedule/").status_code == 403
        assert 'href="/schedule/"' not in client.get("/units/").content.decode()


@pytest.mark.django_db
def test_the_page_reads_all_the_jobs_in_one_query(client, tree, only):
    every = registry.jobs()
    for job in every:
        runner.plan([job], timezone.now())
    client.force_login(tree.admin)
    counts = []
    for jobs in (every[:1], every):
        only(*jobs)
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/schedule/").status_code == 200
        counts.append(len(queries))
    assert len(every) > 1 and counts[0] == counts[1]
