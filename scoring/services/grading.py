"""Grading: attempts are graded from their stored answers, and each person's result rows are
recomputed from their graded attempts.

Scoring rule: one point per correct question, reported as a score out of 100
(`scoring.rules.score.score_for`). A question counts as correct when
the stored answer is one of the question's correct options (or, for an answer stored as a list,
when the list is exactly the set of correct options). The key is read from the question
*versions* stored in the attempt (`items[].q`), so an edit that makes a new version never
changes an old attempt; only an answer-key fix (`regrade.answer_key_fix`) does, by design.

Duration: `min(finished_at, deadline) − started_at` in milliseconds: the deadline set at start is
the time limit, so a late submission accepted within the grace never counts as slower than the
limit.

Batch path (`attempts_grade`): a fixed, small number of queries per batch whatever its size —
lock the persons' registrations (id order, so two workers never deadlock), read the attempts,
read the key of every question of the batch in one query, one UPDATE … FROM (VALUES …) for all
attempts, read the persons' graded attempts, and write their result rows with one bulk UPDATE
and one bulk INSERT. Idempotent: the first grading moves status submitted → graded with a
conditional UPDATE, so a redelivered or duplicated task writes nothing; results are recomputed
from the attempts, never incremented.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Case, Value, When
from django.utils import timezone

from contests.models import Contest, Option, Round
from participants.models import Registration
from scoring.models import Attempt, Result
from scoring.rules import best_attempt
from scoring.rules.score import answer_is_correct, duration_ms_for, score_for
from scoring.services import grading_sql
from scoring.services.queueing import doorbell_clear, grading_enqueue


def answer_key_load(*, question_ids: Iterable[int]) -> dict[int, frozenset[int]]:
    """{question id: ids of its correct options}, one query for all of them. Not cached across
    batches on purpose: a key fix must be seen by the very next batch, and this query reads a
    few hundred index rows (about a millisecond)."""
    key: dict[int, set[int]] = {}
    rows = Option.objects.filter(question_id__in=list(question_ids), is_correct=True)
    for question_id, option_id in rows.values_list("question_id", "id"):
        key.setdefault(question_id, set()).add(option_id)
    return {q: frozenset(ids) for q, ids in key.items()}


def attempt_grade_values(
    *,
    items: list,
    answers: dict,
    question_count: int,
    started_at: datetime.datetime,
    deadline: datetime.datetime,
    finished_at: datetime.datetime | None,
    key: dict[int, frozenset[int]],
) -> tuple[int, Decimal, int, bool]:
    """(correct count, score, duration in ms, all correct) for one attempt: a pure function of
    the rules in `scoring.rules.score`."""
    answers = answers or {}
    correct = 0
    for item in items or []:
        question_id = int(item["q"])
        if answer_is_correct(answers.get(str(question_id)), key.get(question_id)):
            correct += 1
    total = question_count or len(items or [])
    score = score_for(correct=correct, total=total)
    duration_ms = duration_ms_for(started_at=started_at, deadline=deadline, finished_at=finished_at)
    return correct, score, duration_ms, bool(total) and correct == total


def sql_grading() -> bool:
    """Whether grading runs as SQL statements (PostgreSQL) or in Python (the embedded SQLite
    demo). Both apply the rules of `scoring.rules.score` and `scoring.rules.best_attempt`."""
    return connection.vendor == "postgresql"


def attempts_grade(
    *, attempt_ids: Iterable[int], regrade: bool = False, in_sql: bool | None = None
) -> int:
    """Grade the given attempts and recompute their owners' results.

    Without `regrade`, only attempts still "submitted" are graded (status → graded, graded_at
    set once); attempts already graded or still open are left alone, so running this twice, or
    in two workers at once, gives the same rows. With `regrade`, graded attempts are graded
    again from the current key (graded_at moves so that roll-ups see the change). Attempt ids
    that do not exist are ignored. Returns the number of attempts written.

    On PostgreSQL the grading and the result rows are one SQL statement
    (`grading_sql.attempts_grade_sql`); elsewhere, or with `in_sql=False` (the equivalence
    test and the benchmark's baseline), Python applies the same rules to rows it reads."""
    ids = sorted({int(i) for i in attempt_ids})
    if not ids:
        return 0
    statuses = [Attempt.Status.SUBMITTED]
    if regrade:
        statuses.append(Attempt.Status.GRADED)
    in_sql = sql_grading() if in_sql is None else in_sql
    with transaction.atomic():
        # One lock per person, taken in id order by every worker: grading two attempts of the
        # same person in two workers serialises here, and the second sees the first's grade.
        owners = Attempt.objects.filter(id__in=ids, status__in=statuses).values("registration_id")
        registration_ids = list(
            Registration.objects.filter(id__in=owners)
            .order_by("id")
            .select_for_update()
            .values_list("id", flat=True)
        )
        if not registration_ids:
            return 0
        now = timezone.now()
        if in_sql:
            return grading_sql.attempts_grade_sql(
                ids=ids, statuses=statuses, registration_ids=registration_ids, now=now
            )
        rows = list(
            Attempt.objects.filter(id__in=ids, status__in=statuses).values_list(
                "id", "items", "answers", "question_count", "started_at", "deadline", "finished_at"
            )
        )
        key = answer_key_load(
            question_ids={int(item["q"]) for row in rows for item in (row[1] or [])}
        )
        graded = []
        for attempt_id, items, answers, count, started_at, deadline, finished_at in rows:
            values = attempt_grade_values(
                items=items,
                answers=answers,
                question_count=count,
                started_at=started_at,
                deadline=deadline,
                finished_at=finished_at,
                key=key,
            )
            graded.append((attempt_id, *values))
        written = _attempts_write(graded=graded, statuses=statuses, now=now)
        results_recompute(registration_ids=registration_ids, in_sql=False)
    return written


# A one-attempt grading task takes along up to this many other waiting submissions (oldest
# first). Graded one by one, the per-task cost (Celery, a transaction, the result rows)
# exceeds the rate people submit at during a rush and the lag grows without bound; taken
# along, the backlog is graded in batches, and a submission only rings for a task when none
# is waiting (`queueing.grading_ring`).
BACKLOG_BATCH = 200


def attempt_grade_with_backlog(*, attempt_id: int, limit: int = BACKLOG_BATCH) -> int:
    """Grade `attempt_id` and up to `limit` other submitted attempts, oldest first (the
    partial index on submitted attempts). The attempts are claimed with SKIP LOCKED, so two
    workers never take the same backlog: what another worker has claimed (this task's own
    attempt included) is left to it. Claimed rows are only ever written by their claimer, and
    the persons' locks are then taken in id order as in `attempts_grade`, so workers do not
    deadlock. Returns the number of attempts written.

    The grading doorbell is cleared first (`queueing.DOORBELL_KEY`): a submission committed
    after this point rings it and queues the next task; one committed before is in the backlog
    read below. A full backlog queues the next task at once, so what is left waits neither for
    a submission nor for the requeue sweeper."""
    doorbell_clear()
    with transaction.atomic():
        backlog = list(
            Attempt.objects.filter(status=Attempt.Status.SUBMITTED)
            .exclude(id=attempt_id)
            .order_by("submitted_at")
            .values_list("id", flat=True)[:limit]
        )
        claimed = list(
            Attempt.objects.filter(id__in=[attempt_id, *backlog], status=Attempt.Status.SUBMITTED)
            .select_for_update(skip_locked=True)
            .values_list("id", flat=True)
        )
        written = attempts_grade(attempt_ids=claimed)
    if len(backlog) >= limit:
        # More is waiting: the next task now, past the doorbell and its delay (a rush is graded
        # by as many workers as there are, in batches of `limit`). It finds this attempt graded
        # and takes the rest of the backlog.
        grading_enqueue([attempt_id])
    return written


def _attempts_write(*, graded: list[tuple], statuses: list[str], now) -> int:
    """One UPDATE for the batch, conditional on the status read before: a row that another
    worker graded in the meantime is not written again."""
    if not graded:
        return 0
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(Attempt._meta.db_table)
        placeholders = ", ".join(
            ["(%s::bigint, %s::int, %s::numeric, %s::int, %s::bool)"] * len(graded)
        )
        status_marks = ", ".join(["%s"] * len(statuses))
        # Only placeholders and the table name are interpolated; every value is a parameter.
        sql = (
            f"UPDATE {table} AS a SET correct_count = v.correct, score = v.score, "  # noqa: S608
            f"duration_ms = v.duration, all_correct = v.all_correct, status = %s, graded_at = %s "
            f"FROM (VALUES {placeholders}) AS v(id, correct, score, duration, all_correct) "
            f"WHERE a.id = v.id AND a.status IN ({status_marks})"
        )
        params: list = [Attempt.Status.GRADED, now]
        for row in graded:
            params.extend(row)
        params.extend(statuses)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.rowcount
    # Portable path (the embedded SQLite demo): CASE expressions, as bulk_update writes them.
    fields = {"correct_count": 1, "score": 2, "duration_ms": 3, "all_correct": 4}
    updates = {
        name: Case(
            *[When(id=row[0], then=Value(row[index])) for row in graded],
            output_field=Attempt._meta.get_field(name),
        )
        for name, index in fields.items()
    }
    return Attempt.objects.filter(id__in=[row[0] for row in graded], status__in=statuses).update(
        status=Attempt.Status.GRADED, graded_at=now, **updates
    )


# The result row's columns grading decides (their names are also the columns grading_sql writes).
RESULT_FIELDS = grading_sql.RESULT_COLUMNS


def _results_write(*, to_update: list[Result], to_create: list[Result]) -> None:
    """Write result rows: on PostgreSQL one multi-row INSERT and one UPDATE … FROM (VALUES …),
    elsewhere bulk_create / bulk_update. Preparing 16 values per row through the ORM's
    bulk_create was half of a grading batch's CPU once the rows carried the roll-ups' per-day
    lists (benchmarks/README.md, tuning)."""
    if connection.vendor != "postgresql":
        if to_update:
            Result.objects.bulk_update(to_update, [*RESULT_FIELDS, "updated_at"])
        if to_create:
            Result.objects.bulk_create(to_create)
        return
    table = connection.ops.quote_name(Result._meta.db_table)
    columns = [Result._meta.get_field(name).column for name in RESULT_FIELDS]
    # Typed placeholders (the columns' own types): a VALUES list infers nothing from a NULL.
    casts = ", ".join(
        f"%s::{Result._meta.get_field(name).db_type(connection)}" for name in RESULT_FIELDS
    )

    def values(result: Result) -> tuple:
        return tuple(getattr(result, name) for name in RESULT_FIELDS)

    with connection.cursor() as cursor:

        def rows_sql(template: str, rows: list[tuple]) -> str:
            # Each row's values quoted by psycopg2 itself (mogrify), the statement then sent
            # without parameters: one round trip, and counted like any query of the batch.
            mogrify = cursor.cursor.mogrify
            return ", ".join(mogrify(template, row).decode() for row in rows)

        if to_create:
            names = ", ".join(["registration_id", "contest_id", "round_id", *columns, "updated_at"])
            rows = [
                (r.registration_id, r.contest_id, r.round_id, *values(r), r.updated_at)
                for r in to_create
            ]
            cursor.execute(
                f"INSERT INTO {table} ({names}) "  # noqa: S608 (names from the model)
                f"VALUES {rows_sql(f'(%s, %s, %s, {casts}, %s)', rows)}"
            )
        if to_update:
            sets = ", ".join(f"{c} = v.{c}" for c in [*columns, "updated_at"])
            rows = [(r.pk, *values(r), r.updated_at) for r in to_update]
            cursor.execute(
                f"UPDATE {table} AS r SET {sets} "  # noqa: S608 (names from the model)
                f"FROM (VALUES {rows_sql(f'(%s::bigint, {casts}, %s::timestamptz)', rows)}) "
                f"AS v(id, {', '.join(columns)}, updated_at) WHERE r.id = v.id"
            )


def _local_day(finished_at: datetime.datetime) -> datetime.date:
    """The attempt's day for the figures: the date of its finish in settings.TIME_ZONE (the
    roll-ups' day; not the request's active zone)."""
    return finished_at.astimezone(timezone.get_default_timezone()).date()


def _activity(per_day: dict[datetime.date | None, list[int]]) -> dict:
    """The summary columns of a result row from {local day: [attempts, perfect attempts]}:
    lists sorted by day (so the first day is the first graded attempt's). A graded attempt
    without a finish time (none is written so) counts in the totals, on no day."""
    days = sorted(d for d in per_day if d is not None)
    return {
        "graded_attempts": sum(n for n, _p in per_day.values()),
        "perfect_attempts": sum(p for _n, p in per_day.values()),
        "days": days,
        "day_attempts": [per_day[d][0] for d in days],
        "day_perfect_attempts": [per_day[d][1] for d in days],
    }


def results_recompute(*, registration_ids: Iterable[int], in_sql: bool | None = None) -> int:
    """Rewrite the result rows (contest level, and per round) of these registrations from their
    graded attempts: the best attempt counts, and the row summarises all the scope's graded
    attempts (count, count with every answer correct, both per local day: what the report
    roll-ups count). Rows that did not change are not written; a row whose person has no
    graded attempt any more is deleted. Returns the number of rows written or deleted. Callers
    hold the registrations' row locks (or accept last-writer-wins)."""
    registration_ids = sorted({int(i) for i in registration_ids})
    if not registration_ids:
        return 0
    if sql_grading() if in_sql is None else in_sql:
        return grading_sql.results_recompute_sql(
            registration_ids=registration_ids, now=timezone.now()
        )
    attempts = Attempt.objects.filter(
        registration_id__in=registration_ids, status=Attempt.Status.GRADED
    ).values_list(
        "id",
        "registration_id",
        "contest_id",
        "round_id",
        "correct_count",
        "score",
        "duration_ms",
        "finished_at",
        "prediction",
        "all_correct",
        "started_at",
    )
    # scope → (best attempt's sort key, its row): `scoring.rules.best_attempt`.
    best: dict[tuple[int, int | None], tuple[tuple, tuple]] = {}
    activity: dict[tuple[int, int | None], dict] = {}
    first_start: dict[tuple[int, int | None], datetime.datetime] = {}
    for row in attempts:
        scopes = [(row[1], None)] if row[3] is None else [(row[1], None), (row[1], row[3])]
        day = _local_day(row[7]) if row[7] is not None else None
        key = best_attempt.sort_key(
            attempt_id=row[0], correct_count=row[4], duration_ms=row[6], finished_at=row[7]
        )
        for scope in scopes:
            current = best.get(scope)
            if current is None or key < current[0]:
                best[scope] = (key, row)
            counts = activity.setdefault(scope, {}).setdefault(day, [0, 0])
            counts[0] += 1
            counts[1] += int(row[9])
            if scope not in first_start or row[10] < first_start[scope]:
                first_start[scope] = row[10]
    # The overall row's cumulative columns, from each round's best (CumulativeRule).
    round_totals: dict[int, list[int]] = {}
    for scope, (_key, row) in best.items():
        if scope[1] is not None:
            totals = round_totals.setdefault(scope[0], [0, 0])
            totals[0] += row[4]
            totals[1] += int(any(p for _n, p in activity[scope].values()))
    contest_ids = {row[2] for _key, row in best.values()}
    round_ids = {scope[1] for scope in best if scope[1] is not None}
    actual_contest = dict(
        Contest.objects.filter(id__in=contest_ids).values_list("id", "prediction_actual")
    )
    actual_round = (
        dict(Round.objects.filter(id__in=round_ids).values_list("id", "prediction_actual"))
        if round_ids
        else {}
    )
    existing = {
        (r.registration_id, r.round_id): r
        for r in Result.objects.filter(registration_id__in=registration_ids)
    }
    now = timezone.now()
    to_update, to_create = [], []
    for scope, (_key, row) in best.items():
        actual = actual_contest.get(row[2]) if scope[1] is None else actual_round.get(scope[1])
        prediction = row[8]
        values = {
            "best_attempt_id": row[0],
            "correct_count": row[4],
            "score": row[5],
            "duration_ms": row[6],
            "finished_at": row[7],
            "prediction": prediction,
            "prediction_error": (
                abs(prediction - actual) if prediction is not None and actual is not None else None
            ),
            **_activity(activity[scope]),
            "rounds_correct_total": round_totals.get(scope[0], (0, 0))[0]
            if scope[1] is None
            else 0,
            "perfect_rounds": round_totals.get(scope[0], (0, 0))[1] if scope[1] is None else 0,
            "first_started_at": first_start[scope],
        }
        result = existing.pop(scope, None)
        if result is None:
            to_create.append(
                Result(
                    registration_id=scope[0],
                    contest_id=row[2],
                    round_id=scope[1],
                    updated_at=now,
                    **values,
                )
            )
        elif any(getattr(result, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(result, name, value)
            result.updated_at = now
            to_update.append(result)
    _results_write(to_update=to_update, to_create=to_create)
    stale = [r.id for r in existing.values()]
    if stale:
        Result.objects.filter(id__in=stale).delete()
    return len(to_update) + len(to_create) + len(stale)
