"""Public results benchmark (not a test): the winners on the contest page (served from the
cache) and the results lookup, on a simulated contest of 1.5 M participants × `--scale`
(default 0.1 = 150,000 people, 750,000 attempts; `simulate_contest`'s service, seed 000's
splits).

1. load the contest (once; reused while it has registrations), give it Hà Nội 2019's prize
   structure (individual 3/7/20/35, collective 3/7/10 among districts), allocate and freeze
   it as results version 1 with everyone's ranks (`published_ranks_fill`, as
   `results_publish` does; the allocation's and the ranks' times are reported);
2. the contest page with the winners, warm: p50/p99 of `--requests` GETs through Django's
   test client (the whole view: middleware, template; targets: p99 ≤ 50 ms);
3. the lookup: p50/p99 of `--requests` anonymous POSTs (number + date of birth) of people
   drawn at random (rate limits lifted), and of the selector alone; queries per lookup;
4. EXPLAIN (ANALYZE, BUFFERS) of the lookup's reads of the published ranks (the person's row,
   the neighbours) for the median person and for the last one, and the peak memory of this
   process.

Usage (PostgreSQL, as in production; the database must exist and be migrated):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/contest_results_bench \\
    REDIS_URL=redis://127.0.0.1:6379/12 .venv/bin/python benchmarks/results_bench.py --scale 0.1
Prints one JSON object with the figures (benchmarks/README.md)."""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "contest_site.settings.local")
os.environ.setdefault("DEBUG", "False")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")

SPLITS = ROOT / "devdata" / "data" / "seed_000_hanoi_2023.json"
# Hà Nội 2019 (seed 003): individual 3/7/20/35, collective 3/7/10.
PRIZES = [
    ("individual", 1, "Giải Nhất", 3, 5_000_000),
    ("individual", 2, "Giải Nhì", 7, 3_000_000),
    ("individual", 3, "Giải Ba", 20, 2_000_000),
    ("individual", 4, "Giải Khuyến khích", 35, 1_000_000),
    ("collective", 1, "Giải Nhất", 3, 10_000_000),
    ("collective", 2, "Giải Nhì", 7, 7_000_000),
    ("collective", 3, "Giải Ba", 10, 5_000_000),
]


def _ms(values: list[float]) -> dict:
    values = sorted(values)
    p99 = values[min(len(values) - 1, int(len(values) * 0.99))]
    return {
        "n": len(values),
        "p50_ms": round(statistics.median(values) * 1000, 2),
        "p99_ms": round(p99 * 1000, 2),
        "max_ms": round(values[-1] * 1000, 2),
    }


def _peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _publish(contest) -> dict:
    """Prize structure and version 1, frozen straight from the allocation (the simulated
    contest has no prediction answer nor organiser: `results_publish`'s checks are tested
    elsewhere; what is measured here is what readers get)."""
    from django.db import connection, transaction

    from contests.models import Contest, PrizeStructure, PrizeTier, Unit
    from scoring.models import PublishedRank, ResultsSnapshot
    from scoring.selectors.prizes import prizes_allocate
    from scoring.services.published_ranks import published_ranks_fill

    ResultsSnapshot.objects.filter(contest=contest).delete()
    PrizeStructure.objects.filter(contest=contest).delete()
    structure = PrizeStructure.objects.create(
        contest=contest, title="Giải thành phố", collective_unit_kind=Unit.Kind.DISTRICT
    )
    for kind, order, name, count, amount in PRIZES:
        PrizeTier.objects.create(
            structure=structure, kind=kind, rank_order=order, name=name, count=count, amount=amount
        )
    started = time.perf_counter()
    allocation = prizes_allocate(contest=contest)
    allocate_s = time.perf_counter() - started
    started = time.perf_counter()
    with transaction.atomic():
        snapshot = ResultsSnapshot.objects.create(
            contest=contest, version=1, prizes=allocation.rows, budget={}
        )
        published_ranks_fill(snapshot=snapshot)
    ranks_s = time.perf_counter() - started
    Contest.objects.filter(pk=contest.pk).update(status=Contest.Status.RESULTS_PUBLISHED)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE scoring_publishedrank")
    return {
        "allocate_s": round(allocate_s, 2),
        "prize_rows": len(allocation.rows),
        "ranks_s": round(ranks_s, 2),
        "rank_rows": PublishedRank.objects.filter(snapshot=snapshot).count(),
    }


