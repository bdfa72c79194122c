"""The summary workbook: the organisers' sentence, the totals, by block, by age group, by
category and by round (for a contest that has them), the most active units of each block and
level, and the days."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from contests.models import Contest, Unit
from contests.templatetags.contest_tags import deadline_day
from reports import selectors
from reports.exports import roster
from reports.exports.base import Column, SheetWriter


def write(writer: SheetWriter, *, contest: Contest, unit: Unit, progress=None, **_kw) -> int:
    figures = selectors.Figures(contest=contest)
    totals = figures.totals(unit)
    writer.start(_("Tổng hợp"), [Column(_("Chỉ tiêu"), 40), Column(_("Số liệu"), 120)])
    writer.append((_("Cuộc thi"), contest.title))
    writer.append((_("Đơn vị"), unit.name))
    writer.append((_("Tóm tắt"), selectors.summary_text(contest=contest, unit=unit, data=figures)))
    writer.append((_("Số người đăng ký"), totals["registrants"]))
    writer.append((_("Số người dự thi"), totals["participants"]))
    writer.append((_("Số bài dự thi"), totals["attempts"]))
    writer.append((_("Số bài trả lời đúng tất cả các câu hỏi"), totals["perfect_attempts"]))
    figure_columns = [
        Column(_("Số người đăng ký"), 14),
        Column(_("Số người dự thi"), 14),
        Column(_("Số bài dự thi"), 14),
        Column(_("Số bài đúng tất cả"), 14),
    ]
    writer.start(_("Theo khối"), [Column(_("Khối"), 36), *figure_columns])
    for b in figures.by_block(unit):
        writer.append(
            (b["name"], b["registrants"], b["participants"], b["attempts"], b["perfect_attempts"])
        )
    writer.start(_("Theo độ tuổi"), [Column(_("Nhóm tuổi"), 36), *figure_columns])
    for a in figures.by_age_group(unit):
        writer.append(
            (a["label"], a["registrants"], a["participants"], a["attempts"], a["perfect_attempts"])
        )
    categories = figures.by_category(unit)
    if categories:
        writer.start(_("Theo đối tượng"), [Column(_("Đối tượng"), 36), *figure_columns])
        for c in categories:
            writer.append(
                (
                    c["name"],
                    c["registrants"],
                    c["participants"],
                    c["attempts"],
                    c["perfect_attempts"],
                )
            )
    rounds = selectors.round_figures(contest=contest, unit=unit)
    if rounds:
        writer.start(
            _("Theo tuần, vòng"),
            [
                Column(_("Tuần/vòng"), 30),
                Column(_("Bắt đầu"), 12),
                Column(_("Kết thúc"), 12),
                *figure_columns[1:],
                Column(_("Điểm trung bình (bài tốt nhất)"), 14),
            ],
        )
        tz = timezone.get_current_timezone()
        for r in rounds:
            writer.append(
                (
                    r["round"].title,
                    r["round"].opens_at.astimezone(tz).date(),
                    # The last day it covers, as the pages say it ("24 giờ ngày dd/mm").
                    deadline_day(r["round"].closes_at),
                    r["participants"],
                    r["attempts"],
                    r["perfect_attempts"],
                    r["mean_best_score"],
                )
            )
    writer.start(
        _("Đơn vị đông nhất"),
        [
            Column(_("Khối"), 30),
            Column(_("Cấp"), 6),
            Column(_("Thứ tự"), 8),
            Column(_("Đơn vị"), 36),
            Column(_("Số người dự thi"), 14),
            Column(_("Tỷ lệ tham gia"), 12, number_format="0.00%"),
        ],
    )
    for group in figures.top_units(unit):
        for i, u in enumerate(group["units"], start=1):
            writer.append(
                (group["block_name"], group["depth"], i, u["name"], u["participants"], u["rate"])
            )
    writer.start(
        _("Theo ngày"),
        [
            Column(_("Ngày"), 12, number_format="dd/mm/yyyy"),
            Column(_("Số người dự thi trong ngày"), 16),
            Column(_("Số người dự thi lần đầu"), 16),
            Column(_("Số bài dự thi"), 14),
            Column(_("Số bài đúng tất cả"), 14),
        ],
    )
    for d in selectors.daily(contest=contest, unit=unit):
        writer.append(
            (
                d["day"],
                d["participants"],
                d["new_participants"],
                d["attempts"],
                d["perfect_attempts"],
            )
        )
    roster.write_targets(writer, contest=contest, unit=unit)  # "Chỉ tiêu", when any is set
    return writer.rows_written
