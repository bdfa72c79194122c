"""Grading through REAL Celery workers on Redis (marker `worker`).

Each test starts `celery -A contest_site worker -Q <a queue of its own> -c 1 --pool=prefork`
as a subprocess on the pytest test database (transactional tests: the worker sees committed
rows), publishes tasks, and polls the database (bounded waits). The test workers run with a
5-second visibility timeout and a 1-second restore sweep, so that a killed worker's messages
come back quickly; the queue and its unacknowledged entries are purged afterwards."""

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from scoring.models import Attempt, Result
from scoring.tasks import grade_attempt, grade_attempts
from tests.scoring.grading_data import bank_contest, contest_questions, make_attempt, register
from tests.scoring.worker_tasks import grade_and_count, redis_client

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
WAIT_S = 60  # a bound for a loaded 2-core machine, not a performance claim


def wait_until(predicate, *, timeout=WAIT_S, what="condition"):
    stop = time.monotonic() + timeout
    while time.monotonic() < stop:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def database_url() -> str:
    db = settings.DATABASES["default"]
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Worker:
    def __init__(self, *, queue: str, name: str, log_dir: Path):
        self.name = f"{name}@{queue}"
        self.log = log_dir / f"{name}.log"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "contest_site.settings.test",
            "DATABASE_URL": database_url(),
            "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
            "CELERY_VISIBILITY_TIMEOUT": "5",
            "CELERY_UNACKED_RESTORE_INTERVAL": "1",
            # A worker SIGKILLed during its restore scan leaves the scan's lock behind.
            "CELERY_UNACKED_MUTEX_EXPIRE": "2",
            "CELERY_DB_REUSE_MAX": "1000",
            "CELERY_SKIP_CHECKS": "1",
        }
        command = [
            sys.executable, "-m", "celery", "-A", "contest_site", "worker",
            "-Q", queue, "-c", "1", "--pool=prefork", "-n", self.name,
            "--include", "tests.scoring.worker_tasks",
            "--without-mingle", "--without-gossip", "--without-heartbeat", "-l", "INFO",
        ]  # fmt: skip
        with self.log.open("wb") as out:
            # Own session: killing the group kills the worker and its pool children.
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip

    def text(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_ready(self):
        wait_until(lambda: " ready." in self.text(), what=f"{self.name} ready:\n{self.text()}")

    def kill(self):
        """SIGKILL the worker and its pool children: no warm shutdown, no acknowledgement."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()


def purge(queue: str) -> None:
    """Drop the queue and the broker's unacknowledged entries of it."""
    client = redis_client()
    client.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")
    for tag, payload in client.hgetall("unacked").items():
        if json.loads(payload)[2] == queue:
            client.hdel("unacked", tag)
            client.zrem("unacked_index", tag)


@pytest.fixture
def workers(transactional_db, tmp_path):
    """Start workers on a queue of this test's own: `start(n)` → list of started Workers."""
    assert settings.CELERY_BROKER_URL.startswith("redis://"), "worker tests need Redis"
    queue = f"grading-test-{uuid.uuid4().hex[:12]}"
    started: list[Worker] = []
    tag = f"test-worker:{queue}"

    def start(count=1):
        new = [
            Worker(queue=queue, name=f"w{len(started) + i + 1}", log_dir=tmp_path)
            for i in range(count)
        ]
        started.extend(new)
        for worker in new:
            worker.wait_ready()
        return new

    purge(queue)
    yield start, queue, tag
    for worker in started:
        worker.stop()
    purge(queue)
    client = redis_client()
    keys = list(client.scan_iter(f"{tag}*"))
    if keys:
        client.delete(*keys)


@pytest.fixture
def submitted(tree):
    """`submitted(n)`: n submitted attempts of n different people, 7 of 10 answers right."""
    contest = bank_contest(tree, questions=10)
    questions = contest_questions(contest)

    def make(n):
        return [
            make_attempt(register(contest, tree["A-1"]), questions, correct=7, seconds=60 + i).pk
            for i in range(n)
        ]

    return make


def graded(ids) -> int:
    return Attempt.objects.filter(id__in=ids, status=Attempt.Status.GRADED).count()


def counter(tag, name) -> int:
    return int(redis_client().get(f"{tag}:{name}") or 0)


def test_a_worker_grades_what_is_published(workers, submitted):
    start, queue, tag = workers
    start(1)
    ids = submitted(12)
    grade_attempt.apply_async((ids[0],), queue=queue)
    grade_attempts.apply_async((ids[1:7],), queue=queue)
    for i in (7, 10):
        grade_and_count.apply_async((ids[i : i + 3], tag), queue=queue)

    wait_until(lambda: graded(ids) == 12, what="12 graded attempts")
    # The first task may grade them all (it takes the waiting backlog along): wait for the
    # two counting tasks to have run too.
    wait_until(
        lambda: len(redis_client().lrange(f"{tag}:backends", 0, -1)) == 2, what="both counted"
    )

    assert set(Attempt.objects.filter(id__in=ids).values_list("correct_count", flat=True)) == {7}
    assert Result.objects.count() == 12
    # CELERY_DB_REUSE_MAX: both tasks of the single pool process used one database session.
    backends = redis_client().lrange(f"{tag}:backends", 0, -1)
    assert len(backends) == 2 and len(set(backends)) == 1


def test_a_task_whose_process_is_killed_is_redelivered_and_written_once(workers, submitted):
    start, queue, tag = workers
    (worker,) = start(1)
    ids = submitted(5)
    grade_and_count.apply_async((ids, tag), {"sleep_first_run": 60}, queue=queue)
    wait_until(lambda: redis_client().exists(f"{tag}:sleeping"), what="the task to sleep")
    _host, pid = redis_client().get(f"{tag}:sleeping").decode().split()
    # The pool process holds the grades uncommitted: nothing is visible yet.
    assert Attempt.objects.filter(id__in=ids, status=Attempt.Status.GRADED).count() == 0

    os.kill(int(pid), signal.SIGKILL)

    wait_until(lambda: graded(ids) == 5, what="the redelivered task")
    assert counter(tag, f"{ids[0]}:runs") == 2
    assert counter(tag, "written") == 5  # the killed run wrote nothing, the second all
    assert Result.objects.count() == 5
    assert "WorkerLostError" in worker.text()
    graded_at = dict(Attempt.objects.filter(id__in=ids).values_list("id", "graded_at"))
    time.sleep(0.5)
    assert dict(Attempt.objects.filter(id__in=ids).values_list("id", "graded_at")) == graded_at


def test_two_workers_grade_without_duplicates_and_finish_a_killed_workers_tasks(workers, submitted):
    start, queue, tag = workers
    first, second = start(2)
    ids = submitted(60)
    batches = [ids[i : i + 5] for i in range(0, 40, 5)]
    # Every batch published twice: both copies run, the attempts are graded once.
    for batch in batches + batches:
        grade_and_count.apply_async((batch, tag), queue=queue)
    wait_until(lambda: graded(ids[:40]) == 40, what="40 graded attempts")
    wait_until(lambda: len(redis_client().lrange(f"{tag}:hosts", 0, -1)) == 16, what="16 runs")
    assert counter(tag, "written") == 40
    assert Result.objects.count() == 40

    # A slow task and the rest of the work: the worker running the slow task is killed whole
    # (no acknowledgement); after the visibility timeout the other one runs what it held.
    slow = ids[40:45]
    grade_and_count.apply_async((slow, tag), {"sleep_first_run": 60}, queue=queue)
    wait_until(lambda: redis_client().exists(f"{tag}:sleeping"), what="the slow task to sleep")
    host, _pid = redis_client().get(f"{tag}:sleeping").decode().split()
    victim, survivor = (first, second) if host == first.name else (second, first)
    for i in range(45, 60, 5):
        grade_and_count.apply_async((ids[i : i + 5], tag), queue=queue)
    # Kill once the queue is drained into the workers. kombu's Redis transport records a
    # message as unacknowledged just after BRPOP hands it over: a worker killed inside that
    # window loses the message (the product's requeue sweeper grades such attempts later;
    # this test is about redelivery, so it does not kill inside the window).
    wait_until(lambda: redis_client().llen(queue) == 0, what="the queue drained")
    time.sleep(0.5)
    victim.kill()

    wait_until(lambda: graded(ids) == 60, what="all 60 graded after the kill")
    assert counter(tag, f"{slow[0]}:runs") == 2
    assert counter(tag, "written") == 60
    assert Result.objects.count() == 60
    hosts = {h.decode() for h in redis_client().lrange(f"{tag}:hosts", 0, -1)}
    assert hosts == {first.name, second.name}
    assert survivor.process.poll() is None
