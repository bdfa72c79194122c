"""The daily official board (bảng tổng sắp): which days are due, the figures frozen (equal to
a direct count over the raw rows), the hash, once per day, never rewritten, a regrade
published as a correction, the public page (cacheable), its workbook (read by LibreOffice)."""

from __future__ import annotations

import csv
import datetime
import io
import subprocess
from collections import defaultdict

import pytest
from django.conf import settings
from django.contrib import admin
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from contests.models import Contest, Unit
from reports.admin import BoardSnapshotAdmin
from reports.models import BoardSnapshot
from reports.rules.board import board_changes, board_days_due, canonical_json, content_hash
from reports.services.board import (
    board_corrections_publish,
    board_freeze_due,
    boards_freeze_all,
)
from reports.views_public import change_lines
from scoring.models import Attempt
from scoring.services.grading import attempts_grade
from tests.reports.conftest import VN, direct_counts
from tests.reports.test_excel_cells import soffice_path  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

SEP = datetime.date(2023, 9, 1)


def at(day: int, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2023, 9, day, hour, minute, tzinfo=VN)


# --- pure rules -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "hour", "expected"),
    [
        (at(1, 12), 8, []),  # the opening day: nothing finished yet
        (at(2, 7, 59), 8, []),  # day 1's board is due at 8:00 on day 2
        (at(2, 8), 8, [1]),
        (at(3, 0), 0, [1, 2]),  # hour 0: due at midnight
        (at(3, 23), 23, [1, 2]),
        (at(3, 22), 23, [1]),
        (datetime.datetime(2023, 10, 5, 9, tzinfo=VN), 8, list(range(1, 30))),  # ends 29/9
        (at(20, 9), None, []),  # no board hour: no board
    ],
)
def test_days_due(now, hour, expected):
    days = board_days_due(
        opens_at=at(1, 0),
        closes_at=at(30, 0),  # "24 giờ ngày 29/9"
        board_hour=hour,
        now=now,
        tz=datetime.timezone(datetime.timedelta(hours=7)),
    )
    assert days == [datetime.date(2023, 9, d) for d in expected]


def test_hash_is_stable_for_equal_figures_and_changes_with_them():
    a = {"day": "2023-09-01", "units": [{"code": "C", "name": "Thành phố", "participants": 5}]}
    same = {"units": [{"participants": 5, "name": "Thành phố", "code": "C"}], "day": "2023-09-01"}
    other = {"day": "2023-09-01", "units": [{"code": "C", "name": "Thành phố", "participants": 6}]}
    assert canonical_json(a) == canonical_json(same)
    assert canonical_json(a).decode() == (
        '{"day":"2023-09-01","units":[{"code":"C","name":"Thành phố","participants":5}]}'
    )
    assert content_hash(a) == content_hash(same)
    assert content_hash(a) != content_hash(other)
    assert len(content_hash(a)) == 64


def test_changes_list_each_changed_figure():
    before = {"units": [{"code": "C", "name": "Thành phố", "attempts": 9, "rate": 0.005}]}
    after = {
        "units": [
            {"code": "C", "name": "Thành phố", "attempts": 10, "rate": 0.006},
            {"code": "N", "name": "Phường mới", "attempts": 1, "rate": None},
        ]
    }
    changes = board_changes(before, after)
    assert changes == [
        {"code": "C", "name": "Thành phố", "field": "attempts", "before": 9, "after": 10},
        {"code": "C", "name": "Thành phố", "field": "rate", "before": 0.005, "after": 0.006},
        {"code": "N", "name": "Phường mới", "field": "name", "before": None, "after": "Phường mới"},
        {"code": "N", "name": "Phường mới", "field": "attempts", "before": None, "after": 1},
    ]
    assert change_lines(changes) == [
        "Thành phố: số bài dự thi 9 → 10",
        "Thành phố: tỷ lệ tham gia 0,5 % → 0,6 %",
        "Phường mới: tên đơn vị — → Phường mới",
        "Phường mới: số bài dự thi — → 1",
    ]


# --- freezing ---------------------------------------------------------------------------------


def _with_board(contest, hour=8):
    Contest.objects.filter(pk=contest.pk).update(board_hour=hour, status=Contest.Status.PUBLISHED)
    contest.refresh_from_db()
    return contest


