"""Roll-ups: the figures per unit, block, age group, category, round and day, computed from the
registrations and the per-person result rows.

What is counted (the same definitions as `direct_counts` in tests/reports/conftest.py, the
test oracle, which counts the raw attempts):
- registrants: registrations of the contest;
- attempts: graded attempts (a submitted attempt is graded within seconds; the refresh runs
  every minute, so the figures are at most a minute or two behind);
- perfect attempts: graded attempts with every answer correct;
- participants: distinct registrations with at least one graded attempt;
- best score: the score of the participant's best attempt (`Result.score`; the highest score
  whenever the attempts have the same number of questions, as they do);
- per local day (Asia/Ho_Chi_Minh date of the finish): participants that day, new participants
  (first graded attempt that day), attempts, perfect attempts.

How (figures in docs/reports.md, "Benchmark"):
1. The source is `scoring.Result`, one row per participant and scope (contest level, and per
   round), which grading rewrites from all the person's graded attempts in the same
   transaction (`scoring.services.grading.results_recompute`): besides the best attempt it
   holds the number of graded and of perfect attempts and, per local day, the same two counts
   (parallel lists sorted by day). The attempts are not read at all.
2. *Own* rows (a unit's own registrations, a few thousand rows): two statements, each one hash
   join of the result rows with the registrations, grouped by the registration's own unit
   (block, age group, category; or day): `_per_person` and `_per_day`, written with COPY.
3. *Subtree* rows: the own rows joined with the tree's (ancestor, descendant) pairs
   (`RollupTree`) and summed, by the database (`_subtree_write`, portable SQL): the tree is
   joined after the aggregation, so only the small own rows are multiplied by its depth.

`rollups_recompute` rebuilds everything and is the truth. `rollups_refresh` looks at what was
graded (and who registered) since its last run, recomputes the own rows of exactly those units
and re-sums the subtree rows of those units and their ancestors; a changed tree (a unit moved,
added or removed: its fingerprint, `RollupState.tree_hash`) re-sums every subtree row. Both
are safe to run twice and run under a lock on the contest's RollupState row."""

from __future__ import annotations

import datetime
import hashlib
import io
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from contests.models import Contest, Unit
from participants.models import Registration
from reports.models import DailyRollup, RollupState, RollupTree, ScoreRollup, UnitRollup
from scoring.models import Attempt, Result

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

    def fingerprint(self) -> str:
        """Changes whenever a unit of the tree is moved, added or removed (or the contest's
        participation root changes): the subtree rows were summed over another tree."""
        text = ";".join(f"{i}:{p}" for i, p in sorted(self.path_of.items()))
        return hashlib.sha1(f"{self.root_path}|{text}".encode(), usedforsecurity=False).hexdigest()


def _tree(contest: Contest) -> _Tree:
    root = Unit.objects.only("path").get(pk=contest.participation_root_id)
    rows = Unit.objects.filter(path__startswith=root.path).values_list("id", "path")
    path_of = dict(rows)
    return _Tree(path_of=path_of, id_of={p: i for i, p in path_of.items()}, root_path=root.path)


def _tree_store(contest: Contest, tree: _Tree) -> None:
    """Rewrite the contest's (ancestor, descendant) pairs (1,600 units: about 6,000 rows)."""
    RollupTree.objects.filter(contest=contest).delete()
    pairs = (
        (contest.pk, ancestor, unit_id)
        for unit_id in tree.path_of
        for ancestor in tree.ancestors_and_self(unit_id)
    )
    _insert(RollupTree, pairs)


def _in_units(column: str, unit_ids: list[int] | None) -> tuple[str, list]:
    if unit_ids is None:
        return "", []
    placeholders = ", ".join(["%s"] * len(unit_ids))
    return f" AND {column} IN ({placeholders})", list(unit_ids)


def _fetch(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _as_date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, str):
        return datetime.date.fromisoformat(value[:10])
    return value


