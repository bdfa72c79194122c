"""The whole citizen flow with the keyboard only, at phone size, in real Chromium: register
(a refused first try: the error summary takes the focus and its links lead to the fields),
join with the unit picker (arrow keys browse without committing; Tab or Enter confirms and the
next level takes the focus), start, answer, submit, see the result. On the test page, from the
DOM: one live region only, silent while the clock ticks, speaking at the 5-minute mark, when
saving fails and recovers, and once when "Đọc thời gian còn lại" is pressed. And the unit
picker without JavaScript: the arrow keys change nothing until "Chọn tiếp cấp dưới" is
pressed."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from participants.models import Registration
from scoring.models import Attempt
from tests.browser.test_exam_flow import ARTIFACTS, CHROMIUM_ARGS, PHONE
from tests.factories import RegistrationFactory, contest_with_bank
from tests.scoring import exam_support as support

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

clean_cache_and_broker = support.clean_cache_and_broker

PASSWORD = "Mat-khau-thi-2023!"
LIVE = "[aria-live],[role=status],[role=alert],[role=log],[role=timer],[role=marquee]"
# Records what the live region says and how often the visible clock changes.
OBSERVE = """() => {
  window.__said = [];
  window.__ticks = 0;
  const live = document.getElementById('exam-announce');
  new MutationObserver(() => { if (live.textContent) window.__said.push(live.textContent); })
    .observe(live, {childList: true, characterData: true, subtree: true});
  new MutationObserver(() => { window.__ticks += 1; })
    .observe(document.getElementById('timer'),
             {childList: true, characterData: true, subtree: true});
}"""


@pytest.fixture
def browser(chromium_path, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def new_page(browser, **options):
    context = browser.new_context(viewport=PHONE, locale="vi-VN", **options)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.on("dialog", lambda dialog: dialog.accept())
    return page


def focused(page) -> str:
    return page.evaluate("document.activeElement ? document.activeElement.id : ''")


def tab_to(page, selector: str, limit: int = 120) -> None:
    """Press Tab until the focus is on `selector` (it must be reachable by Tab)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(
            "s => !!document.activeElement && document.activeElement.matches(s)", selector
        ):
            return
    pytest.fail(f"Tab never reached {selector}")


def arrow_to(page, text: str, limit: int = 30) -> None:
    """On the focused drop-down, press ↓ until `text` is the chosen option."""
    for _ in range(limit):
        if page.evaluate("() => document.activeElement.selectedOptions[0].text") == text:
            return
        page.keyboard.press("ArrowDown")
    pytest.fail(f"no option {text!r}")


