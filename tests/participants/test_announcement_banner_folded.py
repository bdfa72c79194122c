"""One announcement banner however many notices are unread (from every contest the person
joined): the newest one's title and "và N thông báo khác", the others folded (a details
element, no script), each still markable read; through the real pages."""

from __future__ import annotations

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from contests.models import AnnouncementRead
from contests.services.announcements import announcement_post
from tests.factories import ContestFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def post(contest, title, hours_ago):
    return announcement_post(
        contest=contest,
        user=None,
        kind="other",
        title=title,
        body="<p>Nội dung.</p>",
        published_at=timezone.now() - datetime.timedelta(hours=hours_ago),
    )


def banner(html: str) -> str:
    if 'class="announcement-banner' not in html:
        return ""
    return html.split('class="announcement-banner', 1)[1].split("</details>", 1)[0]


def test_several_unread_notices_fold_into_one_banner(tree):
    first = ContestFactory(owner_unit=tree["C"], participation_root=tree["C"])
    second = ContestFactory(owner_unit=tree["C"], participation_root=tree["C"])
    registration = RegistrationFactory(contest=first, unit=tree["A-1"])
    RegistrationFactory(contest=second, unit=tree["A-1"], participant=registration.participant)
    oldest = post(first, "Mở tuần 1", hours_ago=50)
    middle = post(second, "Đính chính câu hỏi", hours_ago=20)
    newest = post(first, "Công bố kết quả tuần 1", hours_ago=1)

    client = Client(enforce_csrf_checks=True)
    client.force_login(registration.participant.user)
    html = client.get(reverse("contests:home")).content.decode()
    shown = banner(html)
    assert html.count('class="announcement-banner') == 1
    assert shown.count('class="alert ') == 1  # one alert box, not three stacked
    # The newest first, then "và 2 thông báo khác" folding the others, newest first.
    assert shown.index("Công bố kết quả tuần 1") < shown.index("<summary")
    assert re.search(r"<summary[^>]*>và 2 thông báo khác</summary>", shown)
    folded = shown.split("<summary", 1)[1]
    assert folded.index("Đính chính câu hỏi") < folded.index("Mở tuần 1")
    # Each is still markable read, from its own form.
    for a in (newest, middle, oldest):
        assert reverse("contests:announcement_read", args=[a.pk]) in shown

    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    url = reverse("contests:announcement_read", args=[middle.pk])
    response = client.post(url, {"next": "/", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert AnnouncementRead.objects.filter(announcement=middle).exists()
    shown = banner(client.get("/").content.decode())
    assert "Đính chính câu hỏi" not in shown
    assert re.search(r"<summary[^>]*>và 1 thông báo khác</summary>", shown)

    for a in (newest, oldest):
        url = reverse("contests:announcement_read", args=[a.pk])
        client.post(url, {"next": "/", "csrfmiddlewaretoken": token})
    assert banner(client.get("/").content.decode()) == ""


def test_a_single_notice_has_nothing_folded(tree):
    contest = ContestFactory(owner_unit=tree["C"], participation_root=tree["C"])
    registration = RegistrationFactory(contest=contest, unit=tree["A-1"])
    post(contest, "Mở tuần 1", hours_ago=2)
    client = Client()
    client.force_login(registration.participant.user)
    html = client.get("/").content.decode()
    assert "Mở tuần 1" in banner(html)
    assert "thông báo khác" not in html and "<details" not in banner(html)
