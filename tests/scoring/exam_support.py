"""Fixtures and helpers for the exam tests (imported by tests/scoring/test_attempts*.py,
test_exam*.py and test_sweeping.py; kept out of conftest.py, which the grading tests share)."""

import base64
import json

import pytest
from django.core.cache import cache
from django.db.models import Q
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from contest_site.celery import app as celery_app
from scoring.models import Attempt
from scoring.selectors.attempts import local_caches_clear
from scoring.services.draw import draw_plans_forget
from scoring.services.queueing import broker_backoff_reset
from tests.factories import RegistrationFactory, contest_with_bank

GRADING_QUEUE = "grading"


@pytest.fixture(autouse=True)
def clean_cache_and_broker(settings):
    """Each test starts with none of scoring's cache keys, an empty grading queue and no
    remembered broker failure. (Not FLUSHDB: that would drop kombu's queue bindings too.)"""
    client = cache._cache.get_client(None, write=True)
    stale = list(client.scan_iter(match="*scoring:*")) + [GRADING_QUEUE]
    client.delete(*stale)
    local_caches_clear()
    draw_plans_forget()
    broker_backoff_reset()
    yield
    broker_backoff_reset()


@pytest.fixture
def exam(tree):
    """A published contest open now: 2 topics × 10 questions, the test draws 5 + 5, 20
    minutes, 3 attempts, options not shuffled."""
    return contest_with_bank(owner=tree["C"], root=tree["C"])


@pytest.fixture
def registration(exam, tree):
    return RegistrationFactory(contest=exam, unit=tree["A-1"])


@pytest.fixture
def user(registration):
    return registration.participant.user


class Person:
    """A logged-in browser with CSRF checks on, like a real one."""

    def __init__(self, user):
        self.client = Client(enforce_csrf_checks=True)
        self.client.force_login(user)
        self.client.get(reverse("scoring:my_attempts"))  # sets the CSRF cookie

    @property
    def token(self) -> str:
        return self.client.cookies["csrftoken"].value

    def get(self, url, **kwargs):
        return self.client.get(url, **kwargs)

    def post(self, url, data=None, **kwargs):
        data = dict(data or {})
        data["csrfmiddlewaretoken"] = self.token
        return self.client.post(url, data, **kwargs)

    def post_json(self, url, body):
        return self.client.post(
            url, json.dumps(body), content_type="application/json", HTTP_X_CSRFTOKEN=self.token
        )

    def start(self, slug):
        return self.post(reverse("scoring:start", args=[slug]))


@pytest.fixture
def person(user):
    return Person(user)


def form_answers(answers: dict) -> dict:
    return {f"q{q}": o for q, o in answers.items()}


def correct_answers(attempt: Attempt, *, wrong: int = 0) -> dict[str, int]:
    """{question id: option id}: the correct option for each question, except the last
    `wrong` ones, which get an incorrect option."""
    from contests.models import Option

    correct = dict(
        Option.objects.filter(
            question_id__in=[i["q"] for i in attempt.items], is_correct=True
        ).values_list("question_id", "id")
    )
    answers = {}
    for n, item in enumerate(attempt.items):
        if n >= len(attempt.items) - wrong:
            answers[str(item["q"])] = next(o for o in item["o"] if o != correct[item["q"]])
        else:
            answers[str(item["q"])] = correct[item["q"]]
    return answers


def grading_queue() -> list[dict]:
    """The grading messages waiting in the real broker: [{"task": ..., "args": [...], "eta":
    when it may start (None: at once)}]."""
    client = cache._cache.get_client(None, write=False)  # same Redis DB as the broker in tests
    messages = []
    for raw in client.lrange(GRADING_QUEUE, 0, -1):
        message = json.loads(raw)
        args, _kwargs, _embed = json.loads(base64.b64decode(message["body"]))
        headers = message["headers"]
        messages.append({"task": headers["task"], "args": args, "eta": headers.get("eta")})
    return messages


def queued_attempt_ids() -> list[int]:
    ids = []
    for message in grading_queue():
        arg = message["args"][0]
        ids.extend(arg if isinstance(arg, list) else [arg])
    return sorted(ids)


def grade(attempt_ids: list[int]) -> None:
    """Grade with the grading service (issue #6); until it exists, a stand-in that writes
    what grading writes, so the result page can be shown."""
    from scoring.services import grading

    try:
        grading.attempts_grade(attempt_ids=attempt_ids)
        return
    except NotImplementedError:
        pass
    from contests.models import Option

    for attempt in Attempt.objects.filter(id__in=attempt_ids, status="submitted"):
        correct = set(
            Option.objects.filter(
                question_id__in=[i["q"] for i in attempt.items], is_correct=True
            ).values_list("id", flat=True)
        )
        count = sum(1 for o in attempt.answers.values() if o in correct)
        Attempt.objects.filter(pk=attempt.pk).update(
            status="graded",
            correct_count=count,
            score=count,
            all_correct=count == attempt.question_count,
            duration_ms=int((attempt.finished_at - attempt.started_at).total_seconds() * 1000),
            graded_at=timezone.now(),
        )


class BrokerDown:
    """Point the Celery app at a closed port for the duration of a `with` block."""

    def __enter__(self):
        self.url = celery_app.conf.broker_url
        celery_app.conf.broker_url = "redis://127.0.0.1:1/0"
        self._reset()
        return self

    def __exit__(self, *exc):
        celery_app.conf.broker_url = self.url
        self._reset()
        broker_backoff_reset()

    @staticmethod
    def _reset():
        celery_app._pool = None
        celery_app.amqp._producer_pool = None
        if hasattr(celery_app, "_connection_for_write"):
            del celery_app._connection_for_write


def gate_fill(seconds: float) -> None:
    """Others have taken the start slots of the next `seconds` seconds, and have used this
    second's and the next's (so the gate has no capacity to lend: admission.gate_step)."""
    import math
    import time

    from scoring.services.gate import GATE_KEY

    client = cache._cache.get_client(None, write=True)
    now = time.time()
    client.set(cache.make_and_validate_key(GATE_KEY), repr(now + seconds), ex=60)
    for second in range(math.floor(now), math.floor(now + seconds) + 2):
        client.set(cache.make_and_validate_key(f"{GATE_KEY}:n:{second}"), 10**6, ex=60)


def open_attempts(registration) -> int:
    return Attempt.objects.filter(Q(registration=registration) & Q(status="open")).count()