def _execute(sql: str, params: list) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return max(cursor.rowcount, 0)


def _own_write(contest: Contest, unit_ids: list[int] | None) -> dict:
    """Write the own UnitRollup, ScoreRollup and DailyRollup rows (of the given units only
    when refreshing; their old own rows are deleted by the caller). PostgreSQL: two aggregate
    statements (for a few units too: reading their 9,573 people's rows through the ORM and
    folding them took 0.24-0.68 s against 0.15-0.26 s, at 1/5 scale). The embedded SQLite
    demo: the people's rows read once and folded by `own_rows_fold`."""
    unit_rows: dict[tuple, list] = defaultdict(lambda: [0, 0, 0, 0, Decimal(0)])
    score_rows: dict[tuple, int] = defaultdict(int)
    daily_rows: dict[tuple, list] = defaultdict(lambda: [0, 0, 0, 0])
    if connection.vendor == "postgresql":
        _per_person(unit_rows, score_rows, contest, unit_ids)
        _per_day(daily_rows, contest, unit_ids)
    else:
        own_rows_fold(_people(contest, unit_ids), unit_rows, score_rows, daily_rows)
    _insert(UnitRollup, _unit_objects(contest, unit_rows.items()))
    _insert(ScoreRollup, _score_objects(contest, score_rows.items()))
    _insert(DailyRollup, _daily_objects(contest, daily_rows.items()))
    return {
        "unit_rows": len(unit_rows),
        "score_rows": len(score_rows),
        "daily_rows": len(daily_rows),
    }


def _people(contest: Contest, unit_ids: list[int] | None):
    """Every registration of the contest (of the given units) with each of its result rows,
    or once with nothing when it has none: the rows `own_rows_fold` counts. Read through the
    registrations' (contest, unit) index and the results' registration index."""
    regs = Registration.objects.filter(contest=contest)
    if unit_ids is not None:
        regs = regs.filter(unit_id__in=unit_ids)
    return regs.values_list(
        "unit_id",
        "block_id",
        "age_group",
        "category_id",
        "results__id",
        "results__round_id",
        "results__correct_count",
        "results__graded_attempts",
        "results__perfect_attempts",
        "results__score",
        "results__days",
        "results__day_attempts",
        "results__day_perfect_attempts",
    ).iterator(chunk_size=5000)


def own_rows_fold(people, unit_rows, score_rows, daily_rows) -> None:
    """The own rows' rule, row by row (the aggregate statements `_per_person` and `_per_day`
    compute the same for a whole contest on PostgreSQL): `people` are (unit, block, age
    group, category, result id, round, best correct, graded attempts, perfect attempts, best
    score, days, attempts per day, perfect attempts per day), one per result row of a
    registration, or one with the result fields empty for a registration without any. A
    registration counts as a registrant once, on its contest-level row (round empty); a
    result row makes a participant of its round key (0: the contest), with its attempts,
    best score and best number correct, and per day: a participant that day, new on the
    first (the days are sorted), its attempts and perfect attempts."""
    for (
        unit_id,
        block_id,
        age,
        category_id,
        result_id,
        round_id,
        best,
        n,
        p,
        score,
        *lists,
    ) in people:
        round_key = round_id or 0
        row = unit_rows[(round_key, unit_id, block_id, age, category_id)]
        if round_id is None:
            row[0] += 1
        if result_id is None:
            continue
        row[1] += 1
        row[2] += n
        row[3] += p
        row[4] += Decimal(score)
        score_rows[(round_key, unit_id, best)] += 1
        days, attempts, perfect = lists
        for position, (day, day_n, day_p) in enumerate(zip(days, attempts, perfect, strict=True)):
            day_row = daily_rows[(round_key, unit_id, _as_date(day))]
            day_row[0] += 1
            day_row[1] += int(position == 0)
            day_row[2] += day_n
            day_row[3] += day_p


