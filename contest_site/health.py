"""`/healthz`: is this web node able to serve? 503 when the database is unreachable.

Redis being down is reported but is not fatal: submissions are committed to PostgreSQL and the
sweeper queues grading later (DESIGN.md invariant 1)."""

import redis
from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "not serving"
        return f"error: {exc.__class__.__name__}"
    return "ok"


def redis_status() -> str:
    if not settings.REDIS_URL:
        return "not configured"
    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1
        )
        client.ping()
    except redis.RedisError as exc:
        return f"error: {exc.__class__.__name__}"
    return "ok"


@never_cache
@require_GET
def healthz(request):
    database = database_status()
    body = {"database": database, "redis": redis_status()}
    return JsonResponse(body, status=200 if database == "ok" else 503)
