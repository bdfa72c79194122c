"""Tests: the real PostgreSQL and Redis given by DATABASE_URL / REDIS_URL (`.ci/run` sets them).

Celery is *not* inline here: tasks are published to the real broker, and the tests that need a
worker start one. Services are tested by calling them directly."""

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = env("SECRET_KEY", default="test-only-not-a-secret-" + "x" * 40)
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
CELERY_TASK_ALWAYS_EAGER = False
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
