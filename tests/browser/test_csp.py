"""The Content-Security-Policy against the real pages in real Chromium: the admin change form of
a contest, a changelist, the reports dashboard, the citizen registration page and the test
page load with the policy on and without a single violation (no inline script, handler or
style left, ours or Django admin's), and their scripts still run."""

from pathlib import Path

import pytest

from tests.factories import RegistrationFactory, contest_with_bank

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
# Injected by the browser itself (CDP), so not subject to the page's policy.
LISTEN = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e => {
  window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' +
                    (e.sourceFile || '') + ':' + e.lineNumber);
});
"""


@pytest.fixture
def browser(chromium_path, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Visitor:
    """A browser context that records every CSP violation and console complaint."""

    def __init__(self, browser, base_url):
        self.context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
        self.context.add_init_script(LISTEN)
        self.page = self.context.new_page()
        self.page.set_default_timeout(15_000)
        self.base_url = base_url
        self.console: list[str] = []
        self.page.on(
            "console",
            lambda message: (
                self.console.append(message.text)
                if "Content Security Policy" in message.text
                else None
            ),
        )

    def visit(self, path: str, name: str) -> list[str]:
        """Open `path`, wait until it settled, screenshot; the violations seen on it."""
        response = self.page.goto(self.base_url + path)
        assert response.status == 200, (path, response.status)
        assert response.headers.get("content-security-policy"), path
        self.page.wait_for_load_state("networkidle")
        self.page.screenshot(path=str(ARTIFACTS / f"csp_{name}.png"))
        seen = self.page.evaluate("window.__csp") + self.console
        self.console = []
        return seen

    def log_in(self, path: str, username: str, password: str, then: str):
        self.page.goto(self.base_url + path)
        self.page.fill("[name=username]", username)
        self.page.fill("[name=password]", password)
        self.page.click("form [type=submit]")
        self.page.wait_for_load_state()
        assert then in self.page.url, self.page.url


def test_main_pages_have_no_csp_violation(browser, live_server, tree, organisers):
    contest = contest_with_bank(owner=tree["C"], root=tree["C"], title="Tìm hiểu Luật Hòa giải")
    violations: dict[str, list[str]] = {}

    citizen = Visitor(browser, live_server.url)
    violations["register"] = citizen.visit("/thi-sinh/dang-ky/", "register")
    # Scripts still run under the policy: Bootstrap's menu toggler is wired up.
    assert citizen.page.evaluate("typeof window.bootstrap") == "object"

    registration = RegistrationFactory(contest=contest, unit=tree["A-1"])
    citizen.log_in(
        "/thi-sinh/dang-nhap/", registration.participant.user.username, "secret-pass-123", "/"
    )
    citizen.page.goto(f"{live_server.url}/bai-thi/bat-dau/{contest.slug}/")
    citizen.page.click("button:has-text('Bắt đầu làm bài')")
    citizen.page.wait_for_selector("#save-state[data-state=saved]")  # attempt.js runs
    test_page = citizen.page.url.removeprefix(live_server.url)
    violations["test page"] = citizen.visit(test_page, "test_page")
    citizen.page.wait_for_selector("#save-state[data-state=saved]")
    citizen.context.close()

    organiser = Visitor(browser, live_server.url)
    organiser.log_in("/quan-tri/login/", "city", "secret-pass-123", "/quan-tri/")
    violations["admin change form"] = organiser.visit(
        f"/quan-tri/contests/contest/{contest.pk}/change/", "admin_change_form"
    )
    violations["admin changelist"] = organiser.visit(
        "/quan-tri/contests/contest/", "admin_changelist"
    )
    violations["admin question changelist"] = organiser.visit(
        "/quan-tri/contests/question/", "admin_question_changelist"
    )
    violations["reports dashboard"] = organiser.visit(
        f"/bao-cao/{contest.slug}/", "reports_dashboard"
    )
    organiser.context.close()

    assert violations == {
        "register": [],
        "test page": [],
        "admin change form": [],
        "admin changelist": [],
        "admin question changelist": [],
        "reports dashboard": [],
    }
