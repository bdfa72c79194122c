"""Targets and rosters in the reports: who has not yet taken part (the list, its counts, the
Excel for the focal point read back with LibreOffice), the targets panel on the dashboard and
the summary, and scoping (another district's organiser: 404)."""

import csv
import datetime
import subprocess

import pytest
from django.test import Client
from django.utils import timezone

from contests.models import UnitTarget
from participants.models import RosterEntry
from participants.roster.matching import roster_match
from reports import selectors_targets
from reports.rules.targets import roster_status
from reports.services.rollups import rollups_recompute
from tests.factories import ContestFactory, ParticipantFactory, RegistrationFactory
from tests.reports.conftest import make_attempt
from tests.reports.test_excel_cells import soffice_path  # noqa: F401  (fixture)


@pytest.fixture
def world(tree):
    now = timezone.now()
    contest = ContestFactory(
        owner_unit=tree["C"],
        participation_root=tree["C"],
        status="open",
        opens_at=now - datetime.timedelta(days=5),
        closes_at=now + datetime.timedelta(days=10),
    )

    def person(unit, doc, phone):
        p = ParticipantFactory(document_number=doc, phone=phone)
        return RegistrationFactory(contest=contest, unit=unit, block=tree["C-Q"], participant=p)

    took = person(tree["A-1"], "001087000001", "+84912000001")
    registered_only = person(tree["A-1"], "001087000002", "+84912000002")
    b_person = person(tree["B-1"], "001087000003", "+84912000003")
    make_attempt(took, 1, 8, finished=now - datetime.timedelta(days=2))
    make_attempt(b_person, 1, 9, finished=now - datetime.timedelta(days=1))
    for name, unit, doc, phone in [
        ("Nguyễn Văn Đã", "A-1", "001087000001", ""),
        ("Trần Thị Đăng Ký", "A-1", "", "+84912000002"),
        ("=Lê Văn Chưa", "A-2", "001087000009", "+84912000009"),  # a formula-looking name
        ("Phạm Quận B", "B-1", "001087000003", ""),
    ]:
        RosterEntry.objects.create(
            contest=contest,
            unit=tree[unit],
            full_name=name,
            position="Chuyên viên",
            document_number=doc,
            phone=phone,
        )
    roster_match(contest=contest)
    UnitTarget.objects.create(contest=contest, unit=tree["A"], percent=1)  # 1 % of 400 = 4
    UnitTarget.objects.create(contest=contest, unit=tree["A-1"], people=1)
    UnitTarget.objects.create(contest=contest, unit=tree["B-1"], people=10)
    rollups_recompute(contest=contest)
    return contest, {"took": took, "registered_only": registered_only}


def test_not_yet_list_and_counts_follow_the_figures_rule(world, tree):
    contest, _people = world
    rows = selectors_targets.roster_not_yet(contest=contest, unit=tree["A"])
    assert [(r["full_name"], r["status"]) for r in rows] == [
        ("Trần Thị Đăng Ký", "registered"),
        ("=Lê Văn Chưa", "not_registered"),
    ]
    counts = selectors_targets.roster_counts_by_unit(contest=contest, unit=tree["A"])
    a1 = counts[tree["A-1"].pk]
    assert (a1.listed, a1.registered, a1.taken_part, a1.not_yet) == (2, 2, 1, 1)
    # The SQL counts agree with the rule applied row by row (graded attempts per person).
    every = RosterEntry.objects.filter(contest=contest, unit__path__startswith=tree["A"].path)
    by_rule = sum(
        roster_status(
            registered=e.registration_id is not None,
            graded_attempts=sum(
                x.graded_attempts
                for x in (e.registration.results.filter(round=None) if e.registration else [])
            ),
        )
        == "taken_part"
        for e in every
    )
    assert by_rule == sum(c.taken_part for c in counts.values()) == 1


def test_targets_progress_and_projection(world, tree):
    contest, _people = world
    rows = {r.code: r for r in selectors_targets.targets_of(contest=contest, unit=tree["C"])}
    assert (rows["A"].target, rows["A"].participants, rows["A"].progress) == (4, 1, 25.0)
    assert rows["A-1"].reached and not rows["A"].reached
    assert (rows["B-1"].target, rows["B-1"].participants) == (10, 1)
    assert rows["A"].projection_status == "open" and rows["A"].projected >= 1
    # District A sees only its own subtree's targets.
    assert [r.code for r in selectors_targets.targets_of(contest=contest, unit=tree["A"])] == [
        "A",
        "A-1",
    ]


