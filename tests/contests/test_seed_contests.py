"""Every contest the seeds describe is data, not code: prize structures and eligibility of
Hà Nội 2023 / Thanh Xuân (seeds 000, 001) and Hà Nội 2019 (seed 003)."""

import datetime
import zoneinfo

import pytest
from django.urls import reverse

from contests.models import Contest, ExcludedPerson, PrizeStructure, PrizeTier, Unit
from contests.services.contests import prize_budget

HCM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
IND, COL = PrizeTier.Kind.INDIVIDUAL, PrizeTier.Kind.COLLECTIVE
NAMES = ["Giải Nhất", "Giải Nhì", "Giải Ba", "Giải Khuyến khích"]


def structure(contest, *, title, unit=None, kind="", individual=(), collective=()):
    s = PrizeStructure.objects.create(
        contest=contest, title=title, unit=unit, collective_unit_kind=kind
    )
    for tier_kind, tiers in ((IND, individual), (COL, collective)):
        for rank, tier in enumerate(tiers, start=1):
            count, amount = tier
            PrizeTier.objects.create(
                structure=s,
                kind=tier_kind,
                rank_order=rank,
                name=NAMES[rank - 1],
                count=count,
                amount=amount,
            )
    return s


@pytest.fixture
def hanoi_2023(tree):
    """The city e-ID contest with Thanh Xuân's (here: district A) own prize structure."""
    contest = Contest.objects.create(
        owner_unit=tree["C"],
        participation_root=tree["C"],
        slug="dinh-danh-dien-tu-2023",
        title="Tìm hiểu pháp luật về định danh điện tử và dịch vụ công trực tuyến",
        opens_at=datetime.datetime(2023, 7, 1, 0, 0, tzinfo=HCM),
        closes_at=datetime.datetime(2023, 9, 2, 0, 0, tzinfo=HCM),  # 24 giờ ngày 1/9/2023
        min_age=14,
        allow_citizens=True,
        allow_foreigners=True,
        status=Contest.Status.CLOSED,
    )
    ExcludedPerson.objects.create(
        contest=contest, document_number="001085000101", reason="Thành viên Ban Tổ chức"
    )
    ExcludedPerson.objects.create(
        contest=contest, document_number="001190000102", reason="Thành viên Ban Giám khảo"
    )
    structure(
        contest,
        title="Giải cấp quận Thanh Xuân",
        unit=tree["A"],
        kind="ward",
        individual=[(2, 3_000_000), (4, 1_500_000), (10, 1_000_000), (15, 500_000)],
        collective=[(1, 5_000_000), (2, 3_500_000), (3, 2_500_000)],
    )
    return contest


def test_thanh_xuan_prize_structure(hanoi_2023, tree):
    s = PrizeStructure.objects.get(contest=hanoi_2023, unit=tree["A"])
    individual = s.tiers.filter(kind=IND).order_by("rank_order")
    collective = s.tiers.filter(kind=COL).order_by("rank_order")
    assert [(t.name, t.count, t.amount) for t in individual] == [
        ("Giải Nhất", 2, 3_000_000),
        ("Giải Nhì", 4, 1_500_000),
        ("Giải Ba", 10, 1_000_000),
        ("Giải Khuyến khích", 15, 500_000),
    ]
    assert [(t.count, t.amount) for t in collective] == [
        (1, 5_000_000),
        (2, 3_500_000),
        (3, 2_500_000),
    ]
    assert prize_budget(tiers=individual) == 29_500_000
    assert prize_budget(tiers=collective) == 19_500_000
    assert prize_budget(tiers=s.tiers.all()) == 49_000_000


def test_thanh_xuan_eligibility(hanoi_2023):
    assert (hanoi_2023.min_age, hanoi_2023.allow_citizens, hanoi_2023.allow_foreigners) == (
        14,
        True,
        True,
    )
    assert sorted(hanoi_2023.excluded.values_list("document_number", flat=True)) == [
        "001085000101",
        "001190000102",
    ]
    root = hanoi_2023.participation_root
    children = Unit.objects.filter(path__startswith=root.path, depth=root.depth + 1)
    blocks = [u.name for u in children.order_by("path")]
    assert blocks == ["Khối Sở, ban, ngành", "Khối quận, huyện"]


def test_thanh_xuan_on_the_public_page(hanoi_2023, client):
    page = client.get(reverse("contests:contest_detail", args=[hanoi_2023.slug]))
    text = page.content.decode()
    assert "đến 24 giờ ngày 01/09/2023" in text
    assert "Giải cấp quận Thanh Xuân" in text
    assert "3.000.000 đồng" in text and "500.000 đồng" in text
    assert "Tổng giá trị giải thưởng: <strong>49.000.000 đồng</strong>" in text
    assert "Giải cá nhân (31 giải)" in text
    assert "Giải tập thể (6 giải)" in text
    assert "Công dân Việt Nam và người nước ngoài cư trú, từ đủ 14 tuổi trở lên." in text


def test_hanoi_2019(tree, client):
    """Online public services 2019: citizens only, from 12; individual 3/7/20/35, collective
    3/7/10 (amounts set by the city: entered here as example values); top 100 forwarded."""
    contest = Contest.objects.create(
        owner_unit=tree["C"],
        participation_root=tree["C"],
        slug="dich-vu-cong-truc-tuyen-2019",
        title="Tìm hiểu Dịch vụ công trực tuyến",
        opens_at=datetime.datetime(2019, 7, 1, 8, 0, tzinfo=HCM),
        closes_at=datetime.datetime(2019, 9, 16, 17, 0, tzinfo=HCM),
        min_age=12,
        allow_citizens=True,
        allow_foreigners=False,
        status=Contest.Status.RESULTS_PUBLISHED,
    )
    s = structure(
        contest,
        title="Giải cấp Thành phố",
        kind="district",
        individual=[(3, 2_000_000), (7, 1_500_000), (20, 1_000_000), (35, 500_000)],
        collective=[(3, 3_000_000), (7, 2_000_000), (10, 1_000_000)],
    )
    assert [t.count for t in s.tiers.filter(kind=IND).order_by("rank_order")] == [3, 7, 20, 35]
    assert [t.count for t in s.tiers.filter(kind=COL).order_by("rank_order")] == [3, 7, 10]
    assert prize_budget(tiers=s.tiers.all()) == (
        3 * 2_000_000 + 7 * 1_500_000 + 20 * 1_000_000 + 35 * 500_000
    ) + (3 * 3_000_000 + 7 * 2_000_000 + 10 * 1_000_000)
    text = client.get(reverse("contests:contest_detail", args=[contest.slug])).content.decode()
    assert "Công dân Việt Nam từ đủ 12 tuổi trở lên." in text
    assert "người nước ngoài" not in text.split("Đối tượng dự thi")[1].split("</ul>")[0]
    assert "Giải cá nhân (65 giải)" in text
    assert "Giải tập thể (20 giải)" in text
    assert "đến 17 giờ ngày 16/09/2019" in text
    assert "Tổng giá trị giải thưởng: <strong>87.000.000 đồng</strong>" in text
