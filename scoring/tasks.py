"""Celery adapters: ids in, one service call, out. Every task is safe to run twice (the
services guard on status and recompute from stored rows) and returns quietly when its row is
gone. Routed to the "grading" queue (settings.CELERY_TASK_ROUTES)."""

from celery import shared_task

from scoring.services import grading, sweeping


@shared_task(acks_late=True, reject_on_worker_lost=True)
def grade_attempt(attempt_id: int) -> None:
    grading.attempts_grade(attempt_ids=[attempt_id])


@shared_task(acks_late=True, reject_on_worker_lost=True)
def grade_attempts(attempt_ids: list[int]) -> None:
    """The path used under load: one task grades a batch."""
    grading.attempts_grade(attempt_ids=attempt_ids)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def close_expired_attempts() -> int:
    return sweeping.attempts_close_expired()


@shared_task(acks_late=True, reject_on_worker_lost=True)
def requeue_ungraded_attempts() -> int:
    return sweeping.attempts_requeue_ungraded()
