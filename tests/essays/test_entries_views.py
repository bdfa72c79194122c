"""The citizen's essay pages through the real views: draft, word limit, upload, submit once,
deadline; every bad input answered in Vietnamese with nothing stored; the file download
matrix (owner, judge, organisers of the subtree before and after final marks, strangers)."""

import datetime
import os

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from essays.models import Assignment, Entry, Judge, Panel
from participants.models import PersonalDataAccess
from tests.conftest import make_organiser
from tests.essays import entries_support as support
from tests.essays.entries_support import (
    docx_bytes,
    pdf_bytes,
    photo_bytes,
    stored_files,
    upload,
    zip_bomb_docx,
)
from tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db

contest = support.contest
essay_files = support.essay_files
person = support.person
registration = support.registration
task = support.task


def url(task):
    return reverse("essays:task", args=[task.pk])


def page(response) -> str:
    return response.content.decode()


def save(client, task, **data):
    return client.post(url(task), {"action": "save", **data})


def submit(client, task, **data):
    return client.post(url(task), {"action": "submit", "confirm": "on", **data})


def test_page_shows_questions_and_form(person, task):
    response = person.get(url(task))
    assert response.status_code == 200
    html = page(response)
    assert "Nêu lợi ích của dịch vụ công trực tuyến." in html
    assert 'data-word-limit="50"' in html
    assert 'name="files"' in html and "multiple" in html
    assert "js/essay.js" in html


def test_anonymous_goes_to_login(task):
    response = Client().get(url(task))
    assert response.status_code == 302
    assert "/dang-nhap" in response["Location"] or "login" in response["Location"]


def test_not_registered_goes_to_join(task):
    stranger = get_user_model().objects.create_user("stranger", password="x-secret-123")
    client = Client()
    client.force_login(stranger)
    response = client.get(url(task))
    assert response.status_code == 302
    assert Entry.objects.count() == 0


@pytest.mark.parametrize("bad", ["0", "999999", "abc", "1%27", "-1"])
def test_bad_task_ids(person, task, bad):
    response = person.get(f"/bai-du-thi/{bad}/")
    assert response.status_code == 404
    assert "Không tìm thấy" in page(response)


def test_draft_saved_then_submitted_once(person, task, registration):
    response = save(person, task, text="Dịch vụ công trực tuyến giúp người dân.")
    assert response.status_code == 302
    entry = Entry.objects.get()
    assert (entry.status, entry.word_count, entry.submitted_at) == ("draft", 8, None)
    assert len(entry.code) == 8
    follow = person.get(url(task))
    assert "Đã lưu bản nháp." in page(follow)
    assert "Dịch vụ công trực tuyến giúp người dân." in page(follow)

    before = timezone.now()
    response = submit(person, task, text="Dịch vụ công trực tuyến giúp người dân tiết kiệm.")
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.status == "submitted"
    assert before <= entry.submitted_at <= timezone.now()
    assert entry.word_count == 10
    assert entry.district.code == "A"  # Quận A, whose panel pre-marks it
    html = page(person.get(url(task)))
    assert f"Mã bài dự thi: <strong>{entry.code}</strong>" in html
    assert 'id="essay-form"' not in html

    # Nothing changes afterwards: neither a new draft nor a second submission.
    stamp = entry.submitted_at
    for response in (
        save(person, task, text="Sửa lại"),
        submit(person, task, text="Nộp lại"),
        save(person, task, files=[upload("a.pdf", pdf_bytes())]),
    ):
        assert response.status_code == 400
        assert "Bài đã nộp lúc" in page(response)
        assert "không thể sửa hay nộp lại" in page(response)
    entry.refresh_from_db()
    assert (entry.submitted_at, entry.word_count, bool(entry.file)) == (stamp, 10, False)


def test_word_limit_enforced_on_the_server(person, task):
    long_text = " ".join(["từ"] * 51)
    response = save(person, task, text=long_text)
    assert response.status_code == 400
    assert "Bài viết có 51 từ, vượt quá giới hạn 50 từ." in page(response)
    assert long_text in page(response)  # what they typed is not lost on the page
    assert Entry.objects.count() == 0


def test_submit_needs_confirmation_and_content(person, task):
    response = person.post(url(task), {"action": "submit", "text": "Một hai ba"})
    assert response.status_code == 400
    assert "Hãy đánh dấu xác nhận trước khi nộp bài." in page(response)
    response = submit(person, task, text="   ")
    assert response.status_code == 400
    assert "Bài chưa có nội dung: hãy gõ bài viết hoặc tải tệp lên." in page(response)
    assert Entry.objects.count() == 0


