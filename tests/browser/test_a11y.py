"""Every citizen page passes axe-core's WCAG 2.1 A and AA rules, at phone (390×844) and
desktop (1280×800) size, in real Chromium: home, contest pages (open, published, between
rounds with an announcement banner), registration (empty and with errors), password recovery
(request, code, the organiser's new-password link; empty and refused), login (empty and
refused), my contests, profile, "Tải dữ liệu của tôi", account deletion (and refused), join
(empty and refused), start, the "Vui lòng chờ" start queue, the test page mid-test, the result
page (pending and graded), my attempts, the results lookup (empty and with a result), a
certificate's verification page and the essay pages; and the judge's marking pages at tablet
size (768×1024). One browser per test; each page is checked at each size by resizing.
Screenshots at the first size in tests/artifacts/a11y_*.png."""

import datetime

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from contests.models import Contest, Round
from contests.services.announcements import announcement_post
from essays.services.judging import panel_assign
from participants.accounts.services import assisted_reset_issue
from participants.services import participant_register
from reports.services.board import board_freeze_due
from scoring.models import Attempt
from scoring.services.prizes import results_publish
from tests.browser.axe import axe_install, axe_report, axe_violations
from tests.browser.test_exam_flow import ARTIFACTS, CHROMIUM_ARGS, PHONE
from tests.browser.test_judge_marking import TABLET
from tests.essays import judging_support as js
from tests.essays.entries_support import essay_files, make_task  # noqa: F401  (fixture)
from tests.factories import ContestFactory, RegistrationFactory, contest_with_bank
from tests.reports.conftest import VN, small_contest  # noqa: F401  (fixture)
from tests.scoring import exam_support as support
from tests.scoring.test_certificates import certificate_of, make_all, media, published  # noqa: F401
from tests.scoring.test_prizes_rounds import weekly  # noqa: F401  (fixture)
from tests.scoring.test_round_publication import weeks  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

clean_cache_and_broker = support.clean_cache_and_broker

DESKTOP = {"width": 1280, "height": 800}
SIZES = {"phone": PHONE, "desktop": DESKTOP}


