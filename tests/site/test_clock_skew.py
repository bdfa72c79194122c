"""Clock skew between web nodes (issue 20, fault 6): the start gate, deadlines and durations
read the database's clock (contest_site/clock.py), so a node whose own clock is off neither
queues people for nothing nor drops in-time answers as late."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from contest_site import clock
from scoring.models import Attempt
from scoring.services.gate import GATE_KEY, start_admit
from tests.scoring import exam_support as support
from tests.scoring.exam_support import correct_answers, form_answers

clean_cache_and_broker = support.clean_cache_and_broker
exam = support.exam
registration = support.registration
user = support.user
person = support.person

pytestmark = pytest.mark.django_db

REAL_NOW = timezone.now


@pytest.fixture
def database_clock(settings):
    settings.EXAM_CLOCK_FROM_DATABASE = True
    clock.clock_reset()
    yield
    clock.clock_reset()


def node_clock(monkeypatch, skew: datetime.timedelta) -> None:
    """This process becomes a web node whose clock is `skew` off, freshly started."""
    monkeypatch.setattr("django.utils.timezone.now", lambda: REAL_NOW() + skew)
    clock.clock_reset()


def test_the_clock_is_the_databases_whatever_the_nodes(database_clock, monkeypatch):
    for skew in (datetime.timedelta(seconds=-150), datetime.timedelta(minutes=5)):
        node_clock(monkeypatch, skew)
        assert abs(clock.now() - REAL_NOW()) < datetime.timedelta(seconds=1)


def test_a_node_minutes_ahead_accepts_an_answer_given_in_time(
    database_clock, monkeypatch, exam, person
):
    """Started on a good node; the deadline is 20 s away; the submit lands on a node whose
    clock is 150 s ahead. In time by the one clock: the answers count, finished before the
    deadline. (By that node's own clock it was past deadline + grace: answers dropped.)"""
    assert person.start(exam.slug).status_code == 302
    attempt = Attempt.objects.get()
    deadline = REAL_NOW() + datetime.timedelta(seconds=20)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=deadline)
    answers = correct_answers(attempt)

    node_clock(monkeypatch, datetime.timedelta(seconds=150))
    done = person.post(reverse("scoring:submit", args=[attempt.pk]), form_answers(answers))
    assert done.status_code == 302
    row = Attempt.objects.get(pk=attempt.pk)
    assert row.status == Attempt.Status.SUBMITTED
    assert row.answers == answers
    assert row.finished_at < deadline


def test_two_nodes_seconds_apart_share_the_start_gate_without_idle_waits(
    database_clock, monkeypatch, settings
):
    """100 starts at 200 a second, alternating between a node on time and one 2 s behind:
    within the gate's tolerance, so nobody waits. (With each node's clock, the node behind
    saw every slot 2 s ahead of it and sent its people to "Vui lòng chờ".)"""
    settings.EXAM_START_RATE = 200
    cache.delete(GATE_KEY)
    waits = []
    for i in range(100):
        node_clock(monkeypatch, datetime.timedelta(seconds=-2 if i % 2 else 0))
        seconds, _ticket = start_admit()
        waits.append(seconds)
    cache.delete(GATE_KEY)
    assert waits == [0] * 100


def test_the_grading_doorbell_rings_by_the_one_clock(database_clock, monkeypatch):
    """The submit's grading task, published GRADING_DELAY_SECONDS ahead by a node whose clock
    is 5 minutes ahead, is due a second from now by the database's clock, not in 5 minutes
    (Celery's countdown read the node's clock: the worker held it, and the requeue sweeper
    graded the wave 91–98 s late in `make chaos`)."""
    from celery import signals

    from contest_site.celery import app
    from scoring.services.queueing import grading_enqueue

    skew = datetime.timedelta(minutes=5)
    node_clock(monkeypatch, skew)
    # The node's clock, as Celery reads it for a countdown.
    monkeypatch.setattr(app, "now", lambda: REAL_NOW() + skew)
    published = []

    def capture(headers=None, **_kwargs):
        published.append(headers)

    signals.before_task_publish.connect(capture, weak=False)
    try:
        assert grading_enqueue([10**9], delay=1.0)
    finally:
        signals.before_task_publish.disconnect(capture)
    due = datetime.datetime.fromisoformat(published[0]["eta"])
    assert abs(due - (REAL_NOW() + datetime.timedelta(seconds=1))) < datetime.timedelta(seconds=2)
