"""One settings file, every deployment value read from the environment."""

import datetime as dt
import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError(f"{name} must be a boolean, got {value!r}")


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int, minimum: int = 0) -> int:
    value = os.environ.get(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, got {value!r}") from None
    if number < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {number}")
    return number


DEBUG = env_bool("DEBUG", False)
# The development key only serves the local demo; production hardening refuses it (see docs).
DEV_SECRET_KEY = "dev-only-insecure-key-change-me-0123456789abcdef"
SECRET_KEY = os.environ.get("SECRET_KEY", DEV_SECRET_KEY)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
# SCORM lessons run on another origin than the site's (elearning/scorm.py, docs/security.md),
# e.g. https://noidung.congdoan.vn pointing at the same server. Unset, it is this server
# reached as noidung.localhost (development and tests: browsers resolve it to this machine).
SCORM_CONTENT_ORIGIN = os.environ.get("SCORM_CONTENT_ORIGIN", "").strip().rstrip("/")
_scorm_host = (
    SCORM_CONTENT_ORIGIN.split("://", 1)[-1].split("/")[0].rsplit(":", 1)[0]
    if SCORM_CONTENT_ORIGIN
    else "noidung.localhost"
)
ALLOWED_HOSTS.append(_scorm_host)
# A SCORM attempt's key (in the content origin's URLs) opens it for this many hours.
SCORM_TOKEN_HOURS = int(os.environ.get("SCORM_TOKEN_HOURS", "12"))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "accounts",
    "schedule",
    "notifications",
    "units",
    "people",
    "training",
    "standards",
    "targets",
    "planning",
    "cadrework",
    "elearning",
    "imports",
    "reports",
    "calendars",
    "audit",
    "privacy",
    "auditlog",
    "django_tasks",
    "django_tasks_db",
    "api",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # The content origin of SCORM lessons answers their routes only, and sets no cookie.
    "elearning.views.scorm.ContentOriginMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # After OTPMiddleware: a session waiting for its second factor reaches nothing else.
    "accounts.middleware.SecondFactorMiddleware",
    # What a role may see (accounts.access): a route of a kind of data it may not read is 403.
    "accounts.middleware.AccessMiddleware",
    # Who changed what (audit): the request's user and address on every log entry.
    "audit.middleware.AuditMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                # The bell's count of unread notifications (one indexed count, when shown).
                "notifications.context_processors.unread",
            ],
            "libraries": {"numbers": "lib.numbers"},
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}", conn_max_age=0
    )
}
# Lets two suites run side by side on one PostgreSQL server (each its own test database).
if os.environ.get("TEST_DATABASE_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": os.environ["TEST_DATABASE_NAME"]}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory, for the test database: the browser tests' server threads then get
    # their own connections (WAL), as in production, instead of sharing one in-memory cache.
    DATABASES["default"].setdefault("TEST", {}).setdefault(
        "NAME", str(BASE_DIR / ".test-db.sqlite3")
    )
    # WAL lets readers go on while an import writes; IMMEDIATE avoids "database is locked"
    # on upgrade from a read to a write lock.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        # How long a connection waits for another's write lock before "database is locked":
        # a page 20 s; the background worker far longer (run_worker sets it), since nobody
        # waits on it and giving up would cost the job it holds.
        "timeout": float(os.environ.get("SQLITE_BUSY_TIMEOUT", "20")),
    }

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# --- Logging in (docs/deployment.md, "Đăng nhập an toàn") ---------------------------------
# Argon2 first; older hashes still verify and are rewritten with Argon2 at the next login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
# Checked wherever a password is set through a form (admin, "Đổi mật khẩu").
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "accounts.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes refuses a login before checking the password once a username has failed
# AXES_FAILURE_LIMIT times from one address within AXES_COOLOFF_TIME; each refused attempt
# restarts the wait. An administrator unlocks with `manage.py axes_reset_username <name>`.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = dt.timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
# Behind a reverse proxy every request comes from the proxy's address: give the number of
# proxies so that the client's address is read from X-Forwarded-For (set by the proxy). The
# lock-out, the change history and the access log all read it through lib.http.
AXES_CLIENT_IP_CALLABLE = "lib.http.client_address"
if os.environ.get("AXES_PROXY_COUNT"):
    AXES_IPWARE_PROXY_COUNT = int(os.environ["AXES_PROXY_COUNT"])
# Two-factor login (TOTP): optional for everyone, required for system administrators.
OTP_TOTP_ISSUER = "Đào tạo cán bộ công đoàn"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# An API token opens the API for this many days after it is issued (a new password revokes
# the user's tokens sooner): a token copied into a forgotten script does not stay valid.
API_TOKEN_DAYS = env_int("API_TOKEN_DAYS", 90, minimum=1)

