"""Shared fixtures. App-specific fixtures live in tests/<app>/conftest.py."""

import os

import pytest
from django.contrib.auth import get_user_model

from contests.models import Organiser, Unit
from contests.services.units import roles_ensure, unit_add


def services_problem() -> str | None:
    """One line saying which of the test services (PostgreSQL, Redis) is missing, or None.
    Creates the database when PostgreSQL runs but it does not exist yet (as `.ci/run` did), so
    that `make test` alone works where both run."""
    import psycopg2
    from django.conf import settings
    from psycopg2 import sql

    db = settings.DATABASES["default"]
    if "sqlite" in db["ENGINE"] and settings.TEST_SQLITE:
        return redis_problem()
    if "postgresql" not in db["ENGINE"]:
        return (
            f"Tests need PostgreSQL, but DATABASE_URL points at {db['ENGINE']} (TEST_SQLITE=1 "
            "runs the tests marked sqlite on SQLite)."
        )
    where = f"{db.get('HOST') or 'localhost'}:{db.get('PORT') or 5432}"
    try:
        server = psycopg2.connect(
            dbname="postgres",
            host=db.get("HOST") or None,
            port=db.get("PORT") or None,
            user=db.get("USER") or None,
            password=db.get("PASSWORD") or None,
            connect_timeout=3,
        )
    except psycopg2.Error as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        return (
            f"PostgreSQL is not reachable at {where} ({first}): start it, or set DATABASE_URL "
            "(default postgres://postgres@127.0.0.1:5432/contest)."
        )
    try:
        server.autocommit = True
        with server.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]])
            if cursor.fetchone() is None:
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db["NAME"])))
    finally:
        server.close()
    return redis_problem()


def redis_problem() -> str | None:
    import redis
    from django.conf import settings

    try:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=3)
        client.ping()
        client.close()
    except redis.RedisError as error:
        where = settings.REDIS_URL.rsplit("@", 1)[-1]
        return (
            f"Redis is not reachable at {where} ({error}): start it, or set REDIS_URL "
            "(default redis://127.0.0.1:6379/0)."
        )
    return None


def pytest_sessionstart(session):
    # Before any test: a missing service is one clear line, not 61 errors.
    problem = services_problem()
    if problem:
        pytest.exit(problem, returncode=3)


def pytest_collection_modifyitems(config, items):
    """On SQLite (TEST_SQLITE=1) only the tests marked `sqlite` run: the rest assume
    PostgreSQL (COPY, arrays, JSON containment, SKIP LOCKED under real concurrency)."""
    from django.conf import settings

    if not getattr(settings, "TEST_SQLITE", False):
        return
    keep = [item for item in items if item.get_closest_marker("sqlite")]
    dropped = [item for item in items if not item.get_closest_marker("sqlite")]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = keep


def pytest_report_header(config):
    from django.conf import settings

    return (
        f"database: {settings.DATABASES['default']['ENGINE']} "
        f"{settings.DATABASES['default'].get('NAME')}; redis: {settings.REDIS_URL or 'none'}"
    )


@pytest.fixture
def tree(db):
    """A small city: two blocks, departments, two districts with wards.

    Returned as a dict code -> Unit."""
    K = Unit.Kind
    city = unit_add(code="C", name="Thành phố", kind=K.PROVINCE, headcount=1000)
    departments = unit_add(code="C-D", name="Khối Sở, ban, ngành", kind=K.BLOCK, parent=city)
    districts = unit_add(code="C-Q", name="Khối quận, huyện", kind=K.BLOCK, parent=city)
    unit_add(code="C-D-1", name="Sở Giáo dục", kind=K.DEPARTMENT, parent=departments, headcount=50)
    a = unit_add(code="A", name="Quận A", kind=K.DISTRICT, parent=districts, headcount=400)
    b = unit_add(code="B", name="Quận B", kind=K.DISTRICT, parent=districts, headcount=500)
    unit_add(code="A-1", name="Phường A1", kind=K.WARD, parent=a, headcount=200)
    unit_add(code="A-2", name="Phường A2", kind=K.WARD, parent=a, headcount=200)
    unit_add(code="B-1", name="Phường B1", kind=K.WARD, parent=b, headcount=500)
    return {u.code: u for u in Unit.objects.all()}


def make_organiser(unit: Unit | None, username: str, *, superuser: bool = False):
    user = get_user_model().objects.create_user(
        username=username, password="secret-pass-123", is_staff=True, is_superuser=superuser
    )
    if unit is not None:
        Organiser.objects.create(user=user, unit=unit)
        user.groups.add(roles_ensure()["organiser"])
    return user


@pytest.fixture
def organisers(tree):
    """city, district A and district B organisers, and a superuser."""
    return {
        "city": make_organiser(tree["C"], "city"),
        "a": make_organiser(tree["A"], "district_a"),
        "b": make_organiser(tree["B"], "district_b"),
        "root": make_organiser(None, "root", superuser=True),
    }


@pytest.fixture
def chromium_path():
    """Debian's Chromium, or a skip that says so (never a skip in CI: REQUIRE_BROWSER=1)."""
    import shutil

    path = shutil.which("chromium")
    if path is None:
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail("Chromium is required here (REQUIRE_BROWSER=1) but is not installed")
        pytest.skip("Chromium is not installed: browser test skipped (apt-get install chromium)")
    return path
