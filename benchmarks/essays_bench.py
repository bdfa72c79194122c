"""Essay judging benchmark (issue 16; not a test).

1. Assignment: `--entries` submitted entries (default 10,000) of one district (20 wards) given
   to a panel of `--judges` judges (default 50; a fifth of them work in a ward of the district,
   so the conflict-of-interest rule has work to do) by `essays.services.judging.panel_assign`:
   the whole service timed (read the entries, the balanced random plan, 20,000 rows inserted,
   the audit row), target ≤ 5 s. In the same run: the pure plan alone on the same input, and
   the baseline of a bare `bulk_create` of the same 20,000 rows (no rule; rolled back).
2. Marking under load: gunicorn (`--workers` sync workers, the bench's production-like
   settings) and `--concurrent` judges (default 20) marking at once, each one after the other:
   the marking page (GET /cham-thi/bai/<code>/) then the save (POST, all criteria with a
   comment; some pairs far apart, so that third judges are assigned on the way), `--marks`
   entries each. p50/p95/p99 of the page and of the save; baseline in the same run: the bare
   render view (/bench/render/, one query, same middleware) at the same concurrency. After the
   load, the database is checked: every acknowledged save is a marked assignment (lost = 0).

Own database and Redis DB, dropped and rebuilt (BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/contest_bench_essays; BENCH_REDIS_URL, default
redis://127.0.0.1:6379/12). Usage:
    .venv/bin/python benchmarks/essays_bench.py [--entries 10000] [--judges 50] [--json out]
Prints one JSON object (benchmarks/README.md)."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import secrets
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/contest_bench_essays"
)
os.environ.setdefault("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT))

import exam_bench as eb  # noqa: E402

WARDS = 20


def _peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _sql(statement: str, params=None):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(statement, params or [])
        return cursor.fetchall() if cursor.description else None


def build(*, entries: int, judges: int) -> dict:
    """A city, a district of WARDS wards, a contest with an essay task and a 4-line rubric,
    `entries` people with a submitted entry, `judges` judges on the district's panel."""
    import datetime

    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from contests.models import Contest, Unit
    from contests.services.units import unit_add
    from essays.models import Criterion, Entry, EssayTask, Judge, Panel

    started = time.perf_counter()
    city = unit_add(code="EB", name="Thành phố (mô phỏng)", kind=Unit.Kind.PROVINCE)
    district = unit_add(code="EB-1", name="Quận mô phỏng", kind=Unit.Kind.DISTRICT, parent=city)
    other = unit_add(code="EB-2", name="Quận bên cạnh", kind=Unit.Kind.DISTRICT, parent=city)
    wards = [
        unit_add(code=f"EB-1-{w:02d}", name=f"Phường {w:02d}", kind=Unit.Kind.WARD, parent=district)
        for w in range(1, WARDS + 1)
    ]
    now = timezone.now()
    contest = Contest.objects.create(
        owner_unit=city,
        participation_root=city,
        slug="tu-luan-mo-phong",
        title="Cuộc thi viết tìm hiểu dịch vụ công trực tuyến (mô phỏng)",
        opens_at=now - datetime.timedelta(days=30),
        closes_at=now + datetime.timedelta(days=30),
        status=Contest.Status.PUBLISHED,
    )
    task = EssayTask.objects.create(
        contest=contest,
        title="Bài viết",
        questions="<p>Câu 1. Lợi ích của dịch vụ công trực tuyến?</p>",
        opens_at=now - datetime.timedelta(days=30),
        unit_deadline=now - datetime.timedelta(days=10),
        city_deadline=now + datetime.timedelta(days=10),
        third_mark_gap=10,
    )
    for order, (name, top, weight) in enumerate(
        [("Nội dung", 10, 4), ("Ví dụ thực tế", 10, 2), ("Bố cục", 10, 2), ("Hình thức", 10, 2)],
        start=1,
    ):
        Criterion.objects.create(task=task, order=order, name=name, max_marks=top, weight=weight)
    ward_ids = [w.pk for w in wards]
    with transaction.atomic():
        _sql(
            "INSERT INTO auth_user (id, password, is_superuser, username, first_name, last_name, "
            "email, is_staff, is_active, date_joined) SELECT 100000 + g, '!', false, 'eb' || g, "
            "'', '', '', false, true, now() FROM generate_series(1, %s) g",
            [entries],
        )
        _sql(
            "INSERT INTO participants_participant (id, full_name, date_of_birth, gender, "
            "document_type, document_number, issuing_country, phone, email, "
            "foreign_birth_confirmed, needs_review, created_at, user_id, name_key, identity_key) "
            "SELECT g, 'Người viết ' || g, date '1970-01-01' + (g %% 12000), 'female', 'cccd', "
            "lpad(g::text, 12, '0'), 'VN', '+849' || lpad(g::text, 8, '0'), '', false, false, "
            "now(), 100000 + g, 'nguoi viet ' || g, 'cccd:VN:' || lpad(g::text, 12, '0') "
            "FROM generate_series(1, %s) g",
            [entries],
        )
        _sql(
            "INSERT INTO participants_registration (id, document_type, document_number, "
            "age_on_reference, age_group, consent_participation, consent_publish, guardian_name, "
            "guardian_phone, guardian_relationship, guardian_consent, needs_review, created_at, "
            "contest_id, participant_id, unit_id, extra_minutes) "
            "SELECT g, 'cccd', lpad(g::text, 12, '0'), 30, '18+', true, true, '', '', '', false, "
            "false, now(), %s, g, (%s::bigint[])[1 + g %% %s], 0 FROM generate_series(1, %s) g",
            [contest.pk, ward_ids, len(ward_ids), entries],
        )
        text = "Dịch vụ công trực tuyến giúp người dân tiết kiệm thời gian. " * 60
        Entry.objects.bulk_create(
            [
                Entry(
                    task=task,
                    registration_id=g,
                    code=secrets.token_hex(5).upper(),
                    text=text,
                    word_count=540,
                    status=Entry.Status.SUBMITTED,
                    submitted_at=now - datetime.timedelta(days=11, seconds=g),
                    district=district,
                )
                for g in range(1, entries + 1)
            ],
            batch_size=2000,
        )
        users = get_user_model().objects.bulk_create(
            [
                get_user_model()(username=f"giam-khao-{j}", password=eb.PASSWORD_HASH)
                for j in range(judges)
            ]
        )
        # A fifth of the judges work in one of the district's wards: never its entries.
        panel_judges = Judge.objects.bulk_create(
            [
                Judge(user=u, home_unit=wards[j % WARDS] if j % 5 == 0 else other)
                for j, u in enumerate(users)
            ]
        )
        panel = Panel.objects.create(task=task, unit=district, stage="preliminary", name="BGK")
        panel.judges.set(panel_judges)
    return {
        "task": task,
        "panel": panel,
        "setup_s": round(time.perf_counter() - started, 1),
    }