# No inline script anywhere (templates load static files); style attributes only are allowed
# (bar widths and a few input widths), not <style> elements. Embedded lesson videos are
# framed from any https address, the rule of elearning.views.learn.embed_src.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "media-src": ["'self'"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-src": ["'self'", "https:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
FORMAT_MODULE_PATH = ["config.formats"]

# Uploaded files (imports, scans, generated reports); never served without a scoped view.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "media/"
# An import whose file is larger than this runs in the background with a progress bar.
IMPORTS_INLINE_BYTES = int(os.environ.get("IMPORTS_INLINE_BYTES", "100000"))
# Limits on reading one uploaded spreadsheet (lib.spreadsheets, in a process of its own):
# memory above what the process already uses, CPU seconds (and 5 more of wall time: under
# gunicorn's timeout, 120 s, as a file under IMPORTS_INLINE_BYTES is read in the request),
# cells one sheet may span, and what an .xlsx/.ods may declare it unpacks to.
SPREADSHEET_MEMORY_MB = int(os.environ.get("SPREADSHEET_MEMORY_MB", "1024"))
SPREADSHEET_SECONDS = int(os.environ.get("SPREADSHEET_SECONDS", "60"))
SPREADSHEET_MAX_CELLS = int(os.environ.get("SPREADSHEET_MAX_CELLS", "20000000"))
SPREADSHEET_UNPACKED_MB = int(os.environ.get("SPREADSHEET_UNPACKED_MB", "500"))

# The change history (audit app): auditlog's entries with where each belongs (audit.models).
AUDITLOG_LOGENTRY_MODEL = "audit.LogEntry"
# auditlog's own entry table would never be used, and its foreign keys would stop PostgreSQL
# from emptying the tables it points to (flush, restore): its migrations are not run (and
# audit's migration 0003 drops the table an earlier migrate left).
MIGRATION_MODULES = {"auditlog": None}

STATIC_URL = "static/"
# Development serves from the finders (below): no collected directory, so WhiteNoise has none
# to look for (it warned "No directory at: staticfiles/" at every start). Production sets it.
STATIC_ROOT = None
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Serve from the finders so `make run` needs no collectstatic step.
WHITENOISE_USE_FINDERS = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

NINJA_PAGINATION_PER_PAGE = 50

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    # 403/404 answers are the scope working, not incidents: log server errors only.
    "loggers": {"django.request": {"level": "ERROR"}},
}

# Background work (recomputing targets, later imports and reports): the database queue runs
# in `manage.py db_worker` (started by `make run`); TASKS_BACKEND=immediate runs tasks inline.
TASKS = {
    "default": {
        "BACKEND": {
            "database": "django_tasks_db.DatabaseBackend",
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
        }[os.environ.get("TASKS_BACKEND", "database")],
    }
}
# Above this many units a snapshot of the targets is computed in the background with a
# progress bar; below it, the page computes it at once.
TARGETS_INLINE_UNITS = int(os.environ.get("TARGETS_INLINE_UNITS", "5000"))

# --- Mail (notifications; docs/deployment.md, "Thư điện tử") -----------------------------
# SMTP from the environment. In development with nothing set, mail is written to files under
# EMAIL_FILE_PATH (var/mail/) instead of being sent, so `make run` mails no one by accident;
# production sends through EMAIL_HOST (a local mail server on port 25 unless set).
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)  # STARTTLS, usually port 587
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)  # TLS from the start, usually port 465
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ValueError("EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be on: choose one")
# Seconds before a silent mail server is given up on (the notice is tried again later).
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20, minimum=1)
if os.environ.get("EMAIL_BACKEND"):
    EMAIL_BACKEND = os.environ["EMAIL_BACKEND"]
