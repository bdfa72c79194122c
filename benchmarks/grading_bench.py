"""Grading throughput (issue 6): attempts graded per second by one worker process.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/contest_bench \\
    REDIS_URL=redis://127.0.0.1:6379/9 .venv/bin/python benchmarks/grading_bench.py [--attempts N]

The database named by DATABASE_URL is migrated and its contest data are TRUNCATEd: give it a
database of its own. Bulk-creates N submitted attempts (default 20,000) of 20 questions drawn
from a bank of 100, then measures:

1. batch path in-process: `attempts_grade` on batches of 500 (what one `grade_attempts` task
   does), attempts/s, old path (Python: rows read, the rules applied, rows written;
   `in_sql=False`) against new path (SQL: `scoring.services.grading_sql`) in the same run,
   twice each, alternating; the ratio; peak Python memory of each path (tracemalloc, on a
   pass of its own so that tracing does not slow the timed ones) — target ≥ 5,000/s (issue 21);
2. one attempt per call in-process (what one `grade_attempt` task does);
3. through a real worker (`celery worker -c 1 --pool=prefork` on Redis): N attempts published
   as tasks of 500, time from the first publish to the last graded row;
4. through a real worker, one attempt per task, with and without CELERY_DB_REUSE_MAX
   (Celery's Django fixup closes the connection around every task unless it is set).
Each phase resets the attempts to "submitted" and deletes the results first.
"""

import argparse
import os
import random
import resource
import subprocess
import sys
import time
import tracemalloc
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "contest_site.settings.test")

import django  # noqa: E402

django.setup()

import datetime  # noqa: E402

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from contests.models import Contest, Option, Question, Topic, Unit  # noqa: E402
from contests.services.units import unit_add  # noqa: E402
from participants.models import Participant, Registration  # noqa: E402
from scoring.models import Attempt, Result  # noqa: E402
from scoring.services.grading import attempts_grade  # noqa: E402

QUESTIONS_PER_ATTEMPT = 20
BANK = 100


def say(text):
    print(text, flush=True)


def reset_all():
    tables = [
        Result._meta.db_table,
        Attempt._meta.db_table,
        Registration._meta.db_table,
        Participant._meta.db_table,
        Option._meta.db_table,
        Question._meta.db_table,
        Topic._meta.db_table,
        Contest._meta.db_table,
        Unit._meta.db_table,
        get_user_model()._meta.db_table,
    ]
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")  # noqa: S608


def build(n: int) -> list[int]:
    reset_all()
    city = unit_add(code="BENCH", name="Bench", kind=Unit.Kind.PROVINCE)
    now = datetime.datetime.now(datetime.UTC)
    contest = Contest.objects.create(
        owner_unit=city,
        participation_root=city,
        slug="bench",
        title="Bench",
        opens_at=now - datetime.timedelta(days=1),
        closes_at=now + datetime.timedelta(days=1),
        status=Contest.Status.PUBLISHED,
    )
    topic = Topic.objects.create(contest=contest, name="T")
    questions = Question.objects.bulk_create(
        Question(contest=contest, topic=topic, text=f"Q{i}") for i in range(BANK)
    )
    Option.objects.bulk_create(
        Option(question=q, position=p, text=f"O{p}", is_correct=(p == 1))
        for q in questions
        for p in range(1, 5)
    )
    options: dict[int, list[int]] = {}
    for qid, oid in Option.objects.order_by("question_id", "position").values_list(
        "question_id", "id"
    ):
        options.setdefault(qid, []).append(oid)
    unusable = "!"  # no password: these accounts never log in
    users = get_user_model().objects.bulk_create(
        get_user_model()(username=f"b{i}", password=unusable) for i in range(n)
    )
    participants = Participant.objects.bulk_create(
        Participant(
            user=u,
            full_name=f"P {i}",
            date_of_birth=datetime.date(1990, 1, 1),
            gender="male",
            document_number=f"{i:012d}",
            phone=f"+849{i:08d}",
        )
        for i, u in enumerate(users)
    )
    registrations = Registration.objects.bulk_create(
        Registration(
            contest=contest,
            participant=p,
            unit=city,
            document_type=p.document_type,
            document_number=p.document_number,
            age_on_reference=30,
            age_group="18+",
        )
        for p in participants
    )
    rng = random.Random(6)
    qids = list(options)
    attempts = []
    start = now - datetime.timedelta(hours=1)
    for r in registrations:
        drawn = rng.sample(qids, QUESTIONS_PER_ATTEMPT)
        attempts.append(
            Attempt(
                registration=r,
                contest=contest,
                number=1,
                status=Attempt.Status.SUBMITTED,
                items=[{"q": q, "o": options[q]} for q in drawn],
                answers={str(q): rng.choice(options[q]) for q in drawn},
                prediction=rng.randint(0, 1000),
                started_at=start,
                deadline=start + datetime.timedelta(minutes=20),
                finished_at=start + datetime.timedelta(seconds=rng.randint(60, 1300)),
                submitted_at=start,
                question_count=QUESTIONS_PER_ATTEMPT,
            )
        )
    Attempt.objects.bulk_create(attempts, batch_size=2000)
    return list(Attempt.objects.order_by("id").values_list("id", flat=True))


