"""Settings for 党群一张网, read from the environment.

Environment variables (all optional on a developer machine):

- ``DATABASE_URL``: e.g. ``postgres://postgres@127.0.0.1:5432/dangqun``. Unset: SQLite (WAL) in ``var/``.
- ``DJANGO_SECRET_KEY``: required when ``DJANGO_DEBUG`` is off; in debug a key is generated once
  into ``var/secret_key`` (never committed).
- ``DJANGO_DEBUG``: ``1`` for development (the default), ``0`` for production.
- ``DJANGO_ALLOWED_HOSTS``: comma-separated host names.
- ``DJANGO_SECURE``: ``1`` to force HTTPS-only cookies, HSTS and redirects (production behind TLS).
- ``REDIS_URL``: e.g. ``redis://127.0.0.1:6379/0``: the cache, cached sessions and rate limits shared
  by every app process (``dangqun.core.cache``: an outage degrades to a per-process cache, never a 500).
- ``DANGQUN_STATIC_MANIFEST``: ``1`` to serve static files from ``collectstatic``'s hashed, compressed
  copies (WhiteNoise; ``make serve-prod`` sets it and runs ``collectstatic`` first).
- ``DANGQUN_LOG_FORMAT``: ``json`` (default when ``DJANGO_DEBUG=0``) or ``text``.
- ``DANGQUN_METRICS_TOKEN``: bearer token for ``/metrics``; unset, only loopback clients may scrape.
  Deployment (gunicorn, the proxy, the probes): docs/deployment.md.
- ``DANGQUN_VAR_DIR``: where SQLite, uploads and generated keys live (default ``./var``).
- ``DANGQUN_FIELD_KEYS``: Fernet keys for personal data at rest, comma-separated; the first
  encrypts, all decrypt. ``DANGQUN_HASH_KEYS``: HMAC keys (at least 32 characters) for the
  searchable hashes, the first writes. Both required when ``DJANGO_DEBUG`` is off; in debug one of
  each is generated into ``var/field_keys`` and ``var/hash_keys`` (see ``dangqun.core.pii``).
"""

from __future__ import annotations

import base64
import binascii
import os
import secrets
import time
from collections.abc import Callable
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("DANGQUN_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", True)
TESTING = env_bool("DANGQUN_TESTING", False)


def _generated(name: str, make: Callable[[], str]) -> str:
    """A key generated once into ``var/<name>`` (debug only). Created exclusively, so that
    processes starting together (test workers, the server and its worker) share one key."""
    key_file = VAR_DIR / name
    try:
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        for _ in range(100):
            text = key_file.read_text().strip()
            if text:
                return text
            time.sleep(0.05)  # another process created the file and is writing it
        raise RuntimeError(f"{key_file} is empty: delete it to generate a new key") from None
    with os.fdopen(fd, "w") as handle:
        handle.write(make())
    return key_file.read_text().strip()


def _secret_key() -> str:
    key = os.environ.get("DJANGO_SECRET_KEY", "")
    if key:
        return key
    if not DEBUG:
        raise RuntimeError("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG=0")
    return _generated("secret_key", lambda: secrets.token_urlsafe(50))


def _is_fernet_key(key: str) -> bool:
    try:
        return len(base64.urlsafe_b64decode(key.encode("ascii"))) == 32 and len(key) == 44
    except (binascii.Error, ValueError):
        return False


def _pii_keys(name: str, file_name: str, make: Callable[[], str]) -> list[str]:
    """Comma-separated keys from the environment; in debug, generated into ``var/`` once."""
    keys = env_list(name, "")
    if not keys:
        if not DEBUG:
            raise RuntimeError(f"{name} must be set when DJANGO_DEBUG=0 (see README, Configuration)")
        keys = [k.strip() for k in _generated(file_name, make).split(",") if k.strip()]
    return keys