def assignment_figures(panel) -> dict:
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from essays.models import Assignment
    from essays.rules.assignment import plan_assignments
    from essays.selectors.judging import panel_entries
    from essays.services.judging import panel_assign

    root = get_user_model().objects.create_superuser("eb-root", password=None)
    entries = list(panel_entries(panel).values_list("pk", "registration__unit__path"))
    judges = list(panel.judges.values_list("pk", "home_unit__path"))
    started = time.perf_counter()
    plan = plan_assignments(entries=entries, judges=judges, seed=1)
    plan_s = time.perf_counter() - started
    # Baseline: the same number of rows written with no rule at all (rolled back).
    started = time.perf_counter()
    with transaction.atomic():
        Assignment.objects.bulk_create(
            [
                Assignment(entry_id=e, panel=panel, judge_id=j, stage="preliminary", turn=t)
                for e, j, t in plan.pairs
            ],
            batch_size=2000,
        )
        bulk_s = time.perf_counter() - started
        transaction.set_rollback(True)
    started = time.perf_counter()
    outcome = panel_assign(panel=panel, by=root, seed=2)
    service_s = time.perf_counter() - started
    loads = dict(
        _sql(
            "SELECT judge_id, count(*) FROM essays_assignment WHERE panel_id = %s GROUP BY 1",
            [panel.pk],
        )
    )
    conflicts = _sql(
        "SELECT count(*) FROM essays_assignment a JOIN essays_entry e ON e.id = a.entry_id "
        "JOIN participants_registration r ON r.id = e.registration_id "
        "JOIN contests_unit u ON u.id = r.unit_id JOIN essays_judge j ON j.id = a.judge_id "
        "JOIN contests_unit h ON h.id = j.home_unit_id WHERE u.path LIKE h.path || '%%'"
    )[0][0]
    return {
        "entries": len(entries),
        "judges": len(judges),
        "assignments": outcome.created,
        "unplaced": len(outcome.unplaced),
        "service_s": round(service_s, 2),
        "target_s": 5,
        "plan_only_s": round(plan_s, 2),
        "baseline_bulk_create_s": round(bulk_s, 2),
        "load_min": min(loads.values()),
        "load_max": max(loads.values()),
        "conflicts": conflicts,
    }


