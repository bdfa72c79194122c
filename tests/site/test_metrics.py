"""/metrics (contest_site/metrics.py, reports/metrics.py): who may read it, and that the figures
it reports are the database's."""

from __future__ import annotations

import datetime
import time

import pytest
import redis
from django.utils import timezone
from prometheus_client import REGISTRY

from contest_site.metrics import metrics_allowed, status_class
from contest_site.worker_health import (
    HEARTBEAT_KEY,
    BrokerCollector,
    heartbeat_ages,
    heartbeat_write,
)
from reports.metrics import rollup_ages
from reports.models import ExportJob
from scoring.models import Attempt
from scoring.services.grading import attempts_grade
from tests.factories import UserFactory
from tests.scoring import exam_support as support

exam = support.exam
registration = support.registration
user = support.user
person = support.person
clean_cache_and_broker = support.clean_cache_and_broker

NETS = ["10.0.0.0/8", "192.168.1.5", "fd00::/8", "not a network"]


@pytest.mark.parametrize(
    ("remote_addr", "authorization", "networks", "token", "allowed"),
    [
        ("10.1.2.3", "", NETS, "", True),
        ("192.168.1.5", "", NETS, "", True),
        ("192.168.1.6", "", NETS, "", False),
        ("fd00::1", "", NETS, "", True),
        ("127.0.0.1", "", NETS, "", False),
        ("127.0.0.1", "", [], "", False),
        ("", "", NETS, "", False),
        ("garbage", "", NETS, "", False),
        ("127.0.0.1", "Bearer s3cret-token", [], "s3cret-token", True),
        ("127.0.0.1", "bearer s3cret-token", [], "s3cret-token", True),
        ("127.0.0.1", "Bearer wrong", [], "s3cret-token", False),
        ("127.0.0.1", "Basic s3cret-token", [], "s3cret-token", False),
        ("127.0.0.1", "Bearer s3cret-token-longer", [], "s3cret-token", False),
        # No token configured: an empty bearer is not a match.
        ("127.0.0.1", "Bearer ", [], "", False),
        ("127.0.0.1", "Bearer", [], "", False),
        # A wrong token from an allowed address: the address suffices.
        ("10.0.0.9", "Bearer wrong", NETS, "s3cret-token", True),
    ],
)
def test_metrics_access_rule(remote_addr, authorization, networks, token, allowed):
    assert (
        metrics_allowed(
            remote_addr=remote_addr, authorization=authorization, networks=networks, token=token
        )
        is allowed
    )


@pytest.mark.parametrize(
    ("status", "label"), [(200, "2xx"), (302, "3xx"), (404, "4xx"), (503, "5xx"), (99, "1xx")]
)
def test_status_class(status, label):
    assert status_class(status) == label


def test_rollup_age_counts_from_opening_when_never_refreshed():
    now = datetime.datetime(2026, 9, 2, 12, 0, tzinfo=datetime.UTC)
    contests = [("a", now - datetime.timedelta(hours=2)), ("b", now - datetime.timedelta(days=3))]
    refreshed = {"b": now - datetime.timedelta(seconds=45), "c": now}
    assert rollup_ages(contests=contests, refreshed=refreshed, now=now) == {"a": 7200.0, "b": 45.0}


def _value(body: str, name: str) -> float:
    for line in body.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[-1])
    raise AssertionError(f"{name} not in /metrics")


@pytest.mark.django_db
def test_metrics_is_404_unless_allowed(client, settings):
    settings.METRICS_ALLOWED_NETWORKS = ["10.0.0.0/8"]
    settings.METRICS_TOKEN = "s3cret-token"
    assert client.get("/metrics").status_code == 404  # the test client is 127.0.0.1
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer nope").status_code == 404
    assert client.get("/metrics", REMOTE_ADDR="10.9.9.9").status_code == 200
    # A forwarded address is the client's own word: not believed.
    assert client.get("/metrics", HTTP_X_FORWARDED_FOR="10.9.9.9").status_code == 404


