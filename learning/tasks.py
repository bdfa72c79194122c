"""Celery adapters for learning: ids in, one service call, out."""

from celery import shared_task

from learning.services import item_stats


# Minutes at city scale (7.5 million attempts) when it must read every attempt: its own
# limits; safe to run twice (a finished run is left alone; a run continues from the previous
# one only when that is exact, see learning.services.item_stats).
@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=1200, time_limit=1500)
def item_stats_compute(run_id: int) -> int | None:
    run = item_stats.item_stats_run(run_id=run_id)
    return run.pk if run is not None else None
