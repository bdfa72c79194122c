"""gunicorn for one web node. Every value can be overridden from the environment
(GUNICORN_WORKERS, GUNICORN_WORKER_CLASS, GUNICORN_THREADS...), so the same file serves a 2-core
node and a larger one. The measured choice of worker model and counts is in
benchmarks/README.md ("Tuning")."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# Sync workers, 2 per core: the exam's views are CPU-bound Python (draw, template, JSON), so
# threads in one process contend for the GIL; measured on the 2-core machine, gthread 3 x 4 gave
# the exam's views a lower share of the bare baseline than sync x 4 (benchmarks/README.md).
# nginx in front buffers slow clients, so a sync worker is never held by a slow phone.
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "sync")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2))
threads = int(os.environ.get("GUNICORN_THREADS", 4 if worker_class == "gthread" else 1))
# Behind nginx, which buffers slow clients: a request that takes longer than this is a bug.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = 30
# gthread only (sync workers close after each response): longer than nginx's upstream
# keepalive_timeout (4 s, deploy/nginx.conf), so that nginx never reuses a connection gunicorn
# is closing (a POST on such a connection would fail with 502, and nginx does not retry POSTs).
keepalive = 5
# Start-burst queueing happens in the listen backlog (see docs/exam.md, admission control).
backlog = int(os.environ.get("GUNICORN_BACKLOG", 2048))
# Recycle workers now and then (memory growth in long contests), not all at once.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 5000))
max_requests_jitter = 500
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "*")


# Prometheus multiprocess mode (contest_site/metrics.py): with PROMETHEUS_MULTIPROC_DIR set,
# each worker writes its metrics to files there and /metrics sums them. The directory is
# emptied at start (a previous run's files would be counted again) and a dead worker's live
# gauges are dropped.
def on_starting(server):
    path = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")
    if path:
        os.makedirs(path, exist_ok=True)
        for name in os.listdir(path):
            if name.endswith(".db"):
                os.remove(os.path.join(path, name))


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
