"""Weekly rounds benchmark (issue 15; not a test): a week's ranking and prize allocation, and
the cumulative ranking with the overall prizes, over 1.5 million people and 8 rounds.

1. build, in its own database (BENCH_DATABASE_URL, default contest_bench_rounds: dropped,
   created, migrated, and dropped again at the end unless --keep), with SQL only
   (generate_series, INSERT … SELECT; the foreign-key triggers skipped, the result table's
   secondary indexes built after the load): a city of 30 districts × 20 wards, a contest
   with 8 weekly rounds and 3 categories (cán bộ 45 %, học sinh 25 %, người dân 30 %),
   `--people` registrations (default 1,500,000); each person has a result in 60–90 % of the
   rounds (the share varies by week), and the contest-level row the grading would write
   (best attempt, sum of the rounds' best, perfect rounds). Each round has three prize
   structures, one per category, of 3/4/3 prizes (Đồng Nai's split; one prize per person in
   the whole contest, the pupils' capped at 50 % of entrants); the contest has an overall
   structure (individual 1/2/3/4, excluding round winners, and collective 1/2/3 among the
   districts by the weighted composite with a 1 % minimum rate);
2. weeks 1–7 get their prizes frozen (each allocation timed; a snapshot without ranks, all the
   prize rules read), then week 8 is measured:
   its allocation alone (`prizes_allocate(round=…)`) and its whole publication (allocation,
   snapshot, ranks of everyone in the week: `published_ranks_fill`), target ≤ 10 s;
3. the contest is closed and the overall results are measured the same way (allocation over
   the cumulative ranking, `chain_for(contest)`, then the whole publication), target ≤ 30 s;
   the ranking alone is timed too: everyone of the scope numbered in the chain's order in the
   database (row_number() over the ranking, nothing written);
4. baselines in the same run: `SELECT count(*)` of the week's results and one ORDER BY scan
   of them (the ranking's order, LIMIT 10: a top-N sort of the whole week), and the same for
   the contest-level rows; peak memory of this process (getrusage ru_maxrss).

Usage (PostgreSQL as a superuser, as in the other benchmarks):
    .venv/bin/python benchmarks/rounds_bench.py [--people 1500000] [--keep]
Prints one JSON object with the figures (benchmarks/README.md)."""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/contest_bench_rounds"
)
os.environ["DATABASE_URL"] = BENCH_URL
os.environ["REDIS_URL"] = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "contest_site.settings.local")
os.environ.setdefault("DEBUG", "False")

ROUNDS = 8
DISTRICTS, WARDS = 30, 20
# (name, share of people in ‰, prizes per round: [(tier, count)], cap %)
CATEGORIES = [
    (
        "Cán bộ, công chức, viên chức",
        450,
        [("Giải Nhất", 1), ("Giải Nhì", 1), ("Giải Ba", 1)],
        None,
    ),
    ("Học sinh, sinh viên", 250, [("Giải Nhất", 1), ("Giải Nhì", 1), ("Giải Ba", 2)], 50),
    ("Người dân", 300, [("Giải Nhất", 1), ("Giải Nhì", 1), ("Giải Ba", 1)], None),
]
OVERALL = [("individual", 1, "Giải Nhất", 1), ("individual", 2, "Giải Nhì", 2)]
OVERALL += [("individual", 3, "Giải Ba", 3), ("individual", 4, "Giải Khuyến khích", 4)]
OVERALL += [("collective", 1, "Giải Nhất", 1), ("collective", 2, "Giải Nhì", 2)]
OVERALL += [("collective", 3, "Giải Ba", 3)]


def _admin_url() -> tuple[str, str]:
    parts = urlsplit(BENCH_URL)
    return urlunsplit(parts._replace(path="/postgres")), parts.path.lstrip("/")


def _database(action: str) -> None:
    import psycopg2

    url, name = _admin_url()
    connection = psycopg2.connect(url)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        if action == "create":
            cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


