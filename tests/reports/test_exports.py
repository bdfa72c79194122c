"""Workbooks read back with openpyxl: exact values and types, masking per role, text cells
exactly as typed (formula injection impossible), the sheet split, and the full-export log."""

import datetime
import io

import pytest
from django.contrib.auth.models import Permission
from openpyxl import load_workbook

from contests.models import Option, PrizeStructure, PrizeTier, Question, Topic
from participants.models import PersonalDataAccess
from reports.exports import prizes, questions, results, summary, units
from reports.exports.base import Column, SheetWriter
from reports.models import ExportJob
from reports.services.exports import export_job_create, export_job_run
from reports.services.rollups import rollups_recompute
from scoring.models import Attempt
from scoring.services.grading import results_recompute

from .conftest import VN


def results_from_attempts(contest):
    """Result rows rewritten from the attempts changed below, as grading would leave them."""
    results_recompute(registration_ids=contest.registrations.values_list("id", flat=True))


@pytest.fixture
def ranked(small_contest):
    # Give two people distinct durations and a prediction, and a dangerous name.
    reg = small_contest.registrations.get(participant__full_name="Lê Văn Hùng")
    reg.participant.full_name = '=HYPERLINK("http://evil.example","bấm")'
    reg.participant.save()
    Attempt.objects.filter(registration=reg, correct_count=10).update(
        duration_ms=120_500, prediction=1234
    )
    results_from_attempts(small_contest)
    rollups_recompute(contest=small_contest)
    return small_contest


def read(writer: SheetWriter):
    buffer = io.BytesIO()
    writer.save(buffer)
    buffer.seek(0)
    return load_workbook(buffer)


def test_results_masked(ranked, tree):
    writer = SheetWriter()
    count = results.write(writer, contest=ranked, unit=None, full_identity=False)
    assert count == 5
    wb = read(writer)
    assert wb.sheetnames == ["Kết quả"]
    ws = wb["Kết quả"]
    assert ws.freeze_panes == "A2"
    assert [c.value for c in ws[1]] == [
        "Hạng",
        "Họ và tên",
        "Số giấy tờ",
        "Ngày sinh",
        "Đơn vị",
        "Khối",
        "Nhóm tuổi",
        "Số câu đúng",
        "Dự đoán",
        "Thời gian làm bài (giây)",
        "Thời điểm nộp bài",
        "Số điện thoại",
    ]
    # 28 characters as Excel shows it: the file stores the width with the cell's padding
    # (5 px at Calibri 11 = 0.7109375 of a character), as Excel itself writes it.
    assert ws.column_dimensions["B"].width == 28 + 0.7109375
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    # Ranking: 10 correct, shortest duration first (120.5 s beats 300 s), then 10, 10, 6, 5.
    assert [r[0] for r in rows] == [1, 2, 3, 4, 5]
    first = rows[0]
    assert first[1] == '=HYPERLINK("http://evil.example","bấm")'  # as typed, and text
    assert ws["B2"].data_type == "s"
    reg = ranked.registrations.get(participant__full_name__startswith="=HYPERLINK")
    number = reg.document_number
    assert number.startswith("001")
    assert first[2] == f"001*****{number[-4:]}"
    assert ws["C2"].data_type == "s"
    assert first[3] == datetime.datetime(1990, 5, 17, 0, 0)
    assert first[4:9] == ["Phường A1", "Khối quận, huyện", "Từ đủ 18 tuổi trở lên", 10, 1234]
    assert first[9] == 120.5
    assert first[10] == datetime.datetime(2023, 9, 2, 23, 30)  # local time, no time zone
    phone = reg.participant.phone
    national = "0" + phone[3:]
    assert first[11] == national[:3] + "*" * (len(national) - 6) + national[-3:]
    assert [r[7] for r in rows] == [10, 10, 10, 6, 5]


def test_results_full_identity_and_scope(ranked, tree):
    writer = SheetWriter()
    results.write(writer, contest=ranked, unit=tree["A"], full_identity=True)
    rows = [[c.value for c in r] for r in read(writer)["Kết quả"].iter_rows(min_row=2)]
    numbers = set(
        ranked.registrations.filter(unit__path__startswith=tree["A"].path)
        .exclude(results=None)
        .values_list("document_number", flat=True)
    )
    assert {r[2] for r in rows} == numbers  # full, with the leading zeros, as text
    assert all(isinstance(r[2], str) and r[2].startswith("00") for r in rows)
    assert {r[11][:3] for r in rows} == {"+84"}  # E.164 phones, as text, no apostrophe


