"""`make test` with no variable set: the test settings default to the PostgreSQL and Redis on
127.0.0.1 (never SQLite and an in-memory broker), and a missing service stops the run before
the first test with one line that says which."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from tests.conftest import services_problem

ROOT = Path(__file__).resolve().parent.parent


def _env(**overrides) -> dict:
    unset = ("DATABASE_URL", "REDIS_URL", "PYTEST_XDIST_WORKER")
    env = {k: v for k, v in os.environ.items() if k not in unset}
    env["DJANGO_SETTINGS_MODULE"] = "contest_site.settings.test"
    env.update(overrides)
    return env


def test_defaults_are_postgresql_and_redis_on_localhost():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "d = s.DATABASES['default']; "
        "print(d['ENGINE'], d['HOST'], d['PORT'], d['NAME'], s.REDIS_URL, s.CELERY_BROKER_URL)"
    )
    shown = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=_env(),
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout.split()
    assert shown == [
        "django.db.backends.postgresql",
        "127.0.0.1",
        "5432",
        "contest",
        "redis://127.0.0.1:6379/0",
        "redis://127.0.0.1:6379/0",
    ]


def test_the_services_of_this_run_answer():
    assert services_problem() is None


def test_postgresql_missing_is_one_line(monkeypatch):
    wrong = {**settings.DATABASES["default"], "PORT": 1}
    monkeypatch.setitem(settings.DATABASES, "default", wrong)
    problem = services_problem()
    assert problem.startswith("PostgreSQL is not reachable at 127.0.0.1:1 (")
    assert problem.endswith(
        "): start it, or set DATABASE_URL (default postgres://postgres@127.0.0.1:5432/contest)."
    )
    assert "\n" not in problem


def test_redis_missing_is_one_line(monkeypatch):
    monkeypatch.setattr(settings, "REDIS_URL", "redis://127.0.0.1:1/0")
    problem = services_problem()
    assert problem.startswith("Redis is not reachable at redis://127.0.0.1:1/0 (")
    assert problem.endswith("): start it, or set REDIS_URL (default redis://127.0.0.1:6379/0).")
    assert "\n" not in problem


def test_sqlite_is_refused_unless_asked_for(monkeypatch):
    sqlite = {**settings.DATABASES["default"], "ENGINE": "django.db.backends.sqlite3"}
    monkeypatch.setitem(settings.DATABASES, "default", sqlite)
    monkeypatch.setattr(settings, "TEST_SQLITE", False)
    assert services_problem() == (
        "Tests need PostgreSQL, but DATABASE_URL points at django.db.backends.sqlite3 "
        "(TEST_SQLITE=1 runs the tests marked sqlite on SQLite)."
    )
    monkeypatch.setattr(settings, "TEST_SQLITE", True)
    assert services_problem() is None  # only Redis is checked then
    monkeypatch.setattr(settings, "REDIS_URL", "redis://127.0.0.1:1/0")
    assert services_problem().startswith("Redis is not reachable at redis://127.0.0.1:1/0 (")


def test_pytest_stops_before_the_first_test_with_that_line(tmp_path):
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "tests/test_factories.py"],
        cwd=ROOT,
        env=_env(DATABASE_URL="postgres://postgres@127.0.0.1:1/contest"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 3
    assert "PostgreSQL is not reachable at 127.0.0.1:1 (" in run.stdout + run.stderr
    assert " passed" not in run.stdout and " error" not in run.stdout
