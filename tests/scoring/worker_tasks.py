"""Tasks for the worker integration tests only (tests/scoring/test_worker.py): the real grading
service wrapped with counters in Redis, and an optional sleep inside the transaction so that a
test can kill the worker while it holds uncommitted grades. Loaded by the test worker with
`--include tests.scoring.worker_tasks`; never by the project."""

import os
import time

import redis
from celery import current_task, shared_task
from django.conf import settings
from django.db import connection, transaction

from scoring.services.grading import attempts_grade


def redis_client() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def grade_and_count(attempt_ids: list[int], tag: str, sleep_first_run: float = 0.0) -> int:
    """Grade like `scoring.tasks.grade_attempts`, and record in Redis under `tag`: how many
    times this message ran, which worker and process ran it, the database backend used, and
    how many attempts were written. On the message's first run, sleep `sleep_first_run`
    seconds after grading, inside the transaction (nothing is committed while it sleeps)."""
    client = redis_client()
    key = f"{tag}:{attempt_ids[0]}"
    run = client.incr(f"{key}:runs")
    client.rpush(f"{tag}:hosts", current_task.request.hostname or "")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        client.rpush(f"{tag}:backends", cursor.fetchone()[0])
    with transaction.atomic():
        written = attempts_grade(attempt_ids=attempt_ids)
        if run == 1 and sleep_first_run:
            client.set(f"{tag}:sleeping", f"{current_task.request.hostname} {os.getpid()}")
            time.sleep(sleep_first_run)
    client.incrby(f"{tag}:written", written)
    return written
