"""The item statistics pages of the admin in real Chromium at laptop size (1366×768): the city
organiser (owner of the contest) opens the runs list, presses "Tính lại thống kê" for its
contest (Celery eager, as in the demo), opens the question table (option bars, key marked, the
planted mis-keyed-looking question flagged) and the weakest topics per unit with its SVG chart.
No console errors, no CSP violations, no sideways scrolling. Screenshots in /tmp/shots/i/."""

from pathlib import Path

import pytest
from django.urls import reverse

from tests.browser.test_exam_flow import CHROMIUM_ARGS
from tests.learning.test_item_stats import _fast_passwords, world  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAPTOP = {"width": 1366, "height": 768}
SHOTS = Path("/tmp/shots/i")  # noqa: S108  (screenshots to look at, as the task asks)

# Injected by the browser itself (CDP), so not subject to the page's policy.
LISTEN = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e => {
  window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline'));
});
"""


@pytest.fixture
def eager_celery():
    from contest_site.celery import app

    app.conf.task_always_eager = True  # as in the demo: the task runs inline after commit
    yield
    app.conf.task_always_eager = False


@pytest.fixture
def page(chromium_path, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport=LAPTOP, locale="vi-VN")
        context.add_init_script(LISTEN)
        # The browser's own guess at /favicon.ico (no page asks for it) would log a 404.
        context.route("**/favicon.ico", lambda route: route.fulfill(status=204))
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.problems = []
        page.on("pageerror", lambda error: page.problems.append(f"script error: {error}"))
        page.on(
            "console",
            lambda m: page.problems.append(m.text) if m.type == "error" else None,
        )
        yield page
        context.close()
        browser.close()


def settled(page) -> list[str]:
    """What went wrong on the page just opened: console errors, CSP violations."""
    page.wait_for_load_state("networkidle")
    seen = page.problems + page.evaluate("window.__csp")
    page.problems.clear()
    return seen


def test_owner_recomputes_and_reads_questions_and_topics(
    page,
    live_server,
    world,  # noqa: F811
    organisers,
    eager_celery,
):
    contest = world["contest"]
    page.goto(f"{live_server.url}/quan-tri/login/")
    page.fill("[name=username]", "city")
    page.fill("[name=password]", "secret-pass-123")
    page.click("form [type=submit]")
    page.wait_for_load_state()

    page.goto(live_server.url + reverse("admin:learning_itemstatsrun_changelist"))
    assert settled(page) == []
    page.click("a.addlink:has-text('Tính lại thống kê')")
    page.wait_for_selector("select[name=contest]")
    assert settled(page) == []
    page.screenshot(path=str(SHOTS / "item_stats_recompute.png"), full_page=True)
    page.select_option("select[name=contest]", str(contest.pk))
    page.click("input[type=submit][value='Tính lại thống kê']")
    page.wait_for_selector(".messagelist .success")
    assert "đã tính xong thống kê câu hỏi trên 40 bài thi" in page.inner_text(".messagelist")
    assert settled(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= LAPTOP["width"]
    page.screenshot(path=str(SHOTS / "item_stats_runs.png"), full_page=True)

    page.locator("#result_list a:has-text('Câu hỏi')").first.click()
    page.wait_for_selector("#item-stats")
    assert f"Thống kê câu hỏi: {contest.title}" in page.inner_text("#content h1")
    assert settled(page) == []
    assert page.locator("#item-stats tbody tr").count() == 6
    # One option of each question is the key, drawn in green with a ✓.
    assert page.locator(".item-bar.key").count() == 6
    assert page.locator(".item-bar.key b").first.inner_text().endswith("✓")
    assert page.locator(".item-bar svg rect.fill").count() == 6 * 4
    planted = page.locator(f"#question-{world['questions'][2].pk}")
    assert "Có thể sai đáp án" in planted.locator(".flag").all_inner_texts()
    assert page.locator(".flag").first.is_visible()
    assert page.get_by_role("heading", name="Giải thích cảnh báo").is_visible()
    wide = page.evaluate("document.documentElement.scrollWidth")
    page.screenshot(path=str(SHOTS / "item_stats_questions.png"), full_page=True)
    assert wide <= LAPTOP["width"], wide

    page.click(".item-stats-nav a:has-text('Chủ đề theo đơn vị')")
    page.wait_for_selector("#topic-units")
    assert f"Chủ đề theo đơn vị: {contest.title}" in page.inner_text("#content h1")
    assert settled(page) == []
    assert page.get_by_role("heading", name="Chủ đề yếu nhất của từng đơn vị").is_visible()
    assert page.locator("h2:has-text('Tỷ lệ đúng theo chủ đề')").is_visible()
    chart = page.locator("svg.topic-chart")
    assert chart.is_visible() and chart.locator("rect.bar").count() == 2
    assert chart.bounding_box()["width"] > 300
    assert "Ba chủ đề yếu nhất" in page.text_content("#topic-units thead")  # shown in capitals
    page.screenshot(path=str(SHOTS / "item_stats_topics.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= LAPTOP["width"]
