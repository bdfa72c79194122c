"""Tests: the real PostgreSQL and Redis given by DATABASE_URL / REDIS_URL, by default those on
127.0.0.1 (as CI has them), never the embedded SQLite / in-memory broker: `make test` alone
runs where they run. tests/conftest.py checks both before the first test and creates the
database if it is missing, or stops with one line saying what is not there.

Celery is *not* inline here: tasks are published to the real broker, and the tests that need a
worker start one. Services are tested by calling them directly."""

import os

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/contest"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
# Before base.py reads them. An empty variable counts as unset.
for _name, _default in (("DATABASE_URL", DEFAULT_DATABASE_URL), ("REDIS_URL", DEFAULT_REDIS_URL)):
    if not os.environ.get(_name):
        os.environ[_name] = _default

from .base import *  # noqa: E402, F403
from .base import env  # noqa: E402

DEBUG = False
SECRET_KEY = env("SECRET_KEY", default="test-only-not-a-secret-" + "x" * 40)
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
CELERY_TASK_ALWAYS_EAGER = False
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
