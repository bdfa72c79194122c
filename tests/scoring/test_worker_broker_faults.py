"""The grading worker against a broker that restarts or is full (issue 20, faults 1 and 3).

A private redis-server on a free port is the broker (the shared Redis is never touched); a real
`celery worker -Q grading` subprocess runs on the test database. Submissions ring the doorbell
as the submit view does (`queueing.grading_ring`): the task they publish waits
GRADING_DELAY_SECONDS in the worker before it runs, and the broker is restarted in that window.
The fixes: contest_site/broker.py."""

import datetime
import time

import pytest
import redis
from celery import current_app
from django.urls import reverse
from django.utils import timezone

from scoring.models import Attempt
from scoring.services import queueing, sweeping
from tests.scoring import exam_support as support
from tests.scoring.exam_support import correct_answers, form_answers
from tests.scoring.grading_data import bank_contest, contest_questions, make_attempt, register
from tests.scoring.test_worker import Worker, wait_until
from tests.site.test_cache_outage import PrivateRedis

clean_cache_and_broker = support.clean_cache_and_broker
exam = support.exam
registration = support.registration
user = support.user
person = support.person

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def broker(request, settings):
    """A private Redis as this process's and the worker's Celery broker; parametrised
    indirectly with a `maxmemory` (under noeviction) for a broker that can fill up."""
    server = PrivateRedis(maxmemory=getattr(request, "param", None))
    server.start()
    shared = current_app.conf.broker_url
    settings.CELERY_BROKER_URL = server.url
    _publish_to(server.url)
    yield server
    server.stop()
    _publish_to(shared)  # the next tests publish to the shared Redis again


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
    """`submit(n)`: n submitted attempts, each ringing the doorbell as the submit view does
    (unless ring=False)."""
    contest = bank_contest(tree, questions=5)
    questions = contest_questions(contest)

    def make(n, *, ring=True):
        ids = []
        for _ in range(n):
            attempt = make_attempt(register(contest, tree["A-1"]), questions, correct=3)
            if ring:
                queueing.grading_ring(attempt.pk)
            ids.append(attempt.pk)
        return ids

    return make


def graded(ids) -> int:
    return Attempt.objects.filter(id__in=ids, status=Attempt.Status.GRADED).count()


def test_the_worker_survives_a_broker_restart_while_it_holds_a_delayed_task(
    settings, monkeypatch, broker, worker, submit
):
    # A longer doorbell delay than production's second: the restart surely falls inside it;
    # a shorter doorbell expiry: the test waits less for the lost task's bell to go quiet.
    settings.GRADING_DELAY_SECONDS = 3
    monkeypatch.setattr(queueing, "DOORBELL_SECONDS", 2)
    first = submit(5)
    wait_until(lambda: "] received" in worker.text(), what="the doorbell's task received")
    broker.stop()
    # Redis is back only after the worker has noticed (as after a real restart, which takes
    # longer than this): the worker closes the lost connection while Redis is down.
    wait_until(lambda: "Connection to broker lost" in worker.text(), what="the worker to notice")
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


def _fill(server) -> int:
    """Fill the broker until Redis refuses writes; returns how many filler keys it holds."""
    client = redis.Redis(port=server.port)
    count = 0
    with pytest.raises(redis.exceptions.OutOfMemoryError):
        while True:
            client.set(f"filler:{count}", "x" * 10_000)
            count += 1
    return count


@pytest.mark.parametrize("broker", ["4mb"], indirect=True)
def test_a_full_broker_neither_stops_the_worker_nor_fails_a_submit(
    broker, submit, exam, person, tmp_path
):
    queued = submit(5, ring=False)
    assert queueing.grading_enqueue(queued)  # queued before Redis filled up
    filler = _fill(broker)

    # The worker starts on the full broker and grades what was queued.
    worker = Worker(queue="grading", name="full", log_dir=tmp_path)
    try:
        wait_until(
            lambda: " ready." in worker.text() or worker.process.poll() is not None,
            what="the worker ready or gone",
        )
        assert worker.process.poll() is None, worker.text()
        wait_until(lambda: graded(queued) == 5, what=f"the queued grading:\n{worker.text()}")

        # A submit while the broker refuses writes: recorded, answered, grading left to later.
        assert person.start(exam.slug).status_code == 302
        attempt = Attempt.objects.get(registration__contest=exam)
        answers = correct_answers(attempt)
        done = person.post(reverse("scoring:submit", args=[attempt.pk]), form_answers(answers))
        assert done.status_code == 302
        attempt.refresh_from_db()
        assert attempt.status == Attempt.Status.SUBMITTED and attempt.answers == answers

        # Memory freed: the requeue sweeper (beat, another process: no publish backoff there)
        # queues what is ungraded, and the same worker grades it.
        redis.Redis(port=broker.port).delete(*[f"filler:{i}" for i in range(filler)])
        queueing.broker_backoff_reset()
        later = timezone.now() + sweeping.REQUEUE_AFTER + datetime.timedelta(seconds=1)
        assert sweeping.attempts_requeue_ungraded(now=later) == 1
        wait_until(lambda: graded([attempt.pk]) == 1, what=f"the requeued:\n{worker.text()}")
        assert worker.process.poll() is None
        assert "Unrecoverable error" not in worker.text()
    finally:
        worker.stop()
