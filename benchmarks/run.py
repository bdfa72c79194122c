"""`make bench`: the whole system on this machine, one command, one table.

    .venv/bin/python benchmarks/run.py              # about 10 minutes on the 2-core machine

Prepares a simulated contest (participants with sessions; a reports contest simulated with
`devdata.services.simulation` at --report-scale of Hà Nội's 1.5 M), starts the production stack
(gunicorn with the production settings plus the bare baseline views, a Celery worker on the
grading queue, a Celery worker on the default and exports queues, Celery beat, on PostgreSQL
and Redis) and runs, measuring every process's peak memory:

0. the throughput phases of benchmarks/exam_bench.py (bare render, start, test page, bare
   insert, autosave, submit: closed loop) — the baselines and the issue-5 ratios;
1. School start: --school participants press "Bắt đầu" within one second (admission gate at
   80 % of the start throughput just measured), then take the test with think time: the test
   page, --autosaves autosaves, submit;
2. Steady state (issue 21 point 6): submissions offered open loop at 50 % of the submit
   phase's closed-loop throughput just measured, for --steady-seconds, while a results export
   of the reports contest (--report-scale: 0.1 = 150,000 people, a large district) and its
   roll-up recompute run on the other worker and the grading worker grades what comes in:
   offered, served (302 within --client-timeout), share served, p50/p99, errors by kind, the
   export's and the recompute's durations, load averages; printed as one "STEADY STATE" line;
3. Deadline rush: the last minutes of a round compressed into --rush-seconds: --rush people
   submit, and a tenth of the open attempts are left to the closing sweeper (past deadline +
   grace), which beat runs every 30 s;
then waits for grading to drain and counts in the database: every acknowledged submission
stored and graded once (lost = 0), the grading lag (submitted_at → graded_at) per scenario.

`--only phases,steady` runs only those scenarios (the phases always run: they are the
others' baselines). Prints one table and writes it as JSON to
benchmarks/results/<UTC date and time>.json.
Uses its own database and Redis DB, dropped and rebuilt (BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/contest_city_bench; BENCH_REDIS_URL, default
redis://127.0.0.1:6379/13).
"""

