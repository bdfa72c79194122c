import io
import json

import pytest
from django.core.management import CommandError, call_command

from reports.services.rollups import rollups_recompute


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_contest_figures_json(small_contest, tree):
    rollups_recompute(contest=small_contest)
    data = json.loads(run("contest_figures", small_contest.slug, "--json"))
    assert set(data) >= {
        "contest",
        "unit",
        "registrants",
        "participants",
        "attempts",
        "perfect_attempts",
        "by_block",
        "by_age_group",
        "by_unit",
        "top_units",
    }
    assert (data["contest"], data["unit"]) == (small_contest.slug, "C")
    assert (
        data["registrants"],
        data["participants"],
        data["attempts"],
        data["perfect_attempts"],
    ) == (6, 5, 9, 3)
    assert data["by_unit"][4] == {
        "code": "A-1",
        "name": "Phường A1",
        "kind": "ward",
        "depth": 4,
        "headcount": 200,
        "registrants": 2,
        "participants": 2,
        "attempts": 4,
        "perfect_attempts": 2,
        "mean_best_score": 100.0,
        "rate": 0.01,
    }
    assert [u["code"] for u in data["top_units"][1]["units"]] == ["A", "B"]
    district = json.loads(run("contest_figures", small_contest.slug, "--unit", "A", "--json"))
    assert (district["unit"], district["participants"]) == ("A", 3)
    assert [u["code"] for u in district["by_unit"]] == ["A-1", "A-2"]


def test_contest_figures_text_and_errors(small_contest):
    rollups_recompute(contest=small_contest)
    text = run("contest_figures", small_contest.slug)
    assert text.startswith("Toàn thành phố có 5 người dự thi; khối Sở, ban, ngành 1;")
    with pytest.raises(CommandError, match="Không có cuộc thi “khong-co”."):
        run("contest_figures", "khong-co")
    with pytest.raises(CommandError, match="Đơn vị “ZZ” không thuộc cuộc thi này."):
        run("contest_figures", small_contest.slug, "--unit", "ZZ")


def test_export_tasks_are_routed_to_the_exports_queue(settings):
    from contest_site.celery import app

    route = app.amqp.router.route({}, "reports.tasks.export_run")
    assert route["queue"].name == "exports"
    assert "rollups-refresh" in settings.CELERY_BEAT_SCHEDULE
    assert settings.CELERY_BEAT_SCHEDULE["rollups-refresh"]["schedule"] == 60.0


def test_tasks_are_thin_adapters(tree, settings, tmp_path):
    from reports import tasks
    from tests.factories import ContestFactory

    settings.MEDIA_ROOT = str(tmp_path)
    contest = ContestFactory(owner_unit=tree["C"], participation_root=tree["C"])
    assert tasks.rollups_refresh_all() == {
        contest.slug: {
            "mode": "recompute",
            "units": 9,
            "unit_rows": 0,
            "score_rows": 0,
            "daily_rows": 0,
            "subtree_rows": 0,
        }
    }
    assert tasks.rollups_refresh_all()[contest.slug]["mode"] == "refresh"
    assert tasks.rollups_recompute(999_999) is None
    assert tasks.rollups_recompute_open()[contest.slug]["mode"] == "recompute"
    assert tasks.export_purge_expired() == 0
    assert tasks.export_run(999_999) is None
