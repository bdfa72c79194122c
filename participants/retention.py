"""Retention of identity numbers (IDENTITY.md, "Personal data"): each contest keeps the
document numbers copied onto its registrations, and the guardians' phones, for
`Contest.retention_days` after it closes; then a daily job overwrites them.

The overwritten number is "#<registration id>": unique within the contest (the
one-registration-per-document constraint still holds), not derived from the person's number
(a hash of a 12-digit CCCD could be reversed by trying them all), and plainly not a real
document. Names, units and results stay: the contest's figures and prize lists remain true.

The participant's own account keeps its document number while the account exists: it is the
person's login and the duplicate check for their next contest (see docs/participants.md)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from contests.models import Contest
from participants.models import Registration

BATCH = 5_000


def contests_past_retention(*, now: datetime.datetime) -> list[Contest]:
    """Closed contests whose retention period has ended (few rows: filtered in Python)."""
    return [
        contest
        for contest in Contest.objects.filter(closes_at__lte=now).only(
            "id", "closes_at", "retention_days"
        )
        if contest.closes_at + datetime.timedelta(days=contest.retention_days) <= now
    ]


def identities_purge_expired(*, now: datetime.datetime | None = None) -> int:
    """Overwrite the identity numbers of every registration whose contest's retention period
    has ended. Idempotent (purged rows are skipped); batches of BATCH rows, each its own short
    transaction, so that a city contest's 1.5 million rows never hold one long lock.
    Returns the number of registrations purged."""
    now = now or timezone.now()
    purged = 0
    for contest in contests_past_retention(now=now):
        pending = Registration.objects.filter(contest=contest, identity_purged_at__isnull=True)
        while True:
            with transaction.atomic():
                ids = list(pending.order_by("id").values_list("id", flat=True)[:BATCH])
                if not ids:
                    break
                purged += Registration.objects.filter(id__in=ids).update(
                    document_number=Concat(Value("#"), Cast("id", CharField())),
                    guardian_phone="",
                    identity_purged_at=now,
                )
    return purged
