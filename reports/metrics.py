"""Figures read from the database when Prometheus scrapes `/metrics` (contest_site/metrics.py):
the grading backlog, the export jobs, the roll-ups' age. Each is one indexed query (the partial
index on submitted attempts, ExportJob's (status, expires_at) index, the open contests), run in
one transaction under a 2-second statement timeout, so a slow or unreachable database costs a
scrape, never a web worker, and shows as `contest_database_up 0`.

Here in `reports`, the top layer, because it reads scoring's and reports' tables."""

from __future__ import annotations

import datetime
import logging

from django.db import DatabaseError, connection, transaction
from django.db.models import Count, Min
from prometheus_client.core import GaugeMetricFamily

from contest_site import clock
from contests.models import Contest
from reports.models import ExportJob, RollupState
from scoring.models import Attempt

log = logging.getLogger(__name__)

STATEMENT_TIMEOUT_MS = 2000
FAILED_EXPORTS_WINDOW = datetime.timedelta(hours=24)


def rollup_ages(
    *,
    contests: list[tuple[str, datetime.datetime]],
    refreshed: dict[str, datetime.datetime | None],
    now: datetime.datetime,
) -> dict[str, float]:
    """Seconds since each contest's roll-ups were last refreshed; a contest never refreshed
    counts from its opening (the beat job should have run since)."""
    ages = {}
    for slug, opens_at in contests:
        since = refreshed.get(slug) or opens_at
        ages[slug] = max(0.0, (now - since).total_seconds())
    return ages


def database_figures(*, now: datetime.datetime) -> dict:
    """The raw figures the collector reports (a dict, so that a test can read them)."""
    backlog = Attempt.objects.filter(status=Attempt.Status.SUBMITTED).aggregate(
        count=Count("id"), oldest=Min("submitted_at")
    )
    jobs = dict(
        ExportJob.objects.filter(status__in=[ExportJob.Status.PENDING, ExportJob.Status.RUNNING])
        .values_list("status")
        .annotate(n=Count("id"))
        .order_by()
    )
    jobs[ExportJob.Status.FAILED] = ExportJob.objects.filter(
        status=ExportJob.Status.FAILED, finished_at__gte=now - FAILED_EXPORTS_WINDOW
    ).count()
    # The contests the beat job refreshes (reports.services.rollups.rollups_refresh_all).
    open_contests = list(
        Contest.objects.filter(
            opens_at__lte=now, closes_at__gte=now - datetime.timedelta(days=1)
        ).values_list("id", "slug", "opens_at")
    )
    slugs = {pk: slug for pk, slug, _opens in open_contests}
    refreshed = {
        slugs[contest_id]: at
        for contest_id, at in RollupState.objects.filter(contest_id__in=slugs).values_list(
            "contest_id", "refreshed_at"
        )
    }
    return {
        "backlog": backlog["count"],
        "backlog_oldest_age": (
            max(0.0, (now - backlog["oldest"]).total_seconds()) if backlog["oldest"] else 0.0
        ),
        "exports": {
            status: jobs.get(status, 0)
            for status in (
                ExportJob.Status.PENDING,
                ExportJob.Status.RUNNING,
                ExportJob.Status.FAILED,
            )
        },
        "rollup_ages": rollup_ages(
            contests=[(slug, opens) for _pk, slug, opens in open_contests],
            refreshed=refreshed,
            now=now,
        ),
    }


class DatabaseCollector:
    def collect(self):
        up = GaugeMetricFamily(
            "contest_database_up", "1 when the database answered this scrape's queries."
        )
        try:
            with transaction.atomic():
                if connection.vendor == "postgresql":
                    with connection.cursor() as cursor:
                        cursor.execute(
                            "SELECT set_config('statement_timeout', %s, true)",
                            [str(STATEMENT_TIMEOUT_MS)],
                        )
                figures = database_figures(now=clock.now())
        except DatabaseError as exc:
            log.warning("metrics: database figures not read: %s", exc.__class__.__name__)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield GaugeMetricFamily(
            "contest_grading_backlog",
            "Attempts submitted and not yet graded.",
            value=figures["backlog"],
        )
        yield GaugeMetricFamily(
            "contest_grading_backlog_oldest_seconds",
            "Age of the oldest submitted attempt not yet graded (0 when none).",
            value=figures["backlog_oldest_age"],
        )
        exports = GaugeMetricFamily(
            "contest_export_jobs",
            "Export jobs pending or running now; failed in the last 24 hours.",
            labels=["status"],
        )
        for status in (
            ExportJob.Status.PENDING,
            ExportJob.Status.RUNNING,
            ExportJob.Status.FAILED,
        ):
            exports.add_metric([status], figures["exports"][status])
        yield exports
        ages = GaugeMetricFamily(
            "contest_rollup_age_seconds",
            "Seconds since an open contest's roll-ups were last refreshed.",
            labels=["contest"],
        )
        for slug, age in figures["rollup_ages"].items():
            ages.add_metric([slug], age)
        yield ages
