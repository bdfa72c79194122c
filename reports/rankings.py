"""Rankings on the organiser's dashboard: each round's and the contest's overall (cumulative)
ranking of the unit's subtree, read from scoring (`ranking_for`, `results_ranked`: the same
order as prizes, publication and the exports, by the contest's chain). Nothing here orders
anyone: it only picks the scope and the page."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator

from contests.models import Contest, Round, Unit
from scoring.models import Result
from scoring.selectors.results import RankingEntry, display_name, ranking_for, results_ranked

# How many people each ranking shows on the dashboard; the full ranking page shows PAGE_SIZE
# a page.
TOP = 10
PAGE_SIZE = 100


@dataclass
class RoundRanking:
    """The first people of one ranking: a round's, or the overall one (`round` None)."""

    round: Round | None
    entries: list[RankingEntry] = field(default_factory=list)


def ranking_scope(*, contest: Contest, unit: Unit) -> Unit | None:
    """The subtree filter of a ranking of `unit`: none for the contest's root (nothing to
    plan), else the unit."""
    return None if unit.pk == contest.participation_root_id else unit


def dashboard_rankings(*, contest: Contest, unit: Unit, top: int = TOP) -> list[RoundRanking]:
    """For a contest with rounds: the overall ranking (by the contest's cumulative rule) and
    each round's, in round order, `top` people each, of `unit`'s subtree (a district's own
    ranking). Empty for a contest without rounds (its ranking is the prize list's)."""
    rounds = list(contest.rounds.order_by("number"))
    if not rounds:
        return []
    scope = ranking_scope(contest=contest, unit=unit)
    return [
        RoundRanking(
            round=round_,
            entries=ranking_for(contest=contest, round=round_, unit=scope, limit=top).entries,
        )
        for round_ in [None, *rounds]
    ]


@dataclass
class RankedRow:
    rank: int
    name: str
    unit_name: str
    category: str
    correct_count: int
    duration_ms: int
    finished_at: object
    rounds_correct_total: int
    perfect_rounds: int

    @property
    def seconds(self) -> float:
        return self.duration_ms / 1000


def ranking_page(
    *,
    contest: Contest,
    round: Round | None,
    unit: Unit,
    number: str | int | None,  # noqa: A002
) -> tuple[Page, list[RankedRow]]:
    """One page (PAGE_SIZE people) of the full ranking of a round (or the overall one) in
    `unit`'s subtree, disqualified and excluded people left out. A page number that is not a
    page gives the first or the last page (never an error). Ranks follow the order: the
    chain ends with the registration id, so no two people share one."""
    ranked = results_ranked(
        contest=contest, round=round, unit=ranking_scope(contest=contest, unit=unit)
    )
    # The page's ids first, then their rows: sorting ids alone lets PostgreSQL keep only what
    # the page needs (0.11 s for the first page at 150,000 people, against 0.9-1.2 s with the
    # joined rows, which it sorted in full).
    page = Paginator(ranked.values_list("pk", flat=True), PAGE_SIZE).get_page(number)
    ids = list(page.object_list)
    by_id = {
        r.pk: r
        for r in Result.objects.filter(pk__in=ids).select_related(
            "registration__participant", "registration__unit", "registration__category"
        )
    }
    results = [by_id[pk] for pk in ids if pk in by_id]
    rows = [
        RankedRow(
            rank=page.start_index() + i,
            name=display_name(result.registration),
            unit_name=result.registration.unit.name,
            category=result.registration.category.name if result.registration.category else "",
            correct_count=result.correct_count,
            duration_ms=result.duration_ms,
            finished_at=result.finished_at,
            rounds_correct_total=result.rounds_correct_total,
            perfect_rounds=result.perfect_rounds,
        )
        for i, result in enumerate(results)
    ]
    return page, rows
