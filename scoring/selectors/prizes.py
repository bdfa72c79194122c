"""Prize allocation (a read: the same rows give the same list) and the prize list shown.

Individual prizes: each prize structure of the contest (contest level first, then unit-level
structures in unit path order) is filled tier by tier (rank_order 1 first) in ranking order
over the contest-level results of its scope (the whole contest, or the unit's subtree), one
prize per person per structure. Disqualified and excluded people are skipped. A winner of a
contest-level prize may also take a unit prize only if `contest.winner_may_take_unit_prize`.

Collective prizes: the units of `structure.collective_unit_kind` inside the structure's scope
(the unit, or the contest's participation root) are ranked by `contest.collective_rule`
(the rule: `scoring.rules.collective`). A unit's participants are the distinct people with a
result whose unit lies in its subtree (disqualified and excluded people not counted); units
with no participant get no prize.

The allocation reads only committed rows and sorts on total keys. Publishing freezes it:
`scoring.services.prizes.results_publish`."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from django.db.models import Count, Sum

from contests.models import Contest, PrizeStructure, PrizeTier, Unit
from scoring.rules.collective import Standing, collective_order
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
        "participants": winner.get("participants"),
        "headcount": winner.get("headcount"),
    }


def _slots(tiers: list[PrizeTier]):
    for tier in tiers:
        for _i in range(tier.count):
            yield tier


def _individual(
    *, contest: Contest, structure: PrizeStructure, tiers: list[PrizeTier], skip: set[int]
) -> list[dict]:
    slots = _slots(tiers)
    tier = next(slots, None)
    rows: list[dict] = []
    if tier is None:
        return rows
    scope = results_in_scope(contest=contest, unit=structure.unit if structure.unit_id else None)
    for result in in_pages(scope):
        if result.registration_id in skip:
            continue
        registration = result.registration
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
                correct_count=result.correct_count,
                duration_ms=result.duration_ms,
            )
        )
        tier = next(slots, None)
        if tier is None:
            break
    return rows


def collective_standings(
    *, contest: Contest, structure: PrizeStructure, apart: set[int]
) -> list[Standing]:
    """The units of the structure's collective kind in its scope, ranked by the contest's
    rule (`collective_order`), best first."""
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
    results = results_in_scope(contest=contest, unit=root).order_by()
    if apart:
        results = results.exclude(registration_id__in=apart)
    step = Unit.steplen
    for path, count, total in results.values_list("registration__unit__path").annotate(
        n=Count("id"), total=Sum("score")
    ):
        for end in range(step, len(path) + 1, step):
            entry = stats.get(path[:end])
            if entry is not None:
                entry[0] += count
                entry[1] += total or 0
    standings = [
        Standing(
            unit_code=units[path].code,
            participants=count,
            rate=Fraction(count, units[path].headcount) if units[path].headcount else None,
            mean=Fraction(total) / count,
            unit=units[path],
        )
        for path, (count, total) in stats.items()
        if count
    ]
    return collective_order(standings, contest.collective_rule)


def _collective(
    *, contest: Contest, structure: PrizeStructure, tiers: list[PrizeTier], apart: set[int]
) -> list[dict]:
    if not tiers or not structure.collective_unit_kind:
        return []
    rows: list[dict] = []
    standings = iter(collective_standings(contest=contest, structure=structure, apart=apart))
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
            )
        )
    return rows


def prizes_allocate(*, contest: Contest) -> Allocation:
    """Allocate every prize structure of the contest (see the module docstring). Reads only;
    the same rows give the same allocation."""
    apart = disqualified_ids(contest=contest) | excluded_ids(contest=contest)
    structures = sorted(
        PrizeStructure.objects.filter(contest=contest).select_related("unit"),
        key=lambda s: (s.unit_id is not None, s.unit.path if s.unit_id else "", s.pk),
    )
    tiers_by_structure: dict[int, list[PrizeTier]] = {}
    for tier in PrizeTier.objects.filter(structure__contest=contest).order_by(
        "structure_id", "kind", "rank_order"
    ):
        tiers_by_structure.setdefault(tier.structure_id, []).append(tier)
    allocation = Allocation()
    contest_winners: set[int] = set()
    for structure in structures:
        tiers = tiers_by_structure.get(structure.pk, [])
        individual = [t for t in tiers if t.kind == PrizeTier.Kind.INDIVIDUAL]
        collective = [t for t in tiers if t.kind == PrizeTier.Kind.COLLECTIVE]
        skip = set(apart)
        if structure.unit_id and not contest.winner_may_take_unit_prize:
            skip |= contest_winners
        rows = _individual(contest=contest, structure=structure, tiers=individual, skip=skip)
        if not structure.unit_id:
            contest_winners.update(r["registration_id"] for r in rows)
        rows += _collective(contest=contest, structure=structure, tiers=collective, apart=apart)
        allocation.rows.extend(rows)
        allocation.budget.append(
            {
                "structure": structure.title,
                "structure_id": structure.pk,
                "unit_scope": structure.unit.name if structure.unit_id else "",
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
    list public_name, score (a string), correct_count, duration_ms (individual prizes) or
    participants and headcount (collective prizes); snapshots published before these keys
    existed lack them."""
    snapshot = snapshot_latest(contest=contest)
    if snapshot is not None:
        return list(snapshot.prizes)
    return prizes_allocate(contest=contest).rows
