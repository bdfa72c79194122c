"""Celery adapters for reports: ids in, one service call, out. Exports are named `export_*`
so that settings.CELERY_TASK_ROUTES sends them to the "exports" queue, away from grading."""

from celery import shared_task

from contests.models import Contest
from reports.services import board, rollups
from reports.services import exports as export_services


@shared_task(acks_late=True, reject_on_worker_lost=True)
def rollups_refresh_all() -> dict:
    """Every minute (beat): bring the open contests' roll-ups up to date."""
    return rollups.rollups_refresh_all()


@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=600, time_limit=900)
def rollups_recompute(contest_id: int) -> dict | None:
    contest = Contest.objects.filter(pk=contest_id).first()
    if contest is None:
        return None
    return rollups.rollups_recompute(contest=contest)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def rollups_recompute_open() -> dict:
    """Hourly (beat): the full recomputation, the truth, for the open contests (catches what
    the incremental refresh cannot see, e.g. a registration moved to another unit)."""
    return rollups.rollups_recompute_open()


# An export of 1.5 million rows takes minutes: its own, longer limits.
@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=3000, time_limit=3600)
def export_run(job_id: int) -> None:
    export_services.export_job_run(job_id=job_id)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def export_purge_expired() -> int:
    return export_services.export_jobs_purge()


@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=600, time_limit=900)
def boards_freeze_due() -> dict:
    """Every five minutes (beat): freeze each due day's official board once (idempotent)."""
    return board.boards_freeze_all()