@pytest.mark.django_db
def test_metrics_reports_the_database_figures(client, settings, registration):
    settings.METRICS_TOKEN = "s3cret-token"
    now = timezone.now()
    for number, status in enumerate(["submitted", "submitted", "graded", "open"], start=1):
        Attempt.objects.create(
            registration=registration,
            contest=registration.contest,
            number=number,
            status=status,
            items=[],
            question_count=10,
            started_at=now - datetime.timedelta(minutes=10),
            deadline=now + datetime.timedelta(minutes=10),
            submitted_at=(now - datetime.timedelta(minutes=number)) if status != "open" else None,
        )
    owner = UserFactory()
    for status in ["pending", "running", "running", "failed", "done"]:
        ExportJob.objects.create(
            owner=owner,
            kind="results",
            contest=registration.contest,
            status=status,
            finished_at=now if status in ("failed", "done") else None,
        )
    client.get("/")  # one request of a named view, to be timed
    response = client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-token")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    body = response.content.decode()
    assert _value(body, "contest_database_up") == 1
    assert _value(body, "contest_grading_backlog") == 2
    # The oldest submitted attempt was submitted 2 minutes ago (the scrape is a moment later).
    assert 120 <= _value(body, "contest_grading_backlog_oldest_seconds") < 180
    assert _value(body, 'contest_export_jobs{status="pending"}') == 1
    assert _value(body, 'contest_export_jobs{status="running"}') == 2
    assert _value(body, 'contest_export_jobs{status="failed"}') == 1
    slug = registration.contest.slug
    assert f'contest_rollup_age_seconds{{contest="{slug}"}}' in body
    assert 'contest_request_duration_seconds_count{method="GET",view="contests:home"}' in body
    assert 'contest_requests_total{method="GET",status="2xx",view="contests:home"}' in body


def _sample(name: str, labels: dict | None = None) -> float:
    return REGISTRY.get_sample_value(name, labels or {}) or 0.0


@pytest.mark.django_db
def test_start_gate_counts_admitted_and_told_to_wait(exam, person, settings):
    settings.EXAM_START_RATE = 1
    admitted = _sample("contest_start_gate_total", {"outcome": "admitted"})
    waiting = _sample("contest_start_gate_total", {"outcome": "wait"})
    assert person.start(exam.slug).status_code == 302
    support.gate_fill(5)
    assert person.start(exam.slug).status_code == 503
    assert _sample("contest_start_gate_total", {"outcome": "admitted"}) == admitted + 1
    assert _sample("contest_start_gate_total", {"outcome": "wait"}) == waiting + 1


@pytest.mark.django_db
def test_grading_observes_the_lag_of_first_gradings_only(registration):
    now = timezone.now()
    ids = [
        Attempt.objects.create(
            registration=registration,
            contest=registration.contest,
            number=number,
            status="submitted",
            items=[],
            question_count=10,
            started_at=now - datetime.timedelta(minutes=20),
            deadline=now + datetime.timedelta(minutes=10),
            finished_at=now - datetime.timedelta(seconds=40),
            submitted_at=now - datetime.timedelta(seconds=40),
        ).pk
        for number in (1, 2)
    ]
    count = _sample("contest_grading_lag_seconds_count")
    total = _sample("contest_grading_lag_seconds_sum")
    assert attempts_grade(attempt_ids=ids) == 2
    assert _sample("contest_grading_lag_seconds_count") == count + 2
    assert 80 <= _sample("contest_grading_lag_seconds_sum") - total < 100
    assert attempts_grade(attempt_ids=ids, regrade=True) == 2
    assert _sample("contest_grading_lag_seconds_count") == count + 2


@pytest.mark.django_db
def test_a_made_up_method_is_one_label(client):
    before = _sample(
        "contest_requests_total", {"view": "contests:home", "method": "other", "status": "2xx"}
    )
    client.generic("BREW", "/")
    after = _sample(
        "contest_requests_total", {"view": "contests:home", "method": "other", "status": "2xx"}
    )
    assert after == before + 1
    assert (
        REGISTRY.get_sample_value(
            "contest_requests_total", {"view": "contests:home", "method": "BREW", "status": "2xx"}
        )
        is None
    )


def test_heartbeat_ages_forget_workers_long_gone():
    beats = {"celery@a": 1000.0, "celery@b": 990.0, "celery@old": 1000.0 - 90000}
    assert heartbeat_ages(beats=beats, now=1005.0) == {"celery@a": 5.0, "celery@b": 15.0}


def test_worker_heartbeat_is_read_from_the_broker_at_scrape_time(settings):
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    client.delete(HEARTBEAT_KEY)
    heartbeat_write(hostname="celery@test-node", now=time.time() - 42)
    families = {family.name: family for family in BrokerCollector().collect()}
    client.delete(HEARTBEAT_KEY)
    (sample,) = families["contest_worker_heartbeat_age_seconds"].samples
    assert sample.labels == {"worker": "celery@test-node"}
    assert 42 <= sample.value < 60
    assert families["contest_broker_up"].samples[0].value == 1
