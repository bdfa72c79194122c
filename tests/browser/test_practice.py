"""A citizen practises on a phone (390×844), real Chromium (Debian's): the contest page's "Thi
thử" link, start, the real exam page marked THI THỬ with its countdown and autosave, a reload
that keeps the answers, submit, and the result with the key, explanations and legal
references. Screenshots in /tmp/shots/a/ (practice_*.png: look at them)."""

import re
import tempfile
from pathlib import Path

import pytest
from django.test import Client

from learning.models import PracticeAttempt
from tests.browser.test_exam_flow import PHONE, page  # noqa: F401  (fixture)
from tests.factories import ParticipantFactory
from tests.learning.practice_support import practice_contest
from tests.scoring import exam_support as support

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

clean_cache_and_broker = support.clean_cache_and_broker
SHOTS = Path(tempfile.gettempdir()) / "shots" / "a"


def shot(phone, name, *, full=False):
    SHOTS.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=str(SHOTS / f"practice_{name}.png"), full_page=full)


def test_practice_on_a_phone(page, live_server, tree):  # noqa: F811
    contest = practice_contest(tree, title="Cuộc thi tìm hiểu Luật Giao thông đường bộ")
    citizen = ParticipantFactory().user
    login = Client()
    login.force_login(citizen)
    host = live_server.url.split("//")[1].split(":")[0]
    page.context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": login.cookies["sessionid"].value,
                "domain": host,
                "path": "/",
            }
        ]
    )

    page.goto(f"{live_server.url}/cuoc-thi/{contest.slug}/")
    page.click("#link-practice")
    page.wait_for_selector("#practice-banner")
    assert page.locator("#practice-banner").inner_text() == (
        "THI THỬ — không tính điểm, không xếp hạng"
    )
    shot(page, "01_home")
    page.click("#practice-start")
    page.wait_for_selector("#attempt-form")
    page.wait_for_selector("#save-state[data-state=saved]")  # attempt.js is running
    assert page.locator("#bar-badge").inner_text() == "THI THỬ"
    assert re.fullmatch(r"(19|20):\d\d", page.locator("#timer").inner_text())
    assert page.locator("fieldset.exam-question").count() == 5

    # Answer two questions: each change is saved in the background.
    for n in range(2):
        page.locator("fieldset.exam-question").nth(n).locator("label.exam-option").nth(n).click()
        page.wait_for_selector("#save-state[data-state=saved]")
    assert page.locator("#answered").inner_text() == "2"
    shot(page, "02_take")
    attempt = PracticeAttempt.objects.get()
    assert len(attempt.answers) == 2

    # Reload: the same test, the answers still checked.
    page.reload()
    page.wait_for_selector("#save-state[data-state=saved]")
    assert page.locator("input[type=radio]:checked").count() == 2
    assert page.locator("#answered").inner_text() == "2"

    page.click("#submit-button")  # confirms "questions left" (the dialog is accepted)
    page.wait_for_selector("#practice-summary")
    attempt.refresh_from_db()
    assert attempt.status == "submitted"
    assert page.locator("#correct-count").inner_text() == f"{attempt.correct_count}/5"
    cards = page.locator(".exam-review")
    assert cards.count() == 5
    assert "Căn cứ:" in cards.first.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, "03_result")
    cards.nth(0).scroll_into_view_if_needed()
    shot(page, "04_result_key", full=True)
