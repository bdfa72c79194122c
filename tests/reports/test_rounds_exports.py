"""Excel exports of a contest with rounds: the results of one round or the overall
(cumulative) ranking with its columns, the category column, the prize list of one round
(fresh allocation or published snapshot); the round chosen on the dashboard, a bad one
refused in Vietnamese without a job; the files read back by openpyxl and by LibreOffice."""

from __future__ import annotations

import csv
import io
import subprocess

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from contests.models import PrizeStructure, PrizeTier, Round
from reports.exports import prizes, results
from reports.exports.base import SheetWriter
from reports.models import ExportJob
from reports.services.exports import export_job_create, export_job_run
from reports.services.rollups import rollups_recompute
from scoring.models import ResultsSnapshot
from tests.factories import ContestFactory
from tests.reports.rounds_world import weekly  # noqa: F401  (fixture)
from tests.reports.test_excel_cells import soffice_path  # noqa: F401  (fixture)
from tests.reports.test_views import client_for

HEAD = ["Hạng", "Họ và tên", "Số giấy tờ", "Ngày sinh", "Đơn vị", "Khối", "Nhóm tuổi"]
TAIL = [
    "Dự đoán",
    "Thời gian làm bài (giây)",
    "Thời điểm nộp bài",
    "Số điện thoại",
]


def workbook(writer: SheetWriter):
    buffer = io.BytesIO()
    writer.save(buffer)
    buffer.seek(0)
    return load_workbook(buffer)


def table(ws) -> list[list]:
    return [[c.value for c in row] for row in ws.iter_rows()]


def pick(rows: list[list], *headers: str) -> list[tuple]:
    index = [rows[0].index(h) for h in headers]
    return [tuple(row[i] for i in index) for row in rows[1:]]


def test_results_of_one_round_with_the_category(weekly):  # noqa: F811
    writer = SheetWriter()
    count = results.write(
        writer, contest=weekly.contest, unit=None, full_identity=False, round=weekly.week1
    )
    assert count == 3
    wb = workbook(writer)
    assert wb.sheetnames == ["Kết quả vòng 1"]
    rows = table(wb["Kết quả vòng 1"])
    assert rows[0] == [*HEAD, "Đối tượng", "Số câu đúng", *TAIL]
    assert pick(rows, "Hạng", "Họ và tên", "Đối tượng", "Số câu đúng") == [
        (1, "Trần Thị Lan", "Cán bộ, công chức", 10),
        (2, "Phạm Minh An", None, 10),  # no category: an empty cell
        (3, "Lê Văn Hùng", "Người dân", 7),
    ]


def test_overall_results_with_the_cumulative_columns(weekly):  # noqa: F811
    writer = SheetWriter()
    results.write(writer, contest=weekly.contest, unit=None, full_identity=False)
    wb = workbook(writer)
    assert wb.sheetnames == ["Kết quả"]
    rows = table(wb["Kết quả"])
    assert rows[0] == [
        *HEAD,
        "Đối tượng",
        "Số câu đúng",
        "Tổng số câu đúng các tuần/vòng",
        "Số tuần/vòng đạt điểm tuyệt đối",
        *TAIL,
    ]
    # Ranked by the contest's rule: the sum of each week's best.
    assert pick(
        rows,
        "Hạng",
        "Họ và tên",
        "Số câu đúng",
        "Tổng số câu đúng các tuần/vòng",
        "Số tuần/vòng đạt điểm tuyệt đối",
    ) == [
        (1, "Trần Thị Lan", 10, 18, 1),
        (2, "Lê Văn Hùng", 10, 17, 1),
        (3, "Phạm Minh An", 10, 10, 1),
        (4, "Ngô Thị Hoa", 5, 5, 0),
    ]


def test_a_districts_export_of_a_round_holds_its_people_only(weekly, tree):  # noqa: F811
    writer = SheetWriter()
    results.write(
        writer, contest=weekly.contest, unit=tree["A"], full_identity=False, round=weekly.week2
    )
    rows = table(workbook(writer)["Kết quả vòng 2"])
    assert pick(rows, "Hạng", "Họ và tên") == [(1, "Lê Văn Hùng")]


def test_contest_without_rounds_or_categories_keeps_its_columns(small_contest):
    writer = SheetWriter()
    results.write(writer, contest=small_contest, unit=None, full_identity=False)
    rows = table(workbook(writer)["Kết quả"])
    assert rows[0] == [*HEAD, "Số câu đúng", *TAIL]


def week_prizes(contest, round_):
    structure = PrizeStructure.objects.create(
        contest=contest, round=round_, title=f"Giải {round_.title}"
    )
    PrizeTier.objects.create(
        structure=structure, kind="individual", rank_order=1, name="Nhất", count=1, amount=2_000_000
    )
    PrizeTier.objects.create(
        structure=structure, kind="individual", rank_order=2, name="Nhì", count=1, amount=1_000_000
    )
    return structure


