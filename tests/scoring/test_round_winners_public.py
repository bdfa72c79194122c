"""Every published round's winners reachable by a citizen on the contest page (`?vong=N`,
plain links), not only the last week's; a round not published says so, a round that is not
the contest's (or junk) is a Vietnamese 404, never a 500. And one way to read a round's
window everywhere (contest_tags.vn_window)."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from contests.models import Contest, Round
from contests.templatetags.contest_tags import deadline_day, vn_window
from scoring.services.prizes import results_publish
from tests.scoring.test_prizes_rounds import weekly  # noqa: F401 (fixture)
from tests.scoring.test_round_publication import weeks  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db
HCM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


def publish_both(contest, rounds, user, capture):
    for n in (1, 2):
        with capture(execute=True):
            results_publish(contest=contest, user=user, round=rounds[n])


def page(client, contest, **query):
    return client.get(reverse("contests:contest_detail", args=[contest.slug]), query)


def test_each_published_weeks_winners_on_the_contest_page(
    weeks,  # noqa: F811
    organisers,
    django_capture_on_commit_callbacks,
    django_assert_num_queries,
):
    contest, rounds, _people = weeks
    # The contest goes on (a third week still to come): the page is between rounds.
    Contest.objects.filter(pk=contest.pk).update(
        closes_at=timezone.now() + datetime.timedelta(days=30)
    )
    Round.objects.create(
        contest=contest,
        number=3,
        title="Tuần 3",
        opens_at=timezone.now() + datetime.timedelta(days=1),
        closes_at=timezone.now() + datetime.timedelta(days=8),
    )
    publish_both(contest, rounds, organisers["city"], django_capture_on_commit_callbacks)
    client = Client()
    base = reverse("contests:contest_detail", args=[contest.slug])

    html = page(client, contest).content.decode()
    assert "Danh sách đoạt giải: Tuần 2" in html  # the last week by default
    assert "Danh sách đoạt giải: Tuần 1" not in html
    # Links to each published week, none to the week not published.
    assert f'href="{base}?vong=1#winners-round-1"' in html
    assert f'href="{base}?vong=2#winners-round-2"' in html
    assert "?vong=3" not in html

    response = page(client, contest, vong="1")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Danh sách đoạt giải: Tuần 1" in html and "Tuần 1: cán bộ" in html
    assert "Danh sách đoạt giải: Tuần 2" not in html
    assert f'href="{base}?vong=1#winners-round-1" aria-current="true"' in html
    with django_assert_num_queries(0):  # warm: the page, the week's board, the weeks published
        assert page(client, contest, vong="1").status_code == 200

    # A week of the contest not published yet: a notice, with the links to the others.
    response = page(client, contest, vong="3")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Kết quả Tuần 3 chưa được công bố." in html
    assert f'href="{base}?vong=2#winners-round-2"' in html

    for junk in ("99", "0", "-1", "abc", "", "1.5", "1' OR 1=1", "1" * 5000):
        response = page(client, contest, vong=junk)
        assert response.status_code == 404, junk
        assert "không có tuần/vòng thi" in response.content.decode(), junk
    for junk in ("\x00", "９"):  # refused by the site's guard on untrusted input
        assert page(client, contest, vong=junk).status_code == 400


def test_a_finished_contest_keeps_every_weeks_winners_reachable(
    weeks,  # noqa: F811
    organisers,
    django_capture_on_commit_callbacks,
):
    contest, rounds, _people = weeks
    # Finished (the results published must be closed first); overall results not published.
    publish_both(contest, rounds, organisers["city"], django_capture_on_commit_callbacks)
    Contest.objects.filter(pk=contest.pk).update(
        closes_at=timezone.now() - datetime.timedelta(hours=1)
    )
    client = Client()
    base = reverse("contests:contest_detail", args=[contest.slug])
    html = page(client, contest).content.decode()
    assert "Danh sách đoạt giải từng tuần/vòng" in html
    assert f'href="{base}?vong=1#winners-round-1"' in html
    assert f'href="{base}?vong=2#winners-round-2"' in html
    assert "Danh sách đoạt giải: Tuần" not in html  # only the links until one is chosen
    html = page(client, contest, vong="2").content.decode()
    assert "Danh sách đoạt giải: Tuần 2" in html and "Tuần 2: học sinh" in html


def test_a_contest_without_published_weeks_shows_no_winners_section(weeks):  # noqa: F811
    contest, _rounds, _people = weeks
    html = page(Client(), contest).content.decode()
    assert "Danh sách đoạt giải" not in html
    assert "chưa được công bố" in page(Client(), contest, vong="1").content.decode()


# --- One way to read a round's window ----------------------------------------------------


@pytest.mark.parametrize(
    ("opens", "closes", "shown", "last_day"),
    [
        # Closing at midnight: "24 giờ" of the day before, its last day.
        (
            datetime.datetime(2026, 11, 2, 0, 0, tzinfo=HCM),
            datetime.datetime(2026, 11, 8, 0, 0, tzinfo=HCM),
            "từ 0 giờ ngày 02/11/2026 đến 24 giờ ngày 07/11/2026",
            datetime.date(2026, 11, 7),
        ),
        # Any other close time as it is.
        (
            datetime.datetime(2026, 11, 2, 7, 30, tzinfo=HCM),
            datetime.datetime(2026, 11, 7, 17, 0, tzinfo=HCM),
            "từ 7 giờ 30 ngày 02/11/2026 đến 17 giờ ngày 07/11/2026",
            datetime.date(2026, 11, 7),
        ),
        # Stored in UTC, read in Hà Nội time (17:00 UTC = 0 giờ next day +07).
        (
            datetime.datetime(2026, 11, 1, 17, 0, tzinfo=datetime.UTC),
            datetime.datetime(2026, 11, 7, 17, 0, tzinfo=datetime.UTC),
            "từ 0 giờ ngày 02/11/2026 đến 24 giờ ngày 07/11/2026",
            datetime.date(2026, 11, 7),
        ),
    ],
)
def test_round_window_table(opens, closes, shown, last_day):
    assert vn_window(Round(opens_at=opens, closes_at=closes)) == shown
    assert deadline_day(closes) == last_day
    assert vn_window(Round(opens_at=None, closes_at=closes)) == ""
    assert vn_window(None) == ""


def test_round_windows_read_the_same_on_the_public_page_and_in_the_admin(
    weeks,  # noqa: F811
    organisers,
):
    contest, rounds, _people = weeks
    Round.objects.filter(pk=rounds[1].pk).update(
        opens_at=datetime.datetime(2026, 11, 2, 0, 0, tzinfo=HCM),
        closes_at=datetime.datetime(2026, 11, 9, 0, 0, tzinfo=HCM),
    )
    shown = "từ 0 giờ ngày 02/11/2026 đến 24 giờ ngày 08/11/2026"
    assert shown in page(Client(), contest).content.decode()
    client = Client()
    client.force_login(organisers["city"])
    admin = client.get(reverse("admin:contests_contest_change", args=[contest.pk]))
    assert admin.status_code == 200
    html = admin.content.decode()
    assert shown in html
    assert "0 giờ ngày 09/11/2026" not in html
