"""The grading worker against a broker that restarts or is full (issue 20, faults 1 and 3).

A private redis-server on a free port is the broker (the shared Redis is never touched); a real
`celery worker -Q grading` subprocess runs on the test database. Submissions ring the doorbell
as the submit view does (`queueing.grading_ring`): the task they publish waits
GRADING_DELAY_SECONDS in the worker before it runs, and the broker is restarted in that window."""

import time

import pytest
from celery import current_app

from scoring.models import Attempt
from scoring.services import queueing
from tests.scoring.exam_support import clean_cache_and_broker  # noqa: F401 (autouse)
from tests.scoring.grading_data import bank_contest, contest_questions, make_attempt, register
from tests.scoring.test_worker import Worker, wait_until
from tests.site.test_cache_outage import PrivateRedis

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def broker(settings):
    """A private Redis as this process's and the worker's Celery broker."""
    server = PrivateRedis()
    server.start()
    settings.CELERY_BROKER_URL = server.url
    _publish_to(server.url)
    yield server
    server.stop()
    _publish_to(settings.CELERY_BROKER_URL)


def _publish_to(url: str) -> None:
    """Point the Celery app's publishing at `url` (its connection pools are made lazily)."""
    current_app.conf.broker_url = url
    current_app._after_fork()


@pytest.fixture
def worker(broker, tmp_path):
    started = Worker(queue="grading", name="faults", log_dir=tmp_path)
    started.wait_ready()
    yield started
    started.stop()


@pytest.fixture
def submit(tree):
    """`submit(n)`: n submitted attempts, each ringing the doorbell as the submit view does."""
    contest = bank_contest(tree, questions=5)
    questions = contest_questions(contest)

    def make(n):
        ids = []
        for _ in range(n):
            attempt = make_attempt(register(contest, tree["A-1"]), questions, correct=3)
            queueing.grading_ring(attempt.pk)
            ids.append(attempt.pk)
        return ids

    return make


def graded(ids) -> int:
    return Attempt.objects.filter(id__in=ids, status=Attempt.Status.GRADED).count()


def test_the_worker_survives_a_broker_restart_while_it_holds_a_delayed_task(
    settings, broker, worker, submit
):
    # A longer doorbell delay than production's second: the restart surely falls inside it.
    settings.GRADING_DELAY_SECONDS = 3
    first = submit(5)
    wait_until(lambda: "] received" in worker.text(), what="the doorbell's task received")
    broker.stop()
    broker.start()  # no persistence: the queue and its unacknowledged entries are gone
    # People keep submitting. The lost task's doorbell expires (DOORBELL_SECONDS) and the next
    # submission queues a task, which takes the whole backlog along.
    second = []
    for _ in range(2 * queueing.DOORBELL_SECONDS + 2):
        second += submit(1)
        time.sleep(0.5)
    wait_until(
        lambda: graded(first + second) == len(first + second),
        timeout=30,
        what=f"every submission graded; worker log:\n{worker.text()}",
    )
    assert worker.process.poll() is None
    log = worker.text()
    assert "Restoring 1 unacknowledged message(s)" in log  # it held the task when Redis went
    assert "Unrecoverable error" not in log
