import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "SECRET_KEY": "a" * 20 + "Zq8#kP2$vL9!mW4^xR7&tY1*uI5(oE3)" + "b" * 20,
    "ALLOWED_HOSTS": "cuocthi.example.gov.vn",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/contest_check",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}


def run_manage(*args, env_overrides):
    env = {k: v for k, v in os.environ.items() if k not in PRODUCTION_ENV}
    env.update(env_overrides)
    env["DJANGO_SETTINGS_MODULE"] = "contest_site.settings.production"
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("missing", sorted(PRODUCTION_ENV))
def test_production_refuses_to_start_without_each_required_variable(missing):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = run_manage("check", env_overrides=env)
    assert result.returncode != 0
    assert "Production settings need these environment variables: " + missing in result.stderr


def test_production_passes_check_deploy():
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING", env_overrides=PRODUCTION_ENV
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_vietnamese_is_the_default_language_and_formats(settings):
    import datetime

    from django.utils import formats, translation

    assert settings.LANGUAGE_CODE == "vi"
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"
    with translation.override("vi"):
        assert formats.number_format(1512991, force_grouping=True) == "1.512.991"
        assert formats.date_format(datetime.date(2023, 9, 1), "SHORT_DATE_FORMAT") == "01/09/2023"


def test_sessions_survive_a_cache_outage(settings):
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.cached_db"
    assert settings.SESSION_COOKIE_AGE >= 24 * 3600


def test_celery_is_configured_for_no_loss(settings):
    from contest_site.celery import app

    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.task_serializer == "json"
    assert 60 <= app.conf.broker_transport_options["visibility_timeout"] <= 600
    assert app.conf.task_time_limit > app.conf.task_soft_time_limit
    assert app.conf.task_always_eager is False
