"""Grading as SQL on PostgreSQL: a batch's answers against the key and its owners' result rows
in one statement, no row read into Python and no model instance built.

The statement is built from two parts, each the twin of a pure rule, and
tests/scoring/test_grading_sql.py grades the same random attempts both ways and compares every
column:
- the grading (`GRADE`): `scoring.rules.score` (which answer is correct, score, duration) as
  `grading.attempt_grade_values` applies it;
- the result rows (`_results`): `scoring.rules.best_attempt` and the row's summary as
  `grading.results_recompute` builds them in Python.

Callers (`grading.attempts_grade`) hold the owners' registration locks."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import connection

from contest_site.metrics import grading_lag_observe
from contests.models import Contest, Option, Round
from scoring.models import Attempt, Result


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


# The item's answer is correct (`scoring.rules.score.answer_is_correct`); `k.ids` is the
# question's correct option ids, sorted (numeric). An option id is what
# `contest_site.untrusted.parse_id` reads:
# - a JSON number that is a whole number: scale 0 (1.5 and 12.0 are floats to Python, and
#   their numeric keeps the decimals; PostgreSQL writes 1e2 as 100, which Python reads as an
#   int too). Equal to a key id, it is also 0 … 10¹⁸−1, as every option id is;
# - a string of 1–18 ASCII digits (`#>> '{}'` is its text);
# - a list: its distinct ids, sorted, equal to the key; an element that is not an option id
#   makes a NULL, which equals no id.
# Anything else (null, true, an object) is wrong. The CASEs keep each cast behind its check
# (SQL does not promise to evaluate AND's operands in order). The number test comes first and
# avoids the regular expression: it is every answer the exam writes, and the regular
# expression costs about twice as much per item.
ANSWER_CORRECT = """
    CASE jsonb_typeof(i.answer)
        WHEN 'number' THEN scale(i.answer::numeric) = 0 AND i.answer::numeric = ANY (k.ids)
        WHEN 'string' THEN CASE WHEN i.answer #>> '{}' ~ '^[0-9]{1,18}$'
                                THEN (i.answer #>> '{}')::numeric = ANY (k.ids)
                                ELSE false END
        WHEN 'array' THEN coalesce(
            (SELECT array_agg(DISTINCT CASE WHEN x #>> '{}' ~ '^[0-9]{1,18}$'
                                            THEN (x #>> '{}')::numeric END)
             FROM jsonb_array_elements(i.answer) AS x) = k.ids,
            false)
        ELSE false
    END"""


# The grading: `batch` the attempts to grade, `graded_now` the UPDATE, returning what the result
# rows need. Only table names are interpolated; every value is a parameter.
GRADE = """
    batch AS MATERIALIZED (
        SELECT id, items, answers, question_count, started_at, deadline, finished_at,
               CASE WHEN jsonb_typeof(items) = 'array' THEN items ELSE '[]' END AS drawn
        FROM {attempt}
        WHERE id = ANY (%(ids)s) AND status = ANY (%(statuses)s)
    ), item AS (
        SELECT b.id, (e.value ->> 'q')::bigint AS q,
               b.answers -> ((e.value ->> 'q')::bigint)::text AS answer
        FROM batch AS b CROSS JOIN LATERAL jsonb_array_elements(b.drawn) AS e
    ), k AS (
        SELECT question_id AS q, array_agg(id::numeric ORDER BY id) AS ids
        FROM {option}
        WHERE is_correct AND question_id IN (SELECT q FROM item)
        GROUP BY question_id
    ), tally AS (
        SELECT i.id, count(*) FILTER (WHERE {answer_correct}) AS correct
        FROM item AS i JOIN k USING (q)
        GROUP BY i.id
    ), graded AS (
        SELECT b.id, coalesce(t.correct, 0)::int AS correct,
               coalesce(nullif(b.question_count, 0), jsonb_array_length(b.drawn)) AS total,
               greatest(0, floor(1000 * (
                   extract(epoch FROM least(coalesce(b.finished_at, b.deadline), b.deadline))
                   - extract(epoch FROM b.started_at))))::int AS duration
        FROM batch AS b LEFT JOIN tally AS t USING (id)
    ), graded_now AS (
        UPDATE {attempt} AS a
        SET correct_count = g.correct,
            score = CASE WHEN g.total = 0 THEN 0
                         ELSE round(100 * g.correct::numeric / g.total, 2) END,
            duration_ms = g.duration,
            all_correct = g.total > 0 AND g.correct = g.total,
            status = %(graded)s,
            graded_at = %(now)s
        FROM graded AS g
        WHERE a.id = g.id AND a.status = ANY (%(statuses)s)
        RETURNING a.id, a.registration_id, a.contest_id, coalesce(a.round_id, 0) AS round_scope,
                  a.correct_count, a.score, a.duration_ms, a.finished_at, a.prediction,
                  a.all_correct, a.started_at,
                  (a.finished_at AT TIME ZONE %(tz)s)::date AS day,
                  extract(epoch FROM %(now)s - a.submitted_at) AS lag
    )"""

# The owners' graded attempts, as the result rows read them.
GRADED_ATTEMPTS = """
    SELECT id, registration_id, contest_id, coalesce(round_id, 0) AS round_scope,
           correct_count, score, duration_ms, finished_at, prediction, all_correct,
           started_at, (finished_at AT TIME ZONE %(tz)s)::date AS day
    FROM {attempt}
    WHERE registration_id = ANY (%(regs)s) AND status = %(graded)s"""


def attempts_grade_sql(
    *, ids: list[int], statuses: list[str], registration_ids: list[int], now: datetime.datetime
) -> int:
    """Grade the attempts among `ids` whose status is in `statuses` (status → graded,
    graded_at = now) and rewrite the result rows of `registration_ids` (their owners), in one
    statement: an UPDATE … FROM a query that unnests each attempt's drawn items, looks its
    answer up by question id and joins the current key (the correct options of the drawn
    question *versions*); the result rows read the owners' other graded attempts from the
    table and the batch's from the UPDATE's RETURNING (one statement sees the table as it
    was before its own UPDATE). Returns the number of attempts written."""
    attempt = _table(Attempt)
    grade = GRADE.format(attempt=attempt, option=_table(Option), answer_correct=ANSWER_CORRECT)
    # The batch's rows as graded now, and the owners' other graded attempts as the table has
    # them (a regraded attempt's old version is left out by its id).
    source = (
        GRADED_ATTEMPTS.format(attempt=attempt)  # noqa: S608 (names from the models)
        + " AND id NOT IN (SELECT id FROM graded_now)"
        + " UNION ALL SELECT id, registration_id, contest_id, round_scope, correct_count,"
        + " score, duration_ms, finished_at, prediction, all_correct, started_at, day"
        + " FROM graded_now"
    )
    sql = (
        f"WITH {grade}, {_results(source)} "  # noqa: S608 (names from the models)
        "SELECT (SELECT array_agg(lag) FROM graded_now), "
        "(SELECT count(*) FROM graded_now)"
    )
    params = {
        "ids": ids,
        "statuses": list(statuses),
        "regs": registration_ids,
        "graded": Attempt.Status.GRADED,
        "tz": settings.TIME_ZONE,
        "now": now,
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        lags, written = cursor.fetchone()
    # The grading lag (submitted → graded) for /metrics: first gradings only, a regrade's
    # attempts were submitted long ago.
    if Attempt.Status.GRADED not in statuses:
        grading_lag_observe(lags=[float(lag) for lag in lags or [] if lag is not None])
    return written


# The result row's columns the recompute decides (also `grading.RESULT_FIELDS`, the Python path's).
RESULT_COLUMNS = [
    "best_attempt_id",
    "correct_count",
    "score",
    "duration_ms",
    "finished_at",
    "prediction",
    "prediction_error",
    "graded_attempts",
    "perfect_attempts",
    "days",
    "day_attempts",
    "day_perfect_attempts",
    "rounds_correct_total",
    "perfect_rounds",
    "first_started_at",
]


def _results(source: str) -> str:
    """The CTEs that rewrite the result rows of %(regs)s from the graded attempts `source`
    selects: the rows these registrations should have (contest level: scope 0; each round: its
    id), then UPDATE the rows that differ, INSERT the missing ones and DELETE those whose scope
    has no graded attempt any more (data-modifying CTEs: each sees the table as the statement
    found it, and they touch disjoint rows). `results_written` counts what they wrote."""
    result = _table(Result)
    cols = ", ".join(RESULT_COLUMNS)
    w_cols = ", ".join(f"w.{c}" for c in RESULT_COLUMNS)
    r_cols = ", ".join(f"r.{c}" for c in RESULT_COLUMNS)
    sets = ", ".join(f"{c} = w.{c}" for c in RESULT_COLUMNS)
    same_scope = "r.registration_id = w.registration_id AND coalesce(r.round_id, 0) = w.scope"
    return f"""
        a AS ({source}
        ), scoped AS (
            SELECT a.*, 0::bigint AS scope FROM a
            UNION ALL
            SELECT a.*, a.round_scope FROM a WHERE a.round_scope <> 0
        ), best AS (
            -- scoring.rules.best_attempt.sort_key
            SELECT DISTINCT ON (registration_id, scope)
                   registration_id, scope, id, contest_id, correct_count, score, duration_ms,
                   finished_at, prediction
            FROM scoped
            ORDER BY registration_id, scope, correct_count DESC, duration_ms, finished_at, id
        ), per_day AS (
            SELECT registration_id, scope, day, count(*)::int AS n,
                   (count(*) FILTER (WHERE all_correct))::int AS p, min(started_at) AS first
            FROM scoped GROUP BY registration_id, scope, day
        ), activity AS (
            SELECT registration_id, scope, sum(n)::int AS n, sum(p)::int AS p,
                   min(first) AS first,
                   coalesce(array_agg(day ORDER BY day) FILTER (WHERE day IS NOT NULL),
                            '{{}}') AS days,
                   coalesce(array_agg(n ORDER BY day) FILTER (WHERE day IS NOT NULL),
                            '{{}}') AS day_n,
                   coalesce(array_agg(p ORDER BY day) FILTER (WHERE day IS NOT NULL),
                            '{{}}') AS day_p
            FROM per_day GROUP BY registration_id, scope
        ), rounds AS (
            -- The contest row's cumulative columns, from each round's best (CumulativeRule).
            SELECT b.registration_id, sum(b.correct_count)::int AS total,
                   (count(*) FILTER (WHERE act.p > 0))::int AS perfect
            FROM best AS b JOIN activity AS act USING (registration_id, scope)
            WHERE b.scope <> 0
            GROUP BY b.registration_id
        ), w AS (
            SELECT b.registration_id, b.scope, b.contest_id, nullif(b.scope, 0) AS round_id,
                   b.id AS best_attempt_id, b.correct_count, b.score, b.duration_ms,
                   b.finished_at, b.prediction,
                   abs(b.prediction - CASE WHEN b.scope = 0 THEN c.prediction_actual
                                           ELSE rd.prediction_actual END) AS prediction_error,
                   act.n AS graded_attempts, act.p AS perfect_attempts, act.days,
                   act.day_n AS day_attempts, act.day_p AS day_perfect_attempts,
                   CASE WHEN b.scope = 0 THEN coalesce(rs.total, 0) ELSE 0 END
                       AS rounds_correct_total,
                   CASE WHEN b.scope = 0 THEN coalesce(rs.perfect, 0) ELSE 0 END
                       AS perfect_rounds,
                   act.first AS first_started_at
            FROM best AS b
            JOIN activity AS act USING (registration_id, scope)
            JOIN {_table(Contest)} AS c ON c.id = b.contest_id
            LEFT JOIN {_table(Round)} AS rd ON rd.id = b.scope
            LEFT JOIN rounds AS rs ON rs.registration_id = b.registration_id
        ), updated AS (
            UPDATE {result} AS r SET {sets}, updated_at = %(now)s
            FROM w
            -- No "registration_id = ANY" of the batch's people here: w holds only them, and
            -- the planner rechecked the whole list on every probe (500 × 500 comparisons).
            WHERE {same_scope} AND ({r_cols}) IS DISTINCT FROM ({w_cols})
            RETURNING 1
        ), inserted AS (
            INSERT INTO {result} (registration_id, contest_id, round_id, {cols}, updated_at)
            SELECT w.registration_id, w.contest_id, w.round_id, {w_cols}, %(now)s
            FROM w
            WHERE NOT EXISTS (SELECT 1 FROM {result} AS r WHERE {same_scope})
            RETURNING 1
        ), deleted AS (
            DELETE FROM {result} AS r
            WHERE r.registration_id = ANY (%(regs)s)
              AND NOT EXISTS (SELECT 1 FROM w WHERE {same_scope})
            RETURNING 1
        ), results_written AS (
            SELECT (SELECT count(*) FROM updated) + (SELECT count(*) FROM inserted)
                   + (SELECT count(*) FROM deleted) AS n
        )"""  # noqa: S608 (names from the models)


def results_recompute_sql(*, registration_ids: list[int], now: datetime.datetime) -> int:
    """`grading.results_recompute` in one statement. Returns the number of rows written or
    deleted."""
    source = GRADED_ATTEMPTS.format(attempt=_table(Attempt))
    sql = f"WITH {_results(source)} SELECT n FROM results_written"  # noqa: S608
    params = {
        "regs": registration_ids,
        "graded": Attempt.Status.GRADED,
        "tz": settings.TIME_ZONE,
        "now": now,
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]
