"""Issue 24 §1: the background worker sends the mail. `manage.py run_worker` (what `make run`
and `make serve` start) mails a notice as soon as its change commits (a task its db_worker
runs), and its supervisor's regular round mails whatever is still due — here a notice whose
first try never happened — to a real SMTP server, each once."""

import subprocess
import sys
import time

import pytest
from django.db import transaction

from accounts.models import User
from notifications.models import MailState, Notification
from notifications.services import notify
from tests.imports.helpers import DATABASE_TASKS, ROOT, worker_env


def wait_for(condition, timeout: float, log) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, log.read_text()
        time.sleep(0.1)


@pytest.mark.django_db(transaction=True)
def test_the_worker_mails_at_commit_and_its_rounds_mail_what_is_left(smtp_down, settings, tmp_path):
    settings.TASKS = DATABASE_TASKS
    smtp_down.start()
    received = smtp_down.received
    user = User.objects.create_user(username="hoc_vien", email="hv@example.vn")
    left = Notification.objects.create(
        recipient=user, kind="enrolment_accepted", subject="Còn chờ gửi", body="…"
    )
    assert left.mail_state == MailState.PENDING
    env = worker_env(
        settings,
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp_down.port),
        DEFAULT_FROM_EMAIL="daotao@congdoan.vn",
    )
    log = tmp_path / "run_worker.log"
    supervisor = subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "run_worker",
            "--interval",
            "0.1",
            "--deliver-every",
            "3600",  # one round, at the start: what comes later is the task's
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for(lambda: received.to("hv@example.vn"), 60, log)
        assert [m.subject for m in received.mails] == ["Còn chờ gửi"]
        with transaction.atomic():
            notify(recipients=[user], kind="enrolment_accepted", subject="Gửi khi lưu", body="…")
        wait_for(lambda: len(received.mails) == 2, 60, log)
        assert received.mails[1].subject == "Gửi khi lưu"
        time.sleep(1)
    finally:
        supervisor.terminate()
        assert supervisor.wait(timeout=30) == 0, log.read_text()
    assert len(received.mails) == 2
    assert set(Notification.objects.values_list("mail_state", flat=True)) == {MailState.SENT}
