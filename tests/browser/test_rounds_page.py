"""The contest page between two rounds, on a phone, for a registered citizen: the countdown to
the next round, the organisers' announcement as a banner until the citizen marks it read (a
plain form POST: no script, CSP 'self'), the announcement still in the page's list after, and
the archive. Real Chromium; screenshots in tests/artifacts/rounds_*.png (look at them)."""

import datetime

import pytest
from django.utils import timezone

from contests.models import Round
from contests.services.announcements import announcement_archive, announcement_post
from tests.browser.test_csp import LISTEN
from tests.browser.test_exam_flow import ARTIFACTS, page  # noqa: F401  (fixture)
from tests.factories import RegistrationFactory, contest_with_bank
from tests.scoring import exam_support as support

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

clean_cache_and_broker = support.clean_cache_and_broker


def shot(page, name):  # noqa: F811  (the fixture's value)
    page.screenshot(path=str(ARTIFACTS / f"rounds_{name}.png"), full_page=True)


def test_between_rounds_on_a_phone(page, live_server, tree):  # noqa: F811
    now = timezone.now()
    contest = contest_with_bank(
        owner=tree["C"],
        root=tree["C"],
        title="Tìm hiểu pháp luật hằng tuần",
        opens_at=now - datetime.timedelta(days=8),
        closes_at=now + datetime.timedelta(days=30),
    )
    Round.objects.create(
        contest=contest,
        number=1,
        title="Tuần 1",
        opens_at=now - datetime.timedelta(days=8),
        closes_at=now - datetime.timedelta(days=2),
    )
    # Two days, three hours and a bit: the page says "còn 2 ngày 3 giờ".
    Round.objects.create(
        contest=contest,
        number=2,
        title="Tuần 2",
        opens_at=now + datetime.timedelta(days=2, hours=3, minutes=20),
        closes_at=now + datetime.timedelta(days=8),
    )
    notice = announcement_post(
        contest=contest,
        user=None,
        kind="round_opening",
        title="Tuần 2 mở vào thứ Hai",
        body="<p>Mỗi người được thi tối đa <strong>2 lần</strong> trong tuần.</p>",
    )
    old = announcement_post(
        contest=contest,
        user=None,
        kind="correction",
        title="Đính chính lịch tuần 1",
        body="<p>Tuần 1 kết thúc lúc 24 giờ thứ Bảy.</p>",
        published_at=now - datetime.timedelta(days=6),
    )
    announcement_archive(announcement=old, user=None)
    registration = RegistrationFactory(contest=contest, unit=tree["A-1"])

    page.context.add_init_script(LISTEN)
    page.goto(f"{live_server.url}/thi-sinh/dang-nhap/")
    page.fill("[name=username]", registration.participant.user.username)
    page.fill("[name=password]", "secret-pass-123")
    page.click("form button[type=submit]")
    page.wait_for_load_state()

    contest_url = f"{live_server.url}/cuoc-thi/{contest.slug}/"
    page.goto(contest_url)
    banner = page.locator(".announcement-banner")
    assert banner.is_visible()
    assert "Tuần 2 mở vào thứ Hai" in banner.inner_text()
    rounds = page.locator("section.rounds-now").inner_text()
    assert "Tuần 2 bắt đầu lúc" in rounds and "(còn 2 ngày 3 giờ)" in rounds
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "01_between_rounds_banner")

    page.click(".announcement-banner button:has-text('Đã đọc')")
    page.wait_for_load_state()
    assert page.url == contest_url  # back where the citizen was
    assert page.locator(".announcement-banner").count() == 0
    # Still on the contest page itself, with the archive folded away.
    listed = page.locator(f"#thong-bao-{notice.pk}")
    assert "Mỗi người được thi tối đa 2 lần trong tuần." in listed.inner_text()
    assert not page.locator(f"#thong-bao-{old.pk}").is_visible()
    page.click("details.announcements-archive summary")
    assert page.locator(f"#thong-bao-{old.pk}").is_visible()
    page.locator("#announcements").scroll_into_view_if_needed()
    shot(page, "02_read_and_archive")

    # Another page of the site: no banner once read.
    page.goto(f"{live_server.url}/")
    assert page.locator(".announcement-banner").count() == 0
    assert page.evaluate("window.__csp") == []