SECRET_KEY = _secret_key()
DANGQUN_FIELD_KEYS = _pii_keys(
    "DANGQUN_FIELD_KEYS", "field_keys", lambda: base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
)
if not all(_is_fernet_key(k) for k in DANGQUN_FIELD_KEYS):
    raise RuntimeError("DANGQUN_FIELD_KEYS holds a key that is not a Fernet key (32 bytes, URL-safe base64)")
DANGQUN_HASH_KEYS = _pii_keys("DANGQUN_HASH_KEYS", "hash_keys", lambda: secrets.token_urlsafe(48))
if any(len(k) < 32 for k in DANGQUN_HASH_KEYS):
    raise RuntimeError("DANGQUN_HASH_KEYS holds a key shorter than 32 characters")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "config.apps.StaticFilesConfig",  # django.contrib.staticfiles without the vendors' unused builds
    "django.contrib.humanize",
    "ninja",
    "dangqun.core.thirdparty.AxesConfig",  # django-axes, with a Chinese section name
    "import_export",
    "django_tasks",
    "dangqun.core.thirdparty.TasksDatabaseConfig",  # django_tasks_db, likewise
    "dangqun.core",
    "dangqun.regions",
    "dangqun.orgs",
    "dangqun.accounts",
    "dangqun.registry",
    "dangqun.notify",
    "dangqun.party",
    "dangqun.cases",
    "dangqun.triage",
    "dangqun.analytics",
    "dangqun.open311",
    "dangqun.exchange",
    "dangqun.community",
    "dangqun.gridwork",
    "dangqun.partywork",
    "dangqun.volunteers",
    "dangqun.civic",
    "dangqun.api",
    "dangqun.web",
    "dangqun.demo",
]

MIDDLEWARE = [
    "dangqun.core.logs.RequestIdMiddleware",  # first: every log line of the request carries its id
    "dangqun.core.metrics.MetricsMiddleware",
    "dangqun.core.probes.ProbeMiddleware",  # /healthz /readyz /metrics: before the host check
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",  # static files, before sessions and the rest
    "dangqun.core.security.SecurityHeadersMiddleware",
    "dangqun.core.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "dangqun.core.locale.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "dangqun.core.ratelimit.RateLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "dangqun.core.gcfreeze.GcFreezeMiddleware",
]
# After this many requests a process freezes its warmed-up heap out of the GC's way (core.gcfreeze).
DANGQUN_GC_FREEZE_AFTER = int(os.environ.get("DANGQUN_GC_FREEZE_AFTER", "0" if TESTING else "20"))

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "dangqun.web.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------
SQLITE_PATH = VAR_DIR / ("test.sqlite3" if TESTING else "dangqun.sqlite3")
DATABASE_URL = os.environ.get("DATABASE_URL", "")
# Seconds a request thread keeps its database connection. 0 under a server that starts a thread per
# request (runserver: the browser tests' server), where a kept connection only waits to be collected.
CONN_MAX_AGE = int(os.environ.get("DANGQUN_DB_CONN_MAX_AGE", "60"))
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(DATABASE_URL, conn_max_age=CONN_MAX_AGE, conn_health_checks=True)
    }
    # A server that does not answer fails the request after this many seconds (503, see
    # dangqun.core.dbfaults) instead of holding the worker; a refused connection fails at once.
    if DATABASES["default"]["ENGINE"].endswith("postgresql"):
        DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
            "connect_timeout", int(os.environ.get("DANGQUN_DB_CONNECT_TIMEOUT", "5"))
        )
    if TESTING:
        # One test database per test run, so that runs from two checkouts never drop each other's.
        DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_{os.getpid()}"}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(SQLITE_PATH),
            "OPTIONS": {
                # WAL lets readers run beside the one writer; IMMEDIATE takes the write lock at
                # BEGIN so two writers queue on the busy timeout instead of failing mid-transaction.
                "init_command": (
                    "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;"
                    "PRAGMA foreign_keys=ON;PRAGMA busy_timeout=20000;"
                ),
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
            # A connection kept open between requests keeps the WAL index (-wal, -shm) in place: on
            # a disk that takes no more bytes, reads go on (a new connection would have to create
            # them); and a request saves the open and the PRAGMAs.
            "CONN_MAX_AGE": CONN_MAX_AGE,
            "CONN_HEALTH_CHECKS": True,
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "dangqun.core.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("DANGQUN_CACHE_PREFIX", "dangqun"),
        }
    }
    # Sessions read from Redis, written through to the database: shared by every process, and still
    # there when Redis restarts empty.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Dashboards (command centre home, 大屏, district/street pages) keep their KPI reports and registry
