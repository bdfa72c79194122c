"""Writes for prize tiers entered on the contest page (the tiers editor of each prize
structure, contests.admin.prizes)."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from contests.models import PrizeStructure, PrizeTier
from contests.rules.prize_structure import TierRow


@transaction.atomic
def prize_tiers_set(*, structure: PrizeStructure, tiers: Sequence[TierRow]) -> None:
    """Make the structure's tiers exactly `tiers` (already checked by
    `contests.rules.prize_structure.tier_rows_parse`: no two share a kind and rank).

    A tier is known by its kind and rank: one still there keeps its row and is updated only if
    its name, count or amount changed; the others are deleted first, so a rank freed by one
    row can be taken by a new one without meeting the unique constraint."""
    wanted = {(t.kind, t.rank_order): t for t in tiers}
    existing = {(t.kind, t.rank_order): t for t in PrizeTier.objects.filter(structure=structure)}
    gone = [t.pk for key, t in existing.items() if key not in wanted]
    if gone:
        PrizeTier.objects.filter(pk__in=gone).delete()
    new = []
    for key, row in wanted.items():
        tier = existing.get(key)
        if tier is None:
            new.append(
                PrizeTier(
                    structure=structure,
                    kind=row.kind,
                    rank_order=row.rank_order,
                    name=row.name,
                    count=row.count,
                    amount=row.amount,
                )
            )
        elif (tier.name, tier.count, tier.amount) != (row.name, row.count, row.amount):
            tier.name, tier.count, tier.amount = row.name, row.count, row.amount
            tier.save(update_fields=["name", "count", "amount"])
    if new:
        PrizeTier.objects.bulk_create(new)
