"""Scheduled sessions ("Ca thi") in the admin, in real Chromium at laptop size (1366×768): a
district organiser sees its session in the list, draws the tests ahead with "Chuẩn bị trước đề
thi" and reads the session's page (how many tests are ready, when). No console errors, no CSP
violations, no sideways scrolling. Screenshots in /tmp/shots/i/."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from scoring.models import ExamSession, PreparedAttempt
from tests.browser.test_item_stats_pages import LAPTOP, SHOTS, page, settled  # noqa: F401
from tests.factories import RegistrationFactory, contest_with_bank

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_district_organiser_draws_a_sessions_tests_ahead(page, live_server, tree, organisers):  # noqa: F811
    contest = contest_with_bank(
        owner=tree["C"],
        root=tree["C"],
        title="Tìm hiểu Luật Cư trú năm 2026 trên địa bàn cả thành phố",
    )
    for unit in ("A-1", "A-2", "B-1"):
        RegistrationFactory(contest=contest, unit=tree[unit])
    starts = timezone.now() + datetime.timedelta(hours=2)
    session = ExamSession.objects.create(
        contest=contest,
        unit=tree["A"],
        name="Thi tập trung tại trụ sở, 9 giờ",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=1),
    )
    page.goto(f"{live_server.url}/quan-tri/login/")
    page.fill("[name=username]", "district_a")
    page.fill("[name=password]", "secret-pass-123")
    page.click("form [type=submit]")
    page.wait_for_load_state()

    page.goto(live_server.url + reverse("admin:scoring_examsession_changelist"))
    assert settled(page) == []
    assert "Thi tập trung tại trụ sở, 9 giờ" in page.inner_text("#result_list")
    page.check(f"#result_list input[name=_selected_action][value='{session.pk}']")
    page.select_option("select[name=action]", "prepare_selected")
    page.click("button[name=index]")
    page.wait_for_selector(".messagelist .success")
    # District A's two registered people; district B's is not in the session's unit.
    assert "Đã rút trước 2 đề thi." in page.inner_text(".messagelist")
    ready = PreparedAttempt.objects.values_list("registration__unit__path", flat=True)
    assert len(ready) == 2 and all(path.startswith(tree["A"].path) for path in ready)
    assert settled(page) == []
    wide = page.evaluate("document.documentElement.scrollWidth")
    page.screenshot(path=str(SHOTS / "exam_sessions_list.png"), full_page=True)
    assert wide <= LAPTOP["width"], wide

    page.click(f"#result_list a:has-text('{session.name}')")
    page.wait_for_selector("#examsession_form")
    assert settled(page) == []
    body = page.inner_text("#content")
    assert "Bắt đầu" in body and "Kết thúc" in body and "2" in body
    # The project's unit picker, with the unit's path.
    assert "Quận A" in page.inner_text(".field-unit")
    page.screenshot(path=str(SHOTS / "exam_session_page.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= LAPTOP["width"]
