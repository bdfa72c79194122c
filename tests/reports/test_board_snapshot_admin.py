"""A frozen board day in the admin reads as a table and sentences, not JSON."""

import datetime

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from reports.models import BoardSnapshot
from tests.factories import ContestFactory


def test_board_snapshot_page_shows_figures_and_corrections_as_text(tree, organisers):
    contest = ContestFactory(owner_unit=tree["C"], participation_root=tree["C"])
    unit = {
        "code": "A-1",
        "name": "Phường A1",
        "level": 3,
        "parent": "A",
        "headcount": 2000,
        "participants": 1530,
        "attempts": 2412,
        "perfect_attempts": 301,
        "rate": 0.765,
        "complete": False,
    }
    first = BoardSnapshot.objects.create(
        contest=contest,
        day=datetime.date(2026, 3, 7),
        version=1,
        figures={"contest": contest.slug, "day": "2026-03-07", "units": [unit]},
        content_hash="1" * 64,
        made_at=timezone.now(),
    )
    snapshot = BoardSnapshot.objects.create(
        contest=contest,
        day=datetime.date(2026, 3, 7),
        version=2,
        corrects=first.version,
        figures={"contest": contest.slug, "day": "2026-03-07", "units": [unit]},
        changes=[
            {
                "code": "A-1",
                "name": "Phường A1",
                "field": "participants",
                "before": 1529,
                "after": 1530,
            },
            {"code": "A-1", "name": "Phường A1", "field": "rate", "before": 0.76, "after": 0.765},
            "not a change",
        ],
        content_hash="0" * 64,
        made_at=timezone.now(),
    )
    client = Client(HTTP_ACCEPT_LANGUAGE="vi")
    client.force_login(organisers["city"])
    response = client.get(reverse("admin:reports_boardsnapshot_change", args=[snapshot.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Phường A1: số người dự thi 1.529 → 1.530" in html
    assert "Phường A1: tỷ lệ tham gia 76,0 % → 76,5 %" in html
    row = (
        '<td class="board-figures__level-3">Phường A1</td>\n'
        '    <td class="amount">2.000</td>\n'
        '    <td class="amount">1.530</td>\n'
        '    <td class="amount">76,5 %</td>\n'
        '    <td class="amount">2.412</td>\n'
        '    <td class="amount">301</td>'
    )
    assert row in html
    assert "perfect_attempts" not in html and '"units"' not in html
