"""Developer machine and the demo. With no environment set this is the embedded default:
SQLite under the project, Celery tasks run inline, e-mail on the console."""

import sys

from .base import *  # noqa: F403
from .base import CELERY_BROKER_URL, DATABASES, REDIS_URL, env

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env("SECRET_KEY", default="local-only-not-a-secret-" + "x" * 40)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

EMBEDDED = not REDIS_URL
if EMBEDDED:
    # The one place where inline Celery is right: the explicit demo default, no broker at all.
    CELERY_TASK_ALWAYS_EAGER = True
# People in the demo's contest under way (devdata/services/demo_live.py); tests seed a few.
DEMO_SCALE = env.int("DEMO_SCALE", default=30_000)

# One line at start, on stderr, so that nobody wonders where the data went.
_database = DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
_celery = "inline (embedded default)" if EMBEDDED else CELERY_BROKER_URL.split("@")[-1]
sys.stderr.write(f"contest_site: database={_database}, celery={_celery}\n")
