"""Public contest pages: list (open, upcoming, finished), contest page, home; drafts are 404;
query counts pinned; the cached parts carry nothing per user."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from contests.models import Contest, Milestone, PrizeStructure, PrizeTier, Round
from tests.factories import (
    ContestFactory,
    ParticipantFactory,
    RegistrationFactory,
    UserFactory,
)

NOW = timezone.now


@pytest.fixture
def contests(tree):
    day = datetime.timedelta(days=1)
    make = lambda title, **kw: ContestFactory(  # noqa: E731
        owner_unit=tree["C"], participation_root=tree["C"], title=title, slug=title, **kw
    )
    return {
        "open": make("dang-mo"),
        "upcoming": make("sap-mo", opens_at=NOW() + day, closes_at=NOW() + 10 * day),
        "finished": make(
            "da-xong",
            opens_at=NOW() - 10 * day,
            closes_at=NOW() - day,
            status=Contest.Status.CLOSED,
        ),
        "results": make(
            "co-ket-qua",
            opens_at=NOW() - 20 * day,
            closes_at=NOW() - 15 * day,
            status=Contest.Status.RESULTS_PUBLISHED,
        ),
        "draft": make("nhap", status=Contest.Status.DRAFT),
    }


def _slugs(contests):
    return [c.slug for c in contests]


def test_list_sections(contests, client, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get(reverse("contests:contest_list"))
    phases = response.context["phases"]
    assert _slugs(phases["open"]) == ["dang-mo"]
    assert _slugs(phases["upcoming"]) == ["sap-mo"]
    assert _slugs(phases["finished"]) == ["da-xong", "co-ket-qua"]
    assert "/cuoc-thi/nhap/" not in response.content.decode()
    with django_assert_num_queries(0):  # cached, the same for everyone
        client.get(reverse("contests:contest_list"))


def test_home_shows_open_contests(contests, client):
    response = client.get(reverse("contests:home"))
    assert _slugs(response.context["open_contests"]) == ["dang-mo"]
    text = response.content.decode()
    assert reverse("contests:contest_detail", args=["dang-mo"]) in text
    assert reverse("contests:contest_detail", args=["nhap"]) not in text


def test_draft_and_unknown_are_404(contests, client):
    assert client.get(reverse("contests:contest_detail", args=["nhap"])).status_code == 404
    assert client.get(reverse("contests:contest_detail", args=["khong-co"])).status_code == 404
    assert client.get("/cuoc-thi/a%20b/").status_code == 404


def test_contest_page_query_count(contests, tree, client, django_assert_num_queries):
    contest = contests["open"]
    Milestone.objects.create(contest=contest, date=datetime.date(2023, 9, 1), text="Kết thúc")
    Round.objects.create(
        contest=contest,
        number=1,
        title="Tuần 1",
        opens_at=contest.opens_at,
        closes_at=contest.opens_at + datetime.timedelta(days=7),
    )
    for unit in (None, tree["A"], tree["B"]):
        s = PrizeStructure.objects.create(contest=contest, unit=unit, title=f"Giải {unit}")
        PrizeTier.objects.create(
            structure=s, kind="individual", rank_order=1, name="Nhất", count=2, amount=3_000_000
        )
    url = reverse("contests:contest_detail", args=[contest.slug])
    # contest, milestones, rounds, prize structures, tiers, blocks, blueprint, announcements,
    # registrations, the last round with published results (none: cached as none), the
    # footer's support contact (the organiser of the contest's owner).
    with django_assert_num_queries(11):
        response = client.get(url)
    assert response.status_code == 200
    with django_assert_num_queries(0):
        client.get(url)
    text = response.content.decode()
    assert "Tham gia" in text
    assert 'href="/thi-sinh/tham-gia/dang-mo/"' in text
    assert text.count("6.000.000 đồng") == 3  # each structure's total
    assert "Tổng kinh phí giải thưởng: 18.000.000 đồng" in text


def test_participation_count_is_cached_for_a_minute(contests, tree, client):
    """The count is participants' (participant_tags.registration_count), cached a minute."""
    contest = contests["open"]
    RegistrationFactory(contest=contest, unit=tree["A-1"], block=tree["C-Q"])
    url = reverse("contests:contest_detail", args=[contest.slug])
    shown = "Số người đã đăng ký dự thi: <strong>{}</strong>"
    assert shown.format(1) in client.get(url).content.decode()
    RegistrationFactory(contest=contest, unit=tree["A-1"], block=tree["C-Q"])
    assert shown.format(1) in client.get(url).content.decode()  # cached (60 s)
    from django.core.cache import cache

    cache.delete(f"participants:public:count:v1:{contest.pk}")
    assert shown.format(2) in client.get(url).content.decode()


def test_cached_page_carries_nothing_per_user(contests, client):
    url = reverse("contests:contest_detail", args=["dang-mo"])
    user = UserFactory(username="0912345678")
    ParticipantFactory(user=user, full_name="Nguyễn Thị Riêng")
    client.force_login(user)
    assert "Nguyễn Thị Riêng" not in client.get(url).content.decode()
    client.logout()
    text = client.get(url).content.decode()
    assert "0912345678" not in text
    assert "Đăng nhập" in text


def test_upcoming_and_finished_have_no_call_to_action(contests, client):
    upcoming = client.get(reverse("contests:contest_detail", args=["sap-mo"])).content.decode()
    assert "/thi-sinh/tham-gia/" not in upcoming
    assert "Cuộc thi bắt đầu lúc" in upcoming
    finished = client.get(reverse("contests:contest_detail", args=["da-xong"])).content.decode()
    assert "/thi-sinh/tham-gia/" not in finished
    assert "Đã kết thúc" in finished


def test_rich_text_is_sanitised_on_display(contests, client):
    Contest.objects.filter(slug="dang-mo").update(
        rules='<p onclick="x()">Thể lệ</p><script>alert(1)</script><a href="javascript:x()">a</a>',
        purpose="Dòng một\nDòng hai",
    )
    text = client.get(reverse("contests:contest_detail", args=["dang-mo"])).content.decode()
    assert "<p>Thể lệ</p>" in text
    assert "<script>alert" not in text and "javascript:" not in text and "onclick" not in text
    assert "<p>Dòng một<br>Dòng hai</p>" in text
