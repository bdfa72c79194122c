"""A citizen on a phone: register, join, start, answer (autosave), lose the network, reload and
resume, submit, see the result — real Chromium (Debian's) driven by Playwright against the live
server. Screenshots go to tests/artifacts/ (look at them)."""

import re
import shutil  # noqa: F401  (chromium_path finds the browser with shutil.which)
from pathlib import Path

import pytest

from scoring.models import Attempt
from tests.factories import contest_with_bank
from tests.scoring import exam_support as support

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

clean_cache_and_broker = support.clean_cache_and_broker

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
PHONE = {"width": 390, "height": 844}
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
PASSWORD = "Mat-khau-thi-2023!"


@pytest.fixture
def page(chromium_path, monkeypatch):
    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls
    # (setup, checks) are plain synchronous code.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        context = browser.new_context(
            viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale="vi-VN"
        )
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.on("dialog", lambda dialog: dialog.accept())
        yield page
        context.close()
        browser.close()


def shot(page, name):
    page.screenshot(path=str(ARTIFACTS / f"exam_{name}.png"), full_page=False)


def question_order(page) -> list[str]:
    names = page.eval_on_selector_all(
        "fieldset.exam-question input[type=radio]", "els => els.map(e => e.name + '=' + e.value)"
    )
    return names


def choose(page, name, value):
    """A choice field, whether drawn as a <select> or as radio buttons."""
    if page.locator(f"select[name={name}]").count():
        page.select_option(f"select[name={name}]", value)
    else:
        page.check(f"input[name={name}][value={value}]")


def register_and_join(page, live_server, contest):
    page.goto(f"{live_server.url}/thi-sinh/dang-ky/")
    page.fill("[name=full_name]", "Nguyễn Thị Lan")
    page.fill("[name=date_of_birth]", "1990-05-17")
    choose(page, "gender", "female")
    choose(page, "document_type", "cccd")
    page.fill("[name=document_number]", "001190123456")
    page.fill("[name=phone]", "0912345678")
    page.fill("[name=password1]", PASSWORD)
    page.fill("[name=password2]", PASSWORD)
    page.check("[name=consent_data]")
    shot(page, "01_register")
    page.click("form button[type=submit]:has-text('Đăng ký')")
    page.wait_for_url(re.compile(r"/thi-sinh/cuoc-thi-cua-toi/"))

    page.goto(f"{live_server.url}/thi-sinh/tham-gia/{contest.slug}/")
    # Pick the unit level by level (units.js adds the next level in place).
    for level in range(6):
        select = page.locator(f"select[name=don_vi_{level}]")
        if select.count() == 0:
            break
        values = select.locator("option").evaluate_all(
            "opts => opts.map(o => o.value).filter(Boolean)"
        )
        if not values:
            break
        select.select_option(values[-1])
        page.wait_for_load_state("networkidle")
    page.check("[name=consent_participation]")
    page.check("[name=consent_publish]")
    page.click("form button[type=submit]:has-text('Đăng ký dự thi')")
    page.wait_for_load_state()
    if "/cuoc-thi-cua-toi/" not in page.url:
        shot(page, "02_join_refused")
        errors = page.locator(".invalid-feedback, .alert-danger").all_inner_texts()
        pytest.fail(f"joining the contest was refused: {errors}")
    shot(page, "02_my_contests")


def answer(page, n, option_index=0):
    page.locator("fieldset.exam-question").nth(n).locator("label.exam-option").nth(
        option_index
    ).click()


