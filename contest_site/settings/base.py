"""Settings shared by every environment.

Everything that differs between machines comes from the environment (see `.env.example`).
With no variable set the project runs on the embedded default: SQLite, Celery inline,
console e-mail (see `local.py`).
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab  # noqa: F401  (kept for schedules written as crontab)
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "treebeard",
    "axes",
    "csp",
    "contests",
    "participants",
    "essays",
    "scoring",
    "learning",
    "integrity",
    "reports",
    "devdata",
]

MIDDLEWARE = [
    # First: every log line of the request, and every task it publishes, carries its id; the
    # metrics time the whole stack (contest_site/request_id.py, contest_site/metrics.py).
    "contest_site.request_id.RequestIdMiddleware",
    "contest_site.metrics.MetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Hostile values (NUL bytes, ids that are not ids) are a 400/404 before anything reads
    # them (contest_site/middleware.py).
    "contest_site.middleware.HostileInputMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Mass-start admission control: before authentication, so an overloaded start costs no
    # query (scoring/middleware.py).
    "scoring.middleware.StartAdmissionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Content-Security-Policy on every reply (CONTENT_SECURITY_POLICY below).
    "csp.middleware.CSPMiddleware",
    # Cache-Control: private, no-store on the reports pages and on every file download;
    # a body in Vietnamese for a 405 (contest_site/headers.py).
    "contest_site.headers.PrivateResponsesMiddleware",
    "contest_site.headers.MethodNotAllowedPageMiddleware",
    # Last, as django-axes asks: it answers locked-out logins.
    "axes.middleware.AxesMiddleware",
]

# --- Content-Security-Policy (django-csp) ----------------------------------------------------
# Scripts and styles from our own static files only: no inline <script>, no on…= handler, no
# style="" attribute anywhere (templates use classes; a progress value is a <progress>). A
# script injected into a contest page (a name, a rule text) therefore cannot run. Images may
# be data: URIs (Bootstrap's and the admin's icons); nothing is framed, nothing is posted
# elsewhere. tests/browser/test_csp.py loads the main pages in Chromium and fails on any
# violation.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

ROOT_URLCONF = "contest_site.urls"
WSGI_APPLICATION = "contest_site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
# Persistent connections: a contest page must not pay a TCP + auth handshake per request.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# DATABASE_POOLING=transaction: DATABASE_URL points at PgBouncer in transaction mode
# (deploy/pgbouncer.ini), which lends a server connection per transaction. A `.iterator()`
# outside `atomic()` declares a WITH HOLD server-side cursor and fetches it in later
# transactions, possibly on another server connection ("cursor does not exist"), so such
# cursors are turned off: the rows come in one client-side result instead. Processes that
# stream big results (the `exports` worker) keep a direct URL without this switch.
# Persistent connections (CONN_MAX_AGE) stay: they are held to PgBouncer, not to PostgreSQL.
DATABASE_POOLING = env("DATABASE_POOLING", default="")
if DATABASE_POOLING not in ("", "transaction"):
    raise ImproperlyConfigured(f"DATABASE_POOLING={DATABASE_POOLING!r}: '' or 'transaction'")
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = DATABASE_POOLING == "transaction"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Reports may read their rollups from a streaming replica (contest_site/db_router.py).
REPLICA_DATABASE_URL = env("REPLICA_DATABASE_URL", default="")
if REPLICA_DATABASE_URL:
    DATABASES["replica"] = env.db("REPLICA_DATABASE_URL")
    DATABASES["replica"]["CONN_MAX_AGE"] = DATABASES["default"]["CONN_MAX_AGE"]
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
    # A replica reached through the same pooler needs the same switch.
    DATABASES["replica"]["DISABLE_SERVER_SIDE_CURSORS"] = DATABASE_POOLING == "transaction"
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["contest_site.db_router.ReportsReplicaRouter"]

# --- Cache and sessions --------------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "contest_site.cache.ReusedClientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="contest"),
            "TIMEOUT": 300,
            # Short socket timeouts: an unreachable Redis costs a request half a second, not
            # a hang (the cache fails open: contest_site/cache.py).
            "OPTIONS": {
                "socket_connect_timeout": env.float("CACHE_CONNECT_TIMEOUT", default=0.5),
                "socket_timeout": env.float("CACHE_SOCKET_TIMEOUT", default=1.0),
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# cached_db: reads hit the cache, writes go to the database too, so a Redis outage does not
# log everyone out in the middle of a contest.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# A contest day, with margin: a citizen who logs in in the morning is not logged out at noon.
SESSION_COOKIE_AGE = int(timedelta(hours=36).total_seconds())

# --- Authentication ------------------------------------------------------------------------
# Argon2id with the OWASP minimum (m=19 MiB, t=2, p=1) first: logins are ~10x cheaper in CPU
# than Django's default PBKDF2 (1,000,000 iterations). Older hashes upgrade at login.
PASSWORD_HASHERS = [
    "participants.hashers.OwaspArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "participants.backends.PhoneOrDocumentBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "participants:login"
LOGIN_REDIRECT_URL = "participants:my_contests"
LOGOUT_REDIRECT_URL = "contests:home"

# Brute-force protection keyed on account *and* address: a school behind one NAT address is
# not locked out because one pupil mistyped.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "participants/locked_out.html"
AXES_USERNAME_FORM_FIELD = "username"
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)

# --- Internationalisation: Vietnamese first ------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
# Vietnamese number and date formats (1.512.991; 01/09/2023) come from formats/vi.
FORMAT_MODULE_PATH = ["contest_site.formats"]
USE_THOUSAND_SEPARATOR = True

# --- Static and media ----------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
MEDIA_URL = "/media/"
MEDIA_ROOT = env("MEDIA_ROOT", default=str(BASE_DIR / "media"))
# Files people hand in (essays): never under a URL; served only by permission-checked views.
PRIVATE_FILES_ROOT = env("PRIVATE_FILES_ROOT", default=str(BASE_DIR / "private-files"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "essays": {
        "BACKEND": "essays.storage.PrivateFileSystemStorage",
        "OPTIONS": {"location": PRIVATE_FILES_ROOT},
    },
}
# Production keeps essay files in an S3-compatible store (MinIO on the office's own servers)
# when ESSAYS_S3_BUCKET is set (django-storages; docs/essays.md). Private objects, signed
# requests only; the application streams them after its permission check.
ESSAYS_S3_BUCKET = env("ESSAYS_S3_BUCKET", default="")
if ESSAYS_S3_BUCKET:
    STORAGES["essays"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": ESSAYS_S3_BUCKET,
            "endpoint_url": env("ESSAYS_S3_ENDPOINT_URL", default="") or None,
            "access_key": env("ESSAYS_S3_ACCESS_KEY", default="") or None,
            "secret_key": env("ESSAYS_S3_SECRET_KEY", default="") or None,
            "region_name": env("ESSAYS_S3_REGION", default="") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
# With files on the local disk behind nginx: the internal location (deploy/nginx.conf) the
# download view hands a checked request to, e.g. "/_essays/"; empty: Django streams the file.
ESSAYS_X_ACCEL_REDIRECT = env("ESSAYS_X_ACCEL_REDIRECT", default="")
# Spreadsheets: an uploaded .xlsx above this is refused before openpyxl opens it.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="cuocthi@localhost")

# Text messages (participants.sms), chosen like EMAIL_BACKEND: the console backend prints them
# (the demo reads recovery codes there); production sets the HTTP gateway backend and its
# credentials (docs/accounts.md).
SMS_BACKEND = env("SMS_BACKEND", default="participants.sms.backends.console.SmsBackend")
SMS_FILE_PATH = env("SMS_FILE_PATH", default=str(BASE_DIR / "sms-outbox.jsonl"))
SMS_GATEWAY = {
    "URL": env("SMS_GATEWAY_URL", default=""),
    "TOKEN": env("SMS_GATEWAY_TOKEN", default=""),
    "USER": env("SMS_GATEWAY_USER", default=""),
    "PASSWORD": env("SMS_GATEWAY_PASSWORD", default=""),
    "BRANDNAME": env("SMS_BRANDNAME", default=""),
    "TIMEOUT": env.int("SMS_GATEWAY_TIMEOUT", default=5),
    "RETRIES": env.int("SMS_GATEWAY_RETRIES", default=3),
}

# --- Celery --------------------------------------------------------------------------------
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
if CELERY_BROKER_URL.startswith("redis://"):
    # kombu's Redis transport with the fixes that keep a worker alive through a broker restart
    # while it holds a task and a full broker (contest_site/broker.py); "redis" is kombu's own.
    # Not for rediss://: kombu turns TLS on from that scheme only when it picks the transport.
    CELERY_BROKER_TRANSPORT = env(
        "CELERY_BROKER_TRANSPORT", default="contest_site.broker:Transport"
    )
CELERY_RESULT_BACKEND = None
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
# No loss: a task is acknowledged after it ran; a worker killed mid-task gives it back.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = env.int("CELERY_PREFETCH", default=4)
# Redis redelivers an unacknowledged task after this; longer than any task's hard limit.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=300),
    # How often a worker looks for a dead worker's messages past the visibility timeout:
    # every `interval` seconds (kombu's default scans only every 10 × 10 s).
    "unacked_restore_interval": env.int("CELERY_UNACKED_RESTORE_INTERVAL", default=10),
    "unacked_restore_throttle": 1,
    # The restore scan runs under a Redis lock; a worker killed while holding it would block
    # every other worker's scan until the lock expires (kombu's default: 300 s).
    "unacked_mutex_expire": env.int("CELERY_UNACKED_MUTEX_EXPIRE", default=60),
}
# Celery's Django fixup closes the database connection around every task unless this is set:
# reuse it for this many tasks (a new connection per task costs ~4x in grading throughput).
CELERY_DB_REUSE_MAX = env.int("CELERY_DB_REUSE_MAX", default=1000)
CELERY_TASK_SOFT_TIME_LIMIT = 120
CELERY_TASK_TIME_LIMIT = 180
# Grading has its own queue so that a long export never delays a participant's result.
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    # An exact name is matched before the patterns: certificates are an export, not grading.
    "scoring.tasks.certificates_make": {"queue": "exports"},
    "scoring.tasks.prepare_*": {"queue": "exports"},
    "scoring.tasks.*": {"queue": "grading"},
    "reports.tasks.export_*": {"queue": "exports"},
}
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A broker that refuses writes (Redis at maxmemory under noeviction answers OOM, a channel
# error) is retried like a lost connection, not a reason for the worker to exit: it starts,
# waits, and grades again as soon as Redis accepts writes (issue 20, fault 3).
CELERY_BROKER_CHANNEL_ERROR_RETRY = env.bool("CELERY_BROKER_CHANNEL_ERROR_RETRY", default=True)
# Publishing must fail fast when Redis is down (the sweeper queues the work later), not hang
# the participant's submit for the default 20+ seconds of retries.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BEAT_SCHEDULE = {
    # Attempts left open past deadline + grace are closed with finish time = deadline.
    "close-expired-attempts": {"task": "scoring.tasks.close_expired_attempts", "schedule": 30.0},
    # Submitted attempts still ungraded after a minute (broker was down...) are queued again.
    "requeue-ungraded-attempts": {
        "task": "scoring.tasks.requeue_ungraded_attempts",
        "schedule": 60.0,
    },
    # Scheduled sessions ("Ca thi") starting within the hour get their tests drawn ahead;
    # ready tests left unclaimed after their session are deleted.
    "prepare-due-exam-sessions": {
        "task": "scoring.tasks.prepare_due_exam_sessions",
        "schedule": 300.0,
    },
    "discard-prepared-attempts": {
        "task": "scoring.tasks.discard_prepared_attempts",
        "schedule": 900.0,
    },
    # The prediction question's true value for contests and rounds that closed (idempotent).
    "compute-due-predictions": {
        "task": "scoring.tasks.compute_due_predictions",
        "schedule": 300.0,
    },
    # Reports: figures at most a minute behind; hourly full recomputation (the truth);
    # expired export files deleted.
    "rollups-refresh": {"task": "reports.tasks.rollups_refresh_all", "schedule": 60.0},
    "rollups-recompute": {"task": "reports.tasks.rollups_recompute_open", "schedule": 3600.0},
    "exports-purge": {"task": "reports.tasks.export_purge_expired", "schedule": 3600.0},
    # The daily official board (bảng tổng sắp): each due day frozen once, at the contest's
    # board hour (within five minutes); corrections published with it.
    "boards-freeze": {"task": "reports.tasks.boards_freeze_due", "schedule": 300.0},
    # Identity numbers past their contest's retention period are overwritten (daily).
    "identities-purge": {"task": "participants.tasks.identities_purge", "schedule": 86400.0},
    # Closed accounts whose contests' retention has ended are anonymised (daily).
    "accounts-anonymise": {"task": "participants.tasks.accounts_anonymise", "schedule": 86400.0},
    # Anomaly flags for the organisers' review queue (integrity): open contests, hourly.
    "flags-detect": {"task": "integrity.tasks.flags_detect_open", "schedule": 3600.0},
}
# Export files: kept this long for download, then deleted by "exports-purge".
EXPORT_TTL_HOURS = env.int("EXPORT_TTL_HOURS", default=24)
EXPORT_ROWS_PER_SHEET = 1_000_000

# --- Taking the test (scoring) -------------------------------------------------------------
# Mass-start admission control: starts admitted per second, whole site (0 = no limit). The
# excess gets a "please wait" page that retries by itself. See docs/exam.md.
EXAM_START_RATE = env.int("EXAM_START_RATE", default=200)
# The start gate, deadlines and durations read one clock, the database's (contest_site/clock.py).
EXAM_CLOCK_FROM_DATABASE = env.bool("EXAM_CLOCK_FROM_DATABASE", default=True)
# The page sends its unsent answers as one batch after this many seconds without a new answer,
# but at most once per EXAM_AUTOSAVE_EVERY_SECONDS (and at the latest that long after the first
# unsent one), on leaving the page, and with the submit; meanwhile they are kept in the page
# and in localStorage. The longer, the fewer requests per attempt (docs/exam.md, autosave).
EXAM_AUTOSAVE_PAUSE_SECONDS = env.float("EXAM_AUTOSAVE_PAUSE_SECONDS", default=3.0)
EXAM_AUTOSAVE_EVERY_SECONDS = env.float("EXAM_AUTOSAVE_EVERY_SECONDS", default=180.0)
# A submission's grading task starts this many seconds after the doorbell rang
# (scoring/services/queueing.py): the submissions of that second are graded in one batch
# instead of a few per task. Measured in benchmarks/README.md; the grading lag target is 5 s.
GRADING_DELAY_SECONDS = env.float("GRADING_DELAY_SECONDS", default=1.0)

# --- Logging -------------------------------------------------------------------------------
# Every record carries the request id (contest_site/request_id.py). LOG_FORMAT=json writes one
# JSON object per line (contest_site/logs.py); production's default.
LOG_FORMAT = env("LOG_FORMAT", default="plain")
if LOG_FORMAT not in ("plain", "json"):
    raise ImproperlyConfigured(f"LOG_FORMAT={LOG_FORMAT!r}: 'plain' or 'json'")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "contest_site.request_id.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s"},
        "json": {"()": "contest_site.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
# The worker logs through the LOGGING above (JSON, request ids), not Celery's own handlers.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# --- Metrics (contest_site/metrics.py) -------------------------------------------------------
# /metrics answers only these client addresses (CIDR, comma-separated; REMOTE_ADDR, so scrape
# the node directly, not through nginx) or a request with "Authorization: Bearer METRICS_TOKEN".
# Neither set: /metrics is a 404 for everyone.
METRICS_ALLOWED_NETWORKS = env.list("METRICS_ALLOWED_NETWORKS", default=[])
METRICS_TOKEN = env("METRICS_TOKEN", default="")
