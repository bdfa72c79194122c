"""A grading worker after PostgreSQL closed its connection (issue 20, found by `make chaos`):
the next task gets a working connection, as the next request of a web process does, instead of
failing with "connection already closed" until the worker's CELERY_DB_REUSE_MAX-th task."""

from __future__ import annotations

import psycopg2
import pytest
from celery import signals
from django.db import connection

from contest_site import celery as contest_celery  # noqa: F401 (connects the task signals)
from contest_site import clock

pytestmark = pytest.mark.django_db(transaction=True)


def backend_terminate(pid: int) -> None:
    """What a PostgreSQL restart does to a connection: closed from the server's side."""
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    other = psycopg2.connect(**{k: v for k, v in params.items() if k != "options"})
    other.autocommit = True
    with other.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    other.close()


def test_a_task_after_the_database_closed_the_workers_connection_gets_a_working_one(settings):
    settings.EXAM_CLOCK_FROM_DATABASE = True
    connection.ensure_connection()
    backend_terminate(connection.connection.info.backend_pid)
    # The worker's first query after the restart: the clock's offset, which swallows the error
    # and leaves the connection in place.
    clock.clock_reset()
    clock.now()
    assert connection.errors_occurred

    signals.task_prerun.send(sender=None, task_id="t", task=None, args=(), kwargs={})

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)
    clock.clock_reset()