def wait_until(page, expression: str, timeout_ms: int = 15_000) -> None:
    """Poll `expression` (page.wait_for_function evaluates a string with eval(), which the
    page's Content-Security-Policy refuses)."""
    for _ in range(timeout_ms // 100):
        if page.evaluate(expression):
            return
        page.wait_for_timeout(100)
    pytest.fail(f"never true: {expression}")


def wait_focus(page, element_id: str) -> None:
    wait_until(page, f"document.activeElement && document.activeElement.id === '{element_id}'")


def type_date(page, day: str, month: str, year: str) -> None:
    """Type a date into the focused date field, segment by segment. The order of the segments
    is the browser's (dd/mm/yyyy in a Vietnamese Chromium, mm/dd/yyyy in Debian's headless one,
    which has no Vietnamese locale): typed day first, and again month first if that was not it."""
    page.keyboard.type(day + month + year)
    expected = f"{year}-{month}-{day}"
    if page.evaluate("document.activeElement.value") != expected:
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Shift+Tab")
        page.keyboard.type(month + day + year)


def label_of(page, select_id: str) -> str:
    return page.locator(f"label[for={select_id}]").inner_text().strip()


def test_keyboard_only_citizen_flow(browser, live_server, tree):
    contest = contest_with_bank(owner=tree["C"], root=tree["C"], title="Tìm hiểu Luật Căn cước")
    page = new_page(browser)
    url = live_server.url

    # --- Register: a first try with nothing filled in -------------------------------------
    page.goto(url + reverse("participants:register"))
    tab_to(page, "form button.btn-primary[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_selector("#error-summary")
    wait_focus(page, "error-summary")
    summary = page.locator("#error-summary")
    assert summary.get_attribute("role") == "alert"
    assert summary.locator("a").first.inner_text().startswith("Họ và tên:")
    page.screenshot(path=str(ARTIFACTS / "a11y_keys_01_error_summary.png"))
    page.keyboard.press("Tab")  # the first link of the summary
    page.keyboard.press("Enter")
    assert focused(page) == "id_full_name"

    page.keyboard.type("Nguyễn Thị Lan")
    tab_to(page, "#id_date_of_birth")
    type_date(page, "17", "05", "1990")
    assert page.input_value("#id_date_of_birth") == "1990-05-17"
    tab_to(page, "[name=gender]")
    page.keyboard.press("ArrowDown")  # Nam → Nữ
    assert page.eval_on_selector("[name=gender]:checked", "e => e.value") == "female"
    tab_to(page, "#id_document_number")
    page.keyboard.type("001190123456")
    tab_to(page, "#id_phone")
    page.keyboard.type("0912345678")
    tab_to(page, "#id_password1")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    tab_to(page, "#id_consent_data")
    page.keyboard.press("Space")
    tab_to(page, "form button.btn-primary[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url("**/thi-sinh/cuoc-thi-cua-toi/")

    # --- Join: the unit picker by keyboard -------------------------------------------------
    page.goto(url + reverse("participants:join", args=[contest.slug]))
    tab_to(page, "#don_vi_0")
    assert label_of(page, "don_vi_0") == "Cấp 1"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.wait_for_timeout(600)  # time enough for a fetch: nothing may have happened
    assert page.locator("#don_vi_1").count() == 0 and focused(page) == "don_vi_0"
    arrow_to(page, "Khối quận, huyện")
    page.keyboard.press("Tab")  # confirms: the next level appears and takes the focus
    wait_focus(page, "don_vi_1")
    assert label_of(page, "don_vi_1") == "Cấp 2: đơn vị trực thuộc Khối quận, huyện"
    arrow_to(page, "Quận A")
    page.keyboard.press("Enter")  # confirms too
    wait_focus(page, "don_vi_2")
    assert label_of(page, "don_vi_2") == "Cấp 3: đơn vị trực thuộc Quận A"
    arrow_to(page, "Phường A1")
    page.screenshot(path=str(ARTIFACTS / "a11y_keys_02_unit_picker.png"))
    page.keyboard.press("Tab")  # a ward has no level below: on to the next control
    wait_focus(page, "id_consent_participation")
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    tab_to(page, "form button.btn-primary[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url("**/thi-sinh/cuoc-thi-cua-toi/")
    registration = Registration.objects.get(contest=contest)
    assert registration.unit == tree["A-1"]

    # --- Start and take the test -----------------------------------------------------------
    tab_to(page, f"a[href='{reverse('scoring:start', args=[contest.slug])}']")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Thời gian làm bài: 20 phút")
    tab_to(page, "form button.btn-primary[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_selector("#save-state[data-state=saved]")

    # One live region, and it stays silent while the clock ticks.
    live = page.eval_on_selector_all(LIVE, "els => els.map(e => e.id || e.className)")
    assert live == ["exam-announce"]
    assert page.locator(".exam-bar [aria-live], .exam-bar[role]").count() == 0
    page.evaluate(OBSERVE)
    page.wait_for_timeout(5_000)
    assert page.evaluate("window.__said") == []
    assert page.evaluate("window.__ticks") >= 4  # the visible countdown still counts

    tab_to(page, "fieldset.exam-question input[type=radio]")
    page.keyboard.press("Space")  # question 1, first option
    page.wait_for_selector("#save-state[data-state=saved]")
    assert page.evaluate("window.__said") == []  # a routine save is not announced

    # Saving fails, then works again: both said once.
    page.route("**/luu/", lambda route: route.abort())
    page.keyboard.press("Tab")
    page.keyboard.press("Space")  # question 2
    page.wait_for_selector("#save-state[data-state=offline]")
    wait_until(page, "window.__said.length === 1")
    page.unroute("**/luu/")
    page.wait_for_selector("#save-state[data-state=saved]", timeout=20_000)
    wait_until(page, "window.__said.length === 2")
    assert page.evaluate("window.__said") == [
        "Chưa lưu được — sẽ thử lại",
        "Đã lưu lại được các câu trả lời.",
    ]

    # Five minutes left (the server says so on the next load): said once, at the mark.
    attempt = Attempt.objects.get(registration=registration)
    Attempt.objects.filter(pk=attempt.pk).update(
        deadline=timezone.now() + datetime.timedelta(minutes=5, seconds=3)
    )
    page.reload()
    page.wait_for_selector("#save-state[data-state=saved]")
    page.evaluate(OBSERVE)
    wait_until(page, "window.__said.length === 1", 10_000)
    page.wait_for_timeout(1_500)
    assert page.evaluate("window.__said") == ["Còn 5 phút làm bài."]

    # "Đọc thời gian còn lại", pressed from the keyboard: the time left, said once.
    tab_to(page, "#say-time")
    assert page.locator("#say-time").inner_text() == "Đọc thời gian còn lại"
    page.keyboard.press("Enter")
    wait_until(page, "window.__said.length === 2")
    page.wait_for_timeout(1_500)
    said = page.evaluate("window.__said")
    assert len(said) == 2 and re.fullmatch(r"Còn 4 phút \d{1,2} giây", said[1]), said
    shown = page.locator("#timer").inner_text()  # "04:5x": the same minute as the words
    assert shown.startswith("04:"), shown
    assert abs(int(said[1].split()[3]) - int(shown[3:])) <= 2, (said, shown)
    page.screenshot(path=str(ARTIFACTS / "a11y_keys_03_test_page.png"))

    # The other eight questions: Tab moves from one question's options to the next's.
    radios = "fieldset.exam-question:nth-of-type(3) input[type=radio]"
    tab_to(page, radios)
    page.keyboard.press("Space")
    for _ in range(7):
        page.keyboard.press("Tab")
        page.keyboard.press("Space")
    page.wait_for_selector("#save-state[data-state=saved]")
    assert page.locator("#answered").inner_text() == "10"
    tab_to(page, "#submit-button")
    page.keyboard.press("Enter")
    page.wait_for_selector("#result-pending")
    assert page.locator("meta[http-equiv=refresh]").count() == 0
    assert Attempt.objects.get(pk=attempt.pk).status == "submitted"
    support.grade([attempt.pk])
    page.wait_for_selector("#result-summary", timeout=15_000)  # result.js noticed by itself
    assert page.locator("#correct-count").inner_text().endswith("/10")
    page.screenshot(path=str(ARTIFACTS / "a11y_keys_04_result.png"))
    page.context.close()


def test_unit_picker_without_javascript_commits_only_on_the_button(browser, live_server, tree):
    contest = contest_with_bank(owner=tree["C"], root=tree["C"])
    other = contest_with_bank(owner=tree["C"], root=tree["C"])
    user = RegistrationFactory(contest=other, unit=tree["A-1"]).participant.user
    page = new_page(browser, java_script_enabled=False)
    page.goto(live_server.url + reverse("participants:login"))
    page.fill("[name=username]", user.username)
    page.fill("[name=password]", "secret-pass-123")
    page.click("form button[type=submit]")
    page.wait_for_load_state()
    join = live_server.url + reverse("participants:join", args=[contest.slug])
    page.goto(join)

    tab_to(page, "#don_vi_0")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.wait_for_timeout(500)
    assert page.url == join and page.locator("#don_vi_1").count() == 0
    chosen = page.input_value("#don_vi_0")
    name = page.eval_on_selector("#don_vi_0", "s => s.options[s.selectedIndex].text")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('js-cascade-step')")
    page.keyboard.press("Enter")
    page.wait_for_selector("#don_vi_1")
    assert page.input_value("#don_vi_0") == chosen
    assert label_of(page, "don_vi_1") == f"Cấp 2: đơn vị trực thuộc {name}"
    assert page.locator("#error-summary").count() == 0  # a step, not a refused form
    page.context.close()
