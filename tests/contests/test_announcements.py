"""Announcements (contests.services.announcements): posting, correcting and archiving, each
audited; the contest page's list and archive; the banner to registered participants until they
mark it read (a POST with its CSRF token); the admin scoped to the contest's owner subtree."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from contests.models import Announcement, AnnouncementRead, Contest, ContestChange
from contests.services.announcements import (
    announcement_archive,
    announcement_mark_read,
    announcement_post,
    announcement_update,
)
from tests.factories import ContestFactory, RegistrationFactory

BANNER = 'class="announcement-banner'


@pytest.fixture
def contest(tree):
    return ContestFactory(owner_unit=tree["C"], participation_root=tree["C"], slug="tuan-le")


def post(contest, user=None, **kwargs):
    fields = {"kind": "round_opening", "title": "Mở tuần thi thứ hai", "body": "<p>Mời dự thi.</p>"}
    return announcement_post(contest=contest, user=user, **{**fields, **kwargs})


def changes(contest):
    return list(
        ContestChange.objects.filter(contest=contest, what="announcement")
        .order_by("id")
        .values_list("before", "after")
    )


# --- Services ---------------------------------------------------------------------------------


def test_post_sanitises_and_is_audited(contest, organisers):
    a = post(
        contest,
        organisers["city"],
        body='<p onclick="x()">Giải <b>tuần</b></p><script>alert(1)</script>',
    )
    assert a.body == "<p>Giải <b>tuần</b></p>"
    assert a.created_by == organisers["city"]
    [(before, after)] = changes(contest)
    assert before == {}
    assert after["announcement"] == a.pk
    assert after["announcement_title"] == "Mở tuần thi thứ hai"
    assert after["announcement_body"] == "<p>Giải <b>tuần</b></p>"
    assert after["announcement_archived"] is False


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"title": "  "}, {"title": ["Vui lòng nhập tiêu đề thông báo."]}),
        ({"title": "x" * 201}, {"title": ["Tiêu đề thông báo dài tối đa 200 ký tự."]}),
        ({"body": "<script>alert(1)</script>"}, {"body": ["Vui lòng nhập nội dung thông báo."]}),
        ({"kind": "promo"}, {"kind": ["Vui lòng chọn loại thông báo."]}),
    ],
)
def test_bad_announcement_changes_nothing(contest, fields, errors):
    with pytest.raises(ValidationError) as exc:
        post(contest, **fields)
    assert exc.value.message_dict == errors
    assert not Announcement.objects.exists()
    assert not ContestChange.objects.exists()


def test_draft_contest_is_not_audited(tree):
    draft = ContestFactory(
        owner_unit=tree["C"], participation_root=tree["C"], status=Contest.Status.DRAFT
    )
    post(draft)
    assert changes(draft) == []


def test_update_records_before_and_after(contest, organisers):
    a = post(contest, organisers["city"])
    announcement_update(
        announcement=a,
        user=organisers["city"],
        kind="correction",
        title="Đính chính lịch tuần 2",
        body="<p>Tuần 2 mở lúc 8 giờ.</p>",
    )
    a.refresh_from_db()
    assert (a.kind, a.title) == ("correction", "Đính chính lịch tuần 2")
    _, (before, after) = changes(contest)
    assert (before["announcement_title"], after["announcement_title"]) == (
        "Mở tuần thi thứ hai",
        "Đính chính lịch tuần 2",
    )
    assert (before["announcement_kind"], after["announcement_kind"]) == (
        "round_opening",
        "correction",
    )
    with pytest.raises(ValidationError):
        announcement_update(announcement=a, user=None, kind="correction", title="", body="x")
    assert len(changes(contest)) == 2


def test_archive_once_and_back(contest, organisers):
    a = post(contest)
    assert announcement_archive(announcement=a, user=organisers["city"]) is True
    assert announcement_archive(announcement=a, user=organisers["city"]) is False  # second click
    a.refresh_from_db()
    assert a.archived_at is not None
    assert announcement_archive(announcement=a, user=organisers["city"], archive=False) is True
    a.refresh_from_db()
    assert a.archived_at is None
    archived = [
        (b["announcement_archived"], af["announcement_archived"]) for b, af in changes(contest)[1:]
    ]
    assert archived == [(False, True), (True, False)]


def test_mark_read_twice_is_harmless(contest, tree):
    user = RegistrationFactory(contest=contest, unit=tree["A-1"]).participant.user
    a = post(contest)
    announcement_mark_read(announcement=a, user=user)
    announcement_mark_read(announcement=a, user=user)
    assert AnnouncementRead.objects.filter(announcement=a, user=user).count() == 1


# --- Contest page -----------------------------------------------------------------------------


def test_contest_page_lists_current_and_archive(contest, client):
    now = timezone.now()
    current = post(
        contest, title="Công bố giải tuần 1", published_at=now - datetime.timedelta(hours=1)
    )
    old = post(contest, title="Lịch cũ", published_at=now - datetime.timedelta(days=3))
    announcement_archive(announcement=old, user=None)
    post(contest, title="Sắp công bố", published_at=now + datetime.timedelta(hours=2))
    text = client.get(reverse("contests:contest_detail", args=[contest.slug])).content.decode()
    assert f'id="thong-bao-{current.pk}"' in text
    assert "<p>Mời dự thi.</p>" in text
    archive = text[text.index("announcements-archive") :]
    assert "Thông báo đã lưu trữ (1)" in archive and "Lịch cũ" in archive
    assert "Công bố giải tuần 1" not in archive
    assert "Sắp công bố" not in text  # scheduled for later


# --- Banner and mark-read ---------------------------------------------------------------------


def signed_in(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def csrf_of(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def test_banner_until_read(contest, tree):
    registration = RegistrationFactory(contest=contest, unit=tree["A-1"])
    other = ContestFactory(owner_unit=tree["C"], participation_root=tree["C"])
    mine = post(contest, title="Thay đổi giải thưởng tuần 3", kind="prize_change")
    post(other, title="Không phải cuộc thi của bạn")
    archived = post(contest, title="Đã lưu trữ")
    announcement_archive(announcement=archived, user=None)

    client = signed_in(registration.participant.user)
    home = client.get(reverse("contests:home")).content.decode()
    assert BANNER in home
    assert "Thay đổi giải thưởng tuần 3" in home
    assert f'href="/cuoc-thi/{contest.slug}/#thong-bao-{mine.pk}"' in home
    assert "Không phải cuộc thi của bạn" not in home and "Đã lưu trữ" not in home

    url = reverse("contests:announcement_read", args=[mine.pk])
    # Without its CSRF token: refused, nothing recorded.
    assert client.post(url, {"next": "/"}).status_code == 403
    assert not AnnouncementRead.objects.exists()
    response = client.post(url, {"next": "/cuoc-thi/", "csrfmiddlewaretoken": csrf_of(home)})
    assert response.status_code == 302 and response["Location"] == "/cuoc-thi/"
    assert AnnouncementRead.objects.filter(announcement=mine).count() == 1
    assert BANNER not in client.get(reverse("contests:home")).content.decode()


def test_banner_not_for_strangers(contest, tree, client, organisers):
    post(contest, title="Chỉ người đã đăng ký")
    assert BANNER not in client.get(reverse("contests:home")).content.decode()  # anonymous
    stranger = RegistrationFactory(
        contest=ContestFactory(owner_unit=tree["C"], participation_root=tree["C"]),
        unit=tree["A-1"],
    ).participant.user
    assert BANNER not in signed_in(stranger).get(reverse("contests:home")).content.decode()
    assert BANNER not in signed_in(organisers["city"]).get("/").content.decode()


def test_scheduled_and_draft_announcements_are_not_in_the_banner(tree):
    draft = ContestFactory(owner_unit=tree["C"], participation_root=tree["C"], status="draft")
    registration = RegistrationFactory(contest=draft, unit=tree["A-1"])
    hidden = post(draft, title="Bản nháp")
    text = signed_in(registration.participant.user).get("/").content.decode()
    assert BANNER not in text
    # And a draft's announcement cannot be marked read by URL either.
    client = Client()
    client.force_login(registration.participant.user)
    url = reverse("contests:announcement_read", args=[hidden.pk])
    response = client.post(url)
    assert response.status_code == 404
    assert "Không tìm thấy" in response.content.decode() or "không" in response.content.decode()


def test_mark_read_bad_input(contest, tree):
    user = RegistrationFactory(contest=contest, unit=tree["A-1"]).participant.user
    a = post(contest)
    client = Client()
    url = reverse("contests:announcement_read", args=[a.pk])
    # Signed out: to the login page, nothing recorded.
    response = client.post(url)
    assert (
        response.status_code == 302
        and "/dang-nhap" in response["Location"]
        or "login" in response["Location"]
    )
    client.force_login(user)
    assert client.get(url).status_code == 405
    assert client.post("/thong-bao/99999999/da-doc/").status_code == 404
    assert client.post("/thong-bao/123456789012345678901/da-doc/").status_code == 404
    # Somewhere else than this site: back to the contest page instead.
    for junk in ("https://evil.example/", "//evil.example/x", "javascript:alert(1)"):
        response = client.post(url, {"next": junk})
        assert response.status_code == 302
        assert response["Location"] == f"/cuoc-thi/{contest.slug}/"
    assert AnnouncementRead.objects.filter(announcement=a, user=user).count() == 1


# --- Admin ------------------------------------------------------------------------------------


def test_admin_posts_audited_and_scoped(contest, tree, organisers):
    from tests.site.test_admin_isolation import grant_everything

    district = ContestFactory(owner_unit=tree["A"], participation_root=tree["A"])
    city_a = post(contest, title="Thông báo của thành phố")
    admin_a = Client()
    admin_a.force_login(grant_everything(organisers["a"]))
    add_url = reverse("admin:contests_announcement_add")
    page = admin_a.get(add_url).content.decode()
    # The district takes part in the city contest but posts only in its own.
    assert f'<option value="{district.pk}"' in page
    assert f'<option value="{contest.pk}"' not in page
    listing = admin_a.get(reverse("admin:contests_announcement_changelist")).content.decode()
    assert "Thông báo của thành phố" not in listing
    change_b = reverse("admin:contests_announcement_change", args=[city_a.pk])
    assert admin_a.get(change_b).status_code == 404

    form = {
        "contest": district.pk,
        "kind": "rule_change",
        "title": "Sửa thể lệ tuần 2",
        "body": '<p>Thêm 5 câu.</p><img src=x onerror="alert(1)">',
        "published_at_0": timezone.localdate().strftime("%d/%m/%Y"),
        "published_at_1": "08:00",
    }
    response = admin_a.post(add_url, form)
    assert response.status_code == 302, response.content.decode()[:3000]
    made = Announcement.objects.get(title="Sửa thể lệ tuần 2")
    assert made.body == "<p>Thêm 5 câu.</p>"
    assert made.created_by == organisers["a"]
    assert changes(district)[0][1]["announcement_title"] == "Sửa thể lệ tuần 2"
    # Posting into the city contest by a forged form: refused by the drop-down's queryset.
    response = admin_a.post(add_url, {**form, "contest": contest.pk, "title": "Giả mạo"})
    assert response.status_code == 200
    assert not Announcement.objects.filter(title="Giả mạo").exists()
    # Archived through the action; never deleted.
    changelist = reverse("admin:contests_announcement_changelist")
    admin_a.post(changelist, {"action": "archive_selected", "_selected_action": [made.pk]})
    made.refresh_from_db()
    assert made.archived_at is not None
    delete_url = reverse("admin:contests_announcement_delete", args=[made.pk])
    assert admin_a.get(delete_url).status_code == 403


def test_contest_log_reads_in_vietnamese(contest, organisers):
    a = post(contest, organisers["city"], title="Mở tuần thi thứ ba")
    announcement_archive(announcement=a, user=organisers["city"])
    client = Client()
    client.force_login(organisers["root"])
    page = client.get(reverse("admin:contests_contest_change", args=[contest.pk])).content
    text = page.decode()
    assert "<strong>tiêu đề</strong>: Mở tuần thi thứ ba" in text
    assert "<strong>loại thông báo</strong>: Mở tuần/vòng thi" in text
    assert "<strong>đã lưu trữ</strong>: có" in text
    assert "mã câu hỏi" not in text
