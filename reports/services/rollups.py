"""Roll-ups: the figures per unit, block, age group, round and day, computed from the raw rows.

What is counted (the same definitions as `reports.selectors.figures_direct`, the test oracle):
- registrants: registrations of the contest;
- attempts: graded attempts (a submitted attempt is graded within seconds; the refresh runs
  every minute, so the figures are at most a minute or two behind);
- perfect attempts: graded attempts with every answer correct;
- participants: distinct registrations with at least one graded attempt;
- best score: the highest score among a participant's graded attempts.

How (the query shape is what makes 7.5 million attempts take seconds, not minutes; figures
in docs/reports.md, "Benchmark"):
1. The attempts are read from a covering partial index (`reports_attempt_rollup_idx`,
   migration 0002: graded attempts by contest, registration and local day, with the columns
   counted), never from the 10 GB table: an index-only scan, already in (registration, day)
   order, so the aggregates below stream without a sort.
2. Two statements per round pass, each "pre-distinct": the attempts are reduced to one row per
   registration (`_per_registration`: attempts, perfect attempts, best score, best number
   correct, first day) or per registration and day (`_per_day`), then joined once to the
   registrations and grouped by the registration's own unit (block, age group): these are the
   *own* rows, a few thousand at most. Distinct counts become plain COUNT(*).
3. Subtree totals are sums of own rows over path prefixes, done in Python over the (small)
   list of own rows: no per-row work, no recursive SQL; rows are written with multi-row
   INSERTs.

`rollups_recompute` rebuilds everything and is the truth. `rollups_refresh` looks at what was
graded (and who registered) since its last run, recomputes the own rows of exactly those units
and the subtree rows of those units and their ancestors. Both are safe to run twice and run
under a lock on the contest's RollupState row."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from contests.models import Contest, Unit
from participants.models import Registration
from reports.models import DailyRollup, RollupState, ScoreRollup, UnitRollup
from scoring.models import Attempt

# Attempts graded this long before the watermark are looked at again: a grading transaction
# that committed late (its graded_at is older than a refresh that already ran) is not missed.
# Recomputing a unit twice is harmless: own rows are rebuilt, never incremented.
REFRESH_LAG = datetime.timedelta(minutes=5)
# Above this many touched units a refresh simply recomputes everything.
REFRESH_MAX_UNITS = 400


@dataclass
class _Tree:
    """The contest's participation subtree: id -> path, path -> id."""

    path_of: dict[int, str]
    id_of: dict[str, int]
    root_path: str

    def ancestors_and_self(self, unit_id: int) -> list[int]:
        path = self.path_of.get(unit_id)
        if path is None:
            return []
        step = Unit.steplen
        out = []
        for end in range(len(self.root_path), len(path) + 1, step):
            uid = self.id_of.get(path[:end])
            if uid is not None:
                out.append(uid)
        return out


def _tree(contest: Contest) -> _Tree:
    root = Unit.objects.only("path").get(pk=contest.participation_root_id)
    rows = Unit.objects.filter(path__startswith=root.path).values_list("id", "path")
    path_of = dict(rows)
    return _Tree(path_of=path_of, id_of={p: i for i, p in path_of.items()}, root_path=root.path)


def _in_units(column: str, unit_ids: list[int] | None) -> tuple[str, list]:
    if unit_ids is None:
        return "", []
    placeholders = ", ".join(["%s"] * len(unit_ids))
    return f" AND {column} IN ({placeholders})", list(unit_ids)


