"""A citizen writes an essay on a phone: types it (the word count follows as they type and
warns past the limit), saves the draft, uploads a photo of a handwritten page, is told in
Vietnamese that an entry is one kind of answer, clears the typed text and submits; the page
then shows the time and the entry code. Real Chromium against the live server; screenshots
in tests/artifacts/essay_*.png."""

import io

import pytest
from PIL import Image, ImageDraw

from essays.models import Entry
from essays.rules.words import word_count
from tests.browser.test_exam_flow import ARTIFACTS, page  # noqa: F401  (fixture)
from tests.essays import entries_support as support
from tests.factories import RegistrationFactory
from tests.scoring import exam_support as exam_support

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

clean_cache_and_broker = exam_support.clean_cache_and_broker
contest = support.contest
essay_files = support.essay_files
task = support.task

ESSAY = (
    "Dịch vụ công trực tuyến giúp người dân nộp hồ sơ mọi lúc, mọi nơi, "
    "tiết kiệm thời gian và chi phí đi lại."
)


def shot(page, name):  # noqa: F811
    page.screenshot(path=str(ARTIFACTS / f"essay_{name}.png"), full_page=False)


def handwritten_page(path):
    image = Image.new("RGB", (900, 1200), (250, 248, 240))
    draw = ImageDraw.Draw(image)
    for y in range(80, 1150, 48):
        draw.line([(60, y), (840, y)], fill=(180, 190, 220), width=2)
        draw.line([(80, y - 14), (700 - (y % 300), y - 14)], fill=(30, 40, 120), width=4)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)
    path.write_bytes(out.getvalue())
    return path


def test_type_save_upload_submit_on_a_phone(page, live_server, tree, task, tmp_path):  # noqa: F811
    task.word_limit = 30
    task.save()
    user = RegistrationFactory(contest=task.contest, unit=tree["A-1"]).participant.user
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    page.goto(f"{live_server.url}/thi-sinh/dang-nhap/")
    page.fill("[name=username]", user.username)
    page.fill("[name=password]", "secret-pass-123")
    page.click("form button[type=submit]")
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/bai-du-thi/{task.pk}/")
    assert "Nêu lợi ích của dịch vụ công trực tuyến." in page.inner_text("main")

    # Typing: the count follows the server's rule (24 words), then past the limit.
    assert word_count(ESSAY) == 24
    page.fill("textarea[name=text]", ESSAY)
    assert page.inner_text("#word-count") == "24"
    assert page.locator("#word-over").is_hidden()
    page.fill("textarea[name=text]", ESSAY + " " + " ".join(["thêm"] * 9))
    assert page.inner_text("#word-count") == "33"
    assert page.locator("#word-over").is_visible()
    page.locator("#word-count-line").scroll_into_view_if_needed()
    shot(page, "01_over_limit")
    page.fill("textarea[name=text]", ESSAY)
    page.click("button[value=save]")
    page.wait_for_selector("text=Đã lưu bản nháp.")
    shot(page, "02_draft_saved")
    entry = Entry.objects.get()
    assert (entry.status, entry.word_count, entry.text) == ("draft", 24, ESSAY)
    assert page.input_value("textarea[name=text]") == ESSAY

    # A photo of the handwritten page, saved with the draft.
    page.set_input_files("input[name=files]", str(handwritten_page(tmp_path / "trang-1.jpg")))
    page.click("button[value=save]")
    page.wait_for_selector("#current-file")
    page.locator("#current-file").scroll_into_view_if_needed()
    shot(page, "03_photo_saved")
    entry.refresh_from_db()
    assert entry.file_type == "pdf" and entry.file

    # Both a typed text and a file: refused, in Vietnamese, with the reason at the top.
    page.check("input[name=confirm]")
    page.click("button[value=submit]")
    page.wait_for_selector("#error-summary")
    assert "Hãy xóa bài gõ hoặc bỏ tệp trước khi nộp." in page.inner_text("#error-summary")
    shot(page, "04_one_kind_of_answer")
    assert Entry.objects.get().status == "draft"

    page.fill("textarea[name=text]", "")
    assert page.inner_text("#word-count") == "0"
    page.check("input[name=confirm]")
    page.click("button[value=submit]")
    page.wait_for_selector("#entry-submitted")
    entry.refresh_from_db()
    assert entry.status == "submitted" and entry.submitted_at is not None
    assert entry.code in page.inner_text("#entry-submitted")
    assert page.locator("#essay-form").count() == 0
    shot(page, "05_submitted")

    # The phone page does not scroll sideways.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    # The stored PDF opens from the page, for its owner.
    response = page.request.get(f"{live_server.url}/bai-du-thi/tep/{entry.code}/")
    assert response.status == 200 and response.body().startswith(b"%PDF-")
    assert [e for e in errors if "Content Security Policy" in e or "Refused" in e] == []
