"""Roll-ups: the figures per unit, block, age group, round and day, computed from the raw rows.

What is counted (the same definitions as `reports.selectors.figures_direct`, the test oracle):
- registrants: registrations of the contest;
- attempts: graded attempts (a submitted attempt is graded within seconds; the refresh runs
  every minute, so the figures are at most a minute or two behind);
- perfect attempts: graded attempts with every answer correct;
- participants: distinct registrations with at least one graded attempt;
- best score: the highest score among a participant's graded attempts.

How (the query shape is what makes 7.5 million attempts take seconds, not minutes):
1. The attempts are first reduced to one row per registration (and round, and day) in a
   sub-query ("pre-distinct"): the outer join to registrations then touches 1.5 million rows,
   not 7.5 million, and the distinct count is a plain COUNT(*).
2. The per-registration rows are grouped by the registration's own unit, block and age group:
   these are the *own* rows, a few thousand at most.
3. Subtree totals are sums of own rows over path prefixes, done in Python over the (small)
   list of own rows: no per-row work, no recursive SQL.

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
    """Own UnitRollup, ScoreRollup and DailyRollup rows in one pass over the attempts.

    The attempts are reduced once to one row per (registration, round, day) and joined once to
    the registrations (`x`); per-registration totals (`per_reg`) and the three groupings are
    read from that, in one statement (UNION ALL with a discriminator column)."""
    att = Attempt._meta.db_table
    reg = Registration._meta.db_table
    where, params = _attempt_filter(contest, unit_ids)
    day_sql, day_params = connection.ops.datetime_cast_date_sql(
        "a.finished_at", [], settings.TIME_ZONE
    )
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

    for round_expr, round_where in _round_passes(contest):
        sql = f"""
            WITH x AS (
                SELECT r.unit_id, r.block_id, r.age_group, d.registration_id, d.round_key,
                       d.day, d.n, d.p, d.s, d.c
                FROM (
                    SELECT a.registration_id, {round_expr} AS round_key, {day_sql} AS day,
                           COUNT(*) AS n, SUM(CASE WHEN a.all_correct THEN 1 ELSE 0 END) AS p,
                           MAX(a.score) AS s, MAX(a.correct_count) AS c
                    FROM {att} a
                    WHERE {where}{round_where}
                    GROUP BY 1, 2, 3
                ) d
                JOIN {reg} r ON r.id = d.registration_id
            ),
            per_reg AS (
                SELECT unit_id, block_id, age_group, round_key, SUM(n) AS n, SUM(p) AS p,
                       MAX(s) AS s, MAX(c) AS c, MIN(day) AS first_day
                FROM x
                GROUP BY registration_id, unit_id, block_id, age_group, round_key
            )
            SELECT 1, unit_id, block_id, age_group, round_key, c, NULL,
                   COUNT(*), SUM(n), SUM(p), SUM(s)
            FROM per_reg GROUP BY unit_id, block_id, age_group, round_key, c
            UNION ALL
            SELECT 2, unit_id, NULL, NULL, round_key, NULL, day, COUNT(*), SUM(n), SUM(p), NULL
            FROM x GROUP BY unit_id, round_key, day
            UNION ALL
            SELECT 3, unit_id, NULL, NULL, round_key, NULL, first_day, COUNT(*), NULL, NULL, NULL
            FROM per_reg GROUP BY unit_id, round_key, first_day
        """  # noqa: S608
        rows = _fetch(sql, [*day_params, *params])
        for kind, unit_id, block_id, age, round_key, best, day, people, n, p, s in rows:
            round_key = int(round_key)
            if kind == 1:
                row = unit_rows[(round_key, unit_id, block_id, age)]
                row[1] += people
                row[2] += int(n or 0)
                row[3] += int(p or 0)
                row[4] += Decimal(s or 0)
                score_rows[(round_key, unit_id, int(best or 0))] += people
            elif kind == 2:
                row = daily_rows[(round_key, unit_id, _as_date(day))]
                row[0] += people
                row[2] += int(n or 0)
                row[3] += int(p or 0)
            else:
                daily_rows[(round_key, unit_id, _as_date(day))][1] += people
    return _as_list(unit_rows), _as_list(score_rows), _as_list(daily_rows)


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


def _unit_objects(contest, own_flag, rows):
    for key, v in rows:
        round_key, unit_id, block_id, age = key
        yield UnitRollup(
            contest=contest,
            round_key=round_key,
            unit_id=unit_id,
            own=own_flag,
            block_id=block_id,
            age_group=age,
            registrants=v[0],
            participants=v[1],
            attempts=v[2],
            perfect_attempts=v[3],
            best_score_sum=v[4],
        )


def _score_objects(contest, own_flag, rows):
    for key, v in rows:
        round_key, unit_id, correct = key
        yield ScoreRollup(
            contest=contest,
            round_key=round_key,
            unit_id=unit_id,
            own=own_flag,
            correct_count=correct,
            participants=v[0] if isinstance(v, list) else v,
        )


def _daily_objects(contest, own_flag, rows):
    for key, v in rows:
        round_key, unit_id, day = key
        yield DailyRollup(
            contest=contest,
            round_key=round_key,
            unit_id=unit_id,
            own=own_flag,
            day=day,
            participants=v[0],
            new_participants=v[1],
            attempts=v[2],
            perfect_attempts=v[3],
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


def _lock_state(contest: Contest) -> RollupState:
    RollupState.objects.get_or_create(contest=contest)
    return RollupState.objects.select_for_update().get(contest=contest)


def rollups_recompute(*, contest: Contest) -> dict:
    """Rebuild every roll-up row of the contest from the raw rows. The result is exact at the
    moment the queries ran; the watermarks are set so that the next refresh looks at anything
    graded or registered since the start of this recomputation."""
    started = timezone.now()
    with transaction.atomic():
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
    batch = 2000
    UnitRollup.objects.bulk_create(_unit_objects(contest, True, own_units), batch_size=batch)
    UnitRollup.objects.bulk_create(
        _unit_objects(contest, False, sub_units.items()), batch_size=batch
    )
    ScoreRollup.objects.bulk_create(_score_objects(contest, True, own_scores), batch_size=batch)
    ScoreRollup.objects.bulk_create(
        _score_objects(contest, False, sub_scores.items()), batch_size=batch
    )
    DailyRollup.objects.bulk_create(_daily_objects(contest, True, own_daily), batch_size=batch)
    DailyRollup.objects.bulk_create(
        _daily_objects(contest, False, sub_daily.items()), batch_size=batch
    )
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
                UnitRollup.objects.bulk_create(
                    _unit_objects(contest, True, own_units), batch_size=2000
                )
                ScoreRollup.objects.bulk_create(
                    _score_objects(contest, True, own_scores), batch_size=2000
                )
                DailyRollup.objects.bulk_create(
                    _daily_objects(contest, True, own_daily), batch_size=2000
                )
                all_units, all_scores, all_daily = _load_own(contest)
                sub_units = _subtree(tree, all_units, affected)
                sub_scores = _subtree(tree, all_scores, affected)
                sub_daily = _subtree(tree, all_daily, affected)
                UnitRollup.objects.bulk_create(
                    _unit_objects(contest, False, sub_units.items()), batch_size=2000
                )
                ScoreRollup.objects.bulk_create(
                    _score_objects(contest, False, sub_scores.items()), batch_size=2000
                )
                DailyRollup.objects.bulk_create(
                    _daily_objects(contest, False, sub_daily.items()), batch_size=2000
                )
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