def test_sheet_split_at_row_limit(ranked):
    writer = SheetWriter(rows_per_sheet=2)
    results.write(writer, contest=ranked, unit=None, full_identity=False)
    wb = read(writer)
    assert wb.sheetnames == ["Kết quả", "Kết quả (2)", "Kết quả (3)"]
    sizes = [wb[name].max_row for name in wb.sheetnames]
    assert sizes == [3, 3, 2]  # header + 2, header + 2, header + 1
    for name in wb.sheetnames:
        assert wb[name]["A1"].value == "Hạng"
        assert wb[name].freeze_panes == "A2"
    assert [wb[n]["A2"].value for n in wb.sheetnames] == [1, 3, 5]


def test_writer_types_and_formats():
    writer = SheetWriter()
    writer.start("Thử", [Column("Số", 10), Column("Tỷ lệ", 10, number_format="0.00%")])
    writer.append(("007", 0.5))
    writer.append((12, None))
    ws = read(writer)["Thử"]
    assert ws["A2"].value == "007" and ws["A2"].data_type == "s"
    assert ws["B2"].value == 0.5 and ws["B2"].number_format == "0.00%"
    assert ws["A3"].value == 12 and ws["A3"].data_type == "n"


def test_units_workbook(ranked, tree):
    writer = SheetWriter()
    units.write(writer, contest=ranked, unit=tree["C"])
    ws = read(writer)["Đơn vị"]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
    assert [r[0] for r in rows] == ["C", "C-D", "C-D-1", "C-Q", "A", "A-1", "A-2", "B", "B-1"]
    assert rows[0] == ["C", "Thành phố", 0, 1000, 6, 5, 9, 3, 0.005]
    assert rows[5] == ["A-1", "      Phường A1", 3, 200, 2, 2, 4, 2, 0.01]
    assert rows[1][3] is None and rows[1][8] is None  # a block without headcount: no rate


def test_summary_workbook(ranked, tree):
    writer = SheetWriter()
    summary.write(writer, contest=ranked, unit=tree["C"])
    wb = read(writer)
    assert wb.sheetnames == [
        "Tổng hợp",
        "Theo khối",
        "Theo độ tuổi",
        "Đơn vị đông nhất",
        "Theo ngày",
    ]
    ws = wb["Tổng hợp"]
    assert ws["B4"].value.startswith("Toàn thành phố có 5 người dự thi; khối Sở, ban, ngành 1;")
    assert [ws.cell(row=r, column=2).value for r in range(5, 9)] == [6, 5, 9, 3]
    blocks = [[c.value for c in r] for r in wb["Theo khối"].iter_rows(min_row=2)]
    assert blocks == [["Khối Sở, ban, ngành", 1, 1, 2, 1], ["Khối quận, huyện", 5, 4, 7, 2]]
    days = [[c.value for c in r] for r in wb["Theo ngày"].iter_rows(min_row=2)]
    assert days[0] == [datetime.datetime(2023, 9, 1), 4, 4, 5, 2]


def test_prizes_workbook_budget(ranked, tree):
    structure = PrizeStructure.objects.create(contest=ranked, title="Giải cấp thành phố")
    PrizeTier.objects.create(
        structure=structure, kind="individual", rank_order=1, name="Nhất", count=1, amount=3_000_000
    )
    PrizeTier.objects.create(
        structure=structure, kind="individual", rank_order=2, name="Nhì", count=2, amount=1_500_000
    )
    writer = SheetWriter()
    prizes.write(writer, contest=ranked, unit=None)
    wb = read(writer)
    budget = [[c.value for c in r] for r in wb["Kinh phí"].iter_rows(min_row=2)]
    assert budget == [
        ["Giải cấp thành phố", "Cá nhân", "Nhất", 1, 3000000, 3000000],
        ["Giải cấp thành phố", "Cá nhân", "Nhì", 2, 1500000, 3000000],
        ["Tổng kinh phí", None, None, None, None, 6000000],
    ]
    listed = [[c.value for c in r] for r in wb["Danh sách giải"].iter_rows(min_row=2)]
    assert listed[-1][0] == "Tổng cộng"
    assert listed[-1][7] == sum(r[7] for r in listed[:-1])
    assert [r[3] for r in listed[:-1]] == ["Nhất", "Nhì", "Nhì"]


def test_questions_workbook(ranked):
    topic = Topic.objects.create(contest=ranked, name="Định danh điện tử")
    q = Question.objects.create(
        contest=ranked, topic=topic, text="=1+1 là gì?", legal_reference="Điều 1"
    )
    for i, text in enumerate(["2", "3", "-1"], start=1):
        Option.objects.create(question=q, position=i, text=text, is_correct=i == 1)
    writer = SheetWriter()
    questions.write(writer, contest=ranked)
    rows = [[c.value for c in r] for r in read(writer)["Câu hỏi"].iter_rows(min_row=1)]
    assert rows[0][:6] == [
        "Chủ đề",
        "Câu hỏi",
        "Phương án A",
        "Phương án B",
        "Phương án C",
        "Đáp án đúng",
    ]
    assert rows[1] == [
        "Định danh điện tử",
        "=1+1 là gì?",
        "2",
        "3",
        "-1",
        "A",
        None,
        "Điều 1",
        "Trung bình",
        "Có",
    ]


