"""A district clerk's own draft contest in the demo: Thanh Xuân's contest (login `thanhxuan`),
not yet published, with the district prize structure of seed 001 entered as the contest
page's tiers editor writes it (contests.services.prizes.prize_tiers_set): 2 first prizes of
3,000,000đ, 4 second of 1,500,000đ, 10 third of 1,000,000đ, 15 consolation of 500,000đ, and
collective prizes for wards 1/2/3 at 5.0/3.5/2.5 million. The clerk opens it to see the unit
pickers (with paths, starting at the district) and the tiers on the contest page; the city's
contest is read only for a district. Idempotent."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from contests.models import Contest, PrizeStructure, Unit
from contests.rules.prize_structure import TierRow
from contests.services.prizes import prize_tiers_set
from devdata.services.demo_results import BASE_URL

SLUG = "can-cuoc-thanh-xuan-ban-nhap"
TITLE = "Tìm hiểu Luật Căn cước – quận Thanh Xuân (bản nháp)"
DISTRICT_TIERS = [
    TierRow("individual", 1, "Giải Nhất", 2, 3_000_000),
    TierRow("individual", 2, "Giải Nhì", 4, 1_500_000),
    TierRow("individual", 3, "Giải Ba", 10, 1_000_000),
    TierRow("individual", 4, "Giải Khuyến khích", 15, 500_000),
    TierRow("collective", 1, "Giải Nhất", 1, 5_000_000),
    TierRow("collective", 2, "Giải Nhì", 1, 3_500_000),
    TierRow("collective", 3, "Giải Ba", 1, 2_500_000),
]


@transaction.atomic
def seed_clerk_setup_demo(*, now=None) -> list[str]:
    district = Unit.objects.filter(code="HN-TX").first()
    if district is None:
        return ["  Cuộc thi của quận (bản nháp): chưa có cây đơn vị minh họa"]
    now = now or timezone.now()
    tz = timezone.get_current_timezone()
    opens = timezone.make_aware(
        datetime.datetime.combine(
            timezone.localdate(now) + datetime.timedelta(days=14), datetime.time()
        ),
        tz,
    )
    contest, _created = Contest.objects.get_or_create(
        slug=SLUG,
        defaults={
            "title": TITLE,
            "owner_unit": district,
            "participation_root": district,
            "status": Contest.Status.DRAFT,
            "opens_at": opens,
            "closes_at": opens + datetime.timedelta(days=30),
        },
    )
    structure, _created = PrizeStructure.objects.get_or_create(
        contest=contest,
        unit=None,
        round=None,
        defaults={"title": "Giải cấp quận", "collective_unit_kind": Unit.Kind.WARD},
    )
    prize_tiers_set(structure=structure, tiers=DISTRICT_TIERS)
    return [
        "  Cuộc thi của quận (bản nháp; đăng nhập thanhxuan): chọn đơn vị bằng cách gõ tên, "
        f"nhập các giải ngay trên trang: {BASE_URL}"
        f"{reverse('admin:contests_contest_change', args=[contest.pk])}",
        f"    thêm cuộc thi mới: {BASE_URL}{reverse('admin:contests_contest_add')}",
    ]