def _fetch(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _attempt_filter(contest: Contest, unit_ids: list[int] | None) -> tuple[str, list]:
    """WHERE clause of the attempt sub-queries: the contest's graded attempts, restricted to
    registrations of the given units when refreshing."""
    reg = Registration._meta.db_table
    sql = "a.contest_id = %s AND a.status = %s"
    params: list = [contest.pk, Attempt.Status.GRADED]
    if unit_ids is not None:
        extra, extra_params = _in_units("unit_id", unit_ids)
        sql += f" AND a.registration_id IN (SELECT id FROM {reg} WHERE contest_id = %s{extra})"  # noqa: S608
        params += [contest.pk, *extra_params]
    return sql, params


def _round_passes(contest: Contest) -> list[tuple[str, str]]:
    """(expression for round_key, extra WHERE) per pass: the whole contest, then by round
    when the contest has rounds."""
    passes = [("0", "")]
    if contest.rounds.exists():
        passes.append(("a.round_id", " AND a.round_id IS NOT NULL"))
    return passes


def _own_rows(contest: Contest, unit_ids: list[int] | None) -> tuple[list, list, list]:
    """Own UnitRollup, ScoreRollup and DailyRollup rows: registrants from the registrations,
    then per round pass two statements over the attempts (see `_per_registration` and
    `_per_day`)."""
    reg = Registration._meta.db_table
    unit_rows: dict[tuple, list] = defaultdict(lambda: [0, 0, 0, 0, Decimal(0)])
    score_rows: dict[tuple, int] = defaultdict(int)
    daily_rows: dict[tuple, list] = defaultdict(lambda: [0, 0, 0, 0])

    extra, extra_params = _in_units("unit_id", unit_ids)
    for unit_id, block_id, age_group, count in _fetch(
        f"SELECT unit_id, block_id, age_group, COUNT(*) FROM {reg} "  # noqa: S608
        f"WHERE contest_id = %s{extra} GROUP BY unit_id, block_id, age_group",
        [contest.pk, *extra_params],
    ):
        unit_rows[(0, unit_id, block_id, age_group)][0] += count

    where, params = _attempt_filter(contest, unit_ids)
    day_sql, day_params = _day_sql()
    for round_expr, round_where in _round_passes(contest):
        _per_registration(
            unit_rows,
            score_rows,
            daily_rows,
            where + round_where,
            params,
            round_expr,
            day_sql,
            day_params,
        )
        _per_day(daily_rows, where + round_where, params, round_expr, day_sql, day_params)
    return _as_list(unit_rows), _as_list(score_rows), _as_list(daily_rows)


def _day_sql() -> tuple[str, list]:
    """The local date of an attempt's finish, written exactly as the covering index
    `reports_attempt_rollup_idx` (migration 0002) has it, so that PostgreSQL reads it from the
    index, already in (registration, day) order."""
    sql, params = connection.ops.datetime_cast_date_sql("a.finished_at", [], settings.TIME_ZONE)
    return sql, list(params)


def _per_registration(
    unit_rows, score_rows, daily_rows, where, params, round_expr, day_sql, day_params
) -> None:
    """Attempts reduced to one row per registration ("pre-distinct": a streaming aggregate over
    the covering index, in registration order), joined once to the registrations, grouped
    by unit × block × age group × best number correct (participants, attempts, perfect
    attempts, best scores) and by unit × first day (new participants). PostgreSQL does both
    groupings in one pass (GROUPING SETS); elsewhere one finer grouping is folded here."""
    att = Attempt._meta.db_table
    reg = Registration._meta.db_table
    pg = connection.vendor == "postgresql"
    round_group = "" if round_expr == "0" else f", {round_expr}"
    if pg:
        kind = "GROUPING(d.first_day)"
        group = (
            "GROUPING SETS ((d.round_key, r.unit_id, r.block_id, r.age_group, d.c), "
            "(d.round_key, r.unit_id, d.first_day))"
        )
    else:
        kind = "2"
        group = "d.round_key, r.unit_id, r.block_id, r.age_group, d.c, d.first_day"
    sql = f"""
        SELECT {kind}, d.round_key, r.unit_id, r.block_id, r.age_group, d.c, d.first_day,
               COUNT(*), SUM(d.n), SUM(d.p), SUM(d.s)
        FROM (
            SELECT a.registration_id, {round_expr} AS round_key, COUNT(*) AS n,
                   SUM(CASE WHEN a.all_correct THEN 1 ELSE 0 END) AS p, MAX(a.score) AS s,
                   MAX(a.correct_count) AS c, MIN({day_sql}) AS first_day
            FROM {att} a
            WHERE {where}
            GROUP BY a.registration_id{round_group}
        ) d
        JOIN {reg} r ON r.id = d.registration_id AND r.contest_id = %s
        GROUP BY {group}
    """  # noqa: S608
    for kind, round_key, unit_id, block_id, age, best, day, people, n, p, s in _fetch(
        sql,
        [*day_params, *params, params[0]],  # params[0]: the contest
    ):
        round_key = int(round_key)
        if kind != 0:  # the unit × block × age group × best grouping (or both, folded)
            row = unit_rows[(round_key, unit_id, block_id, age)]
            row[1] += people
            row[2] += int(n or 0)
            row[3] += int(p or 0)
            row[4] += Decimal(s or 0)
            score_rows[(round_key, unit_id, int(best or 0))] += people
        if kind != 1:  # the unit × first day grouping (or both, folded)
            daily_rows[(round_key, unit_id, _as_date(day))][1] += people


def _per_day(daily_rows, where, params, round_expr, day_sql, day_params) -> None:
    """Attempts reduced to one row per registration and day (read in that order from the
    covering index: no sort), joined to the registrations, grouped by unit × day: distinct
    participants that day, attempts, perfect attempts. (The join repeats the contest: the
    hash then holds this contest's registrations, not every contest's: 2.2 s → 0.9 s for a
    contest of 165 k people next to one of 1.65 M.)"""
    att = Attempt._meta.db_table
    reg = Registration._meta.db_table
    round_group = "" if round_expr == "0" else f", {round_expr}"
    sql = f"""
        SELECT d.round_key, r.unit_id, d.day, COUNT(*), SUM(d.n), SUM(d.p)
        FROM (
            SELECT a.registration_id, {day_sql} AS day, {round_expr} AS round_key,
                   COUNT(*) AS n, SUM(CASE WHEN a.all_correct THEN 1 ELSE 0 END) AS p
            FROM {att} a
            WHERE {where}
            GROUP BY a.registration_id, {day_sql}{round_group}
        ) d
        JOIN {reg} r ON r.id = d.registration_id AND r.contest_id = %s
        GROUP BY d.round_key, r.unit_id, d.day
    """  # noqa: S608
    for round_key, unit_id, day, people, n, p in _fetch(
        sql, [*day_params, *params, *day_params, params[0]]
    ):
        row = daily_rows[(int(round_key), unit_id, _as_date(day))]
        row[0] += people
        row[2] += int(n or 0)
        row[3] += int(p or 0)


def _as_date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, str):
        return datetime.date.fromisoformat(value[:10])
    return value