elif EMAIL_HOST or env_bool("PRODUCTION", False):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_HOST = EMAIL_HOST or "localhost"
EMAIL_FILE_PATH = Path(os.environ.get("EMAIL_FILE_PATH", BASE_DIR / "var" / "mail"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "daotao@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The site's address as users reach it, for the links in mail (`make run`'s by default;
# production: the first of ALLOWED_HOSTS over https unless set).
SITE_URL = os.environ.get("SITE_URL", "").rstrip("/") or (
    "" if env_bool("PRODUCTION", False) else "http://127.0.0.1:8000"
)
# Yesterday's daily digests go out from this hour (local time) on, at the worker's next round.
NOTIFICATIONS_DIGEST_HOUR = env_int("NOTIFICATIONS_DIGEST_HOUR", 7)
if NOTIFICATIONS_DIGEST_HOUR > 23:
    raise ValueError(f"NOTIFICATIONS_DIGEST_HOUR must be 0 to 23, got {NOTIFICATIONS_DIGEST_HOUR}")
# A notice's mail is tried this many times (1, 2, 4 … minutes apart, at most 6 hours), then
# given up on (`manage.py deliver_notifications --retry-failed` tries again).
NOTIFICATIONS_MAX_ATTEMPTS = env_int("NOTIFICATIONS_MAX_ATTEMPTS", 10, minimum=1)

# --- Production mode (docs/deployment.md) ------------------------------------------------
# PRODUCTION=1 (set by `make serve`) reads every deployment value from the environment and
# refuses to start with an unsafe one. Without it nothing above changes: `make run` and the
# test suite keep their development defaults.
PRODUCTION = env_bool("PRODUCTION", False)

if PRODUCTION:
    from django.core.exceptions import ImproperlyConfigured

    def refuse(name: str, why: str):
        raise ImproperlyConfigured(
            f"PRODUCTION=1: {name} {why} (see docs/deployment.md). Refusing to start."
        )

    if DEBUG:
        refuse("DEBUG", "must be off in production: unset DEBUG or set DEBUG=0")

    _key = os.environ.get("SECRET_KEY", "")
    if not _key:
        refuse(
            "SECRET_KEY",
            "is not set; generate one with "
            "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`",
        )
    if _key == DEV_SECRET_KEY:
        refuse("SECRET_KEY", "is the development key shipped in the source code")
    if len(_key) < 50:
        refuse("SECRET_KEY", f"is too short ({len(_key)} characters, at least 50 needed)")
    if (
        len(set(_key)) < 10
        or _key.startswith("django-insecure-")
        or any(word in _key.lower() for word in ("insecure", "change-me", "changeme"))
    ):
        refuse("SECRET_KEY", "is too weak (few distinct characters or a placeholder value)")

    if not os.environ.get("ALLOWED_HOSTS", "").strip():
        refuse("ALLOWED_HOSTS", "is not set: list the server's host names, comma-separated")
    if "*" in ALLOWED_HOSTS:
        refuse("ALLOWED_HOSTS", "must not contain '*': list the server's host names")

    if SCORM_CONTENT_ORIGIN:  # SCORM packages run there: never on the site's own origin
        if not SCORM_CONTENT_ORIGIN.startswith("https://"):
            refuse("SCORM_CONTENT_ORIGIN", "must be an https:// address")
        if _scorm_host in env_list("ALLOWED_HOSTS", ""):
            refuse("SCORM_CONTENT_ORIGIN", "must be another host name than the site's")

    if not os.environ.get("DATABASE_URL"):
        refuse("DATABASE_URL", "is not set: give postgres://user:password@host:5432/name")
    if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        refuse("DATABASE_URL", "must point to PostgreSQL (SQLite is for development only)")
    # Workers keep their connection between requests, checked before reuse.
    DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("CONN_MAX_AGE", "60"))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

    # Notifications are mailed from a real address, which the union's mail server accepts.
    _from = os.environ.get("DEFAULT_FROM_EMAIL", "").strip()
    if not _from:
        refuse(
            "DEFAULT_FROM_EMAIL",
            "is not set: give the address notifications are mailed from, e.g. daotao@congdoan.vn",
        )
    if "@" not in _from or _from.endswith("@localhost"):
        refuse("DEFAULT_FROM_EMAIL", f"is not a mail address others can answer: {_from!r}")
    SITE_URL = SITE_URL or f"https://{ALLOWED_HOSTS[0]}"

    # Origins allowed to POST when the site is reached through another scheme or host,
    # e.g. https://daotao.congdoan.vn (comma-separated).
    CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

    # HTTPS: redirect plain HTTP, secure cookies, HSTS. Behind a TLS-terminating proxy set
    # SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO,https (and let the proxy set the header).
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    if os.environ.get("SECURE_PROXY_SSL_HEADER"):
        _header, _, _value = os.environ["SECURE_PROXY_SSL_HEADER"].partition(",")
        if not _header.strip() or not _value.strip():
            refuse("SECURE_PROXY_SSL_HEADER", "must look like HTTP_X_FORWARDED_PROTO,https")
        SECURE_PROXY_SSL_HEADER = (_header.strip(), _value.strip())
        # The proxy then redirects plain HTTP itself; Django's own redirect is optional and
        # the check asking for it does not apply. Without a proxy it does (make serve refuses).
        if not SECURE_SSL_REDIRECT:
            SILENCED_SYSTEM_CHECKS = ["security.W008"]
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_HTTPONLY = True
    # The e-learning PDF view allows SAMEORIGIN for itself; every other page refuses frames.
    X_FRAME_OPTIONS = "DENY"
    # Sessions end after a working day (seconds) or when the browser closes.
    SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 3600)))
    SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", True)

    # Static files: collected once (`make serve` runs collectstatic), served by WhiteNoise
    # compressed and with content-hashed names cached for a year.
    STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
    STORAGES["staticfiles"] = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}
    WHITENOISE_USE_FINDERS = False

    # Everything to stderr (gunicorn and the worker pass it on to the journal or terminal).
    LOGGING["formatters"] = {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(process)d %(message)s"}
    }
    LOGGING["handlers"]["console"].update({"formatter": "plain", "stream": "ext://sys.stderr"})