import argparse
import asyncio
import datetime
import json
import os
import random
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/contest_city_bench")
os.environ.setdefault("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
sys.path.insert(0, str(ROOT / "benchmarks"))

import exam_bench as eb  # noqa: E402

REPORT_SLUG = "city-reports"
SCENARIOS = ("phases", "school", "steady", "rush")
# The highest steady-state rate the run prepares people for (a quiet 2-core node: 50 % of a
# submit throughput of about 480/s).
STEADY_MAX_RATE = 300
# Seconds of the steady state before the export and the recompute are queued: the same run's
# baseline of the submissions without batch work.
STEADY_LEAD_IN = 10
LOGS = Path("/tmp")  # noqa: S108


# --- Peak memory of each process tree -------------------------------------------------------


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class MemorySampler(threading.Thread):
    """Every 0.5 s, the resident memory of each named process and its children: the peak of
    the tree's sum and of its largest single process."""

    def __init__(self):
        super().__init__(daemon=True)
        self.procs: dict[str, int] = {}
        self.peak: dict[str, dict] = {}
        self.running = True

    def watch(self, name: str, proc: subprocess.Popen) -> None:
        self.procs[name] = proc.pid

    def run(self) -> None:
        while self.running:
            for name, pid in list(self.procs.items()):
                pids = [pid, *_children(pid)]
                sizes = [_rss_mb(p) for p in pids]
                peak = self.peak.setdefault(name, {"total_mb": 0.0, "largest_mb": 0.0})
                peak["total_mb"] = round(max(peak["total_mb"], sum(sizes)), 1)
                peak["largest_mb"] = round(max(peak["largest_mb"], max(sizes)), 1)
            time.sleep(0.5)


def _cpu_ticks(pid: int) -> int:
    """User + system CPU of one process, in clock ticks (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])


class CpuWindow(threading.Thread):
    """The CPU seconds each part of the stack used during a window: every named process tree,
    the PostgreSQL backends of each (named by the PGAPPNAME each process is started with), and
    this client process. Polls every 0.25 s; a process born during the window counts from 0,
    one that ends keeps its last reading."""

    def __init__(self, procs: dict[str, subprocess.Popen]):
        super().__init__(daemon=True)
        self.procs = {name: proc.pid for name, proc in procs.items()}
        self.first: dict[int, int] = {}
        self.last: dict[int, int] = {}
        self.group: dict[int, str] = {}
        self.running = True
        import psycopg2

        self.db = psycopg2.connect(eb.DB_URL)  # one connection: a new one per poll costs a fork
        self.db.autocommit = True
        self._poll(initial=True)

    def _backends(self) -> dict[int, str]:
        with self.db.cursor() as cursor:
            cursor.execute(
                "SELECT pid, application_name FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            return {pid: f"postgres for {name or 'client'}" for pid, name in cursor.fetchall()}

    def _poll(self, *, initial: bool = False) -> None:
        pids = {os.getpid(): "client (this process)"}
        for name, pid in self.procs.items():
            pids |= {p: name for p in [pid, *_children(pid)]}
        pids |= self._backends()
        for pid, name in pids.items():
            ticks = _cpu_ticks(pid)
            self.first.setdefault(pid, ticks if initial else 0)
            self.last[pid] = max(self.last.get(pid, 0), ticks)
            self.group[pid] = name

    def run(self) -> None:
        while self.running:
            time.sleep(0.25)
            self._poll()

    def stop(self) -> dict[str, float]:
        self.running = False
        self.join()
        self._poll()
        self.db.close()
        tick = os.sysconf("SC_CLK_TCK")
        used: dict[str, float] = {}
        for pid, name in self.group.items():
            used[name] = used.get(name, 0) + (self.last[pid] - self.first[pid]) / tick
        return {name: round(sec, 1) for name, sec in sorted(used.items(), key=lambda i: -i[1])}


# --- Load patterns ----------------------------------------------------------------------------


def failure_kind(status: int, seconds: float, timeout: float) -> str:
    """A failed request's kind: "timeout" (no reply within the client's timeout; the client
    gives status 0), "connection" (refused or reset before that) or the HTTP status."""
    if status == 0:
        return "timeout" if seconds >= timeout * 0.99 else "connection"
    return str(status)


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


class Tally:
    """Latencies and errors per request kind."""

    def __init__(self):
        self.latencies: dict[str, list[float]] = {}
        self.errors: dict[str, int] = {}
        self.window: dict[str, list[float]] = {}
        # What went wrong, per kind: "timeout", "connection" or the HTTP status.
        self.outcomes: dict[str, dict[str, int]] = {}
        self.samples: dict[str, list[tuple[float, float, bool]]] = {}  # (sent at, seconds, ok)

    def add(
        self, kind: str, status: int, seconds: float, ok: set[int], at: float, *, timeout=60.0
    ) -> bool:
        self.latencies.setdefault(kind, []).append(seconds)
        self.errors.setdefault(kind, 0)
        span = self.window.setdefault(kind, [at, at])
        span[0], span[1] = min(span[0], at), max(span[1], at + seconds)
        self.samples.setdefault(kind, []).append((at, seconds, status in ok))
        if status not in ok:
            self.errors[kind] += 1
            label = failure_kind(status, seconds, timeout)
            counts = self.outcomes.setdefault(kind, {})
            counts[label] = counts.get(label, 0) + 1
            return False
        return True

    def slices(self, kind: str, t0: float, width: float = 5.0) -> list[dict]:
        """Per `width` seconds of sending (from t0): requests, p99 ms, failures."""
        count = int(
            max((at - t0 for at, _s, _ok in self.samples.get(kind, [])), default=0) // width
        )
        return [self.between(kind, t0, k * width, (k + 1) * width) for k in range(count + 1)]

    def between(self, kind: str, t0: float, start: float, end: float) -> dict:
        """Requests sent from `start` to `end` seconds after t0: count, p50/p99 ms, failures."""
        chosen = [(x, ok) for at, x, ok in self.samples.get(kind, []) if start <= at - t0 < end]
        return {
            "from_s": round(start, 1),
            "to_s": round(end, 1),
            "requests": len(chosen),
            "p50_ms": round(eb.percentile([x for x, _ in chosen], 0.5) * 1000),
            "p99_ms": round(eb.percentile([x for x, _ in chosen], 0.99) * 1000),
            "failed": sum(1 for _, ok in chosen if not ok),
        }

    def figures(self) -> dict:
        out = {}
        for kind, values in self.latencies.items():
            first, last = self.window[kind]
            out[kind] = {
                "requests": len(values),
                "throughput": round(len(values) / max(last - first, 1e-3), 1),
                "p50_ms": round(eb.percentile(values, 0.5) * 1000, 1),
                "p99_ms": round(eb.percentile(values, 0.99) * 1000, 1),
                "errors": self.errors[kind],
            }
        return out


async def school_start(port, cookies, *, autosaves: int, think: tuple[float, float]) -> dict:
    """Everyone presses "Bắt đầu" within one second (through the admission gate); each person,
    as soon as they are in, takes the test: the page, `autosaves` autosaves `think` seconds
    apart, submit."""
    tally = Tally()
    t0 = time.perf_counter()
    submitted: list[int] = []
    rng = random.Random(11)  # noqa: S311

    async def take(index, attempt):
        cookie = cookies[index]
        items = (await asyncio.to_thread(eb.attempt_items, [attempt]))[attempt]
        await timed(tally, "test page", port, eb.request("GET", f"/bai-thi/{attempt}/", cookie))
        for n in range(autosaves):
            await asyncio.sleep(rng.uniform(*think))
            raw = eb.autosave_request(attempt, items, cookie, rng, seq=n + 1)
            await timed(tally, "autosave", port, raw)
        await asyncio.sleep(rng.uniform(*think))
        raw = eb.submit_request(attempt, items, cookie, rng)
        if await timed(tally, "submit", port, raw, ok={302}):
            submitted.append(attempt)

    started = await eb.burst(port, cookies, spread=1.0, then=take)
    figures = tally.figures()
    burst = {k: v for k, v in started.items() if k != "attempts"}
    figures["start burst: first reply"] = {
        "requests": started["people"] + started["wait_pages"],
        "throughput": round(started["started"] / max(started["last_start_s"] or 1, 1e-3), 1),
        "p50_ms": round(started["first_reply_p50_s"] * 1000, 1),
        "p99_ms": None,
        "errors": started["errors"],
    }
    return {
        "requests": figures,
        "burst": burst,
        "seconds": round(time.perf_counter() - t0, 1),
        "submitted": submitted,
    }


async def timed(
    tally: Tally, kind: str, port, raw: bytes, ok=frozenset({200}), *, timeout: float = 60.0
) -> bool:
    at = time.perf_counter()
    status, _headers, seconds, _body = await eb.fetch(port, raw, timeout)
    return tally.add(kind, status, seconds, set(ok), at, timeout=timeout)


async def open_loop(
    port,
    raws: list[bytes],
    *,
    rate: float,
    kind: str,
    ok=frozenset({302}),
    timeout=60.0,
    side=None,
):
    """Requests fired at `rate` per second whatever the replies (arrivals do not wait for the
    server: a slow server shows as latency, not as a lower offered rate), each given up after
    `timeout` seconds (the client's patience). `side` = (seconds, function): the function is
    called in a thread that many seconds in. Returns the tally, the indexes that succeeded,
    the loop's start (perf_counter) and the side function's result."""
    tally = Tally()
    done: list[int] = []
    t0 = time.perf_counter()

    async def one(i, raw):
        if await timed(tally, kind, port, raw, ok=ok, timeout=timeout):
            done.append(i)

    async def side_call():
        await asyncio.sleep(side[0])
        return await asyncio.to_thread(side[1])

    side_task = asyncio.create_task(side_call()) if side else None
    # Each request's task is made at its send time: the loop never holds thousands of
    # sleeping tasks whose wake-ups would delay the replies being timed.
    tasks = []
    for i, raw in enumerate(raws):
        delay = t0 + i / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(i, raw)))
    await asyncio.gather(*tasks)
    side_result = await side_task if side_task else None
    return tally, done, t0, side_result


# --- Data ---------------------------------------------------------------------------------------


def open_attempts(first: int, count: int) -> list:
    """Start attempts in this process (the service, not HTTP: not measured) for participants
    first .. first + count - 1 of the bench contest."""
    from participants.models import Registration
    from scoring.services.attempts import attempt_start

    registrations = (
        Registration.objects.filter(contest__slug=eb.SLUG)
        .select_related("contest")
        .order_by("participant__user_id")[first : first + count]
    )
    return [attempt_start(registration=r) for r in registrations]


def simulate_reports(scale: float) -> dict:
    from devdata.services.simulation import contest_simulate

    t = time.perf_counter()
    report = contest_simulate(
        slug=REPORT_SLUG,
        participants=int(1_500_000 * scale),
        attempts=int(7_500_000 * scale),
        registrants=int(1_650_000 * scale),
        seed=42,
    )
    return {
        "scale": scale,
        "participants": report["participants"],
        "attempts": report["attempts"],
        "load_s": round(time.perf_counter() - t, 1),
    }


def reports_work_start() -> dict:
    """A results export (ExportJob through the exports queue) and the roll-up recompute
    (through the default queue) of the reports contest, as an organiser would trigger them."""
    from django.contrib.auth import get_user_model

    from contests.models import Contest
    from reports.services.exports import export_job_create
    from reports.tasks import rollups_recompute

    contest = Contest.objects.get(slug=REPORT_SLUG)
    user, _ = get_user_model().objects.get_or_create(
        username="bench-organiser", defaults={"is_staff": True, "is_superuser": True}
    )
    job = export_job_create(user=user, contest=contest, kind="results")
    rollups_recompute.delay(contest.pk)
    return {"export_job": job.pk, "queued_at": time.time()}


def task_seconds(log: Path, task: str) -> float | None:
    """The run time Celery logged for the last success of `task` in a worker's log."""
    seconds = None
    for line in log.read_text(errors="replace").splitlines():
        if f"{task}[" in line and "succeeded in" in line:
            seconds = round(float(line.split("succeeded in ")[1].split("s:")[0]), 2)
    return seconds


def reports_work_result(work: dict, log: Path, *, timeout: float, window_end: float) -> dict:
    """The export's and the recompute's figures once both have finished (or `timeout`):
    the export from its queueing to its end (`export_s`) and its own run (`export_run_s`),
    the recompute's run, and whether each ended before the steady window did (`window_end`,
    epoch seconds; both are queued at the window's start)."""
    from reports.models import ExportJob

    deadline = time.monotonic() + timeout
    job = ExportJob.objects.get(pk=work["export_job"])
    while job.status not in ("done", "failed") and time.monotonic() < deadline:
        time.sleep(1)
        job.refresh_from_db()
    rollup_s = task_seconds(log, "reports.tasks.rollups_recompute")
    while rollup_s is None and time.monotonic() < deadline:
        time.sleep(1)
        rollup_s = task_seconds(log, "reports.tasks.rollups_recompute")
    export_s = None
    if job.finished_at:
        export_s = round(job.finished_at.timestamp() - work["queued_at"], 1)
    window = window_end - work["queued_at"]
    return {
        "export_status": job.status,
        "export_rows": job.rows_written,
        "export_s": export_s,
        "export_run_s": task_seconds(log, "reports.tasks.export_run"),
        "rollup_recompute_s": rollup_s,
        "both_within_window": export_s is not None
        and rollup_s is not None
        and max(export_s, rollup_s) <= window,
    }


def lost_submissions(acknowledged: list[int]) -> dict:
    """Every submission acknowledged with the redirect to the result page: stored as
    submitted or graded (never open), with its answers; and every finished attempt graded
    once (one result row per registration)."""
    from scoring.models import Attempt, Result

    rows = Attempt.objects.filter(id__in=acknowledged)
    stored = rows.filter(status__in=["submitted", "graded"]).exclude(answers={}).count()
    finished = Attempt.objects.filter(contest__slug=eb.SLUG).exclude(status="open")
    results = Result.objects.filter(contest__slug=eb.SLUG, round=None)
    return {
        "acknowledged": len(acknowledged),
        "lost": len(acknowledged) - stored,
        "finished_attempts": finished.count(),
        "ungraded": finished.exclude(status="graded").count(),
        "result_rows": results.count(),
        "registrations_with_results": results.values("registration").distinct().count(),
    }


def steady_state(
    port,
    cookies,
    first: int,
    *,
    submit_throughput: float,
    seconds: int,
    timeout: float,
    other_log,
    procs: dict[str, subprocess.Popen],
) -> dict:
    """Issue 21 point 6: submissions offered open loop at 50 % of the submit phase's
    closed-loop throughput (`submit_throughput`, measured earlier in the run) for `seconds`,
    while a results export and the roll-up recompute of the reports contest run on the other
    worker and the grading worker grades what is submitted. Served = acknowledged with the
    302 to the result page within the client's `timeout`; p50/p99 over every offered request
    (one that timed out counts at its timeout). "acknowledged": the served attempts' ids."""
    rate = round(0.5 * submit_throughput, 1)
    count = min(int(rate * seconds), STEADY_MAX_RATE * seconds)
    print(
        f"\n2. steady state: {rate} submissions/s (50 % of the submit phase's "
        f"{submit_throughput}/s) for {seconds} s, open loop, client timeout {timeout:.0f} s; "
        f"export and roll-up recompute queued {STEADY_LEAD_IN} s in",
        flush=True,
    )
    attempts = open_attempts(first, count)
    rng = random.Random(5)  # noqa: S311
    raws = [
        eb.submit_request(a.pk, a.items, cookies[first + k], rng) for k, a in enumerate(attempts)
    ]
    before = load_average()
    cpu = CpuWindow(procs)
    cpu.start()
    window_end = time.time() + seconds
    tally, done, t0, work = asyncio.run(
        open_loop(
            port,
            raws,
            rate=rate,
            kind="submit",
            timeout=float(timeout),
            side=(STEADY_LEAD_IN, reports_work_start),
        )
    )
    elapsed = time.perf_counter() - t0
    cpu_seconds = cpu.stop()
    after = load_average()
    reports = reports_work_result(work, other_log, timeout=300, window_end=window_end)
    busy = STEADY_LEAD_IN + max(reports["export_s"] or seconds, reports["rollup_recompute_s"] or 0)
    parts = {
        "before the export (no batch work)": tally.between("submit", t0, 0, STEADY_LEAD_IN),
        "while the export or recompute ran": tally.between("submit", t0, STEADY_LEAD_IN, busy),
        "after them": tally.between("submit", t0, busy, seconds + 1),
    }
    ids = [attempts[i].pk for i in done]
    submit = tally.figures()["submit"]
    failures = tally.outcomes.get("submit", {})
    figures = {
        "submit_closed_loop": submit_throughput,
        "offered_rate": round(len(raws) / seconds, 1),
        "offered": len(raws),
        "seconds": seconds,
        "client_timeout_s": timeout,
        "served": len(done),
        "served_share": round(len(done) / max(len(raws), 1), 4),
        "served_rate": round(len(done) / elapsed, 1),
        "last_reply_s": round(elapsed, 1),
        "p50_ms": submit["p50_ms"],
        "p99_ms": submit["p99_ms"],
        "errors": dict(sorted(failures.items())),
        "timeouts": failures.get("timeout", 0),
        "load_average": {"before": before, "after": after},
        "cpu_seconds": cpu_seconds,
        "slices_5s": tally.slices("submit", t0),
        "parts": parts,
        "requests": {"submit": submit},
        "grading_lag": eb.grading_lag(ids),
        "reports": reports,
        "acknowledged": ids,
    }
    for name, part in parts.items():
        print(
            f"  {name:<36} {part['from_s']:>5}-{part['to_s']:<5} s: {part['requests']:>5} sent, "
            f"p50 {part['p50_ms']} ms, p99 {part['p99_ms']} ms, {part['failed']} failed",
            flush=True,
        )
    print(
        "  p99 ms per 5 s (failed): "
        + ", ".join(
            f"{x['p99_ms']}" + (f" ({x['failed']})" if x["failed"] else "")
            for x in figures["slices_5s"]
        ),
        flush=True,
    )
    print(
        f"  CPU seconds in the {elapsed:.0f} s window (2 cores = {2 * elapsed:.0f}): "
        + ", ".join(f"{k} {v}" for k, v in cpu_seconds.items()),
        flush=True,
    )
    print(steady_line(figures), flush=True)
    return figures


def steady_line(f: dict) -> str:
    r = f["reports"]
    return (
        f"STEADY STATE: offered {f['offered']} at {f['offered_rate']}/s (50 % of "
        f"{f['submit_closed_loop']}/s); served {f['served']} = {f['served_share']:.2%} "
        f"({f['served_rate']}/s); p50 {f['p50_ms']} ms, p99 {f['p99_ms']} ms; errors "
        f"{f['errors'] or 0} (timeouts {f['timeouts']}); export {r['export_rows']} rows "
        f"{r['export_s']} s (run {r['export_run_s']} s), roll-up recompute "
        f"{r['rollup_recompute_s']} s, both within the {f['seconds']} s window: "
        f"{'yes' if r['both_within_window'] else 'no'}; load average "
        f"{' '.join(map(str, f['load_average']['before']))} → "
        f"{' '.join(map(str, f['load_average']['after']))}"
    )


# --- The run ------------------------------------------------------------------------------------


def main() -> None:  # noqa: PLR0915 - one scenario after the other, in order
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=4, help="gunicorn processes")
    parser.add_argument("--threads", type=int, default=1, help="> 1: gthread workers")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--phase-people", type=int, default=600)
    parser.add_argument("--school", type=int, default=2000)
    parser.add_argument("--autosaves", type=int, default=4)
    parser.add_argument("--think", type=float, nargs=2, default=(8.0, 20.0))
    parser.add_argument("--steady-seconds", type=int, default=60)
    parser.add_argument(
        "--client-timeout",
        type=float,
        default=30.0,
        help="steady state: seconds a submission waits for its reply (nginx's upstream timeout)",
    )
    parser.add_argument(
        "--other-nice",
        type=int,
        default=10,
        help="nice level of the default+exports worker (0: the same priority as the web)",
    )
    parser.add_argument(
        "--other-concurrency",
        type=int,
        default=1,
        help="processes of the default+exports worker (deploy/README.md: 1 beside a web server)",
    )
    parser.add_argument("--rush", type=int, default=2000)
    parser.add_argument("--rush-seconds", type=int, default=20)
    parser.add_argument(
        "--report-scale",
        type=float,
        default=0.1,
        help="the reports contest exported during the steady state: share of Hà Nội's 1.5 M",
    )
    parser.add_argument(
        "--only",
        default=",".join(SCENARIOS),
        help="comma-separated scenarios to run (phases always run: the others' baselines): "
        + ", ".join(SCENARIOS),
    )
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument(
        "--markdown", type=Path, default=None, help="print a results file as Markdown tables"
    )
    parser.add_argument(
        "--essays",
        action="store_true",
        help="also run benchmarks/essays_bench.py (essay assignment, marking under load)",
    )
    args = parser.parse_args()
    if args.markdown:
        print(markdown(json.loads(args.markdown.read_text())))
        return
    only = {name.strip() for name in args.only.split(",") if name.strip()}
    if not only <= set(SCENARIOS):
        parser.error(f"--only: unknown {', '.join(sorted(only - set(SCENARIOS)))}")
    t_run = time.perf_counter()
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d-%H%M")
    out = args.json or ROOT / "benchmarks" / "results" / f"{stamp}.json"
    port = eb.free_port()
    eb.cache_start()  # the cache on a private Redis, the broker on BENCH_REDIS_URL
    env = eb.server_env()

    # Steady-state people: enough for the highest rate this machine could carry.
    steady_max = STEADY_MAX_RATE * args.steady_seconds if "steady" in only else 0
    n_phase = args.phase_people
    n_school = args.school if "school" in only else 0
    n_rush = args.rush if "rush" in only else 0
    first_school, first_steady = n_phase, n_phase + n_school
    first_rush = first_steady + steady_max
    print(f"bench: {', '.join(s for s in SCENARIOS if s in only | {'phases'})}; preparing "
          f"{first_rush + n_rush} participants" + (" and the reports contest" if steady_max else "")
          + "...", flush=True)  # fmt: skip
    eb.rebuild_database(env)
    cookies = eb.prepare(env, participants=first_rush + n_rush)["cookies"]
    figures: dict = {"date": stamp, "machine": {"cpus": os.cpu_count()}, "options": vars(args)}
    figures["options"]["json"] = str(out)
    if steady_max:
        figures["reports_contest"] = simulate_reports(args.report_scale)
    # The rush's attempts are opened now (the test lasts 30 minutes: still open at the rush).
    rush_attempts = open_attempts(first_rush, n_rush)
    print(f"  setup {time.perf_counter() - t_run:.0f} s", flush=True)

    sampler = MemorySampler()
    sampler.start()
    procs: dict[str, subprocess.Popen] = {}
    grading_log, other_log = LOGS / f"bench-grading-{port}.log", LOGS / f"bench-other-{port}.log"
    try:
        # PGAPPNAME (read by libpq) names each process's PostgreSQL backends, so that the
        # steady state can say whose queries the database's CPU went to.
        env_of = {n: {**env, "PGAPPNAME": n} for n in ("web", "grading", "other", "beat")}
        procs["web (gunicorn)"] = eb.start_server(env_of["web"], port, args.workers, args.threads)
        procs["worker grading"] = eb.start_celery(
            env_of["grading"], "worker", grading_log, name="grading"
        )
        # At a lower CPU priority than the web and grading, one task at a time (as
        # deploy/README.md runs it beside a web server): batch work takes what the interactive
        # path leaves, and never two batch queries (each a PostgreSQL backend at normal
        # priority) at once. --other-concurrency 2 runs the export and the recompute together.
        procs["worker default+exports"] = eb.start_celery(
            env_of["other"],
            "worker",
            other_log,
            queues="default,exports",
            concurrency=args.other_concurrency,
            name="other",
            nice=args.other_nice,
        )
        procs["beat"] = eb.start_celery(
            env_of["beat"], "beat", LOGS / f"bench-beat-{port}.log", name="b"
        )
        for name, proc in procs.items():
            sampler.watch(name, proc)
        warm = [eb.request("GET", f"/bench/render/?c={eb.SLUG}", None)] * (20 * args.workers)
        asyncio.run(eb.phase(port, "warm-up", warm, concurrency=8, ok_statuses={200}, quiet=True))

        print("\n0. throughput phases (closed loop) with the whole stack running:", flush=True)
        phases = eb.throughput_phases(
            port, cookies[:n_phase], rounds=2, concurrency=args.concurrency
        )
        acknowledged = phases.pop("submitted")
        figures["phases"] = phases
        figures["phases_grading_lag"] = eb.grading_lag(acknowledged)
        figures["phases_load_average"] = load_average()
        print(f"  load average {' '.join(map(str, figures['phases_load_average']))}", flush=True)
        figures["checks"] = eb.ratios_check(phases)

        if "school" in only:
            rate = max(1, int(0.8 * phases["start"]["throughput"]))
            print(f"\n1. school start: {n_school} people, EXAM_START_RATE={rate}/s", flush=True)
            eb.stop(procs["web (gunicorn)"])
            web_env = {**env_of["web"], "EXAM_START_RATE": str(rate)}
            procs["web (gunicorn)"] = eb.start_server(web_env, port, args.workers, args.threads)
            sampler.watch("web (gunicorn)", procs["web (gunicorn)"])
            asyncio.run(
                eb.phase(port, "warm-up", warm, concurrency=8, ok_statuses={200}, quiet=True)
            )
            school = asyncio.run(
                school_start(
                    port,
                    cookies[first_school:first_steady],
                    autosaves=args.autosaves,
                    think=tuple(args.think),
                )
            )
            acknowledged += school["submitted"]
            figures["school_start"] = {
                "requests": school["requests"],
                "burst": school["burst"],
                "seconds": school["seconds"],
                "grading_lag": eb.grading_lag(school.pop("submitted")),
            }
            figures["checks"] += eb.burst_checks(school["burst"])

        if "steady" in only:
            figures["steady_state"] = steady_state(
                port,
                cookies,
                first_steady,
                submit_throughput=phases["submit"]["throughput"],
                seconds=args.steady_seconds,
                timeout=args.client_timeout,
                other_log=other_log,
                procs=procs,
            )
            acknowledged += figures["steady_state"].pop("acknowledged")
        if "rush" in only:
            print(f"\n3. deadline rush: {n_rush} open attempts, {args.rush_seconds} s", flush=True)
            # A tenth never submit: past deadline + grace, left to the closing sweeper (beat).
            from django.utils import timezone

            from scoring.models import Attempt

            abandoned = [a.pk for a in rush_attempts[: n_rush // 10]]
            past = timezone.now() - datetime.timedelta(seconds=61)
            Attempt.objects.filter(id__in=abandoned).update(
                started_at=past - datetime.timedelta(minutes=30), deadline=past, answers={"0": 0}
            )
            submitting = rush_attempts[n_rush // 10 :]
            rng = random.Random(5)  # noqa: S311
            raws = [
                eb.submit_request(a.pk, a.items, cookies[first_rush + n_rush // 10 + k], rng)
                for k, a in enumerate(submitting)
            ]
            tally, done, _t0, _ = asyncio.run(
                open_loop(port, raws, rate=len(raws) / args.rush_seconds, kind="submit")
            )
            rush_ids = [submitting[i].pk for i in done]
            acknowledged += rush_ids
            figures["deadline_rush"] = {
                "offered_rate": round(len(raws) / args.rush_seconds, 1),
                "requests": tally.figures(),
                "grading_lag": eb.grading_lag(rush_ids),
                "swept": eb.grading_lag(abandoned, timeout=90),
            }
        figures["submissions"] = lost_submissions(acknowledged)
    finally:
        for proc in procs.values():
            eb.stop(proc)
        sampler.running = False
    figures["peak_memory"] = sampler.peak
    if args.essays:
        figures["essays"] = essays_figures()
    figures["checks"] += final_checks(figures)
    figures["total_s"] = round(time.perf_counter() - t_run, 1)
    print_table(figures)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n")
    print(f"\nwritten: {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}")


def essays_figures() -> dict:
    """benchmarks/essays_bench.py in its own process and database (issue 16)."""
    out = LOGS / "bench-essays.json"
    python = str(ROOT / ".venv" / "bin" / "python")
    print("\nessays: assignment of 10,000 entries, marking with 20 judges...", flush=True)
    # Its own database and Redis DB: never the city bench's (inherited BENCH_* variables).
    city = os.environ["BENCH_DATABASE_URL"]
    env = {
        **os.environ,
        "BENCH_DATABASE_URL": city.rsplit("/", 1)[0] + "/contest_bench_essays",
        "BENCH_REDIS_URL": "redis://127.0.0.1:6379/12",
    }
    subprocess.run(
        [python, str(ROOT / "benchmarks" / "essays_bench.py"), "--json", str(out)],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return json.loads(out.read_text())


def final_checks(f: dict) -> list[dict]:
    checks = []
    for name in ("phases_grading_lag",):
        lag = f[name]
        checks.append(lag_check("throughput phases", lag))
    ran = [s for s in ("school_start", "steady_state", "deadline_rush") if s in f]
    for scenario in ran:
        checks.append(lag_check(scenario.replace("_", " "), f[scenario]["grading_lag"]))
    if "steady_state" in f:
        checks += steady_checks(f["steady_state"])
    errors = sum(r["errors"] for s in ran for r in f[s]["requests"].values())
    checks.append({"target": "0 errors in the scenarios", "value": str(errors), "ok": errors == 0})
    if "deadline_rush" in f:
        swept = f["deadline_rush"]["swept"]
        checks.append(
            {
                "target": "abandoned attempts closed by the sweeper and graded",
                "value": f"{swept['graded']} / {swept['attempts']}",
                "ok": swept["ungraded"] == 0,
            }
        )
    s = f["submissions"]
    checks.append(
        {
            "target": "lost submissions (counted in the database) = 0",
            "value": f"{s['lost']} of {s['acknowledged']}",
            "ok": s["lost"] == 0,
        }
    )
    checks.append(
        {
            "target": "every finished attempt graded; one result per person",
            "value": f"{s['ungraded']} ungraded; {s['result_rows']} results / "
            f"{s['registrations_with_results']} people",
            "ok": s["ungraded"] == 0 and s["result_rows"] == s["registrations_with_results"],
        }
    )
    return checks


def steady_checks(steady: dict) -> list[dict]:
    """Issue 21 point 6: at 50 % of the submit phase's throughput, ≥ 99.9 % served, p99 ≤
    500 ms, 0 errors; and the export and the recompute ran during the window."""
    reports = steady["reports"]
    return [
        {
            "target": f"steady state at 50 % of submit ({steady['offered_rate']}/s): "
            "≥ 99.9 % served",
            "value": f"{steady['served']} / {steady['offered']} = {steady['served_share']:.2%}",
            "ok": steady["served_share"] >= 0.999,
        },
        {
            "target": "steady state: p99 ≤ 500 ms, 0 errors",
            "value": f"p99 {steady['p99_ms']} ms, {sum(steady['errors'].values())} errors",
            "ok": steady["p99_ms"] <= 500 and not steady["errors"],
        },
        {
            "target": "steady state: export and roll-up recompute done in the window",
            "value": f"export {reports['export_rows']} rows {reports['export_s']} s, "
            f"roll-ups {reports['rollup_recompute_s']} s",
            "ok": reports["export_status"] == "done" and reports["both_within_window"],
        },
    ]


def lag_check(label: str, lag: dict) -> dict:
    return {
        "target": f"grading lag ≤ 5 s ({label})",
        "value": f"p50 {lag['p50_s']} / p99 {lag['p99_s']} / max {lag['max_s']} s",
        "ok": lag["ungraded"] == 0 and lag["max_s"] <= 5,
    }


def print_table(f: dict) -> None:
    base = {k: f["phases"][k]["throughput"] for k in ("bare_insert", "bare_render")}
    against = {"submit": "bare_insert", "autosave": "bare_insert"}
    print(f"\n{'scenario / request':<34}{'req':>7}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}"
          f"{'errors':>8}{'  ratio to baseline':<22}")  # fmt: skip
    rows = [("phases", k.replace("_", " "), v) for k, v in f["phases"].items()]
    for scenario in ("school_start", "steady_state", "deadline_rush"):
        rows += [(scenario, k, v) for k, v in f.get(scenario, {}).get("requests", {}).items()]
    for scenario, kind, v in rows:
        ref = against.get(kind, "bare_render" if kind in ("start", "test page") else None)
        ratio = ""
        if scenario == "phases" and ref and not kind.startswith("bare"):
            ratio = f"  {v['throughput'] / base[ref]:.0%} of {ref.replace('_', ' ')}"
        p99 = "—" if v["p99_ms"] is None else f"{v['p99_ms']:.1f}"
        print(
            f"{scenario.replace('_', ' ') + ': ' + kind:<34}{v['requests']:>7}"
            f"{v['throughput']:>9.1f}{v['p50_ms']:>9.1f}{p99:>9}{v['errors']:>8}{ratio}"
        )
    print("\npeak memory (resident):")
    for name, peak in f["peak_memory"].items():
        print(f"  {name:<26} {peak['total_mb']:>7.0f} MB in all, largest process "
              f"{peak['largest_mb']:.0f} MB")  # fmt: skip
    if "steady_state" in f:
        print("\n" + steady_line(f["steady_state"]))
    print("\ntargets:")
    eb.print_checks(f["checks"])
    ok = sum(1 for c in f["checks"] if c["ok"])
    judged = sum(1 for c in f["checks"] if c["ok"] is not None)
    print(f"\n{ok} of {judged} targets met; whole run {f['total_s']:.0f} s")


def markdown(f: dict) -> str:
    """A results file as the Markdown tables of benchmarks/README.md."""
    lines = [
        f"Run {f['date']} ({f['total_s']:.0f} s), gunicorn "
        + (
            f"gthread {f['options']['workers']}x{f['options']['threads']}"
            if f["options"]["threads"] > 1
            else f"sync x{f['options']['workers']}"
        ),
        "",
        "| scenario: request | requests | req/s | p50 ms | p99 ms | errors |",
        "|---|---|---|---|---|---|",
    ]
    rows = [("phases", k.replace("_", " "), v) for k, v in f["phases"].items()]
    for scenario in ("school_start", "steady_state", "deadline_rush"):
        requests = f.get(scenario, {}).get("requests", {})
        rows += [(scenario.replace("_", " "), k, v) for k, v in requests.items()]
    for scenario, kind, v in rows:
        p99 = "—" if v["p99_ms"] is None else v["p99_ms"]
        lines.append(
            f"| {scenario}: {kind} | {v['requests']} | {v['throughput']} | {v['p50_ms']} | "
            f"{p99} | {v['errors']} |"
        )
    if "served" in f.get("steady_state", {}):  # files written before issue 21 lack it
        lines += ["", steady_line(f["steady_state"])]
    lines += ["", "| process | peak resident memory (all processes) | largest process |"]
    lines.append("|---|---|---|")
    for name, peak in f["peak_memory"].items():
        lines.append(f"| {name} | {peak['total_mb']:.0f} MB | {peak['largest_mb']:.0f} MB |")
    lines += ["", "| target | measured | |", "|---|---|---|"]
    for c in f["checks"]:
        verdict = {True: "ok", False: "**missed**", None: ""}[c["ok"]]
        lines.append(f"| {c['target']} | {c['value']} | {verdict} |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
