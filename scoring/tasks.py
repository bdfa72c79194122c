"""Celery adapters: ids in, one service call, out. Every task is safe to run twice (the
services guard on status and recompute from stored rows) and returns quietly when its row is
gone. Routed to the "grading" queue (settings.CELERY_TASK_ROUTES). acks_late +
reject_on_worker_lost: a task whose worker dies is given back to the queue (the services make
the second run harmless)."""

from celery import shared_task

from scoring.models import ExamSession
from scoring.services import certificates, grading, prediction, prepared, regrade, sweeping


@shared_task(acks_late=True, reject_on_worker_lost=True)
def grade_attempt(attempt_id: int) -> int:
    """Queued by a submission that found no task waiting (`queueing.grading_ring`): grades it
    and takes the waiting backlog along."""
    return grading.attempt_grade_with_backlog(attempt_id=attempt_id)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def grade_attempts(attempt_ids: list[int]) -> int:
    """A given batch: what the sweepers queue (closed and re-queued attempts)."""
    return grading.attempts_grade(attempt_ids=attempt_ids)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def regrade_contest(job_id: int) -> None:
    """One slice (about a minute) of a regrade job; queues the next slice if work remains."""
    job = regrade.regrade_job_run(job_id=job_id)
    if job is not None and job.status == job.Status.RUNNING:
        regrade.regrade_enqueue(job_id=job_id)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def compute_due_predictions() -> int:
    return prediction.predictions_compute_due()


@shared_task(acks_late=True, reject_on_worker_lost=True)
def close_expired_attempts() -> int:
    return sweeping.attempts_close_expired()


@shared_task(acks_late=True, reject_on_worker_lost=True)
def requeue_ungraded_attempts() -> int:
    return sweeping.attempts_requeue_ungraded()


# Drawing tests ahead for a session is batch work: routed to the "exports" queue
# (settings.CELERY_TASK_ROUTES), away from grading. Preparing twice replaces the tests.
@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=3000, time_limit=3600)
def prepare_exam_session(session_id: int) -> int:
    session = ExamSession.objects.select_related("contest", "unit").filter(pk=session_id).first()
    if session is None:
        return 0
    return prepared.exam_session_prepare(session=session)


@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=3000, time_limit=3600)
def prepare_due_exam_sessions() -> int:
    return prepared.exam_sessions_prepare_due()


@shared_task(acks_late=True, reject_on_worker_lost=True)
def discard_prepared_attempts() -> int:
    return prepared.prepared_attempts_discard()


# Routed to the "exports" queue (settings.CELERY_TASK_ROUTES), away from grading; a city's
# winners take minutes: its own, longer limits.
@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=3000, time_limit=3600)
def certificates_make(job_id: int) -> None:
    certificates.certificate_job_run(job_id=job_id)
