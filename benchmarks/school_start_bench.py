"""The school start (issue 21, point 2): --burst people press "Bắt đầu" within one second on
one node, with live draws and with tests drawn ahead for a scheduled session ("Ca thi"),
against a bare render of the same run.

    .venv/bin/python benchmarks/school_start_bench.py      # about 3-5 minutes

Steps (gunicorn sync workers, production settings, the bench's baseline views; pieces from
exam_bench.py):
1. closed-loop phases, gate off, in interleaved rounds: bare render, start (live draw);
2. the live burst: the server restarted with the gate at 80 % of the live start throughput;
3. a session for a ward holding the pre-drawn groups, prepared (timed) in this process;
4. closed-loop phases again: bare render, start (a claim of a ready test);
5. the pre-drawn burst: the gate at 80 % of the claim throughput.
Each burst reports when the last person was in their test, and the longest time nobody was
admitted while people waited; each figure is printed with the machine's load average.

Own database and Redis DB (BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/contest_school_bench; BENCH_REDIS_URL, default
redis://127.0.0.1:6379/12), dropped and rebuilt. Options: --burst (2000), --phase (people per
start phase, 400), --workers (4), --concurrency (8), --spread (seconds over which the burst's
people press, 1.0), --rate-factor (the gate's rate as a share of the start throughput just
measured, 0.8), --json FILE.
"""

import argparse
import asyncio
import datetime
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/contest_school_bench"
)
os.environ.setdefault("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")
sys.path.insert(0, str(ROOT / "benchmarks"))

import exam_bench as eb  # noqa: E402


def load() -> str:
    one, five, _fifteen = os.getloadavg()
    return f"load {one:.2f}/{five:.2f}"


def phases(port, cookies, *, name: str, rounds: int, concurrency: int) -> dict:
    """Bare render and start, closed loop, `rounds` interleaved rounds, each round with its
    own people (every start is a new person's first)."""
    runs: dict[str, list[dict]] = {"bare_render": [], name: []}
    render = eb.request("GET", f"/bench/render/?c={eb.SLUG}", None)
    group = len(cookies) // rounds
    for r in range(rounds):
        people = cookies[r * group : (r + 1) * group]
        runs["bare_render"].append(
            asyncio.run(
                eb.phase(
                    port,
                    "bare render",
                    [render] * group,
                    concurrency=concurrency,
                    ok_statuses={200},
                )
            )
        )
        starts = [eb.request("POST", f"/bai-thi/bat-dau/{eb.SLUG}/", c) for c in people]
        runs[name].append(
            asyncio.run(
                eb.phase(
                    port, name.replace("_", " "), starts, concurrency=concurrency, ok_statuses={302}
                )
            )
        )
    figures = {key: eb.pooled_figures(value) for key, value in runs.items()}
    ratio = figures[name]["throughput"] / figures["bare_render"]["throughput"]
    figures["ratio_to_bare_render"] = round(ratio, 3)
    figures["load"] = load()
    print(
        f"  {name}: {figures[name]['throughput']}/s vs bare render "
        f"{figures['bare_render']['throughput']}/s = {ratio:.0%} ({figures['load']})",
        flush=True,
    )
    return figures


def run_burst(env, port, args, cookies, *, rate: int, label: str) -> dict:
    server = eb.start_server({**env, "EXAM_START_RATE": str(rate)}, port, args.workers)
    try:
        warm = [eb.request("GET", f"/bench/render/?c={eb.SLUG}", None)] * (20 * args.workers)
        asyncio.run(eb.phase(port, "warm-up", warm, concurrency=8, ok_statuses={200}, quiet=True))
        print(
            f"\n{label}: {len(cookies)} people within {args.spread} s, "
            f"EXAM_START_RATE={rate}/s ({load()})",
            flush=True,
        )
        figures = asyncio.run(eb.burst(port, cookies, spread=args.spread))
    finally:
        eb.stop(server)
    figures["start_rate"] = rate
    figures["load"] = load()
    return figures


