"""The rich text editor of the admin (contests.widgets.RichTextEditor): which fields get it, that
what is posted through the admin is sanitised by nh3 exactly once in contests/rich_text.py
(scripts, on…= handlers, javascript: links gone), that a plain text stays the text typed, and
that places which cannot show HTML (the Excel files) get plain text. The editor itself, in
Chromium: tests/browser/test_rich_text_editor.py."""

import io

import pytest
from django.urls import reverse
from lxml import html
from openpyxl import load_workbook

from contests.models import Announcement, Contest, Question
from contests.rich_text import rich_text_clean, rich_text_to_plain
from contests.services.question_import import question_bank_export
from tests.contests.helpers import form_fields
from tests.factories import ContestFactory, QuestionFactory, TopicFactory

HOSTILE = (
    '<h3 onclick="steal()">Thể lệ</h3><script>alert(1)</script>'
    '<p>Xem <a href="javascript:alert(2)">đây</a> và <img src=x onerror="alert(3)"></p>'
    '<ul><li><strong>Một</strong></li></ul><p style="color:red">'
    '<a href="https://stp.hanoi.gov.vn/" target="_blank">Sở Tư pháp</a></p>'
)
HOSTILE_CLEAN = (
    '<h3>Thể lệ</h3><p>Xem <a rel="noopener noreferrer">đây</a> và </p>'
    "<ul><li><strong>Một</strong></li></ul>"
    '<p><a href="https://stp.hanoi.gov.vn/" rel="noopener noreferrer">Sở Tư pháp</a></p>'
)


@pytest.mark.parametrize(
    "posted, stored",
    [
        ("", ""),
        # What the editor writes is kept as it is.
        (
            "<h3>1. Cách thức</h3><p><strong>Đậm</strong> <em>nghiêng</em></p>"
            "<ol><li><p>Một</p></li></ol><blockquote><p>Trích</p></blockquote>",
            "<h3>1. Cách thức</h3><p><strong>Đậm</strong> <em>nghiêng</em></p>"
            "<ol><li><p>Một</p></li></ol><blockquote><p>Trích</p></blockquote>",
        ),
        (HOSTILE, HOSTILE_CLEAN),
        ('<a href="JaVaScRiPt:alert(1)">x</a>', '<a rel="noopener noreferrer">x</a>'),
        ('<a href="mailto:tuphap@hanoi.gov.vn">thư</a>', None),
        ("<p>a</p><iframe src=https://x.example></iframe>", "<p>a</p>"),
        ("<script>alert(1)</script>", ""),
        # Plain text (typed without the editor): kept as typed, "&" not turned into "&amp;".
        ("Luật A & B\r\nĐiều 5", "Luật A & B\nĐiều 5"),
        ("tuổi < 14", "tuổi < 14"),
    ],
)
def test_rich_text_clean(posted, stored):
    if stored is None:  # a safe link: kept, with rel added
        assert rich_text_clean(posted) == (
            '<a href="mailto:tuphap@hanoi.gov.vn" rel="noopener noreferrer">thư</a>'
        )
        return
    assert rich_text_clean(posted) == stored
    assert rich_text_clean(stored) == stored  # a second save changes nothing


@pytest.mark.parametrize(
    "value, plain",
    [
        ("", ""),
        ("Dòng một\nDòng hai", "Dòng một\nDòng hai"),
        ("tuổi < 14 & 16", "tuổi < 14 & 16"),
        (
            "<h3>Căn cứ</h3><p>Điều 5\n  Nghị định <strong>59/2022</strong> &amp; 13</p>"
            "<ul><li><p>Một</p></li><li>Hai</li></ul><p>a<br>b</p>",
            "Căn cứ\nĐiều 5 Nghị định 59/2022 & 13\n- Một\n- Hai\na\nb",
        ),
        ("<p>x</p><script>alert(1)</script>", "x"),
        ("<table><tr><td>Giải</td><td>Số tiền</td></tr></table>", "Giải | Số tiền"),
    ],
)
def test_rich_text_to_plain(value, plain):
    assert rich_text_to_plain(value) == plain


def _editors(response) -> dict[str, str]:
    """Field name → the editor wrapper's toolbar labels, for each rich text editor on a page."""
    document = html.fromstring(response.content.decode())
    found = {}
    for box in document.xpath("//*[@data-rich-text-editor]"):
        textarea = box.xpath(".//textarea")[0]
        labels = [b.get("aria-label") for b in box.xpath(".//template//button[@data-command]")]
        found[textarea.get("name")] = labels
    return found


TOOLBAR = [
    "Chữ đậm",
    "Chữ nghiêng",
    "Tiêu đề mục",
    "Danh sách gạch đầu dòng",
    "Danh sách đánh số",
    "Trích dẫn",
    "Liên kết",
    "Hoàn tác",
    "Làm lại",
]


@pytest.fixture
def contest(tree):
    return ContestFactory(
        owner_unit=tree["C"], participation_root=tree["C"], status=Contest.Status.DRAFT
    )


def test_contest_page_has_the_editor_on_plan_and_rules(contest, organisers, client):
    client.force_login(organisers["city"])
    response = client.get(reverse("admin:contests_contest_change", args=[contest.pk]))
    assert response.status_code == 200
    editors = _editors(response)
    assert sorted(editors) == sorted(
        ["summary", "purpose", "requirements", "rules", "eligibility_note"]
    )
    assert editors["rules"] == TOOLBAR
    page = response.content.decode()
    # Static files only (the CSP allows no inline script), each once.
    assert page.count('src="/static/vendor/prosemirror-1.44.0/prosemirror.min.js"') == 1
    assert page.count('src="/static/js/rich_text_editor.js"') == 1
    assert page.count('href="/static/css/rich_text_editor.css"') == 1
    # Other long texts keep the admin's textarea.
    assert "prediction_text" not in editors


