"""Reports benchmark (not a test): on a simulated contest of 1.5 M participants and 7.5 M
attempts (`--scale 0.1` for a tenth):

1. time to load it (`simulate_contest`'s service: COPY on PostgreSQL);
2. time to recompute all roll-ups (target ≤ 10 s);
3. time to render the dashboard from them (target ≤ 100 ms; median of 20 after a warm-up);
4. the ranked-results export (an ExportJob run by the worker's code) in a fresh process:
   wall time against raw openpyxl write-only mode writing the same rows from memory in
   another fresh process (target ≥ 80 % of its speed), and the export process's peak memory
   (VmHWM of the process; target ≤ 150 MB).

Usage (PostgreSQL, as in production):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/contest_bench \\
        .venv/bin/python benchmarks/reports_bench.py --scale 0.1
Options: --slug (default bench-<scale>), --skip-export, --json FILE (also write the figures
there), --load-only (load the contest and stop), --serial (also time one recomputation
without PostgreSQL's parallel workers, as before they were allowed).
The machine is shared: `reference_query_seconds` times, in the same run, the query the issue
measured at 1.1-1.4 s (see `reference_query`), to read the other figures against.
Prints one JSON object with the figures (see docs/reports.md, "Benchmark")."""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "contest_site.settings.local")
# Measured as in production: no DEBUG query log, no debug templates.
os.environ.setdefault("DEBUG", "False")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")

FULL_PARTICIPANTS = 1_500_000
FULL_ATTEMPTS = 7_500_000
FULL_REGISTRANTS = 1_650_000


def _setup():
    import django

    django.setup()


def _peak_mb() -> float:
    """Peak resident memory of this process, in MB: VmHWM of its own address space.
    (resource.getrusage's ru_maxrss is reported too, but Linux carries it over from the
    parent across fork + exec, so a child of a big parent shows the parent's peak.)"""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _rusage_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_export(slug: str) -> dict:
    """The worker's code path: an ExportJob of the ranked results, run to completion."""
    _setup()
    from django.contrib.auth import get_user_model

    from contests.models import Contest
    from reports.models import ExportJob
    from reports.services.exports import export_job_run

    contest = Contest.objects.get(slug=slug)
    user, _ = get_user_model().objects.get_or_create(
        username="bench-root", defaults={"is_staff": True, "is_superuser": True}
    )
    job = ExportJob.objects.create(
        owner=user, kind="results", contest=contest, unit=contest.participation_root
    )
    started = time.perf_counter()
    job = export_job_run(job_id=job.pk)
    seconds = time.perf_counter() - started
    size = job.file.size if job.file else 0
    out = {
        "seconds": round(seconds, 2),
        "rows": job.rows_written,
        "status": job.status,
        "error": job.error[:300],
        "file_mb": round(size / 2**20, 1),
        "peak_mb": round(_peak_mb(), 1),
        "ru_maxrss_mb": round(_rusage_mb(), 1),
    }
    if job.file:
        job.file.delete(save=False)
    job.delete()
    return out


def child_raw(slug: str) -> dict:
    """Raw openpyxl write-only mode writing the same rows, already in memory."""
    _setup()
    from django.utils import timezone
    from openpyxl import Workbook

    from contests.masking import mask_document
    from contests.models import Contest
    from participants.masking import mask_phone
    from reports.exports import results
    from scoring.selectors.results import results_ranked

    contest = Contest.objects.get(slug=slug)
    tz = timezone.get_current_timezone()
    rows = []
    qs = results_ranked(contest=contest).values_list(*results.FIELDS)
    for rank, (name, number, born, unit, block, age, correct, pred, ms, at, tel) in enumerate(
        qs.iterator(chunk_size=20000), start=1
    ):
        rows.append(
            (
                rank,
                name,
                mask_document(number),
                born,
                unit,
                block,
                age,
                correct,
                pred,
                ms / 1000,
                at.astimezone(tz).replace(tzinfo=None),
                mask_phone(tel),
            )
        )
    loaded_mb = _peak_mb()
    headers = [c.header for c in results.columns()]
    path = tempfile.mktemp(suffix=".xlsx")  # noqa: S306
    started = time.perf_counter()
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Kết quả")
    ws.append(headers)
    for i, row in enumerate(rows):
        if i and i % 1_000_000 == 0:
            ws = wb.create_sheet(f"Kết quả ({i // 1_000_000 + 1})")
            ws.append(headers)
        ws.append(row)
    wb.save(path)
    seconds = time.perf_counter() - started
    os.unlink(path)
    return {
        "seconds": round(seconds, 2),
        "rows": len(rows),
        "peak_mb_with_rows": round(_peak_mb(), 1),
        "rows_in_memory_mb": round(loaded_mb, 1),
    }


REFERENCE_QUERY = (
    "SELECT r.unit_id, COUNT(*) FROM (SELECT DISTINCT registration_id FROM scoring_attempt "
    "WHERE contest_id = %s AND status = 'graded') d "
    "JOIN participants_registration r ON r.id = d.registration_id GROUP BY r.unit_id"
)


