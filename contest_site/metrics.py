"""Prometheus metrics: what each process counts, who may read them, and the `/metrics` page.

Two kinds of figures, chosen by what they cost:
- Counted in the process where the thing happens (request latency per view, the start gate's
  answers, the grading lag): a prometheus-client metric. Under gunicorn and Celery's prefork
  pool every process has its own memory, so with PROMETHEUS_MULTIPROC_DIR set (deploy/README.md
  "Metrics") each process writes its values to a file there and `/metrics` sums the files of
  the node; unset (the demo, tests) the process's own registry is read.
- Read from the database or Redis when Prometheus scrapes (grading backlog, export jobs,
  roll-up age, worker heartbeats, queue lengths): a few indexed counts, cheaper than keeping a
  gauge in step in every process; `reports.metrics.DatabaseCollector`, passed to the view by the
  URL configuration (contest_site may not import the apps).

`/metrics` is not public: `metrics_allowed` (an address in METRICS_ALLOWED_NETWORKS or the bearer
token METRICS_TOKEN), else the same 404 as an unknown address."""

from __future__ import annotations

import hmac
import ipaddress
import os
import time
from collections.abc import Iterable

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client import multiprocess as prometheus_multiprocess

# In multiprocess mode a metric without labels opens its file when it is defined (below): any
# process that imports this module (migrate, beat, a shell) needs the directory to exist.
if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.makedirs(os.environ["PROMETHEUS_MULTIPROC_DIR"], exist_ok=True)

# Seconds; from a cached page (~5 ms) to past gunicorn's 30 s timeout.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
# Seconds from submit to graded: the target is 5 s (GRADING_DELAY_SECONDS batches for 1 s).
LAG_BUCKETS = (0.5, 1.0, 2.0, 3.0, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 900.0)

REQUEST_LATENCY = Histogram(
    "contest_request_duration_seconds",
    "Time to answer a request, by URL name (not the raw path) and method.",
    ["view", "method"],
    buckets=LATENCY_BUCKETS,
)
REQUESTS = Counter(
    "contest_requests",
    "Requests answered, by URL name, method and status class (2xx, 3xx, 4xx, 5xx).",
    ["view", "method", "status"],
)
START_GATE = Counter(
    "contest_start_gate",
    "Start requests at the mass-start gate: admitted now, or told to wait (Vui lòng chờ).",
    ["outcome"],
)
GRADING_LAG = Histogram(
    "contest_grading_lag_seconds",
    "graded_at - submitted_at of each attempt graded (observed in the grading worker).",
    buckets=LAG_BUCKETS,
)

# Request paths that match no URL: one label, so that a scan of random paths cannot create a
# time series per path.
UNMATCHED = "(unmatched)"
STATUS_CLASSES = ("1xx", "2xx", "3xx", "4xx", "5xx")
# The method is the client's word: anything else is one label, not a time series per word.
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def view_label(request: HttpRequest) -> str:
    """The URL name with its namespace ("scoring:autosave"); the admin's own views and any
    unnamed pattern by their route; UNMATCHED before or without URL resolution (a 404, or an
    answer from a middleware such as the start gate's "please wait")."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return UNMATCHED
    return match.view_name or match.route or UNMATCHED


def status_class(status: int) -> str:
    return STATUS_CLASSES[min(max(status // 100, 1), 5) - 1]


def multiprocess_dir() -> str:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")


class MetricsMiddleware:
    """Times every request (first in MIDDLEWARE after the request id, so the whole stack is
    counted). One histogram observation and one counter increment; the labelled children are
    kept in dicts (bounded: URL names × METHODS × status classes), which skips
    prometheus-client's locked look-up per request (benchmarks/metrics_bench.py)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self._latency: dict[tuple[str, str], object] = {}
        self._count: dict[tuple[str, str, str], object] = {}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        elapsed = time.perf_counter() - started
        view = view_label(request)
        method = request.method if request.method in METHODS else "other"
        key = (view, method)
        latency = self._latency.get(key)
        if latency is None:
            latency = self._latency[key] = REQUEST_LATENCY.labels(view, method)
        latency.observe(elapsed)
        counted = (view, method, status_class(response.status_code))
        count = self._count.get(counted)
        if count is None:
            count = self._count[counted] = REQUESTS.labels(*counted)
        count.inc()
        return response


def grading_lag_observe(*, lags: Iterable[float]) -> None:
    """Record how long graded attempts waited (seconds), from where grading writes them."""
    for lag in lags:
        GRADING_LAG.observe(max(0.0, lag))


def metrics_allowed(
    *, remote_addr: str, authorization: str, networks: Iterable[str], token: str
) -> bool:
    """The access rule of `/metrics`: the client address (REMOTE_ADDR, never a forwarded
    header, which the client writes) is inside one of `networks` (CIDR or single addresses), or
    the request carries `Authorization: Bearer <token>` and a token is configured. Anything
    unparsable counts as no."""
    if token:
        scheme, _, given = authorization.partition(" ")
        if scheme.lower() == "bearer" and hmac.compare_digest(given.strip(), token):
            return True
    try:
        address = ipaddress.ip_address(remote_addr)
    except ValueError:
        return False
    for network in networks:
        try:
            if address in ipaddress.ip_network(network.strip(), strict=False):
                return True
        except ValueError:
            continue
    return False


def metrics_text(collectors: Iterable = ()) -> bytes:
    """This node's metrics in Prometheus' text format: the processes' own figures (summed over
    the multiprocess files when there are several processes) and the scrape-time collectors'."""
    path = multiprocess_dir()
    if path:
        registry = CollectorRegistry()
        prometheus_multiprocess.MultiProcessCollector(registry, path=path)
        text = generate_latest(registry)
    else:
        text = generate_latest(REGISTRY)
    extra = CollectorRegistry()
    for collector in collectors:
        extra.register(collector)
    return text + generate_latest(extra)


def metrics_view(request: HttpRequest, collectors: Iterable = ()) -> HttpResponse:
    allowed = metrics_allowed(
        remote_addr=request.META.get("REMOTE_ADDR", ""),
        authorization=request.META.get("HTTP_AUTHORIZATION", ""),
        networks=settings.METRICS_ALLOWED_NETWORKS,
        token=settings.METRICS_TOKEN,
    )
    if not allowed or request.method != "GET":
        raise Http404
    response = HttpResponse(metrics_text(collectors), content_type=CONTENT_TYPE_LATEST)
    response["Cache-Control"] = "no-store"
    return response
