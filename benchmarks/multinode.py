"""Issue 8, point 4: the multi-node claims proved on one machine.

    .venv/bin/python benchmarks/multinode.py          # about 2 minutes; needs nginx (apt)

Starts two gunicorn instances on different ports (production settings and the production
gunicorn file deploy/gunicorn.conf.py, as two web nodes),
nginx in front of them (deploy/nginx.conf with the two local ports as its upstream, run in
the foreground with a temporary prefix: not the system service), two Celery workers and two
Celery beats, all on one PostgreSQL database and one Redis DB, then checks:

1. no sticky sessions: a participant starts on node A, autosaves and submits through node B,
   and sees the result on A; a second group takes the whole test through nginx, whose
   requests land on both nodes (its access log records the upstream of each request);
2. two workers grade without duplicates: the grading tasks' return values (attempts graded
   by that run) summed over both workers' logs equal the number of attempts, and both
   workers took part;
3. two beats: attempts left open past deadline + grace are closed once: the "closed N
   expired attempt(s)" lines of both workers add up to the number of such attempts, and all
   are graded;
4. a killed worker's tasks are finished by the other: worker 1 is SIGKILLed (the whole node)
   while it holds grading tasks; worker 2 takes them over after the visibility timeout
   (shortened to 15 s here); a message lost in transit at the kill (kombu's window between
   BRPOP and its unacknowledged record) is published again by the requeue sweeper, run as
   beat's next run would; every attempt ends graded.

Database and Redis DB (dropped and rebuilt): BENCH_DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/contest_city_bench), BENCH_REDIS_URL (default
redis://127.0.0.1:6379/13); through PgBouncer, as exam_bench.py says (BENCH_ADMIN_DATABASE_URL,
DATABASE_POOLING=transaction). Exits non-zero when a check fails.
"""

