"""Sweepers (closing expired attempts, requeueing ungraded ones) and a broker that is down."""

import datetime
import threading

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from scoring import tasks
from scoring.models import Attempt
from scoring.services.attempts import attempt_start, attempt_submit
from scoring.services.sweeping import attempts_close_expired, attempts_requeue_ungraded
from tests.factories import RegistrationFactory, contest_with_bank
from tests.scoring import exam_support as support
from tests.scoring.exam_support import (
    BrokerDown,
    Person,
    correct_answers,
    form_answers,
    grade,
    queued_attempt_ids,
)

clean_cache_and_broker = support.clean_cache_and_broker

MINUTE = datetime.timedelta(minutes=1)


def make_attempts(tree, count, *, started_ago):
    contest = contest_with_bank(owner=tree["C"], root=tree["C"], attempts_allowed=0)
    now = timezone.now()
    attempts = []
    for _ in range(count):
        registration = RegistrationFactory(contest=contest, unit=tree["A-1"])
        attempts.append(attempt_start(registration=registration, now=now - started_ago))
    return attempts


@pytest.mark.django_db(transaction=True)
def test_close_expired_closes_only_past_grace_and_queues_grading(tree):
    expired, in_grace, fresh = make_attempts(tree, 3, started_ago=20 * MINUTE + 2 * MINUTE)
    Attempt.objects.filter(pk=in_grace.pk).update(deadline=timezone.now() - 30 * MINUTE / 60)
    Attempt.objects.filter(pk=fresh.pk).update(deadline=timezone.now() + 5 * MINUTE)
    q = expired.items[0]
    Attempt.objects.filter(pk=expired.pk).update(answers={str(q["q"]): q["o"][0]})

    assert attempts_close_expired() == 1
    row = Attempt.objects.get(pk=expired.pk)
    assert row.status == "submitted"
    assert row.finished_at == row.deadline
    assert row.answers == {str(q["q"]): q["o"][0]}
    assert Attempt.objects.get(pk=in_grace.pk).status == "open"
    assert Attempt.objects.get(pk=fresh.pk).status == "open"
    assert queued_attempt_ids() == [expired.pk]

    # Twice: nothing more, nothing queued again.
    assert attempts_close_expired() == 0
    assert tasks.close_expired_attempts() == 0
    assert queued_attempt_ids() == [expired.pk]


@pytest.mark.django_db(transaction=True)
def test_concurrent_sweepers_close_each_attempt_once(tree):
    attempts = make_attempts(tree, 12, started_ago=30 * MINUTE)
    counts = []
    barrier = threading.Barrier(3)

    def sweep():
        try:
            barrier.wait()
            counts.append(attempts_close_expired())
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(counts) == 12
    assert Attempt.objects.filter(status="submitted").count() == 12
    assert queued_attempt_ids() == sorted(a.pk for a in attempts)  # each queued once


@pytest.mark.django_db(transaction=True)
def test_requeue_publishes_only_old_ungraded_attempts(tree):
    old, recent, graded, still_open = make_attempts(tree, 4, started_ago=MINUTE)
    now = timezone.now()
    with BrokerDown():
        for attempt in (old, recent, graded):
            attempt_submit(attempt=attempt, now=now)
    assert queued_attempt_ids() == []
    Attempt.objects.filter(pk=old.pk).update(submitted_at=now - 2 * MINUTE)
    Attempt.objects.filter(pk=graded.pk).update(status="graded", submitted_at=now - 2 * MINUTE)

    assert attempts_requeue_ungraded(now=now) == 1
    assert queued_attempt_ids() == [old.pk]
    assert tasks.requeue_ungraded_attempts() == 1  # safe to run again: grading is idempotent
    assert queued_attempt_ids() == [old.pk, old.pk]


@pytest.mark.django_db(transaction=True)
def test_broker_down_at_submit_the_reply_succeeds_and_the_sweeper_queues_it(tree):
    contest = contest_with_bank(owner=tree["C"], root=tree["C"])
    person = Person(RegistrationFactory(contest=contest, unit=tree["A-1"]).participant.user)
    started = person.start(contest.slug)
    attempt = Attempt.objects.get()
    answers = correct_answers(attempt)
    with BrokerDown():
        reply = person.post(reverse("scoring:submit", args=[attempt.pk]), form_answers(answers))
        assert reply.status_code == 302
        page = person.get(reply["Location"])
        assert page.status_code == 200
        assert "Đã nộp bài — đang chấm" in page.content.decode()
        # A second submit while the broker is down: same page, no error.
        again = person.post(reverse("scoring:submit", args=[attempt.pk]), {})
        assert again["Location"] == reply["Location"]
    assert started.status_code == 302
    row = Attempt.objects.get()
    assert row.status == "submitted"
    assert row.answers == answers  # committed although nothing could be queued
    assert queued_attempt_ids() == []

    # Broker back: the periodic requeue publishes it a minute later, and grading grades it.
    assert attempts_requeue_ungraded(now=timezone.now() + 2 * MINUTE) == 1
    assert queued_attempt_ids() == [attempt.pk]
    grade(queued_attempt_ids())
    graded = Attempt.objects.get()
    assert graded.status == "graded"
    assert graded.correct_count == 10