def _as_list(rows: dict) -> list:
    return [(key, value) for key, value in rows.items()]


def _subtree(tree: _Tree, own: list, only: set[int] | None) -> dict:
    """Sum own rows (keys start with round_key, unit_id) into every ancestor's subtree row;
    only the units in `only` when given."""
    out: dict[tuple, list] = {}
    for key, values in own:
        round_key, unit_id, *rest = key
        for ancestor in tree.ancestors_and_self(unit_id):
            if only is not None and ancestor not in only:
                continue
            k = (round_key, ancestor, *rest)
            acc = out.get(k)
            if acc is None:
                out[k] = list(values) if isinstance(values, list) else [values]
            else:
                vals = values if isinstance(values, list) else [values]
                for i, v in enumerate(vals):
                    acc[i] += v
    return out


UNIT_COLUMNS = (
    "contest_id",
    "round_key",
    "unit_id",
    "own",
    "block_id",
    "age_group",
    "registrants",
    "participants",
    "attempts",
    "perfect_attempts",
    "best_score_sum",
)
SCORE_COLUMNS = ("contest_id", "round_key", "unit_id", "own", "correct_count", "participants")
DAILY_COLUMNS = (
    "contest_id",
    "round_key",
    "unit_id",
    "own",
    "day",
    "participants",
    "new_participants",
    "attempts",
    "perfect_attempts",
)


def _unit_objects(contest, own_flag, rows):
    """UnitRollup rows as tuples in UNIT_COLUMNS order (likewise below)."""
    for (round_key, unit_id, block_id, age), v in rows:
        yield (
            contest.pk,
            round_key,
            unit_id,
            own_flag,
            block_id,
            age,
            v[0],
            v[1],
            v[2],
            v[3],
            v[4],
        )


def _score_objects(contest, own_flag, rows):
    for (round_key, unit_id, correct), v in rows:
        yield (
            contest.pk,
            round_key,
            unit_id,
            own_flag,
            correct,
            v[0] if isinstance(v, list) else v,
        )


