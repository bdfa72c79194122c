"""Writes of participation targets (chỉ tiêu, contests.UnitTarget). How a target reads in
people and how progress is measured is reports' one rule (reports.rules.targets)."""

from __future__ import annotations

from django.db import transaction

from contests.models import Contest, Unit, UnitTarget


@transaction.atomic
def unit_targets_set_for_children(
    *, contest: Contest, parent: Unit, percent: int, replace: bool
) -> tuple[int, int]:
    """Give every child of `parent` inside the contest's tree a target of `percent` % of its
    headcount. With `replace`, a child's existing target (in people or per cent) is
    overwritten; otherwise it is kept. Returns (created, updated). `parent` must lie in the
    contest's tree and the caller's scope (the admin view checks both)."""
    if not 1 <= percent <= 100:
        raise ValueError(percent)
    children = list(
        Unit.objects.filter(path__startswith=parent.path, depth=parent.depth + 1).values_list(
            "pk", flat=True
        )
    )
    existing = set(
        UnitTarget.objects.filter(contest=contest, unit_id__in=children).values_list(
            "unit_id", flat=True
        )
    )
    new = [
        UnitTarget(contest=contest, unit_id=unit_id, percent=percent)
        for unit_id in children
        if unit_id not in existing
    ]
    UnitTarget.objects.bulk_create(new)
    updated = 0
    if replace and existing:
        updated = UnitTarget.objects.filter(contest=contest, unit_id__in=existing).update(
            people=None, percent=percent
        )
    return len(new), updated
