"""The daily official board (bảng tổng sắp): freezing a day's figures, and corrections.

Guarantees:
- A published version is never changed: this module only inserts BoardSnapshot rows.
- Each day is frozen once: the database's unique (contest, day, version) decides between two
  workers or two viewers; the loser skips (get-or-skip), it does not fail.
- Figures are exact: the roll-ups are brought up to date (`rollups_refresh`) before they are
  read, and they equal a direct count over the raw rows.
- A later change of a published day's figures (a regrade, a late grade, a disqualification, a
  headcount edited) is published as a correction: a new version that `corrects` the previous
  one and lists what changed. This happens automatically when the next day is frozen (once a
  day, at the board hour: a correction is published with the next board, not minutes after
  each regrade batch), or at once when an organiser asks for it in the admin."""

from __future__ import annotations

import datetime
import logging

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone

from contests.models import Contest
from reports import selectors
from reports.models import BoardSnapshot
from reports.rules.board import board_changes, board_days_due, content_hash
from reports.services.rollups import rollups_refresh

logger = logging.getLogger(__name__)

# How long the freezing lock is held at most (a crashed worker's lock expires).
LOCK_SECONDS = 300


def _insert(*, contest: Contest, day: datetime.date, version: int, figures: dict, **extra):
    """Insert one version, or None when another process inserted it first."""
    try:
        with transaction.atomic():
            return BoardSnapshot.objects.create(
                contest=contest,
                day=day,
                version=version,
                corrects=version - 1 if version > 1 else None,
                figures=figures,
                content_hash=content_hash(figures),
                made_at=timezone.now(),
                **extra,
            )
    except IntegrityError:
        return None


def board_freeze(*, contest: Contest, day: datetime.date) -> BoardSnapshot | None:
    """Freeze version 1 of `day` from the roll-ups as they are; None if the day already has a
    board (nothing is changed then)."""
    if BoardSnapshot.objects.filter(contest=contest, day=day).exists():
        return None
    figures = selectors.board_figures(contest=contest, day=day)
    return _insert(contest=contest, day=day, version=1, figures=figures)


def board_corrections_publish(
    *, contest: Contest, user=None, refresh: bool = True
) -> list[BoardSnapshot]:
    """Recompute every published day of the contest and publish a correction for each day
    whose figures now differ from its newest version. Returns the corrections published
    (none when nothing changed)."""
    if refresh:
        rollups_refresh(contest=contest)
    out = []
    for day, latest in sorted(selectors.board_latest_versions(contest=contest).items()):
        figures = selectors.board_figures(contest=contest, day=day)
        if content_hash(figures) == latest.content_hash:
            continue
        correction = _insert(
            contest=contest,
            day=day,
            version=latest.version + 1,
            figures=figures,
            changes=board_changes(latest.figures, figures),
            made_by=user,
        )
        if correction is not None:
            out.append(correction)
    return out


def _lock(contest: Contest) -> bool:
    try:
        return bool(cache.add(f"board-freeze:{contest.pk}", 1, timeout=LOCK_SECONDS))
    except Exception:  # a cache outage: the unique constraint alone keeps each day once
        logger.warning("board lock unavailable for contest %s", contest.pk, exc_info=True)
        return True


def _unlock(contest: Contest) -> None:
    try:
        cache.delete(f"board-freeze:{contest.pk}")
    except Exception:
        logger.warning("board lock not released for contest %s", contest.pk, exc_info=True)


def board_days_missing(*, contest: Contest, now: datetime.datetime) -> list[datetime.date]:
    """The days whose board is due and not yet frozen (one small query)."""
    due = board_days_due(
        opens_at=contest.opens_at,
        closes_at=contest.closes_at,
        board_hour=contest.board_hour,
        now=now,
        tz=timezone.get_default_timezone(),
    )
    if not due:
        return []
    published = selectors.board_days_published(contest=contest)
    return [day for day in due if day not in published]


def board_freeze_due(*, contest: Contest, now: datetime.datetime | None = None) -> dict:
    """Freeze every due day that has no board yet, then publish corrections of the earlier
    days whose figures changed. Cheap when nothing is due (one query); under a lock, so that
    two viewers (or a viewer and the beat) do not both compute: the second returns at once
    and its page shows what is already published."""
    now = now or timezone.now()
    missing = board_days_missing(contest=contest, now=now)
    if not missing or not _lock(contest):
        return {"frozen": [], "corrected": []}
    try:
        rollups_refresh(contest=contest)
        corrected = board_corrections_publish(contest=contest, refresh=False)
        frozen = [s for s in (board_freeze(contest=contest, day=d) for d in missing) if s]
    finally:
        _unlock(contest)
    return {
        "frozen": [s.day.isoformat() for s in frozen],
        "corrected": [f"{s.day.isoformat()}/v{s.version}" for s in corrected],
    }


def boards_freeze_all(*, now: datetime.datetime | None = None) -> dict[str, dict]:
    """Every few minutes (beat): the contests with a board whose window has opened and
    closed less than three days ago (an older one is frozen when its page is viewed)."""
    now = now or timezone.now()
    contests = (
        Contest.objects.filter(
            board_hour__isnull=False,
            opens_at__lte=now,
            closes_at__gte=now - datetime.timedelta(days=3),
        )
        .exclude(status=Contest.Status.DRAFT)
        .select_related("participation_root")
    )
    return {c.slug: board_freeze_due(contest=c, now=now) for c in contests}