def _daily_objects(contest, own_flag, rows):
    for (round_key, unit_id, day), v in rows:
        yield (contest.pk, round_key, unit_id, own_flag, day, v[0], v[1], v[2], v[3])


_COLUMNS = {UnitRollup: UNIT_COLUMNS, ScoreRollup: SCORE_COLUMNS, DailyRollup: DAILY_COLUMNS}


def _insert(model, rows) -> None:
    """Insert roll-up rows (tuples in the model's *_COLUMNS order): one multi-row INSERT per
    5,000 rows (psycopg2's execute_values) on PostgreSQL, where building model instances for
    Django's bulk_create took about three of the recomputation's seconds on 30,000 rows;
    bulk_create elsewhere."""
    columns = _COLUMNS[model]
    if connection.vendor != "postgresql":
        model.objects.bulk_create(
            (model(**dict(zip(columns, row, strict=True))) for row in rows), batch_size=2000
        )
        return
    from psycopg2.extras import execute_values

    rows = list(rows)
    if not rows:
        return
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        execute_values(
            cursor.cursor,
            f"INSERT INTO {quote(model._meta.db_table)} "  # noqa: S608
            f"({', '.join(quote(c) for c in columns)}) VALUES %s",
            rows,
            page_size=5000,
        )


def _load_own(contest: Contest) -> tuple[list, list, list]:
    unit_rows = [
        (
            (r.round_key, r.unit_id, r.block_id, r.age_group),
            [r.registrants, r.participants, r.attempts, r.perfect_attempts, r.best_score_sum],
        )
        for r in UnitRollup.objects.filter(contest=contest, own=True)
    ]
    score_rows = [
        ((r.round_key, r.unit_id, r.correct_count), r.participants)
        for r in ScoreRollup.objects.filter(contest=contest, own=True)
    ]
    daily_rows = [
        (
            (r.round_key, r.unit_id, r.day),
            [r.participants, r.new_participants, r.attempts, r.perfect_attempts],
        )
        for r in DailyRollup.objects.filter(contest=contest, own=True)
    ]
    return unit_rows, score_rows, daily_rows


# PostgreSQL settings for the roll-up transaction (SET LOCAL: they end with it), measured at
# 1.5 M participants / 7.5 M attempts (docs/reports.md, "Benchmark"): enough memory for the
# 1.5 M-row hash of per-registration rows (no batches spilled to disk); no JIT (its compile
# time exceeded its gain); no parallel workers (the per-day statement got a plan in which
# every worker scanned the whole index, and the other gained nothing on two shared cores).
SESSION_SETTINGS = {
    "work_mem": "256MB",
    "jit": "off",
    "max_parallel_workers_per_gather": "0",
}


def _tune_session() -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for name, value in SESSION_SETTINGS.items():
            cursor.execute("SELECT set_config(%s, %s, true)", [name, value])


def _lock_state(contest: Contest) -> RollupState:
    RollupState.objects.get_or_create(contest=contest)
    return RollupState.objects.select_for_update().get(contest=contest)


def rollups_recompute(*, contest: Contest) -> dict:
    """Rebuild every roll-up row of the contest from the raw rows. The result is exact at the
    moment the queries ran; the watermarks are set so that the next refresh looks at anything
    graded or registered since the start of this recomputation."""
    started = timezone.now()
    with transaction.atomic():
        _tune_session()
        state = _lock_state(contest)
        last_reg = (
            Registration.objects.filter(contest=contest)
            .order_by("-id")
            .values_list("id", flat=True)
        ).first() or 0
        tree = _tree(contest)
        own_units, own_scores, own_daily = _own_rows(contest, None)
        for model in (UnitRollup, ScoreRollup, DailyRollup):
            model.objects.filter(contest=contest).delete()
        written = _write(contest, tree, own_units, own_scores, own_daily, only=None)
        state.graded_watermark = started
        state.registration_watermark = last_reg
        state.recomputed_at = state.refreshed_at = timezone.now()
        state.save()
    return {"mode": "recompute", "units": len(tree.path_of), **written}