# counts this many seconds per scope, period and language: the daily KPI rollup itself is refreshed
# by the worker every minute. 0 turns the cache off (the test suite's default: tests assert live
# figures right after a move).
DANGQUN_DASHBOARD_CACHE_SECONDS = int(
    os.environ.get("DANGQUN_DASHBOARD_CACHE_SECONDS", "0" if TESTING else "60")
)

# --- Background tasks -----------------------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": os.environ.get("DANGQUN_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# --- Intake's extension point (dangqun.cases.backends) ---------------------------------------------
# Named here, loaded once per process. Empty: intake runs without triage (no suggestion, no placing by
# a typed address, no follow-up job).
DANGQUN_CLASSIFIER_BACKEND = "dangqun.triage.backends.Classifier"
DANGQUN_LOCATOR_BACKEND = "dangqun.triage.backends.Locator"
# Jobs queued on commit after every submission, in this order (a case merged away is not dispatched).
DANGQUN_INTAKE_JOBS = ["dangqun.triage.jobs.auto_merge", "dangqun.triage.jobs.auto_dispatch"]

# --- Authentication -------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Argon2 at full cost makes every test login ~50 ms; production keeps the real cost.
    PASSWORD_HASHERS = ["dangqun.core.hashers.FastArgon2PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"

# Lockout (django-axes): 5 failures for one username from one address lock it for 15 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("DANGQUN_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "dangqun.web.views.auth.lockout_response"
AXES_VERBOSE = False

# --- Sessions and security headers ----------------------------------------------------------------
SECURE = env_bool("DJANGO_SECURE", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 3600  # one working day
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
CSRF_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = SECURE
SECURE_HSTS_SECONDS = 31536000 if SECURE else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
SECURE_HSTS_PRELOAD = SECURE
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if SECURE else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Content-Security-Policy and Permissions-Policy: dangqun.core.security (extra sources per directive).
DANGQUN_CSP_EXTRA: dict[str, list[str]] = {}

# --- Rate limits (dangqun.core.ratelimit) ---------------------------------------------------------
# Per minute. The test suite logs in hundreds of times a minute from one address, so under
# DANGQUN_TESTING the defaults are out of reach; tests of the limiter set their own rules.
DANGQUN_CLIENT_IP_HEADER = os.environ.get("DANGQUN_CLIENT_IP_HEADER", "")


def _rate(name: str, default: int) -> int:
    return int(os.environ.get(f"DANGQUN_RATE_{name}", 100_000 if TESTING else default))


DANGQUN_RATE_LIMITS = [
    {
        "name": "login",
        "methods": ["POST"],
        "paths": ["/login/", "/api/v1/auth/login"],
        "limit": _rate("LOGIN", 20),
        "per": "ip",
    },
    {
        "name": "intake",
        "methods": ["POST"],
        "paths": ["/api/v1/cases", "/citizen/submit/", "/grid/report/"],
        "limit": _rate("INTAKE", 30),
    },
    {"name": "open311", "methods": ["POST"], "prefixes": ["/open311/"], "limit": _rate("OPEN311", 30)},
]

# --- Internationalisation -------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "dangqun" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns about a missing root
# Production serves the collected files (hashed names, gzip/brotli copies, cached for ever) from the
# app process through WhiteNoise: no separate static server to keep in step with the code.
STATIC_MANIFEST = env_bool("DANGQUN_STATIC_MANIFEST", False)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if STATIC_MANIFEST
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST  # without collectstatic, serve from the apps' folders
# Front-end libraries come from the npm registry through package-lock.json (`npm ci` at set-up time,
# `make install`) and are served as our own static files under /static/vendor/ (never a CDN: district
# intranets are often offline). Each entry: (URL prefix, folder inside node_modules).
NODE_MODULES = BASE_DIR / "node_modules"
VENDOR_ASSETS = [
    ("vendor/htmx", "htmx.org/dist"),
    ("vendor/leaflet", "leaflet/dist"),
    ("vendor/leaflet.markercluster", "leaflet.markercluster/dist"),
    ("vendor/leaflet.heat", "leaflet.heat/dist"),
    ("vendor/echarts", "echarts/dist"),
]
STATICFILES_DIRS = [(prefix, NODE_MODULES / folder) for prefix, folder in VENDOR_ASSETS]
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- Import / export ------------------------------------------------------------------------------
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"

# --- Domain settings ------------------------------------------------------------------------------
DANGQUN = {
    # Map tiles: a URL template such as an intranet tile server or 天地图 with its key. Empty: the
    # maps draw grid polygons on a plain background (works offline).
    "MAP_TILE_URL": os.environ.get("DANGQUN_MAP_TILE_URL", ""),
    "MAP_TILE_ATTRIBUTION": os.environ.get("DANGQUN_MAP_TILE_ATTRIBUTION", ""),
    # The tiles' coordinate system: wgs84, gcj02 (AMap/高德, Tencent) or bd09 (Baidu). Empty: guessed
    # from the tile URL's host (dangqun.web.mapcrs). Map pages draw our WGS-84 data shifted to it.
    "MAP_TILE_CRS": os.environ.get("DANGQUN_MAP_TILE_CRS", ""),
    # How often an app process re-checks whether grid boundaries changed elsewhere (seconds).
    "GEO_INDEX_CHECK_SECONDS": float(os.environ.get("DANGQUN_GEO_INDEX_CHECK_SECONDS", "5")),
    # Case codes: <PREFIX>-<YYYYMMDD>-<NNNNNN> (元宝 → YB).
    "CASE_CODE_PREFIX": os.environ.get("DANGQUN_CASE_CODE_PREFIX", "YB"),
    # Smart triage: a case whose predicted category has at least this confidence (0..1) and whose
    # routing rules name a lead unit is accepted and dispatched by the system. Empty or 0: off.
    "TRIAGE_AUTO_DISPATCH_CONFIDENCE": os.environ.get("DANGQUN_TRIAGE_AUTO_DISPATCH_CONFIDENCE", ""),
    # Where is it: a case with only a typed address is placed when the match is at least this sure.
    "TRIAGE_ADDRESS_CONFIDENCE": os.environ.get("DANGQUN_TRIAGE_ADDRESS_CONFIDENCE", "0.8"),
    # Duplicates (并单): the time window (days) and the score (0..1) above which the system merges a
    # new case into an older one on its own. Empty or 0: off (the dispatcher merges).
    "TRIAGE_DUPLICATE_DAYS": os.environ.get("DANGQUN_TRIAGE_DUPLICATE_DAYS", "7"),
    "TRIAGE_AUTO_MERGE_SCORE": os.environ.get("DANGQUN_TRIAGE_AUTO_MERGE_SCORE", ""),
    "UPLOAD_MAX_BYTES": {"image": 10 * 1024 * 1024, "document": 20 * 1024 * 1024},  # core.uploads caps
    "WORKDAY_HOURS": ((8, 30, 12, 0), (13, 0, 17, 30)),  # working spans (local time): 8 h a workday
    # Deadline lights: yellow when less than this share of the allowed working time is left.
    "YELLOW_FRACTION": float(os.environ.get("DANGQUN_YELLOW_FRACTION", "0.25")),
    # How often a process re-reads the admin's working-calendar overrides (seconds).
    "WORKCAL_CHECK_SECONDS": float(os.environ.get("DANGQUN_WORKCAL_CHECK_SECONDS", "60")),
    # The demo's calendar (dangqun.demo, docs/demo.md): ``seed_demo`` ends its year at this day
    # ("today": the current hour; a date YYYY-MM-DD: 10:00 that day). The tests pin the reference day.
    "DEMO_ANCHOR": os.environ.get("DANGQUN_DEMO_ANCHOR", "2026-11-22" if TESTING else "today"),
    # A demo server keeps its demo alive (dangqun.demo.jobs.demo_tick: new cases trickle in, units
    # work on them). Off unless set: ``make run`` sets DANGQUN_DEMO_TICK=1; never on a real district.
    "DEMO_TICK": env_bool("DANGQUN_DEMO_TICK", False),
    # Periodic jobs (dotted path of a django-tasks task, every N seconds), enqueued by run_scheduler.
    "PERIODIC_JOBS": [
        ("dangqun.cases.jobs.sweep_cases", 60),  # overdue sweep: lights, breach, escalation
        ("dangqun.analytics.jobs.rollup_kpis", 60),  # KPI daily rollup of closed and changed days
        # retrain triage from the dispatchers' confirmations, once a day
        (
            "dangqun.triage.jobs.retrain_triage",
            float(os.environ.get("DANGQUN_TRIAGE_RETRAIN_SECONDS", "86400")),
        ),
        ("dangqun.triage.jobs.refresh_hotspots", 600),  # hotspots (热点) of the last 90 days
        ("dangqun.notify.jobs.redeliver_stuck", 300),  # deliveries whose job was lost
        *([("dangqun.demo.jobs.demo_tick", 20)] if env_bool("DANGQUN_DEMO_TICK", False) else []),
    ],
    # A background job still running after this long lost its worker and is queued again
    # (dangqun.core.jobs; a worker of this machine that died is seen at once). Longer than any job.
    "JOB_LEASE_SECONDS": float(os.environ.get("DANGQUN_JOB_LEASE_SECONDS", "3600")),
    # Schedulers on several nodes: one leads (dangqun.core.leader); when it dies another takes over
    # within this many seconds × 4/3 (it renews and the others try every third of it).
    "SCHEDULER_LEASE_SECONDS": float(os.environ.get("DANGQUN_SCHEDULER_LEASE_SECONDS", "30")),
    # Open311 GeoReport: origins whose browser clients may call it (CORS, dangqun.core.cors; "*" for
    # any, or a comma-separated allow-list), and how long a signed URL of an uploaded photo lasts.
    "OPEN311_CORS_ORIGINS": env_list("DANGQUN_OPEN311_CORS_ORIGINS", "*"),
    "OPEN311_MEDIA_URL_SECONDS": int(os.environ.get("DANGQUN_OPEN311_MEDIA_URL_SECONDS", str(7 * 24 * 3600))),
    # External notification channels (dangqun.notify.channels): every name only logs until configured.
    "NOTIFY_CHANNELS": {
        n: {"BACKEND": "dangqun.notify.channels.LoggingChannel"}
        for n in ("sms", "wecom", "dingtalk", "email")
    },
}

# --- Probes, metrics, logs (dangqun.core.probes, .metrics, .logs; docs/deployment.md) -----------------
DANGQUN_METRICS_TOKEN = os.environ.get("DANGQUN_METRICS_TOKEN", "")
# Gauges of the layers above core, read at each scrape of /metrics.
DANGQUN_METRICS_COLLECTORS = ["dangqun.cases.metrics.CaseStatusCollector"]
# The probes answer plain HTTP from the proxy and the orchestrator, even where HTTPS is forced.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
LOG_FORMAT = os.environ.get("DANGQUN_LOG_FORMAT", "text" if DEBUG else "json")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "dangqun.core.logs.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "dangqun.core.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "json" if LOG_FORMAT == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