def test_rules_posted_through_the_admin_are_sanitised(contest, organisers, client):
    client.force_login(organisers["city"])
    url = reverse("admin:contests_contest_change", args=[contest.pk])
    data = form_fields(client.get(url), "contest_form")
    data.update({"rules": HOSTILE, "purpose": "Nâng cao hiểu biết & ý thức"})
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    contest.refresh_from_db()
    assert contest.rules == HOSTILE_CLEAN
    assert contest.purpose == "Nâng cao hiểu biết & ý thức"

    # Published, the public page shows the formatting and none of the script.
    Contest.objects.filter(pk=contest.pk).update(status=Contest.Status.PUBLISHED)
    page = client.get(reverse("contests:contest_detail", args=[contest.slug])).content.decode()
    assert HOSTILE_CLEAN in page
    assert "<p>Nâng cao hiểu biết &amp; ý thức</p>" in page
    for bad in ("steal()", "alert(", "javascript:", "onerror", "<script>alert"):
        assert bad not in page


def test_question_explanation_is_rich_text_and_the_question_stays_plain(
    contest, organisers, client
):
    topic = TopicFactory(contest=contest)
    question = QuestionFactory(topic=topic, explanation="Theo Điều 5\nNghị định 59 & 13")
    client.force_login(organisers["city"])
    url = reverse("admin:contests_question_change", args=[question.pk])
    response = client.get(url)
    assert list(_editors(response)) == ["explanation"]
    assert "/static/js/rich_text_editor.js" in response.content.decode()

    # Saved unchanged: the stored plain text stays exactly as it was (no new version).
    Question.objects.filter(pk=question.pk).update(used=True)
    data = form_fields(client.get(url), "question_form")
    data["explanation"] = data["explanation"].replace("\n", "\r\n")  # as a browser posts it
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Question.objects.filter(topic=topic).count() == 1
    question.refresh_from_db()
    assert question.explanation == "Theo Điều 5\nNghị định 59 & 13"

    # Edited: sanitised on save, and a used question gets its new version as usual.
    data["explanation"] = '<p>Theo <strong>Điều 5</strong></p><img src=x onerror="alert(1)">'
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    newest = Question.objects.get(replaces=question)
    assert newest.explanation == "<p>Theo <strong>Điều 5</strong></p>"


def test_question_bank_export_has_the_explanation_as_plain_text(contest):
    topic = TopicFactory(contest=contest, name="Định danh")
    QuestionFactory(
        topic=topic,
        text="Câu hỏi <b> viết thường?",
        explanation="<p>Theo <strong>Điều 5</strong> &amp; 6</p><ul><li>Một</li></ul>",
    )
    sheet = load_workbook(io.BytesIO(question_bank_export(contest=contest))).worksheets[0]
    header = [c.value for c in sheet[1]]
    row = [c.value for c in sheet[2]]
    explanation = row[next(i for i, h in enumerate(header) if "giải thích" in str(h).lower())]
    assert explanation == "Theo Điều 5 & 6\n- Một"
    assert "Câu hỏi <b> viết thường?" in row  # the question itself is plain text, as typed


def test_announcement_body_has_the_editor_and_is_sanitised(contest, organisers, client):
    client.force_login(organisers["city"])
    url = reverse("admin:contests_announcement_add")
    response = client.get(url)
    assert list(_editors(response)) == ["body"]
    assert "/static/js/rich_text_editor.js" in response.content.decode()
    data = form_fields(response, "announcement_form")
    data.update(
        {
            "contest": str(contest.pk),
            "kind": Announcement.Kind.choices[0][0],
            "title": "Mở tuần thi",
            "body": '<p>Mời <a href="javascript:alert(1)">dự thi</a></p><script>x()</script>',
            "published_at_0": "01/09/2023",
            "published_at_1": "08:00",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Announcement.objects.get(contest=contest).body == (
        '<p>Mời <a rel="noopener noreferrer">dự thi</a></p>'
    )


def test_review_page_template_renders_explanation_sanitised():
    from django.template import Context, Template

    template = Template("{% load contest_tags %}{{ value|rich_text }}")
    rendered = template.render(
        Context({"value": "<p>Giải <em>thích</em></p><img src=x onerror=alert(1)>"})
    )
    assert rendered == "<p>Giải <em>thích</em></p>"
    assert (
        Template("{% load contest_tags %}{{ value|rich_text }}").render(
            Context({"value": "A & B\nC"})
        )
        == "<p>A &amp; B<br>C</p>"
    )


def test_essay_task_questions_have_the_editor(organisers, client):
    client.force_login(organisers["city"])
    response = client.get(reverse("admin:essays_essaytask_add"))
    assert response.status_code == 200
    assert list(_editors(response)) == ["questions"]


def test_demo_names_the_editor_pages(tree):
    from devdata.services.demo import DEMO_SLUG
    from devdata.services.demo_rich_text import seed_rich_text_demo

    assert seed_rich_text_demo() == ["  Trình soạn thảo: chưa có cuộc thi minh họa"]
    contest = ContestFactory(
        owner_unit=tree["C"],
        participation_root=tree["C"],
        slug=DEMO_SLUG,
        rules="<h3>Thể lệ</h3>",
        purpose="<table><tr><td>Giải</td></tr></table>",
        summary="",
        requirements="",
        eligibility_note="",
    )
    assert seed_rich_text_demo() == [
        "  Trình soạn thảo (kế hoạch, thể lệ; đăng nhập sotuphap): "
        f"http://127.0.0.1:8000/quan-tri/contests/contest/{contest.pk}/change/"
        " — 1/2 mục mở bằng trình soạn thảo",
        "    giữ ô HTML vì có bảng: purpose",
    ]