def oracle(contest, day: datetime.date) -> dict[str, dict]:
    """Per unit code, people, attempts and perfect attempts up to 24:00 of `day`, counted on
    the raw attempts (tests/reports/conftest.py `direct_counts`)."""
    counts = direct_counts(contest)
    code_of = dict(
        Unit.objects.filter(path__startswith=contest.participation_root.path).values_list(
            "path", "code"
        )
    )
    out = defaultdict(lambda: {"participants": 0, "attempts": 0, "perfect_attempts": 0})
    for path, code in code_of.items():
        out[code]  # every unit, zeros included
        for d, figures in counts["days"][path].items():
            if d <= day:
                out[code]["participants"] += figures["new_participants"]
                out[code]["attempts"] += figures["attempts"]
                out[code]["perfect_attempts"] += figures["perfect_attempts"]
    return dict(out)


def frozen(snapshot) -> dict[str, dict]:
    return {
        u["code"]: {k: u[k] for k in ("participants", "attempts", "perfect_attempts")}
        for u in snapshot.figures["units"]
    }


def test_freeze_equals_direct_counts(small_contest):
    contest = _with_board(small_contest)
    Unit.objects.filter(code="C-D-1").update(headcount=1)  # its one person: 100 %
    result = board_freeze_due(contest=contest, now=at(3, 8, 2))
    assert result == {"frozen": ["2023-09-01", "2023-09-02"], "corrected": []}
    day1 = BoardSnapshot.objects.get(contest=contest, day=SEP)
    day2 = BoardSnapshot.objects.get(contest=contest, day=datetime.date(2023, 9, 2))
    assert frozen(day1) == oracle(contest, SEP)
    assert frozen(day2) == oracle(contest, datetime.date(2023, 9, 2))
    # The figures as published, exactly: tree order, headcount, rate, 100 %.
    rows = [
        (u["code"], u["level"], u["parent"], u["participants"], u["attempts"])
        + (u["perfect_attempts"], u["headcount"], u["rate"], u["complete"])
        for u in day2.figures["units"]
    ]
    assert rows == [
        ("C", 0, None, 5, 9, 3, 1000, 0.005, False),
        ("C-D", 1, "C", 1, 2, 1, None, None, False),
        ("C-D-1", 2, "C-D", 1, 2, 1, 1, 1.0, True),
        ("C-Q", 1, "C", 4, 7, 2, None, None, False),
        ("A", 2, "C-Q", 3, 5, 2, 400, 0.0075, False),
        ("A-1", 3, "A", 2, 4, 2, 200, 0.01, False),
        ("A-2", 3, "A", 1, 1, 0, 200, 0.005, False),
        ("B", 2, "C-Q", 1, 2, 0, 500, 0.002, False),
        ("B-1", 3, "B", 1, 2, 0, 500, 0.002, False),
    ]
    assert day2.figures["contest"] == contest.slug and day2.figures["day"] == "2023-09-02"
    assert day2.version == 1 and day2.corrects is None and day2.changes == []
    assert day2.content_hash == content_hash(day2.figures)
    assert day1.content_hash != day2.content_hash


def test_freeze_equals_direct_counts_on_a_generated_contest(generated):
    contest, _report = generated
    contest = _with_board(contest, hour=6)
    now = contest.closes_at + datetime.timedelta(days=1, hours=7)
    result = board_freeze_due(contest=contest, now=now)
    assert result["frozen"]
    snapshots = BoardSnapshot.objects.filter(contest=contest)
    assert snapshots.count() == len(result["frozen"])
    for snapshot in snapshots:
        assert frozen(snapshot) == oracle(contest, snapshot.day), snapshot.day


def test_freezing_is_idempotent_and_locked(small_contest):
    contest = _with_board(small_contest)
    board_freeze_due(contest=contest, now=at(3, 9))
    before = list(BoardSnapshot.objects.values_list("day", "version", "content_hash", "made_at"))
    assert board_freeze_due(contest=contest, now=at(3, 9, 5)) == {"frozen": [], "corrected": []}
    assert boards_freeze_all(now=at(3, 9, 10)) == {contest.slug: {"frozen": [], "corrected": []}}
    after = list(BoardSnapshot.objects.values_list("day", "version", "content_hash", "made_at"))
    assert after == before
    # Another process holds the lock: this one does not compute, the day stays for it.
    cache.add(f"board-freeze:{contest.pk}", 1, timeout=60)
    try:
        assert board_freeze_due(contest=contest, now=at(4, 9)) == {"frozen": [], "corrected": []}
    finally:
        cache.delete(f"board-freeze:{contest.pk}")
    assert board_freeze_due(contest=contest, now=at(4, 9))["frozen"] == ["2023-09-03"]