def test_prize_list_of_a_round_from_a_fresh_allocation(weekly):  # noqa: F811
    week_prizes(weekly.contest, weekly.week2)
    overall = PrizeStructure.objects.create(contest=weekly.contest, title="Giải chung")
    PrizeTier.objects.create(
        structure=overall, kind="individual", rank_order=1, name="Nhất", count=1, amount=5_000_000
    )
    writer = SheetWriter()
    prizes.write(writer, contest=weekly.contest, unit=None, round=weekly.week2)
    wb = workbook(writer)
    assert wb.sheetnames == ["Giải vòng 2", "Kinh phí"]
    rows = table(wb["Giải vòng 2"])
    assert pick(rows, "Cơ cấu giải", "Giải", "Người/đơn vị đạt giải", "Trị giá (đồng)") == [
        ("Giải Tuần 2", "Nhất", "Lê Văn Hùng", 2_000_000),
        ("Giải Tuần 2", "Nhì", "Trần Thị Lan", 1_000_000),
        ("Tổng cộng", None, None, 3_000_000),  # empty cells read back as None
    ]
    # The budget of that round's structures only, not the overall prize.
    budget = table(wb["Kinh phí"])
    assert [r[0] for r in budget[1:]] == ["Giải Tuần 2", "Giải Tuần 2", "Tổng kinh phí"]
    assert budget[-1][-1] == 3_000_000


def test_prize_list_of_a_round_from_its_published_snapshot(weekly):  # noqa: F811
    week_prizes(weekly.contest, weekly.week1)
    frozen = {
        "structure": "Giải Tuần 1",
        "unit_scope": "",
        "kind": "individual",
        "tier": "Nhất",
        "position": 1,
        "winner_name": "Tên đã công bố",
        "unit_name": "Sở Giáo dục",
        "amount": 2_000_000,
    }
    ResultsSnapshot.objects.create(
        contest=weekly.contest, round=weekly.week1, version=1, prizes=[frozen], budget=[]
    )
    assert prizes.round_prize_list(contest=weekly.contest, round=weekly.week1) == [frozen]
    # Another round's list is not that snapshot.
    week_prizes(weekly.contest, weekly.week2)
    names = [
        r["winner_name"]
        for r in prizes.round_prize_list(contest=weekly.contest, round=weekly.week2)
    ]
    assert names == ["Lê Văn Hùng", "Trần Thị Lan"]


