"""The dashboard's figures kept fresh without Celery beat (the embedded default has none):
decide with reports.rules.freshness, refresh through the one guarded entry point
(rollups_refresh_unless_busy), and say what the page shows."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.cache import cache
from django.utils import timezone

from contests.models import Contest
from reports import selectors_live
from reports.models import RollupState
from reports.rules.freshness import (
    MANUAL_REFRESH_EVERY,
    Freshness,
    freshness,
    manual_refresh_wait,
)
from reports.services.rollups import rollups_refresh_unless_busy


@dataclass
class Fresh:
    state: RollupState | None
    refreshed: bool  # this view refreshed the roll-ups
    # Set when the figures shown are older than the prize list beside them (another view is
    # refreshing, or the last refresh is a few seconds old): the page says so.
    prizes_as_of: datetime.datetime | None = None


def figures_freshen(*, contest: Contest, with_prizes: bool, now=None) -> Fresh:
    """Refresh the contest's roll-ups first when the rule says so (`with_prizes`: the prize
    list is shown beside the figures, which must not be older than it)."""
    now = now or timezone.now()
    state = RollupState.objects.filter(contest=contest).first()
    graded = selectors_live.latest_grading(contest=contest)
    changed = selectors_live.figures_changed_at(contest=contest, state=state, graded=graded)
    prizes = selectors_live.prizes_as_of(contest=contest, graded=graded) if with_prizes else None
    refreshed_at = state.refreshed_at if state else None
    covered = state.graded_watermark if state else None
    decision = freshness(
        now=now,
        refreshed_at=refreshed_at,
        covered_until=covered,
        changed_at=changed,
        prizes_as_of=prizes,
    )
    refreshed = False
    # Never rolled up and nothing to count (changed is None): the empty figures are exact.
    if decision == Freshness.REFRESH and changed is not None:
        refreshed = rollups_refresh_unless_busy(contest=contest) is not None
        state = RollupState.objects.filter(contest=contest).first()
    covered = (state.graded_watermark or state.refreshed_at) if state else None
    behind = prizes is not None and (covered is None or prizes > covered)
    return Fresh(state=state, refreshed=refreshed, prizes_as_of=prizes if behind else None)


def _asked_key(contest: Contest, user) -> str:
    return f"reports:refresh-asked:{contest.pk}:{user.pk}"


def figures_refresh_asked(*, contest: Contest, user, now=None) -> tuple[str, int]:
    """The "Cập nhật số liệu" button: ("wait", seconds) when this organiser asked less than
    a minute ago, ("busy", 0) when another refresh is running, else ("done", 0)."""
    now = now or timezone.now()
    key = _asked_key(contest, user)
    window = int(MANUAL_REFRESH_EVERY.total_seconds())
    # add is atomic: of two clicks at once, one refreshes and the other is told to wait.
    if not cache.add(key, now.timestamp(), timeout=window):
        last = cache.get(key)
        last_at = datetime.datetime.fromtimestamp(last, tz=datetime.UTC) if last else None
        wait = manual_refresh_wait(now=now, last_asked_at=last_at)
        if wait:
            return "wait", wait
        cache.set(key, now.timestamp(), timeout=window)
    if rollups_refresh_unless_busy(contest=contest) is None:
        return "busy", 0
    return "done", 0
