"""Anomaly flags benchmark (issue 18; not a test): one full detection scan of a contest
(`integrity.services.detection.contest_scan`, the SQL path) over a city's data.

The item statistics benchmark's database (benchmarks/item_stats_bench.py) is dropped when it
ends and holds neither phones nor client keys (one placeholder participant, empty keys), which
every flag but one reads; so this builds its own, in its own database (BENCH_FLAGS_DATABASE_URL,
default contest_flags_bench: dropped, created, migrated, and dropped again at the end unless
--keep), with SQL only:
- `--registrations` (default 300,000) people, each with an account, a random mobile number
  (a multiplicative permutation: no runs by chance) and a registration at a random time of
  the 30-day contest, from a client key drawn skewed (50,000 addresses, a few of them shared
  by many, as a carrier's NAT is; 30 User-Agents);
- `--per-person` (default 5) graded attempts each, of one of 4 variants of 20 questions
  (~240 characters a question with its options), submitted at random times, 4-19 minutes
  long, 15 % all correct (the variant's key: identical papers, as in a fixed test), the rest
  with three answers changed at random; the key of the registration, or another one;
- planted: a farm of 30 registrations from one device in 10 minutes with consecutive phones;
  10 bots submitting 5 attempts 120 s apart; 20 perfect attempts in 25 s; 10 pairs of
  people on one device with the same answers (three same mistakes) 1 s apart.

Then, one core (`max_parallel_workers_per_gather = 0`): baselines in the same run (one plain
scan of the contest's attempts, and of its registrations joined to the people), each rule's
finder timed on its own, and the whole scan (with the flags' INSERT) timed; peak memory of
this process (getrusage ru_maxrss); the planted cases checked, and how many flags the honest
background raised.

The default is a fifth of a city (1.5 M attempts); `--registrations 1500000` is the city
(7.5 M attempts), which takes long to build on a shared 2-core machine: the README says which
was run and extrapolates the other (every step is a scan or a sort of the contest's rows).

Usage (PostgreSQL as a superuser, as in the other benchmarks):
    .venv/bin/python benchmarks/flags_bench.py [--registrations 300000] [--keep]
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
    "BENCH_FLAGS_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/contest_flags_bench"
)
os.environ["DATABASE_URL"] = BENCH_URL
os.environ["REDIS_URL"] = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "contest_site.settings.local")
os.environ.setdefault("DEBUG", "False")

TOPICS, PER_TOPIC, VARIANTS, QUESTIONS = 4, 10, 4, 20
ADDRESSES, AGENTS = 50_000, 30
DAYS = 30
FARM, BOTS, FAST, PAIRS = 30, 10, 20, 10
FARM_KEY = "f00dfeedf00dfeed"
# A question of about 180 characters and four options of about 15: ~240 read per question.
QUESTION_TEXT = (
    "Theo quy định của Nghị định số 59/2022/NĐ-CP về định danh và xác thực điện tử, tài "
    "khoản định danh điện tử mức độ 2 của công dân Việt Nam được sử dụng trong trường hợp nào"
)


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
    result = fn()
    return result, round(time.perf_counter() - start, 2)


def _sql(statement: str, params=None):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(statement, params or [])
        return cursor.fetchall() if cursor.description else None


def build(registrations: int, per_person: int) -> tuple[object, dict]:  # noqa: PLR0915
    import datetime

    from django.db import transaction

    from contests.models import Contest, Option, Question, Topic, Unit
    from contests.services.units import unit_add

    started = time.perf_counter()
    city = unit_add(code="FB", name="Thành phố (mô phỏng)", kind=Unit.Kind.PROVINCE)
    wards = [
        unit_add(code=f"FB-{w:02d}", name=f"Phường {w:02d}", kind=Unit.Kind.WARD, parent=city).pk
        for w in range(1, 21)
    ]
    opens = datetime.datetime(2026, 9, 1, 1, 0, tzinfo=datetime.UTC)
    contest = Contest.objects.create(
        owner_unit=city,
        participation_root=city,
        slug="dau-hieu-bat-thuong-mo-phong",
        title="Cuộc thi tìm hiểu pháp luật (mô phỏng dấu hiệu bất thường)",
        opens_at=opens,
        closes_at=opens + datetime.timedelta(days=DAYS),
        attempts_allowed=per_person,
        time_limit_minutes=20,
        status=Contest.Status.CLOSED,
    )
    bank = []  # (question id, [option ids])
    for t in range(1, TOPICS + 1):
        topic = Topic.objects.create(contest=contest, name=f"Chủ đề {t}")
        for n in range(1, PER_TOPIC + 1):
            q = Question.objects.create(
                contest=contest, topic=topic, text=f"Câu {t}.{n}. {QUESTION_TEXT}?"
            )
            options = Option.objects.bulk_create(
                Option(question=q, position=i, text=f"Phương án số {i}.", is_correct=i == 1)
                for i in range(1, 5)
            )
            bank.append((q.pk, [o.pk for o in options]))
    figures: dict = {"registrations": registrations, "attempts": registrations * per_person}
    params = {
        "contest": contest.pk,
        "opens": opens,
        "days": DAYS,
        "n": registrations,
        "per": per_person,
        "attempts": registrations * per_person,
        "wards": wards,
        "addresses": ADDRESSES,
        "agents": AGENTS,
        "variants": VARIANTS,
    }
    with transaction.atomic():
        _sql("SET LOCAL session_replication_role = replica")
        _sql("SELECT setseed(0.18)")
        # The variants: 20 questions each, and their keys as the answers of a perfect paper.
        _sql("CREATE TABLE bench_variant (variant int, items jsonb, qs text[], key jsonb)")
        for v in range(VARIANTS):
            chosen = [bank[(v * 7 + k * 2) % len(bank)] for k in range(QUESTIONS)]
            _sql(
                "INSERT INTO bench_variant VALUES (%s, %s::jsonb, %s, %s::jsonb)",
                [
                    v,
                    json.dumps([{"q": q, "o": opts} for q, opts in chosen]),
                    [str(q) for q, _o in chosen],
                    json.dumps({str(q): opts[0] for q, opts in chosen}),
                ],
            )
        step = time.perf_counter()
        _sql(
            """
            INSERT INTO auth_user (id, password, is_superuser, username, first_name, last_name,
                email, is_staff, is_active, date_joined)
            SELECT g, '!', false, 'fb' || g, '', '', '', false, true, now()
            FROM generate_series(1, %(n)s) g;
            INSERT INTO participants_participant (id, user_id, full_name, date_of_birth, gender,
                document_type, document_number, issuing_country, identity_key, name_key, phone,
                email, foreign_birth_confirmed, needs_review, created_at)
            SELECT g, g, 'Người dự thi ' || g, date '1990-01-01', 'male', 'cccd',
                   lpad(g::text, 12, '0'), '', 'fb' || g, 'nguoi du thi ' || g,
                   '+84' || (200000000 + (g::bigint * 48271) %% 99999989)::text, '', false,
                   false, now()
            FROM generate_series(1, %(n)s) g;
            INSERT INTO participants_registration (id, contest_id, participant_id, unit_id,
                document_type, document_number, age_on_reference, age_group,
                consent_participation, consent_publish, guardian_name, guardian_phone,
                guardian_relationship, guardian_consent, needs_review, created_at,
                extra_minutes, client_key)
            SELECT g, %(contest)s, g, (%(wards)s::bigint[])[1 + floor(random() * 20)::int],
                   'cccd', lpad(g::text, 12, '0'), 35, '18+', true, true, '', '', '', false,
                   false, %(opens)s::timestamptz + random() * %(days)s * interval '1 day', 0,
                   lpad(to_hex(floor(%(addresses)s * random() ^ 2)::int), 8, '0')
                   || lpad(to_hex(floor(%(agents)s * random() ^ 2)::int), 8, '0')
            FROM generate_series(1, %(n)s) g;
            """,
            params,
        )
        figures["people_s"] = round(time.perf_counter() - step, 1)
        step = time.perf_counter()
        _sql(
            """
            INSERT INTO scoring_attempt (registration_id, contest_id, number, status, items,
                answers, client_key, started_at, deadline, finished_at, submitted_at,
                correct_count, question_count, score, duration_ms, all_correct, graded_at)
            SELECT a.reg, %(contest)s, a.number, 'graded', v.items,
                   CASE WHEN a.perfect THEN v.key ELSE
                       jsonb_set(jsonb_set(jsonb_set(v.key,
                           array[v.qs[1 + floor(random() * 20)::int]], to_jsonb(a.wrong + 1)),
                           array[v.qs[1 + floor(random() * 20)::int]], to_jsonb(a.wrong + 2)),
                           array[v.qs[1 + floor(random() * 20)::int]], to_jsonb(a.wrong + 3))
                   END,
                   CASE WHEN random() < 0.8 THEN r.client_key
                        ELSE lpad(to_hex(floor(%(addresses)s * random() ^ 2)::int), 8, '0')
                             || substr(r.client_key, 9) END,
                   a.submitted - a.duration, a.submitted - a.duration + interval '20 minutes',
                   a.submitted, a.submitted,
                   CASE WHEN a.perfect THEN 20 ELSE 17 END, 20,
                   CASE WHEN a.perfect THEN 100 ELSE 85 END,
                   (extract(epoch FROM a.duration) * 1000)::int, a.perfect, a.submitted
            FROM (
                SELECT 1 + (g - 1) / %(per)s AS reg, 1 + (g - 1) %% %(per)s AS number,
                       g %% %(variants)s AS variant, random() < 0.15 AS perfect,
                       (1 + floor(random() * 1000))::int AS wrong,
                       %(opens)s::timestamptz + random() * %(days)s * interval '1 day'
                           AS submitted,
                       (240 + random() * 900) * interval '1 second' AS duration
                FROM generate_series(1, %(attempts)s) g
            ) a
            JOIN bench_variant v ON v.variant = a.variant
            JOIN participants_registration r ON r.id = a.reg
            """,
            params,
        )
        figures["attempts_s"] = round(time.perf_counter() - step, 1)
        _plant(params)
    step = time.perf_counter()
    _sql("VACUUM ANALYZE auth_user")
    _sql("VACUUM ANALYZE participants_participant")
    _sql("VACUUM ANALYZE participants_registration")
    _sql("VACUUM ANALYZE scoring_attempt")
    figures["vacuum_s"] = round(time.perf_counter() - step, 1)
    figures["attempts_table_mb"] = round(
        _sql("SELECT pg_total_relation_size('scoring_attempt')")[0][0] / 2**20
    )
    figures["build_s"] = round(time.perf_counter() - started, 1)
    return contest, figures


def _plant(params: dict) -> None:
    """The planted cases, on the first registrations (ids 1..), which are otherwise like
    every other."""
    # A farm: FARM registrations from one device, 20 s apart, consecutive phones.
    _sql(
        """
        UPDATE participants_registration SET client_key = %s,
               created_at = %s::timestamptz + interval '2 days' + (id - 1) * interval '20 s'
        WHERE id BETWEEN 1 AND %s;
        UPDATE participants_participant SET phone = '+8491100' || lpad(id::text, 4, '0')
        WHERE id BETWEEN 1 AND %s;
        """,
        [FARM_KEY, params["opens"], FARM, FARM],
    )
    # Bots: their five attempts 120 s apart, from the day's start.
    _sql(
        """
        UPDATE scoring_attempt SET submitted_at = %s::timestamptz + interval '3 days'
               + registration_id * interval '1 hour' + (number - 1) * interval '120 s'
        WHERE registration_id BETWEEN %s AND %s
        """,
        [params["opens"], FARM + 1, FARM + BOTS],
    )
    # Perfect in 25 s (the first attempt of the next people).
    first_fast = FARM + BOTS + 1
    _sql(
        """
        UPDATE scoring_attempt a SET answers = v.key, all_correct = true, correct_count = 20,
               duration_ms = 25000
        FROM bench_variant v
        WHERE a.registration_id BETWEEN %s AND %s AND a.number = 1
          AND v.items = a.items
        """,
        [first_fast, first_fast + FAST - 1],
    )
    # Pairs: person k and k+1 on one device, same answers (k's), 100 s and 101 s.
    first_pair = first_fast + FAST
    _sql(
        """
        WITH pairs AS (
            SELECT a.id, a.registration_id, a.answers, a.items,
                   (a.registration_id - %s) / 2 AS pair, (a.registration_id - %s) %% 2 AS side
            FROM scoring_attempt a
            WHERE a.registration_id BETWEEN %s AND %s AND a.number = 1
        ), firsts AS (SELECT pair, answers, items FROM pairs WHERE side = 0)
        UPDATE scoring_attempt a
        SET client_key = 'c0ffee' || lpad(p.pair::text, 2, '0') || 'c0ffee00',
            answers = jsonb_set(jsonb_set(jsonb_set(f.answers,
                array[f.items -> 0 ->> 'q'], '1'), array[f.items -> 1 ->> 'q'], '2'),
                array[f.items -> 2 ->> 'q'], '3'),
            items = f.items, all_correct = false, correct_count = 17,
            duration_ms = 100000 + p.side * 1000
        FROM pairs p JOIN firsts f ON f.pair = p.pair
        WHERE a.id = p.id
        """,
        [first_pair, first_pair, first_pair, first_pair + 2 * PAIRS - 1],
    )


def measure(contest) -> dict:
    from django.db import connection, transaction

    from integrity.models import AnomalyFlag
    from integrity.services import detection

    out: dict = {}
    _sql("SET max_parallel_workers_per_gather = 0")
    (count,), out["baseline_attempts_scan_s"] = _timed(
        lambda: _sql(
            "SELECT count(*) FROM scoring_attempt WHERE contest_id = %s AND duration_ms > 0",
            [contest.pk],
        )[0]
    )
    out["attempts_scanned"] = count
    _rows, out["baseline_registrations_join_s"] = _timed(
        lambda: _sql(
            "SELECT count(*), max(p.phone) FROM participants_registration r "
            "JOIN participants_participant p ON p.id = r.participant_id WHERE r.contest_id = %s",
            [contest.pk],
        )
    )
    finders = {
        "too_fast": lambda: detection.find_too_fast(contest_id=contest.pk),
        "same_answers": lambda: detection.find_same_answers(contest_id=contest.pk, sql=True),
        "registration_burst": lambda: detection.find_registration_bursts(
            contest_id=contest.pk, sql=True
        ),
        "phone_sequence": lambda: detection.find_phone_sequences(contest_id=contest.pk, sql=True),
        "regular_intervals": lambda: detection.find_regular_intervals(
            contest_id=contest.pk, sql=True
        ),
    }
    out["finders_s"] = {}
    for name, finder in finders.items():
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL work_mem = '128MB'")
            _found, out["finders_s"][name] = _timed(finder)
    new, out["scan_s"] = _timed(lambda: detection.contest_scan(contest_id=contest.pk))
    out["flags"] = new
    out["peak_mb"] = _peak_mb()
    _again, out["rescan_s"] = _timed(lambda: detection.contest_scan(contest_id=contest.pk))
    out["rescan_new_flags"] = sum(_again.values())

    flags = AnomalyFlag.objects.filter(contest=contest)
    first_fast = FARM + BOTS + 1
    first_pair = first_fast + FAST
    planted = {
        "burst": set(range(1, FARM + 1)),
        "phones": set(range(1, FARM + 1)),
        "regular": set(range(FARM + 1, FARM + BOTS + 1)),
        "too_fast": set(range(first_fast, first_fast + FAST)),
        "same_answers": set(range(first_pair, first_pair + 2 * PAIRS)),
    }
    kinds = {
        "burst": "registration_burst",
        "phones": "phone_sequence",
        "regular": "regular_intervals",
        "too_fast": "too_fast",
        "same_answers": "same_answers",
    }
    out["planted_found"] = {}
    out["background_flags"] = {}
    for key, ids in planted.items():
        found = set(flags.filter(kind=kinds[key]).values_list("registration_id", flat=True))
        out["planted_found"][key] = f"{len(ids & found)}/{len(ids)}"
        others = found - set().union(*planted.values())
        out["background_flags"][kinds[key]] = len(others)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--registrations", type=int, default=300_000)
    parser.add_argument("--per-person", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()

    _database("create")
    import django

    django.setup()
    from django.core.management import call_command

    try:
        call_command("migrate", verbosity=0)
        contest, figures = build(args.registrations, args.per_person)
        figures.update(measure(contest))
        figures["extrapolated_to_7_5M_attempts"] = {
            "scan_s": round(figures["scan_s"] * 7_500_000 / figures["attempts"], 1),
            "baseline_attempts_scan_s": round(
                figures["baseline_attempts_scan_s"] * 7_500_000 / figures["attempts"], 1
            ),
        }
        print(json.dumps(figures, ensure_ascii=False, indent=1, default=str))
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            _database("drop")


if __name__ == "__main__":
    main()