def _peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _timed(fn):
    start = time.perf_counter()
    value = fn()
    return value, round(time.perf_counter() - start, 2)


def _sql(statement: str, params=None):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(statement, params or [])
        return cursor.fetchall() if cursor.description else None


def _tree():
    from contests.models import Unit
    from contests.services.units import unit_add

    city = unit_add(code="BR", name="Thành phố (mô phỏng)", kind=Unit.Kind.PROVINCE)
    block = unit_add(code="BR-Q", name="Khối quận, huyện", kind=Unit.Kind.BLOCK, parent=city)
    wards = []
    for d in range(1, DISTRICTS + 1):
        district = unit_add(
            code=f"BR-{d:02d}",
            name=f"Quận {d:02d}",
            kind=Unit.Kind.DISTRICT,
            parent=block,
            headcount=4_000 + 150 * d,
        )
        for w in range(1, WARDS + 1):
            wards.append(
                unit_add(
                    code=f"BR-{d:02d}-{w:02d}",
                    name=f"Phường {w:02d}, quận {d:02d}",
                    kind=Unit.Kind.WARD,
                    parent=district,
                    headcount=2_000 + 37 * w,
                )
            )
    return city, block, wards


def build(people: int) -> dict:  # noqa: PLR0915 - one table after the other
    import datetime

    from django.db import connection, transaction

    from contests.models import Category, Contest, PrizeStructure, PrizeTier, Round
    from scoring.models import Attempt

    started = time.perf_counter()
    city, block, wards = _tree()
    opens = datetime.datetime(2026, 3, 2, 1, 0, tzinfo=datetime.UTC)
    week = datetime.timedelta(days=7)
    contest = Contest.objects.create(
        owner_unit=city,
        participation_root=city,
        slug="tuan-mo-phong",
        title="Cuộc thi tìm hiểu pháp luật hằng tuần (mô phỏng)",
        opens_at=opens,
        closes_at=opens + ROUNDS * week,
        attempts_allowed=3,
        time_limit_minutes=20,
        status=Contest.Status.PUBLISHED,
        collective_rule=Contest.CollectiveRule.COMPOSITE,
        collective_weight_participants=1,
        collective_weight_rate=2,
        collective_weight_mean=1,
        collective_weight_winners=1,
        collective_min_rate_percent=1,
    )
    rounds = [
        Round.objects.create(
            contest=contest,
            number=n,
            title=f"Tuần {n}",
            opens_at=opens + (n - 1) * week,
            closes_at=opens + n * week,
        )
        for n in range(1, ROUNDS + 1)
    ]
    categories = [
        Category.objects.create(contest=contest, name=name, order=i)
        for i, (name, _share, _prizes, _cap) in enumerate(CATEGORIES, start=1)
    ]
    for round_ in rounds:
        for category, (name, _share, prizes, cap) in zip(categories, CATEGORIES, strict=True):
            structure = PrizeStructure.objects.create(
                contest=contest,
                round=round_,
                category=category,
                title=f"{round_.title}: {name}",
                one_prize_per=PrizeStructure.OnePrizePer.CONTEST,
                cap_percent=cap,
            )
            for order, (tier, count) in enumerate(prizes, start=1):
                PrizeTier.objects.create(
                    structure=structure,
                    kind="individual",
                    rank_order=order,
                    name=tier,
                    count=count,
                    amount=1_000_000 // order,
                )
    overall = PrizeStructure.objects.create(
        contest=contest,
        title="Giải chung cuộc",
        excludes_round_winners=True,
        collective_unit_kind="district",
    )
    for kind, order, tier, count in OVERALL:
        PrizeTier.objects.create(
            structure=overall,
            kind=kind,
            rank_order=order,
            name=tier,
            count=count,
            amount=5_000_000 // order,
        )
    ward_ids = [w.pk for w in wards]
    category_ids = [c.pk for c in categories]
    figures = {"people": people, "setup_s": round(time.perf_counter() - started, 1)}

    with transaction.atomic():
        _sql("SET LOCAL session_replication_role = replica")  # rows consistent by construction
        _sql("SELECT setseed(0.15)")
        # Secondary indexes of the big tables are built after the load.
        indexes = _sql(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "JOIN pg_class t ON t.oid = i.indrelid WHERE t.relname IN "
            "('scoring_result', 'participants_registration', 'participants_participant', "
            "'auth_user') AND NOT i.indisprimary AND NOT EXISTS "
            "(SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)"
        )
        constraints = _sql(
            "SELECT t.relname, c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c "
            "JOIN pg_class t ON t.oid = c.conrelid WHERE c.contype = 'u' AND t.relname IN "
            "('participants_registration', 'participants_participant', 'auth_user')"
        )
        for table, name, _definition in constraints:
            _sql(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
        for name, _definition in indexes:
            _sql(f'DROP INDEX "{name}"')
        step = time.perf_counter()
        _sql(
            "INSERT INTO auth_user (id, password, is_superuser, username, first_name, last_name, "
            "email, is_staff, is_active, date_joined) SELECT 1000 + g, '!', false, 'br' || g, "
            "'', '', '', false, true, now() FROM generate_series(1, %s) g",
            [people],
        )
        _sql(
            "INSERT INTO participants_participant (id, full_name, date_of_birth, gender, "
            "document_type, document_number, issuing_country, phone, email, "
            "foreign_birth_confirmed, needs_review, created_at, user_id, name_key, identity_key) "
            "SELECT g, 'Người dự thi ' || g, date '1960-01-01' + (g %% 18000), "
            "CASE WHEN g %% 2 = 0 THEN 'male' ELSE 'female' END, 'cccd', lpad(g::text, 12, '0'), "
            "'VN', '+849' || lpad(g::text, 8, '0'), '', false, false, now(), 1000 + g, "
            "'nguoi du thi ' || g, 'cccd:VN:' || lpad(g::text, 12, '0') "
            "FROM generate_series(1, %s) g",
            [people],
        )
        # Category by share (45/25/30 %), ward spread over the 600 wards.
        _sql(
            "INSERT INTO participants_registration (id, document_type, document_number, "
            "age_on_reference, age_group, consent_participation, consent_publish, guardian_name, "
            "guardian_phone, guardian_relationship, guardian_consent, needs_review, created_at, "
            "contest_id, participant_id, unit_id, block_id, category_id, extra_minutes) "
            "SELECT g, 'cccd', lpad(g::text, 12, '0'), 30, '18+', true, g %% 3 <> 0, '', '', '', "
            "false, false, now(), %s, g, (%s::bigint[])[1 + g %% %s], %s, "
            "(%s::bigint[])[CASE WHEN g %% 1000 < 450 THEN 1 WHEN g %% 1000 < 700 THEN 2 "
            "ELSE 3 END], 0 FROM generate_series(1, %s) g",
            [contest.pk, ward_ids, len(ward_ids), block.pk, category_ids, people],
        )
        figures["people_s"] = round(time.perf_counter() - step, 1)
        attempt = Attempt.objects.create(
            registration_id=1,
            contest=contest,
            number=1,
            status=Attempt.Status.GRADED,
            items=[],
            answers={},
            started_at=opens,
            deadline=opens + datetime.timedelta(minutes=20),
            finished_at=opens + datetime.timedelta(minutes=5),
            question_count=20,
        )
        step = time.perf_counter()
        # Each round: 60–90 % of people (by week), 20 questions, most scores high; the
        # duration to the millisecond, the finish inside the week.
        for round_ in rounds:
            share = 0.60 + 0.10 * ((round_.number * 3) % 4)
            _sql(
                "INSERT INTO scoring_result (correct_count, score, duration_ms, finished_at, "
                "first_started_at, updated_at, best_attempt_id, contest_id, round_id, "
                "registration_id, graded_attempts, perfect_attempts, days, day_attempts, "
                "day_perfect_attempts, perfect_rounds, rounds_correct_total) "
                "SELECT c, c * 5, d, f, f - make_interval(secs => d / 1000.0), now(), %s, %s, %s, "
                "g, a, CASE WHEN c = 20 THEN a ELSE 0 END, '{}', '{}', '{}', 0, 0 FROM ("
                "SELECT g, LEAST(20, 11 + floor(random() * 10)::int + (random() < 0.3)::int) c, "
                "60000 + floor(random() * 1140000)::int d, "
                "%s::timestamptz + make_interval(secs => random() * 604000) f, "
                "1 + floor(random() * 3)::int a "
                "FROM generate_series(1, %s) g WHERE random() < %s) s",
                [attempt.pk, contest.pk, round_.pk, round_.opens_at, people, share],
            )
        figures["round_results_s"] = round(time.perf_counter() - step, 1)
        step = time.perf_counter()
        # The contest-level row as grading writes it: the best attempt (most correct, then
        # shortest, then earliest), the sum of the rounds' best and the perfect rounds.
        _sql(
            "INSERT INTO scoring_result (correct_count, score, duration_ms, finished_at, "
            "first_started_at, updated_at, best_attempt_id, contest_id, round_id, "
            "registration_id, graded_attempts, perfect_attempts, days, day_attempts, "
            "day_perfect_attempts, perfect_rounds, rounds_correct_total) "
            "SELECT b.correct_count, b.score, b.duration_ms, b.finished_at, t.first_started_at, "
            "now(), b.best_attempt_id, b.contest_id, NULL, b.registration_id, t.graded, "
            "t.perfect, '{}', '{}', '{}', t.perfect_rounds, t.total FROM "
            "(SELECT DISTINCT ON (registration_id) * FROM scoring_result WHERE contest_id = %s "
            "ORDER BY registration_id, correct_count DESC, duration_ms, finished_at) b JOIN "
            "(SELECT registration_id, sum(correct_count) total, "
            "count(*) FILTER (WHERE correct_count = 20) perfect_rounds, "
            "sum(graded_attempts) graded, sum(perfect_attempts) perfect, "
            "min(first_started_at) first_started_at FROM scoring_result WHERE contest_id = %s "
            "GROUP BY registration_id) t USING (registration_id)",
            [contest.pk, contest.pk],
        )
        figures["overall_results_s"] = round(time.perf_counter() - step, 1)
        step = time.perf_counter()
        for _name, definition in indexes:
            _sql(definition)
        for table, name, definition in constraints:
            _sql(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
        figures["indexes_s"] = round(time.perf_counter() - step, 1)
    for table in ("auth_user", "participants_participant", "participants_registration"):
        _sql(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608 (constants)
            f"(SELECT max(id) FROM {table}))"
        )
    step = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE scoring_result")
        cursor.execute("VACUUM ANALYZE participants_registration")
    figures["analyze_s"] = round(time.perf_counter() - step, 1)
    counts = _sql("SELECT round_id IS NULL, count(*) FROM scoring_result GROUP BY 1 ORDER BY 1")
    figures["round_result_rows"] = counts[0][1]
    figures["overall_result_rows"] = counts[1][1]
    figures["build_s"] = round(time.perf_counter() - started, 1)
    return figures


def baselines(contest, round_) -> dict:
    from scoring.rules import ranking

    where = "contest_id = %s AND round_id " + ("= %s" if round_ else "IS NULL")
    params = [contest.pk, round_.pk] if round_ else [contest.pk]
    order = ranking.order_by_sql("r", ranking.chain_for(contest, round_))
    count, count_s = _timed(
        lambda: _sql(f"SELECT count(*) FROM scoring_result WHERE {where}", params)  # noqa: S608
    )
    _rows, scan_s = _timed(
        lambda: _sql(
            f"SELECT r.id FROM scoring_result r WHERE {where} ORDER BY {order} LIMIT 10",  # noqa: S608
            params,
        )
    )
    return {"rows": count[0][0], "count_s": count_s, "order_by_scan_s": scan_s}


KEY_COLUMNS = (
    "registration_id",
    "correct_count",
    "prediction_error",
    "duration_ms",
    "finished_at",
    "graded_attempts",
    "perfect_attempts",
    "first_started_at",
    "rounds_correct_total",
    "perfect_rounds",
)


def rank_everyone(contest, round_) -> int:
    """The ranking itself, in the database: everyone of the scope numbered in the order of
    `chain_for(contest, round)` (row_number() over `results_ranked`), nothing written."""
    from scoring.rules import ranking
    from scoring.selectors.results import results_ranked

    ranked = results_ranked(contest=contest, round=round_).order_by().values(*KEY_COLUMNS)
    source, params = ranked.query.sql_with_params()
    order = ranking.order_by_sql("r", ranking.chain_for(contest, round_))
    rows = _sql(
        f"SELECT count(*), max(n) FROM (SELECT row_number() OVER (ORDER BY {order}) n "  # noqa: S608
        f"FROM ({source}) r) x",
        params,
    )
    return rows[0][1]


def measure(contest, round_, user) -> dict:
    from scoring.selectors.prizes import prizes_allocate
    from scoring.services.prizes import results_publish

    figures = {"baseline": baselines(contest, round_)}
    figures["ranked_rows"], figures["ranking_s"] = _timed(lambda: rank_everyone(contest, round_))
    allocation, figures["allocate_s"] = _timed(
        lambda: prizes_allocate(contest=contest, round=round_)
    )
    figures["awarded"] = len(allocation.rows)
    snapshot, figures["publish_s"] = _timed(
        lambda: results_publish(contest=contest, user=user, round=round_)
    )
    figures["ranked"] = (snapshot.rank_totals or {}).get("overall")
    figures["peak_mb"] = _peak_mb()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=1_500_000)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="measure on the database a --keep run left (its publications removed first)",
    )
    args = parser.parse_args()
    if not args.reuse:
        _database("create")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from contests.models import Contest, ContestChange, Round
    from scoring.models import ResultsSnapshot

    out: dict = {"started": time.strftime("%Y-%m-%d %H:%M:%S"), "load1": os.getloadavg()[0]}
    try:
        call_command("migrate", verbosity=0)  # a reused database follows the models too
        if args.reuse:
            ResultsSnapshot.objects.all().delete()  # their published ranks go with them
            ContestChange.objects.all().delete()
            Contest.objects.update(status=Contest.Status.PUBLISHED)
            out["build"] = "reused"
        else:
            out["build"] = build(args.people)
        contest = Contest.objects.get(slug="tuan-mo-phong")
        user = get_user_model().objects.filter(username="bench-root").first()
        user = user or get_user_model().objects.create_superuser(
            username="bench-root", password=None
        )
        rounds = list(Round.objects.filter(contest=contest).order_by("number"))
        # Weeks 1–7: their prizes frozen as published snapshots (what week 8's "one prize
        # per contest" and the overall "no round winners" read); each allocation is timed.
        from scoring.selectors.prizes import prizes_allocate

        out["allocate_earlier_rounds_s"] = []
        for round_ in rounds[:-1]:
            allocation, seconds = _timed(lambda r=round_: prizes_allocate(contest=contest, round=r))
            ResultsSnapshot.objects.create(
                contest=contest, round=round_, version=1, prizes=allocation.rows, budget={}
            )
            out["allocate_earlier_rounds_s"].append(seconds)
        out["load1_before_week8"] = os.getloadavg()[0]
        out["week8"] = measure(contest, rounds[-1], user)
        Contest.objects.filter(pk=contest.pk).update(status=Contest.Status.CLOSED)
        contest.refresh_from_db()
        out["load1_before_overall"] = os.getloadavg()[0]
        out["overall"] = measure(contest, None, user)
        out["peak_mb"] = _peak_mb()
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            _database("drop")
    print(json.dumps(out, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
