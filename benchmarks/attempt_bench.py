"""A whole 20-question attempt as the page's script sends it, against its floor and against
today's shape (issue 21, point 1).

    .venv/bin/python benchmarks/attempt_bench.py        # about 3-5 minutes on 2 cores

One attempt, the NEW page script (static/js/attempt.js): start, test page, the autosave
batches a person answering 20 questions over 15 minutes produces with the production timing
(EXAM_AUTOSAVE_PAUSE_SECONDS / EXAM_AUTOSAVE_EVERY_SECONDS; `batch_schedule` below models the
page's rule), submit, result page. Its FLOOR: the same number of bare renders (start, test
page, result) and bare inserts (batches, submit) — the baseline views of benchmarks/baseline/,
measured in the same run. The OLD shape ("today"): start, test page, 20 single autosaves (the
old script posted the whole answer set on every change), submit, result page.

Every request goes through gunicorn (production settings, sync workers) on PostgreSQL and
Redis, from exam_bench's client (one connection per request, each person's own session),
closed loop with --concurrency requests in flight. The phases are interleaved in --rounds
rounds (a change of load on the machine hits every side). Per attempt, the node's time is
the sum over its requests of 1 / (that phase's throughput); attempts per second per node =
1 / that. Reported: whole attempt / floor (target ≤ 1.3) and new / old attempts per second
(target ≥ 2), with the load average.

Own database and Redis DB (BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/contest_attempt_bench; BENCH_REDIS_URL, default
redis://127.0.0.1:6379/12), dropped and rebuilt each run.
"""

import argparse
import asyncio
import json
import math
import os
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/contest_attempt_bench"
)
os.environ.setdefault("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")
sys.path.insert(0, str(ROOT / "benchmarks"))

import exam_bench as eb  # noqa: E402

QUESTIONS = 20
MINUTES = 15
# After the last answer the person looks the test over, then submits.
REVIEW_SECONDS = 20


def answer_times(rng: random.Random, *, questions=QUESTIONS, minutes=MINUTES) -> list[float]:
    """When a person answers each question (seconds from the test page): the time per question
    drawn log-normally (some are read in seconds, some take minutes), scaled so that the last
    answer comes at `minutes`."""
    gaps = [rng.lognormvariate(0.0, 0.8) for _ in range(questions)]
    scale = minutes * 60 / sum(gaps)
    times, t = [], 0.0
    for gap in gaps:
        t += gap * scale
        times.append(t)
    return times


def batch_schedule(
    times: list[float], *, pause: float, every: float, submit_at: float
) -> list[list[int]]:
    """The batches the page sends (static/js/attempt.js `plan`): pending answers go when
    max(last change + pause, last batch + every) comes, and at the latest first pending + every;
    a batch not due before the submit is carried by the submit instead. Returns the question
    indexes of each batch, in order. (Replies are taken as instant: a reply clears what its
    batch carried.)"""
    batches: list[list[int]] = []
    pending: dict[int, float] = {}
    last_change = last_sent = -math.inf
    i = 0
    while True:
        due = math.inf
        if pending:
            due = min(max(last_change + pause, last_sent + every), min(pending.values()) + every)
        nxt = times[i] if i < len(times) else math.inf
        if min(due, nxt) >= submit_at:
            return batches
        if nxt < due:
            pending[i] = nxt
            last_change = nxt
            i += 1
        else:
            batches.append(sorted(pending))
            pending.clear()
            last_sent = due


def batch_request(attempt: int, items: list, chosen: dict, cookie, *, seq=None, only=None):
    """An autosave as the page sends it: {"seq": n, "answers": {...}} (without seq: the old
    script's whole answer set). `only`: the question indexes of this batch."""
    indexes = only if only is not None else sorted(chosen)
    body = {"answers": {str(items[n]["q"]): chosen[n] for n in indexes}}
    if seq is not None:
        body["seq"] = seq
    return eb.request(
        "POST",
        f"/bai-thi/{attempt}/luu/",
        cookie,
        body=json.dumps(body).encode(),
        ctype="application/json",
    )