def test_full_export_job_is_logged(ranked, organisers, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    user = organisers["city"]
    user.user_permissions.add(
        Permission.objects.get(
            content_type__app_label="participants", codename="view_full_identity"
        )
    )
    user = type(user).objects.get(pk=user.pk)
    job = export_job_create(user=user, contest=ranked, kind="results", full_identity=True)
    assert job.full_identity
    export_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.progress, job.rows_written) == ("done", 100, 5)
    log = PersonalDataAccess.objects.get()
    assert (log.user, log.action) == (user, "export_full")
    assert log.target == f"export:{job.pk} results {ranked.slug} C"
    with job.file.open("rb") as handle:
        wb = load_workbook(handle)
    assert wb["Kết quả"]["C2"].value.startswith("001")
    # A masked export is not logged.
    masked = export_job_create(user=user, contest=ranked, kind="results")
    export_job_run(job_id=masked.pk)
    assert PersonalDataAccess.objects.count() == 1
    # Running a finished job again changes nothing.
    export_job_run(job_id=job.pk)
    assert ExportJob.objects.get(pk=job.pk).status == "done"
    assert PersonalDataAccess.objects.count() == 1


def test_export_run_missing_job_is_quiet(db):
    assert export_job_run(job_id=999_999) is None


def test_generated_contest_results_export_counts(generated):
    contest, report = generated
    rollups_recompute(contest=contest)
    writer = SheetWriter(rows_per_sheet=400)
    count = results.write(writer, contest=contest, unit=None, full_identity=False)
    assert count == report["participants"] == 1000
    wb = read(writer)
    assert wb.sheetnames == ["Kết quả", "Kết quả (2)", "Kết quả (3)"]
    correct = [r[7].value for name in wb.sheetnames for r in wb[name].iter_rows(min_row=2)]
    assert correct == sorted(correct, reverse=True)
    assert VN  # imported for the fixtures' time zone


def test_failed_export_is_marked_failed(ranked, organisers, settings, tmp_path, monkeypatch):
    from reports.services import exports as export_services

    settings.MEDIA_ROOT = str(tmp_path)

    def broken(*args, **kwargs):
        raise RuntimeError("hỏng")

    monkeypatch.setitem(export_services.WRITERS, "units", broken)
    job = export_job_create(user=organisers["city"], contest=ranked, kind="units")
    job = export_job_run(job_id=job.pk)
    assert (job.status, job.error, bool(job.file)) == ("failed", "hỏng", False)
    assert list(tmp_path.rglob("*.xlsx")) == []


def test_results_export_reads_the_ranking_in_pages(ranked, tree, monkeypatch):
    """The export's order is scoring's ranking (`results_ranked`, the prize allocation's
    order), read in pages smaller than the row count; a disqualified person is left out."""
    from scoring.selectors.results import results_ranked
    from scoring.services.disqualification import registration_disqualify
    from tests.conftest import make_organiser

    registration_disqualify(
        registration=ranked.registrations.get(participant__full_name="Ngô Thị Hoa"),
        reason_code="cheating",
        note="Hai tài khoản",
        user=make_organiser(None, "root-export", superuser=True),
    )
    monkeypatch.setattr(results, "CHUNK", 2)
    writer = SheetWriter()
    assert results.write(writer, contest=ranked, unit=None, full_identity=True) == 4
    exported = [r[2].value for r in read(writer)["Kết quả"].iter_rows(min_row=2)]
    expected = list(
        results_ranked(contest=ranked).values_list("registration__document_number", flat=True)
    )
    assert exported == expected
    names = dict(ranked.registrations.values_list("document_number", "participant__full_name"))
    assert [names[n] for n in exported] == [
        '=HYPERLINK("http://evil.example","bấm")',
        "Trần Thị Lan",
        "Phạm Minh An",
        "Đỗ Văn Nam",
    ]


def test_results_age_group_named_from_the_contest_minimum_age(ranked):
    ranked.min_age = 12
    ranked.save(update_fields=["min_age"])
    ranked.registrations.update(age_group="u18")
    writer = SheetWriter()
    results.write(writer, contest=ranked, unit=None, full_identity=False)
    rows = [[c.value for c in r] for r in read(writer)["Kết quả"].iter_rows(min_row=2)]
    assert {r[6] for r in rows} == {"Từ đủ 12 đến dưới 18 tuổi"}
