"""The judge's page through the real views (/cham-thi/): the queue, next entry, marking with
bad input refused in Vietnamese and nothing stored, save and next, an entry not assigned → 404
in Vietnamese, the inline file for the assigned judge only, anonymity (no name, no unit, no
earlier stage's mark)."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.test import Client
from django.urls import reverse
from pypdf import PdfWriter

from essays.models import Assignment, Entry, Mark
from essays.services.judging import panel_assign, panel_forward
from tests.essays import judging_support as js

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(tree, organisers):
    task = js.essay_task(tree, forward_top_n=1)
    j1, j2 = js.judge(tree["B"], "gk1"), js.judge(tree["C-D-1"], "gk2")
    panel = js.panel(task, tree["A"], [j1, j2])
    entries = [js.entry(task, tree["A-1"], text=f"Nội dung bài viết thứ {i}.") for i in range(2)]
    panel_assign(panel=panel, by=organisers["a"], seed=1)
    return {"task": task, "panel": panel, "judges": [j1, j2], "entries": entries}


def client_for(judge) -> Client:
    client = Client()
    client.force_login(judge.user)
    return client


def entry_url(entry) -> str:
    return reverse("essays_judge:entry", args=[entry.code])


def post_marks(client, task, entry, first, second, *, next_=False, comment="Bài viết tốt"):
    a, b = task.criteria.order_by("order")
    return client.post(
        entry_url(entry),
        {
            f"diem-{a.pk}": first,
            f"nhan-xet-{a.pk}": comment,
            f"diem-{b.pk}": second,
            f"nhan-xet-{b.pk}": "",
            "tiep": "1" if next_ else "0",
        },
    )


def test_anonymous_goes_to_login_and_a_non_judge_is_refused(setup, organisers):
    response = Client().get(reverse("essays_judge:home"))
    assert (
        response.status_code == 302
        and "/login" in response["Location"].lower()
        or "dang-nhap" in response["Location"]
    )
    client = Client()
    client.force_login(organisers["a"])
    response = client.get(reverse("essays_judge:home"))
    assert response.status_code == 403


def test_queue_next_and_entry_show_the_code_only(setup):
    judge = setup["judges"][0]
    client = client_for(judge)
    home = client.get(reverse("essays_judge:home"))
    assert home.status_code == 200
    text = home.content.decode()
    for entry in setup["entries"]:
        assert entry.code in text
    assert "Đã chấm 0/2" in text
    response = client.get(reverse("essays_judge:next"))
    first = Assignment.objects.filter(judge=judge).order_by("pk").first().entry
    assert response.status_code == 302 and response["Location"] == entry_url(first)
    page = client.get(entry_url(first)).content.decode()
    assert first.code in page and first.text in page
    person = first.registration.participant.full_name
    assert person not in page and "Phường A1" not in page
    assert "Nội dung" in page and "0–10 điểm, hệ số 2" in page


@pytest.mark.parametrize(
    ("first", "second", "message"),
    [
        ("11", "5", "Điểm phải từ 0 đến 10."),
        ("", "5", "Chưa nhập điểm cho tiêu chí này."),
        ("<script>", "5", "Điểm phải là một số"),
        ("7.125", "5", "tối đa hai chữ số thập phân"),
        ("9" * 30, "5", "Điểm phải từ 0 đến 10."),
    ],
)
def test_bad_marks_are_refused_in_vietnamese_and_nothing_is_stored(setup, first, second, message):
    judge = setup["judges"][0]
    entry = setup["entries"][0]
    response = post_marks(client_for(judge), setup["task"], entry, first, second)
    assert response.status_code == 400
    text = response.content.decode()
    assert message in text and "Có điểm chưa hợp lệ" in text
    assert not Mark.objects.exists()
    assert not Assignment.objects.filter(marked_at__isnull=False).exists()


def test_save_and_next_then_done(setup):
    judge = setup["judges"][0]
    client = client_for(judge)
    order = [a.entry for a in Assignment.objects.filter(judge=judge).order_by("pk")]
    response = post_marks(client, setup["task"], order[0], "8", "7,5", next_=True)
    assert response.status_code == 302 and response["Location"] == reverse("essays_judge:next")
    response = client.get(response["Location"])
    assert response["Location"] == entry_url(order[1])
    a = Assignment.objects.get(judge=judge, entry=order[0])
    assert a.total == 23.5
    assert Mark.objects.get(assignment=a, criterion__order=1).comment == "Bài viết tốt"
    post_marks(client, setup["task"], order[1], "10", "10", next_=True)
    response = client.get(reverse("essays_judge:next"), follow=True)
    assert "Bạn đã chấm xong tất cả các bài được phân công." in response.content.decode()
    # Correcting one's own marks is allowed until the panel closes; the page shows them.
    page = client.get(entry_url(order[0])).content.decode()
    assert 'value="8.00"' in page, page[page.find("diem-") :][:400]
    assert "Tổng điểm bạn đã chấm: 23,50" in page


def test_an_entry_not_assigned_or_unknown_is_404_in_vietnamese(setup, tree):
    other = js.judge(tree["B-1"], "gk_khac")
    client = client_for(other)
    entry = setup["entries"][0]
    for url in [
        entry_url(entry),
        reverse("essays_judge:file", args=[entry.code]),
        "/cham-thi/bai/KHONGCO/",
        "/cham-thi/bai/%3Cscript%3E/",
        "/cham-thi/bai/" + "A" * 200 + "/",
    ]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert (
            "Bài này không có trong danh sách bài được phân công cho bạn."
            in response.content.decode()
        )
    # A NUL byte is refused before any view (400), never a 500.
    assert client.get("/cham-thi/bai/%00/").status_code == 400
    response = post_marks(client, setup["task"], entry, "5", "5")
    assert response.status_code == 404
    assert not Mark.objects.exists()


def test_pdf_shown_inline_for_the_assigned_judge_only(setup, tree, tmp_path, monkeypatch):
    storage = FileSystemStorage(location=str(tmp_path / "private"))
    monkeypatch.setattr(Entry._meta.get_field("file"), "storage", storage)
    entry = Entry.objects.get(pk=setup["entries"][0].pk)  # its file field on the patched storage
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = __import__("io").BytesIO()
    writer.write(buffer)
    entry.file_type = "pdf"
    entry.file.save("bai.pdf", ContentFile(buffer.getvalue()), save=True)
    judge = Assignment.objects.filter(entry=entry).first().judge
    client = client_for(judge)
    page = client.get(entry_url(entry)).content.decode()
    file_url = reverse("essays_judge:file", args=[entry.code])
    assert f'<iframe src="{file_url}"' in page
    response = client.get(file_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline;")
    assert entry.code in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in response["Content-Security-Policy"]
    # The marking page itself can never be framed.
    assert "frame-ancestors 'none'" in client.get(entry_url(entry))["Content-Security-Policy"]
    outsider = client_for(js.judge(tree["B-1"], "gk_ngoai"))
    assert outsider.get(file_url).status_code == 404


def test_city_judges_never_see_district_marks(setup, organisers, tree):
    task, panel = setup["task"], setup["panel"]
    for a in Assignment.objects.filter(panel=panel):
        post_marks(client_for(a.judge), task, a.entry, "9", "8")  # 26 each
    panel_forward(panel=panel, by=organisers["a"])
    forwarded = Entry.objects.get(stage=Entry.Stage.FINAL)
    assert forwarded.preliminary_mark == 26
    city = [js.judge(tree["C-D-1"], "tp1"), js.judge(tree["B"], "tp2")]
    final = js.panel(task, tree["C"], city, final=True)
    panel_assign(panel=final, by=organisers["city"])
    client = client_for(city[0])
    page = client.get(entry_url(forwarded)).content.decode()
    assert forwarded.code in page
    for shown in ("26.00", "26,00", ">26<", "Sơ khảo", "sơ khảo"):
        assert shown not in page
    home = client.get(reverse("essays_judge:home")).content.decode()
    for shown in ("26.00", "26,00", ">26<"):
        assert shown not in home
    # The district judges' page now says the marks are closed.
    district_judge = setup["judges"][0]
    page = client_for(district_judge).get(entry_url(forwarded)).content.decode()
    assert "Ban giám khảo đã chốt điểm" in page


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"tiep": "1"},
        {"diem-999999": "5"},
        {"diem-x": "5", "tiep": "<script>"},
        {"diem-{a}": "5" * 10_000, "diem-{b}": "\x00"},
        {"diem-{a}": "5", "diem-{b}": "5", "nhan-xet-{a}": "x" * 5_000},
        {"diem-{a}": ["5", "6"], "diem-{b}": "1e9999"},
    ],
)
def test_hostile_posts_change_nothing_and_say_why(setup, data):
    judge = setup["judges"][0]
    entry = Assignment.objects.filter(judge=judge).first().entry
    a, b = setup["task"].criteria.order_by("order")
    form = {k.format(a=a.pk, b=b.pk): v for k, v in data.items()}
    response = client_for(judge).post(entry_url(entry), form)
    assert response.status_code == 400
    text = response.content.decode()
    # A control character is refused before the view (contest_site.middleware), in Vietnamese.
    if not any("\x00" in str(v) for v in form.values()):
        assert "Có điểm chưa hợp lệ, vui lòng xem lại." in text
    if "nhan-xet-" + str(a.pk) in form:
        assert "Nhận xét dài quá 2000 ký tự." in text
    assert not Mark.objects.exists()
    assert not Assignment.objects.filter(marked_at__isnull=False).exists()
