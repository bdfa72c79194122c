"""A day's official board as a workbook: the units' figures exactly as frozen, then a sheet
naming the version and its hash (so that a printed copy can be checked against the page)."""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _

from contests.models import Contest
from reports.exports.base import Column, SheetWriter
from reports.models import BoardSnapshot


def board_workbook(*, contest: Contest, snapshot: BoardSnapshot) -> bytes:
    writer = SheetWriter()
    writer.start(
        _("Bảng tổng sắp"),
        [
            Column(_("Mã đơn vị"), 16),
            Column(_("Tên đơn vị"), 40),
            Column(_("Cấp"), 6),
            Column(_("Số người (biên chế/dân số)"), 14),
            Column(_("Số người dự thi"), 12),
            Column(_("Số bài dự thi"), 12),
            Column(_("Số bài đúng tất cả"), 12),
            Column(_("Tỷ lệ tham gia"), 10, number_format="0.00%"),
            Column(_("Đạt 100 %"), 10),
        ],
    )
    for u in snapshot.figures["units"]:
        writer.append(
            (
                u["code"],
                # Indented by level, so the tree reads at a glance.
                "  " * u["level"] + u["name"],
                u["level"],
                u["headcount"],
                u["participants"],
                u["attempts"],
                u["perfect_attempts"],
                u["rate"],
                _("Có") if u["complete"] else "",
            )
        )
    writer.start(_("Thông tin"), [Column(_("Mục"), 28), Column(_("Nội dung"), 70)])
    made_at = timezone.localtime(snapshot.made_at).replace(tzinfo=None, microsecond=0)
    writer.extend(
        [
            (_("Cuộc thi"), contest.title),
            (_("Số liệu tính đến"), _("24 giờ ngày %(day)s") % {"day": _day(snapshot)}),
            (_("Phiên bản"), snapshot.version),
            (
                _("Đính chính phiên bản"),
                snapshot.corrects if snapshot.corrects is not None else "",
            ),
            (_("Thời điểm chốt"), made_at),
            (_("Mã băm SHA-256"), snapshot.content_hash),
        ]
    )
    buffer = io.BytesIO()
    writer.save(buffer)
    return buffer.getvalue()


def _day(snapshot: BoardSnapshot) -> str:
    return snapshot.day.strftime("%d/%m/%Y")
