"""Item statistics for the demo's finished contests, so that an organiser sees the question
table, its flags and the weakest topics per district at once (`make demo`). Computed by the
real service (on SQLite, its plain-Python path). The simulator answers a question wrong with
its first wrong option, for everyone below a perfect score, so its first questions come out
"possibly mis-keyed" and "nearly always wrong": real flags from the real rules. Idempotent: a
contest with a finished run is left as it is."""

from __future__ import annotations

from contests.models import Contest
from devdata.services.demo_results import FINAL_SLUG, PROVISIONAL_SLUG
from learning.models import ItemStat, ItemStatsRun
from learning.services.item_stats import item_stats_recompute


def seed_item_stats() -> list[str]:
    lines = []
    for contest in Contest.objects.filter(slug__in=[PROVISIONAL_SLUG, FINAL_SLUG]):
        if ItemStatsRun.objects.filter(contest=contest, finished_at__isnull=False).exists():
            continue
        run = item_stats_recompute(contest=contest)
        flagged = sum(
            1
            for flags in ItemStat.objects.filter(contest=contest).values_list("flags", flat=True)
            if flags
        )
        lines.append(
            f"Thống kê câu hỏi «{contest.title}»: {run.attempts_counted} bài thi, "
            f"{flagged} câu có cảnh báo (Quản trị › Thống kê câu hỏi)."
        )
    return lines