def reference_query(contest) -> dict:
    """The issue's yardstick, timed in the same run: distinct participants per unit written as
    a pre-distinct join took 1.1-1.4 s on 7 M attempts when the issue was written. The
    machine is shared: the recomputation's time divided by this one says how the roll-ups
    would fare on a quiet machine."""
    from django.db import connection

    times = []
    with connection.cursor() as cursor:
        for _ in range(3):
            started = time.perf_counter()
            cursor.execute(REFERENCE_QUERY, [contest.pk])
            cursor.fetchall()
            times.append(time.perf_counter() - started)
    return {
        "runs": [round(t, 2) for t in times],
        "best": round(min(times), 2),
        "load_average": _uptime(),
    }


def _uptime() -> str:
    """The machine's load average, printed with every figure (the machine is shared)."""
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def _rollup_fingerprint(contest) -> list[str]:
    """md5 of every subtree roll-up row of the contest, per table, in a fixed order: equal
    after a refresh and after a full recomputation when the refresh is exact."""
    from django.db import connection

    from reports.models import DailyRollup, ScoreRollup, UnitRollup

    out = []
    with connection.cursor() as cursor:
        for model in (UnitRollup, ScoreRollup, DailyRollup):
            table = model._meta.db_table
            columns = [f.column for f in model._meta.concrete_fields if f.column != "id"]
            row = "ROW(" + ", ".join(columns) + ")::text"
            cursor.execute(
                f"SELECT md5(string_agg({row}, '|' ORDER BY {row})) FROM {table} "  # noqa: S608
                "WHERE contest_id = %s AND NOT own",
                [contest.pk],
            )
            out.append(cursor.fetchone()[0])
    return out


