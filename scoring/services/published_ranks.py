"""The ranks frozen with a results snapshot (scoring.models.PublishedRank), written by
`results_publish` inside its transaction: one INSERT … SELECT over the ranking the snapshot
publishes (`results_ranked` of its contest, or of its round when it has one: disqualified and
excluded people left out) with three window functions — row_number() over the whole ranking,
per district and per age group, each ordered by the contest's chain
(`ranking.order_by_sql(alias, ranking.chain_for(contest, round))`, the same order as
`ranking.order_by`) — then one GROUP BY for the totals, kept on the snapshot with the chain
itself (`rank_totals["chain"]`), so the lookup explains a published place by the chain it was
ranked by even if the organiser changes the chain later. Portable SQL: PostgreSQL, and SQLite ≥ 3.25
(the embedded demo).

The district of each (unit, block) is `public_results.district_of`'s, worked out in Python once
for the contest's few thousand units and joined as a VALUES list (integers written inline:
no limit on parameters)."""

from __future__ import annotations

from collections import Counter

from django.db import connection
from django.db.models import Count, F

from scoring.models import PublishedRank, ResultsSnapshot
from scoring.rules import ranking
from scoring.selectors.public_results import districts_of
from scoring.selectors.results import results_ranked

# Every ranking key column (scoring.rules.ranking.RankRow), copied to PublishedRank.
_KEYS = (
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


def published_ranks_fill(*, snapshot: ResultsSnapshot) -> None:
    """Rank the snapshot's contest (or round) now and keep it with `snapshot` (rows, totals
    and the chain)."""
    chain = ranking.chain_for(snapshot.contest, snapshot.round)
    ranked = (
        results_ranked(contest=snapshot.contest, round=snapshot.round)
        .order_by()
        .annotate(p_unit=F("registration__unit_id"), p_block=F("registration__block_id"))
        .annotate(p_age=F("registration__age_group"))
    )
    pairs = set(ranked.values_list("p_unit", "p_block").distinct())
    mapping = districts_of(pairs)
    source, params = ranked.values(*_KEYS, "p_unit", "p_block", "p_age").query.sql_with_params()
    # (unit, block, district); a block of None joins as 0. No pair: an empty row source.
    rows = ", ".join(
        f"({int(unit)}, {int(block or 0)}, {int(district)})"
        for (unit, block), district in mapping.items()
    )
    districts = (
        f"VALUES {rows}"
        if rows
        else "SELECT CAST(NULL AS BIGINT), CAST(NULL AS BIGINT), CAST(NULL AS BIGINT) WHERE 1 = 0"
    )
    table = PublishedRank._meta.db_table
    order = ranking.order_by_sql("r", chain)
    keys = ", ".join(_KEYS[1:])
    picked = ", ".join(f"r.{name}" for name in _KEYS[1:])
    sql = (
        f"WITH d (unit_id, block_id, district_id) AS ({districts}) "  # noqa: S608 (ints, no input)
        f"INSERT INTO {table} (snapshot_id, registration_id, district_id, age_group, "
        f"overall_rank, district_rank, age_rank, {keys}) "
        "SELECT %s, r.registration_id, d.district_id, r.p_age, "
        f"row_number() OVER (ORDER BY {order}), "
        "CASE WHEN d.district_id IS NULL THEN NULL ELSE "
        f"row_number() OVER (PARTITION BY d.district_id ORDER BY {order}) END, "
        f"row_number() OVER (PARTITION BY r.p_age ORDER BY {order}), "
        f"{picked} "
        f"FROM ({source}) r LEFT JOIN d ON d.unit_id = r.p_unit "
        "AND d.block_id = COALESCE(r.p_block, 0)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [snapshot.pk, *params])
    totals = {"overall": 0, "districts": Counter(), "age_groups": Counter()}
    groups = (
        PublishedRank.objects.filter(snapshot=snapshot)
        .values("district_id", "age_group")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in groups:
        totals["overall"] += row["n"]
        if row["district_id"] is not None:
            totals["districts"][str(row["district_id"])] += row["n"]
        totals["age_groups"][row["age_group"]] += row["n"]
    snapshot.rank_totals = {
        "overall": totals["overall"],
        "districts": dict(totals["districts"]),
        "age_groups": dict(totals["age_groups"]),
        "chain": list(chain),
    }
    ResultsSnapshot.objects.filter(pk=snapshot.pk).update(rank_totals=snapshot.rank_totals)