def test_pages_and_scoping(world, tree, organisers):
    contest, _people = world
    a = Client()
    a.force_login(organisers["a"])
    page = a.get(f"/bao-cao/{contest.slug}/chua-tham-gia/?unit=A")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Trần Thị Đăng Ký" in text and "Đã đăng ký, chưa làm bài thi" in text
    assert "=Lê Văn Chưa" in text and "Chưa đăng ký dự thi" in text
    assert "Phạm Quận B" not in text and "Nguyễn Văn Đã" not in text
    assert "001*****0009" in text and "001087000009" not in text
    dashboard = a.get(f"/bao-cao/{contest.slug}/?unit=A").content.decode()
    assert "Chỉ tiêu tham gia" in dashboard
    assert "1 đơn vị đạt 100 % chỉ tiêu (trên 2 đơn vị có chỉ tiêu): Phường A1." in dashboard
    assert "Danh sách người thuộc diện tham gia: 3 người, 1 người đã tham gia, 2 người" in dashboard
    summary = a.get(f"/bao-cao/{contest.slug}/tom-tat/?unit=A").content.decode()
    assert "Chỉ tiêu tham gia" in summary
    # District B: district A's unit is a 404 on every roster page, and its own list has only
    # its own person.
    b = Client()
    b.force_login(organisers["b"])
    for url in (
        f"/bao-cao/{contest.slug}/chua-tham-gia/?unit=A",
        f"/bao-cao/{contest.slug}/chua-tham-gia/excel/?unit=A-1",
    ):
        assert b.get(url).status_code == 404
    assert b.post(f"/bao-cao/{contest.slug}/doi-chieu/", {"unit": "A"}).status_code == 404
    own = b.get(f"/bao-cao/{contest.slug}/chua-tham-gia/").content.decode()
    assert "Trần Thị Đăng Ký" not in own
    # Hostile query strings answer, never a 500.
    for junk in ("?unit=%00", "?trang=-1", "?trang=abc&unit=A", "?unit=" + "x" * 500):
        assert a.get(f"/bao-cao/{contest.slug}/chua-tham-gia/{junk}").status_code in (200, 400, 404)


def test_rematch_button_links_new_registrations(world, tree, organisers):
    contest, _people = world
    p = ParticipantFactory(document_number="001087000009", phone="+84912000077")
    RegistrationFactory(contest=contest, unit=tree["A-2"], block=tree["C-Q"], participant=p)
    a = Client()
    a.force_login(organisers["a"])
    response = a.post(f"/bao-cao/{contest.slug}/doi-chieu/", {"unit": "A"}, follow=True)
    expected = (
        "Đã đối chiếu 4 người trong danh sách: 4 người đã đăng ký dự thi (3 theo số CCCD, 1 "
        "theo số điện thoại), 0 người chưa đăng ký."
    )
    assert expected in response.content.decode()
    rows = selectors_targets.roster_not_yet(contest=contest, unit=tree["A"])
    assert [r["status"] for r in rows] == ["registered", "registered"]


def test_export_read_back_with_libreoffice(world, tree, organisers, soffice_path, tmp_path):  # noqa: F811
    contest, _people = world
    a = Client()
    a.force_login(organisers["a"])
    response = a.get(f"/bao-cao/{contest.slug}/chua-tham-gia/excel/?unit=A")
    assert response.status_code == 200
    assert "chua-tham-gia-A.xlsx" in response["Content-Disposition"]
    path = tmp_path / "roster.xlsx"
    path.write_bytes(response.content)
    subprocess.run(
        [
            soffice_path,
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76,1",  # comma, quote, UTF-8, first line
            "--outdir",
            str(tmp_path),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=120,
        env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    with open(tmp_path / "roster.csv", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == [
        "STT",
        "Họ và tên",
        "Chức vụ",
        "Đơn vị",
        "Mã đơn vị",
        "Số CCCD",
        "Số điện thoại",
        "Tình trạng",
    ]
    assert rows[1:] == [
        [
            "1",
            "Trần Thị Đăng Ký",
            "Chuyên viên",
            "Phường A1",
            "A-1",
            "",
            "091****002",
            "Đã đăng ký, chưa làm bài thi",
        ],
        [
            "2",
            "=Lê Văn Chưa",
            "Chuyên viên",
            "Phường A2",
            "A-2",
            "001*****0009",
            "091****009",
            "Chưa đăng ký dự thi",
        ],
    ]


def test_summary_workbook_has_the_targets_sheet(world, tree):
    import io

    from openpyxl import load_workbook

    from reports.exports import summary
    from reports.exports.base import SheetWriter

    contest, _people = world
    writer = SheetWriter()
    summary.write(writer, contest=contest, unit=tree["A"])
    buffer = io.BytesIO()
    writer.save(buffer)
    sheet = load_workbook(io.BytesIO(buffer.getvalue()))["Chỉ tiêu"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[2], r[3], r[5] or "") for r in rows] == [("A", 4, 1, ""), ("A-1", 1, 1, "Có")]