def run_round(port, cookies, *, shape: str, timing: dict, rng, concurrency: int) -> dict:
    """The attempts of `cookies` in `shape` ("new" or "old"), phase by phase: {phase: figures}."""
    out = {}

    def run(name, raws, ok, replies=None):
        out[name] = asyncio.run(
            eb.phase(
                port,
                f"{shape} {name}",
                raws,
                concurrency=concurrency,
                ok_statuses=ok,
                results=replies,
            )
        )

    replies = []
    run(
        "start",
        [eb.request("POST", f"/bai-thi/bat-dau/{eb.SLUG}/", c) for c in cookies],
        {302},
        replies,
    )
    attempt_of = {
        i: int(h["location"].strip("/").split("/")[-1])
        for i, (status, h) in enumerate(replies)
        if status == 302
    }
    people = sorted(attempt_of)
    items = eb.attempt_items(list(attempt_of.values()))
    run(
        "test page",
        [eb.request("GET", f"/bai-thi/{attempt_of[i]}/", cookies[i]) for i in people],
        {200},
    )
    saves, batches_per_person = [], []
    for i in people:
        a = attempt_of[i]
        chosen = {n: rng.choice(it["o"]) for n, it in enumerate(items[a])}
        if shape == "new":
            times = answer_times(rng)
            batches = batch_schedule(times, submit_at=times[-1] + REVIEW_SECONDS, **timing)
            batches_per_person.append(len(batches))
            saves += [
                batch_request(a, items[a], chosen, cookies[i], seq=s + 1, only=b)
                for s, b in enumerate(batches)
            ]
        else:  # one request per answer, each with every answer given so far
            saves += [
                batch_request(a, items[a], chosen, cookies[i], only=list(range(n + 1)))
                for n in range(len(items[a]))
            ]
    run("autosave", saves, {200})
    submits = [
        eb.submit_request(attempt_of[i], items[attempt_of[i]], cookies[i], rng) for i in people
    ]
    run("submit", submits, {302})
    run(
        "result",
        [eb.request("GET", f"/bai-thi/{attempt_of[i]}/ket-qua/", cookies[i]) for i in people],
        {200},
    )
    out["attempts"] = len(people)
    out["batches"] = batches_per_person
    return out


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=200, help="attempts per shape per round")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--pause", type=float, default=None, help="default: the settings'")
    parser.add_argument("--every", type=float, default=None, help="default: the settings'")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()

    env = eb.server_env()
    eb.rebuild_database(env)
    per_round = 2 * args.people
    cookies = eb.prepare(env, participants=per_round * args.rounds)["cookies"]
    from django.conf import settings  # set up by prepare()

    timing = {
        "pause": args.pause if args.pause is not None else settings.EXAM_AUTOSAVE_PAUSE_SECONDS,
        "every": args.every if args.every is not None else settings.EXAM_AUTOSAVE_EVERY_SECONDS,
    }
    port = eb.free_port()
    server = eb.start_server(env, port, args.workers)
    rng = random.Random(21)  # noqa: S311
    rounds = []
    print(
        f"attempt bench: {args.people} attempts per shape per round, {args.rounds} rounds, "
        f"gunicorn sync x{args.workers}, {args.concurrency} in flight; page timing "
        f"pause {timing['pause']} s, every {timing['every']} s; load {load_average()}",
        flush=True,
    )
    try:
        warm = [eb.request("GET", f"/bench/render/?c={eb.SLUG}", None)] * (20 * args.workers)
        asyncio.run(
            eb.phase(
                port, "warm-up", warm, concurrency=args.concurrency, ok_statuses={200}, quiet=True
            )
        )
        for r in range(args.rounds):
            mine = cookies[r * per_round : (r + 1) * per_round]
            figures = {"load": load_average()}
            render = eb.request("GET", f"/bench/render/?c={eb.SLUG}", None)
            body = json.dumps({"1": 2, "3": 4, "5": 6}).encode()
            insert = eb.request(
                "POST", "/bench/insert/", mine[0], body=body, ctype="application/json"
            )
            figures["bare render"] = asyncio.run(
                eb.phase(
                    port,
                    "bare render",
                    [render] * args.people,
                    concurrency=args.concurrency,
                    ok_statuses={200},
                )
            )
            figures["bare insert"] = asyncio.run(
                eb.phase(
                    port,
                    "bare insert",
                    [insert] * args.people,
                    concurrency=args.concurrency,
                    ok_statuses={200},
                )
            )
            # The shapes take turns going first: a load that rises during a round does not
            # always fall on the same one.
            shapes = ("new", "old") if r % 2 == 0 else ("old", "new")
            for shape in shapes:
                group = mine[: args.people] if shape == "new" else mine[args.people :]
                figures[shape] = run_round(
                    port,
                    group,
                    shape=shape,
                    timing=timing,
                    rng=rng,
                    concurrency=args.concurrency,
                )
            rounds.append(figures)
    finally:
        eb.stop(server)
    report = summarise(rounds, timing)
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False))


