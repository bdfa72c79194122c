"""Item statistics benchmark (issue 18; not a test): the full read of a contest's item
statistics over 7.5 million graded attempts of 20 questions (1.5 million registrations × 5),
and a run that continues from it after 1 % more attempts.

1. build, in its own database (BENCH_DATABASE_URL, default contest_items_bench: dropped,
   created, migrated, and dropped again at the end unless --keep), with SQL only: a city of
   30 districts × 20 wards; a contest of 4 topics × 10 questions (4 options each, option 1
   the key); 4 test variants of 20 questions (5 per topic); `--registrations` registrations
   (default 1,500,000) in random wards and `--per-person` graded attempts each (default 5).
   First a pool of `--pool` answer sheets (default 100,000), each drawn with a correlated
   LATERAL (fine for 100,000 rows, an hour for 7.5 M); then the attempts in one plain
   INSERT … SELECT from generate_series, each taking a sheet by a fixed permutation of its
   number. Each sheet has an ability θ (the sum of three uniforms, centred); each question a
   difficulty b, and the answer is the key with probability 1/(1+e^(b−θ)·1.7), else a
   distractor (the first wrong option twice as often as the others), 3 % left blank.
   Planted: question 1 of topic 1 mis-keyed (the strong choose option 2, which the key calls
   wrong), question 2 negatively discriminating (the strong do worse, their wrong answers
   spread over the three distractors), question 3 nearly always right, question 4 nearly
   always wrong. The correct count is the graded one (answers equal
   to the key). Foreign-key triggers are skipped during the load (rows consistent by
   construction; a registration points at one placeholder participant, and the
   registration's unique constraints are dropped in this throw-away database: the item
   statistics read only its unit);
2. baselines in the same run: `SELECT count(*), sum(correct_count)` of the graded attempts
   (one plain scan), and the same scan unnesting every item (`jsonb_array_elements`);
3. the full read (`item_stats_recompute(full=True)`: histogram, two unnesting GROUP BY
   passes, the write), one core (`max_parallel_workers_per_gather = 0`), target ≤ 60 s; peak
   memory of this process (getrusage ru_maxrss); the planted questions' flags checked;
4. `--new-share` (default 1 %) more attempts graded after it, then a run that continues
   from the full one (timed), and its stored figures compared with a full read (timed).

Usage (PostgreSQL as a superuser, as in the other benchmarks):
    .venv/bin/python benchmarks/item_stats_bench.py [--registrations 1500000] [--keep]
        [--build-only] [--reuse] [--new-share 0.01]
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
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/contest_items_bench"
)
os.environ["DATABASE_URL"] = BENCH_URL
os.environ["REDIS_URL"] = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "contest_site.settings.local")
os.environ.setdefault("DEBUG", "False")

DISTRICTS, WARDS = 30, 20
TOPICS, PER_TOPIC, DRAW_PER_TOPIC, VARIANTS = 4, 10, 5, 4
# Difficulty of each question by its number in the topic (1-based); planted ones in topic 1.
MISKEYED, NEGATIVE, EASY, HARD = 1, 2, 3, 4


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


def _difficulty(topic: int, number: int) -> float:
    if topic == 1 and number == EASY:
        return -4.5
    if topic == 1 and number == HARD:
        return 3.5
    # Spread from easy to hard across the bank.
    return -1.5 + 3.0 * ((topic * PER_TOPIC + number) % 11) / 10


def build(registrations: int, per_person: int, pool: int) -> dict:  # noqa: PLR0915 - one step after another
    import datetime

    from django.db import transaction

    from contests.models import Contest, Option, Question, Topic, Unit
    from contests.services.units import unit_add
    from participants.models import Participant

    started = time.perf_counter()
    city = unit_add(code="IB", name="Thành phố (mô phỏng)", kind=Unit.Kind.PROVINCE)
    block = unit_add(code="IB-Q", name="Khối quận, huyện", kind=Unit.Kind.BLOCK, parent=city)
    wards = []
    for d in range(1, DISTRICTS + 1):
        district = unit_add(
            code=f"IB-{d:02d}", name=f"Quận {d:02d}", kind=Unit.Kind.DISTRICT, parent=block
        )
        for w in range(1, WARDS + 1):
            wards.append(
                unit_add(
                    code=f"IB-{d:02d}-{w:02d}",
                    name=f"Phường {w:02d}, quận {d:02d}",
                    kind=Unit.Kind.WARD,
                    parent=district,
                ).pk
            )
    opens = datetime.datetime(2026, 9, 1, 1, 0, tzinfo=datetime.UTC)
    contest = Contest.objects.create(
        owner_unit=city,
        participation_root=city,
        slug="thong-ke-cau-hoi-mo-phong",
        title="Cuộc thi tìm hiểu pháp luật (mô phỏng thống kê câu hỏi)",
        opens_at=opens,
        closes_at=opens + datetime.timedelta(days=30),
        attempts_allowed=per_person,
        time_limit_minutes=20,
        status=Contest.Status.CLOSED,
    )
    questions = {}  # (topic, number) -> (question id, [option ids])
    for t in range(1, TOPICS + 1):
        topic = Topic.objects.create(contest=contest, name=f"Chủ đề {t}")
        for n in range(1, PER_TOPIC + 1):
            q = Question.objects.create(contest=contest, topic=topic, text=f"Câu {t}.{n}?")
            options = Option.objects.bulk_create(
                Option(question=q, position=i, text=f"Phương án {i}", is_correct=i == 1)
                for i in range(1, 5)
            )
            questions[(t, n)] = (q.pk, [o.pk for o in options])
    from django.contrib.auth import get_user_model

    person = get_user_model().objects.create_user(username="ib-person", password=None)
    participant = Participant.objects.create(
        user=person,
        full_name="Người dự thi mô phỏng",
        date_of_birth=datetime.date(1990, 1, 1),
        gender="male",
        document_type="cccd",
        document_number="001090000001",
        identity_key="bench",
        name_key="bench",
        phone="+84900000001",
    )
    figures = {
        "registrations": registrations,
        "attempts": registrations * per_person,
        "setup_s": round(time.perf_counter() - started, 1),
    }
    # The bank and the variants as small tables the INSERT joins.
    rows = []
    for variant in range(VARIANTS):
        for t in range(1, TOPICS + 1):
            # Topic 1's planted questions are in every variant.
            numbers = (
                [1, 2, 3, 4, 5]
                if t == 1
                else [1 + (variant + k * 2) % PER_TOPIC for k in range(DRAW_PER_TOPIC)]
            )
            for n in numbers:
                q, opts = questions[(t, n)]
                kind = "normal"
                if t == 1 and n == MISKEYED:
                    kind = "miskeyed"
                elif t == 1 and n == NEGATIVE:
                    kind = "negative"
                rows.append((variant, len(rows) % 20, q, opts, _difficulty(t, n), kind))
    with transaction.atomic():
        _sql("SET LOCAL session_replication_role = replica")
        _sql("SELECT setseed(0.18)")
        _sql(
            "CREATE TABLE bench_item (variant int, pos int, q bigint, opts bigint[], b float8, "
            "kind text)"
        )
        for row in rows:
            _sql("INSERT INTO bench_item VALUES (%s, %s, %s, %s, %s, %s)", list(row))
        _sql(
            "CREATE TABLE bench_variant AS SELECT variant, jsonb_agg(jsonb_build_object("
            "'q', q, 'o', to_jsonb(opts)) ORDER BY pos) AS items FROM bench_item GROUP BY variant"
        )
        for (name,) in _sql(
            "SELECT conname FROM pg_constraint WHERE conrelid = "
            "'participants_registration'::regclass AND contype = 'u'"
        ):
            _sql(f'ALTER TABLE participants_registration DROP CONSTRAINT "{name}"')
        step = time.perf_counter()
        _sql(
            "INSERT INTO participants_registration (id, contest_id, participant_id, unit_id, "
            "document_type, document_number, age_on_reference, age_group, "
            "consent_participation, consent_publish, guardian_name, guardian_phone, "
            "guardian_relationship, guardian_consent, needs_review, created_at, "
            "extra_minutes, client_key) "
            "SELECT g, %s, %s, (%s::bigint[])[1 + floor(random() * %s)::int], 'cccd', "
            "lpad(g::text, 12, '0'), 30, '18+', true, true, '', '', '', false, false, now(), "
            "0, '' FROM generate_series(1, %s) g",
            [contest.pk, participant.pk, wards, len(wards), registrations],
        )
        figures["registrations_s"] = round(time.perf_counter() - step, 1)
        step = time.perf_counter()
        # A pool of answer sheets, one row each: its variant's items, and its answers drawn
        # item by item in a correlated LATERAL (ability θ per sheet), with the correct count in
        # the same pass. The LATERAL runs once per row (~0.3-0.5 ms), too slow for 7.5 M rows.
        _sql(
            """
            CREATE TABLE bench_pool AS
            SELECT a.id, v.items, s.answers, s.correct
            FROM (
                SELECT g AS id, (g %% %(variants)s) AS variant,
                       (random() + random() + random() - 1.5) * 2.0 AS theta
                FROM generate_series(0, %(pool)s - 1) g
            ) a
            JOIN bench_variant v ON v.variant = a.variant
            CROSS JOIN LATERAL (
                SELECT coalesce(jsonb_object_agg(c.q::text, c.chosen)
                           FILTER (WHERE c.chosen IS NOT NULL), '{}'::jsonb) AS answers,
                       count(*) FILTER (WHERE c.chosen = c.opts[1])::int AS correct
                FROM (
                    SELECT i.q, i.opts, CASE
                        WHEN random() < 0.03 THEN NULL
                        WHEN i.kind = 'miskeyed' THEN CASE
                            WHEN random() < 1 / (1 + exp(-1.7 * (a.theta - 0.3))) THEN i.opts[2]
                            ELSE i.opts[1 + (array[0, 2, 3])[1 + floor(random() * 3)::int]] END
                        WHEN i.kind = 'negative' THEN CASE
                            WHEN random() < 0.55 - 0.2 * a.theta THEN i.opts[1]
                            ELSE i.opts[2 + floor(random() * 3)::int] END
                        WHEN random() < 1 / (1 + exp(1.7 * (i.b - a.theta))) THEN i.opts[1]
                        ELSE i.opts[(array[2, 2, 3, 4])[1 + floor(random() * 4)::int]]
                    END AS chosen
                    FROM bench_item i
                    WHERE i.variant = a.variant
                ) c
            ) s
            """,
            {"variants": VARIANTS, "pool": pool},
        )
        _sql("ALTER TABLE bench_pool ADD PRIMARY KEY (id)")
        figures["pool_sheets"] = pool
        figures["pool_s"] = round(time.perf_counter() - step, 1)
        step = time.perf_counter()
        # The attempts: one plain INSERT … SELECT, each taking a pool sheet by a fixed
        # permutation of its number (7919 is prime, coprime to any pool size not a multiple of
        # it), so a person's attempts are different sheets. The recompute reads every row as
        # it would real ones: nothing in it can tell that sheets repeat.
        _sql(
            """
            INSERT INTO scoring_attempt (registration_id, contest_id, number, status, items,
                answers, client_key, started_at, deadline, finished_at, submitted_at,
                correct_count, question_count, score, duration_ms, all_correct, graded_at)
            SELECT a.reg, %(contest)s, a.number, 'graded', p.items, p.answers, '',
                   %(opens)s::timestamptz + a.reg * interval '1 second',
                   %(opens)s::timestamptz + a.reg * interval '1 second' + interval '20 minutes',
                   %(opens)s::timestamptz + a.reg * interval '1 second' + interval '9 minutes',
                   %(opens)s::timestamptz + a.reg * interval '1 second' + interval '9 minutes',
                   p.correct, 20, p.correct * 5, 540000, p.correct = 20,
                   %(opens)s::timestamptz + a.reg * interval '1 second' + interval '10 minutes'
            FROM (
                SELECT 1 + (g - 1) / %(per)s AS reg, 1 + (g - 1) %% %(per)s AS number,
                       (g * 7919) %% %(pool)s AS sheet
                FROM generate_series(1::bigint, %(attempts)s) g
            ) a
            JOIN bench_pool p ON p.id = a.sheet
            """,
            {
                "contest": contest.pk,
                "opens": opens,
                "per": per_person,
                "pool": pool,
                "attempts": registrations * per_person,
            },
        )
        figures["attempts_s"] = round(time.perf_counter() - step, 1)
    step = time.perf_counter()
    _sql("VACUUM ANALYZE scoring_attempt")
    _sql("VACUUM ANALYZE participants_registration")
    figures["vacuum_s"] = round(time.perf_counter() - step, 1)
    figures["attempts_table_mb"] = round(
        _sql("SELECT pg_total_relation_size('scoring_attempt')")[0][0] / 2**20
    )
    figures["build_s"] = round(time.perf_counter() - started, 1)
    return figures


def measure(contest, new_share: float) -> dict:
    from learning.models import ItemStat, TopicUnitStat
    from learning.services.item_stats import item_figures_compute, item_stats_recompute

    out: dict = {}
    _sql("SET max_parallel_workers_per_gather = 0")
    _sql("SET work_mem = '64MB'")
    (count, total), out["baseline_scan_s"] = _timed(
        lambda: _sql(
            "SELECT count(*), sum(correct_count) FROM scoring_attempt "
            "WHERE contest_id = %s AND status = 'graded'",
            [contest.pk],
        )[0]
    )
    out["attempts_counted_by_scan"] = count
    _rows, out["baseline_unnest_s"] = _timed(
        lambda: _sql(
            "SELECT count(*) FROM scoring_attempt a, jsonb_array_elements(a.items) "
            "WHERE a.contest_id = %s AND a.status = 'graded'",
            [contest.pk],
        )
    )
    run, out["recompute_s"] = _timed(lambda: item_stats_recompute(contest=contest, full=True))
    out["recompute_incremental"] = run.incremental
    out["attempts_counted"] = run.attempts_counted
    out["groups"] = {
        "upper_min": run.upper_min,
        "upper_attempts": run.upper_attempts,
        "lower_max": run.lower_max,
        "lower_attempts": run.lower_attempts,
    }
    stats = {
        s.question.text: (s.facility, s.discrimination, s.flags)
        for s in ItemStat.objects.filter(contest=contest).select_related("question")
    }
    planted = {
        "miskeyed": stats[f"Câu 1.{MISKEYED}?"],
        "negative": stats[f"Câu 1.{NEGATIVE}?"],
        "easy": stats[f"Câu 1.{EASY}?"],
        "hard": stats[f"Câu 1.{HARD}?"],
    }
    out["planted"] = {
        k: {"facility": round(f, 4), "discrimination": round(d, 4), "flags": fl}
        for k, (f, d, fl) in planted.items()
    }
    out["planted_flagged"] = all(kind in flags for kind, (_f, _d, flags) in planted.items())
    out["items_flagged"] = sum(1 for _f, _d, flags in stats.values() if flags)
    out["items"] = len(stats)
    out["peak_mb_after_full"] = _peak_mb()
    if new_share > 0:
        out["continued"] = continued(contest, run, new_share)
        # Is the continued run exact? The stored figures against a full read of everything.
        full, out["continued"]["full_again_s"] = _timed(
            lambda: item_figures_compute(contest_id=contest.pk)
        )
        stored = {
            s.question_id: (s.drawn, s.answered, s.correct, s.facility, s.discrimination)
            for s in ItemStat.objects.filter(contest=contest)
        }
        out["continued"]["equals_full_read"] = stored == {
            i.question_id: (i.drawn, i.answered, i.correct, i.facility, i.discrimination)
            for i in full.items
        } and full.topic_units == {
            (t.unit_id, t.topic_id): (t.drawn, t.answered, t.correct)
            for t in TopicUnitStat.objects.filter(contest=contest)
        }
    out["peak_mb"] = _peak_mb()
    return out


def continued(contest, previous, new_share: float) -> dict:
    """`new_share` more attempts graded after the full run (copies of the first ones under a
    new attempt number, graded now), then a run that continues from the full one."""
    from learning.services.item_stats import item_stats_recompute

    new = max(1, round(previous.attempts_counted * new_share))
    _rows, insert_s = _timed(
        lambda: _sql(
            """
            INSERT INTO scoring_attempt (registration_id, contest_id, number, status, items,
                answers, client_key, started_at, deadline, finished_at, submitted_at,
                correct_count, question_count, score, duration_ms, all_correct, graded_at)
            SELECT registration_id, contest_id, number + 100, status, items, answers, '',
                   started_at, deadline, finished_at, submitted_at, correct_count,
                   question_count, score, duration_ms, all_correct, now()
            FROM scoring_attempt WHERE contest_id = %s AND status = 'graded'
            ORDER BY id LIMIT %s
            """,
            [contest.pk, new],
        )
    )
    _sql("ANALYZE scoring_attempt")
    run, seconds = _timed(lambda: item_stats_recompute(contest=contest))
    return {
        "new_attempts": new,
        "insert_s": insert_s,
        "run_s": seconds,
        "incremental": run.incremental,
        "attempts_counted": run.attempts_counted,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--registrations", type=int, default=1_500_000)
    parser.add_argument("--per-person", type=int, default=5)
    parser.add_argument(
        "--pool", type=int, default=100_000, help="distinct answer sheets the attempts reuse"
    )
    parser.add_argument(
        "--new-share",
        type=float,
        default=0.01,
        help="share of attempts added after the full run, for the run that continues (0: none)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="measure on a --keep database")
    parser.add_argument("--build-only", action="store_true", help="build (with --keep), no measure")
    args = parser.parse_args()
    if not args.reuse:
        _database("create")
    import django

    django.setup()
    from django.core.management import call_command

    from contests.models import Contest

    out: dict = {"started": time.strftime("%Y-%m-%d %H:%M:%S"), "load1": os.getloadavg()[0]}
    try:
        call_command("migrate", verbosity=0)
        out["build"] = (
            "reused"
            if args.reuse
            else build(
                args.registrations,
                args.per_person,
                min(args.pool, args.registrations * args.per_person),
            )
        )
        contest = Contest.objects.get(slug="thong-ke-cau-hoi-mo-phong")
        out["load1_before_measure"] = os.getloadavg()[0]
        if not args.build_only:
            out["measure"] = measure(contest, args.new_share)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            _database("drop")
    print(json.dumps(out, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
