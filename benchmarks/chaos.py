"""`make chaos` (issue 20): the exam under one fault at a time, on services of its own.

    .venv/bin/python benchmarks/chaos.py                  # ≈ 10-15 minutes
    .venv/bin/python benchmarks/chaos.py --only redis_restart,pg_down --people 200

Starts a private PostgreSQL cluster and two private redis-servers (benchmarks/private_services.py:
the broker with `noeviction`, the cache with `allkeys-lru`; never the shared 5432 / 6379),
migrates, loads exam_bench's contest and participants, and runs the production stack on them
with exam_bench's launchers: gunicorn (sync × 4, production settings), a Celery worker on the
`grading` queue, one on `default,exports` (its temporary and media directories on a 1 MB tmpfs),
and beat. A supervisor thread restarts a Celery process that exits, as the deployment's
`restart: unless-stopped` does (deploy/docker-compose.yml), and counts the exits; after a fault
that leaves attempts ungraded, both workers are restarted by hand (said in the row) so that the
next row measures its own fault.

Then, for each fault, a wave of fresh participants (--people, default 300) arrives over 15 s;
each starts (a "Vui lòng chờ" page is posted again after its Retry-After), loads the test page,
autosaves three times 2-4 s apart and submits, every request through exam_bench's asyncio client.
A failed request is tried again as the page's script or a person would (start, page and submit
up to 60 s; an autosave's answers go with the next one, which carries every answer so far). The
fault comes once 5 % of the wave has submitted (the one-moment ones, marked *, at 25 %), so that
it meets the submits:

    none             no fault (the control)
  * redis_restart    both redis-servers restarted, empty (no persistence)
    redis_down       both redis-servers stopped for 10 s, started again on the same ports
    redis_full       for 10 s: the broker at `maxmemory` (noeviction: writes refused), the cache
                     at a 1 MB `maxmemory` (allkeys-lru: evicting everything)
  * pg_restart       `pg_ctl restart -m fast`
    pg_restart_idle  the same as the wave begins, while the workers are idle (their persistent
                     connections die unused)
    pg_down          PostgreSQL stopped (fast) for 10 s
    web_kill         a random gunicorn worker SIGKILLed every 2 s for 10 s
  * worker_kill      the grading worker (master and pool) SIGKILLed; the supervisor restarts it
    export_disk_full the exports worker's tmpfs filled; an export is asked for; once it has
                     ended, the space is freed and another export asked for
    clock_skew       a second web node 5 minutes ahead (libfaketime, Debian `faketime`) takes
                     every other request of the wave; skipped with a line if faketime is absent

Each answer a person chose is fixed for the wave, so the check is exact: an answer is lost when
an acknowledged autosave (200) or submit (302) carried it and the attempt's row, at the end,
does not hold it (or an acknowledged submit left the attempt open). Duplicates: a person with
more than one attempt or result row, or a result counting more graded attempts than the person
has. Errors are the replies that are none of the expected ones, by status (0 = no reply), and
the people who gave up (not started, or not submitted, after 60 s of retries); 500s
count apart, and for the PostgreSQL faults those in the server while it was down (sent before it
came back, answered after it went) do not count against the "no 500 outside a PostgreSQL
outage" target. "graded" is the time from the fault's end
(recovery) until every attempt submitted in the wave is graded (target ≤ 120 s; waits at most
--grading-wait s), and in brackets from the wave's last acknowledged submit. A duration over
2 minutes (nobody's test in a wave lasts that long) is a node's clock in it: counted, a miss.

Prints the table with the machine's load average and writes JSON to
benchmarks/results/<date>-chaos.json (--json to choose). Exits non-zero when a target is missed.
Needs root for the tmpfs (mount -t tmpfs); without it the export fault is skipped with a line.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from benchmarks.private_services import (  # noqa: E402
    PrivatePostgres,
    PrivateRedis,
    private_postgres,
    private_redis,
)

DB_NAME = "contest_chaos"
FAULTS = (
    "none",
    "redis_restart",
    "redis_down",
    "redis_full",
    "pg_restart",
    "pg_restart_idle",
    "pg_down",
    "web_kill",
    "worker_kill",
    "export_disk_full",
    "clock_skew",
)
PG_FAULTS = ("pg_restart", "pg_restart_idle", "pg_down")
# When the fault comes: once this share of the wave has submitted (the load's timing depends on
# the machine). A 10-second outage from 5 % covers most submits and the last autosaves; a
# one-moment fault at 25 % lands while submits flow and the grading worker holds a task (the
# 1-second grading delay), where issue 20 saw the worker exit. At most FAULT_WAIT s after the
# wave began in any case.
FAULT_AT_SUBMITTED = 0.05
FAULT_AT_SUBMITTED_MOMENT = 0.25
FAULT_WAIT = 90.0
MOMENTARY = ("none", "redis_restart", "pg_restart", "worker_kill")
OUTAGE = 10.0  # seconds a "down" or "full" fault lasts
ARRIVALS = 15.0  # seconds over which a wave's people arrive
SKEW = "+300s"
LIBFAKETIME = Path("/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1")
DURATION_SANE_MS = 120_000
EXPECTED = {"start": {302}, "page": {200}, "autosave": {200}, "submit": {302}}


def load_average() -> str:
    return "load average " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


def children(pid: int) -> list[int]:
    """Direct children of `pid` (from /proc: no psutil here)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # "pid (comm) state ppid ...": comm may hold spaces; split after the last ')'.
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return found


