"""The demo's weekly contest (Đồng Nai model: 8 weeks, three categories, 10 prizes a week split
3/4/3, one weekly prize per person, an overall prize on the sum of the weeks) and the Hà Nội
2023 city contest's announcement of Thanh Xuân's own prizes: what `seed_demo_participants`
builds, checked against the rows themselves."""

import collections
import datetime
import io
import zoneinfo

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from contests.models import Announcement, Category, Contest, ContestChange, PrizeStructure, Round
from contests.rules.rounds import rounds_now
from devdata.services.demo import DEMO_SLUG, seed_demo_contest, seed_units_and_accounts
from devdata.services.demo_citizen import DEMO_CITIZEN
from devdata.services.demo_rounds import CURRENT_WEEK, ORGANISER, WEEKLY_SLUG, week_windows
from participants.models import Registration
from reports.models import UnitRollup
from scoring.models import Result, ResultsSnapshot

pytestmark = [pytest.mark.sqlite, pytest.mark.django_db]

CAPS = {"Cán bộ, công chức, viên chức": 3, "Học sinh, sinh viên": 4, "Người dân": 3}


def seeded():
    seed_units_and_accounts()
    seed_demo_contest()
    out = io.StringIO()
    call_command("seed_demo_participants", stdout=out)
    assert f"/cuoc-thi/{WEEKLY_SLUG}/" in out.getvalue()
    return Contest.objects.get(slug=WEEKLY_SLUG)


def counts(contest):
    return (
        Registration.objects.filter(contest=contest).count(),
        ResultsSnapshot.objects.filter(contest=contest).count(),
        Announcement.objects.filter(
            contest__in=[contest, Contest.objects.get(slug=DEMO_SLUG)]
        ).count(),
        Result.objects.filter(contest=contest).count(),
    )


def check_weeks_categories_and_prize_structures(demo):
    rounds = list(Round.objects.filter(contest=demo).order_by("number"))
    assert [r.title for r in rounds] == [f"Tuần {n}" for n in range(1, 9)]
    for previous, current in zip(rounds, rounds[1:], strict=False):
        assert current.opens_at - previous.opens_at == datetime.timedelta(weeks=1)
    for r in rounds:
        opens = timezone.localtime(r.opens_at)
        assert (opens.weekday(), opens.hour, opens.minute) == (0, 0, 0)  # Monday 0 giờ
        assert r.closes_at - r.opens_at == datetime.timedelta(days=7)  # to Sunday 24 giờ
    for previous, current in zip(rounds, rounds[1:], strict=False):
        assert current.opens_at == previous.closes_at  # contiguous: no day without a week
    assert demo.cumulative_rule == "round_sum"

    categories = {c.name: c for c in Category.objects.filter(contest=demo)}
    assert list(categories) == list(CAPS)
    blocks = {name: [u.code for u in c.blocks.all()] for name, c in categories.items()}
    assert blocks == {
        "Cán bộ, công chức, viên chức": ["DN-SBN"],
        "Học sinh, sinh viên": ["DN-TH"],
        "Người dân": [],
    }

    weekly = PrizeStructure.objects.filter(contest=demo, round__isnull=False)
    assert weekly.count() == 8 * 3
    per_week = collections.defaultdict(dict)
    for s in weekly.prefetch_related("tiers").select_related("round", "category"):
        assert s.one_prize_per == "round"
        per_week[s.round.number][s.category.name] = sum(t.count for t in s.tiers.all())
    assert all(week == CAPS for week in per_week.values())
    overall = PrizeStructure.objects.get(contest=demo, round__isnull=True)
    assert (overall.category, overall.one_prize_per) == (None, "contest")


def check_registrations_take_their_block_category(demo):
    by_block = collections.defaultdict(set)
    for block, category in Registration.objects.filter(contest=demo).values_list(
        "block__code", "category__name"
    ):
        by_block[block].add(category)
    assert by_block["DN-SBN"] == {"Cán bộ, công chức, viên chức"}
    assert by_block["DN-TH"] == {"Học sinh, sinh viên"}
    # The communes block chooses: both choices occur, officials' never offered by default.
    assert by_block["DN-XP"] == {"Người dân", "Học sinh, sinh viên"}
    citizen = Registration.objects.get(
        contest=demo, document_number=DEMO_CITIZEN["document_number"]
    )
    assert citizen.category.name == "Người dân"