def _per_person(unit_rows, score_rows, contest: Contest, unit_ids: list[int] | None) -> None:
    """One statement (portable SQL): every registration of the contest left-joined to its
    result rows (none; the contest level, round key 0; one per round with attempts), grouped
    by round key × unit × block × age group × category × best number correct. Registrants are
    the round key 0 rows (a registration without a result has exactly one, null-extended);
    participants the result rows. (The category is mostly the block's: few extra groups.)"""
    reg = Registration._meta.db_table
    res = Result._meta.db_table
    extra, extra_params = _in_units("r.unit_id", unit_ids)
    sql = f"""
        SELECT COALESCE(x.round_id, 0), r.unit_id, r.block_id, r.age_group, r.category_id,
               x.correct_count, COUNT(*), COUNT(x.id), SUM(x.graded_attempts),
               SUM(x.perfect_attempts), SUM(x.score)
        FROM {reg} r
        LEFT JOIN {res} x ON x.registration_id = r.id
        WHERE r.contest_id = %s{extra}
        GROUP BY COALESCE(x.round_id, 0), r.unit_id, r.block_id, r.age_group, r.category_id,
                 x.correct_count
    """  # noqa: S608
    for round_key, unit_id, block_id, age, category_id, best, rows, people, n, p, s in _fetch(
        sql, [contest.pk, *extra_params]
    ):
        round_key = int(round_key)
        row = unit_rows[(round_key, unit_id, block_id, age, category_id)]
        if round_key == 0:
            row[0] += rows
        if people:
            row[1] += people
            row[2] += int(n or 0)
            row[3] += int(p or 0)
            row[4] += Decimal(s or 0)
            score_rows[(round_key, unit_id, int(best or 0))] += people


def _per_day(daily_rows, contest: Contest, unit_ids: list[int] | None) -> None:
    """PostgreSQL: the result rows joined to the registrations and their day lists unnested
    (2.4 days per person at full scale), grouped by round key × unit × day: participants that
    day, new participants (the day is the person's first: the lists are sorted by day),
    attempts, perfect attempts. The unnest is in the select list (one ProjectSet node): as a
    LATERAL function scan it materialised each row's lists, 8.6–9.3 s against 5.2–5.9 s at
    full scale. Fetched and written with COPY, not INSERT … SELECT: PostgreSQL plans no
    parallel worker for an INSERT, and the statement took 3.9–4.8 s instead of 1.0–1.4 s at
    1/5 scale. (The join repeats the contest: the hash then holds this contest's
    registrations, not every contest's.)"""
    reg = Registration._meta.db_table
    res = Result._meta.db_table
    extra, extra_params = _in_units("r.unit_id", unit_ids)
    sql = f"""
        SELECT d.round_key, d.unit_id, d.day, COUNT(*),
               SUM(CASE WHEN d.day = d.first_day THEN 1 ELSE 0 END), SUM(d.n), SUM(d.p)
        FROM (
            SELECT COALESCE(x.round_id, 0) AS round_key, r.unit_id, x.days[1] AS first_day,
                   unnest(x.days) AS day, unnest(x.day_attempts) AS n,
                   unnest(x.day_perfect_attempts) AS p
            FROM {res} x
            JOIN {reg} r ON r.id = x.registration_id AND r.contest_id = %s{extra}
            WHERE x.contest_id = %s
        ) d
        GROUP BY d.round_key, d.unit_id, d.day
    """  # noqa: S608
    for round_key, unit_id, day, people, new, n, p in _fetch(
        sql, [contest.pk, *extra_params, contest.pk]
    ):
        row = daily_rows[(int(round_key), unit_id, _as_date(day))]
        row[0] += people
        row[1] += int(new or 0)
        row[2] += int(n or 0)
        row[3] += int(p or 0)


