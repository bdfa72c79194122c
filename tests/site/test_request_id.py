"""The request id (contest_site/request_id.py): taken from nginx or made, answered in the
response, written into every log record of the request and into the tasks it publishes; the
JSON log format (contest_site/logs.py)."""

from __future__ import annotations

import json
import logging
import re

import pytest
import redis
from django.conf import settings
from django.http import HttpResponse
from django.test import RequestFactory

from contest_site import request_id
from contest_site.celery import app
from contest_site.logs import JsonFormatter

HEX32 = re.compile(r"[0-9a-f]{32}")


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("0123456789abcdef0123456789abcdef", True),  # nginx's $request_id
        ("3f2b9c1e-8d7a-4e6f-9b0c-1a2b3c4d5e6f", True),  # a UUID
        ("short", False),
        ("x" * 65, False),
        ("abc def ghi jkl", False),
        ('abcdefgh"\n{"level":"CRITICAL"}', False),  # a forged log line
        ("", False),
        (None, False),
    ],
)
def test_request_id_taken_or_made(given, kept):
    result = request_id.request_id_from(given)
    if kept:
        assert result == given
    else:
        assert HEX32.fullmatch(result)


def _record_through_middleware(headers: dict) -> tuple[HttpResponse, logging.LogRecord]:
    records = []

    class Keep(logging.Handler):
        def emit(self, record):
            records.append(record)

    handler = Keep()
    handler.addFilter(request_id.RequestIdFilter())
    logger = logging.getLogger("tests.request_id")
    logger.addHandler(handler)
    logger.propagate = False

    def view(_request):
        logger.warning("inside the request")
        return HttpResponse("ok")

    try:
        response = request_id.RequestIdMiddleware(view)(RequestFactory().get("/", **headers))
        logger.warning("after the request")
    finally:
        logger.removeHandler(handler)
        logger.propagate = True
    inside, after = records
    assert after.request_id == request_id.NONE
    return response, inside


def test_middleware_keeps_nginx_id_on_response_and_log_record():
    given = "0123456789abcdef0123456789abcdef"
    response, record = _record_through_middleware({"HTTP_X_REQUEST_ID": given})
    assert response["X-Request-ID"] == given
    assert record.request_id == given


def test_middleware_makes_an_id_when_none_or_bad():
    response, record = _record_through_middleware({"HTTP_X_REQUEST_ID": "bad id!"})
    assert HEX32.fullmatch(response["X-Request-ID"])
    assert record.request_id == response["X-Request-ID"]


def test_json_formatter_writes_one_object_with_the_request_id_and_extras():
    record = logging.LogRecord("scoring", logging.ERROR, __file__, 1, "Đã nộp %s", (3,), None)
    record.request_id = "0123456789abcdef"
    record.attempt_id = 42
    line = JsonFormatter().format(record)
    assert "\n" not in line
    out = json.loads(line)
    assert out["message"] == "Đã nộp 3"
    assert out["level"] == "ERROR"
    assert out["logger"] == "scoring"
    assert out["request_id"] == "0123456789abcdef"
    assert out["attempt_id"] == 42
    assert set(out) == {"time", "level", "logger", "message", "request_id", "attempt_id"}


def test_site_answers_with_the_request_id(client, db):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="0123456789abcdef0123456789abcdef")
    assert response["X-Request-ID"] == "0123456789abcdef0123456789abcdef"


QUEUE = "test-request-id"


def test_task_published_in_a_request_carries_its_id_to_the_worker():
    """Published to the real broker: the message's headers hold the id; the worker side's
    handler sets it for the task and puts the previous value back after."""
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    client.delete(QUEUE)
    token = request_id.current.set("0123456789abcdef0123456789abcdef")
    try:
        app.send_task("scoring.tasks.not_run_here", queue=QUEUE)
    finally:
        request_id.current.reset(token)
    raw = client.lpop(QUEUE)
    client.delete(QUEUE)
    headers = json.loads(raw)["headers"]
    assert headers["request_id"] == "0123456789abcdef0123456789abcdef"

    class Task:
        class request:  # noqa: N801  (Celery's Context: headers are its attributes)
            request_id = "0123456789abcdef0123456789abcdef"

    request_id.task_id_enter(task_id="t1", task=Task)
    assert request_id.current.get() == "0123456789abcdef0123456789abcdef"
    request_id.task_id_leave(task_id="t1")
    assert request_id.current.get() == request_id.NONE
