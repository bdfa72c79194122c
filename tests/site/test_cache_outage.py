"""Redis away or full (issue 20, faults 2 and 3): the cache fails open (contest_site/cache.py),
so a logged-in citizen keeps working from the database — no 500 while the cache is down — and
everything comes back when it returns. A private redis-server on a free port, stopped and
started mid-flow; the shared Redis is never touched."""

from __future__ import annotations

import logging
import shutil
import socket
import subprocess
import time

import pytest
import redis
from django.core.cache import caches
from django.urls import reverse

from contest_site import cache as fail_open
from scoring.models import Attempt
from tests.scoring import exam_support as support
from tests.scoring.exam_support import correct_answers, form_answers

clean_cache_and_broker = support.clean_cache_and_broker
exam = support.exam
registration = support.registration
user = support.user
person = support.person

pytestmark = pytest.mark.django_db


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PrivateRedis:
    """A redis-server of our own: no persistence, optionally a tiny `maxmemory` with
    `noeviction` (what a full broker-style Redis answers: OOM errors on writes)."""

    def __init__(self, *, maxmemory: str | None = None):
        self.port = _free_port()
        self.maxmemory = maxmemory
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        args = [shutil.which("redis-server"), "--port", str(self.port), "--save", ""]
        args += ["--appendonly", "no", "--bind", "127.0.0.1"]
        if self.maxmemory:
            args += ["--maxmemory", self.maxmemory, "--maxmemory-policy", "noeviction"]
        self.process = subprocess.Popen(args, stdout=subprocess.DEVNULL)
        client = redis.Redis(port=self.port)
        for _ in range(100):
            try:
                if client.ping():
                    return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("the private redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
            self.process = None


@pytest.fixture
def private_redis():
    if not shutil.which("redis-server"):
        pytest.fail("redis-server is needed (Debian package redis-server; .ci/run installs it)")
    server = PrivateRedis()
    server.start()
    yield server
    server.stop()


def _caches_on(settings, url: str) -> None:
    """The default cache (and so the sessions) on `url`, as production configures it."""
    settings.CACHES = {
        "default": {
            "BACKEND": "contest_site.cache.ReusedClientRedisCache",
            "LOCATION": url,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1.0},
        }
    }


def test_every_operation_answers_as_an_empty_cache_when_redis_is_away(
    settings, private_redis, caplog
):
    _caches_on(settings, private_redis.url)
    cache = caches["default"]
    cache.set("k", 1)
    assert cache.get("k") == 1
    private_redis.stop()
    fail_open._last_logged = 0.0
    with caplog.at_level(logging.WARNING, logger="contest_site.cache"):
        assert cache.get("k", "miss") == "miss"
        assert cache.get_many(["k", "j"]) == {}
        assert cache.has_key("k") is False
        assert cache.add("k", 2) is True  # "go ahead": the caller lets the person through
        cache.set("k", 3)
        assert cache.set_many({"a": 1}) == []
        assert cache.touch("k") is False
        cache.delete("k")
        cache.delete_many(["a"])
        with pytest.raises(ValueError):
            cache.incr("k")
    # One line for the whole outage, not one per operation.
    lines = [r for r in caplog.records if r.name == "contest_site.cache"]
    assert len(lines) == 1
    assert "cache unavailable" in lines[0].getMessage()
    private_redis.start()
    cache.set("k", 4)
    assert cache.get("k") == 4


def test_a_full_redis_refuses_writes_without_raising(settings):
    server = PrivateRedis(maxmemory="2mb")
    server.start()
    try:
        _caches_on(settings, server.url)
        cache = caches["default"]
        client = redis.Redis(port=server.port)
        with pytest.raises(redis.exceptions.OutOfMemoryError):
            for i in range(10_000):
                client.set(f"fill:{i}", "x" * 1000)
        cache.set("after", 1)  # refused by Redis (OOM), answered as "nothing kept"
        assert cache.get("after") is None
        assert cache.add("after", 1) is True
    finally:
        server.stop()


def test_a_citizen_takes_and_submits_the_test_while_the_cache_is_away(
    settings, private_redis, exam, person
):
    """Log in and start while Redis is up; Redis goes away; every page of the exam path still
    answers (sessions from the database) and the submit is recorded; Redis comes back and the
    result page is served as usual."""
    _caches_on(settings, private_redis.url)
    person.client.get(reverse("scoring:my_attempts"))
    assert person.start(exam.slug).status_code == 302
    attempt = Attempt.objects.get()
    private_redis.stop()

    take = person.get(reverse("scoring:take", args=[attempt.pk]))
    assert take.status_code == 200
    answers = correct_answers(attempt)
    first = next(iter(answers))
    saved = person.post_json(
        reverse("scoring:autosave", args=[attempt.pk]), {"answers": {first: answers[first]}}
    )
    assert saved.status_code == 200 and saved.json()["ok"] is True
    done = person.post(reverse("scoring:submit", args=[attempt.pk]), form_answers(answers))
    assert done.status_code == 302
    assert person.get(done["Location"]).status_code == 200
    assert person.get(reverse("contests:contest_detail", args=[exam.slug])).status_code == 200
    row = Attempt.objects.get(pk=attempt.pk)
    assert row.status == Attempt.Status.SUBMITTED
    assert row.answers == answers

    private_redis.start()
    assert person.get(done["Location"]).status_code == 200
