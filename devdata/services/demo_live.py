"""A contest under way at a realistic scale, so that `make demo`'s dashboard means something:
tens of thousands of simulated people (the simulator, `contest_simulate`: the real grading and
best-attempt rules) across the demo's units, their attempts spread over the days the contest
has been open, more of them towards today, and none in the future.

Its roll-ups are computed here once; after that the dashboard keeps them fresh by itself (no
Celery beat in the embedded default: reports.rules.freshness) and organisers have the
"Cập nhật số liệu" button.

The scale is `settings.DEMO_SCALE` (people who took part; the embedded default sets it, and
the DEMO_SCALE environment variable overrides it); without it, as under the tests, a few
hundred, so that the demo tests stay as fast as before. Idempotent."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from contests.models import BlueprintItem, Contest
from devdata.services.demo_results import BASE_URL, _contest, _midnight
from devdata.services.simulation import contest_simulate
from reports.services.rollups import rollups_recompute

LIVE_SLUG = "tim-hieu-luat-cu-tru"
SMALL_SCALE = 300
OPEN_DAYS = 20  # open this many days already
LEFT_DAYS = 10  # and this many still to go


def _n(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def demo_scale() -> int:
    return int(getattr(settings, "DEMO_SCALE", 0) or SMALL_SCALE)


@transaction.atomic
def seed_live_contest(*, people: int | None = None, seed: int = 21) -> list[str]:
    """The contest under way with `people` participants (default: demo_scale()), a tenth
    more registered who have not taken the test yet, two attempts a person on average."""
    people = people or demo_scale()
    contest = Contest.objects.filter(slug=LIVE_SLUG).first()
    if contest is None:
        closes = _midnight(timezone.localdate() + datetime.timedelta(days=LEFT_DAYS))
        contest = _contest(
            slug=LIVE_SLUG,
            title="Tìm hiểu Luật Cư trú (minh họa: đang diễn ra)",
            opens_days_ago=OPEN_DAYS,
            closes_at=closes,
        )
        report = contest_simulate(
            slug=contest.slug,
            participants=people,
            registrants=people + people // 10,
            attempts=people * 2,
            seed=seed,
            questions=sum(
                BlueprintItem.objects.filter(contest=contest).values_list("count", flat=True)
            ),
            until=timezone.now(),
        )
        rollups_recompute(contest=contest)
        people_text, attempts_text = _n(report["participants"]), _n(report["attempts"])
        made = (
            f"  Cuộc thi đang diễn ra: {people_text} người dự thi, {attempts_text} bài dự thi "
            f"({report['seconds']} giây)"
        )
    else:
        made = "  Cuộc thi đang diễn ra: đã có"
    return [made, f"  Số liệu của cuộc thi đang diễn ra: {BASE_URL}/bao-cao/{LIVE_SLUG}/"]
