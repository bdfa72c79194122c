"""Is a Celery worker alive and consuming? Each worker writes a heartbeat (the time, under its
name) into a hash on the broker every HEARTBEAT_SECONDS from its own event loop, without beat;
`/metrics` reads the hash and the queue lengths when Prometheus scrapes (`BrokerCollector`).
A worker that exited, hangs, or lost the broker stops writing, and its heartbeat ages.

The worker's own metrics (the grading lag, counted in its pool processes) are served by the
worker on WORKER_METRICS_PORT (`worker_metrics_serve`), since its processes share no files with
a web node's."""

from __future__ import annotations

import logging
import os
import time

import redis
from celery import bootsteps
from django.conf import settings
from prometheus_client.core import GaugeMetricFamily

log = logging.getLogger(__name__)

HEARTBEAT_KEY = "contest:worker-heartbeats"
HEARTBEAT_SECONDS = 15.0
# Heartbeats older than this are from workers long gone (renamed, scaled down): not reported.
FORGET_AFTER = 86400
QUEUES = ("grading", "default", "exports")


def broker_client() -> redis.Redis | None:
    url = settings.CELERY_BROKER_URL
    if not url.startswith(("redis://", "rediss://", "unix://")):
        return None  # the embedded demo's in-memory broker: nothing to watch
    return redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)


def heartbeat_write(*, hostname: str, now: float | None = None) -> None:
    client = broker_client()
    if client is None:
        return
    try:
        pipe = client.pipeline(transaction=False)
        pipe.hset(HEARTBEAT_KEY, hostname, repr(now if now is not None else time.time()))
        pipe.expire(HEARTBEAT_KEY, FORGET_AFTER)
        pipe.execute()
    except redis.RedisError as exc:
        # The broker is away: the heartbeat ages, which is what the alert is for.
        log.warning("worker heartbeat not written: %s", exc.__class__.__name__)


def heartbeat_ages(*, beats: dict[str, float], now: float) -> dict[str, float]:
    """Seconds since each worker's last heartbeat; workers silent for FORGET_AFTER are gone."""
    return {
        name: max(0.0, now - at) for name, at in sorted(beats.items()) if now - at < FORGET_AFTER
    }


class Heartbeat(bootsteps.StartStopStep):
    """A worker bootstep: the heartbeat runs on the worker's timer, in the same loop that
    consumes the broker's messages."""

    requires = {"celery.worker.components:Timer"}

    def __init__(self, worker, **kwargs):
        super().__init__(worker, **kwargs)
        self.tref = None

    def start(self, worker):
        heartbeat_write(hostname=worker.hostname)
        self.tref = worker.timer.call_repeatedly(
            HEARTBEAT_SECONDS, heartbeat_write, kwargs={"hostname": worker.hostname}
        )

    def stop(self, worker):
        if self.tref is not None:
            self.tref.cancel()
            self.tref = None


class BrokerCollector:
    """Read at scrape time: each worker's heartbeat age and each queue's waiting messages."""

    def collect(self):
        ages = GaugeMetricFamily(
            "contest_worker_heartbeat_age_seconds",
            "Seconds since the Celery worker last wrote its heartbeat to the broker.",
            labels=["worker"],
        )
        queued = GaugeMetricFamily(
            "contest_celery_queue_length",
            "Messages waiting in a Celery queue on the broker.",
            labels=["queue"],
        )
        up = GaugeMetricFamily("contest_broker_up", "1 when the broker answered this scrape.")
        client = broker_client()
        if client is not None:
            try:
                pipe = client.pipeline(transaction=False)
                pipe.hgetall(HEARTBEAT_KEY)
                for queue in QUEUES:
                    pipe.llen(queue)
                raw, *lengths = pipe.execute()
            except redis.RedisError:
                up.add_metric([], 0)
            else:
                up.add_metric([], 1)
                beats = {k.decode(): float(v) for k, v in raw.items()}
                for name, age in heartbeat_ages(beats=beats, now=time.time()).items():
                    ages.add_metric([name], age)
                for queue, length in zip(QUEUES, lengths, strict=True):
                    queued.add_metric([queue], length)
        yield from (ages, queued, up)


def worker_metrics_serve() -> None:
    """In the worker's main process (celery's `worker_init`): serve its processes' metrics on
    WORKER_METRICS_ADDR:WORKER_METRICS_PORT when the port is set. The multiprocess directory is
    emptied first: the files of a previous run's processes would be counted again."""
    port = os.environ.get("WORKER_METRICS_PORT", "")
    if not port:
        return
    from prometheus_client import REGISTRY, CollectorRegistry, start_http_server
    from prometheus_client import multiprocess as prometheus_multiprocess

    path = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")
    registry = REGISTRY
    if path:
        os.makedirs(path, exist_ok=True)
        for name in os.listdir(path):
            if name.endswith(".db"):
                os.remove(os.path.join(path, name))
        registry = CollectorRegistry()
        prometheus_multiprocess.MultiProcessCollector(registry, path=path)
    # Bind to the internal network only (there is no token on this port).
    address = os.environ.get("WORKER_METRICS_ADDR", "127.0.0.1")
    start_http_server(int(port), addr=address, registry=registry)
