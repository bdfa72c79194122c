"""Prize allocation (a read: the same rows give the same list) and the prize list shown.

An allocation covers one group of prize structures: one round's (`round`: a week's prizes,
ranking that round's results, `Result.round` = the round, in the order of
`ranking.chain_for(contest, round)`) or the overall ones (round None: the contest-level
results, in the order of `ranking.chain_for(contest)`, led by the contest's cumulative rule).

Individual prizes: each structure of the group (contest level first, then unit-level
structures in unit path order, then by id) is filled tier by tier (rank_order 1 first) in
ranking order over the results of its scope: the whole contest or the unit's subtree, and only
the registrations of its category if it has one. Disqualified and excluded people are never
awarded. A structure with `cap_percent` gives at most ⌊cap % × entrants⌋ individual prizes,
entrants = the people ranked in its scope (`prize_rules.cap_count`). Who a structure skips
because of prizes already given — one prize per person among the group's contest-level
structures, `winner_may_take_unit_prize` for unit structures, `one_prize_per=contest` (also
the published prizes of earlier rounds: the latest version of each), `excludes_round_winners`
(overall structures: the published prizes of every round) — is `prize_rules.barred`.

Collective prizes: the units of `structure.collective_unit_kind` inside the structure's scope
(the unit, or the contest's participation root) are ranked by `contest.collective_rule` with
the contest's parameters (`scoring.rules.collective`: participants, rate, mean score, points
per individual winner, a weighted composite, and the minimum rate as a precondition). A unit's
participants are the distinct people with a result in the group's scope (the round, the
category) whose unit lies in its subtree (disqualified and excluded people not counted); its
winners are the individual winners of this allocation in its subtree; units with no
participant get no prize.

The allocation reads only committed rows and sorts on total keys. Publishing freezes it:
`scoring.services.prizes.results_publish` (a round's with `round`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from django.db.models import Count, Sum

from contests.models import Contest, PrizeStructure, PrizeTier, Round, Unit
from essays.selectors.judging import essay_ranking, essay_task_for, marking_final
from participants.models import Registration
from scoring.models import ResultsSnapshot
from scoring.rules import prize_rules
from scoring.rules.collective import Params, Standing, collective_order
from scoring.rules.public_name import public_name
from scoring.selectors.results import (
    display_name,
    disqualified_ids,
    excluded_ids,
    in_pages,
    results_in_scope,
    snapshot_latest,
)


@dataclass
class Allocation:
    rows: list[dict] = field(default_factory=list)
    budget: list[dict] = field(default_factory=list)

    @property
    def total_planned(self) -> int:
        return sum(b["planned"] for b in self.budget)

    @property
    def total_used(self) -> int:
        return sum(b["used"] for b in self.budget)


def _row(structure: PrizeStructure, tier: PrizeTier, position: int, **winner) -> dict:
    return {
        "structure": structure.title,
        "structure_id": structure.pk,
        "unit_scope": structure.unit.name if structure.unit_id else "",
        "category": structure.category.name if structure.category_id else "",
        "kind": tier.kind,
        "tier": tier.name,
        "rank_order": tier.rank_order,
        "position": position,
        "amount": tier.amount,
        "winner_name": winner.get("winner_name", ""),
        "registration_id": winner.get("registration_id"),
        "unit_code": winner.get("unit_code", ""),
        "unit_name": winner.get("unit_name", ""),
        # Frozen for the public winners list: what readers see never changes under them, a
        # consent withdrawn later included (the next version follows it). JSON has no
        # Decimal: the score is a string.
        "public_name": winner.get("public_name", ""),
        "score": winner.get("score", ""),
        "correct_count": winner.get("correct_count"),
        "duration_ms": winner.get("duration_ms"),
        "basis": structure.basis,
        "essay_mark": winner.get("essay_mark"),
        "participants": winner.get("participants"),
        "headcount": winner.get("headcount"),
        "winners": winner.get("winners"),
    }


def _slots(tiers: list[PrizeTier]):
    for tier in tiers:
        for _i in range(tier.count):
            yield tier


def _scope_unit(structure: PrizeStructure) -> Unit | None:
    return structure.unit if structure.unit_id else None


def _category(structure: PrizeStructure):
    return structure.category if structure.category_id else None


class _EssayResult:
    """An essay ranking row with what `_individual` reads of a Result."""

    def __init__(self, registration: Registration, row: dict):
        self.registration = registration
        self.registration_id = registration.pk
        self.score = row["score"]
        self.essay_mark = row["final_mark"]


def _essay_mark(result) -> str | None:
    mark = getattr(result, "essay_mark", None)
    return None if mark is None else str(mark)


def _essay_results(*, contest: Contest, structure: PrizeStructure) -> list[_EssayResult]:
    """For basis essay/combined: the essay ranking (essays.selectors.judging.essay_ranking:
    final marks, or combined with the contest-level multiple-choice score by the task's
    mc_weight) in the structure's unit and category, once the city's final marking is closed
    (nothing before: the final marks decide)."""
    task = essay_task_for(contest_id=contest.pk, round_id=structure.round_id)
    if task is None or not marking_final(task):
        return []
    combined = structure.basis == PrizeStructure.Basis.COMBINED
    mc_scores = (
        dict(results_in_scope(contest=contest).order_by().values_list("registration_id", "score"))
        if combined
        else None
    )
    rows = essay_ranking(task, mc_scores=mc_scores, combined=combined)
    registrations = Registration.objects.select_related("participant", "unit").in_bulk(
        [r["registration_id"] for r in rows]
    )
    unit, category = _scope_unit(structure), _category(structure)
    return [
        _EssayResult(registrations[r["registration_id"]], r)
        for r in rows
        if (unit is None or registrations[r["registration_id"]].unit.path.startswith(unit.path))
        and (category is None or registrations[r["registration_id"]].category_id == category.pk)
    ]


def structure_entrants(*, contest: Contest, structure: PrizeStructure, apart: set[int]) -> int:
    """The people ranked in the structure's scope (its round, unit and category): what its
    cap is a share of."""
    if structure.basis != PrizeStructure.Basis.MULTIPLE_CHOICE:
        essays = _essay_results(contest=contest, structure=structure)
        return sum(1 for r in essays if r.registration_id not in apart)
    scope = results_in_scope(
        contest=contest,
        round=structure.round,
        unit=_scope_unit(structure),
        category=_category(structure),
    ).order_by()
    if apart:
        scope = scope.exclude(registration_id__in=apart)
    return scope.count()


def _individual(
    *,
    contest: Contest,
    structure: PrizeStructure,
    tiers: list[PrizeTier],
    skip: set[int],
    limit: int | None,
    winner_paths: dict[int, str],
) -> list[dict]:
    slots = _slots(tiers)
    tier = next(slots, None)
    rows: list[dict] = []
    if tier is None or limit == 0:
        return rows
    if structure.basis != PrizeStructure.Basis.MULTIPLE_CHOICE:
        ranked = _essay_results(contest=contest, structure=structure)
    else:
        ranked = in_pages(
            results_in_scope(
                contest=contest,
                round=structure.round,
                unit=_scope_unit(structure),
                category=_category(structure),
            )
        )
    for result in ranked:
        if result.registration_id in skip:
            continue
        registration = result.registration
        winner_paths[registration.pk] = registration.unit.path
        rows.append(
            _row(
                structure,
                tier,
                len(rows) + 1,
                winner_name=display_name(registration),
                registration_id=registration.pk,
                unit_code=registration.unit.code,
                unit_name=registration.unit.name,
                public_name=public_name(
                    registration.participant.full_name,
                    may_show_name=registration.may_show_name,
                ),
                score=str(result.score),
                # None for an essay prize: no multiple-choice count or time decides it.
                correct_count=getattr(result, "correct_count", None),
                duration_ms=getattr(result, "duration_ms", None),
                # An essay/combined prize: the final essay mark, what the winners list
                # shows instead (the score is the combined score for basis combined).
                essay_mark=_essay_mark(result),
            )
        )
        tier = next(slots, None)
        if tier is None or len(rows) == limit:
            break
    return rows


def _unit_paths(unit_ids: set[int]) -> dict[int, str]:
    paths: dict[int, str] = {}
    ordered = sorted(unit_ids)
    for start in range(0, len(ordered), 1000):
        paths.update(
            Unit.objects.filter(pk__in=ordered[start : start + 1000]).values_list("pk", "path")
        )
    return paths


def collective_standings(
    *,
    contest: Contest,
    structure: PrizeStructure,
    apart: set[int],
    winner_paths: dict[int, str] | None = None,
) -> list[Standing]:
    """The units of the structure's collective kind in its scope, ranked by the contest's
    rule and parameters (`collective_order`), best first. `winner_paths`: the unit path of
    each individual winner of the allocation ({registration id: path}), for the winners'
    points."""
    root = structure.unit if structure.unit_id else contest.participation_root
    units = {
        u.path: u
        for u in Unit.objects.filter(
            path__startswith=root.path, kind=structure.collective_unit_kind
        )
    }
    if not units:
        return []
    stats = {path: [0, Decimal(0)] for path in units}
    # Grouped by the registration's unit id (no join to the unit table, no text key; the
    # contest's whole tree needs no path filter either): 4 s instead of 35 s over 1.5 M
    # results on a loaded machine (benchmarks/rounds_bench.py).
    results = results_in_scope(
        contest=contest,
        round=structure.round,
        unit=_scope_unit(structure),
        category=_category(structure),
    ).order_by()
    if apart:
        results = results.exclude(registration_id__in=apart)
    step = Unit.steplen

    def ancestors(path: str):
        for end in range(step, len(path) + 1, step):
            if path[:end] in units:
                yield path[:end]

    grouped = list(
        results.values_list("registration__unit_id").annotate(n=Count("id"), total=Sum("score"))
    )
    paths = _unit_paths({unit_id for unit_id, _n, _total in grouped})
    for unit_id, count, total in grouped:
        for unit_path in ancestors(paths.get(unit_id, "")):
            stats[unit_path][0] += count
            stats[unit_path][1] += total or 0
    winners = dict.fromkeys(units, 0)
    for path in (winner_paths or {}).values():
        for unit_path in ancestors(path):
            winners[unit_path] += 1
    standings = [
        Standing(
            unit_code=units[path].code,
            participants=count,
            rate=Fraction(count, units[path].headcount) if units[path].headcount else None,
            mean=Fraction(total) / count,
            unit=units[path],
            winners=winners[path],
        )
        for path, (count, total) in stats.items()
        if count
    ]
    return collective_order(standings, contest.collective_rule, Params.of(contest))


def _collective(
    *,
    contest: Contest,
    structure: PrizeStructure,
    tiers: list[PrizeTier],
    apart: set[int],
    winner_paths: dict[int, str],
) -> list[dict]:
    if not tiers or not structure.collective_unit_kind:
        return []
    rows: list[dict] = []
    standings = iter(
        collective_standings(
            contest=contest, structure=structure, apart=apart, winner_paths=winner_paths
        )
    )
    for tier in _slots(tiers):
        standing = next(standings, None)
        if standing is None:
            break
        unit = standing.unit
        rows.append(
            _row(
                structure,
                tier,
                len(rows) + 1,
                unit_code=unit.code,
                unit_name=unit.name,
                participants=standing.participants,
                headcount=unit.headcount,
                winners=standing.winners,
            )
        )
    return rows


def round_snapshots_latest(
    *,
    contest: Contest,
    before: Round | None = None,
) -> list[ResultsSnapshot]:
    """The latest published version of each round of the contest (only the rounds numbered
    before `before` if given), in round order."""
    snapshots = ResultsSnapshot.objects.filter(contest=contest, round__isnull=False)
    if before is not None:
        snapshots = snapshots.filter(round__number__lt=before.number)
    latest: dict[int, tuple[int, int, int]] = {}
    for pk, round_id, number, version in snapshots.values_list(
        "pk", "round_id", "round__number", "version"
    ):
        if round_id not in latest or version > latest[round_id][2]:
            latest[round_id] = (number, pk, version)
    chosen = sorted(latest.values())
    by_pk = ResultsSnapshot.objects.in_bulk([pk for _n, pk, _v in chosen])
    return [by_pk[pk] for _n, pk, _v in chosen]


def round_winner_ids(*, contest: Contest, before: Round | None = None) -> set[int]:
    """The registrations with an individual prize in the published results of the contest's
    rounds (the latest version of each; only rounds before `before` if given)."""
    return {
        row["registration_id"]
        for snapshot in round_snapshots_latest(contest=contest, before=before)
        for row in snapshot.prizes
        if row.get("registration_id") is not None
    }


def _structure_order(structure: PrizeStructure) -> tuple:
    return (
        structure.unit_id is not None,
        structure.unit.path if structure.unit_id else "",
        structure.pk,
    )


def prizes_allocate(*, contest: Contest, round: Round | None = None) -> Allocation:  # noqa: A002
    """Allocate the prize structures of the contest's overall results (round None) or of one
    round (see the module docstring). Reads only; the same rows give the same allocation."""
    apart = disqualified_ids(contest=contest) | excluded_ids(contest=contest)
    structures = sorted(
        PrizeStructure.objects.filter(contest=contest, round=round).select_related(
            "unit", "category", "round"
        ),
        key=_structure_order,
    )
    tiers_by_structure: dict[int, list[PrizeTier]] = {}
    for tier in PrizeTier.objects.filter(structure__in=[s.pk for s in structures]).order_by(
        "structure_id", "kind", "rank_order"
    ):
        tiers_by_structure.setdefault(tier.structure_id, []).append(tier)
    needs_rounds = any(
        s.one_prize_per == PrizeStructure.OnePrizePer.CONTEST
        or (round is None and s.excludes_round_winners)
        for s in structures
    )
    taken = prize_rules.Taken(
        other_rounds=round_winner_ids(contest=contest, before=round) if needs_rounds else set()
    )
    winner_paths: dict[int, str] = {}
    individual_rows: dict[int, list[dict]] = {}
    for structure in structures:
        individual = [
            t
            for t in tiers_by_structure.get(structure.pk, [])
            if t.kind == PrizeTier.Kind.INDIVIDUAL
        ]
        skip = apart | prize_rules.barred(
            unit_level=structure.unit_id is not None,
            one_prize_per=structure.one_prize_per,
            excludes_round_winners=structure.excludes_round_winners,
            overall=round is None,
            winner_may_take_unit_prize=contest.winner_may_take_unit_prize,
            taken=taken,
        )
        limit = None
        if individual and structure.cap_percent is not None:
            entrants = structure_entrants(contest=contest, structure=structure, apart=apart)
            limit = prize_rules.cap_count(structure.cap_percent, entrants)
        rows = _individual(
            contest=contest,
            structure=structure,
            tiers=individual,
            skip=skip,
            limit=limit,
            winner_paths=winner_paths,
        )
        won = {r["registration_id"] for r in rows}
        taken.in_allocation |= won
        if not structure.unit_id:
            taken.contest_level |= won
        individual_rows[structure.pk] = rows
    allocation = Allocation()
    for structure in structures:
        tiers = tiers_by_structure.get(structure.pk, [])
        collective = [t for t in tiers if t.kind == PrizeTier.Kind.COLLECTIVE]
        rows = individual_rows[structure.pk] + _collective(
            contest=contest,
            structure=structure,
            tiers=collective,
            apart=apart,
            winner_paths=winner_paths,
        )
        allocation.rows.extend(rows)
        allocation.budget.append(
            {
                "structure": structure.title,
                "structure_id": structure.pk,
                "unit_scope": structure.unit.name if structure.unit_id else "",
                "category": structure.category.name if structure.category_id else "",
                "planned": sum(t.count * t.amount for t in tiers),
                "used": sum(r["amount"] for r in rows),
                "awarded": len(rows),
            }
        )
    return allocation


def prize_list(*, contest: Contest) -> list[dict]:
    """The prize list: the frozen rows of the latest published snapshot if results were
    published, else a fresh allocation. Each row is a dict with the keys structure,
    structure_id, unit_scope, kind, tier, rank_order, position, amount, winner_name,
    registration_id (None for a collective prize), unit_code, unit_name, and for the public
    list public_name, score (a string), correct_count, duration_ms, basis, essay_mark (a
    string; essay/combined prizes) (individual prizes) or participants and headcount
    (collective prizes); snapshots published before these keys existed lack them."""
    snapshot = snapshot_latest(contest=contest)
    if snapshot is not None:
        return list(snapshot.prizes)
    return prizes_allocate(contest=contest).rows


def round_prize_list(*, contest: Contest, round: Round) -> list[dict]:  # noqa: A002
    """`prize_list` for one round: its latest published version's rows, else a fresh
    allocation of its structures."""
    snapshot = snapshot_latest(contest=contest, round=round)
    if snapshot is not None:
        return list(snapshot.prizes)
    return prizes_allocate(contest=contest, round=round).rows
