"""Restore drill (`make restore-drill`; not a test): is a backup of a contest's database really a
backup? deploy/backups.md says how often to run it.

1. builds (or reuses) a contest database with a simulated contest (devdata's `contest_simulate`,
   graded attempts and result rows, roll-ups recomputed) on the shared PostgreSQL, in its own
   database (RESTORE_DRILL_DATABASE_URL, default contest_restore_drill);
2. computes its figures in a fresh process: direct counts over the raw rows, the roll-up tables
   as stored, the ranking (order and keys of every ranked row), the results export (the
   worker's code, every cell of the workbook) — each as a count and an md5;
3. `pg_dump -Fc` of the whole database;
4. `pg_restore` into a FRESH private PostgreSQL cluster (benchmarks/private_services.py: its own
   initdb, port and data directory; never the shared server);
5. the same figures there, plus the roll-ups recomputed from the restored raw rows, and checks
   that every figure is identical. Exit status 1 and the differing figures named if not.

Prints timings (build, figures, dump, restore), sizes (database, dump file) and the load
average. Usage:
    .venv/bin/python benchmarks/restore_drill.py [--participants 20000] [--attempts 60000]
        [--rebuild] [--json FILE] [--tamper] [--no-pitr]
RESTORE_DRILL_CONTEST=<slug>: compare that contest of the source database instead (nothing is
built; e.g. a database restored from last night's production backup).
--tamper changes one graded attempt in the restored copy: the drill must then fail (exit 1),
which shows that its comparison can fail."""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_SLUG = "restore-drill"
# Another contest of the source database (e.g. a copy restored from last night's production
# backup): its figures are compared, nothing is built. A slug, nothing else (it goes into SQL).
SLUG = os.environ.get("RESTORE_DRILL_CONTEST", DEFAULT_SLUG)
if not re.fullmatch(r"[-a-zA-Z0-9_]+", SLUG):
    raise SystemExit(f"RESTORE_DRILL_CONTEST={SLUG!r} is not a slug")
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/contest_restore_drill"


def _load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def _md5(rows) -> tuple[int, str]:
    digest, count = hashlib.md5(usedforsecurity=False), 0
    for row in rows:
        digest.update(repr(tuple(row)).encode())
        digest.update(b"\n")
        count += 1
    return count, digest.hexdigest()


# --- the child process: one database, through Django ------------------------------------------


def _setup(database_url: str, media_root: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["MEDIA_ROOT"] = media_root
    os.environ.pop("REDIS_URL", None)  # the in-process cache: no shared state to mix up
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "contest_site.settings.local")
    os.environ.setdefault("DEBUG", "False")
    import django

    django.setup()


def child_build(participants: int, attempts: int) -> dict:
    from contests.models import Contest
    from devdata.services.simulation import contest_simulate
    from reports.services.rollups import rollups_recompute

    if Contest.objects.filter(slug=SLUG).exists():
        return {"reused": True}
    if SLUG != DEFAULT_SLUG:
        raise SystemExit(f"no contest {SLUG!r} in this database")
    started = time.perf_counter()
    contest_simulate(
        slug=SLUG, participants=participants, attempts=attempts, registrants=participants, seed=7
    )
    rollups_recompute(contest=Contest.objects.get(slug=SLUG))
    return {"reused": False, "build_seconds": round(time.perf_counter() - started, 1)}


