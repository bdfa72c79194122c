"""A district clerk at a laptop (1366x768) writes a contest's rules with the admin's rich text
editor in real Chromium: a heading typed through an input method (Vietnamese Telex, composed
letter by letter as a real IME does), bold, a list and a link from the Vietnamese toolbar;
saves; the editor opens the saved text again; the public contest page shows it formatted.
No Content-Security-Policy violation or script error on the way. Without JavaScript the same
page offers the plain textarea. Screenshots: tests/artifacts/rte_*.png (look at them)."""

from pathlib import Path

import pytest
from django.urls import reverse

from contests.models import Contest
from tests.factories import ContestFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
LAPTOP = {"width": 1366, "height": 768}
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
  window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline'));
});
"""
# "Thể" typed in Telex: T, h, e, e (ê), r (hỏi) — what the input method shows while composing.
TELEX_THE = ["T", "Th", "The", "Thê", "Thể"]


@pytest.fixture
def browser(chromium_path, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def log_in(page, base_url):
    page.goto(base_url + "/quan-tri/login/")
    page.fill("[name=username]", "city")
    page.fill("[name=password]", "secret-pass-123")
    page.click("form [type=submit]")
    page.wait_for_load_state()


def test_clerk_writes_the_rules_with_the_editor(browser, live_server, tree, organisers):
    contest = ContestFactory(
        owner_unit=tree["C"], participation_root=tree["C"], title="Tìm hiểu Luật Căn cước"
    )
    context = browser.new_context(viewport=LAPTOP, locale="vi-VN")
    context.add_init_script(LISTEN)
    page = context.new_page()
    page.set_default_timeout(15_000)
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.on(
        "console",
        lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.on(
        "response",
        lambda r: (
            problems.append(f"{r.status} {r.url}")
            if r.status >= 400 and not r.url.endswith("/favicon.ico")
            else None
        ),
    )
    log_in(page, live_server.url)
    change_url = live_server.url + reverse("admin:contests_contest_change", args=[contest.pk])
    page.goto(change_url)

    box = page.locator("[data-rich-text-editor]:has(#id_rules)")
    editor = box.locator(".rte-content")
    assert editor.is_visible()
    assert not page.locator("#id_rules").is_visible()  # the textarea is the editor's store
    assert box.locator(".rte-toolbar button").all_inner_texts() == [
        "Đậm",
        "Nghiêng",
        "Tiêu đề",
        "• Danh sách",
        "1. Đánh số",
        "“ Trích dẫn",
        "Liên kết",
        "↶ Hoàn tác",
        "↷ Làm lại",
    ]
    # The field's label names the editor for a screen reader.
    assert editor.get_attribute("aria-labelledby") == "id_rules-label"

    # A heading: "Thể" composed through the input method, the rest typed.
    editor.click()
    cdp = context.new_cdp_session(page)
    for step in TELEX_THE:
        cdp.send(
            "Input.imeSetComposition",
            {"text": step, "selectionStart": len(step), "selectionEnd": len(step)},
        )
    cdp.send("Input.insertText", {"text": "Thể"})
    page.keyboard.type(" lệ cuộc thi")
    box.get_by_role("button", name="Tiêu đề mục").click()
    assert box.get_by_role("button", name="Tiêu đề mục").get_attribute("aria-pressed") == "true"
    page.keyboard.press("End")
    page.keyboard.press("Enter")

    # A paragraph with a bold phrase.
    box.get_by_role("button", name="Chữ đậm").click()
    page.keyboard.type("Người dự thi")
    box.get_by_role("button", name="Chữ đậm").click()
    page.keyboard.type(" là công dân từ đủ 14 tuổi.")
    page.keyboard.press("Enter")

    # A bulleted list of two items, then out of the list (Enter on an empty item).
    box.get_by_role("button", name="Danh sách gạch đầu dòng").click()
    page.keyboard.type("Đăng ký một lần")
    page.keyboard.press("Enter")
    page.keyboard.type("Thi tối đa 3 lượt")
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")

    # A link: a bad address is refused with a message, a good one applied.
    page.keyboard.type("Xem hướng dẫn")
    page.keyboard.press("Shift+Home")
    box.get_by_role("button", name="Liên kết").click()
    url_field = box.locator(".rte-link-url")
    url_field.fill("javascript:alert(1)")
    url_field.press("Enter")
    assert box.locator(".rte-link-error").is_visible()
    page.screenshot(path=str(ARTIFACTS / "rte_link_refused.png"))
    url_field.fill("https://tuphap.hanoi.gov.vn/huong-dan")
    url_field.press("Enter")  # applies the link, does not submit the admin form
    assert box.locator(".rte-link-form").is_hidden()
    page.screenshot(path=str(ARTIFACTS / "rte_editing.png"))

    stored = page.locator("#id_rules").input_value()
    assert stored == (
        "<h3>Thể lệ cuộc thi</h3>"
        "<p><strong>Người dự thi</strong> là công dân từ đủ 14 tuổi.</p>"
        "<ul><li>Đăng ký một lần</li><li>Thi tối đa 3 lượt</li></ul>"
        '<p><a href="https://tuphap.hanoi.gov.vn/huong-dan">Xem hướng dẫn</a></p>'
    )

    page.click("[name=_continue]")
    page.wait_for_load_state()
    assert page.locator(".messagelist .success").count() == 1, page.locator(
        ".errornote"
    ).all_inner_texts()
    contest.refresh_from_db()
    assert contest.rules == stored.replace(
        '<a href="https://tuphap.hanoi.gov.vn/huong-dan">',
        '<a href="https://tuphap.hanoi.gov.vn/huong-dan" rel="noopener noreferrer">',
    )
    # Opened again, the editor shows the saved text formatted (not its HTML).
    editor = page.locator("[data-rich-text-editor]:has(#id_rules) .rte-content")
    assert editor.locator("h3").inner_text() == "Thể lệ cuộc thi"
    assert editor.locator("ul li").count() == 2

    violations = page.evaluate("window.__csp")
    page.goto(live_server.url + reverse("contests:contest_detail", args=[contest.slug]))
    rules = page.locator("h3:text-is('Thể lệ cuộc thi')")
    rules.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "rte_public_page.png"))
    assert rules.count() == 1
    assert page.locator("strong:text-is('Người dự thi')").count() == 1
    assert page.locator("li:has-text('Thi tối đa 3 lượt')").count() == 1
    link = page.locator("a:text-is('Xem hướng dẫn')")
    assert link.get_attribute("href") == "https://tuphap.hanoi.gov.vn/huong-dan"
    assert link.get_attribute("rel") == "noopener noreferrer"
    violations += page.evaluate("window.__csp")
    assert violations == [] and problems == []
    assert Contest.objects.get(pk=contest.pk).status == Contest.Status.PUBLISHED
    context.close()

    # Without JavaScript: the textarea, holding the HTML, and no toolbar.
    plain = browser.new_context(viewport=LAPTOP, locale="vi-VN", java_script_enabled=False)
    page = plain.new_page()
    log_in(page, live_server.url)
    page.goto(change_url)
    assert page.locator("#id_rules").is_visible()
    assert page.locator("#id_rules").input_value() == contest.rules
    assert page.locator(".rte-toolbar").count() == 0
    plain.close()
