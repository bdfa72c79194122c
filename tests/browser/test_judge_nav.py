"""A judge logs in through the real login page on a tablet (768×1024, portrait) in Chromium:
lands on the judges' page, "Chấm thi" in the header, the header's links on one line (at 768 px
the menu is expanded, not folded behind the toggler). Screenshot tests/artifacts/
judge_nav_768.png (look at it)."""

import pytest

from essays.services.judging import judge_add
from tests.browser.test_exam_flow import ARTIFACTS, page  # noqa: F401  (fixture)
from tests.participants.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TABLET = {"width": 768, "height": 1024}


def test_a_judge_logs_in_on_a_tablet_and_finds_the_judges_page(
    page,  # noqa: F811
    live_server,
    tree,
    organisers,
):
    judge_add(
        username="gk.tablet",
        full_name="Nguyễn Thị Giám",
        password=PASSWORD,
        home_unit=tree["B"],
        by=organisers["city"],
    )
    context = page.context.browser.new_context(
        viewport=TABLET, device_scale_factor=1, is_mobile=True, has_touch=True, locale="vi-VN"
    )
    tablet = context.new_page()
    tablet.set_default_timeout(15_000)
    try:
        tablet.goto(f"{live_server.url}/thi-sinh/dang-nhap/")
        tablet.fill("#id_username", "gk.tablet")
        tablet.fill("#id_password", PASSWORD)
        tablet.get_by_role("button", name="Đăng nhập", exact=True).click()
        tablet.wait_for_url(f"{live_server.url}/cham-thi/")
        link = tablet.get_by_role("link", name="Chấm thi", exact=True)
        assert link.is_visible()
        assert tablet.locator(".navbar-toggler").is_hidden()  # expanded at 768 px
        tops = tablet.eval_on_selector_all(
            "#main-nav .nav-item",
            "els => els.map(e => Math.round(e.getBoundingClientRect().top))",
        )
        # One row (the log-out button's item sits 3 px higher than the links').
        assert len(tops) == 8 and max(tops) - min(tops) <= 6, tops
        # and no label broken over two lines: every link one line tall (about 38 px; two
        # lines are over 60), none overflowing the menu.
        heights = tablet.eval_on_selector_all(
            "#main-nav .nav-link",
            "els => els.map(e => Math.round(e.getBoundingClientRect().height))",
        )
        assert max(heights) < 50, heights
        right, edge = tablet.evaluate(
            "[Math.max(...[...document.querySelectorAll('#main-nav .nav-item')]"
            ".map(e => e.getBoundingClientRect().right)),"
            " document.querySelector('#main-nav').getBoundingClientRect().right]"
        )
        assert right <= edge, (right, edge)  # inside the menu's box
        width = tablet.evaluate("document.documentElement.scrollWidth")
        assert width <= TABLET["width"], width  # no sideways scroll
        tablet.screenshot(path=str(ARTIFACTS / "judge_nav_768.png"), full_page=False)
        link.click()
        tablet.wait_for_url(f"{live_server.url}/cham-thi/")
    finally:
        context.close()