def _raw_counts(contest) -> dict:
    """Direct counts over the raw rows, by unit: registrants, participants, graded attempts,
    attempts with every answer correct, the sum of correct answers."""
    from django.db import connection

    sql = """
        SELECT r.unit_id, count(DISTINCT r.id), count(DISTINCT a.registration_id),
               count(a.id), count(a.id) FILTER (WHERE a.all_correct),
               coalesce(sum(a.correct_count), 0)
        FROM participants_registration r
        LEFT JOIN scoring_attempt a ON a.registration_id = r.id AND a.status = 'graded'
        WHERE r.contest_id = %s
        GROUP BY r.unit_id ORDER BY r.unit_id
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [contest.pk])
        rows = cursor.fetchall()
    count, digest = _md5(rows)
    return {
        "units": count,
        "registrants": sum(r[1] for r in rows),
        "participants": sum(r[2] for r in rows),
        "attempts": sum(r[3] for r in rows),
        "perfect_attempts": sum(r[4] for r in rows),
        "md5": digest,
    }


def _rollups(contest) -> dict:
    """Every roll-up row of the contest, all columns but the id, in a fixed order."""
    from reports.models import DailyRollup, ScoreRollup, UnitRollup

    out = {}
    for model in (UnitRollup, ScoreRollup, DailyRollup):
        columns = [f.attname for f in model._meta.concrete_fields if f.attname != "id"]
        rows = model.objects.filter(contest=contest).order_by(*columns).values_list(*columns)
        count, digest = _md5(rows.iterator(chunk_size=5000))
        out[model.__name__] = {"rows": count, "md5": digest}
    return out


def _ranking(contest) -> dict:
    from scoring.selectors.results import results_ranked

    keys = ("registration_id", "correct_count", "prediction_error", "duration_ms", "finished_at")
    rows = results_ranked(contest=contest).values_list(*keys)
    count, digest = _md5(rows.iterator(chunk_size=5000))
    return {"rows": count, "md5": digest}


def _export(contest) -> dict:
    """The ranked-results export as the worker runs it; every cell of every sheet."""
    from django.contrib.auth import get_user_model
    from openpyxl import load_workbook

    from reports.models import ExportJob
    from reports.services.exports import export_job_run

    user, _ = get_user_model().objects.get_or_create(
        username="restore-drill", defaults={"is_staff": True, "is_superuser": True}
    )
    job = ExportJob.objects.create(
        owner=user, kind="results", contest=contest, unit=contest.participation_root
    )
    started = time.perf_counter()
    job = export_job_run(job_id=job.pk)
    seconds = time.perf_counter() - started
    if job.status != "done":
        return {"status": job.status, "error": job.error[:300]}
    workbook = load_workbook(job.file.path, read_only=True)
    rows = (
        (sheet.title, *row)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
    )
    count, digest = _md5(rows)
    workbook.close()
    job.file.delete(save=False)
    job.delete()
    return {"status": "done", "rows": count, "md5": digest, "_seconds": round(seconds, 1)}


def child_figures(recompute: bool) -> dict:
    from django.db import connection

    from contests.models import Contest
    from reports.services.rollups import rollups_recompute

    contest = Contest.objects.get(slug=SLUG)
    started = time.perf_counter()
    figures = {
        "raw_counts": _raw_counts(contest),
        "rollups_stored": _rollups(contest),
        "ranking": _ranking(contest),
        "results_export": _export(contest),
    }
    if recompute:
        rollups_recompute(contest=contest)
        figures["rollups_recomputed"] = _rollups(contest)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        figures["_database_mb"] = round(cursor.fetchone()[0] / 2**20, 1)
    figures["_seconds"] = round(time.perf_counter() - started, 1)
    return figures


def _child(mode: str, database_url: str, **kwargs) -> dict:
    with tempfile.TemporaryDirectory(prefix="restore-drill-media-") as media:
        command = [sys.executable, __file__, "--child", mode, "--database-url", database_url]
        command += ["--media-root", media]
        for name, value in kwargs.items():
            command += [f"--{name.replace('_', '-')}", str(value)]
        out = subprocess.run(command, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        sys.exit(f"restore drill: the {mode} step failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


# --- the drill -------------------------------------------------------------------------------


def compare(source: dict, restored: dict) -> list[str]:
    """The figures that differ (keys starting with '_' are timings and sizes, not figures).
    The roll-ups recomputed from the restored raw rows must equal the source's stored ones."""
    differences = []
    for key, value in source.items():
        if key.startswith("_"):
            continue
        if restored.get(key) != value:
            differences.append(key)
    if restored.get("rollups_recomputed") != source.get("rollups_stored"):
        differences.append("rollups_recomputed")
    return differences


def _strip(figures: dict) -> dict:
    if isinstance(figures, dict):
        return {k: _strip(v) for k, v in figures.items() if not k.startswith("_")}
    return figures