def sessions(users) -> list[tuple[str, str]]:
    import datetime

    from django.contrib.sessions.backends.cached_db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    store = SessionStore()
    cookies, rows = [], []
    for user in users:
        key = secrets.token_hex(16)
        data = {
            "_auth_user_id": str(user.pk),
            "_auth_user_backend": "django.contrib.auth.backends.ModelBackend",
            "_auth_user_hash": user.get_session_auth_hash(),
        }
        rows.append(
            Session(
                session_key=key,
                session_data=store.encode(data),
                expire_date=timezone.now() + datetime.timedelta(days=1),
            )
        )
        cookies.append((key, secrets.token_hex(16)))
    Session.objects.bulk_create(rows)
    return cookies


def _figures(name: str, latencies: list[float], errors: int, seconds: float) -> dict:
    return {
        "name": name,
        "requests": len(latencies),
        "seconds": round(seconds, 2),
        "throughput": round(len(latencies) / seconds, 1) if seconds else 0,
        "p50_ms": round(eb.percentile(latencies, 0.50) * 1000, 1),
        "p95_ms": round(eb.percentile(latencies, 0.95) * 1000, 1),
        "p99_ms": round(eb.percentile(latencies, 0.99) * 1000, 1),
        "errors": errors,
    }


async def marking_load(port: int, work: list[tuple[tuple[str, str], list[str]]], criteria, seed):
    """Each judge (a coroutine) marks their entries one after the other."""
    rng = random.Random(seed)  # noqa: S311 - load shape, not secrecy
    page_lat, save_lat, errors = [], [], {"page": 0, "save": 0}
    acknowledged: list[tuple[str, str]] = []

    async def judge(cookie, codes):
        for code in codes:
            path = f"/cham-thi/bai/{code}/"
            status, _h, seconds, body = await eb.fetch(port, eb.request("GET", path, cookie))
            page_lat.append(seconds)
            if status != 200 or code.encode() not in body:
                errors["page"] += 1
                continue
            base = rng.choice([3, 5, 8, 10])
            form = {}
            for pk, top in criteria:
                form[f"diem-{pk}"] = str(min(top, max(0, base + rng.choice([-1, 0, 1]))))
                form[f"nhan-xet-{pk}"] = "Bài viết có bố cục rõ ràng, ví dụ thực tế."
            form["tiep"] = "1"
            body = urllib.parse.urlencode(form).encode()
            status, _h, seconds, _b = await eb.fetch(
                port, eb.request("POST", path, cookie, body=body)
            )
            save_lat.append(seconds)
            if status == 302:
                acknowledged.append((cookie[0], code))
            else:
                errors["save"] += 1

    started = time.perf_counter()
    await asyncio.gather(*(judge(cookie, codes) for cookie, codes in work))
    seconds = time.perf_counter() - started
    return (
        _figures("marking page (GET)", page_lat, errors["page"], seconds),
        _figures("save marks (POST)", save_lat, errors["save"], seconds),
        acknowledged,
    )


