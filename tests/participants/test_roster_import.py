"""Roster import and match through the services and the real admin: a good file (created,
updated on a second import, matched by CCCD and by phone), a file with several errors (every
one reported with its row, nothing written), conflicts, the template, and scoping (another
district's organiser sees nothing: 404)."""

import datetime
import io

import pytest
from django.test import Client
from openpyxl import Workbook, load_workbook

from participants.models import Participant, RosterEntry
from participants.roster.importing import roster_import_xlsx, roster_template_xlsx
from participants.roster.matching import roster_match
from tests.factories import ContestFactory, ParticipantFactory, RegistrationFactory

HEADER = ["Họ và tên", "Chức vụ", "Số CCCD", "Số điện thoại", "Mã đơn vị"]
VN = datetime.timezone(datetime.timedelta(hours=7))


def xlsx(rows, header=HEADER) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def contest(tree):
    return ContestFactory(
        owner_unit=tree["C"],
        participation_root=tree["C"],
        status="open",
        opens_at=datetime.datetime(2023, 9, 1, tzinfo=VN),
        closes_at=datetime.datetime(2023, 10, 1, tzinfo=VN),
    )


def registered(contest, unit, *, document, phone):
    person = ParticipantFactory(document_number=document, phone=phone)
    return RegistrationFactory(contest=contest, unit=unit, participant=person)


GOOD = [
    ["Nguyễn Văn An", "Chuyên viên", "001087123456", "0912 000 001", "A-1"],
    ["Trần Thị Bình", "", "", "0912000002", "A-1"],  # phone only
    ["Lê Văn Cường", "Phó trưởng phòng", "001.087.123.458", "", "A-2"],
    ["Phạm Thị Dung", "", "001187123459", "+84912000004", "A-2"],
]


def test_good_file_is_imported_and_matched(tree, contest):
    by_doc = registered(contest, tree["A-1"], document="001087123456", phone="+84913000001")
    by_phone = registered(contest, tree["B-1"], document="001090000777", phone="+84912000002")
    report = roster_import_xlsx(contest=contest, data=xlsx(GOOD), within=tree["A"])
    assert report.ok, report.errors
    assert (report.created, report.updated, report.unchanged) == (4, 0, 0)
    rows = {e.full_name: e for e in RosterEntry.objects.filter(contest=contest)}
    assert rows["Nguyễn Văn An"].document_number == "001087123456"
    assert rows["Nguyễn Văn An"].phone == "+84912000001"
    assert rows["Lê Văn Cường"].document_number == "001087123458"
    assert rows["Nguyễn Văn An"].registration_id == by_doc.pk  # its CCCD
    assert rows["Trần Thị Bình"].registration_id == by_phone.pk  # its phone (other unit)
    assert rows["Lê Văn Cường"].registration_id is None
    assert rows["Nguyễn Văn An"].matched_at is not None
    assert rows["Lê Văn Cường"].matched_at is None
    assert (report.match.matched, report.match.by_document, report.match.by_phone) == (2, 1, 1)
    # The same file again, with one position changed: updated in place, nothing duplicated.
    again = [list(r) for r in GOOD]
    again[2][1] = "Trưởng phòng"
    report = roster_import_xlsx(contest=contest, data=xlsx(again), within=tree["A"])
    assert (report.created, report.updated, report.unchanged) == (0, 1, 3)
    assert RosterEntry.objects.filter(contest=contest).count() == 4