# --- The stack ------------------------------------------------------------------------------


class Stack:
    """Our PostgreSQL and Redis servers, the web node(s), the Celery processes and a supervisor
    that restarts a Celery process that exits (counted in `exits`)."""

    def __init__(
        self, eb, env: dict, pg: PrivatePostgres, broker: PrivateRedis, cache: PrivateRedis
    ):
        self.eb, self.env, self.pg, self.broker, self.cache = eb, env, pg, broker, cache
        self.logs = Path(f"/tmp/chaos-{os.getpid()}")  # noqa: S108
        self.logs.mkdir(exist_ok=True)
        self.port = eb.free_port()
        self.web = None
        self.celery: dict[str, subprocess.Popen] = {}
        self.exits: dict[str, int] = {"grading": 0, "exports": 0, "beat": 0}
        self.exit_lines: list[str] = []
        self.lock = threading.Lock()
        self.stopping = False
        self.tmpfs = self.logs / "exports-tmpfs"
        self.tmpfs_mounted = False

    # the exports worker's disk
    def mount_tmpfs(self) -> None:
        self.tmpfs.mkdir(exist_ok=True)
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(self.tmpfs)],
            capture_output=True,
            text=True,
        )
        self.tmpfs_mounted = done.returncode == 0
        if not self.tmpfs_mounted:
            print(f"  (no tmpfs: {done.stderr.strip()}; the export fault is skipped)", flush=True)

    def start(self) -> None:
        self.web = self.eb.start_server(self.env, self.port, 4, log=self.logs / "web.log")
        self.mount_tmpfs()
        for role in ("grading", "exports", "beat"):
            self._start_celery(role)
        threading.Thread(target=self._supervise, daemon=True).start()

    def _celery_env(self, role: str) -> dict:
        if role == "exports" and self.tmpfs_mounted:
            media = self.tmpfs / "media"
            media.mkdir(exist_ok=True)
            return {**self.env, "TMPDIR": str(self.tmpfs), "MEDIA_ROOT": str(media)}
        return self.env

    def _start_celery(self, role: str) -> None:
        log = self.logs / f"{role}.log"
        if log.exists() and log.stat().st_size:
            # start_celery truncates its log: keep what the last run said (its crash).
            with (self.logs / f"{role}.previous.log").open("ab") as keep:
                keep.write(log.read_bytes())
        env = self._celery_env(role)
        if role == "beat":
            proc = self.eb.start_celery(env, "beat", log, name=f"chaos{os.getpid()}")
        else:
            queues = "grading" if role == "grading" else "default,exports"
            proc = self.eb.start_celery(env, "worker", log, queues=queues, name=role)
        self.celery[role] = proc

    def _supervise(self) -> None:
        while not self.stopping:
            time.sleep(0.5)
            with self.lock:
                for role, proc in list(self.celery.items()):
                    if proc.poll() is None or self.stopping:
                        continue
                    self.exits[role] += 1
                    tail = (self.logs / f"{role}.log").read_text(errors="replace")[-3000:]
                    crash = [x for x in tail.splitlines() if "Error" in x or "error" in x]
                    self.exit_lines.append(
                        f"{role} exited ({proc.returncode}): " + " | ".join(crash[-2:])
                    )
                    time.sleep(1.0)  # docker's first restart delay is shorter; systemd's 1 s
                    self._start_until_ready(role)

    def _start_until_ready(self, role: str) -> None:
        while not self.stopping:
            try:
                self._start_celery(role)
                return
            except (SystemExit, Exception) as exc:  # broker still down: try again
                print(f"  supervisor: {role} did not start again ({exc})", flush=True)
                time.sleep(2.0)

    def restart_workers(self) -> None:
        """Both workers stopped and started again, as an operator would after a fault that
        left grading stuck: the next fault's row then measures that fault alone."""
        with self.lock:
            for role in ("grading", "exports"):
                self.eb.stop(self.celery[role])
                self._start_until_ready(role)

    def kill_celery(self, role: str) -> None:
        """SIGKILL the process and its pool (the container or the node dying)."""
        proc = self.celery[role]
        for pid in [*children(proc.pid), proc.pid]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)

    def web_workers(self) -> list[int]:
        return children(self.web.pid)

    def stop(self) -> None:
        self.stopping = True
        self.eb.stop(self.web)
        for proc in self.celery.values():
            self.eb.stop(proc)
        if self.tmpfs_mounted:
            subprocess.run(["umount", "-l", str(self.tmpfs)], check=False)