# The subtree rows: each table's own rows joined with the tree pairs and summed per ancestor,
# in the database (portable SQL). `grouped` are the columns a subtree row is keyed by besides
# the unit, `summed` its figures.
_SUBTREE = {
    UnitRollup: (
        ("block_id", "age_group", "category_id"),
        ("registrants", "participants", "attempts", "perfect_attempts", "best_score_sum"),
    ),
    ScoreRollup: (("correct_count",), ("participants",)),
    DailyRollup: (("day",), ("participants", "new_participants", "attempts", "perfect_attempts")),
}


def _subtree_write(contest: Contest, ancestors: set[int] | None) -> int:
    """Write the subtree rows of `ancestors` (every unit of the tree when None; their old
    subtree rows are deleted by the caller) as sums of the own rows below them."""
    quote = connection.ops.quote_name
    pairs = RollupTree._meta.db_table
    extra, extra_params = _in_units("t.ancestor", sorted(ancestors) if ancestors else None)
    if ancestors is not None and not ancestors:
        return 0
    _tune_session(SUMS_SETTINGS)
    written = 0
    for model, (grouped, summed) in _SUBTREE.items():
        keys = ", ".join(f"o.{quote(c)}" for c in grouped)
        sums = ", ".join(f"SUM(o.{quote(c)})" for c in summed)
        columns = ", ".join(
            quote(c) for c in ("contest_id", "round_key", "unit_id", "own", *grouped, *summed)
        )
        sql = f"""
            INSERT INTO {quote(model._meta.db_table)} ({columns})
            SELECT o.contest_id, o.round_key, t.ancestor, %s, {keys}, {sums}
            FROM {quote(model._meta.db_table)} o
            JOIN {quote(pairs)} t ON t.contest_id = o.contest_id AND t.descendant = o.unit_id
            WHERE o.contest_id = %s AND o.own = %s{extra}
            GROUP BY o.contest_id, o.round_key, t.ancestor, {keys}
        """  # noqa: S608
        written += _execute(sql, [False, contest.pk, True, *extra_params])
    return written


UNIT_COLUMNS = (
    "contest_id",
    "round_key",
    "unit_id",
    "own",
    "block_id",
    "age_group",
    "category_id",
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


def _unit_objects(contest, rows):
    """Own UnitRollup rows as tuples in UNIT_COLUMNS order (likewise below)."""
    for (round_key, unit_id, block_id, age, category_id), v in rows:
        yield (contest.pk, round_key, unit_id, True, block_id, age, category_id, *v)


def _score_objects(contest, rows):
    for (round_key, unit_id, correct), people in rows:
        yield (contest.pk, round_key, unit_id, True, correct, people)


def _daily_objects(contest, rows):
    for (round_key, unit_id, day), v in rows:
        yield (contest.pk, round_key, unit_id, True, day, *v)


_COLUMNS = {
    UnitRollup: UNIT_COLUMNS,
    ScoreRollup: SCORE_COLUMNS,
    DailyRollup: DAILY_COLUMNS,
    RollupTree: ("contest_id", "ancestor", "descendant"),
}


def _insert(model, rows) -> None:
    """Insert rows (tuples in the model's _COLUMNS order): one COPY on PostgreSQL (20,000
    daily rows: 1.45 s as multi-row INSERTs through psycopg2's execute_values, 0.5 s as COPY;
    building model instances for bulk_create cost more still), bulk_create elsewhere."""
    columns = _COLUMNS[model]
    if connection.vendor != "postgresql":
        model.objects.bulk_create(
            (model(**dict(zip(columns, row, strict=True))) for row in rows), batch_size=2000
        )
        return
    buffer = io.StringIO()
    buffer.writelines(_copy_line(row) for row in rows)
    if not buffer.tell():
        return
    buffer.seek(0)
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(
            f"COPY {quote(model._meta.db_table)} ({', '.join(quote(c) for c in columns)}) "
            "FROM STDIN",
            buffer,
        )


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_value(value) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, str):
        return value.translate(_COPY_ESCAPES)
    return str(value)  # int, Decimal, date