def test_file_with_several_errors_reports_every_one_and_writes_nothing(tree, contest):
    RosterEntry.objects.create(
        contest=contest, unit=tree["B-1"], full_name="Người quận B", document_number="001087999999"
    )
    bad = [
        ["Nguyễn Văn An", "", "1087123456", "0912000001", "A-1"],  # leading zero lost
        ["", "", "001087123457", "", "A-1"],  # no name
        ["Lê Văn Cường", "", "", "", "A-2"],  # no key
        ["Phạm Thị Dung", "", "001187123459", "01662345678", "B-1"],  # old prefix, other district
        ["Vũ Văn Em", "", "001187123459", "", "A-1"],  # same CCCD as row 5
        ["Đỗ Thị Gấm", "", "001087999999", "", "A-2"],  # listed by district B already
        ["Hoàng Văn Hải", "", "001087123460", "", "KHONG-CO"],  # unknown unit
    ]
    report = roster_import_xlsx(contest=contest, data=xlsx(bad), within=tree["A"])
    assert not report.ok
    assert report.summary() == "Không nhập được: 8 lỗi, chưa có thay đổi nào được ghi."
    assert report.errors[0].startswith(
        "Dòng 2: số CCCD «1087123456»: Số căn cước (CCCD) phải có 12"
    )
    assert report.errors == [
        report.errors[0],
        "Dòng 3: thiếu họ và tên.",
        "Dòng 4: cần ít nhất số CCCD hoặc số điện thoại để đối chiếu.",
        "Dòng 5: số điện thoại «01662345678»: Đầu số 0166 đã được chuyển thành 036 từ năm "
        "2018. Vui lòng nhập số mới: 0362345678.",
        "Dòng 5: không có đơn vị mã «B-1» trong các đơn vị của cuộc thi mà bạn quản lý (xem "
        "trang «Đơn vị» của tệp mẫu).",
        "Dòng 6: số CCCD trùng với dòng 5.",
        "Dòng 7: người này đã có trong danh sách của một đơn vị khác, ngoài phạm vi bạn quản lý.",
        "Dòng 8: không có đơn vị mã «KHONG-CO» trong các đơn vị của cuộc thi mà bạn quản lý "
        "(xem trang «Đơn vị» của tệp mẫu).",
    ]
    assert RosterEntry.objects.filter(contest=contest).count() == 1  # only district B's


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"not a spreadsheet", "Tệp không phải là bảng tính Excel (.xlsx)."),
        (xlsx([], header=["Tên", "x"]), "Dòng 1: tiêu đề các cột phải là: Họ và tên, Chức vụ"),
        (xlsx([]), "Tệp không có dòng dữ liệu nào (dưới dòng tiêu đề)."),
    ],
)
def test_unusable_files(tree, contest, data, message):
    report = roster_import_xlsx(contest=contest, data=data, within=tree["A"])
    assert len(report.errors) == 1 and report.errors[0].startswith(message)


def test_match_conflicts_and_claims(tree, contest):
    r1 = registered(contest, tree["A-1"], document="001087000001", phone="+84912000011")
    r2 = registered(contest, tree["A-1"], document="001087000002", phone="+84912000012")
    entries = {
        name: RosterEntry.objects.create(
            contest=contest, unit=tree["A-1"], full_name=name, document_number=doc, phone=phone
        )
        for name, doc, phone in [
            ("both agree", "001087000001", "+84912000011"),
            ("two people", "001087000002", "+84912000011"),  # r2's CCCD, r1's phone
            ("phone, other CCCD", "001087000099", "+84912000012"),  # r2's phone, unknown CCCD
            ("nobody", "001087000098", ""),
        ]
    }
    # The person registered in another contest is not a match.
    other = ContestFactory(owner_unit=tree["C"], participation_root=tree["C"])
    RegistrationFactory(contest=other, unit=tree["A-1"], participant=r1.participant)
    report = roster_match(contest=contest)
    got = {name: RosterEntry.objects.get(pk=e.pk).registration_id for name, e in entries.items()}
    assert got == {
        "both agree": r1.pk,
        "two people": None,
        "phone, other CCCD": None,
        "nobody": None,
    }
    assert report.unclear == sorted([entries["two people"].pk, entries["phone, other CCCD"].pk])
    assert "2 người cần kiểm tra lại" in report.summary()
    # A phone-only row claiming r1 loses to the CCCD row; idempotent on a second run.
    phone_only = RosterEntry.objects.create(
        contest=contest, unit=tree["A-2"], full_name="phone only", phone="+84912000011"
    )
    report = roster_match(contest=contest)
    phone_only.refresh_from_db()
    assert phone_only.registration_id is None
    assert RosterEntry.objects.get(pk=entries["both agree"].pk).registration_id == r1.pk
    assert roster_match(contest=contest).changed == 0
    # The person's phone changes: the phone-only row no longer finds anyone, the CCCD row
    # keeps its match; a registration that goes away unlinks its row.
    Participant.objects.filter(pk=r1.participant_id).update(phone="+84912000099")
    r2.results.all().delete()
    RosterEntry.objects.filter(pk=entries["two people"].pk).update(phone="")
    roster_match(contest=contest)
    assert RosterEntry.objects.get(pk=entries["two people"].pk).registration_id == r2.pk


