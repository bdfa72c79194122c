"""The rich text editor in the demo: the demo contests' plan, rules and announcements are the
organisers' HTML of seeds 000/001 (headings, paragraphs, lists, bold), which the admin opens in
the editor. This names the pages to open, and says which texts the editor cannot show without
loss (a table: those keep the HTML textarea). It changes nothing."""

from __future__ import annotations

from django.urls import reverse

from contests.models import Announcement, Contest
from contests.rich_text import RICH_TEXT_FIELDS
from devdata.services.demo import DEMO_SLUG
from devdata.services.demo_results import BASE_URL


def seed_rich_text_demo() -> list[str]:
    contest = Contest.objects.filter(slug=DEMO_SLUG).first()
    if contest is None:
        return ["  Trình soạn thảo: chưa có cuộc thi minh họa"]
    filled = [name for name in RICH_TEXT_FIELDS if getattr(contest, name)]
    with_table = [name for name in filled if "<table" in getattr(contest, name)]
    lines = [
        "  Trình soạn thảo (kế hoạch, thể lệ; đăng nhập sotuphap): "
        f"{BASE_URL}{reverse('admin:contests_contest_change', args=[contest.pk])}"
        f" — {len(filled) - len(with_table)}/{len(filled)} mục mở bằng trình soạn thảo"
    ]
    if with_table:
        lines.append(f"    giữ ô HTML vì có bảng: {', '.join(with_table)}")
    announcement = Announcement.objects.filter(contest=contest).order_by("pk").first()
    if announcement is not None:
        lines.append(
            "  Trình soạn thảo (thông báo): "
            f"{BASE_URL}{reverse('admin:contests_announcement_change', args=[announcement.pk])}"
        )
    return lines