def _copy_line(row: tuple) -> str:
    """One row in COPY's text format."""
    return "\t".join(_copy_value(v) for v in row) + "\n"


# PostgreSQL settings for the roll-up transaction (SET LOCAL: they end with it), measured at
# 1.5 M participants (docs/reports.md, "Benchmark"): enough memory for the 1.65 M-row hash of
# registrations; no JIT (its compile time exceeded its gain); for a full recomputation one
# parallel worker, with the costs that make the planner take it (a parallel hash join: both
# cores, 10.3-12.5 s → 6.7-7.8 s), and no sorts (the planner expects up to 1.65 M groups where
# there are 5,000 and chose a sort of every row, 4.6 s, over a hash aggregate).
SESSION_SETTINGS = {
    "work_mem": "256MB",
    "jit": "off",
    "max_parallel_workers_per_gather": "1",
    "parallel_setup_cost": "0",
    "parallel_tuple_cost": "0.0001",
    "enable_sort": "off",
}
# A refresh's own rows: the touched units' registrations through their index, each one's
# result rows through theirs (nested loops: time in proportion to the people of those units;
# the planner's hash join read all 1.5 M result rows for ten units, 0.2 s at 1/5 scale).
UNITS_SETTINGS = {
    "work_mem": "256MB",
    "jit": "off",
    "enable_hashjoin": "off",
    "enable_mergejoin": "off",
    "max_parallel_workers_per_gather": "0",
}
# The subtree sums: own rows (tens of thousands) hashed against the tree pairs. The pairs
# were just rewritten, so their statistics are stale: the planner took a nested loop over an
# index without the round key, 1.3-1.8 s for the daily rows at 1/5 scale instead of 0.05 s.
SUMS_SETTINGS = {
    "jit": "off",
    "enable_nestloop": "off",
    "enable_hashjoin": "on",
    "enable_sort": "off",
    "max_parallel_workers_per_gather": "0",
}


def _tune_session(settings: dict[str, str]) -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for name, value in settings.items():
            cursor.execute("SELECT set_config(%s, %s, true)", [name, value])


def _lock_state(contest: Contest) -> RollupState:
    RollupState.objects.get_or_create(contest=contest)
    return RollupState.objects.select_for_update().get(contest=contest)


_ROLLUPS = (UnitRollup, ScoreRollup, DailyRollup)


def rollups_recompute(*, contest: Contest) -> dict:
    """Rebuild every roll-up row of the contest (and its tree pairs) from the raw rows. The
    result is exact at the moment the queries ran; the watermarks are set so that the next
    refresh looks at anything graded or registered since the start of this recomputation."""
    started = timezone.now()
    with transaction.atomic():
        _tune_session(SESSION_SETTINGS)
        state = _lock_state(contest)
        last_reg = (
            Registration.objects.filter(contest=contest)
            .order_by("-id")
            .values_list("id", flat=True)
        ).first() or 0
        tree = _tree(contest)
        _tree_store(contest, tree)
        for model in _ROLLUPS:
            model.objects.filter(contest=contest).delete()
        written = _own_write(contest, None)
        written["subtree_rows"] = _subtree_write(contest, None)
        state.graded_watermark = started
        state.registration_watermark = last_reg
        state.tree_hash = tree.fingerprint()
        state.recomputed_at = state.refreshed_at = timezone.now()
        state.save()
    return {"mode": "recompute", "units": len(tree.path_of), **written}


