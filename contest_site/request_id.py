"""One id per request, on every log line it causes, in the web process and in the Celery tasks
it publishes: a submit and the grading of that submit share an id in the logs.

The id comes from nginx (`X-Request-ID: $request_id`, deploy/nginx.conf) when it looks like an
id, else one is made here; it is answered in the response's X-Request-ID header, kept in a
context variable for the request, written into each log record by `RequestIdFilter`, and put in
the headers of every task published while it is set (`task_publish_add_id`), from which the
worker sets it again around the task (`task_id_enter` / `task_id_leave`)."""

from __future__ import annotations

import contextvars
import logging
import re
import uuid

from django.http import HttpRequest, HttpResponse

HEADER = "X-Request-ID"
META_KEY = "HTTP_X_REQUEST_ID"
# The Celery message header that carries it.
TASK_HEADER = "request_id"
# nginx's $request_id is 32 hex digits; other proxies send a UUID. Anything else (a client's
# own header reaching a node directly, a log-injection attempt) is replaced, never logged.
VALID = re.compile(r"[A-Za-z0-9._-]{8,64}")
NONE = "-"

current = contextvars.ContextVar("request_id", default=NONE)


def request_id_from(value: str | None) -> str:
    """The incoming id if it is a plausible one, else a new one."""
    if value and VALID.fullmatch(value):
        return value
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """First in MIDDLEWARE: everything after it (and every task it publishes) logs the id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_id_from(request.META.get(META_KEY))
        request.request_id = request_id
        token = current.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            current.reset(token)
        response[HEADER] = request_id
        return response


class RequestIdFilter(logging.Filter):
    """Gives every record a `request_id` attribute (NONE outside a request or task): on the
    handler, so that records of every logger (Django's, Celery's, ours) carry it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = current.get()
        return True


# --- Celery: carried in a message header, set again around the task --------------------------


def task_publish_add_id(headers=None, **_kwargs) -> None:
    """`before_task_publish` handler: the current id (if any) into the message's headers."""
    request_id = current.get()
    if headers is not None and request_id != NONE:
        headers[TASK_HEADER] = request_id


_task_tokens: dict[str, contextvars.Token] = {}


def task_id_enter(task_id=None, task=None, **_kwargs) -> None:
    """`task_prerun` handler: the id of the request that published the task, if it had one."""
    request_id = getattr(task.request, TASK_HEADER, None) if task is not None else None
    if request_id and VALID.fullmatch(str(request_id)):
        _task_tokens[task_id] = current.set(str(request_id))


def task_id_leave(task_id=None, **_kwargs) -> None:
    """`task_postrun` handler: the worker process's id back to what it was."""
    token = _task_tokens.pop(task_id, None)
    if token is not None:
        current.reset(token)
