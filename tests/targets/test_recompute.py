"""Recomputing after bulk changes: the command with its progress bar, and the background task
with the page's progress bar when the tree is too large to compute during a request."""

import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django_tasks_db.models import DBTaskResult

from accounts.access import SYSTEM
from lib.dates import today
from people.models import Role
from people.services import position_create
from targets.models import Snapshot, TargetFigure
from targets.tasks import compute_snapshot


def test_the_command_recomputes_every_target_with_a_progress_bar(tree, capsys):
    position_create(
        user=SYSTEM,
        person=tree.tran,
        unit=tree.hanoi,
        role=Role.objects.get(code="advisory_staff"),
        full_time=True,
        start_date=dt.date(2024, 1, 1),
    )
    call_command("recompute_targets", "--on", "31/12/2025")
    out = capsys.readouterr().out
    assert "targets" in out and "#" in out and "Done as of 31/12/2025" in out
    snapshot = Snapshot.objects.get(as_of=dt.date(2025, 12, 31))
    assert snapshot.status == "done" and snapshot.percent_done == 100
    assert TargetFigure.objects.filter(snapshot=snapshot, unit=tree.vgcl).exists()


def test_the_command_refuses_a_day_that_is_not_a_date(db):
    with pytest.raises(CommandError, match="Not a date"):
        call_command("recompute_targets", "--on", "31/13/2025")


def test_a_large_tree_is_computed_by_the_worker_while_the_page_shows_progress(
    client, tree, settings
):
    settings.TARGETS_INLINE_UNITS = 0  # every tree counts as large
    client.force_login(tree.hanoi_officer)
    page = client.get("/targets/")
    assert page.status_code == 200
    assert b"<progress" in page.content and b'hx-trigger="every 1s"' in page.content
    assert Snapshot.objects.get(as_of=today()).status == "queued"
    assert client.get("/targets/progress/").status_code == 200
    assert "HX-Refresh" not in client.get("/targets/progress/")

    queued = DBTaskResult.objects.get(status="READY")
    assert queued.task_path == "targets.tasks.compute_snapshot"
    assert queued.args_kwargs["args"] == [today().isoformat()]
    compute_snapshot.call(*queued.args_kwargs["args"])  # what the worker runs

    assert Snapshot.objects.get(as_of=today()).status == "done"
    assert client.get("/targets/progress/")["HX-Refresh"] == "true"
    page = client.get("/targets/")
    assert b"<progress" not in page.content and b'data-code="T-003-2"' in page.content


def test_an_administrator_can_queue_a_full_recomputation(client, tree, settings):
    settings.TARGETS_INLINE_UNITS = 0
    call_command("recompute_targets")
    client.force_login(tree.admin)
    response = client.post("/targets/recompute/")
    assert response.status_code == 302
    assert Snapshot.objects.get(as_of=today()).status == "queued"
    client.force_login(tree.hanoi_officer)
    assert client.post("/targets/recompute/").status_code == 404