@pytest.fixture
def page(chromium_path, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport=PHONE, locale="vi-VN")
        axe_install(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.on("dialog", lambda dialog: dialog.accept())
        yield page
        context.close()
        browser.close()


class Audit:
    """Runs axe on the page at each size and keeps what it finds, page by page."""

    def __init__(self, page):
        self.page = page
        self.found: dict[str, str] = {}
        self.checked: list[str] = []

    def check(self, name: str, sizes: dict | None = None) -> None:
        self.page.wait_for_load_state("load")
        sizes = sizes or SIZES
        for size, viewport in sizes.items():
            self.page.set_viewport_size(viewport)
            violations = axe_violations(self.page)
            if violations:
                self.found[f"{name} @ {size}"] = axe_report(violations)
            if size == next(iter(sizes)):
                self.page.screenshot(path=str(ARTIFACTS / f"a11y_{name}.png"))
        self.page.set_viewport_size(next(iter(sizes.values())))
        self.checked.append(name)


# Focus ring, control borders and button text as Chromium computes them (axe does not judge a
# focus indicator, nor the border of an unchecked radio): contrast against the background the
# ring or border sits on (the nearest ancestor with a background colour).
CONTRAST = """selectors => {
  const rgb = s => s.match(/[\\d.]+/g).map(Number);
  const lum = ([r, g, b]) => {
    const f = c => (c /= 255) <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const ratio = (a, b) => {
    const [x, y] = [lum(a), lum(b)];
    return Math.round((Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05) * 100) / 100;
  };
  const behind = el => {
    for (let e = el.parentElement; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c.length < 4 || c[3] > 0) return c;
    }
    return [255, 255, 255];
  };
  const out = {};
  for (const [name, sel] of Object.entries(selectors)) {
    const el = document.querySelector(sel);
    if (!el) { out[name] = 'missing'; continue; }
    const border = ratio(rgb(getComputedStyle(el).borderTopColor), behind(el));  // at rest
    el.focus();
    const cs = getComputedStyle(el);
    out[name] = {
      ring: cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 2
        ? ratio(rgb(cs.outlineColor), behind(el)) : 0,
      border,
      focused_border: ratio(rgb(cs.borderTopColor), behind(el)),
      text: ratio(rgb(cs.color), rgb(cs.backgroundColor).length < 4 ||
        rgb(cs.backgroundColor)[3] > 0 ? rgb(cs.backgroundColor) : behind(el)),
    };
  }
  return out;
}"""
CONTROLS = {
    "skip link": "a.visually-hidden-focusable",
    "banner link": "a.site-title",
    "nav link": ".navbar a.nav-link",
    "text field": "#id_full_name",
    "radio": "#id_gender_0",
    "drop-down": "#id_document_type",
    "unit level": "#noi_cu_tru_0",
    "tick box": "#id_consent_data",
    "primary button": "form button.btn-primary[type=submit]",
}


def test_focus_ring_borders_and_button_text_contrast(page, live_server, tree):
    page.set_viewport_size(DESKTOP)
    page.goto(live_server.url + reverse("participants:register"))
    page.keyboard.press("Tab")  # the keyboard is in use: script focus shows :focus-visible
    seen = page.evaluate(CONTRAST, CONTROLS)
    assert set(seen) == set(CONTROLS) and "missing" not in seen.values(), seen
    weak_rings = {name: v["ring"] for name, v in seen.items() if v["ring"] < 3}
    assert weak_rings == {}
    # Borders that say "here is a control": radios, tick boxes, fields, drop-downs.
    for name in ("text field", "radio", "drop-down", "unit level", "tick box"):
        assert min(seen[name]["border"], seen[name]["focused_border"]) >= 3, (name, seen[name])
    assert seen["primary button"]["text"] >= 5, seen["primary button"]  # 4.5 with margin
    page.screenshot(path=str(ARTIFACTS / "a11y_focus_button.png"))


def test_citizen_pages_have_no_wcag_violation(page, live_server, tree, published, organisers):  # noqa: F811
    open_contest = contest_with_bank(
        owner=tree["C"], root=tree["C"], title="Cuộc thi tìm hiểu Nghị định 59/2022/NĐ-CP"
    )
    other = contest_with_bank(owner=tree["C"], root=tree["A"], title="Tìm hiểu Luật Hòa giải")
    registration = RegistrationFactory(contest=open_contest, unit=tree["A-1"])
    closed, people = published
    make_all(closed, organisers["city"])
    audit = Audit(page)
    url = live_server.url

    page.goto(url + "/")
    audit.check("home")
    page.goto(url + reverse("contests:contest_list"))
    audit.check("contest_list")
    page.goto(url + reverse("contests:contest_detail", args=[open_contest.slug]))
    audit.check("contest_open")
    page.goto(url + reverse("contests:contest_detail", args=[closed.slug]))
    audit.check("contest_published")

    page.goto(url + reverse("participants:register"))
    audit.check("register")
    page.click("form button[type=submit]:has-text('Đăng ký')")
    page.wait_for_selector(".invalid-feedback")
    audit.check("register_errors")

    page.goto(url + reverse("participants:recovery"))
    audit.check("recovery")
    page.goto(url + reverse("participants:login"))
    audit.check("login")
    page.fill("[name=username]", registration.participant.user.username)
    page.fill("[name=password]", "wrong-password-1")
    page.click("form button[type=submit]")
    page.wait_for_load_state()
    audit.check("login_refused")
    page.fill("[name=username]", registration.participant.user.username)
    page.fill("[name=password]", "secret-pass-123")
    page.click("form button[type=submit]")
    page.wait_for_load_state()

    page.goto(url + reverse("participants:my_contests"))
    audit.check("my_contests")
    page.goto(url + reverse("participants:profile"))
    audit.check("profile")
    page.goto(url + reverse("participants:join", args=[other.slug]))
    audit.check("join")
    page.click("form button[type=submit]:has-text('Đăng ký dự thi')")
    page.wait_for_load_state()
    audit.check("join_errors")

    page.goto(url + reverse("scoring:start", args=[open_contest.slug]))
    audit.check("start")
    page.click("button:has-text('Bắt đầu làm bài')")
    page.wait_for_selector("#save-state[data-state=saved]")
    page.locator("fieldset.exam-question").first.locator("label.exam-option").first.click()
    page.wait_for_selector("#save-state[data-state=saved]")
    audit.check("test_page")

    page.click("#submit-button")
    page.wait_for_selector("#result-pending")
    audit.check("result_pending")
    support.grade([Attempt.objects.get(registration=registration).pk])
    page.wait_for_selector("#result-summary", timeout=15_000)
    audit.check("result_graded")
    page.goto(url + reverse("scoring:my_attempts"))
    audit.check("my_attempts")

    page.goto(url + reverse("scoring:results_lookup", args=[closed.slug]))
    audit.check("lookup")
    person = people["Trần Thị Ánh"].participant
    page.fill("[name=document_number]", person.document_number)
    page.fill("[name=date_of_birth]", person.date_of_birth.isoformat())
    page.click("#lookup-form button[type=submit]")
    page.wait_for_selector("#lookup-result")
    audit.check("lookup_result")

    certificate = certificate_of(people["Trần Thị Ánh"])
    page.goto(url + reverse("scoring:certificate_verify", args=[certificate.token]))
    audit.check("certificate_verify")

    assert len(audit.checked) == 21
    assert audit.found == {}, "\n\n".join(f"== {k}\n{v}" for k, v in audit.found.items())


def sign_in(page, live_server, user) -> None:
    """The browser carries `user`'s session (a fresh one; the previous person's is dropped)."""
    client = Client()
    client.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def test_account_essay_judge_rounds_and_queue_pages_have_no_wcag_violation(
    page,
    live_server,
    tree,
    organisers,
    essay_files,  # noqa: F811
    small_contest,  # noqa: F811
    weeks,  # noqa: F811
    settings,
):
    """The daily official board, a week's winners and its results lookup (empty and with a
    result), password recovery (request, code, the organiser's new-password link; empty and
    refused), the contest page between rounds with an announcement banner, the essay pages,
    "Tải dữ liệu của tôi", account deletion (and refused), the "Vui lòng chờ" start queue, and
    the judge's marking pages at tablet size (the queue, an entry, a refused mark)."""
    audit = Audit(page)
    url = live_server.url
    now = timezone.now()
    # The account pages' rate-limit counters of an earlier run (3 codes a number per 15 min).
    redis = cache._cache.get_client(None, write=True)
    stale = list(redis.scan_iter(match="*participants:acct:*"))
    if stale:
        redis.delete(*stale)

    # --- The daily official board (the public results), signed out ---------------------------
    Contest.objects.filter(pk=small_contest.pk).update(
        board_hour=8, status=Contest.Status.PUBLISHED
    )
    small_contest.refresh_from_db()
    board_freeze_due(contest=small_contest, now=datetime.datetime(2023, 9, 3, 8, 5, tzinfo=VN))
    page.goto(url + reverse("board:latest", args=[small_contest.slug]))
    page.wait_for_selector("h1:has-text('Bảng tổng sắp')")
    audit.check("board")

    # --- A weekly contest's first week published: its winners and its own lookup ------------
    contest, rounds, people = weeks
    results_publish(contest=contest, user=organisers["city"], round=rounds[1])
    page.goto(url + reverse("contests:contest_detail", args=[contest.slug]) + "?vong=1")
    page.wait_for_selector("#winners-round-1")
    audit.check("round_winners")
    page.goto(url + reverse("scoring:results_lookup", args=[contest.slug]) + "?vong=1")
    page.wait_for_selector("h1:has-text('Tuần 1')")
    audit.check("round_lookup")
    person = people[0].participant
    page.fill("[name=document_number]", person.document_number)
    page.fill("[name=date_of_birth]", person.date_of_birth.isoformat())
    page.click("#lookup-form button[type=submit]")
    page.wait_for_selector("#lookup-result")
    audit.check("round_lookup_result")

    # --- Password recovery, signed out ------------------------------------------------------
    lost = participant_register(
        full_name="Trần Thị Hoa",
        date_of_birth=datetime.date(1999, 3, 8),
        gender="female",
        document_type="cccd",
        document_number="035199000123",
        phone="0912345678",
        password="Mat-khau-cu-2025!",
        consent_data=True,
    )
    page.goto(url + reverse("participants:recovery"))
    page.click("form button[type=submit]")
    page.wait_for_load_state()
    audit.check("recovery_refused")
    page.fill("[name=login]", "0912 345 678")
    page.click("form button[type=submit]")
    page.wait_for_url("**" + reverse("participants:recovery_code"))
    audit.check("recovery_code")
    page.fill("[name=code]", "12")
    page.fill("[name=password1]", "Mat-khau-moi-2026!")
    page.fill("[name=password2]", "khac-han-2026!")
    page.click("form button[type=submit]")
    page.wait_for_load_state()
    audit.check("recovery_code_refused")
    _row, link = assisted_reset_issue(
        participant=lost,
        issued_by=organisers["a"],
        reason="Gọi điện, đã đối chiếu CCCD",
        link_for=lambda pk, token: reverse("participants:assisted_reset", args=[pk, token]),
        send_sms=False,
    )
    page.goto(url + link)
    audit.check("new_password")
    page.fill("[name=password1]", "Mat-khau-moi-2026!")
    page.fill("[name=password2]", "khac-han-2026!")
    page.click("form button[type=submit]")
    page.wait_for_load_state()
    audit.check("new_password_refused")

    # --- A citizen: between rounds, essays, own data, deletion, the start queue -------------
    between = contest_with_bank(
        owner=tree["C"],
        root=tree["C"],
        title="Tìm hiểu pháp luật hằng tuần",
        opens_at=now - datetime.timedelta(days=8),
        closes_at=now + datetime.timedelta(days=30),
    )
    Round.objects.create(
        contest=between,
        number=1,
        title="Tuần 1",
        opens_at=now - datetime.timedelta(days=8),
        closes_at=now - datetime.timedelta(days=2),
    )
    Round.objects.create(
        contest=between,
        number=2,
        title="Tuần 2",
        opens_at=now + datetime.timedelta(days=2, hours=3),
        closes_at=now + datetime.timedelta(days=8),
    )
    announcement_post(
        contest=between,
        user=None,
        kind="round_opening",
        title="Tuần 2 mở vào thứ Hai",
        body="<p>Mỗi người được thi tối đa <strong>2 lần</strong> trong tuần.</p>",
    )
    citizen = RegistrationFactory(contest=between, unit=tree["A-1"]).participant
    task = make_task(ContestFactory(owner_unit=tree["C"], participation_root=tree["C"]))
    RegistrationFactory(contest=task.contest, participant=citizen, unit=tree["A-1"])
    open_contest = contest_with_bank(owner=tree["C"], root=tree["C"], title="Tìm hiểu Luật Đất đai")
    RegistrationFactory(contest=open_contest, participant=citizen, unit=tree["A-1"])
    sign_in(page, live_server, citizen.user)

    page.goto(url + reverse("contests:contest_detail", args=[between.slug]))
    page.wait_for_selector(".announcement-banner")
    assert "(còn 2 ngày" in page.locator("section.rounds-now").inner_text()
    audit.check("contest_between_rounds")
    page.goto(url + reverse("essays:list"))
    audit.check("essay_list")
    page.goto(url + reverse("essays:task", args=[task.pk]))
    page.wait_for_selector("textarea[name=text]")
    audit.check("essay_task")
    page.goto(url + reverse("participants:my_data"))
    audit.check("my_data")
    page.goto(url + reverse("participants:delete_account"))
    audit.check("delete_account")
    page.click("form button.btn-danger[type=submit]")
    page.wait_for_load_state()
    audit.check("delete_account_refused")

    settings.EXAM_START_RATE = 1
    support.gate_fill(50)  # others hold the next 50 s of start slots: time for axe
    page.goto(url + reverse("scoring:start", args=[open_contest.slug]))
    page.click("button:has-text('Bắt đầu làm bài')")
    page.wait_for_selector("#start-retry")
    assert page.locator("meta[http-equiv=refresh]").count() == 0
    audit.check("start_queue")

    # --- A judge, on a tablet -----------------------------------------------------------------
    marked = js.essay_task(tree)
    judge = js.judge(tree["B"], "gk_a11y")
    js.entry(marked, tree["A-1"], text="Dịch vụ công trực tuyến giúp người dân nộp hồ sơ.")
    second = js.judge(tree["C-D-1"], "gk_a11y_hai")
    panel_assign(panel=js.panel(marked, tree["A"], [judge, second]), by=organisers["a"], seed=1)
    sign_in(page, live_server, judge.user)
    tablet = {"tablet": TABLET}
    page.set_viewport_size(TABLET)
    page.goto(url + reverse("essays_judge:home"))
    audit.check("judge_queue", tablet)
    page.click("#judge-next")
    page.wait_for_selector("#judge-form")
    audit.check("judge_entry", tablet)
    page.locator("input.judge-mark").nth(0).fill("12")
    page.click("#save-next")
    page.wait_for_selector("#judge-error")
    audit.check("judge_entry_refused", tablet)

    assert len(audit.checked) == 19
    assert audit.found == {}, "\n\n".join(f"== {k}\n{v}" for k, v in audit.found.items())