def _touched_units(contest: Contest, state: RollupState) -> tuple[set[int], int | None]:
    """The units of the registrations graded since the watermark (less REFRESH_LAG) or
    registered since the last registration id seen, and the newest registration id."""
    since = state.graded_watermark - REFRESH_LAG
    graded_units = set(
        Attempt.objects.filter(contest=contest, graded_at__gte=since)
        .values_list("registration__unit_id", flat=True)
        .distinct()
    )
    new_regs = Registration.objects.filter(contest=contest, id__gt=state.registration_watermark)
    reg_units = set(new_regs.values_list("unit_id", flat=True).distinct())
    last_reg = new_regs.order_by("-id").values_list("id", flat=True).first()
    return graded_units | reg_units, last_reg


def rollups_refresh(*, contest: Contest) -> dict:
    """Bring the roll-ups up to date with what was graded and registered since the last run:
    the own rows of every unit with such a registration are recomputed from the raw rows (its
    registrations and their result rows, read through their indexes), then the subtree rows of
    those units and all their ancestors are re-summed from the own rows. A changed tree (a
    unit moved, added or removed) re-sums every subtree row. Never increments; a first run (or
    a large change) is a full recomputation."""
    state = RollupState.objects.filter(contest=contest).first()
    if state is None or state.graded_watermark is None:
        return rollups_recompute(contest=contest)
    started = timezone.now()
    with transaction.atomic():
        _tune_session(UNITS_SETTINGS)
        state = _lock_state(contest)
        touched, last_reg = _touched_units(contest, state)
        if len(touched) <= REFRESH_MAX_UNITS:
            tree = _tree(contest)
            fingerprint = tree.fingerprint()
            moved = fingerprint != state.tree_hash
            affected: set[int] | None = set()
            for unit_id in touched:
                affected.update(tree.ancestors_and_self(unit_id))
            if moved:
                _tree_store(contest, tree)
                affected = None  # every subtree row
            if touched:
                for model in _ROLLUPS:
                    model.objects.filter(contest=contest, own=True, unit_id__in=touched).delete()
                _own_write(contest, sorted(touched))
            if touched or moved:
                for model in _ROLLUPS:
                    old = model.objects.filter(contest=contest, own=False)
                    if affected is not None:
                        old = old.filter(unit_id__in=affected)
                    old.delete()
                _subtree_write(contest, affected)
            state.graded_watermark = started
            if last_reg is not None:
                state.registration_watermark = last_reg
            state.tree_hash = fingerprint
            state.refreshed_at = timezone.now()
            state.save()
            return {
                "mode": "refresh",
                "units": len(touched),
                "affected": len(tree.path_of) if affected is None else len(affected),
                "tree_changed": moved,
            }
    # Too many units touched: the full recomputation is cheaper than many small ones.
    return rollups_recompute(contest=contest)


# How long a view's refresh holds its lock at most (a refresh that dies leaves no lock for
# longer); a demo-sized recomputation takes seconds, an incremental refresh less.
REFRESH_LOCK_SECONDS = 300


def rollups_refresh_unless_busy(*, contest: Contest) -> dict | None:
    """`rollups_refresh` for a page view or a button: None, without waiting, when another
    view (or beat) is refreshing this contest now; the caller then shows the figures it has.

    Two guards: a cache lock (`cache.add` is atomic in Redis and in the embedded default's
    in-process cache, so it also holds on SQLite, where row locks do not exist), and on
    PostgreSQL the state row taken with SKIP LOCKED, because the cache fails open (an
    unreachable Redis answers every `add` with True) and beat's refresh holds that row."""
    key = f"reports:rollups-refreshing:{contest.pk}"
    if not cache.add(key, 1, timeout=REFRESH_LOCK_SECONDS):
        return None
    try:
        if connection.vendor != "postgresql":
            return rollups_refresh(contest=contest)
        RollupState.objects.get_or_create(contest=contest)
        with transaction.atomic():
            free = (
                RollupState.objects.select_for_update(skip_locked=True)
                .filter(contest=contest)
                .values_list("pk", flat=True)
                .first()
            )
            if free is None:
                return None
            return rollups_refresh(contest=contest)
    finally:
        cache.delete(key)


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