@pytest.mark.parametrize("action", ["", "delete", "x" * 300])
def test_bad_action(person, task, action):
    response = person.post(url(task), {"action": action, "text": "a"})
    assert response.status_code == 400
    assert "Thao tác không hợp lệ." in page(response)
    assert Entry.objects.count() == 0


def test_after_the_deadline_nothing_is_stored(person, task):
    task.unit_deadline = timezone.now() - datetime.timedelta(seconds=1)
    task.opens_at = task.unit_deadline - datetime.timedelta(days=10)
    task.save()
    html = page(person.get(url(task)))
    assert "Đã hết hạn nộp bài" in html and 'id="essay-form"' not in html
    for response in (
        save(person, task, text="Muộn"),
        submit(person, task, files=[upload("a.pdf", pdf_bytes())]),
    ):
        assert response.status_code == 400
        assert "Đã hết hạn nộp bài (" in page(response)
    assert Entry.objects.count() == 0


def test_a_draft_cannot_be_submitted_late(person, task, essay_files):
    save(person, task, text="Bản nháp đúng hạn")
    task.unit_deadline = timezone.now() - datetime.timedelta(seconds=1)
    task.opens_at = task.unit_deadline - datetime.timedelta(days=10)
    task.save()
    response = submit(person, task)
    assert response.status_code == 400
    assert Entry.objects.get().status == "draft"


def test_upload_photos_then_submit(person, task, essay_files, django_capture_on_commit_callbacks):
    files = [upload("trang1.jpg", photo_bytes()), upload("trang2.jpg", photo_bytes())]
    response = save(person, task, files=files)
    assert response.status_code == 302, page(response)
    entry = Entry.objects.get()
    assert entry.file_type == "pdf" and len(entry.file_sha256) == 64
    assert entry.file.name.startswith(f"essays/{task.pk}/") and entry.file.name.endswith(".pdf")
    assert "trang1" not in entry.file.name  # never the person's own file name
    assert len(stored_files(essay_files)) == 1
    # A second upload replaces the first; the old file is removed.
    with django_capture_on_commit_callbacks(execute=True):
        response = save(person, task, files=[upload("bai.docx", docx_bytes())])
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.file_type == "docx" and entry.file.name.endswith(".docx")
    assert [os.path.realpath(f) for f in stored_files(essay_files)] == [
        os.path.realpath(essay_files.path(entry.file.name))
    ]
    response = submit(person, task)
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.status == "submitted"


def test_text_and_file_together_cannot_be_submitted(person, task):
    save(person, task, text="Bài gõ", files=[upload("a.pdf", pdf_bytes())])
    response = submit(person, task)
    assert response.status_code == 400
    assert "Hãy xóa bài gõ hoặc bỏ tệp trước khi nộp." in page(response)
    response = submit(person, task, text="", remove_file="on")
    assert response.status_code == 400  # and now it is empty
    response = submit(person, task, remove_file="on")
    assert response.status_code == 302
    entry = Entry.objects.get()
    assert (entry.status, bool(entry.file), entry.text) == ("submitted", False, "Bài gõ")


BAD_FILES = [
    ("bai.pdf", lambda: pdf_bytes(1, password="mk"), "Tệp PDF có đặt mật khẩu"),
    ("bai.pdf", lambda: b"%PDF-1.4 broken", "Tệp PDF bị hỏng"),
    ("bai.pdf", lambda: photo_bytes(), "có tên là PDF nhưng nội dung là JPEG"),
    ("bai.docx", lambda: docx_bytes(macro=True), "Tệp Word có chứa macro"),
    ("bai.docm", lambda: docx_bytes(macro=True), "Tệp Word có chứa macro"),
    ("bai.docx", zip_bomb_docx, "Tệp DOCX có cấu trúc bất thường"),
    ("bai.docx", lambda: docx_bytes(parts={"a.txt": b"x"}), "không phải tài liệu Word"),
    ("anh.jpg", lambda: photo_bytes()[:200], "bị hỏng hoặc không đọc được"),
    ("virus.exe", lambda: b"MZ\x90\x00" * 100, "không phải PDF, DOCX hay ảnh JPEG/PNG"),
    ("lon.pdf", lambda: b"%PDF-1.4\n" + b"0" * (2 * 1024 * 1024 + 1), "Tệp quá lớn"),
]


@pytest.mark.parametrize(("name", "make", "message"), BAD_FILES)
@pytest.mark.parametrize("action", ["save", "submit"])
def test_bad_files_refused_and_nothing_stored(
    person, task, essay_files, name, make, message, action
):
    post = save if action == "save" else submit
    response = post(person, task, files=[upload(name, make())])
    assert response.status_code == 400
    assert message in page(response)
    assert Entry.objects.count() == 0
    assert stored_files(essay_files) == []


