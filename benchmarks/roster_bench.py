"""Roster and targets benchmark (not a test), issue 19: on a contest of 1.5 M registrations
(`--scale 0.1` for a tenth):

1. the roster match (participants.roster.matching.roster_match) of 100,000 staff × scale
   against the registrations: the first run (every link written) and a second run (nothing
   changes) — target ≤ 10 s; baseline in the same run: the bare joins the match needs (the
   roster joined to the registrations by CCCD, and by phone through the participants),
   counted, nothing decided or written;
2. the dashboard with targets (every district, department and ward has one) and the roster
   panel: p50 of 20 renders after a warm-up (target ≤ 100 ms), and the targets panel's own
   computation uncached (p50 of 5), against the dashboard without any target (same run).

The contest is the reports benchmark's (devdata.services.simulation, seed 42, attempts = one
per participant to keep the load short); a contest already loaded under the slug is reused,
never rebuilt, and so is a roster already there. Usage:
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/contest_roster_bench \\
        REDIS_URL=redis://127.0.0.1:6379/14 .venv/bin/python benchmarks/roster_bench.py
(the database is created and migrated when missing). Prints one JSON object."""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "contest_site.settings.local")
os.environ.setdefault("DEBUG", "False")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/contest_roster_bench")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/14")

FULL_REGISTRANTS = 1_500_000
FULL_STAFF = 100_000


def _ensure_database() -> None:
    url = urlparse(os.environ["DATABASE_URL"])
    name = url.path.lstrip("/")
    exists = subprocess.run(
        [
            "psql",
            "-h",
            url.hostname or "127.0.0.1",
            "-U",
            url.username or "postgres",
            "-tAc",
            f"SELECT 1 FROM pg_database WHERE datname = '{name}'",  # noqa: S608
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if exists != "1":
        subprocess.run(
            ["createdb", "-h", url.hostname or "127.0.0.1", "-U", url.username or "postgres", name],
            check=True,
        )
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "migrate", "--no-input", "-v", "0"],
        check=True,
        env=os.environ,
    )


