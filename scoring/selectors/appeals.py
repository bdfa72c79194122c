"""Reads for appeals: the appeal of an attempt, what a result page shows, what publishing
counts."""

from __future__ import annotations

from contests.models import Contest
from scoring.models import Appeal, Attempt


def appeal_for_attempt(*, attempt: Attempt) -> Appeal | None:
    return Appeal.objects.filter(attempt=attempt).first()


def appeals_pending_count(*, contest: Contest) -> int:
    return Appeal.objects.filter(contest=contest, status=Appeal.Status.PENDING).count()