def claimed_share(attempts: list[int | None], ready: dict[int, list]) -> float:
    """Of the started attempts of people who had a ready test, the share holding it."""
    from scoring.models import Attempt

    rows = dict(
        Attempt.objects.filter(id__in=[a for a in attempts if a]).values_list(
            "registration_id", "items"
        )
    )
    hits = sum(1 for registration, items in rows.items() if ready.get(registration) == items)
    return hits / max(len(rows), 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--burst", type=int, default=2000)
    parser.add_argument("--phase", type=int, default=400)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--spread", type=float, default=1.0)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument(
        "--rate-factor",
        type=float,
        default=0.8,
        help="EXAM_START_RATE for a burst = this × the start throughput just measured",
    )
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()

    env = eb.server_env()
    port = eb.free_port()
    t_setup = time.perf_counter()
    eb.rebuild_database(env)
    n_phase, n_burst = args.phase, args.burst
    cookies = eb.prepare(env, participants=2 * (n_phase + n_burst))["cookies"]
    live_phase = cookies[:n_phase]
    live_burst = cookies[n_phase : n_phase + n_burst]
    ready_phase = cookies[n_phase + n_burst : 2 * n_phase + n_burst]
    ready_burst = cookies[2 * n_phase + n_burst :]
    print(
        f"school start bench: {n_burst} per burst, {n_phase} per start phase; gunicorn sync "
        f"x{args.workers}, {args.concurrency} in flight (setup "
        f"{time.perf_counter() - t_setup:.0f} s; {load()})",
        flush=True,
    )
    from contests.models import Contest, Unit
    from contests.services.units import unit_add
    from participants.models import Registration
    from scoring.models import ExamSession, PreparedAttempt
    from scoring.services.prepared import exam_session_prepare

    results: dict = {}
    # 1. Live draws, gate off.
    server = eb.start_server(env, port, args.workers)
    try:
        warm = [eb.request("GET", f"/bench/render/?c={eb.SLUG}", None)] * (20 * args.workers)
        asyncio.run(eb.phase(port, "warm-up", warm, concurrency=8, ok_statuses={200}, quiet=True))
        print("\n1. live draw, closed loop:", flush=True)
        results["live_phases"] = phases(
            port, live_phase, name="start_live", rounds=args.rounds, concurrency=args.concurrency
        )
    finally:
        eb.stop(server)
    # 2. The live burst.
    live_rate = max(1, int(args.rate_factor * results["live_phases"]["start_live"]["throughput"]))
    live = run_burst(env, port, args, live_burst, rate=live_rate, label="2. live burst")
    live.pop("attempts")
    results["live_burst"] = live

    # 3. A session for the ward of the pre-drawn people, prepared ahead.
    district = Unit.objects.get(code="BENCH-Q1")
    ward = unit_add(
        code="BENCH-Q1-P1", name="Trường THPT Đo Tải", kind=Unit.Kind.WARD, parent=district
    )
    first_ready = n_phase + n_burst
    usernames = [f"bench{i}" for i in range(first_ready, len(cookies))]
    Registration.objects.filter(participant__user__username__in=usernames).update(unit=ward)
    contest = Contest.objects.get(slug=eb.SLUG)
    now = datetime.datetime.now(datetime.UTC)
    session = ExamSession.objects.create(
        contest=contest,
        unit=ward,
        name="Ca 1",
        starts_at=now + datetime.timedelta(minutes=5),
        ends_at=now + datetime.timedelta(hours=2),
    )
    session = ExamSession.objects.select_related("contest", "unit").get(pk=session.pk)
    t = time.perf_counter()
    count = exam_session_prepare(session=session)
    seconds = time.perf_counter() - t
    results["prepare"] = {
        "tests": count,
        "seconds": round(seconds, 2),
        "per_second": round(count / seconds, 1),
        "load": load(),
    }
    print(
        f"\n3. prepared {count} tests ahead in {seconds:.2f} s ({count / seconds:.0f}/s; {load()})",
        flush=True,
    )
    ready = dict(PreparedAttempt.objects.values_list("registration_id", "items"))

    # 4. Claims, gate off.
    server = eb.start_server(env, port, args.workers)
    try:
        asyncio.run(eb.phase(port, "warm-up", warm, concurrency=8, ok_statuses={200}, quiet=True))
        print("\n4. pre-drawn (claim), closed loop:", flush=True)
        results["ready_phases"] = phases(
            port,
            ready_phase,
            name="start_claim",
            rounds=args.rounds,
            concurrency=args.concurrency,
        )
    finally:
        eb.stop(server)
    # 5. The pre-drawn burst.
    claim_rate = max(
        1, int(args.rate_factor * results["ready_phases"]["start_claim"]["throughput"])
    )
    pre = run_burst(env, port, args, ready_burst, rate=claim_rate, label="5. pre-drawn burst")
    pre["claimed_share"] = round(claimed_share(pre.pop("attempts"), ready), 4)
    results["ready_burst"] = pre
    print(f"  started attempts holding their ready test: {pre['claimed_share']:.1%}", flush=True)

    checks = []
    for key, label in (("live_burst", "live draw"), ("ready_burst", "pre-drawn")):
        b = results[key]
        checks.append(
            {
                "target": f"{label}: all {b['people']} in their test within 10 s, 0 errors",
                "value": f"{b['started']} started, last at {b['last_start_s']} s, "
                f"{b['errors']} errors",
                "ok": b["started"] == b["people"]
                and b["errors"] == 0
                and (b["last_start_s"] or 99) <= 10,
            }
        )
        checks.append(
            {
                "target": f"{label}: longest time nobody admitted ≤ 1 s",
                "value": f"{b['idle_gap_s']} s",
                "ok": b["idle_gap_s"] <= 1.0,
            }
        )
    claim = results["ready_phases"]["ratio_to_bare_render"]
    checks.append(
        {
            "target": "a claimed start ≈ a bare render (≥ 80 %)",
            "value": f"{claim:.0%} (live draw "
            f"{results['live_phases']['ratio_to_bare_render']:.0%})",
            "ok": claim >= 0.8,
        }
    )
    results["checks"] = checks
    print("\ntargets:")
    eb.print_checks(checks)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
