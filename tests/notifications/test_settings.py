"""Issue 24 §1: mail settings from the environment. `make run` with nothing set writes mail to
files instead of sending it; an SMTP server set in the environment is used; production refuses
to start without a sender's address (tests/test_production_settings.py)."""

import subprocess
import sys

from tests.test_production_settings import ROOT, development_env, production_value


def development_value(expression: str, **environment) -> str:
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        f"print(repr(({expression})))"
    )
    env = {**development_env(), **environment}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_make_run_writes_mail_to_files_and_sends_nothing():
    assert development_value("s.EMAIL_BACKEND, str(s.EMAIL_FILE_PATH)") == repr(
        ("django.core.mail.backends.filebased.EmailBackend", str(ROOT / "var" / "mail"))
    )


def test_an_smtp_server_from_the_environment_is_used():
    assert development_value(
        "s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_USE_TLS, s.DEFAULT_FROM_EMAIL",
        EMAIL_HOST="smtp.congdoan.vn",
        EMAIL_PORT="587",
        EMAIL_USE_TLS="1",
        DEFAULT_FROM_EMAIL="daotao@congdoan.vn",
    ) == repr(
        (
            "django.core.mail.backends.smtp.EmailBackend",
            "smtp.congdoan.vn",
            587,
            True,
            "daotao@congdoan.vn",
        )
    )


def test_production_sends_through_smtp_with_links_to_the_site():
    assert production_value("s.EMAIL_BACKEND, s.EMAIL_HOST, s.SITE_URL") == repr(
        ("django.core.mail.backends.smtp.EmailBackend", "localhost", "https://daotao.congdoan.vn")
    )