def reset_grades():
    Result.objects.all().delete()
    Attempt.objects.update(
        status=Attempt.Status.SUBMITTED,
        correct_count=None,
        score=None,
        duration_ms=None,
        all_correct=False,
        graded_at=None,
    )
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {Attempt._meta.db_table}")  # noqa: S608
        cursor.execute(f"VACUUM ANALYZE {Result._meta.db_table}")  # noqa: S608


def graded() -> int:
    return Attempt.objects.filter(status=Attempt.Status.GRADED).count()


def load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def backend_cpu() -> float | None:
    """CPU seconds used so far by this connection's PostgreSQL backend (user + system, from
    /proc: the server is on this machine), or None where it cannot be read. With the
    process's own CPU time it gives the cost of an attempt in CPU, which the other sessions
    on a shared machine disturb far less than the wall clock."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def in_process_batches(ids, *, in_sql: bool, size=500, traced=False) -> tuple[float, int, str]:
    """(attempts/s, peak traced Python memory in bytes or 0, CPU per attempt as text)."""
    reset_grades()
    if traced:
        tracemalloc.start()
    backend0, cpu0 = backend_cpu(), time.process_time()
    t = time.perf_counter()
    for i in range(0, len(ids), size):
        attempts_grade(attempt_ids=ids[i : i + size], in_sql=in_sql)
    elapsed = time.perf_counter() - t
    cpu, backend1 = time.process_time() - cpu0, backend_cpu()
    peak = 0
    if traced:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert graded() == len(ids)
    us = 1e6 / len(ids)
    cost = f"CPU per attempt: worker {cpu * us:.0f} µs"
    if backend0 is not None and backend1 is not None:
        both = cpu + backend1 - backend0
        cost += (
            f" + database backend {(backend1 - backend0) * us:.0f} µs"
            f" = {len(ids) / both:,.0f} attempts per CPU-second"
        )
    return len(ids) / elapsed, peak, cost


def graded_rows() -> tuple[list, list]:
    attempts = list(
        Attempt.objects.order_by("id").values_list(
            "id", "status", "correct_count", "score", "duration_ms", "all_correct"
        )
    )
    results = list(
        Result.objects.order_by("registration_id", "round_id").values_list(
            "registration_id", "round_id", "best_attempt_id", "correct_count", "score",
            "duration_ms", "finished_at", "prediction", "graded_attempts", "perfect_attempts",
            "days", "day_attempts", "day_perfect_attempts", "first_started_at",
        )
    )  # fmt: skip
    return attempts, results


def compare_paths(ids) -> None:
    """Both paths graded the whole set: the same rows (a full-size check of what
    tests/scoring/test_grading_sql.py proves on small random batches)."""
    in_process_batches(ids, in_sql=False)
    python = graded_rows()
    in_process_batches(ids, in_sql=True)
    assert graded_rows() == python, "SQL grading differs from the Python path"
    say(f"   both paths wrote the same {len(python[0]):,} attempts and {len(python[1]):,} results")


def in_process_single(ids, *, in_sql: bool) -> float:
    reset_grades()
    t = time.perf_counter()
    for attempt_id in ids:
        attempts_grade(attempt_ids=[attempt_id], in_sql=in_sql)
    return len(ids) / (time.perf_counter() - t)


def database_url() -> str:
    db = settings.DATABASES["default"]
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def through_worker(ids, *, per_task: int, reuse: bool) -> float:
    from scoring.tasks import grade_attempt, grade_attempts

    reset_grades()
    queue = f"grading-bench-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "CELERY_DB_REUSE_MAX": "1000" if reuse else "0",
        "CELERY_SKIP_CHECKS": "1",
    }
    log = Path(f"/tmp/{queue}.log")
    with log.open("wb") as out:
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "contest_site", "worker", "-Q", queue,
             "-c", "1", "--pool=prefork", "--without-mingle", "--without-gossip",
             "--without-heartbeat", "-l", "INFO"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        start_by = time.monotonic() + 60  # worker start-up, not measured
        while " ready." not in log.read_text(errors="replace"):
            if time.monotonic() > start_by or worker.poll() is not None:
                raise RuntimeError(f"worker did not start; see {log}")
            time.sleep(0.1)
        t = time.perf_counter()
        if per_task == 1:
            for attempt_id in ids:
                grade_attempt.apply_async((attempt_id,), queue=queue)
        else:
            for i in range(0, len(ids), per_task):
                grade_attempts.apply_async((ids[i : i + per_task],), queue=queue)
        deadline = time.monotonic() + 600
        while graded() < len(ids):
            if time.monotonic() > deadline:
                raise RuntimeError(f"worker too slow; see {log}")
            time.sleep(0.05)
        return len(ids) / (time.perf_counter() - t)
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=60)
        except subprocess.TimeoutExpired:  # a loaded machine: warm shutdown takes long
            worker.kill()
            worker.wait(timeout=30)
        import redis

        redis.Redis.from_url(settings.CELERY_BROKER_URL).delete(queue)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--attempts", type=int, default=20_000)
    parser.add_argument("--single", type=int, default=2_000, help="attempts for one-per-task")
    parser.add_argument("--no-worker", action="store_true")
    args = parser.parse_args()
    say(f"database {settings.DATABASES['default']['NAME']}; broker {settings.CELERY_BROKER_URL}")
    call_command("migrate", verbosity=0)
    t = time.perf_counter()
    ids = build(args.attempts)
    say(f"built {len(ids)} submitted attempts of {QUESTIONS_PER_ATTEMPT} questions "
        f"in {time.perf_counter() - t:.1f} s")  # fmt: skip
    rates: dict[bool, list[float]] = {False: [], True: []}
    for _repeat in range(2):
        for in_sql in (False, True):
            rate, _peak, cost = in_process_batches(ids, in_sql=in_sql)
            rates[in_sql].append(rate)
            name = "new (SQL)" if in_sql else "old (Python)"
            say(f"1. batch path, in-process, batches of 500, {name}: {rate:,.0f} attempts/s; "
                f"{cost}; {load()}")  # fmt: skip
    old, new = max(rates[False]), max(rates[True])
    say(f"   best of two: old {old:,.0f}/s, new {new:,.0f}/s, ratio new/old {new / old:.2f} "
        f"(target ≥ 5,000/s)")  # fmt: skip
    traced = ids[: min(len(ids), 5_000)]
    for in_sql in (False, True):
        _rate, peak, _cost = in_process_batches(traced, in_sql=in_sql, traced=True)
        name = "new (SQL)" if in_sql else "old (Python)"
        say(f"   peak Python memory, {name}, {len(traced):,} attempts in batches of 500: "
            f"{peak / 2**20:.1f} MiB (tracemalloc)")  # fmt: skip
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    say(f"   process peak RSS so far: {rss:.0f} MiB")
    compare_paths(ids)
    for in_sql in (False, True):
        rate = in_process_single(ids[: args.single], in_sql=in_sql)
        name = "new (SQL)" if in_sql else "old (Python)"
        say(f"2. one attempt per call, in-process, {name}: {rate:,.0f} attempts/s; {load()}")
    if not args.no_worker and settings.CELERY_BROKER_URL.startswith("redis"):
        rate = through_worker(ids, per_task=500, reuse=True)
        say(f"3. real worker (SQL path), tasks of 500 attempts: {rate:,.0f} attempts/s; {load()}")
        rate = through_worker(ids[: args.single], per_task=1, reuse=True)
        say(f"4a. real worker, one attempt per task, CELERY_DB_REUSE_MAX=1000: {rate:,.0f}/s; "
            f"{load()}")  # fmt: skip
        rate = through_worker(ids[: args.single], per_task=1, reuse=False)
        say(f"4b. real worker, one attempt per task, connection per task: {rate:,.0f}/s; "
            f"{load()}")  # fmt: skip


if __name__ == "__main__":
    main()