def test_phone_exam_flow(page, live_server, tree):
    contest = contest_with_bank(
        owner=tree["C"], root=tree["C"], title="Cuộc thi tìm hiểu Nghị định 59/2022/NĐ-CP"
    )
    register_and_join(page, live_server, contest)

    # My contests → the start page → start.
    page.click(f"a[href='/bai-thi/bat-dau/{contest.slug}/']")
    page.wait_for_selector("text=Thời gian làm bài: 20 phút")
    shot(page, "03_start")
    page.click("button:has-text('Bắt đầu làm bài')")
    page.wait_for_selector("#attempt-form")
    state = page.locator("#save-state")
    page.wait_for_selector("#save-state[data-state=saved]")  # the script is running
    assert page.locator("#answered").inner_text() == "0"
    timer = page.locator("#timer").inner_text()
    assert re.fullmatch(r"(19|20):\d\d", timer), timer
    order = question_order(page)
    assert len(order) == 40  # 10 questions × 4 options
    shot(page, "04_test_page")

    # Answer three questions: each change is saved in the background.
    for n in range(3):
        answer(page, n, option_index=n % 4)
        page.wait_for_selector("#save-state[data-state=saved]")
    assert page.locator("#answered").inner_text() == "3"
    attempt = Attempt.objects.get()
    assert len(attempt.answers) == 3

    # The network drops: the answer is kept on the page, marked "Chưa lưu", retried.
    page.route("**/luu/", lambda route: route.abort())
    answer(page, 3, option_index=2)
    page.wait_for_selector("#save-state[data-state=offline]")
    assert "Chưa lưu" in state.inner_text()
    page.locator("#cau-4").scroll_into_view_if_needed()
    shot(page, "05_offline_unsaved")
    page.unroute("**/luu/")
    page.wait_for_selector("#save-state[data-state=saved]", timeout=20_000)
    assert len(Attempt.objects.get().answers) == 4

    # Reload: same questions in the same order, the answers ticked, the clock still running.
    page.reload()
    page.wait_for_selector("#save-state[data-state=saved]")
    assert question_order(page) == order
    assert page.locator("input[type=radio]:checked").count() == 4
    assert page.locator("#answered").inner_text() == "4"
    assert re.fullmatch(r"(19|20):\d\d", page.locator("#timer").inner_text())
    shot(page, "06_resumed")

    # Answer the rest, the prediction, and submit.
    for n in range(4, 10):
        answer(page, n, option_index=0)
    page.fill("#prediction", "52812")
    page.wait_for_selector("#save-state[data-state=saved]")
    page.click("#submit-button")
    page.wait_for_selector("text=Đã nộp bài — đang chấm")
    shot(page, "07_submitted")
    attempt = Attempt.objects.get()
    assert attempt.status == "submitted"
    assert len(attempt.answers) == 10
    assert attempt.prediction == 52812

    # Grading (the worker's job) happens; the page refreshes itself and shows the result.
    support.grade([attempt.pk])
    page.wait_for_selector("#result-summary", timeout=15_000)
    graded = Attempt.objects.get()
    assert page.locator("#correct-count").inner_text() == f"{graded.correct_count}/10"
    shot(page, "08_result")

    # A second submit (back button + resubmit) shows the same result, never an error.
    page.go_back()
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/bai-thi/")
    assert page.locator(".list-group-item").count() == 1
    shot(page, "09_my_attempts")


def log_in_to_start(page, live_server, user, contest) -> None:
    """Log in as `user` (the factories' password) and open the contest's start page."""
    page.goto(f"{live_server.url}/thi-sinh/dang-nhap/")
    page.fill("[name=username]", user.username)
    page.fill("[name=password]", "secret-pass-123")
    page.click("form button[type=submit]")
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/bai-thi/bat-dau/{contest.slug}/")


def test_overloaded_start_shows_please_wait_and_retries_by_itself(
    page, live_server, tree, settings
):
    from tests.factories import RegistrationFactory

    settings.EXAM_START_RATE = 1
    contest = contest_with_bank(owner=tree["C"], root=tree["C"])
    user = RegistrationFactory(contest=contest, unit=tree["A-1"]).participant.user
    log_in_to_start(page, live_server, user, contest)

    start_posts = []
    page.on(
        "request",
        lambda r: start_posts.append(r.url) if r.method == "POST" and "/bat-dau/" in r.url else 0,
    )
    # Others hold the start slots of the next two seconds.
    support.gate_fill(2)
    page.click("button:has-text('Bắt đầu làm bài')")
    page.wait_for_selector("#start-retry")
    assert "Vui lòng chờ" in page.inner_text("h1")
    shot(page, "10_please_wait")
    # The page posts the start again by itself, when its slot has come (the server's delay
    # in ms, not before: no second wait page), and lands on the test.
    page.wait_for_selector("#attempt-form", timeout=15_000)
    assert len(start_posts) == 2
    assert Attempt.objects.filter(registration__participant__user=user).count() == 1


def test_the_page_submits_by_itself_when_time_runs_out(page, live_server, tree):
    """The countdown comes from the server's seconds remaining; at zero the page submits the
    form with the answers on it (autosave has stopped by then), and the attempt is stored as
    submitted within the deadline, with the answer given in the last seconds."""
    import datetime

    from django.utils import timezone

    from tests.factories import RegistrationFactory

    contest = contest_with_bank(owner=tree["C"], root=tree["C"])
    user = RegistrationFactory(contest=contest, unit=tree["A-1"]).participant.user
    log_in_to_start(page, live_server, user, contest)
    page.click("button:has-text('Bắt đầu làm bài')")
    page.wait_for_selector("#attempt-form")

    # Only a few seconds are left (the server says so on the next load).
    attempt = Attempt.objects.get(registration__participant__user=user)
    Attempt.objects.filter(pk=attempt.pk).update(
        deadline=timezone.now() + datetime.timedelta(seconds=6)
    )
    page.reload()
    page.wait_for_selector("#attempt-form")
    assert re.fullmatch(r"00:0[0-6]", page.locator("#timer").inner_text())
    answer(page, 0, option_index=1)
    page.wait_for_selector("text=Đã nộp bài — đang chấm", timeout=20_000)

    attempt.refresh_from_db()
    assert attempt.status == "submitted"
    assert attempt.finished_at <= attempt.deadline + datetime.timedelta(seconds=60)
    first = str(attempt.items[0]["q"])
    chosen = attempt.answers.get(first)
    assert chosen is not None and int(chosen) == attempt.items[0]["o"][1]
