"""Publishing grading work to the broker.

Called from `transaction.on_commit`, after the attempt's row is committed: by then the answers
are safe in PostgreSQL, so a broker that is down or slow must not turn a submission into an
error. Publishing is tried once (no retry loop: settings.CELERY_TASK_PUBLISH_RETRY is False and
the connection timeout is 2 s; a closed port fails at once), failures are logged, and the
requeue sweeper (`sweeping.attempts_requeue_ungraded`) publishes what is left ungraded later.

A submission does not publish a task of its own: it rings a doorbell (`grading_ring`). Every
grading task takes the waiting backlog along (`grading.attempt_grade_with_backlog`), so one
queued task, started GRADING_DELAY_SECONDS later, grades that second's submissions; a Celery
publish cost about as much CPU as the rest of a submit (1.3 ms against 0.1 ms for one Redis
command: benchmarks/README.md, docs/grading.md).
"""

import datetime
import logging
import time

from django.conf import settings
from django.core.cache import cache

from contest_site import clock

logger = logging.getLogger(__name__)

# After a failed publish, this process skips the broker for this long: a refused connection
# costs up to the 2 s connect timeout (kombu retries within it), and a participant's submit
# must not pay that again and again while Redis is down. What is skipped is published by the
# requeue sweeper.
BROKER_BACKOFF_SECONDS = 10.0
_broker_down_until = 0.0

# The doorbell: a cache key set (SET NX) by the submission that publishes a grading task and
# deleted by the task when it starts, before it reads the backlog. A submission that finds it
# set publishes nothing: a task is queued and has not yet read the backlog, so it will see this
# submission's committed row. The timeout bounds how long a lost task (a worker killed in
# kombu's window, docs/grading.md) keeps the bell rung: after it, the next submission publishes
# again; the requeue sweeper covers a quiet period.
DOORBELL_KEY = "scoring:grading-doorbell"
DOORBELL_SECONDS = 5

# One task grades a batch; the sweepers publish their ids in chunks of this size.
BATCH_SIZE = 500


def grading_enqueue(attempt_ids: list[int], *, delay: float = 0) -> bool:
    """Publish grading for `attempt_ids` (one task per chunk of BATCH_SIZE), to start `delay`
    seconds from now.

    Never raises: returns False when publishing failed (the sweeper retries later). Safe to
    call twice for the same ids: grading is idempotent."""
    global _broker_down_until
    ids = [int(i) for i in attempt_ids]
    if not ids:
        return True
    if time.monotonic() < _broker_down_until:
        logger.info("broker marked down: grading of %d attempt(s) left to the sweeper", len(ids))
        return False
    # Imported here: scoring.tasks imports the services (no import cycle at module load).
    from scoring.tasks import grade_attempt, grade_attempts

    try:
        if len(ids) == 1:
            # An absolute time by the one clock (contest_site.clock), not a countdown: Celery
            # turns a countdown into a time by this node's own clock, and a node minutes ahead
            # made the worker hold the doorbell for those minutes (issue 20, make chaos).
            eta = clock.now() + datetime.timedelta(seconds=delay) if delay else None
            grade_attempt.apply_async((ids[0],), eta=eta, retry=False)
        else:
            for start in range(0, len(ids), BATCH_SIZE):
                grade_attempts.apply_async((ids[start : start + BATCH_SIZE],), retry=False)
    except Exception:  # the broker's errors are many (kombu, redis, socket): log and go on
        _broker_down_until = time.monotonic() + BROKER_BACKOFF_SECONDS
        logger.warning(
            "grading not queued for %d attempt(s) (broker unavailable); the requeue sweeper "
            "will queue them",
            len(ids),
            exc_info=True,
        )
        return False
    return True


def grading_ring(attempt_id: int) -> bool:
    """After a submission commits: make sure a grading task that has not yet read the backlog
    is queued. Publishes `grade_attempt(attempt_id)` only when the doorbell was not rung.
    Never raises (as `grading_enqueue`)."""
    try:
        rang = cache.add(DOORBELL_KEY, int(attempt_id), timeout=DOORBELL_SECONDS)
    except Exception:  # the cache is down: publish (or fail and leave it to the sweeper)
        logger.warning("grading doorbell unavailable: publishing", exc_info=True)
        rang = True
    if not rang:
        return True
    published = grading_enqueue([attempt_id], delay=settings.GRADING_DELAY_SECONDS)
    if not published:
        doorbell_clear()  # the next submission tries the broker again (after the backoff)
    return published


def doorbell_clear() -> None:
    """Called by a grading task before it reads the backlog (see DOORBELL_KEY)."""
    try:
        cache.delete(DOORBELL_KEY)
    except Exception:  # the key expires by itself
        logger.warning("grading doorbell not cleared", exc_info=True)


def broker_backoff_reset() -> None:
    """Forget a past broker failure (used by tests)."""
    global _broker_down_until
    _broker_down_until = 0.0