async def baseline_load(port: int, concurrent: int, per: int):
    latencies, errors = [], 0

    async def worker():
        nonlocal errors
        for _ in range(per):
            status, _h, seconds, _b = await eb.fetch(
                port, eb.request("GET", "/bench/render/?c=none", None)
            )
            latencies.append(seconds)
            errors += status != 200

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrent)))
    return _figures("baseline: bare render (GET)", latencies, errors, time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--judges", type=int, default=50)
    parser.add_argument("--concurrent", type=int, default=20)
    parser.add_argument("--marks", type=int, default=15, help="entries each judge marks")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn processes")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    t_run = time.perf_counter()
    env = eb.server_env()
    print("essays bench: rebuilding its database...", file=sys.stderr, flush=True)
    eb.rebuild_database(env)
    os.environ.update(env)  # this process reads the same database and settings as the server
    import django

    django.setup()
    from essays.models import Assignment, Criterion

    built = build(entries=args.entries, judges=args.judges)
    figures: dict = {"options": {k: str(v) for k, v in vars(args).items()}}
    figures["setup_s"] = built["setup_s"]
    print("1. assignment...", file=sys.stderr, flush=True)
    figures["assignment"] = assignment_figures(built["panel"])

    print("2. marking under load...", file=sys.stderr, flush=True)
    panel = built["panel"]
    judges = list(panel.judges.select_related("user").order_by("pk")[: args.concurrent])
    cookies = sessions([j.user for j in judges])
    work = []
    for judge, cookie in zip(judges, cookies, strict=True):
        codes = list(
            Assignment.objects.filter(judge=judge)
            .order_by("pk")
            .values_list("entry__code", flat=True)[: args.marks]
        )
        work.append((cookie, codes))
    criteria = list(Criterion.objects.filter(task=built["task"]).values_list("pk", "max_marks"))
    port = eb.free_port()
    server = eb.start_server(env, port, args.workers)
    try:
        # Warm every worker (imports, template cache, connections) before measuring.
        asyncio.run(baseline_load(port, args.workers * 2, 10))
        baseline = asyncio.run(baseline_load(port, args.concurrent, args.marks * 2))
        page, save, acknowledged = asyncio.run(marking_load(port, work, criteria, seed=3))
    finally:
        eb.stop(server)
    stored = Assignment.objects.filter(panel=panel, marked_at__isnull=False).count()
    thirds = Assignment.objects.filter(panel=panel, turn=3).count()
    figures["marking"] = {
        "concurrent_judges": len(work),
        "workers": args.workers,
        "page": page,
        "save": save,
        "baseline": baseline,
        "page_p99_over_baseline_p99": round(page["p99_ms"] / baseline["p99_ms"], 1)
        if baseline["p99_ms"]
        else None,
        "acknowledged_saves": len(acknowledged),
        "marked_in_database": stored,
        "lost": len(acknowledged) - stored,
        "third_judges_assigned": thirds,
    }
    # The machine is shared: its load says how far these figures are from an idle server's.
    figures["load_average_1_5_15"] = [round(x, 2) for x in os.getloadavg()]
    figures["peak_memory_mb"] = _peak_mb()
    figures["total_s"] = round(time.perf_counter() - t_run, 1)
    text = json.dumps(figures, indent=2, ensure_ascii=False)
    print(text)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(text + "\n")


if __name__ == "__main__":
    main()