def refresh_times(contest, *, rounds: int = 3, units: int = 3, people: int = 10) -> dict:
    """The incremental refresh with a few units touched: each round regrades the attempts of
    `people` registrations in each of `units` units (graded_at moves; their result rows are
    rewritten by grading's own service, as a regrade does), then times `rollups_refresh`. At
    the end the subtree rows are compared with a full recomputation's (exactness)."""
    from django.db import transaction
    from django.db.models import F
    from django.utils import timezone

    from contests.models import Unit
    from participants.models import Registration
    from reports.services.rollups import rollups_recompute, rollups_refresh
    from scoring.models import Attempt
    from scoring.services.grading import results_recompute

    leaves = list(
        Registration.objects.filter(contest=contest)
        .values_list("unit_id", flat=True)
        .order_by("unit_id")
        .distinct()
    )
    step = max(1, len(leaves) // (rounds * units))
    chosen = leaves[::step][: rounds * units]
    times, outs = [], []
    for r in range(rounds):
        unit_ids = chosen[r * units : (r + 1) * units]
        regs = []
        for unit_id in unit_ids:
            regs += list(
                Registration.objects.filter(contest=contest, unit_id=unit_id, results__isnull=False)
                .order_by("id")
                .values_list("id", flat=True)[:people]
            )
        with transaction.atomic():
            Attempt.objects.filter(registration_id__in=regs, status="graded", number=1).update(
                correct_count=F("question_count"),
                all_correct=True,
                score=100,
                graded_at=timezone.now(),
            )
            results_recompute(registration_ids=regs)
        started = time.perf_counter()
        outs.append(rollups_refresh(contest=contest))
        times.append(time.perf_counter() - started)
    refreshed = _rollup_fingerprint(contest)
    rollups_recompute(contest=contest)
    return {
        "runs": [round(t, 3) for t in times],
        "best": round(min(times), 3),
        "results": outs,
        "units_named": [Unit.objects.get(pk=u).code for u in chosen],
        "equals_recompute": refreshed == _rollup_fingerprint(contest),
        "load_average": _uptime(),
    }


def first_render_times(client, url: str, contest, *, scopes: int = 12) -> dict:
    """The dashboard's first, uncached render of each of `scopes` units (the root, then units
    spread over the tree's levels): the cache is cleared first, and every scope is rendered
    once, so none of its figures is cached (the session is, by a request to the index)."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from contests.models import Unit

    root = contest.participation_root
    units = list(Unit.objects.filter(path__startswith=root.path).order_by("depth", "path"))
    by_depth: dict[int, list] = {}
    for unit in units:
        by_depth.setdefault(unit.depth, []).append(unit)
    picked = [root]
    depths = sorted(d for d in by_depth if d > root.depth)
    i = 0
    while len(picked) < scopes and any(by_depth[d] for d in depths):
        d = depths[i % len(depths)]
        if by_depth[d]:
            pool = by_depth[d]
            picked.append(pool.pop(len(pool) // 2))
        i += 1
    cache.clear()
    index = url.rsplit("/", 2)[0] + "/"
    assert client.get(index).status_code == 200
    times, queries, per_scope = [], [], []
    for unit in picked:
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url + f"?unit={unit.code}")
        ms = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, unit.code
        times.append(ms)
        queries.append(len(captured))
        per_scope.append((unit.code, unit.depth, round(ms, 1)))
    ordered = sorted(times)
    return {
        "scopes": len(times),
        "p50": round(statistics.median(ordered), 1),
        "p99": round(ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))], 1),
        "max": round(ordered[-1], 1),
        "root_ms": round(times[0], 1),
        "queries_max": max(queries),
        "per_scope": per_scope,
        "load_average": _uptime(),
    }


def _run_child(mode: str, slug: str) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", mode, "--slug", slug],
        capture_output=True,
        text=True,
        check=False,
        env=os.environ,
    )
    if out.returncode != 0:
        sys.stderr.write(out.stderr[-4000:])
        raise SystemExit(f"the {mode} child failed (exit {out.returncode})")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--slug", default=None)
    parser.add_argument("--skip-export", action="store_true")
    parser.add_argument("--json", dest="json_path", default=None, help="also write to FILE")
    parser.add_argument("--load-only", action="store_true", help="load the contest and stop")
    parser.add_argument(
        "--serial",
        action="store_true",
        help="also time one recomputation with max_parallel_workers_per_gather 0",
    )
    parser.add_argument("--child", choices=["export", "raw"], default=None)
    args = parser.parse_args()
    slug = args.slug or f"bench-{str(args.scale).replace('.', '-')}"
    if args.child == "export":
        print(json.dumps(child_export(slug)))
        return
    if args.child == "raw":
        print(json.dumps(child_raw(slug)))
        return

    _setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from contests.models import Contest
    from devdata.services.simulation import contest_simulate
    from reports.services.rollups import rollups_recompute

    figures: dict = {"scale": args.scale, "database": connection.vendor}
    from participants.models import Registration

    # A contest left without people by an interrupted load is filled again.
    if not Registration.objects.filter(contest__slug=slug).exists():
        started = time.perf_counter()
        report = contest_simulate(
            slug=slug,
            participants=int(FULL_PARTICIPANTS * args.scale),
            attempts=int(FULL_ATTEMPTS * args.scale),
            registrants=int(FULL_REGISTRANTS * args.scale),
            seed=42,
        )
        figures["load_seconds"] = round(time.perf_counter() - started, 1)
        figures["generated"] = {
            k: report[k] for k in ("registrants", "participants", "attempts", "perfect_attempts")
        }
    contest = Contest.objects.get(slug=slug)
    if args.load_only:
        _emit(figures, args.json_path)
        return

    def recompute_times(label: str) -> None:
        times = []
        for _ in range(3):
            started = time.perf_counter()
            result = rollups_recompute(contest=contest)
            times.append(time.perf_counter() - started)
        figures[label] = {
            "runs": [round(t, 2) for t in times],
            "best": round(min(times), 2),
            "load_average": _uptime(),
        }
        figures["rollup_rows"] = result

    recompute_times("recompute_seconds")
    if connection.vendor == "postgresql":
        figures["reference_query_seconds"] = reference_query(contest)
        reference = figures["reference_query_seconds"]["best"]
        figures["recompute_vs_reference"] = round(
            figures["recompute_seconds"]["best"] / reference, 2
        )
    figures["refresh_seconds"] = refresh_times(contest)
    if connection.vendor == "postgresql":
        figures["refresh_vs_reference"] = round(figures["refresh_seconds"]["best"] / reference, 3)
    if args.serial and connection.vendor == "postgresql":
        from reports.services import rollups

        saved = dict(rollups.SESSION_SETTINGS)
        rollups.SESSION_SETTINGS["max_parallel_workers_per_gather"] = "0"
        try:
            started = time.perf_counter()
            rollups_recompute(contest=contest)
            figures["recompute_seconds_serial"] = round(time.perf_counter() - started, 2)
        finally:
            rollups.SESSION_SETTINGS.clear()
            rollups.SESSION_SETTINGS.update(saved)

    from django.contrib.auth import get_user_model

    user, _ = get_user_model().objects.get_or_create(
        username="bench-root", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client()
    client.force_login(user)
    url = reverse("reports:dashboard", args=[slug])
    figures["dashboard_first_render_ms"] = first_render_times(client, url, contest)
    for warm in (url, url + f"?unit={contest.participation_root.code}"):
        assert client.get(warm).status_code == 200
    renders = []
    for _ in range(20):
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        renders.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    figures["dashboard_ms"] = {
        "median": round(statistics.median(renders), 1),
        "max": round(max(renders), 1),
        "queries": len(queries),
    }

    if not args.skip_export:
        export = _run_child("export", slug)
        raw = _run_child("raw", slug)
        figures["export"] = export
        figures["raw_openpyxl"] = raw
        figures["export_speed_vs_raw"] = round(raw["seconds"] / export["seconds"], 3)
    _emit(figures, args.json_path)


def _emit(figures: dict, json_path: str | None) -> None:
    text = json.dumps(figures, ensure_ascii=False, indent=2)
    print(text)
    if json_path:
        Path(json_path).write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
