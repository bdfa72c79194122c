"""What the metrics and the request id cost per request (not a test; benchmarks/README.md).

1. micro: the two middlewares (`RequestIdMiddleware`, `MetricsMiddleware`) around a view that
   returns at once, against the bare view, in µs per request; in the process's own registry and
   in prometheus-client's multiprocess mode (PROMETHEUS_MULTIPROC_DIR: every observation is
   written to a memory-mapped file), each in a fresh process since the mode is chosen at import;
2. the whole stack: Django's test client on `/healthz` (a database round trip, the project's
   whole middleware list) with and without the two, rounds interleaved, median per request.

The machine is shared: both sides of each ratio are measured in the same run, alternating.
Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/contest_h3_bench \\
    .venv/bin/python benchmarks/metrics_bench.py"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

OURS = ["contest_site.request_id.RequestIdMiddleware", "contest_site.metrics.MetricsMiddleware"]


def _load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "contest_site.settings.local")
    os.environ.setdefault("DEBUG", "False")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()


def micro(rounds: int = 7, n: int = 20000) -> dict:
    from django.http import HttpResponse
    from django.test import RequestFactory
    from django.urls import resolve

    from contest_site.metrics import MetricsMiddleware
    from contest_site.request_id import RequestIdMiddleware

    def view(_request):
        return HttpResponse(b"ok")

    wrapped = RequestIdMiddleware(MetricsMiddleware(view))
    request = RequestFactory().get("/bai-thi/1/luu/", HTTP_X_REQUEST_ID="0123456789abcdef" * 2)
    request.resolver_match = resolve("/healthz")

    def per_call(handler) -> float:
        started = time.perf_counter()
        for _ in range(n):
            handler(request)
        return (time.perf_counter() - started) / n * 1e6

    bare, ours = [], []
    for _ in range(rounds):
        bare.append(per_call(view))
        ours.append(per_call(wrapped))
    return {
        "bare_us": round(statistics.median(bare), 2),
        "with_both_us": round(statistics.median(ours), 2),
        "overhead_us": round(statistics.median(ours) - statistics.median(bare), 2),
        "multiprocess": bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR")),
        "load_average": _load(),
    }


def stack(rounds: int = 15, n: int = 300) -> dict:
    from django.conf import settings
    from django.test import Client, override_settings

    without = [m for m in settings.MIDDLEWARE if m not in OURS]
    clients = {"with": Client(), "without": None}
    with override_settings(MIDDLEWARE=without):
        clients["without"] = Client()
        clients["without"].get("/healthz")  # the handler loads its middleware now
    clients["with"].get("/healthz")
    times = {"with": [], "without": []}
    for _ in range(rounds):
        for name in ("without", "with"):
            client = clients[name]
            started = time.perf_counter()
            for _ in range(n):
                assert client.get("/healthz").status_code == 200
            times[name].append((time.perf_counter() - started) / n * 1e6)
    bare, ours = statistics.median(times["without"]), statistics.median(times["with"])
    # The fastest round of each: the least disturbed by the other processes of a shared machine.
    best_bare, best_ours = min(times["without"]), min(times["with"])
    return {
        "without_us": round(bare, 1),
        "with_us": round(ours, 1),
        "ratio": round(ours / bare, 4),
        "best_without_us": round(best_bare, 1),
        "best_with_us": round(best_ours, 1),
        "best_ratio": round(best_ours / best_bare, 4),
        "load_average": _load(),
    }


def _child(mode: str, env: dict) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", mode],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, **env},
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        _setup()
        out = micro() if sys.argv[2] == "micro" else stack()
        print(json.dumps(out))
        return
    figures = {"load_average_start": _load()}
    figures["micro_registry"] = _child("micro", {})
    with tempfile.TemporaryDirectory(prefix="metrics-bench-") as path:
        figures["micro_multiprocess"] = _child("micro", {"PROMETHEUS_MULTIPROC_DIR": path})
        figures["stack_multiprocess"] = _child("stack", {"PROMETHEUS_MULTIPROC_DIR": path})
    figures["load_average_end"] = _load()
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
