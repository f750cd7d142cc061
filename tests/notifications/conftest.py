"""A real SMTP server for the notification tests: aiosmtpd on a free local port, in a thread
of the test process, with Django's SMTP backend pointed at it (not the test suite's locmem
outbox): what these tests read is what a mail server received, decoded as a mail client
would."""

import socket
import time
from dataclasses import dataclass
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from django.test import override_settings

from accounts.access import SYSTEM
from people.services import person_create
from tests.conftest import make_user
from tests.training.test_class_life import open_class  # noqa: F401 (a fixture)


@dataclass
class Mail:
    sender: str
    to: list[str]
    subject: str
    body: str


class Received:
    """What the server was sent; `delay` makes it slow (a mail server under load)."""

    def __init__(self) -> None:
        self.mails: list[Mail] = []
        self.delay = 0.0

    async def handle_DATA(self, server, session, envelope) -> str:
        if self.delay:
            time.sleep(self.delay)  # blocks the server's loop: one message at a time
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.mails.append(
            Mail(
                sender=envelope.mail_from,
                to=list(envelope.rcpt_tos),
                # As a mail client shows them: the folded header unfolded, lines as lines.
                subject=str(message["Subject"]).strip(),
                body=message.get_body(("plain",)).get_content().replace("\r\n", "\n"),
            )
        )
        return "250 OK"

    def to(self, address: str) -> list[Mail]:
        return [mail for mail in self.mails if address in mail.to]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def smtp_settings(port: int) -> override_settings:
    return override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=port,
        EMAIL_HOST_USER="",
        EMAIL_HOST_PASSWORD="",
        EMAIL_USE_TLS=False,
        EMAIL_USE_SSL=False,
        EMAIL_TIMEOUT=5,
        DEFAULT_FROM_EMAIL="daotao@congdoan.vn",
        SITE_URL="https://daotao.congdoan.vn",
    )


class Server:
    """An SMTP server that can be started (again) on one port."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.received = Received()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.received, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp_down():
    """Django's SMTP backend pointed at a port nothing listens on (yet): `.start()` brings the
    server up there."""
    server = Server(free_port())
    with smtp_settings(server.port):
        yield server
    server.stop()


@pytest.fixture
def smtp(smtp_down) -> Received:
    """Django's SMTP backend pointed at a running SMTP server: what it received."""
    smtp_down.start()
    return smtp_down.received


@pytest.fixture
def world(tree, open_class):  # noqa: F811
    """Mê Linh's 2-seat open class; a school officer who nominates (the school lies under Mê
    Linh); Nguyễn Văn An's own account (the chair of the school, a self-service cadre); mail
    addresses for all three; two more people of the school, with no account."""
    tree.melinh_officer.email = "melinh@congdoan.vn"
    tree.melinh_officer.save()
    tree.cadre.email = "an.nguyen@example.vn"
    tree.cadre.save()
    tree.school_officer = make_user("truong", tree.school, email="truong@example.vn")
    tree.hoa = person_create(
        user=SYSTEM, unit=tree.school, family_name="Đặng", given_name="Hoa", gender="female"
    )
    tree.tram = person_create(
        user=SYSTEM,
        unit=tree.school,
        family_name="Vũ",
        middle_name="Thị",
        given_name="Trâm",
        gender="female",
    )
    tree.open_class = open_class
    return tree