def check_closed_weeks_published_with_quotas_and_one_prize_each(demo):
    now = timezone.now()
    rounds = list(Round.objects.filter(contest=demo).order_by("number"))
    state = rounds_now(rounds, now=now)
    closed = [r for r in rounds if r.closes_at <= now]
    # A week is open now, whatever day the demo was seeded (today, a Sunday included): week
    # CURRENT_WEEK, the demo citizen's to take; the weeks before it closed and published.
    assert state.open is not None
    assert state.open.number == CURRENT_WEEK
    assert len(closed) == CURRENT_WEEK - 1
    for r in closed:
        snapshot = ResultsSnapshot.objects.get(contest=demo, round=r)
        assert snapshot.version == 1
        assert r.prediction_actual is not None
        winners = [row for row in snapshot.prizes if row["kind"] == "individual"]
        assert 0 < len(winners) <= 10
        per_category = collections.Counter(row["category"] for row in winners)
        assert all(per_category[name] <= cap for name, cap in CAPS.items())
        ids = [row["registration_id"] for row in winners]
        assert len(ids) == len(set(ids))  # one weekly prize per person
        categories = dict(
            Registration.objects.filter(pk__in=ids).values_list("pk", "category__name")
        )
        assert all(categories[row["registration_id"]] == row["category"] for row in winners)
    # Nothing published for a week not over, nor overall.
    assert not ResultsSnapshot.objects.filter(contest=demo, round__closes_at__gt=now).exists()
    assert not ResultsSnapshot.objects.filter(contest=demo, round__isnull=True).exists()


def check_overall_rows_sum_each_weeks_best(demo):
    best = collections.defaultdict(int)
    for registration_id, correct in Result.objects.filter(
        contest=demo, round__isnull=False
    ).values_list("registration_id", "correct_count"):
        best[registration_id] += correct
    overall = dict(
        Result.objects.filter(contest=demo, round__isnull=True).values_list(
            "registration_id", "rounds_correct_total"
        )
    )
    assert overall and overall == dict(best)


def check_announcements_banner_and_city_prizes(demo):
    posted = Announcement.objects.filter(contest=demo)
    assert posted.count() == 3
    assert posted.filter(archived_at__isnull=False).count() == 1
    assert ContestChange.objects.filter(contest=demo, what="announcement").count() == 4
    city = Contest.objects.get(slug=DEMO_SLUG)
    notice = Announcement.objects.get(contest=city)
    assert notice.title.startswith("Quận Thanh Xuân trao giải riêng")
    assert PrizeStructure.objects.filter(contest=city, unit__code="HN-TX").exists()

    citizen = Registration.objects.get(
        contest=demo, document_number=DEMO_CITIZEN["document_number"]
    ).participant.user
    client = Client()
    client.force_login(citizen)
    home = client.get("/").content.decode()
    live = posted.filter(archived_at__isnull=True)
    assert all(a.title in home for a in live)
    assert notice.title in home  # registered in the city contest too
    assert posted.get(archived_at__isnull=False).title not in home


def check_dashboard_figures_rolled_up(demo):
    """The organiser's dashboard shows the seeded weeks' figures, not "not yet rolled up"."""
    client = Client()
    client.force_login(get_user_model().objects.get(username=ORGANISER))
    response = client.get(reverse("reports:dashboard", args=[demo.slug]))
    assert response.status_code == 200
    assert "Số liệu chưa được tổng hợp" not in response.content.decode()
    rows = UnitRollup.objects.filter(
        contest=demo, round_key=0, own=False, unit=demo.participation_root
    )
    assert sum(r.registrants for r in rows) == Registration.objects.filter(contest=demo).count()
    assert sum(r.participants for r in rows) == (
        Result.objects.filter(contest=demo, round=None).count()
    )


def check_idempotent(demo):
    before = counts(demo)
    call_command("seed_demo_participants", stdout=io.StringIO())
    assert counts(demo) == before


HCM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.mark.parametrize(
    "now",
    [
        # Every day of a week, its first and last minute (Sunday 2026-12-06 is "today").
        *(
            datetime.datetime(2026, 11, 30, 0, 0, tzinfo=HCM) + datetime.timedelta(days=d)
            for d in range(7)
        ),
        datetime.datetime(2026, 12, 6, 23, 59, 59, tzinfo=HCM),
        datetime.datetime(2026, 12, 6, 12, 47, tzinfo=datetime.UTC),
        datetime.datetime(2026, 12, 6, 17, 30, tzinfo=datetime.UTC),  # Monday 0 giờ 30 +07
    ],
)
def test_demo_weeks_leave_a_week_open_whenever_seeded(now):
    windows = week_windows(now)
    assert len(windows) == 8
    open_now = [n for n, (opens, closes) in enumerate(windows, start=1) if opens <= now < closes]
    assert open_now == [CURRENT_WEEK]
    for opens, closes in windows:
        local = timezone.localtime(opens, HCM)
        assert (local.weekday(), local.hour, local.minute) == (0, 0, 0)  # Monday 0 giờ
        assert closes - opens == datetime.timedelta(days=7)
    for (_o, closes), (opens, _c) in zip(windows, windows[1:], strict=False):
        assert opens == closes


def test_weekly_demo():
    """One seeding (the whole demo takes a while), every check over it."""
    demo = seeded()
    check_weeks_categories_and_prize_structures(demo)
    check_registrations_take_their_block_category(demo)
    check_closed_weeks_published_with_quotas_and_one_prize_each(demo)
    check_overall_rows_sum_each_weeks_best(demo)
    check_announcements_banner_and_city_prizes(demo)
    check_dashboard_figures_rolled_up(demo)
    check_idempotent(demo)