def test_template_lists_the_organisers_units(tree, contest):
    data = roster_template_xlsx(contest=contest, within=tree["A"])
    workbook = load_workbook(io.BytesIO(data))
    assert [c.value for c in workbook.worksheets[0][1]] == HEADER
    units = [row for row in workbook["Đơn vị"].iter_rows(min_row=2, values_only=True)]
    assert units == [("A", "Quận A"), ("A-1", "  Phường A1"), ("A-2", "  Phường A2")]


def test_admin_import_scoping_and_masking(tree, contest, organisers):
    registered(contest, tree["A-1"], document="001087123456", phone="+84913000001")
    client = Client()
    client.force_login(organisers["a"])
    url = "/quan-tri/participants/rosterentry/nhap-tu-excel/"
    page = client.get(url)
    assert page.status_code == 200
    assert "Nhập danh sách người thuộc diện tham gia từ Excel" in page.content.decode()
    upload = io.BytesIO(xlsx(GOOD))
    upload.name = "danh-sach.xlsx"
    response = client.post(url, {"contest": contest.pk, "file": upload}, follow=True)
    text = response.content.decode()
    assert "Đã nhập danh sách: 4 người mới, 0 người được cập nhật, 0 người không đổi." in text
    assert "1 người đã đăng ký dự thi (1 theo số CCCD, 0 theo số điện thoại)" in text
    assert "001*****3456" in text and "001087123456" not in text  # masked
    assert "091****001" in text
    # A bad file: the errors on the page, nothing written.
    bad = io.BytesIO(xlsx([["", "", "", "", "A-1"]]))
    bad.name = "sai.xlsx"
    text = client.post(url, {"contest": contest.pk, "file": bad}).content.decode()
    assert "Không nhập được: 2 lỗi, chưa có thay đổi nào được ghi." in text
    assert "Dòng 2: thiếu họ và tên." in text
    assert RosterEntry.objects.count() == 4
    # District B sees none of them; a row of district A is a 404 for it.
    entry = RosterEntry.objects.first()
    other = Client()
    other.force_login(organisers["b"])
    listing = other.get("/quan-tri/participants/rosterentry/").content.decode()
    assert "Nguyễn Văn An" not in listing
    assert other.get(f"/quan-tri/participants/rosterentry/{entry.pk}/change/").status_code == 404
    # District B cannot import into district A's units either.
    again = io.BytesIO(xlsx(GOOD[:1]))
    again.name = "x.xlsx"
    text = other.post(url, {"contest": contest.pk, "file": again}).content.decode()
    assert "Dòng 2: không có đơn vị mã «A-1» trong các đơn vị của cuộc thi mà bạn quản lý" in text
    # The template download.
    template = client.get(f"/quan-tri/participants/rosterentry/tai-mau/?contest={contest.pk}")
    assert template.status_code == 200
    assert load_workbook(io.BytesIO(template.content))["Đơn vị"]["A2"].value == "A"
