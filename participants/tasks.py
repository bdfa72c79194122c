"""Celery adapters for participants: one service call each."""

from celery import shared_task

from participants.retention import identities_purge_expired


@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=1800, time_limit=2400)
def identities_purge() -> int:
    """Daily (beat): identity numbers past their contest's retention period are overwritten."""
    return identities_purge_expired()
