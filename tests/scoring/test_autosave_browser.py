"""The page's batched autosave (static/js/attempt.js) in real Chromium at phone size: unsent
answers survive a reload (localStorage) and are sent; offline the page never says "Đã lưu"
and saves once back online; with the web server itself stopped mid-test (issue 20) nothing the
page showed as saved is lost, unsent answers are sent when it is back, and the submit carries
every answer. Screenshots go to tests/artifacts/autosave_*.png."""

import os
import shutil  # noqa: F401  (chromium_path finds the browser with shutil.which)
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connection

from scoring.models import Attempt
from tests.factories import RegistrationFactory, contest_with_bank
from tests.scoring import exam_support as support

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

clean_cache_and_broker = support.clean_cache_and_broker

ROOT = Path(__file__).resolve().parent.parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts"
PHONE = {"width": 390, "height": 844}
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
SAVED = "#save-state[data-state=saved]"
FAILED = "#save-state[data-state=offline]"
AUTOSAVE = "**/luu/"


@pytest.fixture
def page(chromium_path, monkeypatch):
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
    page.screenshot(path=str(ARTIFACTS / f"autosave_{name}.png"), full_page=False)


@pytest.fixture
def candidate(tree):
    contest = contest_with_bank(owner=tree["C"], root=tree["C"])
    return contest, RegistrationFactory(contest=contest, unit=tree["A-1"]).participant.user


def start(page, base_url, contest, user) -> Attempt:
    """Log in (the factories' password), start, and wait until the script runs."""
    page.goto(f"{base_url}/thi-sinh/dang-nhap/")
    page.fill("[name=username]", user.username)
    page.fill("[name=password]", "secret-pass-123")
    page.click("form button[type=submit]")
    page.wait_for_load_state()
    page.goto(f"{base_url}/bai-thi/bat-dau/{contest.slug}/")
    page.click("button:has-text('Bắt đầu làm bài')")
    page.wait_for_selector(SAVED)
    return Attempt.objects.get(registration__participant__user=user)


def answer(page, attempt, n, option=0) -> tuple[str, int]:
    """Tick option `option` of question `n`; returns (question id, option id) as stored."""
    item = attempt.items[n]
    page.check(f"input[name=q{item['q']}][value='{item['o'][option]}']")
    return str(item["q"]), item["o"][option]


def stored(attempt) -> dict[str, int]:
    return {q: int(o) for q, o in Attempt.objects.get(pk=attempt.pk).answers.items()}


def block_autosave(page):
    page.route(AUTOSAVE, lambda route: route.abort() if route.request.method == "POST" else 0)


def test_answers_given_just_before_a_reload_come_back_and_are_saved(
    page, live_server, candidate, settings
):
    # Long enough that no batch would leave before the reload by itself.
    settings.EXAM_AUTOSAVE_PAUSE_SECONDS = 60
    settings.EXAM_AUTOSAVE_EVERY_SECONDS = 120
    contest, user = candidate
    attempt = start(page, live_server.url, contest, user)

    # Leaving the page sends what is pending (keepalive): the server has it after the reload.
    first = dict(answer(page, attempt, n) for n in range(2))
    assert page.get_attribute("#save-state", "data-state") == "unsaved"
    assert page.inner_text("#save-state") == "Chưa gửi — đã ghi tạm trên máy"
    assert stored(attempt) == {}
    page.reload()
    page.wait_for_selector(SAVED)
    assert stored(attempt) == first
    assert page.locator("input[type=radio]:checked").count() == 2

    # Now the leaving request is lost too (the network drops as the page goes; Playwright's
    # routes do not see keepalive requests, so the page's own fetch fails).
    block_autosave(page)
    given = dict(answer(page, attempt, n, option=n % 4) for n in range(2, 5))
    page.evaluate("() => { window.fetch = () => Promise.reject(new TypeError('network')); }")
    page.reload()
    page.wait_for_selector("#attempt-form")
    # Restored from localStorage into the form and sent again (the network is still down).
    page.wait_for_selector(FAILED)
    checked = page.eval_on_selector_all(
        "input[type=radio]:checked", "els => els.map(e => [e.name.slice(1), +e.value])"
    )
    assert dict(checked) == {**first, **given}
    assert page.inner_text("#answered") == "5"
    assert "Đã lưu" not in page.inner_text("#save-state")
    assert stored(attempt) == first
    shot(page, "1_restored_after_reload")
    page.unroute(AUTOSAVE)
    page.wait_for_selector(SAVED)
    assert stored(attempt) == {**first, **given}
    # The server has them: the stored copy is gone.
    assert page.evaluate("window.localStorage.length") == 0


def test_offline_the_page_never_says_saved_and_saves_when_back(page, live_server, candidate):
    contest, user = candidate
    attempt = start(page, live_server.url, contest, user)
    given = dict([answer(page, attempt, 0)])  # a single answer goes by itself
    page.wait_for_selector(SAVED)
    assert stored(attempt) == given
    given.update([answer(page, attempt, 1)])
    page.wait_for_selector(SAVED)
    assert stored(attempt) == given

    page.context.set_offline(True)
    given.update(answer(page, attempt, n, option=1) for n in range(2, 4))
    page.wait_for_selector(FAILED)
    assert page.inner_text("#save-state") == "Chưa lưu được — sẽ thử lại"
    shot(page, "2_offline")
    assert stored(attempt) == dict(list(given.items())[:2])

    page.context.set_offline(False)
    page.wait_for_selector(SAVED, timeout=20_000)
    assert page.inner_text("#save-state") == "Đã lưu"
    assert stored(attempt) == given


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def web_server(port: int):
    """`manage.py runserver` (a real process, not this test's thread) on the test database."""
    db = connection.settings_dict
    login = urllib.parse.quote(db["USER"])
    if db.get("PASSWORD"):
        login += ":" + urllib.parse.quote(db["PASSWORD"])
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "contest_site.settings.test",
        "DATABASE_URL": f"postgres://{login}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "PYTHONPATH": str(ROOT),
    }
    command = [sys.executable, "manage.py", "runserver", "--noreload", "--insecure"]
    server = subprocess.Popen(
        [*command, f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)  # noqa: S310
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("the web server did not start")
                time.sleep(0.2)
        yield
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_web_server_stopped_and_started_again_loses_nothing(page, candidate):
    contest, user = candidate
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    with web_server(port):
        attempt = start(page, base_url, contest, user)
        shown_saved = dict(answer(page, attempt, n) for n in range(3))
        page.wait_for_selector(SAVED)
        assert stored(attempt) == shown_saved

    # The server is down: answers wait in the page and in localStorage.
    unsent = dict(answer(page, attempt, n, option=2) for n in range(3, 6))
    page.wait_for_selector(FAILED)
    shot(page, "3_server_down")
    assert stored(attempt) == shown_saved

    with web_server(port):
        page.wait_for_selector(SAVED, timeout=30_000)
        assert stored(attempt) == {**shown_saved, **unsent}

        # The rest answered and submitted at once: none of them goes by autosave, the form
        # carries every answer.
        block_autosave(page)
        rest = dict(answer(page, attempt, n, option=3) for n in range(6, 10))
        page.click("#submit-button")
        page.wait_for_selector("text=Đã nộp bài — đang chấm")
    support.grade([attempt.pk])
    graded = Attempt.objects.get(pk=attempt.pk)
    assert graded.status == "graded" and graded.submitted_at is not None
    everything = {**shown_saved, **unsent, **rest}
    assert {q: int(o) for q, o in graded.answers.items()} == everything
    key = support.correct_answers(graded)
    assert graded.correct_count == sum(everything[q] == key[q] for q in everything)
