"""Celery adapters for detection: ids in, the service, out. Both are safe to run twice (flags
are unique per kind and subject; a rerun adds only what is new)."""

import logging

from celery import shared_task

from integrity.services import detection

logger = logging.getLogger(__name__)


# A city contest's scan reads millions of rows: its own, longer limits.
@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=1800, time_limit=2400)
def flags_detect(contest_id: int) -> dict:
    return detection.contest_scan(contest_id=contest_id)


@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=3000, time_limit=3600)
def flags_detect_open() -> dict:
    """Hourly (beat): every contest open now or closed in the last two days."""
    return {str(k): v for k, v in detection.open_contests_scan().items()}


def detection_enqueue(*, contest_id: int) -> bool:
    """Queue a scan of one contest (the admin's "scan now"); never raises: with the broker
    down, the hourly scan still comes."""
    try:
        flags_detect.apply_async((contest_id,), retry=False)
    except Exception:  # broker errors are many; the periodic scan catches up
        logger.warning("integrity scan of contest %s not queued", contest_id, exc_info=True)
        return False
    return True