def test_bad_file_leaves_the_draft_as_it_was(person, task, essay_files):
    save(person, task, files=[upload("a.pdf", pdf_bytes(2))])
    entry = Entry.objects.get()
    before = (entry.file.name, entry.file_sha256)
    response = save(person, task, text="mới", files=[upload("b.docx", docx_bytes(macro=True))])
    assert response.status_code == 400
    entry.refresh_from_db()
    assert (entry.file.name, entry.file_sha256, entry.text) == (*before, "")
    assert len(stored_files(essay_files)) == 1


def test_typed_only_task_refuses_files(person, task):
    task.answer_mode = "typed"
    task.save()
    assert 'name="files"' not in page(person.get(url(task)))
    response = save(person, task, files=[upload("a.pdf", pdf_bytes())])
    assert response.status_code == 400
    assert "Phần thi này chỉ nhận bài gõ trực tiếp trên trang." in page(response)


def test_my_essays_list(person, task):
    save(person, task, text="Nháp")
    response = person.get(reverse("essays:list"))
    assert response.status_code == 200
    assert task.title in page(response) and "Bản nháp, chưa nộp." in page(response)


# --- The file download ------------------------------------------------------------------------


@pytest.fixture
def submitted(person, task, essay_files):
    response = submit(person, task, files=[upload("trang.jpg", photo_bytes())])
    assert response.status_code == 302
    return Entry.objects.get()


def file_url(entry):
    return reverse("essays:file", args=[entry.code])


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_owner_downloads_inline_pdf(person, submitted):
    response = person.get(file_url(submitted))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="{submitted.code}.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert body(response).startswith(b"%PDF-")
    assert PersonalDataAccess.objects.count() == 0  # one's own file is not logged


def test_x_accel_redirect(person, submitted, settings):
    settings.ESSAYS_X_ACCEL_REDIRECT = "/_essays/"
    response = person.get(file_url(submitted))
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == "/_essays/" + submitted.file.name
    assert response.content == b""


def test_strangers_get_404(submitted, tree, contest):
    other = RegistrationFactory(contest=contest, unit=tree["A-1"])
    for client in (login(other.participant.user), login(make_organiser(tree["B"], "org_b"))):
        response = client.get(file_url(submitted))
        assert response.status_code == 404
        assert "Không tìm thấy trang" in page(response)
    assert Client().get(file_url(submitted)).status_code == 302  # to the login page


@pytest.mark.parametrize("code", ["ZZZZZZZZ", "x" * 13, "%00", "abc'--"])
def test_unknown_codes(person, submitted, code):
    response = person.get(f"/bai-du-thi/tep/{code}/")
    assert response.status_code in (400, 404)  # a NUL byte is refused before the view
    assert "Không tìm thấy trang" in page(response) or response.status_code == 400


def test_assigned_judge_downloads_and_is_logged(submitted, tree, task):
    user = get_user_model().objects.create_user("judge1", password="x-secret-123")
    judge = Judge.objects.create(user=user, home_unit=tree["B"])
    panel = Panel.objects.create(task=task, unit=tree["A"], stage="preliminary", name="BGK A")
    client = login(user)
    assert client.get(file_url(submitted)).status_code == 404  # not assigned yet
    Assignment.objects.create(entry=submitted, panel=panel, judge=judge, stage="preliminary")
    response = client.get(file_url(submitted))
    assert response.status_code == 200
    assert PersonalDataAccess.objects.filter(
        user=user, action="essay_file", target=f"essay:{submitted.code}"
    ).exists()


def test_organiser_only_after_the_city_closes(submitted, tree, task):
    client = login(make_organiser(tree["A"], "org_a"))
    response = client.get(file_url(submitted))
    assert response.status_code == 403
    assert "chỉ mở được sau khi thành phố chốt điểm chung cuộc" in page(response)
    # A final mark while the city panel is still open (judges can change it): still refused.
    Entry.objects.filter(pk=submitted.pk).update(final_mark=80, stage="final")
    city_panel = Panel.objects.create(task=task, unit=tree["C"], stage="final", name="BGK TP")
    assert client.get(file_url(submitted)).status_code == 403
    Panel.objects.filter(pk=city_panel.pk).update(closed_at=timezone.now())
    assert client.get(file_url(submitted)).status_code == 200
    city = login(make_organiser(tree["C"], "org_city"))
    assert city.get(file_url(submitted)).status_code == 200
    assert PersonalDataAccess.objects.filter(action="essay_file").count() == 2


def test_task_page_queries_are_pinned(person, task, django_assert_max_num_queries):
    save(person, task, text="Bản nháp")
    # User, task, registration, entry, the announcements banner (5), and at most one more:
    # the session, when Redis does not have it cached.
    with django_assert_max_num_queries(6):
        response = person.get(url(task))
    assert response.status_code == 200
