"""An attempt's admin page read as a document in real Chromium at laptop size (1366×768): the
owner side's clerk sees the questions in the order the person saw them, the chosen and the
correct option, times as dd/mm/yyyy HH:MM:SS in Vietnam's time and the duration in minutes and
seconds; the registration's page lists the attempt and links to it. Screenshots in
/tmp/shots/d/ (look at them)."""

import datetime
import re
from decimal import Decimal
from pathlib import Path

import pytest

from scoring.models import Attempt
from tests.browser.test_exam_flow import CHROMIUM_ARGS
from tests.factories import ContestFactory, QuestionFactory, RegistrationFactory, TopicFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAPTOP = {"width": 1366, "height": 768}
SHOTS = Path("/tmp/shots/d")  # noqa: S108  (screenshots to look at, as the task asks)
UTC = datetime.UTC


@pytest.fixture
def page(chromium_path, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport=LAPTOP, locale="vi-VN")
        page = context.new_page()
        page.set_default_timeout(15_000)
        yield page
        context.close()
        browser.close()


def test_attempt_reads_as_a_document(page, live_server, tree, organisers):
    contest = ContestFactory(owner_unit=tree["C"], participation_root=tree["C"])
    topic = TopicFactory(contest=contest)
    questions = [
        QuestionFactory(topic=topic, text=text, options=3)
        for text in ("Tuổi tối thiểu để kết hôn của nam?", "Cơ quan nào cấp CCCD?", "Câu ba?")
    ]
    options = [list(q.options.order_by("position")) for q in questions]
    registration = RegistrationFactory(contest=contest, unit=tree["A-1"])
    started = datetime.datetime(2026, 3, 7, 7, 5, 9, tzinfo=UTC)  # 14:05:09 in Vietnam
    attempt = Attempt.objects.create(
        registration=registration,
        contest=contest,
        number=1,
        status="graded",
        # Shown in reverse: question 3 first, each question's options reversed.
        items=[
            {"q": q.pk, "o": [o.pk for o in reversed(opts)]}
            for q, opts in zip(reversed(questions), reversed(options), strict=True)
        ],
        # Question 3 right (option 1 is correct), question 2 wrong, question 1 unanswered.
        answers={str(questions[2].pk): options[2][0].pk, str(questions[1].pk): options[1][2].pk},
        started_at=started,
        deadline=started + datetime.timedelta(minutes=20),
        finished_at=started + datetime.timedelta(minutes=5, seconds=3),
        submitted_at=started + datetime.timedelta(minutes=5, seconds=3),
        question_count=3,
        correct_count=1,
        score=Decimal("3.33"),
        duration_ms=303_400,
        graded_at=started + datetime.timedelta(minutes=6),
    )

    page.goto(f"{live_server.url}/quan-tri/login/")
    page.fill("[name=username]", "city")
    page.fill("[name=password]", "secret-pass-123")
    page.click("form [type=submit]")
    page.wait_for_load_state()

    page.goto(f"{live_server.url}/quan-tri/scoring/attempt/{attempt.pk}/change/")
    page.wait_for_selector("ol.answer-sheet")
    assert page.inner_text(".field-started .readonly") == "07/03/2026 14:05:09"
    assert page.inner_text(".field-finished .readonly") == "07/03/2026 14:10:12"
    assert page.inner_text(".field-duration .readonly") == "5 phút 03 giây"
    assert page.inner_text(".field-status_text .readonly") == "Đã chấm"
    assert page.inner_text(".field-result_text .readonly") == "1/3 câu"
    sheet = page.locator("li.answer-sheet__question")
    texts = page.locator("p.answer-sheet__text").all_inner_texts()
    assert [re.sub(r"\s+", " ", t).strip() for t in texts] == [
        "Câu 1. Câu ba? Đúng",
        "Câu 2. Cơ quan nào cấp CCCD? Sai",
        "Câu 3. Tuổi tối thiểu để kết hôn của nam? Không trả lời",
    ]
    # Options in display order (reversed: C is the correct option 1), chosen and correct marked.
    first = sheet.nth(0).locator("li.answer-sheet__option").all_inner_texts()
    assert [re.sub(r"\s+", " ", t).strip() for t in first] == [
        "A. Phương án 3",
        "B. Phương án 2",
        "C. Phương án 1 đã chọn đáp án đúng",
    ]
    assert page.locator("li.answer-sheet__option--correct").count() == 3
    assert page.locator("li.answer-sheet__option--chosen").count() == 2
    page.screenshot(path=str(SHOTS / "attempt_document.png"), full_page=True)

    page.goto(f"{live_server.url}/quan-tri/participants/registration/{registration.pk}/change/")
    row = page.locator("tr:has(td.field-document_link)")
    assert re.sub(r"\s+", " ", row.inner_text()).count("07/03/2026 14:05:09") == 1
    page.screenshot(path=str(SHOTS / "registration_document.png"), full_page=True)
    row.locator("td.field-document_link a").click()
    page.wait_for_selector("ol.answer-sheet")