def rate(rounds, *path) -> float:
    """Requests per second of one phase over all rounds (total requests / total seconds)."""

    def pick(figures):
        for key in path:
            figures = figures[key]
        return figures

    requests = sum(pick(r)["requests"] for r in rounds)
    seconds = sum(pick(r)["seconds"] for r in rounds)
    return requests / seconds


def summarise(rounds: list[dict], timing: dict) -> dict:
    render, insert = rate(rounds, "bare render"), rate(rounds, "bare insert")
    batches = [b for r in rounds for b in r["new"]["batches"]]
    k = sum(batches) / len(batches)
    per_attempt = {}
    for shape, saves in (("new", k), ("old", float(QUESTIONS))):
        cost = {p: 1 / rate(rounds, shape, p) for p in ("start", "test page", "submit", "result")}
        cost["autosave"] = saves / rate(rounds, shape, "autosave")
        per_attempt[shape] = cost
    floor = 3 / render + (k + 1) / insert
    new_ms = sum(per_attempt["new"].values()) * 1000
    old_ms = sum(per_attempt["old"].values()) * 1000
    errors = sum(
        r[s][p]["errors"]
        for r in rounds
        for s in ("new", "old")
        for p in ("start", "test page", "autosave", "submit", "result")
    )
    report = {
        "timing": timing,
        "load": [r["load"] for r in rounds],
        "bare_render_per_s": round(render, 1),
        "bare_insert_per_s": round(insert, 1),
        "batches_per_attempt": round(k, 2),
        "batches_min_max": [min(batches), max(batches)],
        "node_ms_per_attempt": {
            s: {p: round(v * 1000, 2) for p, v in c.items()} for s, c in per_attempt.items()
        },
        "new_ms": round(new_ms, 1),
        "old_ms": round(old_ms, 1),
        "floor_ms": round(floor * 1000, 1),
        "attempts_per_s_new": round(1000 / new_ms, 1),
        "attempts_per_s_old": round(1000 / old_ms, 1),
        "new_over_floor": round(new_ms / (floor * 1000), 2),
        "new_over_old_attempts_per_s": round(old_ms / new_ms, 2),
        "errors": errors,
    }
    print(f"\nload average per round: {report['load']}; now {load_average()}")
    print(f"bare render {render:.0f}/s, bare insert {insert:.0f}/s")
    print(
        f"batches per attempt (pause {timing['pause']} s, every {timing['every']} s): "
        f"mean {k:.2f}, min {min(batches)}, max {max(batches)}"
    )
    for shape in ("new", "old"):
        parts = ", ".join(f"{p} {v * 1000:.2f}" for p, v in per_attempt[shape].items())
        print(f"  {shape}: node ms per attempt: {parts}")
    print(
        f"whole attempt (new) {new_ms:.1f} ms vs floor {floor * 1000:.1f} ms: "
        f"{report['new_over_floor']} x (target ≤ 1.3)  "
        f"{'ok' if report['new_over_floor'] <= 1.3 else 'MISSED'}"
    )
    print(
        f"attempts/s per node: new {report['attempts_per_s_new']}, "
        f"old {report['attempts_per_s_old']}: "
        f"{report['new_over_old_attempts_per_s']} x (target ≥ 2)  "
        f"{'ok' if report['new_over_old_attempts_per_s'] >= 2 else 'MISSED'}"
    )
    print(f"errors: {errors}")
    # Other page timings, computed (not measured) from this run's per-request costs and the
    # model's batch counts: what EXAM_AUTOSAVE_EVERY_SECONDS trades.
    fixed = sum(v for p, v in per_attempt["new"].items() if p != "autosave")
    per_batch = per_attempt["new"]["autosave"] / k
    report["computed"] = {}
    model_rng = random.Random(5)  # noqa: S311
    for every in (30, 60, 120, 180, 300):
        counts = []
        for _ in range(2000):
            times = answer_times(model_rng)
            counts.append(
                len(
                    batch_schedule(
                        times,
                        pause=timing["pause"],
                        every=every,
                        submit_at=times[-1] + REVIEW_SECONDS,
                    )
                )
            )
        kk = sum(counts) / len(counts)
        cost = fixed + kk * per_batch
        floor_kk = 3 / render + (kk + 1) / insert
        report["computed"][every] = {
            "batches": round(kk, 2),
            "over_floor": round(cost / floor_kk, 2),
            "over_old": round(old_ms / 1000 / cost, 2),
        }
        print(
            f"  computed, every {every:>3} s: {kk:5.2f} batches, whole attempt "
            f"{cost / floor_kk:.2f} x floor, {old_ms / 1000 / cost:.2f} x today's attempts/s"
        )
    return report


if __name__ == "__main__":
    main()