def _timed(fn, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        out.append(time.perf_counter() - started)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--slug", default=None)
    args = parser.parse_args()
    slug = args.slug or f"bench-roster-{str(args.scale).replace('.', '-')}"
    _ensure_database()

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from contests.models import Contest, Unit, UnitTarget
    from contests.services.targets import unit_targets_set_for_children
    from devdata.services.simulation import contest_simulate
    from participants.models import Registration, RosterEntry
    from participants.roster.matching import roster_match
    from reports import selectors_targets
    from reports.services.rollups import rollups_recompute

    figures: dict = {"scale": args.scale, "database": connection.vendor}
    registrants = int(FULL_REGISTRANTS * args.scale)
    participants = registrants * 9 // 10
    if not Registration.objects.filter(contest__slug=slug).exists():
        started = time.perf_counter()
        contest_simulate(
            slug=slug,
            participants=participants,
            attempts=participants,
            registrants=registrants,
            seed=42,
        )
        figures["load_seconds"] = round(time.perf_counter() - started, 1)
    contest = Contest.objects.select_related("participation_root").get(slug=slug)
    figures["registrations"] = Registration.objects.filter(contest=contest).count()

    staff = int(FULL_STAFF * args.scale)
    if not RosterEntry.objects.filter(contest=contest).exists():
        started = time.perf_counter()
        rng = random.Random(19)  # noqa: S311
        # 70 % of the staff registered (6 in 7 of them listed with their CCCD, the others by
        # phone only), 30 % not registered (CCCDs nobody has).
        picked = list(
            Registration.objects.filter(contest=contest)
            .order_by("?")
            .values_list("unit_id", "document_number", "participant__phone")[: staff * 7 // 10]
        )
        rows = []
        for i, (unit_id, document, phone) in enumerate(picked):
            by_phone_only = i % 7 == 6
            rows.append(
                RosterEntry(
                    contest=contest,
                    unit_id=unit_id,
                    full_name=f"Cán bộ {i}",
                    document_number="" if by_phone_only else document,
                    phone=phone if by_phone_only or i % 2 else "",
                )
            )
        unit_ids = [u for u, _d, _p in picked[:1000]]
        for j in range(staff - len(rows)):
            rows.append(
                RosterEntry(
                    contest=contest,
                    unit_id=rng.choice(unit_ids),
                    full_name=f"Chưa đăng ký {j}",
                    document_number=f"0961{rng.randint(60, 99)}{j:06d}",
                )
            )
        RosterEntry.objects.bulk_create(rows, batch_size=5000)
        figures["roster_load_seconds"] = round(time.perf_counter() - started, 1)
    figures["roster_rows"] = RosterEntry.objects.filter(contest=contest).count()

    # --- 1. The match -------------------------------------------------------------------
    RosterEntry.objects.filter(contest=contest).update(registration=None, matched_at=None)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE participants_rosterentry")

    def baseline():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT COUNT(rd.id), COUNT(rp.id) FROM participants_rosterentry e "
                "LEFT JOIN participants_registration rd ON e.document_number <> '' "
                "AND rd.contest_id = e.contest_id AND rd.document_type = 'cccd' "
                "AND rd.document_number = e.document_number "
                "LEFT JOIN participants_participant p ON e.phone <> '' AND p.phone = e.phone "
                "LEFT JOIN participants_registration rp ON rp.contest_id = e.contest_id "
                "AND rp.participant_id = p.id WHERE e.contest_id = %s",
                [contest.pk],
            )
            cursor.fetchall()

    figures["baseline_join_seconds"] = [round(t, 2) for t in _timed(baseline, 3)]
    reports = []

    def match():
        reports.append(roster_match(contest=contest))

    first = _timed(match, 1)[0]
    again = _timed(match, 2)
    last = reports[0]
    figures["match_first_seconds"] = round(first, 2)
    figures["match_first"] = {
        "rows": last.rows,
        "matched": last.matched,
        "by_document": last.by_document,
        "by_phone": last.by_phone,
        "changed": last.changed,
        "unclear": len(last.unclear),
    }
    figures["match_again_seconds"] = [round(t, 2) for t in again]
    figures["match_again_changed"] = reports[-1].changed
    figures["match_target_seconds"] = 10

    # --- 2. The dashboard with targets --------------------------------------------------
    user, _created = get_user_model().objects.get_or_create(
        username="bench-root", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client()
    client.force_login(user)
    url = reverse("reports:dashboard", args=[slug])
    started = time.perf_counter()
    rollups_recompute(contest=contest)
    figures["rollups_recompute_seconds"] = round(time.perf_counter() - started, 1)

    def renders() -> dict:
        cache.clear()
        assert client.get(url).status_code == 200
        times = []
        for _ in range(20):
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        return {"p50_ms": round(statistics.median(times), 1), "max_ms": round(max(times), 1)}

    UnitTarget.objects.filter(contest=contest).delete()
    figures["dashboard_without_targets"] = renders()
    root = contest.participation_root
    for parent in Unit.objects.filter(path__startswith=root.path, depth__lte=root.depth + 2):
        unit_targets_set_for_children(contest=contest, parent=parent, percent=60, replace=True)
    UnitTarget.objects.create(contest=contest, unit=root, people=registrants // 2)
    figures["targets"] = UnitTarget.objects.filter(contest=contest).count()
    figures["dashboard_with_targets"] = renders()
    figures["dashboard_target_ms"] = 100
    panel_times = _timed(lambda: selectors_targets._panel(contest, root), 5)
    figures["targets_panel_uncached_ms"] = {
        "p50": round(statistics.median(panel_times) * 1000, 1),
        "max": round(max(panel_times) * 1000, 1),
    }
    print(json.dumps(figures, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