def csv_of(soffice: str, data: bytes, tmp_path) -> list[list[str]]:
    """The first sheet as LibreOffice shows it (headless conversion to CSV)."""
    source = tmp_path / "export.xlsx"
    source.write_bytes(data)
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run(
        [
            soffice,
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
    with open(tmp_path / "export.csv", encoding="utf-8", newline="") as file:
        return list(csv.reader(file))


def export_via_dashboard(client, contest, **form) -> ExportJob | None:
    before = set(ExportJob.objects.values_list("id", flat=True))
    response = client.post(reverse("reports:export_create", args=[contest.slug]), form)
    assert response.status_code == 302
    job = ExportJob.objects.exclude(id__in=before).first()
    return job


def test_round_exports_chosen_on_the_dashboard_read_in_libreoffice(
    weekly,  # noqa: F811
    organisers,
    soffice_path,  # noqa: F811
    tmp_path,
    django_capture_on_commit_callbacks,
):
    rollups_recompute(contest=weekly.contest)
    week_prizes(weekly.contest, weekly.week1)
    client = client_for(organisers["city"])
    with django_capture_on_commit_callbacks():
        job = export_via_dashboard(client, weekly.contest, kind="results", vong="1", unit="C")
    assert job.round_id == weekly.week1.pk
    job = export_job_run(job_id=job.pk)
    assert job.status == ExportJob.Status.DONE and job.rows_written == 3
    download = client.get(reverse("reports:export_download", args=[job.pk]))
    assert f"-results-vong-1-{job.pk}.xlsx" in download["Content-Disposition"]
    rows = csv_of(soffice_path, b"".join(download.streaming_content), tmp_path)
    assert rows[0][7:9] == ["Đối tượng", "Số câu đúng"]
    assert [(r[0], r[1], r[7], r[8]) for r in rows[1:]] == [
        ("1", "Trần Thị Lan", "Cán bộ, công chức", "10"),
        ("2", "Phạm Minh An", "", "10"),
        ("3", "Lê Văn Hùng", "Người dân", "7"),
    ]
    # The overall ranking (no round chosen) with its cumulative columns.
    with django_capture_on_commit_callbacks():
        job = export_via_dashboard(client, weekly.contest, kind="results", vong="", unit="C")
    assert job.round_id is None
    job = export_job_run(job_id=job.pk)
    rows = csv_of(soffice_path, job.file.open("rb").read(), tmp_path)
    assert rows[0][8:11] == [
        "Số câu đúng",
        "Tổng số câu đúng các tuần/vòng",
        "Số tuần/vòng đạt điểm tuyệt đối",
    ]
    assert [(r[1], r[9], r[10]) for r in rows[1:]] == [
        ("Trần Thị Lan", "18", "1"),
        ("Lê Văn Hùng", "17", "1"),
        ("Phạm Minh An", "10", "1"),
        ("Ngô Thị Hoa", "5", "0"),
    ]
    # Week 1's prize list.
    with django_capture_on_commit_callbacks():
        job = export_via_dashboard(client, weekly.contest, kind="prizes", vong="1", unit="C")
    job = export_job_run(job_id=job.pk)
    rows = csv_of(soffice_path, job.file.open("rb").read(), tmp_path)
    assert [(r[0], r[3], r[5], r[7]) for r in rows[1:]] == [
        # Shown with the "#,##0" format (LibreOffice's default locale groups with commas).
        ("Giải Tuần 1", "Nhất", "Trần Thị Lan", "2,000,000"),
        ("Giải Tuần 1", "Nhì", "Phạm Minh An", "1,000,000"),
        ("Tổng cộng", "", "", "3,000,000"),
    ]


@pytest.mark.parametrize("value", ["7", "abc", "0", "99999999999999999999", "1 OR 1=1"])
def test_a_bad_round_makes_no_job_and_says_why(weekly, organisers, tree, value):  # noqa: F811
    other = ContestFactory(owner_unit=tree["C"], participation_root=tree["C"])
    Round.objects.create(
        contest=other,
        number=7,
        title="Vòng khác",
        opens_at=other.opens_at,
        closes_at=other.closes_at,
    )
    client = client_for(organisers["city"])
    assert export_via_dashboard(client, weekly.contest, kind="results", vong=value) is None
    html = client.get(reverse("reports:dashboard", args=[weekly.contest.slug])).content.decode()
    assert f"Cuộc thi này không có vòng thi “{value}”." in html


def test_the_service_refuses_a_round_of_another_contest(weekly, organisers, tree):  # noqa: F811
    other = ContestFactory(owner_unit=tree["C"], participation_root=tree["C"])
    foreign = Round.objects.create(
        contest=other,
        number=1,
        title="Vòng khác",
        opens_at=other.opens_at,
        closes_at=other.closes_at,
    )
    with pytest.raises(ValidationError) as refused:
        export_job_create(
            user=organisers["city"], contest=weekly.contest, kind="results", round=foreign
        )
    assert refused.value.messages == ["Vòng thi này không thuộc cuộc thi."]
    assert not ExportJob.objects.exists()
    # A kind that is not about a round ignores it.
    job = export_job_create(
        user=organisers["city"], contest=weekly.contest, kind="summary", round=weekly.week1
    )
    assert job.round_id is None


def test_a_district_cannot_export_outside_its_subtree(weekly, organisers):  # noqa: F811
    client = client_for(organisers["a"])
    response = client.post(
        reverse("reports:export_create", args=[weekly.contest.slug]),
        {"kind": "results", "vong": "1", "unit": "B"},
    )
    assert response.status_code == 404
    assert not ExportJob.objects.exists()


def test_summary_workbook_has_categories_and_rounds(weekly, tree):  # noqa: F811
    import datetime

    from reports.exports import summary

    rollups_recompute(contest=weekly.contest)
    writer = SheetWriter()
    summary.write(writer, contest=weekly.contest, unit=tree["C"])
    wb = workbook(writer)
    assert wb.sheetnames == [
        "Tổng hợp",
        "Theo khối",
        "Theo độ tuổi",
        "Theo đối tượng",
        "Theo tuần, vòng",
        "Đơn vị đông nhất",
        "Theo ngày",
    ]
    assert table(wb["Theo đối tượng"])[1:] == [
        ["Cán bộ, công chức", 1, 1, 2, 1],
        ["Người dân", 3, 2, 3, 1],
        ["Chưa xác định đối tượng", 1, 1, 2, 1],
    ]
    rounds = table(wb["Theo tuần, vòng"])
    assert rounds[0] == [
        "Tuần/vòng",
        "Bắt đầu",
        "Kết thúc",
        "Số người dự thi",
        "Số bài dự thi",
        "Số bài đúng tất cả",
        "Điểm trung bình (bài tốt nhất)",
    ]
    assert [r[:6] for r in rounds[1:]] == [
        # A week closing at 0 giờ 08/09 ends on 07/09 ("24 giờ ngày 07/09"), as the pages say.
        ["Tuần 1", datetime.datetime(2023, 9, 1), datetime.datetime(2023, 9, 7), 3, 4, 2],
        ["Tuần 2", datetime.datetime(2023, 9, 8), datetime.datetime(2023, 9, 14), 3, 3, 1],
    ]
