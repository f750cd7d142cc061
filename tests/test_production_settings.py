"""Production mode (PRODUCTION=1, `make serve`): safe settings pass `check --deploy`, unsafe
ones refuse to start naming the variable, and `make serve` really serves on PostgreSQL."""

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
STRONG_KEY = "k7Qx2mVf9LpR4tWz8NcB1yHs6JdG3aEu5KoT0iPv_XnMq-ZrYbFwCeLhDgSjUlAoI"
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
# Everything the settings read, so that the caller's environment cannot leak in.
SETTINGS_VARS = [
    "PRODUCTION",
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "TEST_DATABASE_NAME",
    "CSRF_TRUSTED_ORIGINS",
    "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SESSION_COOKIE_AGE",
    "SESSION_EXPIRE_AT_BROWSER_CLOSE",
    "STATIC_ROOT",
    "CONN_MAX_AGE",
    "WEB_CONCURRENCY",
    "GUNICORN_THREADS",
    "HOST",
    "PORT",
    "MAKEFLAGS",
    "MAKELEVEL",
    "MFLAGS",
    "AXES_FAILURE_LIMIT",
    "AXES_COOLOFF_MINUTES",
    "AXES_PROXY_COUNT",
    # Set by the browser tests' conftest in this process; check --deploy rightly refuses it.
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "DEFAULT_FROM_EMAIL",
    "EMAIL_BACKEND",
    "EMAIL_HOST",
    "EMAIL_PORT",
    "EMAIL_HOST_USER",
    "EMAIL_HOST_PASSWORD",
    "EMAIL_USE_TLS",
    "EMAIL_USE_SSL",
    "EMAIL_TIMEOUT",
    "EMAIL_FILE_PATH",
    "SITE_URL",
    "NOTIFICATIONS_DIGEST_HOUR",
    "NOTIFICATIONS_MAX_ATTEMPTS",
]


def production_env(**overrides):
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARS}
    env.update(
        PRODUCTION="1",
        SECRET_KEY=STRONG_KEY,
        ALLOWED_HOSTS="daotao.congdoan.vn",
        DATABASE_URL=f"{PG_SERVER}/test",
        DEFAULT_FROM_EMAIL="daotao@congdoan.vn",
    )
    for name, value in overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def check_deploy(**overrides):
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env(**overrides),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_safe_production_settings_pass_check_deploy():
    result = check_deploy()
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


@pytest.mark.parametrize(
    "overrides, variable",
    [
        ({"SECRET_KEY": None}, "SECRET_KEY is not set"),
        (
            {"SECRET_KEY": "dev-only-insecure-key-change-me-0123456789abcdef"},
            "SECRET_KEY is the development key",
        ),
        ({"SECRET_KEY": "tooShort-3f9a1c"}, "SECRET_KEY is too short"),
        ({"SECRET_KEY": "ab" * 30}, "SECRET_KEY is too weak"),
        ({"SECRET_KEY": "django-insecure-" + STRONG_KEY}, "SECRET_KEY is too weak"),
        ({"DEBUG": "1"}, "DEBUG must be off"),
        ({"ALLOWED_HOSTS": "*"}, "ALLOWED_HOSTS must not contain '*'"),
        ({"ALLOWED_HOSTS": "daotao.congdoan.vn,*"}, "ALLOWED_HOSTS must not contain '*'"),
        ({"ALLOWED_HOSTS": None}, "ALLOWED_HOSTS is not set"),
        ({"DATABASE_URL": None}, "DATABASE_URL is not set"),
        ({"DATABASE_URL": "sqlite:////tmp/prod.sqlite3"}, "DATABASE_URL must point to PostgreSQL"),
        ({"SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto"}, "SECURE_PROXY_SSL_HEADER must look"),
        ({"DEFAULT_FROM_EMAIL": None}, "DEFAULT_FROM_EMAIL is not set"),
        ({"DEFAULT_FROM_EMAIL": "daotao@localhost"}, "DEFAULT_FROM_EMAIL is not a mail address"),
    ],
)
def test_unsafe_values_refuse_to_start(overrides, variable):
    result = check_deploy(**overrides)
    assert result.returncode != 0
    assert f"ImproperlyConfigured: PRODUCTION=1: {variable}" in result.stderr


def test_plain_http_is_refused_unless_a_tls_proxy_redirects():
    result = check_deploy(SECURE_SSL_REDIRECT="0")
    assert result.returncode != 0 and "security.W008" in result.stderr
    behind_proxy = check_deploy(
        SECURE_SSL_REDIRECT="0", SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO,https"
    )
    assert behind_proxy.returncode == 0, behind_proxy.stderr
    # Lowering HSTS protection is a warning too: make serve would refuse it.
    assert check_deploy(SECURE_HSTS_SECONDS="0").returncode != 0