def _write(contest, tree, own_units, own_scores, own_daily, *, only) -> dict:
    sub_units = _subtree(tree, own_units, only)
    sub_scores = _subtree(tree, own_scores, only)
    sub_daily = _subtree(tree, own_daily, only)
    _insert(UnitRollup, _unit_objects(contest, True, own_units))
    _insert(UnitRollup, _unit_objects(contest, False, sub_units.items()))
    _insert(ScoreRollup, _score_objects(contest, True, own_scores))
    _insert(ScoreRollup, _score_objects(contest, False, sub_scores.items()))
    _insert(DailyRollup, _daily_objects(contest, True, own_daily))
    _insert(DailyRollup, _daily_objects(contest, False, sub_daily.items()))
    return {
        "unit_rows": len(own_units) + len(sub_units),
        "score_rows": len(own_scores) + len(sub_scores),
        "daily_rows": len(own_daily) + len(sub_daily),
    }


def rollups_refresh(*, contest: Contest) -> dict:
    """Bring the roll-ups up to date with what was graded and registered since the last run:
    the own rows of every unit with such a registration are recomputed from the raw rows, then
    the subtree rows of those units and all their ancestors are rebuilt from the own rows.
    Never increments; a first run (or a large change) is a full recomputation."""
    state = RollupState.objects.filter(contest=contest).first()
    if state is None or state.graded_watermark is None:
        return rollups_recompute(contest=contest)
    started = timezone.now()
    with transaction.atomic():
        _tune_session()
        state = _lock_state(contest)
        since = state.graded_watermark - REFRESH_LAG
        graded_units = set(
            Attempt.objects.filter(contest=contest, graded_at__gte=since)
            .values_list("registration__unit_id", flat=True)
            .distinct()
        )
        new_regs = Registration.objects.filter(contest=contest, id__gt=state.registration_watermark)
        reg_units = set(new_regs.values_list("unit_id", flat=True).distinct())
        last_reg = new_regs.order_by("-id").values_list("id", flat=True).first()
        touched = sorted(graded_units | reg_units)
        if len(touched) <= REFRESH_MAX_UNITS:
            tree = _tree(contest)
            affected: set[int] = set()
            for unit_id in touched:
                affected.update(tree.ancestors_and_self(unit_id))
            if touched:
                own_units, own_scores, own_daily = _own_rows(contest, touched)
                for model in (UnitRollup, ScoreRollup, DailyRollup):
                    model.objects.filter(contest=contest, own=True, unit_id__in=touched).delete()
                    model.objects.filter(contest=contest, own=False, unit_id__in=affected).delete()
                # Insert the new own rows, then rebuild the affected subtree rows from all own
                # rows (the untouched units' own rows are still exact).
                _insert(UnitRollup, _unit_objects(contest, True, own_units))
                _insert(ScoreRollup, _score_objects(contest, True, own_scores))
                _insert(DailyRollup, _daily_objects(contest, True, own_daily))
                all_units, all_scores, all_daily = _load_own(contest)
                sub_units = _subtree(tree, all_units, affected)
                sub_scores = _subtree(tree, all_scores, affected)
                sub_daily = _subtree(tree, all_daily, affected)
                _insert(UnitRollup, _unit_objects(contest, False, sub_units.items()))
                _insert(ScoreRollup, _score_objects(contest, False, sub_scores.items()))
                _insert(DailyRollup, _daily_objects(contest, False, sub_daily.items()))
            state.graded_watermark = started
            if last_reg is not None:
                state.registration_watermark = last_reg
            state.refreshed_at = timezone.now()
            state.save()
            return {"mode": "refresh", "units": len(touched), "affected": len(affected)}
    # Too many units touched: the full recomputation is cheaper than many small ones.
    return rollups_recompute(contest=contest)


def rollups_refresh_all() -> dict[str, dict]:
    """Refresh the roll-ups of every contest that is open or closed less than a day ago."""
    now = timezone.now()
    contests = Contest.objects.filter(
        opens_at__lte=now, closes_at__gte=now - datetime.timedelta(days=1)
    )
    out = {}
    for contest in contests:
        out[contest.slug] = rollups_refresh(contest=contest)
    return out


def rollups_recompute_open() -> dict[str, dict]:
    """Full recomputation for every contest open now or closed less than a day ago."""
    now = timezone.now()
    contests = Contest.objects.filter(
        opens_at__lte=now, closes_at__gte=now - datetime.timedelta(days=1)
    )
    return {c.slug: rollups_recompute(contest=c) for c in contests}
