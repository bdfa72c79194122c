"""The demo's district draft contest (devdata.services.demo_clerk_setup): seed 001's district
prize structure written through the tiers editor's service, idempotent."""

import pytest

from contests.models import Contest, PrizeTier, Unit
from contests.services.units import unit_add
from devdata.services.demo_clerk_setup import SLUG, seed_clerk_setup_demo

pytestmark = pytest.mark.django_db


def test_district_draft_contest_with_seed_001_prizes(db):
    assert seed_clerk_setup_demo() == [
        "  Cuộc thi của quận (bản nháp): chưa có cây đơn vị minh họa"
    ]
    city = unit_add(code="HN", name="Thành phố Hà Nội", kind=Unit.Kind.PROVINCE)
    unit_add(code="HN-TX", name="Quận Thanh Xuân", kind=Unit.Kind.DISTRICT, parent=city)
    first = seed_clerk_setup_demo()
    assert seed_clerk_setup_demo() == first  # idempotent
    contest = Contest.objects.get(slug=SLUG)
    assert (contest.status, contest.owner_unit.code) == (Contest.Status.DRAFT, "HN-TX")
    assert f"/quan-tri/contests/contest/{contest.pk}/change/" in first[0]
    (structure,) = contest.prize_structures.all()
    assert structure.collective_unit_kind == Unit.Kind.WARD
    tiers = PrizeTier.objects.filter(structure=structure).order_by("kind", "rank_order")
    assert [(t.kind, t.count, t.amount) for t in tiers] == [
        ("collective", 1, 5_000_000),
        ("collective", 1, 3_500_000),
        ("collective", 1, 2_500_000),
        ("individual", 2, 3_000_000),
        ("individual", 4, 1_500_000),
        ("individual", 10, 1_000_000),
        ("individual", 15, 500_000),
    ]