def test_beat_freezes_due_contests_only(small_contest, tree):
    contest = _with_board(small_contest)
    # A contest without a board hour is left alone.
    quiet = Contest.objects.create(
        owner_unit=tree["C"],
        participation_root=tree["C"],
        slug="khong-co-bang",
        title="Không công bố bảng",
        opens_at=contest.opens_at,
        closes_at=contest.closes_at,
        status=Contest.Status.PUBLISHED,
    )
    assert boards_freeze_all(now=at(2, 8, 3)) == {
        contest.slug: {"frozen": ["2023-09-01"], "corrected": []}
    }
    assert not BoardSnapshot.objects.filter(contest=quiet).exists()
    assert settings.CELERY_BEAT_SCHEDULE["boards-freeze"] == {
        "task": "reports.tasks.boards_freeze_due",
        "schedule": 300.0,
    }


def test_a_published_version_cannot_be_inserted_twice_nor_skip_a_version(small_contest):
    contest = _with_board(small_contest)
    board_freeze_due(contest=contest, now=at(2, 9))
    first = BoardSnapshot.objects.get(contest=contest)
    common = {
        "contest": contest,
        "day": SEP,
        "figures": {},
        "content_hash": "0" * 64,
        "made_at": at(2, 9),
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        BoardSnapshot.objects.create(version=1, **common)
    with pytest.raises(IntegrityError), transaction.atomic():
        BoardSnapshot.objects.create(version=3, corrects=1, **common)
    with pytest.raises(IntegrityError), transaction.atomic():
        BoardSnapshot.objects.create(version=2, **common)  # a correction names what it corrects
    first.refresh_from_db()
    assert first.content_hash == content_hash(first.figures)
    # The admin shows it read only: no add, change or delete.
    model_admin = BoardSnapshotAdmin(BoardSnapshot, admin.site)
    assert not model_admin.has_add_permission(None)
    assert not model_admin.has_change_permission(None, first)
    assert not model_admin.has_delete_permission(None, first)


def test_regrade_after_publication_is_a_correction_and_never_rewrites_a_day(small_contest):
    contest = _with_board(small_contest)
    board_freeze_due(contest=contest, now=at(3, 9))
    published = {
        s.day: (s.figures, s.content_hash) for s in BoardSnapshot.objects.filter(contest=contest)
    }
    # Nothing changed: nothing to correct.
    assert board_corrections_publish(contest=contest) == []
    # Phạm Minh An's 10/10 of 1/9 is regraded (its questions now count as wrong).
    attempt = Attempt.objects.get(
        contest=contest, registration__participant__full_name="Phạm Minh An", number=1
    )
    assert attempts_grade(attempt_ids=[attempt.pk], regrade=True) == 1
    # The published days are untouched until the next board (3/9 at 8:00 of 4/9).
    assert board_freeze_due(contest=contest, now=at(3, 23)) == {"frozen": [], "corrected": []}
    result = board_freeze_due(contest=contest, now=at(4, 8, 1))
    assert result == {
        "frozen": ["2023-09-03"],
        "corrected": ["2023-09-01/v2", "2023-09-02/v2"],
    }
    for day, (figures, digest) in published.items():
        original = BoardSnapshot.objects.get(contest=contest, day=day, version=1)
        assert (original.figures, original.content_hash) == (figures, digest)
        correction = BoardSnapshot.objects.get(contest=contest, day=day, version=2)
        assert correction.corrects == 1
        assert frozen(correction) == oracle(contest, day)
        assert correction.content_hash == content_hash(correction.figures) != digest
    day1 = BoardSnapshot.objects.get(contest=contest, day=SEP, version=2)
    assert change_lines(day1.changes) == [
        "Thành phố: số bài đúng tất cả 2 → 1",
        "Khối quận, huyện: số bài đúng tất cả 1 → 0",
        "Quận A: số bài đúng tất cả 1 → 0",
        "Phường A1: số bài đúng tất cả 1 → 0",
    ]
    # Once corrected, the same figures are not corrected again.
    assert board_corrections_publish(contest=contest) == []


def test_admin_action_publishes_a_correction_now(small_contest, organisers):
    contest = _with_board(small_contest)
    board_freeze_due(contest=contest, now=at(2, 9))
    Unit.objects.filter(code="A-1").update(headcount=2)  # the roster was wrong: 2 people
    url = reverse("admin:reports_boardsnapshot_changelist")
    snapshot = BoardSnapshot.objects.get(contest=contest)
    data = {"action": "corrections_publish", "_selected_action": [snapshot.pk]}
    # District A does not own the city's contest: it does not even see the board here.
    district = Client()
    district.force_login(organisers["a"])
    assert district.get(url).status_code == 200
    district.post(url, data)
    assert BoardSnapshot.objects.filter(contest=contest).count() == 1
    city = Client()
    city.force_login(organisers["city"])
    response = city.post(url, data, follow=True)
    assert "Đã công bố 1 bản đính chính." in response.content.decode()
    correction = BoardSnapshot.objects.get(contest=contest, version=2)
    assert correction.made_by == organisers["city"]
    assert change_lines(correction.changes) == [
        "Phường A1: số người (biên chế/dân số) 200 → 2",
        "Phường A1: tỷ lệ tham gia 1,0 % → 100,0 %",
    ]
    response = city.post(url, data, follow=True)
    assert (
        "Số liệu của các ngày đã công bố không thay đổi: không có gì để đính chính."
        in response.content.decode()
    )


# --- the public page and the workbook ---------------------------------------------------------


def test_public_page_freezes_on_view_and_is_cacheable(small_contest, organisers):
    contest = _with_board(small_contest)
    Unit.objects.filter(code="C-D-1").update(headcount=1)
    url = reverse("board:latest", args=[contest.slug])
    assert url == f"/bang-tong-sap/{contest.slug}/"
    response = Client().get(url)
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=60"
    # Today is long after the contest: every day up to 29/9 was frozen by this view.
    assert BoardSnapshot.objects.filter(contest=contest).count() == 29
    html = response.content.decode()
    latest = BoardSnapshot.objects.get(contest=contest, day=datetime.date(2023, 9, 29))
    assert "Số liệu tính đến 24 giờ ngày 29/09/2023." in html
    assert "phiên bản 1" in html
    assert latest.content_hash in html
    assert "Tỷ lệ tham gia: <strong>0,5 %</strong> (5/1.000 người)." in html
    assert "Đơn vị có 100 % người tham gia (1)" in html
    assert "<li>Sở Giáo dục (1/1)</li>" in html
    assert "Số người dự thi theo đơn vị" in html and "Tỷ lệ tham gia theo đơn vị (%)" in html
    assert "Ngày 01/09/2023, phiên bản 1" in html
    assert reverse("board:download", args=[contest.slug, "2023-09-29", 1]) in html
    # A logged-in visitor's page carries a CSRF token: private.
    logged_in = Client()
    logged_in.force_login(organisers["city"])
    assert logged_in.get(url)["Cache-Control"] == "private, no-cache"


def test_public_page_shows_a_correction(small_contest):
    contest = _with_board(small_contest)
    board_freeze_due(contest=contest, now=at(2, 9))
    attempt = Attempt.objects.get(
        contest=contest, registration__participant__full_name="Phạm Minh An", number=1
    )
    attempts_grade(attempt_ids=[attempt.pk], regrade=True)
    board_corrections_publish(contest=contest)
    html = Client().get(reverse("board:day", args=[contest.slug, "2023-09-01"])).content.decode()
    assert "Phiên bản 2 đính chính phiên bản 1 của ngày này." in html
    assert "<li>Phường A1: số bài đúng tất cả 1 → 0</li>" in html
    original = Client().get(reverse("board:version", args=[contest.slug, "2023-09-01", 1]))
    text = original.content.decode()
    assert original.status_code == 200
    assert "Phiên bản này đã được đính chính." in text
    assert BoardSnapshot.objects.get(contest=contest, day=SEP, version=1).content_hash in text


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/bang-tong-sap/khong-co/", "Cuộc thi này không công bố bảng tổng sắp."),
        (
            "/bang-tong-sap/{slug}/2023-13-45/",
            "Ngày “2023-13-45” không hợp lệ (dạng năm-tháng-ngày, ví dụ 2023-09-02).",
        ),
        (
            "/bang-tong-sap/{slug}/2022-01-01/",
            "Không có bảng tổng sắp của ngày hoặc phiên bản này.",
        ),
        (
            "/bang-tong-sap/{slug}/2023-09-01/phien-ban-9/",
            "Không có bảng tổng sắp của ngày hoặc phiên bản này.",
        ),
        (
            "/bang-tong-sap/{slug}/x/phien-ban-1/tai-ve/",
            "Không có bảng tổng sắp của ngày hoặc phiên bản này.",
        ),
    ],
)
def test_bad_addresses_get_a_vietnamese_message(small_contest, path, message):
    contest = _with_board(small_contest)
    response = Client().get(path.format(slug=contest.slug))
    assert response.status_code == 404
    assert message in response.content.decode()