def _ensure_database(url: str) -> None:
    import psycopg2
    from psycopg2 import sql

    name = url.rsplit("/", 1)[1]
    admin = psycopg2.connect(url.rsplit("/", 1)[0] + "/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    admin.close()


def _drop_database(url: str) -> None:
    import psycopg2
    from psycopg2 import sql

    name = url.rsplit("/", 1)[1]
    admin = psycopg2.connect(url.rsplit("/", 1)[0] + "/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
    admin.close()


def drill(args) -> int:
    from benchmarks.private_services import fresh_cluster

    report: dict = {"load_average_start": _load()}
    drill_started = time.perf_counter()
    source_url = args.database_url
    if args.rebuild:
        _drop_database(source_url)
    _ensure_database(source_url)
    env = {
        **os.environ,
        "DATABASE_URL": source_url,
        "DJANGO_SETTINGS_MODULE": "contest_site.settings.local",
    }
    env.pop("REDIS_URL", None)
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "migrate", "--no-input", "-v", "0"],
        env=env,
        check=True,
    )
    report["migrate_seconds"] = round(time.perf_counter() - started, 1)
    report["build"] = _child(
        "build", source_url, participants=args.participants, attempts=args.attempts
    )
    source = _child("figures", source_url, recompute=0)
    report["source"] = source

    with fresh_cluster() as pg:
        dump = pg.root / "contest.dump"
        started = time.perf_counter()
        pg.run("pg_dump", "-Fc", "-Z", "6", "-d", source_url, "-f", str(dump))
        report["dump_seconds"] = round(time.perf_counter() - started, 1)
        report["dump_mb"] = round(dump.stat().st_size / 2**20, 1)
        report["load_average_dump"] = _load()
        pg.createdb("contest_restored")
        started = time.perf_counter()
        pg.run("pg_restore", "-j", "2", "--no-owner", "-d", pg.url("contest_restored"), str(dump))
        report["restore_seconds"] = round(time.perf_counter() - started, 1)
        report["load_average_restore"] = _load()
        if args.tamper:
            # The drill's own check: one answer changed in the restored copy must fail it.
            pg.psql(
                "UPDATE scoring_attempt SET correct_count = correct_count - 1 WHERE id = "
                "(SELECT min(id) FROM scoring_attempt WHERE status = 'graded' "
                "AND correct_count > 0)",
                dbname="contest_restored",
            )
        restored = _child("figures", pg.url("contest_restored"), recompute=1)
        report["restored"] = restored
        report["restored_cluster"] = f"{pg.bin_dir} port {pg.port}"
        if not args.no_pitr:
            report["pitr"] = pitr = pitr_drill(dump)
            # Not vacuous: the state at T has the corrected answer the dump did not have.
            pitr["change_kept"] = pitr["at_target"]["raw_counts"] != _strip(source)["raw_counts"]
            pitr["identical"] = pitr["identical"] and pitr["change_kept"]

    differences = compare(_strip(source), _strip(restored))
    if "pitr" in report and not report["pitr"]["identical"]:
        differences.append("point-in-time recovery")
    report["identical"] = not differences
    report["total_seconds"] = round(time.perf_counter() - drill_started, 1)
    report["load_average_end"] = _load()
    _print(report, differences)
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2, ensure_ascii=False))
    return 1 if differences else 0


# An answer corrected (kept: before the recovery target) and an operator's mistake (lost: after).
# The slug is checked above (letters, digits, - and _ only).
CHANGE_KEPT = (
    "UPDATE scoring_attempt SET correct_count = correct_count - 1 WHERE id = "  # noqa: S608
    "(SELECT min(a.id) FROM scoring_attempt a JOIN contests_contest c ON c.id = a.contest_id "
    f"WHERE c.slug = '{SLUG}' AND a.status = 'graded' AND a.correct_count > 0)"
)
MISTAKE = "DELETE FROM reports_unitrollup; UPDATE scoring_attempt SET correct_count = 0"


def pitr_drill(dump: Path) -> dict:
    """deploy/backups.md's continuous archiving and point-in-time recovery, done: a cluster with
    WAL archiving holds the contest, a base backup is taken, an answer is corrected (time T),
    then a mistake wipes the roll-ups and every score; a fresh cluster is recovered from the
    base backup and the archive up to T. Its figures must equal those taken at T."""
    from benchmarks.private_services import fresh_cluster, private_postgres

    out: dict = {}
    with private_postgres(archive=True) as primary, fresh_cluster() as target:
        primary.createdb("contest")
        primary.run("pg_restore", "-j", "2", "--no-owner", "-d", primary.url("contest"), str(dump))
        base = target.root / "base"
        started = time.perf_counter()
        primary.run(
            "pg_basebackup", "-d", primary.url(), "-D", str(base), "-X", "stream", "-c", "fast"
        )
        out["base_backup_seconds"] = round(time.perf_counter() - started, 1)
        primary.psql(CHANGE_KEPT, dbname="contest")
        at_target = _child("figures", primary.url("contest"), recompute=0)
        target_time = primary.psql("SELECT clock_timestamp()").strip()
        time.sleep(1.5)
        primary.psql(MISTAKE, dbname="contest")
        segment = primary.psql("SELECT pg_walfile_name(pg_switch_wal())").strip()
        deadline = time.monotonic() + 60
        while not (primary.archive_dir / segment).exists():
            if time.monotonic() > deadline:
                raise RuntimeError(f"WAL segment {segment} was not archived within 60 s")
            time.sleep(0.2)
        # The recovery: the base backup as the fresh cluster's data directory, its own port
        # and sockets, WAL from the archive up to T, then promoted (deploy/backups.md).
        target.stop()
        shutil.rmtree(target.data)
        shutil.move(base, target.data)
        settings = {
            "port": str(target.port),
            "unix_socket_directories": f"'{target.sockets}'",
            "archive_mode": "off",
            "restore_command": f"'cp {primary.archive_dir}/%f %p'",
            "recovery_target_time": f"'{target_time}'",
            "recovery_target_action": "'promote'",
        }
        with (target.data / "postgresql.conf").open("a") as conf:
            conf.write("".join(f"{name} = {value}\n" for name, value in settings.items()))
        (target.data / "recovery.signal").touch()
        if os.geteuid() == 0:  # the server runs as postgres and removes the signal file
            subprocess.run(["chown", "-R", "postgres:postgres", str(target.data)], check=True)
        started = time.perf_counter()
        target.start()
        while target.psql("SELECT pg_is_in_recovery()").strip() != "f":
            if time.perf_counter() - started > 120:
                raise RuntimeError(f"recovery did not finish; {target.log_path}")
            time.sleep(0.2)
        out["recovery_seconds"] = round(time.perf_counter() - started, 1)
        recovered = _child("figures", target.url("contest"), recompute=0)
        out["target_time"] = target_time
        out["at_target"] = _strip(at_target)
        out["recovered"] = _strip(recovered)
        out["identical"] = out["at_target"] == out["recovered"]
        out["load_average"] = _load()
    return out


