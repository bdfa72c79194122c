"""Grading through broker faults (issue 20, faults 1 and 3): does the worker survive, and how
long until every submission is graded?

    .venv/bin/python benchmarks/broker_faults_bench.py      # about 5 minutes

A real grading worker (the production command: `-Q grading --concurrency 2`, prefork, without
mingle and gossip) on a private broker redis-server (free port, no persistence, 64 MB
noeviction); submissions at a steady rate made as the submit view makes them (a conditional
UPDATE to "submitted", then the grading doorbell, `queueing.grading_ring`, in this process),
and one fault a third of the way in:
- restart: the broker stopped, started again 2 s later (empty: no persistence);
- full: the broker filled to its maxmemory, the worker restarted on it (as a deployment's
  restart policy or a new release would), memory freed 10 s later.
Each fault twice, with kombu's own transport and no channel-error retry (the code before the
fix: CELERY_BROKER_TRANSPORT=redis, CELERY_BROKER_CHANNEL_ERROR_RETRY=0 in the worker) and with
contest_site/broker.py. No beat runs, so no requeue sweeper: what is reported is what the
worker and the doorbell recover alone, then what the sweeper adds when run once at the end.

The cache (the doorbell) is BENCH_REDIS_URL (default DB 1), the database BENCH_DATABASE_URL
(default postgres://postgres@127.0.0.1:5432/contest_broker_bench, created and migrated when
missing; its contest data are TRUNCATEd). Figures: per run, the worker alive at the end,
ungraded 45 s after the last submission, seconds from the last submission until every one was
graded, and ungraded after one sweeper run.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
DB_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/contest_broker_bench"
)
CACHE_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/1")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


BROKER_PORT = free_port()
BROKER_URL = f"redis://127.0.0.1:{BROKER_PORT}/0"
# Before Django reads them (grading_bench sets Django up when imported).
os.environ.update(
    {
        "DJANGO_SETTINGS_MODULE": "contest_site.settings.test",
        "DATABASE_URL": DB_URL,
        "REDIS_URL": CACHE_URL,
        "CELERY_BROKER_URL": BROKER_URL,
    }
)

import datetime  # noqa: E402

import redis  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402
from grading_bench import build, database_url, load  # noqa: E402

from scoring.models import Attempt, Result  # noqa: E402
from scoring.services import queueing, sweeping  # noqa: E402

SUBMISSIONS = 300
RATE = 10.0  # per second: 30 s of submissions
FAULT_AT = 10.0  # seconds after the first submission
SETTLE = 45.0  # seconds after the last submission before counting the ungraded


class Broker:
    def __init__(self):
        self.process = None

    def start(self):
        command = [shutil.which("redis-server"), "--port", str(BROKER_PORT), "--bind"]
        command += ["127.0.0.1", "--save", "", "--appendonly", "no", "--maxmemory", "64mb"]
        command += ["--maxmemory-policy", "noeviction"]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        client = redis.Redis(port=BROKER_PORT)
        for _ in range(100):
            try:
                client.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("broker did not start")

    def stop(self):
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
            self.process = None


def fill() -> int:
    client = redis.Redis(port=BROKER_PORT)
    count = 0
    try:
        while True:
            client.set(f"filler:{count}", "x" * 100_000)
            count += 1
    except redis.exceptions.OutOfMemoryError:
        return count


def start_worker(*, fixed: bool, log: Path, wait: bool = True) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "CELERY_SKIP_CHECKS": "1",
        "CELERY_BROKER_TRANSPORT": "contest_site.broker:Transport" if fixed else "redis",
        "CELERY_BROKER_CHANNEL_ERROR_RETRY": "1" if fixed else "0",
    }
    with log.open("wb") as out:
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "contest_site", "worker", "-Q", "grading",
             "--concurrency", "2", "--pool=prefork", "--without-mingle", "--without-gossip",
             "-n", f"bench-{os.getpid()}@%h", "-l", "INFO"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    if not wait:
        return worker
    stop_at = time.monotonic() + 60
    while " ready." not in log.read_text(errors="replace"):
        if time.monotonic() > stop_at or worker.poll() is not None:
            raise RuntimeError(f"worker did not start; see {log}")
        time.sleep(0.1)
    return worker


def reopen(ids: list[int]) -> None:
    Result.objects.all().delete()
    Attempt.objects.filter(id__in=ids).update(
        status=Attempt.Status.OPEN,
        correct_count=None,
        score=None,
        duration_ms=None,
        all_correct=False,
        graded_at=None,
        submitted_at=None,
    )


def submit(attempt_id: int) -> None:
    """What the submit view does after its checks: the conditional UPDATE, then the doorbell."""
    Attempt.objects.filter(id=attempt_id, status=Attempt.Status.OPEN).update(
        status=Attempt.Status.SUBMITTED, submitted_at=timezone.now()
    )
    queueing.grading_ring(attempt_id)


def ungraded(ids) -> int:
    return Attempt.objects.filter(id__in=ids).exclude(status=Attempt.Status.GRADED).count()


def exit_reason(log_text: str) -> str:
    if "Unrecoverable error:" not in log_text:
        return "exited"
    return log_text.split("Unrecoverable error:")[-1].splitlines()[0].strip()[:60]


def run(fault: str, *, fixed: bool, ids: list[int]) -> dict:
    broker = Broker()
    broker.start()
    reopen(ids)
    queueing.broker_backoff_reset()
    log = Path(f"/tmp/broker_faults_{fault}_{'fixed' if fixed else 'before'}.log")  # noqa: S108
    workers = [start_worker(fixed=fixed, log=log)]
    fault_over = threading.Event()

    def inject():
        time.sleep(FAULT_AT)
        if fault == "restart":
            broker.stop()
            time.sleep(2)
            broker.start()
        else:
            fillers = fill()
            os.killpg(workers[0].pid, signal.SIGTERM)
            workers[0].wait(30)
            workers.append(start_worker(fixed=fixed, log=log.with_suffix(".2.log"), wait=False))
            time.sleep(10)
            redis.Redis(port=BROKER_PORT).delete(*[f"filler:{i}" for i in range(fillers)])
        fault_over.set()

    injector = threading.Thread(target=inject, daemon=True)
    t0 = time.monotonic()
    injector.start()
    for n, attempt_id in enumerate(ids):
        time.sleep(max(0.0, t0 + n / RATE - time.monotonic()))
        submit(attempt_id)
    last_submit = time.monotonic()
    fault_over.wait()
    settle_until = time.monotonic() + SETTLE
    last_graded = None
    while time.monotonic() < settle_until:
        if ungraded(ids) == 0:
            last_graded = time.monotonic()
            break
        time.sleep(0.2)
    left = ungraded(ids)
    # One requeue sweeper run, as beat's next minute would do (submitted over a minute ago).
    queueing.broker_backoff_reset()
    sweeping.attempts_requeue_ungraded(now=timezone.now() + datetime.timedelta(minutes=2))
    stop_at = time.monotonic() + 30
    while ungraded(ids) and time.monotonic() < stop_at:
        time.sleep(0.2)
    after_sweep = ungraded(ids)
    worker = workers[-1]
    alive = worker.poll() is None
    text = (log.with_suffix(".2.log") if len(workers) > 1 else log).read_text(errors="replace")
    if alive:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(30)
    broker.stop()
    return {
        "fault": fault,
        "code": "contest_site.broker" if fixed else "kombu's own (before)",
        "alive": alive,
        "exit": "" if alive else exit_reason(text),
        "left": left,
        "to_graded": None if last_graded is None else max(0.0, last_graded - last_submit),
        "after_sweep": after_sweep,
        "load": load(),
    }


def main():
    if not shutil.which("redis-server"):
        raise SystemExit("redis-server is needed")
    name = DB_URL.rsplit("/", 1)[-1]
    import psycopg2

    server = psycopg2.connect(DB_URL.rsplit("/", 1)[0] + "/postgres")
    server.autocommit = True
    with server.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    server.close()
    connection.close()
    call_command("migrate", verbosity=0)
    ids = build(SUBMISSIONS)
    print(
        f"broker faults: {SUBMISSIONS} submissions at {RATE:.0f}/s, fault at {FAULT_AT:.0f} s; "
        f"worker -Q grading --concurrency 2; broker :{BROKER_PORT}; {load()}",
        flush=True,
    )
    rows = []
    for fault in ("restart", "full"):
        for fixed in (False, True):
            row = run(fault, fixed=fixed, ids=ids)
            rows.append(row)
            print(row, flush=True)
    print(
        "\n| fault | code | worker alive | ungraded 45 s after | last submission → all graded "
        "| ungraded after one sweep | load |\n|---|---|---|---|---|---|---|"
    )
    for r in rows:
        graded_in = "—" if r["to_graded"] is None else f"{r['to_graded']:.1f} s"
        alive = "yes" if r["alive"] else f"no ({r['exit'].strip()})"
        print(
            f"| {r['fault']} | {r['code']} | {alive} | {r['left']} of {SUBMISSIONS} | {graded_in} "
            f"| {r['after_sweep']} | {r['load']} |"
        )


if __name__ == "__main__":
    main()
