"""gunicorn for one web node. Every value can be overridden from the environment
(GUNICORN_WORKERS, GUNICORN_THREADS...), so the same file serves a 2-core node and a larger one.
The measured choice of worker model and counts is in benchmarks/README.md."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# Threads hide database round trips; processes use the cores. 2 cores -> 5 processes x 4 threads.
worker_class = "gthread"
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", 4))
# Behind nginx, which buffers slow clients: a request that takes longer than this is a bug.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then (memory growth in long contests), not all at once.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 5000))
max_requests_jitter = 500
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "*")