def _print(report: dict, differences: list[str]) -> None:
    source, restored = report["source"], report["restored"]
    build = report["build"]
    counts = source["raw_counts"]
    print(f"restore drill, load average {report['load_average_start']} at start")
    print(
        f"  contest: {counts['registrants']:,} registrants, {counts['participants']:,} "
        f"participants, {counts['attempts']:,} graded attempts, {counts['units']:,} units"
        + (" (reused)" if build.get("reused") else f" (built in {build['build_seconds']} s)")
    )
    print(f"  source database {source['_database_mb']} MB; figures in {source['_seconds']} s")
    print(
        f"  pg_dump -Fc: {report['dump_seconds']} s, {report['dump_mb']} MB "
        f"(load {report['load_average_dump']})"
    )
    print(
        f"  pg_restore -j 2 into a fresh cluster ({report['restored_cluster']}): "
        f"{report['restore_seconds']} s (load {report['load_average_restore']}); "
        f"restored database {restored['_database_mb']} MB"
    )
    print(f"  figures there (with a full roll-up recomputation) in {restored['_seconds']} s")
    rows = [
        ("raw counts by unit", source["raw_counts"], restored["raw_counts"]),
        ("ranking", source["ranking"], restored["ranking"]),
        ("results export (cells)", source["results_export"], restored["results_export"]),
    ]
    for name in source["rollups_stored"]:
        rows.append(
            (f"{name} stored", source["rollups_stored"][name], restored["rollups_stored"][name])
        )
        rows.append(
            (
                f"{name} recomputed",
                source["rollups_stored"][name],
                restored["rollups_recomputed"][name],
            )
        )
    print(f"  {'figure':<28} {'rows':>9}  {'source md5':<32}  {'restored md5':<32}  same")
    for name, a, b in rows:
        same = "yes" if _strip(a) == _strip(b) else "NO"
        rows_count = a.get("rows", a.get("units", ""))
        md5_a, md5_b = a.get("md5", "-"), b.get("md5", "-")
        print(f"  {name:<28} {rows_count:>9}  {md5_a:<32}  {md5_b:<32}  {same}")
    pitr = report.get("pitr")
    if pitr:
        print(
            f"  point-in-time recovery: base backup {pitr['base_backup_seconds']} s; an answer "
            f"corrected at {pitr['target_time']}, then every score and roll-up wiped; recovered "
            f"to that time in {pitr['recovery_seconds']} s (load {pitr['load_average']}): "
            + ("figures identical to those at the target" if pitr["identical"] else "DIFFERENT")
        )
    if differences:
        print(
            "RESTORE DRILL FAILED: these figures differ after the restore: "
            + ", ".join(differences)
        )
    else:
        print("restore drill passed: every figure identical after dump and restore")
    print(
        f"{report['total_seconds']} s in all; load average {report['load_average_end']} at the end"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", choices=["build", "figures"])
    parser.add_argument(
        "--database-url", default=os.environ.get("RESTORE_DRILL_DATABASE_URL", DEFAULT_URL)
    )
    parser.add_argument("--media-root", default="")
    parser.add_argument("--participants", type=int, default=20_000)
    parser.add_argument("--attempts", type=int, default=60_000)
    parser.add_argument("--recompute", type=int, default=0)
    parser.add_argument("--rebuild", action="store_true", help="drop and build the source again")
    parser.add_argument("--json", default="")
    parser.add_argument("--no-pitr", action="store_true", help="skip the WAL archive drill")
    parser.add_argument(
        "--tamper", action="store_true", help="change one answer after the restore: must fail"
    )
    args = parser.parse_args()
    if args.child:
        _setup(args.database_url, args.media_root)
        if args.child == "build":
            out = child_build(args.participants, args.attempts)
        else:
            out = child_figures(bool(args.recompute))
        print(json.dumps(out, default=str))
        return
    sys.exit(drill(args))


if __name__ == "__main__":
    main()
