"""Reads behind the dashboard's freshness (reports.rules.freshness): what changed in the raw
rows since the roll-ups, what the prize list beside them reflects, the test's scale."""

from __future__ import annotations

import datetime

from django.db.models import Max

from contests.models import BlueprintItem, Contest, Round
from participants.models import Registration
from reports.models import RollupState
from scoring.models import Attempt


def latest_grading(*, contest: Contest) -> datetime.datetime | None:
    """The latest grading of the contest (index contest × graded_at: one index probe)."""
    return Attempt.objects.filter(contest=contest).aggregate(at=Max("graded_at"))["at"]


def figures_changed_at(
    *, contest: Contest, state: RollupState | None, graded: datetime.datetime | None
) -> datetime.datetime | None:
    """The latest change the roll-ups count: `graded` (latest_grading) or, if later, the
    newest registration the roll-ups have not seen yet."""
    watermark = state.registration_watermark if state is not None else 0
    registered = (
        Registration.objects.filter(contest=contest, id__gt=watermark)
        .order_by("-id")
        .values_list("created_at", flat=True)
        .first()
    )
    return max((t for t in (graded, registered) if t is not None), default=None)


def prizes_as_of(*, contest: Contest, graded: datetime.datetime | None) -> datetime.datetime | None:
    """What the dashboard's prize list reflects: the latest published results' time, or for
    a list allocated live from the results, the latest grading."""
    from scoring.selectors.results import snapshot_latest

    snapshot = snapshot_latest(contest=contest)
    if snapshot is not None:
        return snapshot.published_at
    return graded


def questions_per_test(*, contest: Contest, round_: Round | None) -> int:
    """How many questions a test of the contest (or of the round, when it has its own
    blueprint) has: the score axis runs from 0 to it."""
    items = BlueprintItem.objects.filter(contest=contest, round=round_)
    if round_ is not None and not items.exists():
        items = BlueprintItem.objects.filter(contest=contest, round__isnull=True)
    return sum(items.values_list("count", flat=True))