# --- The load -------------------------------------------------------------------------------


class Wave:
    """One wave of people: what each was acknowledged for, and every reply."""

    def __init__(self, cookies: list, ports: list[int]):
        self.cookies = cookies
        self.ports = ports
        # (kind, status, sent at, answered at): monotonic seconds
        self.replies: list[tuple[str, int, float, float]] = []
        self.acked: list[set[str]] = [set() for _ in cookies]
        self.submitted = [False] * len(cookies)
        self.choice: list[dict[str, int]] = [{} for _ in cookies]
        self.attempt: list[int | None] = [None] * len(cookies)
        self.waits = 0
        self.gave_up = 0
        self.last_submit = 0.0

    def port(self, n: int) -> int:
        return self.ports[n % len(self.ports)]


async def ask(eb, wave: Wave, kind: str, raw: bytes, n: int):
    sent = time.monotonic()
    status, headers, seconds, body = await eb.fetch(wave.port(n), raw, timeout=30)
    wave.replies.append((kind, status, sent, sent + seconds))
    return status, headers, body


async def person(eb, wave: Wave, i: int, items_of, rng: random.Random) -> None:
    """Start, test page, three autosaves, submit; retried as the page or the person would."""
    await asyncio.sleep(rng.random() * ARRIVALS)
    cookie, slug = wave.cookies[i], eb.SLUG
    n = i  # which node the next request goes to (clock_skew: every other one)
    body, deadline = b"", time.monotonic() + 60
    while wave.attempt[i] is None:
        if time.monotonic() > deadline:
            wave.gave_up += 1
            return
        n += 1
        status, headers, reply = await ask(
            eb, wave, "start", eb.request("POST", f"/bai-thi/bat-dau/{slug}/", cookie, body=body), n
        )
        if status == 302:
            wave.attempt[i] = int(headers["location"].strip("/").split("/")[-1])
        elif status == 503 and "retry-after" in headers:
            wave.waits += 1
            ticket = eb.TICKET.search(reply)
            body = b"ve=" + urllib.parse.quote(ticket.group(1)).encode() if ticket else b""
            await asyncio.sleep(int(headers["retry-after"]) + 0.3 * rng.random())
        else:
            await asyncio.sleep(1 + rng.random())
    attempt = wave.attempt[i]
    items = await items_of(attempt)
    wave.choice[i] = {str(it["q"]): rng.choice(it["o"]) for it in items}
    questions = list(wave.choice[i])
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        n += 1
        raw = eb.request("GET", f"/bai-thi/{attempt}/", cookie)
        if (await ask(eb, wave, "page", raw, n))[0] == 200:
            break
        await asyncio.sleep(1 + rng.random())
    for k in range(1, 4):  # every answer so far: what the page's script keeps until acknowledged
        await asyncio.sleep(2 + 2 * rng.random())
        upto = questions[: len(questions) * k // 4]
        payload = json.dumps({"answers": {q: wave.choice[i][q] for q in upto}}).encode()
        n += 1
        raw = eb.request(
            "POST", f"/bai-thi/{attempt}/luu/", cookie, body=payload, ctype="application/json"
        )
        if (await ask(eb, wave, "autosave", raw, n))[0] == 200:
            wave.acked[i].update(upto)
    await asyncio.sleep(2 + 2 * rng.random())
    form = {f"q{q}": o for q, o in wave.choice[i].items()}
    form["prediction"] = str(rng.randrange(1, 60000))
    raw = eb.request(
        "POST", f"/bai-thi/{attempt}/nop-bai/", cookie, body=urllib.parse.urlencode(form).encode()
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        n += 1
        if (await ask(eb, wave, "submit", raw, n))[0] == 302:
            wave.acked[i].update(questions)
            wave.submitted[i] = True
            wave.last_submit = time.monotonic()
            return
        await asyncio.sleep(1 + rng.random())
    wave.gave_up += 1


async def drive(eb, wave: Wave, seed: int) -> None:
    from asgiref.sync import sync_to_async

    items_cache: dict[int, list] = {}

    def load_items(attempt: int) -> list:
        from django.db import connection

        for _ in range(60):
            try:
                return eb.attempt_items([attempt])[attempt]
            except Exception:  # PostgreSQL away: the person's page has them; we wait
                connection.close()
                time.sleep(1)
        raise RuntimeError("attempt items unreadable for 60 s")

    async def items_of(attempt: int) -> list:
        if attempt not in items_cache:
            items_cache[attempt] = await sync_to_async(load_items, thread_sensitive=True)(attempt)
        return items_cache[attempt]

    rng = random.Random(seed)  # noqa: S311
    rngs = [random.Random(rng.random()) for _ in wave.cookies]  # noqa: S311
    await asyncio.gather(
        *(person(eb, wave, i, items_of, rngs[i]) for i in range(len(wave.cookies)))
    )


# --- The faults -----------------------------------------------------------------------------


class Fault:
    """inject() runs in a thread once the wave has come far enough (FAULT_AT_SUBMITTED); it
    sets `began` and `recovered` (monotonic) and may leave a `note`."""

    def __init__(self, name: str, stack: Stack):
        self.name, self.stack = name, stack
        self.began: float | None = None
        self.recovered: float | None = None
        self.note = ""
        self.extra_ports: list[int] = []
        self.node_b = None

    def prepare(self) -> None:
        if self.name == "clock_skew":
            eb, env = self.stack.eb, self.stack.env
            port = eb.free_port()
            skewed = {**env, "LD_PRELOAD": str(LIBFAKETIME), "FAKETIME": SKEW,
                      "FAKETIME_DONT_RESET": "1"}  # fmt: skip
            self.node_b = eb.start_server(skewed, port, 4, log=self.stack.logs / "web-b.log")
            self.extra_ports = [port]

    def finish(self) -> None:
        if self.node_b is not None:
            self.stack.eb.stop(self.node_b)

    def inject(self) -> None:
        s = self.stack
        self.began = time.monotonic()
        if self.name == "redis_restart":
            s.broker.restart()
            s.cache.restart()
        elif self.name == "redis_down":
            s.broker.stop()
            s.cache.stop()
            time.sleep(OUTAGE)
            s.broker.start()
            s.cache.start()
        elif self.name == "redis_full":
            used = s.broker.info("memory")["used_memory"]
            s.broker.cli("CONFIG", "SET", "maxmemory", used)
            s.cache.cli("CONFIG", "SET", "maxmemory", "1mb")
            time.sleep(OUTAGE)
            s.broker.cli("CONFIG", "SET", "maxmemory", "64mb")
            s.cache.cli("CONFIG", "SET", "maxmemory", "64mb")
            self.note = f"broker maxmemory {used} B for {OUTAGE:.0f} s"
        elif self.name in ("pg_restart", "pg_restart_idle"):
            s.pg.restart()
        elif self.name == "pg_down":
            s.pg.stop()
            time.sleep(OUTAGE)
            s.pg.start()
        elif self.name == "web_kill":
            killed = 0
            end = time.monotonic() + OUTAGE
            while time.monotonic() < end:
                workers = s.web_workers()
                if workers:
                    os.kill(random.choice(workers), signal.SIGKILL)  # noqa: S311
                    killed += 1
                time.sleep(2)
            self.note = f"{killed} web workers killed"
        elif self.name == "worker_kill":
            s.kill_celery("grading")
        elif self.name == "export_disk_full":
            self.note = export_disk_full(s)
        elif self.name == "clock_skew":
            self.note = f"node B at {SKEW} (libfaketime) takes every other request"
        self.recovered = time.monotonic()


def fill(directory: Path) -> Path:
    """A file that takes every free byte of `directory`'s file system."""
    filler = directory / "filler"
    out = filler.open("wb", buffering=0)  # unbuffered: close() has nothing left to write
    try:
        while True:
            out.write(b"\0" * 65536)
    except OSError:  # ENOSPC: full
        pass
    finally:
        out.close()
    return filler


def export_disk_full(stack: Stack) -> str:
    """Fill the exports worker's tmpfs, ask for the results export, see how it ends; free the
    space; ask again."""
    if not stack.tmpfs_mounted:
        return "skipped: no tmpfs"
    filler = fill(stack.tmpfs)
    first = export_and_wait(stack)
    filler.unlink()
    second = export_and_wait(stack)
    return f"export on a full disk: {first}; after freeing it: {second}"


def export_and_wait(stack: Stack, timeout: float = 60.0) -> str:
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from contests.models import Contest
    from reports.models import ExportJob
    from reports.services.exports import export_job_create

    admin, _ = get_user_model().objects.get_or_create(
        username="chaos-admin", defaults={"is_superuser": True, "is_staff": True}
    )
    with transaction.atomic():
        job = export_job_create(
            user=admin, contest=Contest.objects.get(slug=stack.eb.SLUG), kind="results"
        )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.status in (ExportJob.Status.DONE, ExportJob.Status.FAILED):
            error = f" ({job.error[:80]})" if job.error else ""
            return f"{job.status}{error}"
        time.sleep(0.5)
    return f"still {job.status} after {timeout:.0f} s"


# --- One fault, measured --------------------------------------------------------------------


def answers_lost(*, acked: set[str], chosen: dict[str, int], saved: dict) -> int:
    """How many acknowledged answers the row does not hold: `acked` are the question ids an
    acknowledged autosave or submit carried, `chosen` the person's option per question (fixed
    for the wave), `saved` the row's answers ({question id: option id}, as stored)."""
    return sum(1 for q in acked if str(saved.get(q)) != str(chosen[q]))


def in_outage(sent: float, answered: float, began: float | None, ended: float | None) -> bool:
    """Whether a request was in the server while the fault lasted: sent before it ended and
    answered after it began (one sent before the fault but queued behind slower ones counts)."""
    if began is None or ended is None:
        return False
    return sent <= ended and answered >= began


def wave_registrations(cookies_range: range) -> list[int]:
    from participants.models import Registration

    names = [f"bench{i}" for i in cookies_range]
    return list(
        Registration.objects.filter(participant__user__username__in=names)
        .order_by("participant__user__username")
        .values_list("id", flat=True)
    )


def db_retry(fn, tries: int = 60):
    """Our own reads after a PostgreSQL fault: drop the dead connection and ask again."""
    from django.db import connection

    for _ in range(tries):
        try:
            return fn()
        except Exception:
            connection.close()
            time.sleep(1)
    return fn()


def wait_graded(registrations: list[int], timeout: float) -> tuple[float | None, int]:
    from scoring.models import Attempt

    deadline = time.monotonic() + timeout
    while True:
        waiting = db_retry(
            lambda: Attempt.objects.filter(
                registration_id__in=registrations, status=Attempt.Status.SUBMITTED
            ).count()
        )
        now = time.monotonic()
        if waiting == 0:
            return now, 0
        if now > deadline:
            return None, waiting
        time.sleep(0.5)


def check(wave: Wave, registrations: list[int]) -> dict:
    """Answers lost and duplicates, from the rows (see the module docstring)."""
    from django.db.models import Count

    from scoring.models import Attempt, Result

    attempts = list(
        Attempt.objects.filter(registration_id__in=registrations).values(
            "id", "registration_id", "answers", "status", "duration_ms"
        )
    )
    by_attempt = {a["id"]: a for a in attempts}
    per_person = {}
    for a in attempts:
        per_person[a["registration_id"]] = per_person.get(a["registration_id"], 0) + 1
    lost = lost_submits = 0
    for i, attempt_id in enumerate(wave.attempt):
        if attempt_id is None:
            continue
        row = by_attempt.get(attempt_id)
        saved = (row or {}).get("answers") or {}
        lost += answers_lost(acked=wave.acked[i], chosen=wave.choice[i], saved=saved)
        if wave.submitted[i] and (row is None or row["status"] == Attempt.Status.OPEN):
            lost_submits += 1
    results = list(
        Result.objects.filter(registration_id__in=registrations, round__isnull=True)
        .values("registration_id")
        .annotate(rows=Count("id"))
    )
    graded = {
        r["registration_id"]: r["graded_attempts"]
        for r in Result.objects.filter(
            registration_id__in=registrations, round__isnull=True
        ).values("registration_id", "graded_attempts")
    }
    duplicates = sum(1 for n in per_person.values() if n > 1)
    duplicates += sum(1 for r in results if r["rows"] > 1)
    duplicates += sum(1 for reg, g in graded.items() if g > per_person.get(reg, 0))
    durations = [a["duration_ms"] for a in attempts if a["duration_ms"] is not None]
    return {
        "answers_acknowledged": sum(len(a) for a in wave.acked),
        "answers_lost": lost,
        "submits_acknowledged": sum(wave.submitted),
        "submits_lost": lost_submits,
        "duplicates": duplicates,
        "attempts": len(attempts),
        "duration_max_s": round(max(durations, default=0) / 1000, 1),
        # Nobody's test in a wave lasts 2 minutes: a longer duration is a node's clock in it.
        "durations_off": sum(1 for d in durations if d > DURATION_SANE_MS),
    }


def run_fault(
    name: str, stack: Stack, cookies: list, first: int, seed: int, grading_wait: float
) -> dict:
    eb = stack.eb
    fault = Fault(name, stack)
    fault.prepare()
    registrations = db_retry(lambda: wave_registrations(range(first, first + len(cookies))))
    wave = Wave(cookies, [stack.port, *fault.extra_ports])
    exits_before = dict(stack.exits)
    t0 = time.monotonic()

    def later():
        share = FAULT_AT_SUBMITTED_MOMENT if name in MOMENTARY else FAULT_AT_SUBMITTED
        if name == "pg_restart_idle":
            share = 0.0  # at once: the workers are idle, their connections open
        while sum(wave.submitted) < share * len(cookies) and time.monotonic() < t0 + FAULT_WAIT:
            time.sleep(0.1)
        try:
            fault.inject()
        except Exception as exc:  # the fault itself failed: say so in the table
            fault.note = f"injection failed: {exc}"
            fault.recovered = time.monotonic()

    injector = threading.Thread(target=later, daemon=True)
    injector.start()
    asyncio.run(drive(eb, wave, seed))
    wave_seconds = time.monotonic() - t0
    from django.db import connection

    connection.close()  # ours may have died with PostgreSQL
    if name == "export_disk_full":
        # The fault outlasts the wave (it waits on two exports): grading is timed meanwhile.
        graded_at, ungraded = wait_graded(registrations, grading_wait)
        injector.join()
    else:
        injector.join()
        graded_at, ungraded = wait_graded(registrations, grading_wait)
    fault.finish()
    figures = db_retry(lambda: check(wave, registrations))
    by_status: dict[str, int] = {}
    errors_500 = errors_500_outside = 0
    for kind, status, sent, answered in wave.replies:
        if status in EXPECTED[kind] or (kind == "start" and status == 503):
            continue
        by_status[str(status)] = by_status.get(str(status), 0) + 1
        if status == 500:
            errors_500 += 1
            during = in_outage(sent, answered, fault.began, fault.recovered)
            if not (name in PG_FAULTS and during):
                errors_500_outside += 1
    row = {
        "fault": name,
        "people": len(cookies),
        "requests": len(wave.replies),
        "errors_by_status": dict(sorted(by_status.items())),
        "errors": sum(by_status.values()),
        "exam_500": errors_500,
        "exam_500_outside_pg_outage": errors_500_outside,
        "wait_pages": wave.waits,
        "gave_up": wave.gave_up,
        **figures,
        "fault_seconds": round((fault.recovered or t0) - (fault.began or t0), 1),
        "wave_seconds": round(wave_seconds, 1),
        "graded_after_recovery_s": (
            max(0.0, round(graded_at - fault.recovered, 1))
            if graded_at and fault.recovered
            else None
        ),
        "graded_after_last_submit_s": (
            round(graded_at - wave.last_submit, 1) if graded_at and wave.last_submit else None
        ),
        "ungraded_at_end": ungraded,
        "celery_exits": {k: stack.exits[k] - exits_before[k] for k in stack.exits},
        "note": fault.note,
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
    row["ok"] = (
        row["answers_lost"] == 0
        and row["submits_lost"] == 0
        and row["duplicates"] == 0
        and row["durations_off"] == 0
        and row["gave_up"] == 0
        and row["exam_500_outside_pg_outage"] == 0
        and ungraded == 0
        and (row["graded_after_recovery_s"] or 0) <= 120
    )
    return row


def print_row(r: dict) -> None:
    errors = ", ".join(f"{k}: {v}" for k, v in r["errors_by_status"].items()) or "0"
    exits = ", ".join(f"{k} {v}" for k, v in r["celery_exits"].items() if v) or "-"
    graded = (
        f"{r['graded_after_recovery_s']} s ({r['graded_after_last_submit_s']})"
        if r["ungraded_at_end"] == 0
        else f"{r['ungraded_at_end']} ungraded"
    )
    print(
        f"  {r['fault']:<17} {r['requests']:>6}  {errors:<24} {r['exam_500']:>4} "
        f"({r['exam_500_outside_pg_outage']}) {r['answers_lost']:>5}/{r['submits_lost']:<3} "
        f"{r['duplicates']:>4}  {graded:>13}  {exits:<12} {'ok' if r['ok'] else 'MISSED'}  "
        f"[{', '.join(map(str, r['load_average']))}] {r['note']}"
        + (f"; {r['durations_off']} durations over 2 min" if r["durations_off"] else ""),
        flush=True,
    )


def markdown(rows: list[dict]) -> str:
    """The table as benchmarks/README.md shows it."""
    lines = [
        "| fault | requests | errors by status | 500s (outside a PG outage) | answers lost "
        "/ submits lost | duplicates | graded after recovery (after last submit) | "
        "Celery exits | load | note |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        errors = ", ".join(f"{k}: {v}" for k, v in r["errors_by_status"].items()) or "0"
        if r["gave_up"]:
            errors += f"; {r['gave_up']} people gave up after 60 s ({r['wait_pages']} wait pages)"
        exits = ", ".join(f"{k} {v}" for k, v in r["celery_exits"].items() if v) or "0"
        graded = (
            f"{r['graded_after_recovery_s']} s ({r.get('graded_after_last_submit_s')} s)"
            if r["ungraded_at_end"] == 0
            else f"{r['ungraded_at_end']} still ungraded"
        )
        off = r.get("durations_off")
        note = r["note"] + (f"; {off} durations > 2 min" if off else "")
        lines.append(
            f"| {r['fault']} | {r['requests']:,} | {errors} | {r['exam_500']} "
            f"({r['exam_500_outside_pg_outage']}) | {r['answers_lost']} / {r['submits_lost']} | "
            f"{r['duplicates']} | {graded} | {exits} | {r['load_average'][0]} | {note} |"
        )
    return "\n".join(lines)


HEADER = (
    "  fault               reqs  errors by status          500 (outside PG) lost/subm dup  "
    "graded after (last submit)   celery exits"
)


# --- main -----------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=300)
    parser.add_argument("--only", default="", help="comma-separated faults (default: all)")
    parser.add_argument("--grading-wait", type=float, default=150.0)
    parser.add_argument("--seed", type=int, default=20)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--table", type=Path, help="print a JSON result's table as Markdown")
    args = parser.parse_args()
    if args.table:
        print(markdown(json.loads(args.table.read_text())["rows"]))
        return
    faults = [f for f in args.only.split(",") if f] or list(FAULTS)
    unknown = set(faults) - set(FAULTS)
    if unknown:
        raise SystemExit(
            f"unknown faults: {', '.join(sorted(unknown))}; known: {', '.join(FAULTS)}"
        )
    if "clock_skew" in faults and not LIBFAKETIME.exists():
        print(f"clock_skew skipped: {LIBFAKETIME} missing (apt-get install -y faketime)")
        faults.remove("clock_skew")
    started = time.monotonic()
    rows = []
    with (
        private_postgres() as pg,
        private_redis(maxmemory="64mb", policy="noeviction") as broker,
        private_redis(maxmemory="64mb", policy="allkeys-lru") as cache,
    ):
        # exam_bench reads its URLs when imported: ours, before the import.
        os.environ["BENCH_DATABASE_URL"] = pg.url(DB_NAME)
        os.environ["BENCH_ADMIN_DATABASE_URL"] = pg.url(DB_NAME)
        os.environ["BENCH_REDIS_URL"] = broker.url(0)
        import exam_bench as eb

        env = eb.server_env()
        env["REDIS_URL"] = cache.url(0)  # the cache (and sessions, gate, doorbell)
        env["CELERY_BROKER_URL"] = broker.url(0)
        env["EXAM_START_RATE"] = "40"  # the gate on, so that clock skew could show in it
        print(
            f"chaos: PostgreSQL :{pg.port}, broker :{broker.port} (noeviction), cache "
            f":{cache.port} (allkeys-lru); {len(faults)} faults x {args.people} people; "
            f"{load_average()}",
            flush=True,
        )
        eb.rebuild_database(env)
        cookies = eb.prepare(env, participants=args.people * len(faults))["cookies"]
        stack = Stack(eb, env, pg, broker, cache)
        stack.start()
        print(f"  stack up after {time.monotonic() - started:.0f} s; logs in {stack.logs}")
        print(HEADER, flush=True)
        try:
            for k, name in enumerate(faults):
                first = k * args.people
                row = run_fault(
                    name, stack, cookies[first : first + args.people], first,
                    args.seed + k, args.grading_wait,
                )  # fmt: skip
                if row["ungraded_at_end"]:
                    stack.restart_workers()
                    row["note"] += "; grading stuck: workers restarted by hand after this row"
                rows.append(row)
                print_row(row)
        finally:
            stack.stop()
        lines = stack.exit_lines
    total = time.monotonic() - started
    print(f"\n{len(rows)} faults in {total / 60:.1f} min; {load_average()}")
    for line in lines:
        print("  " + line[:300])
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d-%H%M")
    out = args.json or ROOT / "benchmarks" / "results" / f"{stamp}-chaos.json"
    out.write_text(
        json.dumps(
            {"rows": rows, "minutes": round(total / 60, 1), "celery_exit_lines": lines},
            indent=2,
            ensure_ascii=False,
        )
    )
    print(f"JSON: {out}\n")
    print(markdown(rows))
    if not all(r["ok"] for r in rows):
        sys.exit(1)


if __name__ == "__main__":
    main()
