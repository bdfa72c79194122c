"""Reads of results: rankings (per contest, round, unit subtree, age group, category) and the
prize list.

Rankings are ordered in the database by `ranking.order_by(chain)` and ranked by
`ranking.rank(rows, chain)` (the same rule as the pure `ranking.sort_key`), where the chain is
always `ranking.chain_for(contest, round)`: the contest's tie-break chain, led in the overall
ranking by its cumulative rule's key — one source of order for rankings, prizes, publication
and exports. Disqualified people (a disqualification in
force) and excluded people (document number in the contest's excluded list) are never ranked;
they are listed apart. A name is shown only when `registration.may_show_name` (consent, and the
guardian's too under 16); otherwise "Người dự thi #<registration id>"."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from contests.models import Category, Contest, ExcludedPerson, Round, Unit
from participants.models import Registration
from scoring.models import Disqualification, Result, ResultsSnapshot
from scoring.rules import ranking


@dataclass
class RankingEntry:
    rank: int | None
    registration_id: int
    name: str
    unit_name: str
    age_group: str
    correct_count: int
    score: object
    prediction_error: int | None
    duration_ms: int
    finished_at: object
    graded_attempts: int = 1
    perfect_attempts: int = 0
    first_started_at: object = None
    rounds_correct_total: int = 0
    perfect_rounds: int = 0

    def row(self) -> ranking.RankRow:
        return rank_row(self)


def rank_row(source) -> ranking.RankRow:
    """The ranking keys of `source` (a Result, a RankingEntry or a PublishedRank: they name
    their columns as RankRow does), for the pure rule."""
    return ranking.RankRow(
        registration_id=source.registration_id,
        correct_count=source.correct_count,
        prediction_error=source.prediction_error,
        duration_ms=source.duration_ms,
        finished_at=source.finished_at,
        graded_attempts=source.graded_attempts,
        perfect_attempts=source.perfect_attempts,
        first_started_at=source.first_started_at,
        rounds_correct_total=source.rounds_correct_total,
        perfect_rounds=source.perfect_rounds,
    )


@dataclass
class Ranking:
    entries: list[RankingEntry] = field(default_factory=list)
    disqualified: list[RankingEntry] = field(default_factory=list)
    excluded: list[RankingEntry] = field(default_factory=list)


def display_name(registration: Registration) -> str:
    if registration.may_show_name:
        return registration.participant.full_name
    return _("Người dự thi #%(id)s") % {"id": registration.pk}


def disqualified_ids(*, contest: Contest) -> set[int]:
    return set(
        Disqualification.objects.filter(contest=contest, revoked_at__isnull=True).values_list(
            "registration_id", flat=True
        )
    )


def excluded_ids(*, contest: Contest) -> set[int]:
    """Registrations of people on the contest's exclusion list. The list is read first: most
    contests have none, and the semi-join alone was planned as a parallel scan of every
    registration (13–35 ms per dashboard view at 1.65 M registrations)."""
    numbers = list(
        ExcludedPerson.objects.filter(contest=contest).values_list("document_number", flat=True)
    )
    if not numbers:
        return set()
    return set(
        Registration.objects.filter(contest=contest, document_number__in=numbers).values_list(
            "id", flat=True
        )
    )


def results_in_scope(
    *,
    contest: Contest,
    round: Round | None = None,  # noqa: A002
    unit: Unit | None = None,
    age_group: str | None = None,
    category: Category | None = None,
) -> QuerySet[Result]:
    """The result rows of a contest (round None: the overall ranking) or a round, optionally of
    a unit's subtree, an age group and a participant category, with what a ranking shows, in
    the order of `ranking.chain_for(contest, round)`."""
    results = Result.objects.filter(contest=contest)
    results = results.filter(round=round) if round is not None else results.filter(round=None)
    if unit is not None:
        results = results.filter(registration__unit__path__startswith=unit.path)
    if age_group:
        results = results.filter(registration__age_group=age_group)
    if category is not None:
        results = results.filter(registration__category=category)
    return results.select_related("registration__participant", "registration__unit").order_by(
        *ranking.order_by(ranking.chain_for(contest, round))
    )


def results_ranked(
    *,
    contest: Contest,
    round: Round | None = None,  # noqa: A002
    unit: Unit | None = None,
    category: Category | None = None,
) -> QuerySet[Result]:
    """The ranking of a contest (round None: overall) or a round, of a unit's subtree and a
    category if given: `results_in_scope` without the disqualified and excluded people, in
    ranking order. Read its first pages with `in_pages` (the winners), all of it in one
    statement (the export)."""
    results = results_in_scope(contest=contest, round=round, unit=unit, category=category)
    apart = disqualified_ids(contest=contest) | excluded_ids(contest=contest)
    return results.exclude(registration_id__in=apart) if apart else results


PAGE = 500


def in_pages(ranked: QuerySet, *, size: int | None = None):
    """The rows of a ranking read in pages of `size` (PAGE if None; LIMIT/OFFSET), one page in
    memory at a time. Not `.iterator()`: without a server-side cursor (behind PgBouncer in
    transaction mode, DATABASE_POOLING) it fetched all 1.5 million rows of a city ranking into
    memory (6.6 GB, 96 s; two pages of the prize list: 76 MB, 9 s). The ranking order is total
    (it ends with the registration id), so pages neither repeat nor skip a row."""
    size = size or PAGE
    offset = 0
    while True:
        page = list(ranked[offset : offset + size])
        yield from page
        if len(page) < size:
            return
        offset += size


def _entry(result: Result, rank: int | None) -> RankingEntry:
    registration = result.registration
    return RankingEntry(
        rank=rank,
        registration_id=registration.pk,
        name=display_name(registration),
        unit_name=registration.unit.name,
        age_group=registration.age_group,
        correct_count=result.correct_count,
        score=result.score,
        prediction_error=result.prediction_error,
        duration_ms=result.duration_ms,
        finished_at=result.finished_at,
        graded_attempts=result.graded_attempts,
        perfect_attempts=result.perfect_attempts,
        first_started_at=result.first_started_at,
        rounds_correct_total=result.rounds_correct_total,
        perfect_rounds=result.perfect_rounds,
    )


def ranking_for(
    *,
    contest: Contest,
    round: Round | None = None,  # noqa: A002
    unit: Unit | None = None,
    age_group: str | None = None,
    category: Category | None = None,
    limit: int | None = None,
) -> Ranking:
    """The ranking of a contest (overall) or a round, of a unit subtree (a district's own
    ranking), an age group and/or a category: the first `limit` ranked people (all if None),
    and the disqualified and excluded people of the same scope listed apart."""
    scope = results_in_scope(
        contest=contest, round=round, unit=unit, age_group=age_group, category=category
    )
    disqualified = disqualified_ids(contest=contest)
    excluded = excluded_ids(contest=contest) - disqualified
    apart = disqualified | excluded
    ranked = scope.exclude(registration_id__in=apart) if apart else scope
    if limit is not None:
        # The first `limit` ids alone, then their rows: with select_related's joins between
        # the LIMIT and the sort, PostgreSQL sorted every row of the scope (external merge,
        # 0.84 s at 150,000 people); on the ids alone it keeps only the top (top-N heapsort,
        # 0.11 s).
        ids = list(ranked.values_list("pk", flat=True)[:limit])
        ranked = scope.filter(pk__in=ids)
    results = list(ranked)
    by_id = {r.registration_id: r for r in results}
    out = Ranking()
    chain = ranking.chain_for(contest, round)
    for position, row in ranking.rank([rank_row(r) for r in results], chain):
        out.entries.append(_entry(by_id[row.registration_id], position))
    if apart:
        for result in scope.filter(registration_id__in=apart):
            target = out.disqualified if result.registration_id in disqualified else out.excluded
            target.append(_entry(result, None))
    return out


def snapshot_latest(
    *,
    contest: Contest,
    round: Round | None = None,  # noqa: A002
) -> ResultsSnapshot | None:
    """The latest published results of the contest (round None: its overall results) or of a
    round (versions count per (contest, round))."""
    return ResultsSnapshot.objects.filter(contest=contest, round=round).order_by("-version").first()
