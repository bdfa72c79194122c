"""Tests: the real PostgreSQL and Redis given by DATABASE_URL / REDIS_URL, by default those on
127.0.0.1 (as CI has them), never the in-memory broker: `make test` alone runs where they run.
SQLite only when asked (TEST_SQLITE=1), for the `sqlite`-marked subset. tests/conftest.py
checks both before the first test and creates the database if it is missing, or stops with
one line saying what is not there.

Celery is *not* inline here: tasks are published to the real broker, and the tests that need a
worker start one. Services are tested by calling them directly."""

import os

# TEST_SQLITE=1: the tests marked `sqlite` on the embedded default's database (`make test`'s
# second pass; tests/conftest.py deselects the others). Redis stays the real one.
TEST_SQLITE = os.environ.get("TEST_SQLITE") == "1"
DEFAULT_DATABASE_URL = (
    "sqlite://:memory:" if TEST_SQLITE else "postgres://postgres@127.0.0.1:5432/contest"
)
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
# Before base.py reads them. An empty variable counts as unset.
for _name, _default in (("DATABASE_URL", DEFAULT_DATABASE_URL), ("REDIS_URL", DEFAULT_REDIS_URL)):
    if not os.environ.get(_name):
        os.environ[_name] = _default

from .base import *  # noqa: E402, F403
from .base import CACHES, REDIS_URL, env  # noqa: E402

# pytest-xdist (`make test` runs two workers): each worker gets its own Redis database (the
# grading queue, the start gate and the cache keys the tests check are shared state), the
# next ones after REDIS_URL's; pytest-django already gives each its own PostgreSQL database.
# Not written back to the environment: a Celery worker a test starts reads these settings
# again from the same variables and lands on the same database.
_XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if _XDIST_WORKER.startswith("gw") and REDIS_URL:
    from urllib.parse import urlsplit, urlunsplit

    _parts = urlsplit(REDIS_URL)
    _db = int(_parts.path.strip("/") or 0) + 1 + int(_XDIST_WORKER[2:])
    REDIS_URL = urlunsplit(_parts._replace(path=f"/{_db}"))
    CACHES["default"]["LOCATION"] = REDIS_URL
    if not os.environ.get("CELERY_BROKER_URL"):
        CELERY_BROKER_URL = REDIS_URL

DEBUG = False
SECRET_KEY = env("SECRET_KEY", default="test-only-not-a-secret-" + "x" * 40)
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
CELERY_TASK_ALWAYS_EAGER = False
# The exam path's clock is the node's own here: tests move it by patching, and an offset
# query once a minute would change the query counts the tests pin. tests/site/test_clock_skew.py
# turns the database clock on (contest_site/clock.py).
EXAM_CLOCK_FROM_DATABASE = False
# The browser tests wait for "Đã lưu": the page's batches go out within a second or two here
# (production waits up to three minutes; tests/scoring/test_autosave_browser.py sets its own).
EXAM_AUTOSAVE_PAUSE_SECONDS = float(os.environ.get("EXAM_AUTOSAVE_PAUSE_SECONDS") or 0.3)
EXAM_AUTOSAVE_EVERY_SECONDS = float(os.environ.get("EXAM_AUTOSAVE_EVERY_SECONDS") or 1.0)
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SMS_BACKEND = "participants.sms.backends.locmem.SmsBackend"
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

if TEST_SQLITE:
    from .base import BASE_DIR, DATABASES  # noqa: E402

    # A file, as the demo's db.sqlite3 is: Django's default in-memory test database shares
    # its cache between connections, which locks a table being read while it is updated.
    DATABASES["default"]["TEST"] = {
        "NAME": env("TEST_SQLITE_FILE", default=str(BASE_DIR / "test-sqlite.sqlite3"))
    }