import asyncio
import contextlib
import datetime
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/contest_city_bench")
os.environ.setdefault("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
sys.path.insert(0, str(ROOT / "benchmarks"))

import exam_bench as eb  # noqa: E402

VISIBILITY_TIMEOUT = 15


def nginx_config(prefix: Path, port: int, upstreams: list[int], static_root: str) -> Path:
    """deploy/nginx.conf with this machine's upstreams, port and static directory, wrapped in
    the main context nginx needs to run it alone (the file itself is a conf.d snippet)."""
    site = (ROOT / "deploy" / "nginx.conf").read_text()
    servers = "\n".join(
        f"    server 127.0.0.1:{p} max_fails=3 fail_timeout=10s;" for p in upstreams
    )
    replaced, count = re.subn(r"(?m)^\s*server web-\d+:8000[^\n]*\n", "", site)
    if count == 0:
        raise SystemExit("deploy/nginx.conf: no 'server web-N:8000' upstream lines found")
    site = replaced.replace("upstream contest_web {\n", "upstream contest_web {\n" + servers + "\n")
    site = site.replace("listen 80 default_server;", f"listen 127.0.0.1:{port};")
    site = site.replace("alias /srv/static/;", f"alias {static_root.rstrip('/')}/;")
    conf = f"""
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    include /etc/nginx/mime.types;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    log_format upstream '$status $request_method $uri $upstream_addr';
    access_log {prefix}/access.log upstream;
{site}
}}
"""
    path = prefix / "nginx.conf"
    path.write_text(conf)
    return path


def start_nginx(conf: Path, port: int) -> subprocess.Popen:
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    subprocess.run([nginx, "-t", "-q", "-c", str(conf)], check=True)
    proc = subprocess.Popen([nginx, "-c", str(conf), "-g", "daemon off;"])
    deadline = time.time() + 10
    while time.time() < deadline:
        if asyncio.run(eb.fetch(port, eb.request("GET", "/healthz", None), timeout=2))[0] == 200:
            return proc
        time.sleep(0.2)
    proc.terminate()
    raise SystemExit("nginx did not answer /healthz")


def task_sums(log: Path, task: str) -> tuple[int, int]:
    """(tasks that succeeded, sum of their return values) for `task` in a worker's log."""
    pattern = re.compile(re.escape(task) + r"\[[^\]]+\] succeeded in [0-9.e-]+s: (\d+)")
    values = [int(m.group(1)) for m in pattern.finditer(log.read_text(errors="replace"))]
    return len(values), sum(values)


def closed_sum(log: Path) -> int:
    return sum(
        int(n) for n in re.findall(r"closed (\d+) expired attempt", log.read_text(errors="replace"))
    )


class Checks:
    def __init__(self):
        self.rows: list[dict] = []

    def add(self, target: str, value: str, ok: bool) -> None:
        self.rows.append({"target": target, "value": value, "ok": ok})
        print(f"  {'ok    ' if ok else 'FAILED'} {target}: {value}", flush=True)


async def take_test(port_of, cookie, checks_out: list) -> int | None:
    """Start, page, autosave, submit, result; each request to the port `port_of(step)`."""
    from scoring.models import Attempt

    slug = eb.SLUG
    status, headers, _s, _b = await eb.fetch(
        port_of("start"), eb.request("POST", f"/bai-thi/bat-dau/{slug}/", cookie)
    )
    if status != 302:
        checks_out.append(("start", status))
        return None
    attempt = int(headers["location"].strip("/").split("/")[-1])
    items = await asyncio.to_thread(lambda: Attempt.objects.get(pk=attempt).items)
    import random

    rng = random.Random(attempt)  # noqa: S311
    steps = [
        ("page", eb.request("GET", f"/bai-thi/{attempt}/", cookie), 200),
        ("autosave", eb.autosave_request(attempt, items, cookie, rng), 200),
        ("submit", eb.submit_request(attempt, items, cookie, rng), 302),
        ("result", eb.request("GET", f"/bai-thi/{attempt}/ket-qua/", cookie), 200),
    ]
    for step, raw, ok in steps:
        status = (await eb.fetch(port_of(step), raw))[0]
        if status != ok:
            checks_out.append((step, status))
            return None
    return attempt


def main() -> None:  # noqa: PLR0915 - the proof, step by step
    checks = Checks()
    env = {**eb.server_env(), "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT)}
    env["CELERY_UNACKED_RESTORE_INTERVAL"] = "5"
    eb.rebuild_database(env)
    cookies = eb.prepare(env, participants=1200)["cookies"]
    from django.utils import timezone

    from scoring.models import Attempt
    from scoring.services.attempts import attempt_start

    port_a, port_b, port_front = eb.free_port(), eb.free_port(), eb.free_port()
    prefix = Path(tempfile.mkdtemp(prefix="multinode-nginx-"))
    logs = {name: prefix / f"{name}.log" for name in ("w1", "w2", "beat1", "beat2")}
    procs: dict[str, subprocess.Popen] = {}
    try:
        # Each node with the production gunicorn file (deploy/gunicorn.conf.py).
        for name, port in (("web A", port_a), ("web B", port_b)):
            log = prefix / f"{name.replace(' ', '-')}.log"
            procs[name] = eb.start_server(env, port, 2, log=log, deploy_config=True)
        conf = nginx_config(prefix, port_front, [port_a, port_b], env["STATIC_ROOT"])
        procs["nginx"] = start_nginx(conf, port_front)
        for name in ("w1", "w2"):
            procs[name] = eb.start_celery(
                env, "worker", logs[name], queues="grading,default", concurrency=2, name=name
            )
        print(f"web A :{port_a}, web B :{port_b}, nginx :{port_front}; workers w1, w2")

        print("\n1. sessions without stickiness")
        failures: list = []

        def a_then_b(step):
            return port_a if step in ("start", "result") else port_b

        direct = asyncio.run(_all(take_test(a_then_b, cookies[i], failures) for i in range(0, 100)))
        fronted = asyncio.run(
            _all(take_test(lambda _s: port_front, cookies[i], failures) for i in range(100, 300))
        )
        ok_direct = sum(1 for a in direct if a)
        checks.add(
            "start on A, autosave + submit on B, result on A",
            f"{ok_direct}/100 complete; failures {failures[:3]}",
            ok_direct == 100,
        )
        ok_front = sum(1 for a in fronted if a)
        access = (prefix / "access.log").read_text()
        hits = {p: access.count(f"127.0.0.1:{p}") for p in (port_a, port_b)}
        checks.add(
            "whole test through nginx, requests spread over both nodes",
            f"{ok_front}/200 complete; node A {hits[port_a]} requests, node B {hits[port_b]}",
            ok_front == 200 and min(hits.values()) > 0,
        )
        submitted = [a for a in direct + fronted if a]
        deadline = time.monotonic() + 60
        while (
            Attempt.objects.filter(id__in=submitted, graded_at__isnull=True).exists()
            and time.monotonic() < deadline
        ):
            time.sleep(0.5)

        print("\n2. two workers, no duplicate grading")
        per_worker = {}
        for name in ("w1", "w2"):
            single = task_sums(logs[name], "scoring.tasks.grade_attempt")
            batch = task_sums(logs[name], "scoring.tasks.grade_attempts")
            per_worker[name] = single[1] + batch[1]
        graded = Attempt.objects.filter(id__in=submitted, status="graded").count()
        total = sum(per_worker.values())
        checks.add(
            "attempts graded, summed over both workers' task results = attempts",
            f"{total} graded by tasks (w1 {per_worker['w1']}, w2 {per_worker['w2']}) for "
            f"{len(submitted)} attempts; {graded} graded in the database",
            total == len(submitted) == graded and min(per_worker.values()) > 0,
        )

        print("\n3. two beats, sweepers act once")
        now = timezone.now()
        from participants.models import Registration

        registrations = Registration.objects.filter(contest__slug=eb.SLUG).order_by(
            "participant__user_id"
        )[300:500]
        expired = [attempt_start(registration=r).pk for r in registrations]
        past = now - datetime.timedelta(seconds=61)
        Attempt.objects.filter(id__in=expired).update(
            started_at=past - datetime.timedelta(minutes=30), deadline=past
        )
        for name in ("beat1", "beat2"):
            procs[name] = eb.start_celery(env, "beat", logs[name], name=name)

        def sweeps(beat: str) -> int:
            return logs[beat].read_text().count("Sending due task close-expired-attempts")

        # Until every expired attempt is graded and each beat has sent the sweeper twice.
        deadline = time.monotonic() + 100
        while time.monotonic() < deadline and (
            Attempt.objects.filter(id__in=expired).exclude(status="graded").exists()
            or min(sweeps("beat1"), sweeps("beat2")) < 2
        ):
            time.sleep(1)
        time.sleep(3)  # the last sweeper runs finish
        closed = closed_sum(logs["w1"]) + closed_sum(logs["w2"])
        sent = {b: sweeps(b) for b in ("beat1", "beat2")}
        graded = Attempt.objects.filter(id__in=expired, status="graded").count()
        checks.add(
            "expired attempts closed once with two beats",
            f"{len(expired)} expired; closed {closed} in all by {sum(sent.values())} sweeper "
            f"runs (beat 1: {sent['beat1']}, beat 2: {sent['beat2']}); {graded} graded",
            closed == len(expired) == graded and min(sent.values()) >= 2,
        )
        for name in ("beat1", "beat2"):
            eb.stop(procs.pop(name))

        print("\n4. a killed worker's tasks finished by the other")
        eb.stop(procs.pop("w2"))
        registrations = Registration.objects.filter(contest__slug=eb.SLUG).order_by(
            "participant__user_id"
        )[500:1200]
        batch = [attempt_start(registration=r).pk for r in registrations]
        Attempt.objects.filter(id__in=batch).update(
            status="submitted", submitted_at=timezone.now(), finished_at=timezone.now()
        )
        from scoring.tasks import grade_attempts

        # Slow tasks (one attempt each, many of them) so that w1 holds some when killed.
        for attempt_id in batch:
            grade_attempts.apply_async(([attempt_id],), queue="grading")
        time.sleep(0.5)
        _kill_tree(procs.pop("w1"))
        import redis

        # Messages w1 had taken but not acknowledged: only the visibility timeout gives them
        # back (to w2).
        held = redis.Redis.from_url(eb.REDIS_URL).hlen("unacked")
        left = Attempt.objects.filter(id__in=batch).exclude(status="graded").count()
        procs["w2"] = eb.start_celery(
            env, "worker", logs["w2"], queues="grading,default", concurrency=2, name="w2"
        )
        deadline = time.monotonic() + VISIBILITY_TIMEOUT * 6
        while (
            Attempt.objects.filter(id__in=batch).exclude(status="graded").exists()
            and time.monotonic() < deadline
        ):
            time.sleep(1)
        redelivered = Attempt.objects.filter(id__in=batch, status="graded").count()
        # A message BRPOP'ed by w1 but not yet recorded as unacknowledged when it died is gone
        # from Redis (kombu's window, docs/grading.md); its attempt is still "submitted" in
        # PostgreSQL. The requeue sweeper is the safety net: run it as beat's next run would
        # (a minute later) and let w2 grade what it publishes.
        from scoring.services.sweeping import REQUEUE_AFTER, attempts_requeue_ungraded

        swept = attempts_requeue_ungraded(now=timezone.now() + REQUEUE_AFTER)
        deadline = time.monotonic() + 60
        while (
            Attempt.objects.filter(id__in=batch).exclude(status="graded").exists()
            and time.monotonic() < deadline
        ):
            time.sleep(1)
        graded = Attempt.objects.filter(id__in=batch, status="graded").count()
        checks.add(
            "w1 killed holding tasks; w2 finished them (the sweeper the ones lost in transit)",
            f"w1 held {held} unacknowledged tasks, {left} of {len(batch)} attempts ungraded "
            f"when it died; {redelivered} graded after redelivery, {swept} requeued by the "
            f"sweeper, {graded} graded at the end",
            graded == len(batch) and held > 0,
        )
    finally:
        for proc in procs.values():
            eb.stop(proc)
    failed = [c for c in checks.rows if not c["ok"]]
    print(f"\n{len(checks.rows) - len(failed)} of {len(checks.rows)} checks passed")
    sys.exit(1 if failed else 0)


def _kill_tree(proc: subprocess.Popen) -> None:
    """SIGKILL a worker node: its main process and its pool processes, no warm shutdown."""
    children = []
    with contextlib.suppress(OSError):
        children = [
            int(p) for p in Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()
        ]
    for pid in [proc.pid, *children]:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    proc.wait()


async def _all(coroutines):
    return await asyncio.gather(*coroutines)


if __name__ == "__main__":
    main()