def test_no_board_for_a_draft_or_without_a_board_hour(small_contest):
    url = reverse("board:latest", args=[small_contest.slug])
    Contest.objects.filter(pk=small_contest.pk).update(status=Contest.Status.PUBLISHED)
    assert Client().get(url).status_code == 404  # no board hour
    Contest.objects.filter(pk=small_contest.pk).update(board_hour=8, status=Contest.Status.DRAFT)
    assert Client().get(url).status_code == 404
    assert not BoardSnapshot.objects.exists()


def test_workbook_holds_the_frozen_figures(small_contest, soffice_path, tmp_path):  # noqa: F811
    contest = _with_board(small_contest)
    Unit.objects.filter(code="C-D-1").update(headcount=1)
    board_freeze_due(contest=contest, now=at(3, 9))
    snapshot = BoardSnapshot.objects.get(contest=contest, day=datetime.date(2023, 9, 2))
    response = Client().get(reverse("board:download", args=[contest.slug, "2023-09-02", 1]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="bang-tong-sap-{contest.slug}-2023-09-02-v1.xlsx"'
    )
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Bảng tổng sắp", "Thông tin"]
    info = [[c.value for c in row] for row in workbook["Thông tin"].iter_rows()]
    assert info[1:4] == [
        ["Cuộc thi", contest.title],
        ["Số liệu tính đến", "24 giờ ngày 02/09/2023"],
        ["Phiên bản", 1],
    ]
    assert info[6] == ["Mã băm SHA-256", snapshot.content_hash]
    source = tmp_path / "board.xlsx"
    source.write_bytes(response.content)
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run(
        [
            soffice_path,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76,1",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    with open(tmp_path / "board.csv", encoding="utf-8", newline="") as file:
        rows = list(csv.reader(file))
    assert rows == [
        [
            "Mã đơn vị",
            "Tên đơn vị",
            "Cấp",
            "Số người (biên chế/dân số)",
            "Số người dự thi",
            "Số bài dự thi",
            "Số bài đúng tất cả",
            "Tỷ lệ tham gia",
            "Đạt 100 %",
        ],
        ["C", "Thành phố", "0", "1000", "5", "9", "3", "0.50%", ""],
        ["C-D", "  Khối Sở, ban, ngành", "1", "", "1", "2", "1", "", ""],
        ["C-D-1", "    Sở Giáo dục", "2", "1", "1", "2", "1", "100.00%", "Có"],
        ["C-Q", "  Khối quận, huyện", "1", "", "4", "7", "2", "", ""],
        ["A", "    Quận A", "2", "400", "3", "5", "2", "0.75%", ""],
        ["A-1", "      Phường A1", "3", "200", "2", "4", "2", "1.00%", ""],
        ["A-2", "      Phường A2", "3", "200", "1", "1", "0", "0.50%", ""],
        ["B", "    Quận B", "2", "500", "1", "2", "0", "0.20%", ""],
        ["B-1", "      Phường B1", "3", "500", "1", "2", "0", "0.20%", ""],
    ]


def test_contest_page_links_to_the_board_only_when_there_is_one(small_contest):
    Contest.objects.filter(pk=small_contest.pk).update(status=Contest.Status.PUBLISHED)
    url = reverse("contests:contest_detail", args=[small_contest.slug])
    link = f'href="/bang-tong-sap/{small_contest.slug}/">Bảng tổng sắp hằng ngày</a>'
    cache.clear()
    assert link not in Client().get(url).content.decode()
    Contest.objects.filter(pk=small_contest.pk).update(board_hour=8)
    cache.clear()
    assert link in Client().get(url).content.decode()


def test_demo_contest_has_a_board_frozen_on_view(db):
    from django.core.management import call_command
    from django.utils import timezone

    from devdata.services.demo import DEMO_SLUG

    call_command("seed_demo")
    contest = Contest.objects.get(slug=DEMO_SLUG)
    assert contest.board_hour == 6
    html = Client().get(reverse("board:latest", args=[DEMO_SLUG])).content.decode()
    first = timezone.localdate(contest.opens_at) + datetime.timedelta(days=1)
    assert (
        f"Chưa có bảng tổng sắp. Bảng đầu tiên được công bố lúc 6 giờ ngày "
        f"{first.strftime('%d/%m/%Y')}." in html
    )
    tomorrow = timezone.make_aware(datetime.datetime.combine(first, datetime.time(6, 1)))
    opening_day = timezone.localdate(contest.opens_at).isoformat()
    assert board_freeze_due(contest=contest, now=tomorrow)["frozen"] == [opening_day]
