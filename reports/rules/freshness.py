"""When the dashboard refreshes the roll-ups itself, and when an organiser may ask for it.

Production refreshes every minute from Celery beat; the embedded default (`make demo`: SQLite,
Celery inline) has no beat, so the dashboard refreshes on view. Either way the same rule
decides, so a dashboard never recomputes for nothing: figures are a cache of the raw rows
(DESIGN.md, invariant 8), and when nothing was graded or registered since the last refresh
they are exact however old they are."""

from __future__ import annotations

import datetime
from enum import StrEnum

# Figures behind the raw rows are refreshed on view once they are this old (beat's minute,
# plus a margin, so that with beat running a view practically never refreshes).
REFRESH_AFTER = datetime.timedelta(minutes=2)
# Figures behind the prize list beside them are refreshed sooner, but not more often than
# this: at a peak every view would otherwise recompute; in between the page shows their age.
PRIZES_REFRESH_AFTER = datetime.timedelta(seconds=20)
# The "Cập nhật số liệu" button: once per contest and organiser in this window.
MANUAL_REFRESH_EVERY = datetime.timedelta(seconds=60)


class Freshness(StrEnum):
    FRESH = "fresh"  # show the figures
    REFRESH = "refresh"  # refresh first (unless another view is already refreshing)
    BEHIND = "behind"  # show the figures with their age: older than the prize list beside them


def freshness(
    *,
    now: datetime.datetime,
    refreshed_at: datetime.datetime | None,
    covered_until: datetime.datetime | None,
    changed_at: datetime.datetime | None,
    prizes_as_of: datetime.datetime | None = None,
    refresh_after: datetime.timedelta = REFRESH_AFTER,
    prizes_refresh_after: datetime.timedelta = PRIZES_REFRESH_AFTER,
) -> Freshness:
    """`refreshed_at`: when the roll-ups were last written (None: never); `covered_until`:
    what they include (graded or registered before it; the refresh's watermark);
    `changed_at`: the latest grading or registration of the contest (None: none at all);
    `prizes_as_of`: what the prize list shown beside the figures reflects (a published
    snapshot's time, or the latest grading for a list allocated live), None without one."""
    if refreshed_at is None:
        return Freshness.REFRESH
    covered = covered_until or refreshed_at
    age = now - refreshed_at
    if prizes_as_of is not None and prizes_as_of > covered:
        return Freshness.REFRESH if age >= prizes_refresh_after else Freshness.BEHIND
    if changed_at is not None and changed_at > covered and age >= refresh_after:
        return Freshness.REFRESH
    return Freshness.FRESH


def manual_refresh_wait(
    *,
    now: datetime.datetime,
    last_asked_at: datetime.datetime | None,
    every: datetime.timedelta = MANUAL_REFRESH_EVERY,
) -> int:
    """Seconds the organiser must still wait before the button refreshes again (0: now)."""
    if last_asked_at is None or now - last_asked_at >= every:
        return 0
    left = min(every, every - (now - last_asked_at))  # a clock that went back: one window
    return max(1, int(-(-left.total_seconds() // 1)))
