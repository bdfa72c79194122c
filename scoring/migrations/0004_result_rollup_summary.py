"""Result rows also summarise the person's graded attempts in their scope (count, count with
every answer correct, and both per local day), for the report roll-ups
(`reports.services.rollups`), which then count 1.5 million result rows instead of 7.5 million
attempts. The backfill computes them from the graded attempts as `results_recompute` does: one
UPDATE on PostgreSQL (the local day written exactly as `reports_attempt_rollup_idx` has it, so
the attempts are read from that index when it exists), a Python pass elsewhere."""

import zoneinfo
from collections import defaultdict

from django.conf import settings
from django.db import migrations, models

import scoring.models.fields


def _backfill_postgresql(schema_editor, attempt_table: str, result_table: str) -> None:
    zone = settings.TIME_ZONE.replace("'", "''")
    day = f"(a.finished_at AT TIME ZONE '{zone}')::date"
    # Per registration, round and day; then the contest level (every attempt: round key 0)
    # and each round's own; then one row per result scope with the lists sorted by day.
    schema_editor.execute(
        f"""
        WITH per_day AS (
            SELECT a.registration_id, a.round_id, {day} AS day, COUNT(*) AS n,
                   SUM(CASE WHEN a.all_correct THEN 1 ELSE 0 END) AS p
            FROM {attempt_table} a
            WHERE a.status = 'graded'
            GROUP BY a.contest_id, a.registration_id, {day}, a.round_id
        ), scoped AS (
            SELECT registration_id, 0 AS round_key, day, SUM(n) AS n, SUM(p) AS p
            FROM per_day GROUP BY registration_id, day
            UNION ALL
            SELECT registration_id, round_id, day, n, p FROM per_day WHERE round_id IS NOT NULL
        ), summary AS (
            SELECT registration_id, round_key, SUM(n) AS n, SUM(p) AS p,
                   COALESCE(array_agg(day ORDER BY day) FILTER (WHERE day IS NOT NULL), '{{}}')
                       AS days,
                   COALESCE(array_agg(n::integer ORDER BY day) FILTER (WHERE day IS NOT NULL),
                       '{{}}') AS day_n,
                   COALESCE(array_agg(p::integer ORDER BY day) FILTER (WHERE day IS NOT NULL),
                       '{{}}') AS day_p
            FROM scoped GROUP BY registration_id, round_key
        )
        UPDATE {result_table} AS x
        SET graded_attempts = s.n, perfect_attempts = s.p, days = s.days,
            day_attempts = s.day_n, day_perfect_attempts = s.day_p
        FROM summary s
        WHERE x.registration_id = s.registration_id AND COALESCE(x.round_id, 0) = s.round_key
        """  # noqa: S608
    )


def _backfill_portable(Attempt, Result) -> None:
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    per_scope = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    rows = Attempt.objects.filter(status="graded").values_list(
        "registration_id", "round_id", "all_correct", "finished_at"
    )
    for registration_id, round_id, all_correct, finished_at in rows.iterator(chunk_size=5000):
        day = finished_at.astimezone(zone).date() if finished_at is not None else None
        scopes = [(registration_id, None)]
        if round_id is not None:
            scopes.append((registration_id, round_id))
        for scope in scopes:
            counts = per_scope[scope][day]
            counts[0] += 1
            counts[1] += int(bool(all_correct))
    batch = []
    for result in Result.objects.all().iterator(chunk_size=2000):
        by_day = per_scope.get((result.registration_id, result.round_id), {})
        days = sorted(d for d in by_day if d is not None)
        result.graded_attempts = sum(n for n, _p in by_day.values())
        result.perfect_attempts = sum(p for _n, p in by_day.values())
        result.days = days
        result.day_attempts = [by_day[d][0] for d in days]
        result.day_perfect_attempts = [by_day[d][1] for d in days]
        batch.append(result)
        if len(batch) >= 1000:
            _save(Result, batch)
    _save(Result, batch)


def _save(Result, batch: list) -> None:
    if batch:
        Result.objects.bulk_update(
            batch,
            ["graded_attempts", "perfect_attempts", "days", "day_attempts", "day_perfect_attempts"],
        )
        batch.clear()


def backfill(apps, schema_editor):
    Attempt = apps.get_model("scoring", "Attempt")
    Result = apps.get_model("scoring", "Result")
    if schema_editor.connection.vendor == "postgresql":
        quote = schema_editor.quote_name
        _backfill_postgresql(
            schema_editor, quote(Attempt._meta.db_table), quote(Result._meta.db_table)
        )
    else:
        _backfill_portable(Attempt, Result)


class Migration(migrations.Migration):
    dependencies = [
        ("scoring", "0003_grading"),
    ]

    operations = [
        migrations.AddField(
            model_name="result",
            name="graded_attempts",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="result",
            name="perfect_attempts",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="result",
            name="days",
            field=scoring.models.fields.DateListField(),
        ),
        migrations.AddField(
            model_name="result",
            name="day_attempts",
            field=scoring.models.fields.IntegerListField(),
        ),
        migrations.AddField(
            model_name="result",
            name="day_perfect_attempts",
            field=scoring.models.fields.IntegerListField(),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=False),
    ]