def _explain(registration) -> list[str]:
    """EXPLAIN (ANALYZE, BUFFERS) of the lookup's reads of the published ranks (the person's
    row, the neighbours): the statements captured from the selector itself."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from scoring.selectors.public_results import results_lookup

    with CaptureQueriesContext(connection) as queries:
        results_lookup(registration=registration, own=False)
    plans = []
    with connection.cursor() as cursor:
        for sql in (q["sql"] for q in queries if "scoring_publishedrank" in q["sql"]):
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            plans.extend(row[0] for row in cursor.fetchall())
    return plans


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=0.1)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", dest="json_path", default=None)
    args = parser.parse_args()
    import django

    django.setup()
    from django.conf import settings
    from django.core.cache import cache
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from contests.models import Contest
    from devdata.services.simulation import contest_simulate
    from devdata.services.splits import splits_load, splits_scaled
    from participants.models import Registration
    from scoring.models import Result
    from scoring.selectors.public_results import results_lookup

    slug = f"results-bench-{str(args.scale).replace('.', '-')}"
    figures: dict = {"scale": args.scale, "database": connection.vendor}
    if not Registration.objects.filter(contest__slug=slug).exists():
        started = time.perf_counter()
        contest_simulate(slug=slug, splits=splits_scaled(splits_load(SPLITS), args.scale))
        figures["load_s"] = round(time.perf_counter() - started, 1)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    contest = Contest.objects.get(slug=slug)
    figures["results"] = Result.objects.filter(contest=contest, round=None).count()
    figures["publish"] = _publish(contest)
    cache.clear()
    settings.SCORING_LOOKUP_RATE_LIMITS = {"address": (10**9, 60), "number": (10**9, 600)}

    client = Client()
    url = f"/cuoc-thi/{slug}/"
    assert "results-winners" in client.get(url).content.decode()  # warms the caches
    times = []
    for _i in range(args.requests):
        started = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200
    figures["winners_page_warm"] = _ms(times)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    figures["winners_page_queries"] = len(queries)

    rng = random.Random(args.seed)
    ids = list(
        Result.objects.filter(contest=contest, round=None).values_list("registration_id", flat=True)
    )
    people = list(
        Registration.objects.filter(pk__in=rng.sample(ids, args.requests)).values_list(
            "pk", "document_number", "participant__date_of_birth"
        )
    )
    lookup_url = f"/bai-thi/tra-cuu/{slug}/"
    client.get(lookup_url)
    times, query_counts = [], []
    for _pk, number, born in people:
        data = {"document_number": number, "date_of_birth": born.strftime("%d/%m/%Y")}
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.post(lookup_url, data)
            times.append(time.perf_counter() - started)
        query_counts.append(len(queries))
        assert response.status_code == 200 and b"lookup-ranks" in response.content
        reset_queries()
    figures["lookup_view"] = _ms(times)
    figures["lookup_queries"] = max(query_counts)
    times = []
    registrations = Registration.objects.select_related("contest", "participant", "unit")
    for pk, _number, _born in people[:100]:
        registration = registrations.get(pk=pk)
        started = time.perf_counter()
        results_lookup(registration=registration, own=False)
        times.append(time.perf_counter() - started)
    figures["lookup_selector"] = _ms(times)

    from scoring.selectors.results import results_ranked

    ranked = list(results_ranked(contest=contest).values_list("registration_id", flat=True))
    for label, pk in (("median", ranked[len(ranked) // 2]), ("last", ranked[-1])):
        figures[f"explain_{label}_person"] = _explain(registrations.get(pk=pk))
    figures["peak_mb"] = round(_peak_mb(), 1)
    text = json.dumps(figures, ensure_ascii=False, indent=2)
    print(text)
    if args.json_path:
        Path(args.json_path).write_text(text)


if __name__ == "__main__":
    main()