def development_env() -> dict:
    """The caller's environment without any setting: development mode, as `make run`."""
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARS}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    return env


def test_development_settings_are_unchanged():
    code = (
        "from django.conf import settings as s; print(s.PRODUCTION, s.DEBUG, "
        "s.SESSION_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.WHITENOISE_USE_FINDERS, "
        "s.STORAGES['staticfiles']['BACKEND'].rsplit('.', 1)[1], s.SESSION_COOKIE_AGE)"
    )
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); " + code],
        cwd=ROOT,
        env=development_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.split() == [
        "False",
        "False",
        "False",
        "False",
        "True",
        "StaticFilesStorage",
        "1209600",
    ]


def test_development_starts_without_a_warning():
    """Issue 23 §8: "startup prints a “No directory at staticfiles” warning"."""
    env = development_env()
    result = subprocess.run(
        [sys.executable, "-W", "error", "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0 and not result.stderr, result.stderr
    code = (
        "import warnings, django; warnings.simplefilter('error', UserWarning); django.setup(); "
        "from config.wsgi import application; from django.test import Client; "
        "print(Client().get('/static/css/app.css').status_code)"
    )
    served = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert served.stdout.split() == ["200"], served.stderr
    assert "Warning" not in served.stderr.replace("ResourceWarning", ""), served.stderr


def production_value(expression: str, **overrides) -> str:
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        f"print(repr(({expression})))"
    )
    env = production_env(**overrides)
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_production_sessions_expire_and_cookies_are_secure_and_http_only():
    assert (
        production_value(
            "s.SESSION_COOKIE_AGE, s.SESSION_EXPIRE_AT_BROWSER_CLOSE, s.SESSION_COOKIE_SECURE, "
            "s.SESSION_COOKIE_HTTPONLY, s.CSRF_COOKIE_SECURE"
        )
        == "(28800, True, True, True, True)"
    )
    assert production_value("s.SESSION_COOKIE_AGE", SESSION_COOKIE_AGE="3600") == "3600"


def test_production_keeps_the_login_hardening_and_the_content_security_policy():
    middleware = production_value("s.MIDDLEWARE")
    for name in (
        "csp.middleware.CSPMiddleware",
        "django_otp.middleware.OTPMiddleware",
        "accounts.middleware.SecondFactorMiddleware",
        "axes.middleware.AxesMiddleware",
    ):
        assert name in middleware
    assert (
        production_value("s.AUTHENTICATION_BACKENDS[0], s.PASSWORD_HASHERS[0]")
        == "('axes.backends.AxesStandaloneBackend', "
        "'django.contrib.auth.hashers.Argon2PasswordHasher')"
    )
    assert (
        production_value("s.CONTENT_SECURITY_POLICY['DIRECTIVES']['script-src']") == "[\"'self'\"]"
    )


def test_behind_a_proxy_the_lock_out_reads_the_clients_address_from_x_forwarded_for():
    # The settings only; tests/accounts/test_lockout.py shows the lock following the address.
    assert production_value("getattr(s, 'AXES_IPWARE_PROXY_COUNT', None)") == "None"
    assert (
        production_value(
            "s.AXES_IPWARE_PROXY_COUNT, s.AXES_CLIENT_IP_CALLABLE, "
            "s.AXES_FAILURE_LIMIT, s.AXES_COOLOFF_TIME.seconds",
            AXES_PROXY_COUNT="1",
            AXES_FAILURE_LIMIT="10",
            AXES_COOLOFF_MINUTES="15",
        )
        == "(1, 'lib.http.client_address', 10, 900)"
    )


def test_make_serve_refuses_before_starting_anything():
    result = subprocess.run(
        ["make", "-s", "serve"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=production_env(DATABASE_URL="sqlite:////tmp/prod.sqlite3", PORT=str(free_port())),
        timeout=120,
    )
    assert result.returncode != 0
    assert "DATABASE_URL must point to PostgreSQL" in result.stderr
    assert "nothing was started" in result.stderr
    assert "Serving on" not in result.stdout
    assert "Traceback" not in result.stderr  # one clear line, not a stack trace


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def psql(sql):
    return subprocess.run(
        ["psql", f"{PG_SERVER}/postgres", "-v", "ON_ERROR_STOP=1", "-qc", sql],
        capture_output=True,
        text=True,
        timeout=60,
    )


def get(url, **headers):
    request = urllib.request.Request(url, headers=headers)
    opener = urllib.request.build_opener(NoRedirect)
    try:
        return opener.open(request, timeout=60)
    except urllib.error.HTTPError as error:
        return error


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def background_worker(session: int) -> int | None:
    """The pid of the `db_worker` process of `make serve`'s session, if one runs."""
    found = subprocess.run(
        ["pgrep", "-s", str(session), "-f", "manage.py db_worker"], capture_output=True, text=True
    ).stdout.split()
    return int(found[0]) if found else None


def test_make_serve_serves_on_postgresql(tmp_path):
    """The whole `make serve`: checks, migrate, collectstatic, worker and gunicorn on a
    private PostgreSQL database, behind a (simulated) TLS proxy; a background worker killed
    is started again while the web server serves on; Ctrl+C stops everything."""
    try:
        reachable = psql("SELECT 1").returncode == 0
    except FileNotFoundError:
        reachable = False
    if not reachable:
        pytest.skip("no PostgreSQL server at 127.0.0.1:5432")
    name = f"serve_smoke_{os.getpid()}"
    psql(f"DROP DATABASE IF EXISTS {name}")
    assert psql(f"CREATE DATABASE {name}").returncode == 0
    port = free_port()
    log = tmp_path / "serve.log"
    env = production_env(
        DATABASE_URL=f"{PG_SERVER}/{name}",
        ALLOWED_HOSTS="127.0.0.1",
        PORT=str(port),
        WEB_CONCURRENCY="2",
        STATIC_ROOT=str(tmp_path / "static"),
        SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO,https",
    )
    with open(log, "w") as out:
        server = subprocess.Popen(
            ["make", "-s", "serve"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert server.poll() is None, log.read_text()
            try:
                page = get(f"{base}/login/", **{"X-Forwarded-Proto": "https"})
                break
            # Refused until gunicorn listens; a busy machine can also time a first answer out.
            except (ConnectionError, TimeoutError, urllib.error.URLError):
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.5)
        html = page.read().decode()
        assert page.status == 200 and "Đăng nhập" in html
        assert (
            "max-age=31536000; includeSubDomains; preload"
            == page.headers["Strict-Transport-Security"]
        )
        assert page.headers["X-Frame-Options"] == "DENY"
        csp = page.headers["Content-Security-Policy"]
        assert "script-src 'self';" in csp + ";" and "frame-ancestors 'none'" in csp
        assert all("Secure" in c for c in page.headers.get_all("Set-Cookie") or [])
        # Static files: hashed names from the manifest, compressed, cached for long.
        static = re.search(r'(/static/[^"]+\.[0-9a-f]{12}\.css)"', html)
        assert static, html
        asset = get(
            base + static.group(1), **{"Accept-Encoding": "gzip", "X-Forwarded-Proto": "https"}
        )
        assert asset.status == 200 and asset.headers["Content-Encoding"] == "gzip"
        assert "max-age=315360000" in asset.headers["Cache-Control"]
        # Plain HTTP is redirected to HTTPS.
        plain = get(f"{base}/login/")
        assert plain.status == 301 and plain.headers["Location"].startswith("https://")
        text = log.read_text()
        assert "Booting worker" in text and "GET /login/" in text  # gunicorn + access log
        assert len(re.findall(r"Booting worker with pid", text)) == 2
        # Issue 18: a background worker that dies on a job is started again, and the web
        # server goes on serving meanwhile.
        deadline = time.monotonic() + 60
        while (first := background_worker(server.pid)) is None:  # it may start after gunicorn
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        os.kill(first, signal.SIGKILL)
        assert get(f"{base}/login/", **{"X-Forwarded-Proto": "https"}).status == 200
        deadline = time.monotonic() + 60
        while background_worker(server.pid) in (None, first):
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        assert server.poll() is None
        assert "run_worker: the worker stopped (status -9)" in log.read_text()
        assert get(f"{base}/login/", **{"X-Forwarded-Proto": "https"}).status == 200
    finally:
        os.killpg(server.pid, signal.SIGINT)  # what Ctrl+C sends
        try:
            server.wait(timeout=30)
        finally:
            time.sleep(0.5)
            leftover = subprocess.run(
                ["pgrep", "-s", str(server.pid)], capture_output=True, text=True
            ).stdout.split()
            if leftover:
                os.killpg(server.pid, signal.SIGKILL)
            psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    assert not leftover, f"left running: {leftover}\n{log.read_text()}"
