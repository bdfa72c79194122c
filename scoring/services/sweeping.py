"""Sweepers run by Celery beat (scoring.tasks): close attempts left open past their deadline,
and publish grading again for submitted attempts still ungraded.

Both are safe to run twice or concurrently: rows are claimed with `SELECT ... FOR UPDATE SKIP
LOCKED` and changed by a conditional UPDATE (`WHERE status='open'`), so two runs never close
the same attempt twice; publishing grading twice is harmless (grading is idempotent)."""

import datetime
import logging

from django.db import transaction
from django.db.models import F

from contest_site import clock
from scoring.models import Attempt
from scoring.selectors.attempts import GRACE
from scoring.services.queueing import BATCH_SIZE, grading_enqueue

logger = logging.getLogger(__name__)

# Submitted attempts are published at submit; only those still ungraded after this are
# published again.
REQUEUE_AFTER = datetime.timedelta(minutes=1)
# One run handles at most this many rows (the next run, 30-60 s later, does the rest).
MAX_PER_RUN = 20 * BATCH_SIZE


def attempts_close_expired(*, now: datetime.datetime | None = None) -> int:
    """Finish every open attempt past deadline + GRACE with the answers saved so far:
    status "submitted", finished_at = deadline. Grading is published after each batch
    commits. Returns how many this run closed."""
    now = now or clock.now()
    closed = 0
    while closed < MAX_PER_RUN:
        with transaction.atomic():
            ids = list(
                Attempt.objects.select_for_update(skip_locked=True)
                .filter(status=Attempt.Status.OPEN, deadline__lt=now - GRACE)
                .order_by("deadline")
                .values_list("id", flat=True)[:BATCH_SIZE]
            )
            if not ids:
                break
            count = Attempt.objects.filter(id__in=ids, status=Attempt.Status.OPEN).update(
                status=Attempt.Status.SUBMITTED, finished_at=F("deadline"), submitted_at=now
            )
            transaction.on_commit(lambda ids=ids: grading_enqueue(ids))
        closed += count
        if len(ids) < BATCH_SIZE:
            break
    if closed:
        logger.info("closed %d expired attempt(s)", closed)
    return closed


def attempts_requeue_ungraded(*, now: datetime.datetime | None = None) -> int:
    """Publish grading again for attempts submitted more than REQUEUE_AFTER ago and still not
    graded (the broker was down at submit, or a worker lost the task). Returns how many."""
    now = now or clock.now()
    ids = list(
        Attempt.objects.filter(
            status=Attempt.Status.SUBMITTED, submitted_at__lt=now - REQUEUE_AFTER
        )
        .order_by("submitted_at")
        .values_list("id", flat=True)[:MAX_PER_RUN]
    )
    if ids and grading_enqueue(ids):
        logger.info("requeued grading of %d attempt(s)", len(ids))
    return len(ids)
