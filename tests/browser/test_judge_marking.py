"""A judge marks two entries on a tablet (768×1024, portrait) in real Chromium: the queue,
"next entry", a typed essay and an uploaded PDF shown inline, a mark over the maximum refused
in Vietnamese, save and next, and the "all done" message; no sideways scroll and no CSP
violation. Screenshots in tests/artifacts/ (judge_*.png: look at them)."""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.test import Client
from pypdf import PdfWriter

from essays.models import Assignment, Entry
from essays.services.judging import panel_assign
from tests.browser.test_exam_flow import ARTIFACTS, page  # noqa: F401  (fixture)
from tests.essays import judging_support as js

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TABLET = {"width": 768, "height": 1024}


def _shot(tablet, name):
    tablet.screenshot(path=str(ARTIFACTS / f"judge_{name}.png"), full_page=False)


def _text(locator) -> str:
    return " ".join(locator.inner_text().split())


def _pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_a_judge_marks_two_entries_on_a_tablet(
    page,  # noqa: F811
    live_server,
    tree,
    organisers,
    tmp_path,
    monkeypatch,
):
    storage = FileSystemStorage(location=str(tmp_path / "private"))
    monkeypatch.setattr(Entry._meta.get_field("file"), "storage", storage)
    task = js.essay_task(tree)
    judges = [js.judge(tree["B"], "gk_tablet"), js.judge(tree["C-D-1"], "gk_hai")]
    panel = js.panel(task, tree["A"], judges)
    typed = js.entry(
        task,
        tree["A-1"],
        text="Dịch vụ công trực tuyến giúp người dân nộp hồ sơ mọi lúc, mọi nơi.\n\n"
        "Em đã làm thủ tục đăng ký khai sinh cho con trên Cổng dịch vụ công của thành phố.",
    )
    scanned = Entry.objects.get(pk=js.entry(task, tree["A-2"], text=" ").pk)
    scanned.text = ""
    scanned.file_type = "pdf"
    scanned.file.save("bai.pdf", ContentFile(_pdf()), save=True)
    panel_assign(panel=panel, by=organisers["a"], seed=1)
    judge = judges[0]
    order = [a.entry_id for a in Assignment.objects.filter(judge=judge).order_by("pk")]
    assert sorted(order) == sorted([typed.pk, scanned.pk])

    login = Client()
    login.force_login(judge.user)
    context = page.context.browser.new_context(
        viewport=TABLET, device_scale_factor=1, is_mobile=True, has_touch=True, locale="vi-VN"
    )
    host = live_server.url.split("//")[1].split(":")[0]
    context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": login.cookies["sessionid"].value,
                "domain": host,
                "path": "/",
            }
        ]
    )
    tablet = context.new_page()
    tablet.set_default_timeout(15_000)
    violations = []
    tablet.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    try:
        tablet.goto(f"{live_server.url}/cham-thi/")
        _shot(tablet, "01_queue")
        assert "Đã chấm 0/2 bài được phân công; còn 2 bài." in _text(
            tablet.locator("#judge-counts")
        )
        tablet.click("#judge-next")
        for n, entry_id in enumerate(order, start=1):
            entry = Entry.objects.get(pk=entry_id)
            tablet.wait_for_selector("#judge-form")
            assert entry.code in _text(tablet.locator("h1"))
            body = _text(tablet.locator("body"))
            assert entry.registration.participant.full_name not in body
            if entry.pk == scanned.pk:
                frame = tablet.locator("iframe")
                assert frame.count() == 1
                assert frame.get_attribute("src") == f"/cham-thi/bai/{entry.code}/tep/"
            else:
                assert "khai sinh cho con" in _text(tablet.locator("#entry-text"))
            inputs = tablet.locator("input.judge-mark")
            if n == 1:
                inputs.nth(0).fill("12")
                inputs.nth(1).fill("7")
                tablet.click("#save-next")
                tablet.wait_for_selector("#judge-error")
                assert "Điểm phải từ 0 đến 10." in _text(tablet.locator("#judge-form"))
                tablet.locator(".is-invalid").first.scroll_into_view_if_needed()
                _shot(tablet, "02_refused")
                assert Assignment.objects.get(judge=judge, entry_id=entry_id).marked_at is None
                inputs = tablet.locator("input.judge-mark")
            inputs.nth(0).fill("8,5")
            inputs.nth(1).fill("7")
            tablet.locator("textarea").first.fill("Bài viết có ví dụ thực tế.")
            tablet.locator("#judge-form").scroll_into_view_if_needed()
            _shot(tablet, f"0{n + 2}_entry_{n}")
            assert tablet.evaluate("document.documentElement.scrollWidth") <= TABLET["width"]
            tablet.click("#save-next")
            tablet.wait_for_load_state()
            assert Assignment.objects.get(judge=judge, entry_id=entry_id).total == 24
        tablet.wait_for_selector("#judge-done")
        _shot(tablet, "05_done")
        assert "Bạn đã chấm xong tất cả các bài được phân công." in _text(tablet.locator("body"))
        assert "Đã chấm 2/2" in _text(tablet.locator("#judge-counts"))
        assert violations == []
    finally:
        context.close()
