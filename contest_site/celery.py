import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "contest_site.settings.local")

app = Celery("contest_site")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


# Observability (deploy/README.md "Metrics, logs and alerts"): the request id of the request
# that published a task goes with it; each worker writes a heartbeat without beat and serves
# its processes' metrics. Imported here, not at the top: they read Django's settings.
def _wire_observability() -> None:
    from contest_site import request_id, worker_health

    signals.before_task_publish.connect(request_id.task_publish_add_id, weak=False)
    signals.task_prerun.connect(request_id.task_id_enter, weak=False)
    signals.task_postrun.connect(request_id.task_id_leave, weak=False)
    signals.worker_init.connect(lambda **_kwargs: worker_health.worker_metrics_serve(), weak=False)
    app.steps["worker"].add(worker_health.Heartbeat)


_wire_observability()


@signals.task_prerun.connect(weak=False)
def _database_connections_check(task=None, **_kwargs) -> None:
    """Before each task, what Django does before each request: drop a connection that
    errored and fails its health check, or outlived CONN_MAX_AGE. Without it a worker kept a
    connection PostgreSQL had closed (a restart while the worker was idle) and failed every
    task with "connection already closed" until its CELERY_DB_REUSE_MAX-th task: grading
    stopped (issue 20, found by `make chaos`). Costs one `SELECT 1` per task (CONN_HEALTH_CHECKS
    checks a reused connection once), against tasks that grade hundreds of attempts."""
    from django.db import connections

    if task is not None and task.request.is_eager:
        return  # run inline by its caller (the demo, tests), inside the caller's connection use
    for conn in connections.all(initialized_only=True):
        if not conn.in_atomic_block:
            conn.close_if_unusable_or_obsolete()
