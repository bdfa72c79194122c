"""The tie-break chain in real Chromium: a city clerk (laptop, 1280×800) picks the chain place
by place and the overall rule in the contest admin, saves, and sees a duplicate refused in
Vietnamese; a citizen (phone, 390×844) reads the rule text on the contest page in that order,
without sideways scrolling. Screenshots in tests/artifacts/ranking_*.png (look at them)."""

import pytest
from django.test import Client

from contests.models import Contest, Round
from tests.browser.test_exam_flow import ARTIFACTS, PHONE, page  # noqa: F401  (fixture)
from tests.factories import ContestFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAPTOP = {"width": 1280, "height": 800}


def _text(locator) -> str:
    return " ".join(locator.inner_text().split())


def _clerk_page(page, live_server, user):  # noqa: F811
    login = Client()
    login.force_login(user)
    context = page.context.browser.new_context(viewport=LAPTOP, locale="vi-VN")
    host = live_server.url.split("//")[1].split(":")[0]
    context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": login.cookies["sessionid"].value,
                "domain": host,
                "path": "/",
            }
        ]
    )
    clerk = context.new_page()
    clerk.set_default_timeout(15_000)
    return context, clerk


def test_chain_chosen_by_a_clerk_and_read_by_a_citizen(page, live_server, tree, organisers):  # noqa: F811
    contest = ContestFactory(
        owner_unit=tree["C"],
        participation_root=tree["C"],
        status=Contest.Status.PUBLISHED,
        slug="tuan-le-phap-luat",
    )
    Round.objects.create(
        contest=contest,
        number=1,
        title="Tuần 1",
        opens_at=contest.opens_at,
        closes_at=contest.closes_at,
    )
    context, clerk = _clerk_page(page, live_server, organisers["city"])
    try:
        clerk.goto(f"{live_server.url}/quan-tri/contests/contest/{contest.pk}/change/")
        chain = clerk.locator("#id_tie_break_chain")
        chain.scroll_into_view_if_needed()
        clerk.select_option("#id_tie_break_chain_0", "most_correct")
        clerk.select_option("#id_tie_break_chain_1", "most_correct")
        clerk.screenshot(path=str(ARTIFACTS / "ranking_01_admin_chain.png"))
        clerk.click("input[name=_continue]")
        clerk.wait_for_load_state()
        assert "Mỗi tiêu chí xếp hạng chỉ được chọn một lần." in _text(clerk.locator("body"))
        clerk.locator(".errorlist").first.scroll_into_view_if_needed()
        clerk.screenshot(path=str(ARTIFACTS / "ranking_02_admin_refused.png"))

        clerk.select_option("#id_tie_break_chain_0", "most_correct")
        clerk.select_option("#id_tie_break_chain_1", "closest_prediction")
        clerk.select_option("#id_tie_break_chain_2", "earliest_start")
        clerk.select_option("#id_cumulative_rule", "round_sum")
        clerk.click("input[name=_continue]")
        clerk.wait_for_load_state()
        assert ".errorlist" not in clerk.content() or clerk.locator(".errorlist").count() == 0
        contest.refresh_from_db()
        assert contest.tie_break_chain == ["most_correct", "closest_prediction", "earliest_start"]
        assert contest.cumulative_rule == "round_sum"
        clerk.locator("#id_tie_break_chain").scroll_into_view_if_needed()
        clerk.screenshot(path=str(ARTIFACTS / "ranking_03_admin_saved.png"))
    finally:
        context.close()

    page.goto(f"{live_server.url}/cuoc-thi/{contest.slug}/")
    rules = page.locator(".ranking-rules")
    rules.scroll_into_view_if_needed()
    text = _text(rules)
    assert text.index("Xếp hạng mỗi tuần/vòng") < text.index("Xếp hạng chung cả cuộc thi")
    weekly = _text(rules.locator("ol").first)
    assert weekly.startswith("Nhiều câu trả lời đúng hơn Dự đoán gần đáp án hơn")
    overall = _text(rules.locator("ol").nth(1))
    assert overall.startswith("Tổng số câu đúng của bài tốt nhất mỗi tuần/vòng (cao hơn xếp trên)")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    rules.screenshot(path=str(ARTIFACTS / "ranking_04_contest_page.png"))
